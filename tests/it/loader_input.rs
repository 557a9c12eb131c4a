//! Bad input the loader refuses before anything is sent (exit 2, every error
//! at file:line:column), what it checks again once `{{ }}` are filled in,
//! and what it accepts (a byte-order mark) or shows escaped (control
//! characters in test names).

use std::time::{Duration, Instant};

use crate::common::{self, Project, TestApi};

fn run(p: &Project, api: &TestApi, args: &[&str]) -> common::Run {
    p.run(args, &[("API_URL", api.url.as_str())])
}

const BAD_WIRE: &str = r#"
base_url: ${API_URL}
headers: {"X Suite": ok}
tests:
  - name: line break in a header value
    request:
      url: /echo
      headers: {X-Note: "a\r\nX-Injected: 1"}
  - name: line break in a templated header value
    request: {url: /echo, headers: {X-Id: "{{ $uuid }}\n"}}
  - name: colon in a header name
    request: {url: /echo, headers: {"X:Id": "1"}}
  - name: absolute url with a space
    request: {url: "http://127.0.0.1:1/a b"}
  - name: relative url with a tab
    request: {url: "/items/{{ $randomInt }}\tx"}
  - name: absolute url that is not one
    request: {url: "http://"}
"#;

const BAD_MATCHERS: &str = r#"
base_url: ${API_URL}
tests:
  - name: typo in a matcher
    request: {url: /items}
    expect:
      json:
        $.count: {tpye: integer}
        $.items: {length: 2}
  - name: empty matcher map
    request: {url: /items}
    expect: {json: {"$.items[0]": {}}}
  - name: an object compared with equals is fine
    request: {url: /items/1}
    expect: {json: {$: {equals: {id: 1, title: item 1}}}, snapshot: false}
  - name: no steps
    steps: []
"#;

const BAD_SNAPSHOTS: &str = r#"
base_url: ${API_URL}
tests:
  - name: first
    request: {url: /items/1}
    expect: {snapshot: {name: shared}}
  - name: second
    request: {url: /items/2}
    expect: {snapshot: {name: shared}}
  - name: shared
    request: {url: /items/1}
  - name: two steps one file
    steps:
      - request: {url: /items/1}
        expect: {snapshot: {name: same}}
      - request: {url: /items/2}
        expect: {snapshot: {name: same}}
  - name: rows
    each: [{name: a}, {name: a}]
    request: {url: /items/1}
    expect: {snapshot: false}
"#;

#[test]
fn bad_headers_urls_matchers_steps_and_snapshot_names_are_listed_with_positions() {
    let api = TestApi::start();
    let p = Project::new("loader-input");
    p.file("suites/wire.yaml", BAD_WIRE);
    p.file("suites/matchers.yaml", BAD_MATCHERS);
    p.file("suites/snaps.yaml", BAD_SNAPSHOTS);
    p.file("suites/empty.yaml", "tests: []\n");
    p.file(
        "suites/snaps.yml",
        "base_url: ${API_URL}\ntests:\n  - {name: first, request: {url: /items/1}, expect: {snapshot: false}}\n",
    );
    p.file(
        "suites/two.yaml",
        "base_url: ${API_URL}\ntests:\n  - {name: a, request: {url: /items}}\n---\ntests: []\n",
    );
    let out = run(&p, &api, &[]);
    assert_eq!(out.code, 2, "{}", out.normalized(&p));
    assert_eq!(
        api.hits(),
        0,
        "nothing may be sent when the input is invalid"
    );
    insta::assert_snapshot!(out.normalized(&p));
}

