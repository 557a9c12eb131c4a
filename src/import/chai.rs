//! The assertions of a Postman test script: the chai BDD chains of
//! `pm.expect(...)` with their flags, chai-postman's `pm.response.to...`,
//! and the legacy `tests["..."] = expr` ([`assertion`]). Each converted
//! assertion holds exactly when Postman's would; anything else is an `Err`
//! naming the idiom. Pure.

use oxc_ast::ast::{Argument, Expression};
use serde_json::{Value as Json, json};

use super::js::{arg, dotted_path, is, literal, string};
use super::matchers::{M, Why, flip, num, on, regex_of, status, why};
pub use super::scope::Check;
use super::scope::{ScriptScope, Val};
use super::value::{eval, member, templated, truth};
use super::vars::template;

/// The outcome of reading one assertion statement.
pub enum Assertion {
    /// Not an assertion: some other statement.
    No,
    Checks(Vec<Check>),
    Unconverted(Why),
}

/// `pm.expect(...).to...`, `pm.response.to...`, `tests["..."] = expr`.
pub fn assertion(expr: &Expression<'_>, scope: &ScriptScope) -> Assertion {
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
        Root::Expect(Some(e)) => {
            // `pm.expect(tv4.validate(json, schema))`: why it stays a comment.
            if let Some(Err(w)) = super::json_schema::tv4(e, scope, eval) {
                return Assertion::Unconverted(w);
            }
            eval(e, scope)
        }
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
fn chain(mut subject: Val, links: &[Link<'_, '_>], scope: &ScriptScope) -> Result<Vec<Check>, Why> {
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
        if word == "jsonSchema" {
            let args = args.unwrap_or_default();
            out.extend(super::json_schema::ajv(&subject, args, not, scope, eval)?);
            asserted = true;
            continue;
        }
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

#[cfg(test)]
#[path = "chai_tests.rs"]
mod tests;
