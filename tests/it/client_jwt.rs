//! private_key_jwt: fixtures sign a fresh client assertion per token
//! request; the emulator checks it as Okta does.

use crate::key_support::{ClientKey, config};
use crate::login_support::*;

use gatecheck_emulator::Emulator;
use jsonwebtoken::{Header, encode};
use serde_json::{Value, json};

const AUD_SUFFIX: &str = "/oauth2/default/v1/token";

fn service_yaml(key: &ClientKey) -> String {
    format!(
        "kind: client-credentials\nokta_url: OKTA\nclient_id: jwt-app\nkey_id: {}\nscopes: todos.read\nprivate_key: |\n{}",
        key.jwk["kid"].as_str().unwrap(),
        key.yaml_block()
    )
}

#[tokio::test]
async fn client_credentials_with_an_ec_key_gets_a_token_and_masks_key_and_assertion() {
    let key = ClientKey::ec("ec-1");
    let em = emulator_with(config(&[&key])).await;
    let fx = fixture(&em, &service_yaml(&key));
    let (token, masker) = run(&fx).await;
    let token = token.expect("login with a client assertion");
    let claims = verify(&em, "default", &token.access_token, Some("api://default")).await;
    assert_eq!(claims["cid"], "jwt-app");
    assert_eq!(token.token_type, "Bearer");
    // The assertion the emulator received and the private key are secrets.
    let assertions: Vec<String> = em
        .issued_secrets()
        .into_iter()
        .filter(|s| s.starts_with("eyJ") && s != &token.access_token)
        .collect();
    assert_eq!(assertions.len(), 1, "one assertion per token request");
    for secret in assertions.iter().chain([&key.pem.trim().to_owned()]) {
        assert!(masker.contains_secret(secret), "not masked: {secret}");
    }
}

#[tokio::test]
async fn password_and_okta_pkce_kinds_sign_with_an_rsa_key_from_a_file() {
    let key = ClientKey::rsa("rsa-1");
    let em = emulator_with(config(&[&key])).await;
    let dir = std::env::temp_dir().join(format!("gc-jwt-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("client.pem");
    std::fs::write(&path, &key.pem).unwrap();
    let path = path.to_str().unwrap();
    let password = fixture(
        &em,
        &format!(
            "kind: password\nokta_url: OKTA\nclient_id: jwt-app\nauth_method: private_key_jwt\nprivate_key: {path}\nkey_id: rsa-1\nusername: ada@example.com\npassword: correct-horse\n"
        ),
    );
    let (token, masker) = run(&password).await;
    let token = token.expect("password login with private_key_jwt");
    assert!(
        masker.contains_secret(key.pem.trim()),
        "the key file's text is masked"
    );
    let claims = verify(&em, "default", &token.access_token, None).await;
    assert_eq!(claims["sub"], "ada@example.com");
    let pkce = pkce(
        &em,
        &format!("client_id: jwt-app\nprivate_key: {path}\nkey_id: rsa-1"),
    );
    let (token, _) = run(&pkce).await;
    let claims = verify(&em, "default", &token.unwrap().access_token, None).await;
    assert_eq!(claims["cid"], "jwt-app");
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn a_key_the_app_does_not_know_is_refused_with_a_hint() {
    let registered = ClientKey::ec("ec-1");
    let other = ClientKey::ec("ec-1");
    let em = emulator_with(config(&[&registered])).await;
    let message = failure(&fixture(&em, &service_yaml(&other))).await;
    assert!(message.contains("invalid_client"), "{message}");
    assert!(message.contains("signature is invalid"), "{message}");
    assert!(
        message.contains("check private_key and key_id"),
        "{message}"
    );
    assert!(!message.contains("BEGIN PRIVATE KEY"), "{message}");
}

#[tokio::test]
async fn a_jwt_client_without_an_assertion_and_a_missing_key_are_errors() {
    let key = ClientKey::ec("ec-1");
    let em = emulator_with(config(&[&key])).await;
    let no_key = fixture(
        &em,
        "kind: client-credentials\nokta_url: OKTA\nclient_id: jwt-app\nauth_method: private_key_jwt\nscopes: todos.read\n",
    );
    let message = failure(&no_key).await;
    assert!(message.contains("set private_key"), "{message}");
    let missing_file = fixture(
        &em,
        "kind: client-credentials\nokta_url: OKTA\nclient_id: jwt-app\nprivate_key: keys/nope.pem\nscopes: todos.read\n",
    );
    let message = failure(&missing_file).await;
    assert!(message.contains("keys/nope.pem"), "{message}");
    let (status, body) = post_token(&em, &[("client_id", "jwt-app")]).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_client")),
        "{body}"
    );
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("client_assertion")
    );
}

async fn post_token(em: &Emulator, extra: &[(&str, &str)]) -> (u16, Value) {
    let mut form = vec![
        ("grant_type", "client_credentials"),
        ("scope", "todos.read"),
    ];
    form.extend_from_slice(extra);
    let response = reqwest::Client::new()
        .post(format!("{}{AUD_SUFFIX}", em.okta_url()))
        .form(&form)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

fn assertion(key: &ClientKey, claims: Value) -> String {
    let mut header = Header::new(key.alg);
    header.kid = Some("ec-1".into());
    encode(&header, &claims, &key.encoding_key()).unwrap()
}

fn now() -> u64 {
    jsonwebtoken::get_current_timestamp()
}

#[tokio::test]
async fn the_emulator_checks_audience_expiry_replay_and_subject() {
    let key = ClientKey::ec("ec-1");
    let em = emulator_with(config(&[&key])).await;
    let aud = format!("{}{AUD_SUFFIX}", em.okta_url());
    let claims = |aud: &str, exp: u64, jti: &str, sub: &str| json!({"iss": "jwt-app", "sub": sub, "aud": aud, "iat": now(), "exp": exp, "jti": jti});
    let send = |jwt: String| {
        let em = &em;
        async move {
            post_token(
                em,
                &[
                    (
                        "client_assertion_type",
                        "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                    ),
                    ("client_assertion", &jwt),
                ],
            )
            .await
        }
    };
    let cases = [
        (
            claims("https://elsewhere/token", now() + 60, "j1", "jwt-app"),
            "audience",
        ),
        (claims(&aud, now() - 600, "j2", "jwt-app"), "expired"),
        (claims(&aud, now() + 7200, "j3", "jwt-app"), "too far"),
        (claims(&aud, now() + 60, "j4", "demo-spa"), "iss"),
    ];
    for (c, expected) in cases {
        let (status, body) = send(assertion(&key, c)).await;
        assert_eq!(status, 401, "{body}");
        assert_eq!(body["error"], "invalid_client");
        let description = body["error_description"].as_str().unwrap();
        assert!(description.contains(expected), "{expected}: {description}");
    }
    let good = assertion(&key, claims(&aud, now() + 60, "j5", "jwt-app"));
    let (status, body) = send(good.clone()).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = send(good).await;
    assert_eq!(status, 401, "{body}");
    assert!(
        body["error_description"]
            .as_str()
            .unwrap()
            .contains("already been used")
    );
}
