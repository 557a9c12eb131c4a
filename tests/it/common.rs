//! Shared helpers of the end-to-end tests: a local API on 127.0.0.1:0, a
//! temporary project folder, running the real binary, normalising output.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Json;
use axum::extract::{Path as UrlPath, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use serde_json::{Value, json};

/// The built-in Okta emulator and demo API, started by the test (so it can
/// read the emulator's counters) on its own runtime.
pub struct Okta {
    pub emulator: gatecheck_emulator::Emulator,
    _runtime: tokio::runtime::Runtime,
}

impl Okta {
    pub fn start() -> Self {
        Self::start_with(gatecheck_emulator::EmulatorConfig::builtin())
    }

    /// The emulator with `config` instead of the built-in set.
    pub fn start_with(config: gatecheck_emulator::EmulatorConfig) -> Self {
        use gatecheck_emulator::Emulator;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let emulator = runtime.block_on(Emulator::start(config)).unwrap();
        Self {
            emulator,
            _runtime: runtime,
        }
    }

    /// OKTA_URL and API_URL pointing at this emulator.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("OKTA_URL", self.emulator.okta_url().to_owned()),
            ("API_URL", self.emulator.api_url().to_owned()),
        ]
    }

    /// Runs the binary in `p` with OKTA_URL and API_URL set, plus `extra`.
    pub fn run(&self, p: &Project, args: &[&str], extra: &[(&str, &str)]) -> Run {
        let env = self.env();
        let mut all: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        all.extend_from_slice(extra);
        p.run(args, &all)
    }
}

/// A small JSON API for the harness's own tests, with a request counter.
pub struct TestApi {
    pub url: String,
    pub hits: Arc<AtomicUsize>,
    _runtime: tokio::runtime::Runtime,
}

#[derive(Clone, Default)]
struct ApiState {
    hits: Arc<AtomicUsize>,
    flaky: Arc<Mutex<HashMap<String, u32>>>,
    next_id: Arc<AtomicU64>,
}

impl TestApi {
    pub fn start() -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let state = ApiState::default();
        let hits = state.hits.clone();
        let app = axum::Router::new()
            .route("/items", get(items))
            .route("/items/{id}", get(item))
            .route("/status/{code}", any(status))
            .route("/echo", any(echo))
            .route("/text", get(|| async { "plain text, not JSON" }))
            .route("/slow", get(slow))
            .route("/flaky/{key}", get(flaky))
            .route("/create", axum::routing::post(create))
            .with_state(state);
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        runtime.spawn(async move { axum::serve(listener, app).await });
        Self {
            url,
            hits,
            _runtime: runtime,
        }
    }

    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

async fn items(State(s): State<ApiState>) -> Json<Value> {
    s.hits.fetch_add(1, Ordering::SeqCst);
    Json(json!({
        "items": [
            {"id": 1, "title": "buy milk", "done": false, "tags": ["home"]},
            {"id": 2, "title": "write tests", "done": true, "tags": []}
        ],
        "count": 2,
        "updatedAt": "2026-01-01T00:00:00Z"
    }))
}

async fn item(State(s): State<ApiState>, UrlPath(id): UrlPath<u64>) -> Response {
    s.hits.fetch_add(1, Ordering::SeqCst);
    if id > 2 {
        return (
            StatusCode::NOT_FOUND,
            Json(json!({"error": "not found", "id": id})),
        )
            .into_response();
    }
    Json(json!({"id": id, "title": format!("item {id}")})).into_response()
}

async fn status(State(s): State<ApiState>, UrlPath(code): UrlPath<u16>) -> Response {
    s.hits.fetch_add(1, Ordering::SeqCst);
    let code = StatusCode::from_u16(code).unwrap_or(StatusCode::BAD_REQUEST);
    (code, Json(json!({"status": code.as_u16()}))).into_response()
}

async fn echo(
    State(s): State<ApiState>,
    method: axum::http::Method,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
    body: String,
) -> Json<Value> {
    s.hits.fetch_add(1, Ordering::SeqCst);
    let headers: serde_json::Map<String, Value> = headers
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "host" | "content-length" | "accept-encoding"))
        .map(|(k, v)| (k.to_string(), json!(v.to_str().unwrap_or(""))))
        .collect();
    let body_json: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    Json(
        json!({"method": method.as_str(), "headers": headers, "query": query, "body": body, "json": body_json}),
    )
}

async fn slow(State(s): State<ApiState>) -> Json<Value> {
    s.hits.fetch_add(1, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(300)).await;
    Json(json!({"slow": true}))
}

/// Fails with 503 twice per key, then answers 200.
async fn flaky(State(s): State<ApiState>, UrlPath(key): UrlPath<String>) -> Response {
    s.hits.fetch_add(1, Ordering::SeqCst);
    let mut counts = s.flaky.lock().unwrap();
    let n = counts.entry(key).or_insert(0);
    *n += 1;
    if *n <= 2 {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({"attempt": *n})),
        )
            .into_response()
    } else {
        Json(json!({"attempt": *n, "ready": true})).into_response()
    }
}

