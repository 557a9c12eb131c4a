//! `gatecheck init`: the first files of a project in someone else's
//! repository — `suites/gatecheck.yaml`, an example suite and its accepted
//! snapshot, `fixtures/user.yaml` (okta-pkce, every value from `${OKTA_...}`
//! with the built-in emulator as the default, so the first run is green),
//! the JSON Schemas the files' modelines point at, and a `.gitignore` line
//! for pending snapshots. Never overwrites a file.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::error::Error;

mod from_openapi;
mod scaffold;

/// Where the schemas go, relative to the project folder; the modelines of
/// the written files point there (`gatecheck schema --out` refreshes them).
pub const SCHEMA_DIR: &str = ".gatecheck/schema";

/// The `.gitignore` line for snapshots waiting for review.
pub const IGNORE_LINE: &str = "*.snap.new";

/// What `gatecheck init` was asked to write (its command-line options).
#[derive(Debug, Clone, Default)]
pub struct InitOptions {
    /// The org URL (the default of OKTA_URL in fixtures/user.yaml).
    pub okta_url: Option<String>,
    /// The app's client id (the default of OKTA_CLIENT_ID).
    pub client_id: Option<String>,
    /// The API's base URL (the default of API_URL in suites/gatecheck.yaml).
    pub api_url: Option<String>,
    /// The folder to write into.
    pub dir: PathBuf,
    /// Scaffold suites from this OpenAPI document.
    pub openapi: Option<PathBuf>,
    /// The identities of the matrices; empty: every fixture in fixtures/.
    pub identities: Vec<String>,
    /// Add tests only for the operations no test covers yet.
    pub update: bool,
}

/// Writes the files that do not exist yet, and says what to do next.
pub fn run(args: &InitOptions, out: &mut dyn Write) -> Result<ExitCode, Error> {
    run_with_env(args, &crate::suite::load::Env::new(), out)
}

/// [`run`], with the environment (`${VAR}`s of fixtures) for `--openapi`.
pub fn run_with_env(
    args: &InitOptions,
    env: &crate::suite::load::Env,
    out: &mut dyn Write,
) -> Result<ExitCode, Error> {
    if let Some(document) = &args.openapi {
        return from_openapi::run(args, document, env, out);
    }
    let okta_url = args.okta_url.as_deref().map(org_url).transpose()?;
    let api_url = args.api_url.as_deref().map(base_url).transpose()?;
    if args
        .client_id
        .as_deref()
        .is_some_and(|id| id.trim().is_empty())
    {
        return Err(Error::Usage(
            "--client-id: empty; give the app's client id (Okta admin: Applications > your app)"
                .into(),
        ));
    }
    let real = Real {
        okta_url,
        client_id: args.client_id.clone(),
        api_url,
    };
    let report = write_plain(&args.dir, files(&real))?;
    let text = format!("{}\n{}", report.join("\n"), next_steps(&real));
    out.write_all(text.as_bytes())
        .map_err(|e| Error::Runtime(format!("failed to write to stdout: {e}")))?;
    Ok(ExitCode::SUCCESS)
}

/// What `--okta-url`, `--client-id` and `--api-url` filled in.
#[derive(Debug, Default)]
pub(crate) struct Real {
    pub(crate) okta_url: Option<String>,
    pub(crate) client_id: Option<String>,
    pub(crate) api_url: Option<String>,
}

/// `https://dev-1.okta.com/` -> `https://dev-1.okta.com`; an issuer URL or a
/// URL without scheme is a usage error that says what to give.
pub(crate) fn org_url(url: &str) -> Result<String, Error> {
    let url = base_url(url).map_err(|_| {
        Error::Usage(format!(
            "--okta-url `{url}`: expected your org's URL, e.g. https://dev-123456.okta.com"
        ))
    })?;
    if let Some((org, _)) = url.split_once("/oauth2") {
        return Err(Error::Usage(format!(
            "--okta-url `{url}`: give the org URL without the authorization server \
             (`{org}`); the server is OKTA_AUTH_SERVER in fixtures/user.yaml (default: `default`)"
        )));
    }
    Ok(url)
}

pub(crate) fn base_url(url: &str) -> Result<String, Error> {
    let url = url.trim().trim_end_matches('/');
    let host = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    match host {
        Some(host) if !host.is_empty() && !url.contains(char::is_whitespace) => Ok(url.to_owned()),
        _ => Err(Error::Usage(format!(
            "--api-url `{url}`: expected an http:// or https:// URL, e.g. https://api.example.com"
        ))),
    }
}

