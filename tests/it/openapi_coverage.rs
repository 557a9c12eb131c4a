//! `gatecheck coverage --openapi`: the grid of operations x identities,
//! undocumented requests, contradictions, JSON and `--fail-under`.

use serde_json::Value;

use crate::common::Project;

const DOC: &str = r#"openapi: 3.0.3
info: {title: Shop, version: "1"}
servers:
  - url: https://shop.example.com/{version}
    variables:
      version: {default: v1}
security:
  - oauth: [orders.read]
paths:
  /status:
    get:
      security: []
      responses: {"200": {description: up}}
  /orders:
    get:
      responses: {"200": {description: list}}
    post:
      security:
        - oauth: [orders.write]
      responses: {"201": {description: created}}
  /orders/{orderId}:
    get:
      responses: {"200": {description: one}}
  /orders/mine:
    get:
      responses: {"200": {description: mine}}
components:
  securitySchemes:
    oauth:
      type: oauth2
      flows:
        clientCredentials:
          tokenUrl: https://id.example.com/token
          scopes: {orders.read: read, orders.write: write}
"#;

fn fixture(scopes: &str) -> String {
    format!(
        "kind: client-credentials\nokta_url: https://id.example.com\nclient_id: c\nclient_secret: s\nscopes: {scopes}\n"
    )
}

fn shop() -> Project {
    let p = Project::new("coverage");
    p.file("openapi.yaml", DOC);
    p.file("fixtures/reader.yaml", &fixture("[orders.read]"));
    p.file(
        "fixtures/writer.yaml",
        &fixture("[orders.read, orders.write]"),
    );
    p.file(
        "suites/gatecheck.yaml",
        "base_url: https://shop.example.com/v1\nauth: reader\n",
    );
    p.file(
        "suites/orders.yaml",
        r#"vars: {order: o-1}
tests:
  - name: status is public
    auth: none
    request: {url: /status}
    expect: {status: 401}
  - name: list
    request: {url: /orders}
    expect:
      status: {none: 401, reader: 200, writer: 200}
  - name: create
    request: {method: POST, url: /orders, json: {item: x}}
    expect:
      status: {reader: 201, writer: 201}
  - name: one order
    request: {url: "/orders/{{ order }}"}
  - name: captured id
    steps:
      - request: {url: /orders/mine}
        capture: {id: "$.id"}
      - request: {url: "/orders/{{ id }}"}
  - name: undocumented
    request: {url: /orders/o-1/refunds}
  - name: wrong method
    request: {method: DELETE, url: /orders}
    expect: {status: 405}
"#,
    );
    p
}

