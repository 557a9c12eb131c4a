//! `gatecheck init` in an empty folder, as a new user would: the files it
//! writes, a first run that is green at once, files that are never
//! overwritten, and `--okta-url` / `--client-id` / `--api-url`.

use crate::common::{Okta, Project};

const FILES: [&str; 8] = [
    ".gatecheck/schema/config.schema.json",
    ".gatecheck/schema/fixture.schema.json",
    ".gatecheck/schema/suite.schema.json",
    ".gitignore",
    "fixtures/user.yaml",
    "suites/example.yaml",
    "suites/gatecheck.yaml",
    "suites/snapshots/example__list_my_todos.snap",
];

fn no_cargo_package_around(p: &Project) {
    assert!(
        !p.dir.ancestors().any(|d| d.join("Cargo.toml").exists()),
        "the test folder must not be inside a Cargo package: {}",
        p.dir.display()
    );
}

#[test]
fn init_in_an_empty_folder_then_the_first_run_is_green() {
    let p = Project::new("init-empty");
    no_cargo_package_around(&p);
    let before = p.run_as_user(&[], &[], "");
    assert_eq!(before.code, 2, "{}", before.normalized(&p));
    assert!(
        before.stderr.contains("suites: path does not exist; give a suites folder or a suite file, or run `gatecheck init` to start one"),
        "{}",
        before.stderr
    );

    let init = p.run_as_user(&["init"], &[], "");
    assert_eq!(init.code, 0, "{}", init.normalized(&p));
    insta::assert_snapshot!(init.normalized(&p));
    assert_eq!(p.files(), FILES);
    let ignore = std::fs::read_to_string(p.path(".gitignore")).unwrap();
    assert!(ignore.lines().any(|l| l == "*.snap.new"), "{ignore}");

    // The modelines point at the schemas written beside them, which are
    // the ones `gatecheck schema` writes.
    for (file, schema) in [
        ("suites/example.yaml", "suite"),
        ("suites/gatecheck.yaml", "config"),
        ("fixtures/user.yaml", "fixture"),
    ] {
        let text = std::fs::read_to_string(p.path(file)).unwrap();
        let first = text.lines().next().unwrap();
        let target = first
            .strip_prefix("# yaml-language-server: $schema=")
            .unwrap_or_else(|| panic!("{file}: no modeline: {first}"));
        assert_eq!(target, format!("../.gatecheck/schema/{schema}.schema.json"));
        let folder = p.path(file).parent().unwrap().to_path_buf();
        let written = std::fs::read_to_string(folder.join(target)).unwrap();
        let expected = gatecheck::schema::all()
            .into_iter()
            .find(|(name, _)| *name == format!("{schema}.schema.json"))
            .map(|(_, s)| gatecheck::schema::text(&s))
            .unwrap();
        assert_eq!(written, expected, "{file}");
    }

    let validate = p.run_as_user(&["validate"], &[], "");
    assert_eq!(validate.code, 0, "{}", validate.normalized(&p));
    let run = p.run_as_user(&[], &[], "");
    assert_eq!(run.code, 0, "{}", run.normalized(&p));
    assert!(
        run.stdout.contains("test result: ok. 2 passed; 0 failed"),
        "{}",
        run.stdout
    );
    assert!(!run.stderr.contains("to review"), "{}", run.stderr);
    assert_eq!(p.files(), FILES, "a green run writes nothing");
}

#[test]
fn init_never_overwrites_and_adds_the_ignore_line_once() {
    let p = Project::new("init-keep");
    p.file("fixtures/user.yaml", "kind: static\naccess_token: mine\n")
        .file(".gitignore", "/target");
    let first = p.run_as_user(&["init"], &[], "");
    assert_eq!(first.code, 0, "{}", first.normalized(&p));
    assert!(
        first
            .stdout
            .contains("kept fixtures/user.yaml (it exists; not overwritten)\n"),
        "{}",
        first.stdout
    );
    assert!(
        first.stdout.contains("wrote suites/example.yaml\n"),
        "{}",
        first.stdout
    );
    assert_eq!(
        std::fs::read_to_string(p.path("fixtures/user.yaml")).unwrap(),
        "kind: static\naccess_token: mine\n"
    );
    let ignore = "/target\n# gatecheck: snapshots waiting for `gatecheck review`\n*.snap.new\n";
    assert_eq!(
        std::fs::read_to_string(p.path(".gitignore")).unwrap(),
        ignore
    );

    std::fs::write(p.path("suites/example.yaml"), "tests: []\n").unwrap();
    let second = p.run_as_user(&["init"], &[], "");
    assert_eq!(second.code, 0, "{}", second.normalized(&p));
    assert!(!second.stdout.contains("wrote "), "{}", second.stdout);
    assert!(!second.stdout.contains(".gitignore"), "{}", second.stdout);
    assert_eq!(second.stdout.matches("kept ").count(), FILES.len() - 1);
    assert_eq!(
        std::fs::read_to_string(p.path(".gitignore")).unwrap(),
        ignore
    );
    assert_eq!(
        std::fs::read_to_string(p.path("suites/example.yaml")).unwrap(),
        "tests: []\n"
    );
}

