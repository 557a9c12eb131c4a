//! `expect.headers`: names are case-insensitive.

use indexmap::IndexMap;
use reqwest::header::HeaderMap;

use super::failure::{Failure, FailureKind};
use crate::suite::expect::HeaderExpect;
use crate::suite::keypath::KeyPath;
use crate::suite::template::TestVars;

pub fn check(
    expected: &IndexMap<String, HeaderExpect>,
    actual: &HeaderMap,
    scope: &TestVars,
) -> Vec<Failure> {
    let mut failures = Vec::new();
    for (name, expect) in expected {
        let at = KeyPath::root()
            .key("expect")
            .key("headers")
            .key(name.as_str());
        let values: Vec<&str> = actual
            .get_all(name.to_ascii_lowercase().as_str())
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        let ok = match expect {
            HeaderExpect::Exact(want) => match scope.render(want) {
                Ok(want) => values.iter().any(|v| *v == want),
                Err(e) => {
                    let subject = format!("header {name}");
                    let kind = FailureKind::Template {
                        subject,
                        message: e,
                    };
                    failures.push(Failure::new(kind, at));
                    continue;
                }
            },
            HeaderExpect::Matches(re) => values.iter().any(|v| re.is_match(v)),
        };
        if !ok {
            let expected = match expect {
                HeaderExpect::Exact(v) => format!("{v:?}"),
                HeaderExpect::Matches(re) => format!("a match for /{}/", re.as_str()),
            };
            let actual = (!values.is_empty()).then(|| format!("{:?}", values.join(", ")));
            let kind = FailureKind::Header {
                name: name.clone(),
                expected,
                actual,
            };
            failures.push(Failure::new(kind, at));
        }
    }
    failures
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers() -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            "content-type",
            "application/json; charset=utf-8".parse().unwrap(),
        );
        h
    }

    #[test]
    fn names_are_case_insensitive_and_regexes_match() {
        let mut e = IndexMap::new();
        e.insert(
            "Content-Type".to_owned(),
            HeaderExpect::Matches(regex::Regex::new("^application/json").unwrap()),
        );
        e.insert("X-Missing".to_owned(), HeaderExpect::Exact("1".into()));
        let failures = check(&e, &headers(), &TestVars::new());
        assert_eq!(failures.len(), 1);
        assert_eq!(
            failures[0].kind,
            FailureKind::Header {
                name: "X-Missing".into(),
                expected: "\"1\"".into(),
                actual: None
            }
        );
        assert_eq!(failures[0].key_path.to_string(), "expect.headers.X-Missing");
    }

    #[test]
    fn a_wrong_value_shows_what_came() {
        let mut e = IndexMap::new();
        e.insert(
            "content-type".to_owned(),
            HeaderExpect::Matches(regex::Regex::new("^text/").unwrap()),
        );
        let failures = check(&e, &headers(), &TestVars::new());
        assert_eq!(
            failures[0].kind,
            FailureKind::Header {
                name: "content-type".into(),
                expected: "a match for /^text//".into(),
                actual: Some("\"application/json; charset=utf-8\"".into())
            }
        );
    }
}
