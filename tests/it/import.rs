//! `import_postman` end to end: sample collections in tests/data/postman are
//! imported into a temp dir, and the result must load with gatecheck's own
//! loader with no diagnostics.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use gatecheck::import::{ImportError, import_postman};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/postman")
        .join(name)
}

/// A fresh empty directory under the target dir (no extra crates).
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gatecheck-import-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn read(dir: &Path, rel: &str) -> String {
    fs::read_to_string(dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn assert_loads(dir: &Path, env: &HashMap<String, String>) -> gatecheck::suite::Project {
    match gatecheck::run::load_valid(&[dir.join("suites")], env, &[]) {
        Ok((project, _)) => project,
        Err(e) => panic!("imported suites do not load:\n{e}"),
    }
}

#[test]
fn okta_collection_becomes_a_fixture_and_suites_that_load() {
    let out = temp_dir("okta");
    let report = import_postman(
        &data("okta-todos.postman_collection.json"),
        Some(&data("okta-todos.postman_environment.json")),
        &out,
    )
    .unwrap();
    let files: Vec<String> = report
        .files
        .iter()
        .map(|p| p.strip_prefix(&out).unwrap().display().to_string())
        .collect();
    assert_eq!(
        files,
        [
            "fixtures/user.yaml",
            "suites/todos.yaml",
            "suites/public.yaml",
            "suites/gatecheck.yaml"
        ]
    );
    assert_eq!(report.warnings, Vec::<String>::new());
    let s = &report.summary;
    assert_eq!(
        (s.requests, s.login_requests, s.suites, s.tests),
        (10, 3, 2, 5)
    );
    assert_eq!((s.step_tests, s.steps), (1, 3));
    assert_eq!((s.assertions, s.converted), (11, 10));
    assert_eq!(s.fixtures, ["user (okta-pkce)"]);
    assert_eq!(s.env, ["API_KEY", "OKTA_PASSWORD"]);
    assert_eq!(
        read(&out, "suites/gatecheck.yaml").lines().last(),
        Some("  - ${API_KEY}"),
        "the API key is masked at run time"
    );
    insta::assert_snapshot!("okta_fixture", read(&out, "fixtures/user.yaml"));
    insta::assert_snapshot!("okta_todos_suite", read(&out, "suites/todos.yaml"));
    insta::assert_snapshot!("okta_public_suite", read(&out, "suites/public.yaml"));
    for file in &report.files {
        let text = fs::read_to_string(file).unwrap();
        assert!(
            !text.contains("hunter2") && !text.contains("k-never-written"),
            "a secret in {}",
            file.display()
        );
    }
    let project = assert_loads(&out, &env(&[("OKTA_PASSWORD", "pw"), ("API_KEY", "k")]));
    assert_eq!(project.fixtures.keys().collect::<Vec<_>>(), ["user"]);
}

#[test]
fn minimal_collection_without_folders_is_one_suite() {
    let out = temp_dir("minimal");
    let report = import_postman(&data("minimal.postman_collection.json"), None, &out).unwrap();
    assert_eq!(report.files, [out.join("suites/ping.yaml")]);
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    assert_eq!(report.summary.env, Vec::<String>::new());
    insta::assert_snapshot!("minimal_suite", read(&out, "suites/ping.yaml"));
    assert_loads(&out, &HashMap::new());
}

#[test]
fn existing_files_are_never_overwritten() {
    let out = temp_dir("exists");
    fs::create_dir_all(out.join("suites")).unwrap();
    fs::write(out.join("suites/ping.yaml"), "mine").unwrap();
    let err = import_postman(&data("minimal.postman_collection.json"), None, &out).unwrap_err();
    assert!(matches!(err, ImportError::Exists { .. }));
    assert_eq!(
        err.to_string(),
        format!(
            "`{}` already exists; remove it or import with another --out",
            out.join("suites/ping.yaml").display()
        )
    );
    assert_eq!(read(&out, "suites/ping.yaml"), "mine");
}

#[test]
fn bad_inputs_say_what_they_are() {
    let out = temp_dir("bad");
    let v1 = data("v1.postman_collection.json");
    let err = import_postman(&v1, None, &out).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "`{}`: not a postman v2.x collection: found the v1 format (top-level `requests` and `order`); re-export it from Postman as Collection v2.1",
            v1.display()
        )
    );
    let env_file = data("okta-todos.postman_environment.json");
    let err = import_postman(&env_file, None, &out).unwrap_err();
    assert!(
        err.to_string()
            .ends_with("found an environment file; pass it with --environment"),
        "{err}"
    );
    let malformed = out.join("../malformed.postman_collection.json");
    fs::write(
        &malformed,
        r#"{"info": {"name": "m", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
            "item": [{"name": "f", "item": [{"name": "a", "request": {"url": {"raw": "x", "query": [{"key": null}, {"key": "k", "disabled": "yes"}]}}}]}]}"#,
    )
    .unwrap();
    let err = import_postman(&malformed, None, &out).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "`{}`: unreadable collection at `item[0].item[0].request.url.query[1].disabled`: invalid type: string \"yes\", expected a boolean",
            malformed.display()
        )
    );
    let missing = data("missing.json");
    let err = import_postman(&missing, None, &out).unwrap_err();
    assert!(
        err.to_string()
            .starts_with(&format!("failed to read `{}`: ", missing.display())),
        "{err}"
    );
    assert!(
        fs::read_dir(&out).unwrap().next().is_none(),
        "nothing is written on error"
    );
}

