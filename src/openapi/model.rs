//! The parts of an OpenAPI document gatecheck uses: servers, security
//! schemes, and every operation with its parameters, request body,
//! responses and effective security. Built from the JSON value by hand
//! (see docs/openapi.md for why), each error with its JSON path.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use indexmap::IndexMap;
use serde_json::Value;

use super::load::{Node, OpenApiError, Resolver, read_value};
use super::paths::Template;
use super::security::{Requirement, Scheme, Security, Source};

/// The HTTP methods a path item may hold operations for.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// A read OpenAPI document.
#[derive(Debug)]
pub struct Document {
    pub file: PathBuf,
    /// `3.0.3`, `3.1.0`...
    pub version: String,
    pub title: String,
    /// The servers' URLs, variables replaced by their defaults.
    pub servers: Vec<String>,
    pub schemes: IndexMap<String, Scheme>,
    pub operations: Vec<Operation>,
    resolver: Resolver,
}

/// One operation: a method on a path.
#[derive(Debug, Clone)]
pub struct Operation {
    /// `GET`, `POST`...
    pub method: String,
    /// The path template as written: `/pets/{petId}`.
    pub path: String,
    pub template: Template,
    pub operation_id: Option<String>,
    pub summary: Option<String>,
    pub tags: Vec<String>,
    pub security: Security,
    pub parameters: Vec<Parameter>,
    pub body: Option<Body>,
    /// Response codes as written (`200`, `2XX`, `default`), in order.
    pub responses: Vec<String>,
    /// The `WWW-Authenticate` header the 401 response documents: its
    /// example, or empty when it gives none; `None` when not documented.
    pub www_authenticate: Option<String>,
    /// The path prefixes this operation is served under (from its own,
    /// its path's or the document's `servers`); `[""]` when none say.
    pub prefixes: Vec<String>,
    /// Where the operation is: `$.paths["/pets"].get`.
    pub at: String,
}

impl Operation {
    /// `GET /pets/{petId}`.
    pub fn label(&self) -> String {
        format!("{} {}", self.method, self.path)
    }

    /// The first documented success code (2xx), as a number when it is one.
    pub fn success_code(&self) -> Option<u16> {
        self.responses
            .iter()
            .find_map(|code| code.parse::<u16>().ok().filter(|c| (200..300).contains(c)))
    }

    /// True when the document lists `code` (exactly, as a class like
    /// `4XX`, or through `default`).
    pub fn documents(&self, code: u16) -> bool {
        self.responses.iter().any(|r| {
            r.parse::<u16>().is_ok_and(|c| c == code)
                || r.eq_ignore_ascii_case(&format!("{}XX", code / 100))
        })
    }
}

/// `in:` of a parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    Path,
    Query,
    Header,
    Cookie,
}

/// One parameter, `$ref` resolved.
#[derive(Debug, Clone)]
pub struct Parameter {
    pub name: String,
    pub location: Location,
    pub required: bool,
    /// `example`, the first of `examples`, or the schema's
    /// `example`/`default`/`enum`.
    pub example: Option<Value>,
    pub schema: Option<Node>,
}

/// The request body.
#[derive(Debug, Clone)]
pub struct Body {
    pub required: bool,
    /// The media type used (JSON preferred).
    pub media_type: String,
    pub example: Option<Value>,
    pub schema: Option<Node>,
}

impl Document {
    /// Follows a `$ref` to what it names.
    pub fn resolve(&self, node: &Node) -> Result<Node, OpenApiError> {
        self.resolver.resolve(node)
    }

    /// The operation a request (method, path) is for: the most specific
    /// template that matches (literal segments before parameters).
    pub fn find(&self, method: &str, path: &str) -> Option<&Operation> {
        self.operations
            .iter()
            .filter(|op| op.method.eq_ignore_ascii_case(method))
            .filter_map(|op| {
                op.prefixes
                    .iter()
                    .filter_map(|prefix| strip_path_prefix(path, prefix))
                    .filter_map(|rest| op.template.matches(rest))
                    .max()
                    .map(|score| (score, op))
            })
            .max_by_key(|(score, _)| *score)
            .map(|(_, op)| op)
    }

