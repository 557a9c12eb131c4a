//! The snapshot fast path over a body read into a tape
//! ([`crate::http::json_tape`]): the stored text is compared, byte by byte,
//! with the body as insta writes it (pretty JSON, two-space indent, keys
//! sorted, secrets masked) without rendering it. Only a match is affirmed;
//! anything else goes on to the slower paths and to insta, which decide.

use std::borrow::Cow;

use serde_json::Value as Json;

use crate::http::json_tape::{Tape, Tok};
use crate::http::lazy_json::Node;
use crate::secret::mask::{MASK, MaskSet};
use crate::suite::expect::JsonPath;

/// True when `expected` (a stored snapshot's body, trailing whitespace
/// trimmed) is exactly `body` as insta writes it after masking `secrets`.
///
/// `redacted` are the values replaced by a placeholder, by token index,
/// sorted ([`redacted_tokens`]).
pub(super) fn matches_tape(
    expected: &[u8],
    body: &[u8],
    tape: &Tape,
    secrets: &MaskSet,
    redacted: &[(usize, &Json)],
) -> bool {
    if tape.toks.is_empty() {
        return false;
    }
    let mut cmp = Cmp {
        expected,
        at: 0,
        body,
        tape,
        secrets,
        redacted,
        members: Vec::new(),
        orders: Vec::new(),
        scratch: Vec::new(),
    };
    cmp.value(0, 0) && cmp.at == expected.len()
}

/// The token index of every value that a redaction selects, with its
/// placeholder, sorted by index (a value selected twice takes the later
/// redaction's placeholder, as the slower paths do); `None` when a selected
/// value is not on the tape. `doc` must be the body read over its tape
/// ([`Node::over_tape`]).
pub(super) fn redacted_tokens<'r>(
    doc: &Node<'_>,
    redact: &'r [(JsonPath, Json)],
) -> Option<Vec<(usize, &'r Json)>> {
    let mut found = Vec::new();
    for (path, placeholder) in redact {
        for node in path.select(doc) {
            found.push((node.tape_index()?, placeholder));
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
    Some(found)
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

/// One object's members while it is compared: shown key (UTF-8), the
/// key token's index.
type Members<'b> = Vec<(Cow<'b, [u8]>, usize)>;

/// An object's keys in document order, and the order they are shown in
/// (indices into `keys`: sorted, a repeated key once).
#[derive(Default)]
struct Order<'b> {
    keys: Vec<&'b [u8]>,
    shown: Vec<usize>,
}

struct Cmp<'b> {
    expected: &'b [u8],
    /// How much of `expected` has matched.
    at: usize,
    /// The body the tape was read from.
    body: &'b [u8],
    tape: &'b Tape,
    secrets: &'b MaskSet,
    /// Values replaced by a placeholder, by token index, sorted.
    redacted: &'b [(usize, &'b Json)],
    /// Reused member lists, one per level of objects being compared.
    members: Vec<Members<'b>>,
    /// The key order of the last object compared at each depth.
    orders: Vec<Order<'b>>,
    /// Reused while members are put in order.
    scratch: Members<'b>,
}

impl<'b> Cmp<'b> {
    /// The next expected bytes are `text`.
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

