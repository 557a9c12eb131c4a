//! Values that go on the wire as they are: header names and values, URLs.
//! Checked at load time where they are literal (and in the literal parts
//! of `{{ }}` templates), and again after the templates are filled in at
//! run time, with the same messages. Pure functions: `None` means fine.

use super::template;

use crate::wire::text::{
    absolute_url_problem, header_name_problem, header_value_problem, url_text_problem,
};

/// Checks a request or base URL that may hold `{{ }}`: all of it when it is
/// literal, else its literal parts.
pub fn templated_url_problem(url: &str) -> Option<String> {
    if !url.contains("{{") && (url.starts_with("http://") || url.starts_with("https://")) {
        return absolute_url_problem(url);
    }
    template::literals(url)
        .into_iter()
        .find_map(url_text_problem)
}

/// Checks a header value that may hold `{{ }}`: its literal parts.
pub fn templated_header_problem(value: &str) -> Option<String> {
    template::literals(value)
        .into_iter()
        .find_map(header_value_problem)
}

/// Every problem of a header as written (the value may hold `{{ }}`).
pub fn header_problems(name: &str, value: &str) -> Vec<String> {
    [header_name_problem(name), templated_header_problem(value)]
        .into_iter()
        .flatten()
        .collect()
}

/// Checks `base_url`: `demo`, a template, or an absolute http(s) URL.
pub fn base_url_problem(base: &str, demo: &str) -> Option<String> {
    if base == demo {
        return None;
    }
    if base.contains("{{") {
        return templated_url_problem(base);
    }
    if let Some(problem) = url_text_problem(base) {
        return Some(problem);
    }
    absolute_url_problem(base).map(|p| {
        format!("{p}; base_url is an absolute URL such as https://api.example.com, or `{demo}`")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_names_are_tokens() {
        assert_eq!(header_name_problem("X-Request-Id"), None);
        assert_eq!(
            header_name_problem("X Id").unwrap(),
            "the header name contains a space; header names are ASCII letters, digits and \
             !#$%&'*+-.^_`|~"
        );
        assert!(
            header_name_problem("X:Id")
                .unwrap()
                .contains("contains `:`")
        );
        assert!(header_name_problem("").is_some());
    }

    #[test]
    fn header_values_have_no_line_breaks_or_controls() {
        assert_eq!(header_value_problem("Bearer abc\tdef"), None);
        for value in ["a\r\nX-Evil: 1", "a\nb", "a\rb"] {
            assert!(
                header_value_problem(value)
                    .unwrap()
                    .contains("a line break (CR/LF)"),
                "{value:?}"
            );
        }
        assert!(
            header_value_problem("a\u{0}b")
                .unwrap()
                .contains("the control character \\u{0}")
        );
    }

    #[test]
    fn urls_are_checked_in_their_literal_parts() {
        assert_eq!(templated_url_problem("/items/{{ id }}"), None);
        assert_eq!(templated_url_problem("{{ base }}/x"), None);
        assert!(templated_url_problem("/items/{{ id }}/a b").is_some());
        assert_eq!(
            templated_url_problem("http://host/a b").unwrap(),
            "the url contains a space; write it as %20, or pass values in `query:`"
        );
        assert!(
            templated_url_problem("http://")
                .unwrap()
                .contains("not a valid URL")
        );
        assert_eq!(templated_url_problem("https://api.example.com/a?b=c"), None);
    }

    #[test]
    fn base_urls_are_absolute_or_demo() {
        assert_eq!(base_url_problem("demo", "demo"), None);
        assert_eq!(base_url_problem("http://127.0.0.1:8080", "demo"), None);
        assert_eq!(base_url_problem("{{ api }}", "demo"), None);
        assert_eq!(
            base_url_problem("api.example.com", "demo").unwrap(),
            "`api.example.com` is not a valid URL (relative URL without a base); base_url is \
             an absolute URL such as https://api.example.com, or `demo`"
        );
        assert!(
            base_url_problem("ftp://x", "demo")
                .unwrap()
                .starts_with("`ftp://x` is not an http:// or https:// URL")
        );
    }
}
