//! Workload 9: reading a 10 MB OpenAPI document. `gatecheck coverage
//! --openapi` over a generated document (JSON, then the same as YAML) and a
//! small suite folder, from spawn to exit, against `--version`.

use std::fmt::Write as _;
use std::time::Duration;

use serde_json::{Value, json};

use crate::suites::{self, Shape};
use crate::table::{Row, Table, median, ms, ratio};
use crate::workloads::Ctx;

/// The document's size to reach, in bytes.
const TARGET_BYTES: usize = 10 * 1024 * 1024;

pub fn run(ctx: &Ctx, table: &mut Table) {
    let dir = ctx.work.join("openapi");
    let shape = Shape {
        path: "/fast",
        snapshot: "false",
        auth: &[],
    };
    suites::write(&dir, 1, 10, &shape);
    let doc = document();
    let json_text = serde_json::to_string_pretty(&doc).expect("document as JSON");
    let yaml_text = serde_yaml::to_string(&doc).expect("document as YAML");
    std::fs::write(dir.join("openapi.json"), &json_text).expect("write document");
    std::fs::write(dir.join("openapi.yaml"), &yaml_text).expect("write document");
    let time = |args: &[&str]| {
        let mut ok = true;
        let walls: Vec<Duration> = (0..ctx.reps.max(3))
            .map(|_| {
                let run = ctx.gatecheck(&dir, args, &[]);
                ok &= run.ok;
                run.wall
            })
            .collect();
        (median(walls), ok)
    };
    let (bare, _) = time(&["--version"]);
    let operations = doc["paths"].as_object().map_or(0, |p| p.len() * 2);
    for (file, size) in [
        ("openapi.json", json_text.len()),
        ("openapi.yaml", yaml_text.len()),
    ] {
        let (g, ok) = time(&["coverage", "--openapi", file, "suites"]);
        table.add(Row {
            workload: format!(
                "9. OpenAPI: coverage of a {:.1} MB {} document ({operations} operations)",
                size as f64 / 1e6,
                if file.ends_with("json") {
                    "JSON"
                } else {
                    "YAML"
                }
            ),
            gatecheck: ms(g),
            floor: format!("{} (--version)", ms(bare)),
            ratio: ratio(g, bare),
            target: "< 1 s".into(),
            pass: Some(ok && g < Duration::from_secs(1)),
        });
    }
}

/// A document of ordinary operations (a GET and a DELETE per path, with
/// parameters, security overrides and response schemas) until it is
/// about 10 MB as JSON.
fn document() -> Value {
    let mut paths = serde_json::Map::new();
    let mut size = 0;
    let mut i = 0;
    while size < TARGET_BYTES {
        let mut name = String::new();
        let _ = write!(name, "/resources{}/items/{{itemId}}", i);
        let item = json!({
            "parameters": [{"name": "itemId", "in": "path", "required": true, "schema": {"type": "string", "example": "i-1"}}],
            "get": {
                "operationId": format!("getItem{i}"),
                "tags": [format!("resources{}", i % 40)],
                "summary": "Read one item of the collection, with its metadata and owner",
                "parameters": [{"name": "expand", "in": "query", "schema": {"type": "string", "enum": ["owner", "tags"]}}],
                "responses": {
                    "200": {"description": "The item", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}}},
                    "401": {"description": "No token"},
                    "403": {"description": "Missing scope"},
                    "404": {"description": "No such item"}
                }
            },
            "delete": {
                "operationId": format!("deleteItem{i}"),
                "security": [{"oauth": ["items.write"]}],
                "responses": {"204": {"description": "Deleted"}, "401": {"description": "No token"}}
            }
        });
        size += item.to_string().len() + name.len();
        paths.insert(name, item);
        i += 1;
    }
    json!({
        "openapi": "3.1.0",
        "info": {"title": "Bench", "version": "1"},
        "servers": [{"url": "https://api.example.com/v1"}],
        "security": [{"oauth": ["items.read"]}],
        "paths": paths,
        "components": {
            "securitySchemes": {"oauth": {"type": "oauth2", "flows": {"clientCredentials": {"tokenUrl": "https://id.example.com/token", "scopes": {"items.read": "read", "items.write": "write"}}}}},
            "schemas": {"Item": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}, "owner": {"type": "string"}}}}
        }
    })
}
