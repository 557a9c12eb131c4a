//! Walks the given paths, reads `gatecheck.yaml`, every suite, every
//! fixture and every `each:` rows file, and turns them into the model.
//! Every file's content is read here (`read_doc`, `read_rows`), through
//! `disk::read_regular_text`; `walk.rs` lists the folders. Every problem is
//! collected as a located [`Diagnostic`].

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::de::DeserializeOwned;

use super::expect::did_you_mean;
use super::keypath::{KeyPath, Seg};
use super::model::{ConfigDef, DEMO_BASE_URL, EachDef, SuiteHeader, TestDef};
use super::walk;
pub use super::walk::CONFIG_FILE;
use super::wire;
use super::yaml::{self, Located, Positions};
use crate::auth::Fixture;
use crate::diag::Pos;
use crate::error::Diagnostic;

/// The largest YAML file (suite, config, fixture) read.
pub const MAX_YAML_FILE: u64 = 64 << 20;

/// The real path of `file` when it is named inside the current folder but
/// leads outside it through a symbolic link (a suite linked to `~/.npmrc`).
/// A path named outside the current folder is the user's own choice.
fn leaves_project(file: &Path) -> Option<PathBuf> {
    let cwd = std::env::current_dir().ok()?;
    let named = std::path::absolute(file).ok()?;
    if !named.starts_with(&cwd) {
        return None;
    }
    let real = fs::canonicalize(file).ok()?;
    let real_cwd = fs::canonicalize(&cwd).ok()?;
    (!real.starts_with(&real_cwd)).then_some(real)
}

/// What a YAML value is, without its text.
fn shape(value: &serde_yaml::Value) -> &'static str {
    match value {
        serde_yaml::Value::Null => "nothing",
        serde_yaml::Value::Bool(_) => "a boolean",
        serde_yaml::Value::Number(_) => "a number",
        serde_yaml::Value::String(_) => "a string",
        serde_yaml::Value::Sequence(_) => "a list",
        serde_yaml::Value::Mapping(_) => "a map",
        serde_yaml::Value::Tagged(_) => "a tagged value",
    }
}

/// Suite files read per thread at least: fewer files are read on this
/// thread alone (starting a thread costs more than a small file).
const FILES_PER_THREAD: usize = 4;

/// Everything a run needs from disk.
#[derive(Debug, Default)]
pub struct Project {
    pub suites: Vec<Suite>,
    pub fixtures: BTreeMap<String, Fixture>,
    /// Where each fixture came from, for messages.
    pub fixture_files: BTreeMap<String, PathBuf>,
    /// Identities whose fixture file exists but could not be read (its
    /// own error is reported; uses of the name are not errors too).
    pub broken_fixtures: std::collections::BTreeSet<String>,
    /// The config of the first path (run-wide settings: concurrency, timeout).
    pub config: Arc<ConfigDef>,
    /// Values to mask: configured secrets and fixture secrets.
    pub secrets: Vec<String>,
}

/// One suite file.
#[derive(Debug)]
pub struct Suite {
    pub file: PathBuf,
    /// `todos`, or `api/todos` for nested files: the trial-name prefix.
    pub id: String,
    /// The `name:` of the suite, else its id.
    pub title: String,
    pub header: SuiteHeader,
    /// Shared with the trials that run them (not copied per trial).
    pub tests: Vec<Arc<TestDef>>,
    /// Shared with the trials, which look up lines for snapshot metadata.
    pub doc: Arc<Located>,
    pub config: Arc<ConfigDef>,
    /// Absolute folder of this suite's snapshots.
    pub snapshot_dir: PathBuf,
}

impl Suite {
    /// A diagnostic at `path` inside this suite.
    pub fn diag(&self, path: &KeyPath, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(
            &self.file,
            Some(self.doc.pos(path)),
            format!("{path}: {}", message.into()),
        )
    }
}

/// Reads environment variables (read once at start-up into this map).
pub type Env = HashMap<String, String>;

/// What [`load_each`] does with each suite, on the thread that read it:
/// given the project (its fixtures and config, without suites), the suite
/// and the suite's problems so far, it returns what is kept of the suite.
pub type EachSuite<'a, T> = dyn Fn(&Project, Suite, &mut Vec<Diagnostic>) -> T + Sync + 'a;

