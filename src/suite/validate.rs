//! Semantic checks after loading: everything that serde's types cannot say.
//! All problems are collected, each at its key path, before any request.

use std::collections::{BTreeSet, HashSet};

use serde_json::Value as Json;

use super::expect::{StatusExpect, did_you_mean};
use super::keypath::KeyPath;
use super::load::{Project, Suite};
use super::model::{DEMO_BASE_URL, EachDef, ExpectDef, RequestDef, TestDef};
use super::template::{self, BUILTINS};
use super::wire;
use crate::error::Diagnostic;

pub use super::identity::NONE;

const METHODS: [&str; 7] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];
const IDEMPOTENT: [&str; 5] = ["GET", "HEAD", "PUT", "DELETE", "OPTIONS"];

/// The identities a suite may name: every fixture (also those that could
/// not be read: their own error is reported), and `none`.
pub fn identities(project: &Project) -> Vec<String> {
    project
        .fixtures
        .keys()
        .chain(&project.broken_fixtures)
        .cloned()
        .chain([NONE.to_owned()])
        .collect()
}

/// Checks one suite against the project's [`identities`].
pub fn check_suite(suite: &Suite, identities: &[String], cli_vars: &[String]) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    SuiteCheck {
        suite,
        identities,
        cli_vars,
        diags: &mut diags,
    }
    .run();
    diags
}

/// Where a value is, built only for a message (most values have none).
type At<'p> = &'p dyn Fn() -> KeyPath;

struct SuiteCheck<'a> {
    suite: &'a Suite,
    identities: &'a [String],
    cli_vars: &'a [String],
    diags: &'a mut Vec<Diagnostic>,
}

impl<'a> SuiteCheck<'a> {
    fn err(&mut self, path: &KeyPath, message: impl Into<String>) {
        self.diags.push(self.suite.diag(path, message));
    }

    fn run(&mut self) {
        let header = &self.suite.header;
        let root = KeyPath::root();
        if let Some(auth) = &header.auth {
            self.identity(&root.key("auth"), auth);
        }
        for (i, name) in header.identities.iter().flatten().enumerate() {
            self.identity(&root.key("identities").index(i), name);
        }
        if let Some(base) = &header.base_url
            && let Some(problem) = wire::base_url_problem(base, DEMO_BASE_URL)
        {
            self.err(&root.key("base_url"), problem);
        }
        self.headers(&|| root.key("headers"), &header.headers);
        let mut seen = HashSet::with_capacity(self.suite.tests.len());
        let tests = root.key("tests");
        for test in &self.suite.tests {
            let path = tests.index(test.index);
            if !seen.insert(test.name.as_str()) {
                self.err(
                    &path.key("name"),
                    format!(
                        "duplicate test name `{}`; names must be unique in a suite",
                        super::model::escape_controls(&test.name)
                    ),
                );
            }
            self.test(&path, test);
        }
    }

    fn identity(&mut self, path: &KeyPath, name: &str) {
        if let Some(problem) = super::identity::unknown(name, self.identities) {
            self.err(path, problem);
        }
    }

