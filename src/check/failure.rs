//! What a failed expectation is, as a value: its kind (status, header,
//! JSONPath, duration, snapshot, capture, login, request), what was expected
//! and what came back, and where the expectation is written in the suite.
//! The console, JUnit and later reports all render these same values.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use crate::suite::keypath::{KeyPath, Seg};
use crate::suite::yaml::Positions;

/// Where an expectation is written: `suites/todos.yaml:14:9`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file.display(), self.line, self.column)
    }
}

/// A snapshot that failed: new (no `.snap` yet) or changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SnapshotChange {
    New,
    Changed,
}

/// What did not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FailureKind {
    /// `expect.status` (or the default, any 2xx).
    Status { expected: String, actual: u16 },
    /// `expect.headers`; `actual` is `None` when the header is missing.
    Header {
        name: String,
        expected: String,
        actual: Option<String>,
    },
    /// `expect.json`; `actual` is `None` when the path selects nothing.
    Json {
        path: String,
        expected: String,
        actual: Option<String>,
    },
    /// `expect.json` (or a snapshot: `subject`) on a response without a
    /// JSON body; `why` says what it is instead ("the response is not
    /// JSON", or nested too deep).
    NotJson { subject: String, why: String },
    /// `expect.max_duration`.
    Duration { max: Duration, took: Duration },
    /// The body's snapshot; `next` says what to do, `diff` is old -> new.
    Snapshot {
        name: String,
        change: SnapshotChange,
        next: String,
        diff: String,
    },
    /// A capture that found nothing to capture.
    Capture { name: String, problem: String },
    /// A `{{ }}` in an expectation that could not be rendered.
    Template { subject: String, message: String },
    /// The identity's login failed.
    Login { identity: String, message: String },
    /// The request could not be prepared (a bad url, a variable).
    Request { message: String },
    /// The request was sent, but no response came (refused, timed out).
    Transport { message: String },
}

/// One failed expectation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub kind: FailureKind,
    /// Where the expectation is, as a key path: relative to the step (or
    /// test) when a check returns it, absolute once [`Failure::locate`]d.
    pub key_path: KeyPath,
    /// Set by [`Failure::locate`].
    pub location: Option<Location>,
}

impl Failure {
    /// A failure of the expectation at `key_path`, not located yet.
    pub fn new(kind: FailureKind, key_path: KeyPath) -> Self {
        Self {
            kind,
            key_path,
            location: None,
        }
    }

    /// Makes the key path absolute (below `base`) and finds its position.
    pub fn locate(mut self, file: &std::path::Path, base: &KeyPath, positions: &Positions) -> Self {
        let mut segs: Vec<Seg> = base.0.clone();
        segs.extend(self.key_path.0);
        self.key_path = KeyPath(segs);
        let pos = positions.pos(&self.key_path);
        self.location = Some(Location {
            file: file.to_path_buf(),
            line: pos.line,
            column: pos.col,
        });
        self
    }

    /// Text shown below the line (a snapshot's diff), if any.
    pub fn detail(&self) -> Option<&str> {
        match &self.kind {
            FailureKind::Snapshot { diff, .. } if !diff.is_empty() => Some(diff),
            _ => None,
        }
    }

    /// Applies `f` (the secret masker) to every text the failure carries.
    pub fn map_text(&mut self, f: impl Fn(&str) -> String) {
        let texts: Vec<&mut String> = match &mut self.kind {
            FailureKind::Status { expected, .. } => vec![expected],
            FailureKind::Header {
                name,
                expected,
                actual,
            } => [name, expected].into_iter().chain(actual).collect(),
            FailureKind::Json {
                path,
                expected,
                actual,
            } => [path, expected].into_iter().chain(actual).collect(),
            FailureKind::NotJson { subject, why } => vec![subject, why],
            FailureKind::Duration { .. } => Vec::new(),
            FailureKind::Snapshot {
                name, next, diff, ..
            } => vec![name, next, diff],
            FailureKind::Capture { name, problem } => vec![name, problem],
            FailureKind::Template { subject, message } => vec![subject, message],
            FailureKind::Login { identity, message } => vec![identity, message],
            FailureKind::Request { message } | FailureKind::Transport { message } => vec![message],
        };
        for text in texts {
            *text = f(text);
        }
    }
}

