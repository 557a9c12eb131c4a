//! The IDX routes, merged into the emulator's Okta router.

use axum::Router;
use axum::routing::post;

use super::super::state::AppState;
use super::{handlers, interact};

pub(crate) fn router(state: AppState) -> Router {
    Router::new()
        .route("/oauth2/v1/interact", post(interact::org))
        .route("/oauth2/{server}/v1/interact", post(interact::custom))
        .route("/idp/idx/introspect", post(handlers::introspect))
        .route("/idp/idx/identify", post(handlers::identify))
        .route("/idp/idx/challenge", post(handlers::challenge))
        .route("/idp/idx/challenge/answer", post(handlers::answer))
        .route("/idp/idx/skip", post(handlers::skip))
        .route("/idp/idx/cancel", post(handlers::cancel))
        .route("/idp/idx/authenticators/poll", post(handlers::poll))
        .route("/idp/idx/credential/enroll", post(handlers::enroll))
        .with_state(state)
}
