//! Pages of communities (placeholder: filled by the room-per-noun move).
