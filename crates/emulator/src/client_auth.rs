//! Client authentication at /token: client_secret_basic, client_secret_post
//! or none.

use axum::http::{HeaderMap, header};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::config::ClientConfig;
use super::oauth_error::OAuthError;
use super::state::Shared;
use super::token_params::Params;

const CLIENT_AUTH_FAILED: &str =
    "Client authentication failed. Either the client or the client credentials are invalid.";
const MULTIPLE_CREDENTIALS: &str = "Cannot supply multiple client credentials. Use one of the following: credentials in the Authorization header, credentials in the post body, or a client_assertion in the post body.";
const BROWSER_REQUEST: &str =
    "Browser requests to the token endpoint must use Proof Key for Code Exchange.";

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
        Some((id, secret)) if body_id.is_none_or(|b| b == id) => (id, secret.as_ref()),
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

/// Decodes `Authorization: Basic base64(id:secret)`, or `base64(id)` alone,
/// which Okta takes from a public client (okta-auth-js sends it to
/// /introspect and /revoke from an SPA); a malformed header is invalid_client.
fn basic_credentials(headers: &HeaderMap) -> Result<Option<(String, Option<String>)>, OAuthError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let invalid = || OAuthError::invalid_client(CLIENT_AUTH_FAILED);
    let text = value.to_str().map_err(|_| invalid())?;
    let encoded = text.strip_prefix("Basic ").ok_or_else(invalid)?;
    let decoded = STANDARD.decode(encoded.trim()).map_err(|_| invalid())?;
    let decoded = String::from_utf8(decoded).map_err(|_| invalid())?;
    let (id, secret) = match decoded.split_once(':') {
        Some((id, secret)) => (id, Some(secret.to_string())),
        None => (decoded.as_str(), None),
    };
    if id.is_empty() {
        return Err(invalid());
    }
    Ok(Some((id.to_string(), secret)))
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
            (id.as_str(), secret.as_deref()),
            ("demo-web", Some("demo-web-secret"))
        );
        // A public client's id alone, as okta-auth-js sends it.
        let value = format!("Basic {}", STANDARD.encode("demo-spa"));
        headers.insert(header::AUTHORIZATION, value.parse().unwrap());
        let (id, secret) = basic_credentials(&headers).unwrap().unwrap();
        assert_eq!((id.as_str(), secret), ("demo-spa", None));
        headers.insert(header::AUTHORIZATION, "Basic !!!".parse().unwrap());
        assert_eq!(
            basic_credentials(&headers).unwrap_err().error,
            "invalid_client"
        );
    }
}
