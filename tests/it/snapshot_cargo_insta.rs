//! The real `cargo insta` (cargo-insta 1.49, insta's own review tool) on the
//! snapshot files a run writes: it lists the pending ones, and accepts them
//! into the same bytes `gatecheck accept` writes; the next run is green.
//!
//! cargo-insta is installed by `.ci/run` (a pinned wheel,
//! `tests/interop/cargo-insta/requirements.txt`), which points
//! `GATECHECK_CARGO_INSTA` at it; else `cargo-insta` on the PATH is used.
//! Without it the test says it is skipped, unless `GATECHECK_INTEROP_TESTS`
//! is set (CI sets it), where that is a failure.

use std::process::Command;

use crate::common::{Project, TestApi};

const SUITE: &str = r#"
base_url: ${API_URL}
tests:
  - name: list items
    request: {url: /items}
    expect:
      status: 200
      snapshot: {redact: ["$.updatedAt"]}
  - name: item by id
    request: {url: /items/1}
"#;

/// The cargo-insta binary, or why there is none.
fn cargo_insta() -> Result<String, String> {
    let program = std::env::var("GATECHECK_CARGO_INSTA").unwrap_or_else(|_| "cargo-insta".into());
    match Command::new(&program).arg("--version").output() {
        Ok(out) if out.status.success() => Ok(program),
        Ok(out) => Err(format!("`{program} --version` failed: {out:?}")),
        Err(e) => Err(format!("`{program}` cannot run ({e})")),
    }
}

/// Runs `cargo-insta <args>` in the project; its stdout.
fn run_cargo_insta(program: &str, p: &Project, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .current_dir(p.path(""))
        .env_remove("INSTA_WORKSPACE_ROOT")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "cargo-insta {args:?}: {text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    text
}

/// The snapshot files of the project, with their bytes.
fn snapshot_files(p: &Project) -> Vec<(String, String)> {
    p.files()
        .into_iter()
        .filter(|f| f.starts_with("suites/snapshots/"))
        .map(|f| {
            let text = std::fs::read_to_string(p.path(&f)).unwrap();
            (f, text)
        })
        .collect()
}

#[test]
fn cargo_insta_lists_and_accepts_what_a_run_writes_as_gatecheck_does() {
    let program = match cargo_insta() {
        Ok(program) => program,
        Err(why) => {
            let required =
                std::env::var_os("GATECHECK_INTEROP_TESTS").is_some_and(|v| !v.is_empty());
            assert!(!required, "GATECHECK_INTEROP_TESTS is set but {why}");
            eprintln!(
                "SKIPPED: cargo-insta interop test: {why}; set GATECHECK_INTEROP_TESTS=1 to make this a failure"
            );
            return;
        }
    };
    let api = TestApi::start();
    let p = Project::new("cargo-insta");
    p.file(
        "Cargo.toml",
        "[package]\nname = \"api-tests\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    p.file("src/lib.rs", "");
    p.file("suites/items.yaml", SUITE);

    let first = p.run(&["suites"], &[("API_URL", &api.url)]);
    assert_eq!(first.code, 1, "{}", first.normalized(&p));
    let pending = snapshot_files(&p);
    let names: Vec<&str> = pending.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(
        names,
        [
            "suites/snapshots/items__item_by_id.snap.new",
            "suites/snapshots/items__list_items.snap.new"
        ]
    );

    // cargo insta sees both, as file snapshots to review.
    let listed = run_cargo_insta(&program, &p, &["pending-snapshots", "--as-json"]);
    for snap in ["items__item_by_id.snap", "items__list_items.snap"] {
        let line = format!(
            "{{\"type\":\"file_snapshot\",\"path\":\"{}\"}}",
            p.path(&format!("suites/snapshots/{snap}")).display()
        );
        assert!(listed.lines().any(|l| l == line), "{line} in:\n{listed}");
    }

    // cargo insta accept, then the same pending files accepted by gatecheck:
    // the same `.snap` bytes.
    run_cargo_insta(&program, &p, &["accept"]);
    let by_cargo_insta = snapshot_files(&p);
    for (file, _) in &by_cargo_insta {
        std::fs::remove_file(p.path(file)).unwrap();
    }
    for (file, text) in &pending {
        p.file(file, text);
    }
    let accept = p.run(&["accept", "--dir", "suites"], &[]);
    assert_eq!(accept.code, 0, "{}", accept.normalized(&p));
    assert_eq!(snapshot_files(&p), by_cargo_insta);
    // The review-only line is gone; the rest of the header is kept.
    let (_, list) = &by_cargo_insta[1];
    assert!(!list.contains("assertion_line"), "{list}");
    let (_, new) = &pending[1];
    assert_eq!(*list, new.replace("assertion_line: 4\n", ""));

    // Accepted either way, the next run is green and writes nothing.
    let again = p.run(&["suites"], &[("API_URL", &api.url)]);
    assert_eq!(again.code, 0, "{}", again.normalized(&p));
    assert_eq!(snapshot_files(&p), by_cargo_insta);
}
