//! What one snapshot check is given: shared by the insta bridge and the
//! serializer of snapshot bodies (`snapshot_json.rs`).

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
    /// The body as received: redactions and masking are applied as it is
    /// written (or compared with the stored snapshot, without writing it).
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
    /// A value (read into a tape from its JSON text to be written).
    Value(&'a Json),
    /// A response whose body is JSON: written from its tape.
    Response(&'a Response),
}

impl<'a> From<&'a Json> for Body<'a> {
    fn from(value: &'a Json) -> Self {
        Body::Value(value)
    }
}
