//! Issue 17's start-up and scale workloads, each beside its floor:
//!
//! - `startup1`: a run of one GET on http://127.0.0.1, spawn to exit, beside
//!   `curl` (and Hurl when it is on the PATH) in the same run;
//! - `scale`: 100,000 tests in 500 files (`validate`, `--list`), and a
//!   10,000-test sequential run beside the reqwest floor, and the memory
//!   that running 10,000 passing tests holds beside 1,000's.

use std::path::Path;
use std::time::Duration;

use crate::floor;
use crate::proc::{self, Run};
use crate::suites::{self, Shape};
use crate::table::{Row, Table, median, ms, ratio};
use crate::workloads::Ctx;

const FAST: Shape = Shape {
    path: "/fast",
    snapshot: "false",
    auth: &[],
};

/// Tests and files of the loading workload.
const BIG_TESTS: usize = 100_000;
const BIG_FILES: usize = 500;
/// Loading 100,000 tests: time and memory allowed.
const LOAD_SECS: f64 = 2.0;
const LOAD_MIB: f64 = 200.0;
/// Tests of the long run, and of the short run whose memory it is compared with.
const RUN_TESTS: usize = 10_000;
const SHORT_TESTS: usize = 1_000;
/// What running 9,000 more passing tests may hold: the peak memory a run
/// holds beyond the same run with every test filtered out, at 10,000 tests
/// against 1,000 (below 230 bytes per passed test).
const GROWTH_MIB: f64 = 2.0;