#[test]
fn config_base_url_and_headers_are_checked_in_gatecheck_yaml() {
    let api = TestApi::start();
    let p = Project::new("loader-config");
    p.file(
        "suites/gatecheck.yaml",
        "base_url: api.example.com\nheaders:\n  X-Trace: \"1\\n2\"\n",
    );
    p.file(
        "suites/a.yaml",
        "tests:\n  - {name: a, request: {url: /items}}\n",
    );
    p.file("suites/b.yaml", "base_url: \"https://api.example.com/v1 beta\"\ntests:\n  - {name: b, request: {url: /items}}\n");
    let out = run(&p, &api, &["validate"]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "error: suites/b.yaml:1:1: base_url: the url contains a space; write it as %20, or pass \
         values in `query:`\n\
         error: suites/gatecheck.yaml:1:1: base_url: `api.example.com` is not a valid URL \
         (relative URL without a base); base_url is an absolute URL such as \
         https://api.example.com, or `demo`\n\
         error: suites/gatecheck.yaml:3:3: headers.X-Trace: the header value contains a line \
         break (CR/LF), which cannot be sent in a header; remove it\n\
         3 errors found; nothing was run\n"
    );
}

const OKTA: &str = "kind: okta-pkce\nclient_id: c\nredirect_uri: http://localhost:3000/callback\n\
                    username: u\npassword: p\n";

#[test]
fn fixture_endpoints_and_scopes_are_checked_at_load_time() {
    let api = TestApi::start();
    let p = Project::new("loader-fixtures");
    p.file(
        "fixtures/issuer.yaml",
        &format!("{OKTA}okta_url: https://dev-1.okta.com/oauth2/default\n"),
    );
    p.file(
        "fixtures/host.yaml",
        &format!("{OKTA}okta_url: dev-1.okta.com\n"),
    );
    p.file(
        "fixtures/scopes.yaml",
        &format!("{OKTA}okta_url: demo\nscopes: [profile, email]\n"),
    );
    p.file(
        "fixtures/typo.yaml",
        &format!("{OKTA}okta_url: demo\nscope: [openid]\n"),
    );
    p.file(
        "fixtures/svc.yaml",
        "kind: client-credentials\ntoken_url: /v1/token\nclient_id: s\nclient_secret: x\n",
    );
    p.file(
        "suites/a.yaml",
        "base_url: ${API_URL}\nidentities: [issuer, host, scopes, svc, typo]\ntests:\n  - {name: a, request: {url: /items}}\n",
    );
    let out = run(&p, &api, &["validate"]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "error: fixtures/host.yaml:6:1: okta_url: `dev-1.okta.com` is not a valid URL \
         (relative URL without a base); okta_url is your Okta org's URL, such as \
         https://dev-123.okta.com, or `demo`\n\
         error: fixtures/issuer.yaml:6:1: okta_url: `https://dev-1.okta.com/oauth2/default` \
         contains `/oauth2`: okta_url is the org's URL alone; write `https://dev-1.okta.com`\n\
         error: fixtures/scopes.yaml:7:1: scopes: `openid` is missing: Okta's /authorize with \
         a sessionToken answers only OpenID Connect requests; add `openid` to the scopes\n\
         error: fixtures/svc.yaml:2:1: token_url: `/v1/token` is not a valid URL (relative \
         URL without a base)\n\
         error: fixtures/typo.yaml:7:1: scope: unknown field `scope`, expected one of \
         `okta_url`, `auth_server`, `client_id`, `redirect_uri`, `scopes`, `username`, \
         `password`, `totp_secret`, `client_secret`, `private_key`, `key_id`, `dpop`, `ca_cert` \
         (did you mean `scopes`?)\n\
         5 errors found; nothing was run\n",
        "a broken fixture is reported once; the suite's use of it is not a second error"
    );
}

#[test]
fn templated_values_are_checked_again_once_filled_in() {
    let api = TestApi::start();
    let p = Project::new("loader-runtime");
    p.file(
        "suites/s.yaml",
        r#"
base_url: ${API_URL}
vars: {note: "a\r\nX-Injected: 1", path: "a b"}
tests:
  - name: header
    request: {url: /echo, headers: {X-Note: "{{ note }}"}}
  - name: url
    request: {url: "/items/{{ path }}"}
"#,
    );
    let out = run(&p, &api, &["--test-threads", "1"]);
    assert_eq!(out.code, 1, "{}", out.normalized(&p));
    assert_eq!(api.hits(), 0, "neither request may be sent");
    assert!(
        out.stdout.contains(
            "header `X-Note` (`{{ note }}` filled in): the header value contains a line break \
             (CR/LF), which cannot be sent in a header; remove it"
        ),
        "{}",
        out.stdout
    );
    let url = format!(
        "url `{}/items/a b` (`/items/{{{{ path }}}}` filled in): the url contains a space",
        api.url
    );
    assert!(out.stdout.contains(&url), "{}", out.stdout);
}

