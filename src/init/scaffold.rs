//! `gatecheck init --openapi FILE`: suites scaffolded from an OpenAPI
//! document — one suite per tag (or first path segment), one test per
//! operation with an authorization matrix over the identities, broken-
//! authentication trials for secured operations, and an object-level test
//! for each resource a POST creates. What could not be inferred is marked
//! in a comment and listed at the end (docs/openapi.md).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use indexmap::IndexMap;
use serde_json::Value as Json;

use crate::openapi::model::{Location, Operation, server_path};
use crate::openapi::{Document, Qualifies, example};
use crate::suite::validate::NONE;

/// An identity of the matrices, with its token's scopes when known.
#[derive(Debug, Clone)]
pub struct Identity {
    pub name: String,
    pub scopes: Option<Vec<String>>,
}

/// One suite file to write.
#[derive(Debug, Clone)]
pub struct SuiteText {
    /// The file stem (slug of the tag or path segment).
    pub stem: String,
    pub text: String,
    /// The operations it tests (indices into the document's).
    pub operations: Vec<usize>,
}

/// Everything scaffolded: the suites, what was not inferred, the
/// environment variables the requests use.
#[derive(Debug, Default)]
pub struct Scaffold {
    pub suites: Vec<SuiteText>,
    pub uninferred: Vec<String>,
    pub vars: BTreeSet<String>,
}

/// Scaffolds suites for the operations of `doc` whose index `wanted` keeps.
pub fn scaffold(
    doc: &Document,
    source: &str,
    identities: &[Identity],
    wanted: &dyn Fn(usize) -> bool,
) -> Scaffold {
    let prefix = doc
        .servers
        .first()
        .map(|s| server_path(s))
        .unwrap_or_default();
    let mut groups: IndexMap<String, Vec<usize>> = IndexMap::new();
    for (i, op) in doc.operations.iter().enumerate() {
        if wanted(i) {
            groups.entry(group_of(op)).or_default().push(i);
        }
    }
    let mut out = Scaffold::default();
    for (group, ops) in groups {
        let mut text = format!(
            "# yaml-language-server: $schema=../{}/suite.schema.json\n\
             # Written by `gatecheck init --openapi {source}`: one test per operation,\n\
             # an authorization matrix over the identities. Edit freely: `--update`\n\
             # only adds tests for operations no test covers.\n\
             name: {}\ntests:\n",
            crate::init::SCHEMA_DIR,
            quote(&group),
        );
        let mut names = BTreeSet::new();
        for &i in &ops {
            let op = &doc.operations[i];
            let name = unique(
                &mut names,
                op.operation_id.clone().unwrap_or_else(|| op.label()),
            );
            let mut ctx = TestCtx {
                doc,
                prefix: &prefix,
                suite: &group,
                test: &name,
                out: &mut out,
            };
            text.push_str(&ctx.operation_test(op, identities));
        }
        for (parent, post, items) in resources(doc, &ops) {
            let name = unique(
                &mut names,
                format!("{parent} of another identity (object-level)"),
            );
            let mut ctx = TestCtx {
                doc,
                prefix: &prefix,
                suite: &group,
                test: &name,
                out: &mut out,
            };
            text.push_str(&ctx.object_test(post, &items, identities));
        }
        out.suites.push(SuiteText {
            stem: slug(&group),
            text,
            operations: ops,
        });
    }
    out
}

/// The suite an operation goes to: its first tag, else its first path
/// segment, else `root`.
fn group_of(op: &Operation) -> String {
    if let Some(tag) = op.tags.first() {
        return tag.clone();
    }
    op.path
        .split('/')
        .find(|s| !s.is_empty() && !s.starts_with('{'))
        .unwrap_or("root")
        .to_owned()
}

fn unique(names: &mut BTreeSet<String>, name: String) -> String {
    let mut candidate = name.clone();
    let mut n = 2;
    while !names.insert(candidate.clone()) {
        candidate = format!("{name} ({n})");
        n += 1;
    }
    candidate
}

/// `Pet Store` -> `pet-store`.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_owned();
    if out.is_empty() {
        "api".to_owned()
    } else {
        out
    }
}

/// A YAML scalar: JSON's string syntax (always valid YAML).
fn quote(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_default()
}

