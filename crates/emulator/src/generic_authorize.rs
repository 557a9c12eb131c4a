//! The generic server's authorization hops, all on its own origin:
//!
//! 1. `GET /generic/authorize`: checks the request, sets the session cookie
//!    (an existing session wins over `login_hint`), 302 to `/generic/login/auto`;
//! 2. `GET /generic/login/auto` (cookie required): signs the user in, 302 to
//!    `/generic/authorize/resume`;
//! 3. `GET /generic/authorize/resume` (cookie required): 302 to the
//!    redirect_uri with `code`, `state` and `iss`.
//!
//! Some logins misbehave on purpose (`Quirk`), for tests of the client.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};

use super::config::{GrantType, LimitedEndpoint};
use super::counters::Counter;
use super::generic_state::{
    Generic, GenericState, Params, Pending, SCOPES, Session as GenericSession, found,
    redirect_error, session_cookie,
};
use super::html::bad_request_page;
use super::ids::{append_query, epoch_secs, random_token};
use super::state::{CodeGrant, Grant, Session, Shared};
use super::{pkce, scopes};

/// The user signed in when the request names none.
const DEFAULT_LOGIN: &str = "ada@example.com";
/// Where `foreign@example.com` is sent: another origin.
pub(crate) const FOREIGN_LOGIN_PAGE: &str = "https://idp.example.net/sso/login";
/// `loop@example.com` gives up after this many redirects.
const MAX_LOOP: u32 = 50;
const UNKNOWN_REQUEST: &str =
    "The authorization request is unknown or expired; start again at /generic/authorize.";
const NO_COOKIE: &str = "No session cookie: the client did not send the cookie set by /generic/authorize, so the user cannot be signed in without a form.";

/// Misbehaviour chosen by the login (`login_hint`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quirk {
    None,
    /// 200 with an HTML login form.
    Form,
    /// 302 to another origin.
    Foreign,
    /// 302 on its own origin, forever.
    Loop,
    /// `iss` of another issuer on the final redirect.
    BadIss,
    /// No `iss` on the final redirect (the metadata promises one).
    NoIss,
    /// Another `state` on the final redirect.
    BadState,
}

fn quirk(login: &str) -> Quirk {
    match login.to_ascii_lowercase().as_str() {
        "form@example.com" => Quirk::Form,
        "foreign@example.com" => Quirk::Foreign,
        "loop@example.com" => Quirk::Loop,
        "bad-iss@example.com" => Quirk::BadIss,
        "no-iss@example.com" => Quirk::NoIss,
        "bad-state@example.com" => Quirk::BadState,
        _ => Quirk::None,
    }
}

/// GET /generic/authorize
pub(crate) async fn start(
    State(g): State<GenericState>,
    headers: HeaderMap,
    query: Result<Query<Params>, QueryRejection>,
) -> Response {
    g.shared.count(Counter::Authorize);
    if let Err(err) = g.shared.rate_limit(LimitedEndpoint::Authorize) {
        return err.into_response();
    }
    let params = query.map(|q| q.0).unwrap_or_default();
    let mut pending = match check(&g, &params) {
        Ok(pending) => pending,
        Err(response) => return *response,
    };
    let existing = session_cookie(&headers).and_then(|sid| Some((g.sessions.get(&sid)?, sid)));
    let (login, sid, new_sid) = match existing {
        Some((session, sid)) => (session.login, sid, None),
        None => {
            let hint = param(&params, "login_hint").unwrap_or(DEFAULT_LOGIN);
            let sid = random_token("", 32);
            (hint.to_owned(), sid.clone(), Some(sid))
        }
    };
    match quirk(&login) {
        Quirk::Form => return login_form(),
        Quirk::Foreign => return found(FOREIGN_LOGIN_PAGE, None),
        Quirk::Loop => return found("/generic/authorize/loop?hop=1", None),
        Quirk::None => {
            if let Err(description) = may_sign_in(&g.shared, &pending.client_id, &login) {
                let state = Some(pending.state.as_str());
                return redirect_error(
                    &g,
                    &pending.redirect_uri,
                    "access_denied",
                    &description,
                    state,
                );
            }
        }
        Quirk::BadIss | Quirk::NoIss | Quirk::BadState => {}
    }
    if let Some(sid) = &new_sid {
        g.shared.remember(sid);
        let session = GenericSession {
            login: login.clone(),
            signed_in: None,
        };
        g.sessions.insert(sid.clone(), session);
    }
    pending.login = login;
    pending.sid = sid;
    let request = random_token("", 24);
    g.pending.insert(request.clone(), pending);
    let next = append_query("/generic/login/auto", &[("request", &request)]);
    found(&next, new_sid.as_deref())
}

