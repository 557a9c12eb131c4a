//! The insta bridge (`gatecheck::check::snapshot`) on a real file system.
//!
//! insta reads its environment (CI, INSTA_UPDATE, INSTA_FORCE_PASS...) once
//! per process, so every case that calls insta runs in a child: this test
//! binary re-run as `--exact child` with `GATECHECK_SNAPSHOT_CHILD=<mode>`, in
//! its own temporary folder, with a clean insta environment. The parent checks
//! the child's exit status and that insta printed nothing.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Barrier};
use std::time::{Duration, SystemTime};

use gatecheck::check::snapshot::{self, Outcome, Snapshot, redact, slug};
use gatecheck::suite::expect::JsonPath;
use serde_json::{Value as Json, json};

const MODE: &str = "GATECHECK_SNAPSHOT_CHILD";
const UNRELATED_PANIC: &str = "an unrelated panic is still reported";

// ---------------------------------------------------------------- parent side

/// Runs `child` in a fresh folder with `env`; returns its stdout + stderr.
fn run_child(mode: &str, env: &[(&str, &str)]) -> String {
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let dir = std::env::temp_dir().join(format!(
        "gatecheck-snapshot-{mode}-{}-{nanos}",
        std::process::id()
    ));
    std::fs::create_dir_all(dir.join("suites")).unwrap();
    std::fs::write(dir.join("suites/todos.yaml"), "tests: []\n").unwrap();

    let mut command = Command::new(std::env::current_exe().unwrap());
    command
        .args([
            "--exact",
            "snapshot_bridge::child",
            "--nocapture",
            "--test-threads=1",
        ])
        .current_dir(&dir)
        .env(MODE, mode)
        .env("RUST_BACKTRACE", "0");
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        if name.starts_with("INSTA_") || name == "CI" || name == "TF_BUILD" {
            command.env_remove(&*name);
        }
    }
    // What gatecheck's `main` sets before any thread exists (the test
    // harness has threads, so the child cannot set it itself).
    command.env("INSTA_OUTPUT", "none");
    command.envs(env.iter().copied());
    let output = command.output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "child `{mode}` failed:\n{text}");
    assert!(
        text.contains("1 passed"),
        "child `{mode}` did not run:\n{text}"
    );
    std::fs::remove_dir_all(&dir).ok();
    text
}

/// Nothing from insta (banners, hints, panic messages) reached the output;
/// `panics` is how many other panics the child is known to report.
fn assert_insta_silent(output: &str, panics: usize) {
    let own = output.replace("snapshot_bridge", "");
    for needle in ["insta", "Snapshot", "snapshot", "stored new"] {
        assert!(!own.contains(needle), "insta printed `{needle}`:\n{output}");
    }
    assert_eq!(own.matches("panicked").count(), panics, "{output}");
}

#[test]
fn local_new_accepted_changed() {
    assert_insta_silent(&run_child("local", &[]), 0);
}

#[test]
fn ci_writes_nothing_and_ignores_stale_pending() {
    assert_insta_silent(&run_child("ci", &[("CI", "true")]), 0);
}

#[test]
fn insta_update_no_writes_nothing() {
    assert_insta_silent(&run_child("update_no", &[("INSTA_UPDATE", "no")]), 0);
}

#[test]
fn insta_update_always_writes() {
    assert_insta_silent(&run_child("always", &[("INSTA_UPDATE", "always")]), 0);
}

#[test]
fn insta_update_unseen_writes_only_new() {
    assert_insta_silent(&run_child("unseen", &[("INSTA_UPDATE", "unseen")]), 0);
}

#[test]
fn insta_update_new_writes_pending_even_in_ci() {
    let env = [("CI", "true"), ("INSTA_UPDATE", "new")];
    assert_insta_silent(&run_child("ci_update_new", &env), 0);
}

#[test]
fn insta_force_pass_writes_pending() {
    assert_insta_silent(&run_child("force_pass", &[("INSTA_FORCE_PASS", "1")]), 0);
}

#[test]
fn unreadable_snapshot_is_reported_as_new() {
    let output = run_child("unreadable", &[]);
    // insta's own warning goes straight to stderr, whatever INSTA_OUTPUT says.
    assert!(output.contains("Failed to parse snapshot file"), "{output}");
}

