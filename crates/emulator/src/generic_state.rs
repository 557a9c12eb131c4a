//! The generic server's state (pending authorization requests, browser
//! sessions) and the response helpers its routes share: the session cookie,
//! redirects and error redirects to the client.

use std::collections::HashMap;
use std::sync::Arc;

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::config::TokenKind;
use super::ids::append_query;
use super::state::{AppState, ServerView};
use super::store::Store;

use super::consts::SERVER_ID;
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
