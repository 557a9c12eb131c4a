//! YAML with positions: parses a file into a `serde_yaml::Value`, expanding
//! `${NAME}` / `${NAME:-default}` in every scalar, and finds where each key
//! path starts so that later (semantic) errors can say `file:line:column`.
//! Positions are only needed for errors and failing expectations, so they
//! are found on first use by a second pass over the kept text, not recorded
//! for every node of every file (that doubled the load time of large
//! suites); [`Positions`] shares them with the run.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, OnceLock};

use serde_yaml::{Mapping, Value};
use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

pub use crate::diag::Pos;

/// One segment of a key path: `tests[2].expect.json."$.id"`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// A key path inside a document, displayed as `tests[2].expect.json."$.id"`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct KeyPath(pub Vec<Seg>);

impl KeyPath {
    pub fn root() -> Self {
        Self(Vec::new())
    }

    pub fn key(&self, key: impl Into<String>) -> Self {
        let mut segs = self.0.clone();
        segs.push(Seg::Key(key.into()));
        Self(segs)
    }

    pub fn index(&self, index: usize) -> Self {
        let mut segs = self.0.clone();
        segs.push(Seg::Index(index));
        Self(segs)
    }

    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    fn parent(&self) -> Option<Self> {
        let mut segs = self.0.clone();
        segs.pop().map(|_| Self(segs))
    }
}

impl fmt::Display for KeyPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Seg::Index(n) => write!(f, "[{n}]")?,
                Seg::Key(k) => {
                    if i > 0 {
                        f.write_str(".")?;
                    }
                    let plain = !k.is_empty()
                        && k.chars()
                            .all(|c| c.is_alphanumeric() || c == '_' || c == '-');
                    if plain {
                        f.write_str(k)?;
                    } else {
                        write!(f, "{k:?}")?;
                    }
                }
            }
        }
        Ok(())
    }
}

/// A parsed document: its value (environment already expanded) and the
/// position of every key path in it.
#[derive(Debug, Clone, Default)]
pub struct Located {
    pub value: Value,
    /// Where each key path is, found on first use.
    positions: Positions,
    /// Problems that do not stop reading (missing variables, duplicate
    /// keys): reported, while the rest of the file is still checked.
    pub errors: Vec<YamlError>,
}

impl Located {
    /// The position of `path`, or of its closest ancestor that has one.
    pub fn pos(&self, path: &KeyPath) -> Pos {
        self.positions.pos(path)
    }

    /// The document's positions, to look up later (cheap: an `Arc`).
    pub fn positions(&self) -> Positions {
        self.positions.clone()
    }
}

/// The positions of a document's key paths, found on first use by parsing
/// the kept text again; shared (an `Arc`), so that run-time failures can be
/// located without slowing loading down.
#[derive(Debug, Clone, Default)]
pub struct Positions(Arc<Index>);

#[derive(Debug, Default)]
struct Index {
    /// The source text and the environment values it read, to find
    /// positions again (the same keys, so the same paths).
    text: String,
    env: HashMap<String, Option<String>>,
    found: OnceLock<HashMap<KeyPath, Pos>>,
}

impl Positions {
    /// The position of `path`, or of its closest ancestor that has one
    /// (1:1 when none has).
    pub fn pos(&self, path: &KeyPath) -> Pos {
        let positions = self.0.found.get_or_init(|| self.find());
        let mut path = Some(path.clone());
        while let Some(p) = path {
            if let Some(pos) = positions.get(&p) {
                return *pos;
            }
            path = p.parent();
        }
        Pos { line: 1, col: 1 }
    }

    fn find(&self) -> HashMap<KeyPath, Pos> {
        let env = |name: &str| self.0.env.get(name).cloned().flatten();
        let mut builder = Builder::new(&self.0.text, &env, true);
        let _ = builder.document();
        builder.positions.unwrap_or_default()
    }
}

/// An error found while reading a document: where, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub pos: Pos,
    pub message: String,
}

/// Looks up an environment variable; `None` when unset.
pub type EnvLookup<'a> = &'a dyn Fn(&str) -> Option<String>;

/// Parses `text`, expanding `${NAME}` and `${NAME:-default}` in every scalar.
/// A syntax error stops the parse (`Err`); missing variables and duplicate
/// keys are collected in [`Located::errors`].
pub fn parse(text: &str, env: EnvLookup<'_>) -> Result<Located, Vec<YamlError>> {
    let seen = std::cell::RefCell::new(HashMap::new());
    let recording = |name: &str| {
        let value = env(name);
        seen.borrow_mut().insert(name.to_owned(), value.clone());
        value
    };
    let mut builder = Builder::new(text, &recording, false);
    let value = builder.document();
    match value {
        Ok(value) => Ok(Located {
            value,
            positions: Positions(Arc::new(Index {
                text: text.to_owned(),
                env: seen.take(),
                found: OnceLock::new(),
            })),
            errors: builder.errors,
        }),
        Err(e) => {
            builder.errors.push(e);
            Err(builder.errors)
        }
    }
}

