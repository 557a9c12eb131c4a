//! What the checks of a plan and `--list` need of each trial and suite,
//! without the tests themselves: listing or validating 100,000 tests keeps
//! these small records, not every test's requests and expectations.

use std::path::PathBuf;
use std::sync::Arc;

use super::plan::{SnapshotUse, TrialSpec};
use crate::error::Diagnostic;
use crate::suite::Suite;
use crate::suite::keypath::KeyPath;
use crate::suite::yaml::Located;

/// One planned trial, by name.
#[derive(Debug, Clone)]
pub struct TrialOutline {
    /// As in [`TrialSpec::name`].
    pub name: String,
    /// Its suite's place among the [`SuiteOutline`]s (the order of the files).
    pub suite: usize,
    /// The test's index in its file's `tests`.
    pub test_index: usize,
    /// The test's `name` (shared by the trials of one test).
    pub test_name: Arc<str>,
    /// Every snapshot file the trial may write.
    pub snapshots: Vec<SnapshotUse>,
    /// `skip:` is set.
    pub ignored: bool,
    pub tags: Arc<[String]>,
}

impl TrialOutline {
    /// The outline of `spec`; `test_name` is its test's name, shared.
    pub fn of(spec: &TrialSpec, test_name: Arc<str>) -> Self {
        Self {
            name: spec.name.clone(),
            suite: 0,
            test_index: spec.test.index,
            test_name,
            snapshots: spec.snapshots(),
            ignored: spec.skip.is_some(),
            tags: spec.tags.clone(),
        }
    }
}

/// One suite file: where it is, its text (to locate messages) and size.
#[derive(Debug)]
pub struct SuiteOutline {
    pub file: PathBuf,
    pub snapshot_dir: PathBuf,
    pub doc: Arc<Located>,
    pub tests: usize,
}

impl SuiteOutline {
    pub fn of(suite: &Suite) -> Self {
        Self {
            file: suite.file.clone(),
            snapshot_dir: suite.snapshot_dir.clone(),
            doc: suite.doc.clone(),
            tests: suite.tests.len(),
        }
    }

    /// A diagnostic at `path` inside this suite (as [`Suite::diag`]).
    pub fn diag(&self, path: &KeyPath, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(
            &self.file,
            Some(self.doc.pos(path)),
            format!("{path}: {}", message.into()),
        )
    }
}
