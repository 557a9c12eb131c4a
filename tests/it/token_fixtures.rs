//! `gatecheck token` needs only a fixture: it works in a folder with
//! `fixtures/` and no `suites/`, and reads `gatecheck.yaml` when present.

use crate::common::Project;

const USER: &str = "kind: okta-pkce\nokta_url: demo\nclient_id: demo-spa\nredirect_uri: http://localhost:3000/callback\nscopes: [openid, profile, email]\nusername: ada@example.com\npassword: correct-horse\n";

fn claims(stdout: &str) -> serde_json::Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

#[test]
fn token_works_from_the_fixtures_alone() {
    let p = Project::new("token-fixtures");
    p.file("fixtures/user.yaml", USER);
    let out = p.run_as_user(&["token", "--decode"], &[], "");
    assert_eq!(out.code, 0, "{}", out.normalized(&p));
    assert_eq!(claims(&out.stdout)["claims"]["sub"], "ada@example.com");
    assert!(!out.stderr.contains("correct-horse"), "{}", out.stderr);
    assert_eq!(
        p.files(),
        vec!["fixtures/user.yaml"],
        "nothing else is needed or written"
    );
}

#[test]
fn token_reads_the_config_when_there_is_one() {
    // gatecheck.yaml names the fixtures folder and the default identity;
    // there is no suite file at all.
    let p = Project::new("token-config");
    p.file(
        "api-tests/gatecheck.yaml",
        "fixtures: ../logins\nauth: admin\n",
    )
    .file("logins/user.yaml", USER)
    .file(
        "logins/admin.yaml",
        &USER
            .replace("ada@example.com", "grace@example.com")
            .replace("correct-horse", "analytical-engine"),
    );
    let out = p.run_as_user(&["token", "--decode", "--suites", "api-tests"], &[], "");
    assert_eq!(out.code, 0, "{}", out.normalized(&p));
    assert_eq!(claims(&out.stdout)["claims"]["sub"], "grace@example.com");
}

#[test]
fn token_without_fixtures_says_what_to_add() {
    let p = Project::new("token-none");
    let out = p.run_as_user(&["token"], &[], "");
    assert_eq!(out.code, 2, "{}", out.normalized(&p));
    assert!(
        out.stderr.starts_with(
            "error: fixtures: no fixtures folder; add fixtures/NAME.yaml (or run `gatecheck init`), or give the suites folder with --suites\n"
        ),
        "{}",
        out.stderr
    );
    p.file(
        "fixtures/user.yaml",
        "kind: okta-pkce\nokta_url: demo\nclient_id: demo-spa\nusernme: ada\n",
    );
    let typo = p.run_as_user(&["token"], &[], "");
    assert_eq!(typo.code, 2, "{}", typo.normalized(&p));
    assert!(
        typo.stderr.starts_with("error: fixtures/user.yaml:"),
        "{}",
        typo.stderr
    );
    assert!(
        typo.stderr.contains("did you mean `username`?"),
        "{}",
        typo.stderr
    );
}
