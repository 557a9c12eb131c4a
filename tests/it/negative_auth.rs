//! `negative_auth.www_authenticate`: a broken-authentication trial's 401
//! must carry the challenge asked for, else it fails saying what came.

use std::path::Path;

use crate::common::{Project, TestApi};

fn repo(rel: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)).unwrap()
}

#[test]
fn the_demo_apis_401s_carry_an_rfc_6750_bearer_challenge() {
    let p = Project::new("negative-challenge");
    p.file("fixtures/user.yaml", &repo("fixtures/user.yaml"));
    p.file("suites/gatecheck.yaml", "base_url: demo\nauth: user\n");
    let suite = |scheme: &str| {
        format!(
            "negative_auth:\n  trials: [no-token, malformed, bad-signature, alg-none, wrong-audience]\n  \
             www_authenticate: {{scheme: {scheme}, error: invalid_token}}\n\
             tests:\n  - name: me\n    request: {{url: /api/me}}\n    expect: {{status: {{none: 401, user: 200}}, snapshot: false}}\n"
        )
    };
    p.file("suites/n.yaml", &suite("Bearer"));
    let run = p.run(&[], &[]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("7 passed"), "{}", run.stdout);

    // Another scheme: every trial fails, showing the challenge that came.
    p.file("suites/n.yaml", &suite("DPoP"));
    let run = p.run(&[], &[]);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("5 failed"), "{}", run.stdout);
    let head = run.failure_head("n::me[alg-none]", 3).join("\n");
    assert!(
        head.contains(
            "header WWW-Authenticate: expected a `DPoP` challenge with error=\"invalid_token\" \
             (negative_auth.www_authenticate), got \"Bearer realm=\\\"gatecheck-demo\\\", error=\\\"invalid_token\\\""
        ),
        "{head}"
    );
    // Without a token the challenge has no error code (RFC 6750 §3.1), and none is asked for.
    let head = run.failure_head("n::me[no-token]", 3).join("\n");
    assert!(
        head.contains(
            "expected a `DPoP` challenge (negative_auth.www_authenticate), got \"Bearer realm=\\\"gatecheck-demo\\\"\""
        ),
        "{head}"
    );
}

#[test]
fn a_401_without_the_challenge_fails_and_false_turns_the_check_off() {
    let api = TestApi::start();
    let p = Project::new("negative-no-challenge");
    p.file("fixtures/user.yaml", &repo("fixtures/user.yaml"));
    p.file(
        "suites/gatecheck.yaml",
        &format!("base_url: {}\nauth: user\n", api.url),
    );
    p.file(
        "suites/n.yaml",
        "negative_auth:\n  trials: [no-token, malformed]\n  www_authenticate: Bearer\n\
         tests:\n  - name: guarded\n    request: {url: /status/401}\n    expect: {status: 401, snapshot: false}\n\
         \x20 - name: unchecked\n    negative_auth: {trials: [malformed], www_authenticate: false}\n    \
         request: {url: /status/401}\n    expect: {status: 401, snapshot: false}\n",
    );
    let run = p.run(&[], &[]);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    for trial in ["n::guarded[no-token]", "n::guarded[malformed]"] {
        let head = run.failure_head(trial, 3).join("\n");
        assert!(
            head.contains(
                "header WWW-Authenticate: expected a `Bearer` challenge \
                 (negative_auth.www_authenticate), but it is missing"
            ),
            "{trial}: {head}\n{}",
            run.stdout
        );
        assert!(head.contains("suites/n.yaml:"), "{head}");
    }
    // The plain trials and the test that turned the check off pass.
    assert!(run.stdout.contains("3 passed; 2 failed"), "{}", run.stdout);
    assert!(run.failure_head("n::unchecked[malformed]", 3).is_empty());
}
