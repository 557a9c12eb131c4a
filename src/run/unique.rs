//! Checks of the plan, before anything runs: every trial has a name of its
//! own (or filters, reports and JUnit mix two tests up), and every snapshot
//! a file of its own (or two tests overwrite each other's baseline) — however
//! the name came about: the test's name, an `each` row, an identity, a
//! step, or `snapshot: {name: ...}`.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::outline::{SuiteOutline, TrialOutline};
use crate::error::Diagnostic;
use crate::suite::keypath::KeyPath;

/// Every clash of trial names or snapshot files, located. `trials` are in
/// plan order; each names its suite by its place in `suites`.
pub fn check(suites: &[SuiteOutline], trials: &[TrialOutline]) -> Vec<Diagnostic> {
    let mut out = Clashes {
        suites,
        reported: HashSet::new(),
        diags: Vec::new(),
    };
    out.trial_names(trials);
    out.snapshot_files(trials);
    out.diags
}

struct Clashes<'a> {
    suites: &'a [SuiteOutline],
    /// (file, key path) already reported: one error per place.
    reported: HashSet<(&'a Path, KeyPath)>,
    diags: Vec<Diagnostic>,
}

impl<'a> Clashes<'a> {
    fn file(&self, trial: &TrialOutline) -> &'a Path {
        &self.suites[trial.suite].file
    }

    fn report(&mut self, trial: &TrialOutline, path: KeyPath, message: String) {
        if !self.reported.insert((self.file(trial), path.clone())) {
            return;
        }
        self.diags
            .push(self.suites[trial.suite].diag(&path, message));
    }

    fn trial_names(&mut self, trials: &'a [TrialOutline]) {
        let mut seen: HashMap<&str, &TrialOutline> = HashMap::new();
        for trial in trials {
            let Some(first) = seen.insert(&trial.name, trial) else {
                continue;
            };
            let same_file = self.file(first) == self.file(trial);
            if same_file
                && first.test_index != trial.test_index
                && first.test_name == trial.test_name
            {
                continue; // a duplicate test name: reported by validation
            }
            let base = KeyPath::root().key("tests").index(trial.test_index);
            let (path, what) = if !same_file {
                let other = self.file(first).display();
                (base.key("name"), format!("also a trial of {other}"))
            } else if first.test_index == trial.test_index {
                let what = "two rows of `each` have the same `name`";
                (base.key("each"), what.to_owned())
            } else {
                (
                    base.key("name"),
                    "two tests make trials of this name".to_owned(),
                )
            };
            let message = format!(
                "the trial name `{}` is not unique ({what}); rename one",
                trial.name
            );
            self.report(trial, path, message);
        }
    }

    fn snapshot_files(&mut self, trials: &'a [TrialOutline]) {
        let mut seen: HashMap<(&Path, &str), (&TrialOutline, &KeyPath)> = HashMap::new();
        for trial in trials {
            let dir = self.suites[trial.suite].snapshot_dir.as_path();
            for snap in &trial.snapshots {
                let key = (dir, snap.name.as_str());
                let Some(&(first, first_path)) = seen.get(&key) else {
                    seen.insert(key, (trial, &snap.path));
                    continue;
                };
                let same_test =
                    self.file(first) == self.file(trial) && first.test_index == trial.test_index;
                if first.name == trial.name && (*first_path == snap.path || !same_test) {
                    continue; // two trials of one name: reported as a name clash
                }
                let other = if first.name == trial.name {
                    format!("{first_path} of the same test")
                } else {
                    format!("`{}`", first.name)
                };
                let message = format!(
                    "`{}` would write the snapshot file snapshots/{}.snap, as {other} does; \
                     rename one, or give it `snapshot: {{name: ...}}`",
                    trial.name, snap.name
                );
                self.report(trial, snap.path.clone(), message);
            }
        }
    }
}
