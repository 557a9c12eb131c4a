//! The house's shape: dependencies between source files point one way.
//!
//! Reads every file under each crate's `src/` (test code left out), collects
//! the paths it names through `crate::` and `super::` (in `use` items, braces
//! expanded, and inline), resolves each to the file that defines the module,
//! and fails when files import each other in a circle, naming the files and
//! what ties them. A `mod.rs` or `lib.rs` only declares and re-exports, so an
//! import of a re-export is not followed through it. A second test folds the
//! files onto top-level modules (`auth`, `suite`, `diag`...), following
//! re-exports, and fails on a circle between modules. Between the crates
//! of the workspace Cargo forbids circles; a third test keeps the harness's
//! use of the emulator crate to the demo.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The source folder of each crate of the workspace, relative to the
/// repository, and the fewest files the reader must find in it: the
/// harness, the emulator it starts for the demo, and the login computations
/// both share.
const CRATES: &[(&str, usize)] = &[
    ("src", 50),
    ("crates/emulator/src", 40),
    ("crates/login-crypto/src", 3),
];

/// The only files of the harness that name the emulator crate: the
/// built-in emulator of a run (`demo`) and `gatecheck emulator`.
const EMULATOR_USERS: &[&str] = &["src/command/emulator.rs", "src/run/demo.rs"];

/// Module path (`auth::token`) -> file, for every source file but tests.
fn modules(src: &Path) -> BTreeMap<Vec<String>, PathBuf> {
    let mut out = BTreeMap::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            if path.extension().is_none_or(|e| e != "rs") || name.ends_with("_tests") {
                continue;
            }
            let rel = path.parent().unwrap().strip_prefix(src).unwrap();
            let mut module: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if name == "main" {
                continue;
            }
            if !matches!(name.as_str(), "mod" | "lib") {
                module.push(name);
            }
            out.insert(module, path);
        }
    }
    out
}

/// The file's text without its inline test module.
fn code(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    match text.find("#[cfg(test)]") {
        Some(at) => text[..at].to_owned(),
        None => text,
    }
}

/// Every `crate::a::b` / `super::a` path the text names, `use` braces
/// expanded, as absolute module paths (`super` resolved against `module`).
fn named_paths(text: &str, module: &[String], is_mod_file: bool) -> Vec<Vec<String>> {
    let mut paths = Vec::new();
    for statement in use_statements(text) {
        expand(&statement, String::new(), &mut paths);
    }
    let inline = regex::Regex::new(r"\b(?:crate|super)(?:::[A-Za-z_][A-Za-z0-9_]*)+").unwrap();
    for m in inline.find_iter(text) {
        paths.push(m.as_str().to_owned());
    }
    paths
        .into_iter()
        .filter_map(|p| absolute(&p, module, is_mod_file))
        .collect()
}

/// The bodies of `use ...;` items (after `use`, before `;`), whitespace removed.
fn use_statements(text: &str) -> Vec<String> {
    let re = regex::Regex::new(r"(?m)^\s*(?:pub(?:\([a-z]+\))?\s+)?use\s+([^;]+);").unwrap();
    let rename = regex::Regex::new(r"\s+as\s+[A-Za-z_][A-Za-z0-9_]*").unwrap();
    re.captures_iter(text)
        .map(|c| {
            let body = rename.replace_all(&c[1], "");
            body.chars().filter(|c| !c.is_whitespace()).collect()
        })
        .collect()
}

/// `a::{b, c::{d}}` -> `a::b`, `a::c::d`.
fn expand(tree: &str, prefix: String, out: &mut Vec<String>) {
    let Some(open) = tree.find('{') else {
        out.push(format!("{prefix}{tree}"));
        return;
    };
    let head = format!("{prefix}{}", &tree[..open]);
    let inner = &tree[open + 1..tree.rfind('}').unwrap()];
    let mut depth = 0;
    let mut start = 0;
    for (i, ch) in inner.char_indices() {
        match ch {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                expand(&inner[start..i], head.clone(), out);
                start = i + 1;
            }
            _ => {}
        }
    }
    if start < inner.len() {
        expand(&inner[start..], head, out);
    }
}

fn absolute(path: &str, module: &[String], is_mod_file: bool) -> Option<Vec<String>> {
    let mut parts = path.split("::").filter(|p| !p.is_empty() && *p != "self");
    let mut base: Vec<String> = match parts.next()? {
        "crate" => Vec::new(),
        "super" => {
            // In a mod.rs, `super` is the parent of the folder's module.
            let mut base = module.to_vec();
            base.pop()?;
            if is_mod_file {
                base.pop()?;
            }
            base
        }
        _ => return None,
    };
    for part in parts {
        if part == "super" {
            base.pop()?;
        } else {
            base.push(part.to_owned());
        }
    }
    Some(base)
}

