//! Whole-value masking, for secrets too short to replace wherever they
//! occur (a 3-character password would garble unrelated words): such a
//! value is masked only where it stands as a whole value.
//!
//! - a quoted string: `"abc"` (a JSON string, JSON text in a message);
//! - an assigned value: `password=abc&...`, `?key=abc#`, `k=abc; ` (form
//!   bodies, query strings, cookies), up to `&`, `#`, `;`, `,`, `)`, a
//!   quote, white space or the end;
//! - a field value: `X-Api-Key: abc` up to the end of the line (headers,
//!   `key: value` lines, pretty JSON numbers before a `,`);
//! - the whole text.

use std::borrow::Cow;
use std::ops::Range;

/// The replacement shown instead of a secret.
pub const MASK: &str = "***";

/// `text` with every whole-value occurrence of one of `forms` replaced by
/// `***`; other occurrences (inside a word, a longer value) are kept.
pub fn mask_whole<'a>(text: &'a str, forms: &[String]) -> Cow<'a, str> {
    if forms.iter().any(|f| f == text) {
        return Cow::Owned(MASK.to_owned());
    }
    let mut ranges: Vec<Range<usize>> = Vec::new();
    for form in forms {
        for (start, _) in text.match_indices(form.as_str()) {
            let end = start + form.len();
            if stands_alone(&text[..start], &text[end..]) {
                ranges.push(start..end);
            }
        }
    }
    if ranges.is_empty() {
        return Cow::Borrowed(text);
    }
    ranges.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for range in ranges {
        if range.start < at {
            continue; // inside a range already masked
        }
        out.push_str(&text[at..range.start]);
        out.push_str(MASK);
        at = range.end;
    }
    out.push_str(&text[at..]);
    Cow::Owned(out)
}

/// True when a value between `before` and `after` is a whole value.
fn stands_alone(before: &str, after: &str) -> bool {
    let prev = before.chars().next_back();
    let next = after.chars().next();
    let quoted = matches!(
        (prev, next),
        (Some('"'), Some('"')) | (Some('\''), Some('\''))
    );
    let assigned =
        prev == Some('=') && next.is_none_or(|c| c.is_whitespace() || "&#;,)\"'".contains(c));
    let field = before.ends_with(": ") && next.is_none_or(|c| "\r\n,".contains(c));
    quoted || assigned || field
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mask(text: &str) -> String {
        mask_whole(text, &["abc".to_owned()]).into_owned()
    }

    #[test]
    fn whole_values_are_masked() {
        assert_eq!(mask("abc"), "***");
        assert_eq!(
            mask(r#"{"password": "abc", "n": 1}"#),
            r#"{"password": "***", "n": 1}"#
        );
        assert_eq!(
            mask("user=ada&password=abc&x=1"),
            "user=ada&password=***&x=1"
        );
        assert_eq!(mask("GET /a?key=abc"), "GET /a?key=***");
        assert_eq!(mask("x-api-key: abc\nnext: 1"), "x-api-key: ***\nnext: 1");
        assert_eq!(mask("  \"pin\": abc,\n"), "  \"pin\": ***,\n");
        assert_eq!(mask("c=abc; d=abc"), "c=***; d=***");
    }

    #[test]
    fn unrelated_text_is_intact() {
        for text in [
            "abcdef",
            "the abc of it",
            "\"abcd\"",
            "key=abcd",
            "x-abc: 1",
            "cabc=1",
            "label: abc and more",
            "https://abc.example.com/abc/",
        ] {
            assert_eq!(mask(text), text);
        }
    }
}
