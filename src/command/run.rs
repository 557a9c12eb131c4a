//! `gatecheck [OPTIONS] [PATH...] [FILTER]`: runs the suites and reports
//! what is left to do after libtest's summary.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::cli::{RunArgs, libtest_args};
use crate::error::{Error, exit};
use crate::run::{self, RunOptions, Summary};
use crate::suite::load::Env;

pub use crate::cli::default_paths;

/// Splits positionals into paths and the filter: an existing path is a
/// path; anything else is the filter, unless it looks like a path.
fn split_positionals(args: Vec<String>) -> Result<(Vec<PathBuf>, Option<String>), Error> {
    let mut paths = Vec::new();
    let mut filter: Option<String> = None;
    for arg in args {
        let looks_like_path = arg.ends_with(".yaml") || arg.ends_with(".yml") || arg.ends_with('/');
        if Path::new(&arg).exists() || (looks_like_path && filter.is_none()) {
            paths.push(PathBuf::from(arg));
        } else if let Some(first) = &filter {
            return Err(Error::Usage(format!(
                "two filters given (`{first}` and `{arg}`); give at most one, or use --skip. \
                 If `{arg}` is a path, it does not exist"
            )));
        } else {
            filter = Some(arg);
        }
    }
    Ok((default_paths(paths), filter))
}

/// Runs the suites of a parsed command line; `words` is the command line
/// as given, for the HTML report.
pub fn run_suites(args: RunArgs, words: Vec<String>, env: &Env) -> Result<ExitCode, Error> {
    let (paths, filter) = split_positionals(args.args.clone())?;
    let opts = RunOptions {
        paths,
        args: libtest_args(&args, filter),
        tags: args.tag.clone(),
        exclude_tags: args.exclude_tag.clone(),
        vars: args.vars.clone(),
        verbose: args.verbose,
        fresh_login: args.fresh_login,
        junit: args.junit.clone(),
        html: args.html.clone(),
        partition: args.partition,
        coverage: coverage_hook(&args)?,
        command_line: words,
    };
    let summary = run::run(&opts, env)?;
    report_end(&summary, env);
    Ok(ExitCode::from(if summary.failed > 0 {
        exit::FAILED
    } else {
        exit::OK
    }))
}

/// With `--openapi FILE`: the document, read before any test runs, and the
/// function that computes its coverage grid for the HTML report.
fn coverage_hook(args: &RunArgs) -> Result<Option<run::CoverageHook>, Error> {
    let Some(file) = &args.openapi else {
        return Ok(None);
    };
    if args.html.is_none() {
        return Err(Error::Usage(format!(
            "--openapi {} adds the coverage grid to the HTML report: give --html FILE too \
             (or print the grid with `gatecheck coverage --openapi {}`)",
            file.display(),
            file.display()
        )));
    }
    let doc = super::coverage::load_document(file)?;
    Ok(Some(run::CoverageHook(std::sync::Arc::new(
        move |project, specs| {
            let identities = project.fixtures.keys().cloned().collect();
            let with_scopes = super::coverage::with_scopes(project, identities);
            super::coverage::report_view(&crate::openapi::coverage::grid(&doc, specs, &with_scopes))
        },
    ))))
}

/// The lines after libtest's summary: pending snapshots, and in CI one
/// machine-readable line.
fn report_end(summary: &Summary, env: &Env) {
    let mut err = std::io::stderr().lock();
    let n = summary.pending_snapshots;
    if n > 0 {
        let _ = writeln!(
            err,
            "{n} snapshot{} to review: run `gatecheck review` (or `gatecheck accept`, `cargo insta review`)",
            if n == 1 { "" } else { "s" }
        );
    }
    if env
        .get("CI")
        .is_some_and(|v| !v.is_empty() && v != "false" && v != "0")
    {
        let _ = writeln!(
            err,
            "gatecheck: {} passed, {} failed, {} ignored, {n} pending snapshots",
            summary.passed, summary.failed, summary.ignored
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positionals_split_into_paths_and_a_filter() {
        let (paths, filter) = split_positionals(vec!["src".into(), "login".into()]).unwrap();
        assert_eq!(paths, vec![PathBuf::from("src")]);
        assert_eq!(filter.as_deref(), Some("login"));
        let (paths, filter) = split_positionals(vec![]).unwrap();
        assert_eq!(paths, vec![PathBuf::from("suites")]);
        assert!(filter.is_none());
        assert!(split_positionals(vec!["a".into(), "b".into()]).is_err());
    }

    #[test]
    fn a_missing_yaml_file_is_a_path_not_a_filter() {
        let (paths, filter) = split_positionals(vec!["nope.yaml".into()]).unwrap();
        assert_eq!(paths, vec![PathBuf::from("nope.yaml")]);
        assert!(filter.is_none());
    }
}
