//! The logins of a collection -> login fixtures: the Okta authn recipe, token
//! requests (`grant_type` client_credentials, password, refresh_token,
//! authorization_code) and `oauth2` auth blocks each become the fixture kind
//! that does the same job; the requests that fetched tokens are dropped.
//! Pure.

use std::collections::{BTreeSet, HashMap};
use std::sync::LazyLock;

use indexmap::IndexMap;
use regex::Regex;
use serde_json::Value as Json;

use super::okta::{self, Recipe};
use super::okta_fixture;
use super::request::Req;
use super::vars::{VarDef, looks_secret, looks_secret_value, upper_snake};

/// A fixture to write: `fixtures/<name>.yaml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fixture {
    pub name: String,
    pub kind: &'static str,
    pub text: String,
}

/// The fixtures found, and which requests they replace.
#[derive(Debug, Default)]
pub struct Logins {
    pub fixtures: Vec<Fixture>,
    /// Indexes (in the list given to [`find`]) of requests a fixture replaces.
    pub dropped: BTreeSet<usize>,
    /// Token variable -> identity.
    pub by_var: HashMap<String, String>,
    /// An `oauth2` auth block (as JSON text) -> identity.
    pub by_block: HashMap<String, String>,
}

static OKTA_TOKEN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(.*?)/oauth2/(?:([^/]+)/)?v1/token/?(?:\?.*)?$").expect("valid regex")
});
static OKTA_AUTHORIZE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(.*?)/oauth2/(?:([^/]+)/)?v1/authorize/?(?:\?.*)?$").expect("valid regex")
});
/// The browser steps of an authorization code login.
static CODE_STEP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)/(?:authorize|login|consent|decision)(?:/|\?|$)").expect("valid regex")
});

/// Finds the logins of `reqs` (all requests, in collection order).
pub fn find(reqs: &[&Req], vars: &IndexMap<String, VarDef>, warnings: &mut Vec<String>) -> Logins {
    let mut logins = Logins::default();
    let resolve = |name: &str| clear(vars, name);
    // Identity Engine's interaction code flow first: a collection that
    // scripts it may also hold parts of the Classic recipe.
    let idx = super::okta_idx::find(reqs);
    if let Some(recipe) = &idx {
        idx_recipe(reqs, recipe, &resolve, &mut logins);
    }
    auth0_recipe(reqs, vars, &mut logins);
    match okta::find(reqs) {
        Ok(Some(recipe)) if idx.is_none() => {
            okta_recipe(reqs, &recipe, &resolve, &mut logins, warnings)
        }
        Ok(_) => {}
        Err(e) => warnings.extend(idx.is_none().then_some(e)),
    }
    for signin in super::cognito::find(reqs) {
        cognito_signin(signin, vars, &mut logins, warnings);
    }
    for (i, req) in reqs.iter().enumerate() {
        if logins.dropped.contains(&i) {
            continue;
        }
        if let Some(grant) = grant_type(req, &resolve) {
            token_request(reqs, i, &grant, vars, &mut logins, warnings);
        }
    }
    for req in reqs {
        if let Some(block) = &req.oauth2 {
            oauth2_block(block, vars, &mut logins, warnings);
        }
    }
    logins
}

impl Logins {
    /// The identity a request authenticates as: `Some(None)` for a bearer
    /// token no fixture provides, `None` when it sends no token.
    pub fn identity(&self, req: &Req) -> Option<Option<String>> {
        if let Some(block) = &req.oauth2 {
            return Some(self.by_block.get(&block_key(block)).cloned());
        }
        let token = req.bearer.as_deref()?;
        let var = single_var(token);
        Some(
            var.and_then(|v| self.by_var.get(&v).cloned())
                .or_else(|| self.default_identity()),
        )
    }

    /// A bearer token the collection obtains some other way (a script) is
    /// taken to be the first fixture's.
    fn default_identity(&self) -> Option<String> {
        self.fixtures.first().map(|f| f.name.clone())
    }

