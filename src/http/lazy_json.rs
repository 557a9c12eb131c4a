//! A JSON body read lazily, for JSONPath: a node is its text until a query
//! looks inside it, and then only that level is split into children (still
//! text). `$[-1].name` on a 1 MiB array splits the array once and decodes one
//! element, instead of building a `serde_json::Value` of the whole body (which
//! costs about ten times the body in memory and most of the time of a run).
//!
//! The text must be valid JSON (checked whole when the response is read,
//! before a node is made); serde_json splits a level into the text of its
//! elements or members (`RawValue`) without building them.
//! Matchers see plain `serde_json::Value`s of the selected nodes
//! ([`Node::to_json`]), so their semantics do not change.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::fmt;

use jsonpath_rust::query::queryable::Queryable;
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Number, Value as Json};

use super::json_tape::{Tape, Tok};

/// One JSON value: where it is read from (its text, or a token of the
/// body's tape) and, once looked into, its top level.
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
    /// Its JSON text.
    Text(&'a str),
    /// A token of a body's tape ([`Tape`]), and the body it was read from:
    /// a level is read from the tape without reading the text again.
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

/// The top level of a value, borrowed ([`Node::with_shape`]).
pub enum Shape<'n, 'a> {
    Null,
    Bool(bool),
    Num(&'n Number),
    Str(&'n str),
    Arr(&'n [Node<'a>]),
    Obj(&'n [(Cow<'a, str>, Node<'a>)]),
}

impl<'a> Level<'a> {
    /// A scalar level as a plain value (`null` for an array or object).
    fn scalar_json(&self) -> Json {
        match self {
            Level::Bool(b) => Json::Bool(*b),
            Level::Num(n) => Json::Number(n.clone()),
            Level::Str(s) => Json::String(s.clone().into_owned()),
            Level::Null | Level::Arr(_) | Level::Obj(_) => Json::Null,
        }
    }

    fn shape(&self) -> Shape<'_, 'a> {
        match self {
            Level::Null => Shape::Null,
            Level::Bool(b) => Shape::Bool(*b),
            Level::Num(n) => Shape::Num(n),
            Level::Str(s) => Shape::Str(s),
            Level::Arr(items) => Shape::Arr(items),
            Level::Obj(members) => Shape::Obj(members),
        }
    }
}

impl<'a> Node<'a> {
    /// A node over `text`, which must be one valid JSON value (whitespace
    /// around it allowed).
    pub fn new(text: &'a str) -> Self {
        Node {
            src: Source::Text(text.trim_matches(is_ws_char)),
            parsed: OnceCell::new(),
        }
    }

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
            _ => None,
        }
    }

    fn owned(level: Level<'a>) -> Self {
        Node {
            src: Source::Owned,
            parsed: OnceCell::from(level),
        }
    }

    /// This value's top level, read from its source.
    fn read_level(&self) -> Level<'a> {
        match self.src {
            Source::Owned => Level::Null,
            Source::Text(raw) => split(raw),
            Source::Tape(tape, body, at) => tape_level(tape, body, at as usize),
        }
    }

    /// Calls `f` with the top level of this value, without keeping it when
    /// it was not looked into before (a walk over the whole body, such as the
    /// snapshot fast path, then holds one level per depth, not the body).
    ///
    /// A value of at most [`WHOLE_MAX`] bytes of text is read whole in one
    /// pass (its children come back already read), so a walk reads each byte
    /// about twice instead of once per level of nesting.
    pub fn with_shape<R>(&self, f: impl FnOnce(Shape<'_, 'a>) -> R) -> R {
        match (self.parsed.get(), self.src) {
            (Some(level), _) => f(level.shape()),
            (None, Source::Text(raw)) if raw.len() <= WHOLE_MAX => f(whole(raw).shape()),
            (None, _) => f(self.read_level().shape()),
        }
    }

    /// The top level of this value when something looked into it before
    /// (a JSONPath query), without reading it otherwise.
    pub fn shape_if_read(&self) -> Option<Shape<'_, 'a>> {
        self.parsed.get().map(Level::shape)
    }

    fn level(&self) -> &Level<'a> {
        self.parsed.get_or_init(|| self.read_level())
    }

    /// The value as a `serde_json::Value` (parsed from its text when it was
    /// not looked into).
    pub fn to_json(&self) -> Json {
        match (self.src, self.parsed.get()) {
            (Source::Text(raw), None) => return parse_value(raw),
            (Source::Tape(tape, body, at), None) => return tape_json(tape, body, at as usize),
            _ => {}
        }
        match self.level() {
            Level::Null => Json::Null,
            Level::Bool(b) => Json::Bool(*b),
            Level::Num(n) => Json::Number(n.clone()),
            Level::Str(s) => Json::String(s.clone().into_owned()),
            Level::Arr(items) => Json::Array(items.iter().map(Node::to_json).collect()),
            Level::Obj(members) => Json::Object(
                members
                    .iter()
                    .map(|(k, v)| (k.clone().into_owned(), v.to_json()))
                    .collect(),
            ),
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

/// A node that owns its value (made from a plain value, not from text).
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

/// The value at token `at` of a tape, built whole.
fn tape_json(tape: &Tape, body: &[u8], at: usize) -> Json {
    let Some(&tok) = tape.toks.get(at) else {
        return Json::Null;
    };
    match tok {
        Tok::Arr { .. } => Json::Array(
            tape.elements(at)
                .map(|item| tape_json(tape, body, item))
                .collect(),
        ),
        // A repeated key keeps its first place and its last value.
        Tok::Obj { .. } => Json::Object(
            tape.keys(at)
                .map(|key| {
                    let name = tape_str(tape, body, tape.toks[key]).to_owned();
                    (name, tape_json(tape, body, key + 1))
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

/// Parses a valid JSON text of bounded depth (checked before) whole.
fn parse_value(text: &str) -> Json {
    let mut de = serde_json::Deserializer::from_str(text);
    de.disable_recursion_limit();
    Json::deserialize(&mut de).unwrap_or(Json::Null)
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

fn is_ws_char(c: char) -> bool {
    c.is_ascii() && is_ws(c as u8)
}

/// The top level of one valid JSON value, read by serde_json: scalars are
/// decoded, and each element or member of an array or object is kept as its
/// text (a borrowed `RawValue`), not built.
fn split(text: &str) -> Level<'_> {
    let mut de = serde_json::Deserializer::from_str(text);
    // The depth was bounded when the body was validated.
    de.disable_recursion_limit();
    serde::Deserializer::deserialize_any(&mut de, LevelVisitor { whole: false }).unwrap_or_default()
}

/// The largest value (in bytes of text) that [`Node::with_shape`] reads
/// whole: big enough for any ordinary object, small enough that what is held
/// at once stays a small multiple of it.
const WHOLE_MAX: usize = 64 * 1024;

/// One valid JSON value read whole: every level is built (strings borrowed
/// from the text unless they have escapes), in one pass.
fn whole(text: &str) -> Level<'_> {
    let mut de = serde_json::Deserializer::from_str(text);
    // The depth was bounded when the body was validated.
    de.disable_recursion_limit();
    serde::Deserializer::deserialize_any(&mut de, LevelVisitor { whole: true }).unwrap_or_default()
}

/// A value read whole, as a child of one read whole.
struct Whole<'a>(Node<'a>);

impl<'a> Deserialize<'a> for Whole<'a> {
    fn deserialize<D: Deserializer<'a>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(LevelVisitor { whole: true })
            .map(|level| Whole(Node::owned(level)))
    }
}

/// Builds one [`Level`] from serde_json's events: children as their text
/// (`RawValue`), or, when `whole`, read whole too.
#[derive(Clone, Copy)]
struct LevelVisitor {
    whole: bool,
}

impl<'a> Visitor<'a> for LevelVisitor {
    type Value = Level<'a>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<Level<'a>, E> {
        Ok(Level::Null)
    }

    fn visit_bool<E>(self, b: bool) -> Result<Level<'a>, E> {
        Ok(Level::Bool(b))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Level<'a>, E> {
        Ok(Level::Num(n.into()))
    }

    fn visit_u64<E>(self, n: u64) -> Result<Level<'a>, E> {
        Ok(Level::Num(n.into()))
    }

    fn visit_f64<E>(self, n: f64) -> Result<Level<'a>, E> {
        Ok(Number::from_f64(n).map_or(Level::Null, Level::Num))
    }

    fn visit_borrowed_str<E>(self, s: &'a str) -> Result<Level<'a>, E> {
        Ok(Level::Str(Cow::Borrowed(s)))
    }

    fn visit_str<E>(self, s: &str) -> Result<Level<'a>, E> {
        Ok(Level::Str(Cow::Owned(s.to_owned())))
    }

    fn visit_seq<A: SeqAccess<'a>>(self, mut seq: A) -> Result<Level<'a>, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        if self.whole {
            while let Some(Whole(node)) = seq.next_element()? {
                items.push(node);
            }
        } else {
            while let Some(raw) = seq.next_element::<&'a RawValue>()? {
                items.push(Node::new(raw.get()));
            }
        }
        Ok(Level::Arr(items))
    }

    fn visit_map<A: MapAccess<'a>>(self, mut map: A) -> Result<Level<'a>, A::Error> {
        let mut members = Vec::new();
        while let Some(Key(key)) = map.next_key()? {
            let node = if self.whole {
                map.next_value::<Whole<'a>>()?.0
            } else {
                Node::new(map.next_value::<&'a RawValue>()?.get())
            };
            members.push((key, node));
        }
        Ok(Level::Obj(dedup(members)))
    }
}

/// An object's key: borrowed from the body unless it has escapes.
struct Key<'a>(Cow<'a, str>);

impl<'a> Deserialize<'a> for Key<'a> {
    fn deserialize<D: Deserializer<'a>>(d: D) -> Result<Self, D::Error> {
        match d.deserialize_str(LevelVisitor { whole: false })? {
            Level::Str(key) => Ok(Key(key)),
            _ => Err(serde::de::Error::custom("an object key is a string")),
        }
    }
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
#[path = "lazy_json_tests.rs"]
mod tests;
