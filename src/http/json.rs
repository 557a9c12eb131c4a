//! Parsing response bodies as JSON, including JSON nested deeper than
//! serde_json's default limit (128 levels), up to [`MAX_JSON_DEPTH`].
//! Deeper bodies are reported as nested too deep, not as "not JSON", and
//! never overflow the stack: the depth is measured before parsing.

use serde::Deserialize as _;
use serde_json::Value as Json;

use super::json_tape::{MAX_JSON_DEPTH, Tape};

/// The body read into its tape ([`Tape`]): `Ok(Some)` when it is JSON as
/// serde_json parses it (UTF-8, syntax, escapes, numbers in range, nothing
/// after it), `Ok(None)` when it is not JSON, `Err` (a message fragment: "is
/// nested N levels deep, ...") when it is nested too deep.
pub fn read(body: &[u8]) -> Result<Option<Tape>, String> {
    match Tape::read(body) {
        Some(tape) => Ok(Some(tape)),
        // Too deep, or not JSON; too deep is said first.
        None => check_depth(body).map(|()| None),
    }
}

fn check_depth(body: &[u8]) -> Result<(), String> {
    let depth = nesting_depth(body);
    if depth > MAX_JSON_DEPTH {
        return Err(format!(
            "is nested {depth} levels deep, deeper than the {MAX_JSON_DEPTH} levels gatecheck \
             reads as JSON"
        ));
    }
    Ok(())
}

/// The body as JSON; `Ok(None)` when it is not JSON, `Err` (a message
/// fragment: "is nested N levels deep, ...") when it is nested too deep.
pub fn parse(body: &[u8]) -> Result<Option<Json>, String> {
    check_depth(body)?;
    Ok(parse_checked(body))
}

/// The body as JSON, its depth already checked; `None` when it is not JSON.
pub fn parse_checked(body: &[u8]) -> Option<Json> {
    let mut de = serde_json::Deserializer::from_slice(body);
    // The depth is bounded, so serde_json's own limit may go.
    de.disable_recursion_limit();
    Json::deserialize(&mut de)
        .and_then(|value| de.end().map(|()| value))
        .ok()
}

/// The largest finite number a JSON number is read as (`f64::MAX`).
const LARGEST: &str = "1.7976931348623157e308";

/// The body with every number too large for a 64-bit float (`1e400`, a
/// 400-digit integer) written as the largest one there is, with its sign:
/// such a body is valid JSON (RFC 8259 leaves the range to the reader),
/// which serde_json refuses whole. `None` when no number is out of range
/// (the body is then unchanged, valid or not). Numbers too small to hold
/// (`1e-400`) already read as 0.
pub fn clamp_out_of_range(body: &[u8]) -> Option<Vec<u8>> {
    let mut out: Option<Vec<u8>> = None;
    let mut copied = 0;
    let mut i = 0;
    let mut in_string = false;
    while i < body.len() {
        let b = body[i];
        if in_string {
            match b {
                b'\\' => i += 1,
                b'"' => in_string = false,
                _ => {}
            }
            i += 1;
            continue;
        }
        if b == b'"' {
            in_string = true;
            i += 1;
            continue;
        }
        if b != b'-' && !b.is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < body.len() && matches!(body[i], b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E') {
            i += 1;
        }
        let token = std::str::from_utf8(&body[start..i]).unwrap_or_default();
        let huge = token.parse::<f64>().is_ok_and(f64::is_infinite);
        if huge {
            let out = out.get_or_insert_with(|| Vec::with_capacity(body.len() + 32));
            out.extend_from_slice(&body[copied..start]);
            if token.starts_with('-') {
                out.push(b'-');
            }
            out.extend_from_slice(LARGEST.as_bytes());
            copied = i;
        }
    }
    let mut out = out?;
    out.extend_from_slice(&body[copied..]);
    Some(out)
}

