//! A strict fake Okta on 127.0.0.1:0 that answers with recorded responses
//! (Okta's own SDK fixtures) and checks each request the way Okta does:
//! the username and password, the interaction handle, the stateHandle and
//! stateToken of the answer before, that a posted form is one the answer
//! offered, the sessionToken at /authorize, the code and the PKCE verifier
//! at /token. What it finds wrong is kept in `violations`.
#![allow(dead_code)]

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};

pub const USERNAME: &str = "testuser@example.com";
pub const PASSWORD: &str = "corpus-Pa55word";
pub const REDIRECT_URI: &str = "http://localhost:8080/callback";
/// The TOTP secret of the corpus fixtures that set one.
pub const TOTP_SECRET: &str = "JBSWY3DPEHPK3PXP";
const HANDLE: &str = "ih-corpus-handle";
const CODE: &str = "corpus-authorization-code";

/// One recorded answer: status and JSON body (hrefs still pointing at the recording's org).
#[derive(Clone, Debug)]
pub struct Answer {
    pub status: u16,
    pub body: Value,
}

impl Answer {
    pub fn ok(body: Value) -> Self {
        Self { status: 200, body }
    }
}

#[derive(Default)]
struct Inner {
    origin: String,
    /// Answers by request path, each served once, in order.
    routes: BTreeMap<String, VecDeque<Answer>>,
    /// After the first IDX answer, a followed form is answered with success.
    succeed_after_follow: bool,
    challenge: Option<String>,
    state_handle: Option<String>,
    /// The values of the answer's hidden `stateHandle` fields.
    form_handles: Vec<String>,
    offered: Vec<String>,
    interaction_code: Option<String>,
    state_token: Option<String>,
    session_token: Option<String>,
    authorize_state: Option<String>,
    posted: Vec<(String, Value)>,
    violations: Vec<String>,
    tokens_issued: usize,
}

/// The running fake.
pub struct Fake {
    pub url: String,
    inner: Arc<Mutex<Inner>>,
}

impl Fake {
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let inner = Arc::new(Mutex::new(Inner {
            origin: url.clone(),
            ..Inner::default()
        }));
        let app = Router::new().fallback(handle).with_state(inner.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { url, inner }
    }

    /// Serves `answer` to the next request at `path` (after those queued before).
    pub fn on(&self, path: &str, answer: Answer) -> &Self {
        let mut inner = self.inner.lock().unwrap();
        let body = rewrite(answer.body, &inner.origin);
        inner
            .routes
            .entry(path.to_owned())
            .or_default()
            .push_back(Answer { body, ..answer });
        self
    }

    /// A form gatecheck follows is answered with `successWithInteractionCode`.
    pub fn succeed_after_follow(&self) -> &Self {
        self.inner.lock().unwrap().succeed_after_follow = true;
        self
    }

    /// The bodies gatecheck posted, by path, in order.
    pub fn posted(&self) -> Vec<(String, Value)> {
        self.inner.lock().unwrap().posted.clone()
    }

    pub fn violations(&self) -> Vec<String> {
        self.inner.lock().unwrap().violations.clone()
    }

    pub fn tokens_issued(&self) -> usize {
        self.inner.lock().unwrap().tokens_issued
    }

    /// The okta-idx or okta-pkce fixture for this fake, plus `extra` YAML lines.
    pub fn fixture(&self, kind: &str, extra: &str) -> gatecheck::auth::Fixture {
        use serde::Deserialize;
        let yaml = format!(
            "kind: {kind}\nokta_url: {}\nclient_id: 0oacorpus\nredirect_uri: {REDIRECT_URI}\n\
             username: {USERNAME}\npassword: {PASSWORD}\n{extra}",
            self.url
        );
        let value: serde_yaml::Value = serde_yaml::from_str(&yaml).unwrap();
        gatecheck::auth::Fixture::deserialize(value).unwrap()
    }
}

/// Points every absolute Okta URL of a recording (`https://dev-550580.okta.com/idp/...`,
/// `<%= uri %>/api/v1/...`) at the fake.
fn rewrite(value: Value, origin: &str) -> Value {
    match value {
        Value::String(s) => Value::String(rewrite_url(&s, origin)),
        Value::Array(list) => Value::Array(list.into_iter().map(|v| rewrite(v, origin)).collect()),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, rewrite(v, origin)))
                .collect(),
        ),
        other => other,
    }
}

fn rewrite_url(s: &str, origin: &str) -> String {
    if let Some(rest) = s.strip_prefix("<%= uri %>") {
        return format!("{origin}{rest}");
    }
    let is_okta_path = ["/idp/", "/api/v1/", "/oauth2/"]
        .iter()
        .any(|p| s.contains(p));
    match reqwest::Url::parse(s) {
        // A test's own loopback link (another origin on purpose) stays.
        Ok(url) if url.host_str() == Some("127.0.0.1") => s.to_owned(),
        Ok(url) if is_okta_path && url.scheme().starts_with("http") => {
            let path = &s[s.find(url.path()).unwrap_or(s.len())..];
            format!("{origin}{path}")
        }
        _ => s.to_owned(),
    }
}

