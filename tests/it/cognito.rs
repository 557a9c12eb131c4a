//! `kind: cognito` against the emulator's Amazon Cognito user pool: SRP and
//! password sign-ins, SECRET_HASH, TOTP MFA, every error and challenge a
//! headless login cannot pass, and the demo API accepting the tokens.

use crate::login_support::*;
use gatecheck::auth::{Fixture, LoginErrorKind};
use gatecheck_emulator::{COGNITO_POOL_ID, Emulator};
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode};
use serde_json::Value;

const SECRETS: [&str; 2] = ["demo-cognito-client-secret", "JBSWY3DPEHPK3PXP"];

/// A cognito fixture for the emulator's pool: `username` with the built-in
/// password, plus `extra` lines (later keys win).
fn cognito(em: &Emulator, username: &str, extra: &str) -> Fixture {
    let mut base: serde_yaml::Mapping = serde_yaml::from_str(&format!(
        "kind: cognito\nendpoint: OKTA\nuser_pool_id: {COGNITO_POOL_ID}\n\
         client_id: demo-cognito\nusername: {username}\npassword: correct-horse\n"
    ))
    .unwrap();
    if !extra.trim().is_empty() {
        let extra: serde_yaml::Mapping = serde_yaml::from_str(extra).unwrap();
        base.extend(extra);
    }
    fixture(em, &serde_yaml::to_string(&base).unwrap())
}

fn pool_issuer(em: &Emulator) -> String {
    format!("{}/{COGNITO_POOL_ID}", em.okta_url())
}

/// Verifies a token against the pool's JWKS (fetched as a verifier would).
async fn verify_pool_token(em: &Emulator, token: &str) -> Value {
    let url = format!("{}/.well-known/jwks.json", pool_issuer(em));
    let jwks: JwkSet = reqwest::get(url).await.unwrap().json().await.unwrap();
    let kid = jsonwebtoken::decode_header(token).unwrap().kid.unwrap();
    let jwk = jwks
        .find(&kid)
        .expect("the token's kid is in the pool's JWKS");
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_issuer(&[pool_issuer(em)]);
    validation.validate_aud = false;
    decode::<Value>(token, &DecodingKey::from_jwk(jwk).unwrap(), &validation)
        .unwrap()
        .claims
}

