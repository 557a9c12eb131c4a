//! Limits that keep a run bounded, end to end against a misbehaving local
//! server: the response body size limit (API and identity provider), JSON
//! nested deeper than serde_json's default, and thread counts of 0.

use std::process::Stdio;
use std::time::Duration;

use crate::common::{Project, Run, TestApi};
use crate::misbehaving::Misbehaving;

/// A peak resident size an endless body must stay under (the default limit
/// is 64 MiB; a run without a limit grows until the machine gives up).
const MAX_RSS_MIB: i64 = 300;

fn run(p: &Project, server: &Misbehaving, args: &[&str]) -> Run {
    p.run(args, &[("API_URL", &server.url)])
}

/// Runs the binary and returns what it printed and its peak resident set
/// size in MiB: the highest `VmHWM` of its own address space, read from
/// /proc while it runs. (wait4's `ru_maxrss` is not used: a child spawned
/// with vfork inherits the spawning test process's peak at exec, so it
/// reports the whole test binary's memory when other tests ran before.)
#[allow(
    clippy::zombie_processes,
    reason = "reaped by libc::wait4, which reports its rusage"
)]
fn run_measured(p: &Project, server: &Misbehaving, args: &[&str]) -> (Run, i64) {
    let mut child = p
        .command(args, &[("API_URL", &server.url)])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("gatecheck starts");
    let readers = [
        read_all(child.stdout.take().unwrap()),
        read_all(child.stderr.take().unwrap()),
    ];
    let hwm = watch_peak_rss(child.id());
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: a child of this process, waited for once (never by `child.wait`).
    let pid = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    assert_eq!(pid, child.id() as i32, "wait4 failed");
    let [out, err] = readers.map(|r| r.join().unwrap());
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    let run = Run {
        code,
        stdout: out,
        stderr: err,
    };
    (run, hwm.join().unwrap() / 1024)
}

/// Polls `/proc/<pid>/status` until the process is gone; the highest
/// `VmHWM` seen, in KiB.
fn watch_peak_rss(pid: u32) -> std::thread::JoinHandle<i64> {
    std::thread::spawn(move || {
        let mut peak = 0;
        while let Ok(status) = std::fs::read_to_string(format!("/proc/{pid}/status")) {
            let Some(kib) = status
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<i64>().ok())
            else {
                break; // a zombie: its memory is gone
            };
            peak = peak.max(kib);
            std::thread::sleep(Duration::from_millis(2));
        }
        peak
    })
}

/// libtest's line for `name` says `ok`.
fn passed(text: &str, name: &str) -> bool {
    text.lines()
        .any(|l| l.starts_with(&format!("test {name} ")) && l.ends_with("... ok"))
}

fn read_all(mut pipe: impl std::io::Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut text = String::new();
        let _ = pipe.read_to_string(&mut text);
        text
    })
}

#[test]
fn an_endless_chunked_body_stops_at_the_default_limit_with_bounded_memory() {
    let server = Misbehaving::start();
    let p = Project::new("endless");
    p.file(
        "suites/endless.yaml",
        "base_url: ${API_URL}\ntests:\n  - name: endless\n    request: {url: /endless}\n    expect: {status: 200}\n",
    );
    let (out, rss_mib) = run_measured(&p, &server, &[]);
    eprintln!(
        "peak RSS of a run reading an endless body: {rss_mib} MiB ({} MiB sent)",
        server.endless_sent() >> 20
    );
    assert_eq!(out.code, 1, "{}", out.normalized(&p));
    assert!(
        out.stdout.contains(
            "the response body is larger than max_body_size (64 MiB); gatecheck stopped reading it. \
             Raise `max_body_size` in gatecheck.yaml"
        ),
        "{}",
        out.stdout
    );
    assert!(rss_mib < MAX_RSS_MIB, "peak RSS {rss_mib} MiB");
    // gatecheck hung up: the server's writes failed (no read until a timeout).
    assert!(server.wait_hung_up(1, Duration::from_secs(30)));
    assert!(server.endless_sent() >= 64 << 20);
}

