//! Tests of `chai.rs`, from chai's and Postman's documented semantics: each
//! converted assertion is run by gatecheck's own JSON checks on bodies where
//! chai passes and where it fails, and must agree; what gatecheck cannot say
//! exactly is left unconverted.

use serde_json::{Value as Json, json};

use crate::import::script_test_support::{passes, script};
use crate::suite::matcher::JsonChecks;

/// Whether gatecheck passes `body` under what `text` was converted to;
/// `None` when an assertion line of it was not converted.
fn holds(text: &str, body: &Json) -> Option<bool> {
    let checks = script(text);
    assert!(checks.assertions > 0, "no assertion in {text}");
    if checks.converted != checks.assertions {
        return None;
    }
    let map: serde_json::Map<String, Json> = checks.json.clone().into_iter().collect();
    let compiled: JsonChecks = serde_json::from_value(Json::Object(map.clone()))
        .unwrap_or_else(|e| panic!("{text} -> {map:?}: {e}"));
    Some(passes(&compiled, body))
}

/// `text` converts, and agrees with chai on each (body, chai's verdict).
fn agrees(text: &str, cases: &[(Json, bool)]) {
    for (body, chai) in cases {
        assert_eq!(
            holds(text, body),
            Some(*chai),
            "`{text}` on {body}: chai says {chai}; converted to {:?}",
            script(text).json
        );
    }
}

fn unconverted(text: &str) {
    assert_eq!(
        holds(text, &json!({})),
        None,
        "{text} should stay a comment"
    );
}

const J: &str = "var j = pm.response.json();\n";

#[test]
fn exist_is_neither_null_nor_undefined() {
    agrees(
        &format!("{J}pm.expect(j.a).to.exist;"),
        &[
            (json!({"a": 1}), true),
            (json!({"a": 0}), true),
            (json!({"a": false}), true),
            (json!({"a": null}), false),
            (json!({}), false),
        ],
    );
    agrees(
        &format!("{J}pm.expect(j.a.b).to.exist;"),
        &[
            (json!({"a": {"b": "x"}}), true),
            (json!({"a": {"b": null}}), false),
        ],
    );
    agrees(
        &format!("{J}pm.expect(j.a).to.be.undefined;"),
        &[(json!({}), true), (json!({"a": null}), false)],
    );
    agrees(
        &format!("{J}pm.expect(j.a).to.not.be.undefined;"),
        &[(json!({"a": null}), true), (json!({}), false)],
    );
    // null or undefined: gatecheck cannot say "either".
    unconverted(&format!("{J}pm.expect(j.a).to.not.exist;"));
}

#[test]
fn eql_is_deep_equal_is_strict() {
    agrees(
        &format!("{J}pm.expect(j.a).to.eql({{b: [1, 2]}});"),
        &[
            (json!({"a": {"b": [1, 2]}}), true),
            (json!({"a": {"b": [1, 2], "c": 1}}), false),
            (json!({"a": {"b": [2, 1]}}), false),
        ],
    );
    agrees(
        &format!("{J}pm.expect(j.a).to.equal('x');"),
        &[(json!({"a": "x"}), true), (json!({"a": "y"}), false)],
    );
    agrees(
        &format!("{J}pm.expect(j.a).to.deep.equal([1]);"),
        &[(json!({"a": [1]}), true), (json!({"a": [1, 1]}), false)],
    );
    // `equal` compares objects by reference: never true on a parsed body.
    unconverted(&format!("{J}pm.expect(j.a).to.equal({{b: 1}});"));
    // `not.eql` has no matcher.
    unconverted(&format!("{J}pm.expect(j.a).to.not.eql(1);"));
}

