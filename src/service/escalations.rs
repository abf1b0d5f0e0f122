//! Use cases of escalations (placeholder).
