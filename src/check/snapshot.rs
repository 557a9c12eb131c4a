//! The insta bridge: JSON bodies become insta snapshots stored beside the
//! suite, so `cargo insta review` / `accept` / `reject` / `pending-snapshots`
//! and `INSTA_UPDATE`, `INSTA_FORCE_PASS`, `CI` keep insta's meaning.
//!
//! insta reports a mismatch by panicking and printing. [`check`] turns that
//! into an [`Outcome`]: a recording [`Comparator`] keeps the old and new text,
//! `catch_unwind` stops the panic, a quiet panic hook (see [`init`]) and
//! `INSTA_OUTPUT=none` (see [`quiet_insta_output`]) keep parallel trials from printing over each other.

use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Once, OnceLock};
use std::time::SystemTime;

use insta::internals::TextSnapshotContents;
use insta::{Comparator, DefaultComparator, TextSnapshotKind};
use serde_json::Value as Json;
use sha2::{Digest, Sha256};

use super::failure::{Failure, Kind, SnapshotChange};
pub use super::snapshot_input::{Body, Snapshot};
use super::snapshot_json::{
    fast_path_allowed, matches_stored, redacted_value, render, stored_body,
};
use super::snapshot_write::{Staging, memoize};
pub use super::snapshot_write::{remove_staging, sweep_once as sweep_stale_staging};
use crate::secret::mask::MaskSet;
use crate::suite::expect::JsonPath;
use crate::suite::keypath::KeyPath;

/// Longest slug (bytes); longer ones are cut and end in a short hash, so that
/// `<suite>__<test>__<identity>.snap.new` stays within a 255-byte file name.
const MAX_SLUG: usize = 80;

/// Lines of context around each change in a snapshot diff.
const DIFF_CONTEXT: usize = 3;

/// insta's panic message when an assertion fails (runtime.rs, `finalize`).
const INSTA_FAILURE: &str = "snapshot assertion for '";

/// The start of insta's panic when it cannot save a file (its macros unwrap).
const UNWRAP_PANIC: &str = "called `Result::unwrap()` on an `Err` value: ";

thread_local! {
    /// Set while insta runs on this thread: its panics are expected, not news.
    static QUIET: Cell<bool> = const { Cell::new(false) };
    /// What the recording comparator saw during the current assertion.
    static COMPARED: RefCell<Option<Compared>> = const { RefCell::new(None) };
}

/// `.snap.new` files left by this process (including `INSTA_FORCE_PASS` runs).
static PENDING_WRITTEN: AtomicUsize = AtomicUsize::new(0);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Matched,
    /// New or changed. `diff` is a unified diff (old -> new) whose header names
    /// the `.snap` file; `pending` says whether this call wrote
    /// `<name>.snap.new`; `file` is the `.snap` path.
    Mismatch {
        diff: String,
        missing: bool,
        pending: bool,
        file: PathBuf,
        /// Why the new snapshot could not be written, when it could not.
        write_error: Option<String>,
    },
    /// insta accepted the value without failing (`INSTA_UPDATE=always` or
    /// `unseen`, `INSTA_FORCE_PASS`).
    Written,
}

impl Outcome {
    /// The failure of a new or changed snapshot (named `name`), at
    /// `expect.snapshot`; `None` when it matched or was written.
    pub fn failure(self, name: &str) -> Option<Failure> {
        let Outcome::Mismatch {
            diff,
            missing,
            pending,
            file,
            write_error,
        } = self
        else {
            return None;
        };
        let next = if let Some(why) = write_error {
            format!("it could not be written ({why})")
        } else if pending {
            format!(
                "review it with `gatecheck review` ({}.new was written)",
                relative(&file).display()
            )
        } else if missing {
            "nothing was written (CI or INSTA_UPDATE=no); run locally to create it".to_owned()
        } else {
            "nothing was written (CI or INSTA_UPDATE=no)".to_owned()
        };
        let kind = Kind::Snapshot {
            name: name.to_owned(),
            change: if missing {
                SnapshotChange::New
            } else {
                SnapshotChange::Changed
            },
            next,
            diff,
        };
        let at = KeyPath::root().key("expect").key("snapshot");
        Some(Failure::new(kind, at))
    }
}

