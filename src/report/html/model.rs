//! The HTML report's data: a serialisable model of a run (or of several
//! shards merged), embedded as JSON in the page and read back by
//! `gatecheck report merge`. Every text in it is masked before it is
//! written (see [`Model::mask`]).

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use crate::check::failure::{Failure, FailureKind};
use crate::secret::mask::MaskSet;
use crate::verdict::step_view::StepView;

/// The format version of the embedded model.
pub const VERSION: u32 = 1;

/// A whole report: the runs (one per shard) and their trials.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Model {
    pub version: u32,
    pub runs: Vec<RunMeta>,
    pub trials: Vec<TrialView>,
    /// The authorization coverage of an OpenAPI document (`--openapi`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coverage: Option<CoverageView>,
}

/// The coverage grid: operations x (`none` and each identity).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct CoverageView {
    /// The document's file, as given.
    pub document: String,
    /// `none`, then each identity.
    pub columns: Vec<String>,
    pub rows: Vec<CoverageRow>,
    pub covered: usize,
    /// Cells counted (covered + missing).
    pub cells: usize,
    pub percent: f64,
}

/// One operation's row.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct CoverageRow {
    /// `GET /todos/{id}`.
    pub operation: String,
    /// The effective security, as text.
    pub security: String,
    pub cells: Vec<CoverageCell>,
}

/// What a cell is.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum CellState {
    Covered,
    Missing,
    /// An identity's cell of a public operation (not counted).
    Public,
}

/// How the trials of a covered cell did in this run.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum CellResult {
    /// Every trial of the cell that ran passed.
    Passed,
    /// At least one trial of the cell failed.
    Failed,
    /// No trial of the cell ran (filtered out, ignored, another shard).
    NotRun,
}

/// One cell.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CoverageCell {
    pub state: CellState,
    /// The trials that send this operation as this identity.
    #[serde(default)]
    pub trials: Vec<String>,
    /// Set on covered cells by [`Model::fill_coverage_results`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<CellResult>,
}

/// What one `gatecheck` invocation was.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct RunMeta {
    /// The command line (`--var` values hidden).
    pub command: String,
    pub commit: Option<String>,
    /// When the run started (RFC 3339, UTC).
    pub started: String,
    pub duration_ms: u64,
    pub logins: u64,
    pub pending_snapshots: u64,
    /// `hash:1/3` for one shard of a partitioned run.
    pub partition: Option<String>,
}

/// How a trial ended.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Failed,
    Passed,
    Ignored,
}

/// One trial.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TrialView {
    /// `suite::test[variant]`.
    pub name: String,
    pub suite_id: String,
    pub suite_title: String,
    pub suite_file: String,
    /// The test's name within its suite (without variants).
    pub test: String,
    pub status: Status,
    /// Why it was ignored.
    pub reason: Option<String>,
    pub duration_ms: u64,
    pub identity: Option<String>,
    /// Set when the trial is a cell of the authorization matrix.
    pub matrix: Option<MatrixCell>,
    pub steps: Vec<StepView>,
    pub failures: Vec<FailureView>,
    /// The console's message of a failed trial.
    pub message: Option<String>,
}

/// A trial's place in the authorization matrix.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct MatrixCell {
    /// `GET /api/admin/report`, as written in the suite.
    pub endpoint: String,
    pub expected: String,
    /// None when no response came (a failed login, a refused connection).
    pub actual: Option<u16>,
}

/// One failed expectation.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FailureView {
    /// `suites/todos.yaml:14:9`.
    pub location: Option<String>,
    /// `status`, `header`, `json`, `snapshot`, ...
    pub kind: String,
    /// The console's line (without the location).
    pub message: String,
    pub expected: Option<String>,
    pub actual: Option<String>,
    /// A snapshot's unified diff (old -> new).
    pub diff: Option<String>,
}

