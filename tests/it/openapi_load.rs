//! Reading OpenAPI documents: published documents written by others
//! (tests/corpus/openapi, see SOURCES.md there) list every operation with
//! its security resolved as an independent reading of the same files says
//! (expected-security.txt); `$ref`s to other files; version and error
//! handling.

use std::path::Path;

use gatecheck::openapi::{self, Qualifies};

use crate::common::Project;

fn corpus(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus/openapi")
        .join(name)
}

#[test]
fn published_documents_resolve_every_operations_security() {
    let expected = std::fs::read_to_string(corpus("expected-security.txt")).unwrap();
    let mut got = String::new();
    for file in [
        "camara/API_definitions/quality-on-demand.yaml",
        "drf-spectacular-oauth-toolkit.yml",
        "drf-spectacular-rest-auth.yml",
        "museum.yaml",
        "non-oauth-scopes.json",
        "petstore3.yaml",
        "tictactoe.yaml",
    ] {
        let doc = openapi::load(&corpus(file)).unwrap_or_else(|e| panic!("{e}"));
        got.push_str(&format!("# {file}\n"));
        for op in &doc.operations {
            got.push_str(&format!("{} -> {}\n", op.label(), op.security));
        }
    }
    assert_eq!(got, expected);
}

#[test]
fn an_openid_connect_scheme_in_another_file_with_scopes_per_operation() {
    // CAMARA's Quality-on-Demand API: `openId` (openIdConnect) is declared
    // in ../common/CAMARA_common.yaml and `$ref`ed; each operation names
    // its own scope; the server URL is a variable plus a path.
    let doc = openapi::load(&corpus("camara/API_definitions/quality-on-demand.yaml"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(doc.version.starts_with("3.0"), "{}", doc.version);
    assert_eq!(doc.operations.len(), 5);
    assert_eq!(
        doc.schemes.get("openId"),
        Some(&openapi::Scheme::OpenIdConnect {
            url: "https://example.com/.well-known/openid-configuration".to_owned()
        })
    );
    assert!(doc.operations.iter().all(|op| op.security.is_secured()));
    // `{apiRoot}/quality-on-demand/vwip`: the default apiRoot's path is
    // empty, so requests are matched under /quality-on-demand/vwip.
    let read = doc
        .find("GET", "/quality-on-demand/vwip/sessions/3fa85f64")
        .expect("GET /sessions/{sessionId}");
    assert_eq!(
        read.security.to_string(),
        "openId[quality-on-demand:sessions:read]"
    );
    let scopes = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    assert_eq!(
        read.security.qualifies(
            &doc.schemes,
            Some(&scopes(&["openid", "quality-on-demand:sessions:read"]))
        ),
        Qualifies::Yes
    );
    let delete = doc
        .find("DELETE", "/quality-on-demand/vwip/sessions/3fa85f64")
        .unwrap();
    assert_eq!(
        delete.security.qualifies(
            &doc.schemes,
            Some(&scopes(&["quality-on-demand:sessions:read"]))
        ),
        Qualifies::LacksScopes(scopes(&["quality-on-demand:sessions:delete"]))
    );
}

#[test]
fn optional_authentication_and_alternative_scopes_of_a_generated_django_api() {
    // dj-rest-auth's endpoints as drf-spectacular documents them: the ones
    // that allow anonymous callers list `{}` among their alternatives.
    let doc = openapi::load(&corpus("drf-spectacular-rest-auth.yml")).unwrap();
    assert_eq!(doc.operations.len(), 11);
    let optional: Vec<String> = doc
        .operations
        .iter()
        .filter(|op| op.security.is_optional())
        .map(|op| op.label())
        .collect();
    assert_eq!(optional.len(), 7, "{optional:?}");
    let login = doc.find("POST", "/rest-auth/login/").unwrap();
    assert!(login.security.is_optional() && !login.security.is_public());
    assert_eq!(login.security.to_string(), "cookieAuth | basicAuth | {}");
    let user = doc.find("GET", "/rest-auth/user/").unwrap();
    assert!(user.security.is_secured() && !user.security.is_optional());
    // Neither a session cookie nor basic credentials come from a bearer token.
    assert!(matches!(
        user.security.qualifies(&doc.schemes, Some(&[])),
        Qualifies::Unknown(_)
    ));

    // django-oauth-toolkit: one operation, three OR'd sets of scopes.
    let doc = openapi::load(&corpus("drf-spectacular-oauth-toolkit.yml")).unwrap();
    let create = doc.find("POST", "/OASRequirements/").unwrap();
    assert_eq!(create.security.requirements.len(), 3);
    let scopes = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    assert_eq!(
        create
            .security
            .qualifies(&doc.schemes, Some(&scopes(&["alt-scope3"]))),
        Qualifies::Yes
    );
    assert_eq!(
        create
            .security
            .qualifies(&doc.schemes, Some(&scopes(&["scope2", "create1"]))),
        Qualifies::Yes
    );
    assert!(matches!(
        create
            .security
            .qualifies(&doc.schemes, Some(&scopes(&["alt-scope4", "read"]))),
        Qualifies::LacksScopes(_)
    ));
    let read = doc.find("GET", "/OASRequirements/").unwrap();
    assert_eq!(
        read.security
            .qualifies(&doc.schemes, Some(&scopes(&["read"]))),
        Qualifies::Yes
    );
}

#[test]
fn petstore_overrides_scopes_and_server_prefix() {
    let doc = openapi::load(&corpus("petstore3.yaml")).unwrap();
    assert!(doc.version.starts_with("3.0"), "{}", doc.version);
    // `servers: [{url: https://petstore3.swagger.io/api/v3}]`: requests
    // under /api/v3 are matched, segment by segment.
    let op = doc.find("GET", "/api/v3/pet/42").expect("GET /pet/{petId}");
    assert_eq!(op.path, "/pet/{petId}");
    assert_eq!(
        doc.find("GET", "/api/v3/pet/findByStatus").unwrap().path,
        "/pet/findByStatus"
    );
    assert!(doc.find("GET", "/pet/42").is_none());
    assert!(doc.find("PATCH", "/api/v3/pet/42").is_none());
    // api_key OR petstore_auth[write:pets read:pets]: a token with both
    // scopes qualifies, one with read:pets only lacks write:pets... but
    // the api_key alternative cannot be judged from a token.
    let read = vec!["read:pets".to_owned()];
    assert!(matches!(
        op.security.qualifies(&doc.schemes, Some(&read)),
        Qualifies::Unknown(reason) if reason.contains("apiKey header `api_key`")
    ));
    let update = doc.find("PUT", "/api/v3/pet").unwrap();
    assert_eq!(
        update.security.qualifies(&doc.schemes, Some(&read)),
        Qualifies::LacksScopes(vec!["write:pets".to_owned()])
    );
    let both = vec!["write:pets".to_owned(), "read:pets".to_owned()];
    assert_eq!(
        update.security.qualifies(&doc.schemes, Some(&both)),
        Qualifies::Yes
    );
    // The store's order operations say nothing and there is no global
    // security: public.
    assert!(
        doc.find("POST", "/api/v3/store/order")
            .unwrap()
            .security
            .is_public()
    );
}

#[test]
fn refs_to_relative_files_optional_security_and_server_variables() {
    let p = Project::new("openapi-refs");
    p.file(
        "api/openapi.yaml",
        r#"openapi: 3.1.0
info: {title: Refs, version: "1"}
servers:
  - url: "https://{region}.example.com/{base}"
    variables:
      region: {default: eu}
      base: {default: v2}
security:
  - oidc: [openid, orders.read]
paths:
  /orders/{id}:
    $ref: "paths/orders.yaml#/item"
  /status:
    get:
      security: []
      responses: {"200": {description: ok}}
  /catalog:
    get:
      security: [{}, {oidc: []}]
      responses: {"200": {description: ok}}
components:
  securitySchemes:
    oidc: {$ref: "schemes.json#/oidc"}
"#,
    );
    p.file(
        "api/schemes.json",
        r#"{"oidc": {"type": "openIdConnect", "openIdConnectUrl": "https://id.example.com/.well-known/openid-configuration"}}"#,
    );
    p.file(
        "api/paths/orders.yaml",
        r#"item:
  parameters:
    - $ref: "../common.yaml#/components/parameters/Id"
  get:
    responses: {"200": {description: ok}, "404": {description: missing}}
  delete:
    security:
      - oidc: [orders.write]
    responses: {"204": {description: gone}}
"#,
    );
    p.file(
        "api/common.yaml",
        "components:\n  parameters:\n    Id: {name: id, in: path, required: true, schema: {type: string, example: o-1}}\n",
    );
    let doc = openapi::load(&p.path("api/openapi.yaml")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(doc.servers, vec!["https://eu.example.com/v2".to_owned()]);
    let get = doc
        .find("GET", "/v2/orders/o-9")
        .expect("matched under the server's /v2");
    assert_eq!(get.security.to_string(), "oidc[openid orders.read]");
    assert_eq!(get.parameters[0].name, "id");
    assert_eq!(get.parameters[0].example, Some(serde_json::json!("o-1")));
    assert_eq!(get.success_code(), Some(200));
    let delete = doc.find("DELETE", "/v2/orders/o-9").unwrap();
    assert_eq!(delete.security.to_string(), "oidc[orders.write]");
    assert!(doc.find("GET", "/v2/status").unwrap().security.is_public());
    let catalog = &doc.find("GET", "/v2/catalog").unwrap().security;
    assert!(catalog.is_optional() && !catalog.is_secured());
}

fn load_error(p: &Project, text: &str) -> String {
    p.file("doc.yaml", text);
    openapi::load(&p.path("doc.yaml")).unwrap_err().to_string()
}

#[test]
fn unreadable_documents_are_errors_with_their_json_path() {
    let p = Project::new("openapi-errors");
    let err = load_error(
        &p,
        "swagger: \"2.0\"\ninfo: {title: x, version: \"1\"}\npaths: {}\n",
    );
    assert!(
        err.contains("at $.swagger: this is a Swagger 2.0 document"),
        "{err}"
    );
    assert!(err.contains("npx swagger2openapi"), "{err}");
    let err = load_error(
        &p,
        "openapi: 3.0.3\ninfo: {title: x, version: \"1\"}\npaths:\n  /a:\n    get:\n      security:\n        - jwt: []\n      responses: {}\n",
    );
    assert!(
        err.contains(
            r#"at $.paths["/a"].get.security[0].jwt: security scheme `jwt` is not declared"#
        ),
        "{err}"
    );
    let err = load_error(
        &p,
        "openapi: 3.0.3\ninfo: {title: x, version: \"1\"}\npaths:\n  /a:\n    get:\n      parameters: [{$ref: \"#/components/parameters/Nope\"}]\n      responses: {}\n",
    );
    assert!(
        err.contains(r#"at $.paths["/a"].get.parameters[0]: `$ref: #/components/parameters/Nope`"#),
        "{err}"
    );
    let err = load_error(
        &p,
        "openapi: 3.0.3\ninfo: {title: x, version: \"1\"}\npaths:\n  /a: {$ref: \"#/paths/~1b\"}\n  /b: {$ref: \"#/paths/~1a\"}\n",
    );
    assert!(err.contains("a reference cycle?"), "{err}");
    let err = load_error(&p, "openapi: 2.5\npaths: {}\n");
    assert!(err.contains("OpenAPI 2.5 is not supported"), "{err}");
    let err = load_error(
        &p,
        "openapi: 3.1.0\npaths:\n  /a:\n    get:\n      security: {jwt: []}\n",
    );
    assert!(
        err.contains("at $.paths[\"/a\"].get.security: `security` must be a list"),
        "{err}"
    );
    let err = load_error(&p, "- just\n- a list\n");
    assert!(err.contains("at $: expected an OpenAPI document"), "{err}");
}
