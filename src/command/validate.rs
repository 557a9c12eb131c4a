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
    let (project, specs) = run::load_valid(&default_paths(paths), env, &names)?;
    let trials = specs.len();
    let tests: usize = project.suites.iter().map(|s| s.tests.len()).sum();
    println!(
        "ok: {} suites, {tests} tests ({trials} trials), {} identities",
        project.suites.len(),
        project.fixtures.len()
    );
    // The process ends next: freeing every test one by one is wasted time.
    std::mem::forget((project, specs));
    Ok(ExitCode::SUCCESS)
}
