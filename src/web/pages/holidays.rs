//! Pages of holidays (placeholder: filled by the room-per-noun move).
