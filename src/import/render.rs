//! Converted suites -> YAML text, keys in a readable order (name, auth,
//! request, expect, capture), one blank line between tests, and the
//! not-converted parts as comments above their test.

use indexmap::IndexMap;
use serde_json::{Map, Value as Json, json};

use super::request::Req;

/// A suite ready to be written.
#[derive(Debug, Clone)]
pub struct SuiteOut {
    pub name: String,
    pub base_url: Option<String>,
    pub auth: Option<String>,
    pub vars: IndexMap<String, Json>,
    pub tests: Vec<TestOut>,
}

/// One test: a single request, or several run as `steps`.
#[derive(Debug, Clone)]
pub struct TestOut {
    pub name: String,
    pub auth: Option<String>,
    pub steps: Vec<Req>,
}

pub fn suite(suite: &SuiteOut) -> String {
    let mut header = Map::new();
    header.insert("name".into(), json!(literal(&suite.name)));
    if let Some(base) = &suite.base_url {
        header.insert("base_url".into(), json!(base));
    }
    if let Some(auth) = &suite.auth {
        header.insert("auth".into(), json!(auth));
    }
    if !suite.vars.is_empty() {
        header.insert(
            "vars".into(),
            Json::Object(suite.vars.clone().into_iter().collect()),
        );
    }
    let mut text = String::from("# yaml-language-server: $schema=../schema/suite.schema.json\n");
    text.push_str("# Imported from a Postman collection by `gatecheck import postman`.\n");
    text.push_str(&yaml(&Json::Object(header)));
    text.push_str("\ntests:\n");
    for (i, test) in suite.tests.iter().enumerate() {
        if i > 0 {
            text.push('\n');
        }
        for step in &test.steps {
            for comment in &step.comments {
                let who = if test.steps.len() > 1 {
                    format!("{}: ", step.name)
                } else {
                    String::new()
                };
                text.push_str(&format!("  # {who}{}\n", comment.replace('\n', " ")));
            }
        }
        text.push_str(&list_item(&test_value(test), "  "));
    }
    text
}

fn test_value(test: &TestOut) -> Json {
    let mut map = Map::new();
    map.insert("name".into(), json!(literal(&test.name)));
    if let Some(auth) = &test.auth {
        map.insert("auth".into(), json!(auth));
    }
    if let [step] = test.steps.as_slice() {
        step_fields(step, &mut map);
    } else {
        let steps = test
            .steps
            .iter()
            .map(|s| {
                let mut m = Map::new();
                m.insert("name".into(), json!(literal(&s.name)));
                step_fields(s, &mut m);
                Json::Object(m)
            })
            .collect();
        map.insert("steps".into(), Json::Array(steps));
    }
    Json::Object(map)
}

fn step_fields(req: &Req, map: &mut Map<String, Json>) {
    map.insert("request".into(), request(req));
    if let Some(expect) = expect(req) {
        map.insert("expect".into(), expect);
    }
    if let Some((username, password)) = &req.basic {
        let request = map.get_mut("request").and_then(Json::as_object_mut);
        if let Some(request) = request {
            request.insert(
                "basic_auth".into(),
                json!({"username": username, "password": password}),
            );
        }
    }
    if !req.checks.captures.is_empty() {
        let captures = req
            .checks
            .captures
            .iter()
            .map(|(k, v)| (k.clone(), json!(v)));
        map.insert("capture".into(), Json::Object(captures.collect()));
    }
}

fn request(req: &Req) -> Json {
    let mut map = Map::new();
    if req.method != "GET" {
        map.insert("method".into(), json!(req.method));
    }
    map.insert("url".into(), json!(req.url));
    if !req.query.is_empty() {
        map.insert(
            "query".into(),
            Json::Object(req.query.clone().into_iter().collect()),
        );
    }
    if !req.headers.is_empty() {
        let headers = req.headers.iter().map(|(k, v)| (k.clone(), json!(v)));
        map.insert("headers".into(), Json::Object(headers.collect()));
    }
    if let Some((kind, body)) = &req.body {
        map.insert((*kind).into(), body.clone());
    }
    Json::Object(map)
}

