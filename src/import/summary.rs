//! The short account an import ends with: what was written, how much of the
//! test scripts became expectations, warnings grouped by kind, and the
//! environment variables to set. Pure.

use std::fmt;
use std::sync::LazyLock;

use indexmap::IndexMap;
use regex::Regex;

use super::scripts::Unconverted;

/// Counts of one import.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Requests in the collection.
    pub requests: usize,
    /// Requests replaced by a login fixture.
    pub login_requests: usize,
    pub suites: usize,
    pub tests: usize,
    /// Tests made of several steps, and the steps in them.
    pub step_tests: usize,
    pub steps: usize,
    /// `user (client-credentials)`.
    pub fixtures: Vec<String>,
    /// Assertion lines in the test scripts, and how many became expectations.
    pub assertions: usize,
    pub converted: usize,
    /// Assertion lines not converted, by kind.
    pub unconverted: IndexMap<String, usize>,
    /// Other script lines not converted, by kind.
    pub other_lines: IndexMap<String, usize>,
    /// Warnings by kind (the message with its particulars left out).
    pub warnings: IndexMap<String, usize>,
    /// Environment variables the written files read with no default.
    pub env: Vec<String>,
}

impl Summary {
    /// Counts the lines of scripts that were read.
    pub fn count_lines(&mut self, lines: &[Unconverted], assertions: usize, converted: usize) {
        self.assertions += assertions;
        self.converted += converted;
        for u in lines {
            let by_kind = if u.assertion {
                &mut self.unconverted
            } else {
                &mut self.other_lines
            };
            *by_kind.entry(u.kind.clone()).or_default() += 1;
        }
    }

    /// The share of assertion lines converted, in percent (100 with none).
    pub fn percent(&self) -> usize {
        (self.converted * 100)
            .checked_div(self.assertions)
            .unwrap_or(100)
    }
}

/// `${NAME}` references without a default in the written texts, sorted.
pub fn env_refs<'a>(texts: impl Iterator<Item = &'a str>) -> Vec<String> {
    static REF: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(^|[^$])\$\{([A-Za-z_][A-Za-z0-9_]*)\}").expect("valid regex")
    });
    let mut names: Vec<String> = texts
        .flat_map(|t| REF.captures_iter(t).map(|c| c[2].to_owned()))
        .collect();
    names.sort();
    names.dedup();
    names
}

/// Warnings grouped: one line per kind, with how many there were and the
/// first as the example. The kind is the message with its `quoted`
/// particulars left out.
pub fn group_warnings(warnings: &[String]) -> (Vec<String>, IndexMap<String, usize>) {
    let mut groups: IndexMap<String, Vec<&String>> = IndexMap::new();
    for w in warnings {
        groups.entry(kind(w)).or_default().push(w);
    }
    let counts = groups.iter().map(|(k, v)| (k.clone(), v.len())).collect();
    let lines = groups
        .into_values()
        .map(|list| match list.as_slice() {
            [one] => (*one).clone(),
            [first, ..] => format!("{first} (and {} more like it)", list.len() - 1),
            [] => String::new(),
        })
        .collect();
    (lines, counts)
}

fn kind(warning: &str) -> String {
    static QUOTED: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"`[^`]*`|\$\{[^}]*\}").expect("valid regex"));
    QUOTED.replace_all(warning, "…").into_owned()
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let steps = if self.step_tests == 0 {
            String::new()
        } else {
            format!(" ({} of them with {} steps)", self.step_tests, self.steps)
        };
        writeln!(
            f,
            "imported {} requests: {} suites, {} tests{steps}; fixtures: {}",
            self.requests,
            self.suites,
            self.tests,
            if self.fixtures.is_empty() {
                "none".to_owned()
            } else {
                self.fixtures.join(", ")
            }
        )?;
        if self.login_requests > 0 {
            writeln!(
                f,
                "  {} login requests replaced by the fixture",
                self.login_requests
            )?;
        }
        writeln!(
            f,
            "assertions: {} of {} converted ({}%)",
            self.converted,
            self.assertions,
            self.percent()
        )?;
        list(f, "assertions not converted", &self.unconverted)?;
        list(f, "other script lines not converted", &self.other_lines)?;
        list(f, "warnings", &self.warnings)?;
        if !self.env.is_empty() {
            writeln!(f, "set before running: {}", self.env.join(", "))?;
        }
        Ok(())
    }
}

fn list(f: &mut fmt::Formatter<'_>, title: &str, counts: &IndexMap<String, usize>) -> fmt::Result {
    if counts.is_empty() {
        return Ok(());
    }
    let total: usize = counts.values().sum();
    writeln!(f, "{title}: {total}")?;
    let mut sorted: Vec<(&String, &usize)> = counts.iter().collect();
    sorted.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    for (kind, n) in sorted {
        writeln!(f, "  {n:>4}  {kind}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warnings_of_one_kind_become_one_line() {
        let w = [
            "request `a`: its pre-request script is not converted".to_owned(),
            "request `b`: its pre-request script is not converted".to_owned(),
            "request `c`: body mode `file` is not converted".to_owned(),
        ];
        let (lines, counts) = group_warnings(&w);
        assert_eq!(
            lines,
            [
                "request `a`: its pre-request script is not converted (and 1 more like it)",
                "request `c`: body mode `file` is not converted",
            ]
        );
        assert_eq!(
            counts["request …: its pre-request script is not converted"],
            2
        );
    }

    #[test]
    fn env_refs_without_defaults_are_listed_once() {
        let texts = ["a: ${B}\nc: ${A:-x}\nd: $${NOT}\ne: ${B}", "f: ${C_1}"];
        assert_eq!(env_refs(texts.into_iter()), ["B", "C_1"]);
    }

    #[test]
    fn the_summary_reads_as_a_short_report() {
        let mut s = Summary {
            requests: 4,
            login_requests: 1,
            suites: 1,
            tests: 3,
            fixtures: vec!["user (password)".into()],
            env: vec!["USER_PASSWORD".into()],
            ..Summary::default()
        };
        s.count_lines(
            &[Unconverted {
                line: 3,
                text: "pm.expect(a).to.not.eql(1)".into(),
                kind: "assertion with no gatecheck equivalent".into(),
                assertion: true,
            }],
            4,
            3,
        );
        assert_eq!(
            s.to_string(),
            "imported 4 requests: 1 suites, 3 tests; fixtures: user (password)\n  \
             1 login requests replaced by the fixture\n\
             assertions: 3 of 4 converted (75%)\n\
             assertions not converted: 1\n     1  assertion with no gatecheck equivalent\n\
             set before running: USER_PASSWORD\n"
        );
    }
}
