//! Generated suites: the workloads, written as YAML into a folder.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// What every test of a workload does.
pub struct Shape<'a> {
    /// Request path on the bench server: `/fast`, `/slow`, `/big`.
    pub path: &'a str,
    /// `snapshot:` value, e.g. `false` or `{redact: [...]}`.
    pub snapshot: &'a str,
}

/// The variable that holds the server's URL in the generated suites, so that
/// kept folders (`--keep`) can be run again against `--serve`.
pub const URL_VAR: &str = "BENCH_URL";

/// Writes `files` suite files of `per_file` tests each into `dir` (created),
/// plus a `gatecheck.yaml` with a short timeout so a broken run ends soon.
pub fn write(dir: &Path, files: usize, per_file: usize, shape: &Shape) -> PathBuf {
    let suites = dir.join("suites");
    std::fs::create_dir_all(&suites).expect("create suites folder");
    std::fs::write(suites.join("gatecheck.yaml"), "timeout: 10s\n").expect("write config");
    for f in 0..files {
        let text = suite(f, per_file, shape);
        std::fs::write(suites.join(format!("s{f:03}.yaml")), text).expect("write suite");
    }
    suites
}

fn suite(f: usize, per_file: usize, shape: &Shape) -> String {
    let mut text = format!("name: Suite {f}\nbase_url: ${{{URL_VAR}}}\ntags: [bench]\ntests:\n");
    for t in 0..per_file {
        let _ = write!(
            text,
            "  - name: test {t} of suite {f}\n    request:\n      url: {path}\n      headers:\n        Accept: application/json\n    expect:\n      status: 200\n      json:\n        \"$.{key}\": {{exists: true}}\n      snapshot: {snapshot}\n",
            path = shape.path,
            key = if shape.path == "/big" {
                "meta.count"
            } else {
                "ok"
            },
            snapshot = shape.snapshot,
        );
    }
    text
}

/// The same requests as a Hurl file (for the optional comparison).
pub fn write_hurl(file: &Path, base: &str, path: &str, n: usize) {
    let mut text = String::new();
    for _ in 0..n {
        let _ = write!(
            text,
            "GET {base}{path}\nAccept: application/json\nHTTP 200\n[Asserts]\njsonpath \"$.ok\" exists\n\n"
        );
    }
    std::fs::write(file, text).expect("write hurl file");
}
