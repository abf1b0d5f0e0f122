//! What a save changed: the audit diff of a record and the outcome of writing it. A leaf module:
//! every registry service uses it, it uses none.

use serde::Serialize;
use serde_json::{Value, json};

/// Top-level keys whose values differ, as {key: [before, after]}.
pub fn changes(before: &Value, after: &Value) -> Value {
    let mut out = serde_json::Map::new();
    if let (Value::Object(b), Value::Object(a)) = (before, after) {
        for (k, av) in a {
            let bv = b.get(k).unwrap_or(&Value::Null);
            if bv != av {
                out.insert(k.clone(), json!([bv, av]));
            }
        }
    }
    Value::Object(out)
}

/// What an import or a save did to one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    Created,
    Updated,
    Unchanged,
}
