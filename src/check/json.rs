//! `expect.json`: JSONPath -> matchers. A path that selects one value is
//! checked against that value; a path that selects several is checked
//! against the list of them; a path that selects nothing fails (unless the
//! matcher is `exists: false`).

use std::cmp::Ordering;

use serde_json::{Number, Value as Json};

use super::failure::{Failure, FailureKind};
use crate::http::json_node::{Node, selection};
use crate::suite::json_schema::CompiledSchema;
use crate::suite::keypath::KeyPath;
use crate::suite::matcher::{JsonChecks, JsonType, Matcher, SchemaMatcher};
use crate::suite::template::TestVars;
use crate::wire::value::int_float_cmp;

/// Longest actual value shown in a failure line.
const SHOW_MAX: usize = 200;

/// Why one matcher failed: what it wanted, and what was found (`None`: the
/// path selects nothing); or a template in the matcher that did not render.
enum Why {
    Mismatch {
        expected: String,
        actual: Option<String>,
    },
    Template(String),
}

impl From<String> for Why {
    fn from(message: String) -> Self {
        Why::Template(message)
    }
}

/// The failures of `expect.json`, each at its key path
/// (`expect.json."$.id".gt`, or `expect.json."$.id"` for a literal).
/// `Err` carries why the response has no JSON body ("the response is not
/// JSON", or that it is nested too deep).
pub fn check(checks: &JsonChecks, body: Result<&Node, String>, scope: &TestVars) -> Vec<Failure> {
    let json_key = KeyPath::root().key("expect").key("json");
    if checks.0.is_empty() {
        return Vec::new();
    }
    let body = match body {
        Ok(body) => body,
        Err(why) => {
            let kind = FailureKind::NotJson {
                subject: "json".into(),
                why,
            };
            return vec![Failure::new(kind, json_key)];
        }
    };
    let mut failures = Vec::new();
    for (path, matchers) in &checks.0 {
        let nodes = path.select(body);
        let count = nodes.len();
        let actual = selection(&nodes);
        let path_key = json_key.key(path.source.as_str());
        for matcher in matchers {
            let result = match matcher {
                Matcher::Count(n) => ensure(count == *n, || Why::Mismatch {
                    expected: nodes_count(*n),
                    actual: Some(nodes_count(count)),
                }),
                _ => check_one(matcher, actual.as_ref(), scope),
            };
            let Err(why) = result else {
                continue;
            };
            let path = path.source.clone();
            let kind = match why {
                Why::Mismatch { expected, actual } => FailureKind::Json {
                    path,
                    expected,
                    actual,
                },
                Why::Template(message) => FailureKind::Template {
                    subject: path,
                    message,
                },
            };
            failures.push(Failure::new(kind, path_key.key(matcher.keyword())));
        }
    }
    failures
}

/// Shows a value compactly, cut to a sane length.
pub fn show(value: &Json) -> String {
    let text = value.to_string();
    if text.len() <= SHOW_MAX {
        return text;
    }
    let mut cut = SHOW_MAX;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}… ({} bytes)", &text[..cut], text.len())
}

/// `1 node`, `3 nodes`.
fn nodes_count(n: usize) -> String {
    if n == 1 {
        "1 node".to_owned()
    } else {
        format!("{n} nodes")
    }
}

/// What a matcher expects, in words: `false`, `< 2`, `type integer`.
fn expected(matcher: &Matcher, scope: &TestVars) -> Result<String, Why> {
    Ok(match matcher {
        Matcher::Exists(true) => "to exist".to_owned(),
        Matcher::Exists(false) => "not to exist".to_owned(),
        Matcher::Equals(want) => show(&scope.render_json(want)?),
        Matcher::Type(t) => format!("type {}", t.name()),
        Matcher::Matches(re) => format!("a match for /{}/", re.as_str()),
        Matcher::Contains(want) => format!("to contain {}", show(&scope.render_json(want)?)),
        Matcher::Length(n) => format!("length {n}"),
        Matcher::Gt(n) => format!("> {n}"),
        Matcher::Gte(n) => format!(">= {n}"),
        Matcher::Lt(n) => format!("< {n}"),
        Matcher::Lte(n) => format!("<= {n}"),
        Matcher::Empty(true) => "empty".to_owned(),
        Matcher::Empty(false) => "not empty".to_owned(),
        Matcher::Count(n) => nodes_count(*n),
        Matcher::Schema(s) => schema_expected(s),
        Matcher::SchemaFile(file) => format!("to match the schema in `{file}`"),
        Matcher::OneOf(options) => {
            let options = options
                .iter()
                .map(|o| scope.render_json(o))
                .collect::<Result<Vec<_>, _>>()?;
            format!("one of {}", show(&Json::Array(options)))
        }
    })
}

