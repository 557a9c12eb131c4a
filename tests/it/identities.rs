//! Identities: the authorization matrix, the token cache across runs, and
//! `gatecheck token`, end to end against an emulator this test starts.

use crate::common;

use common::{Okta, Project};

fn project(name: &str) -> Project {
    let p = Project::new(name);
    for (id, user, pass) in [
        ("user", "ada@example.com", "correct-horse"),
        ("admin", "grace@example.com", "analytical-engine"),
    ] {
        p.file(
            &format!("fixtures/{id}.yaml"),
            &format!(
                "kind: okta-pkce\nokta_url: ${{OKTA_URL}}\nclient_id: demo-spa\n\
                 redirect_uri: http://localhost:3000/callback\nusername: {user}\npassword: {pass}\n"
            ),
        );
    }
    p.file(
        "suites/gatecheck.yaml",
        "base_url: ${API_URL}\nauth: user\n",
    );
    p
}

fn run(p: &Project, okta: &Okta, args: &[&str], extra: &[(&str, &str)]) -> common::Run {
    okta.run(p, args, extra)
}

#[test]
fn the_matrix_runs_once_per_identity_with_snapshots_per_identity() {
    let okta = Okta::start();
    let p = project("matrix");
    p.file(
        "suites/admin.yaml",
        r#"
tests:
  - name: report
    request: {url: /api/admin/report}
    expect:
      status: {admin: 200, user: 403, none: 401}
"#,
    );
    let list = run(&p, &okta, &["--list"], &[]);
    assert_eq!(
        list.stdout,
        "admin::report[admin]: test\nadmin::report[user]: test\nadmin::report[none]: test\n"
    );
    let out = run(
        &p,
        &okta,
        &["--test-threads", "1"],
        &[("INSTA_UPDATE", "always")],
    );
    assert_eq!(out.code, 0, "{}", out.normalized(&p));
    let snaps: Vec<String> = p
        .files()
        .into_iter()
        .filter(|f| f.contains("snapshots/"))
        .collect();
    assert_eq!(
        snaps,
        vec![
            "suites/snapshots/admin__report__admin.snap",
            "suites/snapshots/admin__report__none.snap",
            "suites/snapshots/admin__report__user.snap",
        ]
    );
}

