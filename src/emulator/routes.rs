//! The Okta emulator's routes: authn, org and custom authorization servers,
//! discovery, keys and the `/__emulator` counters.

use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};

use super::counters::CounterSnapshot;
use super::okta_error::OktaError;
use super::state::AppState;
use super::{authn, authorize, discovery, generic, idx, token};

/// Every Okta-side route, and the generic server under `/generic`.
pub(crate) fn router(state: AppState) -> Router {
    okta_router(state.clone())
        .merge(idx::router(state.clone()))
        .merge(generic::router(state))
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
        .route("/oauth2/v1/authorize", get(authorize::org))
        .route("/oauth2/v1/token", post(token::org))
        .route("/oauth2/v1/keys", get(discovery::keys_org))
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
            "/oauth2/{server}/.well-known/openid-configuration",
            get(discovery::discovery_custom),
        )
        .route(
            "/oauth2/{server}/.well-known/oauth-authorization-server",
            get(discovery::discovery_custom),
        )
        .route("/__emulator/counters", get(counters))
        .route("/__emulator/counters/reset", post(reset_counters))
        .fallback(not_found)
        .with_state(state)
}

async fn counters(State(shared): State<AppState>) -> Json<CounterSnapshot> {
    Json(shared.counters.snapshot())
}

async fn reset_counters(State(shared): State<AppState>) -> Json<CounterSnapshot> {
    shared.counters.reset();
    Json(shared.counters.snapshot())
}

async fn not_found(request: Request) -> Response {
    OktaError::not_found(request.uri().path()).into_response()
}
