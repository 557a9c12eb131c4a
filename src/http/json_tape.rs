//! The one model of a JSON body: the body read once into a flat tape, one
//! small token per value, in document order, with each array and object
//! saying where it ends. Strings are spans of the body (or, when they had
//! escapes, decoded copies), so the tape costs about a tenth of a parsed
//! `serde_json::Value` and one pass of serde_json over the text, and that
//! pass is also the check that the body is JSON. JSONPath reads it through
//! `json_node.rs`, snapshots are written and compared from it
//! (`check::snapshot_json`), and a whole `serde_json::Value` is built from
//! it only where a message needs one.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

/// The deepest nesting of arrays and objects gatecheck parses: twice
/// serde_json's default. Parsing and every consumer of a parsed body
/// (JSONPath, matchers, snapshots, printing) recurse; measured in a debug
/// build, parsing overflows a test thread's 2 MiB stack at about 900
/// levels, so this keeps a margin of more than 3x (`json.rs` tests twice this depth).
pub const MAX_JSON_DEPTH: usize = 256;

/// One value (or one object key) of the tape.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Tok {
    Null,
    Bool(bool),
    U64(u64),
    I64(i64),
    F64(f64),
    /// A string that had no escapes: `body[start..start + len]`.
    Span {
        start: u32,
        len: u32,
    },
    /// A string that had escapes, decoded: `Tape::strings[index]`.
    Decoded {
        index: u32,
    },
    /// An array of `count` values; its last value's tokens end before `end`.
    Arr {
        count: u32,
        end: u32,
    },
    /// An object of `count` members, each a key token then the value's
    /// tokens, in document order (a repeated key appears twice).
    Obj {
        count: u32,
        end: u32,
    },
}

/// A body read into tokens (see the module documentation).
#[derive(Debug, Clone)]
pub struct Tape {
    pub toks: Vec<Tok>,
    pub strings: Vec<String>,
}

impl Tape {
    /// Reads `body`. `None` when it is not
    /// exactly one JSON value as serde_json parses it, when it is nested
    /// deeper than [`MAX_JSON_DEPTH`], or when it is 4 GiB or more.
    pub fn read(body: &[u8]) -> Option<Tape> {
        Self::read_to_depth(body, MAX_JSON_DEPTH)
    }

    /// Like [`Tape::read`], nested at most `max_depth` levels deep: for a
    /// value that was already built (as deep as its builder's stack took).
    pub fn read_to_depth(body: &[u8], max_depth: usize) -> Option<Tape> {
        u32::try_from(body.len()).ok()?;
        let mut tape = Tape {
            // About one token per 7 bytes of ordinary API JSON; pages of
            // the reserve that are never written are never faulted in.
            toks: Vec::with_capacity(body.len() / 4),
            strings: Vec::new(),
        };
        // From bytes: serde_json checks the UTF-8 of strings as it reads them
        // (anything else outside a string must be ASCII JSON).
        let mut de = serde_json::Deserializer::from_slice(body);
        // `Builder` stops past `max_depth` itself.
        de.disable_recursion_limit();
        let builder = Builder {
            tape: &mut tape,
            base: body.as_ptr() as usize,
            depth: 0,
            max_depth,
        };
        builder.deserialize(&mut de).ok()?;
        de.end().ok()?;
        Some(tape)
    }

    /// The bytes of a string token (UTF-8; empty for any other token).
    /// `body` is the body the tape was read from.
    pub fn str<'b>(&'b self, body: &'b [u8], tok: Tok) -> &'b [u8] {
        match tok {
            Tok::Span { start, len } => {
                let start = start as usize;
                body.get(start..start + len as usize).unwrap_or_default()
            }
            Tok::Decoded { index } => self
                .strings
                .get(index as usize)
                .map_or(&[][..], |s| s.as_bytes()),
            _ => &[],
        }
    }

    /// The token indices of the elements of the array at `at` (nothing for
    /// any other token).
    pub fn elements(&self, at: usize) -> impl Iterator<Item = usize> + '_ {
        let count = match self.toks.get(at) {
            Some(Tok::Arr { count, .. }) => *count as usize,
            _ => 0,
        };
        std::iter::successors(Some(at + 1), |&item| Some(self.next(item))).take(count)
    }

    /// The token indices of the keys of the object at `at`, in document
    /// order (each member's value starts just after its key; nothing for
    /// any other token).
    pub fn keys(&self, at: usize) -> impl Iterator<Item = usize> + '_ {
        let count = match self.toks.get(at) {
            Some(Tok::Obj { count, .. }) => *count as usize,
            _ => 0,
        };
        std::iter::successors(Some(at + 1), |&key| Some(self.next(key + 1))).take(count)
    }

    /// The index just past the value that starts at `at`.
    pub fn next(&self, at: usize) -> usize {
        match self.toks[at] {
            Tok::Arr { end, .. } | Tok::Obj { end, .. } => end as usize,
            _ => at + 1,
        }
    }
}

/// Appends one value's tokens to the tape.
struct Builder<'t> {
    tape: &'t mut Tape,
    /// The address of the body's first byte: borrowed strings become spans.
    base: usize,
    /// Levels of arrays and objects around this value.
    depth: usize,
    /// Deeper than this is refused.
    max_depth: usize,
}

