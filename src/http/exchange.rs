//! One request and its response, as plain data.

use std::sync::OnceLock;
use std::time::Duration;

use reqwest::header::HeaderMap;
use serde_json::Value as Json;

use super::json_node::Node;
use super::json_tape::Tape;

/// A request ready to send: everything rendered, URL absolute.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub method: reqwest::Method,
    pub url: reqwest::Url,
    pub headers: Vec<(String, String)>,
    pub body: Body,
    pub timeout: Duration,
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
    /// The body read into its tape, when it is JSON: checked and read in one
    /// pass when the response was read.
    tape: Option<Tape>,
    /// The body as a whole value, built from the tape the first time
    /// something asks for it (failure messages, reports).
    parsed: OnceLock<Option<Json>>,
    /// Why a body that looks like JSON was not parsed, when that is not
    /// simply "not JSON" (it is nested too deep).
    pub json_problem: Option<String>,
    /// The body as JSON is read, when that differs from `body`: numbers too
    /// large for a 64-bit float written as the largest one
    /// ([`super::json::clamp_out_of_range`]).
    json_text: Option<Vec<u8>>,
}

impl Response {
    /// A response; a JSON body is read into its tape ([`Response::json_tape`]).
    pub fn new(status: u16, headers: HeaderMap, body: Vec<u8>) -> Self {
        let check = |text: &[u8]| check_json(&headers, text);
        let mut json_text = None;
        let (tape, json_problem) = match check(&body) {
            Ok(Some(tape)) => (Some(tape), None),
            // Valid JSON whose numbers serde_json cannot hold (`1e400`).
            Ok(None) => match super::json::clamp_out_of_range(&body) {
                Some(text) => match check(&text) {
                    Ok(Some(tape)) => {
                        json_text = Some(text);
                        (Some(tape), None)
                    }
                    _ => (None, None),
                },
                None => (None, None),
            },
            Err(problem) => (None, Some(problem)),
        };
        Self {
            status,
            headers,
            body,
            tape,
            parsed: OnceLock::new(),
            json_problem,
            json_text,
        }
    }

    /// The text JSON readers read: the body, or the body with numbers out of
    /// a float's range clamped (see `json_text`).
    pub fn json_bytes(&self) -> &[u8] {
        self.json_text.as_deref().unwrap_or(&self.body)
    }

    /// The body as a whole value, when it is JSON, built from its tape on the
    /// first call: checks read the tape through JSONPath
    /// ([`Response::json_doc`]); failure messages and reports ask for this.
    pub fn json(&self) -> Option<&Json> {
        self.parsed
            .get_or_init(|| self.json_doc().map(|doc| doc.to_json()))
            .as_ref()
    }

    /// Whether the body is JSON (checked whole, nested within the limit).
    pub fn is_json(&self) -> bool {
        self.tape.is_some()
    }

    /// The body's tape ([`Tape`]), when it is JSON; strings in it are spans
    /// of [`Response::json_bytes`].
    pub fn json_tape(&self) -> Option<&Tape> {
        self.tape.as_ref()
    }

    /// The body as a JSON document for JSONPath, when it is JSON: a view of
    /// its tape whose levels are made as a query looks into them.
    pub fn json_doc(&self) -> Option<Node<'_>> {
        let tape = self.tape.as_ref()?;
        Some(Node::over_tape(tape, self.json_bytes()))
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

/// The body's tape, when it is declared (or, without Content-Type, looks
/// like) JSON and is JSON; `Err` when it is JSON nested deeper than
/// gatecheck reads ([`super::json::read`]).
fn check_json(headers: &HeaderMap, body: &[u8]) -> Result<Option<Tape>, String> {
    if body.is_empty() {
        return Ok(None);
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
        super::json::read(body)
    } else {
        Ok(None)
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
        let r = Response::new(200, HeaderMap::new(), body.clone());
        assert!(r.is_json(), "{}", r.not_json());
        assert_eq!(r.json().unwrap()["n"], f64::MAX);
        let doc = r.json_doc().unwrap();
        let path = crate::suite::expect::JsonPath::parse("$.id").unwrap();
        assert_eq!(
            crate::http::json_node::selection(&path.select(&doc)),
            Some(serde_json::json!(7))
        );
        assert_eq!(r.body, body, "the body itself is kept as received");
    }

    #[test]
    fn a_json_body_is_read_into_its_tape_as_it_is_checked() {
        let json = || {
            let mut h = HeaderMap::new();
            h.insert("content-type", "application/json".parse().unwrap());
            h
        };
        let r = Response::new(200, json(), br#"{"a": [1, "x"]}"#.to_vec());
        assert!(r.is_json());
        assert_eq!(r.json_tape().map(|t| t.toks.len()), Some(5));
        assert_eq!(r.json(), Some(&serde_json::json!({"a": [1, "x"]})));
        for bad in [&b"{\"a\": }"[..], b"[\"\xff\"]"] {
            let r = Response::new(200, json(), bad.to_vec());
            assert!(!r.is_json() && r.json_problem.is_none() && r.json_tape().is_none());
            assert!(r.json().is_none() && r.json_doc().is_none());
        }
        let deep = "[".repeat(300) + &"]".repeat(300);
        let r = Response::new(200, json(), deep.into_bytes());
        assert!(!r.is_json() && r.json_tape().is_none());
        assert!(
            r.not_json().contains("nested 300 levels deep"),
            "{}",
            r.not_json()
        );
        let mut h = HeaderMap::new();
        h.insert("content-type", "text/plain".parse().unwrap());
        let r = Response::new(200, h, b"[1]".to_vec());
        assert!(!r.is_json() && r.json_tape().is_none());
        // Without a Content-Type, a body that looks like JSON is read.
        let r = Response::new(200, HeaderMap::new(), b" [1, 2]".to_vec());
        assert_eq!(r.json_tape().map(|t| t.toks.len()), Some(3));
    }
}