/// `file` relative to the working directory, when it is below it.
fn relative(file: &Path) -> PathBuf {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| file.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| file.to_path_buf())
}

/// Sets `INSTA_OUTPUT=none` unless the user set it, so that insta does not
/// print diffs from parallel trials over each other (insta reads it from the
/// environment or `insta.yaml` only; it has no setting for it).
///
/// # Safety
///
/// Writes the process environment: call it only while the process has a
/// single thread. Its only callers are the first statements of `main` in
/// `src/main.rs` and `tests/suites.rs`, before anything else runs.
pub unsafe fn quiet_insta_output() {
    if std::env::var_os("INSTA_OUTPUT").is_none() {
        // SAFETY: the caller guarantees that no other thread exists.
        unsafe { std::env::set_var("INSTA_OUTPUT", "none") };
    }
}

/// Installs, once, a panic hook that is silent during snapshot assertions
/// and otherwise calls the previous hook. Later calls do nothing.
pub fn init() {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                previous(info);
            }
        }));
    });
}

/// The workspace insta is given: `INSTA_WORKSPACE_ROOT` if the user set it,
/// else [`workspace_root`]; found once.
fn workspace() -> &'static Path {
    static WORKSPACE: OnceLock<PathBuf> = OnceLock::new();
    WORKSPACE.get_or_init(|| {
        std::env::var_os("INSTA_WORKSPACE_ROOT").map_or_else(workspace_root, PathBuf::from)
    })
}

/// The nearest folder at or above the current directory that has a
/// `Cargo.toml` (what `cargo insta` runs from), else the current directory.
fn workspace_root() -> PathBuf {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    cwd.ancestors()
        .find(|dir| dir.join("Cargo.toml").is_file())
        .unwrap_or(&cwd)
        .to_path_buf()
}

/// Replaces every value that a redaction's JSONPath selects with its
/// replacement, in place. A path that selects nothing changes nothing.
pub fn redact(value: &mut Json, redactions: &[(JsonPath, Json)]) {
    *value = redacted_value(value, redactions);
}

/// A snapshot name part: lowercase ASCII letters, digits and `-`, and the
/// letters (with their combining marks) and digits of non-Latin scripts,
/// lowercased; every other run of characters (including `_` and accented
/// Latin letters, as always) becomes one `_`, trimmed at both ends, so `__`
/// only ever separates parts. Over 80 bytes it is cut and ends in a hash.
/// "Todos API" -> "todos_api"; "Список задач" -> "список_задач".
pub fn slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut gap = false;
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || non_latin_word(c) {
            if gap && !out.is_empty() {
                out.push('_');
            }
            gap = false;
            out.push(c);
        } else {
            gap = true;
        }
    }
    let out = out.trim_matches(['-', '_']);
    if out.len() <= MAX_SLUG {
        return out.to_owned();
    }
    let hash = format!("{:x}", Sha256::digest(out.as_bytes()));
    let mut cut = MAX_SLUG - 9;
    while !out.is_char_boundary(cut) {
        cut -= 1;
    }
    let head = out[..cut].trim_end_matches(['-', '_']);
    format!("{head}_{}", &hash[..8])
}

