//! `gatecheck init --openapi` on the demo API's published document: with the
//! demo API's `vulnerable` switch on, the scaffolded suites fail exactly the
//! planted trials; with it off they pass; coverage is 100% after init,
//! drops when a test goes, and `--update` brings it back.

use std::collections::BTreeSet;
use std::path::Path;

use gatecheck_emulator::EmulatorConfig;

use crate::common::{Okta, Project, Run};

fn repo(rel: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)).unwrap()
}

/// A project with the repository's `admin` and `user` fixtures and the
/// demo API's document, scaffolded by `init --openapi`.
fn scaffolded() -> (Project, Run) {
    let p = Project::new("init-openapi");
    p.file("fixtures/admin.yaml", &repo("fixtures/admin.yaml"));
    p.file("fixtures/user.yaml", &repo("fixtures/user.yaml"));
    p.file(
        "openapi.yaml",
        &repo("crates/emulator/src/api/openapi.yaml"),
    );
    let out = p.run(&["init", "--openapi", "openapi.yaml"], &[]);
    (p, out)
}

/// The names under the last `failures:` line (the summary list).
fn failed(run: &Run) -> BTreeSet<String> {
    let start = run.stdout.rfind("\nfailures:\n").map_or(0, |i| i + 1);
    run.stdout[start..]
        .lines()
        .skip(1)
        .take_while(|l| !l.is_empty())
        .map(|l| l.trim().to_owned())
        .collect()
}

