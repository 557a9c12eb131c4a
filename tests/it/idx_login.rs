//! okta-idx (Identity Engine's interaction code flow) against the built-in
//! emulator: every policy it plays end to end, and each way a sign-in can
//! stop, with the message a user would read (and no secret in it).

use crate::login_support;

use gatecheck::auth::{Fixture, LoginErrorKind};
use gatecheck_emulator::Emulator;
use login_support::*;

/// The okta-idx fixture of `username` with demo-spa, plus `extra` lines (later keys win).
fn idx(em: &Emulator, username: &str, extra: &str) -> Fixture {
    let mut base: serde_yaml::Mapping = serde_yaml::from_str(&format!(
        "kind: okta-idx\nokta_url: OKTA\nclient_id: demo-spa\n\
         redirect_uri: http://localhost:3000/callback\n\
         username: {username}\npassword: correct-horse\n"
    ))
    .unwrap();
    if !extra.trim().is_empty() {
        let extra: serde_yaml::Mapping = serde_yaml::from_str(extra).unwrap();
        base.extend(extra);
    }
    fixture(em, &serde_yaml::to_string(&base).unwrap())
}

const TOTP: &str = "totp_secret: JBSWY3DPEHPK3PXP";

/// Logs in, checks the token against the JWKS and returns its claims.
async fn token_claims(em: &Emulator, fx: &Fixture) -> serde_json::Value {
    let (token, masker) = run(fx).await;
    let token = token.expect("login succeeds");
    assert!(masker.contains_secret(&token.access_token));
    for secret in em.issued_secrets() {
        assert!(
            masker.contains_secret(&secret),
            "not masked: a secret the emulator issued"
        );
    }
    verify(em, "default", &token.access_token, Some("api://default")).await
}

#[tokio::test]
async fn password_only_user_in_one_identify() {
    let em = emulator().await;
    let claims = token_claims(&em, &idx(&em, "ada@example.com", "")).await;
    assert_eq!(claims["sub"], "ada@example.com");
    assert_eq!(claims["cid"], "demo-spa");
    let c = em.counters();
    // interact, introspect + identify, token; no Classic endpoint.
    assert_eq!((c.interact, c.idx, c.token), (1, 2, 1), "{c:?}");
    assert_eq!((c.authn, c.authorize), (0, 0), "{c:?}");
}

#[tokio::test]
async fn password_and_google_authenticator() {
    let em = emulator().await;
    let claims = token_claims(&em, &idx(&em, "mfa@example.com", TOTP)).await;
    assert_eq!(claims["sub"], "mfa@example.com");
    assert_eq!(
        em.counters().idx,
        3,
        "introspect, identify, challenge/answer"
    );
}

#[tokio::test]
async fn password_and_okta_verify_totp() {
    let em = emulator().await;
    let claims = token_claims(&em, &idx(&em, "verify@example.com", TOTP)).await;
    assert_eq!(claims["sub"], "verify@example.com");
}

#[tokio::test]
async fn a_choice_of_authenticators_picks_the_totp_one() {
    let em = emulator().await;
    let claims = token_claims(&em, &idx(&em, "choice@example.com", TOTP)).await;
    assert_eq!(claims["sub"], "choice@example.com");
    assert_eq!(
        em.counters().idx,
        4,
        "introspect, identify, challenge, answer"
    );
}

#[tokio::test]
async fn identifier_first_policy_sends_the_password_next() {
    let em = emulator().await;
    let fx = idx(&em, "ada@example.com", "client_id: demo-idx-first");
    let claims = token_claims(&em, &fx).await;
    assert_eq!(claims["cid"], "demo-idx-first");
    assert_eq!(
        em.counters().idx,
        3,
        "introspect, identify, challenge/answer"
    );
}

#[tokio::test]
async fn optional_enrollment_and_password_warning_are_skipped() {
    for user in ["enroll@example.com", "warn@example.com"] {
        let em = emulator().await;
        let claims = token_claims(&em, &idx(&em, user, "")).await;
        assert_eq!(claims["sub"], user);
    }
}

