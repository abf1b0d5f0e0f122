//! Pages of notifications (placeholder: filled by the room-per-noun move).
