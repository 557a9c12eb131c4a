//! `expect.headers`: names are case-insensitive.

use indexmap::IndexMap;
use reqwest::header::HeaderMap;

use crate::suite::expect::HeaderExpect;
use crate::suite::template::Scope;

pub fn check(
    expected: &IndexMap<String, HeaderExpect>,
    actual: &HeaderMap,
    scope: &Scope,
) -> Vec<String> {
    let mut failures = Vec::new();
    for (name, expect) in expected {
        let values: Vec<&str> = actual
            .get_all(name.to_ascii_lowercase().as_str())
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        if values.is_empty() {
            failures.push(format!("header {name}: missing"));
            continue;
        }
        let ok = match expect {
            HeaderExpect::Exact(want) => match scope.render(want) {
                Ok(want) => values.iter().any(|v| *v == want),
                Err(e) => {
                    failures.push(format!("header {name}: {e}"));
                    continue;
                }
            },
            HeaderExpect::Matches(re) => values.iter().any(|v| re.is_match(v)),
        };
        if !ok {
            let want = match expect {
                HeaderExpect::Exact(v) => format!("{v:?}"),
                HeaderExpect::Matches(re) => format!("a match for /{}/", re.as_str()),
            };
            failures.push(format!(
                "header {name}: expected {want}, got {:?}",
                values.join(", ")
            ));
        }
    }
    failures
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_case_insensitive_and_regexes_match() {
        let mut h = HeaderMap::new();
        h.insert(
            "content-type",
            "application/json; charset=utf-8".parse().unwrap(),
        );
        let mut e = IndexMap::new();
        e.insert(
            "Content-Type".to_owned(),
            HeaderExpect::Matches(regex::Regex::new("^application/json").unwrap()),
        );
        e.insert("X-Missing".to_owned(), HeaderExpect::Exact("1".into()));
        let failures = check(&e, &h, &Scope::new());
        assert_eq!(failures, vec!["header X-Missing: missing"]);
    }
}
