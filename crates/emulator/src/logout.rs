//! GET {base}/v1/logout: RP-initiated logout with `id_token_hint`,
//! `post_logout_redirect_uri` (registered per client) and `state`.

use std::collections::HashMap;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::html;
use super::ids::append_query;
use super::okta_error::OktaError;
use super::state::{AppState, Shared};
use super::verify::{Expect, verify};

type Params = HashMap<String, String>;

pub(crate) const LOGOUT_URI_MESSAGE: &str = "The 'post_logout_redirect_uri' parameter must be a Logout redirect URI in the client app settings.";

/// GET /oauth2/{serverId}/v1/logout
pub(crate) async fn custom(
    State(shared): State<AppState>,
    Path(server): Path<String>,
    query: Result<Query<Params>, QueryRejection>,
) -> Response {
    logout(&shared, &server, &query.map(|q| q.0).unwrap_or_default())
}

/// GET /oauth2/v1/logout
pub(crate) async fn org(
    State(shared): State<AppState>,
    query: Result<Query<Params>, QueryRejection>,
) -> Response {
    logout(&shared, "org", &query.map(|q| q.0).unwrap_or_default())
}

fn logout(shared: &Shared, server_id: &str, params: &Params) -> Response {
    let Some(server) = shared.server(server_id) else {
        return OktaError::not_found(&format!("{server_id} (AuthorizationServer)")).into_response();
    };
    let get = |name: &str| {
        params
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    };
    let Some(hint) = get("id_token_hint") else {
        return html::bad_request_page("The 'id_token_hint' parameter is required.");
    };
    // Okta accepts an expired id token as a hint.
    let expect = Expect {
        audience: None,
        check_exp: false,
    };
    let client = verify(shared, &server, hint, expect)
        .ok()
        .filter(|claims| claims.get("cid").is_none())
        .and_then(|claims| claims["aud"].as_str().and_then(|aud| shared.client(aud)));
    let Some(client) = client else {
        return html::bad_request_page(
            "The 'id_token_hint' parameter is not a valid id token of this authorization server.",
        );
    };
    let Some(uri) = get("post_logout_redirect_uri") else {
        return found(&format!("{}/login/default", shared.okta_url));
    };
    if !client.post_logout_redirect_uris.iter().any(|r| r == uri) {
        return html::bad_request_page(LOGOUT_URI_MESSAGE);
    }
    let state: Vec<(&str, &str)> = get("state").map(|s| ("state", s)).into_iter().collect();
    found(&append_query(uri, &state))
}

fn found(location: &str) -> Response {
    (
        StatusCode::FOUND,
        [(header::LOCATION, location.to_string())],
    )
        .into_response()
}
