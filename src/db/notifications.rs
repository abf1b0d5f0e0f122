//! Queries of notifications (placeholder: filled by the query-layer move).
