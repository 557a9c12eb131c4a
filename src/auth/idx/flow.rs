//! The IDX login's requests: /v1/interact, /idp/idx/introspect, each form
//! the server asks for, then the interaction code at /v1/token.

use reqwest::Url;
use serde_json::{Value, json};
use std::time::SystemTime;

use super::super::client::{LoginClient, Reply};
use super::super::dpop::DpopKey;
use super::super::error::{At, LoginFailure, described, excerpt};
use super::super::fixture::OktaPkceFixture;
use super::super::okta::{self, parse_url};
use super::super::pkce::AuthorizeParams;
use super::super::redirects::same_origin;
use super::super::token::{self, Token};
use super::super::{okta_api, totp};
use super::decide::{Action, CodeFn, Known, Progress, decide};
use super::wire::IdxResponse;
use crate::secret::mask::Masker;

/// IDX's media type, for requests and answers.
pub const ION: &str = "application/ion+json; okta-version=1.0.0";
/// More remediations than any sane policy needs.
const MAX_STEPS: usize = 12;

/// Logs in once: a fresh PKCE pair, state and nonce every time.
pub async fn login(
    f: &OktaPkceFixture,
    client: &LoginClient,
    dpop: Option<&DpopKey>,
    masker: &Masker,
) -> Result<Token, LoginFailure> {
    okta::check(f)?;
    let params = AuthorizeParams::generate(&mut rand::rng());
    masker.add(params.pkce.verifier.as_str());
    let handle = interact(f, client, &params, masker).await?;
    let url = parse_url("okta_url", &format!("{}/idp/idx/introspect", f.okta_root()))?;
    let body = json!({ "interactionHandle": handle });
    let (mut at, mut response) = send(client, url, None, body, masker).await?;
    let code = || {
        let secret = f.totp_secret.as_deref().unwrap_or_default();
        totp::code_at(secret, SystemTime::now()).map_err(|e| LoginFailure::Config(e.to_string()))
    };
    let known = Known {
        username: &f.username,
        password: &f.password,
        totp: f.totp_secret.as_ref().map(|_| &code as &CodeFn),
    };
    let mut progress = Progress::default();
    for _ in 0..MAX_STEPS {
        match decide(&response, &known, &mut progress, &at)? {
            Action::Post {
                href,
                accepts,
                body,
                ..
            } => {
                let url = link(f, &at, &href)?;
                (at, response) = send(client, url, accepts, body, masker).await?;
            }
            Action::Exchange { href, code } => {
                masker.add(code.as_str());
                let url = link(f, &at, &href)?;
                return exchange(f, client, &url, code, &params, dpop, masker).await;
            }
        }
    }
    Err(LoginFailure::protocol(
        &at,
        format!("no successWithInteractionCode after {MAX_STEPS} IDX steps"),
    ))
}

/// POST {base}/v1/interact -> the interaction handle.
async fn interact(
    f: &OktaPkceFixture,
    client: &LoginClient,
    params: &AuthorizeParams,
    masker: &Masker,
) -> Result<String, LoginFailure> {
    let url = parse_url("okta_url", &format!("{}/v1/interact", f.oauth_base()))?;
    let at = At::new("POST", &url);
    let mut form = vec![
        ("client_id", f.client_id.clone()),
        ("scope", f.scopes.join(" ")),
        ("redirect_uri", f.redirect_uri.clone()),
        ("code_challenge", params.pkce.challenge.clone()),
        ("code_challenge_method", "S256".to_owned()),
        ("state", params.state.clone()),
        ("nonce", params.nonce.clone()),
    ];
    form.extend(f.client_secret.clone().map(|s| ("client_secret", s)));
    let reply = client
        .send(&at, |c| {
            c.post(url.clone())
                .header("accept", "application/json")
                .form(&form)
        })
        .await?;
    if (200..300).contains(&reply.status) {
        let answer: Value = reply.json(&at)?;
        let handle = answer
            .get("interaction_handle")
            .and_then(Value::as_str)
            .filter(|h| !h.is_empty())
            .ok_or_else(|| LoginFailure::protocol(&at, "an answer without interaction_handle"))?;
        masker.add(handle);
        return Ok(handle.to_owned());
    }
    Err(interact_error(&reply, &at, f))
}

