//! JUnit XML for CI test reporters (GitLab, Jenkins, GitHub): one
//! testsuite per suite, one testcase per trial, failures with the same
//! (already masked) text as the console: the message is the first failure's
//! line (`suites/todos.yaml:14:9: status: expected 200, got 404`), the
//! description the whole text.

use std::time::Duration;

use crate::secret::mask::MaskSet;
use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use crate::verdict::failure::TrialFailure;

/// How one trial ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrialOutcome {
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
    pub outcome: TrialOutcome,
    pub duration: Duration,
}

impl TrialRecord {
    /// Masks `secrets` in the name and the messages.
    pub fn mask(&mut self, secrets: &MaskSet) {
        self.name = secrets.mask(&self.name).into_owned();
        match &mut self.outcome {
            TrialOutcome::Failed(failure) => {
                let taken = std::mem::take(failure);
                *failure = taken.masked(|text| secrets.mask(text).into_owned());
            }
            TrialOutcome::Ignored(Some(message)) => {
                *message = secrets.mask(message).into_owned();
            }
            TrialOutcome::Passed | TrialOutcome::Ignored(None) => {}
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
                TestSuite::new(xml_text(&record.suite_title)),
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

/// `text` as XML 1.0 may hold it: U+FFFE and U+FFFF (which no XML document
/// may contain, escaped or not) are shown escaped, `\u{fffe}`, as the console
/// shows control characters. quick-junit drops the C0 controls itself.
fn xml_text(text: &str) -> String {
    if !text.contains(['\u{fffe}', '\u{ffff}']) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\u{fffe}' | '\u{ffff}' => out.push_str(&c.escape_unicode().to_string()),
            c => out.push(c),
        }
    }
    out
}

fn test_case(record: &TrialRecord) -> TestCase {
    let status = match &record.outcome {
        TrialOutcome::Passed => TestCaseStatus::success(),
        TrialOutcome::Failed(failure) => {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
            status
                .set_message(xml_text(&failure.headline()))
                .set_description(xml_text(&failure.text));
            status
        }
        TrialOutcome::Ignored(reason) => {
            let mut status = TestCaseStatus::skipped();
            if let Some(reason) = reason {
                status.set_message(xml_text(reason));
            }
            status
        }
    };
    let test_name = record
        .name
        .strip_prefix(&format!("{}::", record.suite_id))
        .unwrap_or(&record.name);
    let mut case = TestCase::new(xml_text(test_name), status);
    case.set_classname(xml_text(&record.suite_id));
    case.set_time(record.duration);
    case
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::failure::{Failure, FailureKind, Location};
    use crate::suite::keypath::KeyPath;

    #[test]
    fn characters_xml_forbids_are_shown_escaped_and_the_file_stays_well_formed() {
        let odd = "a\u{fffe}b\u{ffff}c\u{1}d\u{10ffff}e";
        let failure = TrialFailure {
            failures: Vec::new(),
            text: format!("GET http://x/a\n  body: {odd}"),
        };
        let record = |name: &str, outcome| TrialRecord {
            name: format!("s{odd}::{name}"),
            suite_id: format!("s{odd}"),
            suite_title: format!("S{odd}"),
            outcome,
            duration: Duration::from_millis(5),
        };
        let records = [
            record(&format!("t{odd}"), TrialOutcome::Failed(failure)),
            record("skipped", TrialOutcome::Ignored(Some(format!("why{odd}")))),
        ];
        let xml = render(&records).unwrap();
        let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{e}: {xml}"));
        let case = doc
            .descendants()
            .find(|n| n.has_tag_name("testcase") && n.attribute("name") != Some("skipped"))
            .unwrap();
        assert_eq!(
            case.attribute("name"),
            Some("ta\\u{fffe}b\\u{ffff}cd\u{10ffff}e")
        );
        assert_eq!(
            case.attribute("classname"),
            Some("sa\\u{fffe}b\\u{ffff}cd\u{10ffff}e")
        );
        let text: String = case.descendants().filter_map(|n| n.text()).collect();
        assert!(text.contains("body: a\\u{fffe}b\\u{ffff}cd"), "{text}");
    }

    #[test]
    fn a_failure_message_is_its_first_located_line() {
        let status = Failure {
            kind: FailureKind::Status {
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
            outcome: TrialOutcome::Failed(failure.clone()),
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