#[test]
fn bearer_without_okta_login_reads_the_token_from_the_environment() {
    let out = temp_dir("bearer");
    let collection = out.join("c.json");
    fs::write(
        &collection,
        r#"{"info": {"name": "Svc", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
            "auth": {"type": "bearer", "bearer": [{"key": "token", "value": "{{svcToken}}"}]},
            "item": [{"name": "me", "request": {"method": "GET", "url": "http://localhost:8080/me"}},
                     {"name": "open", "request": {"method": "GET", "url": "http://localhost:8080/open", "auth": {"type": "noauth"}}}]}"#,
    )
    .unwrap();
    let report = import_postman(&collection, None, &out.join("out")).unwrap();
    assert_eq!(
        report.warnings,
        [
            "requests send a bearer token the collection does not obtain; fixtures/user.yaml reads it from ${SVC_TOKEN}"
        ]
    );
    let fixture = read(&out, "out/fixtures/user.yaml");
    assert!(
        fixture.contains("kind: static\naccess_token: ${SVC_TOKEN}\n"),
        "{fixture}"
    );
    let suite = read(&out, "out/suites/svc.yaml");
    assert!(
        suite.contains("auth: user\n") && suite.contains("  - name: open\n    auth: none\n"),
        "{suite}"
    );
    assert_loads(&out.join("out"), &env(&[("SVC_TOKEN", "t")]));
}

#[test]
fn a_token_fetched_by_a_pre_request_script_becomes_the_grant_it_performs() {
    let out = temp_dir("send-request");
    let collection = out.join("c.json");
    fs::write(
        &collection,
        r#"{"info": {"name": "Shop", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
            "auth": {"type": "bearer", "bearer": [{"key": "token", "value": "{{accessToken}}"}]},
            "event": [{"listen": "prerequest", "script": {"exec": [
              "if (!pm.environment.get('accessToken')) {",
              "  pm.sendRequest({",
              "    url: pm.environment.get('authUrl') + '/oauth2/token',",
              "    method: 'POST',",
              "    header: {'Content-Type': 'application/x-www-form-urlencoded'},",
              "    body: {mode: 'urlencoded', urlencoded: [",
              "      {key: 'grant_type', value: 'client_credentials'},",
              "      {key: 'client_id', value: pm.environment.get('clientId')},",
              "      {key: 'client_secret', value: pm.environment.get('clientSecret')}]}",
              "  }, (err, res) => {",
              "    pm.environment.set('accessToken', res.json().access_token);",
              "  });",
              "}"]}}],
            "variable": [{"key": "authUrl", "value": "http://localhost:5000"}, {"key": "clientId", "value": "shop-app"}],
            "item": [
              {"name": "Set page", "event": [{"listen": "prerequest", "script": {"exec": ["pm.environment.set('page', 2);"]}}],
               "request": {"method": "GET", "url": "about:blank"}},
              {"name": "List  orders", "request": {"method": "GET", "url": "localhost:5000/orders?page={{page}}"}},
              {"name": "List orders", "request": {"method": "GET", "url": "localhost:5000/orders"}}]}"#,
    )
    .unwrap();
    let report = import_postman(&collection, None, &out.join("out")).unwrap();
    let fixture = read(&out, "out/fixtures/service.yaml");
    assert!(
        fixture.contains("kind: client-credentials\n")
            && fixture
                .contains("token_url: ${SERVICE_TOKEN_URL:-http://localhost:5000/oauth2/token}\n")
            && fixture.contains("client_id: ${SERVICE_CLIENT_ID:-shop-app}\n"),
        "{fixture}"
    );
    let suite = read(&out, "out/suites/shop.yaml");
    assert!(suite.contains("auth: service\n"), "{suite}");
    // No scheme: Postman sends it over http.
    assert!(
        suite.contains("base_url: ${API_URL:-http://localhost:5000}\n"),
        "{suite}"
    );
    // The helper is gone, the value it set is a suite variable.
    assert!(
        !suite.contains("about:blank") && suite.contains("  page: 2\n"),
        "{suite}"
    );
    assert!(
        report.warnings.iter().any(|w| w.contains(
            "request `Set page` only runs scripts (its URL is `about:blank`); it is dropped, and the variables its scripts set (`page`) become suite variables"
        )),
        "{:?}",
        report.warnings
    );
    // One snapshot name each.
    assert!(
        suite.contains("  - name: List  orders\n") && suite.contains("  - name: List orders 2\n"),
        "{suite}"
    );
    assert_loads(
        &out.join("out"),
        &env(&[("SERVICE_CLIENT_SECRET", "s"), ("CLIENT_SECRET", "s")]),
    );
}

#[test]
fn a_collection_that_only_defines_its_login_becomes_the_fixture() {
    let out = temp_dir("auth-only");
    let collection = out.join("c.json");
    fs::write(
        &collection,
        r#"{"info": {"name": "Login", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
            "auth": {"type": "oauth2", "oauth2": [
              {"key": "grant_type", "value": "client_credentials"},
              {"key": "accessTokenUrl", "value": "https://id.example.com/oauth2/token"},
              {"key": "clientId", "value": "reports"},
              {"key": "clientSecret", "value": "{{reportsSecret}}"},
              {"key": "scope", "value": "reports.read"}]},
            "item": []}"#,
    )
    .unwrap();
    let report = import_postman(&collection, None, &out.join("out")).unwrap();
    assert_eq!(report.summary.fixtures, ["service (client-credentials)"]);
    let fixture = read(&out, "out/fixtures/service.yaml");
    assert!(
        fixture.contains("kind: client-credentials\n")
            && fixture
                .contains("token_url: ${SERVICE_TOKEN_URL:-https://id.example.com/oauth2/token}\n")
            && fixture.contains("client_id: ${SERVICE_CLIENT_ID:-reports}\n"),
        "{fixture}"
    );
}