impl Builder<'_> {
    fn inner<E: serde::de::Error>(&mut self) -> Result<Builder<'_>, E> {
        if self.depth >= self.max_depth {
            return Err(E::custom("nested too deep"));
        }
        Ok(Builder {
            tape: self.tape,
            base: self.base,
            depth: self.depth + 1,
            max_depth: self.max_depth,
        })
    }

    fn push(self, tok: Tok) {
        self.tape.toks.push(tok);
    }

    /// Pushes a container's token, reads its contents with `read`, and
    /// fills in its count and end.
    fn container<E: serde::de::Error>(
        mut self,
        make: fn(u32, u32) -> Tok,
        read: impl FnOnce(&mut Self) -> Result<u32, E>,
    ) -> Result<(), E> {
        let at = self.tape.toks.len();
        self.tape.toks.push(make(0, 0));
        let count = read(&mut self)?;
        let end = u32::try_from(self.tape.toks.len()).map_err(E::custom)?;
        self.tape.toks[at] = make(count, end);
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for Builder<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Builder<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        self.push(Tok::Null);
        Ok(())
    }

    fn visit_bool<E>(self, b: bool) -> Result<(), E> {
        self.push(Tok::Bool(b));
        Ok(())
    }

    fn visit_u64<E>(self, n: u64) -> Result<(), E> {
        self.push(Tok::U64(n));
        Ok(())
    }

    fn visit_i64<E>(self, n: i64) -> Result<(), E> {
        self.push(Tok::I64(n));
        Ok(())
    }

    fn visit_f64<E>(self, n: f64) -> Result<(), E> {
        self.push(Tok::F64(n));
        Ok(())
    }

    fn visit_borrowed_str<E: serde::de::Error>(self, s: &'de str) -> Result<(), E> {
        let start = (s.as_ptr() as usize).wrapping_sub(self.base);
        let start = u32::try_from(start).map_err(E::custom)?;
        let len = u32::try_from(s.len()).map_err(E::custom)?;
        self.push(Tok::Span { start, len });
        Ok(())
    }

    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<(), E> {
        let index = u32::try_from(self.tape.strings.len()).map_err(E::custom)?;
        self.tape.strings.push(s.to_owned());
        self.push(Tok::Decoded { index });
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.container(
            |count, end| Tok::Arr { count, end },
            |b| {
                let mut count = 0u32;
                while seq.next_element_seed(b.inner()?)?.is_some() {
                    count += 1;
                }
                Ok(count)
            },
        )
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.container(
            |count, end| Tok::Obj { count, end },
            |b| {
                let mut count = 0u32;
                while map.next_key_seed(Key(b.inner()?))?.is_some() {
                    map.next_value_seed(b.inner()?)?;
                    count += 1;
                }
                Ok(count)
            },
        )
    }
}

/// An object key: a string token.
struct Key<'b>(Builder<'b>);

impl<'de> DeserializeSeed<'de> for Key<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_str(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_in_document_order_with_spans_and_ends() {
        let body = r#" {"a": [1, -2, 2.5, "x"], "b\n": {"c": null, "d": true}, "e": "q\"r"} "#;
        let tape = Tape::read(body.as_bytes()).expect("valid JSON");
        let toks = &tape.toks;
        assert_eq!(toks[0], Tok::Obj { count: 3, end: 15 });
        assert_eq!(tape.str(body.as_bytes(), toks[1]), b"a");
        assert_eq!(toks[2], Tok::Arr { count: 4, end: 7 });
        assert_eq!(&toks[3..6], &[Tok::U64(1), Tok::I64(-2), Tok::F64(2.5)]);
        assert_eq!(tape.str(body.as_bytes(), toks[6]), b"x");
        assert_eq!(tape.str(body.as_bytes(), toks[7]), b"b\n");
        assert_eq!(toks[8], Tok::Obj { count: 2, end: 13 });
        assert_eq!(tape.str(body.as_bytes(), toks[9]), b"c");
        assert_eq!(toks[10], Tok::Null);
        assert_eq!(tape.str(body.as_bytes(), toks[11]), b"d");
        assert_eq!(toks[12], Tok::Bool(true));
        assert_eq!(tape.str(body.as_bytes(), toks[13]), b"e");
        assert_eq!(tape.str(body.as_bytes(), toks[14]), b"q\"r");
        assert_eq!(tape.next(0), 15);
        assert_eq!(tape.next(2), 7);
        assert_eq!(tape.keys(0).collect::<Vec<_>>(), [1, 7, 13]);
        assert_eq!(tape.keys(8).collect::<Vec<_>>(), [9, 11]);
        assert_eq!(tape.elements(2).collect::<Vec<_>>(), [3, 4, 5, 6]);
        assert_eq!(tape.elements(0).count() + tape.keys(2).count(), 0);
    }

    #[test]
    fn refuses_what_serde_json_refuses_and_deep_nesting() {
        for bad in ["", "{", "[1,]", "{\"a\" 1}", "1 2", "\"\u{1}\"", "nul"] {
            assert!(Tape::read(bad.as_bytes()).is_none(), "{bad:?}");
        }
        let ok = "[".repeat(MAX_JSON_DEPTH) + &"]".repeat(MAX_JSON_DEPTH);
        assert!(Tape::read(ok.as_bytes()).is_some());
        assert!(Tape::read(b"[\"\xe9\"]").is_none(), "Latin-1 is not UTF-8");
        let deep = "[".repeat(MAX_JSON_DEPTH + 1) + &"]".repeat(MAX_JSON_DEPTH + 1);
        assert!(Tape::read(deep.as_bytes()).is_none());
    }
}