#[test]
fn parallel_checks_are_independent_and_silent() {
    let output = run_child("parallel", &[]);
    assert!(
        output.contains(UNRELATED_PANIC),
        "the previous panic hook still reports other panics:\n{output}"
    );
    assert_insta_silent(&output, 1);
}

// ----------------------------------------------------------------- child side

/// The child's entry point; a normal run (no `GATECHECK_SNAPSHOT_CHILD`) skips it.
#[test]
fn child() {
    let Ok(mode) = std::env::var(MODE) else {
        return;
    };
    snapshot::init();
    let cwd = std::env::current_dir().unwrap();
    match mode.as_str() {
        "local" => local(&cwd),
        "ci" => ci(&cwd),
        "update_no" => update_no(&cwd),
        "always" => always(&cwd),
        "force_pass" => force_pass(&cwd),
        "parallel" => parallel(&cwd),
        "unreadable" => unreadable(&cwd),
        "unseen" => unseen(&cwd),
        "ci_update_new" => ci_update_new(&cwd),
        other => panic!("unknown child mode {other}"),
    }
}

fn check(root: &Path, name: &str, value: &Json) -> Outcome {
    snapshot::check(&Snapshot {
        dir: &root.join("snapshots"),
        name,
        suite_file: &root.join("suites/todos.yaml"),
        line: &|| 14,
        description: "GET /api/todos as user",
        info: &json!({"trial": "todos::list", "identity": "user"}),
        value: value.into(),
        redact: &[],
        secrets: &gatecheck::secret::mask::MaskSet::default(),
    })
}