#[test]
fn a_byte_order_mark_is_accepted_and_positions_stay_right() {
    let api = TestApi::start();
    let p = Project::new("loader-bom");
    let suite = "base_url: ${API_URL}\ntests:\n  - {name: a, request: {url: /items}, expect: {snapshot: false}}\n";
    p.file("suites/ok.yaml", &format!("\u{feff}{suite}"));
    p.file(
        "fixtures/user.yaml",
        "\u{feff}kind: static\naccess_token: t\n",
    );
    p.file("suites/gatecheck.yaml", "\u{feff}headers: {X-A: b}\n");
    let out = run(&p, &api, &[]);
    assert_eq!(out.code, 0, "{}", out.normalized(&p));
    assert_eq!(api.hits(), 1);
    p.file(
        "suites/bad.yaml",
        "\u{feff}tests:\n  - {name: b, reqest: {url: /items}}\n",
    );
    let out = run(&p, &api, &["validate"]);
    assert!(
        out.stderr
            .starts_with("error: suites/bad.yaml:2:15: tests[0].reqest: unknown field"),
        "{}",
        out.stderr
    );
}

#[test]
fn control_characters_in_test_names_are_shown_escaped() {
    let api = TestApi::start();
    let p = Project::new("loader-names");
    p.file(
        "suites/s.yaml",
        "base_url: ${API_URL}\ntests:\n  - {name: \"two\\nlines\", request: {url: /items}, expect: {snapshot: false}}\n  - {name: \"red \\e[31m\", request: {url: /items}, expect: {status: 201, snapshot: false}}\n",
    );
    let out = run(&p, &api, &["--test-threads", "1"]);
    assert_eq!(out.code, 1);
    let line = |start: &str| {
        out.stdout
            .lines()
            .find(|l| l.starts_with(start))
            .map(str::to_owned)
    };
    let ok = line("test s::two\\nlines ").unwrap_or_else(|| panic!("{}", out.stdout));
    assert!(ok.ends_with(" ... ok"), "{ok}");
    let failed = line("test s::red \\u{1b}[31m ").unwrap_or_else(|| panic!("{}", out.stdout));
    assert!(failed.ends_with(" ... FAILED"), "{failed}");
    assert!(
        !out.stdout.contains('\u{1b}'),
        "no raw escape reaches the console"
    );
    let list = run(&p, &api, &["--list"]);
    assert_eq!(
        list.stdout,
        "s::two\\nlines: test\ns::red \\u{1b}[31m: test\n"
    );
}

/// Nine levels of nine aliases: 387 million values if expanded.
fn billion_laughs() -> String {
    let mut text =
        String::from("name: &a0 lol\ntests:\n  - name: x\n    request: {url: /items}\nvars:\n");
    for level in 1..=9 {
        let refs = vec![format!("*a{}", level - 1); 9].join(", ");
        text.push_str(&format!("  a{level}: &a{level} [{refs}]\n"));
    }
    text
}

#[test]
fn a_billion_laughs_file_is_refused_quickly_with_its_position() {
    let api = TestApi::start();
    let p = Project::new("loader-laughs");
    p.file(
        "suites/laughs.yaml",
        &format!("base_url: ${{API_URL}}\n{}", billion_laughs()),
    );
    let start = Instant::now();
    let out = run(&p, &api, &["validate"]);
    let took = start.elapsed();
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "error: suites/laughs.yaml:11:37: aliases (`*name`) expand to more than 100000 values \
         in this file (the limit); repeat fewer aliases, or nest them less\n\
         1 error found; nothing was run\n"
    );
    // The whole process, on a busy machine; the expansion alone would take
    // minutes and gigabytes.
    assert!(took < Duration::from_secs(10), "took {took:?}");
}