/// An IDX request: JSON in, an IDX response (or a clear error) out.
async fn send(
    client: &LoginClient,
    url: Url,
    accepts: Option<String>,
    body: Value,
    masker: &Masker,
) -> Result<(At, IdxResponse), LoginFailure> {
    let at = At::new("POST", &url);
    let content_type = accepts
        .filter(|a| a.contains("json"))
        .unwrap_or_else(|| ION.to_owned());
    let reply = client
        .send(&at, |c| {
            c.post(url.clone())
                .header("accept", ION)
                .header("content-type", content_type.as_str())
                .body(body.to_string())
        })
        .await?;
    let response = read(&reply, &at)?;
    if let Some(handle) = &response.state_handle {
        masker.add(handle.as_str());
    }
    Ok((at, response))
}

/// The IDX response in a reply (error statuses carry one too).
fn read(reply: &Reply, at: &At) -> Result<IdxResponse, LoginFailure> {
    let json = serde_json::from_str::<Value>(&reply.body).ok();
    match json.clone().and_then(IdxResponse::parse) {
        Some(response) => Ok(response),
        None if (200..300).contains(&reply.status) => {
            // Values may be unregistered secrets: show the keys of JSON only.
            let what = match json.as_ref().and_then(Value::as_object) {
                Some(map) => format!(
                    "JSON without stateHandle, remediation or messages (keys: {})",
                    map.keys().cloned().collect::<Vec<_>>().join(", ")
                ),
                None => excerpt(&reply.body),
            };
            Err(LoginFailure::protocol(
                at,
                format!(
                    "Okta answered {} with something that is not an IDX response: {what}",
                    reply.status
                ),
            ))
        }
        None if reply.status == 404 => Err(LoginFailure::protocol(
            at,
            "Okta answered 404: this org does not serve the IDX API (a Classic Engine org?); use kind okta-pkce".to_owned(),
        )),
        None => Err(okta_api::api_error(reply, at)),
    }
}

/// The token endpoint: the interaction code and the PKCE verifier.
async fn exchange(
    f: &OktaPkceFixture,
    client: &LoginClient,
    url: &Url,
    code: String,
    params: &AuthorizeParams,
    dpop: Option<&DpopKey>,
    masker: &Masker,
) -> Result<Token, LoginFailure> {
    let form = vec![
        ("grant_type", "interaction_code".to_owned()),
        ("interaction_code", code),
        ("code_verifier", params.pkce.verifier.clone()),
    ];
    token::request(client, url, form, okta::client_auth(f), dpop, masker).await
}

/// A form's href, absolute or relative to the org.
/// A form on another origin than okta_url's is refused: the password, a
/// code and the stateHandle stay with the org.
fn link(f: &OktaPkceFixture, at: &At, href: &str) -> Result<Url, LoginFailure> {
    let base = parse_url("okta_url", f.okta_root())?;
    let url = base.join(href).map_err(|e| {
        LoginFailure::protocol(
            at,
            format!("Okta sent a form href that is not a URL (`{href}`: {e})"),
        )
    })?;
    if !same_origin(&url, &base) {
        return Err(LoginFailure::protocol(
            at,
            format!(
                "Okta sent a form to another origin ({}) than okta_url's ({}); refusing to send the password, a code or the stateHandle there (check okta_url, or a proxy that rewrites Okta's links)",
                url.origin().ascii_serialization(),
                base.origin().ascii_serialization()
            ),
        ));
    }
    Ok(url)
}