#[test]
fn grid_unmatched_and_contradictions() {
    let p = shop();
    let out = p.run(&["coverage", "--openapi", "openapi.yaml"], &[]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    let row = |op: &str| -> Vec<&str> {
        lines
            .iter()
            .find(|l| l.starts_with(&format!("{op} ")))
            .unwrap_or_else(|| panic!("no row {op} in\n{}", out.stdout))
            .split_whitespace()
            .collect()
    };
    assert_eq!(
        lines[0].split_whitespace().collect::<Vec<_>>(),
        ["operation", "none", "reader", "writer", "security"]
    );
    assert_eq!(row("GET /status")[2..5], ["covered", "public", "public"]);
    assert_eq!(row("GET /orders")[2..5], ["covered", "covered", "covered"]);
    assert_eq!(row("POST /orders")[2..5], ["MISSING", "covered", "covered"]);
    // `{{ order }}` is the suite's variable; `{{ id }}` (captured) matches
    // any value of the parameter; /orders/mine is the literal path's.
    assert_eq!(
        row("GET /orders/{orderId}")[2..5],
        ["MISSING", "covered", "MISSING"]
    );
    assert_eq!(
        row("GET /orders/mine")[2..5],
        ["MISSING", "covered", "MISSING"]
    );
    // 4 operations x 3 columns + /status's `none`: 13 cells, 8 covered.
    assert!(
        out.stdout.contains("coverage: 61.5% (8 of 13 cells"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("GET /v1/orders/o-1/refunds  in orders::undocumented\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains(
            "DELETE /v1/orders  in orders::wrong method (the path is documented for GET, POST)"
        ),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains(
            "orders::status is public: the document says `GET /status` is public, but the test expects 401 without a token"
        ),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains(
            "orders::create[reader]: `reader` lacks the scope `orders.write` that the document requires for `POST /orders`, but the test expects 201"
        ),
        "{}",
        out.stdout
    );
    assert!(
        !out.stdout.contains("orders::create[writer]"),
        "{}",
        out.stdout
    );
}

#[test]
fn json_and_fail_under() {
    let p = shop();
    let out = p.run(
        &["coverage", "--openapi", "openapi.yaml", "--json", "suites"],
        &[],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let grid: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(
        grid["columns"],
        serde_json::json!(["none", "reader", "writer"])
    );
    assert_eq!(grid["covered"], 8);
    assert_eq!(grid["cells"], 13);
    let list = grid["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["operation"] == "GET /orders")
        .unwrap();
    assert_eq!(list["cells"][1]["state"], "covered");
    assert_eq!(
        list["cells"][1]["trials"],
        serde_json::json!(["orders::list[reader]"])
    );
    assert_eq!(grid["unmatched"].as_array().unwrap().len(), 2);
    assert_eq!(grid["contradictions"].as_array().unwrap().len(), 2);

    let pass = p.run(
        &[
            "coverage",
            "--openapi",
            "openapi.yaml",
            "--fail-under",
            "60",
        ],
        &[],
    );
    assert_eq!(pass.code, 0, "{}", pass.stderr);
    let fail = p.run(
        &[
            "coverage",
            "--openapi",
            "openapi.yaml",
            "--fail-under",
            "70",
        ],
        &[],
    );
    assert_eq!(fail.code, 1);
    assert!(
        fail.stderr
            .contains("coverage 61.5% is under --fail-under 70%"),
        "{}",
        fail.stderr
    );
    // Only the columns asked for.
    let one = p.run(
        &[
            "coverage",
            "--openapi",
            "openapi.yaml",
            "--identity",
            "writer",
            "--json",
        ],
        &[],
    );
    let grid: Value = serde_json::from_str(&one.stdout).unwrap();
    assert_eq!(grid["columns"], serde_json::json!(["none", "writer"]));
}

#[test]
fn bad_documents_and_options_are_usage_errors() {
    let p = shop();
    p.file(
        "swagger.json",
        r#"{"swagger": "2.0", "info": {"title": "x", "version": "1"}, "paths": {}}"#,
    );
    let out = p.run(&["coverage", "--openapi", "swagger.json"], &[]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("swagger.json: at $.swagger: this is a Swagger 2.0 document"),
        "{}",
        out.stderr
    );
    let out = p.run(&["coverage", "--openapi", "missing.yaml"], &[]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("missing.yaml: at $: cannot read the file"),
        "{}",
        out.stderr
    );
    let out = p.run(
        &[
            "coverage",
            "--openapi",
            "openapi.yaml",
            "--fail-under",
            "120",
        ],
        &[],
    );
    assert_eq!(out.code, 2);
    let out = p.run(
        &[
            "coverage",
            "--openapi",
            "openapi.yaml",
            "--identity",
            "ghost",
        ],
        &[],
    );
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("--identity ghost: no fixture of that name (fixtures: reader, writer)"),
        "{}",
        out.stderr
    );
}

/// The repository's own suites against the demo API's published document.
#[test]
fn the_shipped_suites_against_the_demo_document() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let p = Project::new("coverage-shipped");
    let out = p.run(
        &[
            "coverage",
            "--openapi",
            root.join("crates/emulator/src/api/openapi.yaml")
                .to_str()
                .unwrap(),
            "--json",
            root.join("suites").to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let grid: Value = serde_json::from_str(&out.stdout).unwrap();
    let ops: Vec<&str> = grid["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["operation"].as_str().unwrap())
        .collect();
    assert_eq!(ops.len(), 9, "{ops:?}");
    assert!(
        grid["unmatched"].as_array().unwrap().is_empty(),
        "{}",
        out.stdout
    );
    assert!(
        grid["contradictions"].as_array().unwrap().is_empty(),
        "{}",
        out.stdout
    );
    let report = grid["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["operation"] == "GET /admin/report")
        .unwrap();
    assert_eq!(report["security"], "okta[todos.admin]");
}