/// A letter, digit or combining mark of a script other than Latin: kept in
/// slugs, so that names in Cyrillic, Greek, CJK... stay readable and
/// distinct. The Latin blocks (accented letters, their combining marks,
/// fullwidth forms) are left out: those characters have always been
/// dropped, and existing snapshot names must not change.
fn non_latin_word(c: char) -> bool {
    let latin = matches!(c,
        '\u{0}'..='\u{36f}'
        | '\u{1d00}'..='\u{1eff}'
        | '\u{2c60}'..='\u{2c7f}'
        | '\u{a720}'..='\u{a7ff}'
        | '\u{ab30}'..='\u{ab6f}'
        | '\u{fb00}'..='\u{fb06}'
        | '\u{fe20}'..='\u{fe2f}'
        | '\u{ff00}'..='\u{ff64}');
    !latin && (c.is_alphanumeric() || unicode_normalization::char::is_combining_mark(c))
}

/// Compares `snapshot.value` (pretty JSON, keys sorted) with
/// `<dir>/<name>.snap` through insta, from any thread, never panicking.
/// insta works in a staging folder and finished files are renamed into
/// place (see [`Staging`]): no snapshot file is ever half-written.
pub fn check(snapshot: &Snapshot) -> Outcome {
    let (file, missing, stale) = match stored(snapshot) {
        Ok(stored) => stored,
        Err(refused) => return refused,
    };
    if !missing && stale.is_none() && fast_path_allowed() && matches_stored(&file, snapshot) {
        return Outcome::Matched;
    }
    let text = render(snapshot);
    compare(snapshot, &file, missing, stale, &|| text.clone())
}

/// Compares a body that is not JSON with `<dir>/<name>.snap` as text, the
/// way insta compares a text snapshot (`assert_snapshot!`): `text` is the
/// body as it will be stored (see [`body_text`]), secrets already masked.
/// Like [`check`] otherwise: a JSON baseline against a text body is a
/// mismatch, never a silent pass.
pub fn check_text(snapshot: &Snapshot, text: &str) -> Outcome {
    let (file, missing, stale) = match stored(snapshot) {
        Ok(stored) => stored,
        Err(refused) => return refused,
    };
    compare(snapshot, &file, missing, stale, &|| text.to_owned())
}

/// A body that is not JSON as its text snapshot stores it: the text itself
/// when it is UTF-8 (secrets masked), else one line with its size and
/// SHA-256 digest, so a changed binary body still fails.
pub fn body_text(body: &[u8], secrets: &MaskSet) -> String {
    match std::str::from_utf8(body) {
        Ok(text) => secrets.mask(text).into_owned(),
        Err(_) => format!(
            "binary body (not UTF-8): {} bytes, sha256 {:x}",
            body.len(),
            Sha256::digest(body)
        ),
    }
}

/// What an accepted snapshot holds, for messages: `Some(true)` when its
/// body is JSON, `Some(false)` when it is other text, `None` when there is
/// no readable snapshot.
pub fn stored_is_json(dir: &Path, name: &str) -> Option<bool> {
    let body = stored_body(&dir.join(format!("{name}.snap")))?;
    Some(serde_json::from_str::<serde::de::IgnoredAny>(&body).is_ok())
}

/// The snapshot's file, whether it is missing and when a pending `.snap.new`
/// beside it was last written; a file that must not be read is refused.
fn stored(snapshot: &Snapshot) -> Result<(PathBuf, bool, Option<SystemTime>), Outcome> {
    let file = snap_file(snapshot);
    if let Some(refused) = refuse_unreadable(&file) {
        return Err(refused);
    }
    let missing = !file.is_file();
    let stale = modified(&pending_path(&file));
    memoize(&file);
    Ok((file, missing, stale))
}

/// A snapshot path that is not a regular file (a FIFO would block,
/// `/dev/zero` never ends) fails its test without being read.
fn refuse_unreadable(file: &Path) -> Option<Outcome> {
    let problem = not_a_snapshot_file(file)?;
    Some(Outcome::Mismatch {
        diff: String::new(),
        missing: false,
        pending: false,
        write_error: Some(format!("`{}` {problem}", relative(file).display())),
        file: file.to_path_buf(),
    })
}

