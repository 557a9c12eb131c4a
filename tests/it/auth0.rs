//! `kind: auth0` (and the password / client-credentials kinds with Auth0's
//! realm and audience) against the emulator's Auth0 tenant: each success
//! and each refusal Auth0 answers, named with its advice.

use crate::login_support::*;

use gatecheck::auth::{Fixture, LoginErrorKind};
use gatecheck_emulator::Emulator;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode};
use serde_json::Value;

const API: &str = "https://todos.gatecheck.test/";

/// The auth0 fixture of ada with auth0-spa and the todos API, plus `extra` lines.
fn auth0(em: &Emulator, extra: &str) -> Fixture {
    let mut base: serde_yaml::Mapping = serde_yaml::from_str(&format!(
        "kind: auth0\ndomain: OKTA/auth0\nclient_id: auth0-spa\n\
         redirect_uri: http://localhost:3000/callback\naudience: \"{API}\"\n\
         username: ada@example.com\npassword: correct-horse\n"
    ))
    .unwrap();
    if !extra.trim().is_empty() {
        let extra: serde_yaml::Mapping = serde_yaml::from_str(extra).unwrap();
        base.extend(extra);
    }
    fixture(em, &serde_yaml::to_string(&base).unwrap())
}

/// Verifies a token against the tenant's JWKS (issuer `{okta}/auth0/`).
async fn tenant_claims(em: &Emulator, token: &str, audience: &str) -> Value {
    let url = format!("{}/auth0/.well-known/jwks.json", em.okta_url());
    let jwks: JwkSet = reqwest::get(url).await.unwrap().json().await.unwrap();
    let header = jsonwebtoken::decode_header(token).unwrap();
    let jwk = jwks
        .find(header.kid.as_deref().unwrap())
        .expect("kid in jwks");
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_issuer(&[format!("{}/auth0/", em.okta_url())]);
    validation.set_audience(&[audience]);
    decode::<Value>(token, &DecodingKey::from_jwk(jwk).unwrap(), &validation)
        .expect("a token of the tenant")
        .claims
}

async fn api(em: &Emulator, method: reqwest::Method, path: &str, token: &str) -> u16 {
    reqwest::Client::new()
        .request(method, format!("{}{path}", em.api_url()))
        .bearer_auth(token)
        .json(&serde_json::json!({"title": "from auth0"}))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn cross_origin_login_gives_an_api_token_with_auth0_claims() {
    let em = emulator().await;
    let (token, _) = run(&auth0(&em, "")).await;
    let token = token.unwrap();
    let claims = tenant_claims(&em, &token.access_token, API).await;
    let issuer = format!("{}/auth0/", em.okta_url());
    assert_eq!(
        claims["aud"],
        serde_json::json!([API, format!("{issuer}userinfo")])
    );
    assert_eq!(claims["azp"], "auth0-spa");
    assert_eq!(
        claims["permissions"],
        serde_json::json!(["read:todos", "write:todos"])
    );
    assert!(claims["sub"].as_str().unwrap().starts_with("auth0|"));
    assert_eq!(claims["scope"], "openid profile email");
    let id = tenant_claims(&em, token.id_token.as_deref().unwrap(), "auth0-spa").await;
    assert_eq!(id["email"], "ada@example.com");
    assert!(id["nonce"].as_str().is_some_and(|n| !n.is_empty()));
    let c = em.counters();
    assert_eq!((c.authn, c.authorize, c.token), (1, 1, 1), "{c:?}");
    // The demo API trusts the tenant: its permissions allow reading and writing.
    let get = reqwest::Method::GET;
    assert_eq!(api(&em, get, "/api/me", &token.access_token).await, 200);
    let post = reqwest::Method::POST;
    assert_eq!(api(&em, post, "/api/todos", &token.access_token).await, 201);
}

#[tokio::test]
async fn the_demo_api_checks_the_permissions_of_an_auth0_token() {
    let em = emulator().await;
    let (token, _) = run(&auth0(&em, "username: reader@example.com")).await;
    let token = token.unwrap().access_token;
    let claims = tenant_claims(&em, &token, API).await;
    assert_eq!(claims["permissions"], serde_json::json!(["read:todos"]));
    assert_eq!(
        api(&em, reqwest::Method::GET, "/api/todos", &token).await,
        200
    );
    assert_eq!(
        api(&em, reqwest::Method::POST, "/api/todos", &token).await,
        403
    );
}

#[tokio::test]
async fn without_audience_the_token_is_opaque_and_a_warning_says_so() {
    let em = emulator().await;
    let fx = auth0(&em, "audience: \"\"");
    let warnings = fx.warnings();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("opaque access token"), "{warnings:?}");
    assert!(auth0(&em, "").warnings().is_empty());
    let (token, _) = run(&fx).await;
    let token = token.unwrap().access_token;
    assert_eq!(token.split('.').count(), 1, "not a JWT");
    let userinfo: Value = reqwest::Client::new()
        .get(format!("{}/auth0/userinfo", em.okta_url()))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(userinfo["email"], "ada@example.com");
    assert_eq!(api(&em, reqwest::Method::GET, "/api/me", &token).await, 401);
}

