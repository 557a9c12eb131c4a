//! JSON matchers of `expect.json`: a literal (equality) or a matcher map
//! (`{type: array, length: 2}`), per JSONPath, in the order written.

use regex::Regex;
use std::fmt;

use serde::de::value::SeqAccessDeserializer;
use serde::de::{DeserializeSeed, Error as _, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::{Number, Value as Json};

use super::expect::{JsonPath, compile_regex, did_you_mean};
use super::json_schema::CompiledSchema;
use crate::wire::value::describe;

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
    /// Bounds are kept as written: integers beyond 2^53 compare exactly.
    Gt(Number),
    Gte(Number),
    Lt(Number),
    Lte(Number),
    OneOf(Vec<Json>),
    /// `empty: true`: "", [], {} or null; `empty: false`: anything else.
    Empty(bool),
    /// How many nodes the path selects (0 when it selects nothing): one
    /// array node `[a, b]` counts 1, the two nodes `a`, `b` count 2.
    Count(usize),
    /// `schema: {...}`, or `schema_file: PATH` once the loader has read it:
    /// the value is valid against this JSON Schema.
    Schema(SchemaMatcher),
    /// `schema_file: PATH` (relative to the suite) before the loader reads
    /// and compiles it.
    SchemaFile(String),
}

/// A compiled JSON Schema, and the file it came from (`None`: written
/// inline under `schema:`).
#[derive(Debug, Clone)]
pub struct SchemaMatcher {
    pub compiled: std::sync::Arc<CompiledSchema>,
    pub file: Option<String>,
}

impl Matcher {
    pub const KEYWORDS: [&'static str; 15] = [
        "equals",
        "exists",
        "type",
        "matches",
        "contains",
        "length",
        "gt",
        "gte",
        "lt",
        "lte",
        "one_of",
        "empty",
        "count",
        "schema",
        "schema_file",
    ];

    /// The key this matcher is written under (`equals` for a literal).
    pub fn keyword(&self) -> &'static str {
        match self {
            Matcher::Equals(_) => "equals",
            Matcher::Exists(_) => "exists",
            Matcher::Type(_) => "type",
            Matcher::Matches(_) => "matches",
            Matcher::Contains(_) => "contains",
            Matcher::Length(_) => "length",
            Matcher::Gt(_) => "gt",
            Matcher::Gte(_) => "gte",
            Matcher::Lt(_) => "lt",
            Matcher::Lte(_) => "lte",
            Matcher::OneOf(_) => "one_of",
            Matcher::Empty(_) => "empty",
            Matcher::Count(_) => "count",
            Matcher::Schema(SchemaMatcher { file: None, .. }) => "schema",
            Matcher::Schema(_) | Matcher::SchemaFile(_) => "schema_file",
        }
    }

    /// Reads a matcher map such as `{type: array, length: 2}`, or a literal
    /// (anything but a map: a map is always matchers; `{equals: {...}}`
    /// compares with an object).
    pub fn parse_all(value: Json) -> Result<Vec<Matcher>, String> {
        let Json::Object(map) = &value else {
            return Ok(vec![Matcher::Equals(value)]);
        };
        if map.is_empty() {
            return Err(EMPTY.to_owned());
        }
        map.iter().map(|(k, v)| Self::parse_one(k, v)).collect()
    }

    fn parse_one(key: &str, v: &Json) -> Result<Matcher, String> {
        let number = |v: &Json| {
            v.as_number()
                .cloned()
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
            "count" => Matcher::Count(v.as_u64().ok_or_else(|| {
                format!(
                    "`count` expects a whole number of nodes, found {}",
                    describe(v)
                )
            })? as usize),
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
            "schema" => Matcher::Schema(SchemaMatcher {
                compiled: CompiledSchema::compile(v)?,
                file: None,
            }),
            "schema_file" => match v {
                Json::String(path) if !path.trim().is_empty() => Matcher::SchemaFile(path.clone()),
                other => {
                    return Err(format!(
                        "`schema_file` expects a path (relative to the suite) to a .json, \
                         .yaml or .yml file, found {}",
                        describe(other)
                    ));
                }
            },
            other => {
                return Err(format!(
                    "unknown matcher `{other}`{}; matchers are {}; to compare with an object, \
                     write `{{equals: {{...}}}}`",
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

/// An empty map: neither matchers nor (any more) an object literal.
const EMPTY: &str = "an empty matcher map; give matchers such as `{type: object}`, or compare \
                     with an empty object: `{equals: {}}`";

// Read entry by entry (and matcher by matcher), so that an error names its
// JSONPath and matcher key, and is shown at that line.
impl<'de> Deserialize<'de> for JsonChecks {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(ChecksVisitor)
    }
}

struct ChecksVisitor;

impl<'de> Visitor<'de> for ChecksVisitor {
    type Value = JsonChecks;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a map from JSONPath to a value or a matcher map")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<JsonChecks, A::Error> {
        let mut checks = Vec::new();
        while let Some(path) = map.next_key::<String>()? {
            checks.push(map.next_value_seed(EntrySeed(&path))?);
        }
        Ok(JsonChecks(checks))
    }
}

/// One `JSONPath: literal-or-matchers` entry.
struct EntrySeed<'a>(&'a str);

impl<'de> DeserializeSeed<'de> for EntrySeed<'_> {
    type Value = (JsonPath, Vec<Matcher>);

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        let path = JsonPath::parse(self.0).map_err(D::Error::custom)?;
        let matchers = d.deserialize_any(MatchersVisitor)?;
        Ok((path, matchers))
    }
}

/// A literal (anything but a map), or a map of matchers.
struct MatchersVisitor;

impl MatchersVisitor {
    fn literal<E>(value: Json) -> Result<Vec<Matcher>, E> {
        Ok(vec![Matcher::Equals(value)])
    }
}

impl<'de> Visitor<'de> for MatchersVisitor {
    type Value = Vec<Matcher>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a value or a matcher map")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Self::literal(Json::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Self::literal(Json::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Self::literal(Json::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Self::literal(Json::from(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Self::literal(Json::from(v))
    }

    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Self::literal(Json::String(v))
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Self::literal(Json::Null)
    }

    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Self::literal(Json::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        Self::literal(Json::deserialize(SeqAccessDeserializer::new(seq))?)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut matchers = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            matchers.push(map.next_value_seed(MatcherSeed(&key))?);
        }
        if matchers.is_empty() {
            return Err(A::Error::custom(EMPTY));
        }
        Ok(matchers)
    }
}

/// The value of one matcher key (`type: string`).
struct MatcherSeed<'a>(&'a str);

impl<'de> DeserializeSeed<'de> for MatcherSeed<'_> {
    type Value = Matcher;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Matcher, D::Error> {
        let value = Json::deserialize(d)?;
        Matcher::parse_one(self.0, &value).map_err(D::Error::custom)
    }
}
