//! The other fixture kinds and the Identities registry against the emulator.

use crate::login_support;

use gatecheck::auth::{Fixture, Identities};
use gatecheck::secret::mask::Masker;
use login_support::*;
use std::collections::BTreeMap;
use std::sync::Arc;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_concurrent_callers_make_one_login() {
    let em = emulator().await;
    fifty_concurrent_callers(pkce(&em, "")).await;
    let c = em.counters();
    assert_eq!((c.authn, c.authorize, c.token), (1, 1, 1), "{c:?}");
}

#[tokio::test]
async fn a_failed_login_is_remembered() {
    let em = emulator().await;
    let fixtures = BTreeMap::from([("bad".to_owned(), pkce(&em, "password: nope-nope"))]);
    let masker = Masker::new();
    let ids = Identities::new(fixtures, client(), masker.clone());
    let a = ids.token("bad").await.unwrap_err();
    let b = ids.token("bad").await.unwrap_err();
    assert!(Arc::ptr_eq(&a, &b));
    assert_eq!(em.counters().authn, 1);
    assert_clean(&a.to_string(), &masker);
}

#[tokio::test]
async fn client_credentials_basic_and_post() {
    let em = emulator().await;
    for method in ["client_secret_basic", "client_secret_post"] {
        let fx = fixture(
            &em,
            &format!(
                "kind: client-credentials\nokta_url: OKTA\nclient_id: demo-service\n\
             client_secret: demo-service-secret\nauth_method: {method}\nscopes: todos.read"
            ),
        );
        let (token, _) = run(&fx).await;
        let claims = verify(
            &em,
            "default",
            &token.unwrap().access_token,
            Some("api://default"),
        )
        .await;
        assert_eq!(claims["cid"], "demo-service", "{method}");
    }
    let fx = fixture(
        &em,
        "kind: client-credentials\nokta_url: OKTA\nclient_id: demo-service\nclient_secret: wrong-secret\n",
    );
    let msg = failure(&fx).await;
    assert!(
        msg.starts_with("login as client `demo-service` failed: /token refused the request"),
        "{msg}"
    );
    assert!(msg.contains("invalid_client"), "{msg}");
}

#[tokio::test]
async fn password_grant_with_and_without_mfa() {
    let em = emulator().await;
    let base = "kind: password\nokta_url: OKTA\nclient_id: demo-cli\nclient_secret: demo-cli-secret\npassword: correct-horse\n";
    let (token, _) = run(&fixture(&em, &format!("{base}username: ada@example.com"))).await;
    let claims = verify(
        &em,
        "default",
        &token.unwrap().access_token,
        Some("api://default"),
    )
    .await;
    assert_eq!(claims["sub"], "ada@example.com");
    let msg = failure(&fixture(&em, &format!("{base}username: mfa@example.com"))).await;
    assert!(msg.contains("state mfa_required at POST"), "{msg}");
    assert!(msg.contains("set totp_secret"), "{msg}");
    let fx = fixture(
        &em,
        &format!("{base}username: mfa@example.com\ntotp_secret: JBSWY3DPEHPK3PXP"),
    );
    run(&fx).await.0.unwrap();
    let msg = failure(&fixture(
        &em,
        &format!("{base}username: ada@example.com").replace("correct-horse", "wrong"),
    ))
    .await;
    assert!(msg.contains("invalid_grant"), "{msg}");
    assert!(
        msg.contains("check the fixture's username / password"),
        "{msg}"
    );
}

#[tokio::test]
async fn refresh_token_kind_rotates() {
    let em = emulator().await;
    let (first, _) = run(&pkce(&em, "scopes: [openid, offline_access]")).await;
    let refresh = first
        .unwrap()
        .refresh_token
        .expect("offline_access gives a refresh token");
    let fx = fixture(
        &em,
        &format!(
            "kind: refresh-token\nokta_url: OKTA\nclient_id: demo-spa\nrefresh_token: {refresh}"
        ),
    );
    let (token, masker) = run(&fx).await;
    let token = token.unwrap();
    verify(&em, "default", &token.access_token, Some("api://default")).await;
    let next = token.refresh_token.clone().unwrap();
    assert!(masker.contains_secret(&next));
    let msg = failure(&fixture(
        &em,
        "kind: refresh-token\nokta_url: OKTA\nclient_id: demo-spa\nrefresh_token: not-a-token",
    ))
    .await;
    assert!(msg.contains("invalid_grant"), "{msg}");
}

#[tokio::test]
async fn static_token() {
    let fx: Fixture = serde_yaml::from_str("kind: static\naccess_token: abc.def.ghi").unwrap();
    let (token, masker) = run(&fx).await;
    assert_eq!(token.unwrap().access_token, "abc.def.ghi");
    assert!(masker.contains_secret("abc.def.ghi"));
}

#[tokio::test]
async fn an_expiring_token_is_refreshed_once() {
    let mut config = gatecheck_emulator::EmulatorConfig::builtin();
    config.access_token_lifetime_secs = 3600;
    let em = emulator_with(config).await;
    let fixtures = BTreeMap::from([(
        "user".to_owned(),
        pkce(&em, "scopes: [openid, offline_access]"),
    )]);
    let clock = TestClock::default();
    let ids = Identities::new(fixtures, client(), Masker::new()).with_clock(clock.clock());
    let first = ids.token("user").await.unwrap();
    assert!(Arc::ptr_eq(&first, &ids.token("user").await.unwrap()));
    // Just inside the renewal margin (60 s) of the one-hour token.
    clock.advance(std::time::Duration::from_secs(3570));
    let second = ids.token("user").await.unwrap();
    assert_ne!(first.access_token, second.access_token);
    assert!(Arc::ptr_eq(&second, &ids.token("user").await.unwrap()));
    let c = em.counters();
    assert_eq!(
        (c.authn, c.authorize, c.token),
        (1, 1, 2),
        "refreshed, not logged in again: {c:?}"
    );
}
