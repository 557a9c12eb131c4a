//! One Postman request -> a gatecheck request: method, URL, query, headers,
//! body and how it authenticates. Pure; problems are pushed as warnings.

use indexmap::IndexMap;
use serde_json::Value as Json;

use super::postman::{self, Auth, KeyValue, Url};
use super::scripts::Checks;
use super::vars::{Templated, env_name, looks_secret, looks_secret_value, template, upper_snake};

/// A converted request, before it is placed in a suite.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Req {
    /// The Postman request name (the test name).
    pub name: String,
    pub method: String,
    pub url: String,
    pub query: IndexMap<String, Json>,
    pub headers: IndexMap<String, String>,
    pub body: Option<(&'static str, Json)>,
    /// Authenticated with a bearer token (`Bearer {{token}}` or a bearer/oauth2 auth).
    pub bearer: Option<String>,
    /// The `oauth2` auth block it uses.
    pub oauth2: Option<Auth>,
    /// Basic auth: (username, password) as templates or `${ENV}`.
    pub basic: Option<(String, String)>,
    /// The request's place: `Folder / Request`.
    pub label: String,
    /// The index of its suite (top-level folder) in the collection.
    pub suite: usize,
    /// `${ENV}` names it reads secrets from.
    pub secret_envs: Vec<String>,
    pub checks: Checks,
    /// The request had a test script.
    pub had_tests: bool,
    /// Variables it uses (URL, query, headers, body, expectations).
    pub uses: Vec<String>,
    /// `# ...` lines written above the test.
    pub comments: Vec<String>,
    /// What could not be converted (reported only if the request is kept).
    pub warnings: Vec<String>,
    /// Sent by the next request's pre-request script (`pm.sendRequest`):
    /// it runs just before that request, in one test with it.
    pub with_next: bool,
    /// Sent by the previous request's test script: it runs just after it.
    pub with_previous: bool,
}

/// Collects what templating finds, and warns about approximations.
pub struct Ctx<'a> {
    pub label: &'a str,
    pub uses: Vec<String>,
    pub warnings: &'a mut Vec<String>,
    pub secret_envs: Vec<String>,
}

impl Ctx<'_> {
    /// A value under `key`: a literal credential (by the key's name or the
    /// value's shape) becomes `${KEY}`, anything else a template.
    pub fn value(&mut self, key: &str, value: &str) -> String {
        let literal = !value.contains("{{") && !value.trim().is_empty();
        if literal && (looks_secret(key) || looks_secret_value(value)) {
            let env = if key.trim().is_empty() || upper_snake(key).is_empty() {
                "API_SECRET".to_owned()
            } else {
                env_name(key)
            };
            self.warnings.push(format!(
                "request `{}`: the value of `{key}` looks like a credential; it is read from ${{{env}}} (not written)",
                self.label
            ));
            self.secret_envs.push(env.clone());
            return format!("${{{env}}}");
        }
        self.text(value)
    }

    pub fn text(&mut self, text: &str) -> String {
        let Templated {
            text,
            names,
            approximated,
        } = template(text);
        self.uses.extend(names);
        for name in approximated {
            self.warnings.push(format!(
                "request `{}`: `{{{{{name}}}}}` has no gatecheck equivalent; replaced with `{{{{ $uuid }}}}`",
                self.label
            ));
        }
        text
    }

    fn json(&mut self, value: Json) -> Json {
        match value {
            Json::String(s) => Json::String(self.text(&s)),
            Json::Array(items) => Json::Array(items.into_iter().map(|v| self.json(v)).collect()),
            Json::Object(map) => Json::Object(
                map.into_iter()
                    .map(|(k, v)| {
                        let v = match v {
                            Json::String(s) => Json::String(self.value(&k, &s)),
                            other => self.json(other),
                        };
                        (self.text(&k), v)
                    })
                    .collect(),
            ),
            other => other,
        }
    }
}

