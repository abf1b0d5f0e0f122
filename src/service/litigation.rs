//! Use cases of litigation (placeholder).
