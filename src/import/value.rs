//! The meaning of a Postman script's values: what an expression stands
//! for ([`eval`]: the status, a header, a part of the body, a Postman
//! variable...), and the checks that hold exactly when a boolean expression
//! is true ([`truth`]: legacy `tests["..."] = expr`, `if` conditions,
//! lodash and `Array.isArray`-style predicates). Pure.

use oxc_ast::ast::{BinaryOperator, Expression, LogicalOperator, UnaryOperator};
use serde_json::{Value as Json, json};

use super::js::{arg, dotted, dotted_path, is, literal, segment, string};
use super::matchers::{M, Why, num, on, regex_of, why};
use super::scope::{Check, ScriptScope, Val};
use super::vars::template;

/// What a value stands for.
pub fn eval(expr: &Expression<'_>, scope: &ScriptScope) -> Val {
    let expr = expr.without_parentheses();
    if let Some(checks) = super::json_schema::tv4(expr, scope, eval) {
        return checks.map_or(Val::Unknown, Val::Checks);
    }
    if let Some(v) = named(expr, scope) {
        return v;
    }
    match expr {
        Expression::Identifier(id) => match id.name.as_str() {
            "undefined" => Val::Undefined,
            name => scope.get(name).cloned().unwrap_or(Val::Unknown),
        },
        Expression::StaticMemberExpression(m) => member(eval(&m.object, scope), &m.property.name),
        Expression::ComputedMemberExpression(m) => match literal(&m.expression) {
            Some(Json::Number(n)) if n.is_u64() => index(eval(&m.object, scope), &format!("[{n}]")),
            Some(Json::String(s)) => member(eval(&m.object, scope), &s),
            _ => Val::Unknown,
        },
        Expression::CallExpression(c) => call(c, scope),
        Expression::LogicalExpression(l) if l.operator == LogicalOperator::Or => {
            // `json.user || {}`: member reads of the fallback fail as the
            // original's would.
            let left = eval(&l.left, scope);
            let empty_fallback = matches!(literal(&l.right), Some(Json::Object(ref m)) if m.is_empty())
                || matches!(literal(&l.right), Some(Json::Array(ref a)) if a.is_empty());
            match left {
                Val::Json(p) if empty_fallback => Val::OrEmpty(p),
                _ => Val::Unknown,
            }
        }
        // `-1` is a value, not a condition.
        Expression::UnaryExpression(_) if literal(expr).is_some() => {
            literal(expr).map_or(Val::Unknown, |v| Val::Lit(templated(v)))
        }
        Expression::BinaryExpression(_)
        | Expression::UnaryExpression(_)
        | Expression::LogicalExpression(_) => match truth(expr, scope) {
            Ok(checks) => Val::Checks(checks),
            Err(_) => Val::Unknown,
        },
        other => match literal(other) {
            Some(v) => Val::Lit(templated(v)),
            None => Val::Unknown,
        },
    }
}

/// Strings of a literal as gatecheck templates (`{{x}}` -> `{{ x }}`).
pub fn templated(v: Json) -> Json {
    match v {
        Json::String(s) => Json::String(template(&s).text),
        Json::Array(a) => Json::Array(a.into_iter().map(templated).collect()),
        Json::Object(m) => Json::Object(m.into_iter().map(|(k, v)| (k, templated(v))).collect()),
        other => other,
    }
}

/// Names of Postman's sandbox that stand for a part of the response.
fn named(expr: &Expression<'_>, scope: &ScriptScope) -> Option<Val> {
    let parts = dotted(expr)?;
    if let Some(first) = parts.first()
        && scope.get(first).is_some()
    {
        return None;
    }
    let name = parts.join(".");
    Some(match name.as_str() {
        "pm.response.code" | "responseCode.code" => Val::Status,
        "pm.response.responseTime" | "responseTime" => Val::Duration,
        "pm.response" => Val::Response,
        "responseBody" => Val::Text,
        "environment" | "globals" | "data" => Val::VarObject,
        _ if parts.len() == 2 && parts[0] == "responseHeaders" => Val::Header(parts[1].clone()),
        _ => return None,
    })
}

pub fn member(base: Val, name: &str) -> Val {
    match base {
        Val::VarObject => Val::Var(name.to_owned()),
        other => index(other, &segment(name)),
    }
}

