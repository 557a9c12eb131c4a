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

/// An integer (any i64 or u64) against a float, exactly: the integer is not
/// rounded to a float first, so 64-bit ids beyond 2^53 compare right.
pub fn int_float_cmp(int: i128, float: f64) -> Option<std::cmp::Ordering> {
    use std::cmp::Ordering;
    if float.is_nan() {
        return None;
    }
    // Every i64/u64 is within ±2^64; a float beyond that is beyond them all.
    const LIMIT: f64 = 18_446_744_073_709_551_616.0;
    if float >= LIMIT {
        return Some(Ordering::Less);
    }
    if float <= -LIMIT {
        return Some(Ordering::Greater);
    }
    // Within ±2^64 the integer part of a float is exact as an i128.
    let whole = float.trunc();
    match int.cmp(&(whole as i128)) {
        Ordering::Equal if float > whole => Some(Ordering::Less),
        Ordering::Equal if float < whole => Some(Ordering::Greater),
        other => Some(other),
    }
}
