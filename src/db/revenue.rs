//! Queries of revenue (placeholder: filled by the query-layer move).
