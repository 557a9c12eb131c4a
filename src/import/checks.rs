//! What a test script converts to: the checks and captures of a request,
//! the lines left as comments, and how two checks of one value combine.
//! Pure.

use std::collections::BTreeSet;

use indexmap::IndexMap;
use serde_json::{Value as Json, json};

use super::scope::Check;

/// What a request's test script asserts and captures.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Checks {
    pub status: Option<Json>,
    /// Header name -> an exact value or `{matches: REGEX}`.
    pub headers: IndexMap<String, Json>,
    pub json: IndexMap<String, Json>,
    /// Variable -> a JSONPath, or `{json|header: .., secret: true}`.
    pub captures: IndexMap<String, Json>,
    /// Captures made only under a condition (not converted; used to
    /// recognise token requests).
    pub guarded_captures: IndexMap<String, Json>,
    pub max_duration: Option<String>,
    pub unconverted: Vec<Unconverted>,
    /// Conditions on Postman variables the converted checks ran under.
    pub notes: Vec<String>,
    /// Variables set to a value written in the script (`pm.environment.set("page", 2)`).
    pub sets: IndexMap<String, Json>,
    /// Requests the script sends with `pm.sendRequest`.
    pub sent: Vec<Sent>,
    /// Assertion lines read, and how many of them were converted.
    pub assertions: usize,
    pub converted: usize,
}

/// A request a script sends with `pm.sendRequest`: the request as a
/// Postman request object (`{url, method, header, body}`), what its
/// callback stores from the response (`token` -> `$.access_token`), and
/// what the callback asserts of that response.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sent {
    pub request: Json,
    pub captures: IndexMap<String, Json>,
    pub checks: Box<Checks>,
}

/// A script line that was not converted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unconverted {
    /// 1-based line in the script.
    pub line: usize,
    pub text: String,
    /// The idiom that stopped it, in a few words (the summary groups by it).
    pub kind: String,
    /// The line asserts something.
    pub assertion: bool,
}

impl Checks {
    /// True when the script asserted something that was converted.
    pub fn any(&self) -> bool {
        self.status.is_some()
            || !self.json.is_empty()
            || !self.headers.is_empty()
            || self.max_duration.is_some()
    }

    /// The JSONPath a variable is captured from (plain or guarded).
    pub fn captured_path(&self, name: &str) -> Option<&str> {
        let capture = self
            .captures
            .get(name)
            .or_else(|| self.guarded_captures.get(name))?;
        capture
            .as_str()
            .or_else(|| capture.get("json").and_then(Json::as_str))
    }

    /// Names captured from `$.<field>` (plain or guarded).
    pub fn captured_from(&self, path: &str) -> Option<String> {
        self.captures
            .keys()
            .chain(self.guarded_captures.keys())
            .find(|name| self.captured_path(name) == Some(path))
            .cloned()
    }
}

/// A line of the script that asserts something, as counted in the summary:
/// `pm.expect(`, `pm.response.to.` or a legacy `tests[...]`, not commented out.
pub fn is_assertion_line(line: &str) -> bool {
    let line = line.trim();
    !line.starts_with("//")
        && (line.contains("pm.expect(")
            || line.contains("pm.response.to.")
            || line.starts_with("tests["))
}

impl Checks {
    /// Whether a check can join those already made (a path or header checked
    /// twice must not contradict itself).
    pub fn fits(&self, check: &Check) -> bool {
        match check {
            Check::Json(path, m) => match self.json.get(path) {
                None => true,
                Some(old) => merge(old, m).is_some(),
            },
            Check::Header(name, want) => match self.headers.get(name) {
                None => true,
                Some(old) => merge_header(old, want).is_some(),
            },
            Check::Status(s) => self
                .status
                .as_ref()
                .is_none_or(|old| both_statuses(old, s).is_some()),
            Check::Duration(_) => true,
        }
    }

