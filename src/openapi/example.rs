//! A minimal valid instance of a JSON Schema (as OpenAPI 3.0 and 3.1 write
//! them): the schema's own example, default, const or first enum value if
//! it has one, else the required properties only, arrays as short as
//! allowed, numbers at their minimum and strings in their format.

use serde_json::{Map, Value, json};

use super::load::Node;
use super::model::Document;

/// Nesting followed before a recursive schema is cut short.
const MAX_DEPTH: usize = 12;

/// A minimal instance of `schema`; `$ref`s are followed through `doc`.
pub fn instance(doc: &Document, schema: &Node) -> Value {
    build(doc, schema, 0)
}

fn build(doc: &Document, schema: &Node, depth: usize) -> Value {
    let Ok(schema) = doc.resolve(schema) else {
        return Value::Null;
    };
    let value = schema.value();
    if depth > MAX_DEPTH {
        return Value::Null;
    }
    if let Value::Bool(_) = value {
        return Value::Null;
    }
    for key in ["example", "const", "default"] {
        if let Some(v) = value.get(key) {
            return v.clone();
        }
    }
    for key in ["examples", "enum"] {
        if let Some(v) = value.get(key).and_then(|e| e.get(0)) {
            return v.clone();
        }
    }
    if let Some(all) = schema.get("allOf") {
        let mut merged = Map::new();
        let mut other = None;
        for part in all.items() {
            match build(doc, &part, depth + 1) {
                Value::Object(map) => merged.extend(map),
                v => other = Some(v),
            }
        }
        if let Some(Value::Object(own)) = own_object(doc, &schema, depth) {
            merged.extend(own);
        }
        return match (merged.is_empty(), other) {
            (true, Some(v)) => v,
            _ => Value::Object(merged),
        };
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(first) = schema
            .get(key)
            .and_then(|list| list.items().into_iter().next())
        {
            return build(doc, &first, depth + 1);
        }
    }
    let kind = match value.get("type") {
        Some(Value::String(t)) => t.clone(),
        // 3.1: a list of types; the first that is not null.
        Some(Value::Array(types)) => types
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .unwrap_or("null")
            .to_owned(),
        _ if value.get("properties").is_some() => "object".to_owned(),
        _ if value.get("items").is_some() => "array".to_owned(),
        _ => String::new(),
    };
    match kind.as_str() {
        "object" => own_object(doc, &schema, depth).unwrap_or_else(|| json!({})),
        "array" => {
            let min = value.get("minItems").and_then(Value::as_u64).unwrap_or(0);
            match schema.get("items") {
                Some(items) if min > 0 => {
                    let item = build(doc, &items, depth + 1);
                    Value::Array(vec![item; min.min(16) as usize])
                }
                _ => json!([]),
            }
        }
        "integer" => json!(number_at_least(value).ceil() as i64),
        "number" => json!(number_at_least(value)),
        "boolean" => json!(false),
        "string" => json!(string(value)),
        "null" => Value::Null,
        _ => json!({}),
    }
}

/// The required properties of an object schema, each minimal.
fn own_object(doc: &Document, schema: &Node, depth: usize) -> Option<Value> {
    let properties = schema.get("properties");
    let required: Vec<String> = schema
        .value()
        .get("required")
        .and_then(Value::as_array)
        .map(|r| {
            r.iter()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    if properties.is_none() && required.is_empty() {
        return None;
    }
    let mut out = Map::new();
    for name in required {
        let value = match properties.as_ref().and_then(|p| p.get(&name)) {
            Some(prop) => build(doc, &prop, depth + 1),
            None => json!("string"),
        };
        out.insert(name, value);
    }
    Some(Value::Object(out))
}

fn number_at_least(schema: &Value) -> f64 {
    let minimum = schema.get("minimum").and_then(Value::as_f64);
    let maximum = schema.get("maximum").and_then(Value::as_f64);
    // 3.0 writes `exclusiveMinimum: true` beside `minimum`; 3.1 a number.
    let low = match schema.get("exclusiveMinimum") {
        Some(Value::Number(n)) => n.as_f64().map(|n| n + 1.0),
        Some(Value::Bool(true)) => minimum.map(|n| n + 1.0),
        _ => minimum,
    };
    let n = low.unwrap_or(0.0);
    match maximum {
        Some(max) if n > max => max,
        _ => n,
    }
}

fn string(schema: &Value) -> String {
    let text = match schema.get("format").and_then(Value::as_str) {
        Some("date-time") => "2024-01-01T00:00:00Z",
        Some("date") => "2024-01-01",
        Some("time") => "00:00:00Z",
        Some("email") => "user@example.com",
        Some("uuid") => "00000000-0000-4000-8000-000000000000",
        Some("uri" | "url") => "https://example.com/",
        Some("ipv4") => "192.0.2.1",
        Some("ipv6") => "2001:db8::1",
        Some("hostname") => "example.com",
        Some("byte") => "c3RyaW5n",
        _ => "string",
    };
    let min = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
    let max = schema
        .get("maxLength")
        .and_then(Value::as_u64)
        .map_or(usize::MAX, |m| m as usize);
    let mut text = text.to_owned();
    while text.len() < min.min(4096) {
        text.push('x');
    }
    if text.len() > max {
        text.truncate(max);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::openapi::model::from_value;

    fn doc(schemas: Value) -> Document {
        let value = json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "paths": {},
            "components": {"schemas": schemas}
        });
        from_value(std::path::Path::new("mem.yaml"), value).unwrap()
    }

    fn node(value: Value) -> Node {
        Node::detached(value, std::path::Path::new("mem.yaml"))
    }

    #[test]
    fn required_properties_only_with_refs_and_formats() {
        let d = doc(json!({
            "Todo": {
                "type": "object",
                "required": ["title", "owner", "tags", "size"],
                "properties": {
                    "title": {"type": "string", "minLength": 8},
                    "owner": {"$ref": "#/components/schemas/User"},
                    "tags": {"type": "array", "minItems": 1, "items": {"type": "string", "enum": ["a", "b"]}},
                    "size": {"type": ["integer", "null"], "minimum": 3},
                    "note": {"type": "string"}
                }
            },
            "User": {"type": "object", "required": ["email"], "properties": {"email": {"type": "string", "format": "email"}}}
        }));
        let got = instance(&d, &node(json!({"$ref": "#/components/schemas/Todo"})));
        assert_eq!(
            got,
            json!({"title": "stringxx", "owner": {"email": "user@example.com"}, "tags": ["a"], "size": 3})
        );
    }

    #[test]
    fn examples_win_and_recursion_stops() {
        let d = doc(json!({
            "Node": {"type": "object", "required": ["next"], "properties": {"next": {"$ref": "#/components/schemas/Node"}}}
        }));
        let got = instance(&d, &node(json!({"$ref": "#/components/schemas/Node"})));
        assert!(got.is_object());
        let got = instance(&d, &node(json!({"type": "object", "example": {"x": 1}})));
        assert_eq!(got, json!({"x": 1}));
        let got = instance(
            &d,
            &node(
                json!({"allOf": [{"type": "object", "required": ["a"], "properties": {"a": {"type": "boolean"}}}, {"required": ["b"], "properties": {"b": {"type": "number"}}}]}),
            ),
        );
        assert_eq!(got, json!({"a": false, "b": 0.0}));
    }
}
