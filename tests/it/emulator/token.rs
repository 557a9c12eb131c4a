//! POST {base}/v1/token: every grant and the error cases.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;

use crate::emulator::support::{Harness, MFA_SECRET, REDIRECT, start, totp_now, verify_jwt};

fn code_form<'a>(code: &'a str, verifier: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("grant_type", "authorization_code"),
        ("client_id", "demo-spa"),
        ("redirect_uri", REDIRECT),
        ("code", code),
        ("code_verifier", verifier),
    ]
}

#[tokio::test]
async fn pkce_login_yields_verifiable_tokens() {
    let h = start().await;
    let body = h.login("ada@example.com", "openid profile email").await;
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    assert_eq!(body["scope"], "openid profile email");
    assert!(
        body.get("refresh_token").is_none(),
        "no offline_access, no refresh token"
    );
    let access = verify_jwt(
        &h,
        body["access_token"].as_str().unwrap(),
        "default",
        "api://default",
    )
    .await;
    assert_eq!(access["sub"], "ada@example.com");
    assert_eq!(
        access["iss"],
        format!("{}/oauth2/default", h.emu.okta_url())
    );
    assert_eq!(access["cid"], "demo-spa");
    assert_eq!(access["ver"], 1);
    assert!(access["uid"].as_str().unwrap().starts_with("00u"));
    assert_eq!(
        access["scp"],
        serde_json::json!(["openid", "profile", "email"])
    );
    assert_eq!(access["groups"], serde_json::json!(["Everyone"]));
    assert!(access["jti"].as_str().unwrap().starts_with("AT."));
    assert_eq!(
        access["exp"].as_u64().unwrap() - access["iat"].as_u64().unwrap(),
        3600
    );
    assert!(access["auth_time"].is_u64());
    let id = verify_jwt(
        &h,
        body["id_token"].as_str().unwrap(),
        "default",
        "demo-spa",
    )
    .await;
    assert_eq!(id["sub"], access["uid"]);
    assert_eq!(id["nonce"], "n0nce");
    assert_eq!(id["email"], "ada@example.com");
    assert_eq!(id["name"], "Ada Lovelace");
}