#[test]
fn the_planted_bugs_fail_exactly_their_trials_and_the_correct_api_passes() {
    let (p, init) = scaffolded();
    assert_eq!(init.code, 0, "{}\n{}", init.stdout, init.stderr);
    for line in [
        "wrote suites/gatecheck.yaml",
        "wrote suites/example.yaml",
        "wrote suites/snapshots/example__list_my_todos.snap",
        "kept fixtures/user.yaml (it exists; not overwritten)",
        "wrote suites/identity.yaml (2 operations)",
        "wrote suites/todos.yaml (5 operations)",
        "wrote suites/admin.yaml (2 operations)",
        "9 operations scaffolded from openapi.yaml (OpenAPI 3.1.0), identities: none, admin, user",
    ] {
        assert!(init.stdout.contains(line), "{line}\n{}", init.stdout);
    }
    // What plain `init` writes comes too: its example suite among the scaffolded ones.
    assert_eq!(
        std::fs::read_to_string(p.path("suites/example.yaml")).unwrap(),
        repo("src/init/example.yaml")
    );
    let report = std::fs::read_to_string(p.path("suites/admin.yaml")).unwrap();
    assert!(
        report.contains("        \"none\": 401\n        \"admin\": 200\n        \"user\": 403\n"),
        "{report}"
    );
    // The document's 401 shows its challenge: every broken-token trial checks it.
    assert!(
        report.contains(
            "    negative_auth:         # broken tokens of a real identity, each expecting 401\n      \
             trials: all\n      www_authenticate: {scheme: Bearer, error: invalid_token}"
        ),
        "{report}"
    );

    let mut config = EmulatorConfig::builtin();
    config.vulnerable = true;
    let vulnerable = Okta::start_with(config);
    let run = vulnerable.run(&p, &[], &[]);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    let expected: BTreeSet<String> = [
        // An operation open without a token (the example suite finds it too).
        "example::anonymous is rejected",
        "todos::listTodos[none]",
        "todos::listTodos[no-token]",
        // An admin operation open to a plain user.
        "admin::adminReport[user]",
        // A route that accepts `alg: none`.
        "identity::me[alg-none]",
        // A route that ignores the audience (an ID token is let through).
        "todos::createTodo[wrong-audience]",
        // An object readable by another user.
        "todos::/todos of another identity (object-level)",
        // A 401 where 403 belongs.
        "admin::adminUsers[user]",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    assert_eq!(failed(&run), expected, "{}", run.stdout);
    assert!(
        run.stdout
            .contains("test result: FAILED. 60 passed; 8 failed"),
        "{}",
        run.stdout
    );
    let bola = run
        .failure_head("todos::/todos of another identity (object-level)", 3)
        .join("\n");
    assert!(bola.contains("read as user"), "{bola}");

    // Twice against one correct API: the todos the first run created do
    // not change the example's snapshot of the list.
    let correct = Okta::start();
    for _ in 0..2 {
        let run = correct.run(&p, &[], &[]);
        assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
        assert!(
            run.stdout.contains("test result: ok. 68 passed"),
            "{}",
            run.stdout
        );
    }
}

#[test]
fn coverage_is_complete_after_init_drops_without_a_test_and_update_restores_it() {
    let (p, init) = scaffolded();
    assert_eq!(init.code, 0, "{}", init.stderr);
    let full = p.run(
        &[
            "coverage",
            "--openapi",
            "openapi.yaml",
            "--fail-under",
            "100",
        ],
        &[],
    );
    assert_eq!(full.code, 0, "{}\n{}", full.stdout, full.stderr);
    assert!(
        full.stdout.contains("coverage: 100% (25 of 25 cells"),
        "{}",
        full.stdout
    );

    // Remove the adminUsers test by hand.
    let admin = std::fs::read_to_string(p.path("suites/admin.yaml")).unwrap();
    let cut = admin
        .find("\n  # GET /admin/users")
        .expect("the adminUsers test");
    p.file("suites/admin.yaml", &admin[..cut]);
    let dropped = p.run(
        &[
            "coverage",
            "--openapi",
            "openapi.yaml",
            "--fail-under",
            "100",
        ],
        &[],
    );
    assert_eq!(dropped.code, 1, "{}", dropped.stdout);
    assert!(
        dropped.stdout.contains("coverage: 88% (22 of 25 cells"),
        "{}",
        dropped.stdout
    );
    assert!(
        dropped
            .stdout
            .contains("GET /admin/users    MISSING  MISSING  MISSING"),
        "{}",
        dropped.stdout
    );

    // Without --update nothing is overwritten.
    let again = p.run(&["init", "--openapi", "openapi.yaml"], &[]);
    assert!(
        again
            .stdout
            .contains("kept suites/admin.yaml (it exists; not overwritten"),
        "{}",
        again.stdout
    );
    assert_eq!(
        std::fs::read_to_string(p.path("suites/admin.yaml")).unwrap(),
        admin[..cut]
    );

    let update = p.run(&["init", "--openapi", "openapi.yaml", "--update"], &[]);
    assert_eq!(update.code, 0, "{}", update.stderr);
    assert!(
        update
            .stdout
            .contains("wrote suites/admin-2.yaml (1 operation)"),
        "{}",
        update.stdout
    );
    let added = std::fs::read_to_string(p.path("suites/admin-2.yaml")).unwrap();
    assert!(added.contains("name: \"adminUsers\""), "{added}");
    assert!(!added.contains("adminReport"), "{added}");
    let full = p.run(
        &[
            "coverage",
            "--openapi",
            "openapi.yaml",
            "--fail-under",
            "100",
        ],
        &[],
    );
    assert_eq!(full.code, 0, "{}", full.stdout);
    let nothing = p.run(&["init", "--openapi", "openapi.yaml", "--update"], &[]);
    assert!(
        nothing
            .stdout
            .contains("every operation of openapi.yaml is covered already"),
        "{}",
        nothing.stdout
    );
}

#[test]
fn scaffolds_from_a_published_document_with_unknowns_listed() {
    let p = Project::new("init-petstore");
    p.file("openapi.yaml", &repo("tests/corpus/openapi/petstore3.yaml"));
    p.file(
        "fixtures/reader.yaml",
        "kind: client-credentials\nokta_url: https://id.example.com\nclient_id: c\nclient_secret: s\nscopes: [read:pets]\n",
    );
    p.file(
        "fixtures/keeper.yaml",
        "kind: client-credentials\nokta_url: https://id.example.com\nclient_id: c\nclient_secret: s\nscopes: [read:pets, write:pets]\n",
    );
    let out = p.run(&["init", "--openapi", "openapi.yaml"], &[]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    // The API's URL comes from the document's server; requests carry its path.
    let config = std::fs::read_to_string(p.path("suites/gatecheck.yaml")).unwrap();
    assert!(
        config.contains("base_url: ${API_URL:-https://petstore3.swagger.io}"),
        "{config}"
    );
    let pet = std::fs::read_to_string(p.path("suites/pet.yaml")).unwrap();
    // updatePet needs write:pets: the reader lacks it.
    assert!(
        pet.contains("url: \"/api/v3/pet\"\n      json: ")
            && pet.contains("        \"keeper\": 200\n        \"reader\": 403\n"),
        "{pet}"
    );
    // getPetById: api_key OR petstore_auth: not judged from a token.
    assert!(out.stdout.contains("pet::getPetById: whether `reader` may call it (`api_key` (apiKey header `api_key`) is not a bearer token)"), "{}", out.stdout);
    // Parameters without an example become variables.
    assert!(out.stdout.contains("set these variables"), "{}", out.stdout);
    assert!(out.stdout.contains("  USERNAME\n"), "{}", out.stdout);
    // The store's order operations are public: `none` succeeds.
    let store = std::fs::read_to_string(p.path("suites/store.yaml")).unwrap();
    assert!(store.contains("  - name: \"placeOrder\""), "{store}");
    // Every generated file loads (with the variables given).
    let check = p.run(
        &["validate"],
        &[
            ("USERNAME", "u"),
            ("PET_ID", "1"),
            ("ORDER_ID", "1"),
            ("STATUS", "available"),
            ("TAGS", "t"),
        ],
    );
    assert_eq!(check.code, 0, "{}\n{}", check.stdout, check.stderr);
}

#[test]
fn the_demo_api_serves_its_document_and_is_correct_by_default() {
    let okta = Okta::start();
    assert!(!EmulatorConfig::builtin().vulnerable);
    let url = format!("{}/openapi.yaml", okta.emulator.api_url());
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (status, body) = rt.block_on(async {
        let response = reqwest::get(&url).await.unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    });
    assert_eq!(status, 200);
    assert_eq!(body, repo("crates/emulator/src/api/openapi.yaml"));
    // The key reads from an emulator config file too.
    let config = EmulatorConfig::from_yaml("vulnerable: true\n").unwrap();
    assert!(config.vulnerable);
}

#[test]
fn negative_auth_trials_are_named_by_kind_and_dpop_as_bearer_needs_a_dpop_fixture() {
    let p = Project::new("negative-auth");
    p.file("fixtures/user.yaml", &repo("fixtures/user.yaml"));
    p.file("suites/gatecheck.yaml", "base_url: demo\nauth: user\n");
    p.file(
        "suites/n.yaml",
        "negative_auth: all\ntests:\n  - name: me\n    request: {url: /api/me}\n    expect: {status: {none: 401, user: 200}, snapshot: false}\n  - name: anonymous\n    auth: none\n    request: {url: /api/health}\n    expect: {snapshot: false}\n  - name: only two\n    negative_auth: [alg-none, no-token]\n    request: {url: /api/todos}\n    expect: {snapshot: false}\n",
    );
    let list = p.run(&["--list"], &[]);
    assert_eq!(list.code, 0, "{}", list.stderr);
    let names: Vec<&str> = list
        .stdout
        .lines()
        .filter_map(|l| l.strip_suffix(": test"))
        .collect();
    assert_eq!(
        names,
        [
            "n::me[none]",
            "n::me[user]",
            "n::me[no-token]",
            "n::me[malformed]",
            "n::me[bad-signature]",
            "n::me[alg-none]",
            "n::me[wrong-audience]",
            "n::anonymous",
            "n::only two",
            "n::only two[no-token]",
            "n::only two[alg-none]",
        ]
    );
    // Against the correct built-in demo API every broken credential is refused.
    let run = p.run(&[], &[]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    p.file(
        "suites/n.yaml",
        "tests:\n  - name: x\n    negative_auth: [alg-nun]\n    request: {url: /api/me}\n",
    );
    let bad = p.run(&["validate"], &[]);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains("unknown negative_auth kind `alg-nun`"),
        "{}",
        bad.stderr
    );
}

/// The cell of `operation` (ending with this method and path) and `identity`
/// in the HTML report's coverage grid.
fn grid_cell<'a>(
    coverage: &'a gatecheck::report::html::model::CoverageView,
    operation: &str,
    identity: &str,
) -> &'a gatecheck::report::html::model::CoverageCell {
    let (method, path) = operation.split_once(' ').unwrap();
    let row = coverage
        .rows
        .iter()
        .find(|r| r.operation.starts_with(method) && r.operation.ends_with(path))
        .unwrap_or_else(|| panic!("no row {operation}: {coverage:?}"));
    let column = coverage
        .columns
        .iter()
        .position(|c| c == identity)
        .unwrap_or_else(|| panic!("no column {identity}: {:?}", coverage.columns));
    &row.cells[column]
}

