//! The HTML report (`--html FILE`, `gatecheck report merge`): what it holds,
//! how shards merge, and what a person sees when the page is opened in a
//! real (headless) browser.

use crate::browser;
use crate::common;

use std::collections::BTreeSet;
use std::path::Path;

use common::{Project, TestApi};
use gatecheck::report::html::model::{Model, Status};
use gatecheck::report::html::page;

const SECRET: &str = "k3y-f0r-the-html-report";

fn model(p: &Project, rel: &str) -> Model {
    let html = std::fs::read_to_string(p.path(rel)).unwrap();
    page::extract(&html).unwrap()
}

/// The shipped suites and fixtures, with one matrix cell and one snapshot
/// made to fail, and a secret sent in a header.
fn shipped_project() -> Project {
    let p = Project::new("html-shipped");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for dir in ["suites", "suites/snapshots", "fixtures"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap().flatten() {
            if entry.path().is_file() {
                let text = std::fs::read_to_string(entry.path()).unwrap();
                let name = entry.file_name();
                p.file(&format!("{dir}/{}", name.to_string_lossy()), &text);
            }
        }
    }
    let todos = std::fs::read_to_string(p.path("suites/todos.yaml")).unwrap();
    let edited = todos.replace(
        "{admin: 200, user: 403, none: 401}",
        "{admin: 200, user: 200, none: 401}",
    );
    assert_ne!(
        todos, edited,
        "the shipped matrix test changed; update this test"
    );
    p.file("suites/todos.yaml", &edited);
    let snap =
        std::fs::read_to_string(p.path("suites/snapshots/todos__list_my_todos.snap")).unwrap();
    let edited = snap.replacen("\"Buy milk\"", "\"Buy oat milk\"", 1);
    assert_ne!(
        snap, edited,
        "the shipped snapshot changed; update this test"
    );
    p.file("suites/snapshots/todos__list_my_todos.snap", &edited);
    let config = std::fs::read_to_string(p.path("suites/gatecheck.yaml")).unwrap();
    p.file(
        "suites/gatecheck.yaml",
        &format!("{config}secrets: [\"${{API_KEY}}\"]\n"),
    );
    p.file(
        "suites/keys.yaml",
        r#"name: Keys
tests:
  - name: health with a key
    auth: none
    request: {url: /api/health, headers: {X-Api-Key: "${API_KEY}"}}
    expect: {status: 200, snapshot: false}
"#,
    );
    p.file(
        "suites/both.yaml",
        r#"name: Both identities
identities: [user, admin]
tests:
  - name: my claims
    request: {url: /api/me}
    expect: {status: 200, snapshot: false}
"#,
    );
    p
}

#[test]
fn the_report_holds_the_matrix_the_exchanges_and_the_failures_masked() {
    let p = shipped_project();
    let out = p.run(&["--html", "report/index.html"], &[("API_KEY", SECRET)]);
    assert_eq!(out.code, 1, "{}", out.normalized(&p));
    let html = std::fs::read_to_string(p.path("report/index.html")).unwrap();
    assert!(!html.contains(SECRET), "the secret is in the page");
    assert!(!html.contains("correct-horse"), "a password is in the page");
    let m = model(&p, "report/index.html");
    assert_eq!(m.runs.len(), 1);
    assert_eq!(m.runs[0].command, "gatecheck --html report/index.html");
    assert_eq!(m.runs[0].logins, 2, "user and admin log in once each");
    assert_eq!(m.runs[0].pending_snapshots, 1);
    let failed: BTreeSet<&str> = m
        .trials
        .iter()
        .filter(|t| t.status == Status::Failed)
        .map(|t| t.name.as_str())
        .collect();
    assert_eq!(
        failed,
        BTreeSet::from([
            "todos::admin report is admin-only[user]",
            "todos::list my todos"
        ])
    );
    let mut cells: Vec<(String, String, String, Option<u16>)> = m
        .trials
        .iter()
        .filter_map(|t| {
            let c = t.matrix.as_ref()?;
            Some((
                t.identity.clone()?,
                c.endpoint.clone(),
                c.expected.clone(),
                c.actual,
            ))
        })
        .collect();
    cells.sort();
    let cell = |id: &str, url: &str, exp: &str, got: u16| {
        (
            id.to_owned(),
            format!("GET {url}"),
            exp.to_owned(),
            Some(got),
        )
    };
    assert_eq!(
        cells,
        [
            cell("admin", "/api/admin/report", "200", 200),
            cell("admin", "/api/me", "200", 200),
            cell("none", "/api/admin/report", "401", 401),
            cell("user", "/api/admin/report", "200", 403),
            cell("user", "/api/me", "200", 200),
        ]
    );
    let user = m
        .trials
        .iter()
        .find(|t| t.name == "todos::admin report is admin-only[user]")
        .unwrap();
    let f = &user.failures[0];
    assert_eq!(
        (f.kind.as_str(), f.expected.as_deref(), f.actual.as_deref()),
        ("status", Some("200"), Some("403"))
    );
    assert!(
        f.location
            .as_deref()
            .unwrap()
            .starts_with("suites/todos.yaml:"),
        "{f:?}"
    );
    let auth = &user.steps[0].request_headers;
    assert!(
        auth.contains(&("Authorization".into(), "Bearer ***".into())),
        "{auth:?}"
    );
    let keys = m
        .trials
        .iter()
        .find(|t| t.name == "keys::health with a key")
        .unwrap();
    assert!(
        keys.steps[0]
            .request_headers
            .contains(&("X-Api-Key".into(), "***".into())),
        "{:?}",
        keys.steps
    );
    let snap = m
        .trials
        .iter()
        .find(|t| t.name == "todos::list my todos")
        .unwrap();
    let diff = snap.failures[0].diff.as_deref().unwrap();
    assert!(
        diff.contains("-      \"title\": \"Buy oat milk\""),
        "{diff}"
    );
    assert!(diff.contains("+      \"title\": \"Buy milk\""), "{diff}");
}