/// GET /generic/login/auto: the dev server's auto-login (cookie required).
pub(crate) async fn auto_login(
    State(g): State<GenericState>,
    headers: HeaderMap,
    Query(params): Query<Params>,
) -> Response {
    let Some((request, pending)) = pending(&g, &params) else {
        return bad_request_page(UNKNOWN_REQUEST);
    };
    let Some(mut session) = own_session(&g, &headers, &pending) else {
        g.pending.remove(&request);
        return no_cookie(&g, &pending);
    };
    session.signed_in = Some(epoch_secs());
    g.sessions.insert(pending.sid.clone(), session);
    let next = append_query(
        &format!("{}/authorize/resume", g.issuer()),
        &[("request", &request)],
    );
    found(&next, None)
}

/// GET /generic/authorize/resume: the code, back to the client (cookie required).
pub(crate) async fn resume(
    State(g): State<GenericState>,
    headers: HeaderMap,
    Query(params): Query<Params>,
) -> Response {
    let Some((request, pending)) = pending(&g, &params) else {
        return bad_request_page(UNKNOWN_REQUEST);
    };
    g.pending.remove(&request);
    let signed_in = own_session(&g, &headers, &pending).and_then(|s| s.signed_in);
    let Some(auth_time) = signed_in else {
        return no_cookie(&g, &pending);
    };
    let code = random_token("", 43);
    g.shared.remember(&code);
    let grant = Grant {
        server: g.view().id,
        client_id: pending.client_id.clone(),
        session: Some(Session {
            login: pending.login.clone(),
            auth_time,
            amr: vec!["pwd"],
        }),
        scopes: pending.scopes.clone(),
        nonce: pending.nonce.clone(),
    };
    let binding = CodeGrant {
        grant,
        redirect_uri: pending.redirect_uri.clone(),
        challenge: pending.challenge.clone(),
    };
    g.shared.codes.insert(code.clone(), binding);
    found(&callback(&g, &pending, &code), None)
}

/// GET /generic/authorize/loop: `loop@example.com`'s endless redirects.
pub(crate) async fn endless(Query(params): Query<Params>) -> Response {
    let hop: u32 = param(&params, "hop")
        .and_then(|h| h.parse().ok())
        .unwrap_or(0);
    if hop >= MAX_LOOP {
        return bad_request_page("Too many redirects.");
    }
    let next = format!("/generic/authorize/loop?hop={}", hop + 1);
    found(&next, None)
}

