//! What one snapshot check is given: shared by the insta bridge and its
//! view of the body.

use std::path::Path;

use serde_json::Value as Json;

use crate::http::exchange::Response;
use crate::secret::mask::MaskSet;
use crate::suite::expect::JsonPath;

/// One snapshot to check.
pub struct Snapshot<'a> {
    /// Absolute: `<suite folder>/snapshots`.
    pub dir: &'a Path,
    /// Already slugged: `<suite>__<test>[__<identity>]`.
    pub name: &'a str,
    /// The YAML file: the snapshot header's `source` and `input_file`, so
    /// a review shows `suites/todos.yaml:14`.
    pub suite_file: &'a Path,
    /// The line of the test (or step) in `suite_file`, the header's
    /// `assertion_line`; looked up only when insta runs.
    pub line: &'a dyn Fn() -> usize,
    /// E.g. `GET /api/todos as user`.
    pub description: &'a str,
    /// The header's `info`: trial, step, request and identity (`Null`: none).
    pub info: &'a Json,
    /// The body as received: redactions and masking are applied here
    /// (without copying it when the snapshot matches).
    pub value: Body<'a>,
    /// JSONPath -> placeholder.
    pub redact: &'a [(JsonPath, Json)],
    /// Secrets, masked in every string, number and key (`***`) before
    /// anything is compared or written.
    pub secrets: &'a MaskSet,
}

/// A body to snapshot.
#[derive(Clone, Copy)]
pub enum Body<'a> {
    /// A parsed value.
    Value(&'a Json),
    /// A response whose body is JSON: a matching snapshot is recognised from
    /// its text, read lazily; the whole value is parsed only when insta must
    /// decide (a new or changed snapshot).
    Response(&'a Response),
}

impl<'a> Body<'a> {
    /// The whole value. A response's body was checked to be JSON exactly as
    /// serde_json parses it, so it parses (`null` otherwise, never a panic).
    pub fn whole(self) -> &'a Json {
        static NULL: Json = Json::Null;
        match self {
            Body::Value(value) => value,
            Body::Response(response) => response.json().unwrap_or(&NULL),
        }
    }
}

impl<'a> From<&'a Json> for Body<'a> {
    fn from(value: &'a Json) -> Self {
        Body::Value(value)
    }
}
