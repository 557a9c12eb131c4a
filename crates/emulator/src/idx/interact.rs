//! POST {base}/v1/interact: starts an IDX transaction for a client and
//! returns its interaction handle.

use axum::Form;
use axum::Json;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::super::config::{ClientConfig, GrantType};
use super::super::counters::Counter;
use super::super::ids::random_token;
use super::super::oauth_error::OAuthError;
use super::super::okta_error::OktaError;
use super::super::state::{AppState, ServerView, Shared};
use super::super::token::{Params, no_store};
use super::super::{pkce, scopes};
use super::store::IdxTx;

type FormResult = Result<Form<Params>, FormRejection>;

/// POST /oauth2/{serverId}/v1/interact
pub(crate) async fn custom(
    State(shared): State<AppState>,
    Path(server): Path<String>,
    form: FormResult,
) -> Response {
    interact(&shared, &server, form)
}

/// POST /oauth2/v1/interact (org authorization server)
pub(crate) async fn org(State(shared): State<AppState>, form: FormResult) -> Response {
    interact(&shared, "org", form)
}

fn interact(shared: &Shared, server_id: &str, form: FormResult) -> Response {
    shared.count(Counter::Interact);
    let Some(server) = shared.server(server_id) else {
        return OktaError::not_found(&format!("{server_id} (AuthorizationServer)")).into_response();
    };
    let Ok(Form(params)) = form else {
        let description =
            "The request must be a POST with an application/x-www-form-urlencoded body.";
        return OAuthError::invalid_request(description).into_response();
    };
    match start(shared, &server, &params) {
        Ok(handle) => no_store(Json(json!({ "interaction_handle": handle })).into_response()),
        Err(err) => err.into_response(),
    }
}

/// Checks the request and stores a new transaction; returns its interaction handle.
fn start(shared: &Shared, server: &ServerView, params: &Params) -> Result<String, OAuthError> {
    let get = |name: &str| {
        params
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    };
    let client = client(shared, get("client_id"), get("client_secret"))?;
    let redirect_uri = get("redirect_uri")
        .filter(|uri| client.redirect_uris.iter().any(|r| r == uri))
        .ok_or_else(|| {
            OAuthError::invalid_request(
                "The 'redirect_uri' parameter must be a Login redirect URI in the client app settings.",
            )
        })?;
    let requested = scopes::parse(get("scope").unwrap_or_default());
    if !requested.iter().any(|s| s == "openid") {
        return Err(OAuthError::invalid_scope(
            "The authorization request must include the 'openid' scope.",
        ));
    }
    scopes::check(&requested, server, client)?;
    let challenge =
        pkce::check_challenge(get("code_challenge"), get("code_challenge_method"), true)
            .map_err(|e| OAuthError::invalid_request(e.description()))?
            .unwrap_or_default();
    let tx = IdxTx {
        server: server.id.clone(),
        client_id: client.client_id.clone(),
        scopes: requested,
        redirect_uri: redirect_uri.to_owned(),
        challenge,
        nonce: get("nonce").map(String::from),
        login: None,
        password_ok: false,
        factor_ok: false,
        current: None,
        skipped_warning: false,
        skipped_enroll: false,
        interaction_code: None,
    };
    let interaction_handle = random_token("", 43);
    let state_handle = random_token("02", 40);
    shared.remember(&interaction_handle);
    shared.remember(&state_handle);
    shared.idx.transactions.insert(state_handle.clone(), tx);
    shared
        .idx
        .handles
        .insert(interaction_handle.clone(), state_handle);
    Ok(interaction_handle)
}

/// The calling client: known, with its secret when confidential, allowed the grant.
fn client<'a>(
    shared: &'a Shared,
    id: Option<&str>,
    secret: Option<&str>,
) -> Result<&'a ClientConfig, OAuthError> {
    let invalid = || {
        OAuthError::new(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Client authentication failed. Either the client or the client credentials are invalid.",
        )
    };
    let client = id.and_then(|id| shared.client(id)).ok_or_else(invalid)?;
    if client.client_secret.as_deref() != secret {
        return Err(invalid());
    }
    if !client.grant_types.contains(&GrantType::InteractionCode) {
        return Err(OAuthError::new(
            StatusCode::BAD_REQUEST,
            "unauthorized_client",
            "The client is not authorized to use the provided grant type. Configured grant types do not include [interaction_code].",
        ));
    }
    Ok(client)
}
