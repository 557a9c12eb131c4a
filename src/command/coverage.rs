//! `gatecheck coverage --openapi FILE [SUITES]`: which operations of an
//! OpenAPI document the suites test, as which identities (docs/openapi.md).

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::cli::default_paths;
use crate::error::{Diagnostic, Error};
use crate::openapi::coverage::{Cell, Grid, grid, render_text};
use crate::report::html::model::{CellState, CoverageCell, CoverageRow, CoverageView};
use crate::run;
use crate::suite::load::Env;

/// What `gatecheck coverage` was asked.
#[derive(Debug, Clone)]
pub struct CoverageOptions {
    pub openapi: PathBuf,
    pub paths: Vec<PathBuf>,
    pub json: bool,
    pub fail_under: Option<f64>,
    /// The identity columns; default: every fixture.
    pub identities: Vec<String>,
    pub vars: Vec<(String, String)>,
}

/// Prints the grid; exit 1 when `--fail-under` is not met.
pub fn coverage(options: CoverageOptions, env: &Env) -> Result<ExitCode, Error> {
    if let Some(pct) = options.fail_under
        && !(0.0..=100.0).contains(&pct)
    {
        return Err(Error::Usage(format!(
            "--fail-under {pct}: give a percentage from 0 to 100"
        )));
    }
    let doc = load_document(&options.openapi)?;
    let names: Vec<String> = options.vars.iter().map(|(k, _)| k.clone()).collect();
    let (project, trials) = run::load_valid(&default_paths(options.paths), env, &names)?;
    let identities: Vec<String> = if options.identities.is_empty() {
        project.fixtures.keys().cloned().collect()
    } else {
        for name in &options.identities {
            if name != crate::suite::validate::NONE && !project.fixtures.contains_key(name) {
                return Err(Error::Usage(format!(
                    "--identity {name}: no fixture of that name (fixtures: {})",
                    project
                        .fixtures
                        .keys()
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
        }
        options.identities.clone()
    };
    let with_scopes = with_scopes(&project, identities);
    let result = grid(&doc, &trials, &with_scopes);
    let text = if options.json {
        serde_json::to_string_pretty(&result)
            .map_err(|e| Error::Runtime(format!("failed to write JSON: {e}")))?
            + "\n"
    } else {
        render_text(&result)
    };
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .map_err(|e| Error::Runtime(format!("failed to write to stdout: {e}")))?;
    let code = verdict(&result, options.fail_under, options.json);
    // The process ends next: freeing a large document node by node is
    // wasted time.
    std::mem::forget((doc, project, trials));
    Ok(code)
}

/// The identities with their token scopes, when their fixture says.
pub fn with_scopes(
    project: &crate::suite::Project,
    identities: Vec<String>,
) -> Vec<(String, Option<Vec<String>>)> {
    identities
        .into_iter()
        .map(|name| {
            let scopes = project
                .fixtures
                .get(&name)
                .and_then(|f| f.cache_key())
                .map(|k| k.scopes);
            (name, scopes)
        })
        .collect()
}

/// The grid as the HTML report's model has it (results filled in later).
pub fn report_view(grid: &Grid) -> CoverageView {
    CoverageView {
        document: grid.document.clone(),
        columns: grid.columns.clone(),
        rows: grid
            .rows
            .iter()
            .map(|row| CoverageRow {
                operation: row.operation.clone(),
                security: row.security.clone(),
                cells: row
                    .cells
                    .iter()
                    .map(|cell| {
                        let (state, trials) = match cell {
                            Cell::Covered(names) => (CellState::Covered, names.clone()),
                            Cell::Missing => (CellState::Missing, Vec::new()),
                            Cell::Public => (CellState::Public, Vec::new()),
                        };
                        CoverageCell {
                            state,
                            trials,
                            result: None,
                        }
                    })
                    .collect(),
            })
            .collect(),
        covered: grid.covered,
        cells: grid.cells,
        percent: grid.percent,
    }
}

/// Exit 1 (with a line on stderr) when the coverage is under the bar.
fn verdict(grid: &Grid, fail_under: Option<f64>, quiet: bool) -> ExitCode {
    match fail_under {
        Some(bar) if grid.percent < bar => {
            if !quiet {
                eprintln!(
                    "coverage {}% is under --fail-under {bar}%: add the MISSING cells \
                     (`gatecheck init --openapi FILE --update` writes tests for untested operations)",
                    grid.percent
                );
            }
            ExitCode::from(crate::error::exit::FAILED)
        }
        _ => ExitCode::SUCCESS,
    }
}

/// Reads the document; a problem is an invalid-input error with its JSON path.
pub fn load_document(path: &Path) -> Result<crate::openapi::Document, Error> {
    crate::openapi::load(path).map_err(|e| {
        Error::Invalid(vec![Diagnostic::new(
            e.file,
            None,
            format!("at {}: {}", e.at, e.message),
        )])
    })
}
