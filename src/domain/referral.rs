//! The referral states (placeholder: filled by the typed-states move).
