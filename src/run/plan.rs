//! Suites -> trials: one per test, per `each` row, per identity of an
//! authorization matrix. Pure: no I/O.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use indexmap::IndexMap;
use serde_json::Value as Json;

use crate::check::snapshot::slug;
use crate::secret::mask::MaskSet;
use crate::suite::Suite;
use crate::suite::expect::{StatusExpect, StatusPattern, StatusSet};
use crate::suite::keypath::KeyPath;
use crate::suite::model::{EachDef, ExpectDef, TestDef, escape_controls};
use crate::suite::negative::{BrokenAuth, Challenge, NegativeAuth};
use crate::suite::validate::NONE;
use crate::suite::yaml::Positions;

/// What a trial needs from its suite.
#[derive(Debug)]
pub struct SuiteInfo {
    pub file: std::path::PathBuf,
    pub id: String,
    pub title: String,
    pub base_url: Option<String>,
    pub headers: BTreeMap<String, String>,
    pub vars: BTreeMap<String, Json>,
    pub timeout: Option<Duration>,
    pub snapshot_dir: std::path::PathBuf,
    /// The parsed file, to find a test's line (lazily: only a snapshot
    /// written for review needs it).
    pub doc: Arc<crate::suite::yaml::Located>,
    /// Where each key path of the file is, to locate failures.
    pub positions: Positions,
    /// The suite's `auth` or `identities`, when it has one.
    pub identity_key: Option<KeyPath>,
    /// The suite's `tags` (the trials of tests without tags share them).
    pub tags: Arc<[String]>,
    /// The suite file's stem, slugged: the prefix of its snapshot names.
    pub snapshot_stem: String,
}

/// One trial: a test, for one row and one identity.
#[derive(Debug, Clone)]
pub struct TrialSpec {
    /// `suite::test`, `suite::test[admin]`, `suite::test[row 2]`.
    pub name: String,
    pub suite: Arc<SuiteInfo>,
    pub test: Arc<TestDef>,
    /// The identity to log in as; `None` for anonymous requests.
    pub identity: Option<String>,
    /// The identity as shown (`none` for anonymous).
    pub identity_label: Option<String>,
    /// For a matrix: the statuses expected for this identity.
    pub matrix_status: Option<StatusSet>,
    pub row: Option<IndexMap<String, Json>>,
    /// The snapshot file name (without `.snap`): `<stem>__<test><suffix>`.
    pub snapshot_name: String,
    /// The suite file's stem, slugged: the prefix of every snapshot name.
    pub snapshot_stem: String,
    /// `__<row>__<identity>` parts, appended to custom snapshot names too.
    pub snapshot_suffix: String,
    /// The suite's tags and the test's (shared by the test's trials).
    pub tags: Arc<[String]>,
    pub skip: Option<String>,
    /// A `negative_auth` trial: the broken credential it sends (it
    /// expects 401 and checks nothing else but `challenge`).
    pub broken: Option<BrokenAuth>,
    /// A `negative_auth` trial's `www_authenticate`: the challenge its
    /// 401 must carry.
    pub challenge: Option<Challenge>,
}

/// One snapshot a trial may write: where it is set, and its file name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotUse {
    /// The key that names it: `tests[2].expect.snapshot.name`,
    /// `tests[2].steps[1].expect.snapshot`, or `tests[2].name`.
    pub path: KeyPath,
    /// The file name without `.snap`.
    pub name: String,
}

impl TrialSpec {
    /// The snapshot file name (without `.snap`) of a step: a custom `name`,
    /// else the trial's name (`__stepN` added when a test has several steps).
    pub fn snapshot_file_name(&self, custom: Option<&str>, step: Option<(usize, usize)>) -> String {
        match (custom, step) {
            (Some(custom), _) => format!(
                "{}__{}{}",
                self.snapshot_stem,
                slug(custom),
                self.snapshot_suffix
            ),
            (None, Some((index, count))) if count > 1 => {
                format!("{}__step{}", self.snapshot_name, index + 1)
            }
            (None, _) => self.snapshot_name.clone(),
        }
    }

