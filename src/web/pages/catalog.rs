//! Pages of catalog (placeholder: filled by the room-per-noun move).
