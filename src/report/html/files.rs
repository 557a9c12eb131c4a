//! Reading and writing report pages, and merging them: the pages of a
//! partitioned run's shards combined into one (`gatecheck report merge`).

use std::path::{Path, PathBuf};

use super::model::Model;
use super::page::{self, PageError};

/// Why a report could not be written or merged.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("failed to read HTML report `{path}`: {source}")]
    Read {
        path: PathBuf,
        source: crate::disk::ReadError,
    },
    #[error("`{path}`: {source}")]
    Page { path: PathBuf, source: PageError },
    #[error("failed to write HTML report `{path}`: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("failed to encode the HTML report: {0}")]
    Encode(#[from] serde_json::Error),
    #[error(
        "trial `{name}` is in both `{first}` and `{second}`; merge the reports of one \
         partitioned run (each shard once)"
    )]
    Duplicate {
        name: String,
        first: PathBuf,
        second: PathBuf,
    },
}

/// Writes `model` as a page at `path` (creating its folder).
pub fn write(path: &Path, model: &Model) -> Result<(), ReportError> {
    let html = page::render(model)?;
    crate::disk::write_whole(path, html.as_bytes()).map_err(|source| ReportError::Write {
        path: path.to_path_buf(),
        source,
    })
}

/// The largest report page read.
const MAX_PAGE: u64 = 1 << 30;

/// Reads the model of the page at `path`.
pub fn read(path: &Path) -> Result<Model, ReportError> {
    let text =
        crate::disk::read_regular_text(path, MAX_PAGE).map_err(|source| ReportError::Read {
            path: path.to_path_buf(),
            source,
        })?;
    page::extract(&text).map_err(|source| ReportError::Page {
        path: path.to_path_buf(),
        source,
    })
}

/// One model with the runs and trials of every page; a trial found in two
/// pages is an error (the same shard given twice, or two different runs).
pub fn merge(inputs: &[PathBuf]) -> Result<Model, ReportError> {
    let mut merged = Model {
        version: super::model::VERSION,
        ..Model::default()
    };
    let mut seen: std::collections::HashMap<String, PathBuf> = Default::default();
    for path in inputs {
        let model = read(path)?;
        for trial in &model.trials {
            if let Some(first) = seen.insert(trial.name.clone(), path.clone()) {
                return Err(ReportError::Duplicate {
                    name: trial.name.clone(),
                    first,
                    second: path.clone(),
                });
            }
        }
        merged.runs.extend(model.runs);
        merged.trials.extend(model.trials);
        // Every shard plans the same grid; the results come from all pages.
        if merged.coverage.is_none() {
            merged.coverage = model.coverage;
        }
    }
    merged.fill_coverage_results();
    Ok(merged)
}

impl From<ReportError> for crate::error::Error {
    fn from(e: ReportError) -> Self {
        match e {
            ReportError::Write { .. } | ReportError::Encode(_) => Self::Runtime(e.to_string()),
            _ => Self::Usage(e.to_string()),
        }
    }
}
