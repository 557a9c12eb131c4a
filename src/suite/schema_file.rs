//! `schema_file: PATH` matchers: the file (relative to the suite) is read
//! when the suite loads, with a bound, and compiled once; a test then holds
//! the compiled schema like an inline `schema:`.

use std::path::Path;

use serde_json::Value as Json;

use super::json_schema::CompiledSchema;
use super::keypath::KeyPath;
use super::matcher::{JsonChecks, Matcher, SchemaMatcher};
use super::model::{ExpectDef, TestDef};

/// The largest schema file read.
pub const MAX_SCHEMA_FILE: u64 = 16 << 20;

/// Reads and compiles every `schema_file` of a test (its `expect` and its
/// steps'); returns the problems, each at the key path of its matcher
/// (below `base`, the test's own path).
pub fn resolve(suite_file: &Path, base: &KeyPath, test: &mut TestDef) -> Vec<(KeyPath, String)> {
    let dir = suite_file.parent().unwrap_or(Path::new("."));
    let mut problems = Vec::new();
    if let Some(expect) = &mut test.expect {
        resolve_expect(dir, &base.key("expect"), expect, &mut problems);
    }
    for (i, step) in test.steps.iter_mut().flatten().enumerate() {
        if let Some(expect) = &mut step.expect {
            let at = base.key("steps").index(i).key("expect");
            resolve_expect(dir, &at, expect, &mut problems);
        }
    }
    problems
}

fn resolve_expect(
    dir: &Path,
    at: &KeyPath,
    expect: &mut ExpectDef,
    problems: &mut Vec<(KeyPath, String)>,
) {
    let JsonChecks(checks) = &mut expect.json;
    for (path, matchers) in checks {
        for m in matchers.iter_mut() {
            let Matcher::SchemaFile(name) = m else {
                continue;
            };
            let key = at.key("json").key(path.source.as_str()).key("schema_file");
            match read(&dir.join(name.as_str())) {
                Ok(compiled) => {
                    *m = Matcher::Schema(SchemaMatcher {
                        compiled,
                        file: Some(name.clone()),
                    });
                }
                Err(e) => problems.push((key, format!("`{name}`: {e}"))),
            }
        }
    }
}

/// Reads a `.json`, `.yaml` or `.yml` schema file and compiles it.
fn read(path: &Path) -> Result<std::sync::Arc<CompiledSchema>, String> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    if !matches!(ext.as_str(), "json" | "yaml" | "yml") {
        return Err("a schema file must end in .json, .yaml or .yml".into());
    }
    let text = crate::disk::read_regular_text(path, MAX_SCHEMA_FILE)
        .map_err(|e| format!("failed to read the schema file: {e}"))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let schema: Json = if ext == "json" {
        serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?
    } else {
        if let Some(nul) = super::yaml::nul_byte(text) {
            return Err(format!("{}: {}", nul.pos, nul.message));
        }
        serde_yaml::from_str(text).map_err(|e| format!("not YAML: {e}"))?
    };
    CompiledSchema::compile(&schema)
}