/// Every href of an answer, as paths.
fn hrefs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                if k == "href"
                    && let Some(url) = v.as_str().and_then(|s| reqwest::Url::parse(s).ok())
                {
                    out.push(url.path().to_owned());
                }
                hrefs(v, out);
            }
        }
        Value::Array(list) => list.iter().for_each(|v| hrefs(v, out)),
        _ => {}
    }
}

/// The values of every `{"name": "stateHandle", "value": ...}` field.
fn form_handles(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if map.get("name").and_then(Value::as_str) == Some("stateHandle")
                && let Some(v) = map.get("value").and_then(Value::as_str)
            {
                out.push(v.to_owned());
            }
            map.values().for_each(|v| form_handles(v, out));
        }
        Value::Array(list) => list.iter().for_each(|v| form_handles(v, out)),
        _ => {}
    }
}

fn s256(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

fn form(body: &[u8]) -> BTreeMap<String, String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .unwrap_or_default()
        .into_iter()
        .collect()
}

/// The TOTP code of `secret` is valid now (one step of drift either way).
fn totp_valid(secret: &str, code: &str) -> bool {
    use totp_rs::{Algorithm, Secret, TOTP};
    let Ok(bytes) = Secret::Encoded(secret.to_owned()).to_bytes() else {
        return false;
    };
    TOTP::new_unchecked(Algorithm::SHA1, 6, 1, 30, bytes)
        .check_current(code)
        .unwrap_or(false)
}