/// Loads every suite under `paths`, with its config and fixtures, handing
/// each suite to `each` as soon as it is read, and keeping only what `each`
/// returns (in the order of the files): a caller that needs a little of each
/// suite never holds every suite at once. The project comes back without
/// suites. Returns what could be read, and every problem found on the way (a
/// test that could not be read is left out, so the rest can still be checked).
pub fn load_each<T: Send>(
    paths: &[PathBuf],
    env: &Env,
    each: &EachSuite<'_, T>,
) -> (Project, Vec<T>, Vec<Diagnostic>) {
    let mut loader = Loader {
        env,
        diags: Vec::new(),
    };
    let (project, kept) = loader.project(paths, each);
    (project, kept, loader.diags)
}

/// Loads only the identities, for `gatecheck token`: the fixtures of the
/// suites folder `suites` (its `gatecheck.yaml` when present says where),
/// which need not exist: `fixtures/` beside it is used then. A missing
/// fixtures folder is an error that says what to add.
pub fn load_fixtures(suites: &Path, env: &Env) -> (Project, Vec<Diagnostic>) {
    let mut loader = Loader {
        env,
        diags: Vec::new(),
    };
    let mut project = Project::default();
    let config = if suites.is_dir() {
        loader.config(suites).0
    } else {
        ConfigDef::default()
    };
    let dir = match &config.fixtures {
        Some(f) => suites.join(f),
        None => sibling_fixtures(suites),
    };
    project.config = Arc::new(config);
    if dir.is_dir() {
        loader.fixtures(&dir, &mut project);
    } else {
        loader.diag(
            &dir,
            None,
            "no fixtures folder; add fixtures/NAME.yaml (or run `gatecheck init`), \
             or give the suites folder with --suites",
        );
    }
    (project, loader.diags)
}

pub(super) struct Loader<'a> {
    env: &'a Env,
    diags: Vec<Diagnostic>,
}

/// A suites path with the config that applies to it.
struct Root {
    dir: PathBuf,
    files: Vec<PathBuf>,
    config: Arc<ConfigDef>,
    /// Where the keys of its `gatecheck.yaml` are, when it has one.
    config_positions: Option<Positions>,
    fixtures_dir: PathBuf,
}

