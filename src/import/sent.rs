//! The requests a script sends with `pm.sendRequest`, read from the
//! script's own literals: written-out values, Postman variables as
//! `{{templates}}`, string concatenation and `JSON.stringify`. Pure.

use indexmap::IndexMap;
use oxc_ast::ast::Expression;
use serde_json::{Value as Json, json};

use super::js::{self, arg, dotted, string};

/// A value of the script as data, where it is written out or read from
/// Postman variables (`pm.environment.get("x")` -> `"{{x}}"`): strings,
/// `+` and template literals of them, objects, lists, `JSON.stringify`.
pub fn request_value(e: &Expression<'_>, consts: &IndexMap<String, Json>) -> Option<Json> {
    let text = |e: &Expression<'_>| match request_value(e, consts)? {
        Json::String(s) => Some(s),
        Json::Number(n) => Some(n.to_string()),
        Json::Bool(b) => Some(b.to_string()),
        _ => None,
    };
    match e.without_parentheses() {
        Expression::Identifier(id) => consts.get(id.name.as_str()).cloned(),
        Expression::TemplateLiteral(t) => {
            let mut out = String::new();
            for (i, q) in t.quasis.iter().enumerate() {
                out.push_str(q.value.cooked.as_ref()?.as_str());
                if let Some(x) = t.expressions.get(i) {
                    out.push_str(&text(x)?);
                }
            }
            Some(Json::String(out))
        }
        Expression::BinaryExpression(b) if b.operator == oxc_ast::ast::BinaryOperator::Addition => {
            Some(Json::String(format!(
                "{}{}",
                text(&b.left)?,
                text(&b.right)?
            )))
        }
        Expression::CallExpression(c) => {
            let callee = dotted(&c.callee).map(|p| p.join(".")).unwrap_or_default();
            match callee.as_str() {
                "pm.environment.get"
                | "pm.globals.get"
                | "pm.collectionVariables.get"
                | "pm.variables.get"
                | "postman.getEnvironmentVariable"
                | "postman.getGlobalVariable" => arg(&c.arguments, 0)
                    .and_then(|a| {
                        // A name written out, or held by a local.
                        string(a).or_else(|| match request_value(a, consts) {
                            Some(Json::String(n)) if !n.contains("{{") => Some(n),
                            _ => None,
                        })
                    })
                    .map(|n| Json::String(format!("{{{{{n}}}}}"))),
                "pm.variables.replaceIn" => {
                    arg(&c.arguments, 0).and_then(|a| request_value(a, consts))
                }
                // `'Basic ' + btoa(id + ':' + secret)`: kept as written,
                // for `request_object` to read as Basic auth.
                "btoa" => {
                    let v = text(arg(&c.arguments, 0)?)?;
                    Some(Json::String(format!("{BTOA}{v}")))
                }
                "JSON.stringify" => {
                    let v = request_value(arg(&c.arguments, 0)?, consts)?;
                    Some(Json::String(v.to_string()))
                }
                _ => None,
            }
        }
        Expression::ObjectExpression(o) => {
            let mut map = serde_json::Map::new();
            for p in &o.properties {
                let oxc_ast::ast::ObjectPropertyKind::ObjectProperty(p) = p else {
                    continue;
                };
                let key = match &p.key {
                    oxc_ast::ast::PropertyKey::StaticIdentifier(id) => id.name.to_string(),
                    oxc_ast::ast::PropertyKey::StringLiteral(s) => s.value.to_string(),
                    _ => continue,
                };
                if let Some(v) = request_value(&p.value, consts) {
                    map.insert(key, v);
                }
            }
            Some(Json::Object(map))
        }
        Expression::ArrayExpression(a) => Some(Json::Array(
            a.elements
                .iter()
                .filter_map(|x| x.as_expression().and_then(|x| request_value(x, consts)))
                .collect(),
        )),
        other => js::literal(other),
    }
}

/// Marks the text of a `btoa(...)` (base64 of a template cannot be written).
const BTOA: &str = "\u{0}btoa:";

/// `pm.sendRequest`'s first argument as a Postman request object: a URL
/// string is a GET; a raw `a=1&b=2` body is read as its form fields; an
/// `Authorization: 'Basic ' + btoa(user + ':' + password)` header is its
/// Basic auth.
pub fn request_object(v: Json) -> Option<Json> {
    let mut req = match v {
        Json::String(url) => return Some(json!({"url": url, "method": "GET"})),
        Json::Object(m) => m,
        _ => return None,
    };
    let raw_form = req
        .get("body")
        .filter(|b| b.get("mode").and_then(Json::as_str) == Some("raw"))
        .and_then(|b| b.get("raw"))
        .and_then(Json::as_str)
        .filter(|r| r.contains('=') && !r.trim_start().starts_with('{'))
        .and_then(|r| serde_urlencoded::from_str::<Vec<(String, String)>>(r).ok());
    if let Some(fields) = raw_form {
        let list: Vec<Json> = fields
            .into_iter()
            .map(|(k, v)| json!({"key": k, "value": v}))
            .collect();
        req.insert(
            "body".into(),
            json!({"mode": "urlencoded", "urlencoded": list}),
        );
    }
    // A body written as a plain string is a raw body.
    if let Some(Json::String(raw)) = req.get("body").cloned() {
        req.insert("body".into(), json!({"mode": "raw", "raw": raw}));
        return request_object(Json::Object(req));
    }
    // `header` may be an object of name -> value.
    if let Some(Json::Object(h)) = req.get("header").cloned() {
        let mut list = Vec::new();
        for (k, v) in h {
            let basic = v
                .as_str()
                .and_then(|v| v.strip_prefix("Basic "))
                .and_then(|v| v.strip_prefix(BTOA))
                .and_then(|v| v.split_once(':'));
            match basic {
                Some((user, pass)) if k.eq_ignore_ascii_case("authorization") => {
                    req.insert(
                        "auth".into(),
                        json!({"type": "basic", "basic": [
                            {"key": "username", "value": user},
                            {"key": "password", "value": pass}]}),
                    );
                }
                _ => list.push(json!({"key": k, "value": v})),
            }
        }
        req.insert("header".into(), Json::Array(list));
    }
    // A `btoa` anywhere else cannot be written: not read.
    if req.values().any(|v| v.to_string().contains("\\u0000btoa:")) {
        return None;
    }
    req.get("url")?;
    Some(Json::Object(req))
}
