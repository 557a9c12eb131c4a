//! The insta bridge (`gatecheck::check::snapshot`) on a real file system.
//!
//! Each case runs in its own temporary folder (the insta workspace) under
//! an explicit [`Policy`] (insta's settings: `INSTA_UPDATE`, `CI`,
//! `INSTA_FORCE_PASS`...), so modes are tested side by side in one process;
//! what the environment sets is read into a `Policy` by
//! `gatecheck::check::insta_policy` (tested there) and by the runs of
//! `snapshot_flow.rs`.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Barrier};

use gatecheck::check::insta_policy::{Policy, Update};
use gatecheck::check::snapshot::{self, Outcome, Snapshot, redact, slug};
use gatecheck::suite::expect::JsonPath;
use serde_json::{Value as Json, json};

/// A fresh folder for one case, holding `suites/todos.yaml`.
fn workspace(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("gatecheck-snapshot-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("suites")).unwrap();
    std::fs::write(dir.join("suites/todos.yaml"), "tests: []\n").unwrap();
    dir
}

/// insta's settings outside CI, with `update` and in `root`.
fn policy(root: &Path, update: Update) -> Policy {
    Policy {
        update,
        ..Policy::local(root)
    }
}

fn check(root: &Path, policy: &Policy, name: &str, value: &Json) -> Outcome {
    snapshot::check_with(
        &Snapshot {
            dir: &root.join("snapshots"),
            name,
            suite_file: &root.join("suites/todos.yaml"),
            line: &|| 14,
            description: "GET /api/todos as user",
            info: &json!({"trial": "todos::list", "identity": "user"}),
            value: value.into(),
            redact: &[],
            secrets: &gatecheck::secret::mask::MaskSet::default(),
        },
        policy,
    )
}

fn read(path: PathBuf) -> String {
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The part of a `.snap` file after its header.
fn body(text: &str) -> &str {
    text.split_once("\n---\n").expect("snapshot header").1
}

/// Writes `<name>.snap` holding `value`, as insta would.
fn write_snap(root: &Path, name: &str, value: &str) {
    let snaps = root.join("snapshots");
    std::fs::create_dir_all(&snaps).unwrap();
    let text = format!("---\nsource: src/check/snapshot.rs\n---\n{value}\n");
    std::fs::write(snaps.join(format!("{name}.snap")), text).unwrap();
}

#[test]
fn a_new_snapshot_fails_is_accepted_then_matches_and_a_change_fails() {
    let root = workspace("local");
    let local = policy(&root, Update::Auto);
    let snaps = root.join("snapshots");
    let value = json!({"b": 1, "a": {"d": [1, 2], "c": "x"}});
    let outcome = check(&root, &local, "todos__list", &value);
    assert!(outcome.wrote_pending());
    let Outcome::Mismatch {
        diff,
        missing,
        pending,
        file,
        write_error: None,
    } = outcome
    else {
        panic!("a new snapshot must fail");
    };
    assert!(missing && pending);
    assert_eq!(file, snaps.join("todos__list.snap"));
    let new = read(snaps.join("todos__list.snap.new"));
    assert_eq!(
        new,
        "---\nsource: suites/todos.yaml\nassertion_line: 14\n\
         description: GET /api/todos as user\ninfo:\n  trial: \"todos::list\"\n  \
         identity: user\ninput_file: suites/todos.yaml\n---\n\
         {\n  \"a\": {\n    \"c\": \"x\",\n    \"d\": [\n      1,\n      2\n    ]\n  },\n  \"b\": 1\n}\n"
    );
    // insta itself reads it: `cargo insta review` shows the same snapshot.
    let insta_read = insta::Snapshot::from_file(&snaps.join("todos__list.snap.new")).unwrap();
    assert_eq!(insta_read.metadata().source(), Some("suites/todos.yaml"));
    assert_eq!(insta_read.metadata().assertion_line(), Some(14));
    assert!(
        diff.starts_with(&format!(
            "--- {} (no snapshot yet)\n+++ new response\n",
            file.display()
        )),
        "{diff}"
    );
    assert!(diff.contains("\n+  \"b\": 1\n"), "{diff}");

    // What `cargo insta accept` does: the `.snap` keeps no assertion line.
    let accepted = gatecheck::review::accept_file(&snaps.join("todos__list.snap.new")).unwrap();
    assert_eq!(accepted, snaps.join("todos__list.snap"));
    assert_eq!(
        read(snaps.join("todos__list.snap")),
        new.replace("assertion_line: 14\n", "")
    );
    assert_eq!(
        check(&root, &local, "todos__list", &value),
        Outcome::Matched
    );
    let reordered = json!({"a": {"c": "x", "d": [1, 2]}, "b": 1});
    assert_eq!(
        check(&root, &local, "todos__list", &reordered),
        Outcome::Matched
    );

    let changed = json!({"b": 2, "a": {"d": [1, 2], "c": "x"}});
    let Outcome::Mismatch {
        diff,
        missing,
        pending,
        ..
    } = check(&root, &local, "todos__list", &changed)
    else {
        panic!("a changed value must fail");
    };
    assert!(!missing && pending);
    assert!(
        diff.starts_with(&format!(
            "--- {}\n+++ new response\n@@ ",
            snaps.join("todos__list.snap").display()
        )),
        "{diff}"
    );
    assert!(diff.contains("\n-  \"b\": 1\n+  \"b\": 2\n"), "{diff}");
    assert!(!diff.contains("\x1b["), "no colours: {diff}");
    assert!(body(&read(snaps.join("todos__list.snap.new"))).contains("\"b\": 2"));

    // Matching again removes the pending file, as insta does.
    assert_eq!(
        check(&root, &local, "todos__list", &value),
        Outcome::Matched
    );
    assert!(!snaps.join("todos__list.snap.new").exists());
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn an_unwritable_folder_fails_with_the_reason() {
    let root = workspace("blocked");
    std::fs::write(root.join("blocked"), "a file, not a folder").unwrap();
    let value = json!({"a": 1});
    let outcome = snapshot::check_with(
        &Snapshot {
            dir: &root.join("blocked/snapshots"),
            name: "x",
            suite_file: &root.join("suites/todos.yaml"),
            line: &|| 1,
            description: "",
            info: &Json::Null,
            value: (&value).into(),
            redact: &[],
            secrets: &gatecheck::secret::mask::MaskSet::default(),
        },
        &Policy::local(&root),
    );
    assert!(!outcome.wrote_pending());
    let Outcome::Mismatch {
        diff, write_error, ..
    } = outcome
    else {
        panic!("an unwritable folder must fail: {outcome:?}");
    };
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
    assert!(
        diff.starts_with(&format!(
            "--- {} (no snapshot yet)",
            blocked.join("x.snap").display()
        )),
        "{diff}"
    );
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn an_unreadable_snapshot_is_reported_as_new() {
    let root = workspace("unreadable");
    let snaps = root.join("snapshots");
    std::fs::create_dir_all(&snaps).unwrap();
    std::fs::write(snaps.join("todos__list.snap"), "---\nsource: [unclosed\n").unwrap();
    let local = Policy::local(&root);
    let Outcome::Mismatch {
        diff,
        missing,
        pending,
        ..
    } = check(&root, &local, "todos__list", &json!({"a": 1}))
    else {
        panic!("an unreadable snapshot must fail");
    };
    assert!(!missing && pending);
    assert!(
        diff.starts_with("the existing snapshot could not be read ("),
        "{diff}"
    );
    assert!(diff.contains("\n+  \"a\": 1\n"), "{diff}");
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn ci_writes_nothing_and_ignores_stale_pending() {
    let root = workspace("ci");
    let ci = Policy {
        ci: true,
        ..Policy::local(&root)
    };
    let outcome = check(&root, &ci, "todos__new", &json!({"a": 1}));
    let Outcome::Mismatch {
        missing, pending, ..
    } = outcome
    else {
        panic!("a missing snapshot fails in CI");
    };
    assert!(missing && !pending);
    assert!(!root.join("snapshots").exists(), "nothing is written in CI");

    // A .snap.new left by an earlier local run is not this run's.
    write_snap(&root, "todos__old", "{\n  \"a\": 1\n}");
    let stale = root.join("snapshots/todos__old.snap.new");
    std::fs::write(&stale, "---\nsource: x\n---\n{\n  \"a\": 0\n}\n").unwrap();
    let outcome = check(&root, &ci, "todos__old", &json!({"a": 2}));
    assert!(!outcome.wrote_pending());
    let Outcome::Mismatch {
        diff,
        missing,
        pending,
        ..
    } = outcome
    else {
        panic!("a changed value fails in CI");
    };
    assert!(!missing && !pending);
    assert!(diff.contains("\n-  \"a\": 1\n+  \"a\": 2\n"), "{diff}");
    assert!(
        read(stale).contains("\"a\": 0"),
        "the stale file is untouched"
    );
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn insta_update_no_writes_nothing() {
    let root = workspace("update-no");
    let outcome = check(
        &root,
        &policy(&root, Update::No),
        "todos__new",
        &json!({"a": 1}),
    );
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
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn insta_update_always_writes_the_snap_in_place() {
    let root = workspace("always");
    let always = policy(&root, Update::Always);
    let snap = root.join("snapshots/todos__list.snap");
    let written = Outcome::Written { pending: false };
    assert_eq!(
        check(&root, &always, "todos__list", &json!({"a": 1})),
        written
    );
    // The accepted form: no assertion line.
    assert!(
        read(snap.clone()).starts_with("---\nsource: suites/todos.yaml\ndescription:"),
        "{}",
        read(snap.clone())
    );
    assert_eq!(body(&read(snap.clone())), "{\n  \"a\": 1\n}\n");
    assert_eq!(
        check(&root, &always, "todos__list", &json!({"a": 1})),
        Outcome::Matched
    );
    assert_eq!(
        check(&root, &always, "todos__list", &json!({"a": 2})),
        written
    );
    assert_eq!(body(&read(snap.clone())), "{\n  \"a\": 2\n}\n");
    assert!(!snap.with_extension("snap.new").exists());
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn insta_force_update_rewrites_a_matching_snapshot() {
    let root = workspace("force");
    write_snap(&root, "todos__list", "{\n  \"a\": 1\n}");
    let snap = root.join("snapshots/todos__list.snap");
    let outcome = check(
        &root,
        &policy(&root, Update::Force),
        "todos__list",
        &json!({"a": 1}),
    );
    assert_eq!(outcome, Outcome::Matched);
    // The old header (another source) is replaced by this run's.
    assert!(
        read(snap.clone()).starts_with("---\nsource: suites/todos.yaml\n"),
        "{}",
        read(snap)
    );
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn insta_require_full_match_compares_the_header_too() {
    let root = workspace("full-match");
    write_snap(&root, "todos__list", "{\n  \"a\": 1\n}");
    let value = json!({"a": 1});
    let lenient = Policy::local(&root);
    assert_eq!(
        check(&root, &lenient, "todos__list", &value),
        Outcome::Matched
    );
    let strict = Policy {
        require_full_match: true,
        ..Policy::local(&root)
    };
    let outcome = check(&root, &strict, "todos__list", &value);
    assert!(
        matches!(outcome, Outcome::Mismatch { pending: true, .. }),
        "another header fails a full match: {outcome:?}"
    );
    gatecheck::review::accept_file(&root.join("snapshots/todos__list.snap.new")).unwrap();
    assert_eq!(
        check(&root, &strict, "todos__list", &value),
        Outcome::Matched
    );
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn insta_update_unseen_writes_only_new() {
    let root = workspace("unseen");
    let unseen = policy(&root, Update::Unseen);
    assert_eq!(
        check(&root, &unseen, "todos__list", &json!({"a": 1})),
        Outcome::Written { pending: false }
    );
    assert!(root.join("snapshots/todos__list.snap").exists());
    let outcome = check(&root, &unseen, "todos__list", &json!({"a": 2}));
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
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn insta_update_new_writes_pending_even_in_ci() {
    let root = workspace("ci-new");
    let new_in_ci = Policy {
        ci: true,
        ..policy(&root, Update::New)
    };
    let outcome = check(&root, &new_in_ci, "todos__list", &json!({"a": 1}));
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
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn insta_force_pass_writes_pending_and_passes() {
    let root = workspace("force-pass");
    let force_pass = Policy {
        force_pass: true,
        ..Policy::local(&root)
    };
    let outcome = check(&root, &force_pass, "todos__list", &json!({"a": 1}));
    assert_eq!(outcome, Outcome::Written { pending: true });
    assert!(outcome.wrote_pending(), "counted for review");
    assert_eq!(outcome.failure("todos__list"), None);
    assert!(root.join("snapshots/todos__list.snap.new").exists());
    assert!(!root.join("snapshots/todos__list.snap").exists());
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn pending_files_go_to_insta_pending_dir() {
    let root = workspace("pending-dir");
    let moved = Policy {
        pending_dir: Some(root.join("pending")),
        ..Policy::local(&root)
    };
    let outcome = check(&root, &moved, "todos__list", &json!({"a": 1}));
    assert!(outcome.wrote_pending(), "{outcome:?}");
    assert!(
        root.join("pending/snapshots/todos__list.snap.new")
            .is_file()
    );
    assert!(!root.join("snapshots").exists());
    std::fs::remove_dir_all(root).unwrap();
}

/// 16 threads at once: missing, matching and changed snapshots. Each
/// outcome says what its own check did, whatever the others do.
#[test]
fn parallel_checks_are_independent() {
    let root = workspace("parallel");
    let local = Arc::new(Policy::local(&root));
    for i in (0..16).filter(|i| i % 4 != 0) {
        write_snap(&root, &format!("s__t{i}"), &format!("{{\n  \"i\": {i}\n}}"));
    }
    let barrier = Arc::new(Barrier::new(16));
    let threads: Vec<_> = (0..16)
        .map(|i| {
            let (root, barrier, local) = (root.clone(), barrier.clone(), local.clone());
            std::thread::spawn(move || {
                let value = if i % 4 == 2 { i + 100 } else { i };
                barrier.wait();
                check(&root, &local, &format!("s__t{i}"), &json!({"i": value}))
            })
        })
        .collect();
    let mut pending = 0;
    for (i, thread) in threads.into_iter().enumerate() {
        let outcome = thread.join().expect("check never panics");
        pending += usize::from(outcome.wrote_pending());
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
    assert_eq!(pending, 8);
    // Only finished files: no staging folder is left.
    let left = std::fs::read_dir(root.join("snapshots")).unwrap().count();
    assert_eq!(left, 12 + 8, "12 .snap and 8 .snap.new");
    std::fs::remove_dir_all(root).unwrap();
}

/// Marks the child that runs [`two_runs`].
const TWO_RUNS_CHILD: &str = "GATECHECK_TWO_RUNS_CHILD";

/// Two runs at once in one process each count only the pending snapshots
/// their own checks wrote (the count lives in the run, not the process).
/// In a child (this test binary again) with `INSTA_UPDATE=new`, so that
/// pending files are written whatever `CI` says.
#[test]
fn two_runs_in_one_process_count_their_own_pending_snapshots() {
    if std::env::var_os(TWO_RUNS_CHILD).is_some() {
        two_runs();
        return;
    }
    let name = "snapshot_bridge::two_runs_in_one_process_count_their_own_pending_snapshots";
    let mut child = std::process::Command::new(std::env::current_exe().unwrap());
    child.args(["--exact", name, "--test-threads=1"]);
    for (var, _) in std::env::vars_os() {
        if var.to_string_lossy().starts_with("INSTA_") {
            child.env_remove(var);
        }
    }
    let output = child
        .env(TWO_RUNS_CHILD, "1")
        .env("INSTA_UPDATE", "new")
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "{text}");
    assert!(text.contains("1 passed"), "{text}");
}

fn two_runs() {
    let api = crate::common::TestApi::start();
    let suite = |n: usize| {
        let mut suite = String::from("base_url: ${API_URL}\ntests:\n");
        for i in 0..n {
            suite.push_str(&format!(
                "  - name: item {i}\n    request: {{url: /items/1}}\n"
            ));
        }
        suite
    };
    let projects: Vec<_> = [2, 5]
        .into_iter()
        .map(|n| {
            let p = crate::common::Project::new(&format!("two-runs-{n}"));
            p.file("suites/items.yaml", &suite(n));
            (n, p)
        })
        .collect();
    let barrier = Barrier::new(projects.len());
    std::thread::scope(|scope| {
        let runs: Vec<_> = projects
            .iter()
            .map(|(n, p)| {
                let (barrier, url) = (&barrier, api.url.clone());
                scope.spawn(move || {
                    let opts = gatecheck::run::RunOptions {
                        paths: vec![p.path("suites")],
                        ..Default::default()
                    };
                    let env = [("API_URL".to_owned(), url)].into_iter().collect();
                    barrier.wait();
                    (*n, gatecheck::run::run(&opts, &env).unwrap())
                })
            })
            .collect();
        for run in runs {
            let (n, summary) = run.join().unwrap();
            assert_eq!(summary.pending_snapshots, n, "{summary:?}");
            assert_eq!(summary.failed, n as u64, "{summary:?}");
        }
    });
    for (n, p) in &projects {
        let pending = p
            .files()
            .iter()
            .filter(|f| f.ends_with(".snap.new"))
            .count();
        assert_eq!(pending, *n);
    }
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
