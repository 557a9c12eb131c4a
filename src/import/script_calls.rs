//! Expressions and calls of a test script: `pm.test`, loops written as
//! calls (`forEach`, `_.each`), helper functions of the script followed
//! with their arguments, callbacks, and the assertions themselves.

use oxc_ast::ast::{Expression, FunctionBody, Statement};
use oxc_span::GetSpan;

use super::chai::{self, Assertion};
use super::js::{arg, dotted, is};
use super::scope::Val;
use super::script_flow::{one_line, reads_only_variables};
use super::script_reader::{Ctx, ELEMENT, Helper, MAX_DEPTH, Reader, binding_name};
use super::value::{self, eval};

impl<'s, 'a> Reader<'s, 'a> {
    pub(super) fn expression(&mut self, e: &'s Expression<'a>, cx: &Ctx) {
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

    pub(super) fn call(
        &mut self,
        e: &'s Expression<'a>,
        c: &'s oxc_ast::ast::CallExpression<'a>,
        cx: &Ctx,
    ) {
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
            if matches!(list, Val::Json(_) | Val::Each { .. }) {
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

    pub(super) fn function_body(&mut self, body: &'s FunctionBody<'a>, cx: &Ctx) {
        self.hoist(&body.statements);
        self.block(&body.statements, cx);
    }

    /// The body of a callback (`pm.test`'s, a loop's), its parameters at
    /// `element` bound to the loop's element.
    pub(super) fn callback(&mut self, f: &'s Expression<'a>, element: &[usize], cx: &Ctx) {
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
    pub(super) fn bind_params(
        &mut self,
        params: &'s [oxc_ast::ast::FormalParameter<'a>],
        element: &[usize],
    ) {
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
}
