//! The snapshot fast path over a body's JSON text: the body is rendered as
//! insta writes it (pretty JSON, keys sorted, redactions applied, secrets
//! masked) straight from its text, read lazily, without building a
//! `serde_json::Value` of it. Anything this cannot affirm goes to insta with
//! the whole value, as before (see [`super::snapshot_view`]).

use std::collections::HashMap;
use std::path::Path;

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::Value as Json;

use super::snapshot_view::with_stored_body;
use crate::http::lazy_json::{Node, Shape};
use crate::secret::mask::{MASK, MaskSet};
use crate::suite::expect::JsonPath;

/// True when the stored snapshot's body is exactly `doc` as insta writes it
/// after the redactions and masking.
pub(super) fn matches_text(
    file: &Path,
    doc: &Node<'_>,
    redact: &[(JsonPath, Json)],
    secrets: &MaskSet,
) -> bool {
    with_stored_body(file, |expected| {
        let view = TextView::over(doc, redact, secrets);
        let compare = Compare { expected, at: 0 };
        // Compared in blocks: the rendering is written in many tiny pieces.
        let mut out = std::io::BufWriter::with_capacity(1 << 16, compare);
        if serde_json::to_writer_pretty(&mut out, &Sorted(&view, doc)).is_err() {
            return false;
        }
        out.into_inner()
            .is_ok_and(|compare| compare.at == compare.expected.len())
    })
}

/// A writer that compares what is written with the expected bytes as it
/// goes, and stops the rendering at the first difference (no copy of the
/// rendering is kept).
struct Compare<'e> {
    expected: &'e [u8],
    at: usize,
}

impl std::io::Write for Compare<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let end = self.at + buf.len();
        if self.expected.get(self.at..end) != Some(buf) {
            return Err(std::io::Error::other("the rendering differs"));
        }
        self.at = end;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Redacted nodes (by address: the JSONPath selection keeps the nodes it
/// looked into, so their addresses are stable) and the secrets to mask.
struct TextView<'v> {
    replaced: HashMap<usize, &'v Json>,
    secrets: &'v MaskSet,
}

impl<'v> TextView<'v> {
    fn over(doc: &Node<'_>, redact: &'v [(JsonPath, Json)], secrets: &'v MaskSet) -> Self {
        let mut replaced = HashMap::new();
        for (path, placeholder) in redact {
            for node in path.select(doc) {
                replaced.insert(address(node), placeholder);
            }
        }
        TextView { replaced, secrets }
    }

    /// An object key as shown: a key that is (or holds) a secret is masked.
    fn key<'k>(&self, key: &'k str) -> std::borrow::Cow<'k, str> {
        match self.secrets.string_value(key) {
            Some(masked) => std::borrow::Cow::Owned(masked),
            None => std::borrow::Cow::Borrowed(key),
        }
    }
}

fn address(node: &Node<'_>) -> usize {
    std::ptr::from_ref(node) as usize
}

/// Serializes a node of the view with every object's keys sorted, as
/// `snapshot_view`'s `Sorted` does for a parsed value.
struct Sorted<'v, 'n, 'a>(&'v TextView<'v>, &'n Node<'a>);