    /// The names `{{ }}` may use in a test before any capture.
    fn base_vars<'t>(&self, test: &'t TestDef) -> BTreeSet<&'t str>
    where
        'a: 't,
    {
        let mut known: BTreeSet<&str> = BUILTINS.into_iter().collect();
        known.extend(self.suite.config.vars.keys().map(String::as_str));
        known.extend(self.suite.header.vars.keys().map(String::as_str));
        known.extend(self.cli_vars.iter().map(String::as_str));
        if let Some(EachDef::Rows(rows)) = test.each.as_deref() {
            for row in rows {
                known.extend(row.keys().map(String::as_str));
            }
        }
        known
    }

    fn test(&mut self, path: &KeyPath, test: &TestDef) {
        if let Some(auth) = &test.auth {
            self.identity(&path.key("auth"), auth);
            let matrix = test.expect.as_ref().and_then(|e| e.status.as_ref());
            if let Some(StatusExpect::Matrix(_)) = matrix {
                self.err(
                    &path.key("auth"),
                    "this test's authorization matrix names its identities; remove `auth`",
                );
            }
        }
        let mut known = self.base_vars(test);
        match (&test.request, &test.steps) {
            (Some(request), None) => {
                self.request(&path.key("request"), request, &known);
                if let Some(expect) = &test.expect {
                    self.expect(&path.key("expect"), expect, &known);
                }
                if let Some(retry) = &test.retry {
                    self.retry(&path.key("retry"), request, retry.non_idempotent);
                }
            }
            (None, Some(steps)) => {
                if steps.is_empty() {
                    self.err(
                        &path.key("steps"),
                        "the list is empty; give at least one step, or use `request`",
                    );
                }
                if test.expect.is_some() || !test.capture.is_empty() {
                    self.err(
                        path,
                        "with `steps`, put `expect` and `capture` inside each step",
                    );
                }
                for (i, step) in steps.iter().enumerate() {
                    let sp = path.key("steps").index(i);
                    if let Some(auth) = &step.auth {
                        self.identity(&sp.key("auth"), auth);
                    }
                    self.request(&sp.key("request"), &step.request, &known);
                    if let Some(expect) = &step.expect {
                        self.expect(&sp.key("expect"), expect, &known);
                        if let Some(StatusExpect::Matrix(_)) = &expect.status {
                            self.err(
                                &sp.key("expect").key("status"),
                                "an authorization matrix (identity -> status) runs a whole test \
                                 once per identity: use it in a single-request test, or set the \
                                 test's `auth` and give this step plain statuses",
                            );
                        }
                    }
                    if let Some(retry) = &step.retry {
                        self.retry(&sp.key("retry"), &step.request, retry.non_idempotent);
                    }
                    known.extend(step.capture.keys().map(String::as_str));
                }
            }
            (Some(_), Some(_)) => {
                self.err(path, "a test has either `request` or `steps`, not both")
            }
            (None, None) => self.err(path, "a test needs a `request` (or `steps`)"),
        }
        if let Some(EachDef::Rows(rows)) = test.each.as_deref()
            && rows.is_empty()
        {
            self.err(&path.key("each"), "`each` needs at least one row");
        }
    }

    fn retry(&mut self, path: &KeyPath, request: &RequestDef, allowed: bool) {
        let method = request.method();
        if !allowed && !IDEMPOTENT.contains(&method.as_str()) {
            self.err(
                path,
                format!(
                    "{method} is not idempotent, so it is not retried unless asked: \
                     add `non_idempotent: true` to the retry"
                ),
            );
        }
    }

    fn request(&mut self, path: &KeyPath, request: &RequestDef, known: &BTreeSet<&str>) {
        let method = request.method();
        if !METHODS.contains(&method.as_str()) {
            self.err(
                &path.key("method"),
                format!(
                    "unknown method `{method}`{}; use one of {}",
                    did_you_mean(&method, &METHODS),
                    METHODS.join(", ")
                ),
            );
        }
        let bodies = request.bodies();
        if bodies.len() > 1 {
            self.err(
                path,
                format!(
                    "a request has at most one body, found `{}`",
                    bodies.join("` and `")
                ),
            );
        }
        let is_relative = !request.url.starts_with("http://")
            && !request.url.starts_with("https://")
            && !request.url.starts_with("{{");
        let has_base = self.suite.header.base_url.is_some() || self.suite.config.base_url.is_some();
        if is_relative && !has_base {
            self.err(
                &path.key("url"),
                format!(
                    "relative url `{}` but no base_url; set `base_url` in the suite or in gatecheck.yaml",
                    request.url
                ),
            );
        }
        if let Some(problem) = wire::templated_url_problem(&request.url) {
            self.err(&path.key("url"), problem);
        }
        self.text(&|| path.key("url"), &request.url, known);
        if let Some(basic) = &request.basic_auth {
            self.text(
                &|| path.key("basic_auth").key("username"),
                &basic.username,
                known,
            );
            self.text(
                &|| path.key("basic_auth").key("password"),
                &basic.password,
                known,
            );
        }
        for (k, v) in &request.query {
            self.json(&|| path.key("query").key(k), v, known);
        }
        self.headers(&|| path.key("headers"), &request.headers);
        for (k, v) in &request.headers {
            self.text(&|| path.key("headers").key(k), v, known);
        }
        if let Some(json) = &request.json {
            self.json(&|| path.key("json"), json, known);
        }
        for (k, v) in request.form.iter().flat_map(|form| form.iter()) {
            self.json(&|| path.key("form").key(k), v, known);
        }
        if let Some(body) = &request.body {
            self.text(&|| path.key("body"), body, known);
        }
    }

    /// Header names and the literal parts of header values.
    fn headers<'h>(
        &mut self,
        at: At<'_>,
        headers: impl IntoIterator<Item = (&'h String, &'h String)>,
    ) {
        for (name, value) in headers {
            for problem in wire::header_problems(name, value) {
                self.err(&at().key(name), problem);
            }
        }
    }

    fn expect(&mut self, path: &KeyPath, expect: &ExpectDef, known: &BTreeSet<&str>) {
        if let Some(StatusExpect::Matrix(matrix)) = &expect.status {
            for identity in matrix.keys() {
                self.identity(&path.key("status").key(identity), identity);
            }
        }
        for (jp, matchers) in &expect.json.0 {
            for m in matchers {
                if let super::matcher::Matcher::Equals(v) | super::matcher::Matcher::Contains(v) = m
                {
                    self.json(&|| path.key("json").key(&jp.source), v, known);
                }
            }
        }
    }

    fn text(&mut self, at: At<'_>, text: &str, known: &BTreeSet<&str>) {
        match template::names(text) {
            Ok(names) => self.names(at, &names, known),
            Err(e) => self.err(&at(), e),
        }
    }

    fn json(&mut self, at: At<'_>, value: &Json, known: &BTreeSet<&str>) {
        let mut names = Vec::new();
        match template::names_in_json(value, &mut names) {
            Ok(()) => self.names(at, &names, known),
            Err(e) => self.err(&at(), e),
        }
    }

    fn names(&mut self, at: At<'_>, names: &[String], known: &BTreeSet<&str>) {
        for name in names {
            if !known.contains(name.as_str()) {
                let candidates: Vec<&str> = known.iter().copied().collect();
                self.err(
                    &at(),
                    format!(
                        "unknown variable `{{{{ {name} }}}}`{}; define it in `vars`, with --var, \
                         or capture it in an earlier step",
                        did_you_mean(name, &candidates)
                    ),
                );
            }
        }
    }
}
