//! End-to-end tests of the core: the real binary against a local API.

use crate::common;

use common::{Project, TestApi};

const PASSING: &str = r#"
name: Items API
base_url: ${API_URL}
tests:
  - name: list items
    request: {url: /items, query: {limit: 10}}
    expect:
      status: 200
      headers: {Content-Type: {matches: "^application/json"}}
      json:
        $.items: {type: array, length: 2}
        $.items[0].title: buy milk
        $.items[1].done: true
        $.count: {gte: 2, lt: 3}
        $.items[*].id: [1, 2]
        $.missing: {exists: false}
      snapshot: false
  - name: one item
    request: {url: /items/1}
    expect: {status: 2xx, json: {$.id: 1}, snapshot: false}
"#;

fn api_env(api: &TestApi) -> Vec<(&'static str, String)> {
    vec![("API_URL", api.url.clone())]
}

fn run(project: &Project, api: &TestApi, args: &[&str]) -> common::Run {
    let env = api_env(api);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    project.run(args, &env)
}

#[test]
fn a_passing_suite_exits_0_and_reports_like_cargo_test() {
    let api = TestApi::start();
    let p = Project::new("passing");
    p.file("suites/items.yaml", PASSING);
    let out = run(&p, &api, &["suites/"]);
    assert_eq!(out.code, 0, "{}", out.normalized(&p));
    assert!(
        out.stdout.contains("test items::list items ... ok"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("test result: ok. 2 passed; 0 failed"),
        "{}",
        out.stdout
    );
    assert_eq!(api.hits(), 2);
}

#[test]
fn the_default_path_is_suites() {
    let api = TestApi::start();
    let p = Project::new("default-path");
    p.file("suites/items.yaml", PASSING);
    let out = run(&p, &api, &[]);
    assert_eq!(out.code, 0, "{}", out.normalized(&p));
}

#[test]
fn a_failure_shows_request_expectations_actual_values_and_body() {
    let api = TestApi::start();
    let p = Project::new("failing");
    p.file(
        "suites/items.yaml",
        r#"
base_url: ${API_URL}
tests:
  - name: wrong expectations
    request: {url: /items}
    expect:
      status: 201
      json:
        $.items[0].done: true
        $.count: {lt: 2}
        $.nothing: 1
      snapshot: false
  - name: missing item
    request: {url: /items/9}
    expect: {status: 200, snapshot: false}
"#,
    );
    let out = run(&p, &api, &["--test-threads", "1"]);
    assert_eq!(out.code, 1);
    insta::assert_snapshot!(out.normalized(&p));
}

#[test]
fn all_input_errors_are_listed_with_positions_and_exit_2() {
    let api = TestApi::start();
    let p = Project::new("invalid");
    p.file(
        "suites/bad.yaml",
        r#"
base_url: ${API_URL}
tests:
  - name: typo in a key
    reqest: {url: /items}
  - name: wrong type
    request: {url: /items}
    expect: {status: two hundred}
  - name: dup
    request: {url: /items}
  - name: dup
    request: {url: /items}
  - name: two bodies
    request: {method: POST, url: /echo, json: {a: 1}, body: "x"}
  - name: bad jsonpath
    request: {url: /items}
    expect: {json: {"$.items[": 1}}
  - name: unknown var
    request: {url: "/items/{{ item_id }}"}
  - name: unknown identity
    auth: admin
    request: {url: /items}
  - name: missing env
    request: {url: "${NOT_SET_ANYWHERE}"}
"#,
    );
    p.file("suites/broken.yaml", "tests: [\n  - name: x\n");
    let out = run(&p, &api, &[]);
    assert_eq!(out.code, 2);
    assert_eq!(
        api.hits(),
        0,
        "nothing may be sent when the input is invalid"
    );
    insta::assert_snapshot!(out.normalized(&p));
}

#[test]
fn validate_checks_without_sending() {
    let api = TestApi::start();
    let p = Project::new("validate");
    p.file("suites/items.yaml", PASSING);
    let out = run(&p, &api, &["validate"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout.trim(),
        "ok: 1 suites, 2 tests (2 trials), 0 identities"
    );
    assert_eq!(api.hits(), 0);
}

#[test]
fn missing_paths_and_empty_folders_are_usage_errors() {
    let api = TestApi::start();
    let p = Project::new("paths");
    p.file("empty/readme.txt", "no suites here");
    let out = run(&p, &api, &["nope/", "empty"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("nope/: path does not exist"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("empty: no suites found"),
        "{}",
        out.stderr
    );
}

#[test]
fn list_filter_exact_skip_and_tags_select_trials() {
    let api = TestApi::start();
    let p = Project::new("select");
    p.file(
        "suites/a.yaml",
        r#"
base_url: ${API_URL}
tags: [smoke]
tests:
  - {name: one, request: {url: /items}, expect: {snapshot: false}}
  - {name: two, tags: [slow], request: {url: /items}, expect: {snapshot: false}}
  - {name: later, skip: "not ready", request: {url: /items}, expect: {snapshot: false}}
"#,
    );
    let list = run(&p, &api, &["--list"]);
    assert_eq!(list.code, 0);
    assert_eq!(list.stdout, "a::one: test\na::two: test\na::later: test\n");
    let out = run(&p, &api, &["--list", "--exclude-tag", "slow"]);
    assert_eq!(out.stdout, "a::one: test\na::later: test\n");
    let out = run(&p, &api, &["--list", "--tag", "slow"]);
    assert_eq!(out.stdout, "a::two: test\n");
    let out = run(&p, &api, &["o"]);
    assert!(out.stdout.contains("test a::one ... ok"), "{}", out.stdout);
    assert!(out.stdout.contains("test a::two ... ok"), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("2 passed; 0 failed; 0 ignored; 0 measured; 1 filtered out"),
        "{}",
        out.stdout
    );
    let out = run(&p, &api, &["a::one", "--exact"]);
    assert!(
        out.stdout
            .contains("1 passed; 0 failed; 0 ignored; 0 measured; 2 filtered out"),
        "{}",
        out.stdout
    );
    let out = run(&p, &api, &["--skip", "two", "--include-ignored"]);
    assert!(
        out.stdout
            .contains("2 passed; 0 failed; 0 ignored; 0 measured; 1 filtered out"),
        "{}",
        out.stdout
    );
    let out = run(&p, &api, &["--ignored"]);
    assert!(
        out.stdout.contains("test a::later ... ok"),
        "{}",
        out.stdout
    );
}

#[test]
fn json_format_emits_libtest_events() {
    let api = TestApi::start();
    let p = Project::new("json-format");
    p.file("suites/items.yaml", PASSING);
    let out = run(&p, &api, &["--format", "json", "--test-threads", "1"]);
    assert_eq!(out.code, 0);
    let events: Vec<serde_json::Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert_eq!(events[0]["type"], "suite");
    assert_eq!(events[0]["event"], "started");
    let last = events.last().unwrap();
    assert_eq!(last["event"], "ok");
    assert_eq!(last["passed"], 2);
}

#[test]
fn requests_carry_query_headers_bodies_and_vars() {
    let api = TestApi::start();
    let p = Project::new("request");
    p.file(
        "suites/gatecheck.yaml",
        "base_url: ${API_URL}\nheaders: {X-Suite: from-config}\nvars: {who: config}\n",
    );
    p.file(
        "suites/echo.yaml",
        r#"
vars: {n: 3, word: hello}
tests:
  - name: json body keeps types
    request:
      method: post
      url: /echo
      query: {q: "{{ word }}", page: 2}
      headers: {X-Test: "{{ who }}"}
      json: {n: "{{ n }}", text: "{{ word }} {{ who }}", cli: "{{ from_cli }}"}
    expect:
      json:
        $.method: POST
        $.query.q: hello
        $.query.page: "2"
        $.headers['x-test']: config
        $.headers['x-suite']: from-config
        $.json.n: 3
        $.json.text: hello config
        $.json.cli: given
      snapshot: false
  - name: form body
    request: {method: POST, url: /echo, form: {a: "1", b: "{{ word }}"}}
    expect:
      json:
        $.body: a=1&b=hello
        $.headers['content-type']: application/x-www-form-urlencoded
      snapshot: false
  - name: raw body
    request: {method: PUT, url: /echo, body: "plain {{ word }}", headers: {Content-Type: text/plain}}
    expect: {json: {$.body: plain hello}, snapshot: false}
"#,
    );
    let out = run(&p, &api, &["--var", "from_cli=given"]);
    assert_eq!(out.code, 0, "{}", out.normalized(&p));
}

#[test]
fn headers_and_durations_are_checked() {
    let api = TestApi::start();
    let p = Project::new("headers");
    p.file(
        "suites/h.yaml",
        r#"
base_url: ${API_URL}
tests:
  - name: header exact and regex
    request: {url: /items}
    expect:
      headers: {content-type: application/json, X-Nope: {matches: "."}}
      snapshot: false
  - name: too slow
    request: {url: /slow}
    expect: {max_duration: 50ms, snapshot: false}
"#,
    );
    let out = run(&p, &api, &["--test-threads", "1"]);
    assert_eq!(out.code, 1);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(
        lines.contains(
            &"  suites/h.yaml:7:49: header X-Nope: expected a match for /./, but it is missing"
        ),
        "{}",
        out.stdout
    );
    // The header that matched is not reported.
    assert!(
        !out.stdout.contains("header content-type"),
        "{}",
        out.stdout
    );
    let slow = "  suites/h.yaml:11:14: duration: expected at most 50ms, took ";
    assert!(
        lines
            .iter()
            .any(|l| l.strip_prefix(slow).is_some_and(|t| t.ends_with("ms"))),
        "{}",
        out.stdout
    );
}

#[test]
fn configured_secrets_never_appear_in_output() {
    let api = TestApi::start();
    let p = Project::new("secrets");
    p.file(
        "suites/gatecheck.yaml",
        "base_url: ${API_URL}\nsecrets: [\"${API_KEY}\"]\nheaders: {X-Api-Key: \"${API_KEY}\"}\n",
    );
    p.file(
        "suites/s.yaml",
        r#"
tests:
  - name: echo fails
    request: {url: /echo, headers: {Authorization: "Bearer ${API_KEY}"}}
    expect: {status: 418, snapshot: false}
"#,
    );
    let env = [
        ("API_URL", api.url.as_str()),
        ("API_KEY", "s3cr3t-key-value"),
    ];
    let out = p.run(&["-v", "--test-threads", "1"], &env);
    assert_eq!(out.code, 1);
    let all = format!("{}{}", out.stdout, out.stderr);
    assert!(!all.contains("s3cr3t-key-value"), "secret leaked:\n{all}");
    assert!(all.contains("***"), "{all}");
}

#[test]
fn a_slow_answer_times_out_instead_of_hanging() {
    let api = TestApi::start();
    let p = Project::new("timeout");
    p.file(
        "suites/t.yaml",
        "base_url: ${API_URL}\ntimeout: 100ms\ntests:\n  - {name: slow, request: {url: /slow}}\n",
    );
    let out = run(&p, &api, &[]);
    assert_eq!(out.code, 1);
    let request = format!("GET {}/slow", api.url);
    let lines: Vec<&str> = out.stdout.lines().collect();
    let at = lines.iter().position(|l| *l == request);
    assert_eq!(
        at.map(|i| lines[i + 1]),
        Some("  suites/t.yaml:4:18: request timed out after 100ms"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_broken_fixture_is_reported_once_with_did_you_mean() {
    let p = Project::new("broken-fixture");
    p.file("fixtures/user.yaml", "kind: okta-pcke\nokta_url: demo\n");
    p.file(
        "suites/s.yaml",
        "base_url: demo\ntests:\n  - {name: t, auth: user, request: {url: /api/health}}\n",
    );
    let out = p.run(&[], &[]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "error: fixtures/user.yaml:1:1: kind: unknown variant `okta-pcke`, expected one of `okta-pkce`, \
         `okta-idx`, `oauth2-pkce`, `client-credentials`, `password`, `refresh-token`, `static`, `auth0`, `cognito` (did you mean `okta-pkce`?)\n\
         1 error found; nothing was run\n"
    );
}

#[test]
fn import_postman_writes_suites_that_validate() {
    let p = Project::new("import");
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/postman");
    let collection = data.join("okta-todos.postman_collection.json");
    let environment = data.join("okta-todos.postman_environment.json");
    let out = p.run(
        &[
            "import",
            "postman",
            collection.to_str().unwrap(),
            "--environment",
            environment.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains("wrote fixtures/user.yaml"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains(
            "assertions: 10 of 11 converted (90%)\nassertions not converted: 1\n     1  in a token request replaced by a login fixture\nset before running: API_KEY, OKTA_PASSWORD\n"
        ),
        "the summary counts assertions and names the variables to set: {}",
        out.stdout
    );
    let check = p.run(&["validate"], &[("OKTA_PASSWORD", "x"), ("API_KEY", "k")]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    // A second import never overwrites what the first wrote.
    let again = p.run(&["import", "postman", collection.to_str().unwrap()], &[]);
    assert_eq!(again.code, 2);
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);
}

#[test]
fn tests_whose_snapshots_would_collide_are_rejected() {
    let p = Project::new("snapshot-collision");
    p.file(
        "suites/s.yaml",
        "base_url: http://127.0.0.1:1\ntests:\n  - {name: list items, request: {url: /a}}\n  - {name: list_items, request: {url: /b}}\n",
    );
    let out = p.run(&["validate"], &[]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains(
            "suites/s.yaml:4:6: tests[1].name: `s::list_items` would write the snapshot file \
             snapshots/s__list_items.snap, as `s::list items` does; rename one, or give it \
             `snapshot: {name: ...}`"
        ),
        "{}",
        out.stderr
    );
}
