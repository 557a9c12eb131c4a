//! Keys as Okta has them: one key per authorization server, JWKS with a
//! cache lifetime, a rotation a long-running API can follow, and the
//! `groups` claim only where configured.

use gatecheck_emulator::{AuthServerConfig, EmulatorConfig, TokenKind};
use serde_json::Value;

use crate::emulator::support::{Harness, start, start_with, verify_jwt};

async fn jwks(
    h: &Harness,
    server: &str,
) -> (reqwest::header::HeaderMap, jsonwebtoken::jwk::JwkSet) {
    let response = h.http.get(h.emu.jwks_url(server)).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    (headers, response.json().await.unwrap())
}

fn kid_of(token: &str) -> String {
    jsonwebtoken::decode_header(token).unwrap().kid.unwrap()
}

/// An API's verifier: the token's kid must be in a (cached) JWKS.
fn verifies_with(jwks: &jsonwebtoken::jwk::JwkSet, token: &str, issuer: &str) -> bool {
    let Some(jwk) = jwks.find(&kid_of(token)) else {
        return false;
    };
    let key = jsonwebtoken::DecodingKey::from_jwk(jwk).unwrap();
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
    validation.set_issuer(&[issuer]);
    validation.validate_aud = false;
    jsonwebtoken::decode::<Value>(token, &key, &validation).is_ok()
}

fn two_servers() -> EmulatorConfig {
    let mut config = EmulatorConfig::builtin();
    config.auth_servers.push(AuthServerConfig {
        id: "other".into(),
        audience: "api://other".into(),
        scopes: vec!["openid".into(), "todos.read".into()],
        groups_claim: vec![TokenKind::AccessToken, TokenKind::IdToken],
    });
    config
}

#[tokio::test]
async fn each_server_signs_with_its_own_key() {
    let h = start_with(two_servers()).await;
    let token = h.service_token("todos.read").await;
    let (_, default_keys) = jwks(&h, "default").await;
    let (_, other_keys) = jwks(&h, "other").await;
    let (_, org_keys) = jwks(&h, "org").await;
    assert!(verifies_with(
        &default_keys,
        &token,
        &h.emu.issuer("default")
    ));
    assert!(!verifies_with(
        &other_keys,
        &token,
        &h.emu.issuer("default")
    ));
    assert!(!verifies_with(&org_keys, &token, &h.emu.issuer("default")));
    let kids = |set: &jsonwebtoken::jwk::JwkSet| -> Vec<String> {
        set.keys
            .iter()
            .filter_map(|k| k.common.key_id.clone())
            .collect()
    };
    assert!(
        kids(&default_keys)
            .iter()
            .all(|k| !kids(&other_keys).contains(k))
    );
}

#[tokio::test]
async fn jwks_has_a_cache_lifetime_and_publishes_the_next_key() {
    let h = start().await;
    let (headers, keys) = jwks(&h, "default").await;
    let cache = headers["cache-control"].to_str().unwrap();
    assert!(cache.starts_with("max-age="), "{cache}");
    let max_age: u64 = cache["max-age=".len()..]
        .split(',')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(max_age > 0);
    assert_eq!(keys.keys.len(), 2, "the signing key and the next one");
}

#[tokio::test]
async fn a_cached_jwks_keeps_verifying_across_a_rotation() {
    let h = start().await;
    let before = h.service_token("todos.read").await;
    let (_, cached) = jwks(&h, "default").await;
    let new_kid = h.emu.rotate_key("default").unwrap();
    assert_ne!(new_kid, kid_of(&before));
    let after = h.service_token("todos.read").await;
    assert_eq!(kid_of(&after), new_kid);
    let issuer = h.emu.issuer("default");
    assert!(
        verifies_with(&cached, &after, &issuer),
        "the new key was published before it signed"
    );
    let (_, fresh) = jwks(&h, "default").await;
    assert!(
        verifies_with(&fresh, &before, &issuer),
        "the old key stays published"
    );
    assert!(verifies_with(&fresh, &after, &issuer));
    // The demo API follows the rotation too, for old and new tokens.
    assert_eq!(
        h.api_get("/api/todos?limit=1", Some(&before))
            .await
            .status(),
        200
    );
    assert_eq!(
        h.api_get("/api/todos?limit=1", Some(&after)).await.status(),
        200
    );
}

#[tokio::test]
async fn rotation_over_http_names_the_new_kid() {
    let h = start().await;
    let response = h
        .http
        .post(h.okta("/__emulator/keys/default/rotate"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    let token = h.service_token("todos.read").await;
    assert_eq!(body["kid"], kid_of(&token).as_str());
    let response = h
        .http
        .post(h.okta("/__emulator/keys/nope/rotate"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    assert!(h.emu.rotate_key("nope").is_err());
}

#[tokio::test]
async fn groups_appear_only_in_the_configured_tokens() {
    let h = start_with(two_servers()).await;
    let body = h.login("grace@example.com", "openid").await;
    let access = verify_jwt(
        &h,
        body["access_token"].as_str().unwrap(),
        "default",
        "api://default",
    )
    .await;
    let id = verify_jwt(
        &h,
        body["id_token"].as_str().unwrap(),
        "default",
        "demo-spa",
    )
    .await;
    assert_eq!(access["groups"], serde_json::json!(["Everyone", "admins"]));
    assert!(id.get("groups").is_none(), "default: access tokens only");

    let token = h.session_token("grace@example.com").await;
    let (verifier, challenge) = crate::emulator::support::pkce_pair();
    let response = h
        .authorize_on(
            "/oauth2/other",
            &[
                ("sessionToken", &token),
                ("scope", "openid"),
                ("code_challenge", &challenge),
                ("code_challenge_method", "S256"),
            ],
        )
        .await;
    let code = crate::emulator::support::location_params(&response)["code"].clone();
    let form = [
        ("grant_type", "authorization_code"),
        ("client_id", "demo-spa"),
        ("redirect_uri", crate::emulator::support::REDIRECT),
        ("code", code.as_str()),
        ("code_verifier", verifier.as_str()),
    ];
    let response = h
        .http
        .post(h.okta("/oauth2/other/v1/token"))
        .form(&form)
        .send()
        .await
        .unwrap();
    let body: Value = response.json().await.unwrap();
    let id = verify_jwt(&h, body["id_token"].as_str().unwrap(), "other", "demo-spa").await;
    assert_eq!(id["groups"], serde_json::json!(["Everyone", "admins"]));

    let config = EmulatorConfig::from_yaml(
        "users:\n  - {login: a@example.com, password: pw, groups: []}\nclients:\n  - {client_id: spa, redirect_uris: ['http://localhost/cb'], grant_types: [authorization_code]}\n",
    )
    .unwrap();
    assert!(
        config.auth_servers[0].groups_claim.is_empty(),
        "none unless asked, as on Okta"
    );
}
