//! The value types of expectations and captures, each read from YAML with a
//! message that says what was expected: status patterns, header checks,
//! JSONPath matchers, snapshot settings, durations.

use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;
use std::time::Duration;

use indexmap::IndexMap;
use jsonpath_rust::parser::model::JpQuery;
use regex::Regex;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer};
use serde_json::Value as Json;

/// A hand-written schema for a type with a custom `Deserialize`.
macro_rules! schema {
    ($ty:ty, $name:literal, $schema:tt) => {
        impl JsonSchema for $ty {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                $name.into()
            }

            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!($schema)
            }
        }
    };
}

const STATUS: &str = "^[1-5]([0-9][0-9]|xx|XX)$";

schema!(Dur, "Duration", {
    "description": "A duration such as 500ms, 2s or 1m.",
    "type": "string"
});
schema!(JsonPath, "JsonPath", {
    "description": "A JSONPath (RFC 9535), e.g. $.items[0].id",
    "type": "string",
    "pattern": "^\\$"
});
impl JsonSchema for StatusExpect {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Status".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let one = serde_json::json!({"anyOf": [
            {"type": "integer", "minimum": 100, "maximum": 599},
            {"type": "string", "pattern": STATUS}
        ]});
        let set =
            serde_json::json!({"anyOf": [one, {"type": "array", "items": one, "minItems": 1}]});
        json_schema!({
            "description": "A status (200), a class (2xx), a list of those, or a map from identity (or none) to those: the authorization matrix.",
            "anyOf": [set, {"type": "object", "additionalProperties": set, "minProperties": 1}]
        })
    }
}

schema!(HeaderExpect, "HeaderExpect", {
    "description": "An exact header value, or {matches: REGEX}.",
    "anyOf": [
        {"type": ["string", "number"]},
        {"type": "object", "properties": {"matches": {"type": "string"}}, "required": ["matches"], "additionalProperties": false}
    ]
});
schema!(JsonChecks, "JsonChecks", {
    "description": "JSONPath -> a literal (equality) or a matcher map.",
    "type": "object",
    "propertyNames": {"pattern": "^\\$"},
    "additionalProperties": {
        "anyOf": [
            {"type": ["string", "number", "boolean", "null", "array"]},
            {"type": "object"},
            {
                "type": "object",
                "properties": {
                    "equals": {}, "exists": {"type": "boolean"},
                    "type": {"enum": ["string", "number", "integer", "boolean", "array", "object", "null"]},
                    "matches": {"type": "string"}, "contains": {}, "length": {"type": "integer", "minimum": 0},
                    "gt": {"type": "number"}, "gte": {"type": "number"}, "lt": {"type": "number"}, "lte": {"type": "number"},
                    "one_of": {"type": "array"}
                },
                "additionalProperties": false
            }
        ]
    }
});
schema!(SnapshotDef, "Snapshot", {
    "description": "true/false, or {name, redact: [JSONPath...] or {JSONPath: replacement}}.",
    "anyOf": [
        {"type": "boolean"},
        {
            "type": "object",
            "properties": {
                "name": {"type": "string"},
                "redact": {"anyOf": [{"type": "array", "items": {"type": "string"}}, {"type": "object"}]}
            },
            "additionalProperties": false
        }
    ]
});
schema!(CaptureDef, "Capture", {
    "description": "A JSONPath, {json: PATH}, {header: NAME} or {status: true}; secret: true masks the value.",
    "anyOf": [
        {"type": "string"},
        {
            "type": "object",
            "properties": {
                "json": {"type": "string"}, "header": {"type": "string"},
                "status": {"type": "boolean"}, "secret": {"type": "boolean"}
            },
            "additionalProperties": false
        }
    ]
});

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

/// A duration such as `500ms`, `2s` or `1m`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dur(pub Duration);

impl<'de> Deserialize<'de> for Dur {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = match Json::deserialize(d)? {
            Json::String(s) => s,
            other => {
                return Err(D::Error::custom(format!(
                    "expected a duration such as `500ms` or `2s`, found {}",
                    describe(&other)
                )));
            }
        };
        humantime::parse_duration(text.trim())
            .map(Dur)
            .map_err(|e| {
                D::Error::custom(format!(
                    "invalid duration `{text}` ({e}); write e.g. `500ms` or `2s`"
                ))
            })
    }
}

/// A JSONPath (RFC 9535), parsed once at load time.
#[derive(Debug, Clone)]
pub struct JsonPath {
    pub source: String,
    pub query: JpQuery,
}

