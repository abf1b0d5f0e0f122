//! Pages of notices (placeholder: filled by the room-per-noun move).