/// The file that defines the longest module prefix of `path`, unless that
/// is a mod.rs / lib.rs (a re-export is not followed).
fn target<'a>(path: &[String], modules: &'a BTreeMap<Vec<String>, PathBuf>) -> Option<&'a PathBuf> {
    (1..=path.len()).rev().find_map(|n| modules.get(&path[..n]))
}

fn is_declaring(file: &Path) -> bool {
    matches!(
        file.file_name().and_then(|f| f.to_str()),
        Some("mod.rs" | "lib.rs")
    )
}

type Graph = BTreeMap<PathBuf, BTreeMap<PathBuf, BTreeSet<String>>>;

/// Which file imports which. With `through_mod_files`, a `mod.rs` counts
/// as a file and an import of a re-export is an edge to it (for the
/// top-level view); `lib.rs` is never a node.
fn graph_of(src: &Path, through_mod_files: bool) -> Graph {
    let modules = modules(src);
    let mut graph = Graph::new();
    for (module, file) in &modules {
        if module.is_empty() || (is_declaring(file) && !through_mod_files) {
            continue;
        }
        let edges = graph.entry(file.clone()).or_default();
        for path in named_paths(&code(file), module, false) {
            let Some(to) = target(&path, &modules) else {
                continue;
            };
            if to != file && (through_mod_files || !is_declaring(to)) && !to.ends_with("lib.rs") {
                let name = path.last().cloned().unwrap_or_default();
                edges.entry(to.clone()).or_default().insert(name);
            }
        }
    }
    graph
}

fn graph(src: &Path) -> Graph {
    graph_of(src, false)
}

/// Strongly connected components of more than one file (Tarjan).
fn circles(graph: &Graph) -> Vec<Vec<PathBuf>> {
    struct State<'a> {
        graph: &'a Graph,
        index: BTreeMap<&'a PathBuf, usize>,
        low: BTreeMap<&'a PathBuf, usize>,
        stack: Vec<&'a PathBuf>,
        on_stack: BTreeSet<&'a PathBuf>,
        found: Vec<Vec<PathBuf>>,
    }
    fn visit<'a>(s: &mut State<'a>, node: &'a PathBuf) {
        let n = s.index.len();
        s.index.insert(node, n);
        s.low.insert(node, n);
        s.stack.push(node);
        s.on_stack.insert(node);
        for next in s.graph.get(node).into_iter().flat_map(|e| e.keys()) {
            if !s.index.contains_key(next) {
                visit(s, next);
                let low = s.low[next].min(s.low[node]);
                s.low.insert(node, low);
            } else if s.on_stack.contains(next) {
                let low = s.index[next].min(s.low[node]);
                s.low.insert(node, low);
            }
        }
        if s.low[node] == s.index[node] {
            let mut component = Vec::new();
            loop {
                let top = s.stack.pop().unwrap();
                s.on_stack.remove(top);
                component.push(top.clone());
                if top == node {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                s.found.push(component);
            }
        }
    }
    let mut state = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for node in graph.keys() {
        if !state.index.contains_key(node) {
            visit(&mut state, node);
        }
    }
    state.found
}

/// Circles that were in the house when this test arrived, each named by
/// its files (relative to the repository: `src/...`, `crates/...`). They are to be broken, not added to: a
/// new circle, or a known one that grows, fails the test; a known one that
/// is broken must be removed from this list (the test says so).
const KNOWN_CIRCLES: &[&[&str]] = &[];

/// The circle's files relative to `root`, sorted, `/`-separated.
fn names(circle: &[PathBuf], root: &Path) -> Vec<String> {
    let mut names: Vec<String> = circle
        .iter()
        .map(|f| {
            let rel = f.strip_prefix(root).unwrap();
            let parts: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            parts.join("/")
        })
        .collect();
    names.sort();
    names
}

#[test]
fn source_files_import_each_other_one_way() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let known: BTreeSet<Vec<String>> = KNOWN_CIRCLES
        .iter()
        .map(|c| c.iter().map(|s| (*s).to_owned()).collect())
        .collect();
    let mut report = String::new();
    let mut found = BTreeSet::new();
    for (dir, fewest) in CRATES {
        let graph = graph(&root.join(dir));
        assert!(
            graph.len() >= *fewest,
            "read only {} files in {dir}",
            graph.len()
        );
        for circle in circles(&graph) {
            let named = names(&circle, root);
            if !known.contains(&named) {
                report.push_str(&describe(&circle, &graph, root));
            }
            found.insert(named);
        }
    }
    assert!(
        report.is_empty(),
        "source files import each other in circles; move what both need into a lower file:\n{report}"
    );
    let gone: Vec<_> = known.difference(&found).collect();
    assert!(
        gone.is_empty(),
        "these circles are broken now; remove them from KNOWN_CIRCLES in tests/it/architecture.rs: {gone:?}"
    );
}

