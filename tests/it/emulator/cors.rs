//! Browser use: CORS for the configured trusted origins (preflight
//! included) on the authn API, /token, /keys, userinfo and discovery, and
//! /token accepting a trusted Origin for a public (SPA) client.

use reqwest::Method;
use serde_json::{Value, json};

use crate::emulator::support::{Harness, REDIRECT, start};

const TRUSTED: &str = "http://localhost:3000";
const UNTRUSTED: &str = "http://evil.example";

async fn preflight(h: &Harness, path: &str, origin: &str, method: &str) -> reqwest::Response {
    h.http
        .request(Method::OPTIONS, h.okta(path))
        .header("Origin", origin)
        .header("Access-Control-Request-Method", method)
        .header(
            "Access-Control-Request-Headers",
            "content-type, authorization",
        )
        .send()
        .await
        .unwrap()
}

fn header<'a>(response: &'a reqwest::Response, name: &str) -> Option<&'a str> {
    response.headers().get(name).map(|v| v.to_str().unwrap())
}

#[tokio::test]
async fn preflights_from_a_trusted_origin_are_allowed() {
    let h = start().await;
    for (path, method) in [
        ("/api/v1/authn", "POST"),
        ("/oauth2/default/v1/token", "POST"),
        ("/oauth2/default/v1/keys", "GET"),
        ("/oauth2/default/v1/userinfo", "GET"),
        ("/oauth2/default/.well-known/openid-configuration", "GET"),
        ("/.well-known/openid-configuration", "GET"),
        ("/oauth2/v1/token", "POST"),
    ] {
        let response = preflight(&h, path, TRUSTED, method).await;
        assert!(
            response.status().is_success(),
            "{path}: {}",
            response.status()
        );
        assert_eq!(
            header(&response, "access-control-allow-origin"),
            Some(TRUSTED),
            "{path}"
        );
        assert_eq!(
            header(&response, "access-control-allow-credentials"),
            Some("true")
        );
        let methods = header(&response, "access-control-allow-methods").unwrap();
        assert!(methods.contains(method), "{path}: {methods}");
        let allowed = header(&response, "access-control-allow-headers")
            .unwrap()
            .to_ascii_lowercase();
        assert!(
            allowed.contains("content-type") && allowed.contains("authorization"),
            "{allowed}"
        );
    }
}

#[tokio::test]
async fn untrusted_origins_get_no_cors_headers() {
    let h = start().await;
    let response = preflight(&h, "/api/v1/authn", UNTRUSTED, "POST").await;
    assert_eq!(response.status(), 403);
    assert_eq!(header(&response, "access-control-allow-origin"), None);
    let response = h
        .http
        .post(h.okta("/api/v1/authn"))
        .header("Origin", UNTRUSTED)
        .json(&json!({"username": "ada@example.com", "password": "correct-horse"}))
        .send()
        .await
        .unwrap();
    assert_eq!(header(&response, "access-control-allow-origin"), None);
    // The authorize endpoint is a navigation, never a CORS resource.
    let response = preflight(&h, "/oauth2/default/v1/authorize", TRUSTED, "GET").await;
    assert_eq!(header(&response, "access-control-allow-origin"), None);
}

#[tokio::test]
async fn a_spa_logs_in_from_a_trusted_origin() {
    let h = start().await;
    // authn from the browser, then /authorize (a navigation), then /token with Origin.
    let response = h
        .http
        .post(h.okta("/api/v1/authn"))
        .header("Origin", TRUSTED)
        .json(&json!({"username": "ada@example.com", "password": "correct-horse"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        header(&response, "access-control-allow-origin"),
        Some(TRUSTED)
    );
    assert_eq!(header(&response, "vary"), Some("Origin"));
    let body: Value = response.json().await.unwrap();
    let session = body["sessionToken"].as_str().unwrap();
    let (verifier, challenge) = crate::emulator::support::pkce_pair();
    let response = h
        .authorize(&[
            ("sessionToken", session),
            ("scope", "openid offline_access"),
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
        ])
        .await;
    let code = crate::emulator::support::location_params(&response)["code"].clone();
    let response = h
        .http
        .post(h.okta("/oauth2/default/v1/token"))
        .header("Origin", TRUSTED)
        .form(&[
            ("grant_type", "authorization_code"),
            ("client_id", "demo-spa"),
            ("redirect_uri", REDIRECT),
            ("code", code.as_str()),
            ("code_verifier", verifier.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        header(&response, "access-control-allow-origin"),
        Some(TRUSTED)
    );
    let tokens: Value = response.json().await.unwrap();
    let access = tokens["access_token"].as_str().unwrap();
    // Renewal with the refresh token, and the keys and userinfo, from the browser too.
    let response = h
        .http
        .post(h.okta("/oauth2/default/v1/token"))
        .header("Origin", TRUSTED)
        .form(&[
            ("grant_type", "refresh_token"),
            ("client_id", "demo-spa"),
            ("refresh_token", tokens["refresh_token"].as_str().unwrap()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    for path in ["/oauth2/default/v1/keys", "/oauth2/default/v1/userinfo"] {
        let response = h
            .http
            .get(h.okta(path))
            .header("Origin", TRUSTED)
            .bearer_auth(access)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(
            header(&response, "access-control-allow-origin"),
            Some(TRUSTED),
            "{path}"
        );
    }
}

#[tokio::test]
async fn a_confidential_client_is_refused_even_from_a_trusted_origin() {
    let h = start().await;
    let response = h
        .http
        .post(h.okta("/oauth2/default/v1/token"))
        .header("Origin", TRUSTED)
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", "demo-service"),
            ("client_secret", "demo-service-secret"),
            ("scope", "todos.read"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_client");
    assert_eq!(
        body["error_description"],
        "Browser requests to the token endpoint must use Proof Key for Code Exchange."
    );
}