#[tokio::test]
async fn confidential_client_and_org_server() {
    let em = emulator().await;
    let fx = idx(
        &em,
        "ada@example.com",
        "client_id: demo-web\nclient_secret: demo-web-secret",
    );
    assert_eq!(token_claims(&em, &fx).await["cid"], "demo-web");
    let (token, _) = run(&idx(&em, "ada@example.com", "auth_server: org")).await;
    let claims = verify(&em, "org", &token.unwrap().access_token, None).await;
    assert_eq!(claims["iss"], em.issuer("org"));
}

#[tokio::test]
async fn an_app_whose_policy_rejects_the_session_token_still_signs_in() {
    let em = emulator().await;
    let classic = failure(&pkce(&em, "client_id: demo-reauth")).await;
    assert!(classic.contains("session token rejected"), "{classic}");
    let fx = idx(&em, "ada@example.com", "client_id: demo-reauth");
    let (token, _) = run(&fx).await;
    assert!(token.is_ok(), "{token:?}");
}

/// The message of a login that must fail, checked for its kind.
async fn stopped(fx: &Fixture, kind: LoginErrorKind) -> String {
    let (result, _) = run(fx).await;
    assert_eq!(result.as_ref().unwrap_err().kind(), kind, "{result:?}");
    failure(fx).await
}

#[tokio::test]
async fn totp_asked_without_a_secret() {
    let em = emulator().await;
    let msg = stopped(&idx(&em, "mfa@example.com", ""), LoginErrorKind::UserState).await;
    assert!(msg.starts_with("login as `mfa@example.com` failed: Okta Identity Engine stopped the sign-in at POST http://127.0.0.1:"), "{msg}");
    assert!(msg.contains("/idp/idx/identify: the app's policy asks for a code from Google Authenticator (google_otp) but the fixture has no totp_secret; set totp_secret (OKTA_TOTP_SECRET)"), "{msg}");
}

#[tokio::test]
async fn wrong_totp_secret() {
    let em = emulator().await;
    let fx = idx(&em, "mfa@example.com", "totp_secret: GEZDGNBVGY3TQOJQ");
    let msg = stopped(&fx, LoginErrorKind::UserState).await;
    assert!(msg.contains("/idp/idx/challenge/answer: the Google Authenticator code was rejected: Okta said \"Invalid code. Try again.\" (api.authn.error.PASSCODE_INVALID, on credentials.passcode); check that totp_secret (OKTA_TOTP_SECRET) is the secret"), "{msg}");
    assert!(!msg.contains("GEZDGNBVGY3TQOJQ"), "{msg}");
}

#[tokio::test]
async fn authenticators_a_headless_login_cannot_answer() {
    let em = emulator().await;
    let msg = stopped(
        &idx(&em, "email-mfa@example.com", TOTP),
        LoginErrorKind::UserState,
    )
    .await;
    assert!(msg.contains("the app's policy asks for Email (okta_email): a code or link sent by email, which a headless login cannot answer; give the test user password + TOTP in the app's authentication policy"), "{msg}");
    let msg = stopped(
        &idx(&em, "push-mfa@example.com", ""),
        LoginErrorKind::UserState,
    )
    .await;
    assert!(msg.contains("the app's policy asks for Okta Verify (okta_verify): an Okta Verify push or FastPass on a device, which a headless login cannot answer"), "{msg}");
    let msg = stopped(
        &idx(&em, "choice@example.com", ""),
        LoginErrorKind::UserState,
    )
    .await;
    assert!(msg.contains("asks for one of: Email (okta_email), Google Authenticator (google_otp); none of them can be answered headlessly (the fixture has no totp_secret)"), "{msg}");
}

#[tokio::test]
async fn required_enrollment() {
    let em = emulator().await;
    let fx = idx(&em, "enroll-required@example.com", "");
    let msg = stopped(&fx, LoginErrorKind::UserState).await;
    assert!(msg.contains("Okta requires the test user to enroll an authenticator first (offered: Google Authenticator (google_otp), Okta Verify (okta_verify)); enroll it for the test user beforehand"), "{msg}");
}