/// A JSON value as YAML flow text.
fn flow(value: &Json) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// For each resource created by a POST on a path of `ops`, the operations on
/// `{parent}/{param}` of the same document: (parent path, POST, item ops).
fn resources<'a>(
    doc: &'a Document,
    ops: &[usize],
) -> Vec<(String, &'a Operation, Vec<&'a Operation>)> {
    let mut out = Vec::new();
    for &i in ops {
        let post = &doc.operations[i];
        if post.method != "POST" {
            continue;
        }
        let items: Vec<&Operation> = ["GET", "PUT", "PATCH", "DELETE"]
            .iter()
            .filter_map(|m| {
                doc.operations.iter().find(|op| {
                    op.method == *m
                        && op
                            .path
                            .strip_prefix(post.path.trim_end_matches('/'))
                            .and_then(|rest| rest.strip_prefix('/'))
                            .is_some_and(|seg| {
                                seg.starts_with('{')
                                    && seg.ends_with('}')
                                    && !seg[1..].contains(['/', '{'])
                            })
                })
            })
            .collect();
        if !items.is_empty() {
            out.push((post.path.clone(), post, items));
        }
    }
    out
}

struct TestCtx<'a> {
    doc: &'a Document,
    prefix: &'a str,
    suite: &'a str,
    test: &'a str,
    out: &'a mut Scaffold,
}

