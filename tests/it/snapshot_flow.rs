//! The snapshot review workflow, end to end with the real binary.

use crate::common;

use common::{Project, TestApi};

const SUITE: &str = r#"
base_url: ${API_URL}
tests:
  - name: list items
    request: {url: /items}
    expect:
      status: 200
      snapshot: {redact: ["$.updatedAt"]}
  - name: item by id
    request: {url: "/items/{{ id }}"}
    expect: {status: 200}
"#;

fn run(p: &Project, api: &TestApi, env: &[(&str, &str)], id: &str) -> common::Run {
    let mut all = vec![("API_URL", api.url.as_str())];
    all.extend_from_slice(env);
    let var = format!("id={id}");
    p.run(&["--test-threads", "1", "--var", &var], &all)
}

fn accept_all(p: &Project) {
    for file in p.files() {
        if let Some(snap) = file.strip_suffix(".new") {
            std::fs::rename(p.path(&file), p.path(snap)).unwrap();
        }
    }
}

#[test]
fn new_snapshots_fail_then_pass_once_accepted() {
    let api = TestApi::start();
    let p = Project::new("snap-flow");
    p.file("suites/items.yaml", SUITE);

    let first = run(&p, &api, &[], "1");
    assert_eq!(first.code, 1, "{}", first.normalized(&p));
    assert_eq!(
        p.files(),
        vec![
            "suites/items.yaml",
            "suites/snapshots/items__item_by_id.snap.new",
            "suites/snapshots/items__list_items.snap.new",
        ]
    );
    assert!(
        first
            .stderr
            .contains("2 snapshots to review: run `gatecheck review`"),
        "{}",
        first.stderr
    );
    assert!(
        first.stdout.contains("snapshot `items__list_items` is new"),
        "{}",
        first.stdout
    );
    assert!(
        first.stdout.contains("+  \"updatedAt\": \"[updatedAt]\""),
        "{}",
        first.stdout
    );
    let new =
        std::fs::read_to_string(p.path("suites/snapshots/items__list_items.snap.new")).unwrap();
    assert!(new.contains("input_file: suites/items.yaml"), "{new}");
    assert!(new.contains("\"count\": 2"), "{new}");

    accept_all(&p);
    let second = run(&p, &api, &[], "1");
    assert_eq!(second.code, 0, "{}", second.normalized(&p));
    assert!(!second.stderr.contains("to review"), "{}", second.stderr);

    // A changed body: the failure shows a unified diff, a .snap.new waits.
    let third = run(&p, &api, &[], "2");
    assert_eq!(third.code, 1);
    insta::assert_snapshot!(common::normalize(&third.stdout, &p));
    assert!(
        p.path("suites/snapshots/items__item_by_id.snap.new")
            .exists()
    );
}

#[test]
fn in_ci_nothing_is_written_and_missing_snapshots_fail() {
    let api = TestApi::start();
    let p = Project::new("snap-ci");
    p.file("suites/items.yaml", SUITE);
    let out = run(&p, &api, &[("CI", "true")], "1");
    assert_eq!(out.code, 1);
    assert_eq!(p.files(), vec!["suites/items.yaml"]);
    assert!(
        out.stdout.contains("is new; nothing was written"),
        "{}",
        out.stdout
    );
    assert!(
        out.stderr
            .contains("gatecheck: 0 passed, 2 failed, 0 ignored, 0 pending snapshots"),
        "{}",
        out.stderr
    );
}

#[test]
fn insta_update_always_writes_and_passes() {
    let api = TestApi::start();
    let p = Project::new("snap-always");
    p.file("suites/items.yaml", SUITE);
    let out = run(&p, &api, &[("INSTA_UPDATE", "always")], "1");
    assert_eq!(out.code, 0, "{}", out.normalized(&p));
    assert!(p.path("suites/snapshots/items__list_items.snap").exists());
}

#[test]
fn insta_settings_come_from_the_environment_and_insta_yaml() {
    let api = TestApi::start();
    let p = Project::new("snap-settings");
    p.file("suites/items.yaml", SUITE);

    // INSTA_FORCE_PASS: green, and the pending files are still counted.
    let forced = run(&p, &api, &[("INSTA_FORCE_PASS", "1")], "1");
    assert_eq!(forced.code, 0, "{}", forced.normalized(&p));
    assert!(
        forced
            .stderr
            .contains("2 snapshots to review: run `gatecheck review`"),
        "{}",
        forced.stderr
    );
    assert!(!forced.stdout.contains("insta"), "{}", forced.stdout);

    // A bad value fails each snapshot with its name, never a panic.
    let bad = run(&p, &api, &[("INSTA_UPDATE", "sometimes")], "1");
    let text = bad.normalized(&p);
    assert_eq!(bad.code, 1, "{text}");
    assert!(
        text.contains("INSTA_UPDATE=sometimes: give auto, always, new, unseen, no or force"),
        "{text}"
    );
    assert!(!text.contains("panicked"), "{text}");

    // insta.yaml's `behavior.update` where the environment says nothing.
    for file in p.files() {
        if file.ends_with(".snap.new") {
            std::fs::remove_file(p.path(&file)).unwrap();
        }
    }
    p.file("insta.yaml", "behavior:\n  update: always\n");
    let always = run(&p, &api, &[], "1");
    assert_eq!(always.code, 0, "{}", always.normalized(&p));
    assert_eq!(
        p.files(),
        vec![
            "insta.yaml",
            "suites/items.yaml",
            "suites/snapshots/items__item_by_id.snap",
            "suites/snapshots/items__list_items.snap",
        ]
    );
}
