//! okta-pkce against the built-in emulator: the happy paths and every failure
//! a user can meet, each with the message they would read (and no secret).

use crate::login_support;

use gatecheck::auth::LoginErrorKind;
use gatecheck_emulator::{CounterSnapshot, EmulatorConfig, LimitedEndpoint, RateLimitConfig};
use login_support::*;

#[tokio::test]
async fn happy_path_one_call_each_and_a_valid_token() {
    let em = emulator().await;
    let fx = pkce(&em, "");
    let (token, masker) = run(&fx).await;
    let token = token.unwrap();
    let claims = verify(&em, "default", &token.access_token, Some("api://default")).await;
    assert_eq!(claims["sub"], "ada@example.com");
    assert_eq!(claims["cid"], "demo-spa");
    assert_eq!(token.token_type, "Bearer");
    assert!(token.expires_at.is_some() && token.id_token.is_some());
    assert!(masker.contains_secret(&token.access_token));
    let c = em.counters();
    assert_eq!((c.authn, c.authorize, c.token), (1, 1, 1), "{c:?}");
}

#[tokio::test]
async fn org_server() {
    let em = emulator().await;
    let (token, _) = run(&pkce(&em, "auth_server: org")).await;
    let token = token.unwrap();
    let claims = verify(&em, "org", &token.access_token, None).await;
    assert_eq!(claims["iss"], em.issuer("org"));
}

#[tokio::test]
async fn confidential_client_with_secret() {
    let em = emulator().await;
    let fx = pkce(&em, "client_id: demo-web\nclient_secret: demo-web-secret");
    let (token, _) = run(&fx).await;
    let claims = verify(
        &em,
        "default",
        &token.unwrap().access_token,
        Some("api://default"),
    )
    .await;
    assert_eq!(claims["cid"], "demo-web");
}

#[tokio::test]
async fn wrong_client_secret_is_invalid_client() {
    let em = emulator().await;
    let msg = failure(&pkce(
        &em,
        "client_id: demo-web\nclient_secret: not-the-secret",
    ))
    .await;
    assert!(msg.starts_with("login as `ada@example.com` failed: /token refused the request at POST http://127.0.0.1:"), "{msg}");
    assert!(
        msg.contains("/oauth2/default/v1/token: invalid_client (Client authentication failed."),
        "{msg}"
    );
    assert!(
        msg.contains("check client_secret (OKTA_CLIENT_SECRET)"),
        "{msg}"
    );
    assert!(!msg.contains("not-the-secret"), "{msg}");
}

#[tokio::test]
async fn confidential_client_without_secret_is_told_to_set_one() {
    let em = emulator().await;
    let msg = failure(&pkce(&em, "client_id: demo-web")).await;
    assert!(msg.contains("invalid_client"), "{msg}");
    assert!(
        msg.contains("set client_secret (OKTA_CLIENT_SECRET)"),
        "{msg}"
    );
}

#[tokio::test]
async fn bad_password() {
    let em = emulator().await;
    let msg = failure(&pkce(&em, "password: wrong-horse")).await;
    let want = format!(
        "login as `ada@example.com` failed: Okta rejected the username or password (E0000004 \
         Authentication failed) at POST {}/api/v1/authn; check the fixture's username / password \
         (OKTA_USERNAME / OKTA_PASSWORD), and that the user is active and not locked out",
        em.okta_url()
    );
    assert_eq!(msg, want);
    assert!(!msg.contains("wrong-horse"));
}

#[tokio::test]
async fn password_warn_is_skipped() {
    let em = emulator().await;
    let (token, _) = run(&pkce(&em, "username: warn@example.com")).await;
    token.unwrap();
}

#[tokio::test]
async fn password_expired() {
    let em = emulator().await;
    let msg = failure(&pkce(&em, "username: expired@example.com")).await;
    assert!(msg.starts_with(&format!(
        "login as `expired@example.com` failed: Okta put the test user in state PASSWORD_EXPIRED at POST {}/api/v1/authn: the password expired; set a new password",
        em.okta_url()
    )), "{msg}");
}

#[tokio::test]
async fn locked_out() {
    let em = emulator().await;
    let msg = failure(&pkce(&em, "username: locked@example.com")).await;
    assert!(msg.contains("state LOCKED_OUT at POST"), "{msg}");
    assert!(msg.contains("unlock it in the Admin Console"), "{msg}");
}

#[tokio::test]
async fn mfa_required_without_secret() {
    let em = emulator().await;
    let msg = failure(&pkce(&em, "username: mfa@example.com")).await;
    assert!(msg.contains("state MFA_REQUIRED at POST"), "{msg}");
    assert!(
        msg.contains("the test user must not require MFA, or set totp_secret (OKTA_TOTP_SECRET)"),
        "{msg}"
    );
}

#[tokio::test]
async fn mfa_required_with_totp_secret() {
    let em = emulator().await;
    let fx = pkce(
        &em,
        "username: mfa@example.com\ntotp_secret: JBSWY3DPEHPK3PXP",
    );
    let (token, _) = run(&fx).await;
    let claims = verify(
        &em,
        "default",
        &token.unwrap().access_token,
        Some("api://default"),
    )
    .await;
    assert_eq!(claims["sub"], "mfa@example.com");
    assert_eq!(em.counters().factor_verify, 1);
}

#[tokio::test]
async fn mfa_required_with_wrong_totp_secret() {
    let em = emulator().await;
    let fx = pkce(
        &em,
        "username: mfa@example.com\ntotp_secret: GEZDGNBVGY3TQOJQ",
    );
    let msg = failure(&fx).await;
    assert!(msg.contains("E0000068"), "{msg}");
    assert!(
        msg.contains("check that totp_secret (OKTA_TOTP_SECRET)"),
        "{msg}"
    );
    assert!(!msg.contains("GEZDGNBVGY3TQOJQ"), "{msg}");
}

