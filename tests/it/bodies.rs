//! Large JSON bodies end to end: JSONPath checks and captures read a 2 MiB
//! array lazily, snapshots of it are created, matched and told apart, and a
//! failure still shows the body (pretty, truncated) with secrets masked.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

use crate::common::Project;

/// Items in the array: about 2 MiB of JSON.
const ITEMS: usize = 20_000;

/// Serves `/array` (a JSON array of `ITEMS` objects; after `changed` is set,
/// the sixth name differs) on 127.0.0.1:0.
struct BigApi {
    url: String,
    changed: Arc<AtomicBool>,
    _runtime: tokio::runtime::Runtime,
}

fn array(changed: bool) -> String {
    let items: Vec<serde_json::Value> = (0..ITEMS)
        .map(|i| {
            let name = match (i == 5, changed) {
                (true, true) => "renamed".to_owned(),
                _ => format!("item {i}"),
            };
            serde_json::json!({"id": i, "name": name, "price": i as f64 * 1.25,
                "tags": ["a", "b"], "note": "tok-big-secret", "dims": {"w": i % 10}})
        })
        .collect();
    serde_json::Value::Array(items).to_string()
}

impl BigApi {
    fn start() -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let bodies = Arc::new([array(false), array(true)]);
        let changed = Arc::new(AtomicBool::new(false));
        let flag = changed.clone();
        let app = axum::Router::new().route(
            "/array",
            get(move || {
                let body = bodies[usize::from(flag.load(Ordering::SeqCst))].clone();
                async move { ([(header::CONTENT_TYPE, "application/json")], body).into_response() }
            }),
        );
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        runtime.spawn(async move { axum::serve(listener, app).await });
        Self {
            url,
            changed,
            _runtime: runtime,
        }
    }
}

const SUITE: &str = r#"name: big
base_url: ${API_URL}
tests:
  - name: last element
    request: {url: /array}
    expect:
      status: 200
      json:
        "$[-1].name": "item 19999"
        "$[0].tags": ["a", "b"]
        "$[?@.id == 12345].price": 15431.25
        "$": {length: 20000}
      snapshot: {redact: ["$[*].price"]}
  - name: capture from a big body
    steps:
      - request: {url: /array}
        expect: {status: 200}
        capture: {name: "$[-2].name"}
      - request: {url: /array, query: {after: "{{ name }}"}}
        expect:
          json: {"$[-2].name": "{{ name }}"}
  - name: wrong expectation
    request: {url: /array}
    expect:
      json: {"$[-1].dims.w": 3}
      snapshot: false
"#;

#[test]
fn big_bodies_are_checked_captured_and_snapshotted() {
    let api = BigApi::start();
    let p = Project::new("bodies");
    p.file("suites/big.yaml", SUITE);
    p.file("suites/gatecheck.yaml", "secrets: [tok-big-secret]\n");
    let run = |args: &[&str], update: &str| {
        p.run(
            args,
            &[("API_URL", api.url.as_str()), ("INSTA_UPDATE", update)],
        )
    };
    let first = run(&["suites"], "always");
    let text = first.stdout.clone();
    assert!(passed(&text, "big::last element"), "{text}");
    assert!(passed(&text, "big::capture from a big body"), "{text}");
    let snap = std::fs::read_to_string(p.path("suites/snapshots/big__last_element.snap"))
        .expect("the snapshot is written");
    assert!(
        snap.contains("\"name\": \"item 19999\""),
        "{}",
        &snap[..400]
    );
    assert!(snap.contains("\"price\": \"[price]\""));
    assert!(!snap.contains("tok-big-secret") && snap.contains("\"note\": \"***\""));

    // The wrong expectation: the actual value, and the body shown masked.
    let failure = first.failure_head("big::wrong expectation", 40).join("\n");
    assert!(failure.contains("$[-1].dims.w"), "{failure}");
    assert!(
        failure.contains("$[-1].dims.w: expected 3, got 9"),
        "{failure}"
    );
    assert!(failure.contains("\"note\": \"***\""), "{failure}");
    assert!(!first.stdout.contains("tok-big-secret"));

    // Matched from the stored file on the next run, with nothing written.
    let again = run(&["suites", "last element"], "no");
    assert_eq!(again.code, 0, "{}", again.stdout);

    // A changed body is a changed snapshot, with its diff.
    api.changed.store(true, Ordering::SeqCst);
    let changed = run(&["suites", "last element"], "no");
    assert_eq!(changed.code, 1, "{}", changed.stdout);
    let failure = changed.stdout;
    assert!(failure.contains("-    \"name\": \"item 5\","), "{failure}");
    assert!(failure.contains("+    \"name\": \"renamed\","), "{failure}");
}

fn passed(stdout: &str, trial: &str) -> bool {
    let head = format!("test {trial} ");
    stdout
        .lines()
        .any(|l| l.starts_with(&head) && l.ends_with("... ok"))
}
