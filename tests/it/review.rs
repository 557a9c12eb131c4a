//! `gatecheck review` / `accept` / `reject` in a folder that is not a Cargo
//! package (where `cargo insta` cannot run), on the same `.snap.new` files
//! insta writes; and the snapshot header that review tools show.

use crate::common::{self, Project, Run, TestApi};

const SUITE: &str = r#"base_url: ${API_URL}
tests:
  - name: list items
    request: {url: /items}
    expect:
      status: 200
      snapshot: {redact: ["$.updatedAt"]}

  - name: item by id
    request: {url: "/items/{{ id }}"}
    expect: {status: 200}

  - name: create then read
    steps:
      - request: {method: POST, url: /create, json: {title: milk}}
        expect: {status: 201}
        capture: {new_id: $.id}
      - name: read one
        request: {url: "/items/1?after={{ new_id }}"}
        expect: {status: 200, snapshot: true}
"#;

const LIST: &str = "suites/snapshots/items__list_items.snap";
const BY_ID: &str = "suites/snapshots/items__item_by_id.snap";
const STEP: &str = "suites/snapshots/items__create_then_read__step2.snap";

fn project(name: &str) -> Project {
    let p = Project::new(name);
    assert!(
        !p.dir.ancestors().any(|d| d.join("Cargo.toml").exists()),
        "the test folder must not be inside a Cargo package"
    );
    p.file("suites/items.yaml", SUITE);
    p
}

fn run(p: &Project, api: &TestApi, id: &str) -> Run {
    let var = format!("id={id}");
    let env = [("API_URL", api.url.as_str())];
    p.run_as_user(&["--test-threads", "1", "--var", &var], &env, "")
}