impl TestCtx<'_> {
    fn note(&mut self, what: String) -> String {
        self.out
            .uninferred
            .push(format!("{}::{}: {what}", slug(self.suite), self.test));
        format!("  # gatecheck: not inferred: {what}")
    }

    /// A parameter's value: its example, else `${NAME}` (listed).
    fn param_value(&mut self, name: &str, example: Option<&Json>) -> Json {
        match example {
            Some(Json::String(s)) => Json::String(s.clone()),
            Some(v @ (Json::Number(_) | Json::Bool(_))) => v.clone(),
            Some(other) => Json::String(other.to_string()),
            None => {
                let var = env_name(name);
                self.out.vars.insert(var.clone());
                Json::String(format!("${{{var}}}"))
            }
        }
    }

    /// The request lines (indented under `request:` at `indent`), with the
    /// path parameters given by `path_values` when set.
    fn request(
        &mut self,
        op: &Operation,
        path_values: &BTreeMap<String, String>,
        indent: &str,
    ) -> String {
        let mut path = op.path.clone();
        for p in op
            .parameters
            .iter()
            .filter(|p| p.location == Location::Path)
        {
            let value = match path_values.get(&p.name) {
                Some(v) => v.clone(),
                None => match self.param_value(&p.name, p.example.as_ref()) {
                    Json::String(s) => s,
                    other => other.to_string(),
                },
            };
            path = path.replace(&format!("{{{}}}", p.name), &value);
        }
        let mut text = String::new();
        let _ = writeln!(text, "{indent}method: {}", op.method);
        let _ = writeln!(
            text,
            "{indent}url: {}",
            quote(&format!("{}{path}", self.prefix))
        );
        for (key, location) in [("query", Location::Query), ("headers", Location::Header)] {
            let mut map = serde_json::Map::new();
            for p in op
                .parameters
                .iter()
                .filter(|p| p.location == location && p.required)
            {
                let value = self.param_value(&p.name, p.example.as_ref());
                let value = match (location, value) {
                    (Location::Header, Json::String(s)) => Json::String(s),
                    (Location::Header, other) => Json::String(other.to_string()),
                    (_, v) => v,
                };
                map.insert(p.name.clone(), value);
            }
            if !map.is_empty() {
                let _ = writeln!(text, "{indent}{key}: {}", flow(&Json::Object(map)));
            }
        }
        if let Some(body) = &op.body {
            if body.media_type.contains("json") {
                let value = match (&body.example, &body.schema) {
                    (Some(example), _) => example.clone(),
                    (None, Some(schema)) => example::instance(self.doc, schema),
                    (None, None) => Json::Object(Default::default()),
                };
                let _ = writeln!(text, "{indent}json: {}", flow(&value));
            } else {
                let note = self.note(format!(
                    "the request body is `{}`; gatecheck fills JSON bodies only",
                    body.media_type
                ));
                let _ = writeln!(text, "{indent}{}", note.trim_start());
            }
        }
        text
    }

    /// The test of one operation: its request and the authorization matrix.
    fn operation_test(&mut self, op: &Operation, identities: &[Identity]) -> String {
        let mut text = format!("\n  # {}: {}\n", op.label(), op.security);
        let _ = writeln!(text, "  - name: {}", quote(self.test));
        text.push_str("    request:\n");
        text.push_str(&self.request(op, &BTreeMap::new(), "      "));
        let success = match op.success_code() {
            Some(code) => code,
            None => {
                let note = self.note("no 2xx response is documented; 200 assumed".to_owned());
                text.push_str(&note);
                text.push('\n');
                200
            }
        };
        // An id in the path from an example may name no object: 404 is
        // accepted from identities that may call the operation.
        let has_path_params = op.parameters.iter().any(|p| p.location == Location::Path);
        let allowed = if has_path_params && op.documents(404) {
            format!("[{success}, 404]")
        } else {
            success.to_string()
        };
        let mut matrix: Vec<(String, String, Option<String>)> = Vec::new();
        let security = &op.security;
        if security.is_public() {
            matrix.push((NONE.to_owned(), success.to_string(), None));
        } else {
            let none = if security.is_optional() {
                allowed.clone()
            } else {
                "401".to_owned()
            };
            matrix.push((NONE.to_owned(), none, None));
            for identity in identities {
                let (status, note) =
                    match security.qualifies(&self.doc.schemes, identity.scopes.as_deref()) {
                        Qualifies::Yes => (allowed.clone(), None),
                        Qualifies::LacksScopes(_) => ("403".to_owned(), None),
                        Qualifies::Unknown(reason) => (
                            allowed.clone(),
                            Some(format!(
                                "whether `{}` may call it ({reason})",
                                identity.name
                            )),
                        ),
                    };
                matrix.push((identity.name.clone(), status, note));
            }
        }
        text.push_str("    expect:\n      status:\n");
        for (name, status, note) in matrix {
            let _ = write!(text, "        {}: {status}", quote(&name));
            if let Some(note) = note {
                let note = self.note(note);
                text.push_str(&note);
            }
            text.push('\n');
        }
        text.push_str("      snapshot: false\n");
        if security.is_secured() && !identities.is_empty() {
            match self.challenge(op) {
                None => text.push_str(
                    "    negative_auth: all     # broken tokens of a real identity, each expecting 401\n",
                ),
                Some(challenge) => {
                    text.push_str("    negative_auth:         # broken tokens of a real identity, each expecting 401\n");
                    text.push_str("      trials: all\n");
                    let _ = writeln!(
                        text,
                        "      www_authenticate: {challenge}   # the 401's challenge, as documented"
                    );
                }
            }
        }
        text
    }

    /// The `www_authenticate` of an operation whose 401 documents a
    /// `WWW-Authenticate` header and that takes a bearer token: the scheme
    /// of the header's example (else `Bearer`), with `error` when the
    /// example has one.
    fn challenge(&self, op: &Operation) -> Option<String> {
        let documented = op.www_authenticate.as_deref()?;
        let bearer = op.security.requirements.iter().any(|r| {
            !r.is_anonymous()
                && r.0.keys().all(|name| {
                    self.doc
                        .schemes
                        .get(name)
                        .is_some_and(|s| s.takes_bearer_token())
                })
        });
        if !bearer {
            return None;
        }
        // Written into YAML as plain words: anything else is left out.
        let word = |w: &&str| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
        };
        let example = crate::check::challenge::parse(documented);
        let first = example.first().filter(|c| word(&c.scheme.as_str()));
        let scheme = first.map_or("Bearer", |c| c.scheme.as_str());
        Some(match first.and_then(|c| c.param("error")).filter(word) {
            Some(error) => format!("{{scheme: {scheme}, error: {error}}}"),
            None => scheme.to_owned(),
        })
    }

    /// The object-level (BOLA) test of a resource: create as one identity,
    /// read / change / delete as another (403 or 404), clean up as the owner.
    fn object_test(
        &mut self,
        post: &Operation,
        items: &[&Operation],
        identities: &[Identity],
    ) -> String {
        let qualifying: Vec<&Identity> = identities
            .iter()
            .filter(|id| {
                std::iter::once(post)
                    .chain(items.iter().copied())
                    .all(|op| {
                        op.security
                            .qualifies(&self.doc.schemes, id.scopes.as_deref())
                            == Qualifies::Yes
                    })
            })
            .collect();
        let (owner, other) = match qualifying.as_slice() {
            [owner, other, ..] => (owner.name.clone(), other.name.clone()),
            _ => {
                let note = self.note(format!(
                    "no object-level test for `{}`: it needs two identities that may call all its operations",
                    post.path
                ));
                return format!("\n{note}\n");
            }
        };
        let param = items[0]
            .path
            .rsplit('/')
            .next()
            .unwrap_or("{id}")
            .trim_matches(['{', '}'])
            .to_owned();
        let mut text = format!(
            "\n  # Object-level authorization: an object `{owner}` creates must stay out of `{other}`'s reach.\n"
        );
        let _ = writeln!(text, "  - name: {}", quote(self.test));
        let _ = writeln!(text, "    auth: {}", quote(&owner));
        text.push_str("    steps:\n");
        let _ = writeln!(
            text,
            "      - name: {}",
            quote(&format!("create as {owner}"))
        );
        text.push_str("        request:\n");
        text.push_str(&self.request(post, &BTreeMap::new(), "          "));
        let created = post.success_code().unwrap_or(201);
        let _ = writeln!(text, "        expect: {{status: {created}}}");
        let field = if param == "id" {
            "id".to_owned()
        } else {
            let note = self.note(format!(
                "the created object's `{param}` is read from `$.id` of the POST's response"
            ));
            let _ = writeln!(text, "        {}", note.trim_start());
            "id".to_owned()
        };
        let _ = writeln!(text, "        capture: {{{param}: \"$.{field}\"}}");
        let values: BTreeMap<String, String> = [(param.clone(), format!("{{{{ {param} }}}}"))]
            .into_iter()
            .collect();
        let verbs = |method: &str| match method {
            "GET" => "read",
            "DELETE" => "delete",
            _ => "change",
        };
        for op in items {
            let _ = writeln!(
                text,
                "      - name: {}",
                quote(&format!("{} as {other}", verbs(&op.method)))
            );
            let _ = writeln!(text, "        auth: {}", quote(&other));
            text.push_str("        request:\n");
            text.push_str(&self.request(op, &values, "          "));
            text.push_str("        expect: {status: [403, 404]}\n");
        }
        if let Some(delete) = items.iter().find(|op| op.method == "DELETE") {
            let _ = writeln!(
                text,
                "      - name: {}",
                quote(&format!("clean up as {owner}"))
            );
            text.push_str("        request:\n");
            text.push_str(&self.request(delete, &values, "          "));
            let done = delete
                .success_code()
                .map_or("[200, 204]".to_owned(), |c| c.to_string());
            let _ = writeln!(text, "        expect: {{status: {done}}}");
        }
        text
    }
}