#[tokio::test]
async fn an_organization_login_carries_org_id_and_checks_membership() {
    let em = emulator().await;
    let (token, _) = run(&auth0(&em, "organization: gatecheck")).await;
    let claims = tenant_claims(&em, &token.unwrap().access_token, API).await;
    assert_eq!(claims["org_id"], "org_gatecheck01");
    let msg = failure(&auth0(
        &em,
        "organization: gatecheck\nusername: reader@example.com",
    ))
    .await;
    assert!(msg.contains("Auth0 refused the login at GET"), "{msg}");
    assert!(msg.contains("access_denied (user is not a member"), "{msg}");
    assert!(
        msg.contains("check organization (AUTH0_ORGANIZATION)"),
        "{msg}"
    );
}

#[tokio::test]
async fn mfa_is_answered_with_a_totp_code_at_co_authenticate() {
    let em = emulator().await;
    let msg = failure(&auth0(&em, "username: mfa@example.com")).await;
    assert!(
        msg.contains("POST") && msg.contains("/auth0/co/authenticate: mfa_required"),
        "{msg}"
    );
    assert!(msg.contains("set totp_secret (AUTH0_TOTP_SECRET)"), "{msg}");
    let fx = auth0(
        &em,
        "username: mfa@example.com\ntotp_secret: JBSWY3DPEHPK3PXP",
    );
    let (token, _) = run(&fx).await;
    let claims = tenant_claims(&em, &token.unwrap().access_token, API).await;
    assert_eq!(claims["permissions"], serde_json::json!(["read:todos"]));
    // A wrong secret gives a wrong code.
    let fx = auth0(
        &em,
        "username: mfa@example.com\ntotp_secret: GEZDGNBVGY3TQOJQ",
    );
    let msg = failure(&fx).await;
    assert!(msg.contains("mfa_invalid_code"), "{msg}");
    assert!(msg.contains("clock"), "{msg}");
}

