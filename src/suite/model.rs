//! The suite format as plain data: what a `suites/*.yaml` file and
//! `gatecheck.yaml` contain. Unknown keys are errors (`deny_unknown_fields`).

use std::collections::BTreeMap;

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value as Json;

use super::expect::{Captures, Dur, HeaderExpect, SnapshotDef, StatusExpect};
use super::matcher::JsonChecks;

/// The `base_url` value that means the built-in demo API.
pub const DEMO_BASE_URL: &str = "demo";

/// The top of a suite file. `tests` are kept as raw values here and read one
/// by one, so that an error in one test does not hide errors in the others.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SuiteHeader {
    /// A title for reports; the trial names use the file's path.
    pub name: Option<String>,
    pub base_url: Option<String>,
    /// Default identity of the suite's tests: a fixture name, or `none`.
    pub auth: Option<String>,
    /// The identities an authorization matrix may use in this suite.
    pub identities: Option<Vec<String>>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub vars: BTreeMap<String, Json>,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    #[serde(default, deserialize_with = "super::expect::timeout")]
    pub timeout: Option<Dur>,
    /// Broken-authentication trials for every test that runs as an identity.
    pub negative_auth: Option<super::negative::NegativeAuth>,
    #[schemars(with = "Vec<TestDef>")]
    pub tests: TestList,
}

/// `tests:` as the header sees it: checked to be a list, not copied; the
/// loader reads each test from the document on its own.
#[derive(Debug, Clone, Default)]
pub struct TestList {
    pub len: usize,
}

impl<'de> Deserialize<'de> for TestList {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let items = Vec::<serde::de::IgnoredAny>::deserialize(d)?;
        Ok(Self { len: items.len() })
    }
}

// Rarely used parts are boxed: an absent one costs a pointer, and a test
// stays small enough for the allocator's fast path (100,000 tests load at once).
/// One test: a single request, or `steps`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TestDef {
    /// The test's index in the file's `tests` (set by the loader).
    #[serde(skip)]
    pub index: usize,
    pub name: String,
    pub request: Option<RequestDef>,
    pub expect: Option<ExpectDef>,
    #[serde(default)]
    pub capture: Captures,
    pub steps: Option<Vec<StepDef>>,
    pub auth: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// Present: the test is ignored, with this reason.
    pub skip: Option<String>,
    pub each: Option<Box<EachDef>>,
    pub retry: Option<Box<RetryDef>>,
    #[serde(default, deserialize_with = "super::expect::timeout")]
    pub timeout: Option<Dur>,
    /// Broken-authentication trials (overrides the suite's).
    pub negative_auth: Option<super::negative::NegativeAuth>,
}

/// One step of a scenario.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StepDef {
    pub name: Option<String>,
    /// The identity this step sends as (`none`: no token); default: the test's.
    pub auth: Option<String>,
    pub request: RequestDef,
    pub expect: Option<ExpectDef>,
    #[serde(default)]
    pub capture: Captures,
    pub retry: Option<Box<RetryDef>>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestDef {
    pub method: Option<String>,
    pub url: String,
    #[serde(default)]
    pub query: IndexMap<String, Json>,
    #[serde(default)]
    pub headers: IndexMap<String, String>,
    pub json: Option<Box<Json>>,
    pub form: Option<Box<IndexMap<String, Json>>>,
    pub body: Option<String>,
    /// `Authorization: Basic base64(username:password)`.
    pub basic_auth: Option<BasicAuthDef>,
}

/// `request.basic_auth`: HTTP Basic credentials (templates allowed).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BasicAuthDef {
    pub username: String,
    #[serde(default)]
    pub password: String,
}

impl RequestDef {
    pub fn method(&self) -> String {
        self.method.as_deref().unwrap_or("GET").to_ascii_uppercase()
    }

    /// The names of the bodies given (at most one is allowed).
    pub fn bodies(&self) -> Vec<&'static str> {
        let mut names = Vec::new();
        if self.json.is_some() {
            names.push("json");
        }
        if self.form.is_some() {
            names.push("form");
        }
        if self.body.is_some() {
            names.push("body");
        }
        names
    }
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpectDef {
    pub status: Option<StatusExpect>,
    #[serde(default)]
    pub headers: IndexMap<String, HeaderExpect>,
    #[serde(default)]
    pub json: JsonChecks,
    pub snapshot: Option<SnapshotDef>,
    pub max_duration: Option<Dur>,
}

/// `each:` — one test per row: inline rows, or a path to a YAML or CSV file.
#[derive(Debug, Clone)]
pub enum EachDef {
    Rows(Vec<IndexMap<String, Json>>),
    File(String),
}

impl JsonSchema for EachDef {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Each".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let rows = generator.subschema_for::<Vec<IndexMap<String, Json>>>();
        schemars::json_schema!({
            "description": "One test per row: a list of variable maps, or a path to a .csv/.yaml file of rows.",
            "anyOf": [rows, {"type": "string"}]
        })
    }
}

impl<'de> Deserialize<'de> for EachDef {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        match Json::deserialize(d)? {
            Json::String(path) => Ok(EachDef::File(path)),
            rows @ Json::Array(_) => serde_json::from_value(rows)
                .map(EachDef::Rows)
                .map_err(|e| D::Error::custom(format!("each row must be a map of variables: {e}"))),
            other => Err(D::Error::custom(format!(
                "expected a list of variable maps or a path to a YAML or CSV file, found {}",
                crate::wire::value::describe(&other)
            ))),
        }
    }
}

/// `retry:` — run a step again until its expectations hold.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RetryDef {
    pub attempts: u32,
    #[serde(default, deserialize_with = "super::expect::retry_delay")]
    pub delay: Option<Dur>,
    /// Retry until this status (instead of until all expectations hold).
    pub until: Option<StatusExpect>,
    /// Allows retrying a non-idempotent request (POST, PATCH).
    #[serde(default)]
    pub non_idempotent: bool,
}

/// `gatecheck.yaml` at the root of a suites path.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfigDef {
    pub base_url: Option<String>,
    pub auth: Option<String>,
    pub fixtures: Option<String>,
    #[serde(default, deserialize_with = "super::expect::timeout")]
    pub timeout: Option<Dur>,
    /// Tests in flight (at least 1).
    #[serde(default, deserialize_with = "crate::wire::limits::concurrency")]
    #[schemars(with = "Option<std::num::NonZeroUsize>")]
    pub concurrency: Option<std::num::NonZeroUsize>,
    /// The largest response body read (API and identity provider), e.g. `64MiB`.
    pub max_body_size: Option<crate::wire::limits::ByteSize>,
    #[serde(default)]
    pub vars: BTreeMap<String, Json>,
    #[serde(default)]
    pub secrets: Vec<String>,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
}

/// `a\nb` -> `a\\nb`: control characters in names (a line break, an
/// escape sequence) would garble the console, so they are shown escaped.
pub fn escape_controls(text: &str) -> String {
    if !text.chars().any(char::is_control) {
        return text.to_owned();
    }
    text.chars()
        .map(|c| match c {
            c if c.is_control() => c.escape_default().to_string(),
            c => c.to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::escape_controls;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(escape_controls("plain name"), "plain name");
        assert_eq!(escape_controls("a\nb\tc\r"), "a\\nb\\tc\\r");
        assert_eq!(escape_controls("red \u{1b}[31m"), "red \\u{1b}[31m");
        assert_eq!(escape_controls("café ✓"), "café ✓");
    }
}