#[test]
fn include_property_and_length() {
    agrees(
        &format!("{J}pm.expect(j.s).to.include('ell');"),
        &[(json!({"s": "hello"}), true), (json!({"s": "bye"}), false)],
    );
    agrees(
        &format!("{J}pm.expect(j.l).to.include(2);"),
        &[(json!({"l": [1, 2]}), true), (json!({"l": [1, 3]}), false)],
    );
    // An object includes the given properties with these values.
    agrees(
        &format!("{J}pm.expect(j).to.include({{a: 1, b: 'x'}});"),
        &[
            (json!({"a": 1, "b": "x", "c": 0}), true),
            (json!({"a": 2, "b": "x"}), false),
            (json!({"b": "x"}), false),
        ],
    );
    agrees(
        &format!("{J}pm.expect(j).to.have.property('a', 1);"),
        &[
            (json!({"a": 1}), true),
            (json!({"a": "1"}), false),
            (json!({}), false),
        ],
    );
    // Without `nested`, a dotted name is one key.
    agrees(
        &format!("{J}pm.expect(j).to.have.property('a.b');"),
        &[(json!({"a.b": 1}), true), (json!({"a": {"b": 1}}), false)],
    );
    agrees(
        &format!("{J}pm.expect(j).to.have.nested.property('a.b[1]', 2);"),
        &[
            (json!({"a": {"b": [1, 2]}}), true),
            (json!({"a": {"b": [2, 1]}}), false),
        ],
    );
    // `property` moves the chain to the property's value.
    agrees(
        &format!("{J}pm.expect(j).to.have.property('id').that.is.a('number');"),
        &[
            (json!({"id": 3}), true),
            (json!({"id": "3"}), false),
            (json!({}), false),
        ],
    );
    // `keys`: exactly these own keys; `.include.keys`: at least these.
    agrees(
        &format!("{J}pm.expect(j.o).to.have.all.keys('a', 'b');"),
        &[
            (json!({"o": {"a": 1, "b": null}}), true),
            (json!({"o": {"a": 1, "b": 2, "c": 3}}), false),
            (json!({"o": {"a": 1}}), false),
        ],
    );
    agrees(
        &format!("{J}pm.expect(j.o).to.include.keys(['a']);"),
        &[
            (json!({"o": {"a": 1, "c": 3}}), true),
            (json!({"o": {"c": 3}}), false),
        ],
    );
    agrees(
        &format!("{J}pm.expect(j.l).to.have.lengthOf(2);"),
        &[
            (json!({"l": [1, 2]}), true),
            (json!({"l": "ab"}), true),
            (json!({"l": [1]}), false),
        ],
    );
    agrees(
        &format!("{J}pm.expect(j.l).to.have.length.above(1);"),
        &[(json!({"l": [1, 2]}), true), (json!({"l": [1]}), false)],
    );
    agrees(
        &format!("{J}pm.expect(j.l.length).to.be.at.least(1);"),
        &[(json!({"l": [1]}), true), (json!({"l": []}), false)],
    );
}

#[test]
fn types_ranges_lists_and_patterns() {
    agrees(
        &format!("{J}pm.expect(j.a).to.be.an('array');"),
        &[(json!({"a": []}), true), (json!({"a": {}}), false)],
    );
    agrees(
        &format!("{J}pm.expect(j.a).to.be.an('object');"),
        &[
            (json!({"a": {}}), true),
            (json!({"a": []}), false),
            (json!({"a": null}), false),
        ],
    );
    agrees(
        &format!("{J}pm.expect(j.a).to.be.oneOf([1, 'x']);"),
        &[(json!({"a": "x"}), true), (json!({"a": 2}), false)],
    );
    agrees(
        &format!("{J}pm.expect(j.a).to.match(/^ab+$/i);"),
        &[(json!({"a": "ABB"}), true), (json!({"a": "abc"}), false)],
    );
    agrees(
        &format!("{J}pm.expect(j.n).to.be.within(1, 3);"),
        &[
            (json!({"n": 1}), true),
            (json!({"n": 3}), true),
            (json!({"n": 4}), false),
        ],
    );
    agrees(
        &format!("{J}pm.expect(j.n).to.not.be.above(3);"),
        &[
            (json!({"n": 3}), true),
            (json!({"n": 4}), false),
            (json!({"n": "2"}), false),
        ],
    );
    agrees(
        &format!("{J}pm.expect(j.n).to.be.closeTo(1.5, 0.5);"),
        &[(json!({"n": 1.0}), true), (json!({"n": 2.1}), false)],
    );
    agrees(
        &format!("{J}pm.expect(j.t).to.be.true;"),
        &[(json!({"t": true}), true), (json!({"t": 1}), false)],
    );
    agrees(
        &format!("{J}pm.expect(j.e).to.be.empty;"),
        &[
            (json!({"e": []}), true),
            (json!({"e": ""}), true),
            (json!({"e": {}}), true),
            (json!({"e": [0]}), false),
        ],
    );
    // chai's `ok` is truthiness: no matcher says it.
    unconverted(&format!("{J}pm.expect(j.a).to.be.ok;"));
}