#[test]
fn a_run_with_openapi_adds_the_grid_with_each_cells_results_to_the_html_report() {
    use gatecheck::report::html::model::{CellResult, CellState};
    let (p, init) = scaffolded();
    assert_eq!(init.code, 0, "{}\n{}", init.stdout, init.stderr);

    let mut config = EmulatorConfig::builtin();
    config.vulnerable = true;
    let vulnerable = Okta::start_with(config);
    let run = vulnerable.run(
        &p,
        &["--html", "report.html", "--openapi", "openapi.yaml"],
        &[],
    );
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    let page = std::fs::read_to_string(p.path("report.html")).unwrap();
    let model = gatecheck::report::html::page::extract(&page).unwrap();
    let grid = model.coverage.expect("the report has the coverage grid");
    assert_eq!(grid.columns, ["none", "admin", "user"]);
    assert_eq!(grid.rows.len(), 9, "{grid:?}");
    assert_eq!((grid.covered, grid.cells), (grid.cells, grid.cells));
    // A planted bug fails its cell; the same operation's other cells pass.
    let user_report = grid_cell(&grid, "GET /admin/report", "user");
    assert_eq!(user_report.state, CellState::Covered);
    assert_eq!(user_report.result, Some(CellResult::Failed));
    assert_eq!(user_report.trials, ["admin::adminReport[user]"]);
    let admin_report = grid_cell(&grid, "GET /admin/report", "admin");
    assert_eq!(admin_report.result, Some(CellResult::Passed));
    assert_eq!(
        grid_cell(&grid, "GET /todos", "none").result,
        Some(CellResult::Failed)
    );
    assert_eq!(
        grid_cell(&grid, "GET /me", "admin").result,
        Some(CellResult::Passed)
    );
    // A public operation: the identities' cells are public, not counted.
    let public = grid_cell(&grid, "GET /health", "user");
    assert_eq!((public.state, public.result), (CellState::Public, None));

    // With the bugs gone every covered cell passes.
    let correct = Okta::start();
    let run = correct.run(
        &p,
        &["--html", "report.html", "--openapi", "openapi.yaml"],
        &[],
    );
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let page = std::fs::read_to_string(p.path("report.html")).unwrap();
    let grid = gatecheck::report::html::page::extract(&page)
        .unwrap()
        .coverage
        .unwrap();
    for row in &grid.rows {
        for cell in row.cells.iter().filter(|c| c.state == CellState::Covered) {
            assert_eq!(cell.result, Some(CellResult::Passed), "{row:?}");
        }
    }

    // `--openapi` belongs to the HTML report; alone it is a usage error.
    let alone = p.run(&["--openapi", "openapi.yaml"], &[]);
    assert_eq!(alone.code, 2, "{}\n{}", alone.stdout, alone.stderr);
    assert!(
        alone.stderr.contains("give --html FILE too"),
        "{}",
        alone.stderr
    );
}

