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
    } else {
        serde_yaml::from_str::<Value>(text).map_err(|e| format!("invalid YAML: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