impl Loader<'_> {
    fn project<T: Send>(
        &mut self,
        paths: &[PathBuf],
        each: &EachSuite<'_, T>,
    ) -> (Project, Vec<T>) {
        let mut project = Project::default();
        let roots: Vec<Root> = paths.iter().filter_map(|p| self.root(p)).collect();
        if let Some(first) = roots.first() {
            project.config = first.config.clone();
        }
        let mut fixture_dirs: Vec<&PathBuf> = roots.iter().map(|r| &r.fixtures_dir).collect();
        fixture_dirs.dedup();
        for dir in fixture_dirs {
            self.fixtures(dir, &mut project);
        }
        for root in &roots {
            project.secrets.extend(root.config.secrets.iter().cloned());
        }
        self.config_identities(&roots, &project);
        let kept = self.suites(&roots, &project, each);
        (project, kept)
    }

    /// Checks each config's default identity (`auth:`) once, at its line in
    /// gatecheck.yaml (not at every suite that inherits it).
    fn config_identities(&mut self, roots: &[Root], project: &Project) {
        let mut known: Vec<String> = project.fixtures.keys().cloned().collect();
        known.extend(project.broken_fixtures.iter().cloned());
        known.push(super::identity::NONE.to_owned());
        let mut seen = Vec::new();
        for root in roots {
            let Some(auth) = &root.config.auth else {
                continue;
            };
            let file = root.dir.join(CONFIG_FILE);
            if seen.contains(&file) {
                continue;
            }
            if let Some(problem) = super::identity::unknown(auth, &known) {
                let path = KeyPath::root().key("auth");
                let pos = root.config_positions.as_ref().map(|p| p.pos(&path));
                self.diag(&file, pos, format!("auth: {problem}"));
            }
            seen.push(file);
        }
    }

    /// Reads every suite file of `roots`, on up to one thread per core
    /// (a file at a time, each on its own); suites and problems come back
    /// in the order of the files, as if read one after the other. Each
    /// suite is handed to `each` on the thread that read it.
    fn suites<T: Send>(
        &mut self,
        roots: &[Root],
        project: &Project,
        each: &EachSuite<'_, T>,
    ) -> Vec<T> {
        let jobs: Vec<(&Root, &PathBuf)> = roots
            .iter()
            .flat_map(|root| root.files.iter().map(move |file| (root, file)))
            .collect();
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let threads = cores.min(jobs.len() / FILES_PER_THREAD).max(1);
        let next = AtomicUsize::new(0);
        let env = self.env;
        let work = || {
            let mut done = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some((root, file)) = jobs.get(i) else {
                    return done;
                };
                let mut loader = Loader {
                    env,
                    diags: Vec::new(),
                };
                let suite = loader.suite(root, file);
                let kept = suite.map(|suite| each(project, suite, &mut loader.diags));
                done.push((i, kept, loader.diags));
            }
        };
        let mut done = if threads == 1 {
            work()
        } else {
            std::thread::scope(|scope| {
                let workers: Vec<_> = (0..threads).map(|_| scope.spawn(work)).collect();
                workers
                    .into_iter()
                    .flat_map(|w| w.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
                    .collect()
            })
        };
        done.sort_by_key(|(i, _, _)| *i);
        let mut suites = Vec::with_capacity(done.len());
        for (_, suite, diags) in done {
            self.diags.extend(diags);
            suites.extend(suite);
        }
        suites
    }

    pub(super) fn push(&mut self, diagnostic: Diagnostic) {
        self.diags.push(diagnostic);
    }

    pub(super) fn diag(&mut self, file: &Path, pos: Option<Pos>, message: impl Into<String>) {
        self.diags.push(Diagnostic::new(file, pos, message));
    }

    fn root(&mut self, path: &Path) -> Option<Root> {
        let meta = match fs::metadata(path) {
            Ok(meta) => meta,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                self.diag(
                    path,
                    None,
                    "path does not exist; give a suites folder or a suite file, \
                     or run `gatecheck init` to start one",
                );
                return None;
            }
            Err(e) => {
                self.diag(path, None, format!("cannot read: {e}"));
                return None;
            }
        };
        let dir = if meta.is_dir() {
            path.to_path_buf()
        } else {
            path.parent().map(Path::to_path_buf).unwrap_or_default()
        };
        let (config, config_positions) = self.config(&dir);
        let config = Arc::new(config);
        let fixtures_dir = match &config.fixtures {
            Some(f) => dir.join(f),
            None => sibling_fixtures(&dir),
        };
        let files = if meta.is_dir() {
            let (files, problems) = walk::suite_files(path, &fixtures_dir);
            let unreadable = !problems.is_empty();
            self.diags.extend(problems);
            if files.is_empty() && !unreadable {
                self.diag(
                    path,
                    None,
                    "no suites found (no *.yaml or *.yml files); add one, e.g. suites/smoke.yaml",
                );
            }
            files
        } else if meta.is_file() {
            vec![path.to_path_buf()]
        } else {
            self.diag(
                path,
                None,
                "not a regular file; give a suites folder or a suite file",
            );
            Vec::new()
        };
        Some(Root {
            dir,
            files,
            config,
            config_positions,
            fixtures_dir,
        })
    }

    /// The config of the suites folder `dir`, and where its keys are (for
    /// messages about it after loading).
    fn config(&mut self, dir: &Path) -> (ConfigDef, Option<Positions>) {
        let file = dir.join(CONFIG_FILE);
        if !file.is_file() {
            return (ConfigDef::default(), None);
        }
        let Some(doc) = self.read_doc(&file) else {
            return (ConfigDef::default(), None);
        };
        let Some(config) = self.typed(&file, &doc, &KeyPath::root(), &doc.value) else {
            return (ConfigDef::default(), Some(doc.positions()));
        };
        self.check_config(&file, &doc, &config);
        (config, Some(doc.positions()))
    }

    /// What serde cannot say about gatecheck.yaml: its URL and headers.
    fn check_config(&mut self, file: &Path, doc: &Located, config: &ConfigDef) {
        let root = KeyPath::root();
        let mut problems = Vec::new();
        if let Some(base) = &config.base_url
            && let Some(problem) = wire::base_url_problem(base, DEMO_BASE_URL)
        {
            problems.push((root.key("base_url"), problem));
        }
        for (name, value) in &config.headers {
            let at = root.key("headers").key(name);
            problems.extend(
                wire::header_problems(name, value)
                    .into_iter()
                    .map(|p| (at.clone(), p)),
            );
        }
        for (path, problem) in problems {
            self.diag(file, Some(doc.pos(&path)), format!("{path}: {problem}"));
        }
    }

    pub(super) fn read_doc(&mut self, file: &Path) -> Option<Located> {
        if let Some(real) = leaves_project(file) {
            self.diag(
                file,
                None,
                format!(
                    "is a symbolic link that leads outside the project (to `{}`); \
                     gatecheck reads no file outside the current folder through a link \
                     (its content could be shown in messages): copy the file into the project",
                    real.display()
                ),
            );
            return None;
        }
        let text = match crate::disk::read_regular_text(file, MAX_YAML_FILE) {
            Ok(text) => text,
            Err(e) => {
                let message = match e {
                    crate::disk::ReadError::Io(e) => {
                        format!("cannot read file: {e}; make it readable, or remove it")
                    }
                    other => other.to_string(),
                };
                self.diag(file, None, message);
                return None;
            }
        };
        let env = |name: &str| self.env.get(name).cloned();
        match yaml::parse(&text, &env) {
            Ok(doc) => {
                for e in &doc.errors {
                    self.diag(file, Some(e.pos), e.message.clone());
                }
                Some(doc)
            }
            Err(errors) => {
                for e in errors {
                    self.diag(file, Some(e.pos), e.message);
                }
                None
            }
        }
    }

    /// Deserializes `value` (found at `base` in `doc`) with a located error.
    pub(super) fn typed<T: DeserializeOwned>(
        &mut self,
        file: &Path,
        doc: &Located,
        base: &KeyPath,
        value: &serde_yaml::Value,
    ) -> Option<T> {
        // The fast path reads the value in place; only on an error is it read
        // again with path tracking, to say where.
        if let Ok(v) = T::deserialize(value) {
            return Some(v);
        }
        match serde_path_to_error::deserialize::<_, T>(value) {
            Ok(v) => Some(v),
            Err(err) => {
                let path = join_path(base, err.path());
                let message = if path.is_root() && !matches!(value, serde_yaml::Value::Mapping(_)) {
                    // The whole file is not a map: it is perhaps not a suite
                    // at all, and its text is not repeated.
                    format!(
                        "expected a map of keys (such as `tests:`), found {}; \
                         is this a gatecheck file?",
                        shape(value)
                    )
                } else {
                    with_suggestion(&err.inner().to_string())
                };
                let message = if path.is_root() {
                    message
                } else {
                    format!("{path}: {message}")
                };
                self.diag(file, Some(doc.pos(&path)), message);
                None
            }
        }
    }

    fn suite(&mut self, root: &Root, file: &Path) -> Option<Suite> {
        let doc = self.read_doc(file)?;
        if doc.value.is_null() {
            let start = Some(Pos { line: 1, col: 1 });
            self.diag(file, start, "empty suite; a suite needs `tests:`");
            return None;
        }
        let header: SuiteHeader = self.typed(file, &doc, &KeyPath::root(), &doc.value)?;
        if header.tests.len == 0 {
            let at = KeyPath::root().key("tests");
            let msg = "tests: the list is empty; a suite needs at least one test";
            self.diag(file, Some(doc.pos(&at)), msg);
        }
        let raw_tests = doc.value.get("tests").and_then(|t| t.as_sequence());
        let mut tests = Vec::with_capacity(header.tests.len);
        for (i, raw) in raw_tests.into_iter().flatten().enumerate() {
            let base = KeyPath::root().key("tests").index(i);
            if let Some(mut test) = self.typed::<TestDef>(file, &doc, &base, raw) {
                test.index = i;
                self.load_each(file, &doc, &base, &mut test);
                for (at, e) in super::schema_file::resolve(file, &base, &mut test) {
                    self.diag(file, Some(doc.pos(&at)), format!("{at}: {e}"));
                }
                tests.push(Arc::new(test));
            }
        }
        // The tree is read: only the text stays, to locate messages later.
        let mut doc = doc;
        doc.value = serde_yaml::Value::Null;
        let id = suite_id(&root.dir, file);
        let dir = file.parent().unwrap_or(Path::new("."));
        let snapshot_dir = std::path::absolute(dir.join("snapshots")).unwrap_or_default();
        Some(Suite {
            file: file.to_path_buf(),
            title: header.name.clone().unwrap_or_else(|| id.clone()),
            id,
            header,
            tests,
            doc: Arc::new(doc),
            config: root.config.clone(),
            snapshot_dir,
        })
    }

    /// Reads `each: rows.csv` / `each: rows.yaml` into inline rows.
    fn load_each(&mut self, file: &Path, doc: &Located, base: &KeyPath, test: &mut TestDef) {
        let Some(EachDef::File(name)) = test.each.as_deref() else {
            return;
        };
        let path = file.parent().unwrap_or(Path::new(".")).join(name);
        let at = Some(doc.pos(&base.key("each")));
        match read_rows(&path) {
            Ok(rows) => test.each = Some(Box::new(EachDef::Rows(rows))),
            Err(e) => self.diag(file, at, format!("{}: {e}", base.key("each"))),
        }
    }
}

