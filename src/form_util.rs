//! Serde helpers for HTML forms, where an empty field means "none".

use serde::{Deserialize, Deserializer};

/// Deserializes "" (or absence) as `None` and digits as `Some(i64)`; numbers pass too (JSON).
pub fn opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum V {
        N(i64),
        S(String),
    }
    match Option::<V>::deserialize(d)? {
        None => Ok(None),
        Some(V::N(n)) => Ok(Some(n)),
        Some(V::S(s)) if s.trim().is_empty() => Ok(None),
        Some(V::S(s)) => s.trim().parse().map(Some).map_err(serde::de::Error::custom),
    }
}

/// Deserializes "" (or absence) as `None`.
pub fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<String>::deserialize(d)?.map(|s| s.trim().to_string()).filter(|s| !s.is_empty()))
}
