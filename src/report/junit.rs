//! JUnit XML for CI test reporters (GitLab, Jenkins, GitHub): one
//! testsuite per suite, one testcase per trial, failures with the same
//! (already masked) text as the console: the message is the first failure's
//! line (`suites/todos.yaml:14:9: status: expected 200, got 404`), the
//! description the whole text.

use std::time::Duration;

use crate::secret::mask::MaskSet;
use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use super::failure::TrialFailure;

/// How one trial ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Passed,
    /// The failures, and the console's message (secrets masked).
    Failed(TrialFailure),
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
            Outcome::Failed(failure) => {
                let taken = std::mem::take(failure);
                *failure = taken.masked(|text| secrets.mask(text).into_owned());
            }
            Outcome::Ignored(Some(message)) => {
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
        Outcome::Failed(failure) => {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
            status
                .set_message(failure.headline())
                .set_description(failure.text.clone());
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::failure::{Failure, Kind, Location};
    use crate::suite::yaml::KeyPath;

    #[test]
    fn a_failure_message_is_its_first_located_line() {
        let status = Failure {
            kind: Kind::Status {
                expected: "200".into(),
                actual: 404,
            },
            key_path: KeyPath::root(),
            location: Some(Location {
                file: "suites/a.yaml".into(),
                line: 6,
                column: 7,
            }),
        };
        let failure = TrialFailure {
            failures: vec![status],
            text: "GET http://x/a\n  suites/a.yaml:6:7: status: expected 200, got 404".into(),
        };
        let record = TrialRecord {
            name: "a::t".into(),
            suite_id: "a".into(),
            suite_title: "A".into(),
            outcome: Outcome::Failed(failure.clone()),
            duration: Duration::from_millis(5),
        };
        let case = test_case(&record);
        let TestCaseStatus::NonSuccess {
            message,
            description,
            ..
        } = &case.status
        else {
            panic!("not a failure: {:?}", case.status);
        };
        assert_eq!(
            message.as_deref(),
            Some("suites/a.yaml:6:7: status: expected 200, got 404")
        );
        assert_eq!(description.as_deref(), Some(failure.text.as_str()));
    }
}