#[test]
fn a_person_sees_the_grid_the_diff_and_can_filter_in_a_browser() {
    let Some(chromium) = browser::chromium() else {
        return;
    };
    let p = shipped_project();
    let out = p.run(&["--html", "report/index.html"], &[("API_KEY", SECRET)]);
    assert_eq!(out.code, 1, "{}", out.normalized(&p));
    let url = format!("file://{}", p.path("report/index.html").display());
    let proxy = browser::Proxy::start();
    let failed = browser::dump_dom(
        &chromium,
        &p.path("profile-a"),
        &proxy,
        &format!("{url}#status=failed"),
    );

    // The grid: one row, a cell per identity, coloured and linked to its trial.
    let cell = |trial: &str| {
        let start = failed
            .find(&format!("data-trial=\"{trial}\""))
            .unwrap_or_else(|| panic!("no cell for {trial}"));
        let open = failed[..start].rfind("<td").unwrap();
        let end = start + failed[start..].find("</td>").unwrap();
        failed[open..end].to_owned()
    };
    let head = "<tr><th>Endpoint</th><th>admin</th><th>none</th><th>user</th></tr>";
    assert!(failed.contains(head), "{failed}");
    let report = "todos::admin report is admin-only";
    let user = cell(&format!("{report}[user]"));
    assert!(user.contains("class=\"cell fail\""), "{user}");
    assert!(
        user.contains("background-color: rgb(255, 205, 205)"),
        "{user}"
    );
    assert!(
        user.contains("expected 200") && user.contains("got 403"),
        "{user}"
    );
    assert!(user.contains("href=\"#t-"), "{user}");
    let passing = [
        (format!("{report}[admin]"), "200"),
        (format!("{report}[none]"), "401"),
        ("both::my claims[admin]".to_owned(), "200"),
        ("both::my claims[user]".to_owned(), "200"),
    ];
    for (trial, status) in passing {
        let c = cell(&trial);
        assert!(c.contains("class=\"cell pass\""), "{c}");
        assert!(c.contains("background-color: rgb(200, 240, 200)"), "{c}");
        let text = format!("expected {status}</span><span class=\"got\">got {status}");
        assert!(c.contains(&text), "{c}");
    }
    // `both::my claims` runs as user and admin only: its `none` cell is empty.
    assert_eq!(
        failed.matches("<td class=\"cell none\">–</td>").count(),
        1,
        "{failed}"
    );

    // Filtered to failures: only the two failing trials are shown, the
    // snapshot's diff with them.
    assert!(
        failed.contains("<span id=\"shown\">2 of 11 trials shown</span>"),
        "{failed}"
    );
    assert_eq!(
        visible(&failed),
        [
            "todos::admin report is admin-only[user]",
            "todos::list my todos"
        ]
    );
    assert!(
        failed.contains("<span class=\"del\">-      \"title\": \"Buy oat milk\""),
        "{failed}"
    );
    assert!(
        failed.contains("<span class=\"add\">+      \"title\": \"Buy milk\""),
        "{failed}"
    );

    let health = browser::dump_dom(
        &chromium,
        &p.path("profile-b"),
        &proxy,
        &format!("{url}#q=HEALTH"),
    );
    assert_eq!(
        visible(&health),
        ["identity::health needs no login", "keys::health with a key"]
    );
    assert!(health.contains("<input id=\"filter\""), "{health}");

    for dom in [&failed, &health] {
        assert!(!dom.contains(SECRET), "the secret is shown");
        assert!(!dom.contains("correct-horse"), "a password is shown");
        for attr in ["src=\"http", "href=\"http", "src=\"//", "href=\"//"] {
            assert!(!dom.contains(attr), "the page links out: {attr}");
        }
    }
    assert_eq!(
        proxy.page_requests(),
        Vec::<String>::new(),
        "the page fetched from the network"
    );
    if let Ok(png) = std::env::var("GATECHECK_SCREENSHOT") {
        browser::screenshot(
            &chromium,
            &p.path("profile-c"),
            &proxy,
            &url,
            Path::new(&png),
        );
    }
}

