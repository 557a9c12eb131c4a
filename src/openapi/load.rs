//! Reading an OpenAPI document: the file (YAML or JSON) into a JSON value,
//! the version check, and `$ref` resolution inside the document and to
//! relative files. Every error names the file and the JSON path.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde_json::Value;

/// References followed one after the other before giving up (a cycle).
const MAX_REF_CHAIN: usize = 32;

/// The largest document (or referenced file) read, in bytes.
const MAX_FILE: u64 = 256 * 1024 * 1024;

/// A document that cannot be read: which file, where in it, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenApiError {
    pub file: PathBuf,
    /// A JSON path such as `$.paths["/pets"].get.security[0]` (`$` for the
    /// whole file).
    pub at: String,
    pub message: String,
}

impl fmt::Display for OpenApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: at {}: {}",
            self.file.display(),
            self.at,
            self.message
        )
    }
}

impl std::error::Error for OpenApiError {}

/// A JSON path being walked, for messages: `$.paths["/pets"].get`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JPath(String);

impl JPath {
    pub fn root() -> Self {
        JPath("$".to_owned())
    }

    pub fn key(&self, key: &str) -> Self {
        let plain = !key.is_empty()
            && key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            && !key.starts_with(|c: char| c.is_ascii_digit() || c == '-');
        if plain {
            JPath(format!("{}.{key}", self.0))
        } else {
            JPath(format!(
                "{}[{}]",
                self.0,
                serde_json::to_string(key).unwrap_or_default()
            ))
        }
    }

    pub fn index(&self, index: usize) -> Self {
        JPath(format!("{}[{index}]", self.0))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for JPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One step from a value to a member: a key or an index.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Key(String),
    Index(usize),
}

/// The steps from a file's root to a node, last step first: a child shares
/// its parent's steps (one allocation per node, no copies).
#[derive(Debug)]
struct Link {
    step: Step,
    parent: Option<Arc<Link>>,
}

/// A value where it was found: its file and JSON path. It holds its file's
/// parsed value (shared) and the steps to it, not a copy: walking a large
/// document copies nothing.
#[derive(Debug, Clone)]
pub struct Node {
    root: Arc<Value>,
    link: Option<Arc<Link>>,
    pub file: Arc<Path>,
}

fn walk<'a>(root: &'a Value, link: Option<&Arc<Link>>) -> &'a Value {
    let Some(link) = link else {
        return root;
    };
    let parent = walk(root, link.parent.as_ref());
    let next = match &link.step {
        Step::Key(k) => parent.get(k.as_str()),
        Step::Index(i) => parent.get(*i),
    };
    next.unwrap_or(&Value::Null)
}

impl Node {
    /// The whole of a parsed file.
    pub fn root(value: Arc<Value>, file: &Path) -> Self {
        Node {
            root: value,
            link: None,
            file: Arc::from(file),
        }
    }

    /// A value of its own (tests, generated parts).
    pub fn detached(value: Value, file: &Path) -> Self {
        Node::root(Arc::new(value), file)
    }

    /// The value this node stands for.
    pub fn value(&self) -> &Value {
        walk(&self.root, self.link.as_ref())
    }

    /// Where the node is: `$.paths["/pets"].get` (built when asked).
    pub fn at(&self) -> JPath {
        let mut steps = Vec::new();
        let mut link = self.link.as_ref();
        while let Some(l) = link {
            steps.push(&l.step);
            link = l.parent.as_ref();
        }
        steps
            .into_iter()
            .rev()
            .fold(JPath::root(), |at, step| match step {
                Step::Key(k) => at.key(k),
                Step::Index(i) => at.index(*i),
            })
    }

    fn child(&self, step: Step) -> Node {
        Node {
            root: self.root.clone(),
            link: Some(Arc::new(Link {
                step,
                parent: self.link.clone(),
            })),
            file: self.file.clone(),
        }
    }

