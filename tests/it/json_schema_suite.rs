//! JSON Schema conformance: every case of the official JSON-Schema-Test-Suite
//! kept in `tests/corpus/json-schema-test-suite` (MIT, see SOURCES.md there:
//! draft-04 and draft-07, required keywords, and draft-07's optional
//! `format` cases, which gatecheck asserts as Ajv does) through gatecheck's
//! `schema` matcher, as a suite uses it: the schema is read as a matcher map
//! under `$` (compiled when the suite loads) and checked against each
//! case's data, read as a response body is.

use std::path::{Path, PathBuf};

use gatecheck::suite::matcher::JsonChecks;
use serde_json::{Value as Json, json};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/json-schema-test-suite")
}

/// Files whose schemas refer to schemas served at `http://localhost:1234/`:
/// gatecheck fetches no schema, so each of their schemas must be refused
/// when the suite loads, saying the reference cannot be followed.
const REMOTE: &[&str] = &["draft4/refRemote.json", "draft7/refRemote.json"];

/// Tests gatecheck does not pass, all in the suite's optional files:
/// `(file, reason, test descriptions)` (for a schema that is refused, the
/// case's description). The test fails when a listed one starts passing.
/// The required keywords of both drafts pass without exception.
const KNOWN_FAILURES: &[(&str, &str, &[&str])] = &[
    (
        "draft7/optional/content.json",
        "content keywords are annotations only: gatecheck, like Postman's Ajv 6, does not decode `contentEncoding` / `contentMediaType`",
        &[
            "an invalid JSON document",
            "an invalid base64 string (% is not a valid character)",
            "a validly-encoded invalid JSON document",
            "an invalid base64 string that is valid JSON",
        ],
    ),
    (
        "draft7/optional/cross-draft.json",
        "refers to a schema served at localhost:1234: gatecheck fetches no schema",
        &["refs to future drafts are processed as future drafts"],
    ),
    (
        "draft7/optional/float-overflow.json",
        "1e308 is not found a multiple of 0.5 (the validator divides in 64-bit floats)",
        &["valid if optional overflow handling is implemented"],
    ),
    (
        "draft7/optional/format/ecmascript-regex.json",
        "`format: regex` is checked with Rust's regex syntax, not ECMA 262's",
        &[
            "Python named group (?P<name>...) is not ECMA 262",
            "a single global inline flag (?i)",
            "multiple global inline flags (?ims)",
            "an ECMA 262 named backreference \\k<name>",
            "a variable-width lookbehind (ES2018)",
            "an empty character class is valid ECMA 262",
            "a negated empty character class is valid ECMA 262",
        ],
    ),
    (
        "draft7/optional/format/email.json",
        "the validator's e-mail check accepts an address without a local part",
        &["local part is required"],
    ),
    (
        "draft7/optional/format/hostname.json",
        "the validator's hostname check does not apply IDNA's rules to A-labels, and accepts a trailing dot",
        &[
            "trailing dot",
            "invalid Punycode",
            "contains illegal char U+302E Hangul single dot tone mark",
            "Begins with a Spacing Combining Mark",
            "Begins with a Nonspacing Mark",
            "Begins with an Enclosing Mark",
            "Exceptions that are DISALLOWED, right-to-left chars",
            "Exceptions that are DISALLOWED, left-to-right chars",
            "MIDDLE DOT with no preceding 'l'",
            "MIDDLE DOT with nothing preceding",
            "MIDDLE DOT with no following 'l'",
            "MIDDLE DOT with nothing following",
            "Greek KERAIA not followed by Greek",
            "Greek KERAIA not followed by anything",
            "Hebrew GERESH not preceded by Hebrew",
            "Hebrew GERESH not preceded by anything",
            "Hebrew GERSHAYIM not preceded by Hebrew",
            "Hebrew GERSHAYIM not preceded by anything",
            "KATAKANA MIDDLE DOT with no Hiragana, Katakana, or Han",
            "KATAKANA MIDDLE DOT with no other characters",
            "Arabic-Indic digits mixed with Extended Arabic-Indic digits",
            "ZERO WIDTH JOINER not preceded by Virama",
            "ZERO WIDTH JOINER not preceded by anything",
            "contains \"--\" in the 3rd and 4th position",
        ],
    ),
    (
        "draft7/optional/format/idn-email.json",
        "the validator's idn-email check refuses some valid local parts",
        &[
            "a non-ASCII quoted local part is valid",
            "a C1 control in the local part is valid",
            "a noncharacter in the local part is valid",
            "a local part at the 64-octet limit is valid",
        ],
    ),
    (
        "draft7/optional/format/idn-hostname.json",
        "the validator's idn-hostname check does not apply IDNA's rules to A-labels",
        &["A-label that decodes to a disallowed code point is invalid"],
    ),
    (
        "draft7/optional/format/iri.json",
        "the validator's IRI check differs on a trailing newline and IPvFuture hosts",
        &[
            "a trailing newline after a valid IRI is invalid",
            "an IPvFuture host with an uppercase version letter is valid",
        ],
    ),
    (
        "draft7/optional/format/uri-template.json",
        "the validator's uri-template check follows RFC 6570 loosely",
        &[
            "an empty expression is invalid",
            "an empty varspec inside the variable list is invalid",
            "a zero prefix max-length is invalid",
            "a five-digit prefix max-length is invalid",
            "fragment expansion operator",
            "path segment expansion operator",
            "form style query expansion operator",
            "a double dot in a variable name is invalid",
            "a leading zero in the prefix max-length is invalid",
            "a space in a literal is invalid",
            "a delete character in a literal is invalid",
            "a trailing comma in the variable list is invalid",
            "a default value in a varspec is invalid",
            "an operator in place of the first varspec is invalid",
        ],
    ),
];

