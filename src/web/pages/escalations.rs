//! Pages of escalations (placeholder: filled by the room-per-noun move).
