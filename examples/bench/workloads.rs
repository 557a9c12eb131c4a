//! The workloads of issue 7, each measured against its floor or target.

use std::path::{Path, PathBuf};
use std::time::Duration;

use tokio::runtime::Runtime;

use crate::floor;
use crate::proc::{self, Run};
use crate::server::Servers;
use crate::suites::{self, Shape};
use crate::table::{Row, Table, median, ms, ratio};

const TESTS: usize = 1000;
const SNAP_TESTS: usize = 200;
const REDACT: &str = r#"{redact: ["$.meta.id", "$.meta.requestedAt"]}"#;
/// Peak memory allowed for a 1,000-test run.
const MAX_RSS_MIB: f64 = 60.0;

pub struct Ctx<'a> {
    bin: &'a Path,
    pub work: &'a Path,
    pub reps: usize,
    pub servers: Servers,
    pub rt: Runtime,
    /// Largest max RSS seen in a 1,000-test run (KiB) and which one.
    peak: (u64, &'static str),
}

pub fn run_all(bin: &Path, work: &Path, reps: usize, only: Option<&str>, table: &mut Table) {
    let mut ctx = Ctx {
        bin,
        work,
        reps,
        servers: Servers::start(),
        rt: Runtime::new().expect("client runtime"),
        peak: (0, ""),
    };
    println!("{reps} repetition(s) per figure, medians\n");
    let wanted = |name: &str| only.is_none_or(|o| name.contains(o));
    if wanted("sequential") {
        sequential(&mut ctx, table);
    }
    if wanted("latency") {
        latency(&mut ctx, table);
    }
    if wanted("snapshots") {
        snapshots(&mut ctx, table);
    }
    if wanted("startup") {
        startup(&ctx, table);
    }
    if ctx.peak.0 > 0 {
        memory(&ctx, table);
    }
    if wanted("startup1") {
        crate::scale::startup1(&ctx, table);
    }
    if wanted("scale") {
        crate::scale::scale(&ctx, table);
    }
    if wanted("login") {
        login(&ctx, table);
    }
    if wanted("hurl") {
        hurl(&ctx, table);
    }
    if wanted("bodies") {
        crate::bodies::run(&ctx, table);
    }
    if wanted("openapi") {
        crate::openapi::run(&ctx, table);
    }
}

impl Ctx<'_> {
    pub fn gatecheck(&self, dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut env = env.to_vec();
        env.push((suites::URL_VAR, &self.servers.base));
        let run = proc::run(self.bin, args, dir, &env);
        if !run.ok {
            let tail: String = run
                .stdout
                .lines()
                .rev()
                .take(15)
                .collect::<Vec<_>>()
                .join("\n");
            eprintln!(
                "gatecheck {args:?} in {} failed:\n{}\n(stdout, last lines reversed)\n{tail}",
                dir.display(),
                run.stderr
            );
        }
        run
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.servers.base)
    }

    fn note_peak(&mut self, run: &Run, what: &'static str) {
        if run.max_rss_kib > self.peak.0 {
            self.peak = (run.max_rss_kib, what);
        }
    }

    fn workload(&self, name: &str, files: usize, shape: &Shape) -> PathBuf {
        let dir = self.work.join(name);
        suites::write(&dir, files, TESTS / files, shape);
        dir
    }
}

/// 1. 1,000 tests one after the other vs a plain reqwest loop.
fn sequential(ctx: &mut Ctx, table: &mut Table) {
    let shape = Shape {
        path: "/fast",
        snapshot: "false",
        auth: &[],
    };
    let dir = ctx.workload("sequential", 10, &shape);
    let url = ctx.url("/fast");
    floor::sequential(&ctx.rt, &url, 100); // warm-up
    ctx.gatecheck(&dir, &["--test-threads", "1", "suites"], &[]);
    let (mut ours, mut floors, mut ok, mut conns) = (vec![], vec![], true, (0, 0));
    for _ in 0..ctx.reps {
        ctx.servers.take_accepted();
        let run = ctx.gatecheck(&dir, &["--test-threads", "1", "suites"], &[]);
        conns.0 = conns.0.max(ctx.servers.take_accepted());
        ok &= run.ok;
        ctx.note_peak(&run, "sequential");
        ours.push(run.wall);
        floors.push(floor::sequential(&ctx.rt, &url, TESTS));
        conns.1 = conns.1.max(ctx.servers.take_accepted());
    }
    let (g, f) = (median(ours), median(floors));
    table.add(Row {
        workload: "1. sequential: 1000 tests, --test-threads 1".into(),
        gatecheck: ms(g),
        floor: ms(f),
        ratio: ratio(g, f),
        target: "<= 1.30x".into(),
        pass: Some(ok && g.as_secs_f64() <= 1.3 * f.as_secs_f64()),
    });
    table.add(connections_row(
        "   connections opened (sequential)",
        conns,
        1,
    ));
}

