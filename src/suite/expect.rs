//! The value types of expectations and captures, each read from YAML with a
//! message that says what was expected: status patterns, header checks,
//! JSONPath matchers, snapshot settings, durations.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use indexmap::IndexMap;
use jsonpath_rust::parser::model::JpQuery;
use jsonpath_rust::query::queryable::Queryable;
use regex::Regex;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer};
use serde_json::Value as Json;

use super::jsonpath_rfc;
use crate::wire::value::describe;

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

/// The longest `timeout:` (an hour): a request that may take longer is no
/// regression test, and a typo (`10h` for `10s`) would stall a run.
pub const MAX_TIMEOUT: Duration = Duration::from_secs(3600);

/// The longest `retry.delay:` (ten minutes); `0s` retries at once.
pub const MAX_RETRY_DELAY: Duration = Duration::from_secs(600);

/// `timeout:` — more than `0s` (every request would time out at once) and
/// at most [`MAX_TIMEOUT`].
pub fn timeout<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Dur>, D::Error> {
    let Some(dur) = Option::<Dur>::deserialize(d)? else {
        return Ok(None);
    };
    if dur.0.is_zero() {
        return Err(D::Error::custom(
            "a timeout of 0 would fail every request at once; give more than 0s \
             (e.g. `10s`), at most 1h",
        ));
    }
    if dur.0 > MAX_TIMEOUT {
        return Err(D::Error::custom(format!(
            "`{}` is longer than the longest timeout, 1h; give at most 1h",
            humantime::format_duration(dur.0)
        )));
    }
    Ok(Some(dur))
}

/// `retry.delay:` — at most [`MAX_RETRY_DELAY`].
pub fn retry_delay<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Dur>, D::Error> {
    let Some(dur) = Option::<Dur>::deserialize(d)? else {
        return Ok(None);
    };
    if dur.0 > MAX_RETRY_DELAY {
        return Err(D::Error::custom(format!(
            "`{}` is longer than the longest retry delay, 10m; give at most 10m \
             (a run would otherwise wait that long between attempts)",
            humantime::format_duration(dur.0)
        )));
    }
    Ok(Some(dur))
}

/// A JSONPath (RFC 9535), parsed once at load time. The parsed query is
/// shared by every use of the same path (100,000 tests asking for `$.id`
/// hold one copy).
#[derive(Debug, Clone)]
pub struct JsonPath {
    pub source: String,
    pub query: Arc<JpQuery>,
    /// Selected segment by segment in RFC 9535's order (see
    /// [`jsonpath_rfc::needs_own_order`]).
    own_order: bool,
}

impl JsonPath {
    pub fn parse(source: &str) -> Result<Self, String> {
        // Suites repeat the same paths (`$.id`, `$.items`) many times, and
        // jsonpath-rust's parser is a large share of the load time: parse each
        // distinct path once per process.
        static PARSED: Mutex<Option<HashMap<String, Arc<JpQuery>>>> = Mutex::new(None);
        const KEEP: usize = 4096;
        let mut parsed = PARSED.lock().unwrap_or_else(|e| e.into_inner());
        let parsed = parsed.get_or_insert_with(HashMap::new);
        let query = match parsed.get(source) {
            Some(query) => query.clone(),
            None => {
                let query = jsonpath_rust::parser::parse_json_path(source)
                    .map_err(|e| e.to_string())
                    .and_then(|q| jsonpath_rfc::well_typed(&q).map(|()| Arc::new(q)))
                    .map_err(|e| format!("invalid JSONPath `{source}`: {e}"))?;
                if parsed.len() < KEEP {
                    parsed.insert(source.to_owned(), query.clone());
                }
                query
            }
        };
        Ok(JsonPath {
            source: source.to_owned(),
            own_order: jsonpath_rfc::needs_own_order(&query),
            query,
        })
    }

    /// The values the path selects in `value` (empty when it matches nothing).
    pub fn select<'a, T: Queryable>(&self, value: &'a T) -> Vec<&'a T> {
        if self.own_order {
            return jsonpath_rfc::select_in_order(&self.query, value);
        }
        jsonpath_rust::query::js_path_process(&self.query, value)
            .map(|refs| refs.into_iter().map(|r| r.val()).collect())
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

pub(crate) fn compile_regex(source: &str) -> Result<Regex, String> {
    Regex::new(source).map_err(|e| format!("invalid regex `{source}`: {e}"))
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
    use crate::suite::matcher::{JsonType, Matcher};
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
        let m = Matcher::parse_all(json!({"equals": {"title": "x"}})).unwrap();
        assert!(matches!(&m[..], [Matcher::Equals(v)] if v == &json!({"title": "x"})));
        let err = Matcher::parse_all(json!({"type": "array", "lenght": 2})).unwrap_err();
        assert!(err.contains("did you mean `length`"), "{err}");
        // A map is always matchers: an object literal would hide a typo.
        let err = Matcher::parse_all(json!({"tpye": "string"})).unwrap_err();
        assert_eq!(
            err,
            "unknown matcher `tpye` (did you mean `type`?); matchers are equals, exists, type, \
             matches, contains, length, gt, gte, lt, lte, one_of, empty, count, schema, schema_file; to compare with an \
             object, write `{equals: {...}}`"
        );
        let err = Matcher::parse_all(json!({})).unwrap_err();
        assert!(err.starts_with("an empty matcher map"), "{err}");
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