fn read(p: &Project, rel: &str) -> String {
    std::fs::read_to_string(p.path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn pending_snapshots_name_the_suite_file_and_the_line_of_the_test() {
    let api = TestApi::start();
    let p = project("review-source");
    assert_eq!(run(&p, &api, "1").code, 1);
    let list = read(&p, &format!("{LIST}.new"));
    assert!(
        list.starts_with(
            "---\nsource: suites/items.yaml\nassertion_line: 3\ndescription: GET /items\n\
             info:\n  trial: \"items::list items\"\ninput_file: suites/items.yaml\n---\n"
        ),
        "{list}"
    );
    // A step: its own line, the URL as written (a captured id would change
    // the header on every run), and which step it is.
    let step = read(&p, &format!("{STEP}.new"));
    assert!(
        step.starts_with(
            "---\nsource: suites/items.yaml\nassertion_line: 18\n\
             description: \"GET /items/1?after={{ new_id }}\"\n\
             info:\n  trial: \"items::create then read\"\n  step: \"2 of 2: read one\"\n"
        ),
        "{step}"
    );
}

#[test]
fn review_accepts_rejects_and_skips_from_scripted_input() {
    let api = TestApi::start();
    let p = project("review-interactive");
    assert_eq!(run(&p, &api, "1").code, 1);
    // Sorted: create_then_read__step2, item_by_id, list_items. A typo is
    // asked again; the end of the input skips the rest.
    let out = p.run_as_user(&["review"], &[], "a\nmaybe\nr\n");
    assert_eq!(out.code, 0, "{}", out.normalized(&p));
    insta::assert_snapshot!(common::normalize(&out.stdout, &p));
    assert!(p.path(STEP).exists() && !p.path(format!("{STEP}.new").as_str()).exists());
    assert!(!p.path(BY_ID).exists() && !p.path(&format!("{BY_ID}.new")).exists());
    assert!(
        p.path(&format!("{LIST}.new")).exists(),
        "skipped: still pending"
    );
    // What the run reads back: insta's own file format, with no review-only line.
    let accepted = read(&p, STEP);
    assert!(
        accepted.starts_with("---\nsource: suites/items.yaml\ndescription:"),
        "{accepted}"
    );

    // The accepted snapshot passes; the rejected one is new again.
    let again = run(&p, &api, "1");
    assert_eq!(again.code, 1, "{}", again.normalized(&p));
    assert!(
        again.stdout.contains("test items::create then read ... ok"),
        "{}",
        again.stdout
    );
    assert!(
        again.stdout.contains("snapshot `items__item_by_id` is new"),
        "{}",
        again.stdout
    );
    assert!(
        again
            .stderr
            .contains("2 snapshots to review: run `gatecheck review`"),
        "{}",
        again.stderr
    );

    let quit = p.run_as_user(&["review"], &[], "q\n");
    assert_eq!(quit.code, 0, "{}", quit.normalized(&p));
    assert!(
        quit.stdout.ends_with("0 accepted, 0 rejected, 2 skipped\n"),
        "{}",
        quit.stdout
    );
}

#[test]
fn accept_and_reject_take_a_filter_and_the_next_run_agrees() {
    let api = TestApi::start();
    let p = project("review-accept");
    assert_eq!(run(&p, &api, "1").code, 1);

    let nothing = p.run_as_user(&["accept", "no_such_test"], &[], "");
    assert_eq!(nothing.code, 2, "{}", nothing.normalized(&p));
    assert_eq!(
        nothing.stderr,
        "no pending snapshot matches `no_such_test`; pending: items__create_then_read__step2, \
         items__item_by_id, items__list_items\n"
    );

    let one = p.run_as_user(&["accept", "list_items"], &[], "");
    assert_eq!(one.code, 0, "{}", one.normalized(&p));
    assert_eq!(
        one.stdout,
        format!("accepted {LIST}\n1 accepted, 0 rejected, 0 skipped\n")
    );
    let rest = p.run_as_user(&["accept"], &[], "");
    assert_eq!(
        rest.stdout.matches("accepted suites/").count(),
        2,
        "{}",
        rest.stdout
    );
    let green = run(&p, &api, "1");
    assert_eq!(green.code, 0, "{}", green.normalized(&p));

    // A changed body leaves a .snap.new; rejecting it keeps the baseline.
    let before = read(&p, BY_ID);
    let changed = run(&p, &api, "2");
    assert_eq!(changed.code, 1, "{}", changed.normalized(&p));
    let rejected = p.run_as_user(&["reject", "item_by_id"], &[], "");
    assert_eq!(rejected.code, 0, "{}", rejected.normalized(&p));
    assert_eq!(
        rejected.stdout,
        format!("rejected {BY_ID}.new\n0 accepted, 1 rejected, 0 skipped\n")
    );
    assert_eq!(read(&p, BY_ID), before);
    assert!(!p.path(&format!("{BY_ID}.new")).exists());

    let none = p.run_as_user(&["review"], &[], "");
    assert_eq!(none.code, 0, "{}", none.normalized(&p));
    assert_eq!(
        none.stdout,
        "no pending snapshots (no *.snap.new files); nothing to do\n"
    );
}

/// A `.snap` that is a symbolic link (to a shell rc file, say) is replaced
/// by the accepted snapshot; the file it pointed at keeps its text.
#[test]
fn accept_and_review_replace_a_linked_snapshot_and_never_write_through_it() {
    let api = TestApi::start();
    let p = project("review-link");
    assert_eq!(run(&p, &api, "1").code, 1);
    p.file("home/.bashrc", "echo keep me\n");
    std::os::unix::fs::symlink("../../home/.bashrc", p.path(LIST)).unwrap();
    std::os::unix::fs::symlink("../../home/.bashrc", p.path(STEP)).unwrap();

    let accepted = p.run_as_user(&["accept", "list_items"], &[], "");
    assert_eq!(accepted.code, 0, "{}", accepted.normalized(&p));
    let reviewed = p.run_as_user(&["review", "create_then_read"], &[], "a\n");
    assert_eq!(reviewed.code, 0, "{}", reviewed.normalized(&p));

    assert_eq!(read(&p, "home/.bashrc"), "echo keep me\n");
    for snap in [LIST, STEP] {
        let meta = std::fs::symlink_metadata(p.path(snap)).unwrap();
        assert!(meta.file_type().is_file(), "{snap} is still a link");
        assert!(read(&p, snap).starts_with("---\nsource: suites/items.yaml\n"));
    }
    // The accepted snapshots pass.
    let again = run(&p, &api, "1");
    for trial in ["items::list items", "items::create then read"] {
        assert!(
            again
                .stdout
                .lines()
                .any(|l| l.starts_with(&format!("test {trial} ")) && l.ends_with("... ok")),
            "{}",
            again.stdout
        );
    }
}

/// A pending file that is not a snapshot but a huge file or a FIFO is
/// refused with its name, not read whole (or waited on).
#[test]
fn review_refuses_a_pending_file_that_is_a_fifo() {
    let p = project("review-fifo");
    std::fs::create_dir_all(p.path("suites/snapshots")).unwrap();
    let fifo = p.path("suites/snapshots/x.snap.new");
    let c = std::ffi::CString::new(fifo.to_string_lossy().as_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let out = p.run_as_user(&["accept"], &[], "");
    assert_eq!(out.code, 1, "{}", out.normalized(&p));
    assert_eq!(
        out.stderr,
        "failed to read snapshot `suites/snapshots/x.snap.new`: not a regular file; remove it\n"
    );
}

#[test]
fn review_refuses_a_huge_pending_file_unread() {
    let p = project("review-huge");
    std::fs::create_dir_all(p.path("suites/snapshots")).unwrap();
    // Sparse: 3 GiB that reading would bring into memory.
    let file = std::fs::File::create(p.path("suites/snapshots/x.snap.new")).unwrap();
    file.set_len(3 << 30).unwrap();
    let out = p.run_as_user(&["accept"], &[], "");
    assert_eq!(out.code, 1, "{}", out.normalized(&p));
    assert_eq!(
        out.stderr,
        "failed to read snapshot `suites/snapshots/x.snap.new`: larger than 256 MiB; \
         remove it, or reject it with `gatecheck reject`\n"
    );
}

/// On a terminal one key answers, without Enter (as `cargo insta review`):
/// run through `script`, which gives the review a pseudo-terminal.
#[test]
fn review_on_a_terminal_takes_one_key_without_enter() {
    use std::io::{Read as _, Write as _};
    use std::process::{Command, Stdio};
    use std::time::Duration;
    let api = TestApi::start();
    let p = project("review-keys");
    assert_eq!(run(&p, &api, "1").code, 1);
    let review = format!("{} review", env!("CARGO_BIN_EXE_gatecheck"));
    let mut cmd = Command::new("script");
    cmd.args(["-qec", &review, "/dev/null"])
        .current_dir(&p.dir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("GATECHECK_TOKEN_CACHE", "off")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut child = match cmd.spawn() {
        Ok(child) => child,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            println!("SKIPPED: `script` (util-linux) is not installed");
            return;
        }
        Err(e) => panic!("{e}"),
    };
    let mut stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut buffer = [0u8; 4096];
        while let Ok(n) = stdout.read(&mut buffer) {
            if n == 0 || tx.send(buffer[..n].to_vec()).is_err() {
                return;
            }
        }
    });
    let mut seen = String::new();
    // Waits for `text` in the output; a bound (not a timing) ends a hang.
    let mut wait_for = |text: &str, child: &mut std::process::Child| {
        while !seen.contains(text) {
            match rx.recv_timeout(Duration::from_secs(60)) {
                Ok(bytes) => seen.push_str(&String::from_utf8_lossy(&bytes)),
                Err(_) => {
                    let _ = child.kill();
                    panic!("no `{text}` in:\n{seen}");
                }
            }
        }
    };
    let mut stdin = child.stdin.take().unwrap();
    wait_for("[a/r/s, q to quit]", &mut child);
    // One key, no Enter: a line-based review would wait here for ever.
    stdin.write_all(b"a").unwrap();
    stdin.flush().unwrap();
    let step = "accepted suites/snapshots/items__create_then_read__step2.snap";
    wait_for(step, &mut child);
    stdin.write_all(b"q").unwrap();
    stdin.flush().unwrap();
    wait_for("1 accepted, 0 rejected, 2 skipped", &mut child);
    drop(stdin);
    assert!(child.wait().unwrap().success());
    assert!(p.path(STEP).is_file());
    assert!(
        p.path(&format!("{LIST}.new")).is_file(),
        "quit: still pending"
    );
}
