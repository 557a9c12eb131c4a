//! The meaning of a Postman script's expressions and assertions, read from
//! the parsed script: what a value stands for ([`eval`]), when a boolean is
//! true ([`truth`]: legacy `tests["..."] = expr`), and the chai BDD chains
//! of `pm.expect(...)` and chai-postman's `pm.response.to...`
//! ([`assertion`]). Each converted assertion holds exactly when Postman's
//! would; anything else is an `Err` naming the idiom. Pure.

use oxc_ast::ast::{
    Argument, BinaryOperator, Expression, LogicalOperator, RegExpFlags, UnaryOperator,
};
use serde_json::{Value as Json, json};

use super::js::{arg, dotted, dotted_path, is, literal, segment, string};
use super::scope::{Scope, Val};
use super::vars::template;

pub use super::scope::Check;

/// Why something was not converted: the idiom, named for the summary.
pub type Why = String;

fn why(s: &str) -> Why {
    s.to_owned()
}

/// What a value stands for.
pub fn eval(expr: &Expression<'_>, scope: &Scope) -> Val {
    let expr = expr.without_parentheses();
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
fn templated(v: Json) -> Json {
    match v {
        Json::String(s) => Json::String(template(&s).text),
        Json::Array(a) => Json::Array(a.into_iter().map(templated).collect()),
        Json::Object(m) => Json::Object(m.into_iter().map(|(k, v)| (k, templated(v))).collect()),
        other => other,
    }
}

/// Names of Postman's sandbox that stand for a part of the response.
fn named(expr: &Expression<'_>, scope: &Scope) -> Option<Val> {
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

fn member(base: Val, name: &str) -> Val {
    match base {
        Val::VarObject => Val::Var(name.to_owned()),
        other => index(other, &segment(name)),
    }
}

fn index(base: Val, seg: &str) -> Val {
    match base {
        Val::Json(p) | Val::OrEmpty(p) => Val::Json(format!("{p}{seg}")),
        Val::Each { list, rel, lodash } => Val::Each {
            list,
            rel: format!("{rel}{seg}"),
            lodash,
        },
        _ => Val::Unknown,
    }
}

/// `pm.response.json()`, `JSON.parse(responseBody)`, header and variable reads.
fn call(c: &oxc_ast::ast::CallExpression<'_>, scope: &Scope) -> Val {
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
pub fn truth(expr: &Expression<'_>, scope: &Scope) -> Result<Vec<Check>, Why> {
    let expr = expr.without_parentheses();
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
        _ => truthy(expr, scope),
    }
}

/// A value used as a condition: a boolean made of checks, or a header
/// read (present and not empty).
fn truthy(expr: &Expression<'_>, scope: &Scope) -> Result<Vec<Check>, Why> {
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
    scope: &Scope,
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

fn num(v: &Json) -> Result<f64, Why> {
    v.as_f64()
        .ok_or_else(|| why("comparison with a non-number"))
}

/// Calls that are true or false: `x.hasOwnProperty("k")`,
/// `Array.isArray(x)`, `/re/.test(x)`, lodash's `_.has`, `_.isEqual`...
fn predicate(c: &oxc_ast::ast::CallExpression<'_>, scope: &Scope) -> Result<Vec<Check>, Why> {
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

/// `/^ab+c$/i` -> `(?i)^ab+c$`, when the regex crate reads it the same.
fn regex_of(pattern: &str, flags: RegExpFlags) -> Result<String, Why> {
    if flags.intersects(RegExpFlags::Y | RegExpFlags::U | RegExpFlags::V)
        || pattern.contains("(?<")
        || pattern.contains("\\k<")
    {
        return Err(why("regular expression with flags gatecheck does not read"));
    }
    let mut inline = String::new();
    if flags.contains(RegExpFlags::I) {
        inline.push('i');
    }
    if flags.contains(RegExpFlags::M) {
        inline.push('m');
    }
    if flags.contains(RegExpFlags::S) {
        inline.push('s');
    }
    let out = if inline.is_empty() {
        pattern.to_owned()
    } else {
        format!("(?{inline}){pattern}")
    };
    regex::Regex::new(&out)
        .map(|_| out)
        .map_err(|_| why("regular expression gatecheck does not read"))
}

/// What a check asks of its subject, before it is written for that subject.
#[derive(Debug, Clone, PartialEq)]
enum M {
    /// Equal to the value (`deep`: arrays and objects compared by value).
    Eq(Json, bool),
    /// Defined (`true`) or undefined.
    Exists(bool),
    /// Neither null nor undefined (chai's `exist`).
    NotNull,
    Type(String),
    Contains(Json),
    Length(u64),
    Cmp(&'static str, f64),
    Within(f64, f64),
    OneOf(Json),
    Matches(String),
    Empty(bool),
}

/// The checks that `subject` satisfies `m`.
fn on(subject: &Val, m: M) -> Result<Vec<Check>, Why> {
    match subject {
        Val::Status => status(m).map(|s| vec![Check::Status(s)]),
        Val::Duration => match m {
            M::Cmp("lt", n) if n > 0.0 && n.fract() == 0.0 => Ok(vec![Check::Duration(n as u64)]),
            M::Cmp("lte", n) if n >= 0.0 && n.fract() == 0.0 => {
                Ok(vec![Check::Duration(n as u64 + 1)])
            }
            _ => Err(why("response time check other than a maximum")),
        },
        Val::Header(name) => header(m).map(|h| vec![Check::Header(name.clone(), h)]),
        Val::Json(path) => json_check(path, m),
        Val::Each { list, rel, lodash } => each(list, rel, *lodash, m),
        Val::Text => Err(why("response text check")),
        Val::OrEmpty(_) => Err(why("assertion on a value with a fallback (`x || {}`)")),
        Val::Response => Err(why("chai assertion on pm.response")),
        Val::Var(_) | Val::VarObject => Err(why("assertion on a Postman variable")),
        Val::Lit(_) | Val::Undefined => Err(why("assertion on a literal")),
        Val::Checks(c) => match m {
            M::Eq(Json::Bool(true), _) => Ok(c.clone()),
            _ => Err(why("assertion on a boolean computed in the script")),
        },
        Val::Unknown => Err(why("assertion on a value computed in the script")),
    }
}

fn status(m: M) -> Result<Json, Why> {
    let code = |n: f64| -> Result<Json, Why> {
        if n.fract() == 0.0 && (100.0..=599.0).contains(&n) {
            Ok(json!(n as u16))
        } else {
            Err(why("status check with a non-status value"))
        }
    };
    match m {
        M::Eq(Json::Number(n), _) => code(n.as_f64().unwrap_or(0.0)),
        M::OneOf(Json::Array(list)) => list
            .iter()
            .map(|v| code(v.as_f64().unwrap_or(0.0)))
            .collect::<Result<Vec<_>, _>>()
            .map(Json::Array),
        M::Within(lo, hi) if lo.fract() == 0.0 && lo % 100.0 == 0.0 && hi == lo + 99.0 => {
            Ok(json!(format!("{}xx", lo as u16 / 100)))
        }
        _ => Err(why("status check other than equality or a list")),
    }
}

fn header(m: M) -> Result<Json, Why> {
    Ok(match m {
        M::Eq(Json::String(s), _) => Json::String(s),
        M::Contains(Json::String(s)) => json!({"matches": regex::escape(&s)}),
        M::Exists(true) => json!({"matches": ""}),
        M::NotNull => json!({"matches": ""}),
        M::Empty(false) => json!({"matches": "."}),
        M::Matches(re) => json!({"matches": re}),
        _ => return Err(why("header check gatecheck has no matcher for")),
    })
}

fn json_check(path: &str, m: M) -> Result<Vec<Check>, Why> {
    if let Some(list) = path.strip_suffix(".length") {
        return length_of(list, m);
    }
    let one = |v: Json| Ok(vec![Check::Json(path.to_owned(), v)]);
    match m {
        M::Eq(v, deep) => {
            if (v.is_object() || v.is_array()) && !deep {
                return Err(why("strict equality with an object (always false)"));
            }
            match v {
                Json::Object(_) => one(json!({"equals": v})),
                other => one(other),
            }
        }
        M::Exists(e) => one(json!({"exists": e})),
        M::NotNull => Ok(vec![not_null(path)?]),
        M::Type(t) => one(json!({"type": t})),
        M::Contains(v) => one(json!({"contains": v})),
        M::Length(n) => one(json!({"length": n})),
        M::Cmp(k, n) => one(json!({k: n})),
        M::Within(lo, hi) => one(json!({"gte": lo, "lte": hi})),
        M::OneOf(list) => one(json!({"one_of": list})),
        M::Matches(re) => one(json!({"matches": re})),
        M::Empty(e) => one(json!({"empty": e})),
    }
}

/// `x.length` compared: a length, or array indexes that must exist.
fn length_of(list: &str, m: M) -> Result<Vec<Check>, Why> {
    let at = |i: u64| Check::Json(format!("{list}[{i}]"), json!({"exists": true}));
    let int = |n: f64| (n.fract() == 0.0 && n >= 0.0).then_some(n as u64);
    Ok(match m {
        M::Eq(Json::Number(n), _) => vec![Check::Json(
            list.to_owned(),
            json!({"length": n.as_u64().ok_or_else(|| why("length check"))?}),
        )],
        M::Length(n) => vec![Check::Json(list.to_owned(), json!({"length": n}))],
        // A minimum length of a list: its index must exist.
        M::Cmp("gt", n) => match int(n) {
            Some(n) => vec![at(n)],
            None => return Err(why("length check")),
        },
        M::Cmp("gte", n) => match int(n) {
            Some(0) => vec![Check::Json(list.to_owned(), json!({"type": "array"}))],
            Some(n) => vec![at(n - 1)],
            None => return Err(why("length check")),
        },
        _ => return Err(why("length check other than equality or a minimum")),
    })
}

/// Chai's `exist`: present and not null. JSONPath can only say it through
/// the parent: the member equal to the value that is not null.
fn not_null(path: &str) -> Result<Check, Why> {
    let parent = parent_of(path).ok_or_else(|| why("`exist` on the whole body"))?;
    Ok(Check::Json(
        format!("{parent}[?@ == {path} && @ != null]"),
        json!({"exists": true}),
    ))
}

/// `$.a.b['c'][0]` -> `$.a.b['c']`.
fn parent_of(path: &str) -> Option<&str> {
    if path == "$" {
        return None;
    }
    let end = if path.ends_with(']') {
        // `[0]` or `['x']` (quotes inside are escaped by `segment`)
        let bytes = path.as_bytes();
        let mut i = path.len() - 1;
        let mut in_quote = false;
        loop {
            if i == 0 {
                return None;
            }
            i -= 1;
            match bytes[i] {
                b'\'' if bytes[i - 1] != b'\\' => in_quote = !in_quote,
                b'[' if !in_quote => break i,
                _ => {}
            }
        }
    } else {
        path.rfind('.')?
    };
    Some(&path[..end])
}

/// A check of every element of a list, as a filter that selects the
/// elements failing it and must select none.
fn each(list: &str, rel: &str, lodash: bool, m: M) -> Result<Vec<Check>, Why> {
    let at = format!("@{rel}");
    let literal_ok = |v: &Json| match v {
        Json::String(s) => !s.contains("{{"),
        Json::Number(_) | Json::Bool(_) | Json::Null => true,
        _ => false,
    };
    let failing = match &m {
        M::Exists(true) if !rel.is_empty() => format!("!{at}"),
        M::Exists(false) if !rel.is_empty() => at.clone(),
        M::NotNull if !rel.is_empty() => format!("!{at} || {at} == null"),
        M::NotNull => format!("{at} == null"),
        M::Eq(v, _) if literal_ok(v) => format!("{at} != {v}"),
        M::Cmp(k, n) => {
            let op = match *k {
                "gt" => ">",
                "gte" => ">=",
                "lt" => "<",
                _ => "<=",
            };
            format!("!({at} {op} {})", json!(n))
        }
        M::Within(lo, hi) => format!("!({at} >= {} && {at} <= {})", json!(lo), json!(hi)),
        _ => return Err(why("check of every element that JSONPath cannot filter")),
    };
    let mut out = Vec::new();
    if !lodash {
        // `forEach` and `for...of` fail on a missing list.
        out.push(Check::Json(list.to_owned(), json!({"type": "array"})));
    }
    out.push(Check::Json(
        format!("{list}[?{failing}]"),
        json!({"exists": false}),
    ));
    Ok(out)
}

/// The outcome of reading one assertion statement.
pub enum Assertion {
    /// Not an assertion: some other statement.
    No,
    Checks(Vec<Check>),
    Unconverted(Why),
}

/// `pm.expect(...).to...`, `pm.response.to...`, `tests["..."] = expr`.
pub fn assertion(expr: &Expression<'_>, scope: &Scope) -> Assertion {
    if let Expression::AssignmentExpression(a) = expr
        && let oxc_ast::ast::AssignmentTarget::ComputedMemberExpression(m) = &a.left
        && matches!(m.object.without_parentheses(), Expression::Identifier(id) if id.name == "tests")
    {
        return match truth(&a.right, scope) {
            Ok(c) => Assertion::Checks(c),
            Err(w) => Assertion::Unconverted(w),
        };
    }
    let mut links = Vec::new();
    let Some(root) = flatten(expr, &mut links) else {
        return Assertion::No;
    };
    links.reverse();
    let subject = match root {
        Root::Expect(None) => return Assertion::Unconverted(why("`pm.expect()` without a value")),
        Root::Expect(Some(e)) => eval(e, scope),
        Root::Response => Val::Response,
    };
    match chain(subject, &links, scope) {
        Ok(c) => Assertion::Checks(c),
        Err(w) => Assertion::Unconverted(w),
    }
}

enum Link<'b, 'a> {
    Word(&'b str),
    Call(&'b str, &'b [Argument<'a>]),
}

enum Root<'b, 'a> {
    Expect(Option<&'b Expression<'a>>),
    Response,
}

fn flatten<'b, 'a>(
    expr: &'b Expression<'a>,
    links: &mut Vec<Link<'b, 'a>>,
) -> Option<Root<'b, 'a>> {
    match expr.without_parentheses() {
        Expression::CallExpression(c) => {
            if is(&c.callee, "pm.expect") || is(&c.callee, "expect") {
                return Some(Root::Expect(arg(&c.arguments, 0)));
            }
            let Expression::StaticMemberExpression(m) = c.callee.without_parentheses() else {
                return None;
            };
            links.push(Link::Call(m.property.name.as_str(), &c.arguments));
            flatten(&m.object, links)
        }
        Expression::StaticMemberExpression(m) => {
            if is(expr, "pm.response") {
                // chai-postman's assertions read `pm.response.to...`.
                let to = matches!(links.last(), Some(Link::Word("to")));
                return to.then_some(Root::Response);
            }
            links.push(Link::Word(m.property.name.as_str()));
            flatten(&m.object, links)
        }
        _ => None,
    }
}

/// Words of a chain that only make it read well.
const FILLER: [&str; 16] = [
    "to", "be", "been", "is", "that", "which", "and", "has", "have", "with", "at", "of", "same",
    "but", "does", "still",
];

/// The assertions of a chai chain, in order; chai's flags (`not`, `deep`,
/// `nested`, `length`) stay set for the rest of the chain.
fn chain(mut subject: Val, links: &[Link<'_, '_>], scope: &Scope) -> Result<Vec<Check>, Why> {
    let (mut not, mut deep, mut nested, mut length) = (false, false, false, false);
    let mut include = false;
    let mut out = Vec::new();
    let mut asserted = false;
    for link in links {
        let (word, args) = match link {
            Link::Word(w) => (*w, None),
            Link::Call(w, a) => (*w, Some(*a)),
        };
        if FILLER.contains(&word) && args.is_none() {
            continue;
        }
        let v = |i: usize| args.and_then(|a| arg(a, i)).map(|e| eval(e, scope));
        let value = |i: usize| -> Result<Json, Why> {
            match v(i) {
                Some(Val::Lit(j)) => Ok(j),
                Some(Val::Var(n)) => Ok(Json::String(format!("{{{{ {n} }}}}"))),
                _ => Err(format!("`.{word}` with a computed value")),
            }
        };
        let number = |i: usize| -> Result<f64, Why> { num(&value(i)?) };
        if subject == Val::Response
            && let Some(c) = response_word(word, args, not)?
        {
            out.extend(c);
            asserted = true;
            continue;
        }
        let m = match (word, args.map(<[_]>::len)) {
            ("not", None) => {
                not = !not;
                continue;
            }
            ("deep", None) => {
                deep = true;
                continue;
            }
            ("nested", None) => {
                nested = true;
                continue;
            }
            ("own" | "all", None) => continue,
            ("include" | "includes" | "contain" | "contains", None) => {
                include = true;
                continue;
            }
            ("any", None) => return Err(why("chai `.any.keys`")),
            ("keys" | "key", Some(_)) => {
                // Own keys: all of these (`.include`: and maybe others).
                let mut names = Vec::new();
                for i in 0..args.map_or(0, <[_]>::len) {
                    match value(i)? {
                        Json::String(k) => names.push(k),
                        Json::Array(list) if i == 0 => {
                            for k in list {
                                names.push(
                                    k.as_str()
                                        .ok_or_else(|| why("`.keys` of non-strings"))?
                                        .to_owned(),
                                );
                            }
                        }
                        _ => return Err(why("`.keys` of non-strings")),
                    }
                }
                if not || names.is_empty() {
                    return Err(why("`.not.keys`"));
                }
                if !include {
                    out.extend(on(&subject, M::Type("object".into()))?);
                    out.extend(on(&subject, M::Length(names.len() as u64))?);
                }
                for k in names {
                    out.extend(on(&member(subject.clone(), &k), M::Exists(true))?);
                }
                asserted = true;
                continue;
            }
            ("length" | "lengthOf", None) => {
                length = true;
                continue;
            }
            ("ok", None) => return Err(why("chai `.ok` (truthiness)")),
            ("true", None) => M::Eq(Json::Bool(true), false),
            ("false", None) => M::Eq(Json::Bool(false), false),
            ("null", None) => M::Eq(Json::Null, false),
            ("undefined", None) => M::Exists(false),
            ("exist", None) | ("exists", None) => M::NotNull,
            ("empty", None) => M::Empty(true),
            ("eql" | "eqls" | "equal" | "equals" | "eq", Some(1))
                if v(0) == Some(Val::Undefined) =>
            {
                M::Exists(false)
            }
            ("eql" | "eqls", Some(1)) => M::Eq(value(0)?, true),
            ("equal" | "equals" | "eq", Some(1)) => M::Eq(value(0)?, deep),
            // `pm.expect([200, 201]).to.include(pm.response.code)`: one of the list.
            ("include" | "includes" | "contain" | "contains", Some(1)) if matches!(&subject, Val::Lit(Json::Array(l)) if l.iter().all(|v| !v.is_object() && !v.is_array())) =>
            {
                let Val::Lit(list) = subject.clone() else {
                    return Err(why("`.include`"));
                };
                if not {
                    return Err(why("`.not.include` of a list"));
                }
                out.extend(on(&v(0).unwrap_or(Val::Unknown), M::OneOf(list))?);
                asserted = true;
                continue;
            }
            ("include" | "includes" | "contain" | "contains", Some(1)) => {
                match value(0)? {
                    Json::Object(map) if !deep => {
                        // An object includes these properties with these values.
                        if not {
                            return Err(why("`.not.include` of an object"));
                        }
                        for (k, v) in map {
                            out.extend(on(&member(subject.clone(), &k), M::Eq(v, false))?);
                        }
                        asserted = true;
                        continue;
                    }
                    v if v.is_object() || v.is_array() => {
                        return Err(why("`.include` of an object or list"));
                    }
                    v => M::Contains(v),
                }
            }
            ("string", Some(1)) => match value(0)? {
                s @ Json::String(_) => M::Contains(s),
                _ => return Err(why("`.string` of a non-string")),
            },
            ("property" | "ownProperty" | "haveOwnProperty", Some(n @ (1 | 2))) => {
                let name = match value(0)? {
                    Json::String(s) => s,
                    _ => return Err(why("`.property` with a computed name")),
                };
                let sub = if nested {
                    match &subject {
                        Val::Json(p) => Val::Json(format!(
                            "{p}{}",
                            dotted_path(&name).ok_or_else(|| why("`.nested.property` path"))?
                        )),
                        _ => return Err(why("`.nested.property` of a computed value")),
                    }
                } else {
                    member(subject.clone(), &name)
                };
                if n == 1 {
                    if not {
                        out.extend(on(&sub, M::Exists(false))?);
                    } else {
                        out.extend(on(&sub, M::Exists(true))?);
                    }
                } else {
                    let want = value(1)?;
                    if not {
                        return Err(why("`.not.property` with a value"));
                    }
                    out.extend(on(&sub, M::Eq(want, deep))?);
                }
                asserted = true;
                subject = sub;
                continue;
            }
            ("lengthOf" | "length", Some(1)) => {
                let n = number(0)?;
                if n.fract() != 0.0 || n < 0.0 {
                    return Err(why("length check"));
                }
                M::Length(n as u64)
            }
            ("a" | "an", Some(1)) => match value(0)? {
                Json::String(t) => match t.to_lowercase().as_str() {
                    t @ ("string" | "number" | "boolean" | "array" | "object" | "null") => {
                        M::Type(t.to_owned())
                    }
                    "undefined" => M::Exists(false),
                    other => return Err(format!("chai type `{other}`")),
                },
                _ => return Err(why("`.a` with a computed type")),
            },
            ("oneOf", Some(1)) => match value(0)? {
                Json::Array(list)
                    if deep || list.iter().all(|v| !v.is_object() && !v.is_array()) =>
                {
                    M::OneOf(Json::Array(list))
                }
                _ => return Err(why("`.oneOf` of objects")),
            },
            ("match" | "matches", Some(1)) => match args
                .and_then(|a| arg(a, 0))
                .map(Expression::without_parentheses)
            {
                Some(Expression::RegExpLiteral(re)) => {
                    M::Matches(regex_of(re.regex.pattern.text.as_str(), re.regex.flags)?)
                }
                _ => return Err(why("`.match` with a computed pattern")),
            },
            ("above" | "gt" | "greaterThan", Some(1)) => M::Cmp("gt", number(0)?),
            ("below" | "lt" | "lessThan", Some(1)) => M::Cmp("lt", number(0)?),
            ("least" | "gte" | "greaterThanOrEqual", Some(1)) => M::Cmp("gte", number(0)?),
            ("most" | "lte" | "lessThanOrEqual", Some(1)) => M::Cmp("lte", number(0)?),
            ("within", Some(2)) => M::Within(number(0)?, number(1)?),
            ("closeTo" | "approximately", Some(2)) => {
                let (x, d) = (number(0)?, number(1)?);
                M::Within(x - d, x + d)
            }
            (w, _) => return Err(format!("chai `.{w}`")),
        };
        let m = if length {
            match &subject {
                Val::Json(p) => {
                    let target = Val::Json(format!("{p}.length"));
                    let checks = on(&target, flip(m, not)?)?;
                    out.extend(checks);
                    asserted = true;
                    continue;
                }
                _ => return Err(why("length check of a computed value")),
            }
        } else {
            flip(m, not)?
        };
        out.extend(on(&subject, m)?);
        asserted = true;
    }
    if asserted {
        Ok(out)
    } else {
        Err(why("chai chain without an assertion"))
    }
}

/// `m` negated, when gatecheck can say the negation exactly.
fn flip(m: M, not: bool) -> Result<M, Why> {
    if !not {
        return Ok(m);
    }
    Ok(match m {
        M::Exists(e) => M::Exists(!e),
        M::Empty(e) => M::Empty(!e),
        M::Cmp("gt", n) => M::Cmp("lte", n),
        M::Cmp("lt", n) => M::Cmp("gte", n),
        M::Cmp("gte", n) => M::Cmp("lt", n),
        M::Cmp("lte", n) => M::Cmp("gt", n),
        _ => return Err(why("negated check gatecheck has no matcher for")),
    })
}

/// chai-postman's assertions on the response: `status`, `header`,
/// `jsonBody`, `ok`, `json`...; `None` for a chai word.
fn response_word(
    word: &str,
    args: Option<&[Argument<'_>]>,
    not: bool,
) -> Result<Option<Vec<Check>>, Why> {
    let a = |i: usize| args.and_then(|a| arg(a, i));
    let lit = |i: usize| a(i).and_then(literal);
    if not && !matches!(word, "not" | "to" | "be" | "have") {
        if FILLER.contains(&word) {
            return Ok(None);
        }
        // `.not.be.error`: any other class of status.
        let classes = match word {
            "info" => vec!["1xx"],
            "success" => vec!["2xx"],
            "redirection" => vec!["3xx"],
            "clientError" => vec!["4xx"],
            "serverError" => vec!["5xx"],
            "error" => vec!["4xx", "5xx"],
            _ => return Err(format!("`pm.response.to.not.{word}`")),
        };
        let rest: Vec<&str> = ["1xx", "2xx", "3xx", "4xx", "5xx"]
            .into_iter()
            .filter(|c| !classes.contains(c))
            .collect();
        return Ok(Some(vec![Check::Status(json!(rest))]));
    }
    let checks = match (word, args.map(<[_]>::len)) {
        ("status", Some(1)) => match lit(0) {
            Some(Json::Number(n)) => vec![Check::Status(status(M::Eq(Json::Number(n), false))?)],
            _ => return Err(why("`.status` with a reason phrase or a computed value")),
        },
        ("header", Some(1)) => {
            let name = a(0)
                .and_then(string)
                .ok_or_else(|| why("`.header` with a computed name"))?;
            vec![Check::Header(name, json!({"matches": ""}))]
        }
        ("header", Some(2)) => {
            let name = a(0)
                .and_then(string)
                .ok_or_else(|| why("`.header` with a computed name"))?;
            let value = a(1)
                .and_then(string)
                .ok_or_else(|| why("`.header` with a computed value"))?;
            vec![Check::Header(name, Json::String(template(&value).text))]
        }
        ("jsonBody", Some(0)) | ("json", None) | ("withBody", None) => {
            return if word == "withBody" {
                Err(why("`.withBody`"))
            } else {
                Ok(Some(vec![Check::Json("$".into(), json!({"exists": true}))]))
            };
        }
        ("jsonBody", Some(n @ (1 | 2))) => {
            let path = a(0)
                .and_then(string)
                .and_then(|p| dotted_path(&p))
                .ok_or_else(|| why("`.jsonBody` with a computed path"))?;
            let path = format!("${path}");
            if n == 1 {
                vec![Check::Json(path, json!({"exists": true}))]
            } else {
                match lit(1).map(templated) {
                    Some(Json::Object(m)) => vec![Check::Json(path, json!({"equals": m}))],
                    Some(v) => vec![Check::Json(path, v)],
                    None => return Err(why("`.jsonBody` with a computed value")),
                }
            }
        }
        ("jsonSchema", _) => return Err(why("JSON schema validation")),
        ("body", _) => return Err(why("response text check")),
        (w, None) => match status_class(w) {
            Some(s) => vec![Check::Status(s)],
            None => return Ok(None),
        },
        _ => return Ok(None),
    };
    Ok(Some(checks))
}

/// `pm.response.to.be.ok` and friends (chai-postman's status properties).
fn status_class(word: &str) -> Option<Json> {
    Some(match word {
        "ok" => json!(200),
        "success" => json!("2xx"),
        "accepted" => json!(202),
        "redirection" => json!("3xx"),
        "clientError" => json!("4xx"),
        "serverError" => json!("5xx"),
        "error" => json!(["4xx", "5xx"]),
        "info" => json!("1xx"),
        "badRequest" => json!(400),
        "unauthorized" | "unauthorised" => json!(401),
        "forbidden" => json!(403),
        "notFound" => json!(404),
        "rateLimited" => json!(429),
        _ => return None,
    })
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

#[cfg(test)]
#[path = "chai_tests.rs"]
mod tests;