impl Serialize for Sorted<'_, '_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let view = self.0;
        if !view.replaced.is_empty()
            && let Some(placeholder) = view.replaced.get(&address(self.1))
        {
            return placeholder.serialize(serializer);
        }
        self.1.with_shape(|shape| match shape {
            Shape::Obj(members) => {
                let mut entries: Vec<_> = members.iter().map(|(k, v)| (view.key(k), v)).collect();
                entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
                let mut out = serializer.serialize_map(Some(entries.len()))?;
                for (k, v) in entries {
                    out.serialize_entry(&k, &Sorted(view, v))?;
                }
                out.end()
            }
            Shape::Arr(items) => {
                let mut out = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    out.serialize_element(&Sorted(view, item))?;
                }
                out.end()
            }
            Shape::Str(s) => match view.secrets.string_value(s) {
                Some(masked) => serializer.serialize_str(&masked),
                None => serializer.serialize_str(s),
            },
            Shape::Num(n)
                if view.secrets.has_numbers() && view.secrets.is_secret(&n.to_string()) =>
            {
                serializer.serialize_str(MASK)
            }
            Shape::Num(n) => n.serialize(serializer),
            Shape::Bool(b) => serializer.serialize_bool(b),
            Shape::Null => serializer.serialize_unit(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::snapshot_view::View;

    /// The text rendering equals the parsed-value rendering, masking and
    /// redactions included.
    #[test]
    fn renders_as_the_parsed_value_does() {
        let text = r#"{"zeta": [1, 2.5, -3, 1.0, -0.5, 100.25, 0.1, null, true],
            "alpha": {"b": "quote \" and \\ backslash", "a": "h\u00e9llo \ud83d\ude00", "c": "tab\tnewline\n"},
            "items": [{"id": 1, "token": "tok-secret-1"}, {"id": 2, "token": "x", "token": "y"}],
            "empty": {"arr": [], "obj": {}}, "pin": 4711, "k3y-secret-name": true,
            "big": 18446744073709551615, "neg": -9223372036854775808, "when": "now"}"#;
        let value: Json = serde_json::from_str(text).unwrap();
        let redact = vec![
            (
                JsonPath::parse("$.items[*].id").unwrap(),
                serde_json::json!("[id]"),
            ),
            (
                JsonPath::parse("$.when").unwrap(),
                serde_json::json!("[when]"),
            ),
        ];
        let masker = crate::secret::mask::Masker::new();
        for secret in ["tok-secret-1", "4711", "k3y-secret-name"] {
            masker.add(secret);
        }
        let secrets = masker.current();
        let doc = Node::new(text);
        let view = TextView::over(&doc, &redact, &secrets);
        let ours = serde_json::to_string_pretty(&Sorted(&view, &doc)).unwrap();
        let theirs =
            serde_json::to_string_pretty(&View::over(&value, &redact, &secrets).to_owned_value())
                .unwrap();
        let mut sorted = insta::Settings::clone_current();
        sorted.set_sort_maps(true);
        let theirs_sorted: Json = serde_json::from_str(&theirs).unwrap();
        let insta_text = sorted.bind(|| {
            insta::_macro_support::serialize_value(
                &theirs_sorted,
                insta::_macro_support::SerializationFormat::Json,
            )
        });
        assert_eq!(ours, insta_text);
        assert!(
            ours.contains("\"token\": \"***\"") && ours.contains("\"[id]\""),
            "{ours}"
        );
    }

    #[test]
    fn a_stored_body_matches_only_when_equal_to_the_byte() {
        let dir = std::env::temp_dir().join(format!("gatecheck-text-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("x.snap");
        let doc = Node::new(r#"{"b": [1, 2], "a": "x"}"#);
        let none = MaskSet::default();
        let stored = "{\n  \"a\": \"x\",\n  \"b\": [\n    1,\n    2\n  ]\n}";
        let cases = [
            (format!("---\nsource: x\n---\n{stored}\n"), true),
            (format!("---\nsource: x\n---\n{stored}"), true),
            (
                format!("---\nsource: x\n---\n{}\n", stored.replace('2', "3")),
                false,
            ),
            (
                format!("---\nsource: x\n---\n{}\n", &stored[..stored.len() - 1]),
                false,
            ),
            (format!("---\nsource: x\n---\n{stored}\n[]\n"), false),
            (stored.to_owned(), false),
        ];
        for (text, matches) in cases {
            std::fs::write(&file, &text).unwrap();
            assert_eq!(matches_text(&file, &doc, &[], &none), matches, "{text}");
        }
        let _ = std::fs::remove_dir_all(dir);
    }
}
