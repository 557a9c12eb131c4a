//! `pm.sendRequest` in a request's own scripts, end to end: a token fetch
//! becomes the login it performs; another request runs as the step before
//! (pre-request script) or after (test script) the request that sends it,
//! with what its callback asserts and stores. The imported suite loads.

use std::collections::HashMap;
use std::fs;
use std::path::PathBuf;

use gatecheck::import::import_postman;

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gatecheck-import-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

const COLLECTION: &str = r#"{"info": {"name": "Shop", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
  "variable": [{"key": "baseUrl", "value": "http://127.0.0.1:5000"}, {"key": "clientId", "value": "shop-app"}],
  "item": [
    {"name": "Create order",
     "event": [{"listen": "prerequest", "script": {"exec": [
       "pm.sendRequest({",
       "  url: pm.environment.get('baseUrl') + '/oauth2/token',",
       "  method: 'POST',",
       "  header: {'Content-Type': 'application/x-www-form-urlencoded'},",
       "  body: {mode: 'urlencoded', urlencoded: [",
       "    {key: 'grant_type', value: 'client_credentials'},",
       "    {key: 'client_id', value: pm.environment.get('clientId')},",
       "    {key: 'client_secret', value: pm.environment.get('clientSecret')}]}",
       "}, function (err, res) {",
       "  pm.environment.set('accessToken', res.json().access_token);",
       "});"]}},
       {"listen": "test", "script": {"exec": ["pm.response.to.have.status(201);"]}}],
     "request": {"method": "POST", "url": "{{baseUrl}}/orders",
       "auth": {"type": "bearer", "bearer": [{"key": "token", "value": "{{accessToken}}"}]},
       "body": {"mode": "raw", "raw": "{\"sku\": \"A1\"}"}}},
    {"name": "Order of the current cart",
     "event": [{"listen": "prerequest", "script": {"exec": [
       "pm.sendRequest(pm.environment.get('baseUrl') + '/carts/current', (err, res) => {",
       "  pm.expect(res.json().items).to.be.an('array');",
       "  pm.environment.set('cartId', res.json().id);",
       "});"]}},
       {"listen": "test", "script": {"exec": [
       "pm.test('ok', () => pm.expect(pm.response.json().cart).to.eql(pm.environment.get('cartId')));"]}}],
     "request": {"method": "GET", "url": "{{baseUrl}}/carts/{{cartId}}/order"}},
    {"name": "Cancel order",
     "event": [{"listen": "test", "script": {"exec": [
       "pm.response.to.have.status(204);",
       "pm.sendRequest(pm.environment.get('baseUrl') + '/orders/7', function (err, res) {",
       "  pm.expect(res.json().state).to.eql('cancelled');",
       "});"]}}],
     "request": {"method": "DELETE", "url": "{{baseUrl}}/orders/7"}}]}"#;

#[test]
fn requests_sent_by_a_request_s_scripts_become_its_login_and_its_steps() {
    let dir = temp_dir("request-send");
    let collection = dir.join("c.json");
    fs::write(&collection, COLLECTION).unwrap();
    let report = import_postman(&collection, None, &dir.join("out")).unwrap();
    assert_eq!(report.summary.fixtures, ["service (client-credentials)"]);
    let fixture = fs::read_to_string(dir.join("out/fixtures/service.yaml")).unwrap();
    assert!(
        fixture.contains("kind: client-credentials\n")
            && fixture.contains("/oauth2/token}\n")
            && fixture.contains("client_id: ${SERVICE_CLIENT_ID:-shop-app}\n"),
        "{fixture}"
    );
    let suite = fs::read_to_string(dir.join("out/suites/shop.yaml")).unwrap();
    // The token request is the login, not a test; the order runs as it.
    assert!(
        !suite.contains("name: 'Create order: pm.sendRequest'")
            && !suite.contains("url: /oauth2/token"),
        "{suite}"
    );
    assert!(suite.contains("auth: service\n"), "{suite}");
    // The cart request runs first, as a step, with its callback's checks
    // (of its own response) and what it stores; any status, as in Postman.
    let cart = suite
        .find("- name: 'Order of the current cart: pm.sendRequest'")
        .or_else(|| suite.find("- name: \"Order of the current cart: pm.sendRequest\""))
        .or_else(|| suite.find("- name: 'Order of the current cart: pm.sendRequest"))
        .unwrap_or_else(|| panic!("no step for the sent request:\n{suite}"));
    let order = suite[cart..]
        .find("- name: Order of the current cart\n")
        .map(|i| cart + i)
        .unwrap_or_else(|| panic!("the request is not the step after it:\n{suite}"));
    let step = &suite[cart..order];
    assert!(
        step.contains("url: /carts/current")
            && step.contains("cartId: $.id")
            && step.contains("$.items:\n")
            && step.contains("type: array")
            && step.contains("- 5xx"),
        "{step}"
    );
    let after_order = &suite[order..];
    let main = &after_order[..after_order
        .find("- name: Cancel order")
        .unwrap_or(after_order.len())];
    assert!(
        main.contains("$.cart: '{{ cartId }}'") && !main.contains("$.items"),
        "the callback's check must not become the request's own:\n{main}"
    );
    // The test script's request runs after its request.
    let cancel = suite.find("- name: Cancel order\n").expect(&suite);
    let sent_after = suite[cancel..]
        .find("Cancel order: pm.sendRequest")
        .unwrap_or_else(|| panic!("no step after Cancel order:\n{suite}"));
    let tail = &suite[cancel + sent_after..];
    assert!(tail.contains("$.state: cancelled"), "{tail}");
    let head = &suite[cancel..cancel + sent_after];
    assert!(
        head.contains("status: 204") && !head.contains("$.state"),
        "{head}"
    );
    let env: HashMap<String, String> = [("SERVICE_CLIENT_SECRET", "s"), ("CLIENT_SECRET", "s")]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    if let Err(e) = gatecheck::run::load_valid(&[dir.join("out/suites")], &env, &[]) {
        panic!("imported suites do not load:\n{e}\n{suite}");
    }
}