    fn name_for(&self, kind: &str) -> String {
        let taken = |n: &str| self.fixtures.iter().any(|f| f.name == n);
        let base = match kind {
            "client-credentials" => "service",
            _ if !taken("user") => "user",
            "password" => "password-user",
            "refresh-token" => "refresh",
            "cognito" => "cognito-user",
            _ => "pkce-user",
        };
        let mut name = base.to_owned();
        let mut n = 2;
        while taken(&name) {
            name = format!("{base}{n}");
            n += 1;
        }
        name
    }
}

fn okta_recipe(
    reqs: &[&Req],
    recipe: &Recipe,
    resolve: &dyn Fn(&str) -> Option<String>,
    logins: &mut Logins,
    warnings: &mut Vec<String>,
) {
    if recipe.token_var.is_none() {
        warnings.push("the Okta token request stores no `access_token`; requests with `Authorization: Bearer ...` use `auth: user`".into());
    }
    logins.fixtures.push(Fixture {
        name: "user".into(),
        kind: "okta-pkce",
        text: okta::fixture(reqs, recipe, resolve),
    });
    logins
        .dropped
        .extend([recipe.authn, recipe.authorize, recipe.token]);
    if let Some(var) = &recipe.token_var {
        logins.by_var.insert(var.clone(), "user".into());
    }
}

/// Identity Engine's interaction code flow (`/v1/interact`, `/idp/idx/...`,
/// `/v1/token` with `interaction_code`) becomes an `okta-idx` fixture.
fn idx_recipe(
    reqs: &[&Req],
    recipe: &super::okta_idx::IdxRecipe,
    resolve: &dyn Fn(&str) -> Option<String>,
    logins: &mut Logins,
) {
    logins.fixtures.push(Fixture {
        name: "user".into(),
        kind: "okta-idx",
        text: super::okta_idx::fixture(reqs, recipe, resolve),
    });
    logins
        .dropped
        .extend((0..reqs.len()).filter(|&i| recipe.contains(i)));
}

/// An Amazon Cognito sign-in (InitiateAuth and its challenges) becomes a
/// `cognito` fixture.
fn cognito_signin(
    signin: super::cognito::Signin,
    vars: &IndexMap<String, VarDef>,
    logins: &mut Logins,
    warnings: &mut Vec<String>,
) {
    let name = logins.name_for("cognito");
    let text = super::cognito::fixture_text(
        &name,
        &signin,
        &|f: &str, t: &str| field(vars, &name, f, t),
        warnings,
    );
    logins.fixtures.push(Fixture {
        name: name.clone(),
        kind: "cognito",
        text,
    });
    logins.dropped.extend(signin.dropped);
    if let Some(var) = signin.token_var {
        logins.by_var.insert(var, name);
    }
}

/// The `grant_type` a request posts, if it is a token request.
fn grant_type(req: &Req, resolve: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    let Some(("form" | "json", Json::Object(body))) = &req.body else {
        return None;
    };
    let grant = body.get("grant_type")?.as_str()?;
    Some(okta_fixture::substitute(grant, resolve).unwrap_or_else(|| grant.to_owned()))
}

/// Stands for a credential written in clear in the collection: never copied.
const LITERAL_SECRET: &str = "\u{0}";

/// The parameters of a login, by the names gatecheck's fixtures use.
#[derive(Debug, Default)]
struct Params {
    token_url: String,
    fields: IndexMap<&'static str, String>,
}

