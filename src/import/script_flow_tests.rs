//! Tests of `script_flow.rs`: loops inside loops, from what `forEach`,
//! `for...of` and lodash's `_.each` do in Postman's sandbox. Each converted
//! script is run by gatecheck's own JSON checks on bodies where the script
//! passes and where it fails, and must agree.

use serde_json::{Value as Json, json};

use crate::import::script_test_support::{passes, script};
use crate::suite::matcher::JsonChecks;

/// `text` converts entirely, and gatecheck's verdict on each body is
/// Postman's.
fn agrees(text: &str, cases: &[(Json, bool)]) {
    let checks = script(text);
    assert!(checks.assertions > 0, "no assertion in {text}");
    assert_eq!(
        checks.converted, checks.assertions,
        "`{text}` is not converted: {:?}",
        checks.unconverted
    );
    let map: serde_json::Map<String, Json> = checks.json.clone().into_iter().collect();
    let compiled: JsonChecks = serde_json::from_value(Json::Object(map.clone()))
        .unwrap_or_else(|e| panic!("{text} -> {map:?}: {e}"));
    for (body, postman) in cases {
        assert_eq!(
            passes(&compiled, body),
            *postman,
            "`{text}` on {body}: Postman says {postman}; converted to {map:?}"
        );
    }
}

const J: &str = "var j = pm.response.json();\n";

#[test]
fn for_each_inside_for_each_checks_every_element_of_every_list() {
    agrees(
        &format!(
            "{J}j.items.forEach(function (item) {{\n  item.tags.forEach(function (tag) {{\n    pm.expect(tag.id).to.be.above(0);\n  }});\n}});"
        ),
        &[
            (
                json!({"items": [{"tags": [{"id": 1}, {"id": 2}]}, {"tags": [{"id": 3}]}]}),
                true,
            ),
            (
                json!({"items": [{"tags": [{"id": 1}]}, {"tags": [{"id": 0}]}]}),
                false,
            ),
            (
                json!({"items": [{"tags": [{"id": 1}]}, {"tags": [{"id": "5"}]}]}),
                false,
            ),
            (json!({"items": [{"tags": []}]}), true),
            (json!({"items": []}), true),
            // forEach of a missing or non-list value throws: the test fails.
            (json!({"items": [{"tags": [{"id": 1}]}, {}]}), false),
            (json!({"items": [{"tags": null}]}), false),
            (json!({"items": [{"tags": "ab"}]}), false),
            (json!({"items": [{"tags": {"a": {"id": 1}}}]}), false),
            (json!({"items": [{"tags": 3}]}), false),
            (json!({"items": {"a": {"tags": []}}}), false),
            (json!({}), false),
        ],
    );
}

#[test]
fn nested_arrow_loops_and_for_of_read_the_same() {
    let cases = [
        (
            json!({"groups": [{"users": [{"active": true}]}, {"users": []}]}),
            true,
        ),
        (
            json!({"groups": [{"users": [{"active": true}, {"active": false}]}]}),
            false,
        ),
        (
            json!({"groups": [{"users": [{"active": true}]}, {"people": []}]}),
            false,
        ),
    ];
    agrees(
        &format!("{J}j.groups.forEach(g => g.users.forEach(u => pm.expect(u.active).to.be.true));"),
        &cases,
    );
    agrees(
        &format!(
            "{J}for (const g of j.groups) {{\n  for (const u of g.users) {{\n    tests['active'] = u.active === true;\n  }}\n}}"
        ),
        &cases,
    );
}

#[test]
fn lodash_each_inside_each_skips_missing_lists() {
    agrees(
        &format!(
            "{J}_.each(j.items, function (item) {{\n  _.each(item.tags, function (tag) {{\n    pm.expect(tag).to.have.property('id');\n  }});\n}});"
        ),
        &[
            (json!({"items": [{"tags": [{"id": 1}]}, {}]}), true),
            (json!({"items": [{"tags": [{"id": null}]}]}), true),
            (json!({"items": [{"tags": [{"id": 1}, {}]}]}), false),
            (json!({}), true),
        ],
    );
    // `forEach` outside, `_.each` inside: the outer list must be a list,
    // the inner ones may be missing.
    agrees(
        &format!(
            "{J}j.items.forEach(item => {{\n  _.each(item.tags, tag => {{ pm.expect(tag.id).to.eql(1); }});\n}});"
        ),
        &[
            (json!({"items": [{"tags": [{"id": 1}]}, {}]}), true),
            (json!({"items": [{"tags": [{"id": 2}]}]}), false),
            (json!({}), false),
        ],
    );
}

#[test]
fn a_list_of_lists_and_three_levels() {
    agrees(
        &format!("{J}j.rows.forEach(row => row.forEach(cell => pm.expect(cell).to.be.below(10)));"),
        &[
            (json!({"rows": [[1, 2], [3]]}), true),
            (json!({"rows": [[1], [10]]}), false),
            (json!({"rows": [[1], 5]}), false),
            (json!({"rows": []}), true),
        ],
    );
    agrees(
        &format!(
            "{J}j.a.forEach(x => {{\n  x.b.forEach(y => {{\n    y.c.forEach(z => {{\n      pm.expect(z.ok).to.eql(true);\n    }});\n  }});\n}});"
        ),
        &[
            (
                json!({"a": [{"b": [{"c": [{"ok": true}]}, {"c": []}]}]}),
                true,
            ),
            (
                json!({"a": [{"b": [{"c": [{"ok": true}, {"ok": 1}]}]}]}),
                false,
            ),
            (json!({"a": [{"b": [{"d": []}]}]}), false),
            (json!({"a": [{"c": []}]}), false),
        ],
    );
}

#[test]
fn checks_inside_a_nested_loop_that_are_not_about_its_elements_stay_comments() {
    let c = script(&format!(
        "{J}j.items.forEach(item => {{\n  item.tags.forEach(tag => {{\n    pm.expect(item.id).to.eql(1);\n  }});\n}});"
    ));
    assert_eq!(c.converted, 0, "{:?}", c.json);
    assert_eq!(
        c.unconverted[0].kind,
        "inside a loop, not about its elements"
    );
}