    /// Adds a check (a tighter maximum duration wins; two matchers of one
    /// path or header are merged).
    pub fn apply(&mut self, check: Check) {
        match check {
            Check::Status(s) => {
                let both = self.status.as_ref().and_then(|old| both_statuses(old, &s));
                self.status = Some(both.unwrap_or(s));
            }
            Check::Duration(ms) => {
                let tighter = self
                    .max_duration
                    .as_deref()
                    .and_then(|d| d.trim_end_matches("ms").parse::<u64>().ok())
                    .is_none_or(|old| ms < old);
                if tighter {
                    self.max_duration = Some(format!("{ms}ms"));
                }
            }
            Check::Json(path, m) => {
                let value = match self.json.get(&path) {
                    Some(old) => merge(old, &m).unwrap_or(m),
                    None => m,
                };
                self.json.insert(path, value);
            }
            Check::Header(name, want) => {
                let value = match self.headers.get(&name) {
                    Some(old) => merge_header(old, &want).unwrap_or(want),
                    None => want,
                };
                self.headers.insert(name, value);
            }
        }
    }
}

/// The statuses two status expectations both allow (`200` and "not an
/// error", `[1xx, 2xx, 3xx]`, is `200`), written as one of them when it is
/// that one, or `None` when no status passes both.
fn both_statuses(a: &Json, b: &Json) -> Option<Json> {
    let (x, y) = (status_set(a)?, status_set(b)?);
    let both: BTreeSet<u16> = x.intersection(&y).copied().collect();
    if both.is_empty() {
        return None;
    }
    if both == x {
        return Some(a.clone());
    }
    if both == y {
        return Some(b.clone());
    }
    let mut out = Vec::new();
    for class in 1..=5u16 {
        let all: BTreeSet<u16> = (class * 100..class * 100 + 100).collect();
        if all.is_subset(&both) {
            out.push(json!(format!("{class}xx")));
        } else {
            out.extend(all.intersection(&both).map(|c| json!(c)));
        }
    }
    Some(Json::Array(out))
}

/// The status codes a status expectation allows: `200`, `"2xx"`, or a list.
fn status_set(v: &Json) -> Option<BTreeSet<u16>> {
    match v {
        Json::Number(n) => Some(BTreeSet::from([u16::try_from(n.as_u64()?).ok()?])),
        Json::String(s) => {
            let class = s.strip_suffix("xx")?.parse::<u16>().ok()?;
            (1..=5)
                .contains(&class)
                .then(|| (class * 100..class * 100 + 100).collect())
        }
        Json::Array(list) => {
            let mut out = BTreeSet::new();
            for v in list {
                out.extend(status_set(v)?);
            }
            Some(out)
        }
        _ => None,
    }
}

/// Two matchers for one path as one, or `None` when they cannot both hold
/// in one map.
fn merge(old: &Json, new: &Json) -> Option<Json> {
    if old == new {
        return Some(old.clone());
    }
    let as_map = |v: &Json| match v {
        Json::Object(m) if m.keys().all(|k| MATCHERS.contains(&k.as_str())) => Some(m.clone()),
        other => Some([("equals".to_owned(), other.clone())].into_iter().collect()),
    };
    let (mut a, b) = (as_map(old)?, as_map(new)?);
    if b.keys().any(|k| a.contains_key(k)) {
        return None;
    }
    a.extend(b);
    Some(Json::Object(a))
}

const MATCHERS: [&str; 13] = [
    "equals", "exists", "type", "matches", "contains", "length", "gt", "gte", "lt", "lte",
    "one_of", "empty", "schema",
];

/// Two expectations of one header: presence yields to anything; two
/// substrings are both required.
fn merge_header(old: &Json, new: &Json) -> Option<Json> {
    let pattern = |v: &Json| v.get("matches").and_then(Json::as_str).map(str::to_owned);
    match (pattern(old), pattern(new)) {
        (_, Some(n)) if n.is_empty() => Some(old.clone()),
        (Some(o), _) if o.is_empty() => Some(new.clone()),
        (Some(o), Some(n)) if !o.contains('|') && !n.contains('|') => {
            Some(json!({"matches": format!("{o}.*{n}|{n}.*{o}")}))
        }
        _ => (old == new).then(|| old.clone()),
    }
}
