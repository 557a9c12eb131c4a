//! Secrets never leave the process: canaries captured with `secret: true`,
//! a client secret sent as HTTP Basic and a 3-character password are
//! looked for, in every form they travel in, in stdout, stderr, `-v`
//! dumps, JUnit and every snapshot file, end to end with the real binary.

use std::collections::HashMap;

use axum::Form;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::json;

use crate::common::{Project, TestApi};

/// A long secret with characters that JSON and URLs escape.
const CANARY: &str = "canary-Tok3n/+=&\"q";
/// A short one: masked where it stands as a whole value only.
const PIN: &str = "7q!";

/// The forms in which the canaries could leak.
fn leaks() -> Vec<String> {
    vec![
        "canary-Tok3n".to_owned(),
        serde_json::to_string(CANARY).unwrap(),
        STANDARD.encode(CANARY)[..12].to_owned(),
        "\"7q!\"".to_owned(),
        "p=7q%21".to_owned(),
        ": 7q!\n".to_owned(),
        "=7q!".to_owned(),
    ]
}

fn assert_clean(what: &str, text: &str) {
    for leak in leaks() {
        assert!(!text.contains(&leak), "{what} shows {leak:?}:\n{text}");
    }
}

/// Every file of the project that gatecheck wrote (snapshots, reports).
fn written(p: &Project) -> Vec<(String, String)> {
    p.files()
        .into_iter()
        .filter(|f| !f.ends_with(".yaml"))
        .map(|f| {
            let text = std::fs::read_to_string(p.path(&f)).unwrap();
            (f, text)
        })
        .collect()
}

const CAPTURES: &str = r#"
base_url: ${API_URL}
tests:
  - name: capture then fail
    steps:
      - request:
          method: POST
          url: /create
          json: {token: "${CANARY}", pin: "${PIN}", note: "keep 7q!x and this text"}
        capture:
          token: {json: $.input.token, secret: true}
          pin: {json: $.input.pin, secret: true}
        expect: {status: 200}
  - name: a later capture fails
    steps:
      - request: {method: POST, url: /create, json: {token: "${CANARY}", pin: "${PIN}"}}
        capture:
          missing: {json: $.nope}
          token: {json: $.input.token, secret: true}
          pin: {json: $.input.pin, secret: true}
  - name: capture and snapshot
    steps:
      - request:
          method: POST
          url: /create
          json: {token: "${CANARY}", pin: "${PIN}", note: "keep 7q!x and this text"}
        capture:
          token: {json: $.input.token, secret: true}
          pin: {json: $.input.pin, secret: true}
        expect: {status: 201, snapshot: {redact: ["$.id"]}}
  - name: captures sent on
    steps:
      - request: {method: POST, url: /create, json: {token: "${CANARY}", pin: "${PIN}"}}
        capture:
          token: {json: $.input.token, secret: true}
          pin: {json: $.input.pin, secret: true}
      - request:
          method: POST
          url: /echo
          query: {t: "{{ token }}", p: "{{ pin }}", other: "7q!x"}
          headers: {X-Token: "{{ token }}", X-Pin: "{{ pin }}"}
          form: {t: "{{ token }}", p: "{{ pin }}"}
        expect: {status: 200, json: {$.method: POST}, snapshot: true}
"#;

#[test]
fn secret_captures_are_masked_from_the_moment_they_are_read() {
    let api = TestApi::start();
    let p = Project::new("secret-captures");
    p.file("suites/s.yaml", CAPTURES);
    let out = p.run(
        &["-v", "--junit", "report.xml", "--test-threads", "1"],
        &[("API_URL", &api.url), ("CANARY", CANARY), ("PIN", PIN)],
    );
    assert_eq!(out.code, 1, "{}", out.stdout);
    assert_clean("stdout", &out.stdout);
    assert_clean("stderr (-v)", &out.stderr);
    let files = written(&p);
    let names: Vec<&str> = files.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(
        names,
        [
            "report.xml",
            "suites/snapshots/s__capture_and_snapshot.snap.new",
            "suites/snapshots/s__captures_sent_on__step2.snap.new",
        ]
    );
    for (file, text) in &files {
        assert_clean(file, text);
    }
    // The secrets are there, masked; the text around them is intact.
    assert!(out.stdout.contains("\"token\": \"***\""), "{}", out.stdout);
    assert!(out.stdout.contains("\"pin\": \"***\""), "{}", out.stdout);
    assert!(
        out.stdout.contains("keep 7q!x and this text"),
        "{}",
        out.stdout
    );
    let snap = &files[1].1;
    assert!(snap.contains("\"pin\": \"***\",\n"), "{snap}");
    assert!(snap.contains("\"token\": \"***\"\n"), "{snap}");
    assert!(snap.contains("keep 7q!x and this text"), "{snap}");
    let echoed = &files[2].1;
    assert!(echoed.contains("\"x-pin\": \"***\""), "{echoed}");
    assert!(echoed.contains("\"other\": \"7q!x\""), "{echoed}");
    assert!(echoed.contains("\"body\": \"t=***&p=***\""), "{echoed}");
    assert!(out.stderr.contains("> X-Pin: ***\n"), "{}", out.stderr);
    assert!(out.stderr.contains("other=7q%21x"), "{}", out.stderr);
    assert!(
        files[0].1.contains("keep 7q!x and this text"),
        "{}",
        files[0].1
    );
}

