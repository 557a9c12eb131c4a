//! Files gatecheck writes and reads on the user's behalf: a link is replaced,
//! never written through; a report or snapshot is whole or absent, even on a
//! full disk; report paths are checked before any test runs; files named in
//! suites are read only when they are regular files, with a bound; and a
//! suite linked to a file outside the project is not read (nor shown).

use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{Project, Run, TestApi};

const SUITE: &str = "base_url: ${API_URL}\ntests:\n  - name: list items\n    request: {url: /items}\n    expect: {status: 200, snapshot: false}\n";

fn project(name: &str) -> Project {
    let p = Project::new(name);
    p.file("suites/items.yaml", SUITE);
    p
}

fn read(p: &Project, rel: &str) -> String {
    std::fs::read_to_string(p.path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn is_link(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

/// Runs `cmd` to its end, or kills it after a generous bound so that a
/// hang fails the test instead of stalling the suite.
fn finish(mut cmd: Command) -> Run {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("gatecheck starts");
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("gatecheck hung");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Run::from(child.wait_with_output().unwrap())
}

#[test]
fn reports_that_are_links_are_replaced_and_their_targets_kept() {
    let api = TestApi::start();
    let p = project("links-reports");
    p.file("home/.bashrc", "echo keep me\n");
    p.file("home/.profile", "echo keep me too\n");
    symlink("home/.bashrc", p.path("junit.xml")).unwrap();
    symlink("home/.profile", p.path("report.html")).unwrap();
    let env = [("API_URL", api.url.as_str())];
    let out = p.run(&["--junit", "junit.xml", "--html", "report.html"], &env);
    assert_eq!(out.code, 0, "{}", out.normalized(&p));
    assert_eq!(read(&p, "home/.bashrc"), "echo keep me\n");
    assert_eq!(read(&p, "home/.profile"), "echo keep me too\n");
    assert!(!is_link(&p.path("junit.xml")) && !is_link(&p.path("report.html")));
    assert!(read(&p, "junit.xml").contains("<testcase name=\"list items\""));
    assert!(read(&p, "report.html").starts_with("<!DOCTYPE html>"));
    // No temporary file is left beside them.
    let names = p.files();
    assert!(!names.iter().any(|n| n.ends_with(".tmp")), "{names:?}");
}

#[test]
fn init_leaves_a_linked_gitignore_alone_and_refuses_a_dangling_fixture() {
    let outside = Project::new("links-outside");
    outside.file("gitignore", "secret-stuff\n");
    let p = Project::new("links-init");
    symlink(outside.path("gitignore"), p.path(".gitignore")).unwrap();
    let out = p.run(&["init"], &[]);
    assert_eq!(out.code, 0, "{}", out.normalized(&p));
    assert_eq!(read(&outside, "gitignore"), "secret-stuff\n");
    assert!(
        out.stdout.contains(
            "left .gitignore alone (a symbolic link); add the line `*.snap.new` to it yourself"
        ),
        "{}",
        out.stdout
    );

    let dangling = Project::new("links-dangling");
    std::fs::create_dir_all(dangling.path("fixtures")).unwrap();
    symlink("nowhere.yaml", dangling.path("fixtures/user.yaml")).unwrap();
    let out = dangling.run(&["init"], &[]);
    assert_eq!(out.code, 2, "{}", out.normalized(&dangling));
    assert_eq!(
        out.stderr,
        "`fixtures/user.yaml` is a symbolic link to `nowhere.yaml`, which does not exist; \
         remove the link (or create its target) and run `gatecheck init` again; nothing was written\n"
    );
    assert_eq!(dangling.files(), ["fixtures/user.yaml"], "only the link");
}

#[test]
fn init_openapi_refuses_a_dangling_fixture_before_writing_anything() {
    let p = Project::new("links-dangling-openapi");
    std::fs::create_dir_all(p.path("fixtures")).unwrap();
    symlink("nowhere.yaml", p.path("fixtures/user.yaml")).unwrap();
    let document = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("crates/emulator/src/api/openapi.yaml"),
    )
    .unwrap();
    p.file("openapi.yaml", &document);
    let out = p.run(&["init", "--openapi", "openapi.yaml"], &[]);
    assert_eq!(out.code, 2, "{}", out.normalized(&p));
    assert_eq!(
        out.stderr,
        "`fixtures/user.yaml` is a symbolic link to `nowhere.yaml`, which does not exist; \
         remove the link (or create its target) and run `gatecheck init` again; nothing was written\n"
    );
    assert_eq!(
        p.files(),
        ["fixtures/user.yaml", "openapi.yaml"],
        "only the link and the document"
    );
}

#[test]
fn report_paths_are_checked_before_any_test_runs() {
    let api = TestApi::start();
    let p = project("report-paths");
    p.file("README", "a file, not a folder\n");
    let env = [("API_URL", api.url.as_str())];
    let cases: [(&[&str], &str); 4] = [
        (
            &["--junit", "/"],
            "--junit `/`: not a file name; give a file path such as `out/report.xml`",
        ),
        (
            &["--html", "suites"],
            "--html `suites`: is a folder; give a file path inside it",
        ),
        (
            &["--junit", "README/j.xml"],
            "--junit `README/j.xml`: `README` is not a folder",
        ),
        (
            &["--junit", "out/r.xml", "--html", "./out/../out/r.xml"],
            "--junit and --html name one file (`./out/../out/r.xml`); give each report its own file",
        ),
    ];
    for (args, message) in cases {
        let out = p.run(args, &env);
        assert_eq!(out.code, 2, "{args:?}: {}", out.normalized(&p));
        assert_eq!(out.stderr, format!("{message}\n"), "{args:?}");
    }
    assert_eq!(api.hits(), 0, "no test ran");
    // A missing folder is made, before the run.
    let out = p.run(&["--junit", "new/dir/j.xml"], &env);
    assert_eq!(out.code, 0, "{}", out.normalized(&p));
    assert!(read(&p, "new/dir/j.xml").contains("list items"));
}

/// A tiny tmpfs mounted at a folder, unmounted on drop; `None` when this
/// process may not mount (not root, or in a container without the right).
struct Tmpfs(std::path::PathBuf);

impl Tmpfs {
    fn mount(dir: &Path) -> Option<Self> {
        std::fs::create_dir_all(dir).unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=64k", "tmpfs"])
            .arg(dir)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            return None;
        }
        // Filled to the last byte: every later write fails with ENOSPC.
        let mut filler = std::fs::File::create(dir.join("filler")).unwrap();
        let chunk = vec![b'x'; 4096];
        while std::io::Write::write_all(&mut filler, &chunk).is_ok() {}
        let _ = std::io::Write::write_all(&mut filler, b"x");
        Some(Self(dir.to_path_buf()))
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_full_disk_leaves_no_cut_report_and_no_empty_pending_snapshot() {
    let api = TestApi::start();
    let p = Project::new("disk-full");
    p.file(
        "suites/items.yaml",
        "base_url: ${API_URL}\ntests:\n  - name: list items\n    request: {url: /items}\n    expect: {status: 200, snapshot: true}\n",
    );
    let Some(reports) = Tmpfs::mount(&p.path("full")) else {
        println!("SKIPPED: cannot mount a tmpfs here (needs root)");
        return;
    };
    let Some(snapshots) = Tmpfs::mount(&p.path("suites/snapshots")) else {
        println!("SKIPPED: cannot mount a tmpfs here (needs root)");
        return;
    };
    let env = [("API_URL", api.url.as_str())];
    let out = p.run(&["--junit", "full/junit.xml"], &env);
    assert_eq!(out.code, 1, "{}", out.normalized(&p));
    assert!(
        out.stdout.contains(
            "it could not be written (writing `suites/snapshots/items__list_items.snap.new` \
             failed: No space left on device (os error 28))"
        ),
        "{}",
        out.stdout
    );
    assert!(
        out.stderr.contains(
            "failed to write JUnit report `full/junit.xml`: No space left on device (os error 28)"
        ),
        "{}",
        out.stderr
    );
    assert_eq!(entries(&reports.0), ["filler"]);
    assert_eq!(entries(&snapshots.0), ["filler"]);
}

#[test]
fn files_named_in_suites_and_reports_are_read_only_when_regular() {
    let p = Project::new("bounded-reads");
    let fifo = p.path("suites/rows.csv");
    std::fs::create_dir_all(fifo.parent().unwrap()).unwrap();
    let c = std::ffi::CString::new(fifo.to_string_lossy().as_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    p.file(
        "suites/rows.yaml",
        "base_url: http://127.0.0.1:9\ntests:\n  - name: fifo\n    each: rows.csv\n    request: {url: /}\n  - name: zero\n    each: /dev/zero\n    request: {url: /}\n",
    );
    let out = finish(p.command(&["validate"], &[]));
    assert_eq!(out.code, 2, "{}", out.normalized(&p));
    assert!(
        out.stderr.contains(
            "failed to read rows file `suites/rows.csv`: is not a regular file (a FIFO); give the path of a file"
        ),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains(
            "failed to read rows file `/dev/zero`: is not a regular file (a device); give the path of a file"
        ),
        "{}",
        out.stderr
    );

    let merge = finish(p.command(&["report", "merge", "all.html", "suites/rows.csv"], &[]));
    assert_eq!(merge.code, 2, "{}", merge.normalized(&p));
    assert_eq!(
        merge.stderr,
        "failed to read HTML report `suites/rows.csv`: is not a regular file (a FIFO); give the path of a file\n"
    );
}

#[test]
fn a_suite_linked_outside_the_project_is_not_read_or_shown() {
    let home = Project::new("links-home");
    home.file(
        ".npmrc",
        "//registry.npmjs.org/:_authToken=npm_S3CRETtoken\n",
    );
    let p = Project::new("links-suite");
    std::fs::create_dir_all(p.path("suites")).unwrap();
    symlink(home.path(".npmrc"), p.path("suites/npm.yaml")).unwrap();
    let out = p.run(&["validate"], &[]);
    assert_eq!(out.code, 2, "{}", out.normalized(&p));
    assert!(!out.stderr.contains("S3CRET"), "{}", out.stderr);
    assert!(
        out.stderr.starts_with(
            "error: suites/npm.yaml: is a symbolic link that leads outside the project (to `"
        ),
        "{}",
        out.stderr
    );
    // A file inside the project that is not a suite is named by its shape,
    // not quoted.
    std::fs::remove_file(p.path("suites/npm.yaml")).unwrap();
    p.file("suites/npm.yaml", &read(&home, ".npmrc"));
    let out = p.run(&["validate"], &[]);
    assert_eq!(
        out.stderr,
        "error: suites/npm.yaml:1:1: expected a map of keys (such as `tests:`), found a string; \
         is this a gatecheck file?\n1 error found; nothing was run\n"
    );
}

#[test]
fn a_snapshot_file_that_is_a_fifo_fails_its_test_unread() {
    let api = TestApi::start();
    let p = Project::new("snap-fifo");
    p.file(
        "suites/items.yaml",
        "base_url: ${API_URL}\ntests:\n  - name: list items\n    request: {url: /items}\n    expect: {status: 200}\n",
    );
    let fifo = p.path("suites/snapshots/items__list_items.snap");
    std::fs::create_dir_all(fifo.parent().unwrap()).unwrap();
    let c = std::ffi::CString::new(fifo.to_string_lossy().as_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let out = finish(p.command(&[], &[("API_URL", &api.url)]));
    assert_eq!(out.code, 1, "{}", out.normalized(&p));
    assert!(
        out.stdout.contains(
            "it could not be written (`suites/snapshots/items__list_items.snap` is not a regular file; remove it)"
        ),
        "{}",
        out.stdout
    );
}