/// The deepest nesting of `[` and `{` outside strings (the body need not be
/// valid JSON). Runs only to word the error for a body that failed
/// [`read`], and on small login answers ([`parse`]).
pub fn nesting_depth(body: &[u8]) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let (mut in_string, mut escaped) = (false, false);
    for &b in body {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether `read` takes the body as JSON (`Err`: nested too deep).
    fn validate(body: &[u8]) -> Result<bool, String> {
        read(body).map(|tape| tape.is_some())
    }

    #[test]
    fn numbers_out_of_a_floats_range_are_read_as_the_largest_one() {
        let body = br#"{"n": 1e400, "m": [-2E+999, 1e-400, 5], "s": "1e400", "e": "\"1e999"}"#;
        assert_eq!(validate(body), Ok(false), "serde_json refuses it whole");
        let clamped = clamp_out_of_range(body).unwrap();
        assert_eq!(
            String::from_utf8(clamped.clone()).unwrap(),
            r#"{"n": 1.7976931348623157e308, "m": [-1.7976931348623157e308, 1e-400, 5], "s": "1e400", "e": "\"1e999"}"#
        );
        assert_eq!(validate(&clamped), Ok(true));
        let big = format!("[{}]", "9".repeat(400));
        let clamped = clamp_out_of_range(big.as_bytes()).unwrap();
        assert_eq!(parse_checked(&clamped), Some(serde_json::json!([f64::MAX])));
        assert_eq!(clamp_out_of_range(br#"{"n": 1e300, "x": "#), None);
    }

    fn nested(depth: usize) -> String {
        let mut text = String::new();
        for i in 0..depth {
            text.push_str(if i % 2 == 0 { "{\"a\":" } else { "[" });
        }
        text.push_str("\"leaf\"");
        for i in (0..depth).rev() {
            text.push(if i % 2 == 0 { '}' } else { ']' });
        }
        text
    }

    #[test]
    fn depth_ignores_brackets_in_strings() {
        assert_eq!(nesting_depth(br#"{"a": "[[{{\"[", "b": [1, [2]]}"#), 3);
        assert_eq!(nesting_depth(b"42"), 0);
        assert_eq!(nesting_depth(nested(300).as_bytes()), 300);
    }

    #[test]
    fn json_deeper_than_serde_jsons_default_is_parsed() {
        assert!(serde_json::from_str::<Json>(&nested(200)).is_err());
        let value = parse(nested(200).as_bytes()).unwrap().unwrap();
        assert!(value.get("a").is_some());
        let value = parse(nested(MAX_JSON_DEPTH).as_bytes()).unwrap();
        assert!(value.is_some());
    }

    #[test]
    fn json_past_the_limit_is_nested_too_deep_not_invalid() {
        let err = parse(nested(MAX_JSON_DEPTH + 1).as_bytes()).unwrap_err();
        assert_eq!(
            err,
            "is nested 257 levels deep, deeper than the 256 levels gatecheck reads as JSON"
        );
        // An unbalanced body of a million brackets: no stack overflow.
        assert!(parse(&vec![b'['; 1_000_000]).is_err());
        assert_eq!(parse(b"{\"a\": tru}"), Ok(None));
        assert_eq!(parse(b"{} trailing"), Ok(None));
    }

    #[test]
    fn read_says_whether_a_body_is_json() {
        assert_eq!(validate(br#" {"a": [1, "x\"]"]} "#), Ok(true));
        assert_eq!(validate(b"{\"a\": tru}"), Ok(false));
        assert_eq!(validate(b"{} trailing"), Ok(false));
        assert_eq!(validate(b"[1, 2"), Ok(false));
        assert_eq!(validate(b"[\"\xff\"]"), Ok(false));
        // What serde_json refuses to build is not JSON here either.
        for (body, is_json) in [
            (&br#"["\ud800"]"#[..], false),
            (b"[1e400]", false),
            (br#"{"k": "\ud83d\ude00", "n": [1e300, -0, 1.5e-7]}"#, true),
        ] {
            assert_eq!(
                validate(body),
                Ok(is_json),
                "{}",
                String::from_utf8_lossy(body)
            );
            assert_eq!(serde_json::from_slice::<Json>(body).is_ok(), is_json);
        }
        assert!(validate(nested(MAX_JSON_DEPTH + 1).as_bytes()).is_err());
        assert_eq!(validate(nested(MAX_JSON_DEPTH).as_bytes()), Ok(true));
    }

    /// Runs `f` on a thread with the stack of a test thread (2 MiB).
    fn on_test_thread_stack(f: impl FnOnce() + Send + 'static) {
        let thread = std::thread::Builder::new().stack_size(2 << 20);
        thread.spawn(f).unwrap().join().unwrap();
    }

    #[test]
    fn every_consumer_handles_twice_the_limit_on_a_test_threads_stack() {
        use crate::check::snapshot::{self, Outcome, Snapshot};
        use crate::suite::matcher::JsonChecks;
        let body = nested(2 * MAX_JSON_DEPTH);
        on_test_thread_stack(move || {
            let mut de = serde_json::Deserializer::from_str(&body);
            de.disable_recursion_limit();
            let value = Json::deserialize(&mut de).unwrap();
            let checks: JsonChecks = serde_json::from_value(serde_json::json!({
                "$..a": {"exists": true},
                "$.a[0]": {"type": "object"}
            }))
            .unwrap();
            let scope = crate::suite::template::TestVars::new();
            // Refused at the limit, without overflowing the stack.
            assert!(validate(body.as_bytes()).is_err());
            let tape = Tape::read_to_depth(body.as_bytes(), usize::MAX).unwrap();
            let doc = crate::http::json_node::Node::over_tape(&tape, body.as_bytes());
            assert!(crate::check::json::check(&checks, Ok(&doc), &scope).is_empty());
            assert_eq!(value.clone(), value);
            assert!(
                serde_json::to_string_pretty(&value)
                    .unwrap()
                    .contains("leaf")
            );
            let dir = std::env::temp_dir().join(format!("gatecheck-deep-{}", std::process::id()));
            let masker = crate::secret::mask::Masker::new();
            masker.add("leaf");
            let info = serde_json::Value::Null;
            let outcome = snapshot::check(&Snapshot {
                dir: &dir,
                name: "deep",
                suite_file: std::path::Path::new("deep.yaml"),
                line: &|| 1,
                description: "",
                info: &info,
                value: (&value).into(),
                redact: &[],
                secrets: &masker.current(),
            });
            let _ = std::fs::remove_dir_all(&dir);
            assert!(
                matches!(outcome, Outcome::Mismatch { missing: true, .. }),
                "{outcome:?}"
            );
        });
    }
}
