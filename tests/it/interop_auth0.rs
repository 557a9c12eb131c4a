//! The real auth0-js SDK (npm, pinned in tests/interop/auth0-js) logging
//! into the emulator's Auth0 tenant under jsdom: its crossOriginAuthentication
//! login, the /authorize redirect it makes with the login ticket (followed
//! with the page's cookies, and once without them), and its oauthToken call.
//!
//! Skipped (with a message) when node or the installed packages are
//! missing, unless `GATECHECK_INTEROP_TESTS` is set (CI sets it and runs
//! `npm ci --prefix tests/interop/auth0-js`).

use crate::login_support::emulator;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const API: &str = "https://todos.gatecheck.test/";
/// Longest the node script may take on a busy machine.
const NODE_TIMEOUT: Duration = Duration::from_secs(120);

/// The folder of the npm project, or None (after saying why) when the test should skip.
fn project() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/interop/auth0-js");
    let required = std::env::var_os("GATECHECK_INTEROP_TESTS").is_some_and(|v| !v.is_empty());
    let node = Command::new("node")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    let installed = dir
        .join("node_modules/auth0-js/dist/auth0.min.js")
        .is_file()
        && dir.join("node_modules/jsdom").is_dir();
    let missing = match (node, installed) {
        (true, true) => return Some(dir),
        (false, _) => "node is not installed",
        (true, false) => "its packages are not installed (npm ci --prefix tests/interop/auth0-js)",
    };
    assert!(!required, "GATECHECK_INTEROP_TESTS is set but {missing}");
    eprintln!(
        "SKIPPED: auth0-js interop test: {missing}; set GATECHECK_INTEROP_TESTS=1 to make this a failure"
    );
    None
}

/// Runs the script to its end (killed after NODE_TIMEOUT); its stdout.
fn run_node(dir: &Path, args: &[&str]) -> String {
    let mut child = Command::new("node")
        .arg("login.cjs")
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node starts");
    let started = Instant::now();
    loop {
        if child.try_wait().expect("node runs").is_some() {
            break;
        }
        if started.elapsed() > NODE_TIMEOUT {
            let _ = child.kill();
            panic!("the auth0-js script did not finish within {NODE_TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let output = child.wait_with_output().expect("node output");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "node failed: {stderr}");
    String::from_utf8(output.stdout).expect("utf-8")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auth0_js_logs_in_with_cross_origin_authentication_and_the_login_ticket() {
    let Some(dir) = project() else {
        return;
    };
    let em = emulator().await;
    let domain = format!("{}/auth0", em.okta_url());
    let stdout = tokio::task::spawn_blocking(move || run_node(&dir, &[&domain, API]))
        .await
        .unwrap();
    let out: Value = serde_json::from_str(stdout.trim()).expect("one JSON line");
    // A wrong password reaches the SDK's callback as Auth0's error.
    assert_eq!(out["wrong_password"]["code"], "access_denied", "{out}");
    assert_eq!(
        out["wrong_password"]["description"],
        "Wrong email or password."
    );
    // The ticket alone (no session cookie) gets the login page, not a code.
    assert_eq!(out["cookieless"]["status"], 302);
    let to = out["cookieless"]["location"].as_str().unwrap();
    assert!(to.contains("/auth0/u/login"), "{to}");
    // The SDK's /authorize request: the ticket, PKCE and the audience.
    let params = &out["authorize_params"];
    assert!(
        params["login_ticket"]
            .as_str()
            .is_some_and(|t| !t.is_empty())
    );
    assert_eq!(params["code_challenge_method"], "S256");
    assert_eq!(params["audience"], API);
    assert_eq!(out["cookie_sent"], true, "jsdom kept the session cookie");
    assert_eq!(out["callback"], "http://localhost:3000/callback");
    assert_eq!(out["state_matches"], true);
    // The token works at the demo API.
    let token = out["access_token"].as_str().unwrap();
    let me: Value = reqwest::Client::new()
        .get(format!("{}/api/me", em.api_url()))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(me["sub"].as_str().unwrap().starts_with("auth0|"), "{me}");
    assert_eq!(me["cid"], "auth0-spa");
    let c = em.counters();
    assert_eq!((c.authn, c.authorize, c.token), (3, 2, 1), "{c:?}");
}

/// From a page whose origin the app does not allow, the browser itself
/// refuses the answer (the emulator's CORS preflight says no), and the SDK
/// reports the failed request.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auth0_js_on_a_foreign_origin_is_refused_by_cors() {
    let Some(dir) = project() else {
        return;
    };
    let em = emulator().await;
    let domain = format!("{}/auth0", em.okta_url());
    let stdout = tokio::task::spawn_blocking(move || {
        run_node(&dir, &[&domain, API, "http://evil.localhost:4000"])
    })
    .await
    .unwrap();
    let out: Value = serde_json::from_str(stdout.trim()).expect("one JSON line");
    assert_eq!(out["code"], "request_error", "{out}");
    let description = out["description"].as_str().unwrap();
    assert!(description.contains("crossDomain"), "{out}");
    assert_eq!(em.counters().authn, 0, "the preflight stopped it: {out}");
}