#[test]
fn legacy_tests_read_as_booleans() {
    agrees(
        &format!("{J}tests['a is 1'] = j.a === 1;"),
        &[(json!({"a": 1}), true), (json!({"a": "1"}), false)],
    );
    agrees(
        &format!("{J}tests['has a'] = j.hasOwnProperty('a');"),
        &[(json!({"a": null}), true), (json!({}), false)],
    );
    agrees(
        &format!("{J}tests['list'] = Array.isArray(j.a) && j.a.length > 0;"),
        &[
            (json!({"a": [1]}), true),
            (json!({"a": []}), false),
            (json!({"a": "x"}), false),
        ],
    );
    agrees(
        &format!("{J}tests['int'] = Number.isInteger(j.n);"),
        &[(json!({"n": 2}), true), (json!({"n": 2.5}), false)],
    );
    agrees(
        &format!("{J}tests['date'] = /^\\d{{4}}-\\d\\d$/.test(j.d);"),
        &[
            (json!({"d": "2024-01"}), true),
            (json!({"d": "24-01"}), false),
        ],
    );
    agrees(
        &format!("{J}tests['str'] = typeof j.s === 'string';"),
        &[(json!({"s": "x"}), true), (json!({"s": 1}), false)],
    );
    agrees(
        &format!("{J}tests['lodash'] = _.has(j, 'a.b') && _.isEqual(j.c, [1]);"),
        &[
            (json!({"a": {"b": 0}, "c": [1]}), true),
            (json!({"a": {}, "c": [1]}), false),
        ],
    );
    // JSON.parse(responseBody) is the body too; `||` of body checks is not.
    agrees(
        "var data = JSON.parse(responseBody);\ntests['x'] = data.x !== undefined;",
        &[(json!({"x": null}), true), (json!({}), false)],
    );
    unconverted(&format!("{J}tests['either'] = j.a === 1 || j.b === 1;"));
    unconverted(&format!("{J}tests['truthy'] = j.a;"));
    unconverted("tests['text'] = responseBody.has('ok');");
}

#[test]
fn locals_helpers_and_loops_follow_the_body() {
    agrees(
        "var responseJSON = JSON.parse(responseBody);\nvar user = responseJSON.user || {};\ntests['email'] = user.hasOwnProperty('email');",
        &[
            (json!({"user": {"email": "a"}}), true),
            (json!({"user": {}}), false),
            (json!({}), false),
        ],
    );
    // The fallback itself is the script's value: `{}` is empty.
    unconverted(&format!(
        "{J}var user = j.user || {{}};\npm.expect(user).to.be.empty;"
    ));
    agrees(
        &format!(
            "{J}function checkUser(u) {{\n  pm.expect(u.id).to.be.a('number');\n}}\ncheckUser(j.owner);"
        ),
        &[
            (json!({"owner": {"id": 1}}), true),
            (json!({"owner": {"id": "1"}}), false),
        ],
    );
    agrees(
        &format!(
            "{J}const isUser = (u) => pm.expect(u).to.have.property('email');\nisUser(j.owner);"
        ),
        &[
            (json!({"owner": {"email": null}}), true),
            (json!({"owner": {}}), false),
        ],
    );
    agrees(
        &format!("{J}const {{ items }} = j;\npm.expect(items).to.have.lengthOf(1);"),
        &[(json!({"items": [0]}), true), (json!({"items": []}), false)],
    );
    // Every element is checked; forEach fails on a missing list.
    let for_each = format!(
        "{J}j.items.forEach(function (item) {{\n  pm.expect(item.id).to.be.above(0);\n}});"
    );
    agrees(
        &for_each,
        &[
            (json!({"items": [{"id": 1}, {"id": 2}]}), true),
            (json!({"items": [{"id": 1}, {"id": 0}]}), false),
            (json!({"items": [{"id": 1}, {"id": "5"}]}), false),
            (json!({"items": []}), true),
            (json!({}), false),
        ],
    );
    // lodash's each does nothing on a missing list.
    agrees(
        &format!(
            "{J}_.each(j.items, (item) => {{\n  pm.expect(item).to.have.property('id');\n}});"
        ),
        &[
            (json!({"items": [{"id": 1}, {"id": null}]}), true),
            (json!({"items": [{"id": 1}, {}]}), false),
            (json!({}), true),
        ],
    );
    agrees(
        &format!("{J}for (const t of j.tags) {{\n  tests['tag'] = t.name === 'a';\n}}"),
        &[
            (json!({"tags": [{"name": "a"}]}), true),
            (json!({"tags": [{"name": "b"}]}), false),
        ],
    );
    // A check that is not about the element runs once per element: only
    // when the list is not empty.
    unconverted(&format!(
        "{J}j.items.forEach(function (item) {{\n  pm.expect(j.count).to.eql(1);\n}});"
    ));
    // A type of every element has no filter.
    unconverted(&format!(
        "{J}j.items.forEach(i => pm.expect(i.id).to.be.a('string'));"
    ));
}

