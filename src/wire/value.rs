//! How a JSON value is named in messages.

use serde_json::Value as Json;

/// A short description of a value's type, for error messages.
pub fn describe(value: &Json) -> String {
    match value {
        Json::Null => "null".into(),
        Json::Bool(b) => format!("boolean `{b}`"),
        Json::Number(n) => format!("number `{n}`"),
        Json::String(s) => format!("string `{s}`"),
        Json::Array(_) => "a list".into(),
        Json::Object(_) => "a map".into(),
    }
}