    pub fn error(&self, message: impl Into<String>) -> OpenApiError {
        OpenApiError {
            file: self.file.to_path_buf(),
            at: self.at().to_string(),
            message: message.into(),
        }
    }

    /// The member `key` of this object, if present.
    pub fn get(&self, key: &str) -> Option<Node> {
        self.value()
            .get(key)
            .map(|_| self.child(Step::Key(key.to_owned())))
    }

    /// The members `keys` of this object, each if present, found with one
    /// walk from the root (a large document's operations read many keys).
    pub fn get_many<const N: usize>(&self, keys: [&str; N]) -> [Option<Node>; N] {
        let value = self.value();
        keys.map(|key| {
            value
                .get(key)
                .map(|_| self.child(Step::Key(key.to_owned())))
        })
    }

    /// The members of an object (none when it is not one).
    pub fn members(&self) -> Vec<(String, Node)> {
        match self.value() {
            Value::Object(map) => map
                .keys()
                .map(|k| (k.clone(), self.child(Step::Key(k.clone()))))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The items of an array (none when it is not one).
    pub fn items(&self) -> Vec<Node> {
        match self.value() {
            Value::Array(items) => (0..items.len())
                .map(|i| self.child(Step::Index(i)))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// A string member, or an error saying what was expected.
    pub fn str_of(&self, key: &str) -> Result<Option<String>, OpenApiError> {
        match self.value().get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(OpenApiError {
                file: self.file.to_path_buf(),
                at: self.at().key(key).to_string(),
                message: format!(
                    "expected a string, found {}",
                    crate::wire::value::describe(other)
                ),
            }),
        }
    }
}

/// The files of a document: the root and every file a `$ref` reached,
/// each parsed once.
#[derive(Debug)]
pub struct Resolver {
    files: Mutex<HashMap<PathBuf, Arc<Value>>>,
}

impl Resolver {
    pub(super) fn new(root: &Path, value: Arc<Value>) -> Self {
        let mut files = HashMap::new();
        files.insert(root.to_path_buf(), value);
        Resolver {
            files: Mutex::new(files),
        }
    }

    fn file(&self, path: &Path, from: &Node) -> Result<Arc<Value>, OpenApiError> {
        let mut files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(value) = files.get(path) {
            return Ok(value.clone());
        }
        let value = read_value(path)
            .map_err(|e| from.error(format!("`$ref` to `{}`: {}", path.display(), e.message)))?;
        let value = Arc::new(value);
        files.insert(path.to_path_buf(), value.clone());
        Ok(value)
    }

    /// Follows `node`'s `$ref` (and the target's, up to a limit) to the
    /// value it names; a node without `$ref` is returned as it is.
    pub fn resolve(&self, node: &Node) -> Result<Node, OpenApiError> {
        let mut current = node.clone();
        for _ in 0..MAX_REF_CHAIN {
            let reference = match current.value().get("$ref") {
                None => return Ok(current),
                Some(Value::String(reference)) => reference.clone(),
                Some(_) => return Err(current.error("`$ref` must be a string")),
            };
            current = self.target(&current, &reference)?;
        }
        Err(node.error(format!(
            "`$ref` chain longer than {MAX_REF_CHAIN} (a reference cycle?)"
        )))
    }

    fn target(&self, from: &Node, reference: &str) -> Result<Node, OpenApiError> {
        let (file_part, pointer) = reference.split_once('#').unwrap_or((reference, ""));
        let file: PathBuf = if file_part.is_empty() {
            from.file.to_path_buf()
        } else if file_part.starts_with("http://") || file_part.starts_with("https://") {
            return Err(from.error(format!(
                "`$ref: {reference}`: references to URLs are not followed; \
                 download the file beside the document and refer to it by a relative path"
            )));
        } else {
            let base = from.file.parent().unwrap_or(Path::new("."));
            base.join(percent_decode(file_part))
        };
        let root = self.file(&file, from)?;
        let mut node = Node::root(root, &file);
        if !pointer.is_empty() {
            let Some(rest) = pointer.strip_prefix('/') else {
                return Err(from.error(format!(
                    "`$ref: {reference}`: the part after `#` must be a JSON pointer \
                     starting with `/` (e.g. `#/components/schemas/Pet`)"
                )));
            };
            for token in rest.split('/') {
                let token = percent_decode(token).replace("~1", "/").replace("~0", "~");
                let next = match node.value() {
                    Value::Object(map) if map.contains_key(&token) => {
                        Some(node.child(Step::Key(token.clone())))
                    }
                    Value::Array(items) => token
                        .parse::<usize>()
                        .ok()
                        .filter(|i| *i < items.len())
                        .map(|i| node.child(Step::Index(i))),
                    _ => None,
                };
                node = next.ok_or_else(|| {
                    from.error(format!(
                        "`$ref: {reference}`: `{}` has no `{token}`",
                        file.display()
                    ))
                })?;
            }
        }
        Ok(node)
    }
}

fn percent_decode(text: &str) -> String {
    if !text.contains('%') {
        return text.to_owned();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = text.get(i + 1..i + 3)
            && let Ok(byte) = u8::from_str_radix(hex, 16)
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Reads a YAML or JSON file into a JSON value.
pub fn read_value(path: &Path) -> Result<Value, OpenApiError> {
    let fail = |message: String| OpenApiError {
        file: path.to_path_buf(),
        at: "$".to_owned(),
        message,
    };
    let size = std::fs::metadata(path)
        .map_err(|e| fail(format!("cannot read the file: {e}")))?
        .len();
    if size > MAX_FILE {
        return Err(fail(format!(
            "the file is {size} bytes, more than the {MAX_FILE} read"
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| fail(format!("cannot read the file: {e}")))?;
    parse_value(&bytes).map_err(fail)
}

/// Parses JSON (when the text starts with `{`) or YAML into a JSON value.
pub fn parse_value(bytes: &[u8]) -> Result<Value, String> {
    let text = std::str::from_utf8(bytes).map_err(|e| format!("the file is not UTF-8: {e}"))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim_start().starts_with('{') {
        serde_json::from_str(text).map_err(|e| format!("invalid JSON: {e}"))
    } else if let Some(value) = fast_yaml(text) {
        Ok(value)
    } else {
        serde_yaml::from_str::<Value>(text).map_err(|e| format!("invalid YAML: {e}"))
    }
}

/// Deepest nesting the fast reader builds (serde_yaml's own limit).
const MAX_YAML_DEPTH: usize = 128;

/// YAML straight into a JSON value from yaml-rust2's events (the parser
/// the suite loader uses), with serde_yaml's reading of plain scalars and
/// keys: on the benchmark's 13.8 MB document it takes 0.58 s of CPU where
/// serde_yaml takes 0.82 s (docs/bench.md, workload 9). `None` for anything it leaves to serde_yaml: a
/// syntax error (serde_yaml gives the message), anchors and aliases, tags
/// other than `!!str`, several documents, complex keys, deep nesting.
fn fast_yaml(text: &str) -> Option<Value> {
    use yaml_rust2::parser::{Event, Parser};
    use yaml_rust2::scanner::TScalarStyle;

    enum Open {
        Seq(Vec<Value>),
        Map(serde_json::Map<String, Value>, Option<String>),
    }
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Open> = Vec::new();
    let mut done: Option<Value> = None;
    let mut documents = 0;
    loop {
        let (event, _) = parser.next_token().ok()?;
        let value = match event {
            Event::StreamEnd => break,
            Event::StreamStart | Event::Nothing | Event::DocumentEnd => continue,
            Event::DocumentStart => {
                documents += 1;
                if documents > 1 {
                    return None;
                }
                continue;
            }
            Event::Alias(_) => return None,
            Event::SequenceStart(anchor, tag) | Event::MappingStart(anchor, tag)
                if anchor != 0 || tag.is_some() =>
            {
                return None;
            }
            Event::SequenceStart(..) => {
                stack.push(Open::Seq(Vec::new()));
                if stack.len() > MAX_YAML_DEPTH {
                    return None;
                }
                continue;
            }
            Event::MappingStart(..) => {
                stack.push(Open::Map(serde_json::Map::new(), None));
                if stack.len() > MAX_YAML_DEPTH {
                    return None;
                }
                continue;
            }
            Event::SequenceEnd => match stack.pop()? {
                Open::Seq(items) => Value::Array(items),
                Open::Map(..) => return None,
            },
            Event::MappingEnd => match stack.pop()? {
                Open::Map(map, None) => Value::Object(map),
                _ => return None,
            },
            Event::Scalar(text, style, anchor, tag) => {
                if anchor != 0 {
                    return None;
                }
                let is_str = match &tag {
                    None => false,
                    Some(t)
                        if (t.handle == "!!" || t.handle == "tag:yaml.org,2002:")
                            && t.suffix == "str" =>
                    {
                        true
                    }
                    Some(_) => return None,
                };
                // A key is its text, as serde_yaml gives it to a JSON map.
                if let Some(Open::Map(_, key @ None)) = stack.last_mut() {
                    let null = matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL");
                    if null && !is_str && style == TScalarStyle::Plain {
                        return None;
                    }
                    *key = Some(text);
                    continue;
                }
                if is_str || style != TScalarStyle::Plain {
                    Value::String(text)
                } else {
                    plain_scalar(text)?
                }
            }
        };
        match stack.last_mut() {
            None => done = Some(value),
            Some(Open::Seq(items)) => items.push(value),
            Some(Open::Map(map, key)) => {
                let key = key.take()?;
                map.insert(key, value);
            }
        }
    }
    if !stack.is_empty() {
        return None;
    }
    Some(done.unwrap_or(Value::Null))
}

/// A plain scalar as serde_yaml reads it (YAML 1.2 core schema): null,
/// booleans, integers (decimal, `0x`, `0o`, `0b`), floats (`.inf`, `.nan`
/// become null, as JSON has none), else the text; `None` for an integer
/// too large for JSON (serde_yaml refuses it).
fn plain_scalar(text: String) -> Option<Value> {
    Some(match text.as_str() {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        _ => number(text)?,
    })
}

fn number(text: String) -> Option<Value> {
    let first = text.as_bytes()[0];
    if !(first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.')) {
        return Some(Value::String(text));
    }
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(&text)),
    };
    let integer = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
    // A leading zero before digits makes a string (YAML 1.2), as in serde_yaml.
    if integer && digits.len() > 1 && digits.starts_with('0') {
        return Some(Value::String(text));
    }
    let radix = |prefix: &str, radix: u32| {
        digits
            .strip_prefix(prefix)
            .filter(|d| !d.is_empty() && !d.starts_with(['+', '-']))
            .and_then(|d| i64::from_str_radix(d, radix).ok())
            .map(|n| Value::from(if negative { -n } else { n }))
    };
    if let Some(v) = radix("0x", 16)
        .or_else(|| radix("0o", 8))
        .or_else(|| radix("0b", 2))
    {
        return Some(v);
    }
    if let Ok(n) = text.parse::<i64>() {
        return Some(Value::from(n));
    }
    if let Ok(n) = text.parse::<u64>() {
        return Some(Value::from(n));
    }
    if integer {
        return None;
    }
    match digits {
        ".inf" | ".Inf" | ".INF" | ".nan" | ".NaN" | ".NAN" => return Some(Value::Null),
        _ => {}
    }
    let numeric = digits.bytes().any(|b| b.is_ascii_digit())
        && digits
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'));
    Some(match text.parse::<f64>() {
        Ok(f) if numeric && f.is_finite() => serde_json::Number::from_f64(f)
            .map(Value::Number)
            .unwrap_or(Value::String(text)),
        _ => Value::String(text),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast reader gives what serde_yaml gives, or leaves the text to it.
    #[test]
    fn fast_yaml_reads_as_serde_yaml_does() {
        let scalars = [
            "a",
            "~",
            "null",
            "Null",
            "NULL",
            "",
            "true",
            "True",
            "FALSE",
            "yes",
            "no",
            "on",
            "0",
            "7",
            "-7",
            "+7",
            "007",
            "-007",
            "0x1F",
            "0o17",
            "0b101",
            "1.5",
            "-1.5",
            ".5",
            "1e3",
            "1E-3",
            "+1.0",
            "1.",
            "-.inf",
            ".inf",
            ".NaN",
            "1_000",
            "12:30",
            "1.2.3",
            "9223372036854775807",
            "9223372036854775808",
            "18446744073709551616",
            "-9223372036854775809",
            "2024-01-01",
            "'quoted'",
            "\"200\"",
            "!!str 12",
            "\"\"",
            "- x",
            "e3",
            "-",
            ".",
            "+",
            "0x",
            "-0x10",
            "1e400",
        ];
        let mut texts: Vec<String> = scalars
            .iter()
            .flat_map(|s| [format!("v: {s}\n"), format!("{s}: v\n"), format!("[{s}]\n")])
            .collect();
        texts.extend(
            [
                "",
                "a:\n  b: [1, {c: d}]\n  e: |\n    line\n    two\n  f: >-\n    folded\n    text\n",
                "responses:\n  200: {description: ok}\n  '404': {description: no}\n  default: x\n",
                "---\nsecurity:\n  - {}\n  - oauth: [read, write]\n",
                "a: 1\na: 2\n",
                "x: &a 1\ny: *a\n",
                "- !custom 1\n",
                "a: [1\n",
                "---\na: 1\n---\nb: 2\n",
                "? [complex]\n: key\n",
            ]
            .map(str::to_owned),
        );
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = vec![dir.join("crates/emulator/src/api/openapi.yaml")];
        for entry in std::fs::read_dir(dir.join("tests/corpus/openapi")).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                files.push(path);
            }
        }
        for file in &files {
            let text = std::fs::read_to_string(file).unwrap();
            assert!(
                fast_yaml(&text).is_some(),
                "{} left to serde_yaml",
                file.display()
            );
            texts.push(text);
        }
        for text in &texts {
            let slow = serde_yaml::from_str::<Value>(text).ok();
            if let Some(fast) = fast_yaml(text) {
                assert_eq!(Some(&fast), slow.as_ref(), "{text:?}");
            }
            assert_eq!(parse_value(text.as_bytes()).ok(), slow, "{text:?}");
        }
    }

    #[test]
    fn json_paths_quote_keys_that_are_not_names() {
        let at = JPath::root().key("paths").key("/pets/{id}").key("get");
        assert_eq!(at.to_string(), r#"$.paths["/pets/{id}"].get"#);
        assert_eq!(
            JPath::root().key("security").index(2).to_string(),
            "$.security[2]"
        );
        assert_eq!(JPath::root().key("200").to_string(), r#"$["200"]"#);
    }

    #[test]
    fn yaml_and_json_both_read_and_numeric_keys_become_strings() {
        let yaml = parse_value(b"responses:\n  200: {description: ok}\n").unwrap();
        assert_eq!(yaml["responses"]["200"]["description"], "ok");
        let json = parse_value(br#"{"a": [1]}"#).unwrap();
        assert_eq!(json["a"][0], 1);
        assert!(
            parse_value(b"{ broken")
                .unwrap_err()
                .starts_with("invalid JSON")
        );
        assert!(
            parse_value(b"a: [")
                .unwrap_err()
                .starts_with("invalid YAML")
        );
    }

    #[test]
    fn pointers_decode_escapes() {
        assert_eq!(percent_decode("%7Bid%7D"), "{id}");
        assert_eq!(percent_decode("100%"), "100%");
    }
}
