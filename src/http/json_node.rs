//! JSONPath's view of a body's tape ([`super::json_tape`]): a node is a
//! token of the tape until a query looks inside it, and then only that level
//! is made into child nodes (still tokens). `$[-1].name` on a 1 MiB array
//! makes the array's level once and one element's, nothing else.
//!
//! Matchers see plain `serde_json::Value`s of the selected nodes
//! ([`Node::to_json`]), so their semantics do not change. Nodes that own
//! their value exist for what jsonpath-rust builds itself (function results).

use std::borrow::Cow;
use std::cell::OnceCell;
use std::fmt;

use jsonpath_rust::query::queryable::Queryable;
use serde_json::{Number, Value as Json};

use super::json_tape::{Tape, Tok};

/// One JSON value: a token of a body's tape (or a value of its own) and,
/// once looked into, its top level.
#[derive(Clone, Default)]
pub struct Node<'a> {
    src: Source<'a>,
    parsed: OnceCell<Level<'a>>,
}

/// Where a node's value is read from.
#[derive(Clone, Copy, Default)]
enum Source<'a> {
    /// A plain value: its level is set.
    #[default]
    Owned,
    /// A token of a body's tape ([`Tape`]), and the body it was read from.
    Tape(&'a Tape, &'a [u8], u32),
}

/// The top level of a value; children are nodes (not yet looked into).
#[derive(Clone, Debug, Default)]
enum Level<'a> {
    #[default]
    Null,
    Bool(bool),
    Num(Number),
    Str(Cow<'a, str>),
    Arr(Vec<Node<'a>>),
    /// Members in document order; a repeated key keeps its first place and
    /// its last value, as `serde_json::Value` does.
    Obj(Vec<(Cow<'a, str>, Node<'a>)>),
}

impl Level<'_> {
    /// A scalar level as a plain value (`null` for an array or object).
    fn scalar_json(&self) -> Json {
        match self {
            Level::Bool(b) => Json::Bool(*b),
            Level::Num(n) => Json::Number(n.clone()),
            Level::Str(s) => Json::String(s.clone().into_owned()),
            Level::Null | Level::Arr(_) | Level::Obj(_) => Json::Null,
        }
    }
}

impl<'a> Node<'a> {
    /// A node over a body's tape: the body's root value.
    pub fn over_tape(tape: &'a Tape, body: &'a [u8]) -> Self {
        Node::at_token(tape, body, 0)
    }

    fn at_token(tape: &'a Tape, body: &'a [u8], at: usize) -> Self {
        Node {
            src: Source::Tape(tape, body, u32::try_from(at).unwrap_or(u32::MAX)),
            parsed: OnceCell::new(),
        }
    }

    /// The index of this value's token, when it is read from a tape.
    pub fn tape_index(&self) -> Option<usize> {
        match self.src {
            Source::Tape(_, _, at) => Some(at as usize),
            Source::Owned => None,
        }
    }

    fn owned(level: Level<'a>) -> Self {
        Node {
            src: Source::Owned,
            parsed: OnceCell::from(level),
        }
    }

    fn level(&self) -> &Level<'a> {
        self.parsed.get_or_init(|| match self.src {
            Source::Owned => Level::Null,
            Source::Tape(tape, body, at) => tape_level(tape, body, at as usize),
        })
    }

    /// The value as a `serde_json::Value` (built from the tape when it was
    /// not looked into).
    pub fn to_json(&self) -> Json {
        if let (Source::Tape(tape, body, at), None) = (self.src, self.parsed.get()) {
            return tape_json(tape, body, at as usize, &[]);
        }
        match self.level() {
            Level::Arr(items) => Json::Array(items.iter().map(Node::to_json).collect()),
            Level::Obj(members) => Json::Object(
                members
                    .iter()
                    .map(|(k, v)| (k.clone().into_owned(), v.to_json()))
                    .collect(),
            ),
            scalar => scalar.scalar_json(),
        }
    }
}

/// What a JSONPath selected, as one value: nothing, the one node's value,
/// or an array of the values of several.
pub fn selection(nodes: &[&Node]) -> Option<Json> {
    match nodes {
        [] => None,
        [one] => Some(one.to_json()),
        many => Some(Json::Array(many.iter().map(|v| v.to_json()).collect())),
    }
}

/// A node that owns its value (a plain value jsonpath-rust made).
fn from_json<'b>(value: Json) -> Node<'b> {
    Node::owned(match value {
        Json::Null => Level::Null,
        Json::Bool(b) => Level::Bool(b),
        Json::Number(n) => Level::Num(n),
        Json::String(s) => Level::Str(Cow::Owned(s)),
        Json::Array(items) => Level::Arr(items.into_iter().map(from_json).collect()),
        Json::Object(map) => Level::Obj(
            map.into_iter()
                .map(|(k, v)| (Cow::Owned(k), from_json(v)))
                .collect(),
        ),
    })
}

