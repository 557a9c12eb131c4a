//! Finds the files to load (the folder listings of loading; their contents
//! are read by `load.rs`): the suite files under a folder, every `*.yaml` /
//! `*.yml`, sorted, skipping `snapshots/`, hidden folders, the fixtures
//! folder and the config file; and the fixture files of the fixtures folder. A folder that cannot be read, an entry that cannot be looked at (a
//! broken symbolic link) and a folder reached twice through symbolic links
//! (a loop, or a second way to the same folder) are errors: skipping them
//! would run fewer tests, or the same tests twice, without saying so.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::error::Diagnostic;

pub const CONFIG_FILE: &str = "gatecheck.yaml";

/// The suite files under `root`, and the problems met on the way.
pub fn suite_files(root: &Path, fixtures_dir: &Path) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    let mut walker = Walker {
        fixtures_dir: fs::canonicalize(fixtures_dir).ok(),
        seen: HashMap::new(),
        files: Vec::new(),
        diags: Vec::new(),
    };
    walker.dir(root, &mut Vec::new());
    (walker.files, walker.diags)
}

struct Walker {
    fixtures_dir: Option<PathBuf>,
    /// Every folder walked (its real path) -> the path it was reached by.
    seen: HashMap<PathBuf, PathBuf>,
    files: Vec<PathBuf>,
    diags: Vec<Diagnostic>,
}

impl Walker {
    fn problem(&mut self, path: &Path, message: String) {
        self.diags.push(Diagnostic::new(path, None, message));
    }

    /// Walks `dir`; `ancestors` are the real paths of the folders above it.
    fn dir(&mut self, dir: &Path, ancestors: &mut Vec<PathBuf>) {
        let real = match fs::canonicalize(dir) {
            Ok(real) => real,
            Err(e) => return self.problem(dir, format!("cannot read folder: {e}")),
        };
        if self.already_walked(dir, &real, ancestors) {
            return;
        }
        let entries = match fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(e) => {
                return self.problem(
                    dir,
                    format!("cannot read folder: {e}; make it readable, or move it out of the suites path"),
                );
            }
        };
        let mut paths = Vec::new();
        for entry in entries {
            match entry {
                Ok(entry) => paths.push(entry.path()),
                Err(e) => self.problem(dir, format!("cannot read folder: {e}")),
            }
        }
        paths.sort();
        ancestors.push(real);
        for path in paths {
            self.entry(&path, ancestors);
        }
        ancestors.pop();
    }

    /// True (and reported) when `real` was walked before: a symbolic link
    /// loop, or a second path to the same folder.
    fn already_walked(&mut self, dir: &Path, real: &Path, ancestors: &[PathBuf]) -> bool {
        let Some(first) = self.seen.get(real).cloned() else {
            self.seen.insert(real.to_path_buf(), dir.to_path_buf());
            return false;
        };
        let message = if ancestors.iter().any(|a| a == real) {
            format!(
                "symbolic link loop: this folder is `{}` again; remove the link",
                first.display()
            )
        } else {
            format!(
                "this folder is `{}` again (through a symbolic link), so its suites would run \
                 twice; remove the link",
                first.display()
            )
        };
        self.problem(dir, message);
        true
    }

    fn entry(&mut self, path: &Path, ancestors: &mut Vec<PathBuf>) {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.starts_with('.') {
            return;
        }
        let meta = match fs::metadata(path) {
            Ok(meta) => meta,
            Err(e) => {
                let what = match fs::symlink_metadata(path) {
                    Ok(link) if link.is_symlink() => "broken symbolic link",
                    _ => "cannot read",
                };
                return self.problem(path, format!("{what}: {e}; fix it or remove it"));
            }
        };
        if meta.is_dir() {
            if name != "snapshots" && !self.is_fixtures_dir(path) {
                self.dir(path, ancestors);
            }
        } else if is_yaml_name(path) && name != CONFIG_FILE {
            if meta.is_file() {
                self.files.push(path.to_path_buf());
            } else {
                // A named pipe or a device would block or never end.
                self.problem(path, "not a regular file; remove it".to_owned());
            }
        }
    }

    fn is_fixtures_dir(&self, path: &Path) -> bool {
        self.fixtures_dir.is_some() && fs::canonicalize(path).ok() == self.fixtures_dir
    }
}

/// The fixture files of `dir` (`*.yaml`, `*.yml`; not its subfolders),
/// sorted; a folder that does not exist has none.
pub fn fixture_files(dir: &Path) -> Result<Vec<PathBuf>, Diagnostic> {
    if !dir.exists() {
        return Ok(Vec::new());
    }
    let entries = fs::read_dir(dir).map_err(|e| {
        let message = format!("cannot read the fixtures folder: {e}; make it readable");
        Diagnostic::new(dir, None, message)
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| is_yaml_name(p) && p.is_file())
        .collect();
    files.sort();
    Ok(files)
}

/// `.yaml` or `.yml`.
pub fn is_yaml_name(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml")
    )
}