/// A circle of files with the items that tie them, paths from `root`.
fn describe(circle: &[PathBuf], graph: &Graph, root: &Path) -> String {
    let mut report = String::from("circle:\n");
    for from in circle {
        for (to, names) in &graph[from] {
            if circle.contains(to) {
                let names: Vec<&str> = names.iter().map(String::as_str).collect();
                report.push_str(&format!(
                    "  {} -> {}: {}\n",
                    from.strip_prefix(root).unwrap().display(),
                    to.strip_prefix(root).unwrap().display(),
                    names.join(", ")
                ));
            }
        }
    }
    report
}

/// The file graph folded onto top-level modules (`auth`, `suite`, `diag`...).
fn module_graph(graph: &Graph, src: &Path) -> Graph {
    let top = |file: &PathBuf| -> PathBuf {
        let rel = file.strip_prefix(src).unwrap();
        let first = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        PathBuf::from(first.trim_end_matches(".rs"))
    };
    let mut out = Graph::new();
    for (from, edges) in graph {
        let node = out.entry(top(from)).or_default();
        for (to, names) in edges {
            if top(to) != top(from) {
                node.entry(top(to))
                    .or_default()
                    .extend(names.iter().cloned());
            }
        }
    }
    out
}

/// The harness's top-level modules must not form circles. The emulator's
/// were one module of the harness under this rule; as a crate of its own,
/// Cargo forbids circles between it and the harness, and its files are
/// held by the rule of files above (its `api` and `idx` folders share the
/// emulator's state and configuration both ways, as they did before).
#[test]
fn top_level_modules_import_each_other_one_way() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let graph = module_graph(&graph_of(&src, true), &src);
    assert!(graph.len() > 10, "read only {} modules", graph.len());
    let mut report = String::new();
    for circle in &circles(&graph) {
        report.push_str("circle:\n");
        for from in circle {
            for (to, names) in &graph[from] {
                if circle.contains(to) {
                    let names: Vec<&str> = names.iter().map(String::as_str).collect();
                    report.push_str(&format!(
                        "  {} -> {}: {}\n",
                        from.display(),
                        to.display(),
                        names.join(", ")
                    ));
                }
            }
        }
    }
    assert!(
        report.is_empty(),
        "top-level modules import each other in circles; move what both need into a lower module:\n{report}"
    );
}

/// The top-level modules from the bottom up: a module may use only
/// modules of lower layers, so types flow one way: the shared vocabulary
/// at the bottom, then loading (`suite`), judging (`check`), a trial's
/// verdict, its reports, the run that drives them all, and the command
/// line at the top. Modules of one layer do not use each other. A module
/// missing here fails the test (place it in a layer); a name listed here
/// that is not in `src/` is left alone.
const LAYERS: &[&[&str]] = &[
    &["diag", "disk", "secret", "wire", "partition"],
    &["error", "http"],
    &["auth"],
    &["suite"],
    &["check", "schema"],
    &["verdict", "import", "review"],
    &["report"],
    &["run"],
    &["openapi"],
    &["init"],
    &["cli"],
    &["command"],
];

/// Each use of one top-level module by another that does not point down
/// `layers`, as `from -> to: names`; and the modules not in `layers`.
fn upward_uses(graph: &Graph, layers: &[&[&str]]) -> (Vec<String>, Vec<String>) {
    let layer = |module: &Path| {
        let name = module.to_string_lossy();
        layers.iter().position(|l| l.contains(&name.as_ref()))
    };
    let mut upward = Vec::new();
    let mut unplaced = Vec::new();
    for (from, edges) in graph {
        let Some(from_layer) = layer(from) else {
            unplaced.push(from.display().to_string());
            continue;
        };
        for (to, names) in edges {
            if layer(to).is_some_and(|to_layer| to_layer >= from_layer) {
                let names: Vec<&str> = names.iter().map(String::as_str).collect();
                upward.push(format!(
                    "{} -> {}: {}",
                    from.display(),
                    to.display(),
                    names.join(", ")
                ));
            }
        }
    }
    (upward, unplaced)
}

#[test]
fn top_level_modules_use_only_lower_layers() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let graph = module_graph(&graph_of(&src, true), &src);
    assert!(graph.len() > 10, "read only {} modules", graph.len());
    let (upward, unplaced) = upward_uses(&graph, LAYERS);
    assert!(
        unplaced.is_empty(),
        "modules without a layer; add them to LAYERS in tests/it/architecture.rs: {unplaced:?}"
    );
    assert!(
        upward.is_empty(),
        "modules use a module of their own or a higher layer (see LAYERS in \
         tests/it/architecture.rs); move the shared type down:\n{}",
        upward.join("\n")
    );
}

