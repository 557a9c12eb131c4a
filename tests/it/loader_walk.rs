//! What the loader finds under a suites path: folders and files it cannot
//! read, broken symbolic links, link loops and special files are errors
//! (exit 2, each named), never skipped tests, duplicated tests or a hang.

use std::os::unix::fs::{PermissionsExt, symlink};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{Project, Run};

const SUITE: &str = "base_url: http://127.0.0.1:1\ntests:\n  - {name: a, request: {url: /a}}\n";

/// An unprivileged user: as root, permissions are not enforced, so the
/// binary is run as `nobody` to meet an unreadable folder as users do.
const NOBODY: u32 = 65534;

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// The binary, where `nobody` may run it (a copy when the build folder is
/// closed to other users).
fn binary_for_nobody(p: &Project) -> PathBuf {
    let built = PathBuf::from(env!("CARGO_BIN_EXE_gatecheck"));
    let runs = Command::new(&built)
        .arg("--version")
        .uid(NOBODY)
        .gid(NOBODY)
        .output()
        .is_ok_and(|o| o.status.success());
    if runs {
        return built;
    }
    let copy = p.path("bin/gatecheck");
    std::fs::create_dir_all(copy.parent().unwrap()).unwrap();
    std::fs::copy(&built, &copy).unwrap();
    std::fs::set_permissions(p.path("bin"), std::fs::Permissions::from_mode(0o755)).unwrap();
    copy
}

/// `gatecheck validate` in `p` as a user that file permissions apply to.
fn validate_unprivileged(p: &Project) -> Run {
    let mut cmd = if is_root() {
        let mut cmd = Command::new(binary_for_nobody(p));
        cmd.uid(NOBODY).gid(NOBODY);
        cmd
    } else {
        Command::new(env!("CARGO_BIN_EXE_gatecheck"))
    };
    cmd.current_dir(&p.dir)
        .arg("validate")
        .env_clear()
        .env("GATECHECK_TOKEN_CACHE", "off");
    Run::from(cmd.output().expect("gatecheck runs"))
}

fn chmod(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn unreadable_folders_and_files_are_errors_not_skipped_tests() {
    let p = Project::new("walk-perms");
    chmod(&p.dir, 0o755);
    p.file("suites/ok.yaml", SUITE);
    p.file("suites/locked/hidden.yaml", SUITE);
    p.file("suites/secret.yaml", SUITE);
    std::fs::write(p.path("suites/latin1.yaml"), b"name: caf\xe9\n").unwrap();
    chmod(&p.path("suites/locked"), 0o000);
    chmod(&p.path("suites/secret.yaml"), 0o000);
    let out = validate_unprivileged(&p);
    chmod(&p.path("suites/locked"), 0o755); // so that the folder can be removed
    assert_eq!(out.code, 2, "{}\n{}", out.stdout, out.stderr);
    assert_eq!(
        out.stderr,
        "error: suites/latin1.yaml: is not UTF-8 text; save it as UTF-8\n\
         error: suites/locked: cannot read folder: Permission denied (os error 13); make it \
         readable, or move it out of the suites path\n\
         error: suites/secret.yaml: cannot read file: Permission denied (os error 13); make it \
         readable, or remove it\n\
         3 errors found; nothing was run\n"
    );
}

#[test]
fn link_loops_broken_links_and_special_files_are_errors() {
    let p = Project::new("walk-links");
    p.file("suites/ok.yaml", SUITE);
    p.file("shared/common.yaml", SUITE);
    p.file("suites/sub/inner.yaml", SUITE);
    symlink("..", p.path("suites/sub/back")).unwrap();
    symlink("../shared", p.path("suites/x")).unwrap();
    symlink("../shared", p.path("suites/y")).unwrap();
    symlink("ping.yaml", p.path("suites/pong.yaml")).unwrap();
    symlink("pong.yaml", p.path("suites/ping.yaml")).unwrap();
    symlink("nowhere.yaml", p.path("suites/gone.yaml")).unwrap();
    let fifo = std::ffi::CString::new(p.path("suites/pipe.yaml").to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path; mkfifo only creates a file.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
    let out = p.run(&["validate"], &[]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_eq!(
        out.stderr,
        "error: suites/gone.yaml: broken symbolic link: No such file or directory (os error 2); \
         fix it or remove it\n\
         error: suites/ping.yaml: broken symbolic link: Too many levels of symbolic links (os \
         error 40); fix it or remove it\n\
         error: suites/pipe.yaml: not a regular file; remove it\n\
         error: suites/pong.yaml: broken symbolic link: Too many levels of symbolic links (os \
         error 40); fix it or remove it\n\
         error: suites/sub/back: symbolic link loop: this folder is `suites` again; remove the \
         link\n\
         error: suites/y: this folder is `suites/x` again (through a symbolic link), so its \
         suites would run twice; remove the link\n\
         6 errors found; nothing was run\n"
    );
    // Without the bad entries, the linked folder counts once.
    for bad in [
        "sub/back",
        "y",
        "ping.yaml",
        "pong.yaml",
        "gone.yaml",
        "pipe.yaml",
    ] {
        std::fs::remove_file(p.path(&format!("suites/{bad}"))).unwrap();
    }
    let out = p.run(&["validate"], &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout.trim(),
        "ok: 3 suites, 3 tests (3 trials), 0 identities"
    );
}

#[test]
fn a_suite_file_that_is_a_pipe_is_refused_not_waited_on() {
    let p = Project::new("walk-fifo");
    std::fs::create_dir_all(p.path("suites")).unwrap();
    let fifo = std::ffi::CString::new(p.path("suites/pipe.yaml").to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path; mkfifo only creates a file.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
    let out = p.run(&["validate", "suites/pipe.yaml"], &[]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "error: suites/pipe.yaml: not a regular file; give a suites folder or a suite file\n\
         1 error found; nothing was run\n"
    );
}