#[tokio::test]
async fn locked_account() {
    let em = emulator().await;
    let msg = stopped(
        &idx(&em, "locked@example.com", ""),
        LoginErrorKind::UserState,
    )
    .await;
    assert!(msg.contains("the test user is locked out: Okta said \"Your account is locked. Please contact your administrator.\" (errors.E0000119); unlock it in the Admin Console"), "{msg}");
}

#[tokio::test]
async fn expired_password() {
    let em = emulator().await;
    let msg = stopped(
        &idx(&em, "expired@example.com", ""),
        LoginErrorKind::UserState,
    )
    .await;
    assert!(msg.contains("the test user's password expired and Okta asks for a new one (offered: reenroll-authenticator; authenticator: Password (okta_password)); set a new password for the test user"), "{msg}");
}

#[tokio::test]
async fn unknown_user_and_wrong_password() {
    let em = emulator().await;
    let msg = stopped(
        &idx(&em, "nobody@example.com", ""),
        LoginErrorKind::Credentials,
    )
    .await;
    assert!(msg.contains("the username or password was rejected: Okta said \"Authentication failed\" (errors.E0000004); check the fixture's username and password (OKTA_USERNAME / OKTA_PASSWORD)"), "{msg}");
    let fx = idx(&em, "ada@example.com", "password: wrong-horse");
    let msg = stopped(&fx, LoginErrorKind::Credentials).await;
    assert!(msg.contains("(errors.E0000004)"), "{msg}");
    assert!(!msg.contains("wrong-horse"), "{msg}");
    let first = "client_id: demo-idx-first";
    let msg = stopped(
        &idx(&em, "nobody@example.com", first),
        LoginErrorKind::Credentials,
    )
    .await;
    assert!(msg.contains("Okta has no user `nobody@example.com`: Okta said \"There is no account with the Username nobody@example.com.\" (idx.unknown.user); check the fixture's username (OKTA_USERNAME)"), "{msg}");
    let fx = idx(
        &em,
        "ada@example.com",
        &format!("{first}\npassword: wrong-horse"),
    );
    let msg = stopped(&fx, LoginErrorKind::Credentials).await;
    assert!(msg.contains("/idp/idx/challenge/answer: the password was rejected: Okta said \"Password is incorrect\" (incorrectPassword); check the fixture's password (OKTA_PASSWORD)"), "{msg}");
}

#[tokio::test]
async fn access_denied_to_the_app() {
    let em = emulator().await;
    let fx = idx(&em, "unassigned@example.com", "");
    let msg = stopped(&fx, LoginErrorKind::Authorize).await;
    assert!(msg.contains("access to the app was denied: Okta said \"User is not assigned to this application.\" (idx.error.user.not.assigned.to.app); assign the test user (or one of its groups) to the app"), "{msg}");
}

#[tokio::test]
async fn an_app_without_the_interaction_code_grant() {
    let em = emulator().await;
    let fx = idx(
        &em,
        "ada@example.com",
        "client_id: demo-cli\nclient_secret: demo-cli-secret",
    );
    let msg = stopped(&fx, LoginErrorKind::Authorize).await;
    assert!(
        msg.contains("/oauth2/default/v1/interact: unauthorized_client ("),
        "{msg}"
    );
    assert!(
        msg.contains("enable the Interaction Code grant for the app"),
        "{msg}"
    );
}

#[tokio::test]
async fn a_classic_engine_org_is_recognised() {
    // An authorization server without /v1/interact answers 404.
    let em = emulator().await;
    let msg = failure(&idx(&em, "ada@example.com", "auth_server: nope")).await;
    assert!(msg.contains("Okta answered 404: no /v1/interact here; check auth_server (OKTA_AUTH_SERVER) `nope`, and whether the org runs Identity Engine"), "{msg}");
}