impl JsonPath {
    pub fn parse(source: &str) -> Result<Self, String> {
        // Suites repeat the same paths (`$.id`, `$.items`) many times, and
        // jsonpath-rust's parser is a large share of the load time: parse each
        // distinct path once per process.
        static PARSED: Mutex<Option<HashMap<String, JpQuery>>> = Mutex::new(None);
        const KEEP: usize = 4096;
        let mut parsed = PARSED.lock().unwrap_or_else(|e| e.into_inner());
        let parsed = parsed.get_or_insert_with(HashMap::new);
        let query = match parsed.get(source) {
            Some(query) => query.clone(),
            None => {
                let query = jsonpath_rust::parser::parse_json_path(source)
                    .map_err(|e| format!("invalid JSONPath `{source}`: {e}"))?;
                if parsed.len() < KEEP {
                    parsed.insert(source.to_owned(), query.clone());
                }
                query
            }
        };
        Ok(JsonPath {
            source: source.to_owned(),
            query,
        })
    }

    /// The values the path selects in `value` (empty when it matches nothing).
    pub fn select<'a>(&self, value: &'a Json) -> Vec<&'a Json> {
        jsonpath_rust::query::js_path_process(&self.query, value)
            .map(|refs| refs.into_iter().map(|r| r.val()).collect())
            .unwrap_or_default()
    }

    /// The normalized paths (`$['items'][0]`) the path selects in `value`.
    pub fn select_paths(&self, value: &Json) -> Vec<String> {
        jsonpath_rust::query::js_path_process(&self.query, value)
            .map(|refs| refs.into_iter().map(|r| r.path()).collect())
            .unwrap_or_default()
    }
}

impl fmt::Display for JsonPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

impl<'de> Deserialize<'de> for JsonPath {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let source = String::deserialize(d)?;
        JsonPath::parse(&source).map_err(D::Error::custom)
    }
}

/// One acceptable status: `200` or a class such as `2xx`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusPattern {
    Exact(u16),
    Class(u16),
}

impl StatusPattern {
    pub fn matches(self, status: u16) -> bool {
        match self {
            StatusPattern::Exact(code) => code == status,
            StatusPattern::Class(class) => status / 100 == class,
        }
    }

    fn from_json(value: &Json) -> Result<Self, String> {
        let bad = || {
            format!(
                "expected a status code (200), a class (2xx), a list of those, or a map from \
                 identity to those, found {}",
                describe(value)
            )
        };
        match value {
            Json::Number(n) => n
                .as_u64()
                .filter(|c| (100..=599).contains(c))
                .map(|c| StatusPattern::Exact(c as u16))
                .ok_or_else(bad),
            Json::String(s) => {
                let s = s.trim();
                if let Ok(code) = s.parse::<u16>() {
                    return StatusPattern::from_json(&Json::from(code));
                }
                let lower = s.to_ascii_lowercase();
                match lower.as_bytes() {
                    [d @ b'1'..=b'5', b'x', b'x'] => Ok(StatusPattern::Class(u16::from(d - b'0'))),
                    _ => Err(bad()),
                }
            }
            _ => Err(bad()),
        }
    }
}

impl fmt::Display for StatusPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StatusPattern::Exact(code) => write!(f, "{code}"),
            StatusPattern::Class(class) => write!(f, "{class}xx"),
        }
    }
}

/// Any of these statuses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusSet(pub Vec<StatusPattern>);

impl StatusSet {
    pub fn matches(&self, status: u16) -> bool {
        self.0.iter().any(|p| p.matches(status))
    }

    fn from_json(value: &Json) -> Result<Self, String> {
        match value {
            Json::Array(items) if !items.is_empty() => items
                .iter()
                .map(StatusPattern::from_json)
                .collect::<Result<_, _>>()
                .map(StatusSet),
            other => StatusPattern::from_json(other).map(|p| StatusSet(vec![p])),
        }
    }
}

impl fmt::Display for StatusSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.0.iter().map(ToString::to_string).collect();
        f.write_str(&parts.join(" or "))
    }
}

/// `expect.status`: statuses, or the authorization matrix (identity -> statuses).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatusExpect {
    Any(StatusSet),
    Matrix(IndexMap<String, StatusSet>),
}