async fn create(State(s): State<ApiState>, Json(body): Json<Value>) -> Response {
    s.hits.fetch_add(1, Ordering::SeqCst);
    let id = s.next_id.fetch_add(1, Ordering::SeqCst) + 100;
    (StatusCode::CREATED, Json(json!({"id": id, "input": body}))).into_response()
}

/// A temporary project folder, removed on drop.
pub struct Project {
    pub dir: PathBuf,
}

impl Project {
    pub fn new(name: &str) -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "gatecheck-test-{}-{}-{}",
            name,
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self { dir }
    }

    pub fn file(&self, rel: &str, text: &str) -> &Self {
        let path = self.dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
        self
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.join(rel)
    }

    /// Runs the real binary in this folder with a clean environment.
    pub fn run(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut cmd = self.command(args, env);
        cmd.stdin(std::process::Stdio::null());
        Run::from(cmd.output().expect("gatecheck runs"))
    }

    /// Runs the real binary as a new user would in a repository of their
    /// own: no `INSTA_WORKSPACE_ROOT` (gatecheck finds the root itself), and
    /// `input` piped to its stdin (then closed).
    pub fn run_as_user(&self, args: &[&str], env: &[(&str, &str)], input: &str) -> Run {
        use std::io::Write as _;
        let mut cmd = self.command(args, env);
        cmd.env_remove("INSTA_WORKSPACE_ROOT");
        cmd.stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = cmd.spawn().expect("gatecheck starts");
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(input.as_bytes()).unwrap();
        drop(stdin);
        Run::from(child.wait_with_output().expect("gatecheck runs"))
    }

    /// The command [`Project::run`] runs, for tests that spawn it themselves.
    pub fn command(&self, args: &[&str], env: &[(&str, &str)]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_gatecheck"));
        cmd.current_dir(&self.dir).args(args).env_clear();
        if let Ok(path) = std::env::var("PATH") {
            cmd.env("PATH", path);
        }
        cmd.env("INSTA_WORKSPACE_ROOT", &self.dir);
        // Never touch the user's own token cache; tests that need it turn it on.
        cmd.env("GATECHECK_TOKEN_CACHE", "off");
        cmd.env("GATECHECK_CACHE_DIR", self.dir.join(".token-cache"));
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd
    }

    /// Every file under the folder, as paths relative to it.
    pub fn files(&self) -> Vec<String> {
        let mut out = Vec::new();
        collect(&self.dir, &self.dir, &mut out);
        out.sort();
        out
    }
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(root, &path, out);
        } else {
            out.push(
                path.strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/"),
            );
        }
    }
}

impl Drop for Project {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// What a run of the binary printed, and how it ended.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Self {
        Self {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

impl Run {
    /// stdout and stderr with ports, durations and temp paths normalised.
    pub fn normalized(&self, project: &Project) -> String {
        normalize(
            &format!(
                "exit: {}\n--- stdout\n{}--- stderr\n{}",
                self.code, self.stdout, self.stderr
            ),
            project,
        )
    }

    /// The first `n` lines of a failed trial's message (the block under
    /// `---- name ----`), ports normalised; empty when the trial did not fail.
    pub fn failure_head(&self, trial: &str, n: usize) -> Vec<String> {
        let title = format!("---- {trial} ----");
        let port = regex::Regex::new(r"127\.0\.0\.1:\d+").unwrap();
        self.stdout
            .lines()
            .skip_while(|l| *l != title)
            .skip(1)
            .take_while(|l| !l.is_empty())
            .take(n)
            .map(|l| port.replace_all(l, "127.0.0.1:[PORT]").into_owned())
            .collect()
    }
}

pub fn normalize(text: &str, project: &Project) -> String {
    let dir = project.dir.to_string_lossy().to_string();
    let text = text.replace(&dir, "[DIR]");
    let port = regex::Regex::new(r"127\.0\.0\.1:\d+").unwrap();
    let text = port.replace_all(&text, "127.0.0.1:[PORT]");
    let ms = regex::Regex::new(r"\b\d+ms\b").unwrap();
    let text = ms.replace_all(&text, "[N]ms");
    let secs = regex::Regex::new(r"finished in \d+\.\d+s").unwrap();
    secs.replace_all(&text, "finished in [T]s").into_owned()
}

/// `checks` run on `body` (JSON text) as on a response's body: read into
/// its tape, then checked.
pub fn check_json_text(
    checks: &gatecheck::suite::matcher::JsonChecks,
    body: &str,
) -> Vec<gatecheck::check::failure::Failure> {
    let tape = gatecheck::http::json_tape::Tape::read(body.as_bytes()).unwrap();
    let doc = gatecheck::http::json_node::Node::over_tape(&tape, body.as_bytes());
    gatecheck::check::json::check(
        checks,
        Ok(&doc),
        &gatecheck::suite::template::TestVars::new(),
    )
}