fn check_one(matcher: &Matcher, actual: Option<&Json>, scope: &TestVars) -> Result<(), Why> {
    let expected = || expected(matcher, scope);
    let mismatch = |expected: String, actual: Option<String>| Why::Mismatch { expected, actual };
    let actual = match (matcher, actual) {
        (Matcher::Exists(true), None) => return Err(mismatch(expected()?, None)),
        (Matcher::Exists(false), Some(v)) => return Err(mismatch(expected()?, Some(show(v)))),
        (Matcher::Exists(_), _) => return Ok(()),
        (_, None) => return Err(mismatch(expected()?, None)),
        (_, Some(v)) => v,
    };
    let ok = match matcher {
        Matcher::Exists(_) | Matcher::Count(_) => true,
        Matcher::Schema(s) => {
            let errors = s.compiled.errors(actual);
            return ensure(errors.is_empty(), || {
                let got = format!(
                    "{}, which fails {}",
                    show(actual),
                    CompiledSchema::explain(&errors)
                );
                mismatch(schema_expected(s), Some(got))
            });
        }
        // The loader replaces every `schema_file` with its compiled schema.
        Matcher::SchemaFile(_) => false,
        Matcher::Equals(want) => json_eq(&scope.render_json(want)?, actual),
        Matcher::Type(t) => t.matches(actual),
        Matcher::Matches(re) => match actual {
            Json::String(s) => re.is_match(s),
            Json::Number(n) => re.is_match(&n.to_string()),
            _ => {
                let want = format!("a string matching /{}/", re.as_str());
                return Err(mismatch(want, Some(show(actual))));
            }
        },
        Matcher::Contains(want) => contains(actual, &scope.render_json(want)?),
        Matcher::Length(n) => match length(actual) {
            Some(len) => {
                return ensure(len == *n, || {
                    mismatch(format!("length {n}"), Some(format!("length {len}")))
                });
            }
            None => {
                let got = format!("{}, which has no length", show(actual));
                return Err(mismatch(format!("length {n}"), Some(got)));
            }
        },
        Matcher::Gt(n) => return compare(actual, n, ">", Ordering::is_gt),
        Matcher::Gte(n) => return compare(actual, n, ">=", Ordering::is_ge),
        Matcher::Lt(n) => return compare(actual, n, "<", Ordering::is_lt),
        Matcher::Lte(n) => return compare(actual, n, "<=", Ordering::is_le),
        Matcher::Empty(want) => {
            let empty = match actual {
                Json::Null => true,
                Json::String(s) => s.is_empty(),
                Json::Array(a) => a.is_empty(),
                Json::Object(o) => o.is_empty(),
                _ => false,
            };
            empty == *want
        }
        Matcher::OneOf(options) => options
            .iter()
            .map(|o| scope.render_json(o))
            .collect::<Result<Vec<_>, _>>()?
            .iter()
            .any(|o| json_eq(o, actual)),
    };
    if ok {
        return Ok(());
    }
    let got = match matcher {
        Matcher::Type(_) => format!("{} {}", JsonType::of(actual), show(actual)),
        _ => show(actual),
    };
    Err(mismatch(expected()?, Some(got)))
}

/// `to match the schema (draft-07)`, `to match the schema in `user.json` (draft-07)`.
fn schema_expected(s: &SchemaMatcher) -> String {
    match &s.file {
        Some(file) => format!("to match the schema in `{file}` ({})", s.compiled.draft),
        None => format!("to match the schema ({})", s.compiled.draft),
    }
}

fn ensure(ok: bool, why: impl FnOnce() -> Why) -> Result<(), Why> {
    if ok { Ok(()) } else { Err(why()) }
}

fn compare(actual: &Json, bound: &Number, op: &str, f: fn(Ordering) -> bool) -> Result<(), Why> {
    let (ok, expected) = match actual {
        Json::Number(a) => (number_cmp(a, bound).is_some_and(f), format!("{op} {bound}")),
        _ => (false, format!("a number {op} {bound}")),
    };
    ensure(ok, || Why::Mismatch {
        expected,
        actual: Some(show(actual)),
    })
}

/// Compares two JSON numbers exactly: integers as integers (64-bit ids
/// beyond 2^53 stay distinct), an integer and a float by their exact
/// values (1 and 1.0 are the same number).
pub fn number_cmp(a: &Number, b: &Number) -> Option<Ordering> {
    match (integer(a), integer(b)) {
        (Some(x), Some(y)) => Some(x.cmp(&y)),
        (Some(x), None) => int_float_cmp(x, b.as_f64()?),
        (None, Some(y)) => int_float_cmp(y, a.as_f64()?).map(Ordering::reverse),
        (None, None) => a.as_f64()?.partial_cmp(&b.as_f64()?),
    }
}