/// `petId` -> `PET_ID`.
fn env_name(name: &str) -> String {
    let mut out = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if c.is_ascii_uppercase() && prev_lower {
            out.push('_');
        }
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_uppercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Document {
        let value = serde_json::json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "security": [{"oauth": ["read"]}],
            "paths": {
                "/open": {"get": {"operationId": "open", "security": [], "responses": {"204": {"description": "ok"}}}},
                "/maybe": {"get": {"operationId": "maybe", "security": [{}, {"oauth": ["read"]}], "responses": {"200": {"description": "ok"}}}},
                "/things": {"post": {"operationId": "make", "security": [{"oauth": ["write"]}],
                    "requestBody": {"content": {"application/json": {"schema": {"type": "object", "required": ["n"], "properties": {"n": {"type": "integer", "minimum": 2}}}}}},
                    "responses": {"201": {"description": "made"}}}},
                "/things/{id}": {"get": {"operationId": "one", "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                    "responses": {"200": {"description": "ok"}, "404": {"description": "none"}}}}
            },
            "components": {"securitySchemes": {"oauth": {"type": "oauth2", "flows": {"clientCredentials": {"tokenUrl": "https://x/token", "scopes": {"read": "r", "write": "w"}}}}}}
        });
        crate::openapi::model::from_value(std::path::Path::new("t.yaml"), value).unwrap()
    }

    #[test]
    fn a_documented_challenge_becomes_www_authenticate() {
        let header = |example: Option<&str>| {
            let mut header = serde_json::json!({"schema": {"type": "string"}});
            if let Some(e) = example {
                header["example"] = e.into();
            }
            let value = serde_json::json!({
                "openapi": "3.1.0",
                "info": {"title": "t", "version": "1"},
                "security": [{"oauth": ["read"]}],
                "paths": {
                    "/a": {"get": {"responses": {"200": {"description": "ok"}, "401": {"$ref": "#/components/responses/Unauthorized"}}}},
                    "/b": {"get": {"responses": {"200": {"description": "ok"}, "401": {"description": "no header"}}}},
                    "/c": {"get": {"security": [{"key": []}], "responses": {"200": {"description": "ok"}, "401": {"$ref": "#/components/responses/Unauthorized"}}}}
                },
                "components": {
                    "responses": {"Unauthorized": {"description": "no", "headers": {"www-authenticate": header}}},
                    "securitySchemes": {
                        "oauth": {"type": "oauth2", "flows": {"clientCredentials": {"tokenUrl": "https://x/token", "scopes": {"read": "r"}}}},
                        "key": {"type": "apiKey", "in": "header", "name": "X-Key"}
                    }
                }
            });
            let doc =
                crate::openapi::model::from_value(std::path::Path::new("t.yaml"), value).unwrap();
            let ids = [Identity {
                name: "u".into(),
                scopes: Some(vec!["read".into()]),
            }];
            let out = scaffold(&doc, "t.yaml", &ids, &|_| true);
            out.suites
                .iter()
                .map(|s| s.text.clone())
                .collect::<String>()
        };
        let with_error = header(Some(r#"Bearer realm="api", error="invalid_token""#));
        let block = "    negative_auth:         # broken tokens of a real identity, each expecting 401\n      trials: all\n      www_authenticate: {scheme: Bearer, error: invalid_token}";
        assert_eq!(with_error.matches(block).count(), 1, "{with_error}");
        // The undocumented 401 and the API-key operation keep the short form.
        assert_eq!(
            with_error.matches("negative_auth: all ").count(),
            2,
            "{with_error}"
        );
        let bare = header(None);
        assert!(
            bare.contains("      www_authenticate: Bearer   #"),
            "{bare}"
        );
        // What the example names is written only when it is a plain word.
        let odd = header(Some(r#"Bearer error="&anchor""#));
        assert!(odd.contains("      www_authenticate: Bearer   #"), "{odd}");
    }

    #[test]
    fn matrices_follow_the_security_and_the_fixtures_scopes() {
        let ids = [
            Identity {
                name: "reader".into(),
                scopes: Some(vec!["read".into()]),
            },
            Identity {
                name: "writer".into(),
                scopes: Some(vec!["read".into(), "write".into()]),
            },
        ];
        let out = scaffold(&doc(), "t.yaml", &ids, &|_| true);
        let text: String = out.suites.iter().map(|s| s.text.clone()).collect();
        // Public: `none` alone, with the documented success.
        assert!(text.contains("name: \"open\"\n    request:\n      method: GET\n      url: \"/open\"\n    expect:\n      status:\n        \"none\": 204\n      snapshot: false\n"), "{text}");
        // Optional: everyone succeeds, no broken-token trials.
        assert!(text.contains("        \"none\": 200\n        \"reader\": 200\n        \"writer\": 200\n      snapshot: false\n"), "{text}");
        let maybe = &out.suites.iter().find(|s| s.stem == "maybe").unwrap().text;
        assert!(!maybe.contains("negative_auth"), "{maybe}");
        // Secured: 401, 403 for the reader (no `write`), success for the writer; a minimal body.
        assert!(text.contains("json: {\"n\":2}\n    expect:\n      status:\n        \"none\": 401\n        \"reader\": 403\n        \"writer\": 201\n      snapshot: false\n    negative_auth: all"), "{text}");
        // No example for the id: a variable, listed; 404 accepted.
        assert!(text.contains("url: \"/things/${ID}\""), "{text}");
        assert!(text.contains("        \"reader\": [200, 404]\n"), "{text}");
        assert!(out.vars.contains("ID"));
        // The object-level test needs two identities that may create and read: only the writer may.
        assert!(
            out.uninferred
                .iter()
                .any(|l| l.contains("no object-level test for `/things`")),
            "{:?}",
            out.uninferred
        );
    }

    #[test]
    fn names() {
        assert_eq!(env_name("petId"), "PET_ID");
        assert_eq!(env_name("x-api-key"), "X_API_KEY");
        assert_eq!(slug("Pet Store!"), "pet-store");
        assert_eq!(slug("///"), "api");
    }
}
