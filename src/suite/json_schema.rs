//! The `schema` and `schema_file` JSON matchers: a JSON Schema (draft-04,
//! -06, -07, 2019-09 or 2020-12, as its `$schema` says; 2020-12 without
//! one), compiled once when the suite loads, then checked against the
//! values a JSONPath selects. Nothing is fetched: a `$ref` reaches only into
//! the schema itself (or the drafts' own meta-schemas).

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};

use boon::{CompileError, Compiler, Draft, ErrorKind, SchemaIndex, Schemas, ValidationError};
use serde_json::Value as Json;

/// Where an inline schema lives for `$ref`s and messages (no file is read).
const INLINE_URL: &str = "urn:gatecheck:schema";

/// At most this many failures are listed in one message.
const SHOW_ERRORS: usize = 5;

/// A compiled JSON Schema: built once per distinct schema and shared by
/// every test (and every request) that uses it.
pub struct CompiledSchema {
    /// The draft its rules follow, as users write it: `draft-07`.
    pub draft: &'static str,
    schemas: Schemas,
    index: SchemaIndex,
}

impl fmt::Debug for CompiledSchema {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CompiledSchema({})", self.draft)
    }
}

/// One reason a value fails a schema: where in the value, which keyword,
/// and what the keyword wanted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaError {
    /// A JSON Pointer into the checked value (`/items/0/id`; empty for the
    /// value itself).
    pub at: String,
    pub keyword: String,
    pub message: String,
}

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = if self.at.is_empty() { "/" } else { &self.at };
        write!(f, "at {at}: `{}` {}", self.keyword, self.message)
    }
}

impl CompiledSchema {
    /// Compiles a schema, refusing one that is not valid for its draft.
    /// The same schema text compiles once per process.
    pub fn compile(schema: &Json) -> Result<Arc<CompiledSchema>, String> {
        static COMPILED: Mutex<Option<HashMap<String, Arc<CompiledSchema>>>> = Mutex::new(None);
        const KEEP: usize = 1024;
        let key = schema.to_string();
        if let Some(done) = COMPILED
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            .and_then(|m| m.get(&key))
        {
            return Ok(done.clone());
        }
        let compiled = Arc::new(compile(schema)?);
        let mut cache = COMPILED.lock().unwrap_or_else(|e| e.into_inner());
        let cache = cache.get_or_insert_with(HashMap::new);
        if cache.len() < KEEP {
            cache.insert(key, compiled.clone());
        }
        Ok(compiled)
    }

    /// Why `value` fails the schema (empty when it passes): the innermost
    /// failures, in the schema's order.
    pub fn errors(&self, value: &Json) -> Vec<SchemaError> {
        let Err(error) = self.schemas.validate(value, self.index) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        leaves(&error, &mut out);
        out
    }

    /// The failures as one line: the first few, and how many more.
    pub fn explain(errors: &[SchemaError]) -> String {
        let mut text = errors
            .iter()
            .take(SHOW_ERRORS)
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ");
        if errors.len() > SHOW_ERRORS {
            text.push_str(&format!("; and {} more", errors.len() - SHOW_ERRORS));
        }
        text
    }
}

/// A loader that loads nothing: schemas are never fetched from a URL or
/// read from a path named inside them (the drafts' meta-schemas are built
/// into the validator).
struct NoLoader;

impl boon::UrlLoader for NoLoader {
    fn load(&self, url: &str) -> Result<Json, Box<dyn std::error::Error>> {
        Err(format!(
            "`{url}` is not loaded: gatecheck fetches no schema; \
             put what it refers to under `definitions` (or `$defs`) of this schema"
        )
        .into())
    }
}

