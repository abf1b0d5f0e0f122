//! Queries of disclosures (placeholder: filled by the query-layer move).