    /// The next expected byte is `b`.
    fn byte(&mut self, b: u8) -> bool {
        if self.expected.get(self.at) == Some(&b) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    /// A line break and the indent of `depth`.
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

    /// A redaction's placeholder, written as any value of the body is.
    fn placeholder(&mut self, value: &Json, depth: usize) -> bool {
        let Ok(text) = serde_json::to_string(value) else {
            return false;
        };
        let Some(tape) = Tape::read(text.as_bytes()) else {
            return false;
        };
        let mut inner = Cmp {
            expected: self.expected,
            at: self.at,
            body: text.as_bytes(),
            tape: &tape,
            secrets: self.secrets,
            redacted: &[],
            members: Vec::new(),
            orders: Vec::new(),
            scratch: Vec::new(),
        };
        let matched = inner.value(0, depth);
        self.at = inner.at;
        matched
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
        let mut matched = true;
        if !self.secrets.is_empty() {
            for member in &mut members {
                match self.shown(&member.0) {
                    Some(Cow::Owned(masked)) => member.0 = Cow::Owned(masked),
                    Some(Cow::Borrowed(_)) => {}
                    None => matched = false,
                }
            }
            members.sort_by(|a, b| a.0.cmp(&b.0));
        }
        let matched = matched && self.members_match(&members, depth);
        self.members.push(members);
        matched
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

    fn members_match(&mut self, members: &Members<'b>, depth: usize) -> bool {
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
    use crate::check::snapshot_view::View;
    use proptest::prelude::*;
    use serde_json::json;

    /// What insta stores for `value`: pretty JSON with every map sorted.
    fn insta_text(value: &Json, secrets: &MaskSet) -> String {
        redacted_text(value, &[], secrets)
    }

    fn redacted_text(value: &Json, redact: &[(JsonPath, Json)], secrets: &MaskSet) -> String {
        let shown = View::over(value, redact, secrets).to_owned_value();
        let mut sorted = insta::Settings::clone_current();
        sorted.set_sort_maps(true);
        sorted.bind(|| {
            insta::_macro_support::serialize_value(
                &shown,
                insta::_macro_support::SerializationFormat::Json,
            )
        })
    }

    fn matches(body: &str, expected: &str, secrets: &MaskSet) -> bool {
        matches_redacted(body, expected, &[], secrets)
    }

    fn matches_redacted(
        body: &str,
        expected: &str,
        redact: &[(JsonPath, Json)],
        secrets: &MaskSet,
    ) -> bool {
        let tape = Tape::read(body.as_bytes()).expect("valid JSON");
        let doc = Node::over_tape(&tape, body.as_bytes());
        let redacted = redacted_tokens(&doc, redact).expect("placed");
        let expected = expected.trim_end().as_bytes();
        matches_tape(expected, body.as_bytes(), &tape, secrets, &redacted)
    }

    fn redactions(paths: &[(&str, Json)]) -> Vec<(JsonPath, Json)> {
        paths
            .iter()
            .map(|(path, with)| (JsonPath::parse(path).unwrap(), with.clone()))
            .collect()
    }

    #[test]
    fn redacted_values_match_what_insta_writes() {
        let body = r#"{"meta": {"id": "r-1", "at": "2026-11-30", "id": "r-2"},
            "items": [{"id": 1, "n": "a"}, {"id": 2, "n": "b", "deep": {"when": 5}}],
            "dup": 1, "dup": {"when": 7}, "list": [[1, 2], [3]]}"#;
        let value: Json = serde_json::from_str(body).unwrap();
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
            let expected = redacted_text(&value, &redact, &none);
            assert!(
                matches_redacted(body, &expected, &redact, &none),
                "{paths:?}\n{expected}"
            );
            let unredacted = insta_text(&value, &none);
            assert!(
                !matches_redacted(body, &unredacted, &redact, &none),
                "{paths:?}"
            );
        }
    }

    #[test]
    fn matches_what_insta_writes_masking_included() {
        let body = r#"{"zeta": [1, 2.5, -3, 1.0, -0.5, 100.25, 0.1, 1e300, null, true],
            "alpha": {"b": "quote \" and \\ backslash", "a": "h\u00e9llo \ud83d\ude00", "c": "tab\tnewline\n"},
            "items": [{"id": 1, "token": "tok-secret-1"}, {"id": 2, "token": "x", "token": "y"}],
            "empty": {"arr": [], "obj": {}}, "pin": 4711, "k3y-secret-name": true,
            "big": 18446744073709551615, "neg": -9223372036854775808, "when": "now",
            "esc\u0041ped key": "a\/b", "ctl": "\u0001"}"#;
        let masker = crate::secret::mask::Masker::new();
        for secret in ["tok-secret-1", "4711", "k3y-secret-name"] {
            masker.add(secret);
        }
        let secrets = masker.current();
        let value: Json = serde_json::from_str(body).unwrap();
        let expected = insta_text(&value, &secrets);
        assert!(expected.contains("\"***\": true"), "{expected}");
        assert!(matches(body, &expected, &secrets), "{expected}");
        assert!(matches(body, &format!("{expected}\n"), &secrets));
        assert!(!matches(body, &expected, &MaskSet::default()));
    }

    #[test]
    fn records_of_one_shape_and_of_others_follow_each_other() {
        let body = r#"[{"b": 1, "a": 2}, {"b": 3, "a": 4}, {"a": 5, "b": 6},
            {"b": 1, "a": 2, "b": 9}, {"b": 1, "a": 2, "b": 10}, {"b": 1, "a": 2},
            {"b": {"d": 1, "c": 2}, "a": {"d": 3, "c": 4}}]"#;
        let none = MaskSet::default();
        let value: Json = serde_json::from_str(body).unwrap();
        let expected = insta_text(&value, &none);
        assert!(matches(body, &expected, &none), "{expected}");
        let swapped = expected.replacen("\"b\": 10", "\"b\": 1", 1);
        assert!(!matches(body, &swapped, &none));
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
    fn any_difference_is_not_a_match() {
        let body = r#"{"b": [1, {"x": "y"}], "a": "x", "a": "z"}"#;
        let none = MaskSet::default();
        let value: Json = serde_json::from_str(body).unwrap();
        let expected = insta_text(&value, &none);
        assert!(expected.contains("\"a\": \"z\""), "{expected}");
        assert!(matches(body, &expected, &none));
        for (from, to) in [("\"z\"", "\"x\""), ("1,", "2,"), ("  ", "   "), ("}", "},")] {
            let changed = expected.replacen(from, to, 1);
            assert_ne!(changed, expected);
            assert!(!matches(body, &changed, &none), "{changed}");
        }
        assert!(!matches(body, &format!("{expected}\n[]"), &none));
        assert!(!matches(body, &expected[..expected.len() - 1], &none));
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
        /// Any body, written compact or pretty, matches exactly what insta
        /// writes for it, and not a one-byte change of that.
        #[test]
        fn any_body_matches_insta(value in json(), pretty in any::<bool>(), cut in any::<prop::sample::Index>()) {
            let body = if pretty {
                serde_json::to_string_pretty(&value).unwrap()
            } else {
                serde_json::to_string(&value).unwrap()
            };
            let none = MaskSet::default();
            // What the body reads as (serde_json may round an extreme float).
            let read: Json = serde_json::from_str(&body).unwrap();
            let expected = insta_text(&read, &none);
            prop_assert!(matches(&body, &expected, &none), "{body}\n{expected}");
            let mut changed = expected.clone().into_bytes();
            let i = cut.index(changed.len());
            changed[i] = if changed[i] == b'x' { b'y' } else { b'x' };
            if let Ok(changed) = String::from_utf8(changed) {
                prop_assert!(!matches(&body, &changed, &none), "{changed}");
            }
        }
    }
}
