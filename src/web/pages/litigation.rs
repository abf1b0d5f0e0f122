//! Pages of litigation (placeholder: filled by the room-per-noun move).
