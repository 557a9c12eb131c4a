//! One request and its response, as plain data.

use std::sync::OnceLock;
use std::time::Duration;

use reqwest::header::HeaderMap;
use serde_json::Value as Json;

use super::json_tape::Tape;
use super::lazy_json::Node;

/// A request ready to send: everything rendered, URL absolute.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub method: reqwest::Method,
    pub url: reqwest::Url,
    pub headers: Vec<(String, String)>,
    pub body: Body,
    pub timeout: Duration,
    /// A snapshot will compare the response's body: read it into a tape
    /// as it is checked ([`Response::with_tape`]).
    pub tape: bool,
}

#[derive(Debug, Clone, Default)]
pub enum Body {
    #[default]
    None,
    Json(Json),
    Form(Vec<(String, String)>),
    Text(String),
}

impl Body {
    /// The body as it is sent, for `-v` dumps and failure messages.
    pub fn as_text(&self) -> Option<String> {
        match self {
            Body::None => None,
            Body::Json(v) => serde_json::to_string_pretty(v).ok(),
            Body::Form(fields) => serde_urlencoded::to_string(fields).ok(),
            Body::Text(t) => Some(t.clone()),
        }
    }
}

/// What came back.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    /// The body is JSON (checked whole when the response was read).
    is_json: bool,
    /// The body parsed whole, the first time something asks for it.
    parsed: OnceLock<Option<Json>>,
    /// The body read into a tape, the first time the snapshot asks.
    tape: OnceLock<Option<Tape>>,
    /// Why a body that looks like JSON was not parsed, when that is not
    /// simply "not JSON" (it is nested too deep).
    pub json_problem: Option<String>,
    /// The body as JSON is read, when that differs from `body`: numbers too
    /// large for a 64-bit float written as the largest one
    /// ([`super::json::clamp_out_of_range`]).
    json_text: Option<Vec<u8>>,
}

/// The largest body read into a tape: a tape takes about twice the body's
/// size, so a larger body's snapshot is compared from its text, read lazily
/// (slower, in little memory).
pub const TAPE_MAX: usize = 16 << 20;

impl Response {
    pub fn new(status: u16, headers: HeaderMap, body: Vec<u8>) -> Self {
        Self::read(status, headers, body, false)
    }

    /// Like [`Response::new`], and a JSON body is read into its tape while it
    /// is checked, in the same pass: for a response whose body a snapshot
    /// will compare ([`Response::json_tape`]). A body over [`TAPE_MAX`] gets
    /// no tape.
    pub fn with_tape(status: u16, headers: HeaderMap, body: Vec<u8>) -> Self {
        Self::read(status, headers, body, true)
    }

    fn read(status: u16, headers: HeaderMap, body: Vec<u8>, with_tape: bool) -> Self {
        let tape = OnceLock::new();
        let check = |text: &[u8]| {
            check_json(&headers, text, |text: &[u8]| {
                if with_tape && let Some(read) = tape_of(text) {
                    let _ = tape.set(Some(read));
                    return Ok(true);
                }
                super::json::validate(text)
            })
        };
        let mut json_text = None;
        let (is_json, json_problem) = match check(&body) {
            Ok(true) => (true, None),
            // Valid JSON whose numbers serde_json cannot hold (`1e400`).
            Ok(false) => match super::json::clamp_out_of_range(&body) {
                Some(text) if check(&text) == Ok(true) => {
                    json_text = Some(text);
                    (true, None)
                }
                _ => (false, None),
            },
            Err(problem) => (false, Some(problem)),
        };
        Self {
            status,
            headers,
            body,
            is_json,
            parsed: OnceLock::new(),
            tape,
            json_problem,
            json_text,
        }
    }

    /// The text JSON readers read: the body, or the body with numbers out of
    /// a float's range clamped (see `json_text`).
    pub fn json_bytes(&self) -> &[u8] {
        self.json_text.as_deref().unwrap_or(&self.body)
    }

    /// The body parsed as JSON, when it is JSON. Parsed on the first call:
    /// checks read the body lazily ([`Response::json_doc`]); snapshots,
    /// failure messages and reports ask for the whole value.
    pub fn json(&self) -> Option<&Json> {
        self.parsed
            .get_or_init(|| {
                self.is_json
                    .then(|| super::json::parse_checked(self.json_bytes()))
                    .flatten()
            })
            .as_ref()
    }

    /// Whether the body is JSON (checked whole, nested within the limit).
    pub fn is_json(&self) -> bool {
        self.is_json
    }

    /// The body's tape ([`Tape`]), when it is JSON of at most [`TAPE_MAX`]
    /// bytes: read on the first call (unless it was read with the body) and
    /// kept, for the snapshot fast path.
    pub fn json_tape(&self) -> Option<&Tape> {
        if !self.is_json {
            return None;
        }
        self.tape
            .get_or_init(|| tape_of(self.json_bytes()))
            .as_ref()
    }

