//! YAML with positions: parses a file into a `serde_yaml::Value`, expanding
//! `${NAME}` / `${NAME:-default}` in every scalar, and finds where each key
//! path starts so that later (semantic) errors can say `file:line:column`.
//! Positions are only needed for errors and failing expectations, so they
//! are found on first use by a second pass over the kept text, not recorded
//! for every node of every file (that doubled the load time of large
//! suites); [`Positions`] shares them with the run.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use serde_yaml::{Mapping, Value};
use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use super::keypath::{KeyPath, Seg};
use super::scalar::{EnvLookup, expand_env, resolve_plain};
use crate::diag::Pos;

/// At most this many values may come from aliases (`*name`) in one file: a
/// "billion laughs" file is refused instead of expanded.
pub const MAX_ALIAS_VALUES: usize = 100_000;
/// Lists and maps nest at most this deep.
pub const MAX_DEPTH: usize = 128;

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

    /// Whether the second pass has run.
    #[cfg(test)]
    pub(crate) fn found(&self) -> bool {
        self.0.found.get().is_some()
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

/// Parses `text`, expanding `${NAME}` and `${NAME:-default}` in every scalar.
/// A syntax error stops the parse (`Err`); missing variables and duplicate
/// keys are collected in [`Located::errors`].
/// A UTF-8 byte-order mark at the start is skipped; a second document
/// (`---`) is an error, as are aliases past [`MAX_ALIAS_VALUES`] and
/// nesting past [`MAX_DEPTH`].
pub fn parse(text: &str, env: EnvLookup<'_>) -> Result<Located, Vec<YamlError>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if let Some(error) = nul_byte(text) {
        return Err(vec![error]);
    }
    let seen = std::cell::RefCell::new(HashMap::new());
    let recording = |name: &str| {
        let value = env(name);
        seen.borrow_mut().insert(name.to_owned(), value.clone());
        value
    };
    let mut builder = Builder::new(text, &recording, false);
    let value = builder.document().and_then(|value| {
        builder.only_document()?;
        Ok(value)
    });
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

/// A NUL byte, which the YAML reader takes for the end of the text: what
/// follows it would be dropped without a word (tests, `secrets:`).
pub fn nul_byte(text: &str) -> Option<YamlError> {
    let at = text.find('\0')?;
    let before = &text[..at];
    let line_start = before.rfind('\n').map_or(0, |n| n + 1);
    let pos = Pos {
        line: before.matches('\n').count() + 1,
        col: before[line_start..].chars().count() + 1,
    };
    Some(YamlError {
        pos,
        message: "a NUL byte (\\0) is not allowed in a YAML file (everything after it \
                  would be ignored); remove it, and check that the file was saved as text"
            .to_owned(),
    })
}

struct Builder<'a> {
    parser: Parser<std::str::Chars<'a>>,
    env: EnvLookup<'a>,
    /// `Some` when positions are wanted (key paths are only built then).
    positions: Option<HashMap<KeyPath, Pos>>,
    /// Each anchor's value and how many values it holds.
    anchors: HashMap<usize, (Value, usize)>,
    /// Values built so far, and how many of them came from aliases.
    values: usize,
    aliased: usize,
    depth: usize,
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
            values: 0,
            aliased: 0,
            depth: 0,
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

    /// After the first document: the end of the stream, not a second one.
    fn only_document(&mut self) -> Result<(), YamlError> {
        loop {
            match self.next()? {
                (Event::DocumentEnd | Event::Nothing, _) => continue,
                (Event::StreamEnd, _) => return Ok(()),
                (_, mark) => {
                    return Err(YamlError {
                        pos: pos_of(&mark),
                        message: "a second YAML document (`---`) in one file; gatecheck reads \
                                  one document per file: remove the `---` line, or move what \
                                  follows it into a file of its own"
                            .to_owned(),
                    });
                }
            }
        }
    }

    fn node(&mut self, event: Event, mark: Marker, path: &KeyPath) -> Result<Value, YamlError> {
        let before = self.values;
        self.values += 1;
        let (value, anchor) = match event {
            Event::Scalar(text, style, anchor, _tag) => (self.scalar(text, style, &mark), anchor),
            Event::SequenceStart(anchor, _) => (self.nested(&mark, |b| b.sequence(path))?, anchor),
            Event::MappingStart(anchor, _) => (self.nested(&mark, |b| b.mapping(path))?, anchor),
            Event::Alias(id) => return self.alias(id, &mark),
            other => {
                return Err(YamlError {
                    pos: pos_of(&mark),
                    message: format!("invalid YAML: unexpected {other:?}"),
                });
            }
        };
        if anchor > 0 {
            let count = self.values - before;
            self.anchors.insert(anchor, (value.clone(), count));
        }
        Ok(value)
    }

    /// A list or map, one level deeper.
    fn nested(
        &mut self,
        mark: &Marker,
        read: impl FnOnce(&mut Self) -> Result<Value, YamlError>,
    ) -> Result<Value, YamlError> {
        if self.depth >= MAX_DEPTH {
            return Err(YamlError {
                pos: pos_of(mark),
                message: format!(
                    "lists and maps nest more than {MAX_DEPTH} levels deep here (the limit); \
                     flatten the document"
                ),
            });
        }
        self.depth += 1;
        let value = read(self);
        self.depth -= 1;
        value
    }

    /// A copy of an anchored value, counted against [`MAX_ALIAS_VALUES`]
    /// before it is made.
    fn alias(&mut self, id: usize, mark: &Marker) -> Result<Value, YamlError> {
        let Some((value, count)) = self.anchors.get(&id) else {
            return Ok(Value::Null);
        };
        self.aliased += count;
        if self.aliased > MAX_ALIAS_VALUES {
            return Err(YamlError {
                pos: pos_of(mark),
                message: format!(
                    "aliases (`*name`) expand to more than {MAX_ALIAS_VALUES} values in this \
                     file (the limit); repeat fewer aliases, or nest them less"
                ),
            });
        }
        self.values += count;
        Ok(value.clone())
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
            match map.entry(key) {
                serde_yaml::mapping::Entry::Occupied(mut old) => {
                    self.errors.push(YamlError {
                        pos: pos_of(&mark),
                        message: format!(
                            "duplicate key `{}`; each key may appear once",
                            key_text(old.key())
                        ),
                    });
                    old.insert(value);
                }
                serde_yaml::mapping::Entry::Vacant(slot) => {
                    self.at(value_path, &mark);
                    slot.insert(value);
                }
            }
        }
    }

    /// A scalar's value: its text (moved, not copied, when it names no
    /// variable) with `${NAME}` expanded, typed when plain.
    fn scalar(&mut self, text: String, style: TScalarStyle, mark: &Marker) -> Value {
        let expanded = if text.contains("${") {
            match expand_env(&text, self.env) {
                Ok(s) => s,
                Err(message) => {
                    self.errors.push(YamlError {
                        pos: pos_of(mark),
                        message,
                    });
                    text
                }
            }
        } else {
            text
        };
        if style == TScalarStyle::Plain {
            resolve_plain(expanded)
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
    fn positions_are_found_only_when_asked() {
        let doc = parse("a: 1\ntests:\n  - name: x\n", &no_env).unwrap();
        assert!(!doc.positions().found());
        let later = doc.positions();
        assert_eq!(
            later.pos(&KeyPath::root().key("tests").index(0).key("name")),
            Pos { line: 3, col: 5 }
        );
        assert!(doc.positions().found());
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
    fn a_byte_order_mark_is_skipped_and_columns_stay_as_editors_show_them() {
        let doc = parse("\u{feff}name: x\ntests: []\n", &no_env).unwrap();
        assert_eq!(doc.value["name"], Value::String("x".into()));
        assert_eq!(
            doc.pos(&KeyPath::root().key("tests")),
            Pos { line: 2, col: 1 }
        );
    }

    #[test]
    fn a_second_document_is_an_error_at_its_marker() {
        for text in [
            "a: 1\n---\nb: 2\n",
            "---\na: 1\n...\n---\nb: 2\n",
            "---\n---\n",
        ] {
            let errs = parse(text, &no_env).unwrap_err();
            assert!(
                errs[0]
                    .message
                    .starts_with("a second YAML document (`---`)"),
                "{text:?}: {errs:?}"
            );
        }
        let errs = parse("a: 1\n---\nb: 2\n", &no_env).unwrap_err();
        assert_eq!(errs[0].pos, Pos { line: 2, col: 1 });
        assert!(parse("---\na: 1\n...\n", &no_env).is_ok());
    }

    /// Nine levels of nine aliases: 9^9 (387 million) values if expanded.
    fn billion_laughs() -> String {
        let mut text = String::from("a0: &a0 [lol]\n");
        for level in 1..=9 {
            let refs = vec![format!("*a{}", level - 1); 9].join(", ");
            text.push_str(&format!("a{level}: &a{level} [{refs}]\n"));
        }
        text
    }

    #[test]
    fn alias_expansion_is_bounded() {
        let start = std::time::Instant::now();
        let errs = parse(&billion_laughs(), &no_env).unwrap_err();
        assert!(
            errs[0]
                .message
                .starts_with("aliases (`*name`) expand to more than 100000 values"),
            "{errs:?}"
        );
        assert_eq!(errs[0].pos.line, 6, "{errs:?}");
        // Refused after copying at most the limit, never the whole expansion
        // (which would take minutes and gigabytes).
        assert!(start.elapsed() < std::time::Duration::from_secs(5));
    }

    #[test]
    fn aliases_within_the_limit_expand() {
        let mut text = String::from("base: &b {k: [1, 2, 3]}\nuses:\n");
        for _ in 0..1000 {
            text.push_str("  - *b\n");
        }
        let doc = parse(&text, &no_env).unwrap();
        assert_eq!(doc.value["uses"][999]["k"][2], Value::Number(3.into()));
    }

    #[test]
    fn nesting_is_bounded() {
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        let errs = parse(&deep, &no_env).unwrap_err();
        assert!(
            errs[0].message.contains("nest more than 128 levels"),
            "{errs:?}"
        );
        assert_eq!(
            errs[0].pos,
            Pos {
                line: 1,
                col: MAX_DEPTH + 1
            }
        );
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(&ok, &no_env).is_ok());
    }

    #[test]
    fn anchors_and_aliases_resolve() {
        let doc = parse("a: &x {k: 1}\nb: *x\n", &no_env).unwrap();
        assert_eq!(doc.value["b"]["k"], Value::Number(1.into()));
    }
}
