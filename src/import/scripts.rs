//! Postman test scripts -> expectations and captures. The script is parsed
//! (see [`js`](super::js)) and walked statement by statement, following the
//! data: locals bound to parts of the response, helper functions, loops
//! over a list of the body, `try` blocks, and conditions (a guard on a
//! Postman variable keeps its checks, noted; a condition on the response
//! makes them conditional, so they are not converted). Each assertion is
//! read by [`chai`](super::chai). Pure; whatever is not converted is
//! returned with its line number and the idiom that stopped it.

use std::collections::BTreeMap;

use indexmap::IndexMap;
use oxc_allocator::Allocator;
use oxc_ast::ast::{
    Argument, BindingPattern, Expression, ForStatementLeft, Function, FunctionBody, Statement,
};
use oxc_span::GetSpan;
use serde_json::{Value as Json, json};

use super::chai::{self, Assertion, Check};
use super::js::{self, Lines, arg, dotted, is, string};
use super::scope::{ScriptScope, Val};
use super::sent::{request_object, request_value};
use super::value::{self, eval};
use super::vars::looks_secret;

pub use super::checks::{Checks, Sent, Unconverted, is_assertion_line};

/// Reads a test script (its lines as exported).
pub fn read(lines: &[String]) -> Checks {
    let source = lines.join("\n");
    if source.len() > MAX_SCRIPT {
        return reader(&source).finish(Some("the script is too long to read (over 64 KiB)"));
    }
    // The parser and the reader recurse over the script's nesting: a
    // thread of its own with a stack that 64 KiB of nesting cannot exhaust.
    let read = std::thread::scope(|s| {
        std::thread::Builder::new()
            .name("postman-script".into())
            .stack_size(SCRIPT_STACK)
            .spawn_scoped(s, || read_source(&source))
            .ok()
            .and_then(|h| h.join().ok())
    });
    read.unwrap_or_else(|| reader(&source).finish(Some("the script could not be read")))
}

/// Longest script read, and the stack its reading gets (about 2 KiB per
/// level of nesting, a level per two bytes at most).
const MAX_SCRIPT: usize = 64 * 1024;
const SCRIPT_STACK: usize = 512 * 1024 * 1024;

