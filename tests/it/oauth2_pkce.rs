//! oauth2-pkce against the emulator's generic auto-login server
//! (`{okta}/generic`): the happy path, the private cookie jar, and every
//! way the server can fail to complete the authorization without a form.

use crate::login_support;

use gatecheck::auth::pkce::AuthorizeParams;
use gatecheck::auth::{Fixture, LoginErrorKind};
use gatecheck_emulator::Emulator;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode};
use login_support::*;
use reqwest::Url;
use serde_json::Value;
use std::collections::BTreeMap;

const CALLBACK: &str = "http://localhost:3000/callback";

fn issuer(em: &Emulator) -> String {
    format!("{}/generic", em.okta_url())
}

/// The oauth2-pkce fixture of demo-spa at the generic server, plus `extra` lines.
fn generic(em: &Emulator, extra: &str) -> Fixture {
    let mut base: serde_yaml::Mapping = serde_yaml::from_str(&format!(
        "kind: oauth2-pkce\nissuer: OKTA/generic\nclient_id: demo-spa\n\
         redirect_uri: {CALLBACK}\nscopes: [openid, profile]\n"
    ))
    .unwrap();
    if !extra.trim().is_empty() {
        let extra: serde_yaml::Mapping = serde_yaml::from_str(extra).unwrap();
        base.extend(extra);
    }
    fixture(em, &serde_yaml::to_string(&base).unwrap())
}

/// The failure message, checked for every secret the emulator ever issued.
async fn fails(em: &Emulator, fx: &Fixture) -> (String, LoginErrorKind) {
    let (result, masker) = run(fx).await;
    let err = result.expect_err("login should fail");
    let message = err.to_string();
    assert_clean(&message, &masker);
    for secret in em.issued_secrets() {
        assert!(!message.contains(&secret), "issued secret in: {message}");
    }
    eprintln!("{message}");
    (message, err.kind())
}

/// Verifies a generic-server token against its JWKS; returns the claims.
async fn verify_generic(em: &Emulator, token: &str) -> Value {
    let jwks: JwkSet = reqwest::get(format!("{}/keys", issuer(em)))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let kid = jsonwebtoken::decode_header(token).unwrap().kid.unwrap();
    let key = DecodingKey::from_jwk(jwks.find(&kid).expect("kid in jwks")).unwrap();
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_issuer(&[issuer(em)]);
    validation.set_audience(&["api://generic"]);
    decode::<Value>(token, &key, &validation).unwrap().claims
}

#[tokio::test]
async fn happy_path_token_from_the_generic_issuer() {
    let em = emulator().await;
    let (token, masker) = run(&generic(&em, "")).await;
    let token = token.unwrap();
    let claims = verify_generic(&em, &token.access_token).await;
    assert_eq!(claims["iss"], issuer(&em));
    assert_eq!(claims["sub"], "ada@example.com");
    assert_eq!(claims["cid"], "demo-spa");
    assert!(token.id_token.is_some() && token.expires_at.is_some());
    assert!(masker.contains_secret(&token.access_token));
    for secret in em.issued_secrets() {
        assert!(
            masker.contains_secret(&secret),
            "an issued secret is not masked"
        );
    }
    let c = em.counters();
    assert_eq!(
        (c.discovery, c.authorize, c.token, c.authn),
        (1, 1, 1, 0),
        "{c:?}"
    );
}

#[tokio::test]
async fn login_hint_picks_the_user_and_each_login_has_its_own_cookie_jar() {
    let em = emulator().await;
    let client = client();
    for user in ["ada@example.com", "grace@example.com", "ada@example.com"] {
        let fx = generic(&em, &format!("extra_params: {{login_hint: {user}}}"));
        let masker = gatecheck::secret::mask::Masker::new();
        let token = gatecheck::auth::login(&fx, &client, &masker).await.unwrap();
        // The generic server lets an existing session win over login_hint
        // (see session_wins_over_login_hint): a shared jar would log in ada twice.
        let claims = verify_generic(&em, &token.access_token).await;
        assert_eq!(claims["sub"], user);
    }
}

