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
    if let Some((path, _)) = files.iter().find(|(p, _)| p.exists()) {
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

fn read(path: &Path) -> Result<String, ImportError> {
    fs::read_to_string(path).map_err(|source| ImportError::Read {
        path: path.to_owned(),
        source,
    })
}

fn write(path: &Path, text: &str) -> Result<(), ImportError> {
    let err = |source| ImportError::Write {
        path: path.to_owned(),
        source,
    };
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(err)?;
    }
    // create_new: a file that appeared since the check is not overwritten.
    use std::io::Write;
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .map_err(err)
}
