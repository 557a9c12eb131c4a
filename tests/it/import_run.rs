//! An imported collection, run by the real binary against a local API:
//! requests that depend on each other across folders (Register -> Current
//! user) run in order with the captured value; an independent request stays
//! its own test; the imported secret is masked in every output.

use crate::common::{Project, TestApi};

const SECRET: &str = "k-SECRET-9f8e7d6c";

fn collection() -> String {
    r#"{"info": {"name": "Accounts", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
  "item": [
    {"name": "Accounts", "item": [
      {"name": "Register",
       "event": [{"listen": "test", "script": {"exec": [
         "pm.test(\"created\", () => pm.response.to.have.status(201));",
         "var data = JSON.parse(responseBody);",
         "pm.environment.set(\"userId\", data.id); // for the next folder",
         "if (data.id > 1000) { pm.environment.set('big', true); }"]}}],
       "request": {"method": "POST", "header": [{"key": "Content-Type", "value": "application/json"}],
         "body": {"mode": "raw", "raw": "{\"name\": \"ada\"}"},
         "url": {"raw": "{{baseUrl}}/create", "host": ["{{baseUrl}}"], "path": ["create"], "query": [{"key": null, "value": null}]}}}]},
    {"name": "Health", "item": [
      {"name": "Ping",
       "event": [{"listen": "test", "script": {"exec": ["tests[\"Status code is 200\"] = responseCode.code === 200;", "pm.response.to.have.header('Content-Type');"]}}],
       "request": {"method": "GET", "url": "{{baseUrl}}/items"}}]},
    {"name": "Profile", "item": [
      {"name": "Current user",
       "event": [{"listen": "test", "script": {"exec": [
         "const body = pm.response.json();",
         "pm.expect(body.query.user).to.not.be.empty;",
         "pm.expect(body.query.user).to.eql(\"100\");",
         "pm.expect(body.headers).to.have.property('x-api-key');"]}}],
       "request": {"method": "GET", "header": [{"key": "X-Api-Key", "value": "{{apiKey}}"}],
         "url": "{{baseUrl}}/echo?user={{userId}}"}}]}
  ]}"#
    .to_owned()
}

fn environment(api: &TestApi) -> String {
    format!(
        r#"{{"name": "local", "values": [
  {{"key": "baseUrl", "value": "{}", "enabled": true}},
  {{"key": "apiKey", "value": "{SECRET}", "type": "secret", "enabled": true}}]}}"#,
        api.url
    )
}

#[test]
fn dependent_requests_run_in_order_with_captures_and_the_secret_is_masked() {
    let api = TestApi::start();
    let p = Project::new("import-run");
    p.file("c.postman_collection.json", &collection());
    p.file("e.postman_environment.json", &environment(&api));
    let import = p.run(
        &[
            "import",
            "postman",
            "c.postman_collection.json",
            "--environment",
            "e.postman_environment.json",
        ],
        &[],
    );
    assert_eq!(import.code, 0, "{}", import.stderr);
    assert!(
        import.stdout.contains(
            "imported 3 requests: 2 suites, 2 tests (1 of them with 2 steps); fixtures: none\n"
        ),
        "{}",
        import.stdout
    );
    assert!(
        import
            .stdout
            .contains("assertions: 6 of 6 converted (100%)\n"),
        "{}",
        import.stdout
    );
    assert!(
        import.stdout.contains("set before running: API_KEY\n"),
        "{}",
        import.stdout
    );
    let accounts = std::fs::read_to_string(p.path("suites/accounts.yaml")).unwrap();
    assert!(
        accounts.contains("  - name: Register\n    steps:\n    - name: Register\n"),
        "{accounts}"
    );
    assert!(
        accounts.contains("    - name: Profile / Current user\n"),
        "{accounts}"
    );
    assert!(
        accounts.contains("  # Register: not converted (test line 4, inside a condition on the response): if (data.id > 1000) { pm.environment.set('big', true); }\n"),
        "{accounts}"
    );
    for file in p.files() {
        let text = std::fs::read_to_string(p.path(&file)).unwrap_or_default();
        if !file.ends_with(".json") {
            assert!(!text.contains(SECRET), "the secret in clear in {file}");
        }
    }

    let run = p.run(&["-v", "--test-threads", "1"], &[("API_KEY", SECRET)]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("test accounts::Register ... ok"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("test health::Ping       ... ok"),
        "{}",
        run.stdout
    );
    let all = format!("{}{}", run.stdout, run.stderr);
    assert!(
        all.contains("/echo?user=100"),
        "the captured id reached the later request: {all}"
    );
    assert!(all.contains("x-api-key"), "-v shows the exchange: {all}");
    assert!(
        !run.stdout.contains(SECRET) && !run.stderr.contains(SECRET),
        "the imported secret is masked in -v output: {}",
        run.stdout
    );
}
