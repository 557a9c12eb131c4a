//! One request and its response, as plain data.

use std::sync::OnceLock;
use std::time::Duration;

use reqwest::header::HeaderMap;
use serde_json::Value as Json;

use super::lazy_json::Node;

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
    /// The body is JSON (checked whole when the response was read).
    is_json: bool,
    /// The body parsed whole, the first time something asks for it.
    parsed: OnceLock<Option<Json>>,
    /// Why a body that looks like JSON was not parsed, when that is not
    /// simply "not JSON" (it is nested too deep).
    pub json_problem: Option<String>,
}

impl Response {
    pub fn new(status: u16, headers: HeaderMap, body: Vec<u8>) -> Self {
        let (is_json, json_problem) = match check_json(&headers, &body) {
            Ok(is_json) => (is_json, None),
            Err(problem) => (false, Some(problem)),
        };
        Self {
            status,
            headers,
            body,
            is_json,
            parsed: OnceLock::new(),
            json_problem,
        }
    }

    /// The body parsed as JSON, when it is JSON. Parsed on the first call:
    /// checks read the body lazily ([`Response::json_doc`]); snapshots,
    /// failure messages and reports ask for the whole value.
    pub fn json(&self) -> Option<&Json> {
        self.parsed
            .get_or_init(|| {
                self.is_json
                    .then(|| super::json::parse_checked(&self.body))
                    .flatten()
            })
            .as_ref()
    }

    /// Whether the body is JSON (checked whole, nested within the limit).
    pub fn is_json(&self) -> bool {
        self.is_json
    }

    /// The body as a lazily read JSON document, for JSONPath, when it is JSON.
    pub fn json_doc(&self) -> Option<Node<'_>> {
        if !self.is_json {
            return None;
        }
        std::str::from_utf8(&self.body).ok().map(Node::new)
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

/// Whether the body is JSON, when it is declared (or, without Content-Type,
/// looks like) JSON; `Err` when it is JSON nested deeper than gatecheck reads.
fn check_json(headers: &HeaderMap, body: &[u8]) -> Result<bool, String> {
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
        super::json::validate(body)
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
}