#[tokio::test]
async fn code_is_one_time_and_bound_to_verifier_redirect_and_client() {
    let h = start().await;
    let (code, verifier) = h.code("ada@example.com", "openid").await;
    let (status, body) = h.token(&code_form(&code, &verifier)).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = h.token(&code_form(&code, &verifier)).await;
    assert_eq!(
        (status.as_u16(), body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    assert_eq!(
        body["error_description"],
        "The authorization code is invalid or has expired."
    );

    let (code, _) = h.code("ada@example.com", "openid").await;
    let wrong = "M25iVXpKU3puUjFaYWg3T1NDTDQtcW1ROUY5YXlwalNoc0hhakxifmZHag";
    let (status, body) = h.token(&code_form(&code, wrong)).await;
    assert_eq!(
        (status.as_u16(), body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    assert_eq!(body["error_description"], "PKCE verification failed.");

    let (code, _) = h.code("ada@example.com", "openid").await;
    let (status, body) = h.token(&code_form(&code, "")).await;
    assert_eq!(
        (status.as_u16(), body["error"].as_str()),
        (400, Some("invalid_request"))
    );
    assert_eq!(
        body["error_description"],
        "PKCE code verifier is required by the application."
    );

    let (code, verifier) = h.code("ada@example.com", "openid").await;
    let mut form = code_form(&code, &verifier);
    form[2] = ("redirect_uri", "http://localhost:3000/other");
    let (status, body) = h.token(&form).await;
    assert_eq!(
        (status.as_u16(), body["error"].as_str()),
        (400, Some("invalid_grant"))
    );

    let (code, verifier) = h.code("ada@example.com", "openid").await;
    let mut form = code_form(&code, &verifier);
    form[1] = ("client_id", "demo-web");
    form.push(("client_secret", "demo-web-secret"));
    let (status, body) = h.token(&form).await;
    assert_eq!(
        (status.as_u16(), body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
}

#[tokio::test]
async fn origin_header_from_an_untrusted_origin_is_refused() {
    let h = start().await;
    let (code, verifier) = h.code("ada@example.com", "openid").await;
    let url = h.okta("/oauth2/default/v1/token");
    let response = h
        .http
        .post(url)
        .header("Origin", "http://evil.example")
        .form(&code_form(&code, &verifier))
        .send()
        .await
        .unwrap();
    assert!(
        response
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
    assert_eq!(response.status(), 401);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_client");
    assert_eq!(
        body["error_description"],
        "Browser requests to the token endpoint must use Proof Key for Code Exchange."
    );
}

async fn refresh(h: &Harness, token: &str) -> (reqwest::StatusCode, Value) {
    h.token(&[
        ("grant_type", "refresh_token"),
        ("client_id", "demo-spa"),
        ("refresh_token", token),
    ])
    .await
}

#[tokio::test]
async fn refresh_tokens_rotate() {
    let h = start().await;
    let body = h.login("ada@example.com", "openid offline_access").await;
    let first = body["refresh_token"].as_str().unwrap().to_string();
    let (status, body) = refresh(&h, &first).await;
    assert_eq!(status, 200, "{body}");
    let second = body["refresh_token"].as_str().unwrap().to_string();
    assert_ne!(first, second);
    assert!(body["id_token"].is_string());
    let (status, body) = refresh(&h, &first).await;
    assert_eq!(
        (status.as_u16(), body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    let (status, _) = refresh(&h, &second).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn client_credentials_basic_and_post() {
    let h = start().await;
    let url = h.okta("/oauth2/default/v1/token");
    let form = [
        ("grant_type", "client_credentials"),
        ("scope", "todos.read"),
    ];
    let response = h
        .http
        .post(&url)
        .basic_auth("demo-service", Some("demo-service-secret"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert!(body.get("id_token").is_none() && body.get("refresh_token").is_none());
    let claims = verify_jwt(
        &h,
        body["access_token"].as_str().unwrap(),
        "default",
        "api://default",
    )
    .await;
    assert_eq!(claims["sub"], "demo-service");
    assert!(claims.get("uid").is_none());
    let token = h.service_token("todos.read todos.write").await;
    assert!(!token.is_empty());

    let both = [
        ("grant_type", "client_credentials"),
        ("scope", "todos.read"),
        ("client_secret", "demo-service-secret"),
    ];
    let response = h
        .http
        .post(&url)
        .basic_auth("demo-service", Some("demo-service-secret"))
        .form(&both)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_client");

    let header = format!("Basic {}", STANDARD.encode("demo-service:wrong"));
    let response = h
        .http
        .post(&url)
        .header("Authorization", header)
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);

    let openid = [
        ("grant_type", "client_credentials"),
        ("scope", "openid"),
        ("client_id", "demo-service"),
        ("client_secret", "demo-service-secret"),
    ];
    let (status, body) = h.token(&openid).await;
    assert_eq!(
        (status.as_u16(), body["error"].as_str()),
        (400, Some("invalid_scope"))
    );
}

#[tokio::test]
async fn public_client_cannot_use_other_grants() {
    let h = start().await;
    let (status, body) = h
        .token(&[
            ("grant_type", "client_credentials"),
            ("client_id", "demo-spa"),
            ("scope", "todos.read"),
        ])
        .await;
    assert_eq!(
        (status.as_u16(), body["error"].as_str()),
        (400, Some("unauthorized_client"))
    );
    let (status, body) = h
        .token(&[("grant_type", "implicit"), ("client_id", "demo-spa")])
        .await;
    assert_eq!(
        (status.as_u16(), body["error"].as_str()),
        (400, Some("unsupported_grant_type"))
    );
    let (status, body) = h
        .token(&[
            ("grant_type", "authorization_code"),
            ("client_id", "nobody"),
        ])
        .await;
    assert_eq!(
        (status.as_u16(), body["error"].as_str()),
        (401, Some("invalid_client"))
    );
}

fn cli<'a>(extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut form = vec![
        ("client_id", "demo-cli"),
        ("client_secret", "demo-cli-secret"),
    ];
    form.extend_from_slice(extra);
    form
}

#[tokio::test]
async fn password_grant_with_and_without_mfa() {
    let h = start().await;
    let ada = [
        ("grant_type", "password"),
        ("username", "ada@example.com"),
        ("password", "correct-horse"),
        ("scope", "openid offline_access"),
    ];
    let (status, body) = h.token(&cli(&ada)).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["refresh_token"].is_string());
    let bad = [
        ("grant_type", "password"),
        ("username", "ada@example.com"),
        ("password", "nope"),
        ("scope", "openid"),
    ];
    let (status, body) = h.token(&cli(&bad)).await;
    assert_eq!(
        (status.as_u16(), body["error"].as_str()),
        (400, Some("invalid_grant"))
    );

    let mfa = [
        ("grant_type", "password"),
        ("username", "mfa@example.com"),
        ("password", "correct-horse"),
        ("scope", "openid"),
    ];
    let (status, body) = h.token(&cli(&mfa)).await;
    assert_eq!(
        (status.as_u16(), body["error"].as_str()),
        (403, Some("mfa_required"))
    );
    let mfa_token = body["mfa_token"].as_str().unwrap().to_string();
    let otp_grant = "http://auth0.com/oauth/grant-type/mfa-otp";
    let wrong = [
        ("grant_type", otp_grant),
        ("mfa_token", mfa_token.as_str()),
        ("otp", "000000"),
    ];
    let (status, body) = h.token(&cli(&wrong)).await;
    assert_eq!(
        (status.as_u16(), body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    let code = totp_now(MFA_SECRET);
    let good = [
        ("grant_type", otp_grant),
        ("mfa_token", mfa_token.as_str()),
        ("otp", code.as_str()),
    ];
    let (status, body) = h.token(&cli(&good)).await;
    assert_eq!(status, 200, "{body}");
    let claims = verify_jwt(
        &h,
        body["access_token"].as_str().unwrap(),
        "default",
        "api://default",
    )
    .await;
    assert_eq!(claims["sub"], "mfa@example.com");
    let (status, _) = h.token(&cli(&good)).await;
    assert_eq!(status, 400, "mfa_token is one-time");
}

#[tokio::test]
async fn org_server_issues_tokens_with_the_org_issuer() {
    let h = start().await;
    let token = h.session_token("ada@example.com").await;
    let (verifier, challenge) = crate::emulator::support::pkce_pair();
    let params = [
        ("sessionToken", token.as_str()),
        ("code_challenge", &challenge),
        ("code_challenge_method", "S256"),
    ];
    let response = h.authorize_on("/oauth2", &params).await;
    let code = crate::emulator::support::location_params(&response)["code"].clone();
    let url = h.okta("/oauth2/v1/token");
    let response = h
        .http
        .post(url)
        .form(&code_form(&code, &verifier))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    let okta = h.emu.okta_url().to_string();
    let claims = verify_jwt(&h, body["access_token"].as_str().unwrap(), "org", &okta).await;
    assert_eq!(claims["iss"], okta);
}