/// Converts a request; `auth` is the inherited folder/collection auth.
pub fn convert(
    label: &str,
    name: &str,
    request: &postman::Request,
    auth: Option<&Auth>,
    warnings: &mut Vec<String>,
) -> Req {
    let mut cx = Ctx {
        label,
        uses: Vec::new(),
        warnings,
        secret_envs: Vec::new(),
    };
    let mut req = Req {
        name: name.to_owned(),
        method: request
            .method
            .as_deref()
            .unwrap_or("GET")
            .to_ascii_uppercase(),
        ..Req::default()
    };
    url(&mut cx, request.url.as_ref(), &mut req);
    req.body = request.body.as_ref().and_then(|b| body(&mut cx, b));
    headers(&mut cx, &request.header.0, &mut req);
    let auth = match &request.auth {
        Some(a) if a.kind != "inherit" => Some(a),
        _ => auth,
    };
    if let Some(auth) = auth {
        apply_auth(&mut cx, auth, &mut req);
    }
    req.uses = cx.uses;
    req.secret_envs = cx.secret_envs;
    req.label = label.to_owned();
    req
}

fn url(cx: &mut Ctx<'_>, url: Option<&Url>, req: &mut Req) {
    let (raw, query, variables) = match url {
        None => (String::new(), &[][..], &[][..]),
        Some(Url::Raw(raw)) => (raw.clone(), &[][..], &[][..]),
        Some(Url::Parts(parts)) => {
            let raw = parts.raw.clone().unwrap_or_else(|| build_raw(parts));
            let raw = if parts.query.is_empty() {
                raw
            } else {
                raw.split('?').next().unwrap_or_default().to_owned()
            };
            (raw, &parts.query[..], &parts.variable[..])
        }
    };
    let mut raw = raw;
    for var in variables {
        let value = var.text();
        let replacement = if value.is_empty() {
            format!("{{{{{}}}}}", var.key)
        } else {
            value
        };
        raw = replace_path_var(&raw, &var.key, &replacement);
    }
    req.url = url_text(cx, &with_scheme(&raw));
    for q in query.iter().filter(|q| !q.disabled) {
        let value = Json::String(cx.value(&q.key, &q.text()));
        if req.query.insert(cx.text(&q.key), value).is_some() {
            cx.warnings.push(format!(
                "request `{}`: query parameter `{}` is repeated; only the last value is kept",
                cx.label, q.key
            ));
        }
    }
}

/// A URL as written: templated, with credentials in it read from the
/// environment instead (a password in `https://user:PASS@host`, a
/// `?access_token=...` or other secret-looking query value).
fn url_text(cx: &mut Ctx<'_>, raw: &str) -> String {
    let (address, query) = match raw.split_once('?') {
        Some((address, query)) => (address, Some(query)),
        None => (raw, None),
    };
    let mut out = userinfo_text(cx, address);
    if let Some(query) = query {
        let (query, fragment) = match query.split_once('#') {
            Some((q, f)) => (q, Some(f)),
            None => (query, None),
        };
        out.push('?');
        let pairs: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((key, value)) => format!("{}={}", cx.text(key), cx.value(key, value)),
                None => cx.text(pair),
            })
            .collect();
        out.push_str(&pairs.join("&"));
        if let Some(fragment) = fragment {
            out.push('#');
            out.push_str(&cx.text(fragment));
        }
    }
    out
}

/// `scheme://user:PASS@host/path` with the password read from the environment.
fn userinfo_text(cx: &mut Ctx<'_>, address: &str) -> String {
    let split = address.find("://").and_then(|start| {
        let authority_start = start + 3;
        let authority_end = address[authority_start..]
            .find('/')
            .map_or(address.len(), |i| authority_start + i);
        let at = address[authority_start..authority_end].rfind('@')? + authority_start;
        let (user, pass) = address[authority_start..at].split_once(':')?;
        Some((authority_start, user, pass, at))
    });
    match split {
        Some((start, user, pass, at)) if !pass.is_empty() && !pass.contains("{{") => {
            let password = cx.value("password", pass);
            format!(
                "{}{}:{password}{}",
                cx.text(&address[..start]),
                cx.text(user),
                cx.text(&address[at..])
            )
        }
        _ => cx.text(address),
    }
}

