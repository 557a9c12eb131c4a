//! The walk over a parsed test script: where each statement runs
//! ([`Ctx`]), the reader's state, and statements and bindings. Calls are
//! read in `script_calls.rs`, conditions and loops in
//! `script_flow.rs`, variables set and requests sent
//! in `script_vars.rs`, outcomes counted in
//! `script_outcome.rs`.

use std::collections::BTreeMap;

use indexmap::IndexMap;
use oxc_ast::ast::{BindingPattern, Expression, ForStatementLeft, Function, Statement};
use oxc_span::GetSpan;
use serde_json::Value as Json;

use super::chai::{self, Assertion};
use super::checks::Checks;
use super::js::{self, Lines};
use super::scope::{ScriptScope, Val};
use super::sent::request_value;
use super::value::eval;

/// Where a statement runs.
#[derive(Debug, Clone, Default)]
pub(super) struct Ctx {
    /// It runs only sometimes (a condition on the response, an `else`...):
    /// its checks are not converted, for this reason.
    pub(super) cond: Option<String>,
    /// It runs when a Postman variable says so: converted, with this note.
    pub(super) guard: Option<String>,
    /// Inside a `try` whose `catch` ignores the failure.
    pub(super) swallowed: bool,
    /// Inside a loop over a list, its element: only checks of the
    /// innermost loop's elements convert.
    pub(super) in_loop: Option<Val>,
}

impl Ctx {
    pub(super) fn with_cond(&self, why: impl Into<String>) -> Ctx {
        let mut c = self.clone();
        c.cond.get_or_insert_with(|| why.into());
        c
    }
}

pub(super) type Conversion = Result<(), String>;

pub(super) struct Reader<'s, 'a> {
    pub(super) source: &'s str,
    pub(super) lines: Lines,
    pub(super) checks: Checks,
    pub(super) scope: ScriptScope,
    pub(super) functions: IndexMap<String, Helper<'s, 'a>>,
    /// Each assertion's outcome, by the line it starts on.
    pub(super) outcomes: BTreeMap<usize, Vec<Conversion>>,
    /// Other statements not converted: (line, kind).
    pub(super) others: Vec<(usize, String)>,
    /// Helper calls being followed.
    pub(super) depth: usize,
    /// Locals whose value is known text or data (for `pm.sendRequest`).
    pub(super) consts: IndexMap<String, Json>,
}

/// A helper function of the script: a declaration or an arrow function.
#[derive(Clone, Copy)]
pub(super) enum Helper<'s, 'a> {
    Function(&'s Function<'a>),
    Arrow(&'s oxc_ast::ast::ArrowFunctionExpression<'a>),
}

/// The name a loop's element is bound to for its callback's first parameter.
pub(super) const ELEMENT: &str = "\u{0}element";

/// How many helper calls deep the reader follows.
pub(super) const MAX_DEPTH: usize = 4;

impl<'s, 'a> Reader<'s, 'a> {
    pub(super) fn new(source: &'s str) -> Self {
        Reader {
            source,
            lines: Lines::new(source),
            checks: Checks::default(),
            scope: ScriptScope::default(),
            functions: IndexMap::new(),
            outcomes: BTreeMap::new(),
            others: Vec::new(),
            depth: 0,
            consts: IndexMap::new(),
        }
    }

    pub(super) fn line_of(&self, span: oxc_span::Span) -> usize {
        self.lines.line(span.start)
    }

