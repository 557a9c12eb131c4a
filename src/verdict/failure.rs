//! A failed trial (its located failures and its message) and how the
//! message is rendered: the step, `METHOD URL`, each failure
//! (`suites/todos.yaml:14:9: status: expected 200, got 404`), and the
//! response body (pretty, truncated). Secrets are masked by the caller, on
//! the values and on the finished text.

use std::fmt::Write as _;
use std::time::Duration;

use crate::check::Failure;
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

/// A failed trial as reports see it: the failures (values, located, secrets
/// masked) and the whole message as the console shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrialFailure {
    pub failures: Vec<Failure>,
    pub text: String,
}

impl TrialFailure {
    /// Masks every secret, in the values and in the text.
    pub fn masked(mut self, mask: impl Fn(&str) -> String) -> Self {
        for failure in &mut self.failures {
            failure.map_text(&mask);
        }
        self.text = mask(&self.text);
        self
    }

    /// The first failure's line (JUnit's failure message).
    pub fn headline(&self) -> String {
        match self.failures.first() {
            Some(failure) => failure.to_string().lines().next().unwrap_or("").to_owned(),
            None => self.text.lines().next().unwrap_or("").to_owned(),
        }
    }
}

/// A failure before any request (a login): its line alone.
impl From<Failure> for TrialFailure {
    fn from(failure: Failure) -> Self {
        StepFailure {
            failures: vec![failure],
            ..StepFailure::default()
        }
        .finish()
    }
}

/// What failed in one step, and the exchange it failed on.
#[derive(Debug, Default)]
pub struct StepFailure<'a> {
    pub step: Option<StepLabel<'a>>,
    /// `METHOD URL [as identity]`, once the request was prepared.
    pub request: Option<String>,
    pub failures: Vec<Failure>,
    /// Hints shown after the failures (`note: ...`).
    pub notes: Vec<String>,
    pub exchange: Option<&'a Exchange>,
    pub attempts: u32,
}

impl StepFailure<'_> {
    /// The failures and their rendering.
    pub fn finish(self) -> TrialFailure {
        let text = self.render();
        TrialFailure {
            failures: self.failures,
            text,
        }
    }

    /// The whole failure message: the step and request line, one line per
    /// failure (`file:line:column: what`), notes, the response.
    pub fn render(&self) -> String {
        let mut out = self.header();
        let indent = if out.is_empty() { "" } else { "  " };
        for failure in &self.failures {
            let more = format!("{indent}  ");
            push_lines(&mut out, indent, &more, &failure.to_string());
            if let Some(detail) = failure.detail() {
                push_lines(&mut out, &more, &more, detail);
            }
        }
        for note in &self.notes {
            push_lines(&mut out, indent, indent, &format!("note: {note}"));
        }
        if let Some(exchange) = self.exchange {
            out.push_str(&response_summary(&exchange.response, exchange.elapsed));
        }
        out.trim_end().to_owned()
    }

    /// `step 2 of 3 (name): GET url (failed after 3 attempts)`, or nothing.
    fn header(&self) -> String {
        let mut out = String::new();
        if let Some(step) = self.step {
            let _ = write!(out, "step {} of {}", step.index + 1, step.count);
            if let Some(name) = step.name {
                let _ = write!(out, " ({name})");
            }
        }
        if let Some(request) = &self.request {
            if !out.is_empty() {
                out.push_str(": ");
            }
            out.push_str(request);
        }
        if self.attempts > 1 {
            let _ = write!(out, " (failed after {} attempts)", self.attempts);
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out
    }
}

/// `text` with its first line indented by `first` and the others by `rest`.
fn push_lines(out: &mut String, first: &str, rest: &str, text: &str) {
    for (i, line) in text.lines().enumerate() {
        out.push_str(if i == 0 { first } else { rest });
        out.push_str(line);
        out.push('\n');
    }
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
    let text = match response.json() {
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
    use crate::check::failure::{FailureKind, Location, SnapshotChange};
    use crate::suite::keypath::KeyPath;

    #[test]
    fn long_bodies_are_cut_with_a_note() {
        let text: String = (0..100).map(|i| format!("line {i}\n")).collect();
        let cut = truncate(&text);
        assert_eq!(cut.lines().count(), BODY_LINES + 1);
        assert!(cut.ends_with("(60 more lines, 790 bytes in all)"), "{cut}");
    }

    fn status(expected: &str, actual: u16) -> Failure {
        Failure {
            kind: FailureKind::Status {
                expected: expected.into(),
                actual,
            },
            key_path: KeyPath::root().key("expect").key("status"),
            location: Some(Location {
                file: "suites/a.yaml".into(),
                line: 9,
                column: 7,
            }),
        }
    }

    #[test]
    fn steps_are_named_and_failures_located() {
        let failure = StepFailure {
            step: Some(StepLabel {
                index: 1,
                count: 3,
                name: Some("read it"),
            }),
            request: Some("GET http://x/a as user".into()),
            failures: vec![status("200", 404)],
            notes: vec!["a hint".into()],
            attempts: 3,
            ..StepFailure::default()
        };
        assert_eq!(
            failure.render(),
            "step 2 of 3 (read it): GET http://x/a as user (failed after 3 attempts)\n  \
             suites/a.yaml:9:7: status: expected 200, got 404\n  note: a hint"
        );
    }

    #[test]
    fn details_are_indented_below_their_line() {
        let snapshot = Failure::new(
            FailureKind::Snapshot {
                name: "s".into(),
                change: SnapshotChange::Changed,
                next: "review it".into(),
                diff: "-1\n+2".into(),
            },
            KeyPath::root(),
        );
        let failure = StepFailure {
            request: Some("GET http://x/a".into()),
            failures: vec![snapshot],
            ..StepFailure::default()
        };
        assert_eq!(
            failure.render(),
            "GET http://x/a\n  snapshot `s` does not match; review it\n    -1\n    +2"
        );
    }

    #[test]
    fn without_a_request_the_failure_is_the_first_line() {
        let login = Failure::new(
            FailureKind::Login {
                identity: "admin".into(),
                message: "login failed".into(),
            },
            KeyPath::root(),
        );
        let trial = TrialFailure::from(login);
        assert_eq!(trial.text, "identity `admin`: login failed");
        assert_eq!(trial.headline(), trial.text);
    }

    #[test]
    fn masking_reaches_the_values_and_the_text() {
        let trial = StepFailure {
            request: Some("GET http://x/?key=hunter22".into()),
            failures: vec![status("hunter22", 500)],
            ..StepFailure::default()
        }
        .finish()
        .masked(|t| t.replace("hunter22", "***"));
        assert!(!trial.text.contains("hunter22"), "{}", trial.text);
        assert_eq!(
            trial.failures[0].kind,
            FailureKind::Status {
                expected: "***".into(),
                actual: 500
            }
        );
        assert_eq!(
            trial.headline(),
            "suites/a.yaml:9:7: status: expected ***, got 500"
        );
    }
}
