//! `gatecheck schema`: JSON Schemas of the suite, config and fixture
//! formats, generated from the same types the loader reads, for editors
//! (yaml-language-server).

use std::path::{Path, PathBuf};

use schemars::JsonSchema;

use crate::auth::Fixture;
use crate::suite::model::{ConfigDef, SuiteHeader};

/// The schemas and the file name each is written to.
pub fn all() -> Vec<(&'static str, serde_json::Value)> {
    vec![
        (
            "suite.schema.json",
            generate::<SuiteHeader>("gatecheck suite"),
        ),
        (
            "config.schema.json",
            generate::<ConfigDef>("gatecheck.yaml"),
        ),
        (
            "fixture.schema.json",
            generate::<Fixture>("gatecheck login fixture"),
        ),
    ]
}

fn generate<T: JsonSchema>(title: &str) -> serde_json::Value {
    let mut schema = schemars::generate::SchemaSettings::draft07()
        .into_generator()
        .into_root_schema_for::<T>();
    schema.insert("title".into(), title.into());
    schema.to_value()
}

/// The text written for a schema (stable, with a final newline).
pub fn text(schema: &serde_json::Value) -> String {
    let mut text = serde_json::to_string_pretty(schema).unwrap_or_default();
    text.push('\n');
    text
}

/// Writes every schema into `dir`; returns the files written.
pub fn write_all(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    all()
        .into_iter()
        .map(|(name, schema)| {
            let path = dir.join(name);
            crate::disk::write_whole(&path, text(&schema).as_bytes())?;
            Ok(path)
        })
        .collect()
}
