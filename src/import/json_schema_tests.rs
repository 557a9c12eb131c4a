//! Tests of `json_schema.rs`, from tv4's and chai-postman's (Ajv 6)
//! documented semantics: each converted check is run by gatecheck's own
//! JSON checks on bodies where Postman's validator passes and where it
//! fails, and must agree; what gatecheck cannot check as Postman does stays
//! a comment that says why.

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
    // Through YAML, as the suite file carries it.
    let yaml = serde_yaml::to_string(&map).unwrap();
    let compiled: JsonChecks =
        serde_yaml::from_str(&yaml).unwrap_or_else(|e| panic!("{text} -> {yaml}: {e}"));
    Some(passes(&compiled, body))
}

/// `text` converts, and agrees with Postman on each (body, Postman's verdict).
fn agrees(text: &str, cases: &[(Json, bool)]) {
    for (body, postman) in cases {
        assert_eq!(
            holds(text, body),
            Some(*postman),
            "`{text}` on {body}: Postman says {postman}; converted to {:?}",
            script(text).json
        );
    }
}

/// `text` stays a comment, for a reason containing `why`.
fn unconverted(text: &str, why: &str) {
    let checks = script(text);
    assert!(
        checks.converted < checks.assertions,
        "{text} should stay a comment"
    );
    let kinds: Vec<&str> = checks.unconverted.iter().map(|u| u.kind.as_str()).collect();
    assert!(
        kinds.iter().any(|k| k.contains(why)),
        "{text}: {kinds:?} should say {why:?}"
    );
}

const USER: &str = r#"var schema = {
    "type": "object",
    "required": ["id"],
    "properties": {
        "id": {"type": "integer", "minimum": 100},
        "email": {"type": "string", "format": "email"}
    }
};
"#;

#[test]
fn tv4_validate_in_the_legacy_tests_object() {
    let text = format!(
        "{USER}var data = JSON.parse(responseBody);\ntests[\"valid\"] = tv4.validate(data, schema);"
    );
    agrees(
        &text,
        &[
            (json!({"id": 150}), true),
            (json!({"id": 50}), false),
            (json!({"id": "150"}), false),
            (json!({"email": "a@b.co"}), false),
            (json!([1]), false),
            // tv4 checks no format.
            (json!({"id": 150, "email": "not an address"}), true),
        ],
    );
    let checks = script(&text);
    assert_eq!(
        checks.json["$"]["schema"]["$schema"],
        json!("http://json-schema.org/draft-04/schema#")
    );
    assert_eq!(
        checks.json["$"]["schema"]["properties"]["email"],
        json!({"type": "string"})
    );
}

#[test]
fn tv4_forms_of_pm_expect_and_validate_result() {
    let cases = [(json!({"id": 150}), true), (json!({"id": 1}), false)];
    for line in [
        "pm.expect(tv4.validate(pm.response.json(), schema)).to.be.true;",
        "pm.expect(tv4.validate(pm.response.json(), schema)).to.eql(true);",
        "tests[\"ok\"] = tv4.validateResult(pm.response.json(), schema).valid;",
        "tests[\"ok\"] = tv4.validateMultiple(pm.response.json(), schema).valid;",
        "var ok = tv4.validate(pm.response.json(), schema);\npm.test(\"ok\", function () { pm.expect(ok).to.be.true; });",
    ] {
        agrees(&format!("{USER}{line}"), &cases);
    }
    // A part of the body.
    agrees(
        &format!("{USER}var j = pm.response.json();\ntests[\"u\"] = tv4.validate(j.user, schema);"),
        &[
            (json!({"user": {"id": 100}}), true),
            (json!({"user": {"id": 99}}), false),
            (json!({}), false),
        ],
    );
}

#[test]
fn tv4_reads_every_schema_as_draft_04() {
    // `exclusiveMaximum: true` is draft-04's; `const` is unknown to draft-04
    // (tv4 ignores it), whatever `$schema` says.
    let text = r#"var s = {"$schema": "http://json-schema.org/draft-07/schema#",
  "properties": {"n": {"maximum": 10, "exclusiveMaximum": true}, "k": {"const": "a"}}};
tests["ok"] = tv4.validate(pm.response.json(), s);"#;
    agrees(
        text,
        &[(json!({"n": 9, "k": "b"}), true), (json!({"n": 10}), false)],
    );
}

#[test]
fn schemas_written_as_text_are_parsed() {
    let cases = [(json!(["a"]), true), (json!(["a", 1]), false)];
    agrees(
        r#"var schema = JSON.parse('{"type": "array", "items": {"type": "string"}}');
tests["ok"] = tv4.validate(pm.response.json(), schema);"#,
        &cases,
    );
    agrees(
        r#"tests["ok"] = tv4.validate(pm.response.json(), JSON.parse('{"type": "array", "items": {"type": "string"}}'));"#,
        &cases,
    );
}

#[test]
fn a_schema_held_in_a_postman_variable_stays_a_comment_naming_it() {
    for line in [
        "tests[\"ok\"] = tv4.validate(pm.response.json(), pm.environment.get(\"userSchema\"));",
        "tests[\"ok\"] = tv4.validate(pm.response.json(), JSON.parse(pm.collectionVariables.get(\"userSchema\")));",
        "tests[\"ok\"] = tv4.validate(pm.response.json(), JSON.parse(environment.userSchema));",
        "pm.expect(tv4.validate(pm.response.json(), JSON.parse(environment.userSchema))).to.be.true;",
        "pm.response.to.have.jsonSchema(JSON.parse(pm.environment.get(\"userSchema\")));",
    ] {
        unconverted(line, "Postman variable (`userSchema`");
    }
    unconverted(
        "var s = JSON.parse(environment.userSchema);\ntests[\"ok\"] = tv4.validate(pm.response.json(), s);",
        "JSON schema computed in the script",
    );
}

