//! One assertion of a Postman test script -> an expectation: the chai
//! chains of `pm.expect(...)`, `pm.response.to...` and the legacy
//! `tests["..."] = ...` form. Pure; `None` when the assertion has no
//! faithful gatecheck equivalent.

use std::sync::LazyLock;

use regex::Regex;
use serde_json::{Value as Json, json};

use super::js::{call_args, split_args, unquote, unquote_single};
use super::scope::Scope;
use super::vars::template;

/// What an assertion is about.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    Status,
    Duration,
    Header(String),
    /// A JSONPath into the body.
    Json(String),
}

/// One converted assertion.
#[derive(Debug, Clone, PartialEq)]
pub enum Check {
    Status(Json),
    /// Milliseconds.
    Duration(u64),
    /// A header and its expectation (`{matches: ...}` or an exact value).
    Header(String, Json),
    /// A JSONPath and its matcher (a literal or a matcher map).
    Json(String, Json),
}

macro_rules! re {
    ($name:ident, $src:expr) => {
        static $name: LazyLock<Regex> = LazyLock::new(|| Regex::new($src).expect("valid regex"));
    };
}

re!(CHAIN, r"^((?:\s*\.\s*\w+)+)(?:\((.*)\))?$");
re!(RESPONSE_TO, r"^pm\.response((?:\.\w+)+)(?:\((.*)\))?$");
re!(LEGACY, r#"^tests\[.+?\]\s*=\s*(.+)$"#);
re!(COMPARE, r"^(.+?)\s*(===|!==|==|!=|>=|<=|>|<)\s*(.+)$");
re!(
    HEADER_GET,
    r#"^(?:pm\.response\.headers\.get|postman\.getResponseHeader)\(\s*["']([^"']+)["']\s*\)$"#
);
re!(
    HEADER_HAS,
    r#"^pm\.response\.headers\.has\(\s*["']([^"']+)["']\s*\)$"#
);
re!(
    GET,
    r#"^(?:pm\.(?:environment|collectionVariables|globals|variables)\.get|postman\.get(?:Environment|Global)Variable)\(\s*["']([^"']+)["']\s*\)$"#
);

/// Words of a chai chain that only make it read well.
const FILLER: [&str; 14] = [
    "to", "be", "been", "is", "that", "which", "and", "has", "have", "with", "of", "same", "but",
    "does",
];

/// Converts one assertion statement (no trailing `;`).
pub fn assertion(stmt: &str, scope: &Scope) -> Option<Vec<Check>> {
    if let Some(c) = LEGACY.captures(stmt) {
        return boolean(c[1].trim(), scope);
    }
    if let Some(c) = RESPONSE_TO.captures(stmt) {
        return response_to(&c[1], c.get(2).map(|m| m.as_str()));
    }
    let (left, rest) = call_args(stmt.strip_prefix("pm.expect")?)?;
    let left = left.trim();
    let c = CHAIN.captures(rest)?;
    let words: Vec<String> = c[1]
        .split('.')
        .map(|w| w.trim().to_owned())
        .filter(|w| !w.is_empty())
        .collect();
    let args = c.get(2).map(|m| m.as_str().trim());
    if let Some(checks) = boolean_expect(left, &words, args, scope) {
        return Some(checks);
    }
    chain(target(left, scope)?, &words, args)
}

/// `pm.expect(a === b).to.be.true` and friends.
fn boolean_expect(
    left: &str,
    words: &[String],
    args: Option<&str>,
    scope: &Scope,
) -> Option<Vec<Check>> {
    let last = words.last()?.as_str();
    let negated = words.iter().any(|w| w == "not");
    let truthy = match (last, args) {
        ("true", None) | ("ok", None) => true,
        ("eql" | "equal" | "eq", Some("true")) => true,
        _ => return None,
    };
    if negated || !truthy || !COMPARE.is_match(left) {
        return None;
    }
    boolean(left, scope)
}

/// A boolean expression: `a === b`, `a.length > 0`, `responseCode.code === 200`.
fn boolean(expr: &str, scope: &Scope) -> Option<Vec<Check>> {
    if let Some(c) = HEADER_GET
        .captures(expr)
        .or_else(|| HEADER_HAS.captures(expr))
    {
        return Some(vec![Check::Header(c[1].to_owned(), present())]);
    }
    let c = COMPARE.captures(expr)?;
    let (left, op, right) = (c[1].trim(), &c[2], c[3].trim());
    let word = match op {
        "===" | "==" => "eql",
        "!==" | "!=" if right == "undefined" => return chain_not_undefined(left, scope),
        ">" => "above",
        ">=" => "least",
        "<" => "below",
        "<=" => "most",
        _ => return None,
    };
    chain(target(left, scope)?, &[word.to_owned()], Some(right))
}

fn chain_not_undefined(left: &str, scope: &Scope) -> Option<Vec<Check>> {
    chain(
        target(left, scope)?,
        &["not".to_owned(), "undefined".to_owned()],
        None,
    )
}

/// What `pm.expect(LEFT)` is about.
pub fn target(left: &str, scope: &Scope) -> Option<Target> {
    let left = left.trim();
    match left {
        "pm.response.code" | "responseCode.code" | "pm.response.status_code" => {
            return Some(Target::Status);
        }
        "pm.response.responseTime" | "responseTime" => return Some(Target::Duration),
        _ => {}
    }
    if let Some(c) = HEADER_GET.captures(left) {
        return Some(Target::Header(c[1].to_owned()));
    }
    if let Some(name) = scope.headers.get(left) {
        return Some(Target::Header(name.clone()));
    }
    scope.json_path(left).map(Target::Json)
}

/// `pm.response.to.have.status(200)`, `.to.be.ok`, `.to.have.header("X", "v")`.
fn response_to(chain: &str, args: Option<&str>) -> Option<Vec<Check>> {
    let words: Vec<&str> = chain.split('.').filter(|w| !w.is_empty()).collect();
    if words.first() != Some(&"to") || words.contains(&"not") {
        return None;
    }
    let last = *words.last()?;
    let args = args.map(split_args).unwrap_or_default();
    match (last, args.as_slice()) {
        ("status", [code]) => code
            .parse::<u16>()
            .ok()
            .map(|c| vec![Check::Status(json!(c))]),
        ("header", [name]) => Some(vec![Check::Header(unquote(name)?, present())]),
        ("header", [name, value]) => Some(vec![Check::Header(
            unquote(name)?,
            Json::String(unquote(value)?),
        )]),
        ("json", []) => Some(vec![Check::Header(
            "Content-Type".into(),
            json!({"matches": "json"}),
        )]),
        (word, []) => status_class(word).map(|s| vec![Check::Status(s)]),
        _ => None,
    }
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
        "badRequest" => json!(400),
        "unauthorized" => json!(401),
        "forbidden" => json!(403),
        "notFound" => json!(404),
        "notAcceptable" => json!(406),
        "rateLimited" => json!(429),
        _ => return None,
    })
}

