//! The Okta emulator's routes: authn, org and custom authorization servers,
//! discovery, keys and the `/__emulator` counters.

use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router, middleware};

use super::counters::CounterSnapshot;
use super::okta_error::OktaError;
use super::state::AppState;
use super::{
    authn, authorize, cors, discovery, generic, html, idx, introspect, logout, token, userinfo,
};

/// Every Okta-side route, and the generic server under `/generic`.
pub(crate) fn router(state: AppState) -> Router {
    okta_router(state.clone())
        .merge(idx::router(state.clone()))
        .merge(generic::router(state.clone()))
        .merge(super::auth0::router(state.clone()))
        .merge(super::cognito::router(state.clone()))
        .merge(super::cognito_hosted::router(state))
}

fn okta_router(state: AppState) -> Router {
    Router::new()
        .route("/api/v1/authn", post(authn::authn))
        .route(
            "/api/v1/authn/factors/{factor_id}/verify",
            post(authn::verify_factor),
        )
        .route("/api/v1/authn/skip", post(authn::skip))
        .route("/api/v1/authn/cancel", post(authn::cancel))
        .route("/api/v1/authn/introspect", post(authn::introspect))
        .route(
            "/api/v1/authn/credentials/change_password",
            post(authn::change_password),
        )
        .route("/login/default", get(sign_in))
        .route("/oauth2/v1/authorize", get(authorize::org))
        .route("/oauth2/v1/token", post(token::org))
        .route("/oauth2/v1/keys", get(discovery::keys_org))
        .route(
            "/oauth2/v1/userinfo",
            get(userinfo::org).post(userinfo::org),
        )
        .route("/oauth2/v1/introspect", post(introspect::introspect_org))
        .route("/oauth2/v1/revoke", post(introspect::revoke_org))
        .route("/oauth2/v1/logout", get(logout::org))
        .route(
            "/.well-known/openid-configuration",
            get(discovery::discovery_org),
        )
        .route(
            "/.well-known/oauth-authorization-server",
            get(discovery::discovery_org),
        )
        .route("/oauth2/{server}/v1/authorize", get(authorize::custom))
        .route("/oauth2/{server}/v1/token", post(token::custom))
        .route("/oauth2/{server}/v1/keys", get(discovery::keys_custom))
        .route(
            "/oauth2/{server}/v1/userinfo",
            get(userinfo::custom).post(userinfo::custom),
        )
        .route(
            "/oauth2/{server}/v1/introspect",
            post(introspect::introspect_custom),
        )
        .route(
            "/oauth2/{server}/v1/revoke",
            post(introspect::revoke_custom),
        )
        .route("/oauth2/{server}/v1/logout", get(logout::custom))
        .route(
            "/oauth2/{server}/.well-known/openid-configuration",
            get(discovery::discovery_custom),
        )
        .route(
            "/oauth2/{server}/.well-known/oauth-authorization-server",
            get(discovery::discovery_custom),
        )
        .route("/__emulator/counters", get(counters))
        .route("/__emulator/counters/reset", post(reset_counters))
        .route("/__emulator/keys/{server}/rotate", post(rotate_key))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(state.clone(), cors::cors))
        .with_state(state)
}

async fn counters(State(shared): State<AppState>) -> Json<CounterSnapshot> {
    Json(shared.counters.snapshot())
}

async fn reset_counters(State(shared): State<AppState>) -> Json<CounterSnapshot> {
    shared.counters.reset();
    Json(shared.counters.snapshot())
}

/// Rotates a server's signing key: the published next key starts signing.
async fn rotate_key(State(shared): State<AppState>, Path(server): Path<String>) -> Response {
    match shared.rotate_key(&server) {
        Ok(Some(kid)) => Json(serde_json::json!({"server": server, "kid": kid})).into_response(),
        Ok(None) => {
            OktaError::not_found(&format!("{server} (AuthorizationServer)")).into_response()
        }
        Err(err) => (StatusCode::INTERNAL_SERVER_ERROR, err.to_string()).into_response(),
    }
}

async fn sign_in() -> Response {
    html::sign_in_page()
}

async fn not_found(request: Request) -> Response {
    OktaError::not_found(request.uri().path()).into_response()
}
