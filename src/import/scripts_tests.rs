//! Tests of `scripts.rs`.

use super::*;
use serde_json::{Value as Json, json};

fn lines(text: &str) -> Vec<String> {
    text.lines().map(str::to_owned).collect()
}

#[test]
fn status_json_and_captures_are_converted() {
    let checks = read(&lines(
        r#"pm.test("ok", function () {
pm.response.to.have.status(201);
});
var jsonData = pm.response.json();
pm.test("title", () => { pm.expect(jsonData.title).to.eql("buy milk"); });
pm.expect(jsonData.items[0]["done"]).to.equal(false);
pm.expect(pm.response.json().count).to.be.above(2);
pm.expect(jsonData.id).to.exist;
pm.expect(jsonData.tags).to.be.an('array');
pm.expect(pm.response.responseTime).to.be.below(500);
pm.environment.set("todo_id", jsonData.id);
pm.collectionVariables.set('owner', jsonData.owner.name);"#,
    ));
    assert_eq!(checks.status, Some(json!(201)));
    assert_eq!(
        Json::Object(checks.json.clone().into_iter().collect()),
        json!({"$.title": "buy milk", "$.items[0].done": false, "$.count": {"gt": 2.0},
               "$[?@ == $.id && @ != null]": {"exists": true}, "$.tags": {"type": "array"}})
    );
    assert_eq!(checks.captures["todo_id"], "$.id");
    assert_eq!(checks.captures["owner"], "$.owner.name");
    assert_eq!(checks.max_duration.as_deref(), Some("500ms"));
    assert!(checks.unconverted.is_empty(), "{:?}", checks.unconverted);
}

#[test]
fn status_forms() {
    let status = |line: &str| read(&lines(line)).status;
    assert_eq!(
        status("pm.expect(pm.response.code).to.eql(204);"),
        Some(json!(204))
    );
    assert_eq!(
        status("pm.expect(pm.response.code).to.equal(404)"),
        Some(json!(404))
    );
    assert_eq!(status("pm.response.to.be.ok;"), Some(json!(200)));
    assert_eq!(status("pm.response.to.be.success"), Some(json!("2xx")));
    assert_eq!(
        status("pm.expect(pm.response.code).to.be.oneOf([200, 201]);"),
        Some(json!([200, 201]))
    );
}

#[test]
fn unrecognised_lines_are_returned_with_their_number_and_kind() {
    let checks = read(&lines(
        "var jsonData = pm.response.json();\n\npm.expect(jsonData.a).to.not.eql(1);\nconsole.log(jsonData);\npm.expect(jsonData.a).to.eql(someVar);\npostman.setNextRequest('x')",
    ));
    let got: Vec<(usize, &str, bool)> = checks
        .unconverted
        .iter()
        .map(|u| (u.line, u.kind.as_str(), u.assertion))
        .collect();
    assert_eq!(
        got,
        [
            (3, "negated check gatecheck has no matcher for", true),
            (5, "`.eql` with a computed value", true),
            (6, "flow control (setNextRequest)", false),
        ]
    );
    assert_eq!((checks.assertions, checks.converted), (2, 0));
}