impl From<&Failure> for FailureView {
    fn from(failure: &Failure) -> Self {
        let (kind, expected, actual, diff) = match &failure.kind {
            FailureKind::Status { expected, actual } => (
                "status",
                Some(expected.clone()),
                Some(actual.to_string()),
                None,
            ),
            FailureKind::Header {
                expected, actual, ..
            } => ("header", Some(expected.clone()), actual.clone(), None),
            FailureKind::Json {
                expected, actual, ..
            } => ("json", Some(expected.clone()), actual.clone(), None),
            FailureKind::NotJson { why, .. } => (
                "json",
                Some("a JSON body".to_owned()),
                Some(why.clone()),
                None,
            ),
            FailureKind::Duration { max, took } => (
                "duration",
                Some(format!("at most {}", humantime::format_duration(*max))),
                Some(format!("{}ms", took.as_millis())),
                None,
            ),
            FailureKind::Snapshot { diff, .. } => ("snapshot", None, None, Some(diff.clone())),
            FailureKind::Capture { .. } => ("capture", None, None, None),
            FailureKind::Template { .. } => ("template", None, None, None),
            FailureKind::Login { .. } => ("login", None, None, None),
            FailureKind::Request { .. } => ("request", None, None, None),
            FailureKind::Transport { .. } => ("transport", None, None, None),
        };
        let text = failure.kind.to_string();
        Self {
            location: failure.location.as_ref().map(ToString::to_string),
            kind: kind.to_owned(),
            message: text.lines().next().unwrap_or("").to_owned(),
            expected,
            actual,
            diff: diff.filter(|d| !d.is_empty()),
        }
    }
}

impl Model {
    /// Sets each covered cell's result from the trials of the model: failed
    /// when one of its trials failed, passed when one passed and none
    /// failed, not run otherwise.
    pub fn fill_coverage_results(&mut self) {
        let Some(coverage) = &mut self.coverage else {
            return;
        };
        let status: std::collections::HashMap<&str, Status> = self
            .trials
            .iter()
            .map(|t| (t.name.as_str(), t.status))
            .collect();
        for cell in coverage.rows.iter_mut().flat_map(|r| r.cells.iter_mut()) {
            if cell.state != CellState::Covered {
                cell.result = None;
                continue;
            }
            let seen: Vec<Status> = cell
                .trials
                .iter()
                .filter_map(|t| status.get(t.as_str()).copied())
                .collect();
            cell.result = Some(if seen.contains(&Status::Failed) {
                CellResult::Failed
            } else if seen.contains(&Status::Passed) {
                CellResult::Passed
            } else {
                CellResult::NotRun
            });
        }
    }

    /// Masks `secrets` in every text of the model (names, URLs, headers,
    /// bodies, messages, diffs), whatever field it is in.
    pub fn mask(&mut self, secrets: &MaskSet) -> Result<(), serde_json::Error> {
        let mut json = serde_json::to_value(&*self)?;
        mask_json(&mut json, secrets);
        *self = serde_json::from_value(json)?;
        Ok(())
    }
}

fn mask_json(value: &mut Json, secrets: &MaskSet) {
    match value {
        Json::String(text) => {
            if let std::borrow::Cow::Owned(masked) = secrets.mask(text) {
                *text = masked;
            }
        }
        Json::Array(items) => items.iter_mut().for_each(|v| mask_json(v, secrets)),
        Json::Object(map) => map.values_mut().for_each(|v| mask_json(v, secrets)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trial(name: &str, status: Status) -> TrialView {
        TrialView {
            name: name.into(),
            suite_id: "s".into(),
            suite_title: "S".into(),
            suite_file: "s.yaml".into(),
            test: name.into(),
            status,
            reason: None,
            duration_ms: 0,
            identity: None,
            matrix: None,
            steps: Vec::new(),
            failures: Vec::new(),
            message: None,
        }
    }

    fn covered(trials: &[&str]) -> CoverageCell {
        CoverageCell {
            state: CellState::Covered,
            trials: trials.iter().map(|t| (*t).to_owned()).collect(),
            result: None,
        }
    }

    #[test]
    fn a_cell_fails_when_one_of_its_trials_failed_and_is_not_run_when_none_ran() {
        let mut model = Model {
            version: VERSION,
            runs: Vec::new(),
            trials: vec![
                trial("a", Status::Passed),
                trial("b", Status::Failed),
                trial("c", Status::Ignored),
            ],
            coverage: Some(CoverageView {
                rows: vec![CoverageRow {
                    cells: vec![
                        covered(&["a", "b"]),
                        covered(&["a", "c"]),
                        covered(&["c", "elsewhere"]),
                        CoverageCell {
                            state: CellState::Missing,
                            trials: Vec::new(),
                            result: None,
                        },
                    ],
                    ..CoverageRow::default()
                }],
                ..CoverageView::default()
            }),
        };
        model.fill_coverage_results();
        let results: Vec<_> = model.coverage.unwrap().rows[0]
            .cells
            .iter()
            .map(|c| c.result)
            .collect();
        assert_eq!(
            results,
            [
                Some(CellResult::Failed),
                Some(CellResult::Passed),
                Some(CellResult::NotRun),
                None
            ]
        );
    }
}