#[test]
fn conditions_guards_and_try() {
    // A guard on an environment value keeps its checks, with a note.
    let text = "if (!(environment.isIntegrationTest)) {\nvar responseJSON = JSON.parse(responseBody);\ntests['user'] = responseJSON.hasOwnProperty('user');\n}";
    agrees(text, &[(json!({"user": 1}), true), (json!({}), false)]);
    let notes = script(text).notes;
    assert_eq!(
        notes,
        ["checked only when `!(environment.isIntegrationTest)` holds in Postman"]
    );
    // A condition the script asserts anyway: its branch always applies.
    let text = "var is200 = responseCode.code === 200;\ntests['200'] = is200;\nif (is200) {\n  var j = JSON.parse(responseBody);\n  tests['a'] = j.hasOwnProperty('a');\n} else {\n  tests['b'] = true;\n}";
    let checks = script(text);
    assert_eq!(checks.status, Some(json!(200)));
    assert_eq!(checks.json["$.a"], json!({"exists": true}));
    assert_eq!((checks.assertions, checks.converted), (3, 2));
    assert_eq!(
        checks.unconverted[0].kind,
        "in the `else` of a checked condition"
    );
    // A condition on the body: what runs under it is conditional.
    let checks = script(&format!(
        "{J}if (j.items.length) {{\n  pm.expect(j.items[0].id).to.exist;\n}}"
    ));
    assert_eq!((checks.assertions, checks.converted), (1, 0));
    assert_eq!(
        checks.unconverted[0].kind,
        "inside a condition on the response"
    );
    // A catch that ignores the failure makes the assertion a no-op.
    unconverted(&format!(
        "{J}try {{\n  pm.expect(j.a).to.eql(1);\n}} catch (e) {{\n  console.log(e);\n}}"
    ));
    agrees(
        &format!("{J}try {{\n  pm.expect(j.a).to.eql(1);\n}} catch (e) {{\n  throw e;\n}}"),
        &[(json!({"a": 1}), true), (json!({"a": 2}), false)],
    );
}

#[test]
fn response_status_headers_and_time() {
    let status = |t: &str| script(t).status;
    assert_eq!(
        status("pm.expect(pm.response.code).to.be.within(200, 299);"),
        Some(json!("2xx"))
    );
    assert_eq!(
        status("tests['ok'] = responseCode.code === 200 || responseCode.code === 201;"),
        Some(json!([200, 201]))
    );
    assert_eq!(status("pm.response.to.have.status(204);"), Some(json!(204)));
    assert_eq!(
        status("pm.expect([200, 201]).to.include(pm.response.code);"),
        Some(json!([200, 201]))
    );
    agrees(
        &format!("{J}pm.expect(['a', 'b']).to.include(j.s);"),
        &[(json!({"s": "b"}), true), (json!({"s": "c"}), false)],
    );
    assert_eq!(
        status("pm.expect(pm.response).to.have.status(201);"),
        Some(json!(201))
    );
    // Not an error: any class but 4xx and 5xx.
    assert_eq!(
        status("pm.response.to.not.be.error;"),
        Some(json!(["1xx", "2xx", "3xx"]))
    );
    // A reason phrase, or a negation of a code, has no status expectation.
    for t in [
        "pm.response.to.have.status('Created');",
        "pm.response.to.not.have.status(200);",
        "pm.expect(pm.response.code).to.not.eql(500);",
    ] {
        let c = script(t);
        assert_eq!((c.status, c.converted), (None, 0), "{t}");
    }
    let c = script(
        "pm.expect(pm.response.headers.get('X-A')).to.eql('v');\ntests['ct'] = postman.getResponseHeader('Content-Type');\npm.expect(pm.response.responseTime).to.be.at.most(300);",
    );
    assert_eq!(c.headers["X-A"], json!("v"));
    assert_eq!(c.headers["Content-Type"], json!({"matches": "."}));
    assert_eq!(c.max_duration.as_deref(), Some("301ms"));
    let c = script("pm.response.to.have.jsonBody('a.b', 1);\npm.response.to.have.jsonBody('c');");
    assert_eq!(c.json["$.a.b"], json!(1));
    assert_eq!(c.json["$.c"], json!({"exists": true}));
}

#[test]
fn untranslated_idioms_are_named() {
    let c = script(
        "pm.response.to.have.jsonSchema(schema);\ntests['v'] = tv4.validate(pm.response.json(), schema);\npm.expect(pm.response.text()).to.include('ok');\npostman.setNextRequest('x');\npm.expect(x).to.satisfy(f);",
    );
    let kinds: Vec<(usize, &str, bool)> = c
        .unconverted
        .iter()
        .map(|u| (u.line, u.kind.as_str(), u.assertion))
        .collect();
    assert_eq!(
        kinds,
        [
            (1, "JSON schema computed in the script", true),
            (2, "JSON schema computed in the script", true),
            (3, "response text check", true),
            (4, "flow control (setNextRequest)", false),
            (5, "chai `.satisfy`", true),
        ]
    );
    let c = script("pm.test('broken', function () {\n  pm.expect(1).to.eql(1);\n");
    assert_eq!(c.unconverted[0].kind, "the script does not parse");
}