/// `<dir>/<name>.snap`, absolute.
fn snap_file(snapshot: &Snapshot) -> PathBuf {
    let dir = std::path::absolute(snapshot.dir).unwrap_or_else(|_| snapshot.dir.to_path_buf());
    dir.join(format!("{}.snap", snapshot.name))
}

/// Has insta compare `render()` (the text it stores, rendered under the
/// snapshot's settings) with `file`, and reports the outcome.
fn compare(
    snapshot: &Snapshot,
    file: &Path,
    missing: bool,
    stale: Option<SystemTime>,
    render: &dyn Fn() -> String,
) -> Outcome {
    let file = file.to_path_buf();
    let dir = file.parent().map_or_else(PathBuf::new, Path::to_path_buf);
    let pending_file = pending_path(&file);
    // Without a staging folder (a read-only folder, a file in the way)
    // insta still compares in place; it only fails if it must write.
    let staging = Staging::create(&dir, snapshot.name);
    let insta_dir = staging.as_ref().map_or(dir.as_path(), |s| s.dir());
    let settings = settings(snapshot, insta_dir);

    COMPARED.with(|c| c.borrow_mut().take());
    let result = quietly(|| settings.bind(|| assert(snapshot, &render()))).and_then(|r| r);
    let compared = COMPARED.with(|c| c.borrow_mut().take());
    let matched = result.is_ok() && compared.as_ref().is_some_and(|c| c.matched);

    // insta failed to write (a full disk): what it left is cut, so it is
    // not moved into place (the staging folder goes with its drop).
    let insta_failed = matches!(&result, Err(m) if !m.starts_with(INSTA_FAILURE));
    let (pending, mut write_error) = match &staging {
        Ok(_) if insta_failed => (false, None),
        Ok(staging) => match staging.finish(snapshot.name, pending_path) {
            Ok(moved) => (moved.pending, None),
            Err(e) => (false, Some(e)),
        },
        Err(_) => {
            let written = modified(&pending_file).is_some_and(|t| Some(t) != stale);
            if written && insta_failed {
                // Written in place and cut: removed, never offered for review.
                let _ = std::fs::remove_file(&pending_file);
            }
            (written && !insta_failed, None)
        }
    };
    if pending {
        PENDING_WRITTEN.fetch_add(1, Ordering::Relaxed);
    }
    if matched {
        // As insta does for a passing snapshot: an old pending file is stale.
        let _ = std::fs::remove_file(&pending_file);
    }
    let failure = match result {
        Ok(()) if write_error.is_none() && matched => return Outcome::Matched,
        Ok(()) if write_error.is_none() => return Outcome::Written,
        Ok(()) => None,
        Err(message) => Some(message),
    };
    let (old, new) = match compared {
        Some(c) if !c.matched => (c.old, c.new),
        _ => (String::new(), settings.bind(|| serialize(render()))),
    };
    let mut diff = unified_diff(&file, missing, &old, &new);
    if let Some(problem) = unreadable(&file, missing) {
        diff = format!("{problem}\n{diff}");
    }
    if let Some(failure) = failure.filter(|f| !f.starts_with(INSTA_FAILURE)) {
        // insta panics with its own `unwrap()` message when it cannot write.
        match (&staging, &write_error) {
            (Err(why), None) => write_error = Some(why.clone()),
            (Ok(_), None) => {
                let why = failure.trim_start_matches(UNWRAP_PANIC);
                write_error = Some(match staged_file_error(why) {
                    // The file is named as the user will look for it, not
                    // by its path in the staging folder.
                    Some(reason) => format!(
                        "writing `{}` failed: {reason}",
                        relative(&pending_file).display()
                    ),
                    None => format!("insta failed: {why}"),
                });
            }
            _ => {}
        }
    }
    Outcome::Mismatch {
        diff,
        missing,
        pending,
        file,
        write_error,
    }
}

