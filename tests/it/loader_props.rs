//! Property tests of the loader: arbitrary text and mutated suites and
//! fixtures never panic, every error they cause is located (file and
//! line:column), and loading each stays fast.

use std::time::{Duration, Instant};

use gatecheck::error::Error;
use gatecheck::suite::load::Env;
use proptest::prelude::*;
use proptest::test_runner::Config;

use crate::common::Project;

/// Generous for a debug build on a busy 2-core machine; a real problem
/// (an unbounded expansion, a quadratic walk) takes seconds to minutes.
const FAST: Duration = Duration::from_secs(2);

const SUITE: &str = r#"name: Todos API
base_url: http://127.0.0.1:1
auth: user
tags: [smoke]
vars: {title: buy milk, base: &b {limit: 10}}
headers: {X-Suite: "yes"}
tests:
  - name: list my todos
    request:
      method: GET
      url: /api/todos
      query: *b
      headers: {Accept: application/json}
    expect:
      status: 200
      headers: {Content-Type: {matches: "^application/json"}}
      json:
        $.items: {type: array, length: 2}
        "$.items[0].done": false
        $.owner: {equals: {name: ada}}
      snapshot: {name: todos, redact: ["$.id"]}
  - name: matrix
    request: {url: /api/admin}
    expect: {status: {user: 403, none: 401}}
  - name: create then read
    each: [{name: a, n: 1}, {name: b, n: 2}]
    steps:
      - name: create
        request: {method: POST, url: /api/todos, json: {title: "{{ title }}", n: "{{ n }}"}}
        expect: {status: 201, json: {$.id: {exists: true}}}
        capture: {todo_id: $.id}
      - request: {url: "/api/todos/{{ todo_id }}"}
        retry: {attempts: 3, delay: 10ms}
        expect: {max_duration: 500ms, snapshot: true}
"#;

const FIXTURE: &str = "kind: okta-pkce
okta_url: ${OKTA_URL:-demo}
auth_server: default
client_id: demo-spa
redirect_uri: http://localhost:3000/callback
scopes: [openid, profile, email]
username: ada@example.com
password: correct-horse
";

/// A project folder reused by every case of one property.
struct Bench {
    project: Project,
    env: Env,
}

impl Bench {
    fn new(name: &str) -> Self {
        let project = Project::new(name);
        project.file("suites/todos.yaml", SUITE);
        project.file("fixtures/user.yaml", FIXTURE);
        Self {
            project,
            env: Env::new(),
        }
    }

    /// Writes `text` at `rel`, loads the suites, and checks the outcome.
    fn check(&self, rel: &str, text: &str) -> Result<(), TestCaseError> {
        self.project.file(rel, text);
        let paths = [self.project.path("suites")];
        let start = Instant::now();
        let outcome = gatecheck::run::load_valid(&paths, &self.env, &[]);
        let took = start.elapsed();
        prop_assert!(took < FAST, "loading took {took:?}");
        let diags = match outcome {
            Ok(_) => return Ok(()),
            Err(Error::Invalid(diags)) => diags,
            Err(other) => return Err(TestCaseError::fail(format!("not an input error: {other}"))),
        };
        prop_assert!(!diags.is_empty());
        for d in &diags {
            prop_assert!(
                d.file.starts_with(&self.project.dir),
                "an error names its file: {d}"
            );
            prop_assert!(d.pos.is_some(), "an error says where in the file: {d}");
            prop_assert!(!d.message.is_empty());
        }
        Ok(())
    }
}

/// One edit of a text, at a place given as a fraction of its length (so it
/// works for any text): insert, delete or repeat characters (mostly
/// breaking the YAML), or replace the value of a line, drop or repeat a
/// line (mostly keeping the YAML, to reach the typed and semantic checks).
#[derive(Debug, Clone)]
enum Edit {
    Insert(f64, String),
    Delete(f64, usize),
    Repeat(f64, usize),
    Value(f64, String),
    DropLine(f64),
    RepeatLine(f64),
}

fn apply(text: &str, edit: &Edit) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let line = |f: f64| ((lines.len() as f64) * f) as usize;
    match edit {
        Edit::Value(f, value) if !lines.is_empty() => {
            let n = line(*f);
            if let Some(colon) = lines[n].find(": ") {
                lines[n] = format!("{}: {value}", &lines[n][..colon]);
            }
        }
        Edit::DropLine(f) if !lines.is_empty() => {
            lines.remove(line(*f));
        }
        Edit::RepeatLine(f) if !lines.is_empty() => {
            let n = line(*f);
            lines.insert(n, lines[n].clone());
        }
        Edit::Value(..) | Edit::DropLine(_) | Edit::RepeatLine(_) => {}
        chars => return apply_chars(text, chars),
    }
    lines.join("\n") + "\n"
}

