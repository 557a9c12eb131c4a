//! CI integration: JUnit reports and sharding, end to end.

use crate::common;

use std::collections::BTreeSet;

use common::{Project, TestApi};

fn suites(p: &Project) {
    p.file(
        "suites/a.yaml",
        r#"
name: Suite A
base_url: ${API_URL}
tests:
  - {name: passes, request: {url: /items}, expect: {snapshot: false}}
  - {name: fails, request: {url: /items/9}, expect: {status: 200, snapshot: false}}
  - {name: skipped, skip: "waiting for the fix", request: {url: /items}}
"#,
    );
    let many: String = (0..20)
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
fn junit_report_has_suites_cases_failures_and_skips() {
    let api = TestApi::start();
    let p = Project::new("junit");
    suites(&p);
    let out = p.run(&["--junit", "reports/junit.xml"], &[("API_URL", &api.url)]);
    assert_eq!(out.code, 1);
    let xml = std::fs::read_to_string(p.path("reports/junit.xml")).unwrap();
    let doc = roxmltree::Document::parse(&xml).expect("valid XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    assert_eq!(root.attribute("tests"), Some("23"));
    assert_eq!(root.attribute("failures"), Some("1"));
    let suites: Vec<_> = root
        .children()
        .filter(|n| n.has_tag_name("testsuite"))
        .collect();
    assert_eq!(suites.len(), 2);
    assert_eq!(suites[0].attribute("name"), Some("Suite A"));
    let case = |name: &str| {
        suites[0]
            .children()
            .find(|c| c.attribute("name") == Some(name))
            .unwrap_or_else(|| panic!("no testcase {name}"))
    };
    assert_eq!(case("passes").attribute("classname"), Some("a"));
    let failure = case("fails")
        .children()
        .find(|c| c.has_tag_name("failure"))
        .expect("failure");
    // The message is the failing expectation's line, located in the suite;
    // the description is the console's whole message.
    assert_eq!(
        failure.attribute("message"),
        Some("suites/a.yaml:6:54: status: expected 200, got 404")
    );
    let text = failure.text().unwrap();
    let head: Vec<&str> = text.lines().take(2).collect();
    let request = format!("GET {}/items/9", api.url);
    assert_eq!(
        head,
        [
            request.as_str(),
            "  suites/a.yaml:6:54: status: expected 200, got 404"
        ],
        "{text}"
    );
    let skipped = case("skipped")
        .children()
        .find(|c| c.has_tag_name("skipped"))
        .expect("skipped");
    assert_eq!(skipped.attribute("message"), Some("waiting for the fix"));
}

fn shard_names(p: &Project, api: &TestApi, partition: &str) -> BTreeSet<String> {
    let out = p.run(
        &["--list", "--partition", partition],
        &[("API_URL", &api.url)],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    out.stdout
        .lines()
        .map(|l| l.trim_end_matches(": test").to_owned())
        .collect()
}

#[test]
fn partitions_cover_every_trial_exactly_once() {
    let api = TestApi::start();
    let p = Project::new("partition");
    suites(&p);
    let all = shard_names(&p, &api, "count:1/1");
    assert_eq!(all.len(), 23);
    for scheme in ["hash", "count"] {
        let shards: Vec<BTreeSet<String>> = (1..=3)
            .map(|k| shard_names(&p, &api, &format!("{scheme}:{k}/3")))
            .collect();
        let total: usize = shards.iter().map(BTreeSet::len).sum();
        assert_eq!(total, 23, "{scheme}: every trial exactly once");
        let union: BTreeSet<String> = shards.into_iter().flatten().collect();
        assert_eq!(union, all, "{scheme}");
    }
}

#[test]
fn a_bad_partition_is_a_usage_error() {
    let p = Project::new("partition-bad");
    let out = p.run(&["--partition", "hash:4/3"], &[]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("expected hash:K/N or count:K/N"),
        "{}",
        out.stderr
    );
}
