//! Snapshot files are written atomically: a run interrupted by SIGINT
//! leaves no truncated `.snap.new`, and a snapshot that cannot be written
//! fails with the reason (not insta's internal `unwrap()`, not a claim
//! that CI is set).

use std::path::Path;
use std::time::{Duration, Instant};

use crate::common::{Project, TestApi};
use crate::misbehaving::Misbehaving;

/// Tests in the interrupted run, each with a body of BODY bytes.
const TESTS: usize = 30;
const BODY: usize = 2_000_000;

#[test]
fn an_unwritable_snapshot_folder_fails_with_the_reason() {
    let api = TestApi::start();
    let p = Project::new("unwritable");
    p.file(
        "suites/items.yaml",
        "base_url: ${API_URL}\ntests:\n  - name: list items\n    request: {url: /items}\n",
    );
    // A regular file where the snapshot folder goes: unwritable even for
    // root (these tests run as root, for whom a read-only folder is writable).
    p.file("suites/snapshots", "not a folder");
    let out = p.run(&[], &[("API_URL", &api.url)]);
    let text = out.normalized(&p);
    assert_eq!(out.code, 1, "{text}");
    assert!(
        text.contains(
            "snapshot `items__list_items` is new; it could not be written (cannot write to \
             [DIR]/suites/snapshots: Not a directory (os error 20))"
        ),
        "{text}"
    );
    assert!(!text.contains("unwrap"), "{text}");
    assert!(!text.contains("CI"), "{text}");
    assert!(!text.contains("to review"), "{text}");
}

/// The `.snap.new` files visible in `dir` (not in hidden staging folders),
/// each checked to be whole: insta's header, then the whole body.
fn visible_pending(dir: &Path, expected_body: &str) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut n = 0;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.ends_with(".snap.new") {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(entry.path()) else {
            continue; // accepted or removed meanwhile
        };
        let body = text.split_once("\n---\n").map(|(_, b)| b);
        assert_eq!(
            body,
            Some(expected_body),
            "{name} is not whole ({} bytes)",
            text.len()
        );
        n += 1;
    }
    n
}

#[test]
fn an_interrupted_run_leaves_no_truncated_snap_new() {
    let server = Misbehaving::start();
    let p = Project::new("interrupted");
    let mut suite = String::from("base_url: ${API_URL}\ntests:\n");
    for i in 0..TESTS {
        suite.push_str(&format!(
            "  - name: big {i}\n    request: {{url: /big/{BODY}}}\n"
        ));
    }
    p.file("suites/big.yaml", &suite);
    let expected = format!("[\n  \"{}\"\n]\n", "x".repeat(BODY - 4));
    let snapshots = p.path("suites/snapshots");
    let mut child = p
        .command(&["--test-threads", "4"], &[("API_URL", &server.url)])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Watch the folder while snapshots are written (each file seen must be
    // whole); interrupt the run once a third are in place, as Ctrl-C would.
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut interrupted = false;
    let mut seen = 0;
    while child.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "the run did not end");
        seen = seen.max(visible_pending(&snapshots, &expected));
        if seen >= TESTS / 3 && !interrupted {
            // SAFETY: the pid of our own child, still running.
            unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
            interrupted = true;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    assert!(interrupted, "no snapshot was written before the run ended");
    let left = visible_pending(&snapshots, &expected);
    assert!(left >= 1, "{left} pending files");
    // Whatever the interruption left is hidden (cargo insta skips it).
    for entry in std::fs::read_dir(&snapshots).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        assert!(
            name.ends_with(".snap.new") || name.starts_with(".gatecheck-staging-"),
            "{name}"
        );
    }
}

#[test]
fn pending_snapshots_land_in_insta_pending_dir_without_staging_leftovers() {
    let api = TestApi::start();
    let p = Project::new("pending-dir");
    p.file(
        "suites/items.yaml",
        "base_url: ${API_URL}\ntests:\n  - name: list items\n    request: {url: /items}\n",
    );
    let pending = p.path("pending");
    let pending_dir = pending.to_string_lossy().into_owned();
    let env = [
        ("API_URL", api.url.as_str()),
        ("INSTA_PENDING_DIR", &pending_dir),
    ];
    let out = p.run(&[], &env);
    let text = out.normalized(&p);
    assert_eq!(out.code, 1, "{text}");
    assert!(text.contains("1 snapshot to review"), "{text}");
    let files = p.files();
    assert_eq!(
        files
            .iter()
            .filter(|f| f.starts_with("pending/") || f.starts_with("suites/snapshots"))
            .collect::<Vec<_>>(),
        ["pending/suites/snapshots/items__list_items.snap.new"],
        "{files:?}"
    );
    // No staging mirror folder is left in the pending folder either.
    let mirror = std::fs::read_dir(pending.join("suites/snapshots")).unwrap();
    assert_eq!(mirror.count(), 1);
}
