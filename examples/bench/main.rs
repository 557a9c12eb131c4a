//! gatecheck's speed benchmark (issue 7). Not a test: run it on demand with
//!
//!     cargo run --release --example bench [-- --quick] [-- --keep]
//!
//! It starts loopback servers in this process, writes generated suites into a
//! temporary folder, runs the release `gatecheck` binary on them as a child
//! process, and prints each figure beside a floor measured in the same run
//! (a plain reqwest loop with gatecheck's client settings) or its target.
//! Exit code 0: every target met; 1: a target was missed; 2: could not run.
//! See docs/bench.md.

mod bodies;
mod floor;
mod openapi;
mod proc;
mod scale;
mod server;
mod suites;
mod table;
mod workloads;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use table::Table;

/// Options: `--quick` (1 repetition instead of 5), `--reps N`, `--keep`
/// (keep the temporary folder), `--no-build` (do not run `cargo build`),
/// `--only NAME` (sequential, latency, snapshots, startup, startup1, scale, openapi,
/// login, hurl, bodies),
/// `--serve SECS` (only run the servers, for profiling a kept folder).
struct Opts {
    reps: usize,
    keep: bool,
    no_build: bool,
    serve: Option<u64>,
    /// Run only the workloads whose name contains this.
    only: Option<String>,
}

fn opts() -> Result<Opts, String> {
    let mut o = Opts {
        reps: 5,
        keep: false,
        no_build: false,
        serve: None,
        only: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--quick" => o.reps = 1,
            "--keep" => o.keep = true,
            "--no-build" => o.no_build = true,
            "--reps" => {
                o.reps = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .filter(|n| (1..=50).contains(n))
                    .ok_or("--reps needs a number from 1 to 50")?;
            }
            "--only" => o.only = Some(args.next().ok_or("--only needs a workload name")?),
            "--serve" => {
                o.serve = Some(
                    args.next()
                        .and_then(|n| n.parse().ok())
                        .filter(|n| (1..=3600).contains(n))
                        .ok_or("--serve needs a number of seconds from 1 to 3600")?,
                );
            }
            other => {
                return Err(format!(
                    "unknown argument `{other}`; use --quick, --reps N, --keep, --no-build, --only NAME, --serve SECS"
                ));
            }
        }
    }
    Ok(o)
}

fn main() -> ExitCode {
    if cfg!(debug_assertions) {
        eprintln!("bench: build it in release mode: cargo run --release --example bench");
        return ExitCode::from(2);
    }
    let opts = match opts() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("bench: {e}");
            return ExitCode::from(2);
        }
    };
    if let Some(secs) = opts.serve {
        return serve(secs);
    }
    let bin = match binary(opts.no_build) {
        Ok(bin) => bin,
        Err(e) => {
            eprintln!("bench: {e}");
            return ExitCode::from(2);
        }
    };
    // SAFETY: no other thread exists yet.
    unsafe { std::env::set_var("NO_PROXY", "127.0.0.1,localhost") };
    let work = std::env::temp_dir().join(format!("gatecheck-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).expect("create the work folder");
    println!("{}", machine(&bin));
    println!("work folder: {}", work.display());
    let load_before = loadavg();
    let mut table = Table::default();
    workloads::run_all(&bin, &work, opts.reps, opts.only.as_deref(), &mut table);
    println!("\n{}", table.render());
    // Other processes on a 2-core machine skew every figure: say so.
    println!("load average before: {load_before}; after: {}", loadavg());
    if opts.keep {
        println!("kept {}", work.display());
    } else {
        let _ = std::fs::remove_dir_all(&work);
    }
    if table.all_pass() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Runs only the servers for `secs` seconds: `BENCH_URL=... gatecheck` in a
/// folder kept with `--keep` then runs a workload by hand (e.g. under perf).
fn serve(secs: u64) -> ExitCode {
    let servers = server::Servers::start();
    println!("{}={}", suites::URL_VAR, servers.base);
    std::thread::sleep(std::time::Duration::from_secs(secs));
    ExitCode::SUCCESS
}

/// target/release/gatecheck, beside this example's folder. `cargo run
/// --example` does not build the package's binaries, so when run by cargo
/// this builds it first (a no-op when it is fresh).
fn binary(no_build: bool) -> Result<PathBuf, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find myself: {e}"))?;
    let dir = exe
        .parent()
        .and_then(Path::parent)
        .ok_or("unexpected example location")?;
    let bin = dir.join(format!("gatecheck{}", std::env::consts::EXE_SUFFIX));
    if let (false, Some(cargo)) = (no_build, std::env::var_os("CARGO")) {
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
        let status = std::process::Command::new(cargo)
            .args([
                "build",
                "--release",
                "--bin",
                "gatecheck",
                "--manifest-path",
            ])
            .arg(&manifest)
            .status()
            .map_err(|e| format!("failed to run cargo build: {e}"))?;
        if !status.success() {
            return Err("`cargo build --release --bin gatecheck` failed".into());
        }
    }
    if bin.is_file() {
        Ok(bin)
    } else {
        Err(format!(
            "{} not found: run `cargo build --release` first",
            bin.display()
        ))
    }
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|t| t.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

fn machine(bin: &Path) -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, m)| m.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let version = std::process::Command::new(bin)
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    format!("{version} ({}) on {cores} cores, {cpu}", bin.display())
}
