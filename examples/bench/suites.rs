//! Generated suites: the workloads, written as YAML into a folder.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// What every test of a workload does.
pub struct Shape<'a> {
    /// Request path on the bench server: `/fast`, `/slow`, `/big`.
    pub path: &'a str,
    /// `snapshot:` value, e.g. `false` or `{redact: [...]}`.
    pub snapshot: &'a str,
    /// Identities: suite file `f` logs in as `auth[f % len]`; none when empty.
    pub auth: &'a [&'a str],
}

/// The variable that holds the server's URL in the generated suites, so that
/// kept folders (`--keep`) can be run again against `--serve`.
pub const URL_VAR: &str = "BENCH_URL";

/// Writes `files` suite files of `per_file` tests each into `dir` (created),
/// plus a `gatecheck.yaml` with a short timeout so a broken run ends soon.
pub fn write(dir: &Path, files: usize, per_file: usize, shape: &Shape) -> PathBuf {
    let suites = dir.join("suites");
    std::fs::create_dir_all(&suites).expect("create suites folder");
    std::fs::write(suites.join("gatecheck.yaml"), "timeout: 10s\n").expect("write config");
    for f in 0..files {
        let text = suite(f, per_file, shape);
        std::fs::write(suites.join(format!("s{f:03}.yaml")), text).expect("write suite");
    }
    suites
}

fn suite(f: usize, per_file: usize, shape: &Shape) -> String {
    let mut text = format!("name: Suite {f}\nbase_url: ${{{URL_VAR}}}\ntags: [bench]\n");
    if !shape.auth.is_empty() {
        let _ = writeln!(text, "auth: {}", shape.auth[f % shape.auth.len()]);
    }
    text.push_str("tests:\n");
    for t in 0..per_file {
        let _ = write!(
            text,
            "  - name: test {t} of suite {f}\n    request:\n      url: {path}\n      headers:\n        Accept: application/json\n    expect:\n      status: 200\n      json:\n        \"$.{key}\": {{exists: true}}\n      snapshot: {snapshot}\n",
            path = shape.path,
            key = if shape.path == "/big" {
                "meta.count"
            } else {
                "ok"
            },
            snapshot = shape.snapshot,
        );
    }
    text
}

/// The same requests as a Hurl file (for the optional comparison).
pub fn write_hurl(file: &Path, base: &str, path: &str, n: usize) {
    let mut text = String::new();
    for _ in 0..n {
        let _ = write!(
            text,
            "GET {base}{path}\nAccept: application/json\nHTTP 200\n[Asserts]\njsonpath \"$.ok\" exists\n\n"
        );
    }
    std::fs::write(file, text).expect("write hurl file");
}

/// The variable that holds the Okta emulator's URL in generated fixtures.
pub const OKTA_VAR: &str = "BENCH_OKTA_URL";

/// `fixtures/user.yaml` and `fixtures/admin.yaml` beside `suites/`: the
/// built-in emulator's users, logging in with okta-pkce.
pub fn write_fixtures(dir: &Path) {
    let fixtures = dir.join("fixtures");
    std::fs::create_dir_all(&fixtures).expect("create fixtures folder");
    for (name, user, password) in [
        ("user", "ada@example.com", "correct-horse"),
        ("admin", "grace@example.com", "analytical-engine"),
    ] {
        let text = format!(
            "kind: okta-pkce\nokta_url: ${{{OKTA_VAR}}}\nauth_server: default\nclient_id: demo-spa\n\
             redirect_uri: http://localhost:3000/callback\nscopes: [openid, profile, email]\n\
             username: {user}\npassword: {password}\n"
        );
        std::fs::write(fixtures.join(format!("{name}.yaml")), text).expect("write fixture");
    }
}
