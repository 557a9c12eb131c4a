//! The outcome of each assertion of a test script: its checks applied
//! (or why not), and at the end the count of assertion lines converted
//! and the lines left as comments, with the idiom that stopped each.

use super::chai::{Assertion, Check};
use super::checks::{Checks, Unconverted, is_assertion_line};
use super::scope::Val;
use super::script_reader::{Conversion, Ctx, Helper, Reader};

impl<'s, 'a> Reader<'s, 'a> {
    pub(super) fn note(&mut self, note: String) {
        if !self.checks.notes.contains(&note) {
            self.checks.notes.push(note);
        }
    }

    /// Records an assertion's outcome, and applies its checks.
    pub(super) fn record(&mut self, line: usize, result: Assertion, cx: &Ctx) {
        let outcome = match result {
            Assertion::No => return,
            Assertion::Unconverted(why) => Err(why),
            Assertion::Checks(checks) => self.apply_all(checks, cx),
        };
        self.outcomes.entry(line).or_default().push(outcome);
    }

    pub(super) fn apply_all(&mut self, checks: Vec<Check>, cx: &Ctx) -> Conversion {
        if let Some(why) = &cx.cond {
            return Err(why.clone());
        }
        if cx.swallowed {
            return Err("in a `try` whose `catch` ignores the failure".into());
        }
        if let Some(element) = &cx.in_loop
            && !checks.iter().all(|c| of_elements(c, element))
        {
            return Err("inside a loop, not about its elements".into());
        }
        if !checks.iter().all(|c| self.checks.fits(c)) {
            return Err("a second check of the same value".into());
        }
        for c in checks {
            self.checks.apply(c);
        }
        if let Some(g) = &cx.guard {
            self.note(g.clone());
        }
        Ok(())
    }

    /// Whether line `n` is inside a helper function of the script that
    /// was never called (its assertions never ran).
    pub(super) fn uncalled(&self, n: usize) -> bool {
        self.functions.values().any(|h| {
            let span = match h {
                Helper::Function(f) => f.span,
                Helper::Arrow(a) => a.span,
            };
            (self.line_of(span)..=self.lines.line(span.end)).contains(&n)
        })
    }

    /// The assertion lines with their outcomes, and the other lines not
    /// converted.
    pub(super) fn finish(mut self, failed: Option<&str>) -> Checks {
        let texts: Vec<&str> = self.source.lines().collect();
        let mut reported: Vec<usize> = Vec::new();
        for (i, text) in texts.iter().enumerate() {
            let n = i + 1;
            if !is_assertion_line(text) {
                continue;
            }
            self.checks.assertions += 1;
            let kind = match self.outcomes.get(&n) {
                _ if failed.is_some() => failed.map(str::to_owned),
                Some(list) if !list.is_empty() => list.iter().find_map(|o| o.clone().err()),
                _ => Some(match self.others.iter().find(|(l, _)| *l == n) {
                    Some((_, k)) => k.clone(),
                    None if self.uncalled(n) => "in a function that is never called".to_owned(),
                    None => "assertion inside another expression".to_owned(),
                }),
            };
            match kind {
                None => self.checks.converted += 1,
                Some(kind) => {
                    reported.push(n);
                    self.checks.unconverted.push(Unconverted {
                        line: n,
                        text: text.trim().to_owned(),
                        kind,
                        assertion: true,
                    });
                }
            }
        }
        let mut extra: Vec<(usize, String)> = self
            .outcomes
            .iter()
            .filter(|(n, _)| !texts.get(**n - 1).is_some_and(|t| is_assertion_line(t)))
            .filter_map(|(n, list)| list.iter().find_map(|o| o.clone().err()).map(|k| (*n, k)))
            .collect();
        extra.extend(
            self.others
                .iter()
                .filter(|(n, _)| !reported.contains(n))
                .cloned(),
        );
        extra.sort();
        extra.dedup_by_key(|(n, _)| *n);
        for (n, kind) in extra {
            self.checks.unconverted.push(Unconverted {
                line: n,
                text: texts.get(n - 1).map_or("", |t| t.trim()).to_owned(),
                kind,
                assertion: false,
            });
        }
        self.checks.unconverted.sort_by_key(|u| u.line);
        self.checks
    }
}

/// A check of the innermost loop's elements (a filter over its list) or
/// what its loops need to run (`Val::Each::must`).
fn of_elements(c: &Check, element: &Val) -> bool {
    let Val::Each { list, must, .. } = element else {
        return false;
    };
    match c {
        Check::Json(p, _) => p.starts_with(&format!("{list}[?")) || must.contains(c),
        _ => false,
    }
}
