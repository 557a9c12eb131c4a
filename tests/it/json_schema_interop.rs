//! Imported JSON Schema checks against the validators of Postman's sandbox
//! (npm, pinned in tests/interop/json-schema: tv4 1.3.0 and Ajv 6.12.5, the
//! versions postman-sandbox pins): each script is imported, and where it
//! converts, gatecheck's check of each body must give Postman's verdict
//! (the real validator run by node on the same schema and body).
//!
//! Skipped (with a message) when node or the installed packages are
//! missing, unless `GATECHECK_INTEROP_TESTS` is set (CI sets it and runs
//! `npm ci --prefix tests/interop/json-schema`).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use gatecheck::import::scripts::read;
use gatecheck::suite::matcher::JsonChecks;
use serde_json::{Value as Json, json};

fn project() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/interop/json-schema");
    let required = std::env::var_os("GATECHECK_INTEROP_TESTS").is_some_and(|v| !v.is_empty());
    let node = Command::new("node")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    let installed = dir.join("node_modules/ajv/package.json").is_file()
        && dir.join("node_modules/tv4/package.json").is_file();
    let missing = match (node, installed) {
        (true, true) => return Some(dir),
        (false, _) => "node is not installed",
        (true, false) => {
            "its packages are not installed (npm ci --prefix tests/interop/json-schema)"
        }
    };
    assert!(!required, "GATECHECK_INTEROP_TESTS is set but {missing}");
    eprintln!(
        "SKIPPED: JSON Schema interop test: {missing}; set GATECHECK_INTEROP_TESTS=1 to make this a failure"
    );
    None
}