#[test]
fn a_nul_byte_in_any_yaml_file_is_refused_at_its_line() {
    let api = TestApi::start();
    let p = Project::new("loader-nul");
    let suite = "base_url: ${API_URL}\ntests:\n  - {name: a, request: {url: /items}, expect: {snapshot: false}}\n";
    p.file(
        "suites/a.yaml",
        &format!("{suite}  - {{name: b,\0 request: {{url: /items}}}}\n  - {{name: c, request: {{url: /items}}}}\n"),
    );
    let nul = "a NUL byte (\\0) is not allowed in a YAML file";
    for args in [&["validate"][..], &[], &["--list"]] {
        let out = run(&p, &api, args);
        assert_eq!(out.code, 2, "{args:?}: {}", out.normalized(&p));
        assert!(
            out.stderr
                .starts_with(&format!("error: suites/a.yaml:4:14: {nul}")),
            "{args:?}: {}",
            out.stderr
        );
    }
    assert_eq!(api.hits(), 0);

    // In gatecheck.yaml before `secrets:`, and in a fixture.
    p.file("suites/a.yaml", suite);
    p.file(
        "suites/gatecheck.yaml",
        "headers: {X-A: b}\n\0\nsecrets: [\"hunter2-secret\"]\n",
    );
    p.file("fixtures/user.yaml", "kind: static\naccess_token: t\0\n");
    let out = run(&p, &api, &["validate"]);
    assert_eq!(out.code, 2, "{}", out.normalized(&p));
    for at in ["fixtures/user.yaml:2:16", "suites/gatecheck.yaml:2:1"] {
        assert!(
            out.stderr.contains(&format!("error: {at}: {nul}")),
            "{at}: {}",
            out.stderr
        );
    }
    let out = run(&p, &api, &["-v"]);
    assert_eq!(out.code, 2, "{}", out.normalized(&p));
    assert_eq!(api.hits(), 0);

    // In an `each:` rows file.
    p.file("suites/gatecheck.yaml", "headers: {X-A: b}\n");
    p.file("fixtures/user.yaml", "kind: static\naccess_token: t\n");
    p.file("suites/rows.yaml", "- {n: 1}\n- {n: 2}\0\n- {n: 3}\n");
    p.file(
        "suites/a.yaml",
        "base_url: ${API_URL}\ntests:\n  - {name: r, each: rows.yaml, request: {url: /items}, expect: {snapshot: false}}\n",
    );
    let out = run(&p, &api, &["validate"]);
    assert_eq!(out.code, 2, "{}", out.normalized(&p));
    assert!(
        out.stderr.contains("rows.yaml`:2:9: a NUL byte"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_zero_timeout_and_an_absurd_retry_delay_are_refused() {
    let api = TestApi::start();
    let p = Project::new("loader-bounds");
    p.file("suites/gatecheck.yaml", "timeout: 0s\n");
    p.file(
        "suites/a.yaml",
        "base_url: ${API_URL}\ntimeout: 2h\ntests:\n  - name: a\n    request: {url: /items}\n    timeout: 0ms\n    retry: {attempts: 3, delay: 5h}\n",
    );
    let out = run(&p, &api, &["validate"]);
    assert_eq!(out.code, 2, "{}", out.normalized(&p));
    for line in [
        "error: suites/gatecheck.yaml:1:1: timeout: a timeout of 0 would fail every request \
         at once; give more than 0s (e.g. `10s`), at most 1h",
        "error: suites/a.yaml:2:1: timeout: `2h` is longer than the longest timeout, 1h; \
         give at most 1h",
    ] {
        assert!(out.stderr.contains(line), "{line}\n{}", out.stderr);
    }
    p.file(
        "suites/a.yaml",
        "base_url: ${API_URL}\ntests:\n  - name: a\n    request: {url: /items}\n    retry: {attempts: 3, delay: 5h}\n",
    );
    p.file("suites/gatecheck.yaml", "timeout: 1h\n");
    let out = run(&p, &api, &[]);
    assert_eq!(out.code, 2, "{}", out.normalized(&p));
    assert!(
        out.stderr.contains(
            "suites/a.yaml:5:26: tests[0].retry.delay: `5h` is longer than the longest \
             retry delay, 10m"
        ),
        "{}",
        out.stderr
    );
    assert_eq!(api.hits(), 0);
}