#[tokio::test]
async fn confidential_client_basic_and_post() {
    let em = emulator().await;
    for method in ["client_secret_basic", "client_secret_post"] {
        let fx = generic(
            &em,
            &format!("client_id: demo-web\nclient_secret: demo-web-secret\nauth_method: {method}"),
        );
        let (token, _) = run(&fx).await;
        let claims = verify_generic(&em, &token.unwrap().access_token).await;
        assert_eq!(claims["cid"], "demo-web");
    }
    let (msg, kind) = fails(
        &em,
        &generic(&em, "client_id: demo-web\nclient_secret: nope-nope"),
    )
    .await;
    assert_eq!(kind, LoginErrorKind::Token);
    assert!(msg.contains("/generic/token: invalid_client"), "{msg}");
}

#[tokio::test]
async fn offline_access_brings_a_refresh_token() {
    let em = emulator().await;
    let (token, _) = run(&generic(&em, "scopes: openid offline_access")).await;
    assert!(token.unwrap().refresh_token.is_some());
}

#[tokio::test]
async fn discovery_issuer_must_match_exactly() {
    let em = emulator().await;
    let fx = generic(&em, "issuer: OKTA/generic/");
    let (msg, kind) = fails(&em, &fx).await;
    assert_eq!(kind, LoginErrorKind::Config);
    let okta = em.okta_url();
    assert_eq!(
        msg,
        format!(
            "login as client `demo-spa` failed: issuer mismatch: the discovery document at GET \
             {okta}/generic/.well-known/openid-configuration names issuer `{okta}/generic` but the \
             fixture's issuer is `{okta}/generic/` (they differ in a trailing slash, which counts); \
             set issuer to exactly the issuer the server announces"
        )
    );
    assert_eq!(em.counters().authorize, 0);
}

#[tokio::test]
async fn no_discovery_document() {
    let em = emulator().await;
    let (msg, kind) = fails(&em, &generic(&em, "issuer: OKTA/nowhere")).await;
    assert_eq!(kind, LoginErrorKind::Config);
    let okta = em.okta_url();
    assert!(
        msg.starts_with(&format!(
            "login as client `demo-spa` failed: no discovery document for issuer `{okta}/nowhere` \
             (GET {okta}/nowhere/.well-known/openid-configuration answered 404, GET \
             {okta}/.well-known/oauth-authorization-server/nowhere answered 404, GET \
             {okta}/nowhere/.well-known/oauth-authorization-server answered 404); check issuer"
        )),
        "{msg}"
    );
}

#[tokio::test]
async fn a_login_form_is_not_headless() {
    let em = emulator().await;
    let fx = generic(&em, "extra_params: {login_hint: form@example.com}");
    let (msg, kind) = fails(&em, &fx).await;
    assert_eq!(kind, LoginErrorKind::Authorize);
    assert_eq!(
        msg,
        format!(
            "login as `form@example.com` failed: the authorization server did not complete the \
             authorization without a login form at GET {}/authorize: it answered 200 with an HTML \
             login form instead of redirecting; oauth2-pkce needs a server that signs the test user \
             in by itself: a pre-established session, a dev server's auto-login (its parameters go \
             in extra_params, e.g. login_hint), or use another kind (okta-pkce for Okta, password, \
             client-credentials, refresh-token, static)",
            issuer(&em)
        )
    );
}

#[tokio::test]
async fn okta_without_a_session_token_shows_its_sign_in_page() {
    let em = emulator().await;
    let fx = generic(&em, "issuer: OKTA/oauth2/default");
    let (msg, _) = fails(&em, &fx).await;
    assert!(
        msg.contains("/oauth2/default/v1/authorize: it answered 200 with an HTML login form"),
        "{msg}"
    );
}

