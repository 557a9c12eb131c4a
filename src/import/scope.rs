//! What the names and expressions of a Postman script stand for: the
//! status, a header, a part of the JSON body, every element of a list in
//! it, a literal, a Postman variable, or a boolean made of checks.

use indexmap::IndexMap;
use serde_json::Value as Json;

/// The meaning of a script value, as far as a check can use it.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    /// `pm.response.code`, `responseCode.code`.
    Status,
    /// `pm.response.responseTime`, `responseTime` (milliseconds).
    Duration,
    /// A response header's value.
    Header(String),
    /// The response itself (`pm.response`), for chai-postman's assertions.
    Response,
    /// A part of the JSON body, as a JSONPath (`$` for all of it).
    Json(String),
    /// `json.user || {}`: its members are the body's (`$.user.email`), but
    /// the value itself may be the script's empty fallback.
    OrEmpty(String),
    /// Every element of the list at `list` (a loop variable), then `rel`.
    /// In a loop inside a loop, `list` selects the lists of every outer
    /// element (`$.items[*].tags`). `must` holds what the loops need to
    /// run at all, checked with any check of the element: `forEach` and
    /// `for...of` fail on a value that is not a list, where `_.each` also
    /// walks an object's values and does nothing on a missing value.
    Each {
        list: String,
        rel: String,
        must: Vec<Check>,
    },
    /// A value written in the script (strings as gatecheck templates).
    Lit(Json),
    /// A Postman variable (`pm.environment.get("x")`, `environment.x`),
    /// read when the test runs.
    Var(String),
    /// `environment`, `globals`, `data`: their members are variables.
    VarObject,
    /// The response text (`responseBody`, `pm.response.text()`).
    Text,
    /// A boolean that holds exactly when these checks pass
    /// (`var ok = responseCode.code === 200`).
    Checks(Vec<Check>),
    Undefined,
    /// Anything else (computed by the script).
    Unknown,
}

/// The script's variables, innermost block last.
#[derive(Debug, Clone, Default)]
pub struct ScriptScope {
    frames: Vec<IndexMap<String, Val>>,
}

impl ScriptScope {
    pub fn get(&self, name: &str) -> Option<&Val> {
        self.frames.iter().rev().find_map(|f| f.get(name))
    }

    /// Binds `name` in the innermost frame (a fresh scope has one).
    pub fn set(&mut self, name: &str, val: Val) {
        if self.frames.is_empty() {
            self.frames.push(IndexMap::new());
        }
        if let Some(frame) = self.frames.iter_mut().rev().find(|f| f.contains_key(name)) {
            frame.insert(name.to_owned(), val);
            return;
        }
        if let Some(last) = self.frames.last_mut() {
            last.insert(name.to_owned(), val);
        }
    }

    /// Declares `name` in the innermost frame (`let`, a parameter).
    pub fn declare(&mut self, name: &str, val: Val) {
        if self.frames.is_empty() {
            self.frames.push(IndexMap::new());
        }
        if let Some(last) = self.frames.last_mut() {
            last.insert(name.to_owned(), val);
        }
    }

    pub fn push(&mut self) {
        self.frames.push(IndexMap::new());
    }

    pub fn pop(&mut self) {
        self.frames.pop();
    }
}

/// One converted assertion.
#[derive(Debug, Clone, PartialEq)]
pub enum Check {
    Status(Json),
    /// Milliseconds: the response takes less.
    Duration(u64),
    /// A header and its expectation (`{matches: ...}` or an exact value).
    Header(String, Json),
    /// A JSONPath and its matcher (a literal or a matcher map).
    Json(String, Json),
}
