//! GET {base}/v1/keys and the discovery documents.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::counters::Counter;
use super::keyring::JWKS_MAX_AGE_SECS;
use super::okta_error::OktaError;
use super::state::{AppState, ServerView, Shared};

/// GET /oauth2/{serverId}/v1/keys
pub(crate) async fn keys_custom(
    State(shared): State<AppState>,
    Path(server): Path<String>,
) -> Response {
    keys(&shared, &server)
}

/// GET /oauth2/v1/keys
pub(crate) async fn keys_org(State(shared): State<AppState>) -> Response {
    keys(&shared, "org")
}

fn keys(shared: &Shared, server: &str) -> Response {
    shared.count(Counter::Keys);
    let Some(ring) = shared.server(server).and(shared.ring(server)) else {
        return unknown_server(server);
    };
    match ring.jwks() {
        Ok(jwks) => {
            let max_age = format!("max-age={JWKS_MAX_AGE_SECS}, must-revalidate");
            let mut response = Json(jwks).into_response();
            if let Ok(value) = HeaderValue::from_str(&max_age) {
                response.headers_mut().insert(header::CACHE_CONTROL, value);
            }
            response
        }
        Err(err) => {
            let body = json!({"error": "server_error", "error_description": err.to_string()});
            (StatusCode::INTERNAL_SERVER_ERROR, Json(body)).into_response()
        }
    }
}

/// GET /oauth2/{serverId}/.well-known/openid-configuration (and oauth-authorization-server)
pub(crate) async fn discovery_custom(
    State(shared): State<AppState>,
    Path(server): Path<String>,
) -> Response {
    discovery(&shared, &server)
}

/// GET /.well-known/openid-configuration (org server)
pub(crate) async fn discovery_org(State(shared): State<AppState>) -> Response {
    discovery(&shared, "org")
}

fn discovery(shared: &Shared, server: &str) -> Response {
    shared.count(Counter::Discovery);
    match shared.server(server) {
        Some(view) => Json(document(&view)).into_response(),
        None => unknown_server(server),
    }
}

fn unknown_server(server: &str) -> Response {
    OktaError::not_found(&format!("{server} (AuthorizationServer)")).into_response()
}

/// The metadata document of one server.
pub(crate) fn document(server: &ServerView) -> Value {
    let base = &server.base;
    json!({
        "issuer": server.issuer,
        "authorization_endpoint": format!("{base}/v1/authorize"),
        "token_endpoint": format!("{base}/v1/token"),
        "jwks_uri": format!("{base}/v1/keys"),
        "userinfo_endpoint": format!("{base}/v1/userinfo"),
        "introspection_endpoint": format!("{base}/v1/introspect"),
        "revocation_endpoint": format!("{base}/v1/revoke"),
        "end_session_endpoint": format!("{base}/v1/logout"),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query", "fragment", "form_post", "okta_post_message"],
        "grant_types_supported": [
            "authorization_code", "refresh_token", "client_credentials", "password",
            super::grants::MFA_OTP_GRANT, "interaction_code",
        ],
        "subject_types_supported": ["public"],
        "scopes_supported": server.scopes,
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "private_key_jwt", "none"],
        "introspection_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "private_key_jwt", "none"],
        "revocation_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "private_key_jwt", "none"],
        "dpop_signing_alg_values_supported": ["ES256", "RS256"],
        "claims_supported": [
            "iss", "ver", "sub", "aud", "iat", "exp", "jti", "auth_time", "amr", "idp", "nonce",
            "name", "preferred_username", "given_name", "family_name", "locale", "zoneinfo",
            "updated_at", "email", "email_verified", "at_hash", "groups",
        ],
        "code_challenge_methods_supported": ["S256"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "request_parameter_supported": false,
    })
}
