//! A generic (non-Okta) authorization server on the Okta port, under
//! `/generic`, issuer `{okta}/generic`: a dev server with auto-login that
//! completes the authorization without a form when its own session cookie
//! comes back, for the `oauth2-pkce` fixture kind. Discovery, keys and
//! /token live here; the authorization hops in `generic_authorize`, the
//! state both use in `generic_state`.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::extract::rejection::FormRejection;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use serde_json::{Value, json};

use super::config::LimitedEndpoint;
use super::consts::SERVER_ID;
use super::counters::Counter;
use super::generic_authorize as authorize;
use super::generic_state::{Generic, GenericState, Params, SCOPES};
use super::oauth_error::OAuthError;
use super::state::AppState;
use super::store::Store;
use super::token;

/// Every `/generic` route, with its own state.
pub(crate) fn router(shared: AppState) -> Router {
    let minutes = |m: u64| Duration::from_secs(60 * m);
    let state = Arc::new(Generic {
        shared,
        pending: Store::new(minutes(5)),
        sessions: Store::new(minutes(60)),
    });
    Router::new()
        .route("/generic/.well-known/openid-configuration", get(discovery))
        .route(
            "/generic/.well-known/oauth-authorization-server",
            get(discovery),
        )
        .route("/generic/keys", get(keys))
        .route("/generic/authorize", get(authorize::start))
        .route("/generic/login/auto", get(authorize::auto_login))
        .route("/generic/authorize/resume", get(authorize::resume))
        .route("/generic/authorize/loop", get(authorize::endless))
        .route("/generic/token", post(token))
        .with_state(state)
}

async fn discovery(State(g): State<GenericState>) -> Json<Value> {
    g.shared.count(Counter::Discovery);
    let issuer = g.issuer();
    Json(json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}/authorize"),
        "token_endpoint": format!("{issuer}/token"),
        "jwks_uri": format!("{issuer}/keys"),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "subject_types_supported": ["public"],
        "scopes_supported": SCOPES,
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "private_key_jwt", "none"],
        "dpop_signing_alg_values_supported": ["ES256", "RS256"],
        "code_challenge_methods_supported": ["S256"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "authorization_response_iss_parameter_supported": true,
    }))
}

async fn keys(State(g): State<GenericState>) -> Json<Value> {
    g.shared.count(Counter::Keys);
    let jwks = g.shared.ring(SERVER_ID).map(|ring| ring.jwks());
    Json(
        jwks.and_then(Result::ok)
            .unwrap_or_else(|| json!({"keys": []})),
    )
}

/// POST /generic/token: the emulator's own client authentication and grants.
async fn token(
    State(g): State<GenericState>,
    headers: HeaderMap,
    form: Result<Form<Params>, FormRejection>,
) -> Response {
    let shared = &g.shared;
    shared.count(Counter::Token);
    if let Err(err) = shared.rate_limit(LimitedEndpoint::Token) {
        return err.into_response();
    }
    let Ok(Form(params)) = form else {
        let description =
            "The request must be a POST with an application/x-www-form-urlencoded body.";
        return OAuthError::invalid_request(description).into_response();
    };
    let view = g.view();
    let endpoint = format!("{}/token", g.issuer());
    token::authenticated_grant(shared, &view, &headers, &params, &endpoint)
}