    /// Every snapshot this trial may write (when its bodies are JSON): a
    /// single-request test by default, a step when it asks for one.
    pub fn snapshots(&self) -> Vec<SnapshotUse> {
        if self.broken.is_some() {
            return Vec::new();
        }
        // Key paths are built only for the snapshots there are.
        let base = || KeyPath::root().key("tests").index(self.test.index);
        let one = |path: &dyn Fn() -> KeyPath, expect: Option<&ExpectDef>, default: bool, step| {
            let def = expect.and_then(|e| e.snapshot.as_ref());
            if !def.map_or(default, |d| d.enabled) {
                return None;
            }
            let custom = def.and_then(|d| d.name.as_deref());
            let path = match custom {
                Some(_) => path().key("expect").key("snapshot").key("name"),
                None if def.is_some() => path().key("expect").key("snapshot"),
                None => base().key("name"),
            };
            let name = self.snapshot_file_name(custom, step);
            Some(SnapshotUse { path, name })
        };
        match &self.test.steps {
            Some(steps) => steps
                .iter()
                .enumerate()
                .filter_map(|(i, s)| {
                    let path = || base().key("steps").index(i);
                    one(&path, s.expect.as_ref(), false, Some((i, steps.len())))
                })
                .collect(),
            None => one(&base, self.test.expect.as_ref(), true, None)
                .into_iter()
                .collect(),
        }
    }
}

/// Every trial of one suite, in test order. A data row whose name holds
/// one of `secrets` is named with it masked, and by its number.
pub fn plan_suite(suite: &Suite, secrets: &MaskSet) -> Vec<TrialSpec> {
    // At least one trial per test: sized once, not grown by doubling.
    let mut trials = Vec::with_capacity(suite.tests.len());
    let info = Arc::new(suite_info(suite));
    for test in &suite.tests {
        plan_test(suite, &info, test.clone(), secrets, &mut trials);
    }
    trials
}

fn suite_info(suite: &Suite) -> SuiteInfo {
    let mut headers = suite.config.headers.clone();
    headers.extend(suite.header.headers.clone());
    let mut vars = suite.config.vars.clone();
    vars.extend(suite.header.vars.clone());
    SuiteInfo {
        file: suite.file.clone(),
        id: suite.id.clone(),
        title: suite.title.clone(),
        base_url: suite
            .header
            .base_url
            .clone()
            .or_else(|| suite.config.base_url.clone()),
        headers,
        vars,
        timeout: suite.header.timeout.or(suite.config.timeout).map(|d| d.0),
        snapshot_dir: suite.snapshot_dir.clone(),
        doc: suite.doc.clone(),
        positions: suite.doc.positions(),
        identity_key: identity_key(suite),
        tags: suite.header.tags.iter().cloned().collect(),
        snapshot_stem: slug(&file_stem(suite)),
    }
}

/// Where the suite chooses its tests' identities, if it does.
fn identity_key(suite: &Suite) -> Option<KeyPath> {
    let header = &suite.header;
    let key = match (&header.auth, &header.identities) {
        (Some(_), _) => "auth",
        (None, Some(_)) => "identities",
        (None, None) => return None,
    };
    Some(KeyPath::root().key(key))
}

/// The identities a test runs as: (identity label, matrix statuses).
fn identities(suite: &Suite, test: &TestDef) -> Vec<(Option<String>, Option<StatusSet>)> {
    if let Some(StatusExpect::Matrix(matrix)) = test.expect.as_ref().and_then(|e| e.status.as_ref())
    {
        return matrix
            .iter()
            .map(|(id, set)| (Some(id.clone()), Some(set.clone())))
            .collect();
    }
    if test.auth.is_none()
        && let Some(list) = &suite.header.identities
    {
        return list.iter().map(|id| (Some(id.clone()), None)).collect();
    }
    let auth = test
        .auth
        .clone()
        .or_else(|| suite.header.auth.clone())
        .or_else(|| suite.config.auth.clone());
    vec![(auth, None)]
}

/// Each data row's label (its `name`, else `row N`) and values; a name that
/// holds a secret is shown masked, with the row's number (`*** (row 2)`),
/// which also names its snapshot (`__row_2`).
fn rows(test: &TestDef, secrets: &MaskSet) -> Vec<Option<(String, IndexMap<String, Json>)>> {
    match test.each.as_deref() {
        Some(EachDef::Rows(rows)) => rows
            .iter()
            .enumerate()
            .map(|(i, row)| {
                let label = match row.get("name") {
                    Some(Json::String(name)) => match secrets.mask(name) {
                        Cow::Borrowed(_) => name.clone(),
                        Cow::Owned(masked) => format!("{masked} (row {})", i + 1),
                    },
                    _ => format!("row {}", i + 1),
                };
                Some((label, row.clone()))
            })
            .collect(),
        _ => vec![None],
    }
}

