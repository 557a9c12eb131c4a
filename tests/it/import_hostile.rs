//! `gatecheck import postman` on collections made to hurt: names that
//! collide with the config file or no file system holds, `${...}` text
//! that would expand at load, credentials inside URLs, and field names
//! that shells already use as variables.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use gatecheck::import::import_postman;
use serde_json::json;

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gatecheck-hostile-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn collection(dir: &Path, items: serde_json::Value) -> PathBuf {
    let path = dir.join("collection.json");
    let doc = json!({
        "info": {
            "name": "hostile",
            "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"
        },
        "item": items,
    });
    fs::write(&path, doc.to_string()).unwrap();
    path
}

fn request(name: &str, url: &str) -> serde_json::Value {
    json!({"name": name, "request": {"method": "GET", "url": url}})
}

fn read(dir: &Path, rel: &str) -> String {
    fs::read_to_string(dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn folder_names_never_collide_with_the_config_or_exceed_a_file_name() {
    let dir = temp_dir("names");
    let long = "x".repeat(400);
    let input = collection(
        &dir,
        json!([
            {"name": "gatecheck", "item": [request("ping", "https://api.example.com/ping")]},
            {"name": long, "item": [request("pong", "https://api.example.com/pong")]},
            // A secret makes the importer write suites/gatecheck.yaml too.
            {"name": "auth", "item": [{
                "name": "me",
                "request": {"method": "GET", "url": "https://api.example.com/me",
                            "header": [{"key": "X-Api-Key", "value": "sk_live_abcdefghijklmnop"}]}
            }]}
        ]),
    );
    let out = dir.join("out");
    let report = import_postman(&input, None, &out).unwrap();
    let mut files: Vec<String> = report
        .files
        .iter()
        .map(|p| p.strip_prefix(&out).unwrap().display().to_string())
        .collect();
    files.sort();
    let cut = format!("suites/{}.yaml", "x".repeat(100));
    assert_eq!(
        files,
        [
            "suites/auth.yaml",
            "suites/gatecheck-2.yaml",
            "suites/gatecheck.yaml",
            cut.as_str()
        ]
    );
    assert!(read(&out, "suites/gatecheck.yaml").contains("secrets:"));
    let env: HashMap<String, String> = [("X_API_KEY".to_owned(), "k".to_owned())].into();
    if let Err(e) = gatecheck::run::load_valid(&[out.join("suites")], &env, &[]) {
        panic!("imported suites do not load:\n{e}");
    }
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn env_syntax_in_names_and_expected_headers_stays_literal() {
    let dir = temp_dir("env");
    let input = collection(
        &dir,
        json!([{
            "name": "${SECRET} folder",
            "item": [{
                "name": "leak ${SECRET}",
                "event": [{"listen": "test", "script": {"exec": [
                    "pm.response.to.be.header(\"X-Echo\", \"${SECRET}\");"
                ]}}],
                "request": {"method": "GET", "url": "https://api.example.com/x"}
            }]
        }]),
    );
    let out = dir.join("out");
    import_postman(&input, None, &out).unwrap();
    let suite = read(&out, "suites/secret-folder.yaml");
    assert!(suite.contains("name: $${SECRET} folder"), "{suite}");
    assert!(suite.contains("name: leak $${SECRET}"), "{suite}");
    assert!(suite.contains("X-Echo: $${SECRET}"), "{suite}");
    // Loaded with SECRET set, nothing expands.
    let env: HashMap<String, String> = [("SECRET".to_owned(), "hunter2".to_owned())].into();
    let (project, specs) = gatecheck::run::load_valid(&[out.join("suites")], &env, &[])
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(project.suites[0].title, "${SECRET} folder");
    assert!(specs.iter().all(|t| !t.name.contains("hunter2")));
    assert!(specs.iter().any(|t| t.name.contains("leak ${SECRET}")));
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn credentials_in_urls_and_shell_variable_names_are_not_written() {
    let dir = temp_dir("creds");
    let input = collection(
        &dir,
        json!([
            request("basic in url", "https://admin:Pa55word@api.example.com/admin"),
            request("token in query", "https://api.example.com/me?access_token=abc123&page=2"),
            {
                "name": "login form",
                "request": {
                    "method": "POST",
                    "url": "https://api.example.com/login",
                    "body": {"mode": "raw", "raw": "{\"user\": \"ada\", \"pwd\": \"s3cret-value\"}",
                             "options": {"raw": {"language": "json"}}}
                }
            }
        ]),
    );
    let out = dir.join("out");
    import_postman(&input, None, &out).unwrap();
    let suite = read(&out, "suites/hostile.yaml");
    for secret in ["Pa55word", "abc123", "s3cret-value"] {
        assert!(
            !suite.contains(secret),
            "{secret} written in clear:\n{suite}"
        );
    }
    assert!(
        suite.contains("https://admin:${PASSWORD}@api.example.com/admin"),
        "{suite}"
    );
    assert!(
        suite.contains("access_token=${ACCESS_TOKEN}&page=2"),
        "{suite}"
    );
    assert!(suite.contains("${PWD_VALUE}"), "{suite}");
    assert!(!suite.contains("${PWD}"), "{suite}");
    let config = read(&out, "suites/gatecheck.yaml");
    for env in ["PASSWORD", "ACCESS_TOKEN", "PWD_VALUE"] {
        assert!(config.contains(&format!("  - ${{{env}}}\n")), "{config}");
    }
    fs::remove_dir_all(dir).unwrap();
}