    /// Operations of any method whose path matches (for "method not
    /// documented" messages).
    pub fn paths_matching(&self, path: &str) -> Vec<&Operation> {
        self.operations
            .iter()
            .filter(|op| {
                op.prefixes.iter().any(|prefix| {
                    strip_path_prefix(path, prefix)
                        .is_some_and(|r| op.template.matches(r).is_some())
                })
            })
            .collect()
    }
}

/// `path` without `prefix` (at a segment boundary), if it starts with it.
fn strip_path_prefix<'a>(path: &'a str, prefix: &str) -> Option<&'a str> {
    let prefix = prefix.trim_end_matches('/');
    if prefix.is_empty() {
        return Some(path);
    }
    let rest = path.strip_prefix(prefix)?;
    (rest.is_empty() || rest.starts_with('/')).then_some(rest)
}

/// Reads an OpenAPI 3.0 or 3.1 document, with every operation's effective
/// security resolved.
pub fn load(path: &Path) -> Result<Document, OpenApiError> {
    let value = read_value(path)?;
    from_value(path, value)
}

/// Builds the document from an already parsed value (`path` names it in
/// messages and is where relative `$ref`s start).
pub fn from_value(path: &Path, value: Value) -> Result<Document, OpenApiError> {
    let value = Arc::new(value);
    let root = Node::root(value.clone(), path);
    if !root.value().is_object() {
        return Err(root.error(format!(
            "expected an OpenAPI document (a map with `openapi:`), found {}",
            crate::wire::value::describe(root.value())
        )));
    }
    if let Some(swagger) = root.get("swagger") {
        return Err(swagger.error(format!(
            "this is a Swagger {} document; gatecheck reads OpenAPI 3.0 and 3.1. \
             Convert it first, e.g. `npx swagger2openapi {} -o openapi.yaml`, \
             and give that file",
            swagger.value().as_str().unwrap_or("2.0"),
            path.display()
        )));
    }
    let version = match root.get("openapi") {
        None => {
            return Err(root.error(
                "no `openapi:` version; expected an OpenAPI 3.0 or 3.1 document \
                 (`openapi: 3.1.0`)",
            ));
        }
        Some(v) => match v.value() {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            other => {
                return Err(v.error(format!(
                    "expected a version such as `3.1.0`, found {}",
                    crate::wire::value::describe(other)
                )));
            }
        },
    };
    if !(version.starts_with("3.0") || version.starts_with("3.1") || version.starts_with("3.2")) {
        return Err(root.get("openapi").unwrap_or(root.clone()).error(format!(
            "OpenAPI {version} is not supported; gatecheck reads 3.0, 3.1 and 3.2"
        )));
    }
    let resolver = Resolver::new(path, value);
    build(root, version, resolver)
}

