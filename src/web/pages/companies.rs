//! Pages of companies (placeholder: filled by the room-per-noun move).
