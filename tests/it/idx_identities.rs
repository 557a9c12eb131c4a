//! okta-idx under the identity registry and the real binary: one login per
//! identity, renewal by refresh token, the token cache across runs, and no
//! IDX secret (stateHandle, interaction handle and code, verifier) in any output.

use crate::{common, login_support};

use common::{Okta, Project};
use gatecheck::auth::{Fixture, Identities};
use gatecheck::secret::mask::Masker;
use gatecheck_emulator::Emulator;
use login_support::*;
use std::collections::BTreeMap;

fn idx(em: &Emulator, extra: &str) -> Fixture {
    fixture(
        em,
        &format!(
            "kind: okta-idx\nokta_url: OKTA\nclient_id: demo-spa\n\
             redirect_uri: http://localhost:3000/callback\n\
             username: mfa@example.com\npassword: correct-horse\n\
             totp_secret: JBSWY3DPEHPK3PXP\n{extra}"
        ),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_concurrent_callers_make_one_idx_login() {
    let em = emulator().await;
    fifty_concurrent_callers(idx(&em, "")).await;
    let c = em.counters();
    assert_eq!((c.interact, c.idx, c.token), (1, 3, 1), "{c:?}");
}

#[tokio::test]
async fn an_expiring_idx_token_is_refreshed_not_logged_in_again() {
    let em = emulator().await;
    let fixtures = BTreeMap::from([(
        "user".to_owned(),
        idx(&em, "scopes: [openid, offline_access]"),
    )]);
    let clock = TestClock::default();
    let ids = Identities::new(fixtures, client(), Masker::new()).with_clock(clock.clock());
    let first = ids.token("user").await.unwrap();
    assert!(first.refresh_token.is_some());
    // Just inside the renewal margin (60 s) of the one-hour token.
    clock.advance(std::time::Duration::from_secs(3570));
    let second = ids.token("user").await.unwrap();
    assert_ne!(first.access_token, second.access_token);
    let c = em.counters();
    assert_eq!((c.interact, c.token), (1, 2), "refreshed: {c:?}");
}

fn project() -> Project {
    let p = Project::new("idx");
    p.file(
        "fixtures/user.yaml",
        "kind: okta-idx\nokta_url: ${OKTA_URL}\nclient_id: demo-spa\n\
         redirect_uri: http://localhost:3000/callback\nusername: mfa@example.com\n\
         password: correct-horse\ntotp_secret: JBSWY3DPEHPK3PXP\n",
    );
    p.file(
        "suites/gatecheck.yaml",
        "base_url: ${API_URL}\nauth: user\n",
    );
    p.file(
        "suites/s.yaml",
        "tests:\n  - {name: mine, request: {url: /api/todos}, expect: {status: 200, snapshot: false}}\n  - {name: again, request: {url: /api/todos}, expect: {status: 200, snapshot: false}}\n",
    );
    p
}

#[test]
fn the_binary_logs_in_once_caches_the_token_and_prints_no_idx_secret() {
    let okta = Okta::start();
    let p = project();
    let cache_dir = p.path("cache-home");
    let cache = [
        ("GATECHECK_TOKEN_CACHE", "on"),
        ("GATECHECK_CACHE_DIR", cache_dir.to_str().unwrap()),
    ];
    let first = okta.run(&p, &["-v", "--test-threads", "2"], &cache);
    assert_eq!(first.code, 0, "{}", first.normalized(&p));
    let c = okta.emulator.counters();
    assert_eq!(
        (c.interact, c.token),
        (1, 1),
        "one login for two tests: {c:?}"
    );
    let issued = okta.emulator.issued_secrets();
    assert!(
        issued.len() >= 4,
        "handles, code, verifier, tokens: {issued:?}"
    );
    for secret in issued {
        assert!(!first.stdout.contains(&secret) && !first.stderr.contains(&secret));
    }
    let second = okta.run(&p, &[], &cache);
    assert_eq!(second.code, 0, "{}", second.normalized(&p));
    let c = okta.emulator.counters();
    assert_eq!((c.interact, c.token), (1, 1), "the cached token: {c:?}");
}

#[test]
fn a_failed_idx_login_fails_its_tests_with_the_message() {
    let okta = Okta::start();
    let p = project();
    p.file(
        "fixtures/user.yaml",
        "kind: okta-idx\nokta_url: ${OKTA_URL}\nclient_id: demo-spa\n\
         redirect_uri: http://localhost:3000/callback\nusername: email-mfa@example.com\n\
         password: correct-horse\n",
    );
    let out = okta.run(&p, &[], &[]);
    assert_eq!(out.code, 1, "{}", out.normalized(&p));
    assert!(
        out.stdout.contains(
            "the app's policy asks for Email (okta_email): a code or link sent by email, which a headless login cannot answer"
        ),
        "{}",
        out.normalized(&p)
    );
    assert!(!out.stdout.contains("correct-horse"));
}
