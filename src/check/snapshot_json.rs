//! The one serializer of JSON snapshot bodies: a body's tape
//! ([`crate::http::json_tape`]) written as insta's `assert_json_snapshot!`
//! writes a value with sorted maps (pretty JSON, two-space indent, keys
//! sorted, a repeated key once with its last value, floats as Rust prints
//! them with `.0` on whole numbers), redactions put in place and secrets
//! masked in strings, numbers and keys. The same walk either writes the text
//! ([`render`]) or compares it, byte by byte, with a stored snapshot without
//! writing it ([`matches_stored`]), stopping at the first difference.

use std::borrow::Cow;
use std::path::Path;

use serde_json::Value as Json;

use super::snapshot_input::{Body, Snapshot};
use crate::http::json_node::{Node, tape_json};
use crate::http::json_tape::{Tape, Tok};
use crate::secret::mask::{MASK, MaskSet};
use crate::suite::expect::JsonPath;

/// The snapshot text of `snapshot.value`: what the `.snap` file stores
/// after its header.
pub(super) fn render(snapshot: &Snapshot) -> String {
    let Some(source) = Source::of(snapshot.value) else {
        return "null".to_owned();
    };
    let (tape, body) = source.parts();
    let redacted = redacted_tokens(&Node::over_tape(tape, body), snapshot.redact);
    let mut out = Vec::with_capacity(body.len() + body.len() / 2);
    Ser::new(&mut out, tape, body, snapshot.secrets, &redacted).value(0, 0);
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// True when the stored snapshot's body (the `.snap` file at `file`, after
/// its header, trailing whitespace aside) is exactly [`render`]'s text,
/// found without writing that text.
pub(super) fn matches_stored(file: &Path, snapshot: &Snapshot) -> bool {
    let Some(source) = Source::of(snapshot.value) else {
        return false;
    };
    let (tape, body) = source.parts();
    let redacted = match snapshot.redact {
        [] => Vec::new(),
        redact => redacted_tokens(&Node::over_tape(tape, body), redact),
    };
    with_stored_body(file, |expected| {
        let mut out = Compare { expected, at: 0 };
        Ser::new(&mut out, tape, body, snapshot.secrets, &redacted).value(0, 0)
            && out.at == expected.len()
    })
}

/// `value` with every value that a redaction's JSONPath selects replaced
/// by its placeholder.
pub(super) fn redacted_value(value: &Json, redact: &[(JsonPath, Json)]) -> Json {
    let Some(source) = Source::of(Body::Value(value)) else {
        return value.clone();
    };
    let (tape, body) = source.parts();
    let redacted = redacted_tokens(&Node::over_tape(tape, body), redact);
    tape_json(tape, body, 0, &redacted)
}

/// The fast path only answers "matched" (insta is asked otherwise), and
/// not when insta is told to rewrite matching snapshots.
pub(super) fn fast_path_allowed() -> bool {
    static ALLOWED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ALLOWED.get_or_init(|| {
        let set = |name: &str| std::env::var(name).is_ok_and(|v| !v.is_empty() && v != "0");
        std::env::var("INSTA_UPDATE").as_deref() != Ok("always") && !set("INSTA_FORCE_UPDATE")
    })
}

/// The body of a stored `.snap` file (after its header), when it has one.
pub(super) fn stored_body(file: &Path) -> Option<String> {
    // Only a regular file is read: a FIFO would block.
    if !std::fs::metadata(file).ok()?.is_file() {
        return None;
    }
    let text = std::fs::read_to_string(file).ok()?;
    let rest = text.strip_prefix("---\n")?;
    let (_, body) = rest.split_once("\n---\n")?;
    Some(body.to_owned())
}

/// Calls `compare` with the stored `.snap` file's body (the bytes after its
/// header, trailing whitespace trimmed; no UTF-8 check) and returns its
/// answer; false when the file cannot be read or has no header. The file is
/// read into a buffer kept per thread, so comparing many large snapshots
/// does not allocate (and fault in) a fresh buffer for each.
fn with_stored_body(file: &Path, compare: impl FnOnce(&[u8]) -> bool) -> bool {
    use std::io::Read as _;
    /// A buffer larger than this is not kept after use.
    const KEEP: usize = 16 << 20;
    thread_local! {
        static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    BUFFER.with(|buffer| {
        let Ok(mut buffer) = buffer.try_borrow_mut() else {
            return false;
        };
        buffer.clear();
        let read = std::fs::File::open(file).and_then(|mut f| f.read_to_end(&mut buffer));
        let matched = read.is_ok()
            && body_start(&buffer).is_some_and(|start| compare(buffer[start..].trim_ascii_end()));
        if buffer.capacity() > KEEP {
            *buffer = Vec::new();
        }
        matched
    })
}

/// Where a `.snap` file's body starts: after its `---` header.
fn body_start(bytes: &[u8]) -> Option<usize> {
    let rest = bytes.strip_prefix(b"---\n")?;
    Some("---\n".len() + memchr::memmem::find(rest, b"\n---\n")? + "\n---\n".len())
}

/// A body's tape and the bytes its strings are spans of: a response's, or
/// one read from a value's JSON text.
enum Source<'a> {
    Response(&'a Tape, &'a [u8]),
    Value(Tape, Vec<u8>),
}

impl<'a> Source<'a> {
    /// `None` for a response whose body is not JSON.
    fn of(body: Body<'a>) -> Option<Self> {
        match body {
            Body::Response(response) => Some(Source::Response(
                response.json_tape()?,
                response.json_bytes(),
            )),
            Body::Value(value) => {
                let text = serde_json::to_vec(value).ok()?;
                // A value that was built is read at any depth.
                let tape = Tape::read_to_depth(&text, usize::MAX)?;
                Some(Source::Value(tape, text))
            }
        }
    }

    fn parts(&self) -> (&Tape, &[u8]) {
        match self {
            Source::Response(tape, body) => (tape, body),
            Source::Value(tape, body) => (tape, body),
        }
    }
}

/// The token index of every value that a redaction selects, with its
/// placeholder, sorted by index (a value selected twice takes the later
/// redaction's placeholder). `doc` must be the body read over its tape
/// ([`Node::over_tape`]).
fn redacted_tokens<'r>(doc: &Node<'_>, redact: &'r [(JsonPath, Json)]) -> Vec<(usize, &'r Json)> {
    let mut found = Vec::new();
    for (path, placeholder) in redact {
        for node in path.select(doc) {
            // Every node a path selects is a token of the tape.
            if let Some(at) = node.tape_index() {
                found.push((at, placeholder));
            }
        }
    }
    // Stable: of one value's placeholders, the later redaction's stays.
    found.sort_by_key(|(at, _)| *at);
    found.dedup_by(|later, earlier| {
        let same = later.0 == earlier.0;
        if same {
            earlier.1 = later.1;
        }
        same
    });
    found
}