fn token_request(
    reqs: &[&Req],
    i: usize,
    grant: &str,
    vars: &IndexMap<String, VarDef>,
    logins: &mut Logins,
    warnings: &mut Vec<String>,
) {
    let req = reqs[i];
    let kind = match grant {
        "client_credentials" => "client-credentials",
        "password" | PASSWORD_REALM => "password",
        "refresh_token" => "refresh-token",
        MFA_OTP => {
            // The second step of a password login: the password fixture does it.
            warnings.push(format!(
                "request `{}`: the mfa-otp step is made by the password fixture; set its totp_secret",
                req.name
            ));
            logins.dropped.insert(i);
            return;
        }
        "authorization_code" => "authorization-code",
        other => {
            warnings.push(format!(
                "request `{}`: the `{other}` grant has no gatecheck fixture kind; the request is kept as a test",
                req.name
            ));
            return;
        }
    };
    let mut params = Params {
        token_url: req.url.clone(),
        fields: IndexMap::new(),
    };
    if let Some(("form" | "json", Json::Object(body))) = &req.body {
        for (key, field) in [
            ("client_id", "client_id"),
            ("client_secret", "client_secret"),
            ("scope", "scopes"),
            ("username", "username"),
            ("password", "password"),
            ("refresh_token", "refresh_token"),
            ("redirect_uri", "redirect_uri"),
            ("realm", "realm"),
            ("audience", "audience"),
        ] {
            if let Some(v) = body.get(key).and_then(Json::as_str) {
                // A literal credential (already `${KEY}`) gets this identity's name.
                let literal = v
                    .strip_prefix("${")
                    .and_then(|v| v.strip_suffix('}'))
                    .is_some_and(|env| req.secret_envs.iter().any(|e| e == env));
                let v = if literal { LITERAL_SECRET } else { v };
                params.fields.insert(field, v.to_owned());
            }
        }
    }
    if let Some((user, pass)) = &req.basic {
        params.fields.entry("client_id").or_insert(user.clone());
        params.fields.entry("client_secret").or_insert(pass.clone());
    }
    let identity = add_fixture(kind, &params, vars, logins, warnings);
    logins.dropped.insert(i);
    if kind == "authorization-code" {
        // The browser steps before it (authorize, login form, consent).
        let start = (0..i)
            .rev()
            .take_while(|&j| CODE_STEP.is_match(&reqs[j].url) && !logins.dropped.contains(&j))
            .last()
            .unwrap_or(i);
        logins.dropped.extend(start..i);
    }
    if let Some(var) = req.checks.captured_from("$.access_token") {
        logins.by_var.entry(var).or_insert(identity);
    }
}

fn oauth2_block(
    block: &super::postman::Auth,
    vars: &IndexMap<String, VarDef>,
    logins: &mut Logins,
    warnings: &mut Vec<String>,
) {
    let key = block_key(block);
    if logins.by_block.contains_key(&key) {
        return;
    }
    let grant = block.param("grant_type").unwrap_or_default();
    let kind = match grant.as_str() {
        "client_credentials" => "client-credentials",
        "password_credentials" => "password",
        "implicit" => {
            warnings.push("an `oauth2` auth block uses the implicit grant, which gatecheck does not do; its requests read a token from the environment".into());
            return;
        }
        _ => "authorization-code",
    };
    let mut params = Params {
        token_url: block.param("accessTokenUrl").unwrap_or_default(),
        fields: IndexMap::new(),
    };
    for (key, field) in [
        ("clientId", "client_id"),
        ("clientSecret", "client_secret"),
        ("scope", "scopes"),
        ("username", "username"),
        ("password", "password"),
        ("redirect_uri", "redirect_uri"),
        ("authUrl", "auth_url"),
    ] {
        if let Some(v) = block.param(key).filter(|v| !v.is_empty()) {
            params.fields.insert(field, super::vars::template(&v).text);
        }
    }
    params.token_url = super::vars::template(&params.token_url).text;
    let identity = add_fixture(kind, &params, vars, logins, warnings);
    logins.by_block.insert(key, identity);
}

fn block_key(block: &super::postman::Auth) -> String {
    Json::Object(block.params.clone()).to_string()
}

