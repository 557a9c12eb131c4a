//! JSON Schema checks of Postman scripts -> the `schema` matcher, with the
//! meaning they have in Postman's sandbox:
//!
//! - `tv4.validate(data, schema)` (and `tv4.validateResult(...).valid`,
//!   `tv4.validateMultiple(...).valid`): tv4 implements draft-04 and checks
//!   no `format` (it knows none unless a script adds some), whatever the
//!   schema's `$schema` says. The schema is written as draft-04, without
//!   its `format` keywords.
//! - chai-postman's `pm.response.to.have.jsonSchema(schema)` and
//!   `pm.expect(value).to.have.jsonSchema(schema)`: Ajv 6 with
//!   `{allErrors: true}`, which knows draft-07 only (a schema naming another
//!   draft makes the assertion throw), checks formats, and refuses a format
//!   it does not know. The schema is written as draft-07.
//!
//! The schema is a literal of the script, a local bound to one, or
//! `JSON.parse` of a string literal; it is inlined in the suite. A schema
//! held in a Postman variable is not known when importing: the line stays a
//! comment naming the variable. So does any schema gatecheck cannot check
//! as Postman would. Pure.

use oxc_ast::ast::{Argument, Expression};
use serde_json::{Map, Value as Json, json};

use super::js::{arg, dotted, literal, string};
use super::matchers::{Why, why};
use super::scope::{Check, ScriptScope, Val};
use crate::suite::json_schema::CompiledSchema;

const DRAFT_04: &str = "http://json-schema.org/draft-04/schema#";
const DRAFT_07: &str = "http://json-schema.org/draft-07/schema#";

/// The formats whose Ajv 6 check (its default "fast" one) gives the same
/// verdicts as gatecheck's on the values tried (tests/it/json_schema_interop.rs).
/// Ajv's fast `date`, `time` and `date-time` take month 13 or hour 25, its
/// `ipv4` leading zeros, its `uuid` a `urn:uuid:` prefix, its `regex`
/// ECMA-262 syntax; gatecheck's `email` takes an address without a local
/// part: a schema with one of those formats stays a comment.
const AJV_FORMATS: [&str; 5] = ["uri", "uri-reference", "hostname", "ipv6", "json-pointer"];