#[tokio::test]
async fn mfa_enroll_with_and_without_skip() {
    let em = emulator().await;
    run(&pkce(&em, "username: enroll@example.com"))
        .await
        .0
        .unwrap();
    let msg = failure(&pkce(&em, "username: enroll-required@example.com")).await;
    assert!(msg.contains("state MFA_ENROLL at POST"), "{msg}");
    assert!(msg.contains("make enrollment optional"), "{msg}");
}

#[tokio::test]
async fn unassigned_user_is_access_denied() {
    let em = emulator().await;
    let msg = failure(&pkce(&em, "username: unassigned@example.com")).await;
    assert!(msg.starts_with(&format!(
        "login as `unassigned@example.com` failed: /authorize refused the login at GET {}/oauth2/default/v1/authorize: access_denied (User is not assigned to the client application.); assign the test user",
        em.okta_url()
    )), "{msg}");
}

#[tokio::test]
async fn unregistered_redirect_uri_and_unknown_client() {
    let em = emulator().await;
    let msg = failure(&pkce(&em, "redirect_uri: http://localhost:3000/callback/")).await;
    assert!(
        msg.contains("Okta refused the authorization request at GET"),
        "{msg}"
    );
    assert!(msg.contains("with a 400 page"), "{msg}");
    assert!(msg.contains("add the redirect_uri `http://localhost:3000/callback/` to the app's Sign-in redirect URIs (exact match"), "{msg}");
    let msg = failure(&pkce(&em, "client_id: no-such-app")).await;
    assert!(
        msg.contains("check that client_id `no-such-app` exists"),
        "{msg}"
    );
}

#[tokio::test]
async fn reauthenticate_policy_rejects_the_session_token() {
    let em = emulator().await;
    let fx = pkce(&em, "client_id: demo-reauth");
    let (result, _) = run(&fx).await;
    assert_eq!(
        result.as_ref().unwrap_err().kind(),
        LoginErrorKind::Authorize
    );
    let msg = failure(&fx).await;
    assert!(
        msg.contains("failed: session token rejected at GET"),
        "{msg}"
    );
    assert!(msg.contains("sign-on policy"), "{msg}");
}

#[tokio::test]
async fn unknown_authorization_server() {
    let em = emulator().await;
    let msg = failure(&pkce(&em, "auth_server: nope")).await;
    assert!(
        msg.contains("check auth_server (OKTA_AUTH_SERVER): `nope`"),
        "{msg}"
    );
}

#[tokio::test]
async fn unknown_scope() {
    let em = emulator().await;
    let msg = failure(&pkce(&em, "scopes: [openid, launch.rockets]")).await;
    assert!(msg.contains("invalid_scope"), "{msg}");
}

fn rate_limited(window_secs: u64) -> EmulatorConfig {
    let mut config = EmulatorConfig::builtin();
    config.rate_limit = Some(RateLimitConfig {
        endpoints: vec![LimitedEndpoint::Authn],
        limit: 1,
        window_secs,
    });
    config
}

#[tokio::test]
async fn rate_limit_with_a_short_window_waits_and_succeeds() {
    let em = emulator_with(rate_limited(2)).await;
    let fx = pkce(&em, "");
    // Windows are aligned to the clock: a few logins make one hit the limit.
    for logins in 1..=3u64 {
        run(&fx).await.0.unwrap();
        if em.counters().authn > logins {
            return;
        }
    }
    panic!("no 429 seen: {:?}", em.counters());
}

#[tokio::test]
async fn rate_limit_with_a_long_window_fails_clearly() {
    let em = emulator_with(rate_limited(86_400)).await;
    let fx = pkce(&em, "");
    run(&fx).await.0.unwrap();
    let (result, _) = run(&fx).await;
    let err = result.unwrap_err();
    assert_eq!(err.kind(), LoginErrorKind::RateLimited);
    let msg = err.to_string();
    assert!(
        msg.contains("Okta's rate limit was exceeded at POST"),
        "{msg}"
    );
    assert!(
        msg.contains("(429 E0000047 API call exceeded rate limit due to too many requests.); the limit resets in "),
        "{msg}"
    );
    assert!(msg.contains("more than the 10 s gatecheck waits"), "{msg}");
}

#[tokio::test]
async fn unreachable_okta_names_url_and_cause() {
    let em = emulator().await;
    let dead = pkce(&em, "okta_url: http://127.0.0.1:9");
    let msg = failure(&dead).await;
    assert!(msg.starts_with("login as `ada@example.com` failed: could not reach POST http://127.0.0.1:9/api/v1/authn: client error (Connect)"), "{msg}");
    assert!(msg.to_lowercase().contains("refused"), "{msg}");
    assert_eq!(em.counters(), CounterSnapshot::default());
}

#[tokio::test]
async fn silent_server_times_out() {
    let em = emulator().await;
    // Accepts connections (the kernel's backlog) but never answers.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", silent.local_addr().unwrap());
    let fx = pkce(&em, &format!("okta_url: {url}"));
    let masker = gatecheck::secret::mask::Masker::new();
    let client = gatecheck::auth::LoginClient::new(std::time::Duration::from_millis(300));
    let err = gatecheck::auth::login(&fx, &client, &masker)
        .await
        .unwrap_err();
    let msg = err.to_string();
    assert_eq!(err.kind(), LoginErrorKind::Network);
    assert!(
        msg.starts_with(&format!(
            "login as `ada@example.com` failed: no answer from POST {url}/api/v1/authn within 300ms"
        )),
        "{msg}"
    );
}
