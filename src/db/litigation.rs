//! Queries of litigation (placeholder: filled by the query-layer move).
