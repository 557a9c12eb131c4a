//! The run itself: load and validate, plan trials, start the shared
//! runtime (and the emulator when `demo` is used), hand the trials to
//! libtest-mimic, then write reports.

use std::collections::HashMap;
use std::io::Write as _;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use libtest_mimic::{Arguments, Failed, Trial};
use serde_json::Value as Json;
use tokio::runtime::Handle;

use super::demo::{Demo, identities, start_demo};
use super::exec::{self, RunCtx};
use super::html_records as build;
use super::interrupt;
use super::load_and_plan::{load_outlined, load_valid};
use super::outline::TrialOutline;
use super::plan::TrialSpec;
use super::reports::{Records, Reports, Traces, list_entry, record};
use crate::check::snapshot;
use crate::error::Error;
use crate::partition;
use crate::report::junit::TrialOutcome;
use crate::secret::mask::Masker;
use crate::suite::Project;
use crate::suite::load::Env;

pub use super::defaults::{DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT, max_body_size};

/// Why `--test-threads 0` is refused (libtest would wait forever).
pub const ZERO_THREADS: &str = "--test-threads must be at least 1 (0 would run no test at all); use 1 to run tests one at a time";

/// What `gatecheck [OPTIONS] [PATH...]` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    pub paths: Vec<PathBuf>,
    pub args: Arguments,
    pub tags: Vec<String>,
    pub exclude_tags: Vec<String>,
    pub vars: Vec<(String, String)>,
    pub verbose: bool,
    pub fresh_login: bool,
    pub junit: Option<PathBuf>,
    /// Write the HTML report to this file.
    pub html: Option<PathBuf>,
    pub partition: Option<partition::Partition>,
    /// Computes the OpenAPI coverage grid of the planned trials for the
    /// HTML report (`--openapi`).
    pub coverage: Option<CoverageHook>,
    /// The command line as given (the program, then its arguments), shown
    /// in the HTML report with `--var` values hidden.
    pub command_line: Vec<String>,
}

/// The function that turns the project and its planned trials into the HTML
/// report's coverage grid (the command that owns the document provides it).
#[derive(Clone)]
pub struct CoverageHook(pub Arc<CoverageFn>);

/// See [`CoverageHook`].
pub type CoverageFn =
    dyn Fn(&Project, &[TrialSpec]) -> crate::report::html::model::CoverageView + Send + Sync;

impl std::fmt::Debug for CoverageHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CoverageHook")
    }
}

/// The outcome of a run, for the exit code and summaries.
#[derive(Debug, Clone, Copy)]
pub struct Summary {
    pub passed: u64,
    pub failed: u64,
    pub ignored: u64,
    pub filtered_out: u64,
    pub pending_snapshots: usize,
}

/// Runs the suites; `Ok` carries the summary whatever the tests did.
pub fn run(opts: &RunOptions, env: &Env) -> Result<Summary, Error> {
    if opts.args.test_threads == Some(0) {
        return Err(Error::Usage(ZERO_THREADS.to_owned()));
    }
    let var_names: Vec<String> = opts.vars.iter().map(|(k, _)| k.clone()).collect();
    if opts.args.list {
        return list(opts, env, &var_names);
    }
    check_report_paths(opts)?;
    // The runtime and the HTTP client (which reads the system's CA
    // certificates) are built on another core while the suites load.
    let threads = opts.args.test_threads.unwrap_or(DEFAULT_CONCURRENCY);
    let warm = std::thread::spawn(move || warm_up(threads));
    let (mut project, specs) = load_selected(opts, env, &var_names)?;
    let mut args = with_trial_threads(&opts.args, &project);
    // The grid covers every selected trial (all shards plan the same one;
    // `report merge` fills in the results of the others).
    let coverage = coverage_grid(opts, &project, &specs);
    let specs = shard(specs, &args, opts.partition, list_entry);
    // No more trial threads than trials: libtest runs a single one on this
    // thread instead of starting a pool.
    args.test_threads = args.test_threads.map(|n| n.min(specs.len().max(1)));
    let (runtime, client) = warm.join().unwrap_or_else(|_| warm_up(threads))?;
    let demo = runtime.block_on(start_demo(&mut project))?;
    let ctx = {
        let _guard = runtime.enter();
        Arc::new(context(opts, &project, &demo, env, client))
    };
    // The trials hold what they need of the project (their tests, shared).
    drop(project);
    let handle = runtime.handle().clone();
    let sinks = Sinks::for_reports(opts);
    let started = (std::time::SystemTime::now(), Instant::now());
    let (kept, owned) = keep_plan_for_reports(specs, &sinks);
    let trials = owned
        .into_iter()
        .map(|spec| trial(spec, ctx.clone(), handle.clone(), sinks.clone()))
        .collect();
    let reports = Arc::new(Reports {
        junit: opts.junit.clone(),
        html: opts.html.clone(),
        specs: kept,
        args: args.clone(),
        records: sinks.records,
        traces: sinks.traces,
        ctx: ctx.clone(),
        command: build::command_line(opts.command_line.iter().cloned()),
        commit: build::commit(env),
        started,
        partition: opts.partition.map(|p| p.to_string()),
        coverage,
        written: Mutex::new(false),
    });
    interrupt::listen(&handle, reports.clone());
    let conclusion = libtest_mimic::run(&args, trials);
    let pending = finish(&ctx, &reports)?;
    drop(demo); // stops the emulator
    runtime.shutdown_timeout(Duration::from_secs(1));
    Ok(summary(&conclusion, pending))
}