/// Every file with its text, as paths relative to the project folder.
pub(crate) fn files(real: &Real) -> Vec<(String, String)> {
    let mut files = vec![
        ("suites/gatecheck.yaml".to_owned(), config(real)),
        ("suites/example.yaml".to_owned(), EXAMPLE_SUITE.to_owned()),
    ];
    // The accepted snapshot is the demo API's answer: only when it is used.
    if real.api_url.is_none() && real.okta_url.is_none() {
        files.push((
            "suites/snapshots/example__list_my_todos.snap".to_owned(),
            EXAMPLE_SNAPSHOT.to_owned(),
        ));
    }
    files.push(("fixtures/user.yaml".to_owned(), fixture(real)));
    for (name, schema) in crate::schema::all() {
        files.push((format!("{SCHEMA_DIR}/{name}"), crate::schema::text(&schema)));
    }
    files
}

fn config(real: &Real) -> String {
    let base_url = match (&real.api_url, &real.okta_url) {
        (Some(url), _) => format!("${{API_URL:-{url}}}"),
        // A real org's tokens are not accepted by the demo API.
        (None, Some(_)) => "${API_URL}                 # your API's base URL".to_owned(),
        (None, None) => "${API_URL:-demo}          # \"demo\": the built-in demo API".to_owned(),
    };
    format!(
        "# yaml-language-server: $schema=../{SCHEMA_DIR}/config.schema.json\n\
         # Settings for every suite in this folder (see gatecheck's README).\n\
         base_url: {base_url}\n\
         auth: user                  # the default identity: fixtures/user.yaml\n\
         timeout: 10s\n"
    )
}

fn fixture(real: &Real) -> String {
    let okta_url = real.okta_url.as_deref().unwrap_or("demo");
    let client_id = match (&real.client_id, &real.okta_url) {
        (Some(id), _) => format!("${{OKTA_CLIENT_ID:-{id}}}"),
        (None, Some(_)) => "${OKTA_CLIENT_ID}".to_owned(),
        (None, None) => "${OKTA_CLIENT_ID:-demo-spa}".to_owned(),
    };
    // The emulator's test user, unless a real org is named.
    let (username, password) = if real.okta_url.is_some() {
        ("${OKTA_USERNAME}", "${OKTA_PASSWORD}")
    } else {
        (
            "${OKTA_USERNAME:-ada@example.com}",
            "${OKTA_PASSWORD:-correct-horse}",
        )
    };
    format!(
        "# yaml-language-server: $schema=../{SCHEMA_DIR}/fixture.schema.json\n\
         # The identity `user`: Okta's headless authorization code + PKCE login.\n\
         # Every value comes from the environment; the defaults log into the\n\
         # built-in Okta emulator (\"demo\").\n\
         kind: okta-pkce\n\
         okta_url: ${{OKTA_URL:-{okta_url}}}\n\
         auth_server: ${{OKTA_AUTH_SERVER:-default}}    # a custom authorization server id, or \"org\"\n\
         client_id: {client_id}\n\
         client_secret: ${{OKTA_CLIENT_SECRET:-}}       # only for a confidential (web) app\n\
         redirect_uri: ${{OKTA_REDIRECT_URI:-http://localhost:3000/callback}}\n\
         scopes: [openid, profile, email]\n\
         username: {username}\n\
         password: {password}\n\
         totp_secret: ${{OKTA_TOTP_SECRET:-}}           # answers MFA_REQUIRED with a TOTP code\n"
    )
}

fn next_steps(real: &Real) -> String {
    let mut vars = Vec::new();
    if real.okta_url.is_none() {
        vars.push("  OKTA_URL          your Okta org, e.g. https://dev-123456.okta.com");
    }
    if real.client_id.is_none() {
        vars.push(
            "  OKTA_CLIENT_ID    the app's client id (a SPA app with Authorization Code + PKCE)",
        );
    }
    vars.push("  OKTA_USERNAME     a test user assigned to the app");
    vars.push("  OKTA_PASSWORD     its password");
    if real.api_url.is_none() {
        vars.push("  API_URL           your API's base URL");
    }
    let vars = vars.join("\n");
    let optional = "optional: OKTA_AUTH_SERVER (default `default`), OKTA_REDIRECT_URI, \
                    OKTA_CLIENT_SECRET, OKTA_TOTP_SECRET";
    if real.okta_url.is_none() && real.api_url.is_none() {
        format!(
            "\nnext: run `gatecheck`: the example suite logs into the built-in Okta emulator \
             and tests its demo API, green.\n\
             For your own Okta org and API, set:\n{vars}\n{optional}\n\
             then replace the requests in suites/example.yaml with your API's, and run \
             `gatecheck` again; review new snapshots with `gatecheck review`.\n"
        )
    } else {
        format!(
            "\nnext: set\n{vars}\n{optional}\n\
             then replace the requests in suites/example.yaml with your API's, run \
             `gatecheck`, and review the new snapshots with `gatecheck review`.\n"
        )
    }
}

/// Writes the plain-init `files` into `dir` (never overwriting) and marks
/// pending snapshots as ignored; what was done, a line each. A dangling
/// link among them is refused before anything is written.
pub(crate) fn write_plain(dir: &Path, files: Vec<(String, String)>) -> Result<Vec<String>, Error> {
    for (path, _) in &files {
        refuse_dangling(&dir.join(path), path)?;
    }
    let mut report = Vec::new();
    for (path, text) in files {
        let written = write_new(&dir.join(&path), &text)?;
        report.push(if written {
            format!("wrote {path}")
        } else {
            format!("kept {path} (it exists; not overwritten)")
        });
    }
    report.extend(ignore_pending_in(dir)?);
    Ok(report)
}