/// The proxy does see what a page fetches: the network check can fail.
#[test]
fn the_browser_check_sees_a_page_that_fetches() {
    let Some(chromium) = browser::chromium() else {
        return;
    };
    let p = Project::new("html-probe");
    p.file(
        "probe.html",
        "<html><body><img src=\"http://gatecheck-probe.test/pixel.png\"></body></html>",
    );
    let proxy = browser::Proxy::start();
    let url = format!("file://{}", p.path("probe.html").display());
    browser::load(&chromium, &p.path("profile"), &proxy, &url);
    let seen = proxy.page_requests();
    assert!(
        seen.iter().any(|r| r.contains("gatecheck-probe.test")),
        "the proxy saw {seen:?}"
    );
}

/// The names of the trials shown (not hidden), in page order.
fn visible(dom: &str) -> Vec<String> {
    dom.split("<details ")
        .skip(1)
        .map(|rest| &rest[..rest.find('>').unwrap()])
        .filter(|tag| !tag.contains("hidden=\"\""))
        .map(|tag| {
            let at = tag.find("data-name=\"").unwrap() + "data-name=\"".len();
            tag[at..at + tag[at..].find('"').unwrap()].to_owned()
        })
        .collect()
}

fn ci_suites(p: &Project) {
    p.file(
        "suites/a.yaml",
        r#"
name: Suite A
base_url: ${API_URL}
tests:
  - {name: passes, request: {url: /items}, expect: {snapshot: false}}
  - {name: fails, request: {url: /items/9}, expect: {status: 200, snapshot: false}}
  - {name: skipped, skip: "waiting for the fix", request: {url: /items}}
  - {name: retried, request: {url: /flaky/html}, retry: {attempts: 3, delay: 10ms}, expect: {snapshot: false}}
"#,
    );
    let many: String = (0..12)
        .map(|i| {
            format!("  - {{name: t{i}, request: {{url: /items/1}}, expect: {{snapshot: false}}}}\n")
        })
        .collect();
    p.file(
        "suites/b.yaml",
        &format!("base_url: ${{API_URL}}\ntests:\n{many}"),
    );
}

#[test]
fn shard_reports_merge_into_one() {
    let api = TestApi::start();
    let p = Project::new("html-merge");
    ci_suites(&p);
    let env = [("API_URL", api.url.as_str())];
    for k in 1..=2 {
        let part = format!("hash:{k}/2");
        let file = format!("shard{k}.html");
        let out = p.run(&["--partition", &part, "--html", &file], &env);
        assert!(out.code <= 1, "{}", out.normalized(&p));
    }
    let out = p.run(
        &["report", "merge", "all.html", "shard1.html", "shard2.html"],
        &[],
    );
    assert_eq!(out.code, 0, "{}", out.normalized(&p));
    assert_eq!(out.stdout, "wrote all.html (16 trials from 2 reports)\n");
    let m = model(&p, "all.html");
    let parts: Vec<_> = m
        .runs
        .iter()
        .map(|r| r.partition.clone().unwrap())
        .collect();
    assert_eq!(parts, ["hash:1/2", "hash:2/2"]);
    let names: BTreeSet<&str> = m.trials.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names.len(), 16);
    let retried = m.trials.iter().find(|t| t.name == "a::retried").unwrap();
    let step = &retried.steps[0];
    assert_eq!(
        (retried.status, step.attempts, step.status),
        (Status::Passed, 3, 200)
    );
    let fails = m.trials.iter().find(|t| t.name == "a::fails").unwrap();
    assert_eq!(fails.status, Status::Failed);
    assert_eq!(fails.steps[0].status, 404);
    let skipped = m.trials.iter().find(|t| t.name == "a::skipped").unwrap();
    assert_eq!(
        (skipped.status, skipped.reason.as_deref()),
        (Status::Ignored, Some("waiting for the fix"))
    );

    let twice = p.run(
        &["report", "merge", "x.html", "shard1.html", "shard1.html"],
        &[],
    );
    assert_eq!(twice.code, 2);
    assert!(
        twice
            .stderr
            .contains("is in both `shard1.html` and `shard1.html`"),
        "{}",
        twice.stderr
    );
    p.file("notes.html", "<html><body>notes</body></html>");
    let wrong = p.run(&["report", "merge", "x.html", "notes.html"], &[]);
    assert_eq!(wrong.code, 2);
    assert!(
        wrong
            .stderr
            .starts_with("`notes.html`: no gatecheck report data"),
        "{}",
        wrong.stderr
    );
    assert!(!p.path("x.html").exists());
}

