//! Pages of departments (placeholder: filled by the room-per-noun move).