impl<'de> Deserialize<'de> for StatusExpect {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Json::deserialize(d)? {
            Json::Object(map) if !map.is_empty() => map
                .iter()
                .map(|(identity, v)| {
                    StatusSet::from_json(v)
                        .map(|s| (identity.clone(), s))
                        .map_err(|e| format!("{identity}: {e}"))
                })
                .collect::<Result<_, _>>()
                .map(StatusExpect::Matrix)
                .map_err(D::Error::custom),
            other => StatusSet::from_json(&other)
                .map(StatusExpect::Any)
                .map_err(D::Error::custom),
        }
    }
}

/// `expect.headers.NAME`: an exact value, or `{matches: REGEX}`.
#[derive(Debug, Clone)]
pub enum HeaderExpect {
    Exact(String),
    Matches(Regex),
}

impl<'de> Deserialize<'de> for HeaderExpect {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Json::deserialize(d)? {
            Json::String(s) => Ok(HeaderExpect::Exact(s)),
            Json::Number(n) => Ok(HeaderExpect::Exact(n.to_string())),
            Json::Object(map) => {
                let keys: Vec<&String> = map.keys().collect();
                match (map.get("matches"), keys.len()) {
                    (Some(Json::String(re)), 1) => compile_regex(re)
                        .map(HeaderExpect::Matches)
                        .map_err(D::Error::custom),
                    _ => Err(D::Error::custom(
                        "expected a header value or `{matches: REGEX}`",
                    )),
                }
            }
            other => Err(D::Error::custom(format!(
                "expected a header value or `{{matches: REGEX}}`, found {}",
                describe(&other)
            ))),
        }
    }
}

fn compile_regex(source: &str) -> Result<Regex, String> {
    Regex::new(source).map_err(|e| format!("invalid regex `{source}`: {e}"))
}

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
}

impl Matcher {
    pub const KEYWORDS: [&'static str; 11] = [
        "equals", "exists", "type", "matches", "contains", "length", "gt", "gte", "lt", "lte",
        "one_of",
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

/// `expect.snapshot`.
#[derive(Debug, Clone, Default)]
pub struct SnapshotDef {
    pub enabled: bool,
    pub name: Option<String>,
    /// JSONPath -> replacement placeholder.
    pub redact: Vec<(JsonPath, Json)>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SnapshotMap {
    name: Option<String>,
    #[serde(default)]
    redact: Option<Json>,
}

impl<'de> Deserialize<'de> for SnapshotDef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Json::deserialize(d)? {
            Json::Bool(enabled) => Ok(SnapshotDef {
                enabled,
                ..Default::default()
            }),
            map @ Json::Object(_) => {
                let map: SnapshotMap = serde_json::from_value(map).map_err(D::Error::custom)?;
                let redact =
                    parse_redactions(map.redact.unwrap_or(Json::Null)).map_err(D::Error::custom)?;
                Ok(SnapshotDef {
                    enabled: true,
                    name: map.name,
                    redact,
                })
            }
            other => Err(D::Error::custom(format!(
                "expected true, false or {{name, redact}}, found {}",
                describe(&other)
            ))),
        }
    }
}

fn parse_redactions(value: Json) -> Result<Vec<(JsonPath, Json)>, String> {
    let placeholder = |p: &str| Json::String(format!("[{}]", redaction_label(p)));
    match value {
        Json::Null => Ok(Vec::new()),
        Json::Array(items) => items
            .iter()
            .map(|item| match item {
                Json::String(p) => Ok((JsonPath::parse(p)?, placeholder(p))),
                other => Err(format!(
                    "redact expects JSONPath strings, found {}",
                    describe(other)
                )),
            })
            .collect(),
        Json::Object(map) => map
            .into_iter()
            .map(|(p, replacement)| Ok((JsonPath::parse(&p)?, replacement)))
            .collect(),
        other => Err(format!(
            "redact expects a list of JSONPaths or a map JSONPath -> replacement, found {}",
            describe(&other)
        )),
    }
}

/// `$.items[*].createdAt` -> `createdAt`: the placeholder names the field.
fn redaction_label(path: &str) -> String {
    let tail = path
        .rsplit(['.', '['])
        .next()
        .unwrap_or(path)
        .trim_matches(|c: char| !c.is_alphanumeric() && c != '_');
    if tail.is_empty() {
        "redacted".to_owned()
    } else {
        tail.to_owned()
    }
}

/// Where a captured value comes from.
#[derive(Debug, Clone)]
pub enum CaptureSource {
    Json(JsonPath),
    Header(String),
    Status,
}

#[derive(Debug, Clone)]
pub struct CaptureDef {
    pub source: CaptureSource,
    pub secret: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CaptureMap {
    json: Option<String>,
    header: Option<String>,
    #[serde(default)]
    status: bool,
    #[serde(default)]
    secret: bool,
}

impl<'de> Deserialize<'de> for CaptureDef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let bad = "expected a JSONPath, `{json: PATH}`, `{header: NAME}` or `{status: true}`";
        match Json::deserialize(d)? {
            Json::String(p) => Ok(CaptureDef {
                source: CaptureSource::Json(JsonPath::parse(&p).map_err(D::Error::custom)?),
                secret: false,
            }),
            map @ Json::Object(_) => {
                let m: CaptureMap = serde_json::from_value(map).map_err(D::Error::custom)?;
                let source = match (m.json, m.header, m.status) {
                    (Some(p), None, false) => {
                        CaptureSource::Json(JsonPath::parse(&p).map_err(D::Error::custom)?)
                    }
                    (None, Some(h), false) => CaptureSource::Header(h),
                    (None, None, true) => CaptureSource::Status,
                    _ => return Err(D::Error::custom(format!("{bad}: give exactly one source"))),
                };
                Ok(CaptureDef {
                    source,
                    secret: m.secret,
                })
            }
            other => Err(D::Error::custom(format!(
                "{bad}, found {}",
                describe(&other)
            ))),
        }
    }
}