/// A file to write that is a symbolic link to nothing would be "kept" yet
/// missing: refused, with what to do.
fn refuse_dangling(path: &Path, shown: &str) -> Result<(), Error> {
    let is_link = fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    if is_link && fs::metadata(path).is_err() {
        let target = fs::read_link(path).unwrap_or_default();
        return Err(Error::Usage(format!(
            "`{shown}` is a symbolic link to `{}`, which does not exist; remove the link \
             (or create its target) and run `gatecheck init` again; nothing was written",
            target.display()
        )));
    }
    Ok(())
}

/// Creates `path` with `text` unless it exists; `false` when it did. The
/// file is whole or absent, and an existing link is never written through.
pub(crate) fn write_new(path: &Path, text: &str) -> Result<bool, Error> {
    crate::disk::write_new_whole(path, text.as_bytes())
        .map_err(|e| Error::Runtime(format!("failed to write `{}`: {e}", path.display())))
}

/// Adds the pending-snapshot line to `dir/.gitignore`; what to report.
pub(crate) fn ignore_pending_in(dir: &Path) -> Result<Option<String>, Error> {
    Ok(match ignore_pending(&dir.join(".gitignore"))? {
        Ignore::Added => Some(format!("added `{IGNORE_LINE}` to .gitignore")),
        Ignore::Link => Some(format!(
            "left .gitignore alone (a symbolic link); add the line `{IGNORE_LINE}` to it yourself"
        )),
        Ignore::Present => None,
    })
}

/// What [`ignore_pending`] did.
#[derive(Debug, PartialEq, Eq)]
enum Ignore {
    Added,
    /// A line already says it.
    Present,
    /// `.gitignore` is a symbolic link: not edited (it may lead anywhere).
    Link,
}

/// The largest `.gitignore` read.
const MAX_GITIGNORE: u64 = 1 << 20;

/// Adds the pending-snapshot line to `.gitignore` unless a line already
/// says it; the file is rewritten whole (never cut by a full disk).
fn ignore_pending(path: &Path) -> Result<Ignore, Error> {
    let fail = |e: &dyn std::fmt::Display| {
        Error::Runtime(format!("failed to update `{}`: {e}", path.display()))
    };
    let meta = fs::symlink_metadata(path);
    if meta.as_ref().is_ok_and(|m| m.file_type().is_symlink()) {
        return Ok(Ignore::Link);
    }
    let existing = match meta {
        Ok(_) => crate::disk::read_regular_text(path, MAX_GITIGNORE).map_err(|e| fail(&e))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(fail(&e)),
    };
    if existing.lines().any(|l| l.trim() == IGNORE_LINE) {
        return Ok(Ignore::Present);
    }
    let mut text = existing;
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str("# gatecheck: snapshots waiting for `gatecheck review`\n");
    text.push_str(IGNORE_LINE);
    text.push('\n');
    crate::disk::write_whole(path, text.as_bytes()).map_err(|e| fail(&e))?;
    Ok(Ignore::Added)
}

const EXAMPLE_SUITE: &str = include_str!("init/example.yaml");
const EXAMPLE_SNAPSHOT: &str = include_str!("init/example__list_my_todos.snap");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn org_urls_lose_the_slash_and_issuers_are_refused() {
        assert_eq!(
            org_url("https://dev-1.okta.com/").unwrap(),
            "https://dev-1.okta.com"
        );
        let err = org_url("https://dev-1.okta.com/oauth2/default").unwrap_err();
        assert!(
            err.to_string()
                .contains("without the authorization server (`https://dev-1.okta.com`)"),
            "{err}"
        );
        assert!(org_url("dev-1.okta.com").is_err());
    }

    #[test]
    fn flags_become_the_defaults_and_a_real_org_has_no_demo_user() {
        let real = Real {
            okta_url: Some("https://dev-1.okta.com".into()),
            client_id: Some("0oa123".into()),
            api_url: None,
        };
        let fixture = fixture(&real);
        assert!(
            fixture.contains("okta_url: ${OKTA_URL:-https://dev-1.okta.com}\n"),
            "{fixture}"
        );
        assert!(
            fixture.contains("client_id: ${OKTA_CLIENT_ID:-0oa123}\n"),
            "{fixture}"
        );
        assert!(
            fixture.contains("username: ${OKTA_USERNAME}\n"),
            "{fixture}"
        );
        assert!(!fixture.contains("correct-horse"), "{fixture}");
        assert!(config(&real).contains("base_url: ${API_URL} "));
        assert!(!files(&real).iter().any(|(p, _)| p.ends_with(".snap")));
    }
}
