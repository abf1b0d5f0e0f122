//! Queries of holidays (placeholder: filled by the query-layer move).
