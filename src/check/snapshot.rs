//! The insta bridge: JSON bodies become insta snapshots stored beside the
//! suite, so `cargo insta review` / `accept` / `reject` / `pending-snapshots`
//! and `INSTA_UPDATE`, `INSTA_FORCE_PASS`, `CI` keep insta's meaning.
//!
//! Built on insta's public API: the stored snapshot is read with
//! `insta::Snapshot::from_file` and compared with the new text by insta's
//! own `TextSnapshotContents` matching; the outcome (matched, changed, new)
//! is decided from those values, and what insta would write for it
//! (`<name>.snap.new`, or the `.snap` itself under `INSTA_UPDATE=always`) is
//! written in insta's format (`insta_format`), whole or not at all
//! (`snapshot_write`), as [`Policy`] (insta's settings, read once) says.
//! Each check returns its [`Outcome`], including whether it left a pending
//! file to review; nothing is passed through global or thread state. The
//! two pieces only insta's hidden API reaches are in `insta_adapter`.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::Value as Json;
use sha2::{Digest, Sha256};

use super::failure::{Failure, FailureKind, SnapshotChange};
use super::insta_adapter;
use super::insta_format::{self, Header, Style};
pub use super::insta_policy::{Policy, Update, Write};
pub use super::snapshot_input::{Body, Snapshot};
use super::snapshot_json::{
    fast_path_allowed, matches_stored, redacted_value, render, stored_body,
};
use super::snapshot_write::{memoize, write};
pub use super::snapshot_write::{remove_staging, sweep_once as sweep_stale_staging};
use crate::secret::mask::MaskSet;
use crate::suite::expect::JsonPath;
use crate::suite::keypath::KeyPath;

/// Longest slug (bytes); longer ones are cut and end in a short hash, so that
/// `<suite>__<test>__<identity>.snap.new` stays within a 255-byte file name.
const MAX_SLUG: usize = 80;

/// Lines of context around each change in a snapshot diff.
const DIFF_CONTEXT: usize = 3;

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
    /// Written without failing (`INSTA_UPDATE=always` or `unseen`: the
    /// `.snap`; `INSTA_FORCE_PASS`: the `.snap.new`, then `pending`).
    Written {
        pending: bool,
    },
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
        let kind = FailureKind::Snapshot {
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

    /// Whether this check left a `<name>.snap.new` to review (including
    /// one written under `INSTA_FORCE_PASS`): what the run counts.
    pub fn wrote_pending(&self) -> bool {
        match self {
            Outcome::Matched => false,
            Outcome::Mismatch { pending, .. } | Outcome::Written { pending } => *pending,
        }
    }
}

/// `file` relative to the working directory, when it is below it.
fn relative(file: &Path) -> PathBuf {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| file.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| file.to_path_buf())
}

/// insta's settings for this process, read from the environment (and the
/// workspace's `insta.yaml`) on first use; `Err` says which value is bad.
pub fn policy() -> Result<&'static Policy, &'static str> {
    static POLICY: OnceLock<Result<Policy, String>> = OnceLock::new();
    POLICY
        .get_or_init(|| Policy::read(&|name| std::env::var(name).ok()))
        .as_ref()
        .map_err(String::as_str)
}

/// The header of a snapshot insta read (`info:` included).
pub fn header_of(snapshot: &insta::Snapshot) -> Header {
    insta_adapter::header(snapshot)
}

