//! TEMPORARY stub until the snapshot branch lands.
use std::path::{Path, PathBuf};
pub fn init() {}
pub fn redact(
    _v: &mut serde_json::Value,
    _r: &[(crate::suite::expect::JsonPath, serde_json::Value)],
) {
}
pub struct Snapshot<'a> {
    pub dir: &'a Path,
    pub name: &'a str,
    pub suite_file: &'a Path,
    pub description: &'a str,
    pub value: &'a serde_json::Value,
}
#[derive(Debug)]
pub enum Outcome {
    Matched,
    Mismatch {
        diff: String,
        missing: bool,
        pending: bool,
        file: PathBuf,
    },
    Written,
}
pub fn check(_s: &Snapshot) -> Outcome {
    Outcome::Matched
}
pub fn slug(text: &str) -> String {
    text.to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}
