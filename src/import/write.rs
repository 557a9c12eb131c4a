//! The importer's I/O: read the Postman files, write the converted files
//! without overwriting any.

use std::fs;
use std::path::{Path, PathBuf};

use super::convert::convert;
use super::error::ImportError;
use super::postman::{parse_collection, parse_environment};

/// What an import wrote, and what it could not convert.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub files: Vec<PathBuf>,
    /// One line per kind of problem.
    pub warnings: Vec<String>,
    pub summary: super::summary::Summary,
}

/// Reads the collection (and environment), writes `suites/<collection>.yaml`
/// (one suite per top-level folder when there are folders:
/// `suites/<folder>.yaml`), a fixture per login (`fixtures/<identity>.yaml`)
/// and `suites/gatecheck.yaml` listing the secrets to mask, into `out`, never overwriting an
/// existing file (nothing is written then). Returns what was written and
/// what could not be converted.
pub fn import_postman(
    collection: &Path,
    environment: Option<&Path>,
    out: &Path,
) -> Result<ImportReport, ImportError> {
    let format = |path: &Path| {
        let path = path.to_owned();
        move |message| ImportError::Format { path, message }
    };
    let parsed = parse_collection(&read(collection)?).map_err(format(collection))?;
    let env = match environment {
        Some(path) => Some(parse_environment(&read(path)?).map_err(format(path))?),
        None => None,
    };
    let output = convert(&parsed, env.as_ref());
    let files: Vec<(PathBuf, String)> = output
        .files
        .into_iter()
        .map(|(rel, text)| (out.join(rel), text))
        .collect();
    // Every name is checked before anything is written.
    check_names(&files)?;
    if let Some((path, _)) = files.iter().find(|(p, _)| fs::symlink_metadata(p).is_ok()) {
        return Err(ImportError::Exists { path: path.clone() });
    }
    for (path, text) in &files {
        write(path, text)?;
    }
    Ok(ImportReport {
        files: files.into_iter().map(|(p, _)| p).collect(),
        warnings: output.warnings,
        summary: output.summary,
    })
}

/// The largest collection or environment file read.
const MAX_INPUT: u64 = 256 << 20;

fn read(path: &Path) -> Result<String, ImportError> {
    crate::disk::read_regular_text(path, MAX_INPUT).map_err(|e| ImportError::Read {
        path: path.to_owned(),
        source: match e {
            crate::disk::ReadError::Io(source) => source,
            other => std::io::Error::other(other.to_string()),
        },
    })
}

/// The largest file name most file systems hold (bytes).
const MAX_FILE_NAME: usize = 255;

/// Two outputs with one name, or a name no file system holds, stop the
/// import before anything is written.
fn check_names(files: &[(PathBuf, String)]) -> Result<(), ImportError> {
    let mut seen = std::collections::HashSet::new();
    for (path, _) in files {
        let name = path.file_name().map_or(0, |n| n.len());
        if name > MAX_FILE_NAME {
            return Err(ImportError::Name {
                path: path.clone(),
                problem: format!("its name is {name} bytes long (the most is {MAX_FILE_NAME})"),
            });
        }
        if !seen.insert(path) {
            return Err(ImportError::Name {
                path: path.clone(),
                problem: "two outputs have this name".to_owned(),
            });
        }
    }
    Ok(())
}

fn write(path: &Path, text: &str) -> Result<(), ImportError> {
    // Whole or absent; a file (or link) that appeared since the check is
    // not overwritten.
    match crate::disk::write_new_whole(path, text.as_bytes()) {
        Ok(true) => Ok(()),
        Ok(false) => Err(ImportError::Exists {
            path: path.to_owned(),
        }),
        Err(source) => Err(ImportError::Write {
            path: path.to_owned(),
            source,
        }),
    }
}
