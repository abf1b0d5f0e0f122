//! Pages of campaigns (placeholder: filled by the room-per-noun move).