/// A token endpoint that rejects every client and, like some misconfigured
/// servers, echoes what it received in its error description.
fn start_echoing_token_server() -> (String, tokio::runtime::Runtime) {
    async fn token(
        headers: HeaderMap,
        Form(form): Form<HashMap<String, String>>,
    ) -> impl IntoResponse {
        let auth = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("none");
        let mut fields: Vec<String> = form.iter().map(|(k, v)| format!("{k}={v}")).collect();
        fields.sort();
        let description = format!(
            "client pw3x not accepted; authorization: {auth}\nform: {}",
            fields.join("&")
        );
        (
            StatusCode::UNAUTHORIZED,
            axum::Json(json!({"error": "invalid_client", "error_description": description})),
        )
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let app = axum::Router::new().route("/token", axum::routing::post(token));
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let url = format!("http://{}/token", listener.local_addr().unwrap());
    runtime.spawn(async move { axum::serve(listener, app).await });
    (url, runtime)
}

#[test]
fn basic_credentials_and_a_three_character_secret_are_masked() {
    let (token_url, _server) = start_echoing_token_server();
    let api = TestApi::start();
    let p = Project::new("secret-basic");
    for (name, method) in [
        ("basic", "client_secret_basic"),
        ("post", "client_secret_post"),
    ] {
        p.file(
            &format!("fixtures/{name}.yaml"),
            &format!(
                "kind: client-credentials\ntoken_url: {token_url}\nclient_id: svc-client\n\
                 client_secret: pw3\nauth_method: {method}\n"
            ),
        );
    }
    p.file(
        "suites/s.yaml",
        "base_url: ${API_URL}\ntests:\n  - {name: as basic, auth: basic, request: {url: /items}}\n  \
         - {name: as post, auth: post, request: {url: /items}}\n",
    );
    let out = p.run(&["--junit", "report.xml"], &[("API_URL", &api.url)]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    let basic = STANDARD.encode("svc-client:pw3");
    let junit = std::fs::read_to_string(p.path("report.xml")).unwrap();
    for (what, text) in [
        ("stdout", &out.stdout),
        ("stderr", &out.stderr),
        ("JUnit", &junit),
    ] {
        for leak in [&basic[..12], "=pw3", ": pw3", "\"pw3\""] {
            assert!(!text.contains(leak), "{what} shows {leak:?}:\n{text}");
        }
    }
    // Masked where it stood; the client id and unrelated words are intact.
    assert!(
        out.stdout.contains("authorization: Basic ***"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("client_secret=***"), "{}", out.stdout);
    assert!(
        out.stdout.contains("client_id=svc-client"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("client pw3x not accepted"),
        "{}",
        out.stdout
    );
    assert_eq!(api.hits(), 0, "no API request without a token");
}

#[test]
fn a_secret_used_as_a_row_name_is_masked_in_names_and_snapshot_files() {
    const ROW: &str = "Row-S3cret-Value";
    let api = TestApi::start();
    let p = Project::new("secret-row");
    p.file("suites/gatecheck.yaml", "secrets: [\"${ROW_SECRET}\"]\n");
    p.file(
        "suites/s.yaml",
        "base_url: ${API_URL}\ntests:\n  - name: by row\n    each:\n      - {name: \"${ROW_SECRET}\"}\n      - {name: plain}\n    request: {url: /items}\n",
    );
    let env = [("API_URL", api.url.as_str()), ("ROW_SECRET", ROW)];
    let lower = ROW.to_lowercase();
    let clean = |what: &str, text: &str| {
        assert!(!text.contains(ROW), "{what} shows the secret:\n{text}");
        assert!(
            !text.contains(&lower),
            "{what} shows it lower-cased:\n{text}"
        );
    };
    let list = p.run(&["--list"], &env);
    assert_eq!(list.code, 0, "{}", list.normalized(&p));
    clean("--list", &list.stdout);
    assert_eq!(
        list.stdout,
        "s::by row[*** (row 1)]: test\ns::by row[plain]: test\n"
    );
    let out = p.run(&["--test-threads", "1"], &env);
    assert_eq!(out.code, 1, "new snapshots: {}", out.normalized(&p));
    clean("console", &format!("{}{}", out.stdout, out.stderr));
    assert!(
        out.stdout.contains("s::by row[*** (row 1)]"),
        "{}",
        out.stdout
    );
    let json = p.run(&["--format", "json"], &env);
    clean("JSON events", &format!("{}{}", json.stdout, json.stderr));
    assert!(
        json.stdout.contains(r#""name": "s::by row[*** (row 1)]""#),
        "{}",
        json.stdout
    );
    let files = p.files();
    clean("file names", &files.join("\n"));
    assert!(
        files.contains(&"suites/snapshots/s__by_row__row_1.snap.new".to_owned()),
        "{files:?}"
    );
    for (name, text) in written(&p) {
        clean(&name, &text);
    }
}