#[test]
fn the_openapi_coverage_grid_renders_inert_in_a_browser() {
    use gatecheck::report::html::model::{
        CellResult, CellState, CoverageCell, CoverageRow, CoverageView, TrialView,
    };
    let Some(chromium) = browser::chromium() else {
        return;
    };
    let evil = "<img src=x onerror=alert(1)>";
    let trial = |name: &str, status: Status| TrialView {
        name: name.into(),
        suite_id: "s".into(),
        suite_title: "S".into(),
        suite_file: "suites/s.yaml".into(),
        test: name.into(),
        status,
        reason: None,
        duration_ms: 1,
        identity: None,
        matrix: None,
        steps: Vec::new(),
        failures: Vec::new(),
        message: None,
    };
    let cell = |state, trials: &[&str], result| CoverageCell {
        state,
        trials: trials.iter().map(|t| (*t).to_owned()).collect(),
        result,
    };
    let model = Model {
        version: gatecheck::report::html::model::VERSION,
        runs: Vec::new(),
        trials: vec![
            trial("s::list[none]", Status::Failed),
            trial(&format!("s::{evil}[user]"), Status::Passed),
        ],
        coverage: Some(CoverageView {
            document: "openapi.yaml".into(),
            columns: vec!["none".into(), "user".into()],
            rows: vec![
                CoverageRow {
                    operation: format!("GET /list/{evil}"),
                    security: "oauth".into(),
                    cells: vec![
                        cell(
                            CellState::Covered,
                            &["s::list[none]"],
                            Some(CellResult::Failed),
                        ),
                        cell(
                            CellState::Covered,
                            &[&format!("s::{evil}[user]")],
                            Some(CellResult::Passed),
                        ),
                    ],
                },
                CoverageRow {
                    operation: "GET /health".into(),
                    security: "public".into(),
                    cells: vec![
                        cell(CellState::Missing, &[], None),
                        cell(CellState::Public, &[], None),
                    ],
                },
            ],
            covered: 2,
            cells: 3,
            percent: 66.6,
        }),
    };
    let p = Project::new("coverage-browser");
    p.file("report.html", &page::render(&model).unwrap());
    let proxy = browser::Proxy::start();
    let dom = browser::dump_dom(
        &chromium,
        &p.path("profile"),
        &proxy,
        &format!("file://{}", p.path("report.html").display()),
    );
    assert!(
        dom.contains("<h2>OpenAPI coverage</h2>")
            && dom.contains("openapi.yaml: 66.6% (2 of 3 cells"),
        "{dom}"
    );
    assert!(
        dom.contains("<tr><th>Operation</th><th>none</th><th>user</th></tr>"),
        "{dom}"
    );
    for (state, result, text) in [
        ("covered", "failed", "covered, failed"),
        ("covered", "passed", "covered, passed"),
        ("missing", "", "missing"),
        ("public", "", "public"),
    ] {
        let attrs = format!("data-state=\"{state}\" data-result=\"{result}\"");
        let start = dom.find(&attrs).unwrap_or_else(|| panic!("{attrs}\n{dom}"));
        let end = start + dom[start..].find("</td>").unwrap();
        assert!(
            dom[start..end].contains(&format!("<span>{text}</span>")),
            "{}",
            &dom[start..end]
        );
    }
    // The texts are shown as text: no element comes from them.
    assert!(
        dom.contains("GET /list/&lt;img src=x onerror=alert(1)&gt;"),
        "{dom}"
    );
    assert!(!dom.contains("<img"), "{dom}");
    assert_eq!(proxy.page_requests(), Vec::<String>::new());
}
