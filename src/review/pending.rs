//! Finding pending snapshots, showing one, accepting or rejecting it.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value as Json;

use crate::check::insta_format;
use crate::check::snapshot::{self, unified_diff};

/// Folders never searched: build output and dependencies.
const SKIPPED_DIRS: [&str; 2] = ["target", "node_modules"];

/// Every `*.snap.new` file under `roots`, sorted; hidden folders,
/// `target/` and `node_modules/` are skipped.
pub fn find(roots: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for root in roots {
        walk(root, &mut out);
    }
    out.sort();
    out.dedup();
    out
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            if !name.starts_with('.') && !SKIPPED_DIRS.contains(&name.as_ref()) {
                walk(&path, out);
            }
        } else if name.ends_with(".snap.new") {
            out.push(path);
        }
    }
}

/// The `.snap` file a pending snapshot replaces.
pub fn target(new_file: &Path) -> PathBuf {
    new_file.with_extension("")
}

/// `path` as shown: relative to the working directory when below it, with `/`.
pub fn shown(path: &Path) -> String {
    let path = path.strip_prefix(".").unwrap_or(path);
    let relative = std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf());
    relative.to_string_lossy().replace('\\', "/")
}

/// The snapshot's name: the file name without `.snap.new`.
pub fn name(new_file: &Path) -> String {
    let file = new_file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    file.trim_end_matches(".snap.new").to_owned()
}

/// Whether a pending snapshot is selected: every snapshot when `filters` is
/// empty, else those whose shown path contains one of them.
pub fn selected(new_file: &Path, filters: &[String]) -> bool {
    let path = shown(new_file);
    filters.is_empty() || filters.iter().any(|f| path.contains(f.as_str()))
}

use crate::check::snapshot::MAX_SNAPSHOT_FILE;

fn read(file: &Path) -> Result<insta::Snapshot, String> {
    let fail =
        |e: &dyn std::fmt::Display| format!("failed to read snapshot `{}`: {e}", shown(file));
    // Checked first: insta reads the whole file, whatever it is.
    match fs::metadata(file) {
        Ok(meta) if !meta.is_file() => {
            return Err(fail(&"not a regular file; remove it"));
        }
        Ok(meta) if meta.len() > MAX_SNAPSHOT_FILE => {
            return Err(fail(&format!(
                "larger than {} MiB; remove it, or reject it with `gatecheck reject`",
                MAX_SNAPSHOT_FILE >> 20
            )));
        }
        _ => {}
    }
    insta::Snapshot::from_file(file).map_err(|e| fail(&e))
}

/// Makes the pending snapshot the accepted one, as `cargo insta accept`
/// does: written as `<name>.snap` in insta's format without the
/// review-only `assertion_line`, then the `.snap.new` removed. Returns the
/// `.snap` path.
pub fn accept_file(new_file: &Path) -> Result<PathBuf, String> {
    let snapshot = read(new_file)?;
    let Some(text) = snapshot.as_text() else {
        return Err(format!(
            "`{}` is a binary snapshot; accept it with `cargo insta accept`",
            shown(new_file)
        ));
    };
    let header = snapshot::header_of(&snapshot).for_accepted();
    let bytes = insta_format::render(&header, &text.to_string(), snapshot::header_style());
    let file = target(new_file);
    // A `.snap` that is a link is replaced, never written through.
    crate::disk::write_whole(&file, bytes.as_bytes())
        .map_err(|e| format!("failed to write `{}`: {e}", shown(&file)))?;
    fs::remove_file(new_file)
        .map_err(|e| format!("failed to remove `{}`: {e}", shown(new_file)))?;
    Ok(file)
}

/// Drops the pending snapshot; the accepted one (if any) stays.
pub fn reject_file(new_file: &Path) -> Result<(), String> {
    fs::remove_file(new_file).map_err(|e| format!("failed to remove `{}`: {e}", shown(new_file)))
}

/// What a reviewer sees: where the snapshot comes from (the suite file and
/// line of its test, the request, the trial) and the diff from the accepted
/// snapshot, in the format a failing run prints.
pub fn render(new_file: &Path) -> Result<String, String> {
    let new = read(new_file)?;
    let file = std::path::absolute(target(new_file)).unwrap_or_else(|_| target(new_file));
    let old = if file.is_file() {
        Some(read(&file)?)
    } else {
        None
    };
    let mut out = format!("snapshot: {}\n", name(new_file));
    let meta = new.metadata();
    if let Some(source) = meta.source() {
        match meta.assertion_line() {
            Some(line) if line > 0 => out.push_str(&format!("source: {source}:{line}\n")),
            _ => out.push_str(&format!("source: {source}\n")),
        }
    }
    if let Some(description) = meta.description() {
        out.push_str(&format!("request: {description}\n"));
    }
    if let Some(info) = snapshot::header_of(&new).info {
        out.push_str(&info_lines(&info));
    }
    let text = |s: &insta::Snapshot| s.as_text().map(ToString::to_string).unwrap_or_default();
    let old_text = old.as_ref().map(text).unwrap_or_default();
    out.push_str(&unified_diff(&file, old.is_none(), &old_text, &text(&new)));
    Ok(out)
}

/// `info` as `key: value` lines (a map of strings, as a run writes it).
fn info_lines(info: &Json) -> String {
    let Json::Object(map) = info else {
        return String::new();
    };
    map.iter()
        .map(|(key, value)| match value {
            Json::String(s) => format!("{key}: {s}\n"),
            other => format!("{key}: {other}\n"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pending_file_names_its_snapshot_and_target() {
        let new = Path::new("suites/snapshots/todos__list.snap.new");
        assert_eq!(target(new), Path::new("suites/snapshots/todos__list.snap"));
        assert_eq!(name(new), "todos__list");
        assert!(selected(new, &[]));
        assert!(selected(new, &["nope".into(), "todos__l".into()]));
        assert!(!selected(new, &["items".into()]));
    }

    #[test]
    fn find_skips_hidden_build_and_dependency_folders() {
        let root = std::env::temp_dir().join(format!("gatecheck-pending-{}", std::process::id()));
        for rel in [
            "suites/snapshots/a.snap.new",
            "suites/snapshots/a.snap",
            "api/snapshots/b.snap.new",
            ".git/c.snap.new",
            "target/d.snap.new",
            "node_modules/e.snap.new",
        ] {
            let path = root.join(rel);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, "").unwrap();
        }
        let found = find(std::slice::from_ref(&root));
        fs::remove_dir_all(&root).ok();
        assert_eq!(
            found,
            vec![
                root.join("api/snapshots/b.snap.new"),
                root.join("suites/snapshots/a.snap.new")
            ]
        );
    }
}
