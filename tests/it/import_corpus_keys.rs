//! Key results of importing real collections of the corpus (written by
//! other teams, kept in tests/corpus/postman with their sources): the
//! logins they perform, loops and checks they make, and suites that load.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use gatecheck::import::import_postman;

fn corpus(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus/postman")
        .join(name)
}

fn import(
    name: &str,
    collection: &str,
    environment: Option<&str>,
) -> (PathBuf, gatecheck::import::ImportReport) {
    let out = std::env::temp_dir().join(format!("gatecheck-keys-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&out);
    let env = environment.map(|e| corpus(name).join(e));
    let report = import_postman(&corpus(name).join(collection), env.as_deref(), &out)
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    (out, report)
}

fn loads(out: &Path, names: &[String]) {
    let env: HashMap<String, String> = names
        .iter()
        .map(|n| (n.clone(), "http://127.0.0.1:9".to_owned()))
        .collect();
    if let Err(e) = gatecheck::run::load_valid(&[out.join("suites")], &env, &[]) {
        panic!("{}: imported suites do not load:\n{e}", out.display());
    }
}

#[test]
fn bcgov_token_fetched_by_a_pre_request_helper_becomes_a_client_credentials_login() {
    // Only an oauth2 block sending `{{accessToken}}`, and a collection
    // pre-request script that fetches it with Basic client authentication.
    let (out, report) = import(
        "bcgov-lear-integration",
        "lear-integration.postman_collection.json",
        None,
    );
    assert_eq!(report.summary.fixtures, ["service (client-credentials)"]);
    let fixture = fs::read_to_string(out.join("fixtures/service.yaml")).unwrap();
    assert!(
        fixture.contains("kind: client-credentials\n")
            && fixture.contains("client_secret: ${SERVICE_CLIENT_SECRET}\n"),
        "{fixture}"
    );
    // The same helper in bcgov's auth-api folders: their requests run as it.
    let (out, report) = import(
        "bcgov-auth-api",
        "auth-api.postman_collection.json",
        Some("auth-api.postman_environment.json"),
    );
    assert!(
        report
            .summary
            .fixtures
            .iter()
            .any(|f| f == "service (client-credentials)"),
        "{:?}",
        report.summary.fixtures
    );
    loads(&out, &report.summary.env);
}

#[test]
fn bcgov_colin_api_keeps_its_checks_and_loads() {
    let (out, report) = import("bcgov-colin-api", "colin-api.postman_collection.json", None);
    let s = &report.summary;
    assert!(
        s.converted * 100 >= s.assertions * 80,
        "{} of {}",
        s.converted,
        s.assertions
    );
    let coops = fs::read_to_string(out.join("suites/coops.yaml")).unwrap();
    assert!(
        coops.contains("$.filing.business.identifier: CP0002098"),
        "{coops}"
    );
    loads(&out, &s.env);
}