#[test]
fn a_wrong_matrix_identity_is_a_load_error_with_did_you_mean() {
    let okta = Okta::start();
    let p = project("matrix-typo");
    p.file(
        "suites/admin.yaml",
        "tests:\n  - name: report\n    request: {url: /api/admin/report}\n    expect:\n      status: {admim: 200, user: 403}\n",
    );
    let out = run(&p, &okta, &[], &[]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("suites/admin.yaml:5:16: tests[0].expect.status.admim: unknown identity `admim` (did you mean `admin`?)"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_second_run_reuses_cached_tokens_and_fresh_login_bypasses_them() {
    let okta = Okta::start();
    let p = project("cache");
    p.file(
        "suites/s.yaml",
        "tests:\n  - {name: mine, request: {url: /api/todos}, expect: {snapshot: false}}\n  - {name: admin, auth: admin, request: {url: /api/admin/report}, expect: {snapshot: false}}\n",
    );
    let cache_dir = p.path("cache-home");
    let cache_dir = cache_dir.to_str().unwrap();
    let cache = [
        ("GATECHECK_TOKEN_CACHE", "on"),
        ("GATECHECK_CACHE_DIR", cache_dir),
    ];
    let first = run(&p, &okta, &[], &cache);
    assert_eq!(first.code, 0, "{}", first.normalized(&p));
    assert_eq!(okta.emulator.counters().token, 2);
    let second = run(&p, &okta, &[], &cache);
    assert_eq!(second.code, 0, "{}", second.normalized(&p));
    let c = okta.emulator.counters();
    assert_eq!(
        (c.authn, c.authorize, c.token),
        (2, 2, 2),
        "no login on the second run: {c:?}"
    );
    let fresh = run(&p, &okta, &["--fresh-login"], &cache);
    assert_eq!(fresh.code, 0);
    assert_eq!(okta.emulator.counters().token, 4);
    #[cfg(unix)]
    for file in std::fs::read_dir(cache_dir).unwrap().flatten() {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(file.metadata().unwrap().permissions().mode() & 0o777, 0o600);
    }
    // In CI the cache is off unless asked.
    let ci = run(
        &p,
        &okta,
        &[],
        &[
            ("CI", "true"),
            ("GATECHECK_TOKEN_CACHE", ""),
            ("GATECHECK_CACHE_DIR", cache_dir),
        ],
    );
    assert_eq!(ci.code, 0);
    assert_eq!(okta.emulator.counters().token, 6);
}

#[test]
fn token_prints_an_access_token_and_its_claims() {
    let okta = Okta::start();
    let p = project("token");
    p.file(
        "suites/s.yaml",
        "tests:\n  - {name: x, request: {url: /api/health}}\n",
    );
    let out = run(&p, &okta, &["token", "admin"], &[("CI", "true")]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let token = out.stdout.trim();
    assert_eq!(token.split('.').count(), 3, "a JWT: {token}");
    let decoded = run(&p, &okta, &["token", "--decode"], &[("CI", "true")]);
    assert_eq!(decoded.code, 0, "{}", decoded.stderr);
    let json: serde_json::Value = serde_json::from_str(&decoded.stdout).unwrap();
    assert_eq!(
        json["claims"]["sub"], "ada@example.com",
        "default identity is `auth` of gatecheck.yaml"
    );
    assert_eq!(json["claims"]["aud"], "api://default");
    let unknown = run(&p, &okta, &["token", "admn"], &[]);
    assert_eq!(unknown.code, 2);
    assert!(
        unknown
            .stderr
            .contains("unknown identity `admn` (did you mean `admin`?)"),
        "{}",
        unknown.stderr
    );
}

#[test]
fn oauth2_pkce_with_issuer_demo_logs_into_the_builtin_generic_server() {
    let p = Project::new("generic-demo");
    p.file(
        "fixtures/generic.yaml",
        "kind: oauth2-pkce\nissuer: demo\nclient_id: demo-spa\nredirect_uri: http://localhost:3000/callback\n",
    );
    p.file(
        "suites/s.yaml",
        "base_url: demo\ntests:\n  - {name: x, request: {url: /api/health}}\n",
    );
    let out = p.run(&["token", "generic", "--decode"], &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let iss = json["claims"]["iss"].as_str().unwrap();
    assert!(
        iss.starts_with("http://127.0.0.1:") && iss.ends_with("/generic"),
        "{iss}"
    );
    assert_eq!(json["claims"]["sub"], "ada@example.com");
}

#[test]
fn a_suite_can_declare_the_identities_it_runs_with() {
    let okta = Okta::start();
    let p = project("suite-identities");
    p.file(
        "suites/me.yaml",
        r#"
identities: [user, admin]
tests:
  - name: me
    request: {url: /api/me}
    expect: {json: {$.sub: {matches: "@example.com$"}}, snapshot: false}
  - name: health
    auth: none
    request: {url: /api/health}
    expect: {snapshot: false}
"#,
    );
    let list = run(&p, &okta, &["--list"], &[]);
    assert_eq!(
        list.stdout,
        "me::me[user]: test\nme::me[admin]: test\nme::health: test\n"
    );
    let out = run(&p, &okta, &[], &[]);
    assert_eq!(out.code, 0, "{}", out.normalized(&p));
    assert_eq!(okta.emulator.counters().token, 2);
}

#[test]
fn shards_log_in_only_for_the_identities_they_run() {
    let okta = Okta::start();
    let p = project("shard-logins");
    p.file(
        "suites/s.yaml",
        "tests:\n  - {name: anonymous, auth: none, request: {url: /api/health}, expect: {snapshot: false}}\n  - {name: mine, request: {url: /api/todos}, expect: {snapshot: false}}\n",
    );
    // count:1/2 runs the first trial only (anonymous), count:2/2 the second.
    let first = run(&p, &okta, &["--partition", "count:1/2"], &[]);
    assert_eq!(first.code, 0, "{}", first.normalized(&p));
    assert_eq!(
        okta.emulator.counters().authn,
        0,
        "no login in a shard without authenticated tests"
    );
    let second = run(&p, &okta, &["--partition", "count:2/2"], &[]);
    assert_eq!(second.code, 0, "{}", second.normalized(&p));
    assert_eq!(okta.emulator.counters().authn, 1);
}

#[test]
fn auth_beside_a_matrix_is_a_load_error() {
    let p = project("matrix-auth");
    p.file(
        "suites/m.yaml",
        "tests:\n  - name: r\n    auth: admin\n    request: {url: /api/admin/report}\n    expect: {status: {admin: 200}}\n",
    );
    let out = p.run(
        &["validate"],
        &[
            ("OKTA_URL", "http://127.0.0.1:1"),
            ("API_URL", "http://127.0.0.1:1"),
        ],
    );
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("tests[0].auth: this test's authorization matrix names its identities"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_401_with_a_cached_token_suggests_fresh_login() {
    use gatecheck::auth::Token;
    use gatecheck::auth::cache::TokenCache;
    let okta = Okta::start();
    let p = project("revoked");
    p.file(
        "suites/s.yaml",
        "tests:\n  - {name: mine, request: {url: /api/todos}, expect: {snapshot: false}}\n",
    );
    // A cached token the API does not accept (as after a revocation).
    let fixture = format!(
        "kind: okta-pkce\nokta_url: {}\nclient_id: demo-spa\nredirect_uri: http://localhost:3000/callback\n\
         username: ada@example.com\npassword: correct-horse\n",
        okta.emulator.okta_url()
    );
    let fixture: gatecheck::auth::Fixture = serde_yaml::from_str(&fixture).unwrap();
    let cache_dir = p.path("cache-home");
    let revoked = Token {
        access_token: "revoked.token.value".into(),
        token_type: "Bearer".into(),
        expires_at: Some(std::time::SystemTime::now() + std::time::Duration::from_secs(3600)),
        refresh_token: None,
        id_token: None,
        scope: None,
        dpop: None,
    };
    TokenCache::at(&cache_dir)
        .store(&fixture.cache_key().unwrap(), &revoked)
        .unwrap();
    let cache = [
        ("GATECHECK_TOKEN_CACHE", "on"),
        ("GATECHECK_CACHE_DIR", cache_dir.to_str().unwrap()),
    ];
    let out = run(&p, &okta, &[], &cache);
    assert_eq!(out.code, 1);
    assert_eq!(
        okta.emulator.counters().authn,
        0,
        "the cached token was used"
    );
    assert!(
        out.stdout.contains(
            "note: the token of `user` came from the token cache; if it was revoked (or the \
             authorization server restarted), it was removed from the cache, so the next run \
             logs in again"
        ),
        "{}",
        out.stdout
    );
    assert!(
        !out.stdout.contains("revoked.token.value"),
        "the cached token is masked"
    );
    let entries = std::fs::read_dir(&cache_dir).unwrap().count();
    assert_eq!(entries, 0, "the rejected token was evicted");
    // No --fresh-login needed: the next run logs in and caches the new token.
    let next = run(&p, &okta, &[], &cache);
    assert_eq!(next.code, 0, "{}", next.normalized(&p));
    assert_eq!(okta.emulator.counters().authn, 1);
    let again = run(&p, &okta, &[], &cache);
    assert_eq!(again.code, 0, "{}", again.normalized(&p));
    assert_eq!(okta.emulator.counters().authn, 1, "the new token is reused");
}

#[cfg(unix)]
#[test]
fn a_cache_folder_others_can_write_is_refused_with_a_warning() {
    use std::os::unix::fs::PermissionsExt;
    let okta = Okta::start();
    let p = project("unsafe-cache");
    p.file(
        "suites/s.yaml",
        "tests:\n  - {name: mine, request: {url: /api/todos}, expect: {snapshot: false}}\n",
    );
    let cache_dir = p.path("shared-cache");
    std::fs::create_dir_all(&cache_dir).unwrap();
    std::fs::set_permissions(&cache_dir, std::fs::Permissions::from_mode(0o777)).unwrap();
    let cache = [
        ("GATECHECK_TOKEN_CACHE", "on"),
        ("GATECHECK_CACHE_DIR", cache_dir.to_str().unwrap()),
    ];
    for expected_logins in [1, 2] {
        let out = run(&p, &okta, &[], &cache);
        assert_eq!(out.code, 0, "{}", out.normalized(&p));
        assert_eq!(okta.emulator.counters().authn, expected_logins);
        assert!(
            out.normalized(&p).contains(
                "warning: token cache folder `[DIR]/shared-cache` can be written by other users \
                 (mode 777); delete its files and run `chmod 700 [DIR]/shared-cache`, or set \
                 GATECHECK_CACHE_DIR; the token cache is not used\n"
            ),
            "{}",
            out.normalized(&p)
        );
        assert_eq!(std::fs::read_dir(&cache_dir).unwrap().count(), 0);
    }
}

#[test]
fn an_unknown_default_identity_is_reported_once_at_gatecheck_yaml() {
    let p = Project::new("config-auth");
    p.file("fixtures/admin.yaml", "kind: static\naccess_token: t\n");
    p.file(
        "suites/gatecheck.yaml",
        "# settings\nbase_url: http://127.0.0.1:9\nauth: admn\n",
    );
    for name in ["a", "b"] {
        p.file(
            &format!("suites/{name}.yaml"),
            "tests:\n  - {name: x, request: {url: /x}}\n",
        );
    }
    let out = p.run(&["validate"], &[]);
    assert_eq!(out.code, 2, "{}", out.normalized(&p));
    assert_eq!(
        out.stderr,
        "error: suites/gatecheck.yaml:3:1: auth: unknown identity `admn` (did you mean \
         `admin`?); known: admin, none\n\
         1 error found; nothing was run\n"
    );
}