const SIZES: &str = r#"
base_url: ${API_URL}
tests:
  - name: at the limit
    request: {url: /big/1024}
    expect: {status: 200, json: {"$[0]": {type: string}}, snapshot: false}
  - name: one byte over
    request: {url: /big/1025}
    expect: {status: 200, snapshot: false}
  - name: declared too large
    request: {url: /declared-huge}
    expect: {status: 200, snapshot: false}
  - name: endless
    request: {url: /endless}
    expect: {status: 200, snapshot: false}
"#;

#[test]
fn bodies_are_read_up_to_max_body_size_and_no_further() {
    let server = Misbehaving::start();
    let p = Project::new("sizes");
    p.file("suites/gatecheck.yaml", "max_body_size: 1KiB\n");
    p.file("suites/sizes.yaml", SIZES);
    let out = run(&p, &server, &["--test-threads", "1"]);
    let text = out.normalized(&p);
    assert_eq!(out.code, 1, "{text}");
    assert!(passed(&text, "sizes::at the limit"), "{text}");
    assert!(
        text.contains("test result: FAILED. 1 passed; 3 failed"),
        "{text}"
    );
    let stopped = "gatecheck stopped reading it. Raise `max_body_size` in gatecheck.yaml";
    for size in [
        "(1 KiB; Content-Length: 1025)",
        "(1 KiB; Content-Length: 10737418240)",
        // The endless body is chunked: no length announced.
        "(1 KiB)",
    ] {
        let line = format!("the response body is larger than max_body_size {size}; {stopped}");
        assert!(text.contains(&line), "{line}\n{text}");
    }
    assert!(server.wait_hung_up(1, Duration::from_secs(30)));
}

#[test]
fn an_identity_provider_answering_an_endless_body_fails_the_login() {
    let server = Misbehaving::start();
    let p = Project::new("idp-endless");
    p.file("suites/gatecheck.yaml", "max_body_size: 1MiB\n");
    p.file(
        "suites/api.yaml",
        "base_url: ${API_URL}\nauth: user\ntests:\n  - name: needs a login\n    request: {url: /big/10}\n",
    );
    p.file(
        "fixtures/user.yaml",
        "kind: okta-pkce\nokta_url: ${API_URL}\nclient_id: demo-spa\n\
         redirect_uri: http://localhost:3000/callback\nusername: ada@example.com\npassword: correct-horse\n",
    );
    let out = run(&p, &server, &[]);
    let text = out.normalized(&p);
    assert_eq!(out.code, 1, "{text}");
    assert!(
        text.contains(
            "login as `ada@example.com` failed: unexpected answer from POST \
             http://127.0.0.1:[PORT]/api/v1/authn: the response body is larger than max_body_size (1 MiB)"
        ),
        "{text}"
    );
    assert!(!text.contains("correct-horse"), "{text}");
    assert!(server.wait_hung_up(1, Duration::from_secs(30)));
}

#[test]
fn a_bad_max_body_size_is_a_located_input_error() {
    let server = Misbehaving::start();
    let p = Project::new("bad-size");
    p.file(
        "suites/gatecheck.yaml",
        "timeout: 5s\nmax_body_size: 64 MiBs\n",
    );
    p.file("suites/sizes.yaml", SIZES);
    let out = run(&p, &server, &[]);
    assert_eq!(out.code, 2, "{}", out.normalized(&p));
    assert!(
        out.stderr.contains(
            "suites/gatecheck.yaml:2:1: max_body_size: invalid size `64 MiBs` (unknown unit `MiBs`); \
             write e.g. `64MiB`, `500KB` or a number of bytes"
        ),
        "{}",
        out.stderr
    );
    assert_eq!(server.hits(), 0);
}

