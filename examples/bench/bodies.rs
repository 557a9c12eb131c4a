//! Workload 6, large bodies: GETs of a 1 MiB JSON array asserting the last
//! element's name, beside a plain `serde_json` parse of the same bytes; the
//! same run with snapshots; the peak memory of a run reading one 50 MiB body;
//! and Hurl on the same requests when it is installed.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use serde_json::{Value, json};

use crate::floor;
use crate::proc;
use crate::suites::URL_VAR;
use crate::table::{Row, Table, median, ms, ratio};
use crate::workloads::Ctx;

/// Requests of the large-body run.
const BODIES: usize = 50;
/// Size of `/array` (at least).
const ARRAY_BYTES: usize = 1 << 20;
/// Size of `/huge` (at least).
const HUGE_BYTES: usize = 50 << 20;
/// Per body, gatecheck against a plain parse; snapshots against none.
const PARSE_TARGET: f64 = 2.0;
const SNAPSHOT_TARGET: f64 = 1.5;
/// Peak memory of the 50 MiB run, in multiples of the body.
const RSS_TARGET: f64 = 4.0;

/// The bodies, each with the `name` of its last element: `/array` (1 MiB),
/// and `/huge` (50 MiB), made only when workload 6 runs (the bench's own
/// peak memory is the floor of every child's `ru_maxrss`, see [`huge`]).
pub struct Bodies {
    pub array: (Bytes, String),
    huge: Arc<OnceLock<(Bytes, String)>>,
}

impl Bodies {
    pub fn new() -> Self {
        Bodies {
            array: array_body(ARRAY_BYTES),
            huge: Arc::default(),
        }
    }

    pub fn huge(&self) -> &(Bytes, String) {
        self.huge.get_or_init(|| array_body(HUGE_BYTES))
    }

    /// `/array` and `/huge`, served as `application/json`.
    pub fn routes(&self) -> Router {
        let (array, huge) = (self.array.0.clone(), self.huge.clone());
        Router::new()
            .route("/array", get(move || json(array.clone())))
            .route(
                "/huge",
                get(move || json(huge.get().map(|h| h.0.clone()).unwrap_or_default())),
            )
    }
}

async fn json(body: Bytes) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], body)
}

/// A JSON array of ordinary API objects of at least `bytes` bytes, and the
/// name of its last element. Written item by item: the bench process stays
/// small, because a child's peak memory (`ru_maxrss`) counts its parent's at
/// the spawn (Linux carries it over fork and exec).
fn array_body(bytes: usize) -> (Bytes, String) {
    let mut out = Vec::with_capacity(bytes + 1024);
    out.push(b'[');
    let mut i = 0u64;
    while out.len() < bytes {
        if i > 0 {
            out.push(b',');
        }
        let item = json!({
            "id": i,
            "sku": format!("SKU-{i:08}"),
            "name": format!("item number {i}"),
            "price": (i as f64) * 1.25,
            "inStock": !i.is_multiple_of(3),
            "tags": ["alpha", "beta", format!("t{}", i % 17)],
            "dimensions": {"w": i % 100, "h": (i * 7) % 100, "unit": "cm"},
            "description": "A plain product description of moderate length for the benchmark."
        });
        serde_json::to_writer(&mut out, &item).expect("serialize");
        i += 1;
    }
    out.push(b']');
    (Bytes::from(out), format!("item number {}", i - 1))
}

/// A folder with `suites/`: `n` GETs of `path`, each asserting `$[-1].name`.
fn write(dir: &Path, path: &str, n: usize, name: &str, snapshot: bool) -> PathBuf {
    let suites = dir.join("suites");
    std::fs::create_dir_all(&suites).expect("create suites folder");
    std::fs::write(
        suites.join("gatecheck.yaml"),
        "timeout: 30s\nmax_body_size: 128MiB\n",
    )
    .expect("write config");
    let mut text = format!("name: Bodies\nbase_url: ${{{URL_VAR}}}\ntests:\n");
    for t in 0..n {
        let _ = write!(
            text,
            "  - name: body {t}\n    request: {{url: {path}}}\n    expect:\n      status: 200\n      json:\n        \"$[-1].name\": \"{name}\"\n      snapshot: {snapshot}\n"
        );
    }
    std::fs::write(suites.join("bodies.yaml"), text).expect("write suite");
    dir.to_owned()
}

/// The median time of one `serde_json::from_slice::<Value>` of `body`
/// (parse and drop), in this process.
fn parse_floor(body: &[u8], reps: usize) -> Duration {
    let times = (0..reps)
        .map(|_| {
            let started = Instant::now();
            let value: Value = serde_json::from_slice(body).expect("bench body");
            drop(std::hint::black_box(value));
            started.elapsed()
        })
        .collect();
    median(times)
}

