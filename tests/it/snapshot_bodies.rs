//! An accepted snapshot is never skipped because the body stopped being
//! JSON, and a body that is not JSON is snapshotted as text when asked:
//! the real binary against a small API whose answer the test picks.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::extract::Path as UrlPath;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::common::{self, Project};

/// An API answering `/body/<kind>` with a body of that kind.
struct BodyApi {
    url: String,
    _runtime: tokio::runtime::Runtime,
}

impl BodyApi {
    fn start() -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let hits = Arc::new(AtomicUsize::new(0));
        let app = axum::Router::new().route(
            "/body/{kind}",
            get(move |UrlPath(kind): UrlPath<String>| {
                hits.fetch_add(1, Ordering::SeqCst);
                async move { body(&kind) }
            }),
        );
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        runtime.spawn(async move { axum::serve(listener, app).await });
        Self {
            url,
            _runtime: runtime,
        }
    }
}

fn body(kind: &str) -> Response {
    let json = [(header::CONTENT_TYPE, "application/json")];
    match kind {
        "json" => (json, r#"{"id": 7, "name": "seven"}"#).into_response(),
        "json2" => (json, r#"{"id": 8, "name": "eight"}"#).into_response(),
        "html" => (
            [(header::CONTENT_TYPE, "text/html")],
            "<html><body><h1>502 Bad Gateway</h1></body></html>",
        )
            .into_response(),
        "empty" => (json, "").into_response(),
        "truncated" => (json, r#"{"id": 7, "na"#).into_response(),
        "plain" => ([(header::CONTENT_TYPE, "text/plain")], "pong\nv2\n").into_response(),
        "plain2" => ([(header::CONTENT_TYPE, "text/plain")], "pong\nv3\n").into_response(),
        "binary" => (
            [(header::CONTENT_TYPE, "application/octet-stream")],
            vec![0u8, 0xff, 0xfe, 1, 2],
        )
            .into_response(),
        "nocontent" => StatusCode::NO_CONTENT.into_response(),
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

/// The suite: one test per form of `snapshot:` (default, `true`, named).
const SUITE: &str = r#"
base_url: ${API_URL}
tests:
  - name: by default
    request: {url: "/body/{{ kind }}"}
  - name: turned on
    request: {url: "/body/{{ kind }}"}
    expect: {snapshot: true}
  - name: named
    request: {url: "/body/{{ kind }}"}
    expect: {snapshot: {name: the_body}}
"#;

const TESTS: [&str; 3] = ["by default", "turned on", "named"];

fn run(p: &Project, api: &BodyApi, kind: &str, env: &[(&str, &str)]) -> common::Run {
    let mut all = vec![("API_URL", api.url.as_str())];
    all.extend_from_slice(env);
    let var = format!("kind={kind}");
    p.run(&["--test-threads", "1", "--var", &var], &all)
}

fn accept_all(p: &Project) {
    for file in p.files() {
        if let Some(snap) = file.strip_suffix(".new") {
            std::fs::rename(p.path(&file), p.path(snap)).unwrap();
        }
    }
}

fn snapshot_files(p: &Project) -> Vec<String> {
    p.files()
        .into_iter()
        .filter(|f| f.contains("snapshots/"))
        .collect()
}

/// A project whose three JSON snapshots are accepted.
fn accepted_json(api: &BodyApi, name: &str) -> Project {
    let p = Project::new(name);
    p.file("suites/s.yaml", SUITE);
    let first = run(&p, api, "json", &[]);
    assert_eq!(first.code, 1, "{}", first.normalized(&p));
    accept_all(&p);
    let again = run(&p, api, "json", &[]);
    assert_eq!(again.code, 0, "{}", again.normalized(&p));
    p
}

#[test]
fn an_accepted_json_snapshot_fails_when_the_body_stops_being_json() {
    let api = BodyApi::start();
    let p = accepted_json(&api, "snap-not-json");
    let accepted = snapshot_files(&p);
    assert_eq!(
        accepted,
        [
            "suites/snapshots/s__by_default.snap",
            "suites/snapshots/s__the_body.snap",
            "suites/snapshots/s__turned_on.snap",
        ]
    );
    for kind in ["html", "empty", "truncated", "plain", "nocontent", "binary"] {
        for ci in [false, true] {
            let env: &[(&str, &str)] = if ci { &[("CI", "true")] } else { &[] };
            let out = run(&p, &api, kind, env);
            assert_eq!(out.code, 1, "{kind} (CI {ci}): {}", out.normalized(&p));
            assert!(
                out.stdout.contains("0 passed; 3 failed"),
                "{kind} (CI {ci}): {}",
                out.stdout
            );
            for test in TESTS {
                let head = out.failure_head(&format!("s::{test}"), 3).join("\n");
                assert!(
                    head.contains("does not match")
                        && head.contains("the accepted snapshot is JSON, the response is not"),
                    "{kind} (CI {ci}) {test}: {head}"
                );
            }
            if ci {
                assert_eq!(snapshot_files(&p), accepted, "CI writes nothing");
            }
            for file in p.files() {
                if file.ends_with(".new") {
                    std::fs::remove_file(p.path(&file)).unwrap();
                }
            }
        }
    }
    // The accepted snapshots are untouched and still pass.
    let back = run(&p, &api, "json", &[("CI", "true")]);
    assert_eq!(back.code, 0, "{}", back.normalized(&p));
}

#[test]
fn a_text_body_is_snapshotted_as_text_when_asked() {
    let api = BodyApi::start();
    let p = Project::new("snap-text");
    p.file("suites/s.yaml", SUITE);
    let first = run(&p, &api, "plain", &[]);
    // By default only JSON bodies are snapshotted; asked for, a text body is
    // snapshotted as text.
    assert_eq!(first.code, 1, "{}", first.normalized(&p));
    assert!(
        first.stdout.contains("1 passed; 2 failed"),
        "{}",
        first.stdout
    );
    assert_eq!(
        snapshot_files(&p),
        [
            "suites/snapshots/s__the_body.snap.new",
            "suites/snapshots/s__turned_on.snap.new",
        ]
    );
    let new = std::fs::read_to_string(p.path("suites/snapshots/s__turned_on.snap.new")).unwrap();
    assert!(new.ends_with("---\npong\nv2\n"), "{new}");
    assert!(
        first.stdout.contains("    +pong\n    +v2\n"),
        "{}",
        first.stdout
    );
    accept_all(&p);
    let same = run(&p, &api, "plain", &[("CI", "true")]);
    assert_eq!(same.code, 0, "{}", same.normalized(&p));

    let changed = run(&p, &api, "plain2", &[("CI", "true")]);
    assert_eq!(changed.code, 1, "{}", changed.normalized(&p));
    assert!(
        changed.stdout.contains("1 passed; 2 failed"),
        "{}",
        changed.stdout
    );
    assert!(
        changed.stdout.contains("    -v2\n    +v3\n"),
        "{}",
        changed.stdout
    );

    // A text baseline against a JSON body fails too, and says why.
    let json = run(&p, &api, "json", &[("CI", "true")]);
    assert_eq!(json.code, 1, "{}", json.normalized(&p));
    let head = json.failure_head("s::turned on", 3).join("\n");
    assert!(
        head.contains("the accepted snapshot is text, the response is JSON"),
        "{head}"
    );
}

#[test]
fn a_binary_body_is_snapshotted_by_size_and_digest() {
    let api = BodyApi::start();
    let p = Project::new("snap-binary");
    p.file("suites/s.yaml", SUITE);
    let first = run(&p, &api, "binary", &[]);
    assert_eq!(first.code, 1, "{}", first.normalized(&p));
    let new = std::fs::read_to_string(p.path("suites/snapshots/s__turned_on.snap.new")).unwrap();
    assert!(
        new.contains("binary body (not UTF-8): 5 bytes, sha256 "),
        "{new}"
    );
    accept_all(&p);
    let again = run(&p, &api, "binary", &[("CI", "true")]);
    assert_eq!(again.code, 0, "{}", again.normalized(&p));
    let json = run(&p, &api, "json2", &[("CI", "true")]);
    assert_eq!(json.code, 1, "{}", json.normalized(&p));
}