fn index(base: Val, seg: &str) -> Val {
    match base {
        Val::Json(p) | Val::OrEmpty(p) => Val::Json(format!("{p}{seg}")),
        Val::Each { list, rel, must } => Val::Each {
            list,
            rel: format!("{rel}{seg}"),
            must,
        },
        _ => Val::Unknown,
    }
}

/// `pm.response.json()`, `JSON.parse(responseBody)`, header and variable reads.
fn call(c: &oxc_ast::ast::CallExpression<'_>, scope: &ScriptScope) -> Val {
    // `res.json()` of a response a script received (`pm.sendRequest`).
    if let Expression::StaticMemberExpression(m) = c.callee.without_parentheses()
        && m.property.name == "json"
        && c.arguments.is_empty()
        && eval(&m.object, scope) == Val::Response
    {
        return Val::Json("$".into());
    }
    let Some(callee) = dotted(&c.callee) else {
        return Val::Unknown;
    };
    let callee = callee.join(".");
    let first = || arg(&c.arguments, 0);
    let name = || first().and_then(string);
    match callee.as_str() {
        "pm.response.json" => Val::Json("$".into()),
        "pm.response.text" => Val::Text,
        "JSON.parse" => match first().map(|a| eval(a, scope)) {
            Some(Val::Text) => Val::Json("$".into()),
            // `JSON.parse('{"type": "object"}')`: the value written as text.
            Some(Val::Lit(Json::String(text))) => {
                serde_json::from_str(&text).map_or(Val::Unknown, Val::Lit)
            }
            _ => Val::Unknown,
        },
        "pm.response.headers.get" | "postman.getResponseHeader" => {
            name().map_or(Val::Unknown, Val::Header)
        }
        "pm.environment.get"
        | "pm.globals.get"
        | "pm.collectionVariables.get"
        | "pm.variables.get"
        | "pm.iterationData.get"
        | "postman.getEnvironmentVariable"
        | "postman.getGlobalVariable" => name().map_or(Val::Unknown, Val::Var),
        "pm.variables.replaceIn" => {
            name().map_or(Val::Unknown, |s| Val::Lit(Json::String(template(&s).text)))
        }
        "_.get" => {
            let base = first().map(|a| eval(a, scope));
            let path = arg(&c.arguments, 1)
                .and_then(string)
                .and_then(|p| dotted_path(&p));
            match (base, path, c.arguments.len()) {
                (Some(Val::Json(b)), Some(p), 2) => Val::Json(format!("{b}{p}")),
                _ => Val::Unknown,
            }
        }
        _ => Val::Unknown,
    }
}

/// The checks that hold exactly when `expr` is truthy (legacy
/// `tests["..."] = expr`, `pm.expect(expr).to.be.true`, `if (expr)`).
pub fn truth(expr: &Expression<'_>, scope: &ScriptScope) -> Result<Vec<Check>, Why> {
    let expr = expr.without_parentheses();
    if let Some(checks) = super::json_schema::tv4(expr, scope, eval) {
        return checks;
    }
    match expr {
        Expression::LogicalExpression(l) if l.operator == LogicalOperator::And => {
            let mut out = truth(&l.left, scope)?;
            out.extend(truth(&l.right, scope)?);
            Ok(out)
        }
        Expression::LogicalExpression(l) if l.operator == LogicalOperator::Or => {
            // `code === 200 || code === 201`
            let (a, b) = (truth(&l.left, scope)?, truth(&l.right, scope)?);
            match (a.as_slice(), b.as_slice()) {
                ([Check::Status(x)], [Check::Status(y)]) => {
                    let mut codes = Vec::new();
                    for s in [x, y] {
                        match s {
                            Json::Array(list) => codes.extend(list.iter().cloned()),
                            Json::Number(_) => codes.push(s.clone()),
                            _ => return Err(why("`||` of checks")),
                        }
                    }
                    Ok(vec![Check::Status(Json::Array(codes))])
                }
                _ => Err(why("`||` of checks")),
            }
        }
        Expression::BinaryExpression(b) => compare(&b.left, b.operator, &b.right, scope),
        Expression::UnaryExpression(u) if u.operator == UnaryOperator::LogicalNot => {
            match u.argument.without_parentheses() {
                Expression::UnaryExpression(inner)
                    if inner.operator == UnaryOperator::LogicalNot =>
                {
                    truthy(&inner.argument, scope)
                }
                _ => Err(why("`!` of a value")),
            }
        }
        Expression::CallExpression(c) => match eval(expr, scope) {
            Val::Header(_) => truthy(expr, scope),
            _ => predicate(c, scope),
        },
        Expression::BooleanLiteral(b) if b.value => Ok(Vec::new()),
        // `-x`, `typeof x`, `void 0` alone: `truthy` would read them back
        // through `eval`, which asks `truth` again.
        Expression::UnaryExpression(u) => {
            Err(why(&format!("`{}` of a value", u.operator.as_str())))
        }
        Expression::LogicalExpression(_) => Err(why("`??` of values")),
        _ => truthy(expr, scope),
    }
}