/// What a script value stands for: `value::eval`, passed in by its
/// callers (which use this file's checks, so it may not import them).
pub type Eval = fn(&Expression<'_>, &ScriptScope) -> Val;

/// `tv4.validate(data, schema)` and friends: `None` when `expr` is no tv4
/// call; else the checks that hold exactly when it returns true, or why
/// it stays a comment.
pub fn tv4(
    expr: &Expression<'_>,
    scope: &ScriptScope,
    eval: Eval,
) -> Option<Result<Vec<Check>, Why>> {
    let expr = expr.without_parentheses();
    let (call, member) = match expr {
        Expression::CallExpression(c) => (c, None),
        Expression::StaticMemberExpression(m) => match m.object.without_parentheses() {
            Expression::CallExpression(c) => (c, Some(m.property.name.as_str())),
            _ => return None,
        },
        _ => return None,
    };
    let callee = dotted(&call.callee)?.join(".");
    let result = match (callee.as_str(), member) {
        ("tv4.validate", None) => tv4_call(&call.arguments, scope, eval),
        ("tv4.validateResult" | "tv4.validateMultiple", Some("valid")) => {
            tv4_call(&call.arguments, scope, eval)
        }
        ("tv4.validateResult" | "tv4.validateMultiple", _) => Err(why(
            "tv4 result used without `.valid` (an object: always true in Postman)",
        )),
        ("tv4.validate", Some(_)) => Err(why("member of tv4.validate's boolean")),
        _ => return None,
    };
    Some(result)
}

fn tv4_call(args: &[Argument<'_>], scope: &ScriptScope, eval: Eval) -> Result<Vec<Check>, Why> {
    // tv4.validate(data, schema, checkRecursive, banUnknownProperties)
    if let Some(ban) = arg(args, 3)
        && literal(ban) != Some(Json::Bool(false))
    {
        return Err(why("tv4 with banUnknownProperties"));
    }
    let path = data_path(arg(args, 0).map(|d| eval(d, scope)))?;
    let mut schema = schema_of(arg(args, 1), scope, eval)?;
    if let Json::Object(map) = &mut schema {
        map.insert("$schema".into(), json!(DRAFT_04));
    }
    // tv4 knows no format: none is checked.
    each_schema(&mut schema, &mut |s| {
        s.shift_remove("format");
    });
    compiled(&schema, "tv4 (draft-04)")?;
    Ok(vec![Check::Json(path, json!({ "schema": schema }))])
}

/// chai-postman's `.jsonSchema(schema)` on `subject` (the response, or a
/// part of its body).
pub fn ajv(
    subject: &Val,
    args: &[Argument<'_>],
    not: bool,
    scope: &ScriptScope,
    eval: Eval,
) -> Result<Vec<Check>, Why> {
    if not {
        return Err(why("`.not.jsonSchema`"));
    }
    match arg(args, 1).map(literal) {
        None => {}
        Some(Some(Json::Object(options))) if options.is_empty() => {}
        Some(_) => return Err(why("`.jsonSchema` with Ajv options")),
    }
    let path = match subject {
        Val::Response => "$".to_owned(),
        Val::Json(p) => p.clone(),
        _ => return Err(why("`.jsonSchema` of a value computed in the script")),
    };
    let mut schema = schema_of(arg(args, 0), scope, eval)?;
    let Json::Object(map) = &mut schema else {
        return Err(why(
            "`.jsonSchema` with a schema that is not an object (fails in Postman)",
        ));
    };
    match map.get("$schema") {
        None => {
            map.insert("$schema".into(), json!(DRAFT_07));
        }
        Some(Json::String(url)) if url.trim_end_matches('#') == DRAFT_07.trim_end_matches('#') => {}
        Some(other) => {
            return Err(format!(
                "JSON schema for {other}: Postman's Ajv 6 reads draft-07 only (the assertion fails there)"
            ));
        }
    }
    let mut unknown = None;
    each_schema(&mut schema, &mut |s| {
        if let Some(Json::String(f)) = s.get("format")
            && !AJV_FORMATS.contains(&f.as_str())
        {
            unknown.get_or_insert_with(|| f.clone());
        }
    });
    if let Some(f) = unknown {
        return Err(format!(
            "JSON schema with `format: {f}`, which Postman's Ajv 6 checks otherwise than gatecheck"
        ));
    }
    compiled(&schema, "Ajv (draft-07)")?;
    Ok(vec![Check::Json(path, json!({ "schema": schema }))])
}

/// The part of the body a schema checks.
fn data_path(data: Option<Val>) -> Result<String, Why> {
    match data {
        Some(Val::Json(p)) => Ok(p),
        Some(Val::Text) => Err(why("tv4 on the response text (a string, not its JSON)")),
        _ => Err(why("tv4 on a value computed in the script")),
    }
}

/// The schema an argument stands for: a literal, a local bound to one, or
/// `JSON.parse` of a string literal.
fn schema_of(expr: Option<&Expression<'_>>, scope: &ScriptScope, eval: Eval) -> Result<Json, Why> {
    let Some(expr) = expr else {
        return Err(why("JSON schema check without a schema"));
    };
    let expr = expr.without_parentheses();
    let value = match eval(expr, scope) {
        Val::Lit(v) => v,
        Val::Var(name) => return Err(held_in(&name)),
        _ => match parsed(expr, scope, eval)? {
            Some(v) => v,
            None => return Err(why("JSON schema computed in the script")),
        },
    };
    let value = match value {
        // `JSON.parse(text)` kept as a string by a local.
        Json::String(text) => serde_json::from_str(&text)
            .map_err(|_| why("JSON schema given as text that is not JSON"))?,
        other => other,
    };
    if value.to_string().contains("{{") {
        return Err(why("JSON schema with Postman variables in it"));
    }
    Ok(value)
}

/// `JSON.parse("...")`: the parsed literal; `JSON.parse(pm.environment.get("s"))`:
/// why it cannot be known.
fn parsed(expr: &Expression<'_>, scope: &ScriptScope, eval: Eval) -> Result<Option<Json>, Why> {
    let Expression::CallExpression(c) = expr else {
        return Ok(None);
    };
    if dotted(&c.callee).map(|p| p.join(".")).as_deref() != Some("JSON.parse") {
        return Ok(None);
    }
    let Some(text) = arg(&c.arguments, 0) else {
        return Ok(None);
    };
    if let Some(text) = string(text) {
        return serde_json::from_str(&text)
            .map(Some)
            .map_err(|_| why("JSON schema given as text that is not JSON"));
    }
    match eval(text, scope) {
        Val::Var(name) => Err(held_in(&name)),
        Val::Lit(Json::String(text)) => serde_json::from_str(&text)
            .map(Some)
            .map_err(|_| why("JSON schema given as text that is not JSON")),
        _ => Ok(None),
    }
}

fn held_in(name: &str) -> Why {
    format!("JSON schema held in a Postman variable (`{name}`, not known when importing)")
}

/// The schema compiles in gatecheck as Postman's validator reads it.
fn compiled(schema: &Json, reader: &str) -> Result<(), Why> {
    CompiledSchema::compile(schema)
        .map(|_| ())
        .map_err(|e| format!("JSON schema gatecheck cannot check as {reader} does: {e}"))
}

/// Calls `f` on the schema and each of its subschemas (the keywords of
/// drafts 4 to 7 that hold schemas), so that a property named `format` is
/// never taken for the keyword.
fn each_schema(schema: &mut Json, f: &mut impl FnMut(&mut Map<String, Json>)) {
    let Json::Object(map) = schema else {
        return;
    };
    f(map);
    for (key, value) in map.iter_mut() {
        match key.as_str() {
            "properties" | "patternProperties" | "definitions" | "dependencies" => {
                if let Json::Object(children) = value {
                    for child in children.values_mut() {
                        each_schema(child, f);
                    }
                }
            }
            "items" | "allOf" | "anyOf" | "oneOf" => match value {
                Json::Array(children) => {
                    for child in children {
                        each_schema(child, f);
                    }
                }
                child => each_schema(child, f),
            },
            "additionalProperties"
            | "additionalItems"
            | "not"
            | "contains"
            | "propertyNames"
            | "if"
            | "then"
            | "else" => each_schema(value, f),
            _ => {}
        }
    }
}

#[cfg(test)]
#[path = "json_schema_tests.rs"]
mod tests;
