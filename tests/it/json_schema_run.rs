//! The `schema` and `schema_file` matchers end to end: a suite against the
//! built-in demo API (and its Okta emulator), with the schema inline and in
//! a file beside the suite; failures say which instance path broke which
//! keyword, masked like every failure; a schema that is itself invalid, or
//! a schema file that cannot be read, stops the load at its line.

use crate::common::Project;

const FIXTURE: &str = "kind: okta-pkce
okta_url: demo
client_id: demo-spa
redirect_uri: http://localhost:3000/callback
scopes: [openid, profile, email]
username: ada@example.com
password: correct-horse
";

const CONFIG: &str = "base_url: demo\nauth: user\nsecrets: [ada@example.com]\n";

const TODO_SCHEMA: &str = r#"{
  "$schema": "http://json-schema.org/draft-07/schema#",
  "type": "object",
  "required": ["id", "title", "done", "createdAt", "owner"],
  "properties": {
    "id": {"type": "string", "minLength": 1},
    "title": {"type": "string"},
    "done": {"type": "boolean"},
    "createdAt": {"type": "string", "format": "date-time"}
  }
}
"#;

const SUITE: &str = r##"tests:
  - name: todos match their schemas
    request: {url: /api/todos}
    expect:
      json:
        $:
          schema:
            type: object
            required: [items, count]
            properties:
              items: {type: array, items: {$ref: "#/$defs/todo"}}
              count: {type: integer, minimum: 0}
            $defs:
              todo: {type: object, required: [id, title]}
        $.items[0]: {schema_file: schemas/todo.json}
        $.items[*].done: {schema: {type: array, items: {type: boolean}}}
      snapshot: false
  - name: me breaks a schema
    request: {url: /api/me}
    expect:
      json:
        $.sub:
          schema: {type: string, maxLength: 3}
        $:
          schema:
            $schema: "http://json-schema.org/draft-04/schema#"
            required: [sub, tenant]
            properties:
              groups: {type: array, items: {type: integer}}
      snapshot: false
"##;

fn project(name: &str) -> Project {
    let p = Project::new(name);
    p.file("fixtures/user.yaml", FIXTURE)
        .file("suites/gatecheck.yaml", CONFIG)
        .file("suites/schemas/todo.json", TODO_SCHEMA);
    p
}

