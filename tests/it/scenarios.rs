//! Scenarios: steps, captures, templating, data rows and retries, end to end.

use crate::common;

use common::{Project, TestApi};

fn run(p: &Project, api: &TestApi, args: &[&str]) -> common::Run {
    p.run(args, &[("API_URL", &api.url)])
}

#[test]
fn steps_capture_typed_values_and_reuse_them() {
    let api = TestApi::start();
    let p = Project::new("steps");
    p.file(
        "suites/flow.yaml",
        r#"
base_url: ${API_URL}
vars: {title: buy milk}
tests:
  - name: create then read
    steps:
      - name: create
        request:
          method: POST
          url: /create
          json: {title: "{{ title }}", ref: "{{ $uuid }}", at: "{{ $timestamp }}"}
        expect:
          status: 201
          json: {$.input.title: "{{ title }}", $.id: {type: integer}}
        capture:
          new_id: $.id
          created_status: {status: true}
          ctype: {header: content-type}
      - name: echo the typed capture
        request:
          method: POST
          url: /echo
          json: {id: "{{ new_id }}", label: "item {{ new_id }}", status: "{{ created_status }}"}
        expect:
          json:
            $.json.id: {type: integer, gte: 100}
            $.json.label: {matches: "^item [0-9]+$"}
            $.json.status: 201
      - request: {url: "/items/{{ new_id }}"}
        expect: {status: 404, json: {$.id: "{{ new_id }}"}}
"#,
    );
    let out = run(&p, &api, &[]);
    assert_eq!(out.code, 0, "{}", out.normalized(&p));
    assert_eq!(api.hits(), 3);
}

#[test]
fn a_failing_step_stops_the_test_and_is_named() {
    let api = TestApi::start();
    let p = Project::new("step-fail");
    p.file(
        "suites/flow.yaml",
        r#"
base_url: ${API_URL}
tests:
  - name: stops early
    steps:
      - request: {url: /items}
      - name: missing
        request: {url: /items/7}
        expect: {status: 200}
      - request: {url: /items}
"#,
    );
    let out = run(&p, &api, &[]);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.failure_head("flow::stops early", 2),
        [
            "step 2 of 3 (missing): GET http://127.0.0.1:[PORT]/items/7",
            "  suites/flow.yaml:9:18: status: expected 200, got 404",
        ],
        "{}",
        out.stdout
    );
    assert_eq!(api.hits(), 2, "the third step must not run");
}

#[test]
fn a_capture_that_matches_nothing_fails_and_says_which() {
    let api = TestApi::start();
    let p = Project::new("capture-miss");
    p.file(
        "suites/c.yaml",
        r#"
base_url: ${API_URL}
tests:
  - name: bad capture
    steps:
      - request: {url: /items}
        capture: {first: "$.nope[0]"}
      - request: {url: "/items/{{ first }}"}
"#,
    );
    let out = run(&p, &api, &[]);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.failure_head("c::bad capture", 2),
        [
            "step 1 of 2: GET http://127.0.0.1:[PORT]/items",
            "  suites/c.yaml:7:19: capture `first`: $.nope[0] selects nothing in the response",
        ],
        "{}",
        out.stdout
    );
}

#[test]
fn retry_succeeds_on_the_third_attempt() {
    let api = TestApi::start();
    let p = Project::new("retry-ok");
    p.file(
        "suites/r.yaml",
        r#"
base_url: ${API_URL}
tests:
  - name: eventually ready
    request: {url: /flaky/a}
    expect: {status: 200, json: {$.ready: true}, snapshot: false}
    retry: {attempts: 3, delay: 10ms}
"#,
    );
    let out = run(&p, &api, &[]);
    assert_eq!(out.code, 0, "{}", out.normalized(&p));
    assert_eq!(api.hits(), 3);
}

#[test]
fn retry_gives_up_and_says_after_how_many_attempts() {
    let api = TestApi::start();
    let p = Project::new("retry-fail");
    p.file(
        "suites/r.yaml",
        r#"
base_url: ${API_URL}
tests:
  - name: never ready in time
    request: {url: /flaky/b}
    expect: {status: 200, snapshot: false}
    retry: {attempts: 2, delay: 10ms}
  - name: until a status
    request: {url: /flaky/c}
    expect: {json: {$.ready: true}, snapshot: false}
    retry: {attempts: 5, delay: 10ms, until: 200}
"#,
    );
    let out = run(&p, &api, &["--test-threads", "1"]);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.failure_head("r::never ready in time", 2),
        [
            "GET http://127.0.0.1:[PORT]/flaky/b (failed after 2 attempts)",
            "  suites/r.yaml:6:14: status: expected 200, got 503",
        ],
        "{}",
        out.stdout
    );
    // `until: 200` polls past the two 503s, then the expectations are checked.
    assert!(out.stdout.contains("1 passed; 1 failed"), "{}", out.stdout);
    assert_eq!(api.hits(), 2 + 3);
}

