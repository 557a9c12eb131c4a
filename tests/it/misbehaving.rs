//! A misbehaving HTTP server on 127.0.0.1:0, written by hand on raw sockets
//! so it can do what well-behaved frameworks will not: an endless chunked
//! body, a Content-Length of 10 GiB, JSON nested thousands of levels deep.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

/// One chunk of the endless body: JSON-looking filler.
const CHUNK: usize = 64 * 1024;

/// The server; it runs until the test process ends.
pub struct Misbehaving {
    pub url: String,
    pub hits: Arc<AtomicUsize>,
    endless: Arc<Endless>,
}

/// What the endless routes sent, and whether the client hung up.
#[derive(Default)]
struct Endless {
    sent: AtomicU64,
    closed: Mutex<usize>,
    hung_up: Condvar,
}

impl Misbehaving {
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let hits = Arc::new(AtomicUsize::new(0));
        let endless = Arc::new(Endless::default());
        let (h, e) = (hits.clone(), endless.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (h, e) = (h.clone(), e.clone());
                std::thread::spawn(move || serve(stream, &h, &e));
            }
        });
        Self { url, hits, endless }
    }

    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }

    /// Bytes of endless bodies written so far.
    pub fn endless_sent(&self) -> u64 {
        self.endless.sent.load(Ordering::SeqCst)
    }

    /// Waits (at most `limit`) until `n` endless bodies were hung up on by
    /// the client; true when they were.
    pub fn wait_hung_up(&self, n: usize, limit: Duration) -> bool {
        let closed = self.endless.closed.lock().unwrap();
        let (closed, _) = self
            .endless
            .hung_up
            .wait_timeout_while(closed, limit, |c| *c < n)
            .unwrap();
        *closed >= n
    }
}

/// JSON nested `depth` levels: `{"a":[{"a":[ ... "leaf" ... ]}]}`.
pub fn nested_json(depth: usize) -> String {
    let mut text = String::with_capacity(depth * 6);
    for i in 0..depth {
        text.push_str(if i % 2 == 0 { "{\"a\":" } else { "[" });
    }
    text.push_str("\"leaf\"");
    for i in (0..depth).rev() {
        text.push(if i % 2 == 0 { '}' } else { ']' });
    }
    text
}

fn serve(stream: TcpStream, hits: &AtomicUsize, endless: &Endless) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut stream = stream;
    // Keep-alive: answer requests on this connection until it closes.
    while let Some(path) = read_request(&mut reader) {
        hits.fetch_add(1, Ordering::SeqCst);
        let keep_open = respond(&mut stream, &path, endless);
        if !keep_open {
            return;
        }
    }
}

/// The path of the next request (its headers and body consumed).
fn read_request(reader: &mut BufReader<TcpStream>) -> Option<String> {
    let mut line = String::new();
    reader.read_line(&mut line).ok().filter(|n| *n > 0)?;
    let path = line.split_whitespace().nth(1)?.to_owned();
    let mut length = 0usize;
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).ok().filter(|n| *n > 0)?;
        if header == "\r\n" {
            break;
        }
        if let Some((name, value)) = header.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(path)
}

/// Answers `path`; false when the connection must close.
fn respond(stream: &mut TcpStream, path: &str, endless: &Endless) -> bool {
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match parts.as_slice() {
        ["endless"] | ["api", "v1", "authn"] => {
            send_endless(stream, endless);
            false
        }
        ["declared-huge"] => {
            let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 10737418240\r\n\r\n[";
            let _ = stream.write_all(head.as_bytes());
            // The client must give up on the header alone; nothing more comes.
            let _ = stream.read(&mut [0; 1]);
            false
        }
        ["big", n] => {
            let n: usize = n.parse().unwrap_or(2);
            // `["xxxx"]`: valid JSON of exactly n bytes (n >= 4).
            let body = format!("[\"{}\"]", "x".repeat(n.saturating_sub(4)));
            send_json(stream, &body)
        }
        ["deep", n] => send_json(stream, &nested_json(n.parse().unwrap_or(1))),
        _ => send(stream, "404 Not Found", "text/plain", "no such route"),
    }
}

fn send_json(stream: &mut TcpStream, body: &str) -> bool {
    send(stream, "200 OK", "application/json", body)
}

fn send(stream: &mut TcpStream, status: &str, content_type: &str, body: &str) -> bool {
    let head = format!(
        "HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).is_ok() && stream.write_all(body.as_bytes()).is_ok()
}

/// A chunked JSON body that never ends, until the client hangs up.
fn send_endless(stream: &mut TcpStream, endless: &Endless) {
    let head =
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
    let mut chunk = format!("{CHUNK:x}\r\n").into_bytes();
    chunk.extend(std::iter::repeat_n(b' ', CHUNK));
    chunk.extend_from_slice(b"\r\n");
    let mut ok =
        stream.write_all(head.as_bytes()).is_ok() && stream.write_all(b"1\r\n[\r\n").is_ok();
    while ok {
        ok = stream.write_all(&chunk).is_ok();
        if ok {
            endless.sent.fetch_add(CHUNK as u64, Ordering::SeqCst);
        }
    }
    *endless.closed.lock().unwrap() += 1;
    endless.hung_up.notify_all();
}