/// Loads and plans the suites under the run's paths, keeps the trials its
/// tags select, and removes the snapshot staging folders a killed run left
/// (with half-written files).
fn load_selected(
    opts: &RunOptions,
    env: &Env,
    var_names: &[String],
) -> Result<(Project, Vec<TrialSpec>), Error> {
    let (project, specs) = load_valid(&opts.paths, env, var_names)?;
    for suite in &project.suites {
        snapshot::sweep_stale_staging(&suite.snapshot_dir);
    }
    let specs = specs
        .into_iter()
        .filter(|t| selected_by_tags(&t.tags, &opts.tags, &opts.exclude_tags))
        .collect();
    Ok((project, specs))
}

/// libtest's arguments with the number of trial threads settled:
/// `--test-threads`, else the config's `concurrency`, else the default.
fn with_trial_threads(args: &Arguments, project: &Project) -> Arguments {
    let mut args = args.clone();
    if args.test_threads.is_none() {
        args.test_threads = Some(
            project
                .config
                .concurrency
                .map_or(DEFAULT_CONCURRENCY, std::num::NonZeroUsize::get),
        );
    }
    args
}

/// The OpenAPI coverage grid of the planned trials, when the HTML report
/// is written and `--openapi` gave a document.
fn coverage_grid(
    opts: &RunOptions,
    project: &Project,
    specs: &[TrialSpec],
) -> Option<crate::report::html::model::CoverageView> {
    opts.coverage
        .as_ref()
        .filter(|_| opts.html.is_some())
        .map(|hook| (hook.0)(project, specs))
}

/// Where the trials leave what the reports need: how each ended (for
/// JUnit and HTML) and its exchanges (for HTML). Outcomes are kept only for
/// a report that lists them: a run's memory does not grow with the number
/// of passed tests.
#[derive(Clone, Default)]
struct Sinks {
    records: Option<Records>,
    traces: Option<Traces>,
}

impl Sinks {
    fn for_reports(opts: &RunOptions) -> Self {
        Self {
            records: (opts.junit.is_some() || opts.html.is_some()).then(Arc::default),
            traces: opts.html.as_ref().map(|_| Arc::default()),
        }
    }

    fn any(&self) -> bool {
        self.records.is_some() || self.traces.is_some()
    }
}

/// The plan is kept after the run only for a report; otherwise each trial
/// owns its part of it, freed when the trial has run. Returns (kept, owned
/// by the trials).
fn keep_plan_for_reports(specs: Vec<TrialSpec>, sinks: &Sinks) -> (Vec<TrialSpec>, Vec<TrialSpec>) {
    if sinks.any() {
        let owned = specs.clone();
        (specs, owned)
    } else {
        (Vec::new(), specs)
    }
}

/// After the trials: the logins' warnings, then the reports; the number of
/// snapshots written for review.
fn finish(ctx: &RunCtx, reports: &Reports) -> Result<usize, Error> {
    for warning in ctx.identities.warnings() {
        let _ = writeln!(std::io::stderr(), "warning: {warning}");
    }
    let pending = ctx
        .pending_snapshots
        .load(std::sync::atomic::Ordering::Relaxed);
    reports.write(pending, None)?;
    Ok(pending)
}

/// The report paths, checked before any test runs: a path that cannot be
/// a file (`/`, a folder, under a file) and one path given for both reports
/// are usage errors; missing folders are created now, so that a folder
/// that cannot be made fails here and not after the run.
fn check_report_paths(opts: &RunOptions) -> Result<(), Error> {
    let reports = [("--junit", &opts.junit), ("--html", &opts.html)];
    for (flag, path) in reports {
        let Some(path) = path else { continue };
        let problem =
            |e: &dyn std::fmt::Display| Error::Usage(format!("{flag} `{}`: {e}", path.display()));
        crate::disk::check_target(path).map_err(|e| problem(&e))?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| problem(&e))?;
        }
    }
    if let (Some(junit), Some(html)) = (&opts.junit, &opts.html)
        && same_file(junit, html)
    {
        return Err(Error::Usage(format!(
            "--junit and --html name one file (`{}`); give each report its own file",
            html.display()
        )));
    }
    Ok(())
}

/// Whether two paths name one file (their folders resolved, so `a/../x`
/// and `./x` are the same file).
fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    let resolved = |p: &std::path::Path| {
        let dir = match p.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => std::path::Path::new("."),
        };
        dir.canonicalize()
            .ok()
            .map(|d| d.join(p.file_name().unwrap_or_default()))
    };
    a == b || resolved(a).is_some_and(|ra| Some(ra) == resolved(b))
}