struct Builder<'a> {
    parser: Parser<std::str::Chars<'a>>,
    env: EnvLookup<'a>,
    /// `Some` when positions are wanted (key paths are only built then).
    positions: Option<HashMap<KeyPath, Pos>>,
    anchors: HashMap<usize, Value>,
    errors: Vec<YamlError>,
}

fn pos_of(mark: &Marker) -> Pos {
    Pos {
        line: mark.line(),
        col: mark.col() + 1,
    }
}

impl<'a> Builder<'a> {
    fn new(text: &'a str, env: EnvLookup<'a>, positions: bool) -> Self {
        Self {
            parser: Parser::new_from_str(text),
            env,
            positions: positions.then(HashMap::new),
            anchors: HashMap::new(),
            errors: Vec::new(),
        }
    }

    fn at(&mut self, path: KeyPath, mark: &Marker) {
        if let Some(positions) = &mut self.positions {
            positions.insert(path, pos_of(mark));
        }
    }

    /// `path` + `seg` when positions are wanted, else the (free) root.
    fn child(&self, path: &KeyPath, seg: impl FnOnce() -> Seg) -> KeyPath {
        if self.positions.is_none() {
            return KeyPath::root();
        }
        let mut segs = Vec::with_capacity(path.0.len() + 1);
        segs.extend_from_slice(&path.0);
        segs.push(seg());
        KeyPath(segs)
    }

    fn next(&mut self) -> Result<(Event, Marker), YamlError> {
        self.parser.next_token().map_err(|e| {
            let hint = if e.info().contains("flow") {
                " (inside `{ }` or `[ ]`, quote values that contain `[`, `]`, `{`, `}` or `,`, \
                 such as JSONPaths: \"$.items[0]\")"
            } else {
                ""
            };
            YamlError {
                pos: pos_of(e.marker()),
                message: format!("invalid YAML: {}{hint}", e.info()),
            }
        })
    }

    /// Reads the first document of the stream (an empty file is null).
    fn document(&mut self) -> Result<Value, YamlError> {
        loop {
            let (event, mark) = self.next()?;
            match event {
                Event::StreamStart | Event::DocumentStart | Event::Nothing => continue,
                Event::StreamEnd => return Ok(Value::Null),
                event => {
                    let root = KeyPath::root();
                    self.at(root.clone(), &mark);
                    return self.node(event, mark, &root);
                }
            }
        }
    }

    fn node(&mut self, event: Event, mark: Marker, path: &KeyPath) -> Result<Value, YamlError> {
        match event {
            Event::Scalar(text, style, anchor, _tag) => {
                let value = self.scalar(&text, style, &mark);
                self.remember(anchor, &value);
                Ok(value)
            }
            Event::SequenceStart(anchor, _) => {
                let value = self.sequence(path)?;
                self.remember(anchor, &value);
                Ok(value)
            }
            Event::MappingStart(anchor, _) => {
                let value = self.mapping(path)?;
                self.remember(anchor, &value);
                Ok(value)
            }
            Event::Alias(id) => Ok(self.anchors.get(&id).cloned().unwrap_or(Value::Null)),
            other => Err(YamlError {
                pos: pos_of(&mark),
                message: format!("invalid YAML: unexpected {other:?}"),
            }),
        }
    }

    fn remember(&mut self, anchor: usize, value: &Value) {
        if anchor > 0 {
            self.anchors.insert(anchor, value.clone());
        }
    }

    fn sequence(&mut self, path: &KeyPath) -> Result<Value, YamlError> {
        let mut items = Vec::new();
        loop {
            let (event, mark) = self.next()?;
            if event == Event::SequenceEnd {
                return Ok(Value::Sequence(items));
            }
            let item_path = self.child(path, || Seg::Index(items.len()));
            if self.positions.is_some() {
                self.at(item_path.clone(), &mark);
            }
            items.push(self.node(event, mark, &item_path)?);
        }
    }

    fn mapping(&mut self, path: &KeyPath) -> Result<Value, YamlError> {
        let mut map = Mapping::new();
        loop {
            let (event, mark) = self.next()?;
            if event == Event::MappingEnd {
                return Ok(Value::Mapping(map));
            }
            let key = self.node(event, mark, path)?;
            let value_path = self.child(path, || Seg::Key(key_text(&key)));
            let (event, value_mark) = self.next()?;
            let value = self.node(event, value_mark, &value_path)?;
            if map.contains_key(&key) {
                self.errors.push(YamlError {
                    pos: pos_of(&mark),
                    message: format!(
                        "duplicate key `{}`; each key may appear once",
                        key_text(&key)
                    ),
                });
            } else {
                self.at(value_path, &mark);
            }
            map.insert(key, value);
        }
    }