/// The expectations; none (gatecheck's defaults, with a snapshot) when the
/// request had no tests.
fn expect(req: &Req) -> Option<Json> {
    if !req.had_tests {
        return holds_credentials(&req.url).then(|| json!({"snapshot": false}));
    }
    let checks = &req.checks;
    let mut map = Map::new();
    if let Some(status) = &checks.status {
        map.insert("status".into(), status.clone());
    }
    if !checks.headers.is_empty() {
        map.insert(
            "headers".into(),
            Json::Object(
                checks
                    .headers
                    .iter()
                    .map(|(k, v)| (k.clone(), literal_json(v)))
                    .collect(),
            ),
        );
    }
    if !checks.json.is_empty() {
        map.insert(
            "json".into(),
            Json::Object(checks.json.clone().into_iter().collect()),
        );
    }
    if let Some(d) = &checks.max_duration {
        map.insert("max_duration".into(), json!(d));
    }
    map.insert("snapshot".into(), json!(false));
    Some(Json::Object(map))
}

/// Login, token and session endpoints answer with credentials: no snapshot
/// of them is recorded.
fn holds_credentials(url: &str) -> bool {
    static AUTH: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"(?i)/(?:authn|token|authorize|introspect|revoke|login|sessions?|authenticate|userinfo|factors?)(?:/|\?|$)",
        )
        .expect("valid regex")
    });
    AUTH.is_match(url)
}

/// `text` as a YAML value that the loader does not expand: every `${` that
/// is not already written `$${` becomes `$${` (a hostile collection's
/// `${SECRET}` in a name would otherwise pull the environment into test
/// names and reports).
fn literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("${") {
        out.push_str(&rest[..i]);
        if !out.ends_with('$') {
            out.push('$');
        }
        out.push_str("${");
        rest = &rest[i + 2..];
    }
    out.push_str(rest);
    out
}

/// [`literal`] in every string of an expected value.
fn literal_json(value: &Json) -> Json {
    match value {
        Json::String(s) => Json::String(literal(s)),
        Json::Array(items) => Json::Array(items.iter().map(literal_json).collect()),
        Json::Object(map) => Json::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), literal_json(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// The `{{ }}` names a step uses (request and expectations).
pub fn names(req: &Req) -> Vec<String> {
    let mut out = Vec::new();
    let mut value = Map::new();
    step_fields(req, &mut value);
    value.remove("capture");
    // Converted text is well-formed: `{{` always has its `}}`.
    let _ = crate::suite::template::names_in_json(&Json::Object(value), &mut out);
    out
}

fn yaml(value: &Json) -> String {
    serde_yaml::to_string(value).unwrap_or_default()
}

/// A value as an item of a block list, indented.
fn list_item(value: &Json, indent: &str) -> String {
    let mut out = String::new();
    for (i, line) in yaml(value).lines().enumerate() {
        let lead = if i == 0 { "- " } else { "  " };
        out.push_str(&format!("{indent}{lead}{line}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_suite_reads_in_order() {
        let mut req = Req {
            name: "create".into(),
            method: "POST".into(),
            url: "/todos".into(),
            body: Some(("json", json!({"title": "{{ title }}"}))),
            had_tests: true,
            comments: vec!["not converted (test line 3): foo()".into()],
            ..Req::default()
        };
        req.checks.status = Some(json!(201));
        req.checks.captures.insert("id".into(), "$.id".into());
        let suite = SuiteOut {
            name: "Todos".into(),
            base_url: Some("${API_URL:-https://api.example.com}".into()),
            auth: Some("user".into()),
            vars: [("title".to_owned(), json!("milk"))].into_iter().collect(),
            tests: vec![TestOut {
                name: "create".into(),
                auth: None,
                steps: vec![req],
            }],
        };
        let text = super::suite(&suite);
        let expected = "\
# yaml-language-server: $schema=../schema/suite.schema.json
# Imported from a Postman collection by `gatecheck import postman`.
name: Todos
base_url: ${API_URL:-https://api.example.com}
auth: user
vars:
  title: milk

tests:
  # not converted (test line 3): foo()
  - name: create
    request:
      method: POST
      url: /todos
      json:
        title: '{{ title }}'
    expect:
      status: 201
      snapshot: false
    capture:
      id: $.id
";
        assert_eq!(text, expected);
    }

    #[test]
    fn credential_endpoints_record_no_snapshot() {
        let req = |url: &str| Req {
            url: url.into(),
            ..Req::default()
        };
        assert_eq!(
            expect(&req("/api/v1/authn")),
            Some(json!({"snapshot": false}))
        );
        assert_eq!(
            expect(&req("/oauth2/default/v1/token?x=1")),
            Some(json!({"snapshot": false}))
        );
        assert_eq!(expect(&req("/api/todos")), None);
        assert_eq!(expect(&req("/api/tokens-report")), None);
    }
}