#[test]
fn chai_chains_headers_and_legacy_tests() {
    let checks = read(&lines(
        r#"pm.test("ok", () => pm.response.to.have.status(200));
tests["Status code is 200"] = responseCode.code === 200;
tests["fast"] = responseTime < 300;
var data = JSON.parse(responseBody);
pm.test("Project returned", function () {
pm.expect(data.key).to.not.be.empty; // must have a key
pm.expect(data.items).to.be.empty;
pm.expect(data).to.have.property('id');
pm.expect(data.state).to.be.oneOf(["a", 'b']);
pm.expect(data.list).to.have.lengthOf.at.least(2);
pm.expect(data.name).to.eq(pm.globals.get("NAME"));
pm.expect(data.gone).not.eq(undefined);
pm.expect(data.n).to.be.within(1, 9);
pm.expect(data.s).to.match(/^ab+$/i);
});
pm.response.to.have.header("Content-Type");
pm.response.to.be.header("Content-Type", "application/zip");
var disposition = pm.response.headers.get("Content-Disposition");
pm.expect(disposition).to.include("attachment;");
pm.expect(disposition).to.include(".zip");
let item = data.items[0];
pm.environment.set("first", item.id);
pm.environment.set("next", pm.response.headers.get("Location"));
pm.globals.set("accessToken", data.token);"#,
    ));
    assert!(checks.unconverted.is_empty(), "{:?}", checks.unconverted);
    assert_eq!(checks.status, Some(json!(200)));
    assert_eq!(checks.max_duration.as_deref(), Some("300ms"));
    assert_eq!(
        Json::Object(checks.json.clone().into_iter().collect()),
        json!({"$.key": {"empty": false}, "$.items": {"empty": true}, "$.id": {"exists": true},
               "$.state": {"one_of": ["a", "b"]}, "$.list[1]": {"exists": true},
               "$.name": "{{ NAME }}", "$.gone": {"exists": true}, "$.n": {"gte": 1.0, "lte": 9.0},
               "$.s": {"matches": "(?i)^ab+$"}})
    );
    assert_eq!(
        Json::Object(checks.headers.clone().into_iter().collect()),
        json!({"Content-Type": "application/zip",
               "Content-Disposition": {"matches": "attachment;.*\\.zip|\\.zip.*attachment;"}})
    );
    assert_eq!(checks.captures["first"], json!("$.items[0].id"));
    assert_eq!(checks.captures["next"], json!({"header": "Location"}));
    assert_eq!(
        checks.captures["accessToken"],
        json!({"json": "$.token", "secret": true})
    );
    assert_eq!((checks.assertions, checks.converted), (16, 16));
}

#[test]
fn what_runs_under_a_condition_is_not_converted() {
    let checks = read(&lines(
        "var jsonData = pm.response.json();\nif (jsonData.errors != undefined) {\n    pm.expect(jsonData.errors[0].message).to.include(\"exists\");\n} else {\n    pm.expect(jsonData.data).to.not.be.empty;\n    pm.globals.set(\"F1\", jsonData.data.id);\n}\nif (pm.response.code === 200)\n    pm.environment.set('tok', jsonData.access_token);\npm.expect(jsonData.ok).to.be.true;",
    ));
    assert_eq!(checks.json.keys().collect::<Vec<_>>(), ["$.ok"]);
    assert!(checks.captures.is_empty());
    assert_eq!(
        checks.captured_from("$.access_token").as_deref(),
        Some("tok")
    );
    assert_eq!((checks.assertions, checks.converted), (3, 1));
    let kinds: Vec<&str> = checks.unconverted.iter().map(|u| u.kind.as_str()).collect();
    assert_eq!(kinds, ["inside a condition on the response"; 4]);
}

#[test]
fn expected_values_may_read_variables() {
    let checks = read(&lines(
        "const body = pm.response.json();\npm.expect(body.id).to.eql(pm.environment.get(\"todo_id\"));\npm.expect(body.who).to.eql('{{user}}');",
    ));
    assert_eq!(checks.json["$.id"], json!("{{ todo_id }}"));
    assert_eq!(checks.json["$.who"], json!("{{ user }}"));
    let checks = read(&lines(
        "pm.expect(pm.response.json().items.length).to.eql(3);",
    ));
    assert_eq!(checks.json["$.items"], json!({"length": 3}));
}

#[test]
fn deep_nesting_and_long_scripts_end_in_a_kind_not_a_crash() {
    for line in [
        format!(
            "tests['x'] = {}a{};",
            "(".repeat(20_000),
            ")".repeat(20_000)
        ),
        format!("pm.expect(j{}).to.eql(1);", ".a".repeat(20_000)),
        format!("{}pm.expect(j.a).to.eql(1);", "if (a) ".repeat(8_000)),
    ] {
        let checks = read(&lines(&format!("var j = pm.response.json();\n{line}")));
        assert_eq!(checks.assertions, 1);
    }
    let long = format!("pm.expect(1).to.eql(1);\n{}", "// padding\n".repeat(7_000));
    let checks = read(&lines(&long));
    assert_eq!(
        checks.unconverted[0].kind,
        "the script is too long to read (over 64 KiB)"
    );
}