/// The draft's `$schema`, as a suite writes it to choose the draft.
fn meta(dir: &str) -> &'static str {
    match dir {
        "draft4" => "http://json-schema.org/draft-04/schema#",
        _ => "http://json-schema.org/draft-07/schema#",
    }
}

/// The suite's matcher map for a case's schema.
fn matcher(schema: &Json, dir: &str) -> Result<JsonChecks, String> {
    let mut schema = schema.clone();
    if let Json::Object(map) = &mut schema
        && !map.contains_key("$schema")
    {
        map.insert("$schema".into(), json!(meta(dir)));
    }
    serde_json::from_value(json!({"$": {"schema": schema}})).map_err(|e| e.to_string())
}

/// Whether a test (or a refused case) is listed in [`KNOWN_FAILURES`].
fn known(file: &str, description: &str) -> bool {
    KNOWN_FAILURES
        .iter()
        .any(|(f, _, list)| *f == file && list.contains(&description))
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

#[test]
fn the_json_schema_test_suite_passes_through_the_schema_matcher() {
    let root = corpus();
    let mut all = Vec::new();
    files(&root, &mut all);
    assert!(all.len() >= 80, "{} files", all.len());
    let (mut cases, mut tests) = (0, 0);
    let mut failed = Vec::new();
    let mut known_passing = Vec::new();
    let mut refused_known = 0;
    for path in &all {
        let rel = path
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let dir = rel.split('/').next().unwrap().to_owned();
        let text = std::fs::read_to_string(path).unwrap();
        let groups: Vec<Json> = serde_json::from_str(&text).unwrap();
        for group in &groups {
            cases += 1;
            let case = group["description"].as_str().unwrap();
            let compiled = matcher(&group["schema"], &dir);
            if REMOTE.contains(&rel.as_str()) {
                match compiled {
                    Err(e) if e.contains("cannot be followed") => {}
                    Err(e) => {
                        failed.push(format!("{rel}: {case}: refused, but not for its $ref: {e}"))
                    }
                    Ok(_) => failed.push(format!("{rel}: {case}: a remote $ref was accepted")),
                }
                continue;
            }
            let checks = match compiled {
                Ok(c) => c,
                Err(e) => {
                    if known(&rel, case) {
                        refused_known += 1;
                    } else {
                        failed.push(format!("{rel}: {case}: the schema was refused: {e}"));
                    }
                    continue;
                }
            };
            for t in group["tests"].as_array().unwrap() {
                tests += 1;
                let name = t["description"].as_str().unwrap();
                let body = serde_json::to_string(&t["data"]).unwrap();
                let failures = crate::common::check_json_text(&checks, &body);
                let want_valid = t["valid"].as_bool().unwrap();
                let passed = failures.is_empty() == want_valid;
                match (passed, known(&rel, name)) {
                    (false, false) => failed.push(format!(
                        "{rel}: {case}: {name}: expected {}, got {failures:?}",
                        if want_valid { "valid" } else { "invalid" }
                    )),
                    (true, true) => known_passing.push(format!("{rel}: {case}: {name}")),
                    _ => {}
                }
            }
        }
    }
    assert!(tests >= 1500, "{cases} cases, {tests} tests");
    // The one listed schema that is refused (it needs a served schema).
    assert_eq!(refused_known, 1);
    assert!(
        failed.is_empty(),
        "{} of {tests} tests fail:\n{}",
        failed.len(),
        failed.join("\n")
    );
    assert!(
        known_passing.is_empty(),
        "listed as failing but passing now (take them off KNOWN_FAILURES):\n{}",
        known_passing.join("\n")
    );
}

/// A failing case's message names the instance path and the keyword, as a
/// run's failure shows it.
#[test]
fn a_failing_case_names_where_and_which_keyword() {
    let text = std::fs::read_to_string(corpus().join("draft7/required.json")).unwrap();
    let groups: Vec<Json> = serde_json::from_str(&text).unwrap();
    let checks = matcher(&groups[0]["schema"], "draft7").unwrap();
    let failures = crate::common::check_json_text(&checks, r#"{"bar": 1}"#);
    assert_eq!(failures.len(), 1);
    assert_eq!(
        failures[0].to_string(),
        r#"$: expected to match the schema (draft-07), got {"bar":1}, which fails at /: `required` missing properties 'foo'"#
    );
    assert_eq!(
        failures[0].key_path.to_string(),
        r#"expect.json."$".schema"#
    );
}
