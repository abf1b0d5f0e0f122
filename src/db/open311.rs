//! Queries of open311 (placeholder: filled by the query-layer move).
