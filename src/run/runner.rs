//! The run itself: load and validate, plan trials, start the shared
//! runtime (and the emulator when `demo` is used), hand the trials to
//! libtest-mimic, then write reports.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use libtest_mimic::{Arguments, Failed, Trial};
use serde_json::Value as Json;
use tokio::runtime::Handle;

use super::demo::{Demo, identities, start_demo};
use super::exec::{self, RunCtx};
use super::partition;
use super::plan::{self, TrialSpec};
use crate::check::snapshot;
use crate::error::Error;
use crate::report::junit::{self, Outcome, TrialRecord};
use crate::secret::mask::Masker;
use crate::suite::load::Env;
use crate::suite::{Project, load, validate};

pub use super::defaults::{DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT};

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
    pub partition: Option<partition::Partition>,
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

/// Loads and validates everything under `paths`, and plans its trials:
/// nothing is sent.
pub fn load_valid(
    paths: &[PathBuf],
    env: &Env,
    cli_vars: &[String],
) -> Result<(Project, Vec<TrialSpec>), Error> {
    let (project, mut diags) = load(paths, env);
    diags.extend(validate::validate(&project, cli_vars));
    let trials = plan::plan(&project);
    diags.extend(shared_snapshots(&trials));
    diags.sort_by(|a, b| {
        (&a.file, a.pos.map(|p| (p.line, p.col))).cmp(&(&b.file, b.pos.map(|p| (p.line, p.col))))
    });
    if diags.is_empty() {
        Ok((project, trials))
    } else {
        Err(Error::Invalid(diags))
    }
}

/// Two trials whose names slug to the same snapshot file would overwrite
/// each other's baseline: an error, before anything runs.
fn shared_snapshots(specs: &[TrialSpec]) -> Vec<crate::error::Diagnostic> {
    let mut seen: std::collections::HashMap<(&std::path::Path, &str), &str> =
        std::collections::HashMap::new();
    let mut diags = Vec::new();
    // Single-request tests whose snapshot is not turned off or renamed
    // (steps name their snapshots per step).
    let snapshots = specs.iter().filter(|spec| {
        spec.test.request.is_some()
            && spec
                .test
                .expect
                .as_ref()
                .and_then(|e| e.snapshot.as_ref())
                .is_none_or(|s| s.enabled && s.name.is_none())
    });
    for spec in snapshots {
        let key = (
            spec.suite.snapshot_dir.as_path(),
            spec.snapshot_name.as_str(),
        );
        match seen.get(&key) {
            Some(first) if *first != spec.name => diags.push(crate::error::Diagnostic::new(
                &spec.suite.file,
                None,
                format!(
                    "`{first}` and `{}` would share the snapshot file snapshots/{}.snap; \
                     rename one of the tests",
                    spec.name, spec.snapshot_name
                ),
            )),
            _ => {
                seen.insert(key, &spec.name);
            }
        }
    }
    diags
}

