//! insta's snapshot file format, written by gatecheck itself: a YAML
//! header between `---` lines, then the snapshot text. insta has no public
//! way to save a snapshot with a header of our choosing, so the header is
//! emitted here exactly as insta 1.x emits it (its vendored yaml-rust
//! emitter: the same quoting, escapes and indentation for the shapes a
//! header holds), and the text is normalized by insta's own public
//! `TextSnapshotContents`. The tests pin it: every `.snap` in the
//! repository re-renders byte for byte, what is written reads back through
//! `insta::Snapshot::from_file` with the same header and contents, and
//! insta's own `save` of such a file writes the same bytes.

use std::fmt::Write as _;

use insta::TextSnapshotKind;
use insta::internals::TextSnapshotContents;
use serde_json::Value as Json;

/// A snapshot file's header: the fields insta writes, in its order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Header {
    /// The file that made the snapshot, relative to the workspace.
    pub source: Option<String>,
    /// Its line; kept in pending files only (`cargo insta accept` drops it).
    pub assertion_line: Option<u32>,
    pub description: Option<String>,
    pub expression: Option<String>,
    /// Structured data shown on review (`info:`).
    pub info: Option<Json>,
    pub input_file: Option<String>,
}

impl Header {
    /// The header an accepted `.snap` keeps: without `assertion_line`.
    pub fn for_accepted(&self) -> Self {
        Self {
            assertion_line: None,
            ..self.clone()
        }
    }
}

/// How insta writes the header's multi-line strings
/// (`INSTA_YAML_BLOCK_STYLE=1`: as YAML literal blocks).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Style {
    pub literal_blocks: bool,
}

/// The snapshot text as insta stores and compares it (trailing whitespace
/// trimmed, `\r\n` as `\n`).
pub fn normalized(text: &str) -> String {
    contents(text).to_string()
}

/// `text` as insta's file-snapshot contents.
pub fn contents(text: &str) -> TextSnapshotContents {
    TextSnapshotContents::new(text.to_owned(), TextSnapshotKind::File)
}

/// The whole file: what insta's `Snapshot::save` writes for `header` and
/// `text`.
pub fn render(header: &Header, text: &str, style: Style) -> String {
    let mut out = render_header(header, style);
    out.push_str("---\n");
    out.push_str(&normalized(text));
    out.push('\n');
    out
}