#[test]
fn tv4_cases_gatecheck_cannot_check_as_tv4_does_stay_comments() {
    unconverted(
        &format!("{USER}tests[\"ok\"] = tv4.validate(pm.response.json(), schema, false, true);"),
        "banUnknownProperties",
    );
    unconverted(
        &format!("{USER}tests[\"ok\"] = tv4.validateResult(pm.response.json(), schema);"),
        "without `.valid`",
    );
    // A reference tv4 would leave unresolved (and pass).
    unconverted(
        r#"tests["ok"] = tv4.validate(pm.response.json(), {"$ref": "http://example.com/user.json"});"#,
        "cannot check as tv4",
    );
    unconverted(
        r#"tests["ok"] = tv4.validate(pm.response.json(), {"properties": {"a": {"pattern": "{{p}}"}}});"#,
        "Postman variables",
    );
    unconverted(
        "pm.expect(tv4.validate(pm.response.json(), {\"type\": \"object\"})).to.be.false;",
        "boolean computed",
    );
}

const LINK: &str = r#"var schema = {
    "type": "object",
    "required": ["id"],
    "properties": {
        "id": {"type": "integer", "minimum": 100},
        "homepage": {"type": "string", "format": "uri"}
    }
};
"#;

#[test]
fn chai_postman_json_schema_is_ajv_draft_07_with_formats() {
    let cases = [
        (
            json!({"id": 150, "homepage": "https://example.com/ada"}),
            true,
        ),
        (json!({"id": 150, "homepage": "not a uri"}), false),
        (json!({"id": 50}), false),
        (json!({}), false),
    ];
    for line in [
        "pm.response.to.have.jsonSchema(schema);",
        "pm.test(\"s\", () => { pm.response.to.have.jsonSchema(schema); });",
        "pm.expect(pm.response.json()).to.have.jsonSchema(schema);",
        "var j = pm.response.json();\npm.expect(j).to.be.jsonSchema(schema);",
        "pm.response.to.have.jsonSchema(schema, {});",
    ] {
        agrees(&format!("{LINK}{line}"), &cases);
    }
    let checks = script(&format!("{LINK}pm.response.to.have.jsonSchema(schema);"));
    assert_eq!(
        checks.json["$"]["schema"]["$schema"],
        json!("http://json-schema.org/draft-07/schema#")
    );
    // draft-07 keywords hold.
    agrees(
        r#"var j = pm.response.json();
pm.expect(j.item).to.have.jsonSchema({"properties": {"kind": {"const": "a"}},
  "if": {"required": ["kind"]}, "then": {"required": ["name"]}});"#,
        &[
            (json!({"item": {"kind": "a", "name": "x"}}), true),
            (json!({"item": {"kind": "a"}}), false),
            (json!({"item": {"kind": "b", "name": "x"}}), false),
            (json!({"item": {}}), true),
        ],
    );
}

#[test]
fn ajv_cases_that_fail_or_differ_in_postman_stay_comments() {
    unconverted(
        r#"pm.response.to.have.jsonSchema({"$schema": "http://json-schema.org/draft-04/schema#", "type": "object"});"#,
        "draft-07 only",
    );
    unconverted(
        r#"pm.response.to.have.jsonSchema({"properties": {"n": {"type": "integer", "format": "int32"}}});"#,
        "`format: int32`",
    );
    unconverted(
        r#"pm.response.to.have.jsonSchema({"properties": {"u": {"format": "url"}}});"#,
        "`format: url`",
    );
    // Ajv's fast date check takes month 13; gatecheck's does not.
    unconverted(
        &format!("{USER}pm.response.to.have.jsonSchema(schema);"),
        "`format: email`",
    );
    unconverted(
        r#"pm.response.to.have.jsonSchema({"properties": {"d": {"format": "date"}}});"#,
        "`format: date`",
    );
    unconverted(
        r#"pm.response.to.not.have.jsonSchema({"type": "object"});"#,
        "`.not.jsonSchema`",
    );
    unconverted(
        r#"pm.expect(pm.response.json()).to.not.have.jsonSchema({"type": "object"});"#,
        "`.not.jsonSchema`",
    );
    unconverted(
        r#"pm.response.to.have.jsonSchema({"type": "object"}, {"allErrors": false});"#,
        "Ajv options",
    );
    unconverted("pm.response.to.have.jsonSchema(true);", "not an object");
    unconverted(
        r#"pm.response.to.have.jsonSchema({"type": "object", "required": "id"});"#,
        "cannot check as Ajv",
    );
}

#[test]
fn a_property_named_format_is_not_the_keyword() {
    // tv4 drops `format` keywords only, never a property called `format`.
    agrees(
        r#"var s = {"required": ["format"], "properties": {"format": {"enum": ["pdf"]}}};
tests["ok"] = tv4.validate(pm.response.json(), s);"#,
        &[
            (json!({"format": "pdf"}), true),
            (json!({"format": "doc"}), false),
            (json!({}), false),
        ],
    );
}