/// `capture:` — name -> source, in the order written.
pub type Captures = IndexMap<String, CaptureDef>;

/// `, did you mean `x`?` when a candidate is close to `word`, else empty.
pub fn did_you_mean<S: AsRef<str>>(word: &str, candidates: &[S]) -> String {
    candidates
        .iter()
        .map(|c| (strsim::jaro_winkler(word, c.as_ref()), c.as_ref()))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| format!(" (did you mean `{c}`?)"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn status_accepts_numbers_classes_lists_and_matrices() {
        let s: StatusExpect = serde_json::from_value(json!(200)).unwrap();
        assert_eq!(
            s,
            StatusExpect::Any(StatusSet(vec![StatusPattern::Exact(200)]))
        );
        let s: StatusExpect = serde_json::from_value(json!("2xx")).unwrap();
        assert!(matches!(&s, StatusExpect::Any(set) if set.matches(204) && !set.matches(301)));
        let s: StatusExpect = serde_json::from_value(json!([200, 404])).unwrap();
        assert!(matches!(&s, StatusExpect::Any(set) if set.matches(404)));
        let s: StatusExpect =
            serde_json::from_value(json!({"admin": 200, "none": [401, 403]})).unwrap();
        assert!(matches!(&s, StatusExpect::Matrix(m) if m.len() == 2));
    }

    #[test]
    fn status_rejects_nonsense_with_a_clear_message() {
        let err = serde_json::from_value::<StatusExpect>(json!("two hundred")).unwrap_err();
        assert!(
            err.to_string().contains("expected a status code (200)"),
            "{err}"
        );
        assert!(serde_json::from_value::<StatusExpect>(json!(999)).is_err());
    }

    #[test]
    fn matcher_maps_and_literals() {
        let m = Matcher::parse_all(json!({"type": "array", "length": 2})).unwrap();
        assert!(matches!(
            m[..],
            [Matcher::Type(JsonType::Array), Matcher::Length(2)]
        ));
        let m = Matcher::parse_all(json!({"title": "x"})).unwrap();
        assert!(matches!(&m[..], [Matcher::Equals(_)]));
        let err = Matcher::parse_all(json!({"type": "array", "lenght": 2})).unwrap_err();
        assert!(err.contains("did you mean `length`"), "{err}");
    }

    #[test]
    fn bad_jsonpath_reports_the_position() {
        let err = JsonPath::parse("$.items[").unwrap_err();
        assert!(err.starts_with("invalid JSONPath `$.items[`"), "{err}");
    }

    #[test]
    fn redactions_get_named_placeholders() {
        let s: SnapshotDef =
            serde_json::from_value(json!({"redact": ["$.id", "$.items[*].createdAt"]})).unwrap();
        assert_eq!(s.redact[0].1, json!("[id]"));
        assert_eq!(s.redact[1].1, json!("[createdAt]"));
    }

    #[test]
    fn durations() {
        let d: Dur = serde_json::from_value(json!("500ms")).unwrap();
        assert_eq!(d.0, Duration::from_millis(500));
        assert!(serde_json::from_value::<Dur>(json!("soon")).is_err());
    }
}
