//! JUnit XML for CI test reporters (GitLab, Jenkins, GitHub): one
//! testsuite per suite, one testcase per trial, failures with the same
//! (already masked) message as the console.

use std::time::Duration;

use crate::report::mask::MaskSet;
use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

/// How one trial ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Passed,
    Failed(String),
    Ignored(Option<String>),
}

/// One trial's result, as reports need it.
#[derive(Debug, Clone)]
pub struct TrialRecord {
    /// The full trial name, `suite::test[variant]`.
    pub name: String,
    /// The suite's id (trial-name prefix) and title.
    pub suite_id: String,
    pub suite_title: String,
    pub outcome: Outcome,
    pub duration: Duration,
}

impl TrialRecord {
    /// Masks `secrets` in the name and the messages.
    pub fn mask(&mut self, secrets: &MaskSet) {
        self.name = secrets.mask(&self.name).into_owned();
        match &mut self.outcome {
            Outcome::Failed(message) | Outcome::Ignored(Some(message)) => {
                *message = secrets.mask(message).into_owned();
            }
            Outcome::Passed | Outcome::Ignored(None) => {}
        }
    }
}

/// Renders the records (in any order) as a JUnit XML document.
pub fn render(records: &[TrialRecord]) -> Result<String, String> {
    let mut report = Report::new("gatecheck");
    let mut suites: Vec<(String, TestSuite)> = Vec::new();
    let mut sorted: Vec<&TrialRecord> = records.iter().collect();
    sorted.sort_by(|a, b| (&a.suite_id, &a.name).cmp(&(&b.suite_id, &b.name)));
    let mut total = Duration::ZERO;
    for record in sorted {
        total += record.duration;
        if suites.last().is_none_or(|(id, _)| *id != record.suite_id) {
            suites.push((
                record.suite_id.clone(),
                TestSuite::new(record.suite_title.clone()),
            ));
        }
        let suite = &mut suites.last_mut().expect("pushed above").1;
        suite.add_test_case(test_case(record));
    }
    for (_, mut suite) in suites {
        let time: Duration = suite.test_cases.iter().filter_map(|c| c.time).sum();
        suite.set_time(time);
        report.add_test_suite(suite);
    }
    report.set_time(total);
    report
        .to_string()
        .map_err(|e| format!("failed to write JUnit XML: {e}"))
}

fn test_case(record: &TrialRecord) -> TestCase {
    let status = match &record.outcome {
        Outcome::Passed => TestCaseStatus::success(),
        Outcome::Failed(message) => {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
            let first = message.lines().next().unwrap_or_default().to_owned();
            status.set_message(first).set_description(message.clone());
            status
        }
        Outcome::Ignored(reason) => {
            let mut status = TestCaseStatus::skipped();
            if let Some(reason) = reason {
                status.set_message(reason.clone());
            }
            status
        }
    };
    let test_name = record
        .name
        .strip_prefix(&format!("{}::", record.suite_id))
        .unwrap_or(&record.name);
    let mut case = TestCase::new(test_name.to_owned(), status);
    case.set_classname(record.suite_id.clone());
    case.set_time(record.duration);
    case
}
