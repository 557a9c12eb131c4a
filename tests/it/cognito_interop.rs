//! `kind: cognito` against implementations gatecheck did not write:
//!
//! - moto's server mode (PyPI `moto[server]`): gatecheck's client signs in
//!   to a user pool made with boto3, proving the wire shapes of
//!   InitiateAuth, the challenges, the exceptions and the JWKS. moto does
//!   not verify SRP (any proof passes) nor, by default, TOTP codes;
//! - pycognito (PyPI, AWS's SRP as amazon-cognito-identity-js does it, over
//!   boto3) signing in to gatecheck's emulator, proving the emulator's SRP
//!   verification, SECRET_HASH and TOTP, and its tokens (pycognito verifies
//!   them against the pool's JWKS); a wrong password must be refused;
//! - amazon-cognito-identity-js (npm, AWS's own JavaScript client, the SRP
//!   of Amplify) signing in to the emulator the same way (public clients
//!   only: it sends no SECRET_HASH).
//!
//! The Python packages are pinned in tests/interop/cognito/requirements.txt
//! and installed by .ci/run, which points `GATECHECK_COGNITO_PYTHON` at the
//! interpreter; the npm package by `npm ci` in tests/interop/cognito/js. Skipped (with a message) when that Python cannot import
//! them and `GATECHECK_INTEROP_TESTS` is not set; CI sets it, so there a
//! missing package fails the test.

use crate::login_support::*;
use gatecheck::auth::Fixture;
use gatecheck_emulator::COGNITO_POOL_ID;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode};
use serde_json::Value;
use std::io::{BufRead as _, BufReader, Read as _};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const REQUIRED: &str = "GATECHECK_INTEROP_TESTS";
/// Longest a Python helper may take (imports of boto3 and moto included)
/// on a busy machine.
const PYTHON_TIMEOUT: Duration = Duration::from_secs(180);

fn script(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/interop/cognito")
        .join(name)
}

/// The Python that has moto and pycognito, or None (skipped).
fn python() -> Option<String> {
    let python = std::env::var("GATECHECK_COGNITO_PYTHON")
        .ok()
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| "python3".to_owned());
    let importable = Command::new(&python)
        .args(["-c", "import moto.server, pycognito"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    let required = std::env::var_os(REQUIRED).is_some_and(|v| !v.is_empty());
    match (importable, required) {
        (true, _) => Some(python),
        (false, true) => panic!(
            "{REQUIRED} is set but `{python}` cannot import moto and pycognito: install \
             tests/interop/cognito/requirements.txt (as .ci/run does) and set \
             GATECHECK_COGNITO_PYTHON to that Python"
        ),
        (false, false) => {
            eprintln!(
                "SKIPPED: Cognito interop test: `{python}` cannot import moto and pycognito \
                 (pip install -r tests/interop/cognito/requirements.txt, then set \
                 GATECHECK_COGNITO_PYTHON); set {REQUIRED}=1 to make this a failure"
            );
            None
        }
    }
}

/// A child process killed when dropped (a failed assertion included).
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Runs a command to its end, within `PYTHON_TIMEOUT`; its stdout.
fn output_of(mut command: Command) -> String {
    let child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python starts");
    let mut child = Killed(child);
    let mut stdout = child.0.stdout.take().unwrap();
    let mut stderr = child.0.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stdout.read_to_string(&mut text);
        text
    });
    let err = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.0.try_wait().unwrap() {
            break status;
        }
        assert!(
            start.elapsed() < PYTHON_TIMEOUT,
            "python did not finish in {PYTHON_TIMEOUT:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    let (out, err) = (out.join().unwrap(), err.join().unwrap());
    assert!(status.success(), "python failed ({status}): {out}\n{err}");
    out
}

