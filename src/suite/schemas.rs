//! JSON Schemas of the expectation types that have a hand-written
//! `Deserialize` (the derived types get theirs from schemars' derive).

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};

use super::expect::{CaptureDef, Dur, HeaderExpect, JsonPath, SnapshotDef, StatusExpect};
use super::matcher::JsonChecks;

/// A hand-written schema for a type with a custom `Deserialize`.
macro_rules! schema {
    ($ty:ty, $name:literal, $schema:tt) => {
        impl JsonSchema for $ty {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                $name.into()
            }

            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!($schema)
            }
        }
    };
}

const STATUS: &str = "^[1-5]([0-9][0-9]|xx|XX)$";

schema!(Dur, "Duration", {
    "description": "A duration such as 500ms, 2s or 1m.",
    "type": "string"
});
schema!(JsonPath, "JsonPath", {
    "description": "A JSONPath (RFC 9535), e.g. $.items[0].id",
    "type": "string",
    "pattern": "^\\$"
});
impl JsonSchema for StatusExpect {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Status".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let one = serde_json::json!({"anyOf": [
            {"type": "integer", "minimum": 100, "maximum": 599},
            {"type": "string", "pattern": STATUS}
        ]});
        let set =
            serde_json::json!({"anyOf": [one, {"type": "array", "items": one, "minItems": 1}]});
        json_schema!({
            "description": "A status (200), a class (2xx), a list of those, or a map from identity (or none) to those: the authorization matrix.",
            "anyOf": [set, {"type": "object", "additionalProperties": set, "minProperties": 1}]
        })
    }
}

schema!(HeaderExpect, "HeaderExpect", {
    "description": "An exact header value, or {matches: REGEX}.",
    "anyOf": [
        {"type": ["string", "number"]},
        {"type": "object", "properties": {"matches": {"type": "string"}}, "required": ["matches"], "additionalProperties": false}
    ]
});
schema!(JsonChecks, "JsonChecks", {
    "description": "JSONPath -> a literal (equality; not a map) or a matcher map ({equals: {...}} compares with an object).",
    "type": "object",
    "propertyNames": {"pattern": "^\\$"},
    "additionalProperties": {
        "anyOf": [
            {"type": ["string", "number", "boolean", "null", "array"]},
            {
                "type": "object",
                "minProperties": 1,
                "properties": {
                    "equals": {}, "exists": {"type": "boolean"},
                    "type": {"enum": ["string", "number", "integer", "boolean", "array", "object", "null"]},
                    "matches": {"type": "string"}, "contains": {}, "length": {"type": "integer", "minimum": 0},
                    "gt": {"type": "number"}, "gte": {"type": "number"}, "lt": {"type": "number"}, "lte": {"type": "number"},
                    "one_of": {"type": "array"}, "empty": {"type": "boolean"},
                    "count": {"type": "integer", "minimum": 0},
                    "schema": {"description": "A JSON Schema the value must match (draft from its $schema; 2020-12 without one).", "type": ["object", "boolean"]},
                    "schema_file": {"description": "A .json/.yaml JSON Schema file, relative to the suite.", "type": "string"}
                },
                "additionalProperties": false
            }
        ]
    }
});
schema!(SnapshotDef, "Snapshot", {
    "description": "true/false, or {name, redact: [JSONPath...] or {JSONPath: replacement}}.",
    "anyOf": [
        {"type": "boolean"},
        {
            "type": "object",
            "properties": {
                "name": {"type": "string"},
                "redact": {"anyOf": [{"type": "array", "items": {"type": "string"}}, {"type": "object"}]}
            },
            "additionalProperties": false
        }
    ]
});
schema!(CaptureDef, "Capture", {
    "description": "A JSONPath, {json: PATH}, {header: NAME} or {status: true}; secret: true masks the value.",
    "anyOf": [
        {"type": "string"},
        {
            "type": "object",
            "properties": {
                "json": {"type": "string"}, "header": {"type": "string"},
                "status": {"type": "boolean"}, "secret": {"type": "boolean"}
            },
            "additionalProperties": false
        }
    ]
});