async fn api(em: &Emulator, path: &str, token: &str) -> (u16, Value) {
    let response = reqwest::Client::new()
        .get(format!("{}{path}", em.api_url()))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn token_of(fx: &Fixture) -> String {
    let (token, masker) = run(fx).await;
    let token = token.unwrap_or_else(|e| panic!("login failed: {e}"));
    assert!(
        masker.contains_secret(&token.access_token),
        "the token is masked"
    );
    token.access_token
}

async fn cognito_failure(fx: &Fixture) -> String {
    let message = failure(fx).await;
    for secret in SECRETS {
        assert!(!message.contains(secret), "`{secret}` in: {message}");
    }
    message
}

#[tokio::test]
async fn srp_sign_in_gives_an_access_token_the_api_accepts() {
    let em = emulator().await;
    let token = token_of(&cognito(&em, "ada@example.com", "")).await;
    let claims = verify_pool_token(&em, &token).await;
    assert_eq!(claims["token_use"], "access");
    assert_eq!(claims["client_id"], "demo-cognito");
    assert_eq!(claims["scope"], "aws.cognito.signin.user.admin");
    let sub = claims["sub"].as_str().unwrap().to_owned();
    assert_eq!(
        sub.len(),
        36,
        "Cognito's name for the user is a UUID: {sub}"
    );
    assert_eq!(claims["username"], sub.as_str());
    assert!(
        claims.get("aud").is_none(),
        "access tokens have client_id, not aud"
    );
    let (status, me) = api(&em, "/api/me", &token).await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["sub"], sub.as_str());
    assert_eq!(me["cid"], "demo-cognito");
    let (status, _) = api(&em, "/api/todos", &token).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn token_id_sends_the_id_token() {
    let em = emulator().await;
    let token = token_of(&cognito(&em, "ada@example.com", "token: id")).await;
    let claims = verify_pool_token(&em, &token).await;
    assert_eq!(claims["token_use"], "id");
    assert_eq!(claims["aud"], "demo-cognito");
    assert_eq!(claims["email"], "ada@example.com");
    assert_eq!(claims["cognito:username"], claims["sub"]);
    let (status, me) = api(&em, "/api/me", &token).await;
    assert_eq!((status, me["cid"].as_str()), (200, Some("demo-cognito")));
}

#[tokio::test]
async fn password_flow_and_groups() {
    let em = emulator().await;
    let fx = cognito(
        &em,
        "grace@example.com",
        "auth_flow: USER_PASSWORD_AUTH\npassword: analytical-engine",
    );
    let token = token_of(&fx).await;
    let claims = verify_pool_token(&em, &token).await;
    assert_eq!(claims["cognito:groups"], serde_json::json!(["admins"]));
    assert_eq!(api(&em, "/api/admin/report", &token).await.0, 200);
    let ada = token_of(&cognito(&em, "ada@example.com", "")).await;
    assert_eq!(api(&em, "/api/admin/report", &ada).await.0, 403);
}

#[tokio::test]
async fn a_client_with_a_secret_gets_secret_hash() {
    let em = emulator().await;
    let secret = "client_id: demo-cognito-secret\nclient_secret: demo-cognito-client-secret\n";
    for flow in ["USER_SRP_AUTH", "USER_PASSWORD_AUTH"] {
        let fx = cognito(
            &em,
            "ada@example.com",
            &format!("{secret}auth_flow: {flow}"),
        );
        let claims = verify_pool_token(&em, &token_of(&fx).await).await;
        assert_eq!(claims["client_id"], "demo-cognito-secret", "{flow}");
    }
    // With TOTP MFA too: every RespondToAuthChallenge carries the hash.
    let fx = cognito(
        &em,
        "mfa@example.com",
        &format!("{secret}totp_secret: JBSWY3DPEHPK3PXP"),
    );
    token_of(&fx).await;

    let missing = cognito(&em, "ada@example.com", "client_id: demo-cognito-secret");
    let message = cognito_failure(&missing).await;
    assert!(
        message.contains("400 NotAuthorizedException (Client demo-cognito-secret is configured for secret but secret was not received)"),
        "{message}"
    );
    assert!(
        message.contains("set client_secret (COGNITO_CLIENT_SECRET)"),
        "{message}"
    );
    let wrong = cognito(
        &em,
        "ada@example.com",
        "client_id: demo-cognito-secret\nclient_secret: not-the-secret",
    );
    let message = cognito_failure(&wrong).await;
    assert!(
        message.contains("Unable to verify secret hash"),
        "{message}"
    );
    assert!(message.contains("check client_secret"), "{message}");
    assert!(!message.contains("not-the-secret"), "{message}");
}

#[tokio::test]
async fn totp_mfa_is_answered_with_the_secret() {
    let em = emulator().await;
    for user in ["mfa@example.com", "select-mfa@example.com"] {
        let fx = cognito(&em, user, "totp_secret: JBSWY3DPEHPK3PXP");
        let claims = verify_pool_token(&em, &token_of(&fx).await).await;
        assert_eq!(claims["token_use"], "access", "{user}");
    }
    let message = cognito_failure(&cognito(&em, "mfa@example.com", "")).await;
    assert!(
        message.contains("challenge SOFTWARE_TOKEN_MFA"),
        "{message}"
    );
    assert!(
        message.contains("set totp_secret (COGNITO_TOTP_SECRET)"),
        "{message}"
    );
    // Another secret's code is refused by the pool.
    let fx = cognito(&em, "mfa@example.com", "totp_secret: GEZDGNBVGY3TQOJQ");
    let message = cognito_failure(&fx).await;
    assert!(message.contains("CodeMismatchException"), "{message}");
    assert!(message.contains("check that totp_secret"), "{message}");
}

#[tokio::test]
async fn a_wrong_password_is_refused_in_both_flows() {
    let em = emulator().await;
    for flow in ["USER_SRP_AUTH", "USER_PASSWORD_AUTH"] {
        let fx = cognito(
            &em,
            "ada@example.com",
            &format!("password: correct-horse-battery\nauth_flow: {flow}"),
        );
        let (result, masker) = run(&fx).await;
        let err = result.expect_err("a wrong password must be refused");
        assert_eq!(err.kind(), LoginErrorKind::Credentials, "{flow}");
        let message = err.to_string();
        assert_clean(&message, &masker);
        assert!(
            message.contains("400 NotAuthorizedException (Incorrect username or password.)"),
            "{message}"
        );
        assert!(
            message.contains("check the fixture's username / password"),
            "{message}"
        );
        assert!(!message.contains("correct-horse-battery"), "{message}");
    }
}

#[tokio::test]
async fn users_a_headless_login_cannot_pass_are_named_with_advice() {
    let em = emulator().await;
    let cases = [
        (
            "nobody@example.com",
            "400 UserNotFoundException (User does not exist.)",
            "there is no user `nobody@example.com`",
            LoginErrorKind::Credentials,
        ),
        (
            "unconfirmed@example.com",
            "400 UserNotConfirmedException",
            "admin-confirm-sign-up",
            LoginErrorKind::UserState,
        ),
        (
            "reset@example.com",
            "400 PasswordResetRequiredException",
            "admin-set-user-password",
            LoginErrorKind::UserState,
        ),
        (
            "new-password@example.com",
            "challenge NEW_PASSWORD_REQUIRED",
            "temporary password",
            LoginErrorKind::UserState,
        ),
        (
            "sms-mfa@example.com",
            "challenge SMS_MFA",
            "make a TOTP authenticator the user's MFA",
            LoginErrorKind::UserState,
        ),
        (
            "email-otp@example.com",
            "challenge EMAIL_OTP",
            "Cognito sent a code by email",
            LoginErrorKind::UserState,
        ),
        (
            "mfa-setup@example.com",
            "challenge MFA_SETUP",
            "has none set up",
            LoginErrorKind::UserState,
        ),
    ];
    for (user, what, advice, kind) in cases {
        let (result, masker) = run(&cognito(&em, user, "")).await;
        let err = result.expect_err(user);
        let message = err.to_string();
        assert_clean(&message, &masker);
        assert_eq!(err.kind(), kind, "{message}");
        assert!(
            message.starts_with(&format!(
                "login as `{user}` failed: Amazon Cognito stopped the sign-in at POST {}/ (",
                em.okta_url()
            )),
            "{message}"
        );
        assert!(message.contains(what), "{user}: {message}");
        assert!(message.contains(advice), "{user}: {message}");
    }
}

#[tokio::test]
async fn a_client_without_the_password_flow_says_which_to_use() {
    let em = emulator().await;
    let fx = cognito(
        &em,
        "ada@example.com",
        "client_id: demo-cognito-srp-only\nauth_flow: USER_PASSWORD_AUTH",
    );
    let message = cognito_failure(&fx).await;
    assert!(
        message.contains("USER_PASSWORD_AUTH flow not enabled for this client"),
        "{message}"
    );
    assert!(
        message.contains("turn on ALLOW_USER_PASSWORD_AUTH"),
        "{message}"
    );
    assert!(message.contains("`auth_flow: USER_SRP_AUTH`"), "{message}");
    let fx = cognito(&em, "ada@example.com", "client_id: demo-cognito-srp-only");
    token_of(&fx).await;
    let message = cognito_failure(&cognito(&em, "ada@example.com", "client_id: nope")).await;
    assert!(message.contains("ResourceNotFoundException"), "{message}");
    assert!(
        message.contains("check client_id (COGNITO_CLIENT_ID)"),
        "{message}"
    );
}

#[tokio::test]
async fn the_api_refuses_a_tampered_pool_token() {
    let em = emulator().await;
    let token = token_of(&cognito(&em, "ada@example.com", "token: id")).await;
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let mut claims: Value = serde_json::from_slice(&b64.decode(&parts[1]).unwrap()).unwrap();
    claims["cognito:groups"] = serde_json::json!(["admins"]);
    parts[1] = b64.encode(claims.to_string());
    let (status, body) = api(&em, "/api/admin/report", &parts.join(".")).await;
    assert_eq!(status, 401, "{body}");
}

#[tokio::test]
async fn the_pool_publishes_discovery_and_keys() {
    let em = emulator().await;
    let issuer = pool_issuer(&em);
    let doc: Value = reqwest::get(format!("{issuer}/.well-known/openid-configuration"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(doc["issuer"], issuer.as_str());
    assert_eq!(doc["jwks_uri"], format!("{issuer}/.well-known/jwks.json"));
    let other = reqwest::get(format!(
        "{}/us-east-1_other/.well-known/jwks.json",
        em.okta_url()
    ))
    .await
    .unwrap();
    assert_eq!(other.status().as_u16(), 404);
}

#[tokio::test]
async fn fifty_callers_share_one_cognito_login() {
    let em = emulator().await;
    fifty_concurrent_callers(cognito(&em, "ada@example.com", "")).await;
}

#[test]
fn the_shipped_fixture_signs_into_the_demo_pool() {
    let fixture = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/cognito-user.yaml"),
    )
    .unwrap();
    let p = crate::common::Project::new("cognito-demo");
    p.file("fixtures/cognito-user.yaml", &fixture);
    p.file(
        "suites/me.yaml",
        "base_url: demo\nauth: cognito-user\ntests:\n  - name: me\n    request: {url: /api/me}\n    \
         expect:\n      status: 200\n      json:\n        $.cid: demo-cognito\n      snapshot: false\n",
    );
    let out = p.run(&[], &[]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("1 passed"), "{}", out.stdout);
    let decoded = p.run(&["token", "cognito-user", "--decode"], &[]);
    assert_eq!(decoded.code, 0, "{}", decoded.stderr);
    let json: Value = serde_json::from_str(&decoded.stdout).unwrap();
    assert_eq!(json["claims"]["token_use"], "access");
    assert!(
        json["claims"]["iss"]
            .as_str()
            .unwrap()
            .ends_with("/us-east-1_gatecheck")
    );
    let id = p.run(
        &["token", "cognito-user", "--decode"],
        &[("COGNITO_TOKEN", "id")],
    );
    let json: Value = serde_json::from_str(&id.stdout).unwrap();
    assert_eq!(json["claims"]["email"], "ada@example.com", "{}", id.stderr);
}

/// A `flow: hosted` fixture for the emulator's managed login.
fn hosted(em: &Emulator, username: &str, extra: &str) -> Fixture {
    let mut lines: serde_yaml::Mapping = serde_yaml::from_str(
        "flow: hosted\ndomain: OKTA/cognito\nredirect_uri: http://localhost:3000/callback\n\
         scopes: [openid, email]\n",
    )
    .unwrap();
    if !extra.trim().is_empty() {
        lines.extend(serde_yaml::from_str::<serde_yaml::Mapping>(extra).unwrap());
    }
    cognito(em, username, &serde_yaml::to_string(&lines).unwrap())
}

#[tokio::test]
async fn the_managed_login_gives_tokens_through_the_login_form() {
    let em = emulator().await;
    let token = token_of(&hosted(&em, "ada@example.com", "")).await;
    let claims = verify_pool_token(&em, &token).await;
    assert_eq!(claims["token_use"], "access");
    assert_eq!(claims["scope"], "openid email");
    assert_eq!(claims["client_id"], "demo-cognito");
    assert_eq!(api(&em, "/api/me", &token).await.0, 200);
    // A confidential client authenticates at /oauth2/token; the ID token on request.
    let fx = hosted(
        &em,
        "grace@example.com",
        "client_id: demo-cognito-secret\nclient_secret: demo-cognito-client-secret\n\
         password: analytical-engine\ntoken: id",
    );
    let claims = verify_pool_token(&em, &token_of(&fx).await).await;
    assert_eq!(claims["token_use"], "id");
    assert_eq!(claims["aud"], "demo-cognito-secret");
    assert_eq!(claims["cognito:groups"], serde_json::json!(["admins"]));
}

#[tokio::test]
async fn the_managed_login_names_what_stops_it() {
    let em = emulator().await;
    let message = cognito_failure(&hosted(&em, "ada@example.com", "password: wrong-one")).await;
    assert!(
        message.contains("the login page answered \"Incorrect username or password.\""),
        "{message}"
    );
    assert!(
        message.contains("check the fixture's username / password"),
        "{message}"
    );
    let message = cognito_failure(&hosted(&em, "mfa@example.com", "")).await;
    assert!(
        message.contains("went on to http://127.0.0.1:"),
        "{message}"
    );
    assert!(message.contains("/cognito/mfa"), "{message}");
    assert!(message.contains("use `flow: api`"), "{message}");
    let fx = hosted(
        &em,
        "ada@example.com",
        "redirect_uri: http://localhost:9999/elsewhere",
    );
    let message = cognito_failure(&fx).await;
    assert!(
        message.contains("the error page (redirect_mismatch)"),
        "{message}"
    );
    assert!(message.contains("allowed callback URLs"), "{message}");
    let fx = hosted(
        &em,
        "ada@example.com",
        "client_id: demo-cognito-secret\nclient_secret: nope",
    );
    let message = cognito_failure(&fx).await;
    assert!(message.contains("invalid_client"), "{message}");
}

#[test]
fn hosted_needs_a_domain_and_a_redirect_uri() {
    let f: Fixture = serde_yaml::from_str(
        "kind: cognito\nflow: hosted\nuser_pool_id: us-east-1_A1\nclient_id: c\nusername: u\npassword: p\n",
    )
    .unwrap();
    let problems = gatecheck::auth::fixture_check::problems(&f);
    let keys: Vec<&str> = problems.iter().map(|(k, _)| *k).collect();
    assert_eq!(keys, ["domain", "redirect_uri"], "{problems:?}");
    assert!(problems[0].1.contains("amazoncognito.com"), "{problems:?}");
}

#[tokio::test]
async fn the_login_form_needs_its_csrf_cookie_and_the_code_its_verifier() {
    let em = emulator().await;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let challenge = gatecheck_login_crypto::pkce_hash::s256_challenge(
        "a-verifier-of-enough-length-0123456789-abcdefgh",
    );
    let query = format!(
        "response_type=code&client_id=demo-cognito&redirect_uri=http%3A%2F%2Flocalhost%3A3000%2Fcallback\
         &state=s1&scope=openid&code_challenge={challenge}&code_challenge_method=S256"
    );
    let login = format!("{}/cognito/login?{query}", em.okta_url());
    let page = http.get(&login).send().await.unwrap();
    let cookie = page.headers()["set-cookie"].to_str().unwrap().to_owned();
    let xsrf = cookie.split(';').next().unwrap().to_owned();
    let body = page.text().await.unwrap();
    let csrf = body
        .split("name=\"_csrf\" type=\"hidden\" value=\"")
        .nth(1)
        .unwrap();
    let csrf = &csrf[..csrf.find('"').unwrap()];
    assert_eq!(xsrf, format!("XSRF-TOKEN={csrf}"));
    let form = [
        ("_csrf", csrf),
        ("username", "ada@example.com"),
        ("password", "correct-horse"),
    ];
    let without_cookie = http.post(&login).form(&form).send().await.unwrap();
    assert_eq!(
        without_cookie.headers()["location"],
        "/cognito/error?error=csrf"
    );
    let with_cookie = http
        .post(&login)
        .header("cookie", &xsrf)
        .form(&form)
        .send()
        .await
        .unwrap();
    let to = with_cookie.headers()["location"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        to.starts_with("http://localhost:3000/callback?code="),
        "{to}"
    );
    let code = to.split("code=").nth(1).unwrap().split('&').next().unwrap();
    let token = |verifier: &'static str| {
        http.post(format!("{}/cognito/oauth2/token", em.okta_url()))
            .form(&[
                ("grant_type", "authorization_code"),
                ("client_id", "demo-cognito"),
                ("code", code),
                ("redirect_uri", "http://localhost:3000/callback"),
                ("code_verifier", verifier),
            ])
    };
    let wrong = token("another-verifier-of-enough-length-0123456789-abcdef")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status().as_u16(), 400);
    assert_eq!(
        wrong.json::<Value>().await.unwrap()["error"],
        "invalid_grant"
    );
    // The code was used up by the refused attempt, as codes are one-time.
    let again = token("a-verifier-of-enough-length-0123456789-abcdefgh")
        .send()
        .await
        .unwrap();
    assert_eq!(again.status().as_u16(), 400);
}

