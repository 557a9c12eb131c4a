//! POST {base}/v1/token: client authentication and grant dispatch.

use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};

pub(crate) use super::client_auth::authenticate;
use super::config::LimitedEndpoint;
use super::counters::Counter;
use super::grants;
use super::oauth_error::OAuthError;
use super::okta_error::OktaError;
use super::state::{AppState, Shared};
pub(crate) use super::token_params::Params;

type FormResult = Result<Form<Params>, FormRejection>;

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

pub(crate) fn no_store(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    response
}