/// A JSON integer (i64 or u64) as one type.
fn integer(n: &Number) -> Option<i128> {
    n.as_i64()
        .map(i128::from)
        .or_else(|| n.as_u64().map(i128::from))
}

/// Equality where 1 and 1.0 are the same number, and integers are exact.
fn json_eq(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => number_cmp(x, y) == Some(Ordering::Equal),
        (Json::Array(x), Json::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_eq(a, b))
        }
        (Json::Object(x), Json::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}

fn contains(actual: &Json, want: &Json) -> bool {
    match (actual, want) {
        (Json::String(s), Json::String(w)) => s.contains(w.as_str()),
        (Json::Array(items), w) => items.iter().any(|i| json_eq(i, w)),
        (Json::Object(map), Json::String(key)) => map.contains_key(key),
        _ => false,
    }
}

fn length(value: &Json) -> Option<usize> {
    match value {
        Json::Array(a) => Some(a.len()),
        Json::String(s) => Some(s.chars().count()),
        Json::Object(o) => Some(o.len()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(checks: Json, body: Json) -> Vec<Failure> {
        let checks: JsonChecks = serde_json::from_value(checks).unwrap();
        let mut scope = TestVars::new();
        scope.set("title", json!("buy milk"));
        // The body as a response has it: its text read into a tape.
        let text = body.to_string();
        let tape = crate::http::json_tape::Tape::read(text.as_bytes()).unwrap();
        check(
            &checks,
            Ok(&Node::over_tape(&tape, text.as_bytes())),
            &scope,
        )
    }

    fn mismatch(path: &str, expected: &str, actual: Option<&str>) -> FailureKind {
        FailureKind::Json {
            path: path.into(),
            expected: expected.into(),
            actual: actual.map(Into::into),
        }
    }

    #[test]
    fn every_matcher_passes_on_a_matching_body() {
        let body = json!({"items": [{"id": 7, "title": "buy milk", "done": false}], "count": 1});
        let failures = run(
            json!({
                "$.items": {"type": "array", "length": 1},
                "$.items[0].title": "{{ title }}",
                "$.items[0].done": false,
                "$.items[0].id": {"gt": 5, "lte": 7, "type": "integer"},
                "$.items[*].title": {"contains": "buy milk"},
                "$.count": {"one_of": [1, 2]},
                "$.items[0]['title']": {"matches": "^buy"},
                "$.nope": {"exists": false}
            }),
            body,
        );
        assert_eq!(failures, Vec::<Failure>::new());
    }

    #[test]
    fn empty_means_no_characters_items_or_keys() {
        let body = json!({"s": "", "a": [], "o": {}, "n": null, "full": "x", "list": [1]});
        let passing = run(
            json!({"$.s": {"empty": true}, "$.a": {"empty": true}, "$.o": {"empty": true},
                   "$.n": {"empty": true}, "$.full": {"empty": false}, "$.list": {"empty": false}}),
            body.clone(),
        );
        assert!(passing.is_empty(), "{passing:?}");
        let failing = run(
            json!({"$.s": {"empty": false}, "$.list": {"empty": true}}),
            body,
        );
        assert_eq!(failing.len(), 2, "{failing:?}");
        assert_eq!(failing[0].kind, mismatch("$.s", "not empty", Some("\"\"")));
        assert_eq!(failing[0].key_path.to_string(), "expect.json.\"$.s\".empty");
    }

    #[test]
    fn failures_carry_expected_actual_and_where() {
        let body = json!({"items": [{"done": true}], "count": 3});
        let failures = run(
            json!({"$.items[0].done": false, "$.count": {"lt": 2}, "$.missing": 1}),
            body,
        );
        let kinds: Vec<&FailureKind> = failures.iter().map(|f| &f.kind).collect();
        assert_eq!(
            kinds,
            vec![
                &mismatch("$.items[0].done", "false", Some("true")),
                &mismatch("$.count", "< 2", Some("3")),
                &mismatch("$.missing", "1", None),
            ]
        );
        let paths: Vec<String> = failures.iter().map(|f| f.key_path.to_string()).collect();
        assert_eq!(
            paths,
            [
                r#"expect.json."$.items[0].done".equals"#,
                r#"expect.json."$.count".lt"#,
                r#"expect.json."$.missing".equals"#,
            ]
        );
    }

    #[test]
    fn type_length_and_existence_say_what_was_found() {
        let body = json!({"id": "7", "n": 4, "gone": null});
        let failures = run(
            json!({
                "$.id": {"type": "integer"},
                "$.n": {"length": 2, "matches": "^5"},
                "$.gone": {"exists": false},
                "$.absent": {"exists": true},
                "$['id']": {"gt": 1}
            }),
            body,
        );
        let kinds: Vec<FailureKind> = failures.into_iter().map(|f| f.kind).collect();
        assert_eq!(
            kinds,
            vec![
                mismatch("$.id", "type integer", Some("string \"7\"")),
                mismatch("$.n", "length 2", Some("4, which has no length")),
                mismatch("$.n", "a match for /^5/", Some("4")),
                mismatch("$.gone", "not to exist", Some("null")),
                mismatch("$.absent", "to exist", None),
                mismatch("$['id']", "a number > 1", Some("\"7\"")),
            ]
        );
    }

    #[test]
    fn integers_beyond_2_pow_53_are_compared_exactly() {
        let body = r#"{"id": 1234567890123456789, "neg": -1234567890123456789,
                       "ids": [1234567890123456789], "max": 18446744073709551615, "f": 2.5}"#;
        let tape = crate::http::json_tape::Tape::read(body.as_bytes()).unwrap();
        {
            let doc = Node::over_tape(&tape, body.as_bytes());
            let failures = |checks: Json| {
                let checks: JsonChecks = serde_json::from_value(checks).unwrap();
                check(&checks, Ok(&doc), &TestVars::new())
            };
            let passing = failures(json!({
                "$.id": 1234567890123456789u64,
                "$.neg": {"equals": -1234567890123456789i64, "lt": -1234567890123456788i64},
                "$.ids": {"contains": 1234567890123456789u64},
                "$.max": {"one_of": [1, 18446744073709551615u64], "gte": 18446744073709551615u64},
                "$.ids[0]": {"gt": 1234567890123456788u64, "lte": 1234567890123456789u64},
                "$.f": {"equals": 2.5, "gt": 2, "lt": 3}
            }));
            assert!(passing.is_empty(), "{passing:?}");
            for wrong in [
                json!({"$.id": 1234567890123456700u64}),
                json!({"$.id": 1.2345678901234568e18}),
                json!({"$.neg": -1234567890123456700i64}),
                json!({"$.ids": {"contains": 1234567890123456700u64}}),
                json!({"$.max": {"one_of": [18446744073709551614u64]}}),
                json!({"$.ids[0]": {"gt": 1234567890123456789u64}}),
                json!({"$.ids[0]": {"lt": 1234567890123456789u64}}),
                json!({"$.max": {"lte": 18446744073709551614u64}}),
                json!({"$.max": 18446744073709551614u64}),
            ] {
                assert_eq!(failures(wrong.clone()).len(), 1, "{wrong}");
            }
        }
    }

    #[test]
    fn count_tells_one_array_node_from_several_nodes() {
        let body = json!({"list": [1, 2], "items": [{"id": 1}, {"id": 2}], "none": []});
        let passing = run(
            json!({
                "$.list": {"count": 1, "length": 2},
                "$.items[*].id": {"count": 2, "equals": [1, 2]},
                "$.none[*]": {"count": 0},
                "$.missing": {"count": 0}
            }),
            body.clone(),
        );
        assert!(passing.is_empty(), "{passing:?}");
        // `$.list` and `$.items[*].id` both look like [1, 2] to `equals`.
        let failing = run(
            json!({"$.list": {"count": 2}, "$.items[*].id": {"count": 1}, "$.missing": {"count": 1}}),
            body,
        );
        let kinds: Vec<FailureKind> = failing.into_iter().map(|f| f.kind).collect();
        assert_eq!(
            kinds,
            vec![
                mismatch("$.list", "2 nodes", Some("1 node")),
                mismatch("$.items[*].id", "1 node", Some("2 nodes")),
                mismatch("$.missing", "1 node", Some("0 nodes")),
            ]
        );
    }

    #[test]
    fn an_unknown_variable_in_a_matcher_is_a_template_failure() {
        let failures = run(json!({"$.a": "{{ nope }}"}), json!({"a": 1}));
        assert!(
            matches!(&failures[0].kind, FailureKind::Template { subject, .. } if subject == "$.a"),
            "{failures:?}"
        );
    }

    #[test]
    fn a_non_json_body_fails_once_saying_why() {
        let checks: JsonChecks = serde_json::from_value(json!({"$.a": 1, "$.b": 2})).unwrap();
        let why = "the response is nested 2000 levels deep".to_owned();
        let failures = check(&checks, Err(why.clone()), &TestVars::new());
        assert_eq!(failures.len(), 1);
        assert_eq!(
            failures[0].kind,
            FailureKind::NotJson {
                subject: "json".into(),
                why
            }
        );
        assert_eq!(failures[0].key_path.to_string(), "expect.json");
    }
}