/// `{error, error_description}` of /v1/interact, with what to change.
fn interact_error(reply: &Reply, at: &At, f: &OktaPkceFixture) -> LoginFailure {
    #[derive(serde::Deserialize)]
    struct Body {
        error: String,
        #[serde(default, alias = "errorDescription")]
        error_description: Option<String>,
    }
    let Ok(body) = serde_json::from_str::<Body>(&reply.body) else {
        if reply.status == 404 {
            return LoginFailure::protocol(
                at,
                format!(
                    "Okta answered 404: no /v1/interact here; check auth_server (OKTA_AUTH_SERVER) `{}`, and whether the org runs Identity Engine (a Classic Engine org needs kind okta-pkce)",
                    f.auth_server
                ),
            );
        }
        return okta_api::api_error(reply, at);
    };
    let description = body.error_description.unwrap_or_default();
    LoginFailure::InteractRefused {
        at: at.clone(),
        hint: interact_hint(&body.error, &description, f),
        description: described(Some(&description)),
        error: body.error,
    }
}

fn interact_hint(error: &str, description: &str, f: &OktaPkceFixture) -> String {
    let d = description.to_ascii_lowercase();
    let hint = match error {
        "unauthorized_client" => "enable the Interaction Code grant for the app (Applications > the app > General > Grant type > Interaction Code) and for the org (Settings > Account > Embedded widget sign-in support)".to_owned(),
        "invalid_client" if f.client_secret.is_some() => "check client_id (OKTA_CLIENT_ID) and client_secret (OKTA_CLIENT_SECRET)".to_owned(),
        "invalid_client" => "check client_id (OKTA_CLIENT_ID); a Web app is a confidential client: set client_secret (OKTA_CLIENT_SECRET)".to_owned(),
        "invalid_request" if d.contains("redirect") => format!("add the redirect_uri `{}` to the app's Sign-in redirect URIs (exact match) (OKTA_REDIRECT_URI)", f.redirect_uri),
        "invalid_scope" => "check scopes (each must exist on the authorization server and be allowed by its access policy)".to_owned(),
        "access_denied" if d.contains("feature is not enabled") => "the org is not on Identity Engine (a Classic Engine org: use kind okta-pkce), or the app lacks the Interaction Code grant (Applications > the app > General > Grant type > Interaction Code; Settings > Account > Embedded widget sign-in support; and the Interaction Code grant type in the authorization server's access policy rule)".to_owned(),
        "access_denied" => "check the authorization server's access policy: a rule must allow the Interaction Code grant for this client".to_owned(),
        _ => String::new(),
    };
    match hint.is_empty() {
        true => hint,
        false => format!("; {hint}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at() -> At {
        At::new(
            "POST",
            &Url::parse("https://org.okta.com/idp/idx/introspect").unwrap(),
        )
    }

    fn reply(status: u16, body: &str) -> Reply {
        Reply {
            status,
            body: body.to_owned(),
            ..Reply::default()
        }
    }

    #[test]
    fn json_that_is_not_idx_shows_its_keys_only() {
        let err = read(&reply(200, r#"{"token": "sekrit"}"#), &at()).unwrap_err();
        let text = err.to_string();
        assert!(text.ends_with("not an IDX response: JSON without stateHandle, remediation or messages (keys: token)"), "{text}");
        assert!(!text.contains("sekrit"), "{text}");
    }

    #[test]
    fn a_missing_idx_api_points_at_okta_pkce() {
        let err = read(&reply(404, "<html>Not found</html>"), &at()).unwrap_err();
        assert!(
            err.to_string()
                .contains("a Classic Engine org?); use kind okta-pkce"),
            "{err}"
        );
    }

    #[test]
    fn an_error_status_with_an_idx_body_is_read() {
        let body = r#"{"stateHandle": "02x", "messages": {"type": "array", "value": [{"message": "m", "i18n": {"key": "k"}, "class": "ERROR"}]}}"#;
        let response = read(&reply(401, body), &at()).unwrap();
        assert_eq!(response.messages[0].key, "k");
    }
}
