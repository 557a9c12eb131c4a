//! A run that is cut short: its output's reader goes away (`| head -1`), or
//! a signal stops it (a CI's timeout). The reports still hold every
//! finished result, and no staging folder is left among the snapshots.

use std::io::{BufRead as _, BufReader, Write as _};
use std::net::TcpListener;
use std::process::Stdio;
use std::sync::mpsc;
use std::time::Duration;

use crate::common::{Project, TestApi};

const TWO_TESTS: &str = "base_url: ${API_URL}\ntests:\n  - name: a fast\n    request: {url: /fast}\n    expect: {status: 200, snapshot: false}\n  - name: b blocks\n    request: {url: /block}\n    expect: {status: 200, snapshot: false}\n";

/// A server on 127.0.0.1:0 that answers `/fast` at once and holds every
/// `/block` request open, saying on `arrived` that one came.
fn blocking_server() -> (String, mpsc::Receiver<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (arrived, wait) = mpsc::channel();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { return };
            let arrived = arrived.clone();
            // A thread per connection: a slow one never holds up the next.
            std::thread::spawn(move || answer(stream, &arrived));
        }
    });
    (url, wait)
}

/// Answers one request: `/fast` at once (closing the connection, so that
/// the next request opens its own), `/block` never.
fn answer(mut stream: std::net::TcpStream, arrived: &mpsc::Sender<()>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).unwrap_or(0) == 0 || header == "\r\n" {
            break;
        }
    }
    if line.contains("/block") {
        let _ = arrived.send(());
        // Held open until the test ends.
        let mut rest = Vec::new();
        let _ = std::io::Read::read_to_end(&mut reader, &mut rest);
        return;
    }
    let body = "{\"ok\":true}";
    let _ = write!(
        stream,
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\
         content-length: {}\r\n\r\n{body}",
        body.len()
    );
}

#[test]
fn a_signal_mid_run_writes_the_reports_of_what_finished() {
    for (signal, name, code) in [
        (libc::SIGTERM, "SIGTERM", 143),
        (libc::SIGINT, "SIGINT", 130),
        (libc::SIGHUP, "SIGHUP", 129),
    ] {
        let (url, arrived) = blocking_server();
        let p = Project::new("interrupt");
        p.file("suites/two.yaml", TWO_TESTS);
        let mut cmd = p.command(
            &[
                "--test-threads",
                "1",
                "--junit",
                "out/j.xml",
                "--html",
                "out/h.html",
            ],
            &[("API_URL", &url)],
        );
        cmd.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        // The first test has passed and the second waits on the server.
        if arrived.recv_timeout(Duration::from_secs(60)).is_err() {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!(
                "the blocking request never came:\n{}",
                String::from_utf8_lossy(&out.stdout)
            );
        }
        // SAFETY: sends a signal to the child this test started.
        assert_eq!(unsafe { libc::kill(child.id() as libc::pid_t, signal) }, 0);
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{name}: {stderr}");
        assert!(
            stderr.contains(&format!("gatecheck: stopped by {name};")),
            "{stderr}"
        );
        let junit = std::fs::read_to_string(p.path("out/j.xml")).expect("JUnit written");
        let doc = roxmltree::Document::parse(&junit).unwrap();
        let case = |n: &str| {
            doc.descendants()
                .find(|c| c.has_tag_name("testcase") && c.attribute("name") == Some(n))
                .unwrap_or_else(|| panic!("{n} in {junit}"))
        };
        assert!(
            case("a fast").children().all(|c| !c.is_element()),
            "{junit}"
        );
        let skipped = case("b blocks")
            .children()
            .find(|c| c.has_tag_name("skipped"))
            .unwrap_or_else(|| panic!("{junit}"));
        assert_eq!(
            skipped.attribute("message"),
            Some(
                format!("interrupted: the run was stopped by {name} before this test finished")
                    .as_str()
            ),
            "{junit}"
        );
        let html = std::fs::read_to_string(p.path("out/h.html")).expect("HTML written");
        assert!(
            html.contains("interrupted: the run was stopped by"),
            "{name}"
        );
    }
}

#[test]
fn a_closed_output_pipe_does_not_stop_the_run_or_its_reports() {
    let api = TestApi::start();
    let p = Project::new("closed-pipe");
    p.file(
        "suites/items.yaml",
        "base_url: ${API_URL}\ntests:\n  - name: list\n    request: {url: /items}\n    expect: {status: 200, snapshot: false}\n  - name: one\n    request: {url: /items/1}\n    expect: {status: 200, snapshot: false}\n",
    );
    let mut cmd = p.command(
        &["--junit", "j.xml", "--html", "h.html"],
        &[("API_URL", &api.url)],
    );
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    // The reader is gone before the first line is written: every write to
    // stdout fails with EPIPE.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let junit = std::fs::read_to_string(p.path("j.xml")).expect("JUnit written");
    assert!(junit.contains("tests=\"2\""), "{junit}");
    assert!(p.path("h.html").is_file());
    assert_eq!(api.hits(), 2);

    // Other commands too: `schema` prints a line per file it wrote.
    let mut cmd = p.command(&["schema", "--out", "schemas"], &[]);
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(p.path("schemas/suite.schema.json").is_file());

    // Output onto a full device: every write fails with ENOSPC.
    std::fs::remove_file(p.path("j.xml")).unwrap();
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = p
        .command(&["--junit", "j.xml"], &[("API_URL", &api.url)])
        .stdin(Stdio::null())
        .stdout(full)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(p.path("j.xml").is_file());
}

#[test]
fn a_staging_folder_left_by_a_killed_run_is_removed_by_the_next() {
    let api = TestApi::start();
    let p = Project::new("stale-staging");
    p.file(
        "suites/items.yaml",
        "base_url: ${API_URL}\ntests:\n  - name: list\n    request: {url: /items}\n    expect: {status: 200}\n",
    );
    // A process that has ended: its pid names the stale folder.
    let mut ended = std::process::Command::new("true").spawn().unwrap();
    let dead = ended.id();
    ended.wait().unwrap();
    let stale = format!("suites/snapshots/.gatecheck-staging-{dead}-0/items__list.snap.new");
    p.file(&stale, "---\nsource: cut");
    // A running process's folder (this test's) is not touched.
    let live = format!(
        "suites/snapshots/.gatecheck-staging-{}-0/x.snap",
        std::process::id()
    );
    p.file(&live, "");
    let out = p.run(&[], &[("API_URL", &api.url)]);
    assert_eq!(out.code, 1, "{}", out.normalized(&p));
    assert_eq!(
        p.files(),
        [
            "suites/items.yaml",
            live.as_str(),
            "suites/snapshots/items__list.snap.new"
        ]
    );
    // A green run (the snapshot matches without staging) sweeps too.
    assert_eq!(p.run(&["accept"], &[]).code, 0);
    p.file(&stale, "---\nsource: cut");
    let out = p.run(&[], &[("API_URL", &api.url)]);
    assert_eq!(out.code, 0, "{}", out.normalized(&p));
    assert_eq!(
        p.files(),
        [
            "suites/items.yaml",
            live.as_str(),
            "suites/snapshots/items__list.snap"
        ]
    );
}
