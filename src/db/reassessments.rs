//! Queries of reassessments (placeholder: filled by the query-layer move).
