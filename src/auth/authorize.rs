//! Step 2 of okta-pkce: GET {base}/v1/authorize with the sessionToken, no
//! redirect followed; the code and state come from the Location (docs/fixtures.md, okta-pkce).

use super::client::{LoginClient, Reply};
use super::error::{At, LoginFailure, described, excerpt};
use super::fixture::OktaPkceFixture;
use super::pkce::AuthorizeParams;
use crate::secret::mask::Masker;
use reqwest::Url;
use std::collections::BTreeMap;

/// The /authorize URL of this login, with every parameter Okta needs.
pub fn authorize_url(
    f: &OktaPkceFixture,
    p: &AuthorizeParams,
    session_token: &str,
) -> Result<Url, LoginFailure> {
    let mut url =
        super::okta_api::parse_url("okta_url", &format!("{}/v1/authorize", f.oauth_base()))?;
    url.query_pairs_mut()
        .append_pair("client_id", &f.client_id)
        .append_pair("redirect_uri", &f.redirect_uri)
        .append_pair("response_type", "code")
        .append_pair("response_mode", "query")
        .append_pair("prompt", "none")
        .append_pair("scope", &f.scopes.join(" "))
        .append_pair("state", &p.state)
        .append_pair("nonce", &p.nonce)
        .append_pair("code_challenge", &p.pkce.challenge)
        .append_pair("code_challenge_method", "S256")
        .append_pair("sessionToken", session_token);
    Ok(url)
}

/// Exchanges the sessionToken for an authorization code.
pub async fn code(
    f: &OktaPkceFixture,
    client: &LoginClient,
    p: &AuthorizeParams,
    session_token: &str,
    masker: &Masker,
) -> Result<String, LoginFailure> {
    let url = authorize_url(f, p, session_token)?;
    let at = At::new("GET", &url);
    let reply = client.send(&at, |c| c.get(url.clone())).await?;
    read_redirect(&reply, &at, f, &p.state, masker)
}

/// The code from Okta's answer to /authorize, or what went wrong (pure).
pub fn read_redirect(
    reply: &Reply,
    at: &At,
    f: &OktaPkceFixture,
    state: &str,
    masker: &Masker,
) -> Result<String, LoginFailure> {
    match reply.status {
        300..=399 => from_location(reply, at, f, state, masker),
        200 if reply.is_html() => Err(LoginFailure::SessionRejected {
            at: at.clone(),
            detail: "Okta answered 200 with its HTML sign-in page instead of redirecting"
                .to_owned(),
        }),
        400..=499 if reply.is_json() => Err(json_error(reply, at, f)),
        400..=499 => Err(LoginFailure::RedirectUriRejected {
            at: at.clone(),
            status: reply.status,
            summary: page_summary(&reply.body),
            redirect_uri: f.redirect_uri.clone(),
            client_id: f.client_id.clone(),
        }),
        status => Err(LoginFailure::protocol(
            at,
            format!(
                "Okta answered {status} instead of a redirect: {}",
                excerpt(&reply.body)
            ),
        )),
    }
}

fn from_location(
    reply: &Reply,
    at: &At,
    f: &OktaPkceFixture,
    state: &str,
    masker: &Masker,
) -> Result<String, LoginFailure> {
    let location = reply.location.as_deref().ok_or_else(|| {
        LoginFailure::protocol(at, format!("a {} redirect without Location", reply.status))
    })?;
    let target = Url::parse(&at.url)
        .and_then(|base| base.join(location))
        .map_err(|e| LoginFailure::protocol(at, format!("a Location that is not a URL ({e})")))?;
    let params = redirect_params(&target);
    if let Some(code) = params.get("code") {
        masker.add(code.as_str());
    }
    if let Some(error) = params.get("error") {
        return Err(redirect_error(at, error, params.get("error_description")));
    }
    let to_redirect_uri = same_endpoint(&target, &f.redirect_uri);
    match (params.get("code"), params.get("state")) {
        // A code sent elsewhere than the redirect_uri is never used, whatever its state.
        (Some(_), _) if !to_redirect_uri => Err(LoginFailure::RedirectMismatch {
            at: at.clone(),
            target: without_query(&target),
            redirect_uri: f.redirect_uri.clone(),
        }),
        (Some(code), Some(got)) if got == state => Ok(code.clone()),
        (Some(_), got) => Err(LoginFailure::StateMismatch {
            at: at.clone(),
            sent: state.to_owned(),
            got: got.cloned().unwrap_or_else(|| "(none)".to_owned()),
        }),
        (None, _) if !to_redirect_uri => Err(LoginFailure::SessionRejected {
            at: at.clone(),
            detail: format!(
                "Okta redirected to {} instead of the redirect_uri",
                without_query(&target)
            ),
        }),
        (None, _) => Err(LoginFailure::protocol(
            at,
            "a redirect to the redirect_uri without code or error",
        )),
    }
}

