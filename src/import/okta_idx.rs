//! Recognises a collection that scripts Okta Identity Engine's interaction
//! code flow (`/v1/interact` -> `/idp/idx/...` -> `/v1/token` with
//! `grant_type=interaction_code`) and writes the `okta-idx` fixture that
//! replaces those requests. Pure.

use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value as Json;

use super::okta_fixture::{OktaFixture, TOKEN, org_and_server, shown};
use super::request::Req;

static INTERACT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(.*?)/oauth2/(?:([^/]+)/)?v1/interact/?(?:\?.*)?$").expect("valid regex")
});
static IDX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"/idp/idx/[A-Za-z/_-]+/?(?:\?.*)?$").expect("valid regex"));

/// The requests of the flow, by index in the list given to [`find`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdxRecipe {
    pub interact: usize,
    /// The /idp/idx/... requests (introspect, identify, challenge, answer, skip).
    pub steps: Vec<usize>,
    pub token: usize,
}

impl IdxRecipe {
    pub fn contains(&self, i: usize) -> bool {
        i == self.interact || i == self.token || self.steps.contains(&i)
    }
}

/// Finds the flow: an interact request, a token request that redeems an
/// interaction code, and the IDX requests between.
pub fn find(reqs: &[&Req]) -> Option<IdxRecipe> {
    let interact = reqs.iter().position(|r| INTERACT.is_match(&r.url))?;
    let token = reqs.iter().position(|r| {
        TOKEN.is_match(&r.url) && field(r, "grant_type") == Some("interaction_code")
    })?;
    let steps = (0..reqs.len())
        .filter(|i| IDX.is_match(&reqs[*i].url))
        .collect();
    Some(IdxRecipe {
        interact,
        steps,
        token,
    })
}

/// A field of a request's form or JSON body.
fn field<'a>(req: &'a Req, name: &str) -> Option<&'a str> {
    match &req.body {
        Some((_, body)) => body.get(name).and_then(Json::as_str),
        None => None,
    }
}

/// `fixtures/user.yaml` for the flow; `resolve` gives a variable's
/// clear-text value (none for secrets).
pub fn fixture(
    reqs: &[&Req],
    recipe: &IdxRecipe,
    resolve: &dyn Fn(&str) -> Option<String>,
) -> String {
    let interact = reqs[recipe.interact];
    let caps = INTERACT.captures(&interact.url).expect("matched before");
    let (okta_url, auth_server) = org_and_server(&caps, resolve);
    let param = |name: &str| field(interact, name).and_then(|v| shown(v, resolve));
    let username = recipe
        .steps
        .iter()
        .find_map(|i| field(reqs[*i], "identifier"))
        .and_then(|v| shown(v, resolve));
    OktaFixture {
        kind: "okta-idx",
        about: [
            "The identity `user`: Okta Identity Engine's interaction code flow (IDX),",
            "replacing the collection's interact -> idx -> token requests.",
        ],
        okta_url,
        auth_server,
        client_id: param("client_id"),
        redirect_uri: param("redirect_uri"),
        scope: param("scope"),
        username,
        totp_note: "the user's TOTP authenticator, when the policy asks for one",
    }
    .yaml()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn req(url: &str, body: Option<(&'static str, Json)>) -> Req {
        Req {
            url: url.to_owned(),
            body,
            ..Req::default()
        }
    }

    #[test]
    fn finds_the_flow_and_writes_an_okta_idx_fixture() {
        let interact = req(
            "{{ oktaUrl }}/oauth2/default/v1/interact",
            Some((
                "form",
                json!({"client_id": "{{ clientId }}", "scope": "openid profile",
                       "redirect_uri": "http://localhost:8080/cb", "code_challenge": "{{ challenge }}"}),
            )),
        );
        let introspect = req("{{ oktaUrl }}/idp/idx/introspect", None);
        let identify = req(
            "{{ oktaUrl }}/idp/idx/identify",
            Some((
                "json",
                json!({"identifier": "{{ username }}", "stateHandle": "{{ stateHandle }}"}),
            )),
        );
        let answer = req("{{ oktaUrl }}/idp/idx/challenge/answer", None);
        let token = req(
            "{{ oktaUrl }}/oauth2/default/v1/token",
            Some((
                "form",
                json!({"grant_type": "interaction_code", "interaction_code": "{{ code }}"}),
            )),
        );
        let api = req("{{ baseUrl }}/todos", None);
        let reqs = [&interact, &introspect, &identify, &answer, &token, &api];
        let recipe = find(&reqs).unwrap();
        assert_eq!(
            recipe,
            IdxRecipe {
                interact: 0,
                steps: vec![1, 2, 3],
                token: 4
            }
        );
        assert!(!recipe.contains(5));
        let resolve = |name: &str| match name {
            "oktaUrl" => Some("https://dev-1.okta.com".to_owned()),
            "clientId" => Some("0oa1".to_owned()),
            "username" => Some("ada@example.com".to_owned()),
            _ => None,
        };
        let text = fixture(&reqs, &recipe, &resolve);
        for line in [
            "kind: okta-idx\n",
            "okta_url: ${OKTA_URL:-https://dev-1.okta.com}\n",
            "auth_server: ${OKTA_AUTH_SERVER:-default}",
            "client_id: ${OKTA_CLIENT_ID:-0oa1}\n",
            "redirect_uri: ${OKTA_REDIRECT_URI:-http://localhost:8080/cb}\n",
            "scopes: [openid, profile]\n",
            "username: ${OKTA_USERNAME:-ada@example.com}\n",
            "password: ${OKTA_PASSWORD}\n",
        ] {
            assert!(text.contains(line), "{line} not in {text}");
        }
    }

    #[test]
    fn a_classic_token_request_is_not_the_flow() {
        let interact = req("https://x.okta.com/oauth2/v1/interact", None);
        let token = req(
            "https://x.okta.com/oauth2/v1/token",
            Some(("form", json!({"grant_type": "authorization_code"}))),
        );
        assert_eq!(find(&[&interact, &token]), None);
    }
}