#[test]
fn assertions_that_never_run_as_checks_are_named() {
    let checks = read(&lines(
        "function unused(j) {\n  pm.expect(j.a).to.eql(1);\n}\nif (pm.response.to.have.header('X') === 'v') {\n  console.log('never');\n}",
    ));
    let got: Vec<(usize, &str)> = checks
        .unconverted
        .iter()
        .map(|u| (u.line, u.kind.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (2, "in a function that is never called"),
            (4, "assertion used as a condition"),
        ]
    );
}

#[test]
fn values_that_are_not_conditions_are_read_without_recursing() {
    // `-1` and `a ?? b` are values: reading them once led back to itself.
    let checks = read(&lines(
        "var index = list.indexOf(name)\nif (index > -1) { list.splice(index, 1) }\nvar v = a ?? b\nif (v) {}\nif (-x) {}\nif (typeof y) {}",
    ));
    assert_eq!(checks.assertions, 0);
    let checks = read(&lines(
        "pm.test(\"n\", () => { pm.expect(pm.response.json().n).to.eql(-1) })",
    ));
    assert_eq!(checks.json["$.n"], json!(-1));
    assert_eq!(checks.converted, 1);
}

#[test]
fn two_status_checks_are_the_statuses_both_allow() {
    // chai-postman: `.to.not.be.error` fails on 4xx and 5xx only.
    let c = read(&lines(
        "pm.response.to.have.status(200);\npm.response.to.not.be.error;",
    ));
    assert_eq!((c.status, c.converted), (Some(json!(200)), 2));
    let c = read(&lines(
        "pm.response.to.not.be.error;\npm.expect(pm.response.code).to.be.oneOf([200, 404]);",
    ));
    assert_eq!((c.status, c.converted), (Some(json!([200])), 2));
    let c = read(&lines(
        "pm.response.to.be.success;\npm.expect(pm.response.code).to.be.oneOf([201, 204, 301]);",
    ));
    assert_eq!(c.status, Some(json!([201, 204])));
    // Nothing passes both: the second stays a comment.
    let c = read(&lines(
        "pm.response.to.have.status(200);\npm.response.to.have.status(201);",
    ));
    assert_eq!((c.status, c.converted), (Some(json!(200)), 1));
    assert_eq!(c.unconverted[0].kind, "a second check of the same value");
}

#[test]
fn a_token_request_built_by_a_helper_with_basic_auth_is_read() {
    // The shape of bcgov's collections: a helper reads each variable, the
    // client authenticates with `'Basic ' + btoa(id + ':' + secret)`.
    let checks = read(&lines(
        "function getvar(variableName) {\n    let value = pm.variables.get(variableName);\n    if (!value) throw new Error(`Variable '${variableName}' is not defined.`);\n    return value;\n}\nlet tokenUrl = getvar('token-url');\nlet accountId = getvar('account-id');\nlet accountSecret = getvar('account-secret');\nlet getTokenRequest = {\n    method: 'POST',\n    url: tokenUrl,\n    header: {\n        'content-type': 'application/x-www-form-urlencoded',\n        'Authorization': 'Basic '+ btoa(accountId+':'+accountSecret)\n    },\n    body: 'grant_type=client_credentials'\n};\npm.sendRequest(getTokenRequest, (err, response) => {\n    let jsonResponse = response.json(),\n        newAccessToken = jsonResponse.access_token;\n    pm.environment.set('accessToken', newAccessToken);\n});",
    ));
    assert_eq!(checks.sent.len(), 1, "{:?}", checks.unconverted);
    let sent = &checks.sent[0];
    assert_eq!(sent.request["url"], json!("{{token-url}}"));
    assert_eq!(
        sent.request["auth"],
        json!({"type": "basic", "basic": [
            {"key": "username", "value": "{{account-id}}"},
            {"key": "password", "value": "{{account-secret}}"}]})
    );
    assert_eq!(
        sent.request["body"],
        json!({"mode": "urlencoded", "urlencoded": [{"key": "grant_type", "value": "client_credentials"}]})
    );
    assert_eq!(
        sent.captures["accessToken"],
        json!({"json": "$.access_token", "secret": true})
    );
}
