//! Runs the gatecheck binary as a child: wall time, exit status and peak
//! memory (max RSS from `wait4`), with a watchdog so nothing hangs.

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

/// A child that takes longer than this is killed.
const WATCHDOG: Duration = Duration::from_secs(120);

pub struct Run {
    pub wall: Duration,
    pub max_rss_kib: u64,
    pub ok: bool,
    pub stdout: String,
    pub stderr: String,
}

/// Environment variables removed from every child (they change behaviour).
const CLEARED: [&str; 11] = [
    "CI",
    "INSTA_UPDATE",
    "INSTA_FORCE_PASS",
    "INSTA_OUTPUT",
    "INSTA_WORKSPACE_ROOT",
    "INSTA_PENDING_DIR",
    "HTTP_PROXY",
    "http_proxy",
    "ALL_PROXY",
    "all_proxy",
    "GATECHECK_CACHE_DIR",
];

pub fn run(bin: &Path, args: &[&str], cwd: &Path, env: &[(&str, &str)]) -> Run {
    let out = cwd.join(".bench-stdout");
    let err = cwd.join(".bench-stderr");
    let mut cmd = Command::new(bin);
    cmd.args(args)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out).expect("stdout file"))
        .stderr(std::fs::File::create(&err).expect("stderr file"));
    for name in CLEARED {
        cmd.env_remove(name);
    }
    cmd.env("NO_PROXY", "127.0.0.1,localhost");
    // Every run logs in (and nothing is written to the user's token cache).
    cmd.env("GATECHECK_TOKEN_CACHE", "off");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let started = Instant::now();
    let child = cmd.spawn().expect("spawn gatecheck");
    let pid = child.id() as libc::pid_t;
    let (exited, exit_seen) = mpsc::channel::<()>();
    let watchdog = std::thread::spawn(move || {
        if let Err(RecvTimeoutError::Timeout) = exit_seen.recv_timeout(WATCHDOG) {
            // SAFETY: the child is not reaped before this thread is joined.
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
    });
    // Wait for the exit without reaping (WNOWAIT), so the watchdog can never
    // signal a reused pid; then stop the watchdog and reap with wait4 for the rusage.
    // SAFETY: siginfo_t is plain data; waitid fills it.
    let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
    // SAFETY: pid is our child.
    unsafe {
        libc::waitid(
            libc::P_PID,
            pid as libc::id_t,
            &mut info,
            libc::WEXITED | libc::WNOWAIT,
        )
    };
    let wall = started.elapsed();
    let _ = exited.send(());
    let _ = watchdog.join();
    let mut status = 0;
    // SAFETY: rusage is plain data; wait4 fills it.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: pid is our child; wait4 reaps it (std's Child is not waited on).
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    drop(child);
    let ok = waited == pid && libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    Run {
        wall,
        max_rss_kib: usage.ru_maxrss as u64,
        ok,
        stdout: std::fs::read_to_string(&out).unwrap_or_default(),
        stderr: std::fs::read_to_string(&err).unwrap_or_default(),
    }
}