fn apply_chars(text: &str, edit: &Edit) -> String {
    let chars: Vec<char> = text.chars().collect();
    let at = |f: f64| ((chars.len() as f64) * f) as usize;
    let piece = |start: usize, len: usize| start..(start + len).min(chars.len());
    let mut out = chars.clone();
    match edit {
        Edit::Insert(f, s) => {
            out.splice(at(*f)..at(*f), s.chars());
        }
        Edit::Delete(f, len) => {
            out.drain(piece(at(*f), *len));
        }
        Edit::Repeat(f, len) => {
            let copy: Vec<char> = out[piece(at(*f), *len)].to_vec();
            out.splice(at(*f)..at(*f), copy);
        }
        Edit::Value(..) | Edit::DropLine(_) | Edit::RepeatLine(_) => {}
    }
    out.into_iter().collect()
}

/// Pieces of YAML and of gatecheck's format, so that edits reach past the
/// parser into the typed and semantic checks.
fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(": ".to_owned()),
        Just("\n  - ".to_owned()),
        Just("\n---\n".to_owned()),
        Just("&a ".to_owned()),
        Just("*a".to_owned()),
        Just("{".to_owned()),
        Just("]".to_owned()),
        Just("\"".to_owned()),
        Just("{{ ".to_owned()),
        Just("${X}".to_owned()),
        Just("\r\n".to_owned()),
        Just("\u{feff}".to_owned()),
        Just("\t".to_owned()),
        Just("{tpye: x}".to_owned()),
        Just("steps: []".to_owned()),
        Just("snapshot: {name: todos}".to_owned()),
        Just("http://a b".to_owned()),
        Just("<<: *b".to_owned()),
        "[a-z$.\\[\\]{}:,#&*!|>'\" -]{1,8}".prop_map(|s| s),
        any::<char>().prop_map(String::from),
    ]
}

/// Values that are valid YAML but often wrong for gatecheck.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("200".to_owned()),
        Just("2xx".to_owned()),
        Just("-1".to_owned()),
        Just("true".to_owned()),
        Just("[]".to_owned()),
        Just("{}".to_owned()),
        Just("[1, {a: 2}]".to_owned()),
        Just("{tpye: string}".to_owned()),
        Just("{equals: {}}".to_owned()),
        Just("\"http://a b\"".to_owned()),
        Just("not a url".to_owned()),
        Just("\"a\\r\\nb\"".to_owned()),
        Just("\"\\e[31m\"".to_owned()),
        Just("*b".to_owned()),
        Just("&c x".to_owned()),
        Just("\"{{ nope }}\"".to_owned()),
        Just("${NOPE}".to_owned()),
        Just("https://o.okta.com/oauth2/default".to_owned()),
        Just("{name: todos}".to_owned()),
        Just("[profile]".to_owned()),
        Just("500ms".to_owned()),
    ]
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        1 => (0.0..1.0, token()).prop_map(|(f, s)| Edit::Insert(f, s)),
        1 => (0.0..1.0, 1usize..40).prop_map(|(f, n)| Edit::Delete(f, n)),
        1 => (0.0..1.0, 1usize..80).prop_map(|(f, n)| Edit::Repeat(f, n)),
        4 => (0.0..1.0, value()).prop_map(|(f, v)| Edit::Value(f, v)),
        1 => (0.0..1.0).prop_map(Edit::DropLine),
        1 => (0.0..1.0).prop_map(Edit::RepeatLine),
    ]
}

fn mutated(seed: &'static str) -> impl Strategy<Value = String> {
    proptest::collection::vec(edit(), 1..4)
        .prop_map(move |edits| edits.iter().fold(seed.to_owned(), |t, e| apply(&t, e)))
}

fn config() -> Config {
    Config {
        cases: 200,
        failure_persistence: None,
        ..Config::default()
    }
}

#[test]
fn mutated_suites_load_or_fail_with_located_errors() {
    let bench = Bench::new("props-suite");
    proptest!(config(), |(text in mutated(SUITE))| {
        bench.check("suites/todos.yaml", &text)?;
    });
}

#[test]
fn mutated_fixtures_load_or_fail_with_located_errors() {
    let bench = Bench::new("props-fixture");
    proptest!(config(), |(text in mutated(FIXTURE))| {
        bench.check("fixtures/user.yaml", &text)?;
    });
}

#[test]
fn arbitrary_text_loads_or_fails_with_located_errors() {
    let bench = Bench::new("props-text");
    let text = proptest::collection::vec(token(), 0..60).prop_map(|parts| parts.concat());
    proptest!(config(), |(text in text)| {
        bench.check("suites/todos.yaml", &text)?;
    });
}
