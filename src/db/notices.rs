//! Queries of notices (placeholder: filled by the query-layer move).
