//! Recognises the Okta login recipe of a collection (authn -> authorize ->
//! token) and writes the `okta-pkce` fixture that replaces it. Pure.

use std::sync::LazyLock;

use indexmap::IndexMap;
use regex::Regex;
use serde_json::Value as Json;

use super::okta_fixture::{OktaFixture, TOKEN, org_and_server, shown};
use super::request::Req;

static AUTHN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(.*?)/api/v1/authn/?(?:\?.*)?$").expect("valid regex"));
static AUTHORIZE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(.*?)/oauth2/(?:([^/]+)/)?v1/authorize/?(?:\?.*)?$").expect("valid regex")
});

/// The three login requests, by index in the list given to [`find`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipe {
    pub authn: usize,
    pub authorize: usize,
    pub token: usize,
    /// The variable the token request stores the access token in.
    pub token_var: Option<String>,
}

impl Recipe {
    pub fn contains(&self, i: usize) -> bool {
        [self.authn, self.authorize, self.token].contains(&i)
    }
}

/// Finds the recipe: all three requests, or `None` (with what was missing
/// when only some are there).
pub fn find(reqs: &[&Req]) -> Result<Option<Recipe>, String> {
    let pos = |re: &Regex| reqs.iter().position(|r| re.is_match(&r.url));
    match (pos(&AUTHN), pos(&AUTHORIZE), pos(&TOKEN)) {
        (Some(authn), Some(authorize), Some(token)) => {
            let token_var = reqs[token].checks.captured_from("$.access_token");
            Ok(Some(Recipe {
                authn,
                authorize,
                token,
                token_var,
            }))
        }
        // Without authn, the token and authorize requests are a plain OAuth
        // login (see `login`).
        (None, _, _) => Ok(None),
        (a, b, c) => {
            let missing: Vec<&str> = [(a, "/api/v1/authn"), (b, "/v1/authorize"), (c, "/v1/token")]
                .iter()
                .filter(|(found, _)| found.is_none())
                .map(|(_, what)| *what)
                .collect();
            Err(format!(
                "the collection has part of the Okta login (no request to {}); those requests are kept as they are",
                missing.join(" or ")
            ))
        }
    }
}

/// `fixtures/user.yaml` for the recipe; `resolve` gives a variable's
/// clear-text value (none for secrets).
pub fn fixture(reqs: &[&Req], recipe: &Recipe, resolve: &dyn Fn(&str) -> Option<String>) -> String {
    let authorize = reqs[recipe.authorize];
    let caps = AUTHORIZE.captures(&authorize.url).expect("matched before");
    let (okta_url, auth_server) = org_and_server(&caps, resolve);
    let query = query_of(authorize);
    let param = |k: &str| query.get(k).and_then(|v| shown(v, resolve));
    let username = match &reqs[recipe.authn].body {
        Some(("json", body)) => body
            .get("username")
            .and_then(Json::as_str)
            .and_then(|v| shown(v, resolve)),
        _ => None,
    };
    OktaFixture {
        kind: "okta-pkce",
        about: [
            "The identity `user`: Okta's headless authorization code + PKCE login,",
            "replacing the collection's authn -> authorize -> token requests.",
        ],
        okta_url,
        auth_server,
        client_id: param("client_id"),
        redirect_uri: param("redirect_uri"),
        scope: param("scope"),
        username,
        totp_note: "optional: answers MFA_REQUIRED with a TOTP code",
    }
    .yaml()
}

/// The authorize request's query: structured, or from its URL.
fn query_of(req: &Req) -> IndexMap<String, String> {
    let mut out: IndexMap<String, String> = req
        .url
        .split_once('?')
        .map(|(_, q)| {
            q.split('&')
                .filter_map(|kv| kv.split_once('='))
                .map(|(k, v)| (k.to_owned(), v.replace("%20", " ")))
                .collect()
        })
        .unwrap_or_default();
    for (k, v) in &req.query {
        out.insert(k.clone(), v.as_str().unwrap_or_default().to_owned());
    }
    out
}

