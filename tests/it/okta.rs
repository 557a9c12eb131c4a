//! The Okta login fixture end to end: the real binary, logging into an
//! emulator that this test starts (so it can read its counters).

use crate::common;

use common::{Okta, Project};

fn fixture(name: &str, username: &str, password: &str, extra: &str) -> String {
    format!(
        "kind: okta-pkce\nokta_url: ${{OKTA_URL}}\nclient_id: demo-spa\n\
         redirect_uri: http://localhost:3000/callback\nusername: {username}\npassword: {password}\n{extra}# {name}\n"
    )
}

fn run(p: &Project, okta: &Okta, args: &[&str], extra: &[(&str, &str)]) -> common::Run {
    okta.run(p, args, extra)
}

#[test]
fn fifty_tests_on_eight_threads_log_in_exactly_once() {
    let okta = Okta::start();
    let p = Project::new("one-login");
    p.file(
        "fixtures/user.yaml",
        &fixture("user", "ada@example.com", "correct-horse", ""),
    );
    let tests: String = (0..50)
        .map(|i| format!("  - {{name: t{i}, request: {{url: /api/todos}}, expect: {{status: 200, snapshot: false}}}}\n"))
        .collect();
    p.file(
        "suites/many.yaml",
        &format!("base_url: ${{API_URL}}\nauth: user\ntests:\n{tests}"),
    );
    let out = run(&p, &okta, &["--test-threads", "8"], &[]);
    assert_eq!(out.code, 0, "{}", out.normalized(&p));
    let c = okta.emulator.counters();
    assert_eq!((c.authn, c.authorize, c.token), (1, 1, 1), "{c:?}");
    assert_eq!(c.api, 50);
}

#[test]
fn a_failed_login_fails_only_its_identity_and_is_shown_once() {
    let okta = Okta::start();
    let p = Project::new("login-fails");
    p.file(
        "fixtures/user.yaml",
        &fixture("user", "ada@example.com", "correct-horse", ""),
    );
    p.file(
        "fixtures/broken.yaml",
        &fixture("broken", "ada@example.com", "wrong-password", ""),
    );
    p.file(
        "suites/s.yaml",
        r#"
base_url: ${API_URL}
tests:
  - {name: as user, auth: user, request: {url: /api/todos}, expect: {snapshot: false}}
  - {name: as broken 1, auth: broken, request: {url: /api/todos}, expect: {snapshot: false}}
  - {name: as broken 2, auth: broken, request: {url: /api/todos}, expect: {snapshot: false}}
"#,
    );
    let out = run(&p, &okta, &["--test-threads", "1"], &[]);
    assert_eq!(out.code, 1);
    assert!(
        out.stdout
            .lines()
            .any(|l| l.starts_with("test s::as user ") && l.ends_with(" ok")),
        "the other identity still runs: {}",
        out.stdout
    );
    insta::assert_snapshot!(common::normalize(&out.stdout, &p));
    assert!(!out.stdout.contains("wrong-password"));
    let c = okta.emulator.counters();
    assert_eq!(
        c.authn, 2,
        "one failed login for `broken`, not one per test: {c:?}"
    );
}

#[test]
fn mfa_with_a_totp_secret_logs_in() {
    let okta = Okta::start();
    let p = Project::new("mfa");
    p.file(
        "fixtures/user.yaml",
        &fixture(
            "user",
            "mfa@example.com",
            "correct-horse",
            "totp_secret: ${TOTP}\n",
        ),
    );
    p.file(
        "suites/s.yaml",
        "base_url: ${API_URL}\nauth: user\ntests:\n  - {name: me, request: {url: /api/me}, expect: {json: {$.sub: mfa@example.com}, snapshot: false}}\n",
    );
    let out = run(&p, &okta, &[], &[("TOTP", "JBSWY3DPEHPK3PXP")]);
    assert_eq!(out.code, 0, "{}", out.normalized(&p));
    assert_eq!(okta.emulator.counters().factor_verify, 1);
}

#[test]
fn no_secret_appears_in_output_or_written_files() {
    let okta = Okta::start();
    let p = Project::new("no-leak");
    p.file(
        "fixtures/user.yaml",
        &fixture(
            "user",
            "mfa@example.com",
            "correct-horse",
            "totp_secret: JBSWY3DPEHPK3PXP\nscopes: [openid, profile, email, offline_access]\n",
        ),
    );
    p.file(
        "fixtures/admin.yaml",
        &fixture("admin", "grace@example.com", "analytical-engine", ""),
    );
    p.file(
        "suites/leak.yaml",
        r#"
base_url: ${API_URL}
auth: user
tests:
  - name: failing with a body
    request: {url: /api/me}
    expect: {status: 418}
  - name: new snapshot
    request: {url: /api/me}
  - name: matrix
    request: {url: /api/admin/report}
    expect: {status: {admin: 500, user: 500, none: 500}}
"#,
    );
    let out = run(&p, &okta, &["-v", "--junit", "report.xml"], &[]);
    assert_eq!(out.code, 1);
    let mut secrets = okta.emulator.issued_secrets();
    assert!(
        secrets.len() >= 8,
        "session tokens, codes, verifiers and tokens were issued: {}",
        secrets.len()
    );
    secrets.extend(["correct-horse", "analytical-engine", "JBSWY3DPEHPK3PXP"].map(String::from));
    let mut texts = vec![
        ("stdout".to_owned(), out.stdout.clone()),
        ("stderr".to_owned(), out.stderr.clone()),
    ];
    for file in p.files().into_iter().filter(|f| !f.ends_with(".yaml")) {
        texts.push((
            file.clone(),
            std::fs::read_to_string(p.path(&file)).unwrap_or_default(),
        ));
    }
    assert!(
        texts.iter().any(|(f, _)| f.ends_with(".snap.new")),
        "a snapshot was written"
    );
    for (file, text) in &texts {
        for secret in &secrets {
            assert!(
                !text.contains(secret.as_str()),
                "{file} contains a secret ({}...)",
                &secret[..4]
            );
        }
    }
    assert!(
        out.stderr.contains("Authorization: Bearer ***"),
        "{}",
        out.stderr
    );
}

#[test]
fn the_shipped_suites_follow_okta_url_and_api_url() {
    let okta = Okta::start();
    let root = Project::new("shipped");
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for dir in ["suites", "fixtures"] {
        copy_dir(&repo.join(dir), &root.path(dir));
    }
    let out = run(&root, &okta, &[], &[("CI", "true")]);
    assert_eq!(out.code, 0, "{}", out.normalized(&root));
    let c = okta.emulator.counters();
    assert_eq!(
        (c.authn, c.authorize, c.token),
        (2, 2, 2),
        "user and admin logged in there: {c:?}"
    );
    assert!(c.api > 0);
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let path = entry.path();
        let target = to.join(entry.file_name());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}