/// The top level of the value at token `at` of a tape; children are nodes
/// at their tokens.
fn tape_level<'a>(tape: &'a Tape, body: &'a [u8], at: usize) -> Level<'a> {
    let Some(&tok) = tape.toks.get(at) else {
        return Level::Null;
    };
    match tok {
        Tok::Null => Level::Null,
        Tok::Bool(b) => Level::Bool(b),
        Tok::U64(n) => Level::Num(n.into()),
        Tok::I64(n) => Level::Num(n.into()),
        Tok::F64(n) => Number::from_f64(n).map_or(Level::Null, Level::Num),
        Tok::Span { .. } | Tok::Decoded { .. } => {
            Level::Str(Cow::Borrowed(tape_str(tape, body, tok)))
        }
        Tok::Arr { .. } => Level::Arr(
            tape.elements(at)
                .map(|item| Node::at_token(tape, body, item))
                .collect(),
        ),
        Tok::Obj { .. } => {
            let members = tape.keys(at).map(|key| {
                let name = Cow::Borrowed(tape_str(tape, body, tape.toks[key]));
                (name, Node::at_token(tape, body, key + 1))
            });
            Level::Obj(dedup(members.collect()))
        }
    }
}

/// The value at token `at` of a tape, built whole; `replaced` are values
/// given instead of the token's (by token index, sorted).
pub fn tape_json(tape: &Tape, body: &[u8], at: usize, replaced: &[(usize, &Json)]) -> Json {
    if !replaced.is_empty()
        && let Ok(i) = replaced.binary_search_by_key(&at, |(at, _)| *at)
    {
        return replaced[i].1.clone();
    }
    let Some(&tok) = tape.toks.get(at) else {
        return Json::Null;
    };
    match tok {
        Tok::Arr { .. } => Json::Array(
            tape.elements(at)
                .map(|item| tape_json(tape, body, item, replaced))
                .collect(),
        ),
        // A repeated key keeps its first place and its last value.
        Tok::Obj { .. } => Json::Object(
            tape.keys(at)
                .map(|key| {
                    let name = tape_str(tape, body, tape.toks[key]).to_owned();
                    (name, tape_json(tape, body, key + 1, replaced))
                })
                .collect(),
        ),
        _ => tape_level(tape, body, at).scalar_json(),
    }
}

/// A string token's text (checked UTF-8 when the tape was read).
fn tape_str<'a>(tape: &'a Tape, body: &'a [u8], tok: Tok) -> &'a str {
    std::str::from_utf8(tape.str(body, tok)).unwrap_or_default()
}

type Members<'a> = Vec<(Cow<'a, str>, Node<'a>)>;

/// A repeated key keeps its first place and its last value.
fn dedup(members: Members<'_>) -> Members<'_> {
    let repeated = if members.len() <= 16 {
        (1..members.len()).any(|i| members[..i].iter().any(|(k, _)| *k == members[i].0))
    } else {
        let mut seen = std::collections::HashSet::with_capacity(members.len());
        !members.iter().all(|(k, _)| seen.insert(k.as_ref()))
    };
    if !repeated {
        return members;
    }
    let mut kept: Members<'_> = Vec::with_capacity(members.len());
    for (key, value) in members {
        match kept.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => kept.push((key, value)),
        }
    }
    kept
}

impl fmt::Debug for Node<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_json())
    }
}

impl PartialEq for Node<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.to_json() == other.to_json()
    }
}

impl From<&str> for Node<'_> {
    fn from(s: &str) -> Self {
        Node::owned(Level::Str(Cow::Owned(s.to_owned())))
    }
}

impl From<String> for Node<'_> {
    fn from(s: String) -> Self {
        Node::owned(Level::Str(Cow::Owned(s)))
    }
}

impl From<bool> for Node<'_> {
    fn from(b: bool) -> Self {
        Node::owned(Level::Bool(b))
    }
}

impl From<i64> for Node<'_> {
    fn from(n: i64) -> Self {
        Node::owned(Level::Num(n.into()))
    }
}

impl From<f64> for Node<'_> {
    fn from(n: f64) -> Self {
        Node::owned(Number::from_f64(n).map_or(Level::Null, Level::Num))
    }
}

impl<'a> From<Vec<Node<'a>>> for Node<'a> {
    fn from(items: Vec<Node<'a>>) -> Self {
        Node::owned(Level::Arr(items))
    }
}

impl<'a> Queryable for Node<'a> {
    fn get(&self, key: &str) -> Option<&Self> {
        match self.level() {
            Level::Obj(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    fn as_array(&self) -> Option<&Vec<Self>> {
        match self.level() {
            Level::Arr(items) => Some(items),
            _ => None,
        }
    }

    fn as_object(&self) -> Option<Vec<(&str, &Self)>> {
        match self.level() {
            Level::Obj(members) => Some(members.iter().map(|(k, v)| (k.as_ref(), v)).collect()),
            _ => None,
        }
    }

    fn as_str(&self) -> Option<&str> {
        match self.level() {
            Level::Str(s) => Some(s),
            _ => None,
        }
    }

    fn as_i64(&self) -> Option<i64> {
        match self.level() {
            Level::Num(n) => n.as_i64(),
            _ => None,
        }
    }

    fn as_f64(&self) -> Option<f64> {
        match self.level() {
            Level::Num(n) => n.as_f64(),
            _ => None,
        }
    }

    fn as_bool(&self) -> Option<bool> {
        match self.level() {
            Level::Bool(b) => Some(*b),
            _ => None,
        }
    }

    fn null() -> Self {
        Node::owned(Level::Null)
    }

    /// The extension functions of `serde_json::Value` (`in`, `nin`, ...),
    /// on plain values.
    fn extension_custom(name: &str, args: Vec<Cow<Self>>) -> Self {
        let args = args.iter().map(|a| Cow::Owned(a.to_json())).collect();
        from_json(<Json as Queryable>::extension_custom(name, args))
    }
}

#[cfg(test)]
#[path = "json_node_tests.rs"]
mod tests;
