//! What the script tests share (`chai_tests.rs`, `json_schema_tests.rs`,
//! `script_flow_tests.rs`): reading a script's lines, and running converted
//! JSON checks on a body as a response would carry it.

use serde_json::Value as Json;

use crate::check::json::check;
use crate::http::json_node::Node;
use crate::http::json_tape::Tape;
use crate::import::scripts::{Checks, read};
use crate::suite::matcher::JsonChecks;
use crate::suite::template::TestVars;

/// The checks `text` (a test script) converts to.
pub fn script(text: &str) -> Checks {
    read(&text.lines().map(str::to_owned).collect::<Vec<_>>())
}

/// Whether gatecheck passes `body` (as JSON text, read into its tape as a
/// response's is) under `checks`.
pub fn passes(checks: &JsonChecks, body: &Json) -> bool {
    let text = body.to_string();
    let tape = Tape::read(text.as_bytes()).unwrap();
    let doc = Node::over_tape(&tape, text.as_bytes());
    check(checks, Ok(&doc), &TestVars::new()).is_empty()
}