/// pycognito signs in to the emulator's pool; its one-line JSON verdict.
async fn pycognito(
    python: &str,
    endpoint: &str,
    client: (&str, &str),
    username: &str,
    password: &str,
    totp_secret: &str,
) -> Value {
    let mut command = Command::new(python);
    command
        .arg(script("pycognito_login.py"))
        .args([endpoint, COGNITO_POOL_ID, client.0, client.1])
        .args([username, password, totp_secret]);
    let out = tokio::task::spawn_blocking(move || output_of(command))
        .await
        .unwrap();
    serde_json::from_str(out.trim()).unwrap_or_else(|e| panic!("{e}: {out}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pycognito_signs_in_to_the_emulators_pool() {
    let Some(python) = python() else { return };
    let em = emulator().await;
    let url = em.okta_url().to_owned();
    let public = ("demo-cognito", "");
    let confidential = ("demo-cognito-secret", "demo-cognito-client-secret");
    let totp = "JBSWY3DPEHPK3PXP";

    let ok = pycognito(
        &python,
        &url,
        public,
        "ada@example.com",
        "correct-horse",
        "",
    )
    .await;
    assert_eq!(ok["ok"], true, "{ok}");
    assert_eq!(ok["access"]["token_use"], "access");
    assert_eq!(ok["access"]["client_id"], "demo-cognito");
    assert_eq!(ok["id"]["aud"], "demo-cognito");
    assert_eq!(ok["id"]["email"], "ada@example.com");
    assert_eq!(ok["id"]["iss"], format!("{url}/{COGNITO_POOL_ID}"));

    let wrong = pycognito(
        &python,
        &url,
        public,
        "ada@example.com",
        "correct-hors3",
        "",
    )
    .await;
    assert_eq!(
        (&wrong["ok"], &wrong["error"], &wrong["message"]),
        (
            &Value::Bool(false),
            &Value::from("NotAuthorizedException"),
            &Value::from("Incorrect username or password.")
        ),
        "a wrong password must be refused: {wrong}"
    );

    let hashed = pycognito(
        &python,
        &url,
        confidential,
        "ada@example.com",
        "correct-horse",
        "",
    )
    .await;
    assert_eq!(hashed["ok"], true, "{hashed}");
    assert_eq!(hashed["access"]["client_id"], "demo-cognito-secret");
    let bad_hash = pycognito(
        &python,
        &url,
        ("demo-cognito-secret", "not-it"),
        "ada@example.com",
        "correct-horse",
        "",
    )
    .await;
    assert_eq!(bad_hash["error"], "NotAuthorizedException", "{bad_hash}");
    assert_eq!(
        bad_hash["message"],
        "Unable to verify secret hash for client demo-cognito-secret"
    );

    let mfa = pycognito(
        &python,
        &url,
        confidential,
        "mfa@example.com",
        "correct-horse",
        totp,
    )
    .await;
    assert_eq!(mfa["ok"], true, "{mfa}");
    let no_code = pycognito(
        &python,
        &url,
        public,
        "mfa@example.com",
        "correct-horse",
        "",
    )
    .await;
    assert_eq!(no_code["error"], "SOFTWARE_TOKEN_MFA", "{no_code}");
}

/// moto's server with its pool, until dropped.
struct Moto {
    _child: Killed,
    pool: Value,
}

fn start_moto(python: &str) -> Moto {
    let log = std::env::temp_dir().join(format!("gatecheck-moto-{}.log", std::process::id()));
    let child = Command::new(python)
        .arg(script("moto_pool.py"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log).expect("moto log file"))
        .spawn()
        .expect("python starts");
    let mut child = Killed(child);
    let stdout = child.0.stdout.take().unwrap();
    let (send, receive) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = send.send(line);
    });
    let line = receive.recv_timeout(PYTHON_TIMEOUT).unwrap_or_default();
    let pool: Value = serde_json::from_str(line.trim()).unwrap_or_else(|_| {
        panic!(
            "moto did not start: {line}\n{}",
            std::fs::read_to_string(&log).unwrap_or_default()
        )
    });
    Moto {
        _child: child,
        pool,
    }
}

impl Moto {
    fn get(&self, key: &str) -> &str {
        self.pool[key].as_str().unwrap()
    }

    fn fixture(&self, username: &str, extra: &str) -> Fixture {
        let yaml = format!(
            "kind: cognito\nendpoint: {}\nuser_pool_id: {}\nclient_id: {}\nusername: {username}\n\
             password: {}\n",
            self.get("endpoint"),
            self.get("user_pool_id"),
            self.get("client_id"),
            self.get("password"),
        );
        let mut base: serde_yaml::Mapping = serde_yaml::from_str(&yaml).unwrap();
        if !extra.is_empty() {
            let extra: serde_yaml::Mapping = serde_yaml::from_str(extra).unwrap();
            base.extend(extra);
        }
        serde_yaml::from_value(serde_yaml::Value::Mapping(base)).unwrap()
    }

