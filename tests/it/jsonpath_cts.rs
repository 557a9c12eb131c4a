//! RFC 9535 conformance: every case of the JSONPath Compliance Test Suite
//! (`tests/corpus/jsonpath-cts/cts.json`, BSD-2-Clause, see SOURCES.md
//! there) through gatecheck's JSONPath: the selector is parsed as a suite's
//! path is (an invalid one must be refused, as `validate` refuses it), and a
//! valid one selects from the document as a response's body is read: its
//! tape.

use gatecheck::http::json_node::Node;
use gatecheck::http::json_tape::Tape;
use gatecheck::suite::expect::JsonPath;
use serde_json::Value as Json;

use crate::common::Project;

const CTS: &str = include_str!("../corpus/jsonpath-cts/cts.json");

/// Cases gatecheck does not pass yet: `(case name, why)`. The test fails
/// when a listed case starts passing (take it off the list then). Empty:
/// every case passes (the three kinds jsonpath-rust 1.0.12 gets wrong are
/// handled in `src/suite/jsonpath_rfc.rs`).
const KNOWN_FAILURES: &[(&str, &str)] = &[];

/// What went wrong with one case; `None` when it passed.
fn run_case(case: &Json) -> Option<String> {
    let selector = case["selector"].as_str()?;
    let parsed = JsonPath::parse(selector);
    if case["invalid_selector"].as_bool() == Some(true) {
        return parsed
            .is_ok()
            .then(|| format!("invalid selector {selector:?} was accepted"));
    }
    let path = match parsed {
        Ok(path) => path,
        Err(e) => return Some(format!("valid selector {selector:?} was refused: {e}")),
    };
    let text = serde_json::to_string(&case["document"]).unwrap();
    let tape = Tape::read(text.as_bytes()).expect("the document reads into a tape");
    let wanted: Vec<&Json> = match (&case["result"], &case["results"]) {
        (Json::Array(_), _) => vec![&case["result"]],
        (_, Json::Array(any)) => any.iter().collect(),
        _ => return Some("the case has no result".into()),
    };
    let doc = Node::over_tape(&tape, text.as_bytes());
    let got = Json::Array(path.select(&doc).iter().map(|n| n.to_json()).collect());
    (!wanted.contains(&&got)).then(|| format!("{selector:?} gave {got}"))
}

#[test]
fn the_jsonpath_compliance_test_suite_passes_over_the_body_tape() {
    let cts: Json = serde_json::from_str(CTS).unwrap();
    let cases = cts["tests"].as_array().unwrap();
    assert!(cases.len() >= 700, "{} cases", cases.len());
    let mut failed = Vec::new();
    let mut known_passing = Vec::new();
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let known = KNOWN_FAILURES.iter().any(|(n, _)| *n == name);
        match (run_case(case), known) {
            (Some(problem), false) => failed.push(format!("{name}: {problem}")),
            (None, true) => known_passing.push(name),
            _ => {}
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {} cases fail:\n{}",
        failed.len(),
        cases.len(),
        failed.join("\n")
    );
    assert!(
        known_passing.is_empty(),
        "listed as known failures, but they pass now (take them off the list): {known_passing:?}"
    );
}

#[test]
fn validate_refuses_the_invalid_selectors_of_the_suite() {
    let cts: Json = serde_json::from_str(CTS).unwrap();
    let invalid: Vec<&str> = cts["tests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["invalid_selector"].as_bool() == Some(true))
        .filter(|c| !KNOWN_FAILURES.iter().any(|(n, _)| c["name"] == *n))
        .filter_map(|c| c["selector"].as_str())
        .collect();
    let p = Project::new("cts-validate");
    p.file("fixtures/user.yaml", "kind: static\naccess_token: t\n");
    let mut suite = String::from("base_url: http://127.0.0.1:9\ntests:\n");
    for (i, selector) in invalid.iter().enumerate() {
        let key = yaml_quoted(selector);
        suite.push_str(&format!(
            "  - name: t{i}\n    request: {{url: /x}}\n    expect:\n      json:\n        {key}: 1\n"
        ));
    }
    p.file("suites/cts.yaml", &suite);
    let out = p.run(&["validate"], &[]);
    assert_eq!(out.code, 2, "{}", out.normalized(&p));
    let errors = out.stderr.matches("invalid JSONPath").count();
    assert_eq!(errors, invalid.len(), "{}", out.stderr);
    assert!(
        out.stderr.ends_with(&format!(
            "{} errors found; nothing was run\n",
            invalid.len()
        )),
        "{}",
        out.stderr
    );
}

/// `text` as a YAML double-quoted scalar: every character outside printable
/// ASCII escaped, so the file is read back exactly.
fn yaml_quoted(text: &str) -> String {
    let mut out = String::from("\"");
    // `${` would be read as an environment variable; `$${` is a literal one.
    for c in text.replace("${", "$${").chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            ' '..='~' => out.push(c),
            c if (c as u32) <= 0xffff => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}
