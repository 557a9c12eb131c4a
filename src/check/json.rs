//! `expect.json`: JSONPath -> matchers. A path that selects one value is
//! checked against that value; a path that selects several is checked
//! against the list of them; a path that selects nothing fails (unless the
//! matcher is `exists: false`).

use serde_json::Value as Json;

use crate::suite::expect::{JsonChecks, JsonType, Matcher};
use crate::suite::template::Scope;

/// Longest actual value shown in a failure line.
const SHOW_MAX: usize = 200;

pub fn check(checks: &JsonChecks, body: Option<&Json>, scope: &Scope) -> Vec<String> {
    if checks.0.is_empty() {
        return Vec::new();
    }
    let Some(body) = body else {
        return vec!["json: expected a JSON body, but the response is not JSON".to_owned()];
    };
    let mut failures = Vec::new();
    for (path, matchers) in &checks.0 {
        let selected = path.select(body);
        let actual = match selected.as_slice() {
            [] => None,
            [one] => Some((*one).clone()),
            many => Some(Json::Array(many.iter().map(|v| (*v).clone()).collect())),
        };
        for matcher in matchers {
            if let Err(why) = check_one(matcher, actual.as_ref(), scope) {
                failures.push(format!("{path}: {why}"));
            }
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

fn check_one(matcher: &Matcher, actual: Option<&Json>, scope: &Scope) -> Result<(), String> {
    let actual = match (matcher, actual) {
        (Matcher::Exists(want), found) => {
            return match (want, found) {
                (true, None) => Err("expected to exist, but the path matches nothing".into()),
                (false, Some(v)) => Err(format!("expected not to exist, got {}", show(v))),
                _ => Ok(()),
            };
        }
        (_, None) => return Err("no match: the path selects nothing in the response".into()),
        (_, Some(v)) => v,
    };
    let got = || format!("got {}", show(actual));
    match matcher {
        Matcher::Exists(_) => Ok(()),
        Matcher::Equals(want) => {
            let want = scope.render_json(want)?;
            ensure(json_eq(&want, actual), || {
                format!("expected {}, {}", show(&want), got())
            })
        }
        Matcher::Type(t) => ensure(t.matches(actual), || {
            format!(
                "expected type {}, got {} {}",
                t.name(),
                JsonType::of(actual),
                show(actual)
            )
        }),
        Matcher::Matches(re) => {
            let text = match actual {
                Json::String(s) => s.clone(),
                Json::Number(n) => n.to_string(),
                _ => {
                    return Err(format!(
                        "expected a string matching /{}/, {}",
                        re.as_str(),
                        got()
                    ));
                }
            };
            ensure(re.is_match(&text), || {
                format!("expected a match for /{}/, {}", re.as_str(), got())
            })
        }
        Matcher::Contains(want) => {
            let want = scope.render_json(want)?;
            ensure(contains(actual, &want), || {
                format!("expected to contain {}, {}", show(&want), got())
            })
        }
        Matcher::Length(n) => match length(actual) {
            Some(len) => ensure(len == *n, || {
                format!("expected length {n}, got length {len}")
            }),
            None => Err(format!(
                "expected length {n}, but {} has no length",
                show(actual)
            )),
        },
        Matcher::Gt(n) => compare(actual, *n, ">", |a, b| a > b),
        Matcher::Gte(n) => compare(actual, *n, ">=", |a, b| a >= b),
        Matcher::Lt(n) => compare(actual, *n, "<", |a, b| a < b),
        Matcher::Lte(n) => compare(actual, *n, "<=", |a, b| a <= b),
        Matcher::Empty(want) => {
            let empty = match actual {
                Json::Null => true,
                Json::String(s) => s.is_empty(),
                Json::Array(a) => a.is_empty(),
                Json::Object(o) => o.is_empty(),
                _ => false,
            };
            ensure(empty == *want, || {
                let what = if *want { "empty" } else { "not empty" };
                format!("expected {what}, {}", got())
            })
        }
        Matcher::OneOf(options) => {
            let options = options
                .iter()
                .map(|o| scope.render_json(o))
                .collect::<Result<Vec<_>, _>>()?;
            ensure(options.iter().any(|o| json_eq(o, actual)), || {
                format!(
                    "expected one of {}, {}",
                    show(&Json::Array(options.clone())),
                    got()
                )
            })
        }
    }
}

fn ensure(ok: bool, why: impl FnOnce() -> String) -> Result<(), String> {
    if ok { Ok(()) } else { Err(why()) }
}

fn compare(actual: &Json, bound: f64, op: &str, f: fn(f64, f64) -> bool) -> Result<(), String> {
    match actual.as_f64() {
        Some(a) => ensure(f(a, bound), || {
            format!("expected {op} {bound}, got {}", show(actual))
        }),
        None => Err(format!(
            "expected a number {op} {bound}, got {}",
            show(actual)
        )),
    }
}

/// Equality where 1 and 1.0 are the same number.
fn json_eq(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => x == y || x.as_f64() == y.as_f64(),
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

    fn run(checks: Json, body: Json) -> Vec<String> {
        let checks: JsonChecks = serde_json::from_value(checks).unwrap();
        let mut scope = Scope::new();
        scope.set("title", json!("buy milk"));
        check(&checks, Some(&body), &scope)
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
        assert_eq!(failures, Vec::<String>::new());
    }

    #[test]
    fn empty_means_no_characters_items_or_keys() {
        let body = json!({"s": "", "a": [], "o": {}, "n": null, "full": "x", "list": [1]});
        let passing = run(
            json!({"$.s": {"empty": true}, "$.a": {"empty": true}, "$.o": {"empty": true},
                   "$.n": {"empty": true}, "$.full": {"empty": false}, "$.list": {"empty": false}}),
            body.clone(),
        );
        assert_eq!(passing, Vec::<String>::new());
        let failing = run(
            json!({"$.s": {"empty": false}, "$.list": {"empty": true}}),
            body,
        );
        assert_eq!(failing.len(), 2, "{failing:?}");
        assert!(
            failing[0].contains("expected not empty, got \"\""),
            "{failing:?}"
        );
    }

    #[test]
    fn failures_show_the_actual_value() {
        let body = json!({"items": [{"done": true}], "count": 3});
        let failures = run(
            json!({"$.items[0].done": false, "$.count": {"lt": 2}, "$.missing": 1}),
            body,
        );
        assert_eq!(
            failures,
            vec![
                "$.items[0].done: expected false, got true",
                "$.count: expected < 2, got 3",
                "$.missing: no match: the path selects nothing in the response",
            ]
        );
    }

    #[test]
    fn a_non_json_body_fails_once() {
        let checks: JsonChecks = serde_json::from_value(json!({"$.a": 1, "$.b": 2})).unwrap();
        assert_eq!(check(&checks, None, &Scope::new()).len(), 1);
    }
}
