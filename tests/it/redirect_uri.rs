//! okta-pkce against a misbehaving Okta whose /authorize redirects a valid
//! code with the right state somewhere other than the configured
//! redirect_uri: the login refuses it and never calls /token.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use gatecheck::auth::{Fixture, LoginClient, LoginErrorKind, login};
use gatecheck::secret::mask::Masker;
use serde::Deserialize as _;
use serde_json::json;

const REDIRECT_URI: &str = "http://localhost:3000/callback";

#[derive(Clone)]
struct Fake {
    /// Where /authorize sends the code (query added).
    target: Arc<String>,
    token_calls: Arc<AtomicUsize>,
}

async fn authn() -> Json<serde_json::Value> {
    Json(json!({"status": "SUCCESS", "sessionToken": "sess-0123456789"}))
}

async fn authorize(
    State(fake): State<Fake>,
    Query(q): Query<HashMap<String, String>>,
) -> impl IntoResponse {
    let state = q.get("state").cloned().unwrap_or_default();
    let location = format!("{}?code=c0de-valid&state={state}", fake.target);
    (StatusCode::FOUND, [(header::LOCATION, location)])
}

async fn token(State(fake): State<Fake>) -> Json<serde_json::Value> {
    fake.token_calls.fetch_add(1, Ordering::SeqCst);
    Json(json!({"access_token": "at-0123456789", "token_type": "Bearer", "expires_in": 3600}))
}

/// Starts the fake Okta; returns its URL and the /token call counter.
async fn start(target: &str) -> (String, Arc<AtomicUsize>) {
    let fake = Fake {
        target: Arc::new(target.to_owned()),
        token_calls: Arc::default(),
    };
    let calls = fake.token_calls.clone();
    let app = Router::new()
        .route("/api/v1/authn", post(authn))
        .route("/oauth2/default/v1/authorize", get(authorize))
        .route("/oauth2/default/v1/token", post(token))
        .with_state(fake);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, calls)
}

fn fixture(okta_url: &str) -> Fixture {
    let yaml = format!(
        "kind: okta-pkce\nokta_url: {okta_url}\nclient_id: demo-spa\nredirect_uri: {REDIRECT_URI}\n\
         username: ada@example.com\npassword: correct-horse\n"
    );
    let value: serde_yaml::Value = serde_yaml::from_str(&yaml).unwrap();
    Fixture::deserialize(value).unwrap()
}

async fn login_redirected_to(target: &str) -> (Result<String, String>, usize) {
    let (url, token_calls) = start(target).await;
    let masker = Masker::new();
    let client = LoginClient::new(std::time::Duration::from_secs(10));
    let result = login(&fixture(&url), &client, &masker).await;
    let result = match result {
        Ok(token) => Ok(token.access_token),
        Err(err) => {
            assert_eq!(err.kind(), LoginErrorKind::Authorize, "{err}");
            Err(err.to_string())
        }
    };
    (result, token_calls.load(Ordering::SeqCst))
}

#[tokio::test]
async fn the_configured_redirect_uri_gets_the_code_exchanged() {
    let (result, token_calls) = login_redirected_to(REDIRECT_URI).await;
    assert_eq!(result.unwrap(), "at-0123456789");
    assert_eq!(token_calls, 1);
}

#[tokio::test]
async fn a_code_redirected_elsewhere_is_refused_before_token() {
    let elsewhere = [
        ("another host", "http://evil.example:3000/callback"),
        ("another port", "http://localhost:3001/callback"),
        ("another path", "http://localhost:3000/steal"),
        ("another scheme", "https://localhost:3000/callback"),
        (
            "userinfo trick",
            "http://localhost:3000@evil.example/callback",
        ),
    ];
    for (what, target) in elsewhere {
        let (result, token_calls) = login_redirected_to(target).await;
        let message = result.expect_err(what);
        assert!(
            message.contains(&format!(
                "which is not the fixture's redirect_uri `{REDIRECT_URI}` (scheme, host, port and path must match); refusing the code it carries"
            )),
            "{what}: {message}"
        );
        assert!(!message.contains("c0de-valid"), "{what}: {message}");
        assert_eq!(token_calls, 0, "{what}: /token was called");
    }
}