    fn scalar(&mut self, text: &str, style: TScalarStyle, mark: &Marker) -> Value {
        let expanded = match expand_env(text, self.env) {
            Ok(s) => s,
            Err(message) => {
                self.errors.push(YamlError {
                    pos: pos_of(mark),
                    message,
                });
                text.to_owned()
            }
        };
        if style == TScalarStyle::Plain {
            resolve_plain(&expanded)
        } else {
            Value::String(expanded)
        }
    }
}

fn key_text(key: &Value) -> String {
    match key {
        Value::String(s) => s.clone(),
        Value::Null => "~".to_owned(),
        other => serde_yaml::to_string(other)
            .map(|s| s.trim_end().to_owned())
            .unwrap_or_default(),
    }
}

/// The YAML 1.2 core schema's reading of a plain scalar.
fn resolve_plain(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    if let Ok(n) = text.parse::<i64>() {
        return Value::Number(n.into());
    }
    if let Ok(n) = text.parse::<u64>() {
        return Value::Number(n.into());
    }
    let looks_numeric = text
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'));
    if looks_numeric
        && text.chars().any(|c| c.is_ascii_digit())
        && let Ok(f) = text.parse::<f64>()
    {
        return Value::Number(f.into());
    }
    Value::String(text.to_owned())
}

/// Expands `${NAME}` and `${NAME:-default}`; `$${` is a literal `${`.
pub fn expand_env(text: &str, env: EnvLookup<'_>) -> Result<String, String> {
    if !text.contains("${") {
        return Ok(text.to_owned());
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        if rest[..start].ends_with('$') {
            out.push_str(&rest[..start - 1]);
            out.push_str("${");
            rest = &rest[start + 2..];
            continue;
        }
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            return Err(format!(
                "unclosed `${{` in `{text}`; write ${{NAME}} or ${{NAME:-default}}"
            ));
        };
        let inner = &after[..end];
        let (name, default) = match inner.split_once(":-") {
            Some((name, default)) => (name.trim(), Some(default)),
            None => (inner.trim(), None),
        };
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(format!(
                "invalid environment variable name `{name}` in `${{{inner}}}`"
            ));
        }
        match (env(name), default) {
            (Some(value), _) => out.push_str(&value),
            (None, Some(default)) => out.push_str(default),
            (None, None) => {
                return Err(format!(
                    "environment variable `{name}` is not set and has no default; \
                     set it, or write ${{{name}:-default}}"
                ));
            }
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn records_positions_of_keys_and_items() {
        let doc = parse("a: 1\ntests:\n  - name: x\n    url: /y\n", &no_env).unwrap();
        let path = KeyPath::root().key("tests").index(0).key("url");
        assert_eq!(doc.pos(&path), Pos { line: 4, col: 5 });
        assert_eq!(path.to_string(), "tests[0].url");
    }

    #[test]
    fn resolves_plain_scalars_like_yaml() {
        let doc = parse("a: 1\nb: true\nc: '1'\nd: ~\ne: 1.5\nf: 2xx\n", &no_env).unwrap();
        let v = &doc.value;
        assert_eq!(v["a"], Value::Number(1.into()));
        assert_eq!(v["b"], Value::Bool(true));
        assert_eq!(v["c"], Value::String("1".into()));
        assert_eq!(v["d"], Value::Null);
        assert_eq!(v["e"], Value::Number(1.5.into()));
        assert_eq!(v["f"], Value::String("2xx".into()));
    }

    #[test]
    fn expands_env_with_types_and_defaults() {
        let env = |n: &str| (n == "PORT").then(|| "8080".to_owned());
        let doc = parse("port: ${PORT}\nurl: \"${URL:-demo}\"\nlit: $${X}\n", &env).unwrap();
        assert_eq!(doc.value["port"], Value::Number(8080.into()));
        assert_eq!(doc.value["url"], Value::String("demo".into()));
        assert_eq!(doc.value["lit"], Value::String("${X}".into()));
    }

    #[test]
    fn missing_env_without_default_is_an_error_at_its_line() {
        let errs = parse("a: 1\nb: ${NOPE}\nc: ${ALSO_NOPE}\n", &no_env)
            .unwrap()
            .errors;
        assert_eq!(errs.len(), 2);
        assert_eq!(errs[0].pos.line, 2);
        assert!(
            errs[0].message.contains("`NOPE` is not set"),
            "{}",
            errs[0].message
        );
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let errs = parse("a: 1\na: 2\n", &no_env).unwrap().errors;
        assert_eq!(errs[0].pos.line, 2);
        assert!(errs[0].message.contains("duplicate key `a`"));
    }

    #[test]
    fn syntax_errors_have_a_position() {
        let errs = parse("a: [1, 2\nb: 3\n", &no_env).unwrap_err();
        assert!(errs[0].message.starts_with("invalid YAML"), "{errs:?}");
        assert!(errs[0].pos.line >= 1);
    }

    #[test]
    fn anchors_and_aliases_resolve() {
        let doc = parse("a: &x {k: 1}\nb: *x\n", &no_env).unwrap();
        assert_eq!(doc.value["b"]["k"], Value::Number(1.into()));
    }
}
