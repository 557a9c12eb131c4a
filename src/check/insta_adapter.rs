//! The one piece of insta that only its hidden API reaches, kept here so
//! that an insta upgrade which changes it fails this module's tests loudly
//! instead of changing snapshots silently: [`info`], a snapshot header's
//! `info:` (`MetaData::private_info`, marked `#[doc(hidden)]`; insta has no
//! public getter). A review shows it and `gatecheck accept` keeps it.
//! (The JSON text of a snapshot is gatecheck's own serializer,
//! `snapshot_json.rs`, pinned there against `assert_json_snapshot!`.)
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
}