fn present() -> Json {
    json!({"matches": ""})
}

/// The chain after `pm.expect(..)`: words (`to`, `not`, `be`, `empty`...) and
/// the arguments of the final call.
fn chain(target: Target, words: &[String], args: Option<&str>) -> Option<Vec<Check>> {
    let negated = words.iter().filter(|w| *w == "not").count() % 2 == 1;
    let words: Vec<&str> = words
        .iter()
        .map(String::as_str)
        .filter(|w| !FILLER.contains(w) && *w != "not" && *w != "deep")
        .collect();
    match target {
        Target::Status => status(&words, args, negated),
        Target::Duration => duration(&words, args, negated),
        Target::Header(name) => header(name, &words, args, negated),
        Target::Json(path) => json_chain(path, &words, args, negated),
    }
}

fn status(words: &[&str], args: Option<&str>, negated: bool) -> Option<Vec<Check>> {
    if negated {
        return None;
    }
    let value = match (*words.last()?, args?) {
        ("eql" | "equal" | "eq" | "equals", code) => json!(code.parse::<u16>().ok()?),
        ("oneOf", list) => {
            let codes: Vec<u16> = serde_json::from_str(list).ok()?;
            json!(codes)
        }
        _ => return None,
    };
    Some(vec![Check::Status(value)])
}

fn duration(words: &[&str], args: Option<&str>, negated: bool) -> Option<Vec<Check>> {
    let ms: u64 = args?.parse().ok()?;
    match (*words.last()?, negated) {
        ("below" | "lessThan" | "lt", false) => Some(vec![Check::Duration(ms)]),
        ("most" | "lte", false) => Some(vec![Check::Duration(ms + 1)]),
        _ => None,
    }
}

fn header(name: String, words: &[&str], args: Option<&str>, negated: bool) -> Option<Vec<Check>> {
    let expect = match (*words.last()?, args, negated) {
        ("eql" | "equal" | "eq" | "equals", Some(v), false) => Json::String(unquote(v)?),
        ("include" | "contain" | "includes" | "contains", Some(v), false) => {
            json!({"matches": regex::escape(&unquote(v)?)})
        }
        ("exist", None, false) | ("undefined", None, true) | ("empty", None, true) => present(),
        ("true" | "ok", None, false) => present(),
        _ => return None,
    };
    Some(vec![Check::Header(name, expect)])
}

