//! Run-time failures, end to end: each failing line says where its
//! expectation is written (`suites/f.yaml:9:9: ...`), on the console, in
//! JUnit and in libtest's JSON events, with secrets masked.

use crate::common;

use common::{Okta, Project, TestApi};

fn run(p: &Project, api: &TestApi, args: &[&str], env: &[(&str, &str)]) -> common::Run {
    let mut all = vec![("API_URL", api.url.as_str())];
    all.extend_from_slice(env);
    p.run(args, &all)
}

const SUITE: &str = r#"base_url: ${API_URL}
tests:
  - name: many
    request: {url: /items}
    expect:
      status: [201, 4xx]
      headers:
        X-Nope: "1"
      json:
        $.count:
          type: integer
          gt: 5
        $.items[0].title: buy bread
      snapshot: false
  - name: not json
    request: {url: /text}
    expect:
      json: {$.a: 1}
  - name: flow
    steps:
      - request: {url: /items}
        capture:
          token: {header: X-Token}
      - request: {url: /items}
  - name: snapshot
    request: {url: /items/1}
    expect:
      snapshot: {name: first item}
"#;

#[test]
fn every_kind_of_expectation_is_located_where_it_is_written() {
    let api = TestApi::start();
    let p = Project::new("located");
    p.file("suites/f.yaml", SUITE);
    let out = run(&p, &api, &["--test-threads", "1"], &[("CI", "true")]);
    assert_eq!(out.code, 1, "{}", out.normalized(&p));
    assert_eq!(
        out.failure_head("f::many", 5),
        [
            "GET http://127.0.0.1:[PORT]/items",
            "  suites/f.yaml:6:7: status: expected 201 or 4xx, got 200",
            "  suites/f.yaml:8:9: header X-Nope: expected \"1\", but it is missing",
            "  suites/f.yaml:12:11: $.count: expected > 5, got 2",
            "  suites/f.yaml:13:9: $.items[0].title: expected \"buy bread\", got \"buy milk\"",
        ],
        "{}",
        out.stdout
    );
    assert_eq!(
        out.failure_head("f::not json", 2),
        [
            "GET http://127.0.0.1:[PORT]/text",
            "  suites/f.yaml:18:7: json: expected a JSON body, but the response is not JSON",
        ]
    );
    assert_eq!(
        out.failure_head("f::flow", 2),
        [
            "step 1 of 2: GET http://127.0.0.1:[PORT]/items",
            "  suites/f.yaml:23:11: capture `token`: the response has no header `X-Token`",
        ]
    );
    assert_eq!(
        out.failure_head("f::snapshot", 2),
        [
            "GET http://127.0.0.1:[PORT]/items/1",
            "  suites/f.yaml:28:7: snapshot `f__first_item` is new; nothing was written \
             (CI or INSTA_UPDATE=no); run locally to create it",
        ]
    );
}

#[test]
fn a_matrix_failure_points_at_its_identity() {
    let okta = Okta::start();
    let p = Project::new("located-matrix");
    p.file(
        "fixtures/user.yaml",
        "kind: okta-pkce\nokta_url: ${OKTA_URL}\nclient_id: demo-spa\n\
         redirect_uri: http://localhost:3000/callback\nusername: ada@example.com\n\
         password: correct-horse\n",
    );
    p.file(
        "suites/admin.yaml",
        r#"base_url: ${API_URL}
tests:
  - name: report
    request: {url: /api/admin/report}
    expect:
      status:
        user: 200
        none: 401
      snapshot: false
"#,
    );
    let out = okta.run(&p, &["--test-threads", "1"], &[]);
    assert_eq!(out.code, 1, "{}", out.normalized(&p));
    assert_eq!(
        out.failure_head("admin::report[user]", 2),
        [
            "GET http://127.0.0.1:[PORT]/api/admin/report as user",
            "  suites/admin.yaml:7:9: status: expected 200, got 403",
        ]
    );
}

#[test]
fn json_events_and_junit_carry_the_located_line() {
    let api = TestApi::start();
    let p = Project::new("located-json");
    p.file(
        "suites/j.yaml",
        "base_url: ${API_URL}\ntests:\n  - name: missing\n    request: {url: /items/9}\n    \
         expect:\n      status: 200\n      snapshot: false\n",
    );
    let line = "suites/j.yaml:6:7: status: expected 200, got 404";
    let out = run(&p, &api, &["--format", "json", "--junit", "junit.xml"], &[]);
    assert_eq!(out.code, 1, "{}", out.normalized(&p));
    let failed: Vec<serde_json::Value> = out
        .stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|e| e["type"] == "test" && e["event"] == "failed")
        .collect();
    assert_eq!(failed.len(), 1, "{}", out.stdout);
    assert_eq!(failed[0]["name"], "j::missing");
    let message = failed[0]["stdout"].as_str().unwrap_or_default();
    assert_eq!(
        message.lines().nth(1),
        Some(format!("  {line}").as_str()),
        "{message}"
    );
    let xml = std::fs::read_to_string(p.path("junit.xml")).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let failure = doc
        .descendants()
        .find(|n| n.has_tag_name("failure"))
        .expect("a failure");
    assert_eq!(failure.attribute("message"), Some(line));
}

#[test]
fn secrets_are_masked_in_failure_values_everywhere() {
    let api = TestApi::start();
    let p = Project::new("located-secret");
    p.file("suites/gatecheck.yaml", "secrets: [\"${API_KEY}\"]\n");
    p.file(
        "suites/s.yaml",
        r#"base_url: ${API_URL}
tests:
  - name: echo
    request: {method: POST, url: /echo, json: {key: "${API_KEY}"}}
    expect:
      json: {$.json.key: nope}
      snapshot: false
"#,
    );
    let secret = "s3cr3t-key-value";
    let out = run(&p, &api, &["--junit", "junit.xml"], &[("API_KEY", secret)]);
    assert_eq!(out.code, 1, "{}", out.normalized(&p));
    assert_eq!(
        out.failure_head("s::echo", 2),
        [
            "POST http://127.0.0.1:[PORT]/echo",
            "  suites/s.yaml:6:14: $.json.key: expected \"nope\", got \"***\"",
        ]
    );
    let xml = std::fs::read_to_string(p.path("junit.xml")).unwrap();
    assert!(!out.stdout.contains(secret), "{}", out.stdout);
    assert!(!xml.contains(secret), "{xml}");
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let failure = doc
        .descendants()
        .find(|n| n.has_tag_name("failure"))
        .expect("a failure");
    assert_eq!(
        failure.attribute("message"),
        Some("suites/s.yaml:6:14: $.json.key: expected \"nope\", got \"***\"")
    );
}
