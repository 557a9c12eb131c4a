//! The view of a body as it is snapshotted (redactions applied and secrets
//! masked by reading through it, not copying it), and the fast path that
//! recognises a matching snapshot without insta's copy, sort and re-parse.
//! Anything the fast path cannot affirm goes to insta, the authority.

use std::borrow::Cow;
use std::path::Path;

use serde_json::Value as Json;

use super::snapshot_input::Snapshot;
use crate::secret::mask::{MASK, MaskSet};
use crate::suite::expect::JsonPath;

/// The fast path only answers "matched" (insta is asked otherwise), and
/// not when insta is told to rewrite matching snapshots.
pub(super) fn fast_path_allowed() -> bool {
    static ALLOWED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ALLOWED.get_or_init(|| {
        let set = |name: &str| std::env::var(name).is_ok_and(|v| !v.is_empty() && v != "0");
        std::env::var("INSTA_UPDATE").as_deref() != Ok("always") && !set("INSTA_FORCE_UPDATE")
    })
}

/// True when the stored snapshot's body is exactly `value` as insta
/// writes it (pretty JSON, keys sorted): a match found without insta's
/// copy, sort and re-parse of the whole body, which dominate for large
/// bodies. Anything else (a difference, an odd file) goes to insta.
pub(super) fn matches_file(file: &Path, view: &View<'_>) -> bool {
    let Some(body) = stored_body(file) else {
        return false;
    };
    match serde_json::to_string_pretty(&Sorted(view, view.value)) {
        Ok(rendered) => body.trim_end() == rendered,
        Err(_) => false,
    }
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
pub(super) fn with_stored_body(file: &Path, compare: impl FnOnce(&[u8]) -> bool) -> bool {
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

/// A body as it is snapshotted: redacted values replaced and secrets
/// masked, read through instead of copied.
pub(super) struct View<'a> {
    value: &'a Json,
    /// Address of a selected node -> its placeholder.
    replaced: std::collections::HashMap<*const Json, &'a Json>,
    secrets: &'a MaskSet,
}

impl<'a> View<'a> {
    pub(super) fn new(snapshot: &Snapshot<'a>) -> Self {
        Self::over(snapshot.value.whole(), snapshot.redact, snapshot.secrets)
    }

    pub(super) fn over(
        value: &'a Json,
        redact: &'a [(JsonPath, Json)],
        secrets: &'a MaskSet,
    ) -> Self {
        let mut replaced = std::collections::HashMap::new();
        for (path, placeholder) in redact {
            for node in path.select(value) {
                replaced.insert(node as *const Json, placeholder);
            }
        }
        Self {
            value,
            replaced,
            secrets,
        }
    }

    /// The value insta compares and writes when the fast path cannot say.
    pub(super) fn to_owned_value(&self) -> Json {
        let mut value = self.value.clone();
        self.apply(self.value, &mut value);
        value
    }

    fn apply(&self, original: &Json, copy: &mut Json) {
        if let Some(placeholder) = self.replaced.get(&(original as *const Json)) {
            *copy = (*placeholder).clone();
            return;
        }
        match (original, copy) {
            (Json::String(s), c) => {
                if let Some(masked) = self.secrets.string_value(s) {
                    *c = Json::String(masked);
                }
            }
            (Json::Number(n), c)
                if self.secrets.has_numbers() && self.secrets.is_secret(&n.to_string()) =>
            {
                *c = Json::String(MASK.to_owned());
            }
            (Json::Array(items), Json::Array(copies)) => {
                for (item, copy) in items.iter().zip(copies.iter_mut()) {
                    self.apply(item, copy);
                }
            }
            (Json::Object(map), Json::Object(copies)) => {
                if map.keys().any(|k| matches!(self.key(k), Cow::Owned(_))) {
                    *copies = self.masked_keys(map, std::mem::take(copies));
                    return;
                }
                for (key, item) in map {
                    if let Some(copy) = copies.get_mut(key) {
                        self.apply(item, copy);
                    }
                }
            }
            _ => {}
        }
    }

    /// The copy of an object with secrets masked in its keys too.
    fn masked_keys(
        &self,
        map: &serde_json::Map<String, Json>,
        mut copies: serde_json::Map<String, Json>,
    ) -> serde_json::Map<String, Json> {
        let mut out = serde_json::Map::new();
        for (key, item) in map {
            if let Some(mut copy) = copies.remove(key) {
                self.apply(item, &mut copy);
                out.insert(self.key(key).into_owned(), copy);
            }
        }
        out
    }

    /// An object key as shown: a key that is (or holds) a secret is masked.
    fn key<'k>(&self, key: &'k str) -> Cow<'k, str> {
        match self.secrets.string_value(key) {
            Some(masked) => Cow::Owned(masked),
            None => Cow::Borrowed(key),
        }
    }
}