/// The reason in insta's `File error for "<path>": <reason>`.
fn staged_file_error(message: &str) -> Option<&str> {
    let rest = &message[message.find("File error for \"")?..];
    Some(&rest[rest.find("\": ")? + 3..])
}

/// insta's assertion (what `assert_json_snapshot!` expands to), with the
/// suite file and the test's line as the assertion's location instead of
/// this file: the `source:` and `assertion_line:` that review tools show.
/// Panics like the macro on a mismatch; `Err` when insta could not write.
fn assert(snapshot: &Snapshot, text: &str) -> Result<(), String> {
    use insta::_macro_support::assert_snapshot;
    let source = std::path::absolute(snapshot.suite_file)
        .unwrap_or_else(|_| snapshot.suite_file.to_path_buf());
    let line = u32::try_from((snapshot.line)()).unwrap_or(0);
    assert_snapshot(
        (snapshot.name, text).into(),
        workspace(),
        "gatecheck",
        "gatecheck",
        &source.to_string_lossy(),
        line,
        "",
    )
    .map_err(|e| format!("failed to write the snapshot: {e}"))
}

/// How many `.snap.new` files checks in this process have written, including
/// ones that did not fail (`INSTA_FORCE_PASS`): the number to review.
pub fn pending_written() -> usize {
    PENDING_WRITTEN.load(Ordering::Relaxed)
}

fn settings(snapshot: &Snapshot, dir: &Path) -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(dir);
    settings.set_prepend_module_to_snapshot(false);
    settings.set_input_file(snapshot.suite_file);
    if !snapshot.description.is_empty() {
        settings.set_description(snapshot.description);
    }
    if !snapshot.info.is_null() {
        settings.set_info(snapshot.info);
    }
    settings.set_omit_expression(true);
    settings.set_sort_maps(true);
    settings.set_comparator(Box::new(Recorder));
    settings
}

/// Runs `f` with this thread's panics silenced; a panic becomes its message.
fn quietly<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    struct Loud;
    impl Drop for Loud {
        fn drop(&mut self) {
            QUIET.with(|q| q.set(false));
        }
    }
    QUIET.with(|q| q.set(true));
    let _loud = Loud;
    panic::catch_unwind(AssertUnwindSafe(f)).map_err(|payload| {
        payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_else(|| "unknown panic".to_owned())
    })
}

/// Where insta leaves the pending snapshot (`INSTA_PENDING_DIR` honoured).
fn pending_path(file: &Path) -> PathBuf {
    static PENDING_DIR: OnceLock<Option<(PathBuf, PathBuf)>> = OnceLock::new();
    let moved = PENDING_DIR.get_or_init(|| {
        let dir = std::env::var_os("INSTA_PENDING_DIR").filter(|d| !d.is_empty())?;
        Some((dir.into(), workspace().to_path_buf()))
    });
    let moved = moved.as_ref().and_then(|(dir, root)| {
        let relative = file.strip_prefix(root).ok()?;
        Some(dir.join(relative))
    });
    moved
        .unwrap_or_else(|| file.to_path_buf())
        .with_extension("snap.new")
}

/// The largest snapshot file read (far above the 64 MiB body a run reads by
/// default).
pub const MAX_SNAPSHOT_FILE: u64 = 256 << 20;

/// Why the `.snap` at `file` (following a link) is not read at all: not a
/// regular file, or too large.
fn not_a_snapshot_file(file: &Path) -> Option<String> {
    let meta = std::fs::metadata(file).ok()?;
    if !meta.is_file() {
        return Some("is not a regular file; remove it".to_owned());
    }
    (meta.len() > MAX_SNAPSHOT_FILE)
        .then(|| format!("is larger than {} MiB; remove it", MAX_SNAPSHOT_FILE >> 20))
}

