//! JSON matchers of `expect.json`: a literal (equality) or a matcher map
//! (`{type: array, length: 2}`), per JSONPath, in the order written.

use indexmap::IndexMap;
use regex::Regex;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer};
use serde_json::Value as Json;

use super::expect::{JsonPath, compile_regex, describe, did_you_mean};

/// JSON types for the `type` matcher.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonType {
    String,
    Number,
    Integer,
    Boolean,
    Array,
    Object,
    Null,
}

impl JsonType {
    const NAMES: [&'static str; 7] = [
        "string", "number", "integer", "boolean", "array", "object", "null",
    ];

    fn parse(name: &str) -> Result<Self, String> {
        Ok(match name {
            "string" => JsonType::String,
            "number" => JsonType::Number,
            "integer" => JsonType::Integer,
            "boolean" => JsonType::Boolean,
            "array" => JsonType::Array,
            "object" => JsonType::Object,
            "null" => JsonType::Null,
            other => {
                return Err(format!(
                    "unknown type `{other}`{}, expected one of {}",
                    did_you_mean(other, &Self::NAMES),
                    Self::NAMES.join(", ")
                ));
            }
        })
    }

    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    pub fn of(value: &Json) -> &'static str {
        match value {
            Json::Null => "null",
            Json::Bool(_) => "boolean",
            Json::Number(n) if n.is_i64() || n.is_u64() => "integer",
            Json::Number(_) => "number",
            Json::String(_) => "string",
            Json::Array(_) => "array",
            Json::Object(_) => "object",
        }
    }

    pub fn matches(self, value: &Json) -> bool {
        match self {
            JsonType::Number => value.is_number(),
            other => Self::of(value) == other.name(),
        }
    }
}

/// One check of the values a JSONPath selects.
#[derive(Debug, Clone)]
pub enum Matcher {
    /// A literal: the value must be equal (templates rendered at run time).
    Equals(Json),
    Exists(bool),
    Type(JsonType),
    Matches(Regex),
    Contains(Json),
    Length(usize),
    Gt(f64),
    Gte(f64),
    Lt(f64),
    Lte(f64),
    OneOf(Vec<Json>),
    /// `empty: true`: "", [], {} or null; `empty: false`: anything else.
    Empty(bool),
}

impl Matcher {
    pub const KEYWORDS: [&'static str; 12] = [
        "equals", "exists", "type", "matches", "contains", "length", "gt", "gte", "lt", "lte",
        "one_of", "empty",
    ];

    /// Reads a matcher map such as `{type: array, length: 2}` or a literal.
    pub fn parse_all(value: Json) -> Result<Vec<Matcher>, String> {
        let Json::Object(map) = &value else {
            return Ok(vec![Matcher::Equals(value)]);
        };
        if !map.keys().any(|k| Self::KEYWORDS.contains(&k.as_str())) {
            return Ok(vec![Matcher::Equals(value)]);
        }
        map.iter().map(|(k, v)| Self::parse_one(k, v)).collect()
    }

    fn parse_one(key: &str, v: &Json) -> Result<Matcher, String> {
        let number = |v: &Json| {
            v.as_f64()
                .ok_or_else(|| format!("`{key}` expects a number, found {}", describe(v)))
        };
        Ok(match key {
            "equals" => Matcher::Equals(v.clone()),
            "exists" => {
                Matcher::Exists(v.as_bool().ok_or_else(|| {
                    format!("`exists` expects true or false, found {}", describe(v))
                })?)
            }
            "empty" => {
                Matcher::Empty(v.as_bool().ok_or_else(|| {
                    format!("`empty` expects true or false, found {}", describe(v))
                })?)
            }
            "type" => Matcher::Type(JsonType::parse(v.as_str().unwrap_or_default())?),
            "matches" => Matcher::Matches(compile_regex(v.as_str().ok_or_else(|| {
                format!("`matches` expects a regex string, found {}", describe(v))
            })?)?),
            "contains" => Matcher::Contains(v.clone()),
            "length" => {
                Matcher::Length(v.as_u64().ok_or_else(|| {
                    format!("`length` expects a whole number, found {}", describe(v))
                })? as usize)
            }
            "gt" => Matcher::Gt(number(v)?),
            "gte" => Matcher::Gte(number(v)?),
            "lt" => Matcher::Lt(number(v)?),
            "lte" => Matcher::Lte(number(v)?),
            "one_of" => match v {
                Json::Array(items) => Matcher::OneOf(items.clone()),
                other => {
                    return Err(format!(
                        "`one_of` expects a list, found {}",
                        describe(other)
                    ));
                }
            },
            other => {
                return Err(format!(
                    "unknown matcher `{other}`{}; matchers are {} (to compare with a map that \
                     has such keys, use `equals:`)",
                    did_you_mean(other, &Self::KEYWORDS),
                    Self::KEYWORDS.join(", ")
                ));
            }
        })
    }
}

/// `expect.json`: JSONPath -> matchers, in the order written.
#[derive(Debug, Clone, Default)]
pub struct JsonChecks(pub Vec<(JsonPath, Vec<Matcher>)>);

impl<'de> Deserialize<'de> for JsonChecks {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let map = IndexMap::<String, Json>::deserialize(d)?;
        let mut checks = Vec::with_capacity(map.len());
        for (path, value) in map {
            let parsed = JsonPath::parse(&path).map_err(D::Error::custom)?;
            let matchers =
                Matcher::parse_all(value).map_err(|e| D::Error::custom(format!("{path}: {e}")))?;
            checks.push((parsed, matchers));
        }
        Ok(JsonChecks(checks))
    }
}