/// Builds the document from its root node.
fn build(root: Node, version: String, resolver: Resolver) -> Result<Document, OpenApiError> {
    let title = root
        .get("info")
        .and_then(|info| {
            info.value()
                .get("title")
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .unwrap_or_default();
    let schemes = schemes(&root, &resolver)?;
    let global = match root.get("security") {
        Some(node) => Some(requirements(&node, &schemes)?),
        None => None,
    };
    let servers = servers(root.get("servers").as_ref())?;
    let mut operations = Vec::new();
    if let Some(paths) = root.get("paths") {
        if !paths.value().is_object() {
            return Err(paths.error("expected a map from path templates to path items"));
        }
        for (path, item) in paths.members() {
            if !path.starts_with('/') {
                return Err(item.error(format!("path `{path}` must start with `/`")));
            }
            let item = resolver.resolve(&item)?;
            path_item(
                &path,
                &item,
                &resolver,
                &schemes,
                global.as_ref(),
                &servers,
                &mut operations,
            )?;
        }
    }
    Ok(Document {
        file: root.file.to_path_buf(),
        version,
        title,
        servers,
        schemes,
        operations,
        resolver,
    })
}

fn schemes(root: &Node, resolver: &Resolver) -> Result<IndexMap<String, Scheme>, OpenApiError> {
    let mut out = IndexMap::new();
    let Some(components) = root.get("components") else {
        return Ok(out);
    };
    let Some(declared) = components.get("securitySchemes") else {
        return Ok(out);
    };
    for (name, node) in declared.members() {
        let node = resolver.resolve(&node)?;
        let kind = node
            .str_of("type")?
            .ok_or_else(|| node.error("a security scheme needs `type`"))?;
        let scheme = match kind.as_str() {
            "apiKey" => Scheme::ApiKey {
                name: node
                    .str_of("name")?
                    .ok_or_else(|| node.error("an apiKey scheme needs `name`"))?,
                location: node.str_of("in")?.ok_or_else(|| {
                    node.error("an apiKey scheme needs `in` (header, query or cookie)")
                })?,
            },
            "http" => Scheme::Http {
                scheme: node.str_of("scheme")?.ok_or_else(|| {
                    node.error("an http scheme needs `scheme` (bearer, basic...)")
                })?,
            },
            "oauth2" => {
                let mut scopes: Vec<String> = Vec::new();
                if let Some(flows) = node.get("flows") {
                    for (_, flow) in flows.members() {
                        for (scope, _) in
                            flow.get("scopes").map(|s| s.members()).unwrap_or_default()
                        {
                            if !scopes.contains(&scope) {
                                scopes.push(scope);
                            }
                        }
                    }
                }
                Scheme::OAuth2 { scopes }
            }
            "openIdConnect" => Scheme::OpenIdConnect {
                url: node.str_of("openIdConnectUrl")?.unwrap_or_default(),
            },
            "mutualTLS" => Scheme::MutualTls,
            other => {
                return Err(node.get("type").unwrap_or(node.clone()).error(format!(
                    "unknown security scheme type `{other}`; expected apiKey, http, oauth2, \
                     openIdConnect or mutualTLS"
                )));
            }
        };
        out.insert(name, scheme);
    }
    Ok(out)
}

/// A `security` list: requirement objects, each naming declared schemes.
fn requirements(
    node: &Node,
    schemes: &IndexMap<String, Scheme>,
) -> Result<Vec<Requirement>, OpenApiError> {
    if !node.value().is_array() {
        return Err(node.error(format!(
            "`security` must be a list of requirement objects (`[]` for public), found {}",
            crate::wire::value::describe(node.value())
        )));
    }
    let mut out = Vec::new();
    for item in node.items() {
        if !item.value().is_object() {
            return Err(item.error(format!(
                "expected a requirement object such as `{{oauth: [read]}}` or `{{}}`, found {}",
                crate::wire::value::describe(item.value())
            )));
        }
        let mut requirement = Requirement::default();
        for (name, scopes) in item.members() {
            if !schemes.contains_key(&name) {
                let known: Vec<&str> = schemes.keys().map(String::as_str).collect();
                return Err(scopes.error(format!(
                    "security scheme `{name}` is not declared in components.securitySchemes \
                     (declared: {})",
                    if known.is_empty() {
                        "none".to_owned()
                    } else {
                        known.join(", ")
                    }
                )));
            }
            let list = match scopes.value() {
                Value::Array(items) => items
                    .iter()
                    .map(|s| {
                        s.as_str()
                            .map(str::to_owned)
                            .ok_or_else(|| scopes.error("scopes must be a list of strings"))
                    })
                    .collect::<Result<Vec<_>, _>>()?,
                _ => return Err(scopes.error("expected a list of scopes (`[]` for none)")),
            };
            requirement.0.insert(name, list);
        }
        out.push(requirement);
    }
    Ok(out)
}

/// The servers' URLs with every `{variable}` replaced by its default.
fn servers(node: Option<&Node>) -> Result<Vec<String>, OpenApiError> {
    let Some(node) = node else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for server in node.items() {
        let mut url = server
            .str_of("url")?
            .ok_or_else(|| server.error("a server needs `url`"))?;
        for (name, variable) in server
            .get("variables")
            .map(|v| v.members())
            .unwrap_or_default()
        {
            let default = variable
                .str_of("default")?
                .ok_or_else(|| variable.error("a server variable needs `default`"))?;
            url = url.replace(&format!("{{{name}}}"), &default);
        }
        out.push(url);
    }
    Ok(out)
}

/// The path part of a server URL: `https://api.x.com/v1/` -> `/v1`.
pub fn server_path(url: &str) -> String {
    let rest = match url.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("", |i| &rest[i..]),
        None => url,
    };
    let rest = rest.split(['?', '#']).next().unwrap_or("");
    let rest = rest.trim_end_matches('/');
    if rest.is_empty() || rest.starts_with('/') {
        rest.to_owned()
    } else {
        format!("/{rest}")
    }
}

fn prefixes(servers: &[String]) -> Vec<String> {
    if servers.is_empty() {
        return vec![String::new()];
    }
    let mut out: Vec<String> = Vec::new();
    for url in servers {
        let path = server_path(url);
        if !out.contains(&path) {
            out.push(path);
        }
    }
    out
}

fn path_item(
    path: &str,
    item: &Node,
    resolver: &Resolver,
    schemes: &IndexMap<String, Scheme>,
    global: Option<&Vec<Requirement>>,
    doc_servers: &[String],
    out: &mut Vec<Operation>,
) -> Result<(), OpenApiError> {
    if !item.value().is_object() {
        return Err(item.error("expected a path item (a map of operations)"));
    }
    let template = Template::parse(path).map_err(|e| item.error(e))?;
    let shared = match item.get("parameters") {
        Some(list) => parameters(&list, resolver)?,
        None => Vec::new(),
    };
    let item_servers = match item.get("servers") {
        Some(s) => Some(servers(Some(&s))?),
        None => None,
    };
    for (method, op) in METHODS.into_iter().zip(item.get_many(METHODS)) {
        let Some(op) = op else {
            continue;
        };
        if !op.value().is_object() {
            return Err(op.error("expected an operation object"));
        }
        let [
            security,
            op_params,
            request_body,
            op_responses,
            op_servers,
            op_tags,
        ] = op.get_many([
            "security",
            "parameters",
            "requestBody",
            "responses",
            "servers",
            "tags",
        ]);
        let (requirements, source) = match security {
            Some(node) => (requirements(&node, schemes)?, Source::Operation),
            None => match global {
                Some(list) => (list.clone(), Source::Global),
                None => (Vec::new(), Source::Absent),
            },
        };
        let mut params = shared.clone();
        if let Some(list) = op_params {
            for p in parameters(&list, resolver)? {
                params.retain(|q| !(q.name == p.name && q.location == p.location));
                params.push(p);
            }
        }
        let body = match request_body {
            Some(node) => body(&resolver.resolve(&node)?, resolver)?,
            None => None,
        };
        let responses = op_responses
            .as_ref()
            .map(|r| r.members().into_iter().map(|(code, _)| code).collect())
            .unwrap_or_default();
        let www_authenticate = match op_responses.and_then(|r| r.get("401")) {
            Some(node) => challenge_header(&resolver.resolve(&node)?, resolver)?,
            None => None,
        };
        let op_servers = match op_servers {
            Some(s) => Some(servers(Some(&s))?),
            None => None,
        };
        let servers = op_servers
            .as_deref()
            .or(item_servers.as_deref())
            .unwrap_or(doc_servers);
        let tags = op_tags
            .map(|t| {
                t.items()
                    .iter()
                    .filter_map(|t| t.value().as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        out.push(Operation {
            method: method.to_ascii_uppercase(),
            path: path.to_owned(),
            template: template.clone(),
            operation_id: op.str_of("operationId")?,
            summary: op.str_of("summary")?,
            tags,
            security: Security {
                requirements,
                source,
            },
            parameters: params,
            body,
            responses,
            www_authenticate,
            prefixes: prefixes(servers),
            at: op.at().to_string(),
        });
    }
    Ok(())
}

/// The `WWW-Authenticate` header a 401 response documents: its example
/// (the header's, its first `examples` value's or its schema's), else
/// empty; `None` when the response documents no such header.
fn challenge_header(response: &Node, resolver: &Resolver) -> Result<Option<String>, OpenApiError> {
    let Some(headers) = response.get("headers") else {
        return Ok(None);
    };
    let Some((_, header)) = headers
        .members()
        .into_iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("www-authenticate"))
    else {
        return Ok(None);
    };
    let header = resolver.resolve(&header)?;
    let value = header.value();
    let example = value
        .get("example")
        .or_else(|| {
            value
                .get("examples")
                .and_then(Value::as_object)
                .and_then(|m| m.values().next())
                .and_then(|e| e.get("value"))
        })
        .or_else(|| value.get("schema").and_then(|s| s.get("example")))
        .and_then(Value::as_str)
        .unwrap_or_default();
    Ok(Some(example.to_owned()))
}

fn parameters(list: &Node, resolver: &Resolver) -> Result<Vec<Parameter>, OpenApiError> {
    if !list.value().is_array() {
        return Err(list.error("`parameters` must be a list"));
    }
    let mut out = Vec::new();
    for node in list.items() {
        let node = resolver.resolve(&node)?;
        // Read from one walk to the parameter (a large document has many).
        let value = node.value();
        let text = |key: &str| match value.get(key) {
            Some(Value::String(s)) => Ok(Some(s.as_str())),
            None | Some(Value::Null) => Ok(None),
            Some(_) => node.str_of(key).map(|_| None),
        };
        let name = text("name")?
            .ok_or_else(|| node.error("a parameter needs `name`"))?
            .to_owned();
        let location = match text("in")? {
            Some("path") => Location::Path,
            Some("query") => Location::Query,
            Some("header") => Location::Header,
            Some("cookie") => Location::Cookie,
            other => {
                return Err(node.error(format!(
                    "parameter `{name}`: `in` must be path, query, header or cookie, found {}",
                    other.map_or("nothing".to_owned(), |o| format!("`{o}`"))
                )));
            }
        };
        let [schema] = node.get_many(["schema"]);
        let schema = match schema {
            Some(s) => Some(resolver.resolve(&s)?),
            None => None,
        };
        let example = example_of(&node, resolver)?.or_else(|| {
            schema.as_ref().and_then(|s| {
                let s = s.value();
                ["example", "default"]
                    .iter()
                    .find_map(|k| s.get(*k).cloned())
                    .or_else(|| s.get("examples").and_then(|e| e.get(0)).cloned())
                    .or_else(|| s.get("enum").and_then(|e| e.get(0)).cloned())
            })
        });
        out.push(Parameter {
            name,
            required: value
                .get("required")
                .and_then(Value::as_bool)
                .unwrap_or(false)
                || location == Location::Path,
            location,
            example,
            schema,
        });
    }
    Ok(out)
}

/// `example`, or the value of the first of `examples` (a map of Example
/// objects, possibly `$ref`s).
fn example_of(node: &Node, resolver: &Resolver) -> Result<Option<Value>, OpenApiError> {
    let value = node.value();
    if let Some(example) = value.get("example") {
        return Ok(Some(example.clone()));
    }
    if value.get("examples").is_none() {
        return Ok(None);
    }
    if let Some(examples) = node.get("examples")
        && let Some((_, first)) = examples.members().into_iter().next()
    {
        let first = resolver.resolve(&first)?;
        return Ok(first.value().get("value").cloned());
    }
    Ok(None)
}

fn body(node: &Node, resolver: &Resolver) -> Result<Option<Body>, OpenApiError> {
    let Some(content) = node.get("content") else {
        return Ok(None);
    };
    let media = content.members();
    let chosen = media
        .iter()
        .find(|(t, _)| t.starts_with("application/json"))
        .or_else(|| media.iter().find(|(t, _)| t.ends_with("+json")))
        .or_else(|| media.first());
    let Some((media_type, media)) = chosen else {
        return Ok(None);
    };
    let schema = match media.get("schema") {
        Some(s) => Some(resolver.resolve(&s)?),
        None => None,
    };
    Ok(Some(Body {
        required: node
            .value()
            .get("required")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        media_type: media_type.clone(),
        example: example_of(media, resolver)?,
        schema,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_paths() {
        assert_eq!(server_path("https://api.example.com/v1/"), "/v1");
        assert_eq!(server_path("https://api.example.com"), "");
        assert_eq!(server_path("/api"), "/api");
        assert_eq!(server_path("v2"), "/v2");
        assert_eq!(server_path("http://localhost:8080/a/b?x=1"), "/a/b");
    }

    #[test]
    fn prefixes_stop_at_segment_boundaries() {
        assert_eq!(strip_path_prefix("/v1/pets", "/v1"), Some("/pets"));
        assert_eq!(strip_path_prefix("/v10/pets", "/v1"), None);
        assert_eq!(strip_path_prefix("/pets", ""), Some("/pets"));
    }
}