#[test]
fn init_with_an_org_and_client_fills_them_in_and_says_what_to_set() {
    // The test's own emulator plays the user's Okta org and API.
    let okta = Okta::start();
    let p = Project::new("init-org");
    let okta_url = okta.emulator.okta_url().to_owned();
    let api_url = okta.emulator.api_url().to_owned();
    let init = p.run_as_user(
        &[
            "init",
            "--okta-url",
            &format!("{okta_url}/"),
            "--client-id",
            "demo-spa",
            "--api-url",
            &api_url,
        ],
        &[],
        "",
    );
    assert_eq!(init.code, 0, "{}", init.normalized(&p));
    let fixture = std::fs::read_to_string(p.path("fixtures/user.yaml")).unwrap();
    assert!(
        fixture.contains(&format!("okta_url: ${{OKTA_URL:-{okta_url}}}\n")),
        "{fixture}"
    );
    assert!(
        fixture.contains("client_id: ${OKTA_CLIENT_ID:-demo-spa}\n"),
        "{fixture}"
    );
    assert!(
        fixture.contains("username: ${OKTA_USERNAME}\n"),
        "{fixture}"
    );
    assert!(
        !p.path("suites/snapshots").exists(),
        "no demo baseline for a real API"
    );
    let next = init
        .stdout
        .split_once("next: set\n")
        .map(|(_, n)| n)
        .unwrap_or_default();
    assert!(
        next.contains("OKTA_USERNAME") && next.contains("OKTA_PASSWORD"),
        "{}",
        init.stdout
    );
    assert!(
        !next.contains("OKTA_URL ") && !next.contains("OKTA_CLIENT_ID "),
        "{}",
        init.stdout
    );
    assert!(!next.contains("API_URL "), "{}", init.stdout);

    // Without the user's credentials: a located error naming the variable.
    let missing = p.run_as_user(&[], &[], "");
    assert_eq!(missing.code, 2, "{}", missing.normalized(&p));
    assert!(
        missing.stderr.contains("fixtures/user.yaml:"),
        "{}",
        missing.stderr
    );
    assert!(
        missing.stderr.contains("OKTA_USERNAME"),
        "{}",
        missing.stderr
    );

    let creds = [
        ("OKTA_USERNAME", "ada@example.com"),
        ("OKTA_PASSWORD", "correct-horse"),
    ];
    let first = p.run_as_user(&[], &creds, "");
    assert_eq!(
        first.code,
        1,
        "the example's snapshot is new: {}",
        first.normalized(&p)
    );
    assert!(
        first
            .stdout
            .contains("snapshot `example__list_my_todos` is new"),
        "{}",
        first.stdout
    );
    let accept = p.run_as_user(&["accept"], &[], "");
    assert_eq!(accept.code, 0, "{}", accept.normalized(&p));
    let second = p.run_as_user(&[], &creds, "");
    assert_eq!(second.code, 0, "{}", second.normalized(&p));
    assert!(!second.stdout.contains("correct-horse") && !second.stderr.contains("correct-horse"));
}

#[test]
fn init_refuses_an_issuer_url_and_a_client_without_an_org() {
    let p = Project::new("init-bad");
    let issuer = p.run_as_user(
        &[
            "init",
            "--okta-url",
            "https://dev-1.okta.com/oauth2/default",
        ],
        &[],
        "",
    );
    assert_eq!(issuer.code, 2, "{}", issuer.normalized(&p));
    assert!(
        issuer.stderr.contains(
            "give the org URL without the authorization server (`https://dev-1.okta.com`)"
        ),
        "{}",
        issuer.stderr
    );
    let client = p.run_as_user(&["init", "--client-id", "0oa1"], &[], "");
    assert_eq!(client.code, 2, "{}", client.normalized(&p));
    assert!(client.stderr.contains("--okta-url"), "{}", client.stderr);
    assert!(p.files().is_empty(), "nothing written: {:?}", p.files());
}
