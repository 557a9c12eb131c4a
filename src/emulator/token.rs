//! POST {base}/v1/token: client authentication and grant dispatch.

use std::collections::HashMap;

use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::config::{ClientConfig, GrantType, LimitedEndpoint};
use super::counters::Counter;
use super::grants::{self, MFA_OTP_GRANT};
use super::oauth_error::OAuthError;
use super::okta_error::OktaError;
use super::state::{AppState, Shared};

pub(crate) type Params = HashMap<String, String>;
type FormResult = Result<Form<Params>, FormRejection>;

const CLIENT_AUTH_FAILED: &str =
    "Client authentication failed. Either the client or the client credentials are invalid.";
const MULTIPLE_CREDENTIALS: &str = "Cannot supply multiple client credentials. Use one of the following: credentials in the Authorization header, credentials in the post body, or a client_assertion in the post body.";
const BROWSER_REQUEST: &str =
    "Browser requests to the token endpoint must use Proof Key for Code Exchange.";

/// POST /oauth2/{serverId}/v1/token
pub(crate) async fn custom(
    State(shared): State<AppState>,
    Path(server): Path<String>,
    headers: HeaderMap,
    form: FormResult,
) -> Response {
    token(&shared, &server, &headers, form)
}

/// POST /oauth2/v1/token (org authorization server)
pub(crate) async fn org(
    State(shared): State<AppState>,
    headers: HeaderMap,
    form: FormResult,
) -> Response {
    token(&shared, "org", &headers, form)
}

fn token(shared: &Shared, server_id: &str, headers: &HeaderMap, form: FormResult) -> Response {
    shared.count(Counter::Token);
    if let Err(err) = shared.rate_limit(LimitedEndpoint::Token) {
        return err.into_response();
    }
    let Some(server) = shared.server(server_id) else {
        return OktaError::not_found(&format!("{server_id} (AuthorizationServer)")).into_response();
    };
    let Ok(Form(params)) = form else {
        let description =
            "The request must be a POST with an application/x-www-form-urlencoded body.";
        return OAuthError::invalid_request(description).into_response();
    };
    let endpoint = format!("{}/v1/token", server.base);
    authenticated_grant(shared, &server, headers, &params, &endpoint)
}

/// Authenticates the client (secret or assertion for `endpoint`), reads
/// its DPoP proof, then runs the grant.
pub(crate) fn authenticated_grant(
    shared: &Shared,
    server: &super::state::ServerView,
    headers: &HeaderMap,
    params: &Params,
    endpoint: &str,
) -> Response {
    let client = match super::client_auth_jwt::authenticate(shared, headers, params, endpoint) {
        Ok(client) => client,
        Err(err) => return err.into_response(),
    };
    let jkt = match super::dpop::at_token(shared, client, headers, endpoint) {
        Ok(jkt) => jkt,
        Err(refused) => return refused.into_response(),
    };
    match grants::run(shared, server, client, params, jkt.as_deref()) {
        Ok(response) => no_store(response),
        Err(err) => err.into_response(),
    }
}

/// Finds the calling client: client_secret_basic, client_secret_post or none.
pub(crate) fn authenticate<'a>(
    shared: &'a Shared,
    headers: &HeaderMap,
    params: &Params,
) -> Result<&'a ClientConfig, OAuthError> {
    let basic = basic_credentials(headers)?;
    let body_id = params.get("client_id").filter(|v| !v.is_empty());
    let body_secret = params.get("client_secret").filter(|v| !v.is_empty());
    if basic.is_some() && body_secret.is_some() {
        return Err(OAuthError::invalid_client(MULTIPLE_CREDENTIALS));
    }
    let (id, secret) = match &basic {
        Some((id, secret)) if body_id.is_none_or(|b| b == id) => (id, Some(secret)),
        Some(_) => return Err(OAuthError::invalid_client(CLIENT_AUTH_FAILED)),
        None => (
            body_id.ok_or_else(|| OAuthError::invalid_client(CLIENT_AUTH_FAILED))?,
            body_secret,
        ),
    };
    let client = shared
        .client(id)
        .ok_or_else(|| OAuthError::invalid_client(CLIENT_AUTH_FAILED))?;
    let valid = match (&client.client_secret, secret) {
        (Some(expected), Some(given)) => expected == given,
        (None, None) => true,
        _ => false,
    };
    if !valid {
        return Err(OAuthError::invalid_client(CLIENT_AUTH_FAILED));
    }
    if headers.contains_key(header::ORIGIN) && !browser_allowed(shared, headers, client) {
        return Err(OAuthError::invalid_client(BROWSER_REQUEST));
    }
    Ok(client)
}

/// A browser (a request with `Origin`) may call as a public client from a
/// trusted origin only, as Okta allows SPAs.
fn browser_allowed(shared: &Shared, headers: &HeaderMap, client: &ClientConfig) -> bool {
    client.client_secret.is_none()
        && super::cors::trusted_origin(&shared.config.trusted_origins, headers).is_some()
}

/// Decodes `Authorization: Basic base64(id:secret)`; a malformed header is invalid_client.
fn basic_credentials(headers: &HeaderMap) -> Result<Option<(String, String)>, OAuthError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let invalid = || OAuthError::invalid_client(CLIENT_AUTH_FAILED);
    let text = value.to_str().map_err(|_| invalid())?;
    let encoded = text.strip_prefix("Basic ").ok_or_else(invalid)?;
    let decoded = STANDARD.decode(encoded.trim()).map_err(|_| invalid())?;
    let decoded = String::from_utf8(decoded).map_err(|_| invalid())?;
    let (id, secret) = decoded.split_once(':').ok_or_else(invalid)?;
    Ok(Some((id.to_string(), secret.to_string())))
}

/// The grant type a grant_type parameter needs on the client.
pub(crate) fn required_grant(grant_type: &str) -> Option<GrantType> {
    match grant_type {
        "authorization_code" => Some(GrantType::AuthorizationCode),
        "refresh_token" => Some(GrantType::RefreshToken),
        "client_credentials" => Some(GrantType::ClientCredentials),
        "password" | MFA_OTP_GRANT => Some(GrantType::Password),
        "interaction_code" => Some(GrantType::InteractionCode),
        _ => None,
    }
}

pub(crate) fn no_store(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_header_is_decoded() {
        let mut headers = HeaderMap::new();
        assert_eq!(basic_credentials(&headers).unwrap(), None);
        let value = format!("Basic {}", STANDARD.encode("demo-web:demo-web-secret"));
        headers.insert(header::AUTHORIZATION, value.parse().unwrap());
        let (id, secret) = basic_credentials(&headers).unwrap().unwrap();
        assert_eq!(
            (id.as_str(), secret.as_str()),
            ("demo-web", "demo-web-secret")
        );
        headers.insert(header::AUTHORIZATION, "Basic !!!".parse().unwrap());
        assert_eq!(
            basic_credentials(&headers).unwrap_err().error,
            "invalid_client"
        );
    }

    #[test]
    fn mfa_otp_needs_the_password_grant() {
        assert_eq!(required_grant(MFA_OTP_GRANT), Some(GrantType::Password));
        assert_eq!(required_grant("implicit"), None);
    }
}