/// The fixture written when requests use a bearer token but the collection
/// has no Okta login: the token from the environment.
pub fn static_fixture(env_name: &str, oauth2: bool) -> String {
    let mut text = format!(
        "# yaml-language-server: $schema=../schema/fixture.schema.json\n\
         # The identity `user`: the collection sent a bearer token it did not obtain\n\
         # itself; here it is read from the environment.\n\
         kind: static\n\
         access_token: ${{{env_name}}}\n"
    );
    if oauth2 {
        text.push_str(
            "# The collection used Postman's OAuth 2.0 helper. To let gatecheck log in,\n\
             # replace the two lines above with one of (see README \"Login fixtures\"):\n\
             # kind: okta-pkce\n\
             # okta_url: ${OKTA_URL}\n\
             # auth_server: ${OKTA_AUTH_SERVER:-default}\n\
             # client_id: ${OKTA_CLIENT_ID}\n\
             # redirect_uri: ${OKTA_REDIRECT_URI}\n\
             # scopes: [openid, profile, email]\n\
             # username: ${OKTA_USERNAME}\n\
             # password: ${OKTA_PASSWORD}\n\
             #\n\
             # kind: client-credentials\n\
             # token_url: ${TOKEN_URL}\n\
             # client_id: ${CLIENT_ID}\n\
             # client_secret: ${CLIENT_SECRET}\n\
             # scopes: [api]\n",
        );
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn req(url: &str) -> Req {
        Req {
            url: url.to_owned(),
            ..Req::default()
        }
    }

    #[test]
    fn finds_the_recipe_and_writes_the_fixture() {
        let mut authn = req("{{ oktaUrl }}/api/v1/authn");
        authn.body = Some((
            "json",
            json!({"username": "{{ username }}", "password": "{{ password }}"}),
        ));
        let mut authorize = req("{{ oktaUrl }}/oauth2/default/v1/authorize");
        for (k, v) in [
            ("client_id", "{{ clientId }}"),
            ("redirect_uri", "http://localhost:8080/cb"),
            ("scope", "openid profile"),
        ] {
            authorize.query.insert(k.into(), json!(v));
        }
        let mut token = req("{{ oktaUrl }}/oauth2/default/v1/token");
        token
            .checks
            .captures
            .insert("accessToken".into(), "$.access_token".into());
        let api = req("{{ baseUrl }}/todos");
        let reqs = [&api, &authn, &authorize, &token];
        let recipe = find(&reqs).unwrap().unwrap();
        assert_eq!((recipe.authn, recipe.authorize, recipe.token), (1, 2, 3));
        assert_eq!(recipe.token_var.as_deref(), Some("accessToken"));
        let resolve = |name: &str| match name {
            "oktaUrl" => Some("https://dev-1.okta.com".to_owned()),
            "clientId" => Some("0oa1".to_owned()),
            "username" => Some("ada@example.com".to_owned()),
            _ => None,
        };
        let text = fixture(&reqs, &recipe, &resolve);
        assert!(
            text.contains("okta_url: ${OKTA_URL:-https://dev-1.okta.com}\n"),
            "{text}"
        );
        assert!(
            text.contains("auth_server: ${OKTA_AUTH_SERVER:-default}"),
            "{text}"
        );
        assert!(
            text.contains("client_id: ${OKTA_CLIENT_ID:-0oa1}\n"),
            "{text}"
        );
        assert!(
            text.contains("redirect_uri: ${OKTA_REDIRECT_URI:-http://localhost:8080/cb}\n"),
            "{text}"
        );
        assert!(text.contains("scopes: [openid, profile]\n"), "{text}");
        assert!(
            text.contains("username: ${OKTA_USERNAME:-ada@example.com}\n"),
            "{text}"
        );
        assert!(text.contains("password: ${OKTA_PASSWORD}\n"), "{text}");
    }

    #[test]
    fn part_of_the_recipe_is_reported() {
        let a = req("https://x.okta.com/api/v1/authn");
        let err = find(&[&a]).unwrap_err();
        assert!(
            err.contains("no request to /v1/authorize or /v1/token"),
            "{err}"
        );
        let b = req("https://x.okta.com/oauth2/v1/authorize?client_id=1");
        let c = req("https://x.okta.com/oauth2/v1/token");
        assert!(find(&[&a, &b, &c]).unwrap().is_some());
    }
}