const DEEP: &str = r#"
base_url: ${API_URL}
tests:
  - name: deep but readable
    request: {url: /deep/256}
    expect:
      status: 200
      json:
        $.a[0].a[0].a: {type: array, length: 1}
        $..a: {exists: true}
    capture: {inner: "$.a[0].a[0]"}
  - name: too deep for json checks
    request: {url: /deep/5000}
    expect: {status: 200, json: {$.a: {exists: true}}}
  - name: too deep for a snapshot
    request: {url: /deep/5000}
    expect: {status: 200}
"#;

#[test]
fn json_deeper_than_serde_jsons_default_is_read_and_deeper_still_says_so() {
    let server = Misbehaving::start();
    let p = Project::new("deep");
    p.file("suites/deep.yaml", DEEP);
    // The first run writes the snapshot of the readable body, the second
    // compares with it; -v prints the whole body.
    let env = [("API_URL", server.url.as_str()), ("INSTA_UPDATE", "always")];
    let first = p.run(&["-v"], &env);
    let text = first.normalized(&p);
    assert_eq!(first.code, 1, "{text}");
    assert!(passed(&text, "deep::deep but readable"), "{text}");
    assert!(
        text.contains(
            "json: expected a JSON body, but the response is nested 5000 levels deep, deeper than \
             the 256 levels gatecheck reads as JSON"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "snapshot: expected a JSON body, but the response is nested 5000 levels deep"
        ),
        "{text}"
    );
    assert!(!text.contains("not JSON"), "{text}");
    let snap = p.path("suites/snapshots/deep__deep_but_readable.snap");
    let stored = std::fs::read_to_string(&snap).expect("snapshot written");
    assert!(stored.contains("\"leaf\""), "{stored}");
    let second = run(&p, &server, &["deep but readable"]);
    assert_eq!(second.code, 0, "{}", second.normalized(&p));
}

#[test]
fn zero_threads_are_usage_errors_not_a_hang() {
    let api = TestApi::start();
    let p = Project::new("zero-threads");
    p.file(
        "suites/items.yaml",
        "base_url: ${API_URL}\ntests:\n  - name: one\n    request: {url: /items}\n",
    );
    let env = [("API_URL", api.url.as_str())];
    let out = p.run(&["--test-threads", "0"], &env);
    assert_eq!(out.code, 2, "{}", out.normalized(&p));
    assert!(
        out.stderr.contains(
            "invalid value '0' for '--test-threads <N>': must be at least 1 (0 would run no test at all)"
        ),
        "{}",
        out.stderr
    );
    p.file("suites/gatecheck.yaml", "concurrency: 0\n");
    let out = p.run(&[], &env);
    assert_eq!(out.code, 2, "{}", out.normalized(&p));
    assert!(
        out.stderr.contains(
            "suites/gatecheck.yaml:1:1: concurrency: must be at least 1 (0 would run no test at all)"
        ),
        "{}",
        out.stderr
    );
    // --test-threads wins over the config, but the config is still checked.
    let out = p.run(&["--test-threads", "2"], &env);
    assert_eq!(out.code, 2, "{}", out.normalized(&p));
    assert_eq!(api.hits(), 0);
}

#[test]
fn the_library_refuses_zero_threads_too() {
    let p = Project::new("zero-threads-lib");
    p.file(
        "suites/items.yaml",
        "base_url: http://127.0.0.1:9\ntests:\n  - name: one\n    request: {url: /items}\n",
    );
    let mut opts = gatecheck::run::RunOptions {
        paths: vec![p.path("suites")],
        ..Default::default()
    };
    opts.args.test_threads = Some(0);
    let err = gatecheck::run::run(&opts, &Default::default()).unwrap_err();
    assert!(matches!(err, gatecheck::error::Error::Usage(_)), "{err}");
    assert!(
        err.to_string()
            .starts_with("--test-threads must be at least 1")
    );
}