/// Runs the suites; `Ok` carries the summary whatever the tests did.
pub fn run(opts: &RunOptions, env: &Env) -> Result<Summary, Error> {
    let var_names: Vec<String> = opts.vars.iter().map(|(k, _)| k.clone()).collect();
    // The runtime and the HTTP client (which reads the system's CA
    // certificates) are built on another core while the suites load.
    let threads = opts.args.test_threads.unwrap_or(DEFAULT_CONCURRENCY);
    let warm = (!opts.args.list).then(|| {
        snapshot::init();
        std::thread::spawn(move || warm_up(threads))
    });
    let (mut project, specs) = load_valid(&opts.paths, env, &var_names)?;
    let specs: Vec<TrialSpec> = specs
        .into_iter()
        .filter(|t| selected_by_tags(t, &opts.tags, &opts.exclude_tags))
        .collect();
    let mut args = opts.args.clone();
    if args.test_threads.is_none() {
        args.test_threads = Some(project.config.concurrency.unwrap_or(DEFAULT_CONCURRENCY));
    }
    let specs = shard(specs, &args, opts.partition);
    if args.list {
        let trials = specs.iter().map(list_entry).collect();
        let c = libtest_mimic::run(&args, trials);
        return Ok(summary(&c, 0));
    }
    let (runtime, client) = warm
        .map(|w| w.join().unwrap_or_else(|_| warm_up(threads)))
        .unwrap_or_else(|| warm_up(threads))?;
    let demo = runtime.block_on(start_demo(&mut project))?;
    let ctx = {
        let _guard = runtime.enter();
        Arc::new(context(opts, &project, &demo, env, client))
    };
    let handle = runtime.handle().clone();
    let records: Records = Arc::default();
    let trials = specs
        .iter()
        .cloned()
        .map(|spec| trial(spec, ctx.clone(), handle.clone(), records.clone()))
        .collect();
    let conclusion = libtest_mimic::run(&args, trials);
    for warning in ctx.identities.warnings() {
        eprintln!("warning: {warning}");
    }
    let pending = snapshot::pending_written();
    if let Some(path) = &opts.junit {
        write_junit(path, &specs, &args, &records, &ctx.masker)?;
    }
    drop(demo); // stops the emulator
    runtime.shutdown_timeout(Duration::from_secs(1));
    Ok(summary(&conclusion, pending))
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

type Records = Arc<Mutex<Vec<TrialRecord>>>;

/// A libtest trial that runs `spec` on the shared runtime and records how
/// it ended.
fn trial(spec: TrialSpec, ctx: Arc<RunCtx>, handle: Handle, records: Records) -> Trial {
    let ignored = spec.skip.is_some();
    Trial::test(spec.name.clone(), move || {
        let started = Instant::now();
        let result = handle.block_on(exec::run_trial(&ctx, &spec));
        let outcome = match &result {
            Ok(()) => Outcome::Passed,
            Err(failure) => Outcome::Failed(failure.clone()),
        };
        let record = record(&spec, outcome, started.elapsed());
        records
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(record);
        result.map_err(|failure| Failed::from(failure.text))
    })
    .with_ignored_flag(ignored)
}

fn list_entry(spec: &TrialSpec) -> Trial {
    Trial::test(spec.name.clone(), || Ok(())).with_ignored_flag(spec.skip.is_some())
}

fn record(spec: &TrialSpec, outcome: Outcome, duration: Duration) -> TrialRecord {
    TrialRecord {
        name: spec.name.clone(),
        suite_id: spec.suite.id.clone(),
        suite_title: spec.suite.title.clone(),
        outcome,
        duration,
    }
}

/// Keeps the trials of this shard (filtered-out trials stay, so that
/// libtest still counts them as filtered out).
fn shard(
    specs: Vec<TrialSpec>,
    args: &Arguments,
    partition: Option<partition::Partition>,
) -> Vec<TrialSpec> {
    let Some(partition) = partition else {
        return specs;
    };
    let mut position = 0;
    specs
        .into_iter()
        .filter(|spec| {
            if args.is_filtered_out(&list_entry(spec)) {
                return true;
            }
            position += 1;
            partition.contains(position - 1, &spec.name)
        })
        .collect()
}

/// Writes the JUnit report: every trial that ran, and the ignored ones.
fn write_junit(
    path: &std::path::Path,
    specs: &[TrialSpec],
    args: &Arguments,
    records: &Records,
    masker: &Masker,
) -> Result<(), Error> {
    let mut all = records.lock().unwrap_or_else(|e| e.into_inner()).clone();
    for spec in specs {
        let entry = list_entry(spec);
        if !args.is_filtered_out(&entry) && !all.iter().any(|r| r.name == spec.name) {
            all.push(record(
                spec,
                Outcome::Ignored(spec.skip.clone()),
                Duration::ZERO,
            ));
        }
    }
    // Masked again with every secret of the run (some were found after the
    // trial that shows them ended).
    let secrets = masker.current();
    for record in &mut all {
        record.mask(&secrets);
    }
    let xml = junit::render(&all).map_err(Error::Runtime)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        let _ = std::fs::create_dir_all(dir);
    }
    std::fs::write(path, xml).map_err(|e| {
        Error::Runtime(format!(
            "failed to write JUnit report `{}`: {e}",
            path.display()
        ))
    })
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

fn selected_by_tags(trial: &TrialSpec, tags: &[String], exclude: &[String]) -> bool {
    let has = |t: &String| trial.tags.contains(t);
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
        verbose: opts.verbose,
        demo_api_url: demo.emulator.as_ref().map(|e| e.api_url().to_owned()),
        login_failures: std::sync::Mutex::new(HashMap::new()),
    }
}