fn json_chain(path: String, words: &[&str], args: Option<&str>, neg: bool) -> Option<Vec<Check>> {
    let last = *words.last()?;
    if let Some(list) = path.strip_suffix(".length") {
        return length_of(list, last, args, neg);
    }
    if words.contains(&"lengthOf") && last != "lengthOf" {
        return length_of(&path, last, args, neg);
    }
    let lit = |a: Option<&str>| a.and_then(literal);
    let one = |m: Json| Some(vec![Check::Json(path.clone(), m)]);
    match (last, args, neg) {
        ("eql" | "equal" | "eq" | "equals", Some("undefined"), n) => one(json!({"exists": n})),
        ("eql" | "equal" | "eq" | "equals", a, false) => one(lit(a)?),
        ("exist", None, n) => one(json!({"exists": !n})),
        ("undefined", None, n) => one(json!({"exists": n})),
        ("empty", None, n) => one(json!({"empty": !n})),
        ("true", None, false) => one(json!(true)),
        ("false", None, false) => one(json!(false)),
        ("null", None, false) => one(Json::Null),
        ("a" | "an", Some(t), false) => one(json!({"type": type_name(t)?})),
        ("include" | "contain" | "includes" | "contains", a, false) => {
            one(json!({"contains": lit(a)?}))
        }
        ("lengthOf" | "length", Some(n), false) => one(json!({"length": n.parse::<u64>().ok()?})),
        ("above" | "gt" | "greaterThan", Some(n), false) => one(json!({"gt": number(n)?})),
        ("below" | "lt" | "lessThan", Some(n), false) => one(json!({"lt": number(n)?})),
        ("least" | "gte", Some(n), false) => one(json!({"gte": number(n)?})),
        ("most" | "lte", Some(n), false) => one(json!({"lte": number(n)?})),
        ("within", Some(a), false) => match split_args(a).as_slice() {
            [lo, hi] => one(json!({"gte": number(lo)?, "lte": number(hi)?})),
            _ => None,
        },
        ("oneOf", Some(list), false) => one(json!({"one_of": list_literal(list)?})),
        ("match", Some(re), false) => one(json!({"matches": regex_literal(re)?})),
        ("property", Some(a), false) => property(&path, a),
        _ => None,
    }
}

/// `x.length` compared, or `.lengthOf.at.least(n)`: arrays by index.
fn length_of(list: &str, word: &str, args: Option<&str>, neg: bool) -> Option<Vec<Check>> {
    let n: u64 = args?.trim().parse().ok()?;
    let check = |p: String, m: Json| Some(vec![Check::Json(p, m)]);
    match (word, neg) {
        ("eql" | "equal" | "eq" | "equals" | "lengthOf", false) => {
            check(list.to_owned(), json!({"length": n}))
        }
        ("above" | "gt" | "greaterThan", false) => check(format!("{list}[{n}]"), exists()),
        ("least" | "gte", false) if n == 0 => check(list.to_owned(), json!({"type": "array"})),
        ("least" | "gte", false) => check(format!("{list}[{}]", n - 1), exists()),
        _ => None,
    }
}

fn exists() -> Json {
    json!({"exists": true})
}

/// `.to.have.property("id")` / `.to.have.property("id", 3)`.
fn property(path: &str, args: &str) -> Option<Vec<Check>> {
    let args = split_args(args);
    let name = unquote(args.first()?)?;
    let sub = if name.chars().all(|c| c.is_alphanumeric() || c == '_') {
        format!("{path}.{name}")
    } else {
        format!("{path}['{name}']")
    };
    let matcher = match args.get(1) {
        None => exists(),
        Some(v) => literal(v)?,
    };
    Some(vec![Check::Json(sub, matcher)])
}

fn number(arg: &str) -> Option<f64> {
    arg.trim().parse::<f64>().ok()
}

fn type_name(arg: &str) -> Option<&'static str> {
    Some(match unquote(arg)?.as_str() {
        "string" => "string",
        "number" => "number",
        "boolean" => "boolean",
        "array" => "array",
        "object" => "object",
        "null" => "null",
        _ => return None,
    })
}

/// A JavaScript literal as JSON (strings templated), or a variable read.
pub fn literal(arg: &str) -> Option<Json> {
    let arg = arg.trim();
    if let Some(c) = GET.captures(arg) {
        return Some(Json::String(format!("{{{{ {} }}}}", &c[1])));
    }
    if let Some(s) = unquote_single(arg) {
        return Some(Json::String(template(&s).text));
    }
    match serde_json::from_str::<Json>(arg).ok()? {
        Json::String(s) => Some(Json::String(template(&s).text)),
        other => Some(other),
    }
}

/// `["a", 'b', 3]` as a JSON list.
fn list_literal(list: &str) -> Option<Json> {
    let inner = list.trim().strip_prefix('[')?.strip_suffix(']')?;
    let items: Option<Vec<Json>> = split_args(inner).iter().map(|a| literal(a)).collect();
    Some(Json::Array(items?))
}

/// `/^ab+c$/i` -> `(?i)^ab+c$`.
fn regex_literal(arg: &str) -> Option<String> {
    let body = arg.trim().strip_prefix('/')?;
    let end = body.rfind('/')?;
    let (pattern, flags) = (&body[..end], &body[end + 1..]);
    let flags: String = flags
        .chars()
        .filter(|c| matches!(c, 'i' | 'm' | 's'))
        .collect();
    let out = if flags.is_empty() {
        pattern.to_owned()
    } else {
        format!("(?{flags}){pattern}")
    };
    Regex::new(&out).ok().map(|_| out)
}