/// 2. 1,000 tests against a 20 ms endpoint, default and 64 threads.
fn latency(ctx: &mut Ctx, table: &mut Table) {
    let shape = Shape {
        path: "/slow",
        snapshot: "false",
        auth: &[],
    };
    let dir = ctx.workload("latency", 10, &shape);
    let url = ctx.url("/slow");
    for (threads, target) in [(None, 2.5), (Some(64), 0.8)] {
        let in_flight = threads.unwrap_or(32);
        let n = in_flight.to_string();
        let mut args = vec!["suites"];
        if threads.is_some() {
            args = vec!["--test-threads", &n, "suites"];
        }
        let (mut ours, mut floors, mut ok, mut conns) = (vec![], vec![], true, (0, 0));
        for _ in 0..ctx.reps {
            ctx.servers.take_accepted();
            let run = ctx.gatecheck(&dir, &args, &[]);
            conns.0 = conns.0.max(ctx.servers.take_accepted());
            ok &= run.ok;
            ctx.note_peak(&run, "latency");
            ours.push(run.wall);
            floors.push(floor::concurrent(&ctx.rt, &url, TESTS, in_flight));
            conns.1 = conns.1.max(ctx.servers.take_accepted());
        }
        let (g, f) = (median(ours), median(floors));
        let label = match threads {
            None => "2. 20 ms endpoint: 1000 tests, default threads".to_owned(),
            Some(t) => format!("2. 20 ms endpoint: 1000 tests, --test-threads {t}"),
        };
        table.add(Row {
            workload: label,
            gatecheck: ms(g),
            floor: format!("{} ({in_flight} in flight)", ms(f)),
            ratio: ratio(g, f),
            target: format!("< {target} s"),
            pass: Some(ok && g.as_secs_f64() < target),
        });
        table.add(connections_row(
            &format!("   connections opened ({in_flight} threads)"),
            conns,
            in_flight,
        ));
    }
}

/// Pooled: at most two connections per thread over the whole run (the pool
/// can open a spare while a finished connection is being handed back); a
/// connection per test would be 1000. `conns`: (gatecheck, floor), the most
/// seen in one run.
fn connections_row(label: &str, conns: (usize, usize), threads: usize) -> Row {
    Row {
        workload: label.into(),
        gatecheck: conns.0.to_string(),
        floor: format!("{} (reqwest)", conns.1),
        ratio: "-".into(),
        target: format!("<= {} (2 per thread)", 2 * threads),
        pass: Some(conns.0 <= 2 * threads),
    }
}

/// 3. 200 tests snapshotting a 1 MiB body (two redactions) vs no snapshots.
fn snapshots(ctx: &mut Ctx, table: &mut Table) {
    let files = 4;
    let write = |name: &str, snapshot: &str| {
        let dir = ctx.work.join(name);
        let shape = Shape {
            path: "/big",
            snapshot,
            auth: &[],
        };
        suites::write(&dir, files, SNAP_TESTS / files, &shape);
        dir
    };
    let with = write("snapshots", REDACT);
    let without = write("no-snapshots", "false");
    let primed = ctx.gatecheck(&with, &["suites"], &[("INSTA_UPDATE", "always")]);
    let stored = count_files(&with.join("suites/snapshots"), ".snap");
    if !primed.ok || stored != SNAP_TESTS {
        table.note(format!(
            "snapshot priming wrote {stored} of {SNAP_TESTS} snapshots"
        ));
    }
    let (mut ours, mut floors, mut ok) = (vec![], vec![], true);
    for _ in 0..ctx.reps {
        let run = ctx.gatecheck(&without, &["suites"], &[]);
        ok &= run.ok;
        floors.push(run.wall);
        let run = ctx.gatecheck(&with, &["suites"], &[("INSTA_UPDATE", "no")]);
        ok &= run.ok;
        ours.push(run.wall);
    }
    let (g, f) = (median(ours), median(floors));
    table.add(Row {
        workload: "3. snapshots: 200 x 1 MiB JSON, 2 redactions".into(),
        gatecheck: ms(g),
        floor: format!("{} (no snapshots)", ms(f)),
        ratio: ratio(g, f),
        target: "<= 2.00x".into(),
        pass: Some(ok && g.as_secs_f64() <= 2.0 * f.as_secs_f64()),
    });
}

fn count_files(dir: &Path, suffix: &str) -> usize {
    std::fs::read_dir(dir).map_or(0, |d| {
        d.filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().ends_with(suffix))
            .count()
    })
}

