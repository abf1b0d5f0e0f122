//! Pages of dismissals (placeholder: filled by the room-per-noun move).
