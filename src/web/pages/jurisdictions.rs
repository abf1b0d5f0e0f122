//! Pages of jurisdictions (placeholder: filled by the room-per-noun move).
