//! Queries of escalations (placeholder: filled by the query-layer move).