/// Postman's verdicts, from the real validators.
fn postman(dir: &Path, runs: &[Json]) -> Vec<bool> {
    let mut child = Command::new("node")
        .arg("verdict.cjs")
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node starts");
    let input = serde_json::to_vec(runs).unwrap();
    child.stdin.take().unwrap().write_all(&input).unwrap();
    let out = child.wait_with_output().expect("node runs");
    assert!(
        out.status.success(),
        "node failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("a list of verdicts")
}

/// (validator, schema, bodies as JSON text, whether it converts). A schema
/// not valid for the validator's draft stays a comment: Ajv throws on it
/// (the assertion always fails), tv4 skips what it cannot read.
type Case = (&'static str, Json, Vec<&'static str>, bool);

fn cases() -> Vec<Case> {
    let user = json!({
        "type": "object",
        "required": ["id", "email"],
        "additionalProperties": false,
        "properties": {
            "id": {"type": "integer", "minimum": 1},
            "email": {"type": "string", "format": "email"},
            "createdAt": {"type": "string", "format": "date-time"},
            "role": {"enum": ["admin", "user"]},
            "tags": {"type": "array", "items": {"type": "string", "pattern": "^[a-z]+$"}, "uniqueItems": true}
        }
    });
    // Without the formats whose Ajv check differs (those stay comments).
    let mut user_ajv = user.clone();
    user_ajv["properties"]["email"] = json!({"type": "string"});
    user_ajv["properties"]["createdAt"] = json!({"type": "string"});
    user_ajv["properties"]["homepage"] = json!({"type": "string", "format": "uri"});
    let bodies = vec![
        r#"{"id": 1, "email": "ada@example.com"}"#,
        r#"{"id": 1, "email": "not an address"}"#,
        r#"{"id": 0, "email": "ada@example.com"}"#,
        r#"{"id": 1.0, "email": "ada@example.com"}"#,
        r#"{"id": 1.5, "email": "ada@example.com"}"#,
        r#"{"id": "1", "email": "ada@example.com"}"#,
        r#"{"email": "ada@example.com"}"#,
        r#"{"id": 1, "email": "ada@example.com", "extra": true}"#,
        r#"{"id": 1, "email": "ada@example.com", "createdAt": "2026-01-01T00:00:00Z"}"#,
        r#"{"id": 1, "email": "ada@example.com", "createdAt": "yesterday"}"#,
        r#"{"id": 1, "email": "ada@example.com", "role": "root"}"#,
        r#"{"id": 1, "email": "ada@example.com", "tags": ["a", "b"]}"#,
        r#"{"id": 1, "email": "ada@example.com", "tags": ["a", "a"]}"#,
        r#"{"id": 1, "email": "ada@example.com", "tags": ["A"]}"#,
        r#"{"id": 1, "email": "ada@example.com", "homepage": "https://example.com/ada"}"#,
        r#"{"id": 1, "email": "ada@example.com", "homepage": "not a uri"}"#,
        r#"[]"#,
        r#"null"#,
    ];
    let drafts = json!({
        "properties": {
            "n": {"maximum": 10, "exclusiveMaximum": true},
            "k": {"const": "a"},
            "m": {"type": "number", "multipleOf": 0.01}
        }
    });
    let draft_bodies = vec![
        r#"{"n": 9}"#,
        r#"{"n": 10}"#,
        r#"{"k": "b"}"#,
        r#"{"m": 0.07}"#,
        r#"{"m": 0.075}"#,
    ];
    let draft7 = json!({
        "type": "object",
        "properties": {"n": {"exclusiveMaximum": 10}, "k": {"const": "a"}},
        "if": {"properties": {"k": {"const": "a"}}, "required": ["k"]},
        "then": {"required": ["n"]},
        "propertyNames": {"maxLength": 3}
    });
    let draft7_bodies = vec![
        r#"{"k": "a", "n": 9}"#,
        r#"{"k": "a"}"#,
        r#"{"k": "b"}"#,
        r#"{"n": 10}"#,
        r#"{"long": 1}"#,
    ];
    let mut all = vec![
        ("tv4", user.clone(), bodies.clone(), true),
        ("ajv", user_ajv, bodies, true),
        ("ajv", user, vec![], false),
        ("tv4", drafts.clone(), draft_bodies.clone(), true),
        // draft-04's boolean `exclusiveMaximum` breaks draft-07's rules.
        ("ajv", drafts, draft_bodies, false),
        // draft-07's numeric `exclusiveMaximum` breaks draft-04's rules.
        ("tv4", draft7.clone(), draft7_bodies.clone(), false),
        ("ajv", draft7, draft7_bodies, true),
    ];
    // Formats Ajv 6 checks (its default "fast" checks), on values APIs send.
    for (format, values) in FORMATS {
        let converts =
            ["uri", "uri-reference", "hostname", "ipv6", "json-pointer"].contains(format);
        all.push(("ajv", json!({"format": format}), values.to_vec(), converts));
    }
    all
}

const FORMATS: &[(&str, &[&str])] = &[
    // Differ: Ajv's fast checks take month 13, hour 25, a space for `T`,
    // leading zeros, `urn:uuid:`; gatecheck's e-mail check an empty local part.
    (
        "date",
        &[r#""2021-02-28""#, r#""2021-13-01""#, r#""21-02-28""#],
    ),
    (
        "date-time",
        &[
            r#""2021-02-28T10:00:00Z""#,
            r#""2021-02-28T10:00:00.123+02:00""#,
            r#""2021-02-28T10:00:00""#,
            r#""2021-02-28""#,
        ],
    ),
    (
        "time",
        &[r#""10:00:00Z""#, r#""10:00:00+01:00""#, r#""25:00:00Z""#],
    ),
    (
        "uri",
        &[
            r#""https://example.com/a?b=c#d""#,
            r#""/relative/path""#,
            r#""urn:isbn:0451450523""#,
        ],
    ),
    (
        "uri-reference",
        &[r##""#frag""##, r#""../a/b""#, r#""https://example.com""#],
    ),
    (
        "email",
        &[
            r#""a.b+c@example.co.uk""#,
            r#""ada@example.com""#,
            r#""not an address""#,
            r#""@example.com""#,
        ],
    ),
    (
        "hostname",
        &[
            r#""api.example.com""#,
            r#""-bad.example.com""#,
            r#""a_b.example.com""#,
            r#""xn--bcher-kva.example""#,
        ],
    ),
    ("uri", &[r#""http://[::1]:80/""#, r#""http://a b""#]),
    (
        "uuid",
        &[
            r#""123e4567-e89b-12d3-a456-426614174000""#,
            r#""123e4567e89b12d3a456426614174000""#,
            r#""urn:uuid:123e4567-e89b-12d3-a456-426614174000""#,
        ],
    ),
    (
        "ipv4",
        &[r#""192.168.0.1""#, r#""256.1.1.1""#, r#""1.2.3.04""#],
    ),
    (
        "ipv6",
        &[r#""::1""#, r#""2001:db8::1""#, r#""2001:db8:::1""#],
    ),
    ("json-pointer", &[r#""/a/b~1c""#, r#""a/b""#]),
];

fn script(validator: &str, schema: &Json) -> String {
    match validator {
        "tv4" => format!(
            "var schema = {schema};\ntests[\"valid\"] = tv4.validate(pm.response.json(), schema);"
        ),
        _ => format!(
            "pm.test(\"schema\", function () {{\n  pm.response.to.have.jsonSchema({schema});\n}});"
        ),
    }
}

#[test]
fn imported_schema_checks_agree_with_tv4_and_ajv() {
    let Some(dir) = project() else {
        return;
    };
    let (mut runs, mut ours) = (Vec::new(), Vec::new());
    let mut unconverted = Vec::new();
    for (validator, schema, bodies, converts) in cases() {
        let text = script(validator, &schema);
        let checks = read(&text.lines().map(str::to_owned).collect::<Vec<_>>());
        if (checks.converted == checks.assertions) != converts {
            unconverted.push(format!("{validator} {schema}: {:?}", checks.unconverted));
            continue;
        }
        if !converts {
            assert!(
                checks.unconverted[0].kind.contains("cannot check as")
                    || checks.unconverted[0]
                        .kind
                        .contains("checks otherwise than gatecheck"),
                "{:?}",
                checks.unconverted
            );
            continue;
        }
        let map: serde_json::Map<String, Json> = checks.json.into_iter().collect();
        let compiled: JsonChecks = serde_json::from_value(Json::Object(map)).unwrap();
        for body in bodies {
            runs.push(json!({"validator": validator, "schema": schema, "data": body}));
            let failures = crate::common::check_json_text(&compiled, body);
            ours.push((
                format!("{validator} {schema} on {body}"),
                failures.is_empty(),
            ));
        }
    }
    assert!(unconverted.is_empty(), "{unconverted:#?}");
    let theirs = postman(&dir, &runs);
    assert_eq!(theirs.len(), ours.len());
    let differ: Vec<String> = ours
        .iter()
        .zip(&theirs)
        .filter(|((_, got), want)| got != *want)
        .map(|((case, got), want)| format!("{case}: gatecheck {got}, Postman {want}"))
        .collect();
    assert!(
        differ.is_empty(),
        "{} of {} differ:\n{}",
        differ.len(),
        ours.len(),
        differ.join("\n")
    );
    // Both verdicts occur: the cases test something.
    assert!(theirs.iter().any(|v| *v) && theirs.iter().any(|v| !*v));
}
