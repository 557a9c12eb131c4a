//! GET {base}/v1/authorize: the authorization code flow with a sessionToken.

use std::collections::HashMap;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};

use super::config::{ClientConfig, GrantType, LimitedEndpoint, SignOnPolicy};
use super::counters::Counter;
use super::html;
use super::ids::random_token;
use super::okta_error::OktaError;
use super::response_mode::ResponseMode;
use super::state::{AppState, CodeGrant, Grant, ServerView, Shared};
use super::{pkce, scopes};

type Params = HashMap<String, String>;

/// A request that passed every parameter check.
#[derive(Debug)]
struct Checked {
    scopes: Vec<String>,
    challenge: Option<String>,
}

/// Where and how the authorization response goes.
struct Reply<'a> {
    redirect_uri: &'a str,
    mode: ResponseMode,
    state: Option<&'a str>,
}

impl Reply<'_> {
    fn error(&self, error: &str, description: &str) -> Response {
        let mut params = vec![("error", error), ("error_description", description)];
        params.extend(self.state.map(|s| ("state", s)));
        self.mode.deliver(self.redirect_uri, &params)
    }

    fn code(&self, code: &str) -> Response {
        let mut params = vec![("code", code)];
        params.extend(self.state.map(|s| ("state", s)));
        self.mode.deliver(self.redirect_uri, &params)
    }
}

/// A redirectable error: (error, error_description).
type Redirectable = (&'static str, String);

/// GET /oauth2/{serverId}/v1/authorize
pub(crate) async fn custom(
    State(shared): State<AppState>,
    Path(server): Path<String>,
    query: Result<Query<Params>, QueryRejection>,
) -> Response {
    authorize(&shared, &server, query.map(|q| q.0).unwrap_or_default())
}

/// GET /oauth2/v1/authorize (org authorization server)
pub(crate) async fn org(
    State(shared): State<AppState>,
    query: Result<Query<Params>, QueryRejection>,
) -> Response {
    authorize(&shared, "org", query.map(|q| q.0).unwrap_or_default())
}

fn authorize(shared: &Shared, server_id: &str, params: Params) -> Response {
    shared.count(Counter::Authorize);
    if let Err(err) = shared.rate_limit(LimitedEndpoint::Authorize) {
        return err.into_response();
    }
    let Some(server) = shared.server(server_id) else {
        return OktaError::not_found(&format!("{server_id} (AuthorizationServer)")).into_response();
    };
    let get = |name: &str| {
        params
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    };
    let Some(client) = get("client_id").and_then(|id| shared.client(id)) else {
        return html::invalid_client_page();
    };
    let Some(redirect_uri) =
        get("redirect_uri").filter(|uri| client.redirect_uris.iter().any(|r| r == uri))
    else {
        return html::bad_request_page(html::REDIRECT_URI_MESSAGE);
    };
    let state = get("state");
    // An unsupported mode is itself answered in the default mode (query).
    let mode = ResponseMode::parse(get("response_mode"));
    let reply = Reply {
        redirect_uri,
        mode: mode.as_ref().map_or(ResponseMode::Query, |m| *m),
        state,
    };
    if let Err(description) = mode {
        return reply.error("unsupported_response_mode", &description);
    }
    let checked = match check_request(&params, client, &server) {
        Ok(checked) => checked,
        Err((error, description)) => return reply.error(error, &description),
    };
    let Some(session) = get("sessionToken").and_then(|t| shared.sessions.take(t)) else {
        return no_session(&reply, get("prompt"));
    };
    let user = match shared.user(&session.login) {
        Some(user) if client.sign_on_policy != SignOnPolicy::Reauthenticate => user,
        _ => return html::sign_in_page(),
    };
    if !Shared::is_assigned(client, user) {
        let description = "User is not assigned to the client application.";
        return reply.error("access_denied", description);
    }
    let grant = Grant {
        server: server.id.clone(),
        client_id: client.client_id.clone(),
        session: Some(session),
        scopes: checked.scopes,
        nonce: get("nonce").map(String::from),
    };
    let code = random_token("", 43);
    let binding = CodeGrant {
        grant,
        redirect_uri: redirect_uri.to_string(),
        challenge: checked.challenge,
    };
    shared.remember(&code);
    shared.codes.insert(code.clone(), binding);
    reply.code(&code)
}

/// Checks response_type, grant, state, scope and PKCE.
fn check_request(
    params: &Params,
    client: &ClientConfig,
    server: &ServerView,
) -> Result<Checked, Redirectable> {
    let get = |name: &str| {
        params
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    };
    match get("response_type") {
        Some("code") => {}
        None => return Err(("invalid_request", "The 'response_type' parameter is required.".into())),
        Some(_) => return Err(("unsupported_response_type", "The response type is not supported by the authorization server. Configured response types: [code].".into())),
    }
    if !client.grant_types.contains(&GrantType::AuthorizationCode) {
        return Err(("unauthorized_client", "The client is not authorized to use the provided grant type. Configured grant types: [authorization_code].".into()));
    }
    if get("state").is_none() {
        return Err((
            "invalid_request",
            "The 'state' parameter is required.".into(),
        ));
    }
    let requested = scopes::parse(get("scope").unwrap_or_default());
    if !requested.iter().any(|s| s == "openid") {
        return Err((
            "invalid_scope",
            "The authorization request must include the 'openid' scope.".into(),
        ));
    }
    scopes::check(&requested, server, client).map_err(|e| ("invalid_scope", e.description))?;
    let public = client.client_secret.is_none();
    let challenge =
        pkce::check_challenge(get("code_challenge"), get("code_challenge_method"), public)
            .map_err(|e| ("invalid_request", e.description().to_string()))?;
    Ok(Checked {
        scopes: requested,
        challenge,
    })
}

/// No usable sessionToken: login_required with prompt=none, else the sign-in page.
fn no_session(reply: &Reply<'_>, prompt: Option<&str>) -> Response {
    if prompt == Some("none") {
        let description = "The client specified not to prompt, but the user is not logged in.";
        return reply.error("login_required", description);
    }
    html::sign_in_page()
}
