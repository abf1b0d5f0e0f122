//! Queries of dismissals (placeholder: filled by the query-layer move).
