//! Checks of the plan, before anything runs: every trial has a name of its
//! own (or filters, reports and JUnit mix two tests up), and every snapshot
//! a file of its own (or two tests overwrite each other's baseline) — however
//! the name came about: the test's name, an `each` row, an identity, a
//! step, or `snapshot: {name: ...}`.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::plan::TrialSpec;
use crate::error::Diagnostic;
use crate::suite::yaml::KeyPath;
use crate::suite::{Project, Suite};

/// Every clash of trial names or snapshot files, located.
pub fn check(project: &Project, specs: &[TrialSpec]) -> Vec<Diagnostic> {
    let suites: HashMap<&Path, &Suite> = project
        .suites
        .iter()
        .map(|s| (s.file.as_path(), s))
        .collect();
    let mut out = Clashes {
        suites,
        reported: HashSet::new(),
        diags: Vec::new(),
    };
    out.trial_names(specs);
    out.snapshot_files(specs);
    out.diags
}

struct Clashes<'a> {
    suites: HashMap<&'a Path, &'a Suite>,
    /// (file, key path) already reported: one error per place.
    reported: HashSet<(&'a Path, KeyPath)>,
    diags: Vec<Diagnostic>,
}

impl<'a> Clashes<'a> {
    fn report(&mut self, spec: &'a TrialSpec, path: KeyPath, message: String) {
        let file = spec.suite.file.as_path();
        if !self.reported.insert((file, path.clone())) {
            return;
        }
        let diag = match self.suites.get(file) {
            Some(suite) => suite.diag(&path, message),
            None => Diagnostic::new(file, None, format!("{path}: {message}")),
        };
        self.diags.push(diag);
    }

    fn trial_names(&mut self, specs: &'a [TrialSpec]) {
        let mut seen: HashMap<&str, &TrialSpec> = HashMap::new();
        for spec in specs {
            let Some(first) = seen.insert(&spec.name, spec) else {
                continue;
            };
            let same_file = first.suite.file == spec.suite.file;
            if same_file && first.test.index != spec.test.index && first.test.name == spec.test.name
            {
                continue; // a duplicate test name: reported by validation
            }
            let base = KeyPath::root().key("tests").index(spec.test.index);
            let (path, what) = if !same_file {
                let other = first.suite.file.display();
                (base.key("name"), format!("also a trial of {other}"))
            } else if first.test.index == spec.test.index {
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
                spec.name
            );
            self.report(spec, path, message);
        }
    }

    fn snapshot_files(&mut self, specs: &'a [TrialSpec]) {
        let mut seen: HashMap<(&Path, String), (&TrialSpec, KeyPath)> = HashMap::new();
        for spec in specs {
            for snap in spec.snapshots() {
                let key = (spec.suite.snapshot_dir.as_path(), snap.name.clone());
                let Some((first, first_path)) = seen.get(&key).cloned() else {
                    seen.insert(key, (spec, snap.path));
                    continue;
                };
                let same_test =
                    first.suite.file == spec.suite.file && first.test.index == spec.test.index;
                if first.name == spec.name && (first_path == snap.path || !same_test) {
                    continue; // two trials of one name: reported as a name clash
                }
                let other = if first.name == spec.name {
                    format!("{first_path} of the same test")
                } else {
                    format!("`{}`", first.name)
                };
                let message = format!(
                    "`{}` would write the snapshot file snapshots/{}.snap, as {other} does; \
                     rename one, or give it `snapshot: {{name: ...}}`",
                    spec.name, snap.name
                );
                self.report(spec, snap.path, message);
            }
        }
    }
}
