//! The two pieces of insta that only its hidden API reaches, kept here so
//! that an insta upgrade which changes them fails this module's tests
//! loudly instead of changing snapshots silently:
//!
//! - [`info`]: a snapshot header's `info:` (`MetaData::private_info`, marked
//!   `#[doc(hidden)]`; insta has no public getter). A review shows it and
//!   `gatecheck accept` keeps it.
//! - [`json_text`]: a JSON body as insta's `assert_json_snapshot!` writes
//!   it (pretty, keys sorted, insta's number forms), through
//!   `_macro_support::serialize_value`, the function the macro calls.
//!
//! Everything else the bridge needs is public: `Snapshot::from_file`, its
//! metadata getters and contents, `TextSnapshotContents` and its matching.

use serde_json::Value as Json;

use super::insta_format::Header;

/// The `info:` of a snapshot's header, as JSON (`None` when it has none).
pub fn info(meta: &insta::MetaData) -> Option<Json> {
    meta.private_info()
        .and_then(|content| serde_json::to_value(content).ok())
}

/// The header of a snapshot read by insta.
pub fn header(snapshot: &insta::Snapshot) -> Header {
    let meta = snapshot.metadata();
    Header {
        source: meta.source().map(str::to_owned),
        assertion_line: meta.assertion_line(),
        description: meta.description().map(str::to_owned),
        expression: meta.expression().map(str::to_owned),
        info: info(meta),
        input_file: meta.input_file().map(str::to_owned),
    }
}

/// `value` as insta stores a JSON snapshot of it: pretty JSON with every
/// map's keys sorted, numbers in insta's form (`1e300` written out).
pub fn json_text(value: &Json) -> String {
    use insta::_macro_support::{SerializationFormat, serialize_value};
    let mut settings = insta::Settings::clone_current();
    settings.set_sort_maps(true);
    settings.bind(|| serialize_value(value, SerializationFormat::Json))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::insta_format::{Style, render};
    use serde_json::json;

    fn temp(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "gatecheck-insta-adapter-{name}-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn info_reads_back_what_a_header_holds() {
        let dir = temp("info");
        let file = dir.join("s__t.snap");
        let written = Header {
            source: Some("suites/todos.yaml".into()),
            assertion_line: Some(7),
            description: Some("GET /api/todos as user".into()),
            expression: None,
            info: Some(json!({"trial": "todos::list", "step": "1 of 2: a", "n": 2})),
            input_file: Some("suites/todos.yaml".into()),
        };
        std::fs::write(&file, render(&written, "[]", Style::default())).unwrap();
        let read = insta::Snapshot::from_file(&file).unwrap();
        assert_eq!(header(&read), written);
        // A header without `info:` has none.
        std::fs::write(&file, "---\nsource: a.yaml\n---\n[]\n").unwrap();
        let read = insta::Snapshot::from_file(&file).unwrap();
        assert_eq!(info(read.metadata()), None);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn json_text_is_sorted_pretty_json_with_insta_s_numbers() {
        let value = json!({"b": [1, 2.5, -3], "a": {"d": null, "c": "x"}, "n": 1e300});
        let text = json_text(&value);
        let mut expected = String::from(
            "{\n  \"a\": {\n    \"c\": \"x\",\n    \"d\": null\n  },\n  \"b\": [\n    1,\n    \
             2.5,\n    -3\n  ],\n  \"n\": 1",
        );
        expected.push_str(&"0".repeat(300));
        expected.push_str(".0\n}");
        assert_eq!(text, expected);
        assert_eq!(json_text(&json!([])), "[]");
        assert_eq!(json_text(&json!({})), "{}");
        assert_eq!(json_text(&json!("é\u{7}")), "\"é\\u0007\"");
    }
}