fn json_response(status: u16, body: &Value) -> Response {
    (
        StatusCode::from_u16(status).unwrap(),
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

async fn handle(
    State(inner): State<Arc<Mutex<Inner>>>,
    method: Method,
    uri: Uri,
    _headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut s = inner.lock().unwrap();
    let path = uri.path().to_owned();
    if method == Method::GET && path.ends_with("/v1/authorize") {
        return authorize(&mut s, uri.query().unwrap_or_default());
    }
    if method != Method::POST {
        s.violations
            .push(format!("{method} {path}: not an Okta request"));
        return json_response(404, &json!({"errorCode": "E0000022"}));
    }
    if path.ends_with("/v1/interact") {
        return interact(&mut s, &path, &form(&body));
    }
    if path.ends_with("/v1/token") {
        return token(&mut s, &path, &form(&body));
    }
    let posted: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    s.posted.push((path.clone(), posted.clone()));
    if path == "/idp/idx/introspect" {
        if posted["interactionHandle"] != HANDLE {
            s.violations.push(format!(
                "introspect without the interaction handle: {posted}"
            ));
        }
    } else if is_idx(&path) {
        check_idx(&mut s, &path, &posted);
    } else if path == "/api/v1/authn" {
        if posted["username"] != USERNAME || posted["password"] != PASSWORD {
            s.violations
                .push("authn without the fixture's credentials".into());
        }
    } else if path.starts_with("/api/v1/authn/") {
        check_authn(&mut s, &path, &posted);
    }
    let answer = match s.routes.get_mut(&path).and_then(VecDeque::pop_front) {
        Some(answer) => answer,
        None if s.succeed_after_follow && is_idx(&path) => success(&mut s),
        None => {
            s.violations
                .push(format!("POST {path}: no recorded answer for it"));
            return json_response(
                500,
                &json!({"errorCode": "E0000009", "errorSummary": "no recorded answer"}),
            );
        }
    };
    remember(&mut s, &answer.body);
    json_response(answer.status, &answer.body)
}

/// An IDX form's path (early orgs post identify to `/idp/idx` itself).
fn is_idx(path: &str) -> bool {
    path == "/idp/idx" || path.starts_with("/idp/idx/")
}

/// A post to an IDX form: the stateHandle of the answer before, to a form it offered.
fn check_idx(s: &mut Inner, path: &str, posted: &Value) {
    // The answer's stateHandle (a recording's forms may carry an older
    // copy of it as their hidden field; a client sends the form's).
    if let Some(handle) = &s.state_handle
        && posted["stateHandle"] != handle.as_str()
        && !s
            .form_handles
            .iter()
            .any(|h| posted["stateHandle"] == h.as_str())
    {
        s.violations.push(format!(
            "POST {path} with stateHandle {} instead of {handle}",
            posted["stateHandle"]
        ));
    }
    if !s.offered.iter().any(|p| p == path) {
        s.violations.push(format!(
            "POST {path}, a form the last answer did not offer ({:?})",
            s.offered
        ));
    }
}

fn check_authn(s: &mut Inner, path: &str, posted: &Value) {
    match &s.state_token {
        Some(token) if posted["stateToken"] == token.as_str() => {}
        _ => s
            .violations
            .push(format!("POST {path} without the answer's stateToken")),
    }
    if !s.offered.iter().any(|p| p == path) {
        s.violations
            .push(format!("POST {path}, a link the last answer did not offer"));
    }
    if let Some(code) = posted.get("passCode").and_then(Value::as_str)
        && !totp_valid(TOTP_SECRET, code)
    {
        s.violations.push(format!(
            "POST {path} with a passCode that is not the current TOTP code"
        ));
    }
}

fn remember(s: &mut Inner, body: &Value) {
    s.state_handle = body
        .get("stateHandle")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .or(s.state_handle.take());
    if let Some(token) = body.get("stateToken").and_then(Value::as_str) {
        s.state_token = Some(token.to_owned());
    }
    if let Some(token) = body.get("sessionToken").and_then(Value::as_str) {
        s.session_token = Some(token.to_owned());
    }
    let mut offered = Vec::new();
    hrefs(body, &mut offered);
    s.offered = offered;
    let mut handles = Vec::new();
    form_handles(body, &mut handles);
    s.form_handles = handles;
    s.interaction_code = body
        .pointer("/successWithInteractionCode/value")
        .and_then(Value::as_array)
        .and_then(|fields| {
            fields
                .iter()
                .find(|f| f["name"] == "interaction_code")?
                .get("value")?
                .as_str()
                .map(str::to_owned)
        })
        .or(s.interaction_code.take());
}

/// `successWithInteractionCode` as Okta sends it, for a followed form.
fn success(s: &mut Inner) -> Answer {
    let handle = s.state_handle.clone().unwrap_or_default();
    Answer::ok(json!({
        "version": "1.0.0", "stateHandle": handle, "intent": "LOGIN",
        "successWithInteractionCode": {"rel": ["create-form"], "name": "issue",
            "href": format!("{}/oauth2/default/v1/token", s.origin), "method": "POST",
            "value": [
                {"name": "grant_type", "required": true, "value": "interaction_code"},
                {"name": "interaction_code", "required": true, "value": "ic-corpus"},
                {"name": "client_id", "required": true, "value": "0oacorpus"},
                {"name": "code_verifier", "required": true}],
            "accepts": "application/x-www-form-urlencoded"}}))
}

fn interact(s: &mut Inner, path: &str, f: &BTreeMap<String, String>) -> Response {
    if f.get("code_challenge_method").map(String::as_str) != Some("S256")
        || f.get("code_challenge").is_none_or(|c| c.len() < 43)
    {
        s.violations
            .push("interact without an S256 code_challenge".into());
    }
    if f.get("client_id").map(String::as_str) != Some("0oacorpus")
        || f.get("redirect_uri").map(String::as_str) != Some(REDIRECT_URI)
    {
        s.violations
            .push("interact without the fixture's client_id and redirect_uri".into());
    }
    s.challenge = f.get("code_challenge").cloned();
    match s.routes.get_mut(path).and_then(VecDeque::pop_front) {
        Some(answer) => json_response(answer.status, &answer.body),
        None => json_response(200, &json!({"interaction_handle": HANDLE})),
    }
}

fn authorize(s: &mut Inner, query: &str) -> Response {
    let q = form(query.as_bytes());
    let session_ok = s.session_token.is_some() && q.get("sessionToken") == s.session_token.as_ref();
    let pkce_ok = q.get("code_challenge_method").map(String::as_str) == Some("S256")
        && q.contains_key("code_challenge");
    if !session_ok || !pkce_ok || q.get("redirect_uri").map(String::as_str) != Some(REDIRECT_URI) {
        s.violations.push(format!(
            "authorize without the sessionToken, PKCE or redirect_uri (session {session_ok}, pkce {pkce_ok})"
        ));
        return (StatusCode::BAD_REQUEST, "bad authorize").into_response();
    }
    s.challenge = q.get("code_challenge").cloned();
    s.authorize_state = q.get("state").cloned();
    let state = q.get("state").cloned().unwrap_or_default();
    let location = format!("{REDIRECT_URI}?code={CODE}&state={state}");
    (StatusCode::FOUND, [(header::LOCATION, location)]).into_response()
}

fn token(s: &mut Inner, path: &str, f: &BTreeMap<String, String>) -> Response {
    let verifier_ok = match (f.get("code_verifier"), &s.challenge) {
        (Some(verifier), Some(challenge)) => s256(verifier) == *challenge,
        _ => false,
    };
    let grant_ok = match f.get("grant_type").map(String::as_str) {
        Some("interaction_code") => {
            s.interaction_code.is_some() && f.get("interaction_code") == s.interaction_code.as_ref()
        }
        Some("authorization_code") => {
            f.get("code").map(String::as_str) == Some(CODE)
                && f.get("redirect_uri").map(String::as_str) == Some(REDIRECT_URI)
        }
        _ => false,
    };
    if !verifier_ok || !grant_ok {
        s.violations.push(format!(
            "token request refused (verifier {verifier_ok}, grant {grant_ok})"
        ));
        return json_response(
            400,
            &json!({"error": "invalid_grant", "error_description": "PKCE verification failed."}),
        );
    }
    if let Some(answer) = s.routes.get_mut(path).and_then(VecDeque::pop_front) {
        s.tokens_issued += usize::from(answer.status == 200);
        return json_response(answer.status, &answer.body);
    }
    s.tokens_issued += 1;
    json_response(
        200,
        &json!({"token_type": "Bearer", "expires_in": 3600, "access_token": "corpus-access-token",
                "scope": "openid profile", "id_token": "corpus-id-token"}),
    )
}
