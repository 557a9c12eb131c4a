//! The `interaction_code` grant at /token: the code of a finished IDX
//! transaction plus the PKCE verifier of its /interact.

use axum::Json;
use axum::response::{IntoResponse, Response};

use super::super::config::ClientConfig;
use super::super::issue::{token_response, wants_refresh};
use super::super::oauth_error::OAuthError;
use super::super::state::{ServerView, Shared};
use super::super::token_params::{Params, check_verifier, param};

const CODE_INVALID: &str = "The interaction code is invalid or has expired.";

/// Exchanges an interaction code for tokens.
pub(crate) fn interaction_code(
    shared: &Shared,
    server: &ServerView,
    client: &ClientConfig,
    params: &Params,
) -> Result<Response, OAuthError> {
    let code = param(params, "interaction_code")?;
    let binding = shared
        .idx
        .codes
        .take(code)
        .ok_or_else(|| OAuthError::invalid_grant(CODE_INVALID))?;
    if binding.grant.client_id != client.client_id || binding.grant.server != server.id {
        return Err(OAuthError::invalid_grant(CODE_INVALID));
    }
    if let Some(verifier) = params.get("code_verifier") {
        shared.remember(verifier);
    }
    check_verifier(binding.challenge.as_deref(), params.get("code_verifier"))?;
    let grant = &binding.grant;
    let refresh = wants_refresh(client, grant).then_some(grant);
    Ok(Json(token_response(shared, server, grant, refresh, None)?).into_response())
}