impl fmt::Display for FailureKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FailureKind::Status { expected, actual } => {
                write!(f, "status: expected {expected}, got {actual}")
            }
            FailureKind::Header {
                name,
                expected,
                actual: Some(actual),
            } => write!(f, "header {name}: expected {expected}, got {actual}"),
            FailureKind::Header { name, expected, .. } => {
                write!(f, "header {name}: expected {expected}, but it is missing")
            }
            FailureKind::Json {
                path,
                expected,
                actual: Some(actual),
            } => write!(f, "{path}: expected {expected}, got {actual}"),
            FailureKind::Json { path, expected, .. } => write!(
                f,
                "{path}: expected {expected}, but the path selects nothing in the response"
            ),
            FailureKind::NotJson { subject, why } => {
                write!(f, "{subject}: expected a JSON body, but {why}")
            }
            FailureKind::Duration { max, took } => write!(
                f,
                "duration: expected at most {}, took {}ms",
                humantime::format_duration(*max),
                took.as_millis()
            ),
            FailureKind::Snapshot {
                name, change, next, ..
            } => {
                let what = match change {
                    SnapshotChange::New => "is new",
                    SnapshotChange::Changed => "does not match",
                };
                write!(f, "snapshot `{name}` {what}; {next}")
            }
            FailureKind::Capture { name, problem } => write!(f, "capture `{name}`: {problem}"),
            FailureKind::Template { subject, message } => write!(f, "{subject}: {message}"),
            FailureKind::Login { identity, message } => {
                write!(f, "identity `{identity}`: {message}")
            }
            FailureKind::Request { message } => write!(f, "request: {message}"),
            FailureKind::Transport { message } => f.write_str(message),
        }
    }
}

/// One line: `suites/todos.yaml:14:9: status: expected 200, got 404`.
impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(location) = &self.location {
            write!(f, "{location}: ")?;
        }
        write!(f, "{}", self.kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::suite::yaml;

    fn positions(text: &str) -> Positions {
        yaml::parse(text, &|_| None).unwrap().positions()
    }

    #[test]
    fn a_failure_is_located_at_its_key_below_the_step() {
        let doc = positions("tests:\n  - name: t\n    expect:\n      status: 200\n");
        let failure = Failure::new(
            FailureKind::Status {
                expected: "200".into(),
                actual: 404,
            },
            KeyPath::root().key("expect").key("status"),
        )
        .locate(
            std::path::Path::new("suites/t.yaml"),
            &KeyPath::root().key("tests").index(0),
            &doc,
        );
        assert_eq!(
            failure.location,
            Some(Location {
                file: "suites/t.yaml".into(),
                line: 4,
                column: 7
            })
        );
        assert_eq!(failure.key_path.to_string(), "tests[0].expect.status");
        assert_eq!(
            failure.to_string(),
            "suites/t.yaml:4:7: status: expected 200, got 404"
        );
    }

    #[test]
    fn an_expectation_without_a_key_is_located_at_its_closest_ancestor() {
        let doc = positions("tests:\n  - name: t\n    request: {url: /a}\n");
        let failure = Failure::new(
            FailureKind::Status {
                expected: "2xx (the default)".into(),
                actual: 500,
            },
            KeyPath::root().key("expect").key("status"),
        )
        .locate(
            std::path::Path::new("t.yaml"),
            &KeyPath::root().key("tests").index(0),
            &doc,
        );
        // The test's own line: `- name: t`.
        assert_eq!(failure.location.unwrap().line, 2);
    }

    #[test]
    fn masking_reaches_every_text() {
        let mut failure = Failure::new(
            FailureKind::Header {
                name: "X-Token".into(),
                expected: "\"abc\"".into(),
                actual: Some("\"secret-value\"".into()),
            },
            KeyPath::root(),
        );
        failure.map_text(|t| t.replace("secret-value", "***"));
        assert_eq!(
            failure.kind,
            FailureKind::Header {
                name: "X-Token".into(),
                expected: "\"abc\"".into(),
                actual: Some("\"***\"".into()),
            }
        );
    }

    #[test]
    fn only_snapshots_have_detail() {
        let snapshot = Failure::new(
            FailureKind::Snapshot {
                name: "s".into(),
                change: SnapshotChange::New,
                next: "review it".into(),
                diff: "+ 1".into(),
            },
            KeyPath::root(),
        );
        assert_eq!(snapshot.detail(), Some("+ 1"));
        assert_eq!(snapshot.to_string(), "snapshot `s` is new; review it");
        assert_eq!(
            Failure::new(
                FailureKind::NotJson {
                    subject: "json".into(),
                    why: "the response is not JSON".into()
                },
                KeyPath::root()
            )
            .detail(),
            None
        );
    }
}
