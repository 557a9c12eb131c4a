//! GET {base}/v1/keys and the discovery documents.

use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::counters::Counter;
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
    match shared.server(server) {
        Some(_) => Json(shared.key.jwks()).into_response(),
        None => unknown_server(server),
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
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": [
            "authorization_code", "refresh_token", "client_credentials", "password",
            super::grants::MFA_OTP_GRANT,
        ],
        "subject_types_supported": ["public"],
        "scopes_supported": server.scopes,
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "private_key_jwt", "none"],
        "dpop_signing_alg_values_supported": ["ES256", "RS256"],
        "claims_supported": [
            "iss", "ver", "sub", "aud", "iat", "exp", "jti", "auth_time", "amr", "idp", "nonce",
            "name", "preferred_username", "email", "email_verified", "at_hash", "groups",
        ],
        "code_challenge_methods_supported": ["S256"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "request_parameter_supported": false,
    })
}