/// The shared runtime and the one HTTP client of a run. The client's own
/// timeout is the default; each request carries its configured timeout.
///
/// Trials poll their own futures on their own threads (parsing, checks and
/// snapshots happen there); the runtime's workers only drive sockets, so
/// they are few: one for a sequential run (measured about 10% faster than
/// two: no hand-offs between idle workers), one per 16 trial threads
/// otherwise, at most one per core.
fn warm_up(test_threads: usize) -> Result<(tokio::runtime::Runtime, reqwest::Client), Error> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let workers = (test_threads / 16).clamp(1, cores);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()
        .map_err(|e| Error::Runtime(format!("failed to start the async runtime: {e}")))?;
    let client = {
        let _guard = runtime.enter();
        crate::http::build_client(DEFAULT_TIMEOUT).map_err(Error::Runtime)?
    };
    Ok((runtime, client))
}

/// A libtest trial that runs `spec` on the shared runtime and records how
/// it ended (and, for the HTML report, its exchanges).
fn trial(spec: TrialSpec, ctx: Arc<RunCtx>, handle: Handle, sinks: Sinks) -> Trial {
    let Sinks { records, traces } = sinks;
    let ignored = spec.skip.is_some();
    Trial::test(spec.name.clone(), move || {
        let started = Instant::now();
        let mut steps = traces.as_ref().map(|_| Vec::new());
        let result = handle.block_on(exec::run_trial_traced(&ctx, &spec, steps.as_mut()));
        if let (Some(traces), Some(steps)) = (&traces, steps) {
            traces
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(spec.name.clone(), steps);
        }
        if let Some(records) = &records {
            let outcome = match &result {
                Ok(()) => TrialOutcome::Passed,
                Err(failure) => TrialOutcome::Failed(failure.clone()),
            };
            let record = record(&spec, outcome, started.elapsed());
            records
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(record);
        }
        result.map_err(|failure| Failed::from(failure.text))
    })
    .with_ignored_flag(ignored)
}

/// `--list`: the trials' names, from outlines (the tests are not kept).
fn list(opts: &RunOptions, env: &Env, var_names: &[String]) -> Result<Summary, Error> {
    let outlined = load_outlined(&opts.paths, env, var_names)?;
    let selected: Vec<TrialOutline> = outlined
        .trials
        .into_iter()
        .filter(|t| selected_by_tags(&t.tags, &opts.tags, &opts.exclude_tags))
        .collect();
    let entry =
        |t: &TrialOutline| Trial::test(t.name.clone(), || Ok(())).with_ignored_flag(t.ignored);
    let selected = shard(selected, &opts.args, opts.partition, entry);
    let trials = selected
        .into_iter()
        .map(|t| Trial::test(t.name, || Ok(())).with_ignored_flag(t.ignored))
        .collect();
    let c = libtest_mimic::run(&opts.args, trials);
    // The process ends next: freeing every outline one by one is wasted time.
    std::mem::forget((outlined.project, outlined.suites));
    Ok(summary(&c, 0))
}

/// Keeps the trials of this shard (filtered-out trials stay, so that
/// libtest still counts them as filtered out).
fn shard<T>(
    specs: Vec<T>,
    args: &Arguments,
    partition: Option<partition::Partition>,
    entry: impl Fn(&T) -> Trial,
) -> Vec<T> {
    let Some(partition) = partition else {
        return specs;
    };
    let mut position = 0;
    specs
        .into_iter()
        .filter(|spec| {
            let trial = entry(spec);
            if args.is_filtered_out(&trial) {
                return true;
            }
            position += 1;
            partition.contains(position - 1, trial.name())
        })
        .collect()
}

fn summary(c: &libtest_mimic::Conclusion, pending: usize) -> Summary {
    Summary {
        passed: c.num_passed,
        failed: c.num_failed,
        ignored: c.num_ignored,
        filtered_out: c.num_filtered_out,
        pending_snapshots: pending,
    }
}

fn selected_by_tags(trial_tags: &[String], tags: &[String], exclude: &[String]) -> bool {
    let has = |t: &String| trial_tags.contains(t);
    (tags.is_empty() || tags.iter().any(has)) && !exclude.iter().any(has)
}

fn context(
    opts: &RunOptions,
    project: &Project,
    demo: &Demo,
    env: &Env,
    client: reqwest::Client,
) -> RunCtx {
    let masker = Masker::new();
    for secret in &project.secrets {
        masker.add(secret.clone());
    }
    let timeout = project.config.timeout.map_or(DEFAULT_TIMEOUT, |d| d.0);
    let identities = identities(project, env, opts.fresh_login, demo, &masker);
    let cli_vars = opts
        .vars
        .iter()
        .map(|(k, v)| (k.clone(), Json::String(v.clone())))
        .collect();
    RunCtx {
        client,
        identities,
        masker,
        cli_vars,
        default_timeout: timeout,
        max_body: max_body_size(project),
        verbose: opts.verbose,
        demo_api_url: demo.emulator.as_ref().map(|e| e.api_url().to_owned()),
        login_failures: std::sync::Mutex::new(HashMap::new()),
        pending_snapshots: std::sync::atomic::AtomicUsize::new(0),
    }
}