/// The YAML header, `---` line first, ending in a newline.
pub fn render_header(header: &Header, style: Style) -> String {
    let mut fields: Vec<(&str, Node<'_>)> = Vec::new();
    fn text(s: &Option<String>) -> Option<Node<'_>> {
        s.as_deref().map(Node::Text)
    }
    if let Some(source) = text(&header.source) {
        fields.push(("source", source));
    }
    if let Some(line) = header.assertion_line {
        fields.push(("assertion_line", Node::Number(line)));
    }
    if let Some(description) = text(&header.description) {
        fields.push(("description", description));
    }
    if let Some(expression) = text(&header.expression) {
        fields.push(("expression", expression));
    }
    if let Some(info) = &header.info {
        fields.push(("info", Node::Json(info)));
    }
    if let Some(input_file) = text(&header.input_file) {
        fields.push(("input_file", input_file));
    }
    let mut emitter = Emitter {
        out: String::from("---\n"),
        level: -1,
        style,
    };
    emitter.hash(fields.iter().map(|(k, v)| (Node::Text(k), *v)));
    let mut out = emitter.out;
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// A value as insta's YAML emitter sees it.
#[derive(Clone, Copy)]
enum Node<'a> {
    Text(&'a str),
    /// The assertion line.
    Number(u32),
    Json(&'a Json),
}

/// insta's vendored yaml-rust emitter (two-space indent, compact), for
/// strings, numbers, booleans, null, sequences and maps.
struct Emitter {
    out: String,
    level: isize,
    style: Style,
}

impl Emitter {
    fn indent(&mut self) {
        for _ in 0..self.level.max(0) {
            self.out.push_str("  ");
        }
    }

    fn node(&mut self, node: Node<'_>) {
        match node {
            Node::Text(s) => self.scalar(s),
            Node::Number(n) => {
                let _ = write!(self.out, "{n}");
            }
            Node::Json(json) => match json {
                Json::Null => self.out.push('~'),
                Json::Bool(b) => self.out.push_str(if *b { "true" } else { "false" }),
                Json::Number(n) => self.out.push_str(&number(n)),
                Json::String(s) => self.scalar(s),
                Json::Array(items) => self.array(items.iter().map(Node::Json)),
                Json::Object(map) => {
                    self.hash(map.iter().map(|(k, v)| (Node::Text(k), Node::Json(v))));
                }
            },
        }
    }

    fn scalar(&mut self, s: &str) {
        if need_quotes(s) {
            escape(&mut self.out, s);
        } else {
            self.out.push_str(s);
        }
    }

    fn array<'a>(&mut self, items: impl ExactSizeIterator<Item = Node<'a>>) {
        if items.len() == 0 {
            self.out.push_str("[]");
            return;
        }
        self.level += 1;
        for (i, item) in items.enumerate() {
            if i > 0 {
                self.out.push('\n');
                self.indent();
            }
            self.out.push('-');
            self.value(true, item);
        }
        self.level -= 1;
    }

    fn hash<'a>(&mut self, entries: impl ExactSizeIterator<Item = (Node<'a>, Node<'a>)>) {
        if entries.len() == 0 {
            self.out.push_str("{}");
            return;
        }
        self.level += 1;
        for (i, (key, value)) in entries.enumerate() {
            if i > 0 {
                self.out.push('\n');
                self.indent();
            }
            // Keys are strings (a JSON object's, or a header field's).
            self.node(key);
            self.out.push(':');
            self.value(false, value);
        }
        self.level -= 1;
    }

    /// A value after `:` or `-` (insta's `emit_val`).
    fn value(&mut self, inline: bool, node: Node<'_>) {
        let nested = match node {
            Node::Json(Json::Array(a)) => Some(a.is_empty()),
            Node::Json(Json::Object(m)) => Some(m.is_empty()),
            _ => None,
        };
        match nested {
            Some(empty) => {
                if inline || empty {
                    self.out.push(' ');
                } else {
                    self.out.push('\n');
                    self.level += 1;
                    self.indent();
                    self.level -= 1;
                }
                self.node(node);
            }
            None => {
                let text = match node {
                    Node::Text(s) => Some(s),
                    Node::Json(Json::String(s)) => Some(s.as_str()),
                    _ => None,
                };
                match text.filter(|s| self.style.literal_blocks && s.contains('\n')) {
                    Some(s) => self.literal_block(s),
                    None => {
                        self.out.push(' ');
                        self.node(node);
                    }
                }
            }
        }
    }

    /// A multi-line string as a YAML literal block (`|-`, `|`, `|+`).
    fn literal_block(&mut self, s: &str) {
        let content = s.trim_end_matches('\n');
        let trailing = s.len() - content.len();
        self.out.push_str(match trailing {
            0 => " |-\n",
            1 => " |\n",
            _ => " |+\n",
        });
        let width = usize::try_from((self.level + 1).max(1) * 2).unwrap_or(2);
        for line in content.split('\n') {
            self.out.push_str(&" ".repeat(width));
            self.out.push_str(line);
            self.out.push('\n');
        }
        if trailing > 1 {
            for _ in 1..trailing {
                self.out.push('\n');
            }
        }
    }
}

/// A JSON number as insta writes it: integers as they are, other numbers
/// (through `f64`) in Rust's shortest decimal form, never in exponent form.
fn number(n: &serde_json::Number) -> String {
    if let Some(i) = n.as_i64() {
        i.to_string()
    } else if let Some(u) = n.as_u64() {
        u.to_string()
    } else {
        n.as_f64().map(|f| f.to_string()).unwrap_or_default()
    }
}

/// insta's emitter's rule for quoting a string.
fn need_quotes(s: &str) -> bool {
    const WORDS: [&str; 22] = [
        "yes", "Yes", "YES", "no", "No", "NO", "True", "TRUE", "true", "False", "FALSE", "false",
        "on", "On", "ON", "off", "Off", "OFF", "null", "Null", "NULL", "~",
    ];
    s.is_empty()
        || s.starts_with(' ')
        || s.ends_with(' ')
        || s.starts_with(['&', '*', '?', '|', '-', '<', '>', '=', '!', '%', '@'])
        || s.contains(|c: char| {
            matches!(c,
                ':' | '{' | '}' | '[' | ']' | ',' | '#' | '`' | '"' | '\'' | '\\'
                | '\0'..='\x06' | '\t' | '\n' | '\r' | '\x0e'..='\x1a' | '\x1c'..='\x1f')
        })
        || WORDS.contains(&s)
        || s.starts_with('.')
        || s.starts_with("0x")
        || s.parse::<i64>().is_ok()
        || s.parse::<f64>().is_ok()
}