fn on_path(tool: &str) -> bool {
    std::process::Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

/// A one-request run from spawn to exit, beside curl (and Hurl).
pub fn startup1(ctx: &Ctx, table: &mut Table) {
    let dir = ctx.work.join("startup1");
    suites::write(&dir, 1, 1, &FAST);
    let url = ctx.url("/fast");
    suites::write_hurl(&dir.join("one.hurl"), &ctx.servers.base, "/fast", 1);
    let hurl = on_path("hurl");
    let curl_args = [
        "-sf",
        "-o",
        "/dev/null",
        "-H",
        "Accept: application/json",
        &url,
    ];
    let (mut ours, mut curls, mut hurls, mut ok) = (vec![], vec![], vec![], true);
    // Warm the page cache and the server once; then interleave.
    ctx.gatecheck(&dir, &["suites"], &[]);
    for _ in 0..ctx.reps.max(10) {
        let run = ctx.gatecheck(&dir, &["suites"], &[]);
        ok &= run.ok && run.stdout.contains("1 passed");
        ours.push(run.wall);
        let curl = proc::run(Path::new("curl"), &curl_args, &dir, &[]);
        ok &= curl.ok;
        curls.push(curl.wall);
        if hurl {
            let h = proc::run(Path::new("hurl"), &["--test", "one.hurl"], &dir, &[]);
            ok &= h.ok;
            hurls.push(h.wall);
        }
    }
    let (g, c) = (median(ours), median(curls));
    table.add(Row {
        workload: "6. one request: spawn to exit, vs curl".into(),
        gatecheck: ms(g),
        floor: format!("{} (curl)", ms(c)),
        ratio: ratio(g, c),
        target: if hurl {
            "-".into()
        } else {
            "<= Hurl (not installed)".into()
        },
        pass: if hurl { None } else { Some(ok) },
    });
    if hurl {
        let h = median(hurls);
        table.add(Row {
            workload: "6. one request: spawn to exit, vs Hurl".into(),
            gatecheck: ms(g),
            floor: format!("{} (hurl)", ms(h)),
            ratio: ratio(g, h),
            target: "<= 1.00x (no slower than Hurl)".into(),
            pass: Some(ok && g <= h),
        });
    } else {
        table.note("hurl not installed: the one-request run is shown beside curl only");
    }
}

/// 100,000 tests in 500 files: `validate` and `--list`, time and peak memory;
/// then the 10,000-test run.
pub fn scale(ctx: &Ctx, table: &mut Table) {
    let dir = ctx.work.join("scale");
    suites::write(&dir, BIG_FILES, BIG_TESTS / BIG_FILES, &FAST);
    let bare = median(
        (0..3)
            .map(|_| ctx.gatecheck(&dir, &["--version"], &[]).wall)
            .collect(),
    );
    for (label, args) in [
        (
            "7. scale: validate 100,000 tests in 500 files",
            &["validate", "suites"][..],
        ),
        (
            "7. scale: --list 100,000 tests in 500 files",
            &["--list", "suites"][..],
        ),
    ] {
        let runs: Vec<Run> = (0..ctx.reps.min(3))
            .map(|_| ctx.gatecheck(&dir, args, &[]))
            .collect();
        let ok = runs.iter().all(|r| r.ok);
        let rss = runs.iter().map(|r| r.max_rss_kib).max().unwrap_or(0) as f64 / 1024.0;
        let g = median(runs.iter().map(|r| r.wall).collect());
        table.add(Row {
            workload: label.into(),
            gatecheck: format!("{}, {rss:.0} MiB", ms(g)),
            floor: format!("{} (--version)", ms(bare)),
            ratio: ratio(g, bare),
            target: format!("< {LOAD_SECS} s, < {LOAD_MIB} MiB"),
            pass: Some(ok && g.as_secs_f64() < LOAD_SECS && rss < LOAD_MIB),
        });
    }
    long_run(ctx, table);
}

/// 10,000 sequential tests against `/fast` beside 10,000 reqwest GETs, and
/// peak memory against a 1,000-test run of the same shape.
fn long_run(ctx: &Ctx, table: &mut Table) {
    let long = ctx.work.join("scale-run");
    suites::write(&long, 100, RUN_TESTS / 100, &FAST);
    let short = ctx.work.join("scale-short");
    suites::write(&short, 10, SHORT_TESTS / 10, &FAST);
    let url = ctx.url("/fast");
    let seq = ["--test-threads", "1", "suites"];
    floor::sequential(&ctx.rt, &url, 1000); // warm-up
    // Every trial name holds "test": `--skip test` loads and plans the same
    // run, starts the runtime, and runs nothing.
    let idle = ["--test-threads", "1", "--skip", "test", "suites"];
    let (mut ours, mut floors, mut ok, mut rss) = (vec![], vec![], true, [0u64; 4]);
    for _ in 0..ctx.reps.min(3) {
        let run = ctx.gatecheck(&long, &seq, &[]);
        ok &= run.ok;
        rss[0] = rss[0].max(run.max_rss_kib);
        ours.push(run.wall);
        floors.push(floor::sequential(&ctx.rt, &url, RUN_TESTS));
        let run = ctx.gatecheck(&short, &seq, &[]);
        ok &= run.ok;
        rss[1] = rss[1].max(run.max_rss_kib);
        for (i, dir) in [(2, &long), (3, &short)] {
            let run = ctx.gatecheck(dir, &idle, &[]);
            ok &= run.ok;
            rss[i] = rss[i].max(run.max_rss_kib);
        }
    }
    let (g, f) = (median(ours), median(floors));
    let per = |d: Duration| format!("{:.1} µs/test", d.as_secs_f64() * 1e6 / RUN_TESTS as f64);
    table.add(Row {
        workload: "7. scale: 10,000 tests, --test-threads 1".into(),
        gatecheck: format!("{} ({})", ms(g), per(g)),
        floor: format!("{} ({})", ms(f), per(f)),
        ratio: ratio(g, f),
        target: "<= 1.30x".into(),
        pass: Some(ok && g.as_secs_f64() <= 1.3 * f.as_secs_f64()),
    });
    // What running (and passing) the tests holds: peak RSS of the run less
    // that of the same run with every test filtered out.
    let mib = |k: u64| k as f64 / 1024.0;
    let held_long = mib(rss[0]) - mib(rss[2]);
    let held_short = mib(rss[1]) - mib(rss[3]);
    table.add(Row {
        workload: "7. scale: memory held by passed tests".into(),
        gatecheck: format!("+{held_long:.1} MiB (10,000 passed)"),
        floor: format!("+{held_short:.1} MiB (1,000 passed)"),
        ratio: format!("{:.1} vs {:.1} MiB", mib(rss[0]), mib(rss[1])),
        target: format!("10,000 <= 1,000 + {GROWTH_MIB} MiB"),
        pass: Some(ok && held_long <= held_short + GROWTH_MIB),
    });
}
