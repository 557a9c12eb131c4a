//! `gatecheck validate`: loads and checks the suites without running them.

use std::path::PathBuf;
use std::process::ExitCode;

use super::run::default_paths;
use crate::error::Error;
use crate::run;
use crate::suite::load::Env;

pub fn validate(
    paths: Vec<PathBuf>,
    vars: &[(String, String)],
    env: &Env,
) -> Result<ExitCode, Error> {
    let names: Vec<String> = vars.iter().map(|(k, _)| k.clone()).collect();
    let outlined = run::load_outlined(&default_paths(paths), env, &names)?;
    let tests: usize = outlined.suites.iter().map(|s| s.tests).sum();
    println!(
        "ok: {} suites, {tests} tests ({} trials), {} identities",
        outlined.suites.len(),
        outlined.trials.len(),
        outlined.project.fixtures.len()
    );
    // The process ends next: freeing every outline one by one is wasted time.
    std::mem::forget(outlined);
    Ok(ExitCode::SUCCESS)
}