/// Where the serializer's text goes: written out, or compared as it goes.
trait Out {
    /// The next bytes are `text`.
    fn lit(&mut self, text: &[u8]) -> bool;
    /// The next byte is `b`.
    fn byte(&mut self, b: u8) -> bool;
    /// A line break and the indent of `depth`.
    fn newline(&mut self, depth: usize) -> bool;
}

impl Out for Vec<u8> {
    fn lit(&mut self, text: &[u8]) -> bool {
        self.extend_from_slice(text);
        true
    }

    fn byte(&mut self, b: u8) -> bool {
        self.push(b);
        true
    }

    fn newline(&mut self, depth: usize) -> bool {
        self.push(b'\n');
        self.resize(self.len() + 2 * depth, b' ');
        true
    }
}

/// Compares what is written with the expected bytes (a stored snapshot's
/// body); false at the first difference.
struct Compare<'e> {
    expected: &'e [u8],
    /// How much of `expected` has matched.
    at: usize,
}

impl Out for Compare<'_> {
    fn lit(&mut self, text: &[u8]) -> bool {
        let end = self.at + text.len();
        let Some(got) = self.expected.get(self.at..end) else {
            return false;
        };
        let same = same_bytes(got, text);
        if same {
            self.at = end;
        }
        same
    }

    fn byte(&mut self, b: u8) -> bool {
        if self.expected.get(self.at) == Some(&b) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn newline(&mut self, depth: usize) -> bool {
        match BREAK_AND_INDENT.get(..1 + 2 * depth) {
            Some(text) => self.lit(text),
            None => {
                let end = self.at + 1 + 2 * depth;
                match self.expected.get(self.at..end) {
                    Some([b'\n', indent @ ..]) if indent.iter().all(|&b| b == b' ') => {
                        self.at = end;
                        true
                    }
                    _ => false,
                }
            }
        }
    }
}