/// The client's checks; an unknown client or redirect_uri gets a 400 page,
/// the rest an error redirect.
fn check(g: &Generic, params: &Params) -> Result<Pending, Box<Response>> {
    let client = param(params, "client_id").and_then(|id| g.shared.client(id));
    let redirect_uri = param(params, "redirect_uri")
        .filter(|uri| client.is_some_and(|c| c.redirect_uris.iter().any(|r| r == uri)));
    let (Some(client), Some(redirect_uri)) = (client, redirect_uri) else {
        return Err(Box::new(bad_request_page(
            "Unknown client_id, or a redirect_uri that is not registered for the client.",
        )));
    };
    let state = param(params, "state");
    let refuse = |error: &str, description: &str| {
        Err(Box::new(redirect_error(
            g,
            redirect_uri,
            error,
            description,
            state,
        )))
    };
    if param(params, "response_type") != Some("code") {
        return refuse(
            "unsupported_response_type",
            "Only response_type=code is supported.",
        );
    }
    if !client.grant_types.contains(&GrantType::AuthorizationCode) {
        return refuse(
            "unauthorized_client",
            "The client may not use the authorization code grant.",
        );
    }
    let Some(state) = state else {
        return refuse("invalid_request", "The 'state' parameter is required.");
    };
    let requested = scopes::parse(param(params, "scope").unwrap_or_default());
    if let Some(unknown) = requested.iter().find(|s| !SCOPES.contains(&s.as_str())) {
        return refuse("invalid_scope", &format!("Unknown scope '{unknown}'."));
    }
    let public = client.client_secret.is_none();
    let challenge = pkce::check_challenge(
        param(params, "code_challenge"),
        param(params, "code_challenge_method"),
        public,
    );
    let challenge = match challenge {
        Ok(challenge) => challenge,
        Err(e) => return refuse("invalid_request", e.description()),
    };
    Ok(Pending {
        client_id: client.client_id.clone(),
        redirect_uri: redirect_uri.to_owned(),
        scopes: requested,
        challenge,
        state: state.to_owned(),
        nonce: param(params, "nonce").map(String::from),
        login: String::new(),
        sid: String::new(),
    })
}

/// A known user to whom the client's app is assigned.
fn may_sign_in(shared: &Shared, client_id: &str, login: &str) -> Result<(), String> {
    let user = shared
        .user(login)
        .ok_or_else(|| format!("There is no user '{login}'."))?;
    let client = shared
        .client(client_id)
        .ok_or_else(|| "Unknown client.".to_owned())?;
    if Shared::is_assigned(client, user) {
        Ok(())
    } else {
        Err("User is not assigned to the client application.".to_owned())
    }
}

/// The pending request named by `request`, without consuming it.
fn pending(g: &Generic, params: &Params) -> Option<(String, Pending)> {
    let request = param(params, "request")?;
    Some((request.to_owned(), g.pending.get(request)?))
}

/// The session of the request's own cookie, if the request carries it.
fn own_session(g: &Generic, headers: &HeaderMap, pending: &Pending) -> Option<GenericSession> {
    let sid = session_cookie(headers).filter(|sid| *sid == pending.sid)?;
    g.sessions.get(&sid)
}

fn no_cookie(g: &Generic, pending: &Pending) -> Response {
    let state = Some(pending.state.as_str());
    redirect_error(g, &pending.redirect_uri, "login_required", NO_COOKIE, state)
}

/// The redirect_uri with code, state and iss, as the login's quirk has it.
fn callback(g: &Generic, pending: &Pending, code: &str) -> String {
    let issuer = g.issuer();
    let other_issuer = format!("{}/oauth2/default", g.shared.okta_url);
    let other_state = format!("{}-not", pending.state);
    let quirk = quirk(&pending.login);
    let state = if quirk == Quirk::BadState {
        &other_state
    } else {
        &pending.state
    };
    let mut query = vec![("code", code), ("state", state.as_str())];
    match quirk {
        Quirk::BadIss => query.push(("iss", &other_issuer)),
        Quirk::NoIss => {}
        _ => query.push(("iss", &issuer)),
    }
    append_query(&pending.redirect_uri, &query)
}

/// 200: a login form (what `form@example.com` gets).
fn login_form() -> Response {
    let body = "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>Log in</title></head>\n\
<body>\n<h1>Log in</h1>\n<form method=\"post\" action=\"/generic/login\">\n\
<label>Email <input name=\"username\" type=\"email\"></label>\n\
<label>Password <input name=\"password\" type=\"password\"></label>\n\
<button type=\"submit\">Log in</button>\n</form>\n\
<!-- gatecheck emulator (generic server): this page is not functional -->\n</body>\n</html>\n";
    (StatusCode::OK, Html(body)).into_response()
}

fn param<'a>(params: &'a Params, name: &str) -> Option<&'a str> {
    params
        .get(name)
        .map(String::as_str)
        .filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quirks_by_login() {
        assert_eq!(quirk("Form@example.com"), Quirk::Form);
        assert_eq!(quirk("bad-iss@example.com"), Quirk::BadIss);
        assert_eq!(quirk("ada@example.com"), Quirk::None);
    }
}