fn compile(schema: &Json) -> Result<CompiledSchema, String> {
    if !matches!(schema, Json::Object(_) | Json::Bool(_)) {
        return Err(format!(
            "a JSON Schema is a map (or true/false), found {}",
            crate::wire::value::describe(schema)
        ));
    }
    let draft = match schema.get("$schema") {
        None => Draft::V2020_12,
        Some(Json::String(url)) => Draft::from_url(url).ok_or_else(|| {
            format!(
                "unknown `$schema` `{url}`; give one of the drafts: \
                 http://json-schema.org/draft-04/schema#, http://json-schema.org/draft-06/schema#, \
                 http://json-schema.org/draft-07/schema#, https://json-schema.org/draft/2019-09/schema, \
                 https://json-schema.org/draft/2020-12/schema"
            )
        })?,
        Some(other) => {
            return Err(format!(
                "`$schema` must be a draft's URL, found {}",
                crate::wire::value::describe(other)
            ));
        }
    };
    let mut compiler = Compiler::new();
    compiler.set_default_draft(Draft::V2020_12);
    compiler.use_loader(Box::new(NoLoader));
    let mut schemas = Schemas::new();
    compiler
        .add_resource(INLINE_URL, schema.clone())
        .map_err(|e| why_invalid(&e, draft))?;
    let index = compiler
        .compile(INLINE_URL, &mut schemas)
        .map_err(|e| why_invalid(&e, draft))?;
    Ok(CompiledSchema {
        draft: draft_name(draft),
        schemas,
        index,
    })
}

pub fn draft_name(draft: Draft) -> &'static str {
    match draft {
        Draft::V4 => "draft-04",
        Draft::V6 => "draft-06",
        Draft::V7 => "draft-07",
        Draft::V2019_09 => "draft 2019-09",
        _ => "draft 2020-12",
    }
}

/// A compile error in words, with the place inside the schema (a JSON
/// Pointer) where the schema breaks its draft's rules.
fn why_invalid(e: &CompileError, draft: Draft) -> String {
    let name = draft_name(draft);
    match e {
        CompileError::ValidationError { src, .. } => {
            let mut found = Vec::new();
            leaves(src, &mut found);
            let found = found
                .iter()
                .take(SHOW_ERRORS)
                .map(|e| {
                    let at = if e.at.is_empty() { "/" } else { &e.at };
                    format!("at {at}: {}", e.message)
                })
                .collect::<Vec<_>>()
                .join("; ");
            format!("not a valid {name} schema: {found}")
        }
        CompileError::InvalidRegex { url, regex, .. } => format!(
            "not a valid {name} schema: the pattern `{regex}` at {} is not a regular expression \
             gatecheck can run",
            pointer_of(url)
        ),
        CompileError::LoadUrlError { url, src } => {
            format!("a `$ref` to `{url}` cannot be followed: {src}")
        }
        CompileError::UnsupportedUrlScheme { url } | CompileError::ParseUrlError { url, .. } => {
            format!(
                "a `$ref` to `{url}` cannot be followed: gatecheck fetches no schema; \
             put what it refers to under `definitions` (or `$defs`) of this schema"
            )
        }
        other => format!(
            "not a valid {name} schema: {}",
            one_line(&other.to_string())
        ),
    }
}

/// `urn:gatecheck:schema#/properties/a` -> `/properties/a`.
fn pointer_of(url: &str) -> String {
    match url.split_once('#') {
        Some((_, p)) if !p.is_empty() => p.to_owned(),
        _ => "/".to_owned(),
    }
}

