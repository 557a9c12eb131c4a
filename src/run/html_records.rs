//! Builds the HTML report's [`Model`] from what the runner recorded: the trial
//! records (as JUnit gets them), the planned trials (identities and
//! expected statuses of the matrix) and the exchanges of each trial.

use std::collections::{HashMap, HashSet};

use super::plan::TrialSpec;
use crate::report::html::model::{FailureView, MatrixCell, Model, RunMeta, Status, TrialView};
use crate::report::junit::{TrialOutcome, TrialRecord};
use crate::suite::expect::StatusExpect;
use crate::verdict::step_view::StepView;

/// The exchanges recorded per trial name.
pub type Traces = HashMap<String, Vec<StepView>>;

/// The model of one run (texts not masked yet: see [`Model::mask`]).
pub fn build(specs: &[TrialSpec], records: &[TrialRecord], traces: &Traces, run: RunMeta) -> Model {
    let by_name: HashMap<&str, &TrialSpec> = specs.iter().map(|s| (s.name.as_str(), s)).collect();
    let matrix = matrix_tests(specs);
    let trials = records
        .iter()
        .map(|record| {
            let spec = by_name.get(record.name.as_str()).copied();
            let steps = traces.get(&record.name).cloned().unwrap_or_default();
            let in_matrix =
                spec.is_some_and(|s| matrix.contains(&(s.suite.id.as_str(), s.test.index)));
            trial(record, spec.filter(|_| in_matrix), spec, steps)
        })
        .collect();
    Model {
        version: crate::report::html::model::VERSION,
        runs: vec![run],
        trials,
        coverage: None,
    }
}

/// Tests with a per-identity status, or run under several identities
/// (single-request tests: a cell is one endpoint).
fn matrix_tests(specs: &[TrialSpec]) -> HashSet<(&str, usize)> {
    let mut identities: HashMap<(&str, usize), HashSet<Option<&str>>> = HashMap::new();
    let mut tests = HashSet::new();
    for spec in specs.iter().filter(|s| s.test.request.is_some()) {
        let key = (spec.suite.id.as_str(), spec.test.index);
        let ids = identities.entry(key).or_default();
        ids.insert(spec.identity_label.as_deref());
        if spec.matrix_status.is_some() || ids.len() > 1 {
            tests.insert(key);
        }
    }
    tests
}

fn trial(
    record: &TrialRecord,
    matrix_spec: Option<&TrialSpec>,
    spec: Option<&TrialSpec>,
    steps: Vec<StepView>,
) -> TrialView {
    let (status, reason, failures, message) = match &record.outcome {
        TrialOutcome::Passed => (Status::Passed, None, Vec::new(), None),
        TrialOutcome::Failed(f) => (
            Status::Failed,
            None,
            f.failures.iter().map(FailureView::from).collect(),
            Some(f.text.clone()),
        ),
        TrialOutcome::Ignored(reason) => (Status::Ignored, reason.clone(), Vec::new(), None),
    };
    let matrix = matrix_spec.map(|spec| MatrixCell {
        endpoint: endpoint(spec),
        expected: expected_status(spec),
        actual: steps.last().map(|s| s.status),
    });
    TrialView {
        name: record.name.clone(),
        suite_id: record.suite_id.clone(),
        suite_title: record.suite_title.clone(),
        suite_file: spec.map_or_else(String::new, |s| s.suite.file.display().to_string()),
        test: spec.map_or_else(|| record.name.clone(), |s| s.test.name.clone()),
        status,
        reason,
        duration_ms: record.duration.as_millis() as u64,
        identity: spec.and_then(|s| s.identity_label.clone()),
        matrix,
        steps,
        failures,
        message,
    }
}

/// `GET /api/admin/report`, as written in the suite.
fn endpoint(spec: &TrialSpec) -> String {
    let request = spec.test.request.as_ref();
    let method = request
        .and_then(|r| r.method.as_deref())
        .unwrap_or("GET")
        .to_uppercase();
    format!("{method} {}", request.map_or("", |r| r.url.as_str()))
}

/// The status the trial expects: its matrix entry, the test's `status`,
/// else any 2xx.
fn expected_status(spec: &TrialSpec) -> String {
    if let Some(set) = &spec.matrix_status {
        return set.to_string();
    }
    match spec.test.expect.as_ref().and_then(|e| e.status.as_ref()) {
        Some(StatusExpect::Any(set)) => set.to_string(),
        Some(StatusExpect::Matrix(m)) => spec
            .identity_label
            .as_ref()
            .and_then(|id| m.get(id))
            .map_or_else(|| "2xx".to_owned(), ToString::to_string),
        None => "2xx".to_owned(),
    }
}

/// The command line as typed, with `--var` values hidden (they may be
/// secrets the suites do not declare).
pub fn command_line(args: impl IntoIterator<Item = String>) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut hide_next = false;
    for (i, arg) in args.into_iter().enumerate() {
        let shown = if i == 0 {
            // The program as named, not its full path.
            std::path::Path::new(&arg)
                .file_name()
                .map_or_else(|| arg.clone(), |n| n.to_string_lossy().into_owned())
        } else if hide_next {
            hide_value(&arg)
        } else if let Some(var) = arg.strip_prefix("--var=") {
            format!("--var={}", hide_value(var))
        } else {
            arg.clone()
        };
        hide_next = arg == "--var";
        out.push(if shown.contains(' ') {
            format!("'{shown}'")
        } else {
            shown
        });
    }
    out.join(" ")
}

fn hide_value(var: &str) -> String {
    match var.split_once('=') {
        Some((name, _)) => format!("{name}=***"),
        None => var.to_owned(),
    }
}

/// The commit under test: from the CI's environment, else `git`.
pub fn commit(env: &crate::suite::load::Env) -> Option<String> {
    for key in [
        "GITHUB_SHA",
        "CI_COMMIT_SHA",
        "BUILD_SOURCEVERSION",
        "GIT_COMMIT",
    ] {
        if let Some(sha) = env.get(key).filter(|v| !v.is_empty()) {
            return Some(sha.clone());
        }
    }
    let out = std::process::Command::new("git")
        .args(["rev-parse", "HEAD"])
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    let sha = String::from_utf8(out.stdout).ok()?.trim().to_owned();
    (out.status.success() && !sha.is_empty()).then_some(sha)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn var_values_are_hidden_in_the_command_line() {
        let args = [
            "/usr/bin/gatecheck",
            "--var",
            "TOKEN=abc",
            "--var=K=v",
            "--html",
            "r.html",
            "a b",
        ];
        assert_eq!(
            command_line(args.map(String::from)),
            "gatecheck --var TOKEN=*** --var=K=*** --html r.html 'a b'"
        );
    }
}