#[tokio::test]
async fn each_refusal_of_co_authenticate_is_named_with_advice() {
    let em = emulator().await;
    let cases = [
        (
            "password: wrong-horse",
            "access_denied (Wrong email or password.)",
            "check the fixture's username / password (AUTH0_USERNAME / AUTH0_PASSWORD)",
            LoginErrorKind::Credentials,
        ),
        (
            "username: blocked@example.com",
            "unauthorized (user is blocked)",
            "User Management > Users > the user > Unblock",
            LoginErrorKind::UserState,
        ),
        (
            "client_id: auth0-no-co",
            "unauthorized_client (Cross origin login not allowed.)",
            "Allow Cross-Origin Authentication",
            LoginErrorKind::Authorize,
        ),
        (
            "origin: http://evil.example",
            "access_denied (Origin http://evil.example is not allowed.)",
            "add `http://evil.example` to the app's Allowed Web Origins",
            LoginErrorKind::Authorize,
        ),
        (
            "connection: other-db",
            "Unknown or disabled connection: other-db",
            "check connection (AUTH0_CONNECTION)",
            LoginErrorKind::Config,
        ),
    ];
    for (extra, said, advice, kind) in cases {
        let (result, masker) = run(&auth0(&em, extra)).await;
        let err = result.expect_err(extra);
        let msg = err.to_string();
        assert_clean(&msg, &masker);
        assert!(msg.contains("/auth0/co/authenticate: "), "{extra}: {msg}");
        assert!(msg.contains(said), "{extra}: {msg}");
        assert!(msg.contains(advice), "{extra}: {msg}");
        assert_eq!(err.kind(), kind, "{extra}: {msg}");
    }
    assert_eq!(
        em.counters().authorize,
        0,
        "no refused login reached /authorize"
    );
}

#[tokio::test]
async fn consent_and_callback_refusals_at_authorize_are_named() {
    let em = emulator().await;
    let msg = failure(&auth0(&em, "client_id: auth0-third-party")).await;
    assert!(msg.contains("consent_required (redirected to"), "{msg}");
    assert!(msg.contains("Allow Skipping User Consent"), "{msg}");
    let msg = failure(&auth0(&em, "redirect_uri: http://localhost:3000/other")).await;
    assert!(msg.contains("a 400 page"), "{msg}");
    assert!(msg.contains("Callback URL mismatch"), "{msg}");
    assert!(msg.contains("Allowed Callback URLs"), "{msg}");
    let msg = failure(&auth0(&em, "audience: https://unknown.example/")).await;
    assert!(
        msg.contains("Service not found: https://unknown.example/"),
        "{msg}"
    );
    assert!(msg.contains("set audience (AUTH0_AUDIENCE)"), "{msg}");
}