/// Writes the fixture (or reuses one with the same kind and client) and
/// returns its identity.
fn add_fixture(
    kind: &'static str,
    params: &Params,
    vars: &IndexMap<String, VarDef>,
    logins: &mut Logins,
    warnings: &mut Vec<String>,
) -> String {
    let (kind, okta) = match (kind, okta_base(params)) {
        ("authorization-code", Some(okta)) => ("okta-pkce", Some(okta)),
        ("authorization-code", None) => ("oauth2-pkce", None),
        (k, okta) => (k, okta),
    };
    let client = params.fields.get("client_id").cloned().unwrap_or_default();
    let same = logins.fixtures.iter().position(|f| {
        f.kind == kind
            && (f.text.contains(&format!("# client: {client}\n"))
                || f.text.contains(&format!("# token: {}\n", params.token_url)))
    });
    if let Some(i) = same {
        return logins.fixtures[i].name.clone();
    }
    let name = logins.name_for(kind);
    let text = fixture_text(&name, kind, params, okta, vars, &client);
    if kind == "oauth2-pkce" {
        warnings.push(format!(
            "fixtures/{name}.yaml: the authorization code login becomes `kind: oauth2-pkce`; check its `issuer` (guessed from the token URL)"
        ));
    }
    logins.fixtures.push(Fixture {
        name: name.clone(),
        kind,
        text,
    });
    name
}

/// (okta_url, auth_server) when the token or authorize URL is Okta's.
fn okta_base(params: &Params) -> Option<(String, String)> {
    let auth_url = params.fields.get("auth_url").map(String::as_str);
    let c = OKTA_TOKEN
        .captures(&params.token_url)
        .or_else(|| auth_url.and_then(|u| OKTA_AUTHORIZE.captures(u)))?;
    let server = c.get(2).map_or("org", |m| m.as_str()).to_owned();
    Some((c[1].to_owned(), server))
}

fn fixture_text(
    name: &str,
    kind: &'static str,
    params: &Params,
    okta: Option<(String, String)>,
    vars: &IndexMap<String, VarDef>,
    client: &str,
) -> String {
    let field = |f: &str, text: &str| field(vars, name, f, text);
    let get = |f: &str| params.fields.get(f).map(String::as_str).unwrap_or("");
    let mut lines = vec![
        "# yaml-language-server: $schema=../schema/fixture.schema.json".to_owned(),
        format!("# The identity `{name}`, replacing the collection's token requests."),
        format!("# client: {client}"),
        format!("# token: {}", params.token_url),
        format!("kind: {kind}"),
    ];
    match (&okta, kind) {
        (Some((url, server)), _) => {
            lines.push(format!("okta_url: {}", field("okta_url", url)));
            lines.push(format!("auth_server: {}", field("auth_server", server)));
        }
        (None, "oauth2-pkce") => {
            let issuer = issuer_guess(&params.token_url);
            lines.push(format!("issuer: {}", field("issuer", &issuer)));
        }
        (None, _) => lines.push(format!(
            "token_url: {}",
            field("token_url", &params.token_url)
        )),
    }
    lines.push(format!(
        "client_id: {}",
        field("client_id", get("client_id"))
    ));
    let secret = get("client_secret");
    if kind == "client-credentials" || !secret.is_empty() {
        lines.push(format!("client_secret: {}", field("client_secret", secret)));
    }
    if matches!(kind, "okta-pkce" | "oauth2-pkce") {
        let redirect = get("redirect_uri");
        let redirect = if redirect.is_empty() {
            "http://localhost:8080/callback"
        } else {
            redirect
        };
        lines.push(format!("redirect_uri: {}", field("redirect_uri", redirect)));
    }
    let scopes =
        okta_fixture::substitute(get("scopes"), &|n: &str| clear(vars, n)).unwrap_or_default();
    let scopes: Vec<&str> = scopes
        .split([' ', '+', ','])
        .filter(|s| !s.is_empty())
        .collect();
    if !scopes.is_empty() {
        lines.push(format!("scopes: [{}]", scopes.join(", ")));
    }
    if matches!(kind, "password" | "okta-pkce") {
        lines.push(format!("username: {}", field("username", get("username"))));
        lines.push(format!("password: {}", field("password", get("password"))));
    }
    for extra in ["realm", "audience"] {
        let value = get(extra);
        let wanted = matches!(kind, "password" | "client-credentials") && !value.is_empty();
        if wanted && (extra == "audience" || kind == "password") {
            lines.push(format!("{extra}: {}", field(extra, value)));
        }
    }
    if kind == "refresh-token" {
        lines.push(format!(
            "refresh_token: {}",
            field("refresh_token", get("refresh_token"))
        ));
    }
    lines.join("\n") + "\n"
}