    pub(super) fn text(&self, span: oxc_span::Span) -> &'s str {
        self.source
            .get(span.start as usize..span.end as usize)
            .unwrap_or("")
    }

    /// Function declarations are visible before their statement.
    pub(super) fn hoist(&mut self, body: &'s [Statement<'a>]) {
        for s in body {
            if let Statement::FunctionDeclaration(f) = s
                && let Some(id) = &f.id
            {
                self.functions
                    .insert(id.name.to_string(), Helper::Function(f));
            }
        }
    }

    pub(super) fn block(&mut self, body: &'s [Statement<'a>], cx: &Ctx) {
        let mut cx = cx.clone();
        for s in body {
            self.statement(s, &cx);
            // `if (...) return;`: what follows runs only sometimes.
            if let Statement::IfStatement(i) = s
                && exits(&i.consequent)
            {
                cx = cx.with_cond("after a conditional `return`");
            }
        }
    }

    pub(super) fn other(&mut self, span: oxc_span::Span, kind: impl Into<String>) {
        let line = self.line_of(span);
        self.others.push((line, kind.into()));
    }

    pub(super) fn statement(&mut self, s: &'s Statement<'a>, cx: &Ctx) {
        match s {
            Statement::ExpressionStatement(e) => self.expression(&e.expression, cx),
            Statement::VariableDeclaration(d) => {
                for decl in &d.declarations {
                    let value = decl.init.as_ref();
                    self.bind(&decl.id, value, cx);
                }
            }
            Statement::BlockStatement(b) => self.block(&b.body, cx),
            Statement::IfStatement(i) => {
                self.condition(&i.test, &i.consequent, i.alternate.as_ref(), cx)
            }
            Statement::TryStatement(t) => {
                let handler_fails = t.handler.as_ref().is_none_or(|h| {
                    let text = self.text(h.body.span);
                    text.contains("throw") || text.contains("pm.expect") || text.contains(".fail(")
                });
                let mut inner = cx.clone();
                inner.swallowed |= !handler_fails;
                self.block(&t.block.body, &inner);
                if let Some(h) = &t.handler {
                    self.block(&h.body.body, &cx.with_cond("in a `catch` block"));
                }
                if let Some(f) = &t.finalizer {
                    self.block(&f.body, cx);
                }
            }
            Statement::ForOfStatement(f) => {
                let list = eval(&f.right, &self.scope);
                let name = match &f.left {
                    ForStatementLeft::VariableDeclaration(d) => {
                        d.declarations.first().and_then(|d| binding_name(&d.id))
                    }
                    _ => None,
                };
                self.each(list, name, false, |r, cx| r.statement(&f.body, cx), cx);
            }
            Statement::ForStatement(f) => {
                self.statement(&f.body, &cx.with_cond("inside a `for` loop"))
            }
            Statement::ForInStatement(f) => {
                self.statement(&f.body, &cx.with_cond("inside a `for...in` loop"))
            }
            Statement::WhileStatement(w) => {
                self.statement(&w.body, &cx.with_cond("inside a `while` loop"))
            }
            Statement::DoWhileStatement(w) => {
                self.statement(&w.body, &cx.with_cond("inside a `do` loop"))
            }
            Statement::SwitchStatement(sw) => {
                let inner = cx.with_cond("inside a `switch`");
                for case in &sw.cases {
                    self.block(&case.consequent, &inner);
                }
            }
            Statement::FunctionDeclaration(_) | Statement::EmptyStatement(_) => {}
            Statement::ReturnStatement(_)
            | Statement::BreakStatement(_)
            | Statement::ContinueStatement(_) => {}
            Statement::ThrowStatement(t) => self.other(t.span, "thrown error"),
            other => self.other(other.span(), "other script code"),
        }
    }

    /// What a call of a helper function of the script returns, as data
    /// for `pm.sendRequest` (`getvar('token_url')` whose body reads
    /// `let value = pm.variables.get(name); ...; return value;`): its
    /// locals and its top-level `return`, with its parameters bound to
    /// the call's arguments.
    fn returned(&self, e: &Expression<'a>) -> Option<Json> {
        let Expression::CallExpression(c) = e.without_parentheses() else {
            return None;
        };
        let Expression::Identifier(id) = c.callee.without_parentheses() else {
            return None;
        };
        let Some(Helper::Function(f)) = self.functions.get(id.name.as_str()) else {
            return None;
        };
        let mut local = self.consts.clone();
        for (i, p) in f.params.items.iter().enumerate() {
            let arg = c.arguments.get(i).and_then(|a| a.as_expression());
            if let (Some(name), Some(v)) = (
                binding_name(&p.pattern),
                arg.and_then(|a| request_value(a, &self.consts)),
            ) {
                local.insert(name, v);
            }
        }
        for s in &f.body.as_ref()?.statements {
            match s {
                Statement::VariableDeclaration(d) => {
                    for decl in &d.declarations {
                        let name = binding_name(&decl.id)?;
                        match decl.init.as_ref().and_then(|v| request_value(v, &local)) {
                            Some(v) => local.insert(name, v),
                            None => local.shift_remove(&name),
                        };
                    }
                }
                Statement::ReturnStatement(r) => {
                    return request_value(r.argument.as_ref()?, &local);
                }
                _ => {}
            }
        }
        None
    }

    /// `var x = ...`, `const {a, b} = json`.
    pub(super) fn bind(
        &mut self,
        pattern: &'s BindingPattern<'a>,
        init: Option<&'s Expression<'a>>,
        cx: &Ctx,
    ) {
        match pattern {
            BindingPattern::BindingIdentifier(id) => {
                let name = id.name.as_str();
                match init.map(Expression::without_parentheses) {
                    Some(Expression::FunctionExpression(f)) => {
                        self.functions.insert(name.to_owned(), Helper::Function(f));
                        self.scope.set(name, Val::Unknown);
                    }
                    Some(Expression::ArrowFunctionExpression(f)) => {
                        self.functions.insert(name.to_owned(), Helper::Arrow(f));
                        self.scope.set(name, Val::Unknown);
                    }
                    Some(e) => {
                        let value = request_value(e, &self.consts).or_else(|| self.returned(e));
                        match value {
                            Some(v) => self.consts.insert(name.to_owned(), v),
                            None => self.consts.shift_remove(name),
                        };
                        // An assertion used as a value still asserts.
                        if matches!(e, Expression::CallExpression(_)) {
                            let a = chai::assertion(e, &self.scope);
                            if !matches!(a, Assertion::No) {
                                let line = self.line_of(e.span());
                                self.record(line, a, cx);
                            }
                        }
                        let v = eval(e, &self.scope);
                        self.scope.set(name, v);
                    }
                    None => self.scope.set(name, Val::Undefined),
                }
            }
            BindingPattern::ObjectPattern(o) => {
                let base = init.map_or(Val::Unknown, |e| eval(e, &self.scope));
                for p in &o.properties {
                    let key = match &p.key {
                        oxc_ast::ast::PropertyKey::StaticIdentifier(id) => {
                            Some(id.name.to_string())
                        }
                        oxc_ast::ast::PropertyKey::StringLiteral(s) => Some(s.value.to_string()),
                        _ => None,
                    };
                    if let (Some(key), Some(name)) = (key, binding_name(&p.value)) {
                        let v = match &base {
                            Val::Json(path) => Val::Json(format!("{path}{}", js::segment(&key))),
                            _ => Val::Unknown,
                        };
                        self.scope.set(&name, v);
                    }
                }
            }
            BindingPattern::ArrayPattern(_) | BindingPattern::AssignmentPattern(_) => {}
        }
    }
}

pub(super) fn binding_name(p: &BindingPattern<'_>) -> Option<String> {
    match p {
        BindingPattern::BindingIdentifier(id) => Some(id.name.to_string()),
        _ => None,
    }
}

/// A statement that leaves the script (or the test function).
pub(super) fn exits(s: &Statement<'_>) -> bool {
    match s {
        Statement::ReturnStatement(_) => true,
        Statement::BlockStatement(b) => b.body.iter().any(exits),
        _ => false,
    }
}