/// `localhost:5000/x` -> `http://localhost:5000/x`: Postman sends a URL
/// without a scheme over plain HTTP.
fn with_scheme(raw: &str) -> String {
    let t = raw.trim();
    if t.is_empty() || t.starts_with("{{") || t.starts_with('/') || t.contains("://") {
        return raw.to_owned();
    }
    let host = t.split(['/', '?', '#']).next().unwrap_or_default();
    let name = match host.rsplit_once(':') {
        Some((h, port)) if port.chars().all(|c| c.is_ascii_digit()) => h,
        _ => host,
    };
    let is_host = name.eq_ignore_ascii_case("localhost")
        || (name.contains('.') && !name.contains("{{"))
        || name.starts_with('[');
    if is_host && !host.contains('@') {
        format!("http://{t}")
    } else {
        raw.to_owned()
    }
}

/// `/todos/:id` with `id` -> `/todos/<value>`.
fn replace_path_var(url: &str, key: &str, value: &str) -> String {
    let pattern = format!("/:{key}");
    let mut out = String::new();
    let mut rest = url;
    while let Some(i) = rest.find(&pattern) {
        let after = &rest[i + pattern.len()..];
        out.push_str(&rest[..i]);
        if after.is_empty() || after.starts_with(['/', '?', '#']) {
            out.push('/');
            out.push_str(value);
        } else {
            out.push_str(&pattern);
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

fn build_raw(parts: &postman::UrlParts) -> String {
    let join = |v: &Option<Json>, sep: &str| match v {
        Some(Json::Array(items)) => items
            .iter()
            .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_owned))
            .collect::<Vec<_>>()
            .join(sep),
        Some(Json::String(s)) => s.clone(),
        _ => String::new(),
    };
    let mut raw = String::new();
    if let Some(protocol) = &parts.protocol {
        raw.push_str(&format!("{protocol}://"));
    }
    raw.push_str(&join(&parts.host, "."));
    if let Some(port) = &parts.port {
        raw.push_str(&format!(":{port}"));
    }
    let path = join(&parts.path, "/");
    if !path.is_empty() {
        raw.push('/');
        raw.push_str(&path);
    }
    raw
}

fn body(cx: &mut Ctx<'_>, body: &postman::Body) -> Option<(&'static str, Json)> {
    if body.disabled {
        return None;
    }
    match body.mode.as_deref()? {
        "raw" => {
            let raw = body.raw.as_deref().unwrap_or_default();
            if raw.trim().is_empty() {
                return None;
            }
            match serde_json::from_str::<Json>(raw) {
                Ok(json) => Some(("json", cx.json(json))),
                Err(_) => Some(("body", Json::String(cx.text(raw)))),
            }
        }
        "urlencoded" => Some(("form", form(cx, &body.urlencoded))),
        "formdata" => {
            for file in body
                .formdata
                .iter()
                .filter(|f| !f.disabled && f.kind.as_deref() == Some("file"))
            {
                cx.warnings.push(format!(
                    "request `{}`: form-data file field `{}` is not converted (gatecheck sends no files)",
                    cx.label, file.key
                ));
            }
            let text: Vec<KeyValue> = body
                .formdata
                .iter()
                .filter(|f| f.kind.as_deref() != Some("file"))
                .cloned()
                .collect();
            Some(("form", form(cx, &text)))
        }
        "graphql" => {
            let gql = body.graphql.clone().unwrap_or_default();
            let variables = gql
                .variables
                .as_deref()
                .filter(|v| !v.trim().is_empty())
                .and_then(|v| serde_json::from_str::<Json>(v).ok())
                .unwrap_or(Json::Object(Default::default()));
            let json = serde_json::json!({"query": gql.query, "variables": variables});
            Some(("json", cx.json(json)))
        }
        other => {
            cx.warnings.push(format!(
                "request `{}`: body mode `{other}` is not converted",
                cx.label
            ));
            None
        }
    }
}

fn form(cx: &mut Ctx<'_>, fields: &[KeyValue]) -> Json {
    let mut map = serde_json::Map::new();
    for f in fields.iter().filter(|f| !f.disabled) {
        let value = cx.value(&f.key, &f.text());
        map.insert(cx.text(&f.key), Json::String(value));
    }
    Json::Object(map)
}

fn headers(cx: &mut Ctx<'_>, headers: &[KeyValue], req: &mut Req) {
    for h in headers.iter().filter(|h| !h.disabled) {
        let value = h.text();
        if h.key.eq_ignore_ascii_case("authorization")
            && let Some(token) = strip_bearer(&value)
        {
            req.bearer = Some(token.to_owned());
            continue;
        }
        let typed_body = matches!(req.body, Some(("json" | "form", _)));
        if typed_body && h.key.eq_ignore_ascii_case("content-type") {
            continue; // gatecheck sets it for `json:` and `form:`
        }
        let value = cx.value(&h.key, &value);
        req.headers.insert(cx.text(&h.key), value);
    }
}

fn strip_bearer(value: &str) -> Option<&str> {
    let value = value.trim();
    let (scheme, token) = value.split_once(char::is_whitespace)?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

fn apply_auth(cx: &mut Ctx<'_>, auth: &Auth, req: &mut Req) {
    match auth.kind.as_str() {
        "noauth" => {}
        "bearer" => req.bearer = Some(auth.param("token").unwrap_or_default()),
        "oauth2" => {
            req.oauth2 = Some(auth.clone());
            req.bearer = Some(String::new());
        }
        "basic" => {
            let user = auth.param("username").unwrap_or_default();
            let pass = auth.param("password").unwrap_or_default();
            let user = cx.value("username", &user);
            let pass = if pass.contains("{{") {
                cx.text(&pass)
            } else {
                cx.value("password", &pass)
            };
            req.basic = Some((user, pass));
        }
        "apikey" => apikey(cx, auth, req),
        other => cx.warnings.push(format!(
            "request `{}`: auth type `{other}` is not converted; the request is sent without it",
            cx.label
        )),
    }
}

fn apikey(cx: &mut Ctx<'_>, auth: &Auth, req: &mut Req) {
    let key = auth.param("key").unwrap_or_else(|| "X-API-Key".into());
    let value = auth.param("value").unwrap_or_default();
    let value = if value.contains("{{") {
        cx.text(&value)
    } else {
        let env = env_name(&key);
        cx.secret_envs.push(env.clone());
        cx.warnings.push(format!(
            "request `{}`: the API key `{key}` is read from ${{{env}}} (its value is not written)",
            cx.label
        ));
        format!("${{{env}}}")
    };
    if auth.param("in").as_deref() == Some("query") {
        req.query.insert(key, Json::String(value));
    } else {
        req.headers.insert(key, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn req(json: Json) -> (Req, Vec<String>) {
        let request: postman::Request = serde_json::from_value(json).unwrap();
        let mut warnings = Vec::new();
        let req = convert("r", "r", &request, None, &mut warnings);
        (req, warnings)
    }

    #[test]
    fn structured_urls_headers_and_json_bodies() {
        let (r, w) = req(json!({
            "method": "post",
            "url": {"raw": "{{baseUrl}}/todos/:id?x=1", "host": ["{{baseUrl}}"], "path": ["todos", ":id"],
                    "query": [{"key": "x", "value": "1"}, {"key": "off", "value": "2", "disabled": true}],
                    "variable": [{"key": "id", "value": "{{todoId}}"}]},
            "header": [{"key": "Content-Type", "value": "application/json"},
                       {"key": "Authorization", "value": "Bearer {{accessToken}}"},
                       {"key": "X-Off", "value": "1", "disabled": true}],
            "body": {"mode": "raw", "raw": "{\"title\": \"{{title}}\"}"}
        }));
        assert!(w.is_empty());
        assert_eq!(r.method, "POST");
        assert_eq!(r.url, "{{ baseUrl }}/todos/{{ todoId }}");
        assert_eq!(r.query["x"], json!("1"));
        assert!(r.headers.is_empty(), "{:?}", r.headers);
        assert_eq!(r.bearer.as_deref(), Some("{{accessToken}}"));
        assert_eq!(r.body, Some(("json", json!({"title": "{{ title }}"}))));
        assert_eq!(r.uses, ["baseUrl", "todoId", "title"]);
    }

    #[test]
    fn a_host_without_a_scheme_is_sent_over_http() {
        assert_eq!(
            with_scheme("localhost:5000/api"),
            "http://localhost:5000/api"
        );
        assert_eq!(
            with_scheme("api.example.com/v1?x=1"),
            "http://api.example.com/v1?x=1"
        );
        assert_eq!(with_scheme("https://a.example/x"), "https://a.example/x");
        assert_eq!(with_scheme("{{baseUrl}}/x"), "{{baseUrl}}/x");
        assert_eq!(with_scheme("about:blank"), "about:blank");
        let (r, _) = req(
            json!({"method": "GET", "url": {"raw": "localhost:5000/users",
            "host": ["localhost"], "port": "5000", "path": ["users"]}}),
        );
        assert_eq!(r.url, "http://localhost:5000/users");
    }

    #[test]
    fn other_bodies() {
        let (r, _) =
            req(json!({"url": "http://h/x", "body": {"mode": "raw", "raw": "{\"n\": {{n}}}"}}));
        assert_eq!(r.body, Some(("body", json!("{\"n\": {{ n }}}"))));
        let (r, _) = req(
            json!({"url": "http://h/x", "body": {"mode": "urlencoded", "urlencoded": [{"key": "a", "value": "1"}]}}),
        );
        assert_eq!(r.body, Some(("form", json!({"a": "1"}))));
        let (r, w) = req(
            json!({"url": "http://h/x", "body": {"mode": "formdata", "formdata": [
            {"key": "a", "value": "1", "type": "text"}, {"key": "f", "src": "/tmp/x", "type": "file"}]}}),
        );
        assert_eq!(r.body, Some(("form", json!({"a": "1"}))));
        assert_eq!(
            w,
            ["request `r`: form-data file field `f` is not converted (gatecheck sends no files)"]
        );
        let (r, _) = req(
            json!({"url": "http://h/g", "body": {"mode": "graphql", "graphql": {"query": "{ me { id } }", "variables": "{\"a\": 1}"}}}),
        );
        assert_eq!(
            r.body,
            Some((
                "json",
                json!({"query": "{ me { id } }", "variables": {"a": 1}})
            ))
        );
    }

    #[test]
    fn auth_kinds() {
        let (r, _) = req(
            json!({"url": "http://h/x", "auth": {"type": "bearer", "bearer": [{"key": "token", "value": "{{tok}}"}]}}),
        );
        assert_eq!(r.bearer.as_deref(), Some("{{tok}}"));
        let (r, w) = req(
            json!({"url": "http://h/x", "auth": {"type": "apikey", "apikey": [{"key": "key", "value": "X-Api-Key"}, {"key": "value", "value": "abc123"}]}}),
        );
        assert_eq!(r.headers["X-Api-Key"], "${X_API_KEY}");
        assert_eq!(w.len(), 1);
        let (r, _) = req(
            json!({"url": "http://h/x", "auth": {"type": "basic", "basic": [{"key": "username", "value": "{{user}}"}, {"key": "password", "value": "{{pass}}"}]}}),
        );
        assert_eq!(r.basic, Some(("{{ user }}".into(), "{{ pass }}".into())));
        let (r, w) = req(json!({"url": "http://h/x",
            "header": [{"key": "Authorization", "value": "Basic YWJjMTIzOnNzaC1zZWNyZXQ="}],
            "body": {"mode": "urlencoded", "urlencoded": [{"key": "client_secret", "value": "ssh-secret"}, {"key": "scope", "value": "api"}]}}));
        assert_eq!(r.headers["Authorization"], "${AUTHORIZATION}");
        assert_eq!(
            r.body,
            Some((
                "form",
                json!({"client_secret": "${CLIENT_SECRET}", "scope": "api"})
            ))
        );
        assert_eq!(r.secret_envs, ["CLIENT_SECRET", "AUTHORIZATION"]);
        assert_eq!(w.len(), 2, "{w:?}");
    }
}