/// How this process writes headers (`INSTA_YAML_BLOCK_STYLE`).
pub fn header_style() -> Style {
    Style {
        literal_blocks: policy().is_ok_and(|p| p.literal_blocks),
    }
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
/// `<dir>/<name>.snap` under this process's [`policy`], from any thread,
/// never panicking.
pub fn check(snapshot: &Snapshot) -> Outcome {
    match policy() {
        Ok(policy) => check_with(snapshot, policy),
        Err(why) => refused(snapshot, why),
    }
}

/// [`check`] under `policy`.
pub fn check_with(snapshot: &Snapshot, policy: &Policy) -> Outcome {
    let (file, missing) = match stored(snapshot, policy) {
        Ok(stored) => stored,
        Err(refused) => return refused,
    };
    // The fast path only says "matched"; it is not asked when a match must
    // be rewritten or its header compared too.
    let fast = fast_path_allowed() && policy.update != Update::Force && !policy.require_full_match;
    if !missing && fast && matches_stored(&file, snapshot) {
        passed(&file, policy);
        return Outcome::Matched;
    }
    let text = render(snapshot);
    compare(snapshot, policy, &file, missing, &text)
}

/// Compares a body that is not JSON with `<dir>/<name>.snap` as text, the
/// way insta compares a text snapshot (`assert_snapshot!`): `text` is the
/// body as it will be stored (see [`body_text`]), secrets already masked.
/// Like [`check`] otherwise: a JSON baseline against a text body is a
/// mismatch, never a silent pass.
pub fn check_text(snapshot: &Snapshot, text: &str) -> Outcome {
    match policy() {
        Ok(policy) => check_text_with(snapshot, text, policy),
        Err(why) => refused(snapshot, why),
    }
}

/// [`check_text`] under `policy`.
pub fn check_text_with(snapshot: &Snapshot, text: &str, policy: &Policy) -> Outcome {
    match stored(snapshot, policy) {
        Ok((file, missing)) => compare(snapshot, policy, &file, missing, text),
        Err(refused) => refused,
    }
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

/// The snapshot's file and whether it is missing; a file that must not be
/// read is refused.
fn stored(snapshot: &Snapshot, policy: &Policy) -> Result<(PathBuf, bool), Outcome> {
    let file = snap_file(snapshot);
    if let Some(problem) = not_a_snapshot_file(&file) {
        return Err(refused(
            snapshot,
            &format!("`{}` {problem}", relative(&file).display()),
        ));
    }
    if let Some(list) = &policy.references_file {
        memoize(list, &file);
    }
    let missing = !file.is_file();
    Ok((file, missing))
}

/// The failure of a check that could not run (a snapshot path that is not
/// a regular file, a bad insta setting): `why` says what to do.
fn refused(snapshot: &Snapshot, why: &str) -> Outcome {
    Outcome::Mismatch {
        diff: String::new(),
        missing: false,
        pending: false,
        write_error: Some(why.to_owned()),
        file: snap_file(snapshot),
    }
}

/// `<dir>/<name>.snap`, absolute.
fn snap_file(snapshot: &Snapshot) -> PathBuf {
    let dir = std::path::absolute(snapshot.dir).unwrap_or_else(|_| snapshot.dir.to_path_buf());
    dir.join(format!("{}.snap", snapshot.name))
}

/// Compares `text` (the snapshot text, rendered) with `file` as insta
/// does, writes what insta would write, and says what happened.
fn compare(
    snapshot: &Snapshot,
    policy: &Policy,
    file: &Path,
    missing: bool,
    text: &str,
) -> Outcome {
    let new = insta_format::contents(text);
    // insta treats a file it cannot parse (a merge conflict, a truncated
    // write) as absent; the diff says so.
    let (old, unreadable) = match (!missing).then(|| insta::Snapshot::from_file(file)) {
        Some(Ok(old)) => (Some(old), None),
        Some(Err(e)) => (None, Some(e.to_string())),
        None => (None, None),
    };
    let header = || header(snapshot, policy);
    let matched = old.as_ref().is_some_and(|old| {
        let Some(stored) = old.as_text() else {
            return false; // a binary snapshot never matches a text
        };
        if policy.require_full_match {
            stored.matches_latest(&new)
                && insta_adapter::header(old).for_accepted() == header().for_accepted()
        } else {
            stored.matches_latest(&new) || stored.matches_legacy(&new)
        }
    });
    let style = Style {
        literal_blocks: policy.literal_blocks,
    };
    if matched {
        passed(file, policy);
        if policy.update == Update::Force {
            let bytes = insta_format::render(&header().for_accepted(), text, style);
            if let Err(why) = write(file, &relative(file), bytes.as_bytes()) {
                return mismatch(file, missing, old.as_ref(), &new, unreadable, Some(why));
            }
        }
        return Outcome::Matched;
    }
    let how = policy.write(std::fs::metadata(file).is_ok());
    let written = match how {
        Write::InPlace => {
            let bytes = insta_format::render(&header().for_accepted(), text, style);
            write(file, &relative(file), bytes.as_bytes())
        }
        Write::Pending => {
            let pending = policy.pending_path(file);
            let bytes = insta_format::render(&header(), text, style);
            write(&pending, &relative(&pending), bytes.as_bytes())
        }
        Write::Nothing => Ok(()),
    };
    let pending = how == Write::Pending && written.is_ok();
    if written.is_ok() && (how == Write::InPlace || policy.force_pass) {
        return Outcome::Written { pending };
    }
    let mut outcome = mismatch(file, missing, old.as_ref(), &new, unreadable, written.err());
    if let Outcome::Mismatch { pending: p, .. } = &mut outcome {
        *p = pending;
    }
    outcome
}

/// As insta does for a passing snapshot: an old pending file is stale.
fn passed(file: &Path, policy: &Policy) {
    let _ = std::fs::remove_file(policy.pending_path(file));
}

/// The failure of a new or changed snapshot, with its diff.
fn mismatch(
    file: &Path,
    missing: bool,
    old: Option<&insta::Snapshot>,
    new: &insta::internals::TextSnapshotContents,
    unreadable: Option<String>,
    write_error: Option<String>,
) -> Outcome {
    let old_text = old
        .and_then(insta::Snapshot::as_text)
        .map(ToString::to_string)
        .unwrap_or_default();
    let mut diff = unified_diff(file, missing, &old_text, &new.to_string());
    if let Some(error) = unreadable {
        diff = format!(
            "the existing snapshot could not be read ({error}); it is treated as new\n{diff}"
        );
    }
    Outcome::Mismatch {
        diff,
        missing,
        pending: false,
        file: file.to_path_buf(),
        write_error,
    }
}

/// The header insta writes for `snapshot`: `source:` (the suite file,
/// relative to the workspace) and `assertion_line:` (the test's line) are
/// what review tools show; `input_file:` is the suite file again.
fn header(snapshot: &Snapshot, policy: &Policy) -> Header {
    let source = std::path::absolute(snapshot.suite_file)
        .unwrap_or_else(|_| snapshot.suite_file.to_path_buf());
    Header {
        source: Some(storage(&source_path(&source, &policy.workspace))),
        assertion_line: Some(u32::try_from((snapshot.line)()).unwrap_or(0)),
        description: Some(snapshot.description.to_owned()).filter(|d| !d.is_empty()),
        expression: None,
        info: Some(snapshot.info.clone()).filter(|i| !i.is_null()),
        input_file: localized(snapshot.suite_file, &policy.workspace).map(|p| storage(&p)),
    }
}

/// `source` relative to `workspace` as insta computes it (both
/// canonicalized when they can be, `../` where needed).
fn source_path(source: &Path, workspace: &Path) -> PathBuf {
    match (workspace.canonicalize(), source.canonicalize()) {
        (Ok(base), Ok(path)) => relative_from(&path, &base),
        _ => relative_from(source, workspace),
    }
    .unwrap_or_else(|| source.to_path_buf())
}

/// `file` (relative to the workspace, or absolute) inside the workspace,
/// relative to it; `None` when it is elsewhere or missing.
fn localized(file: &Path, workspace: &Path) -> Option<PathBuf> {
    let base = workspace.canonicalize().ok()?;
    let path = workspace.join(file).canonicalize().ok()?;
    path.strip_prefix(&base).ok().map(Path::to_path_buf)
}

/// `path` from `base`, with `..` where it leaves it; `None` when one is
/// absolute and the other not (unless `path` is absolute).
fn relative_from(path: &Path, base: &Path) -> Option<PathBuf> {
    use std::path::Component;
    if path.is_absolute() != base.is_absolute() {
        return path.is_absolute().then(|| path.to_path_buf());
    }
    let mut ita = path.components();
    let mut itb = base.components();
    let mut comps: Vec<Component> = Vec::new();
    loop {
        match (ita.next(), itb.next()) {
            (None, None) => break,
            (Some(a), None) => {
                comps.push(a);
                comps.extend(ita.by_ref());
                break;
            }
            (None, _) => comps.push(Component::ParentDir),
            (Some(a), Some(b)) if comps.is_empty() && a == b => {}
            (Some(a), Some(_)) => {
                comps.push(Component::ParentDir);
                comps.extend(itb.by_ref().map(|_| Component::ParentDir));
                comps.push(a);
                comps.extend(ita.by_ref());
                break;
            }
        }
    }
    Some(comps.iter().map(|c| c.as_os_str()).collect())
}

/// A path as a snapshot header stores it (`/` separators).
fn storage(path: &Path) -> String {
    let text = path.to_string_lossy();
    if cfg!(windows) {
        text.replace('\\', "/")
    } else {
        text.into_owned()
    }
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
            FailureKind::Snapshot {
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
        let FailureKind::Snapshot { change, next, .. } = failure.kind else {
            panic!("not a snapshot failure: {failure:?}");
        };
        assert_eq!(change, SnapshotChange::New);
        assert_eq!(
            next,
            "nothing was written (CI or INSTA_UPDATE=no); run locally to create it"
        );
        assert_eq!(Outcome::Matched.failure("s__t"), None);
        assert_eq!(Outcome::Written { pending: true }.failure("s__t"), None);
    }
}