/// Why an existing `.snap` was not compared: insta treats a file it cannot
/// parse (a merge conflict, a truncated write) as absent, with only a warning.
fn unreadable(file: &Path, missing: bool) -> Option<String> {
    if missing {
        return None;
    }
    let error = insta::Snapshot::from_file(file).err()?;
    Some(format!(
        "the existing snapshot could not be read ({error}); it is treated as new"
    ))
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// The snapshot text insta stores for `text` (a rendered body).
fn serialize(text: String) -> String {
    TextSnapshotContents::new(text, TextSnapshotKind::File).to_string()
}

/// The diff a failing run and `gatecheck review` show: a unified diff from
/// the accepted snapshot `file` (or none yet) to the new text.
pub fn unified_diff(file: &Path, missing: bool, old: &str, new: &str) -> String {
    let shown = relative(file);
    let old_header = if missing {
        format!("{} (no snapshot yet)", shown.display())
    } else {
        shown.display().to_string()
    };
    let (old, new) = (with_newline(old), with_newline(new));
    similar::TextDiff::from_lines(&old, &new)
        .unified_diff()
        .context_radius(DIFF_CONTEXT)
        .header(&old_header, "new response")
        .to_string()
}

fn with_newline(text: &str) -> String {
    if text.is_empty() || text.ends_with('\n') {
        text.to_owned()
    } else {
        format!("{text}\n")
    }
}

struct Compared {
    matched: bool,
    old: String,
    new: String,
}

/// insta's own comparison, recording both texts for the diff.
#[derive(Clone)]
struct Recorder;

impl Recorder {
    fn record(matched: bool, old: &insta::Snapshot, new: &insta::Snapshot) -> bool {
        let text = |s: &insta::Snapshot| s.as_text().map(ToString::to_string).unwrap_or_default();
        let compared = Compared {
            matched,
            old: if matched { String::new() } else { text(old) },
            new: if matched { String::new() } else { text(new) },
        };
        COMPARED.with(|c| *c.borrow_mut() = Some(compared));
        matched
    }
}

impl Comparator for Recorder {
    fn matches(&self, reference: &insta::Snapshot, test: &insta::Snapshot) -> bool {
        Self::record(DefaultComparator.matches(reference, test), reference, test)
    }

    fn matches_fully(&self, reference: &insta::Snapshot, test: &insta::Snapshot) -> bool {
        Self::record(
            DefaultComparator.matches_fully(reference, test),
            reference,
            test,
        )
    }

    fn dyn_clone(&self) -> Box<dyn Comparator> {
        Box::new(self.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mismatch(missing: bool, pending: bool) -> Outcome {
        Outcome::Mismatch {
            diff: "-1\n+2\n".into(),
            missing,
            pending,
            file: PathBuf::from("/nowhere/snapshots/s__t.snap"),
            write_error: None,
        }
    }

    #[test]
    fn a_mismatch_is_a_snapshot_failure_at_expect_snapshot() {
        let failure = mismatch(false, true).failure("s__t").unwrap();
        assert_eq!(
            failure.kind,
            Kind::Snapshot {
                name: "s__t".into(),
                change: SnapshotChange::Changed,
                next: "review it with `gatecheck review` \
                       (/nowhere/snapshots/s__t.snap.new was written)"
                    .into(),
                diff: "-1\n+2\n".into(),
            }
        );
        assert_eq!(failure.key_path.to_string(), "expect.snapshot");
    }

    #[test]
    fn a_new_snapshot_in_ci_says_nothing_was_written() {
        let failure = mismatch(true, false).failure("s__t").unwrap();
        let Kind::Snapshot { change, next, .. } = failure.kind else {
            panic!("not a snapshot failure: {failure:?}");
        };
        assert_eq!(change, SnapshotChange::New);
        assert_eq!(
            next,
            "nothing was written (CI or INSTA_UPDATE=no); run locally to create it"
        );
        assert_eq!(Outcome::Matched.failure("s__t"), None);
        assert_eq!(Outcome::Written.failure("s__t"), None);
    }
}