#[tokio::test]
async fn a_foreign_origin_is_not_followed() {
    let em = emulator().await;
    let fx = generic(&em, "extra_params: {login_hint: foreign@example.com}");
    let (msg, kind) = fails(&em, &fx).await;
    assert_eq!(kind, LoginErrorKind::Authorize);
    assert!(
        msg.contains(&format!(
            "without a login form at GET {}/authorize: it redirected to another origin, \
             https://idp.example.net/sso/login (an external login page or identity provider?), \
             which gatecheck does not follow; oauth2-pkce needs",
            issuer(&em)
        )),
        "{msg}"
    );
}

#[tokio::test]
async fn endless_same_origin_redirects_stop() {
    let em = emulator().await;
    let fx = generic(&em, "extra_params: {login_hint: loop@example.com}");
    let (msg, _) = fails(&em, &fx).await;
    assert!(
        msg.contains("/generic/authorize/loop: it kept redirecting on its own origin (10 redirects followed) without reaching the redirect_uri"),
        "{msg}"
    );
}

#[tokio::test]
async fn a_wrong_or_missing_iss_is_refused() {
    let em = emulator().await;
    let fx = generic(&em, "extra_params: {login_hint: bad-iss@example.com}");
    let (msg, kind) = fails(&em, &fx).await;
    assert_eq!(kind, LoginErrorKind::IssuerMismatch);
    let okta = em.okta_url();
    assert!(
        msg.ends_with(&format!(
            "failed: issuer mismatch at GET {okta}/generic/authorize/resume: the redirect to \
             redirect_uri carries iss `{okta}/oauth2/default` but the issuer is `{okta}/generic`; \
             refusing the authorization response (RFC 9207: it may come from another authorization server)"
        )),
        "{msg}"
    );
    let fx = generic(&em, "extra_params: {login_hint: no-iss@example.com}");
    let (msg, kind) = fails(&em, &fx).await;
    assert_eq!(kind, LoginErrorKind::IssuerMismatch);
    assert!(
        msg.contains("carries no iss although the server's metadata announces"),
        "{msg}"
    );
    assert_eq!(em.counters().token, 0, "no code may be redeemed");
}

#[tokio::test]
async fn a_state_mismatch_is_refused() {
    let em = emulator().await;
    let fx = generic(&em, "extra_params: {login_hint: bad-state@example.com}");
    let (msg, kind) = fails(&em, &fx).await;
    assert_eq!(kind, LoginErrorKind::StateMismatch);
    assert!(msg.contains("state mismatch at GET"), "{msg}");
    assert_eq!(em.counters().token, 0);
}

#[tokio::test]
async fn error_redirects_are_reported() {
    let em = emulator().await;
    let fx = generic(&em, "extra_params: {login_hint: unassigned@example.com}");
    let (msg, kind) = fails(&em, &fx).await;
    assert_eq!(kind, LoginErrorKind::Authorize);
    assert_eq!(
        msg,
        format!(
            "login as `unassigned@example.com` failed: /authorize refused the login at GET \
             {}/authorize: access_denied (User is not assigned to the client application.); the \
             server refused the test user: check that the user exists and may use this client",
            issuer(&em)
        )
    );
    let fx = generic(&em, "scopes: openid todos.read");
    let (msg, _) = fails(&em, &fx).await;
    assert!(
        msg.contains("invalid_scope (Unknown scope 'todos.read'.)"),
        "{msg}"
    );
}

#[tokio::test]
async fn an_unregistered_redirect_uri_gets_a_page() {
    let em = emulator().await;
    let fx = generic(&em, "redirect_uri: http://localhost:3000/other");
    let (msg, kind) = fails(&em, &fx).await;
    assert_eq!(kind, LoginErrorKind::Authorize);
    assert!(
        msg.contains("with a 400 page (\"Unknown client_id, or a redirect_uri that is not registered for the client\"); check that client_id `demo-spa` exists"),
        "{msg}"
    );
}