#[tokio::test]
async fn an_expiring_cognito_token_is_refreshed_with_its_refresh_token() {
    let em = emulator().await;
    let fx = cognito(
        &em,
        "ada@example.com",
        "client_id: demo-cognito-secret\nclient_secret: demo-cognito-client-secret",
    );
    let fixtures = std::collections::BTreeMap::from([("user".to_owned(), fx)]);
    let clock = TestClock::default();
    let ids = gatecheck::auth::Identities::new(
        fixtures,
        client(),
        gatecheck::secret::mask::Masker::new(),
    )
    .with_clock(clock.clock());
    let first = ids.token("user").await.unwrap();
    let calls = em.counters().token;
    assert_eq!(calls, 2, "InitiateAuth and the password proof");
    // Just inside the renewal margin of the one-hour token.
    clock.advance(std::time::Duration::from_secs(3570));
    let second = ids.token("user").await.unwrap();
    assert_ne!(first.access_token, second.access_token);
    assert_eq!(
        em.counters().token,
        calls + 1,
        "one REFRESH_TOKEN_AUTH, not a new sign-in"
    );
    let claims = verify_pool_token(&em, &second.access_token).await;
    assert_eq!(claims["client_id"], "demo-cognito-secret");
    assert_eq!(
        second.refresh_token, first.refresh_token,
        "Cognito keeps the refresh token"
    );
}

#[tokio::test]
async fn the_pool_refuses_an_srp_a_that_would_need_no_password() {
    let em = emulator().await;
    // A = 0 or A = N makes the shared secret 0 whatever the password.
    let n = "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3BE39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF";
    for srp_a in ["0", n] {
        let body = serde_json::json!({
            "AuthFlow": "USER_SRP_AUTH",
            "ClientId": "demo-cognito",
            "AuthParameters": {"USERNAME": "ada@example.com", "SRP_A": srp_a},
        });
        let response = reqwest::Client::new()
            .post(format!("{}/", em.okta_url()))
            .header(
                "X-Amz-Target",
                "AWSCognitoIdentityProviderService.InitiateAuth",
            )
            .header("Content-Type", "application/x-amz-json-1.1")
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 400);
        let answer: Value = response.json().await.unwrap();
        assert_eq!(answer["__type"], "InvalidParameterException", "{answer}");
    }
}
