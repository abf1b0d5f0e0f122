//! Queries of referrals (placeholder: filled by the query-layer move).