/// The rows of an `each:` file.
fn read_rows(path: &Path) -> Result<Vec<super::rows::Row>, String> {
    let text = crate::disk::read_regular_text(path, super::rows::MAX_ROWS_FILE)
        .map_err(|e| format!("failed to read rows file `{}`: {e}", path.display()))?;
    super::rows::parse(path, &text)
}

/// `suites/` -> `fixtures/` beside it.
fn sibling_fixtures(dir: &Path) -> PathBuf {
    match dir.parent() {
        Some(parent) => parent.join("fixtures"),
        None => PathBuf::from("fixtures"),
    }
}

/// `suites/api/todos.yaml` under root `suites` -> `api/todos`.
fn suite_id(root: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(root).unwrap_or(file).with_extension("");
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn join_path(base: &KeyPath, path: &serde_path_to_error::Path) -> KeyPath {
    use serde_path_to_error::Segment;
    let mut out = base.clone();
    for seg in path.iter() {
        match seg {
            Segment::Seq { index } => out.0.push(Seg::Index(*index)),
            Segment::Map { key } => out.0.push(Seg::Key(key.clone())),
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    out
}

/// Adds a did-you-mean to serde's "unknown field `x`, expected one of `a`, `b`".
fn with_suggestion(message: &str) -> String {
    let Some(rest) = message
        .strip_prefix("unknown field `")
        .or_else(|| message.strip_prefix("unknown variant `"))
    else {
        return message.to_owned();
    };
    let Some((word, expected)) = rest.split_once('`') else {
        return message.to_owned();
    };
    let candidates: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    format!("{message}{}", did_you_mean(word, &candidates))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Loading reads each file once: the second pass that finds positions
    /// runs for a file only when a message about it needs one.
    #[test]
    fn positions_are_found_only_for_files_with_a_message() {
        let dir = std::env::temp_dir().join(format!("gatecheck-load-once-{}", std::process::id()));
        let suites = dir.join("suites");
        fs::create_dir_all(&suites).unwrap();
        let test = "  - name: t\n    request: {url: /a}\n    expect: {status: 200}\n";
        fs::write(suites.join(CONFIG_FILE), "base_url: demo\ntimeout: 5s\n").unwrap();
        fs::write(suites.join("good.yaml"), format!("tests:\n{test}")).unwrap();
        let typo = format!("tests:\n{test}  - name: u\n    reqest: {{url: /b}}\n");
        fs::write(suites.join("typo.yaml"), typo).unwrap();
        let keep = |_: &Project, suite: Suite, _: &mut Vec<Diagnostic>| suite;
        let (_, loaded, diags) = load_each(&[suites], &Env::new(), &keep);
        fs::remove_dir_all(&dir).unwrap();
        let found: Vec<(String, bool)> = loaded
            .iter()
            .map(|s| (s.id.clone(), s.doc.positions().found()))
            .collect();
        assert_eq!(
            found,
            [("good".to_owned(), false), ("typo".to_owned(), true)]
        );
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert!(
            diags[0]
                .to_string()
                .contains("typo.yaml:6:5: tests[1].reqest: unknown field `reqest`"),
            "{}",
            diags[0]
        );
    }

    #[test]
    fn suggests_the_closest_field() {
        let msg = with_suggestion("unknown field `reqest`, expected one of `name`, `request`");
        assert!(msg.ends_with("(did you mean `request`?)"), "{msg}");
    }

    #[test]
    fn nested_suite_ids_keep_their_folder() {
        assert_eq!(
            suite_id(Path::new("suites"), Path::new("suites/api/todos.yaml")),
            "api/todos"
        );
        assert_eq!(
            suite_id(Path::new("suites"), Path::new("suites/smoke.yml")),
            "smoke"
        );
    }
}