pub fn run(ctx: &Ctx, table: &mut Table) {
    let (array, name) = &ctx.servers.bodies.array;
    let dir = ctx.work.join("bodies");
    let many = write(&dir.join("many"), "/array", BODIES, name, false);
    let one = write(&dir.join("one"), "/array", 1, name, false);
    let snap = write(&dir.join("snap"), "/array", BODIES, name, true);
    let primed = ctx.gatecheck(
        &snap,
        &["--test-threads", "1", "suites"],
        &[("INSTA_UPDATE", "always")],
    );
    if !primed.ok {
        table.note("large bodies: priming the snapshots failed");
    }
    let url = ctx.url("/array");
    let threads = ["--test-threads", "1", "suites"];
    let (mut runs, mut starts, mut snaps, mut parses, mut fetches, mut ok) =
        (vec![], vec![], vec![], vec![], vec![], true);
    for _ in 0..ctx.reps {
        let run = ctx.gatecheck(&many, &threads, &[]);
        ok &= run.ok;
        runs.push(run.wall);
        let run = ctx.gatecheck(&one, &threads, &[]);
        ok &= run.ok;
        starts.push(run.wall);
        let run = ctx.gatecheck(&snap, &threads, &[("INSTA_UPDATE", "no")]);
        ok &= run.ok;
        snaps.push(run.wall);
        parses.push(parse_floor(array, 9));
        fetches.push(floor::sequential(&ctx.rt, &url, BODIES));
    }
    let (all, start, snap) = (median(runs), median(starts), median(snaps));
    let per_body = all.saturating_sub(start) / (BODIES as u32 - 1);
    let parse = median(parses);
    let fetch = median(fetches) / BODIES as u32;
    let mib = array.len() as f64 / f64::from(1 << 20);
    table.add(Row {
        workload: format!("8. large bodies: {BODIES} x {mib:.1} MiB array, $[-1].name, per body"),
        gatecheck: ms(per_body),
        floor: format!("{} (serde_json parse)", ms(parse)),
        ratio: ratio(per_body, parse),
        target: format!("<= {PARSE_TARGET:.2}x"),
        pass: Some(ok && per_body.as_secs_f64() <= PARSE_TARGET * parse.as_secs_f64()),
    });
    table.add(Row {
        workload: "   fetch only, per body (reqwest)".into(),
        gatecheck: ms(per_body),
        floor: format!("{} (reqwest)", ms(fetch)),
        ratio: ratio(per_body, fetch),
        target: "-".into(),
        pass: None,
    });
    table.add(Row {
        workload: format!("8. snapshots: the same {BODIES} bodies, whole run"),
        gatecheck: ms(snap),
        floor: format!("{} (no snapshots)", ms(all)),
        ratio: ratio(snap, all),
        target: format!("<= {SNAPSHOT_TARGET:.2}x"),
        pass: Some(ok && snap.as_secs_f64() <= SNAPSHOT_TARGET * all.as_secs_f64()),
    });
    huge(ctx, &dir, table);
    hurl(ctx, &dir, name, (all, start), table);
}

/// Peak memory of a run that reads one 50 MiB body.
fn huge(ctx: &Ctx, dir: &Path, table: &mut Table) {
    let (body, name) = ctx.servers.bodies.huge();
    let suites = write(&dir.join("huge"), "/huge", 1, name, false);
    let (mut peak, mut ok) = (0u64, true);
    for _ in 0..ctx.reps.min(3) {
        let run = ctx.gatecheck(&suites, &["suites"], &[]);
        ok &= run.ok;
        peak = peak.max(run.max_rss_kib);
    }
    let size = body.len() as f64 / f64::from(1 << 20);
    let rss = peak as f64 / 1024.0;
    if let Some(own) = own_peak_mib() {
        table.note(format!(
            "the bench process's own peak RSS was {own:.1} MiB: a child's ru_maxrss is at least that (Linux carries it over fork and exec)"
        ));
    }
    table.add(Row {
        workload: format!("8. peak RSS reading one {size:.0} MiB JSON body"),
        gatecheck: format!("{rss:.1} MiB"),
        floor: format!("{size:.1} MiB (body)"),
        ratio: format!("{:.2}x", rss / size),
        target: format!("< {RSS_TARGET:.2}x"),
        pass: Some(ok && rss < RSS_TARGET * size),
    });
}

/// Hurl on the large-body run and on one request, when it is installed.
fn hurl(ctx: &Ctx, dir: &Path, name: &str, ours: (Duration, Duration), table: &mut Table) {
    if !crate::workloads::hurl_found() {
        table.note("hurl not installed: large-body comparison skipped");
        return;
    }
    let entry = format!(
        "GET {}/array\nHTTP 200\n[Asserts]\njsonpath \"$[-1].name\" == \"{name}\"\n\n",
        ctx.servers.base
    );
    std::fs::write(dir.join("many.hurl"), entry.repeat(BODIES)).expect("write hurl file");
    std::fs::write(dir.join("one.hurl"), &entry).expect("write hurl file");
    let (mut many, mut one, mut ok) = (vec![], vec![], true);
    for _ in 0..ctx.reps {
        for (file, times) in [("many.hurl", &mut many), ("one.hurl", &mut one)] {
            let run = proc::run(Path::new("hurl"), &["--test", file], dir, &[]);
            ok &= run.ok;
            times.push(run.wall);
        }
    }
    if !ok {
        table.note("hurl failed on the large-body files");
    }
    for (label, g, h) in [
        (
            format!("hurl: large bodies ({BODIES} x 1 MiB array, whole run)"),
            ours.0,
            median(many),
        ),
        (
            "hurl: one request (1 x 1 MiB array, whole run)".to_owned(),
            ours.1,
            median(one),
        ),
    ] {
        table.add(Row {
            workload: label,
            gatecheck: ms(g),
            floor: format!("{} (hurl)", ms(h)),
            ratio: ratio(g, h),
            target: "-".into(),
            pass: None,
        });
    }
}

/// This process's peak RSS (VmHWM), in MiB.
fn own_peak_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}
