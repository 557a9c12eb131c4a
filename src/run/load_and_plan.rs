//! Load -> validate -> plan, file by file: each suite is checked and
//! planned on the thread that read it, as soon as it is read. A run keeps
//! the suites and their trials; `--list` and `validate` keep only outlines
//! (names, snapshot files), so 100,000 tests are never all held at once.
//! Then the checks across files (unique trial names and snapshot files).

use std::path::PathBuf;
use std::sync::Arc;

use super::outline::{SuiteOutline, TrialOutline};
use super::plan::{self, TrialSpec};
use super::unique;
use crate::error::{Diagnostic, Error};
use crate::secret::mask::Masker;
use crate::suite::load::{Env, load_each};
use crate::suite::model::TestDef;
use crate::suite::negative::BrokenAuth;
use crate::suite::{Project, Suite, validate};

/// What `--list` and `validate` need of a valid project.
#[derive(Debug)]
pub struct Outlined {
    /// The project without its suites (fixtures, config, secrets).
    pub project: Project,
    pub suites: Vec<SuiteOutline>,
    /// Every trial, in plan order.
    pub trials: Vec<TrialOutline>,
}

/// Loads and validates everything under `paths`, and plans its trials:
/// nothing is sent.
pub fn load_valid(
    paths: &[PathBuf],
    env: &Env,
    cli_vars: &[String],
) -> Result<(Project, Vec<TrialSpec>), Error> {
    let keep = |suite, specs| (suite, specs);
    let (mut outlined, kept) = load_and_plan(paths, env, cli_vars, &keep)?;
    let mut trials = Vec::with_capacity(outlined.trials.len());
    for (suite, specs) in kept {
        outlined.project.suites.push(suite);
        trials.extend(specs);
    }
    Ok((outlined.project, trials))
}

/// Loads and validates like [`load_valid`], keeping only outlines.
pub fn load_outlined(paths: &[PathBuf], env: &Env, cli_vars: &[String]) -> Result<Outlined, Error> {
    load_and_plan(paths, env, cli_vars, &|_, _| ()).map(|(outlined, _)| outlined)
}

/// What is kept of a suite and its trials besides their outlines.
type Keep<'a, T> = dyn Fn(Suite, Vec<TrialSpec>) -> T + Sync + 'a;

/// Loads, validates and plans each suite (keeping what `keep` returns),
/// then checks the plan across files. Every problem found is an error.
fn load_and_plan<T: Send>(
    paths: &[PathBuf],
    env: &Env,
    cli_vars: &[String],
    keep: &Keep<'_, T>,
) -> Result<(Outlined, Vec<T>), Error> {
    // The configured and fixture secrets, compiled once for every suite.
    let secrets = std::sync::OnceLock::new();
    let each = |project: &Project, suite: Suite, diags: &mut Vec<Diagnostic>| {
        diags.extend(validate::check_suite(
            &suite,
            &validate::identities(project),
            cli_vars,
        ));
        let secrets = secrets.get_or_init(|| {
            let masker = Masker::new();
            for secret in &project.secrets {
                masker.add(secret.clone());
            }
            masker.current()
        });
        let mut specs = plan::plan_suite(&suite, secrets);
        // `dpop-as-bearer` applies to identities whose tokens are DPoP-bound.
        specs.retain(|s| {
            s.broken != Some(BrokenAuth::DpopAsBearer)
                || s.identity
                    .as_ref()
                    .and_then(|i| project.fixtures.get(i))
                    .is_some_and(|f| f.dpop())
        });
        let outlines = outlines(&specs);
        (SuiteOutline::of(&suite), outlines, keep(suite, specs))
    };
    let (project, planned, mut diags) = load_each(paths, env, &each);
    let mut outlined = Outlined {
        project,
        suites: Vec::with_capacity(planned.len()),
        trials: Vec::with_capacity(planned.iter().map(|(_, o, _)| o.len()).sum()),
    };
    let mut kept = Vec::with_capacity(planned.len());
    for (i, (suite, outlines, k)) in planned.into_iter().enumerate() {
        outlined.suites.push(suite);
        outlined
            .trials
            .extend(outlines.into_iter().map(|o| TrialOutline { suite: i, ..o }));
        kept.push(k);
    }
    diags.extend(unique::check(&outlined.suites, &outlined.trials));
    diags.sort_by(|a, b| {
        (&a.file, a.pos.map(|p| (p.line, p.col))).cmp(&(&b.file, b.pos.map(|p| (p.line, p.col))))
    });
    if diags.is_empty() {
        Ok((outlined, kept))
    } else {
        Err(Error::Invalid(diags))
    }
}

/// The outlines of a suite's trials; the trials of one test (planned one
/// after the other) share its name.
fn outlines(specs: &[TrialSpec]) -> Vec<TrialOutline> {
    let mut last: Option<(&Arc<TestDef>, Arc<str>)> = None;
    let mut out = Vec::with_capacity(specs.len());
    for spec in specs {
        let name = match &last {
            Some((test, name)) if Arc::ptr_eq(test, &spec.test) => name.clone(),
            _ => Arc::from(spec.test.name.as_str()),
        };
        out.push(TrialOutline::of(spec, name.clone()));
        last = Some((&spec.test, name));
    }
    out
}