fn read(path: PathBuf) -> String {
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The part of a `.snap` file after its header.
fn body(text: &str) -> &str {
    text.split_once("\n---\n").expect("snapshot header").1
}

fn local(root: &Path) {
    let snaps = root.join("snapshots");
    let value = json!({"b": 1, "a": {"d": [1, 2], "c": "x"}});
    let Outcome::Mismatch {
        diff,
        missing,
        pending,
        file,
        write_error: None,
    } = check(root, "todos__list", &value)
    else {
        panic!("a new snapshot must fail");
    };
    assert!(missing && pending);
    assert_eq!(file, snaps.join("todos__list.snap"));
    let new = read(snaps.join("todos__list.snap.new"));
    assert_eq!(
        body(&new),
        "{\n  \"a\": {\n    \"c\": \"x\",\n    \"d\": [\n      1,\n      2\n    ]\n  },\n  \"b\": 1\n}\n"
    );
    assert!(
        new.contains("description: GET /api/todos as user\n"),
        "{new}"
    );
    assert!(new.contains("input_file: suites/todos.yaml\n"), "{new}");
    // Review tools show `Source: suites/todos.yaml:14`, not gatecheck's code.
    assert!(
        new.starts_with("---\nsource: suites/todos.yaml\nassertion_line: 14\n"),
        "{new}"
    );
    assert!(
        new.contains("info:\n  trial: \"todos::list\"\n  identity: user\n"),
        "{new}"
    );
    assert!(!new.contains("expression:"), "{new}");
    assert!(
        diff.starts_with("--- snapshots/todos__list.snap (no snapshot yet)\n+++ new response\n"),
        "{diff}"
    );
    assert!(diff.contains("\n+  \"b\": 1\n"), "{diff}");

    // What `cargo insta accept` does: the `.snap` keeps no assertion line.
    let accepted = gatecheck::review::accept_file(&snaps.join("todos__list.snap.new")).unwrap();
    assert_eq!(accepted, snaps.join("todos__list.snap"));
    let kept = read(snaps.join("todos__list.snap"));
    assert!(
        kept.starts_with("---\nsource: suites/todos.yaml\ndescription:"),
        "{kept}"
    );
    assert_eq!(check(root, "todos__list", &value), Outcome::Matched);
    let reordered = json!({"a": {"c": "x", "d": [1, 2]}, "b": 1});
    assert_eq!(check(root, "todos__list", &reordered), Outcome::Matched);

    let changed = json!({"b": 2, "a": {"d": [1, 2], "c": "x"}});
    let Outcome::Mismatch {
        diff,
        missing,
        pending,
        ..
    } = check(root, "todos__list", &changed)
    else {
        panic!("a changed value must fail");
    };
    assert!(!missing && pending);
    assert!(
        diff.starts_with("--- snapshots/todos__list.snap\n+++ new response\n@@ "),
        "{diff}"
    );
    assert!(diff.contains("\n-  \"b\": 1\n+  \"b\": 2\n"), "{diff}");
    assert!(!diff.contains("\x1b["), "no colours: {diff}");
    assert!(body(&read(snaps.join("todos__list.snap.new"))).contains("\"b\": 2"));

    // Matching again removes the pending file, as insta does.
    assert_eq!(check(root, "todos__list", &value), Outcome::Matched);
    assert!(!snaps.join("todos__list.snap.new").exists());

    // An I/O failure inside insta is a failed check, not a panic.
    std::fs::write(root.join("blocked"), "a file, not a folder").unwrap();
    let outcome = snapshot::check(&Snapshot {
        dir: &root.join("blocked/snapshots"),
        name: "x",
        suite_file: &root.join("suites/todos.yaml"),
        line: &|| 1,
        description: "",
        info: &Json::Null,
        value: (&value).into(),
        redact: &[],
        secrets: &gatecheck::secret::mask::MaskSet::default(),
    });
    let Outcome::Mismatch {
        diff,
        pending,
        write_error,
        ..
    } = outcome
    else {
        panic!("an unwritable folder must fail: {outcome:?}");
    };
    assert!(!pending);
    // The reason, not insta's internal `unwrap()` panic.
    let blocked = root.join("blocked/snapshots");
    assert_eq!(
        write_error.as_deref(),
        Some(
            format!(
                "cannot write to {}: Not a directory (os error 20)",
                blocked.display()
            )
            .as_str()
        )
    );
    assert!(!diff.contains("unwrap"), "{diff}");
    assert!(
        diff.starts_with("--- blocked/snapshots/x.snap (no snapshot yet)"),
        "{diff}"
    );
}

/// Writes `<name>.snap` holding `value`, as insta would.
fn write_snap(root: &Path, name: &str, value: &str) {
    let snaps = root.join("snapshots");
    std::fs::create_dir_all(&snaps).unwrap();
    let text = format!("---\nsource: src/check/snapshot.rs\n---\n{value}\n");
    std::fs::write(snaps.join(format!("{name}.snap")), text).unwrap();
}

fn unreadable(root: &Path) {
    let snaps = root.join("snapshots");
    std::fs::create_dir_all(&snaps).unwrap();
    std::fs::write(snaps.join("todos__list.snap"), "---\nsource: [unclosed\n").unwrap();
    let Outcome::Mismatch {
        diff,
        missing,
        pending,
        ..
    } = check(root, "todos__list", &json!({"a": 1}))
    else {
        panic!("an unreadable snapshot must fail");
    };
    assert!(!missing && pending);
    assert!(
        diff.starts_with("the existing snapshot could not be read ("),
        "{diff}"
    );
    assert!(diff.contains("\n+  \"a\": 1\n"), "{diff}");
}

fn ci(root: &Path) {
    let Outcome::Mismatch {
        missing, pending, ..
    } = check(root, "todos__new", &json!({"a": 1}))
    else {
        panic!("a missing snapshot fails in CI");
    };
    assert!(missing && !pending);
    assert!(!root.join("snapshots").exists(), "nothing is written in CI");

    // A .snap.new left by an earlier local run is not this run's.
    write_snap(root, "todos__old", "{\n  \"a\": 1\n}");
    let stale = root.join("snapshots/todos__old.snap.new");
    std::fs::write(&stale, "---\nsource: x\n---\n{\n  \"a\": 0\n}\n").unwrap();
    let past = SystemTime::now() - Duration::from_secs(3600);
    std::fs::File::options()
        .write(true)
        .open(&stale)
        .unwrap()
        .set_modified(past)
        .unwrap();
    let Outcome::Mismatch {
        diff,
        missing,
        pending,
        ..
    } = check(root, "todos__old", &json!({"a": 2}))
    else {
        panic!("a changed value fails in CI");
    };
    assert!(!missing && !pending);
    assert!(diff.contains("\n-  \"a\": 1\n+  \"a\": 2\n"), "{diff}");
    assert!(
        read(stale).contains("\"a\": 0"),
        "the stale file is untouched"
    );
    assert_eq!(snapshot::pending_written(), 0);
}

fn update_no(root: &Path) {
    let outcome = check(root, "todos__new", &json!({"a": 1}));
    assert!(
        matches!(
            outcome,
            Outcome::Mismatch {
                missing: true,
                pending: false,
                ..
            }
        ),
        "{outcome:?}"
    );
    assert!(!root.join("snapshots").exists());
}

fn always(root: &Path) {
    let snap = root.join("snapshots/todos__list.snap");
    assert_eq!(
        check(root, "todos__list", &json!({"a": 1})),
        Outcome::Written
    );
    assert_eq!(body(&read(snap.clone())), "{\n  \"a\": 1\n}\n");
    assert_eq!(
        check(root, "todos__list", &json!({"a": 1})),
        Outcome::Matched
    );
    assert_eq!(
        check(root, "todos__list", &json!({"a": 2})),
        Outcome::Written
    );
    assert_eq!(body(&read(snap.clone())), "{\n  \"a\": 2\n}\n");
    assert!(!snap.with_extension("snap.new").exists());
}

fn unseen(root: &Path) {
    assert_eq!(
        check(root, "todos__list", &json!({"a": 1})),
        Outcome::Written
    );
    assert!(root.join("snapshots/todos__list.snap").exists());
    let outcome = check(root, "todos__list", &json!({"a": 2}));
    assert!(
        matches!(
            outcome,
            Outcome::Mismatch {
                missing: false,
                pending: true,
                ..
            }
        ),
        "a seen snapshot still needs review: {outcome:?}"
    );
}

fn ci_update_new(root: &Path) {
    let outcome = check(root, "todos__list", &json!({"a": 1}));
    assert!(
        matches!(
            outcome,
            Outcome::Mismatch {
                missing: true,
                pending: true,
                ..
            }
        ),
        "{outcome:?}"
    );
    assert!(root.join("snapshots/todos__list.snap.new").exists());
}

fn force_pass(root: &Path) {
    assert_eq!(
        check(root, "todos__list", &json!({"a": 1})),
        Outcome::Written
    );
    assert!(root.join("snapshots/todos__list.snap.new").exists());
    assert!(!root.join("snapshots/todos__list.snap").exists());
    assert_eq!(snapshot::pending_written(), 1);
}

/// 16 threads at once: missing, matching and changed snapshots.
fn parallel(root: &Path) {
    for i in (0..16).filter(|i| i % 4 != 0) {
        write_snap(root, &format!("s__t{i}"), &format!("{{\n  \"i\": {i}\n}}"));
    }
    let barrier = Arc::new(Barrier::new(16));
    let threads: Vec<_> = (0..16)
        .map(|i| {
            let (root, barrier) = (root.to_path_buf(), barrier.clone());
            std::thread::spawn(move || {
                let value = if i % 4 == 2 { i + 100 } else { i };
                barrier.wait();
                check(&root, &format!("s__t{i}"), &json!({"i": value}))
            })
        })
        .collect();
    for (i, thread) in threads.into_iter().enumerate() {
        let outcome = thread.join().expect("check never panics");
        let new = root.join(format!("snapshots/s__t{i}.snap.new"));
        match (i % 4, outcome) {
            (1 | 3, outcome) => assert_eq!(outcome, Outcome::Matched, "t{i}"),
            (0, Outcome::Mismatch { diff, missing, .. }) => {
                assert!(missing, "t{i}");
                assert!(diff.contains(&format!("\n+  \"i\": {i}\n")), "t{i}: {diff}");
                assert!(read(new).contains(&format!("\"i\": {i}\n")), "t{i}");
            }
            (2, Outcome::Mismatch { diff, missing, .. }) => {
                assert!(!missing, "t{i}");
                let change = format!("\n-  \"i\": {i}\n+  \"i\": {}\n", i + 100);
                assert!(diff.contains(&change), "t{i}: {diff}");
                assert!(diff.contains(&format!("s__t{i}.snap\n")), "t{i}: {diff}");
                assert!(read(new).contains(&format!("\"i\": {}\n", i + 100)));
            }
            (_, outcome) => panic!("t{i}: unexpected {outcome:?}"),
        }
    }
    assert_eq!(snapshot::pending_written(), 8);
    let _ = std::panic::catch_unwind(|| panic!("{UNRELATED_PANIC}"));
}

// ------------------------------------------------------------ pure functions

#[test]
fn slug_makes_file_names() {
    assert_eq!(
        format!("{}__{}", slug("Todos API"), slug("list my todos")),
        "todos_api__list_my_todos"
    );
    assert_eq!(slug("  GET /api/todos?limit=10 "), "get_api_todos_limit_10");
    assert_eq!(
        slug("snake_case and kebab-case"),
        "snake_case_and_kebab-case"
    );
    assert_eq!(slug("a__b"), "a_b", "`__` only separates parts");
    assert_eq!(slug("row 2: {id: 7}"), "row_2_id_7");
    assert_eq!(slug("Ünïcode Çafé"), "n_code_af");
    assert_eq!(slug("-_-"), "");
    assert_eq!(slug(""), "");
}

#[test]
fn non_latin_names_slug_to_distinct_readable_names() {
    assert_eq!(slug("Список задач"), "список_задач");
    assert_eq!(slug("Удалить задачу"), "удалить_задачу");
    assert_eq!(slug("获取待办事项"), "获取待办事项");
    assert_eq!(slug("删除待办事项"), "删除待办事项");
    assert_eq!(slug("タスク一覧 (管理者)"), "タスク一覧_管理者");
    assert_eq!(slug("Λίστα εργασιών"), "λίστα_εργασιών");
    assert_eq!(
        slug("सूची दिखाएँ"),
        "सूची_दिखाएँ",
        "combining marks stay in words"
    );
    assert_eq!(slug("GET Список 2"), "get_список_2");
    assert_eq!(
        slug("「一覧」、取得。"),
        "一覧_取得",
        "punctuation separates"
    );
    // Latin names keep the slugs they always had (accents drop out).
    assert_eq!(slug("Ünïcode Çafé"), "n_code_af");
    assert_eq!(slug("cafe\u{301} × ½"), "cafe");
    // Long non-Latin names are cut on a character boundary, with a hash.
    let long = "задача ".repeat(30);
    let cut = slug(&long);
    assert!(cut.len() <= 80, "{cut}");
    assert!(cut.starts_with("задача_задача_"), "{cut}");
    assert_ne!(cut, slug(&"задача ".repeat(31)));
}

#[test]
fn slug_shortens_long_names_with_a_hash() {
    let long = "x ".repeat(100);
    let cut = slug(&long);
    assert_eq!(cut.len(), 80, "{cut}");
    assert_ne!(
        cut,
        slug(&"x ".repeat(101)),
        "different names stay different"
    );
    assert_eq!(cut, slug(&long), "stable");
    assert!(cut.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
}

fn redactions(paths: &[(&str, Json)]) -> Vec<(JsonPath, Json)> {
    paths
        .iter()
        .map(|(p, r)| (JsonPath::parse(p).unwrap(), r.clone()))
        .collect()
}

#[test]
fn redact_nested_arrays() {
    let mut value = json!({
        "items": [{"id": 1, "tags": [{"id": 9}]}, {"id": 2}, {"name": "no id"}],
        "id": "top"
    });
    redact(&mut value, &redactions(&[("$.items[*].id", json!("[id]"))]));
    assert_eq!(
        value,
        json!({
            "items": [{"id": "[id]", "tags": [{"id": 9}]}, {"id": "[id]"}, {"name": "no id"}],
            "id": "top"
        })
    );
    redact(&mut value, &redactions(&[("$..id", json!(0))]));
    assert_eq!(value["items"][0]["tags"][0]["id"], json!(0));
    assert_eq!(value["id"], json!(0));
}

#[test]
fn redact_missing_path_is_a_no_op() {
    let original = json!({"items": [], "user": {"name": "a"}});
    let mut value = original.clone();
    let paths = [
        ("$.nothing", json!("[x]")),
        ("$.items[*].id", json!("[x]")),
        ("$.user.name.first", json!("[x]")),
    ];
    redact(&mut value, &redactions(&paths));
    assert_eq!(value, original);
}

#[test]
fn redact_odd_keys_filters_and_root() {
    let mut value = json!({"it's": {"a\\b": 1, "tab\there": 2}, "list": [{"n": 1}, {"n": 5}]});
    let paths = [
        ("$[\"it's\"][\"a\\\\b\"]", json!("[a]")),
        ("$[\"it's\"][\"tab\\there\"]", json!("[t]")),
        ("$.list[?@.n > 2].n", json!("[big]")),
        ("$.list[-2].n", json!("[first]")),
    ];
    redact(&mut value, &redactions(&paths));
    assert_eq!(
        value,
        json!({"it's": {"a\\b": "[a]", "tab\there": "[t]"}, "list": [{"n": "[first]"}, {"n": "[big]"}]})
    );
    redact(&mut value, &redactions(&[("$", json!(null))]));
    assert_eq!(value, Json::Null);
}