/// Serializes a node of a view with every object's keys sorted.
struct Sorted<'v, 'a>(&'v View<'a>, &'a Json);

impl serde::Serialize for Sorted<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        let view = self.0;
        if let Some(placeholder) = view.replaced.get(&(self.1 as *const Json)) {
            return placeholder.serialize(serializer);
        }
        match self.1 {
            Json::Object(map) => {
                let mut entries: Vec<_> = map.iter().map(|(k, v)| (view.key(k), v)).collect();
                entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
                let mut out = serializer.serialize_map(Some(entries.len()))?;
                for (k, v) in entries {
                    out.serialize_entry(&k, &Sorted(view, v))?;
                }
                out.end()
            }
            Json::Array(items) => {
                let mut out = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    out.serialize_element(&Sorted(view, item))?;
                }
                out.end()
            }
            Json::String(s) => match view.secrets.string_value(s) {
                Some(masked) => serializer.serialize_str(&masked),
                None => serializer.serialize_str(s),
            },
            Json::Number(n)
                if view.secrets.has_numbers() && view.secrets.is_secret(&n.to_string()) =>
            {
                serializer.serialize_str(MASK)
            }
            other => other.serialize(serializer),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_rendering_is_what_insta_writes() {
        let value = serde_json::json!({
            "zeta": [1, 2.5, -3, 1.0, -0.5, 100.25, 0.1, null, true],
            "alpha": {"b": "quote \" and \\ backslash", "a": "héllo ✓ \u{1F600}", "c": "tab\tnewline\n"},
            "empty": {"arr": [], "obj": {}},
            "big": 18446744073709551615u64,
            "neg": -9223372036854775808i64
        });
        let mut settings = insta::Settings::clone_current();
        settings.set_sort_maps(true);
        let insta_text = settings.bind(|| {
            insta::_macro_support::serialize_value(
                &value,
                insta::_macro_support::SerializationFormat::Json,
            )
        });
        let none = MaskSet::default();
        let view = View::over(&value, &[], &none);
        let ours = serde_json::to_string_pretty(&Sorted(&view, &value)).unwrap();
        assert_eq!(ours, insta_text);
    }

    #[test]
    fn the_fast_path_falls_back_where_the_renderings_differ() {
        // insta writes 1e300 in full, serde_json as `1e+300`: such a body is
        // never "matched" by the fast path, insta decides.
        let dir = std::env::temp_dir().join(format!("gatecheck-fast-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("x.snap");
        let value = serde_json::json!({"n": 1e300});
        let insta_body = insta::_macro_support::serialize_value(
            &value,
            insta::_macro_support::SerializationFormat::Json,
        );
        std::fs::write(&file, format!("---\nsource: x\n---\n{insta_body}\n")).unwrap();
        assert!(!matches_file(
            &file,
            &View::over(&value, &[], &MaskSet::default())
        ));
        let plain = serde_json::json!({"b": [1, 2], "a": "x"});
        std::fs::write(
            &file,
            "---\nsource: x\n---\n{\n  \"a\": \"x\",\n  \"b\": [\n    1,\n    2\n  ]\n}\n",
        )
        .unwrap();
        assert!(matches_file(
            &file,
            &View::over(&plain, &[], &MaskSet::default())
        ));
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn the_view_redacts_and_masks_without_copying() {
        let value = serde_json::json!({
            "items": [{"id": 1, "token": "tok-secret-1"}, {"id": 2, "token": "x"}],
            "when": "now"
        });
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
        masker.add("tok-secret-1");
        let secrets = masker.current();
        let view = View::over(&value, &redact, &secrets);
        let expected = serde_json::json!({
            "items": [{"id": "[id]", "token": "***"}, {"id": "[id]", "token": "x"}],
            "when": "[when]"
        });
        assert_eq!(view.to_owned_value(), expected);
        let rendered = serde_json::to_string_pretty(&Sorted(&view, &value)).unwrap();
        assert_eq!(rendered, serde_json::to_string_pretty(&expected).unwrap());
    }

    #[test]
    fn short_secrets_numbers_and_keys_are_masked_as_whole_values() {
        let value = serde_json::json!({
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
        let view = View::over(&value, &[], &secrets);
        let expected = serde_json::json!({
            "password": "***",
            "note": "pw1s and pw1 stay",
            "pin": "***",
            "count": 47110,
            "***": true,
            "url": "https://x/cb?code=***&state=s"
        });
        assert_eq!(view.to_owned_value(), expected);
        let rendered = serde_json::to_string_pretty(&Sorted(&view, &value)).unwrap();
        let mut sorted = insta::Settings::clone_current();
        sorted.set_sort_maps(true);
        let insta_text = sorted.bind(|| {
            insta::_macro_support::serialize_value(
                &expected,
                insta::_macro_support::SerializationFormat::Json,
            )
        });
        assert_eq!(rendered, insta_text);
    }
}