/// A line break and the indent of the first levels (two spaces a level).
const BREAK_AND_INDENT: &[u8; 33] = b"\n                                ";

/// `a == b` for slices of equal length, quicker than a call to `memcmp`
/// for the short pieces (keys, indents, numbers) that most of a rendering
/// is made of: two overlapping word loads cover up to 16 bytes.
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    fn word(s: &[u8], at: usize) -> u64 {
        s.get(at..at + 8)
            .and_then(|w| w.try_into().ok())
            .map_or(0, u64::from_ne_bytes)
    }
    fn half(s: &[u8], at: usize) -> u32 {
        s.get(at..at + 4)
            .and_then(|w| w.try_into().ok())
            .map_or(0, u32::from_ne_bytes)
    }
    let n = a.len();
    if n != b.len() {
        return false;
    }
    match n {
        0..4 => a == b,
        4..8 => half(a, 0) == half(b, 0) && half(a, n - 4) == half(b, n - 4),
        8..=16 => word(a, 0) == word(b, 0) && word(a, n - 8) == word(b, n - 8),
        _ => a == b,
    }
}

/// One object's members while it is written: shown key (UTF-8), the key
/// token's index.
type Members<'b> = Vec<(Cow<'b, [u8]>, usize)>;

/// An object's keys in document order, and the order they are shown in
/// (indices into `keys`: sorted, a repeated key once).
#[derive(Default)]
struct Order<'b> {
    keys: Vec<&'b [u8]>,
    shown: Vec<usize>,
}

/// The serializer: one walk over a tape, written to `out`. Each step says
/// whether `out` took it (a comparison stops at the first difference).
struct Ser<'b, 'o, O: Out> {
    out: &'o mut O,
    /// The body the tape was read from.
    body: &'b [u8],
    tape: &'b Tape,
    secrets: &'b MaskSet,
    /// Values replaced by a placeholder, by token index, sorted.
    redacted: &'b [(usize, &'b Json)],
    /// Reused member lists, one per level of objects being written.
    members: Vec<Members<'b>>,
    /// The key order of the last object written at each depth.
    orders: Vec<Order<'b>>,
    /// Reused while members are put in order.
    scratch: Members<'b>,
}

