//! Headless Chromium for the HTML report's tests: load a page, let its
//! script run, and read back the DOM a person would see, with every
//! network request the browser makes sent to a local proxy that records
//! them.
//!
//! Skipped (with a message) only when no `chromium` is installed and
//! `GATECHECK_BROWSER_TESTS` is not set; CI sets it, so there a missing
//! browser fails the test.

use std::io::{BufRead as _, BufReader, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Longest a page may take to load and render on a busy machine.
const BROWSER_TIMEOUT: Duration = Duration::from_secs(120);

/// The browser to drive, or None (after saying why) when the test should skip.
pub fn chromium() -> Option<PathBuf> {
    let found = ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| which(name));
    let required = std::env::var_os("GATECHECK_BROWSER_TESTS").is_some_and(|v| !v.is_empty());
    match found {
        Some(path) => Some(path),
        None if required => panic!(
            "GATECHECK_BROWSER_TESTS is set but no chromium is installed \
             (apt-get install -y chromium)"
        ),
        None => {
            eprintln!(
                "SKIPPED: browser test: chromium is not installed (apt-get install -y chromium); \
                 set GATECHECK_BROWSER_TESTS=1 to make this a failure"
            );
            None
        }
    }
}

fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// Every request line the browser sent through the proxy.
pub struct Proxy {
    port: u16,
    seen: Arc<Mutex<Vec<String>>>,
}

impl Proxy {
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen: Arc<Mutex<Vec<String>>> = Arc::default();
        let log = seen.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
                let mut line = String::new();
                let _ = BufReader::new(&stream).read_line(&mut line);
                if line.starts_with("STOP") {
                    return;
                }
                log.lock().unwrap().push(line.trim_end().to_owned());
            }
        });
        Self { port, seen }
    }

    /// The requests seen, without Chromium's own background calls to
    /// Google's services (time, component updates), which no page makes.
    pub fn page_requests(&self) -> Vec<String> {
        self.seen
            .lock()
            .unwrap()
            .iter()
            .filter(|line| !is_browser_service(line))
            .cloned()
            .collect()
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        if let Ok(mut s) = TcpStream::connect(("127.0.0.1", self.port)) {
            let _ = s.write_all(b"STOP\r\n");
        }
    }
}

fn is_browser_service(line: &str) -> bool {
    let target = line.split(' ').nth(1).unwrap_or("");
    let host = target
        .trim_start_matches("http://")
        .trim_start_matches("https://")
        .split(['/', ':'])
        .next()
        .unwrap_or("");
    ["google.com", "googleapis.com", "gvt1.com", "gstatic.com"]
        .iter()
        .any(|d| host == *d || host.ends_with(&format!(".{d}")))
}

/// Loads `url` in headless Chromium (network through `proxy`) and returns
/// the DOM after the page's script ran.
pub fn dump_dom(browser: &Path, profile: &Path, proxy: &Proxy, url: &str) -> String {
    let out = run(browser, profile, proxy, &["--dump-dom", url]);
    assert!(
        out.contains("data-rendered=\"true\""),
        "the page did not render:\n{out}"
    );
    out
}

/// Saves a screenshot of `url` at `png`.
pub fn screenshot(browser: &Path, profile: &Path, proxy: &Proxy, url: &str, png: &Path) {
    let shot = format!("--screenshot={}", png.display());
    run(
        browser,
        profile,
        proxy,
        &["--window-size=1200,1500", &shot, url],
    );
    assert!(png.is_file(), "no screenshot at {}", png.display());
}

/// Loads `url` and waits for the browser to exit (for pages without gatecheck's script).
pub fn load(browser: &Path, profile: &Path, proxy: &Proxy, url: &str) {
    run(browser, profile, proxy, &["--dump-dom", url]);
}

fn run(browser: &Path, profile: &Path, proxy: &Proxy, args: &[&str]) -> String {
    let out_file = profile.with_extension("out");
    let stdout = std::fs::File::create(&out_file).unwrap();
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--proxy-server=http://127.0.0.1:{}", proxy.port))
        .arg("--proxy-bypass-list=<-loopback>")
        .args(args)
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(Stdio::null())
        .spawn()
        .expect("chromium starts");
    let deadline = Instant::now() + BROWSER_TIMEOUT;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "chromium failed: {status}");
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within {BROWSER_TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    std::fs::read_to_string(&out_file).unwrap()
}