/// `{{base}}/oauth/token` -> `{{base}}`: the issuer is usually the origin
/// (or the path before the OAuth endpoints).
fn issuer_guess(token_url: &str) -> String {
    static TAIL: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?:/oauth2?)?(?:/v1)?/token/?(?:\?.*)?$").expect("valid regex")
    });
    TAIL.replace(token_url, "").into_owned()
}

/// Auth0's grants, as token requests post them.
const PASSWORD_REALM: &str = "http://auth0.com/oauth/grant-type/password-realm";
const MFA_OTP: &str = "http://auth0.com/oauth/grant-type/mfa-otp";

/// `{domain}/co/authenticate`.
static CO_AUTHENTICATE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(.*?)/co/authenticate/?(?:\?.*)?$").expect("valid regex"));

/// Auth0's cross-origin login (`POST /co/authenticate`, then `/authorize`
/// with the ticket, then `/oauth/token` with the code) becomes an `auth0`
/// fixture; its requests are dropped.
fn auth0_recipe(reqs: &[&Req], vars: &IndexMap<String, VarDef>, logins: &mut Logins) {
    let Some((start, domain)) = reqs.iter().enumerate().find_map(|(i, r)| {
        let c = CO_AUTHENTICATE.captures(&r.url)?;
        (r.method.eq_ignore_ascii_case("POST")).then(|| (i, c[1].to_owned()))
    }) else {
        return;
    };
    let text = |value: Option<&Json>| value.and_then(Json::as_str).unwrap_or("").to_owned();
    let body = match &reqs[start].body {
        Some(("form" | "json", Json::Object(body))) => body.clone(),
        _ => serde_json::Map::new(),
    };
    let authorize = (start + 1..reqs.len()).find(|&j| {
        let url = reqs[j].url.split('?').next().unwrap_or_default();
        url.starts_with(&domain) && url.trim_end_matches('/').ends_with("/authorize")
    });
    let query = |name: &str| {
        authorize
            .and_then(|j| reqs[j].query.get(name))
            .map(|v| text(Some(v)))
            .unwrap_or_default()
    };
    let token = (authorize.unwrap_or(start) + 1..reqs.len()).find(|&j| {
        reqs[j].url.starts_with(&domain)
            && grant_type(reqs[j], &|n: &str| clear(vars, n)).as_deref()
                == Some("authorization_code")
    });
    let name = logins.name_for("auth0");
    let field = |f: &str, value: &str| field(vars, &name, f, value);
    let mut lines = vec![
        "# yaml-language-server: $schema=../schema/fixture.schema.json".to_owned(),
        format!("# The identity `{name}`, replacing the collection's Auth0 cross-origin login."),
        "kind: auth0".to_owned(),
        format!("domain: {}", field("domain", &domain)),
        format!(
            "client_id: {}",
            field("client_id", &text(body.get("client_id")))
        ),
    ];
    let realm = text(body.get("realm"));
    if !realm.is_empty() {
        lines.push(format!("connection: {}", field("connection", &realm)));
    }
    let redirect = match query("redirect_uri") {
        r if r.is_empty() => "http://localhost:3000/callback".to_owned(),
        r => r,
    };
    lines.push(format!(
        "redirect_uri: {}",
        field("redirect_uri", &redirect)
    ));
    let origin = reqs[start]
        .headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("origin"))
        .map(|(_, value)| value.clone())
        .unwrap_or_default();
    for (key, value) in [
        ("origin", origin),
        ("audience", query("audience")),
        ("organization", query("organization")),
    ] {
        if !value.is_empty() {
            lines.push(format!("{key}: {}", field(key, &value)));
        }
    }
    let scopes =
        okta_fixture::substitute(&query("scope"), &|n: &str| clear(vars, n)).unwrap_or_default();
    let scopes: Vec<&str> = scopes
        .split([' ', '+', ','])
        .filter(|s| !s.is_empty())
        .collect();
    if !scopes.is_empty() {
        lines.push(format!("scopes: [{}]", scopes.join(", ")));
    }
    let literal = |key: &str| {
        let v = text(body.get(key));
        let env = v.strip_prefix("${").and_then(|v| v.strip_suffix('}'));
        match env.is_some_and(|env| reqs[start].secret_envs.iter().any(|e| e == env)) {
            true => LITERAL_SECRET.to_owned(),
            false => v,
        }
    };
    lines.push(format!(
        "username: {}",
        field("username", &literal("username"))
    ));
    lines.push(format!(
        "password: {}",
        field("password", &literal("password"))
    ));
    logins.fixtures.push(Fixture {
        name: name.clone(),
        kind: "auth0",
        text: lines.join("\n") + "\n",
    });
    logins
        .dropped
        .extend([Some(start), authorize, token].into_iter().flatten());
    if let Some(var) = token.and_then(|j| reqs[j].checks.captured_from("$.access_token")) {
        logins.by_var.insert(var, name);
    }
}

