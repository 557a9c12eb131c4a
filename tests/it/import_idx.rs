//! `gatecheck import postman` on a collection that scripts Okta Identity
//! Engine's interaction code flow: the IDX requests become an okta-idx
//! fixture, the API request a suite that logs in with it.

use std::fs;
use std::path::Path;

use gatecheck::import::import_postman;

#[test]
fn an_interaction_code_collection_becomes_an_okta_idx_fixture() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/postman");
    let out = std::env::temp_dir().join(format!("gatecheck-import-idx-{}", std::process::id()));
    let _ = fs::remove_dir_all(&out);
    fs::create_dir_all(&out).unwrap();
    let report =
        import_postman(&data.join("okta-idx.postman_collection.json"), None, &out).unwrap();
    let files: Vec<String> = report
        .files
        .iter()
        .map(|p| p.strip_prefix(&out).unwrap().display().to_string())
        .collect();
    assert!(
        files.contains(&"fixtures/user.yaml".to_owned()),
        "{files:?}"
    );
    let fixture = fs::read_to_string(out.join("fixtures/user.yaml")).unwrap();
    for line in [
        "kind: okta-idx\n",
        "okta_url: ${OKTA_URL:-https://dev-1.okta.com}\n",
        "auth_server: ${OKTA_AUTH_SERVER:-default}",
        "client_id: ${OKTA_CLIENT_ID:-0oa1idx}\n",
        "redirect_uri: ${OKTA_REDIRECT_URI:-http://localhost:3000/callback}\n",
        "scopes: [openid, profile, email]\n",
        "username: ${OKTA_USERNAME:-ada@example.com}\n",
    ] {
        assert!(fixture.contains(line), "{line} not in:\n{fixture}");
    }
    let suites: String = files
        .iter()
        .filter(|f| f.starts_with("suites/") && f.ends_with(".yaml"))
        .map(|f| fs::read_to_string(out.join(f)).unwrap())
        .collect();
    for gone in ["/v1/interact", "/idp/idx/", "/v1/token"] {
        assert!(!suites.contains(gone), "{gone} kept in:\n{suites}");
    }
    assert!(suites.contains("/api/todos"), "{suites}");
    assert!(
        !report
            .warnings
            .iter()
            .any(|w| w.contains("part of the Okta login")),
        "{:?}",
        report.warnings
    );
    let _ = fs::remove_dir_all(&out);
}