/// A value used as a condition: a boolean made of checks, or a header
/// read (present and not empty).
fn truthy(expr: &Expression<'_>, scope: &ScriptScope) -> Result<Vec<Check>, Why> {
    match eval(expr, scope) {
        Val::Checks(c) => Ok(c),
        Val::Header(name) => Ok(vec![Check::Header(name, json!({"matches": "."}))]),
        Val::Text => Err(why("response text check")),
        Val::Json(_) | Val::Each { .. } => Err(why("truthiness of a body value")),
        Val::Var(_) | Val::VarObject => Err(why("condition on a Postman variable")),
        _ => Err(why("boolean computed in the script")),
    }
}

/// `a === b`, `a > 3`, `typeof a === "string"`, `a.length > 0`.
fn compare(
    left: &Expression<'_>,
    op: BinaryOperator,
    right: &Expression<'_>,
    scope: &ScriptScope,
) -> Result<Vec<Check>, Why> {
    use BinaryOperator as B;
    // typeof x === "type"
    for (a, b) in [(left, right), (right, left)] {
        if let Expression::UnaryExpression(u) = a.without_parentheses()
            && u.operator == UnaryOperator::Typeof
            && let Some(t) = string(b)
            && matches!(op, B::StrictEquality | B::Equality)
        {
            let ty = match t.as_str() {
                "string" | "number" | "boolean" => t.clone(),
                "undefined" => return on(&eval(&u.argument, scope), M::Exists(false)),
                _ => return Err(why(&format!("`typeof` {t}"))),
            };
            return on(&eval(&u.argument, scope), M::Type(ty));
        }
    }
    let (mut l, mut r) = (eval(left, scope), eval(right, scope));
    let mut op = op;
    if is_value(&l) && !is_value(&r) {
        std::mem::swap(&mut l, &mut r);
        op = match op {
            B::LessThan => B::GreaterThan,
            B::GreaterThan => B::LessThan,
            B::LessEqualThan => B::GreaterEqualThan,
            B::GreaterEqualThan => B::LessEqualThan,
            other => other,
        };
    }
    let value = match &r {
        Val::Lit(v) => Some(v.clone()),
        Val::Var(name) => Some(Json::String(format!("{{{{ {name} }}}}"))),
        _ => None,
    };
    let strict = matches!(op, B::StrictEquality | B::StrictInequality);
    let m = match (op, &r, value) {
        (B::StrictInequality | B::Inequality, Val::Undefined, _) => M::Exists(true),
        (B::StrictEquality, Val::Undefined, _) => M::Exists(false),
        (B::StrictEquality | B::Equality, _, Some(v)) if strict || loose_ok(&l, &v) => {
            M::Eq(v, false)
        }
        (B::GreaterThan, _, Some(v)) => M::Cmp("gt", num(&v)?),
        (B::GreaterEqualThan, _, Some(v)) => M::Cmp("gte", num(&v)?),
        (B::LessThan, _, Some(v)) => M::Cmp("lt", num(&v)?),
        (B::LessEqualThan, _, Some(v)) => M::Cmp("lte", num(&v)?),
        _ => return Err(why(&format!("`{}` comparison", op.as_str()))),
    };
    on(&l, m)
}

/// `==` means `===` when no conversion can make them equal: a status or
/// duration against a number, a non-numeric string.
fn loose_ok(target: &Val, v: &Json) -> bool {
    match v {
        Json::Number(_) => matches!(target, Val::Status | Val::Duration),
        Json::String(s) => {
            !s.trim().is_empty() && s.trim().parse::<f64>().is_err() && !s.contains("{{")
        }
        _ => false,
    }
}

fn is_value(v: &Val) -> bool {
    matches!(v, Val::Lit(_) | Val::Var(_) | Val::Undefined)
}

