//! Conditions and loops of a test script: which checks still hold when
//! a statement runs only sometimes, and loops over a list of the body.

use oxc_ast::ast::{Expression, Statement};
use oxc_span::GetSpan;

use super::chai::Check;
use super::js::{self, dotted};
use super::matchers::loop_needs;
use super::scope::{ScriptScope, Val};
use super::script_reader::{Ctx, ELEMENT, Reader};
use super::value::{self, eval};

impl<'s, 'a> Reader<'s, 'a> {
    /// An `if`: a guard on Postman variables keeps its checks (noted); a
    /// condition that the script asserts anyway keeps the checks of its
    /// `then` branch; anything else makes both branches conditional.
    pub(super) fn condition(
        &mut self,
        test: &'s Expression<'a>,
        then: &'s Statement<'a>,
        otherwise: Option<&'s Statement<'a>>,
        cx: &Ctx,
    ) {
        let text = one_line(self.text(test.span()));
        if text.contains("pm.expect(") || text.contains("pm.response.to.") {
            let line = self.line_of(test.span());
            self.outcomes
                .entry(line)
                .or_default()
                .push(Err("assertion used as a condition".into()));
        }
        if reads_only_variables(test, &self.scope) {
            if otherwise.is_some() {
                let inner = cx.with_cond("if/else on a Postman variable");
                self.statement(then, &inner);
                if let Some(o) = otherwise {
                    self.statement(o, &inner);
                }
            } else {
                let mut inner = cx.clone();
                let note = format!("checked only when `{text}` holds in Postman");
                inner.guard = Some(match &cx.guard {
                    Some(g) => format!("{g}; {note}"),
                    None => note,
                });
                self.statement(then, &inner);
            }
            return;
        }
        if let Ok(needed) = value::truth(test, &self.scope)
            && !needed.is_empty()
            && needed.iter().all(|c| self.asserted(c))
        {
            // The test fails whenever the condition is false: its branch
            // may be checked always.
            self.statement(then, cx);
            if let Some(o) = otherwise {
                self.statement(o, &cx.with_cond("in the `else` of a checked condition"));
            }
            return;
        }
        let inner = cx.with_cond("inside a condition on the response");
        self.statement(then, &inner);
        if let Some(o) = otherwise {
            self.statement(o, &inner);
        }
    }

    /// Whether a check is already among the converted ones.
    pub(super) fn asserted(&self, c: &Check) -> bool {
        match c {
            Check::Status(s) => self.checks.status.as_ref() == Some(s),
            Check::Json(p, m) => self.checks.json.get(p) == Some(m),
            Check::Header(h, m) => self.checks.headers.get(h) == Some(m),
            Check::Duration(ms) => self.checks.max_duration == Some(format!("{ms}ms")),
        }
    }

    /// A loop over `list` with its element bound to `name`.
    pub(super) fn each(
        &mut self,
        list: Val,
        name: Option<String>,
        lodash: bool,
        body: impl FnOnce(&mut Self, &Ctx),
        cx: &Ctx,
    ) {
        let element = match list {
            Val::Json(p) => Val::Each {
                must: loop_needs(None, &p, lodash),
                list: p,
                rel: String::new(),
            },
            // A loop over a list of each element of an outer loop: every
            // element of every such list.
            Val::Each {
                list: outer,
                rel,
                mut must,
            } => {
                must.extend(loop_needs(Some((&outer, &rel)), "", lodash));
                Val::Each {
                    list: format!("{outer}[*]{rel}"),
                    rel: String::new(),
                    must,
                }
            }
            _ => Val::Unknown,
        };
        let mut inner = if element == Val::Unknown {
            cx.with_cond("inside a loop over a computed list")
        } else {
            cx.clone()
        };
        inner.in_loop = Some(element.clone());
        self.scope.push();
        self.scope
            .declare(name.as_deref().unwrap_or(ELEMENT), element);
        body(self, &inner);
        self.scope.pop();
    }
}

pub(super) fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A condition made only of Postman variables and literals
/// (`!(environment.isIntegrationTest)`, `pm.environment.get("env") === "prod"`).
pub(super) fn reads_only_variables(e: &Expression<'_>, scope: &ScriptScope) -> bool {
    match e.without_parentheses() {
        Expression::UnaryExpression(u) => reads_only_variables(&u.argument, scope),
        Expression::LogicalExpression(l) => {
            reads_only_variables(&l.left, scope) && reads_only_variables(&l.right, scope)
        }
        Expression::BinaryExpression(b) => {
            let side = |x: &Expression<'_>| {
                reads_only_variables(x, scope)
                    || js::literal(x).is_some()
                    || matches!(eval(x, scope), Val::Undefined)
            };
            side(&b.left)
                && side(&b.right)
                && (reads_only_variables(&b.left, scope) || reads_only_variables(&b.right, scope))
        }
        Expression::CallExpression(c) => {
            let callee = dotted(&c.callee).map(|p| p.join(".")).unwrap_or_default();
            matches!(
                callee.as_str(),
                "pm.environment.has"
                    | "pm.globals.has"
                    | "pm.collectionVariables.has"
                    | "pm.variables.has"
            ) || matches!(eval(e, scope), Val::Var(_))
        }
        other => matches!(eval(other, scope), Val::Var(_)),
    }
}

#[cfg(test)]
#[path = "script_flow_tests.rs"]
mod tests;
