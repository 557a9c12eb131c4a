//! Renders what a failing test shows: the step, `METHOD URL`, each problem,
//! and the response body (pretty, truncated). Secrets are masked by the
//! caller, on the finished text.

use std::fmt::Write as _;
use std::time::Duration;

use crate::http::Exchange;
use crate::http::exchange::{Prepared, Response};

/// Longest body excerpt shown, in bytes.
const BODY_MAX: usize = 2048;
/// Most body lines shown.
const BODY_LINES: usize = 40;

/// Which step failed, for tests with `steps`.
#[derive(Debug, Clone, Copy)]
pub struct StepLabel<'a> {
    pub index: usize,
    pub count: usize,
    pub name: Option<&'a str>,
}

/// `GET http://host/api/todos as user`.
pub fn request_line(request: &Prepared, identity: Option<&str>) -> String {
    let mut line = format!("{} {}", request.method, request.url);
    if let Some(identity) = identity {
        let _ = write!(line, " as {identity}");
    }
    line
}

/// The whole failure message of one step.
pub fn render(
    step: Option<StepLabel<'_>>,
    request: &str,
    problems: &[String],
    exchange: Option<&Exchange>,
    attempts: u32,
) -> String {
    let mut out = String::new();
    if let Some(step) = step {
        let _ = write!(out, "step {} of {}", step.index + 1, step.count);
        if let Some(name) = step.name {
            let _ = write!(out, " ({name})");
        }
        out.push_str(": ");
    }
    out.push_str(request);
    if attempts > 1 {
        let _ = write!(out, " (failed after {attempts} attempts)");
    }
    out.push('\n');
    for problem in problems {
        for (i, line) in problem.lines().enumerate() {
            out.push_str(if i == 0 { "  " } else { "    " });
            out.push_str(line);
            out.push('\n');
        }
    }
    if let Some(exchange) = exchange {
        out.push_str(&response_summary(&exchange.response, exchange.elapsed));
    }
    out.trim_end().to_owned()
}

fn response_summary(response: &Response, elapsed: Duration) -> String {
    let reason = reqwest::StatusCode::from_u16(response.status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("");
    let ct = response.content_type();
    let mut out = format!(
        "response: {} {reason}{}{}, {} bytes in {}ms\n",
        response.status,
        if ct.is_empty() { "" } else { ", " },
        ct,
        response.body.len(),
        elapsed.as_millis()
    );
    if let Some(body) = body_excerpt(response) {
        for line in body.lines() {
            out.push_str("  ");
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// The body as shown: pretty JSON, or text; truncated.
pub fn body_excerpt(response: &Response) -> Option<String> {
    if response.body.is_empty() {
        return None;
    }
    let text = match &response.json {
        Some(json) => serde_json::to_string_pretty(json).unwrap_or_default(),
        None => String::from_utf8_lossy(&response.body).into_owned(),
    };
    Some(truncate(&text))
}

fn truncate(text: &str) -> String {
    let total_lines = text.lines().count();
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        if i >= BODY_LINES || out.len() + line.len() > BODY_MAX {
            let _ = write!(
                out,
                "… ({} more lines, {} bytes in all)",
                total_lines - i,
                text.len()
            );
            return out;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_bodies_are_cut_with_a_note() {
        let text: String = (0..100).map(|i| format!("line {i}\n")).collect();
        let cut = truncate(&text);
        assert_eq!(cut.lines().count(), BODY_LINES + 1);
        assert!(cut.ends_with("(60 more lines, 790 bytes in all)"), "{cut}");
    }

    #[test]
    fn steps_are_named() {
        let step = StepLabel {
            index: 1,
            count: 3,
            name: Some("read it"),
        };
        let text = render(
            Some(step),
            "GET http://x/a as user",
            &["status: no".into()],
            None,
            3,
        );
        assert_eq!(
            text,
            "step 2 of 3 (read it): GET http://x/a as user (failed after 3 attempts)\n  status: no"
        );
    }
}