/// Calls that are true or false: `x.hasOwnProperty("k")`,
/// `Array.isArray(x)`, `/re/.test(x)`, lodash's `_.has`, `_.isEqual`...
fn predicate(c: &oxc_ast::ast::CallExpression<'_>, scope: &ScriptScope) -> Result<Vec<Check>, Why> {
    let a = |i: usize| arg(&c.arguments, i);
    let val = |i: usize| a(i).map_or(Val::Unknown, |e| eval(e, scope));
    if let Expression::StaticMemberExpression(m) = c.callee.without_parentheses() {
        let method = m.property.name.as_str();
        if let Expression::RegExpLiteral(re) = m.object.without_parentheses()
            && method == "test"
        {
            let pattern = regex_of(re.regex.pattern.text.as_str(), re.regex.flags)?;
            return match val(0) {
                // RegExp.test reads its argument as a string: a number
                // matches as its text, which gatecheck's `matches` does too.
                target @ (Val::Json(_) | Val::Header(_) | Val::Each { .. }) => {
                    on(&target, M::Matches(pattern))
                }
                Val::Text => Err(why("response text check")),
                _ => Err(why("regular expression on a computed value")),
            };
        }
        let object = eval(&m.object, scope);
        match (method, &object) {
            ("hasOwnProperty", Val::Json(_) | Val::OrEmpty(_) | Val::Each { .. }) => {
                let key = a(0).and_then(string).ok_or_else(|| why("hasOwnProperty"))?;
                return on(&member(object.clone(), &key), M::Exists(true));
            }
            ("has", Val::Text) | ("includes" | "indexOf", Val::Text) => {
                return Err(why("response text check"));
            }
            ("has", _) if is(&m.object, "pm.response.headers") => {
                let name = a(0).and_then(string).ok_or_else(|| why("headers.has"))?;
                return Ok(vec![Check::Header(name, json!({"matches": ""}))]);
            }
            ("includes", Val::Json(_)) => {
                let v = a(0).map(|e| eval(e, scope));
                return match v {
                    Some(Val::Lit(v)) if !v.is_object() && !v.is_array() => {
                        on(&object, M::Contains(v))
                    }
                    _ => Err(why("`includes` of a computed value")),
                };
            }
            _ => {}
        }
    }
    let callee = dotted(&c.callee).map(|p| p.join(".")).unwrap_or_default();
    let typed = |t: &str| on(&val(0), M::Type(t.to_owned()));
    match callee.as_str() {
        "Array.isArray" | "_.isArray" => typed("array"),
        "Number.isInteger" | "_.isInteger" => typed("integer"),
        "_.isString" => typed("string"),
        "_.isBoolean" => typed("boolean"),
        "_.isNull" => on(&val(0), M::Eq(Json::Null, false)),
        "_.isUndefined" => on(&val(0), M::Exists(false)),
        "_.isPlainObject" => typed("object"),
        "_.has" => {
            let path = a(1)
                .and_then(string)
                .and_then(|p| dotted_path(&p))
                .ok_or_else(|| why("`_.has` with a computed path"))?;
            match val(0) {
                Val::Json(b) => on(&Val::Json(format!("{b}{path}")), M::Exists(true)),
                _ => Err(why("`_.has` of a computed value")),
            }
        }
        "_.isEqual" => match (val(0), val(1)) {
            (Val::Lit(v), target) | (target, Val::Lit(v)) => on(&target, M::Eq(v, true)),
            _ => Err(why("`_.isEqual` of two computed values")),
        },
        "_.includes" | "_.contains" => match (val(0), val(1)) {
            (target @ Val::Json(_), Val::Lit(v)) if !v.is_object() && !v.is_array() => {
                on(&target, M::Contains(v))
            }
            _ => Err(why("`_.includes` of a computed value")),
        },
        other => Err(kind_of(other)),
    }
}

/// The idiom of a call that is not converted, for grouping.
pub fn kind_of(callee: &str) -> String {
    let has = |s: &str| callee.contains(s);
    if has("setNextRequest") {
        "flow control (setNextRequest)".into()
    } else if has("tv4.") || has("ajv") || has("jsonSchema") {
        "JSON schema validation".into()
    } else if has("pm.cookies") || has("jar") {
        "cookies".into()
    } else if has(".unset") || has(".clear") {
        "variable unset".into()
    } else if has("pm.sendRequest") {
        "pm.sendRequest".into()
    } else if has("pm.visualizer") {
        "pm.visualizer".into()
    } else if callee.is_empty() {
        "call of a computed function".into()
    } else {
        format!("`{callee}()`")
    }
}