/// 4. Loading 2,000 tests in 50 files: `validate` and `--list`.
fn startup(ctx: &Ctx, table: &mut Table) {
    let dir = ctx.work.join("startup");
    let shape = Shape {
        path: "/fast",
        snapshot: "false",
        auth: &[],
    };
    suites::write(&dir, 50, 40, &shape);
    let time = |args: &[&str]| {
        let mut ok = true;
        let walls = (0..ctx.reps.max(3))
            .map(|_| {
                let run = ctx.gatecheck(&dir, args, &[]);
                ok &= run.ok;
                run.wall
            })
            .collect();
        (median(walls), ok)
    };
    let (bare, _) = time(&["--version"]);
    for (label, args) in [
        (
            "4. start-up: validate 2000 tests in 50 files",
            &["validate", "suites"][..],
        ),
        (
            "4. start-up: --list 2000 tests in 50 files",
            &["--list", "suites"][..],
        ),
    ] {
        let (g, ok) = time(args);
        table.add(Row {
            workload: label.into(),
            gatecheck: ms(g),
            floor: format!("{} (--version)", ms(bare)),
            ratio: ratio(g, bare),
            target: "< 200 ms".into(),
            pass: Some(ok && g < Duration::from_millis(200)),
        });
    }
}

/// 4. Peak memory of the 1,000-test runs above.
fn memory(ctx: &Ctx, table: &mut Table) {
    let mib = ctx.peak.0 as f64 / 1024.0;
    table.add(Row {
        workload: format!("4. peak RSS of a 1000-test run ({})", ctx.peak.1),
        gatecheck: format!("{mib:.1} MiB"),
        floor: "-".into(),
        ratio: "-".into(),
        target: format!("< {MAX_RSS_MIB} MiB"),
        pass: Some(mib < MAX_RSS_MIB),
    });
}

/// Target 5, login cost: 1,000 tests as two identities on 32 threads against
/// the built-in Okta emulator (in this process), whose counters say how many
/// authn, authorize and token requests the run made.
fn login(ctx: &Ctx, table: &mut Table) {
    let shape = Shape {
        path: "/fast",
        snapshot: "false",
        auth: &["user", "admin"],
    };
    let dir = ctx.workload("login", 10, &shape);
    suites::write_fixtures(&dir);
    let emulator = ctx.servers.emulator();
    let okta = [(suites::OKTA_VAR, emulator.okta_url())];
    let (mut walls, mut ok, mut worst) = (vec![], true, (0, 0, 0));
    for _ in 0..ctx.reps {
        emulator.reset_counters();
        let run = ctx.gatecheck(&dir, &["suites"], &okta);
        let c = emulator.counters();
        ok &= run.ok;
        walls.push(run.wall);
        worst = (
            worst.0.max(c.authn),
            worst.1.max(c.authorize),
            worst.2.max(c.token),
        );
    }
    let identities = 2;
    table.add(Row {
        workload: "5. login: 1000 tests, 2 identities, 32 threads".into(),
        gatecheck: format!(
            "authn {}, authorize {}, token {}",
            worst.0, worst.1, worst.2
        ),
        floor: format!("{} (run time)", ms(median(walls))),
        ratio: "-".into(),
        target: format!("{identities} of each (1 per identity)"),
        pass: Some(ok && worst == (identities, identities, identities)),
    });
}

/// Whether `hurl` is on the PATH.
pub fn hurl_found() -> bool {
    std::process::Command::new("sh")
        .args(["-c", "command -v hurl"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

/// Hurl on workload 1, when installed.
fn hurl(ctx: &Ctx, table: &mut Table) {
    if !hurl_found() {
        table.note("hurl not installed: comparison skipped (apt-get install libcurl4-openssl-dev libxml2-dev libclang-dev; cargo install hurl --version 8.0.1 --locked)");
        return;
    }
    let dir = ctx.work.join("hurl");
    std::fs::create_dir_all(&dir).expect("hurl folder");
    suites::write_hurl(&dir.join("seq.hurl"), &ctx.servers.base, "/fast", TESTS);
    // The suites of workload 1 (written again: `--only hurl` skips it).
    let shape = Shape {
        path: "/fast",
        snapshot: "false",
        auth: &[],
    };
    let seq = ctx.workload("sequential", 10, &shape);
    let (mut theirs, mut ours) = (vec![], vec![]);
    for _ in 0..ctx.reps {
        let hurl = Path::new("hurl");
        theirs.push(proc::run(hurl, &["--test", "seq.hurl"], &dir, &[]).wall);
        ours.push(
            ctx.gatecheck(&seq, &["--test-threads", "1", "suites"], &[])
                .wall,
        );
    }
    let (h, g) = (median(theirs), median(ours));
    table.add(Row {
        workload: "hurl: workload 1 (one file, 1000 entries)".into(),
        gatecheck: ms(g),
        floor: format!("{} (hurl)", ms(h)),
        ratio: ratio(g, h),
        target: "-".into(),
        pass: None,
    });
}
