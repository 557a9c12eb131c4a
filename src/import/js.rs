//! Just enough JavaScript lexing for Postman scripts: comments, quotes,
//! brackets and argument lists. Pure.

use serde_json::Value as Json;

/// The line without `// ...` and `/* ... */` outside strings.
pub fn strip_comment(line: &str, in_comment: &mut bool) -> String {
    let mut out = String::new();
    let mut quote: Option<char> = None;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if *in_comment {
            if c == '*' && chars.peek() == Some(&'/') {
                chars.next();
                *in_comment = false;
            }
            continue;
        }
        if let Some(q) = quote {
            out.push(c);
            if c == '\\' {
                out.extend(chars.next());
            } else if c == q {
                quote = None;
            }
            continue;
        }
        match (c, chars.peek()) {
            ('/', Some('/')) => break,
            ('/', Some('*')) => {
                chars.next();
                *in_comment = true;
            }
            ('"' | '\'' | '`', _) => {
                quote = Some(c);
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// `{` and `}` outside strings.
pub fn braces(line: &str) -> (usize, usize) {
    let (mut open, mut close) = (0, 0);
    for (_, c, _) in code_chars(line).filter(|(_, _, code)| *code) {
        match c {
            '{' => open += 1,
            '}' => close += 1,
            _ => {}
        }
    }
    (open, close)
}

/// Each character with its byte index and whether it is code: outside a
/// string literal (`"`, `'` or `` ` ``). An opening quote is code; the rest
/// of the literal, its closing quote included, is not.
fn code_chars(text: &str) -> impl Iterator<Item = (usize, char, bool)> + '_ {
    let mut quote: Option<char> = None;
    let mut escaped = false;
    text.char_indices().map(move |(i, c)| match quote {
        None => {
            if matches!(c, '"' | '\'' | '`') {
                quote = Some(c);
            }
            (i, c, true)
        }
        Some(q) => {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
            (i, c, false)
        }
    })
}

/// A quoted string's text.
pub fn unquote(arg: &str) -> Option<String> {
    let arg = arg.trim();
    unquote_single(arg).or_else(|| match serde_json::from_str::<Json>(arg).ok()? {
        Json::String(s) => Some(s),
        _ => None,
    })
}

pub fn unquote_single(arg: &str) -> Option<String> {
    let inner = arg.strip_prefix('\'')?.strip_suffix('\'')?;
    (!inner.contains('\'')).then(|| inner.replace("\\\"", "\""))
}

/// `a, "b, c", [1, 2]` -> three arguments (commas inside quotes and brackets kept).
pub fn split_args(args: &str) -> Vec<String> {
    split_top(args, ',')
}

/// Splits at `sep` outside quotes and brackets; trimmed, empty parts dropped.
pub fn split_top(text: &str, sep: char) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut current = String::new();
    for (_, c, code) in code_chars(text) {
        if code {
            match c {
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' => depth -= 1,
                c if c == sep && depth == 0 => {
                    if !current.trim().is_empty() {
                        out.push(current.trim().to_owned());
                    }
                    current.clear();
                    continue;
                }
                _ => {}
            }
        }
        current.push(c);
    }
    if !current.trim().is_empty() {
        out.push(current.trim().to_owned());
    }
    out
}

/// `(a, f(b)).rest` -> (`a, f(b)`, `.rest`): the parenthesised arguments at
/// the start and what follows them.
pub fn call_args(text: &str) -> Option<(&str, &str)> {
    let text = text.trim_start();
    if !text.starts_with('(') {
        return None;
    }
    let mut depth = 0i32;
    for (i, c, _) in code_chars(text).filter(|(_, _, code)| *code) {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some((&text[1..i], &text[i + 1..]));
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brackets_and_separators_inside_strings_are_not_code() {
        assert_eq!(braces(r#"if (a) { x = "}{"; y = '{' } {"#), (2, 1));
        assert_eq!(
            split_args(r#"a, "b, \"c, d\"", [1, 2], f(3, 4), `e,f`"#),
            ["a", r#""b, \"c, d\"""#, "[1, 2]", "f(3, 4)", "`e,f`"]
        );
        assert_eq!(
            call_args(r#" ("x)", f(y)).to.eql(1)"#),
            Some((r#""x)", f(y)"#, ".to.eql(1)"))
        );
        assert_eq!(call_args("x(1)"), None);
        assert_eq!(call_args("(unclosed"), None);
    }
}
