//! What an assertion asks of its subject ([`M`]), written as gatecheck
//! expectations for that subject ([`on`]): the status, a header, a JSONPath
//! into the body, or every element of a list (a JSONPath filter that must
//! select nothing). `Err` names what gatecheck cannot say exactly. Pure.

use oxc_ast::ast::RegExpFlags;
use serde_json::{Value as Json, json};

use super::scope::{Check, Val};

/// Why something was not converted: the idiom, named for the summary.
pub type Why = String;

pub fn why(s: &str) -> Why {
    s.to_owned()
}

pub fn num(v: &Json) -> Result<f64, Why> {
    v.as_f64()
        .ok_or_else(|| why("comparison with a non-number"))
}

/// `/^ab+c$/i` -> `(?i)^ab+c$`, when the regex crate reads it the same.
pub fn regex_of(pattern: &str, flags: RegExpFlags) -> Result<String, Why> {
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
pub enum M {
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
pub fn on(subject: &Val, m: M) -> Result<Vec<Check>, Why> {
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
        Val::Each { list, rel, must } => each(list, rel, must, m),
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

pub fn status(m: M) -> Result<Json, Why> {
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
fn each(list: &str, rel: &str, must: &[Check], m: M) -> Result<Vec<Check>, Why> {
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
    let mut out = must.to_vec();
    out.push(Check::Json(
        format!("{list}[?{failing}]"),
        json!({"exists": false}),
    ));
    Ok(out)
}

/// What a loop needs to run over the list at `list` without failing:
/// nothing for lodash's `_.each`; for `forEach` and `for...of`, that it
/// is a list. Inside an outer loop over `outer` (the list is `rel` of each
/// of its elements), that holds for every element: no element's `rel` is
/// anything but a list. In JSONPath a list is what has a `length` (a
/// string, a list or an object) and as many elements by index (`[0:]`,
/// which selects only in lists) as its `length`, other than `""`.
pub fn loop_needs(outer: Option<(&str, &str)>, list: &str, lodash: bool) -> Vec<Check> {
    if lodash {
        return Vec::new();
    }
    match outer {
        None => vec![Check::Json(list.to_owned(), json!({"type": "array"}))],
        Some((outer, rel)) => {
            let at = format!("@{rel}");
            vec![Check::Json(
                format!(
                    "{outer}[?!(length({at}) >= 0 && length({at}) == count({at}[0:]) && {at} != \"\")]"
                ),
                json!({"exists": false}),
            )]
        }
    }
}

/// `m` negated, when gatecheck can say the negation exactly.
pub fn flip(m: M, not: bool) -> Result<M, Why> {
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
