//! Queries of surveys (placeholder: filled by the query-layer move).
