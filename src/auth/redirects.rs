//! The pure half of oauth2-pkce's authorization: where each answer of the
//! authorization server leads (follow a redirect on its own origin, stop at
//! the redirect_uri, or give up), and what the final redirect carries.

use super::authorize::{page_summary, redirect_params, without_query};
use super::client::Reply;
use super::error::{At, LoginFailure, described, excerpt};
pub use super::redirect_uri::is_redirect_uri;
use crate::secret::mask::Masker;
use reqwest::Url;

/// Where one answer leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// A redirect on the authorization server's own origin: request it.
    Follow(Url),
    /// The redirect to redirect_uri: read it, never request it.
    Callback(Url),
}

/// What the final redirect must carry.
#[derive(Debug, Clone, Copy)]
pub struct Expected<'a> {
    pub state: &'a str,
    pub issuer: &'a str,
    /// The metadata announced `iss` in every authorization response (RFC 9207).
    pub iss_required: bool,
}

/// The client and redirect_uri of the login, for messages.
#[derive(Debug, Clone, Copy)]
pub struct Client<'a> {
    pub client_id: &'a str,
    pub redirect_uri: &'a Url,
}

/// Scheme, host and port are the same (RFC 6454 origins).
pub fn same_origin(a: &Url, b: &Url) -> bool {
    a.origin() == b.origin()
}

/// The Location of a redirect, resolved against the URL that answered it.
pub fn location(reply: &Reply, at: &At, current: &Url) -> Result<Url, LoginFailure> {
    let location = reply.location.as_deref().ok_or_else(|| {
        LoginFailure::protocol(at, format!("a {} redirect without Location", reply.status))
    })?;
    current
        .join(location)
        .map_err(|e| LoginFailure::protocol(at, format!("a Location that is not a URL ({e})")))
}

/// Where the answer to `current` leads, `home` being the authorization endpoint.
pub fn next_step(
    reply: &Reply,
    at: &At,
    current: &Url,
    home: &Url,
    client: Client<'_>,
) -> Result<Step, LoginFailure> {
    match reply.status {
        300..=399 => {
            let target = location(reply, at, current)?;
            if is_redirect_uri(&target, client.redirect_uri) {
                Ok(Step::Callback(target))
            } else if same_origin(&target, home) {
                Ok(Step::Follow(target))
            } else {
                Err(LoginFailure::NotHeadless {
                    at: at.clone(),
                    detail: format!(
                        "it redirected to another origin, {} (an external login page or identity provider?), which gatecheck does not follow",
                        without_query(&target)
                    ),
                })
            }
        }
        200..=299 => Err(LoginFailure::NotHeadless {
            at: at.clone(),
            detail: page_kind(reply),
        }),
        400..=499 if reply.is_json() => Err(json_error(reply, at)),
        400..=499 => Err(LoginFailure::AuthorizeRefused {
            at: at.clone(),
            status: reply.status,
            summary: page_summary(&reply.body),
            client_id: client.client_id.to_owned(),
            redirect_uri: client.redirect_uri.to_string(),
        }),
        status => Err(LoginFailure::protocol(
            at,
            format!(
                "the server answered {status} instead of a redirect: {}",
                excerpt(&reply.body)
            ),
        )),
    }
}

/// "it answered 200 with an HTML login form", or what else came.
fn page_kind(reply: &Reply) -> String {
    let body = reply.body.to_ascii_lowercase();
    let what = if body.contains("<form") && body.contains("password") {
        "an HTML login form"
    } else if reply.is_html() {
        "an HTML page (a login or consent page?)"
    } else {
        "a page"
    };
    format!(
        "it answered {} with {what} instead of redirecting",
        reply.status
    )
}

/// A JSON 4xx: `{error, error_description}`, else an excerpt.
fn json_error(reply: &Reply, at: &At) -> LoginFailure {
    #[derive(serde::Deserialize)]
    struct OAuthError {
        error: String,
        error_description: Option<String>,
    }
    match serde_json::from_str::<OAuthError>(&reply.body) {
        Ok(e) => redirect_error(at, &e.error, e.error_description.as_deref()),
        Err(_) => LoginFailure::protocol(
            at,
            format!(
                "the server answered {}: {}",
                reply.status,
                excerpt(&reply.body)
            ),
        ),
    }
}

/// The code of the redirect to redirect_uri (registered in `masker`), after
/// checking `iss`, `error` and `state`.
pub fn read_callback(
    target: &Url,
    at: &At,
    expected: Expected<'_>,
    masker: &Masker,
) -> Result<String, LoginFailure> {
    let params = redirect_params(target);
    if let Some(code) = params.get("code") {
        masker.add(code.as_str());
    }
    match params.get("iss") {
        Some(iss) if iss != expected.issuer => {
            return Err(LoginFailure::IssMismatch {
                at: at.clone(),
                detail: format!(
                    "the redirect to redirect_uri carries iss `{iss}` but the issuer is `{}`",
                    expected.issuer
                ),
            });
        }
        None if expected.iss_required => {
            return Err(LoginFailure::IssMismatch {
                at: at.clone(),
                detail: "the redirect to redirect_uri carries no iss although the server's metadata announces authorization_response_iss_parameter_supported".to_owned(),
            });
        }
        _ => {}
    }
    if let Some(error) = params.get("error") {
        let description = params.get("error_description").map(String::as_str);
        return Err(redirect_error(at, error, description));
    }
    match (params.get("code"), params.get("state")) {
        (Some(code), Some(got)) if got == expected.state => Ok(code.clone()),
        (Some(_), got) => Err(LoginFailure::StateMismatch {
            at: at.clone(),
            sent: expected.state.to_owned(),
            got: got.cloned().unwrap_or_else(|| "(none)".to_owned()),
        }),
        (None, _) => Err(LoginFailure::protocol(
            at,
            "a redirect to the redirect_uri without code or error",
        )),
    }
}

fn redirect_error(at: &At, error: &str, description: Option<&str>) -> LoginFailure {
    LoginFailure::AuthorizeRedirect {
        at: at.clone(),
        error: error.to_owned(),
        description: described(description),
        hint: hint(error),
    }
}

fn hint(error: &str) -> &'static str {
    match error {
        "login_required" | "interaction_required" | "consent_required" => {
            "; the server wants an interactive sign-in: it did not sign the test user in by itself (check its session or dev auto-login and extra_params; cookies are kept within one login only)"
        }
        "access_denied" => {
            "; the server refused the test user: check that the user exists and may use this client"
        }
        "invalid_scope" => {
            "; check scopes (each must be supported by the server and allowed for the client)"
        }
        "unauthorized_client" => "; allow the authorization code grant for the client",
        "invalid_request" => {
            "; check client_id, redirect_uri, extra_params and that the client accepts PKCE S256"
        }
        _ => "",
    }
}

#[cfg(test)]
#[path = "redirects_tests.rs"]
mod tests;