/// A double-quoted string with insta's emitter's escapes.
fn escape(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\x08' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\x0c' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            '\0'..='\x1f' | '\x7f' => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn plain() -> Style {
        Style::default()
    }

    #[test]
    fn a_header_is_written_in_insta_s_order_and_quoting() {
        let header = Header {
            source: Some("suites/todos.yaml".into()),
            assertion_line: Some(14),
            description: Some("GET /api/todos?limit=10 as user".into()),
            expression: None,
            info: Some(json!({"trial": "todos::list", "identity": "user", "n": 3})),
            input_file: Some("suites/todos.yaml".into()),
        };
        assert_eq!(
            render(&header, "{\n  \"a\": 1\n}  \n\n", plain()),
            "---\nsource: suites/todos.yaml\nassertion_line: 14\n\
             description: GET /api/todos?limit=10 as user\ninfo:\n  \
             trial: \"todos::list\"\n  identity: user\n  n: 3\n\
             input_file: suites/todos.yaml\n---\n{\n  \"a\": 1\n}\n"
        );
        assert_eq!(
            render(&header.for_accepted(), "x", plain()),
            "---\nsource: suites/todos.yaml\n\
             description: GET /api/todos?limit=10 as user\ninfo:\n  \
             trial: \"todos::list\"\n  identity: user\n  n: 3\n\
             input_file: suites/todos.yaml\n---\nx\n"
        );
    }

    #[test]
    fn strings_that_yaml_would_misread_are_quoted_and_escaped() {
        for (text, written) in [
            ("", "\"\""),
            ("true", "\"true\""),
            ("42", "\"42\""),
            ("1.5", "\"1.5\""),
            ("-x", "\"-x\""),
            (" x", "\" x\""),
            ("a: b", "\"a: b\""),
            ("say \"hi\"", "\"say \\\"hi\\\"\""),
            ("tab\there", "\"tab\\there\""),
            ("soh\x01", "\"soh\\u0001\""),
            ("line\nnext", "\"line\\nnext\""),
            ("список задач", "список задач"),
            ("GET /a?b=c as user", "GET /a?b=c as user"),
        ] {
            let header = Header {
                description: Some(text.into()),
                ..Header::default()
            };
            assert_eq!(
                render_header(&header, plain()),
                format!("---\ndescription: {written}\n"),
                "{text:?}"
            );
        }
    }

    #[test]
    fn nested_info_and_literal_blocks_follow_insta_s_emitter() {
        let header = Header {
            info: Some(json!({
                "list": [1, "two", {"k": null, "b": true}],
                "empty": [],
                "map": {"x": {"y": 1.5}},
                "none": {},
                "text": "a\nb\n",
            })),
            ..Header::default()
        };
        assert_eq!(
            render_header(&header, plain()),
            "---\ninfo:\n  list:\n    - 1\n    - two\n    - k: ~\n      b: true\n  \
             empty: []\n  map:\n    x:\n      y: 1.5\n  none: {}\n  text: \"a\\nb\\n\"\n"
        );
        let block = Style {
            literal_blocks: true,
        };
        let header = Header {
            description: Some("one\ntwo".into()),
            ..Header::default()
        };
        assert_eq!(
            render_header(&header, block),
            "---\ndescription: |-\n  one\n  two\n"
        );
    }

    /// Every `.snap` file in the repository (written by insta, or by a run
    /// through this module) re-renders byte for byte from what insta
    /// reads of it: accepted snapshots never churn.
    #[test]
    fn every_snapshot_in_the_repository_re_renders_byte_for_byte() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut seen = 0;
        for dir in ["src/init", "suites/snapshots", "tests/it/snapshots"] {
            for entry in std::fs::read_dir(root.join(dir)).unwrap().flatten() {
                let path = entry.path();
                if path.extension().is_none_or(|e| e != "snap") {
                    continue;
                }
                let bytes = std::fs::read_to_string(&path).unwrap();
                let read = insta::Snapshot::from_file(&path).unwrap();
                let header = crate::check::insta_adapter::header(&read);
                let text = read.as_text().unwrap().to_string();
                assert_eq!(render(&header, &text, plain()), bytes, "{}", path.display());
                seen += 1;
            }
        }
        assert!(seen >= 10, "{seen} snapshot files");
    }

    /// What this module writes, insta reads back with the same header and
    /// contents, and insta's own `save` of it writes the same bytes.
    #[test]
    fn insta_reads_what_is_written_and_saves_it_identically() {
        let dir = std::env::temp_dir().join(format!("gatecheck-format-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let headers = [
            Header {
                source: Some("suites/todos.yaml".into()),
                assertion_line: Some(14),
                description: Some("GET /api/todos/{{ id }} as admin".into()),
                expression: None,
                info: Some(json!({
                    "trial": "todos::list [row 2: {id: 7}]",
                    "step": "2 of 3: read one",
                    "identity": "no",
                    "request": "GET /a?b=c#frag",
                })),
                input_file: Some("suites/todos.yaml".into()),
            },
            Header {
                source: Some("../other/sp ace.yaml".into()),
                assertion_line: Some(0),
                description: Some("список: \"задач\"\ttab\\".into()),
                expression: Some("out.normalized(&p)".into()),
                info: Some(
                    json!({"n": 1.5, "neg": -2, "big": 9_223_372_036_854_775_807i64,
                    "list": ["a", 1, true, null, [], {}], "nested": {"k": {"v": "x: y"}}}),
                ),
                input_file: None,
            },
            Header::default(),
        ];
        let texts = [
            "{\n  \"a\": 1\n}",
            "line one\r\nline two  \n\n",
            "",
            "---\nnot: a header",
        ];
        for (i, header) in headers.iter().enumerate() {
            for (j, text) in texts.iter().enumerate() {
                let file = dir.join(format!("s{i}_{j}.snap.new"));
                let written = render(header, text, plain());
                std::fs::write(&file, &written).unwrap();
                let read = insta::Snapshot::from_file(&file).unwrap();
                assert_eq!(
                    &crate::check::insta_adapter::header(&read),
                    header,
                    "{written}"
                );
                let stored = read.as_text().unwrap();
                assert!(stored.matches_latest(&contents(text)), "{written}");
                assert!(
                    stored.matches_fully(&contents(&normalized(text))),
                    "{written}"
                );
                // insta's own writer (hidden; used by this test only).
                let saved = dir.join(format!("s{i}_{j}.snap"));
                read.save(&saved).unwrap();
                assert_eq!(
                    std::fs::read_to_string(&saved).unwrap(),
                    render(&header.for_accepted(), text, plain()),
                    "{written}"
                );
            }
        }
        std::fs::remove_dir_all(dir).unwrap();
    }

    /// insta's own snapshot files (its repository's tests, kept in
    /// `tests/corpus/insta`): each re-renders as insta 1.49's `save` writes
    /// it, and as the file is, but for trailing blank lines an older insta
    /// left (insta normalizes them away too).
    #[test]
    fn insta_s_own_snapshot_files_re_render_as_insta_saves_them() {
        fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, out);
                } else if path.extension().is_some_and(|e| e == "snapfile") {
                    out.push(path);
                }
            }
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/insta");
        let mut files = Vec::new();
        walk(&root, &mut files);
        assert_eq!(files.len(), 85);
        let dir = std::env::temp_dir().join(format!("gatecheck-corpus-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut exact = 0;
        for file in &files {
            let bytes = std::fs::read_to_string(file).unwrap();
            let read = insta::Snapshot::from_file(file).unwrap();
            let header = crate::check::insta_adapter::header(&read);
            let text = read.as_text().unwrap().to_string();
            let ours = render(&header, &text, plain());
            let saved = dir.join("saved.snap");
            read.save(&saved).unwrap();
            assert_eq!(
                render(&header.for_accepted(), &text, plain()),
                std::fs::read_to_string(&saved).unwrap(),
                "{}",
                file.display()
            );
            if ours == bytes {
                exact += 1;
            } else {
                assert_eq!(ours.trim_end(), bytes.trim_end(), "{}", file.display());
            }
        }
        assert!(exact >= 79, "{exact} of {} byte for byte", files.len());
        std::fs::remove_dir_all(dir).unwrap();
    }
}
