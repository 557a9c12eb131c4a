//! A generic (non-Okta) authorization server on the Okta port, under
//! `/generic`, issuer `{okta}/generic`: a dev server with auto-login that
//! completes the authorization without a form when its own session cookie
//! comes back, for the `oauth2-pkce` fixture kind. Discovery, keys and
//! /token live here; the authorization hops in `generic_authorize`.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::extract::rejection::FormRejection;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use serde_json::{Value, json};

use super::config::{LimitedEndpoint, TokenKind};
use super::counters::Counter;
use super::generic_authorize as authorize;
use super::ids::append_query;
use super::oauth_error::OAuthError;
use super::state::{AppState, ServerView};
use super::store::Store;
use super::token;

pub(crate) use super::consts::SERVER_ID;
/// The scopes it knows.
pub(crate) const SCOPES: [&str; 4] = ["openid", "profile", "email", "offline_access"];
/// Its session cookie.
pub(crate) const COOKIE: &str = "gc_generic_sid";

pub(crate) type Params = HashMap<String, String>;
pub(crate) type GenericState = Arc<Generic>;

/// An authorization request between its hops.
#[derive(Debug, Clone)]
pub(crate) struct Pending {
    pub(crate) client_id: String,
    pub(crate) redirect_uri: String,
    pub(crate) scopes: Vec<String>,
    pub(crate) challenge: Option<String>,
    pub(crate) state: String,
    pub(crate) nonce: Option<String>,
    pub(crate) login: String,
    /// The session cookie the request belongs to.
    pub(crate) sid: String,
}

/// A browser session of the generic server, keyed by its cookie value.
#[derive(Debug, Clone)]
pub(crate) struct Session {
    pub(crate) login: String,
    /// When the auto-login signed the user in (None: not yet).
    pub(crate) signed_in: Option<u64>,
}

/// The generic server's own state beside the emulator's.
pub(crate) struct Generic {
    pub(crate) shared: AppState,
    pub(crate) pending: Store<Pending>,
    pub(crate) sessions: Store<Session>,
}

impl Generic {
    /// `{okta}/generic`.
    pub(crate) fn issuer(&self) -> String {
        format!("{}/generic", self.shared.okta_url)
    }

    /// The server as the token code sees it.
    pub(crate) fn view(&self) -> ServerView {
        ServerView {
            id: SERVER_ID.to_owned(),
            issuer: self.issuer(),
            base: self.issuer(),
            audience: "api://generic".to_owned(),
            scopes: SCOPES.map(String::from).to_vec(),
            groups_claim: vec![TokenKind::AccessToken],
        }
    }
}

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

/// The value of the session cookie in a request, if any.
pub(crate) fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.to_owned())
}

/// 302 to `location`, setting the session cookie when given.
pub(crate) fn found(location: &str, set_sid: Option<&str>) -> Response {
    let mut response =
        (StatusCode::FOUND, [(header::LOCATION, location.to_owned())]).into_response();
    if let Some(sid) = set_sid {
        let cookie = format!("{COOKIE}={sid}; Path=/generic; HttpOnly; SameSite=Lax");
        if let Ok(value) = cookie.parse() {
            response.headers_mut().insert(header::SET_COOKIE, value);
        }
    }
    response
}

/// An error redirect to the client, with `state` and `iss` (RFC 9207).
pub(crate) fn redirect_error(
    g: &Generic,
    redirect_uri: &str,
    error: &str,
    description: &str,
    state: Option<&str>,
) -> Response {
    let issuer = g.issuer();
    let mut query = vec![("error", error), ("error_description", description)];
    query.extend(state.map(|s| ("state", s)));
    query.push(("iss", &issuer));
    found(&append_query(redirect_uri, &query), None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let mut headers = HeaderMap::new();
        assert_eq!(session_cookie(&headers), None);
        headers.insert(
            header::COOKIE,
            "a=1; gc_generic_sid=s1d; b=2".parse().unwrap(),
        );
        assert_eq!(session_cookie(&headers).as_deref(), Some("s1d"));
    }

    #[test]
    fn found_sets_a_cookie_on_the_generic_path() {
        let response = found("/generic/login/auto?request=r", Some("s1d"));
        assert_eq!(response.status(), StatusCode::FOUND);
        let cookie = response.headers()[header::SET_COOKIE].to_str().unwrap();
        assert_eq!(
            cookie,
            "gc_generic_sid=s1d; Path=/generic; HttpOnly; SameSite=Lax"
        );
    }
}
