//! Values that go on the wire as they are: header names and values, URLs.
//! Pure functions: `None` means fine.

/// The characters RFC 9110 allows in a header name besides letters and digits.
const TCHARS: &str = "!#$%&'*+-.^_`|~";

/// A character as a message names it.
fn describe(c: char) -> String {
    match c {
        ' ' => "a space".to_owned(),
        '\r' | '\n' => "a line break (CR/LF)".to_owned(),
        '\t' => "a tab".to_owned(),
        c if c.is_control() => format!("the control character {}", c.escape_unicode()),
        c => format!("`{c}`"),
    }
}

/// Why `name` is not an HTTP header name.
pub fn header_name_problem(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("a header name cannot be empty".to_owned());
    }
    let bad = name
        .chars()
        .find(|&c| !(c.is_ascii_alphanumeric() || TCHARS.contains(c)))?;
    Some(format!(
        "the header name contains {}; header names are ASCII letters, digits and {TCHARS}",
        describe(bad)
    ))
}

/// Why `value` cannot be sent as a header value (a line break would end
/// the header, or start another one).
pub fn header_value_problem(value: &str) -> Option<String> {
    let bad = value.chars().find(|&c| c.is_control() && c != '\t')?;
    Some(format!(
        "the header value contains {}, which cannot be sent in a header; remove it",
        describe(bad)
    ))
}

/// Why `url` (or a literal part of it) cannot be sent as written.
pub fn url_text_problem(url: &str) -> Option<String> {
    let bad = url.chars().find(|&c| c.is_whitespace() || c.is_control())?;
    let fix = if bad == ' ' {
        "write it as %20, or pass values in `query:`"
    } else {
        "remove it"
    };
    Some(format!("the url contains {}; {fix}", describe(bad)))
}

/// Why `url` is not an absolute `http(s)://host/...` URL.
pub fn absolute_url_problem(url: &str) -> Option<String> {
    if let Some(problem) = url_text_problem(url) {
        return Some(problem);
    }
    match reqwest::Url::parse(url) {
        Ok(parsed) if !matches!(parsed.scheme(), "http" | "https") => {
            Some(format!("`{url}` is not an http:// or https:// URL"))
        }
        Ok(parsed) if parsed.host_str().is_none_or(str::is_empty) => {
            Some(format!("`{url}` has no host"))
        }
        Ok(_) => None,
        Err(e) => Some(format!("`{url}` is not a valid URL ({e})")),
    }
}