/// A fixture field: `${ENV:-clear default}`, or `${ENV}` for secrets and
/// values that are not known. Never a secret in clear.
fn field(vars: &IndexMap<String, VarDef>, identity: &str, field: &str, text: &str) -> String {
    let text = text.trim();
    if text.starts_with("${") {
        return text.to_owned();
    }
    let env = env_name(identity, field);
    let names = crate::suite::template::names(text).unwrap_or_default();
    let secret_env = names.iter().find_map(|n| match vars.get(n) {
        Some(VarDef::Env(env)) => Some(env),
        _ => None,
    });
    if let Some(env) = secret_env {
        return format!("${{{env}}}");
    }
    let secret = looks_secret(field) && !matches!(field, "refresh_token" | "token_url");
    let secret = secret || field == "refresh_token" || text == LITERAL_SECRET;
    let value = okta_fixture::substitute(text, &|n: &str| clear(vars, n));
    match value {
        Some(v)
            if !secret && !v.is_empty() && !v.contains(['{', '}']) && !looks_secret_value(&v) =>
        {
            format!("${{{env}:-{v}}}")
        }
        _ => format!("${{{env}}}"),
    }
}

/// `user` + `client_id` -> `USER_CLIENT_ID`; `refresh` + `refresh_token` -> `REFRESH_TOKEN`.
fn env_name(identity: &str, field: &str) -> String {
    let prefix = upper_snake(identity);
    let field = upper_snake(field);
    match field.strip_prefix(&format!("{prefix}_")) {
        Some(_) => field,
        None => format!("{prefix}_{field}"),
    }
}

/// The clear-text value of a variable (none for secrets and unknown names).
fn clear(vars: &IndexMap<String, VarDef>, name: &str) -> Option<String> {
    match vars.get(name)? {
        VarDef::Clear(Json::String(s)) => Some(s.clone()),
        VarDef::Clear(v) => Some(v.to_string()),
        VarDef::Env(_) => None,
    }
}

/// `{{ token }}` -> `token`: the one variable a text consists of.
fn single_var(text: &str) -> Option<String> {
    let t = text.trim();
    let inner = t.strip_prefix("{{")?.strip_suffix("}}")?.trim();
    (!inner.contains("{{")).then(|| inner.to_owned())
}

#[cfg(test)]
#[path = "login_tests.rs"]
mod tests;
