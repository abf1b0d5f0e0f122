//! The reassessment states (placeholder: filled by the typed-states move).