fn plan_test(
    suite: &Suite,
    info: &Arc<SuiteInfo>,
    test: Arc<TestDef>,
    secrets: &MaskSet,
    out: &mut Vec<TrialSpec>,
) {
    let ids = identities(suite, &test);
    let matrix = ids.len() > 1 || ids.iter().any(|(_, s)| s.is_some());
    let tags = if test.tags.is_empty() {
        info.tags.clone()
    } else {
        suite
            .header
            .tags
            .iter()
            .chain(&test.tags)
            .cloned()
            .collect()
    };
    for row in rows(&test, secrets) {
        for (identity, status) in &ids {
            let mut name = format!("{}::{}", suite.id, test.name);
            let stem = info.snapshot_stem.clone();
            let mut suffix = String::new();
            if let Some((label, _)) = &row {
                name.push_str(&format!("[{label}]"));
                suffix.push_str(&format!("__{}", slug(label)));
            }
            if matrix {
                let label = identity.clone().unwrap_or_else(|| NONE.to_owned());
                name.push_str(&format!("[{label}]"));
                suffix.push_str(&format!("__{}", slug(&label)));
            }
            let snap = format!("{stem}__{}{suffix}", slug(&test.name));
            out.push(TrialSpec {
                name: if name.chars().any(char::is_control) {
                    escape_controls(&name)
                } else {
                    name
                },
                suite: info.clone(),
                test: test.clone(),
                identity: identity.clone().filter(|i| i != NONE),
                identity_label: identity.clone(),
                matrix_status: status.clone(),
                row: row.as_ref().map(|(_, r)| r.clone()),
                snapshot_name: snap,
                snapshot_stem: stem,
                snapshot_suffix: suffix,
                tags: tags.clone(),
                skip: test.skip.clone(),
                broken: None,
                challenge: None,
            });
        }
        plan_negative(suite, info, &test, &ids, row.as_ref(), &tags, out);
    }
}

/// The identity whose token the broken credentials are derived from: the
/// first the test expects to succeed, else its first identity.
fn negative_base(ids: &[(Option<String>, Option<StatusSet>)]) -> Option<String> {
    let real =
        |id: &&(Option<String>, Option<StatusSet>)| id.0.as_deref().is_some_and(|i| i != NONE);
    let succeeds = |set: &StatusSet| {
        set.0.iter().all(|p| match p {
            StatusPattern::Exact(c) => (200..300).contains(c),
            StatusPattern::Class(c) => *c == 2,
        })
    };
    ids.iter()
        .filter(real)
        .find(|(_, s)| s.as_ref().is_none_or(succeeds))
        .or_else(|| ids.iter().find(real))
        .and_then(|(id, _)| id.clone())
}

/// The `negative_auth` trials of a single-request test that runs as an
/// identity: `suite::test[kind]`, each expecting 401.
fn plan_negative(
    suite: &Suite,
    info: &Arc<SuiteInfo>,
    test: &Arc<TestDef>,
    ids: &[(Option<String>, Option<StatusSet>)],
    row: Option<&(String, IndexMap<String, Json>)>,
    tags: &Arc<[String]>,
    out: &mut Vec<TrialSpec>,
) {
    let Some(kinds) = NegativeAuth::over(
        test.negative_auth.as_ref(),
        suite.header.negative_auth.as_ref(),
    ) else {
        return;
    };
    if test.steps.is_some() {
        return;
    }
    let Some(base) = negative_base(ids) else {
        return;
    };
    for kind in kinds.kinds() {
        let mut name = format!("{}::{}", suite.id, test.name);
        let mut suffix = String::new();
        if let Some((label, _)) = row {
            name.push_str(&format!("[{label}]"));
            suffix.push_str(&format!("__{}", slug(label)));
        }
        name.push_str(&format!("[{kind}]"));
        suffix.push_str(&format!("__{kind}"));
        out.push(TrialSpec {
            name: escape_controls(&name),
            suite: info.clone(),
            test: test.clone(),
            identity: Some(base.clone()),
            identity_label: Some(base.clone()),
            matrix_status: Some(StatusSet(vec![StatusPattern::Exact(401)])),
            row: row.map(|(_, r)| r.clone()),
            snapshot_name: format!("{}__{}{suffix}", info.snapshot_stem, slug(&test.name)),
            snapshot_stem: info.snapshot_stem.clone(),
            snapshot_suffix: suffix,
            tags: tags.clone(),
            skip: test.skip.clone(),
            broken: Some(kind),
            challenge: kinds.challenge().cloned(),
        });
    }
}

fn file_stem(suite: &Suite) -> String {
    suite
        .file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| suite.id.clone())
}