fn reader(source: &str) -> Reader<'_, '_> {
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

fn read_source(source: &str) -> Checks {
    let alloc = Allocator::default();
    let mut reader = reader(source);
    match js::parse(&alloc, source) {
        Ok(program) => {
            reader.scope.push();
            reader.hoist(&program.body);
            reader.block(&program.body, &Ctx::default());
            reader.finish(None)
        }
        Err(_) => reader.finish(Some("the script does not parse")),
    }
}

/// Where a statement runs.
#[derive(Debug, Clone, Default)]
struct Ctx {
    /// It runs only sometimes (a condition on the response, an `else`...):
    /// its checks are not converted, for this reason.
    cond: Option<String>,
    /// It runs when a Postman variable says so: converted, with this note.
    guard: Option<String>,
    /// Inside a `try` whose `catch` ignores the failure.
    swallowed: bool,
    /// Inside a loop over a list: only checks of its elements convert.
    in_loop: bool,
}

impl Ctx {
    fn with_cond(&self, why: impl Into<String>) -> Ctx {
        let mut c = self.clone();
        c.cond.get_or_insert_with(|| why.into());
        c
    }
}

type Conversion = Result<(), String>;

struct Reader<'s, 'a> {
    source: &'s str,
    lines: Lines,
    checks: Checks,
    scope: ScriptScope,
    functions: IndexMap<String, Helper<'s, 'a>>,
    /// Each assertion's outcome, by the line it starts on.
    outcomes: BTreeMap<usize, Vec<Conversion>>,
    /// Other statements not converted: (line, kind).
    others: Vec<(usize, String)>,
    /// Helper calls being followed.
    depth: usize,
    /// Locals whose value is known text or data (for `pm.sendRequest`).
    consts: IndexMap<String, Json>,
}

/// A helper function of the script: a declaration or an arrow function.
#[derive(Clone, Copy)]
enum Helper<'s, 'a> {
    Function(&'s Function<'a>),
    Arrow(&'s oxc_ast::ast::ArrowFunctionExpression<'a>),
}

/// The name a loop's element is bound to for its callback's first parameter.
const ELEMENT: &str = "\u{0}element";

/// How many helper calls deep the reader follows.
const MAX_DEPTH: usize = 4;

impl<'s, 'a> Reader<'s, 'a> {
    fn line_of(&self, span: oxc_span::Span) -> usize {
        self.lines.line(span.start)
    }

    fn text(&self, span: oxc_span::Span) -> &'s str {
        self.source
            .get(span.start as usize..span.end as usize)
            .unwrap_or("")
    }

    /// Function declarations are visible before their statement.
    fn hoist(&mut self, body: &'s [Statement<'a>]) {
        for s in body {
            if let Statement::FunctionDeclaration(f) = s
                && let Some(id) = &f.id
            {
                self.functions
                    .insert(id.name.to_string(), Helper::Function(f));
            }
        }
    }

    fn block(&mut self, body: &'s [Statement<'a>], cx: &Ctx) {
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

    fn other(&mut self, span: oxc_span::Span, kind: impl Into<String>) {
        let line = self.line_of(span);
        self.others.push((line, kind.into()));
    }

    fn statement(&mut self, s: &'s Statement<'a>, cx: &Ctx) {
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

    /// `var x = ...`, `const {a, b} = json`.
    fn bind(
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
                        match request_value(e, &self.consts) {
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

    /// An `if`: a guard on Postman variables keeps its checks (noted); a
    /// condition that the script asserts anyway keeps the checks of its
    /// `then` branch; anything else makes both branches conditional.
    fn condition(
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
    fn asserted(&self, c: &Check) -> bool {
        match c {
            Check::Status(s) => self.checks.status.as_ref() == Some(s),
            Check::Json(p, m) => self.checks.json.get(p) == Some(m),
            Check::Header(h, m) => self.checks.headers.get(h) == Some(m),
            Check::Duration(ms) => self.checks.max_duration == Some(format!("{ms}ms")),
        }
    }

    /// A loop over `list` with its element bound to `name`.
    fn each(
        &mut self,
        list: Val,
        name: Option<String>,
        lodash: bool,
        body: impl FnOnce(&mut Self, &Ctx),
        cx: &Ctx,
    ) {
        let element = match list {
            Val::Json(p) => Val::Each {
                list: p,
                rel: String::new(),
                lodash,
            },
            _ => Val::Unknown,
        };
        let mut inner = if element == Val::Unknown {
            cx.with_cond("inside a loop over a computed list")
        } else {
            cx.clone()
        };
        inner.in_loop = true;
        self.scope.push();
        self.scope
            .declare(name.as_deref().unwrap_or(ELEMENT), element);
        body(self, &inner);
        self.scope.pop();
    }

    fn expression(&mut self, e: &'s Expression<'a>, cx: &Ctx) {
        let line = self.line_of(e.span());
        match e.without_parentheses() {
            Expression::SequenceExpression(s) => {
                for x in &s.expressions {
                    self.expression(x, cx);
                }
            }
            Expression::AssignmentExpression(a) => {
                if let oxc_ast::ast::AssignmentTarget::AssignmentTargetIdentifier(id) = &a.left {
                    let v = eval(&a.right, &self.scope);
                    self.scope.set(id.name.as_str(), v);
                    return;
                }
                let result = chai::assertion(e, &self.scope);
                if matches!(result, Assertion::No) {
                    self.other(e.span(), "assignment in the script");
                } else {
                    self.record(line, result, cx);
                }
            }
            Expression::CallExpression(c) => self.call(e, c, cx),
            Expression::StaticMemberExpression(_) => {
                let result = chai::assertion(e, &self.scope);
                if matches!(result, Assertion::No) {
                    self.other(e.span(), "other script code");
                } else {
                    self.record(line, result, cx);
                }
            }
            Expression::LogicalExpression(l)
                if l.operator == oxc_ast::ast::LogicalOperator::And =>
            {
                // `cond && pm.expect(...)`: conditional.
                self.expression(&l.right, &cx.with_cond("after `&&`"));
            }
            _ => self.other(e.span(), "other script code"),
        }
    }

    fn call(&mut self, e: &'s Expression<'a>, c: &'s oxc_ast::ast::CallExpression<'a>, cx: &Ctx) {
        let line = self.line_of(e.span());
        let callee = dotted(&c.callee).map(|p| p.join(".")).unwrap_or_default();
        match callee.as_str() {
            "pm.test" => {
                match arg(&c.arguments, 1) {
                    Some(f) => self.callback(f, &[], cx),
                    None => self.other(e.span(), "`pm.test` without a function"),
                }
                return;
            }
            "pm.environment.set"
            | "pm.collectionVariables.set"
            | "pm.globals.set"
            | "pm.variables.set"
            | "postman.setEnvironmentVariable"
            | "postman.setGlobalVariable" => {
                self.set(e, &c.arguments, cx);
                return;
            }
            "pm.sendRequest" => {
                self.send_request(e, &c.arguments, cx);
                return;
            }
            "_.each" | "_.forEach" => {
                let list = arg(&c.arguments, 0).map_or(Val::Unknown, |l| eval(l, &self.scope));
                if let Some(f) = arg(&c.arguments, 1) {
                    let f: &'s Expression<'a> = f;
                    self.each(list, None, true, |r, cx| r.callback(f, &[0], cx), cx);
                }
                return;
            }
            _ if callee.starts_with("console.") => return,
            _ => {}
        }
        // `(cond ? pm.test.skip : pm.test)("name", fn)`: a test skipped on a condition.
        if let Expression::ConditionalExpression(t) = c.callee.without_parentheses()
            && [&t.consequent, &t.alternate]
                .iter()
                .all(|x| is(x, "pm.test") || is(x, "pm.test.skip"))
            && let Some(f) = arg(&c.arguments, 1)
        {
            let f: &'s Expression<'a> = f;
            if reads_only_variables(&t.test, &self.scope) {
                let mut inner = cx.clone();
                inner.guard = Some(format!(
                    "checked only when `{}` leaves the test to run in Postman",
                    one_line(self.text(t.test.span()))
                ));
                self.callback(f, &[], &inner);
            } else {
                self.callback(
                    f,
                    &[],
                    &cx.with_cond("in a `pm.test` skipped on a condition on the response"),
                );
            }
            return;
        }
        // `pm.test.skip("name", fn)` never runs.
        if callee == "pm.test.skip" {
            if let Some(f) = arg(&c.arguments, 1) {
                self.callback(f, &[], &cx.with_cond("in a skipped `pm.test`"));
            }
            return;
        }
        // `list.forEach(item => ...)`
        if let Expression::StaticMemberExpression(m) = c.callee.without_parentheses()
            && m.property.name == "forEach"
            && let Some(f) = arg(&c.arguments, 0)
        {
            let list = eval(&m.object, &self.scope);
            if matches!(list, Val::Json(_)) {
                let f: &'s Expression<'a> = f;
                self.each(list, None, false, |r, cx| r.callback(f, &[0], cx), cx);
                return;
            }
        }
        // A helper function of the script.
        if let Expression::Identifier(id) = c.callee.without_parentheses()
            && let Some(f) = self.functions.get(id.name.as_str()).copied()
        {
            if self.depth >= MAX_DEPTH {
                self.other(e.span(), "recursive helper function");
                return;
            }
            let args: Vec<Val> = c
                .arguments
                .iter()
                .map(|a| {
                    a.as_expression()
                        .map_or(Val::Unknown, |x| eval(x, &self.scope))
                })
                .collect();
            let (params, body, expression) = match f {
                Helper::Function(f) => match &f.body {
                    Some(body) => (&f.params.items, &**body, false),
                    None => return,
                },
                Helper::Arrow(a) => (&a.params.items, &*a.body, a.expression),
            };
            self.depth += 1;
            self.scope.push();
            for (i, p) in params.iter().enumerate() {
                if let Some(name) = binding_name(&p.pattern) {
                    self.scope
                        .declare(&name, args.get(i).cloned().unwrap_or(Val::Undefined));
                }
            }
            match (expression, body.statements.first()) {
                (true, Some(Statement::ExpressionStatement(s))) => {
                    self.expression(&s.expression, cx)
                }
                _ => self.function_body(body, cx),
            }
            self.scope.pop();
            self.depth -= 1;
            return;
        }
        let result = chai::assertion(e, &self.scope);
        if !matches!(result, Assertion::No) {
            self.record(line, result, cx);
            return;
        }
        self.other(e.span(), value::kind_of(&callee));
    }

    /// `pm.sendRequest(request, (err, res) => ...)`: the request, and
    /// the variables its callback sets from `res`.
    fn send_request(&mut self, e: &'s Expression<'a>, args: &'s [Argument<'a>], cx: &Ctx) {
        let request = arg(args, 0).and_then(|r| request_value(r, &self.consts));
        let Some(request) = request.and_then(request_object) else {
            self.other(e.span(), "pm.sendRequest");
            return;
        };
        let (captures, guarded) = (
            std::mem::take(&mut self.checks.captures),
            std::mem::take(&mut self.checks.guarded_captures),
        );
        if let Some(f) = arg(args, 1) {
            self.scope.push();
            self.scope.declare(ELEMENT, Val::Response);
            self.callback(f, &[1], cx);
            self.scope.pop();
        }
        let mut got = std::mem::replace(&mut self.checks.captures, captures);
        got.extend(std::mem::replace(
            &mut self.checks.guarded_captures,
            guarded,
        ));
        self.checks.sent.push(Sent {
            request,
            captures: got,
        });
        self.other(e.span(), "pm.sendRequest");
    }

    fn function_body(&mut self, body: &'s FunctionBody<'a>, cx: &Ctx) {
        self.hoist(&body.statements);
        self.block(&body.statements, cx);
    }

    /// The body of a callback (`pm.test`'s, a loop's), its parameters at
    /// `element` bound to the loop's element.
    fn callback(&mut self, f: &'s Expression<'a>, element: &[usize], cx: &Ctx) {
        match f.without_parentheses() {
            Expression::FunctionExpression(func) => {
                self.scope.push();
                self.bind_params(&func.params.items, element);
                if let Some(body) = &func.body {
                    self.function_body(body, cx);
                }
                self.scope.pop();
            }
            Expression::ArrowFunctionExpression(arrow) => {
                self.scope.push();
                self.bind_params(&arrow.params.items, element);
                if arrow.expression {
                    if let Some(Statement::ExpressionStatement(s)) = arrow.body.statements.first() {
                        self.expression(&s.expression, cx);
                    }
                } else {
                    self.function_body(&arrow.body, cx);
                }
                self.scope.pop();
            }
            other => self.other(other.span(), "callback that is not a function"),
        }
    }

    /// Binds a callback's parameters: the loop element (declared by
    /// [`each`](Self::each) under its own name) to the first.
    fn bind_params(&mut self, params: &'s [oxc_ast::ast::FormalParameter<'a>], element: &[usize]) {
        for (i, p) in params.iter().enumerate() {
            if let Some(name) = binding_name(&p.pattern) {
                let v = if element.contains(&i) {
                    self.scope.get(ELEMENT).cloned().unwrap_or(Val::Unknown)
                } else {
                    Val::Unknown
                };
                self.scope.declare(&name, v);
            }
        }
    }

    /// `pm.environment.set("id", json.id)`: a capture.
    fn set(&mut self, e: &'s Expression<'a>, args: &'s [Argument<'a>], cx: &Ctx) {
        let Some(name) = arg(args, 0).and_then(string) else {
            self.other(e.span(), "variable set with a computed name");
            return;
        };
        let value = arg(args, 1).map_or(Val::Unknown, |v| eval(v, &self.scope));
        let secret = looks_secret(&name);
        if let (Some(why), Val::Lit(_) | Val::Unknown | Val::Var(_)) = (&cx.cond, &value) {
            self.other(e.span(), why.clone());
            return;
        }
        let capture = match value {
            Val::Json(p) if secret => json!({"json": p, "secret": true}),
            Val::Json(p) => Json::String(p),
            Val::Header(h) if secret => json!({"header": h, "secret": true}),
            Val::Header(h) => json!({"header": h}),
            Val::Lit(v) => {
                if cx.cond.is_none() {
                    self.checks.sets.insert(name, v);
                }
                self.other(e.span(), "variable set to a value of the script");
                return;
            }
            _ => {
                self.other(e.span(), "variable set from a computed value");
                return;
            }
        };
        if let Some(why) = &cx.cond {
            self.checks.guarded_captures.insert(name, capture);
            self.other(e.span(), why.clone());
            return;
        }
        if let Some(g) = &cx.guard {
            self.note(g.clone());
        }
        self.checks.captures.insert(name, capture);
    }

    fn note(&mut self, note: String) {
        if !self.checks.notes.contains(&note) {
            self.checks.notes.push(note);
        }
    }

    /// Records an assertion's outcome, and applies its checks.
    fn record(&mut self, line: usize, result: Assertion, cx: &Ctx) {
        let outcome = match result {
            Assertion::No => return,
            Assertion::Unconverted(why) => Err(why),
            Assertion::Checks(checks) => self.apply_all(checks, cx),
        };
        self.outcomes.entry(line).or_default().push(outcome);
    }

    fn apply_all(&mut self, checks: Vec<Check>, cx: &Ctx) -> Conversion {
        if let Some(why) = &cx.cond {
            return Err(why.clone());
        }
        if cx.swallowed {
            return Err("in a `try` whose `catch` ignores the failure".into());
        }
        if cx.in_loop && !checks.iter().all(of_elements) {
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
    fn uncalled(&self, n: usize) -> bool {
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
    fn finish(mut self, failed: Option<&str>) -> Checks {
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

/// A check made of a loop's elements (a filter over the list) or the
/// list's own type.
fn of_elements(c: &Check) -> bool {
    match c {
        Check::Json(p, m) => p.contains("[?") || *m == json!({"type": "array"}),
        _ => false,
    }
}

fn binding_name(p: &BindingPattern<'_>) -> Option<String> {
    match p {
        BindingPattern::BindingIdentifier(id) => Some(id.name.to_string()),
        _ => None,
    }
}

/// A statement that leaves the script (or the test function).
fn exits(s: &Statement<'_>) -> bool {
    match s {
        Statement::ReturnStatement(_) => true,
        Statement::BlockStatement(b) => b.body.iter().any(exits),
        _ => false,
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A condition made only of Postman variables and literals
/// (`!(environment.isIntegrationTest)`, `pm.environment.get("env") === "prod"`).
fn reads_only_variables(e: &Expression<'_>, scope: &ScriptScope) -> bool {
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
#[path = "scripts_tests.rs"]
mod tests;