    /// The body as a lazily read JSON document, for JSONPath, when it is JSON:
    /// over its tape when it has one (levels are then read from the tape,
    /// not from the text again), else over its text.
    pub fn json_doc(&self) -> Option<Node<'_>> {
        if !self.is_json {
            return None;
        }
        if let Some(Some(tape)) = self.tape.get() {
            return Some(Node::over_tape(tape, self.json_bytes()));
        }
        std::str::from_utf8(self.json_bytes()).ok().map(Node::new)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn content_type(&self) -> &str {
        self.header("content-type").unwrap_or_default()
    }

    /// Why [`Response::json`] is None, for messages: `the response is not
    /// JSON`, or that it is nested too deep.
    pub fn not_json(&self) -> String {
        match &self.json_problem {
            Some(problem) => format!("the response {problem}"),
            None => "the response is not JSON".to_owned(),
        }
    }
}

/// A body's tape, unless it is over [`TAPE_MAX`] or not JSON.
fn tape_of(body: &[u8]) -> Option<Tape> {
    (body.len() <= TAPE_MAX).then(|| Tape::read(body)).flatten()
}

/// Whether the body is JSON, when it is declared (or, without Content-Type,
/// looks like) JSON; `Err` when it is JSON nested deeper than gatecheck reads.
/// `validate` is [`super::json::validate`], or does its work.
fn check_json(
    headers: &HeaderMap,
    body: &[u8],
    validate: impl FnOnce(&[u8]) -> Result<bool, String>,
) -> Result<bool, String> {
    if body.is_empty() {
        return Ok(false);
    }
    let ct = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let declared = ct.contains("json");
    let looks = matches!(
        body.iter().find(|b| !b.is_ascii_whitespace()),
        Some(b'{' | b'[')
    );
    if declared || (ct.is_empty() && looks) {
        validate(body)
    } else {
        Ok(false)
    }
}

/// A request, its response and how long it took.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub request: Prepared,
    pub response: Response,
    pub elapsed: Duration,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_bodies_are_parsed_by_content_type() {
        let mut h = HeaderMap::new();
        h.insert("content-type", "application/problem+json".parse().unwrap());
        let r = Response::new(400, h, br#"{"a":1}"#.to_vec());
        assert_eq!(r.json().unwrap()["a"], 1);
        let mut h = HeaderMap::new();
        h.insert("content-type", "text/html".parse().unwrap());
        assert!(Response::new(200, h, b"{}".to_vec()).json().is_none());
    }

    #[test]
    fn a_number_out_of_a_floats_range_is_still_json() {
        let body = br#"{"n": 1e400, "id": 7}"#.to_vec();
        for r in [
            Response::new(200, HeaderMap::new(), body.clone()),
            Response::with_tape(200, HeaderMap::new(), body.clone()),
        ] {
            assert!(r.is_json(), "{}", r.not_json());
            assert_eq!(r.json().unwrap()["n"], f64::MAX);
            assert!(r.json_tape().is_some());
            let doc = r.json_doc().unwrap();
            let path = crate::suite::expect::JsonPath::parse("$.id").unwrap();
            assert_eq!(
                crate::http::lazy_json::selection(&path.select(&doc)),
                Some(serde_json::json!(7))
            );
            assert_eq!(r.body, body, "the body itself is kept as received");
        }
    }

    #[test]
    fn a_tape_is_read_with_a_json_body_and_answers_like_validation() {
        let json = || {
            let mut h = HeaderMap::new();
            h.insert("content-type", "application/json".parse().unwrap());
            h
        };
        let r = Response::with_tape(200, json(), br#"{"a": [1, "x"]}"#.to_vec());
        assert!(r.is_json());
        assert!(
            r.tape.get().is_some_and(Option::is_some),
            "read with the body"
        );
        assert_eq!(r.json_tape().map(|t| t.toks.len()), Some(5));
        for bad in [&b"{\"a\": }"[..], b"[\"\xff\"]"] {
            let r = Response::with_tape(200, json(), bad.to_vec());
            assert!(!r.is_json() && r.json_problem.is_none() && r.json_tape().is_none());
        }
        let deep = "[".repeat(300) + &"]".repeat(300);
        let r = Response::with_tape(200, json(), deep.into_bytes());
        assert!(!r.is_json() && r.json_tape().is_none());
        assert!(
            r.not_json().contains("nested 300 levels deep"),
            "{}",
            r.not_json()
        );
        let mut h = HeaderMap::new();
        h.insert("content-type", "text/plain".parse().unwrap());
        let r = Response::with_tape(200, h, b"[1]".to_vec());
        assert!(!r.is_json() && r.json_tape().is_none());
        // Without a tape read with the body, the first call reads it.
        let r = Response::new(200, json(), b"[1, 2]".to_vec());
        assert_eq!(r.json_tape().map(|t| t.toks.len()), Some(3));
    }
}
