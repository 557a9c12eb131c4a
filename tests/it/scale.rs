//! Start-up and scale behaviour a user sees: many suite files (read on
//! several threads) come out in file order with every error; an https API
//! is still verified although the client reads the system's roots only on
//! the first https connection; JUnit still lists every passed test although
//! a run without reports keeps no outcomes.

use gatecheck_emulator::{Emulator, EmulatorConfig};

use crate::common::{Project, TestApi};

/// Files enough to be read on several threads on any machine with 2+ cores.
const FILES: usize = 24;

fn suite(url: &str, file: usize, broken: bool) -> String {
    let status = if broken { "stauts" } else { "status" };
    format!(
        "base_url: {url}\ntests:\n  - name: first\n    request: {{url: /items}}\n    expect: {{{status}: 200, snapshot: false}}\n  - name: second\n    request: {{url: /items?f={file}}}\n    expect: {{status: 200, snapshot: false}}\n"
    )
}

fn many_files(url: &str, broken: &[usize]) -> Project {
    let p = Project::new("scale");
    for f in 0..FILES {
        p.file(
            &format!("suites/s{f:02}.yaml"),
            &suite(url, f, broken.contains(&f)),
        );
    }
    p
}

#[test]
fn many_files_list_in_file_order() {
    let p = many_files("http://127.0.0.1:9", &[]);
    let run = p.run(&["--list", "suites"], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let listed: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.ends_with(": test"))
        .collect();
    let expected: Vec<String> = (0..FILES)
        .flat_map(|f| {
            [
                format!("s{f:02}::first: test"),
                format!("s{f:02}::second: test"),
            ]
        })
        .collect();
    assert_eq!(listed, expected);
}

#[test]
fn errors_of_many_files_are_all_reported_in_file_order() {
    let p = many_files("http://127.0.0.1:9", &[3, 17, 22]);
    let run = p.run(&["validate", "suites"], &[]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    let files: Vec<&str> = run
        .stderr
        .lines()
        .filter_map(|l| l.strip_prefix("error: suites/"))
        .map(|l| l.split(':').next().unwrap_or(""))
        .collect();
    assert_eq!(
        files,
        ["s03.yaml", "s17.yaml", "s22.yaml"],
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("suites/s17.yaml:5:14: tests[0].expect.stauts: unknown field `stauts`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("did you mean `status`?"),
        "{}",
        run.stderr
    );
}

#[test]
fn junit_lists_every_passed_test_of_many_files() {
    let api = TestApi::start();
    let p = many_files(&api.url, &[]);
    let run = p.run(&["--junit", "out/junit.xml", "suites"], &[]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert_eq!(api.hits(), 2 * FILES);
    let xml = std::fs::read_to_string(p.path("out/junit.xml")).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let cases = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .count();
    assert_eq!(cases, 2 * FILES);
    assert!(!xml.contains("<failure"), "{xml}");
}

/// `--list` and `validate` keep only the trials' names of each file once it
/// is read: the checks across files still see every trial, and the counts
/// still see every test.
#[test]
fn list_and_validate_still_check_names_across_files_and_count_every_trial() {
    let p = many_files("http://127.0.0.1:9", &[]);
    // A second suites folder with a file of the same id: its trials clash.
    p.file(
        "more/s05.yaml",
        "base_url: http://127.0.0.1:9\ntests:\n  - name: other\n    request: {url: /a}\n  - name: first\n    request: {url: /b}\n",
    );
    p.file(
        "rows/r.yaml",
        "base_url: http://127.0.0.1:9\ntests:\n  - name: rows\n    request: {url: /r}\n    each: [{n: 1}, {n: 2}, {n: 3}]\n    expect: {snapshot: false}\n",
    );
    let clash = "more/s05.yaml:5:5: tests[1].name: the trial name `s05::first` is not unique \
                 (also a trial of suites/s05.yaml); rename one";
    for args in [
        &["validate", "suites", "more"][..],
        &["--list", "suites", "more"],
    ] {
        let run = p.run(args, &[]);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stdout);
        let errors: Vec<&str> = run
            .stderr
            .lines()
            .filter(|l| l.starts_with("error:"))
            .collect();
        assert_eq!(
            errors,
            [format!("error: {clash}")],
            "{args:?}: {}",
            run.stderr
        );
    }
    let run = p.run(&["validate", "suites", "rows"], &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout.trim(),
        format!(
            "ok: {} suites, {} tests ({} trials), 0 identities",
            FILES + 1,
            2 * FILES + 1,
            2 * FILES + 3
        )
    );
    let run = p.run(&["--list", "rows"], &[]);
    assert_eq!(
        run.stdout, "r::rows[row 1]: test\nr::rows[row 2]: test\nr::rows[row 3]: test\n",
        "{}",
        run.stderr
    );
}

fn https_project(okta_url: &str) -> Project {
    let p = Project::new("scale-https");
    p.file(
        "suites/https.yaml",
        &format!(
            "base_url: {okta_url}\ntests:\n  - name: discovery over https\n    request: {{url: /oauth2/default/.well-known/openid-configuration}}\n    expect: {{status: 200, snapshot: false}}\n"
        ),
    );
    p
}

#[test]
fn an_https_api_with_an_untrusted_certificate_fails_the_test() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let em = rt
        .block_on(Emulator::start_tls(EmulatorConfig::builtin()))
        .unwrap();
    assert!(em.okta_url().starts_with("https://"), "{}", em.okta_url());
    let p = https_project(em.okta_url());
    let run = p.run(&["suites"], &[]);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("invalid peer certificate"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("1 failed"), "{}", run.stdout);
}