/// The query parameters of the redirect (or its fragment, if the query has none).
pub fn redirect_params(target: &Url) -> BTreeMap<String, String> {
    let query: BTreeMap<String, String> = target.query_pairs().into_owned().collect();
    if query.contains_key("code") || query.contains_key("error") {
        return query;
    }
    let fragment = target.fragment().unwrap_or_default();
    let from_fragment: BTreeMap<String, String> =
        Url::parse(&format!("http://fragment/?{fragment}"))
            .map(|u| u.query_pairs().into_owned().collect())
            .unwrap_or_default();
    if from_fragment.is_empty() {
        query
    } else {
        from_fragment
    }
}

fn redirect_error(at: &At, error: &str, description: Option<&String>) -> LoginFailure {
    LoginFailure::AuthorizeRedirect {
        at: at.clone(),
        error: error.to_owned(),
        description: described(description.map(String::as_str)),
        hint: redirect_hint(error),
    }
}

fn redirect_hint(error: &str) -> &'static str {
    match error {
        "access_denied" => {
            "; assign the test user (or one of its groups) to the app in Okta (Applications > the app > Assignments), and check the authorization server's access policy"
        }
        "login_required" => {
            "; session token rejected: the app's sign-on policy requires an interactive sign-in or MFA at /authorize, or the session token expired or was used twice"
        }
        "invalid_scope" => {
            "; check scopes (each must exist on the authorization server and be allowed by its access policy; openid is required)"
        }
        "consent_required" => {
            "; grant consent for the test user, or turn off User consent for the app (prompt=none cannot show a consent page)"
        }
        "interaction_required" => {
            "; the app's sign-on policy requires user interaction; allow password-only sign-in for the test user"
        }
        "unauthorized_client" => "; enable the Authorization Code grant type for the app",
        "invalid_request" => {
            "; check the app's settings (Authorization Code with PKCE) and the fixture's client_id and redirect_uri"
        }
        _ => "",
    }
}

/// A JSON 4xx from /authorize: Okta's error shape or `{error, error_description}`.
fn json_error(reply: &Reply, at: &At, f: &OktaPkceFixture) -> LoginFailure {
    #[derive(serde::Deserialize)]
    struct OAuthError {
        error: String,
        error_description: Option<String>,
    }
    if let Ok(e) = serde_json::from_str::<OAuthError>(&reply.body) {
        return redirect_error(at, &e.error, e.error_description.as_ref());
    }
    match super::okta_api::api_error(reply, at) {
        LoginFailure::OktaApi {
            at,
            status: 404,
            detail,
            ..
        } => LoginFailure::OktaApi {
            hint: format!(
                "; check auth_server (OKTA_AUTH_SERVER): `{}` is not an authorization server of this org (use `default`, a server id, or `org`)",
                f.auth_server
            ),
            at,
            status: 404,
            detail,
        },
        other => other,
    }
}

/// ` ("text about redirect_uri")` from an HTML error page, if there is one.
pub(super) fn page_summary(html: &str) -> String {
    let nodes = text_nodes(html);
    let pick = nodes
        .iter()
        .find(|t| t.contains("redirect_uri") || t.contains("client"))
        .or_else(|| nodes.first());
    match pick {
        Some(text) => format!(" (\"{}\")", excerpt(text.trim_end_matches('.'))),
        None => String::new(),
    }
}

/// The non-empty texts between the tags of an HTML page.
fn text_nodes(html: &str) -> Vec<String> {
    html.split('<')
        .filter_map(|chunk| chunk.split_once('>').map(|(_, text)| text))
        .map(|t| {
            t.trim()
                .replace("&#39;", "'")
                .replace("&quot;", "\"")
                .replace("&amp;", "&")
        })
        .filter(|t| !t.is_empty())
        .collect()
}

/// `target` is the redirect_uri (scheme, host, port and path).
fn same_endpoint(target: &Url, redirect_uri: &str) -> bool {
    Url::parse(redirect_uri).is_ok_and(|r| super::redirect_uri::is_redirect_uri(target, &r))
}

pub(super) fn without_query(url: &Url) -> String {
    let mut url = url.clone();
    url.set_query(None);
    url.set_fragment(None);
    url.to_string()
}

#[cfg(test)]
#[path = "authorize_tests.rs"]
mod tests;