impl<'b, 'o, O: Out> Ser<'b, 'o, O> {
    fn new(
        out: &'o mut O,
        tape: &'b Tape,
        body: &'b [u8],
        secrets: &'b MaskSet,
        redacted: &'b [(usize, &'b Json)],
    ) -> Self {
        Ser {
            out,
            body,
            tape,
            secrets,
            redacted,
            members: Vec::new(),
            orders: Vec::new(),
            scratch: Vec::new(),
        }
    }

    fn lit(&mut self, text: &[u8]) -> bool {
        self.out.lit(text)
    }

    fn byte(&mut self, b: u8) -> bool {
        self.out.byte(b)
    }

    fn newline(&mut self, depth: usize) -> bool {
        self.out.newline(depth)
    }

    fn value(&mut self, at: usize, depth: usize) -> bool {
        if !self.redacted.is_empty()
            && let Ok(i) = self.redacted.binary_search_by_key(&at, |(at, _)| *at)
        {
            return self.placeholder(self.redacted[i].1, depth);
        }
        match self.tape.toks[at] {
            Tok::Null => self.lit(b"null"),
            Tok::Bool(b) => self.lit(if b { b"true" } else { b"false" }),
            Tok::U64(n) => self.number(itoa::Buffer::new().format(n)),
            Tok::I64(n) => self.number(itoa::Buffer::new().format(n)),
            Tok::F64(n) => self.float(n),
            tok @ (Tok::Span { .. } | Tok::Decoded { .. }) => {
                let text = self.tape.str(self.body, tok);
                match self.shown(text) {
                    Some(shown) => self.string(&shown, matches!(tok, Tok::Span { .. })),
                    None => false,
                }
            }
            Tok::Arr { count, .. } => self.array(at, count, depth),
            Tok::Obj { count, .. } => self.object(at, count, depth),
        }
    }

    /// A redaction's placeholder, written as any value of the body is
    /// (keys sorted), but not masked: it is the user's own text.
    fn placeholder(&mut self, value: &Json, depth: usize) -> bool {
        let Ok(text) = serde_json::to_vec(value) else {
            return false;
        };
        let Some(tape) = Tape::read_to_depth(&text, usize::MAX) else {
            return false;
        };
        let none = MaskSet::default();
        let mut written = Vec::new();
        Ser::new(&mut written, &tape, &text, &none, &[]).value(0, depth);
        self.lit(&written)
    }

    /// A number as insta writes it, or `"***"` when it is a secret.
    fn number(&mut self, text: &str) -> bool {
        if self.secrets.has_numbers() && self.secrets.is_secret(text) {
            return self.string(MASK.as_bytes(), true);
        }
        self.lit(text.as_bytes())
    }

    /// A float as insta writes it: Rust's shortest round-trip decimal,
    /// never an exponent, with `.0` added to a whole number. ryu finds the
    /// same shortest digits much faster; its output is used when it has no
    /// exponent (and then always has a `.`).
    fn float(&mut self, n: f64) -> bool {
        let mut ryu = ryu::Buffer::new();
        let quick = ryu.format_finite(n);
        if !quick.contains('e') {
            return self.number(quick);
        }
        let mut text = n.to_string();
        if !text.contains('.') {
            text.push_str(".0");
        }
        self.number(&text)
    }

    /// A string (or key) as shown: masked when it is or holds a secret.
    fn shown(&self, text: &'b [u8]) -> Option<Cow<'b, [u8]>> {
        if self.secrets.is_empty() {
            return Some(Cow::Borrowed(text));
        }
        let masked = self.secrets.string_value(std::str::from_utf8(text).ok()?);
        Some(masked.map_or(Cow::Borrowed(text), |m| Cow::Owned(m.into_bytes())))
    }

    /// A quoted string. `plain`: it came from the body without escapes, so
    /// it has no character that JSON output escapes (a quote, a backslash or
    /// a control character), and masking only puts `***` in it.
    fn string(&mut self, text: &[u8], plain: bool) -> bool {
        if plain {
            return self.byte(b'"') && self.lit(text) && self.byte(b'"');
        }
        let Ok(text) = std::str::from_utf8(text) else {
            return false;
        };
        match serde_json::to_vec(text) {
            Ok(quoted) => self.lit(&quoted),
            Err(_) => false,
        }
    }

    fn array(&mut self, at: usize, count: u32, depth: usize) -> bool {
        if count == 0 {
            return self.lit(b"[]");
        }
        if !self.byte(b'[') {
            return false;
        }
        for (i, item) in self.tape.elements(at).enumerate() {
            if (i > 0 && !self.byte(b',')) || !self.newline(depth + 1) {
                return false;
            }
            if !self.value(item, depth + 1) {
                return false;
            }
        }
        self.newline(depth) && self.byte(b']')
    }

    fn object(&mut self, at: usize, count: u32, depth: usize) -> bool {
        if count == 0 {
            return self.lit(b"{}");
        }
        let mut members = self.members.pop().unwrap_or_default();
        members.clear();
        for key in self.tape.keys(at) {
            let text = self.tape.str(self.body, self.tape.toks[key]);
            members.push((Cow::Borrowed(text), key));
        }
        self.sort(&mut members, depth);
        let mut written = true;
        if !self.secrets.is_empty() {
            let mut masked = false;
            for member in &mut members {
                match self.shown(&member.0) {
                    Some(Cow::Owned(shown)) => {
                        member.0 = Cow::Owned(shown);
                        masked = true;
                    }
                    Some(Cow::Borrowed(_)) => {}
                    None => written = false,
                }
            }
            if masked {
                // Stable: of keys shown alike, the later value stays.
                members.sort_by(|a, b| a.0.cmp(&b.0));
                members.dedup_by(|later, earlier| {
                    let same = later.0 == earlier.0;
                    if same {
                        std::mem::swap(later, earlier);
                    }
                    same
                });
            }
        }
        let written = written && self.write_members(&members, depth);
        self.members.push(members);
        written
    }

    /// Sorts an object's members by key; a repeated key keeps its last
    /// value (as `serde_json::Value`). Objects of the same shape usually
    /// follow each other (an array of records), so the order found for the
    /// last object at this depth is tried first.
    fn sort(&mut self, members: &mut Members<'b>, depth: usize) {
        let (tape, body) = (self.tape, self.body);
        let key = |at: usize| tape.str(body, tape.toks[at]);
        if self.orders.len() <= depth {
            self.orders.resize_with(depth + 1, Order::default);
        }
        let order = &mut self.orders[depth];
        let same_keys = order.keys.len() == members.len()
            && order
                .keys
                .iter()
                .zip(members.iter())
                .all(|(known, (key, _))| same_bytes(known, key));
        if !same_keys {
            order.keys.clear();
            order.keys.extend(members.iter().map(|&(_, at)| key(at)));
            order.shown.clear();
            order.shown.extend(0..members.len());
            let keys = &order.keys;
            // Stable: the last of equal keys is the document's last.
            order.shown.sort_by(|&a, &b| keys[a].cmp(keys[b]));
            order.shown.dedup_by(|later, earlier| {
                let same = keys[*later] == keys[*earlier];
                if same {
                    *earlier = *later;
                }
                same
            });
        }
        self.scratch.clear();
        let shown = order.shown.iter().map(|&i| members[i].clone());
        self.scratch.extend(shown);
        std::mem::swap(members, &mut self.scratch);
    }

    fn write_members(&mut self, members: &Members<'b>, depth: usize) -> bool {
        if !self.byte(b'{') {
            return false;
        }
        for (i, (key, at)) in members.iter().enumerate() {
            if (i > 0 && !self.byte(b',')) || !self.newline(depth + 1) {
                return false;
            }
            let plain = matches!(self.tape.toks[*at], Tok::Span { .. });
            if !self.string(key, plain) || !self.lit(b": ") || !self.value(at + 1, depth + 1) {
                return false;
            }
        }
        self.newline(depth) && self.byte(b'}')
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::exchange::Response;
    use proptest::prelude::*;
    use serde_json::json;

    fn one() -> usize {
        1
    }

    static NO_INFO: Json = Json::Null;

    fn snapshot<'a>(
        value: Body<'a>,
        redact: &'a [(JsonPath, Json)],
        secrets: &'a MaskSet,
    ) -> Snapshot<'a> {
        Snapshot {
            dir: Path::new("."),
            name: "x",
            suite_file: Path::new("x.yaml"),
            line: &one,
            description: "",
            info: &NO_INFO,
            value,
            redact,
            secrets,
        }
    }

    fn response(body: &str) -> Response {
        Response::new(200, Default::default(), body.as_bytes().to_vec())
    }

    /// insta's JSON writer written again over a parsed value, sorted maps:
    /// the oracle the serializer is held to (itself pinned to insta's own
    /// output in `renders_what_insta_writes_for_the_same_value`).
    fn reference(value: &Json) -> String {
        fn indent(out: &mut String, depth: usize) {
            out.push('\n');
            out.push_str(&"  ".repeat(depth));
        }
        fn write(value: &Json, depth: usize, out: &mut String) {
            match value {
                Json::Number(n) if n.is_f64() => {
                    let text = n.as_f64().unwrap().to_string();
                    out.push_str(&text);
                    if !text.contains('.') {
                        out.push_str(".0");
                    }
                }
                Json::Array(items) if !items.is_empty() => {
                    out.push('[');
                    for (i, item) in items.iter().enumerate() {
                        out.push_str(if i > 0 { "," } else { "" });
                        indent(out, depth + 1);
                        write(item, depth + 1, out);
                    }
                    indent(out, depth);
                    out.push(']');
                }
                Json::Object(map) if !map.is_empty() => {
                    let mut members: Vec<_> = map.iter().collect();
                    members.sort_by(|a, b| a.0.cmp(b.0));
                    out.push('{');
                    for (i, (key, item)) in members.into_iter().enumerate() {
                        out.push_str(if i > 0 { "," } else { "" });
                        indent(out, depth + 1);
                        out.push_str(&Json::from(key.as_str()).to_string());
                        out.push_str(": ");
                        write(item, depth + 1, out);
                    }
                    indent(out, depth);
                    out.push('}');
                }
                other => out.push_str(&other.to_string()),
            }
        }
        let mut out = String::new();
        write(value, 0, &mut out);
        out
    }

    /// `value` with secrets masked as snapshots mask them, in strings,
    /// numbers and keys (a later key shown alike wins).
    fn masked(value: &Json, secrets: &MaskSet) -> Json {
        match value {
            Json::String(s) => secrets.string_value(s).map_or(value.clone(), Json::String),
            Json::Number(n) if secrets.is_secret(&n.to_string()) => json!(MASK),
            Json::Array(items) => items.iter().map(|v| masked(v, secrets)).collect(),
            Json::Object(map) => map
                .iter()
                .map(|(k, v)| {
                    let key = secrets.string_value(k).unwrap_or_else(|| k.clone());
                    (key, masked(v, secrets))
                })
                .collect(),
            other => other.clone(),
        }
    }

    /// Whether a stored snapshot whose body is `expected` matches `body`.
    fn matches(body: Body, expected: &str, redact: &[(JsonPath, Json)], secrets: &MaskSet) -> bool {
        let dir = std::env::temp_dir().join(format!(
            "gatecheck-snapshot-json-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("x.snap");
        std::fs::write(&file, format!("---\nsource: x\n---\n{expected}\n")).unwrap();
        let matched = matches_stored(&file, &snapshot(body, redact, secrets));
        let _ = std::fs::remove_dir_all(dir);
        matched
    }

    fn redactions(paths: &[(&str, Json)]) -> Vec<(JsonPath, Json)> {
        paths
            .iter()
            .map(|(path, with)| (JsonPath::parse(path).unwrap(), with.clone()))
            .collect()
    }

    /// insta's public `assert_json_snapshot!` (sorted maps) against a stored
    /// snapshot holding what this serializer renders: insta fails the
    /// assertion unless it writes exactly that text.
    #[test]
    fn renders_what_insta_writes_for_the_same_value() {
        let value = json!({
            "zeta": [1, 2.5, -3, 1.0, -0.0, -0.5, 100.25, 0.1, 1e300, 1.5e-7, 123456789.0, null, true],
            "alpha": {"b": "quote \" and \\ backslash / slash", "a": "h\u{e9}llo \u{1F600}", "c": "tab\tnewline\n\u{1}\u{7f}\u{8}\u{c}\r"},
            "empty": {"arr": [], "obj": {}, "s": ""},
            "big": 18446744073709551615u64,
            "neg": -9223372036854775808i64,
            "B": {"z": [{"y": 1, "x": [[]]}], "a b": false},
            "\u{e9}": 0
        });
        let none = MaskSet::default();
        let text = render(&snapshot(Body::Value(&value), &[], &none));
        let e300 = format!("1{}.0,", "0".repeat(300));
        assert!(
            text.contains(&e300) && text.contains("0.00000015,"),
            "{text}"
        );
        let dir = std::env::temp_dir().join(format!("gatecheck-insta-pin-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("pin.snap"),
            format!("---\nsource: src/check/snapshot_json.rs\nexpression: value\n---\n{text}\n"),
        )
        .unwrap();
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(&dir);
        settings.set_prepend_module_to_snapshot(false);
        settings.set_sort_maps(true);
        settings.bind(|| insta::assert_json_snapshot!("pin", value));
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn a_response_renders_as_its_value_masking_included() {
        let body = r#"{"zeta": [1, 2.5, -3, 1.0, -0.5, 100.25, 0.1, 1e300, null, true, -0],
            "alpha": {"b": "quote \" and \\ backslash", "a": "h\u00e9llo \ud83d\ude00", "c": "tab\tnewline\n"},
            "items": [{"id": 1, "token": "tok-secret-1"}, {"id": 2, "token": "x", "token": "y"}],
            "empty": {"arr": [], "obj": {}}, "pin": 4711, "k3y-secret-name": true,
            "big": 18446744073709551615, "neg": -9223372036854775808, "when": "now",
            "esc\u0041ped key": "a\/b", "ctl": "\u0001", "huge": 1e400}"#;
        let masker = crate::secret::mask::Masker::new();
        for secret in ["tok-secret-1", "4711", "k3y-secret-name"] {
            masker.add(secret);
        }
        let secrets = masker.current();
        let r = response(body);
        let value = r.json().unwrap();
        let expected = reference(&masked(value, &secrets));
        assert!(expected.contains("\"***\": true"), "{expected}");
        assert!(expected.contains("\"token\": \"y\""), "{expected}");
        assert!(
            expected.contains("\"huge\": 179769313486231570000"),
            "{expected}"
        );
        let text = render(&snapshot(Body::Response(&r), &[], &secrets));
        assert_eq!(text, expected);
        assert_eq!(text, render(&snapshot(Body::Value(value), &[], &secrets)));
        assert!(matches(Body::Response(&r), &expected, &[], &secrets));
        let none = MaskSet::default();
        assert!(!matches(Body::Response(&r), &expected, &[], &none));
        assert_eq!(
            render(&snapshot(Body::Response(&response("<html>")), &[], &none)),
            "null"
        );
    }

    #[test]
    fn short_secrets_numbers_and_keys_are_masked_as_whole_values() {
        let value = json!({
            "password": "pw1",
            "note": "pw1s and pw1 stay",
            "pin": 4711,
            "count": 47110,
            "k3y-secret-name": true,
            "url": "https://x/cb?code=pw1&state=s"
        });
        let masker = crate::secret::mask::Masker::new();
        masker.add("pw1");
        masker.add("4711");
        masker.add("k3y-secret-name");
        let secrets = masker.current();
        let expected = json!({
            "password": "***",
            "note": "pw1s and pw1 stay",
            "pin": "***",
            "count": 47110,
            "***": true,
            "url": "https://x/cb?code=***&state=s"
        });
        let text = render(&snapshot(Body::Value(&value), &[], &secrets));
        assert_eq!(text, reference(&expected));
        // Two keys shown alike once masked: one member, the later value.
        let value = json!({"k3y-secret-name": 1, "pw1": 2});
        let text = render(&snapshot(Body::Value(&value), &[], &secrets));
        assert_eq!(text, "{\n  \"***\": 2\n}");
    }

    #[test]
    fn redactions_put_their_placeholders_in_place() {
        let body = r#"{"meta": {"id": "r-1", "at": "2026-11-30", "id": "r-2"},
            "items": [{"id": 1, "n": "a"}, {"id": 2, "n": "b", "deep": {"when": 5}}],
            "dup": 1, "dup": {"when": 7}, "list": [[1, 2], [3]]}"#;
        let r = response(body);
        let value = r.json().unwrap();
        let none = MaskSet::default();
        let cases = [
            vec![("$.meta.id", json!("[id]")), ("$.meta.at", json!("[at]"))],
            vec![("$.items[*].id", json!(0))],
            vec![("$..when", json!({"z": 1, "a": [true, 1.5]}))],
            vec![("$.dup.when", json!(null)), ("$.list[0][1]", json!("x"))],
            vec![
                ("$.items[?@.n == 'b']", json!("[b]")),
                ("$.nothing", json!(1)),
            ],
            vec![("$.items", json!([])), ("$.items[0].id", json!("inside"))],
            vec![("$.meta.at", json!("first")), ("$.meta.*", json!("later"))],
        ];
        for paths in cases {
            let redact = redactions(&paths);
            let expected = reference(&redacted_value(value, &redact));
            let text = render(&snapshot(Body::Response(&r), &redact, &none));
            assert_eq!(text, expected, "{paths:?}");
            assert!(
                matches(Body::Response(&r), &expected, &redact, &none),
                "{paths:?}"
            );
            let unredacted = reference(value);
            assert!(
                !matches(Body::Response(&r), &unredacted, &redact, &none),
                "{paths:?}"
            );
        }
        let redact = redactions(&[
            ("$.meta.*", json!("[m]")),
            ("$..when", json!({"b": 1, "a": 2})),
        ]);
        assert_eq!(
            redacted_value(value, &redact),
            json!({"meta": {"id": "[m]", "at": "[m]"},
                   "items": [{"id": 1, "n": "a"}, {"id": 2, "n": "b", "deep": {"when": {"b": 1, "a": 2}}}],
                   "dup": {"when": {"b": 1, "a": 2}}, "list": [[1, 2], [3]]})
        );
        let text = render(&snapshot(Body::Response(&r), &redact, &none));
        assert!(
            text.contains("\"when\": {\n      \"a\": 2,\n      \"b\": 1\n    }"),
            "{text}"
        );
    }

    #[test]
    fn records_of_one_shape_and_of_others_follow_each_other() {
        let body = r#"[{"b": 1, "a": 2}, {"b": 3, "a": 4}, {"a": 5, "b": 6},
            {"b": 1, "a": 2, "b": 9}, {"b": 1, "a": 2, "b": 10}, {"b": 1, "a": 2},
            {"b": {"d": 1, "c": 2}, "a": {"d": 3, "c": 4}}]"#;
        let none = MaskSet::default();
        let r = response(body);
        let expected = reference(r.json().unwrap());
        assert_eq!(render(&snapshot(Body::Response(&r), &[], &none)), expected);
        assert!(
            matches(Body::Response(&r), &expected, &[], &none),
            "{expected}"
        );
        let swapped = expected.replacen("\"b\": 10", "\"b\": 1", 1);
        assert!(!matches(Body::Response(&r), &swapped, &[], &none));
    }

    #[test]
    fn same_bytes_is_slice_equality() {
        let a: Vec<u8> = (0..40).collect();
        for n in 0..40 {
            assert!(same_bytes(&a[..n], &a[..n]));
            assert!(!same_bytes(&a[..n], &a[..=n]));
            for i in 0..n {
                let mut b = a[..n].to_vec();
                b[i] ^= 0x40;
                assert!(!same_bytes(&a[..n], &b), "length {n}, byte {i}");
            }
        }
    }

    #[test]
    fn a_stored_body_matches_only_when_equal_to_the_byte() {
        let r = response(r#"{"b": [1, {"x": "y"}], "a": "x", "a": "z"}"#);
        let body = Body::Response(&r);
        let none = MaskSet::default();
        let expected = render(&snapshot(body, &[], &none));
        assert_eq!(
            expected,
            "{\n  \"a\": \"z\",\n  \"b\": [\n    1,\n    {\n      \"x\": \"y\"\n    }\n  ]\n}"
        );
        assert!(matches(body, &expected, &[], &none));
        assert!(matches(body, &format!("{expected}\n\n"), &[], &none));
        for (from, to) in [("\"z\"", "\"x\""), ("1,", "2,"), ("  ", "   "), ("}", "},")] {
            let changed = expected.replacen(from, to, 1);
            assert_ne!(changed, expected);
            assert!(!matches(body, &changed, &[], &none), "{changed}");
        }
        assert!(!matches(body, &format!("{expected}\n[]"), &[], &none));
        assert!(!matches(body, &expected[..expected.len() - 1], &[], &none));
        // No header: not a snapshot file.
        let dir = std::env::temp_dir().join(format!("gatecheck-no-header-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("x.snap"), &expected).unwrap();
        assert!(!matches_stored(
            &dir.join("x.snap"),
            &snapshot(body, &[], &none)
        ));
        let _ = std::fs::remove_dir_all(dir);
    }

    fn json() -> impl Strategy<Value = Json> {
        let leaf = prop_oneof![
            Just(Json::Null),
            any::<bool>().prop_map(Json::Bool),
            any::<i64>().prop_map(Json::from),
            any::<u64>().prop_map(Json::from),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(Json::from),
            "[a-c\"\\\\\u{1}\u{7f}\u{e9} ]{0,6}".prop_map(Json::String),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Json::Array),
                prop::collection::vec(("[a-d\"]{0,3}", inner), 0..6)
                    .prop_map(|m| Json::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        /// Any body, written compact or pretty, renders as insta writes its
        /// value, matches that text, and not a one-byte change of it.
        #[test]
        fn any_body_renders_and_matches_as_insta_writes_it(value in json(), pretty in any::<bool>(), cut in any::<prop::sample::Index>()) {
            let text = if pretty {
                serde_json::to_string_pretty(&value).unwrap()
            } else {
                serde_json::to_string(&value).unwrap()
            };
            let none = MaskSet::default();
            let r = response(&format!(" {text}"));
            prop_assume!(r.is_json());
            // What the body reads as (serde_json may round an extreme float).
            let read: Json = serde_json::from_str(&text).unwrap();
            let expected = reference(&read);
            prop_assert_eq!(render(&snapshot(Body::Response(&r), &[], &none)), expected.clone());
            prop_assert!(matches(Body::Response(&r), &expected, &[], &none), "{}\n{}", text, expected);
            let mut changed = expected.clone().into_bytes();
            let i = cut.index(changed.len());
            changed[i] = if changed[i] == b'x' { b'y' } else { b'x' };
            if let Ok(changed) = String::from_utf8(changed) {
                prop_assert!(!matches(Body::Response(&r), changed.trim_end(), &[], &none), "{}", changed);
            }
        }
    }
}