#[tokio::test]
async fn reserved_extra_params_are_refused() {
    let em = emulator().await;
    let (msg, kind) = fails(&em, &generic(&em, "extra_params: {state: x, prompt: none}")).await;
    assert_eq!(kind, LoginErrorKind::Config);
    assert!(msg.ends_with("extra_params must not set state (gatecheck sets these itself; use the fixture's client_id, redirect_uri and scopes)"), "{msg}");
    assert_eq!(em.counters().discovery, 0);
}

// --- the generic server itself, driven by hand -------------------------

/// Runs the authorization by hand with `http`, following same-origin
/// redirects; returns the query of the redirect to the callback.
async fn by_hand(em: &Emulator, http: &reqwest::Client, hint: &str) -> BTreeMap<String, String> {
    let p = AuthorizeParams::generate(&mut rand::rng());
    let mut url = Url::parse(&format!("{}/authorize", issuer(em))).unwrap();
    url.query_pairs_mut()
        .append_pair("client_id", "demo-spa")
        .append_pair("redirect_uri", CALLBACK)
        .append_pair("response_type", "code")
        .append_pair("scope", "openid")
        .append_pair("state", &p.state)
        .append_pair("code_challenge", &p.pkce.challenge)
        .append_pair("code_challenge_method", "S256")
        .append_pair("login_hint", hint);
    for _ in 0..5 {
        let response = http.get(url.clone()).send().await.unwrap();
        assert_eq!(response.status(), 302);
        let location = response.headers()["location"].to_str().unwrap();
        url = url.join(location).unwrap();
        if url.as_str().starts_with(CALLBACK) {
            return url.query_pairs().into_owned().collect();
        }
    }
    panic!("no redirect to the callback");
}

fn http(cookies: bool) -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(cookies)
        .build()
        .unwrap()
}

#[tokio::test]
async fn without_its_cookie_the_server_sends_login_required() {
    let em = emulator().await;
    let query = by_hand(&em, &http(false), "ada@example.com").await;
    assert_eq!(query["error"], "login_required");
    assert!(query["error_description"].starts_with("No session cookie"));
    assert_eq!(query["iss"], issuer(&em));
    assert!(!query.contains_key("code"));
    let query = by_hand(&em, &http(true), "ada@example.com").await;
    assert!(query.contains_key("code"), "{query:?}");
    assert_eq!(query["iss"], issuer(&em));
}

#[tokio::test]
async fn session_wins_over_login_hint() {
    let em = emulator().await;
    let shared_jar = http(true);
    by_hand(&em, &shared_jar, "ada@example.com").await;
    // form@example.com alone gets a login form (a 200, which by_hand
    // refuses); with ada's session cookie in the jar, ada is signed in again.
    let query = by_hand(&em, &shared_jar, "form@example.com").await;
    assert!(query.contains_key("code"), "{query:?}");
}

#[tokio::test]
async fn an_expiring_token_is_refreshed_at_the_discovered_token_endpoint() {
    let mut config = gatecheck_emulator::EmulatorConfig::builtin();
    config.access_token_lifetime_secs = 3600;
    let em = login_support::emulator_with(config).await;
    let fx = generic(&em, "scopes: [openid, offline_access]");
    let fixtures = BTreeMap::from([("user".to_owned(), fx)]);
    let clock = TestClock::default();
    let ids = gatecheck::auth::Identities::new(
        fixtures,
        client(),
        gatecheck::secret::mask::Masker::new(),
    )
    .with_clock(clock.clock());
    let first = ids.token("user").await.unwrap();
    // Just inside the renewal margin (60 s) of the one-hour token.
    clock.advance(std::time::Duration::from_secs(3570));
    let second = ids.token("user").await.unwrap();
    assert_ne!(first.access_token, second.access_token);
    let claims = verify_generic(&em, &second.access_token).await;
    assert_eq!(claims["sub"], "ada@example.com");
    let c = em.counters();
    assert_eq!(
        (c.discovery, c.authorize, c.token),
        (2, 1, 2),
        "refreshed, not logged in again: {c:?}"
    );
}