    /// Verifies a token with moto's JWKS; moto's issuer is the real one.
    async fn verify(&self, token: &str) -> Value {
        let pool = self.get("user_pool_id");
        let url = format!("{}/{pool}/.well-known/jwks.json", self.get("endpoint"));
        let jwks: JwkSet = reqwest::get(url).await.unwrap().json().await.unwrap();
        let kid = jsonwebtoken::decode_header(token).unwrap().kid.unwrap();
        let jwk = jwks.find(&kid).expect("the token's kid is in moto's JWKS");
        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_issuer(&[format!(
            "https://cognito-idp.us-east-1.amazonaws.com/{pool}"
        )]);
        validation.validate_aud = false;
        decode::<Value>(token, &DecodingKey::from_jwk(jwk).unwrap(), &validation)
            .unwrap()
            .claims
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gatechecks_client_signs_in_to_motos_pool() {
    let Some(python) = python() else { return };
    let moto = tokio::task::spawn_blocking(move || start_moto(&python))
        .await
        .unwrap();
    let client_id = moto.get("client_id").to_owned();

    let (token, _) = run(&moto.fixture("ada", "")).await;
    let claims = moto.verify(&token.expect("SRP sign-in").access_token).await;
    assert_eq!(claims["token_use"], "access");
    assert_eq!(claims["client_id"], client_id.as_str());

    let fx = moto.fixture("ada", "auth_flow: USER_PASSWORD_AUTH\ntoken: id");
    let claims = moto
        .verify(&run(&fx).await.0.expect("password sign-in").access_token)
        .await;
    assert_eq!(claims["token_use"], "id");
    assert_eq!(claims["aud"], client_id.as_str());

    let secret = format!(
        "client_id: {}\nclient_secret: {}",
        moto.get("secret_client_id"),
        moto.get("client_secret")
    );
    let (token, _) = run(&moto.fixture("ada", &secret)).await;
    token.expect("SRP sign-in with SECRET_HASH");
    let fx = moto.fixture(
        "ada",
        &format!("client_id: {}", moto.get("secret_client_id")),
    );
    assert!(failure(&fx).await.contains("NotAuthorizedException"));

    let mfa = format!("totp_secret: {}", moto.get("totp_secret"));
    run(&moto.fixture("mfa", &mfa))
        .await
        .0
        .expect("SOFTWARE_TOKEN_MFA answered");
    let message = failure(&moto.fixture("mfa", "")).await;
    assert!(
        message.contains("challenge SOFTWARE_TOKEN_MFA"),
        "{message}"
    );

    for (user, extra, what) in [
        ("temporary", "", "challenge NEW_PASSWORD_REQUIRED"),
        (
            "unconfirmed",
            "",
            "UserNotConfirmedException (User is not confirmed.)",
        ),
        ("nobody", "", "UserNotFoundException"),
        (
            "ada",
            "auth_flow: USER_PASSWORD_AUTH\npassword: wrong-password-1",
            "NotAuthorizedException (Incorrect username or password.)",
        ),
    ] {
        let message = failure(&moto.fixture(user, extra)).await;
        assert!(message.contains(what), "{user}: {message}");
        assert!(message.contains("; "), "advice follows: {message}");
    }
}

/// node with amazon-cognito-identity-js installed, or None (skipped).
fn node_client() -> Option<PathBuf> {
    let dir = script("js");
    let installed = dir.join("node_modules/amazon-cognito-identity-js").is_dir();
    let node = Command::new("node")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    let required = std::env::var_os(REQUIRED).is_some_and(|v| !v.is_empty());
    match (installed && node, required) {
        (true, _) => Some(dir.join("login.js")),
        (false, true) => panic!(
            "{REQUIRED} is set but node or amazon-cognito-identity-js is missing: \
             npm ci --prefix tests/interop/cognito/js (as .ci/run does)"
        ),
        (false, false) => {
            eprintln!(
                "SKIPPED: Cognito interop test: node or amazon-cognito-identity-js is missing \
                 (npm ci --prefix tests/interop/cognito/js); set {REQUIRED}=1 to make this a failure"
            );
            None
        }
    }
}

async fn js_login(
    script: &std::path::Path,
    url: &str,
    user: &str,
    password: &str,
    totp: &str,
) -> Value {
    let mut command = Command::new("node");
    command
        .arg(script)
        .args([url, COGNITO_POOL_ID, "demo-cognito", user, password, totp]);
    let out = tokio::task::spawn_blocking(move || output_of(command))
        .await
        .unwrap();
    serde_json::from_str(out.trim()).unwrap_or_else(|e| panic!("{e}: {out}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn amazon_cognito_identity_js_signs_in_to_the_emulators_pool() {
    let Some(script) = node_client() else { return };
    let em = emulator().await;
    let url = format!("{}/", em.okta_url());
    // Several sign-ins: each draws new SRP values on both sides, so the
    // padding of numbers with a high first bit is met both ways.
    for _ in 0..6 {
        let ok = js_login(&script, &url, "ada@example.com", "correct-horse", "").await;
        assert_eq!(ok["ok"], true, "{ok}");
        assert_eq!(ok["access"]["client_id"], "demo-cognito");
        assert_eq!(ok["id"]["email"], "ada@example.com");
    }
    let wrong = js_login(&script, &url, "ada@example.com", "correct-hors3", "").await;
    assert_eq!(
        wrong["error"], "NotAuthorizedException",
        "a wrong password must be refused: {wrong}"
    );
    assert_eq!(wrong["message"], "Incorrect username or password.");
    let mfa = js_login(
        &script,
        &url,
        "mfa@example.com",
        "correct-horse",
        "JBSWY3DPEHPK3PXP",
    )
    .await;
    assert_eq!(mfa["ok"], true, "{mfa}");
    let unknown = js_login(&script, &url, "nobody@example.com", "correct-horse", "").await;
    assert_eq!(unknown["error"], "UserNotFoundException", "{unknown}");
}
