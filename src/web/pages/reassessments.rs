//! Pages of reassessments (placeholder: filled by the room-per-noun move).