/// The raw recipe: the ticket is good only with the session cookie that
/// /co/authenticate set, and only once.
#[tokio::test]
async fn the_login_ticket_is_bound_to_the_session_cookie() {
    let em = emulator().await;
    let base = format!("{}/auth0", em.okta_url());
    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let ticket = |client: reqwest::Client| {
        let url = format!("{base}/co/authenticate");
        async move {
            let answer: Value = client
                .post(url)
                .header("origin", "http://localhost:3000")
                .json(&serde_json::json!({
                    "client_id": "auth0-spa", "username": "ada@example.com",
                    "password": "correct-horse", "realm": "Username-Password-Authentication",
                    "credential_type": "http://auth0.com/oauth/grant-type/password-realm",
                }))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            answer["login_ticket"].as_str().unwrap().to_owned()
        }
    };
    let authorize = |ticket: &str| {
        format!(
            "{base}/authorize?client_id=auth0-spa&response_type=code&redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fcallback\
             &scope=openid&state=s1&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256&login_ticket={ticket}"
        )
    };
    let location = |r: reqwest::Response| r.headers()["location"].to_str().unwrap().to_owned();
    // The `password` credential type (no realm) uses the default connection.
    let answer: Value = browser
        .post(format!("{base}/co/authenticate"))
        .header("origin", "http://localhost:3000")
        .json(&serde_json::json!({
            "client_id": "auth0-spa", "username": "ada@example.com",
            "password": "correct-horse", "credential_type": "password",
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(answer["login_ticket"].is_string(), "{answer}");
    // Without the cookie (another client): Auth0's login page, no code.
    let t1 = ticket(browser.clone()).await;
    let cookieless = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let to = location(cookieless.get(authorize(&t1)).send().await.unwrap());
    assert!(to.contains("/auth0/u/login"), "{to}");
    // The same ticket with the cookie: spent already (one-time).
    let to = location(browser.get(authorize(&t1)).send().await.unwrap());
    assert!(to.contains("/auth0/u/login"), "{to}");
    // A fresh ticket with its cookie: the code and the state.
    let t2 = ticket(browser.clone()).await;
    let to = location(browser.get(authorize(&t2)).send().await.unwrap());
    assert!(
        to.starts_with("http://localhost:3000/callback?code="),
        "{to}"
    );
    assert!(to.ends_with("&state=s1"), "{to}");
}

#[tokio::test]
async fn password_kind_uses_the_realm_and_audience() {
    let em = emulator().await;
    let base = format!(
        "kind: password\ntoken_url: OKTA/auth0/oauth/token\nclient_id: auth0-web\n\
         client_secret: auth0-web-secret\nrealm: Username-Password-Authentication\n\
         audience: \"{API}\"\n"
    );
    let base = |more: &str| format!("{base}{more}");
    let good = |user: &str| base(&format!("username: {user}\npassword: correct-horse\n"));
    let (token, _) = run(&fixture(&em, &good("ada@example.com"))).await;
    let claims = tenant_claims(&em, &token.unwrap().access_token, API).await;
    assert_eq!(claims["gty"], "password");
    assert_eq!(claims["azp"], "auth0-web");
    // mfa_required answered through the mfa-otp grant with the mfa_token.
    let msg = failure(&fixture(&em, &good("mfa@example.com"))).await;
    assert!(msg.contains("mfa_required"), "{msg}");
    let fx = fixture(
        &em,
        &format!("{}totp_secret: JBSWY3DPEHPK3PXP", good("mfa@example.com")),
    );
    let (token, _) = run(&fx).await;
    let claims = tenant_claims(&em, &token.unwrap().access_token, API).await;
    assert_eq!(
        claims["sub"].as_str().map(|s| s.starts_with("auth0|")),
        Some(true)
    );
    let msg = failure(&fixture(
        &em,
        &base("username: ada@example.com\npassword: wrong-horse"),
    ))
    .await;
    assert!(
        msg.contains("invalid_grant (Wrong email or password.)"),
        "{msg}"
    );
    assert!(
        msg.contains("realm: the connection the user is in"),
        "{msg}"
    );
    let msg = failure(&fixture(&em, &good("blocked@example.com"))).await;
    assert!(msg.contains("unauthorized (user is blocked)"), "{msg}");
    assert!(msg.contains("unblock it"), "{msg}");
    // An app without the Password grant: unauthorized_client.
    let fx = fixture(
        &em,
        "kind: password\ntoken_url: OKTA/auth0/oauth/token\nclient_id: auth0-third-party\n\
         realm: Username-Password-Authentication\nusername: ada@example.com\npassword: correct-horse\n",
    );
    let msg = failure(&fx).await;
    assert!(
        msg.contains("unauthorized_client (Grant type 'http://auth0.com/oauth/grant-type/password-realm' not allowed for the client.)"),
        "{msg}"
    );
    assert!(msg.contains("allow the grant type"), "{msg}");
}

#[tokio::test]
async fn client_credentials_sends_the_audience() {
    let em = emulator().await;
    let base = "kind: client-credentials\ntoken_url: OKTA/auth0/oauth/token\nclient_id: auth0-web\n\
                client_secret: auth0-web-secret\nauth_method: client_secret_post\n";
    let (token, _) = run(&fixture(&em, &format!("{base}audience: \"{API}\""))).await;
    let claims = tenant_claims(&em, &token.unwrap().access_token, API).await;
    assert_eq!(claims["sub"], "auth0-web@clients");
    assert_eq!(claims["gty"], "client-credentials");
    assert_eq!(claims["permissions"], serde_json::json!(["read:todos"]));
    let msg = failure(&fixture(&em, base)).await;
    assert!(msg.contains("No audience parameter was provided"), "{msg}");
}

#[tokio::test]
async fn the_refresh_token_renews_an_auth0_login() {
    let em = emulator().await;
    let fx = auth0(&em, "scopes: openid profile email offline_access");
    let (token, masker) = run(&fx).await;
    let token = token.unwrap();
    let refresh = token.refresh_token.clone().expect("a refresh token");
    let renewed = gatecheck::auth::renew(&fx, &token, &client(), &masker)
        .await
        .unwrap();
    assert_ne!(renewed.access_token, token.access_token);
    assert_eq!(renewed.refresh_token.as_deref(), Some(refresh.as_str()));
    tenant_claims(&em, &renewed.access_token, API).await;
    let c = em.counters();
    assert_eq!(
        (c.authn, c.token),
        (1, 2),
        "renewed by the refresh token: {c:?}"
    );
}

#[tokio::test]
async fn the_tenant_serves_discovery() {
    let em = emulator().await;
    let doc: Value = reqwest::get(format!(
        "{}/auth0/.well-known/openid-configuration",
        em.okta_url()
    ))
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let issuer = format!("{}/auth0/", em.okta_url());
    assert_eq!(doc["issuer"], issuer);
    assert_eq!(doc["token_endpoint"], format!("{issuer}oauth/token"));
    assert_eq!(doc["jwks_uri"], format!("{issuer}.well-known/jwks.json"));
}

/// The shipped example (examples/auth0) logs into the emulator's tenant
/// with no environment set and its tests pass.
#[test]
fn the_auth0_example_runs_against_the_built_in_tenant() {
    fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap().flatten() {
            let target = to.join(entry.file_name());
            match entry.path().is_dir() {
                true => copy_dir(&entry.path(), &target),
                false => drop(std::fs::copy(entry.path(), &target).unwrap()),
            }
        }
    }
    let p = crate::common::Project::new("auth0-example");
    let example = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/auth0");
    copy_dir(&example, &p.dir);
    let out = p.run(&["suites"], &[("CI", "true")]);
    assert_eq!(out.code, 0, "{}", out.normalized(&p));
    assert!(
        out.stdout.contains("test result: ok. 2 passed"),
        "{}",
        out.stdout
    );
}

/// A broken auth0 fixture is refused at load time, each problem with its
/// file, line and key.
#[test]
fn a_broken_auth0_fixture_names_file_line_and_key() {
    let p = crate::common::Project::new("auth0-broken");
    p.file(
        "suites/gatecheck.yaml",
        "base_url: http://127.0.0.1:9\nauth: user\n",
    )
    .file(
        "suites/a.yaml",
        "name: a\ntests:\n  - name: t\n    request: {url: /x}\n    expect: {status: 200, snapshot: false}\n",
    )
    .file(
        "fixtures/user.yaml",
        "kind: auth0\ndomain: tenant.example\nclient_id: spa\nredirect_uri: not a url\n\
         scopes: [profile]\nusername: ada\npassword: pw\n",
    )
    .file(
        "fixtures/typo.yaml",
        "kind: auth0\ndomain: tenant.example\nclient_id: spa\nredirect_uri: http://localhost/cb\n\
         conection: db\nusername: ada\npassword: pw\n",
    );
    let out = p.run(&["validate"], &[]);
    assert_ne!(out.code, 0);
    let err = out.normalized(&p);
    assert!(err.contains("fixtures/user.yaml:4:"), "{err}");
    assert!(
        err.contains("redirect_uri: the url contains a space"),
        "{err}"
    );
    assert!(err.contains("fixtures/user.yaml:5:"), "{err}");
    assert!(err.contains("scopes: `openid` is missing"), "{err}");
    assert!(err.contains("fixtures/typo.yaml:5:"), "{err}");
    assert!(
        err.contains("`conection`") && err.contains("connection"),
        "{err}"
    );
}