#[test]
fn schemas_pass_and_fail_against_the_demo_api() {
    let p = project("schema-run");
    p.file("suites/s.yaml", SUITE);
    let out = p.run(&["--test-threads", "1"], &[("CI", "true")]);
    assert_eq!(out.code, 1, "{}", out.normalized(&p));
    assert!(
        out.stdout
            .contains("test s::todos match their schemas ... ok"),
        "{}",
        out.stdout
    );
    let text = out.normalized(&p);
    // The secret (the user's e-mail, also the value checked) is masked.
    assert!(!text.contains("ada@example.com"), "{text}");
    let sub = text
        .lines()
        .find(|l| l.contains("$.sub: expected to match the schema"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        sub.trim_start().starts_with(
            "suites/s.yaml:23:11: $.sub: expected to match the schema (draft 2020-12), got "
        ),
        "{sub}"
    );
    assert!(
        sub.ends_with("which fails at /: `maxLength` length must be <=3, but got 15"),
        "{sub}"
    );
    let root = text
        .lines()
        .find(|l| l.contains("$: expected to match the schema (draft-04)"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        root.trim_start().starts_with("suites/s.yaml:25:11: "),
        "{root}"
    );
    assert!(
        root.contains("which fails at /: `required` missing properties 'tenant'; at /groups/0: `type` want integer, but got string"),
        "{root}"
    );
}

#[test]
fn an_invalid_schema_stops_the_load_at_its_line() {
    let p = project("schema-invalid");
    p.file(
        "suites/s.yaml",
        r#"tests:
  - name: t
    request: {url: /api/health}
    expect:
      json:
        $.status:
          schema: {type: strnig}
  - name: u
    request: {url: /api/health}
    expect:
      json:
        $:
          schema_file: schemas/missing.json
        $.status: {schema_file: schemas/bad.json}
"#,
    );
    p.file(
        "suites/schemas/bad.json",
        "{\"properties\": {\"a\": {\"minimum\": \"1\"}}",
    );
    let out = p.run(&["validate"], &[]);
    assert_eq!(out.code, 2, "{}", out.normalized(&p));
    let text = out.normalized(&p);
    assert!(
        text.contains(
            "suites/s.yaml:7:11: tests[0].expect.json.\"$.status\".schema: not a valid draft 2020-12 schema: at /type:"
        ),
        "{text}"
    );
    assert!(
        text.contains("suites/s.yaml:13:11: tests[1].expect.json.\"$\".schema_file: `schemas/missing.json`: failed to read the schema file:"),
        "{text}"
    );
    assert!(
        text.contains("suites/s.yaml:14:20: tests[1].expect.json.\"$.status\".schema_file: `schemas/bad.json`: not JSON: EOF while parsing an object at line 1 column 38"),
        "{text}"
    );
    // A schema file that is valid JSON but not a valid schema says where in it.
    p.file(
        "suites/schemas/bad.json",
        "{\"properties\": {\"a\": {\"minimum\": \"1\"}}}",
    );
    let out = p.run(&["validate"], &[]);
    assert!(
        out.normalized(&p).contains(
            "`schemas/bad.json`: not a valid draft 2020-12 schema: at /properties/a/minimum:"
        ),
        "{}",
        out.normalized(&p)
    );
}

/// A Postman collection's schema checks, imported and run: tv4's (draft-04)
/// and chai-postman's (draft-07) become `schema` matchers that pass and
/// fail as they did in Postman; a schema held in an environment variable
/// stays a comment naming it.
#[test]
fn imported_schema_checks_run_as_in_postman() {
    let api = crate::common::TestApi::start();
    let p = Project::new("schema-import");
    let item_schema = r#"{\"type\": \"object\", \"required\": [\"id\", \"title\"], \"properties\": {\"id\": {\"type\": \"integer\"}, \"tags\": {\"type\": \"array\", \"items\": {\"type\": \"string\"}}}}"#;
    let collection = format!(
        r#"{{"info": {{"name": "Schemas", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"}},
  "item": [
    {{"name": "tv4 list",
     "event": [{{"listen": "test", "script": {{"exec": [
       "var itemSchema = {item_schema};",
       "var data = JSON.parse(responseBody);",
       "tests[\"first item\"] = tv4.validate(data.items[0], itemSchema);",
       "tests[\"from env\"] = tv4.validate(data, JSON.parse(environment.listSchema));"]}}}}],
     "request": {{"method": "GET", "url": "{{{{baseUrl}}}}/items"}}}},
    {{"name": "ajv list",
     "event": [{{"listen": "test", "script": {{"exec": [
       "pm.test(\"schema\", function () {{",
       "  pm.response.to.have.jsonSchema({{type: 'object', required: ['items', 'total'], properties: {{updatedAt: {{type: 'string'}}, items: {{type: 'array'}}}}}});",
       "}});"]}}}}],
     "request": {{"method": "GET", "url": "{{{{baseUrl}}}}/items"}}}}
  ]}}"#
    );
    p.file("c.postman_collection.json", &collection);
    p.file(
        "e.postman_environment.json",
        &format!(
            r#"{{"name": "local", "values": [{{"key": "baseUrl", "value": "{}", "enabled": true}}]}}"#,
            api.url
        ),
    );
    let import = p.run(
        &[
            "import",
            "postman",
            "c.postman_collection.json",
            "--environment",
            "e.postman_environment.json",
        ],
        &[],
    );
    assert_eq!(import.code, 0, "{}", import.stderr);
    assert!(
        import
            .stdout
            .contains("assertions: 2 of 3 converted (66%)\n"),
        "{}",
        import.stdout
    );
    let suite = std::fs::read_to_string(p.path("suites/schemas.yaml")).unwrap();
    assert!(
        suite.contains("$schema: http://json-schema.org/draft-04/schema#"),
        "{suite}"
    );
    assert!(
        suite.contains("$schema: http://json-schema.org/draft-07/schema#"),
        "{suite}"
    );
    assert!(
        suite.contains("JSON schema held in a Postman variable (`listSchema`"),
        "{suite}"
    );
    let check = p.run(&["validate"], &[]);
    assert_eq!(check.code, 0, "{}\n{suite}", check.stderr);
    let run = p.run(&["--test-threads", "1"], &[]);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("test schemas::tv4 list ... ok"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("which fails at /: `required` missing properties 'total'"),
        "{}",
        run.stdout
    );
}
