//! JSONPath over a body's tape must answer every path exactly as over a
//! parsed `serde_json::Value`.

use jsonpath_rust::query::queryable::Queryable;
use proptest::prelude::*;
use serde_json::{Value as Json, json};

use super::Node;
use crate::http::json_tape::Tape;
use crate::suite::expect::JsonPath;

/// The selection of `path` in `text`, over its tape and over the parsed
/// value. Each selected node's token is checked to hold the same value.
fn both(text: &str, path: &str) -> (Vec<Json>, Vec<Json>) {
    let path = JsonPath::parse(path).unwrap();
    let tape = Tape::read(text.as_bytes()).unwrap();
    let doc = Node::over_tape(&tape, text.as_bytes());
    let selected = path.select(&doc);
    let taped: Vec<Json> = selected.iter().map(|n| n.to_json()).collect();
    for node in selected {
        let token = node
            .tape_index()
            .map(|at| Node::at_token(&tape, text.as_bytes(), at));
        assert_eq!(
            token.map(|t| t.to_json()),
            Some(node.to_json()),
            "{path:?} on {text}"
        );
    }
    let value: Json = serde_json::from_str(text).unwrap();
    let whole = path.select(&value).into_iter().cloned().collect();
    (taped, whole)
}

const PATHS: &[&str] = &[
    "$",
    "$[-1].name",
    "$[0]",
    "$[1:3]",
    "$[-2:]",
    "$.*",
    "$..name",
    "$..*",
    "$.a",
    "$.a.b[0]",
    "$['a b']",
    "$[?@.n > 1]",
    "$[?@.n == 1.5]",
    "$[?@.name == 'x\"y']",
    "$.items[?@.price < 10].sku",
    "$.items[?length(@.tags) == 2]",
    "$[?@.ok == true]",
    "$[?@ == null]",
    "$.k",
    "$.\u{e9}",
];

#[test]
fn selections_equal_a_parsed_value_on_varied_bodies() {
    let bodies = [
        r#"[{"name":"a","n":1},{"name":"x\"y","n":2.5,"ok":true},{"name":"last","n":1.5}]"#,
        r#" { "a" : { "b" : [ 1 , -2e3 , "c" ] } , "a b" : null , "items" : [
            {"sku":"s1","price":5,"tags":["t","u"]},{"sku":"s2","price":50,"tags":[]} ] } "#,
        r#"{"k":1,"k":2,"other":[],"\u00e9":"\u00e9\n\ud83d\ude00"}"#,
        r#"[null, true, false, 0, -0, 1.0, 18446744073709551615, "", [], {}]"#,
        r#""just a string""#,
        "42",
    ];
    for body in bodies {
        for path in PATHS {
            let (taped, whole) = both(body, path);
            assert_eq!(taped, whole, "{path} on {body}");
        }
    }
}

#[test]
fn a_repeated_key_keeps_its_first_place_and_last_value() {
    let (taped, whole) = both(r#"{"k":1,"j":0,"k":2}"#, "$.*");
    assert_eq!(taped, vec![json!(2), json!(0)]);
    assert_eq!(taped, whole);
}

#[test]
fn the_last_element_of_a_big_array_is_found_without_reading_the_rest() {
    let items: Vec<Json> = (0..10_000)
        .map(|i| json!({"id": i, "name": format!("item {i}"), "tags": ["a", "b"]}))
        .collect();
    let text = Json::Array(items).to_string();
    let tape = Tape::read(text.as_bytes()).unwrap();
    let doc = Node::over_tape(&tape, text.as_bytes());
    let path = JsonPath::parse("$[-1].name").unwrap();
    let found: Vec<Json> = path.select(&doc).iter().map(|n| n.to_json()).collect();
    assert_eq!(found, vec![json!("item 9999")]);
    let items = doc.as_array().unwrap();
    assert!(items[9999].parsed.get().is_some());
    assert!(items[..9999].iter().all(|item| item.parsed.get().is_none()));
}

fn any_json() -> impl Strategy<Value = Json> {
    let leaf = prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::from),
        any::<i64>().prop_map(Json::from),
        (-1e6f64..1e6).prop_map(Json::from),
        "[a-c\"\\\\\u{e9} ]{0,4}".prop_map(Json::from),
    ];
    leaf.prop_recursive(4, 40, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Json::Array),
            prop::collection::vec(("[a-c]{1,2}", inner), 0..5)
                .prop_map(|kv| Json::Object(kv.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn selections_equal_a_parsed_value_on_random_bodies(value in any_json(), pretty in any::<bool>()) {
        let text = if pretty {
            serde_json::to_string_pretty(&value).unwrap()
        } else {
            value.to_string()
        };
        for path in ["$..*", "$..a", "$[-1]", "$.*[?@.b]", "$[?@ > 0]", "$..[0]"] {
            let (taped, whole) = both(&text, path);
            prop_assert_eq!(taped, whole, "{} on {}", path, text);
        }
    }
}