#[test]
fn the_layers_catch_a_use_that_points_up() {
    fn uses(graph: &mut Graph, from: &str, to: &str, name: &str) {
        graph
            .entry(PathBuf::from(from))
            .or_default()
            .entry(PathBuf::from(to))
            .or_default()
            .insert(name.to_owned());
    }
    let mut graph = Graph::new();
    uses(&mut graph, "run", "report", "TrialRecord");
    uses(&mut graph, "report", "check", "Failure");
    let layers: &[&[&str]] = &[&["check"], &["report"], &["run"]];
    assert_eq!(upward_uses(&graph, layers), (vec![], vec![]));
    // `report` is below `run`: its use of `run` points up.
    uses(&mut graph, "report", "run", "StepFailure");
    uses(&mut graph, "extra", "check", "Failure");
    let (upward, unplaced) = upward_uses(&graph, layers);
    assert_eq!(upward, vec!["report -> run: StepFailure".to_owned()]);
    assert_eq!(unplaced, vec!["extra".to_owned()]);
    // Within one layer is not down either.
    let flat: &[&[&str]] = &[&["check", "report", "run"]];
    assert_eq!(upward_uses(&graph, flat).0.len(), 3);
}

/// Every `.rs` file under `dir`, recursively.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn the_harness_uses_the_emulator_crate_only_for_the_demo() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    assert!(files.len() > 50, "read only {} files", files.len());
    let mut users: Vec<String> = files
        .iter()
        .filter(|f| {
            std::fs::read_to_string(f)
                .unwrap()
                .lines()
                .any(|l| !l.trim_start().starts_with("//") && l.contains("gatecheck_emulator"))
        })
        .map(|f| {
            let rel = f.strip_prefix(root).unwrap().components();
            let parts: Vec<String> = rel
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            parts.join("/")
        })
        .collect();
    users.sort();
    assert_eq!(
        users, EMULATOR_USERS,
        "only the demo starts the emulator; the rest of the harness must not depend on it"
    );
}

#[test]
fn the_reader_finds_a_circle() {
    let dir = std::env::temp_dir().join(format!("gatecheck-arch-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("a")).unwrap();
    std::fs::write(dir.join("lib.rs"), "pub mod a;\n").unwrap();
    std::fs::write(
        dir.join("a/mod.rs"),
        "mod x;\nmod y;\nmod z;\npub use x::X;\n",
    )
    .unwrap();
    std::fs::write(dir.join("a/x.rs"), "use super::{y::Y, z};\npub struct X;\n").unwrap();
    std::fs::write(
        dir.join("a/y.rs"),
        "pub struct Y;\nfn f() { crate::a::x::X; }\n#[cfg(test)]\nmod tests { use crate::a::z::Z; }\n",
    )
    .unwrap();
    std::fs::write(dir.join("a/z.rs"), "use crate::a::X;\npub struct Z;\n").unwrap();
    let graph = graph(&dir);
    let found = circles(&graph);
    std::fs::remove_dir_all(&dir).ok();
    // x <-> y is a circle; z -> a::X goes through mod.rs (a re-export, not
    // followed), and y's test module is left out.
    assert_eq!(found, vec![vec![dir.join("a/x.rs"), dir.join("a/y.rs")]]);
}

#[test]
fn the_reader_finds_a_circle_of_top_level_modules() {
    let dir = std::env::temp_dir().join(format!("gatecheck-arch-top-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("a")).unwrap();
    std::fs::create_dir_all(dir.join("b")).unwrap();
    std::fs::write(dir.join("lib.rs"), "pub mod a;\npub mod b;\npub mod low;\n").unwrap();
    std::fs::write(dir.join("low.rs"), "pub struct L;\n").unwrap();
    std::fs::write(dir.join("a/mod.rs"), "mod x;\npub use x::X;\n").unwrap();
    std::fs::write(
        dir.join("a/x.rs"),
        "use crate::b::Y;\nuse crate::low::L;\npub struct X;\n",
    )
    .unwrap();
    std::fs::write(dir.join("b/mod.rs"), "mod y;\npub use y::Y;\n").unwrap();
    std::fs::write(dir.join("b/y.rs"), "use crate::a::X;\npub struct Y;\n").unwrap();
    let files = graph(&dir);
    let modules = module_graph(&graph_of(&dir, true), &dir);
    std::fs::remove_dir_all(&dir).ok();
    // Through re-exports only: no circle of files, but a -> b -> a.
    assert!(circles(&files).is_empty());
    assert_eq!(
        circles(&modules),
        vec![vec![PathBuf::from("a"), PathBuf::from("b")]]
    );
}