#[test]
fn report_merge_fills_the_grid_with_every_shards_results() {
    use gatecheck::report::html::model::{CellResult, CellState, CoverageView};
    let (p, init) = scaffolded();
    assert_eq!(init.code, 0, "{}\n{}", init.stdout, init.stderr);
    let grid = |file: &str| -> CoverageView {
        let page = std::fs::read_to_string(p.path(file)).unwrap();
        gatecheck::report::html::page::extract(&page)
            .unwrap()
            .coverage
            .unwrap_or_else(|| panic!("{file} has no grid"))
    };
    let results = |grid: &CoverageView| -> Vec<Option<CellResult>> {
        grid.rows
            .iter()
            .flat_map(|r| r.cells.iter().map(|c| c.result))
            .collect()
    };
    let mut config = EmulatorConfig::builtin();
    config.vulnerable = true;
    let vulnerable = Okta::start_with(config);
    let whole = vulnerable.run(
        &p,
        &["--html", "whole.html", "--openapi", "openapi.yaml"],
        &[],
    );
    assert_eq!(whole.code, 1, "{}\n{}", whole.stdout, whole.stderr);
    let whole = grid("whole.html");
    for k in 1..=2 {
        let part = format!("count:{k}/2");
        let file = format!("shard{k}.html");
        let args = [
            "--partition",
            &part,
            "--html",
            &file,
            "--openapi",
            "openapi.yaml",
        ];
        let run = vulnerable.run(&p, &args, &[]);
        assert!(run.code <= 1, "{}\n{}", run.stdout, run.stderr);
        // A shard's own page: the whole grid, with cells only other shards ran.
        let shard = grid(&file);
        assert_eq!(shard.rows.len(), whole.rows.len());
        assert!(
            results(&shard).contains(&Some(CellResult::NotRun)),
            "{file}: {shard:?}"
        );
    }
    let merge = p.run(
        &["report", "merge", "all.html", "shard1.html", "shard2.html"],
        &[],
    );
    assert_eq!(merge.code, 0, "{}\n{}", merge.stdout, merge.stderr);
    let merged = grid("all.html");
    // Every covered cell has the result it has in the unsharded run.
    assert!(
        !results(&merged).contains(&Some(CellResult::NotRun)),
        "{merged:?}"
    );
    assert_eq!(results(&merged), results(&whole));
    assert_eq!(merged.rows, whole.rows);
    assert_eq!((merged.covered, merged.cells), (whole.covered, whole.cells));
    assert_eq!(
        grid_cell(&merged, "GET /admin/report", "user").result,
        Some(CellResult::Failed)
    );
    assert_eq!(
        grid_cell(&merged, "GET /admin/report", "admin").result,
        Some(CellResult::Passed)
    );
    let public = grid_cell(&merged, "GET /health", "user");
    assert_eq!((public.state, public.result), (CellState::Public, None));
}
