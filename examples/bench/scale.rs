//! Issue 17's start-up and scale workloads, each beside its floor:
//!
//! - `startup1`: a run of one GET on http://127.0.0.1, spawn to exit, beside
//!   `curl` (and Hurl when it is on the PATH) in the same run;
//! - `scale`: 100,000 tests in 500 files (`validate`, `--list`), and a
//!   10,000-test sequential run beside the reqwest floor, with its peak
//!   memory beside a 1,000-test run's.

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
/// Memory a 10,000-test run may take beyond a 1,000-test run, over what
/// loading the 9,000 extra tests itself takes (`--list` of each).
const GROWTH_MIB: f64 = 4.0;

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
    }
    for (i, dir) in [(2, &long), (3, &short)] {
        let run = ctx.gatecheck(dir, &["--list", "suites"], &[]);
        ok &= run.ok;
        rss[i] = run.max_rss_kib;
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
    let mib = |k: u64| k as f64 / 1024.0;
    let run_growth = mib(rss[0]) - mib(rss[1]);
    let load_growth = mib(rss[2]) - mib(rss[3]);
    table.add(Row {
        workload: "7. scale: peak RSS, 10,000 vs 1,000 tests run".into(),
        gatecheck: format!("{:.1} vs {:.1} MiB", mib(rss[0]), mib(rss[1])),
        floor: format!("+{load_growth:.1} MiB (--list)"),
        ratio: format!("+{run_growth:.1} MiB"),
        target: format!("growth <= --list's + {GROWTH_MIB} MiB"),
        pass: Some(ok && run_growth <= load_growth + GROWTH_MIB),
    });
}