fn one_line(text: &str) -> String {
    text.replace(INLINE_URL, "the schema")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The innermost errors of a validation error tree.
fn leaves(e: &ValidationError<'_, '_>, out: &mut Vec<SchemaError>) {
    if !e.causes.is_empty() {
        for c in &e.causes {
            leaves(c, out);
        }
        return;
    }
    let keyword = match &e.kind {
        ErrorKind::FalseSchema => "false".to_owned(),
        ErrorKind::AdditionalProperties { .. } => "additionalProperties".to_owned(),
        ErrorKind::Reference { kw, .. } => (*kw).to_owned(),
        kind => kind
            .keyword_path()
            .map_or_else(|| "schema".to_owned(), |k| k.keyword.to_owned()),
    };
    out.push(SchemaError {
        at: e.instance_location.to_string(),
        keyword,
        message: cut(one_line(&e.kind.to_string())),
    });
}

/// A message cut to a sane length (an `enum` or `const` may be long).
fn cut(mut text: String) -> String {
    const MAX: usize = 200;
    if text.len() > MAX {
        let mut at = MAX;
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        text.truncate(at);
        text.push('…');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_body_that_breaks_the_schema_says_where_and_which_keyword() {
        let schema = CompiledSchema::compile(&json!({
            "$schema": "http://json-schema.org/draft-07/schema#",
            "type": "object",
            "required": ["email"],
            "properties": {"age": {"type": "integer"}, "tags": {"items": {"type": "string"}}}
        }))
        .unwrap();
        assert_eq!(schema.draft, "draft-07");
        assert!(schema.errors(&json!({"email": "a@b", "age": 3})).is_empty());
        let errors = schema.errors(&json!({"age": "3", "tags": ["x", 2]}));
        let short: Vec<(&str, &str)> = errors
            .iter()
            .map(|e| (e.at.as_str(), e.keyword.as_str()))
            .collect();
        assert_eq!(
            short,
            [("", "required"), ("/age", "type"), ("/tags/1", "type")]
        );
        assert_eq!(
            CompiledSchema::explain(&errors[..1]),
            "at /: `required` missing properties 'email'"
        );
    }

    #[test]
    fn the_draft_comes_from_dollar_schema_and_2020_12_without_it() {
        // `exclusiveMaximum: true` is draft-04's form; draft 2020-12 wants a number.
        let draft4 = json!({"$schema": "http://json-schema.org/draft-04/schema#",
                            "maximum": 5, "exclusiveMaximum": true});
        let schema = CompiledSchema::compile(&draft4).unwrap();
        assert_eq!(schema.draft, "draft-04");
        assert_eq!(schema.errors(&json!(5)).len(), 1);
        assert!(schema.errors(&json!(4)).is_empty());
        let err =
            CompiledSchema::compile(&json!({"maximum": 5, "exclusiveMaximum": true})).unwrap_err();
        assert!(
            err.starts_with("not a valid draft 2020-12 schema: at /exclusiveMaximum:"),
            "{err}"
        );
    }

    #[test]
    fn invalid_schemas_are_refused_saying_where() {
        let err =
            CompiledSchema::compile(&json!({"properties": {"a": {"type": "strnig"}}})).unwrap_err();
        assert!(
            err.starts_with("not a valid draft 2020-12 schema: at /properties/a/type:"),
            "{err}"
        );
        let err =
            CompiledSchema::compile(&json!({"$schema": "http://example.com/mine"})).unwrap_err();
        assert!(
            err.starts_with("unknown `$schema` `http://example.com/mine`"),
            "{err}"
        );
        let err = CompiledSchema::compile(&json!("object")).unwrap_err();
        assert!(err.starts_with("a JSON Schema is a map"), "{err}");
    }

    #[test]
    fn a_pattern_gatecheck_cannot_run_is_refused_at_load() {
        let err = CompiledSchema::compile(&json!({"properties": {"a": {"pattern": "(?=x)y"}}}))
            .unwrap_err();
        assert!(
            err.starts_with("not a valid draft 2020-12 schema: at /properties/a/pattern: '(?=x)y' is not valid regex")
                && err.contains("look-around"),
            "{err}"
        );
        // ECMA-262 classes the validator translates still work.
        let schema = CompiledSchema::compile(&json!({"pattern": "^\\d+$"})).unwrap();
        assert!(schema.errors(&json!("123")).is_empty());
        assert_eq!(schema.errors(&json!("12a"))[0].keyword, "pattern");
    }

    #[test]
    fn nothing_is_fetched_or_read_for_a_ref() {
        for target in [
            "http://127.0.0.1:9/user.json",
            "file:///etc/passwd",
            "user.json",
        ] {
            let err = CompiledSchema::compile(&json!({"$ref": target})).unwrap_err();
            assert!(err.contains("cannot be followed"), "{target}: {err}");
        }
        let local = json!({"$defs": {"id": {"type": "integer"}}, "properties": {"id": {"$ref": "#/$defs/id"}}});
        let schema = CompiledSchema::compile(&local).unwrap();
        assert_eq!(schema.errors(&json!({"id": "x"}))[0].at, "/id");
    }
}