#[test]
fn non_idempotent_requests_are_not_retried_unless_asked() {
    let api = TestApi::start();
    let p = Project::new("retry-post");
    p.file(
        "suites/r.yaml",
        r#"
base_url: ${API_URL}
tests:
  - name: post
    request: {method: POST, url: /create, json: {}}
    retry: {attempts: 3}
"#,
    );
    let out = run(&p, &api, &[]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("tests[0].retry: POST is not idempotent"),
        "{}",
        out.stderr
    );
}

#[test]
fn each_row_is_its_own_trial() {
    let api = TestApi::start();
    let p = Project::new("each");
    p.file(
        "suites/e.yaml",
        r#"
base_url: ${API_URL}
tests:
  - name: by id
    each:
      - {id: 1, title: item 1}
      - {name: second, id: 2, title: item 2}
    request: {url: "/items/{{ id }}"}
    expect: {json: {$.title: "{{ title }}"}, snapshot: false}
  - name: from csv
    each: rows.csv
    request: {url: "/items/{{ id }}"}
    expect: {json: {$.title: "{{ title }}"}, snapshot: false}
"#,
    );
    p.file("suites/rows.csv", "id,title\n1,item 1\n2,item 2\n");
    let out = run(&p, &api, &["--list"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "e::by id[row 1]: test\ne::by id[second]: test\ne::from csv[row 1]: test\ne::from csv[row 2]: test\n"
    );
    let out = run(&p, &api, &[]);
    assert_eq!(out.code, 0, "{}", out.normalized(&p));
    assert_eq!(api.hits(), 4);
}

#[test]
fn concurrent_tests_keep_their_own_captures() {
    let api = TestApi::start();
    let p = Project::new("concurrent-captures");
    let tests: String = (0..24)
        .map(|i| {
            format!(
                r#"
  - name: t{i}
    steps:
      - request: {{method: POST, url: /echo, json: {{v: {i}}}}}
        capture: {{value: $.json.v}}
      - request: {{method: POST, url: /echo, json: {{v: "{{{{ value }}}}"}}}}
        expect: {{json: {{$.json.v: {i}}}}}
"#
            )
        })
        .collect();
    p.file(
        "suites/c.yaml",
        &format!("base_url: ${{API_URL}}\ntests:{tests}"),
    );
    let out = run(&p, &api, &["--test-threads", "12"]);
    assert_eq!(out.code, 0, "{}", out.normalized(&p));
    assert_eq!(api.hits(), 48);
}

#[test]
fn secret_captures_are_masked() {
    let api = TestApi::start();
    let p = Project::new("secret-capture");
    p.file(
        "suites/s.yaml",
        r#"
base_url: ${API_URL}
tests:
  - name: leaks nothing
    steps:
      - request: {method: POST, url: /echo, json: {token: tok-abcdef-123456}}
        capture: {token: {json: $.json.token, secret: true}}
      - request: {url: /echo, headers: {X-Token: "{{ token }}"}}
        expect: {status: 500}
"#,
    );
    let out = run(&p, &api, &["-v"]);
    assert_eq!(out.code, 1);
    // The first response is printed by -v before the capture is known; from
    // then on, the value is masked everywhere.
    let after_capture = out
        .stderr
        .split("--- s::leaks nothing")
        .nth(2)
        .unwrap_or_default();
    assert!(
        !after_capture.contains("tok-abcdef-123456"),
        "{}",
        out.stderr
    );
    assert!(!out.stdout.contains("tok-abcdef-123456"), "{}", out.stdout);
}

#[test]
fn unknown_variables_are_load_time_errors_with_suggestions() {
    let api = TestApi::start();
    let p = Project::new("unknown-var");
    p.file(
        "suites/u.yaml",
        r#"
base_url: ${API_URL}
vars: {title: x}
tests:
  - name: typo
    steps:
      - request: {url: /items}
        capture: {item_id: "$.items[0].id"}
      - request: {url: "/items/{{ item_idd }}", json: {t: "{{ titel }}"}}
"#,
    );
    let out = run(&p, &api, &[]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("unknown variable `{{ item_idd }}` (did you mean `item_id`?)"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("unknown variable `{{ titel }}` (did you mean `title`?)"),
        "{}",
        out.stderr
    );
    assert_eq!(api.hits(), 0);
}

#[test]
fn a_matrix_inside_a_step_is_a_load_error() {
    let api = TestApi::start();
    let p = Project::new("step-matrix");
    p.file(
        "suites/m.yaml",
        r#"
base_url: ${API_URL}
tests:
  - name: matrix in steps
    steps:
      - request: {url: /items}
        expect: {status: {none: 200}}
"#,
    );
    let out = run(&p, &api, &[]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("tests[0].steps[0].expect.status: an authorization matrix"),
        "{}",
        out.stderr
    );
}
