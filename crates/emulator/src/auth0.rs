//! An Auth0-shaped tenant on the emulator's port, under `/auth0` (issuer
//! `{okta}/auth0/`), configured by the `auth0:` section: cross-origin
//! authentication (`POST /co/authenticate` -> a login ticket bound to the
//! session cookie it sets), `/authorize` with the ticket, discovery, JWKS
//! here; `/oauth/token` in `auth0_grants`, the tokens and /userinfo in
//! `auth0_tokens`.
//! The answers and error bodies are Auth0's (docs/emulator.md).

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;

use super::auth0_config::{Auth0Client, Auth0Grant, OrganizationUsage};
use super::auth0_grants as grants;
use super::auth0_state::{
    A0Error, A0Grant, COMPAT_COOKIE, COOKIE, Code, PASSWORD_REALM, Params, Session, Tenant,
    TenantState, Ticket, allowed_origin, body_params, error, with_cors,
};
use super::consts::AUTH0_KEYS;
use super::counters::Counter;
use super::ids::{append_query, epoch_secs, random_token};
use super::state::AppState;
use super::store::Store;

/// Every `/auth0` route; none when the config has no `auth0:` section.
pub(crate) fn router(shared: AppState) -> Router {
    let Some(config) = shared.config.auth0.clone() else {
        return Router::new();
    };
    let minutes = |m: u64| Duration::from_secs(60 * m);
    let lifetime = Duration::from_secs(shared.config.access_token_lifetime_secs);
    let tenant = Arc::new(Tenant {
        shared,
        config,
        sessions: Store::new(minutes(60 * 24 * 3)),
        tickets: Store::new(minutes(1)),
        codes: Store::new(minutes(1)),
        refresh_tokens: Store::new(minutes(60 * 24 * 30)),
        mfa_tokens: Store::new(minutes(10)),
        opaque: Store::new(lifetime),
    });
    Router::new()
        .route(
            "/auth0/co/authenticate",
            post(co_authenticate).options(preflight),
        )
        .route("/auth0/authorize", get(authorize))
        .route("/auth0/oauth/token", post(grants::token).options(preflight))
        .route(
            "/auth0/userinfo",
            get(super::auth0_tokens::userinfo)
                .post(super::auth0_tokens::userinfo)
                .options(preflight),
        )
        .route("/auth0/.well-known/openid-configuration", get(discovery))
        .route("/auth0/.well-known/jwks.json", get(jwks))
        .route("/auth0/u/login", get(page))
        .route("/auth0/u/consent", get(page))
        .with_state(tenant)
}

async fn preflight(State(t): State<TenantState>, headers: HeaderMap) -> Response {
    if allowed_origin(&t, &headers).is_none() {
        return StatusCode::FORBIDDEN.into_response();
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    let h = response.headers_mut();
    h.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("GET, POST, OPTIONS"),
    );
    let asked = headers
        .get(header::ACCESS_CONTROL_REQUEST_HEADERS)
        .cloned()
        .unwrap_or_else(|| HeaderValue::from_static("Content-Type, Auth0-Client, Authorization"));
    h.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, asked);
    h.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("86400"),
    );
    with_cors(&t, &headers, response)
}

/// POST /co/authenticate.
async fn co_authenticate(
    State(t): State<TenantState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    t.shared.count(Counter::Authn);
    let response = match authenticate(&t, &headers, &body) {
        Ok(response) => response,
        Err(err) => err.into_response(),
    };
    // A refused origin gets no CORS headers, so a browser cannot read the answer.
    with_cors(&t, &headers, response)
}

fn authenticate(t: &Tenant, headers: &HeaderMap, body: &[u8]) -> Result<Response, A0Error> {
    let bad = |description: &str| error(StatusCode::BAD_REQUEST, "invalid_request", description);
    let params = body_params(headers, body).ok_or_else(|| bad("The request body must be JSON."))?;
    let field = |name: &str| params.get(name).map(String::as_str).unwrap_or_default();
    let client_id = field("client_id");
    let Some(client) = t.config.client(client_id) else {
        return Err(error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            &format!("Unknown client: {client_id}"),
        ));
    };
    let origin = headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !client.web_origins.iter().any(|o| o == origin) {
        let shown = if origin.is_empty() { "(none)" } else { origin };
        return Err(error(
            StatusCode::FORBIDDEN,
            "access_denied",
            &format!("Origin {shown} is not allowed."),
        ));
    }
    if !client.cross_origin_authentication {
        return Err(error(
            StatusCode::FORBIDDEN,
            "unauthorized_client",
            "Cross origin login not allowed.",
        ));
    }
    // `password` (what auth0-js sends without a realm): the default connection.
    let realm = match field("credential_type") {
        PASSWORD_REALM => field("realm"),
        "password" => t.config.connection.as_str(),
        "" => return Err(bad("Missing required parameter: credential_type")),
        other => return Err(bad(&format!("Unsupported credential_type: {other}"))),
    };
    if realm != t.config.connection {
        return Err(bad(&format!("Unknown or disabled connection: {realm}")));
    }
    t.shared.remember(field("password"));
    let email = grants::check_user(t, field("username"), field("password"), "access_denied")?;
    if let Some(secret) = t.config.user(&email).and_then(|u| u.totp_secret.clone()) {
        match params.get("otp") {
            None => {
                return Err(error(
                    StatusCode::FORBIDDEN,
                    "mfa_required",
                    "Multifactor authentication required",
                ));
            }
            Some(otp) if !super::totp::verify(&secret, otp) => {
                return Err(error(
                    StatusCode::FORBIDDEN,
                    "mfa_invalid_code",
                    "Wrong or expired code.",
                ));
            }
            Some(_) => {}
        }
    }
    Ok(signed_in(t, client, &email))
}

/// 200 with a login ticket; the session cookie set (Auth0's `auth0` and
/// `auth0_compat`).
fn signed_in(t: &Tenant, client: &Auth0Client, email: &str) -> Response {
    let sid = random_token("", 32);
    let session = Session {
        email: email.to_owned(),
        auth_time: epoch_secs(),
    };
    t.sessions.insert(sid.clone(), session);
    let ticket = random_token("", 32);
    let verifier = random_token("", 32);
    for secret in [&sid, &ticket, &verifier] {
        t.shared.remember(secret);
    }
    t.tickets.insert(
        ticket.clone(),
        Ticket {
            client_id: client.client_id.clone(),
            sid: sid.clone(),
        },
    );
    let body = json!({
        "login_ticket": ticket,
        "co_verifier": verifier,
        "co_id": random_token("", 12),
    });
    let mut response = (StatusCode::OK, Json(body)).into_response();
    let secure = if t.secure() { "; Secure" } else { "" };
    for cookie in [
        format!("{COOKIE}={sid}; Path=/auth0; HttpOnly; SameSite=None{secure}"),
        format!("{COMPAT_COOKIE}={sid}; Path=/auth0; HttpOnly{secure}"),
    ] {
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

/// The session id of the request's cookie, if any.
fn session_id(headers: &HeaderMap) -> Option<String> {
    let pairs: Vec<(String, String)> = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .map(|(n, v)| (n.to_owned(), v.to_owned()))
        .collect();
    [COOKIE, COMPAT_COOKIE]
        .iter()
        .find_map(|name| pairs.iter().find(|(n, _)| n == name))
        .map(|(_, v)| v.clone())
}

/// GET /authorize: the login ticket (or an existing session) -> a code.
async fn authorize(
    State(t): State<TenantState>,
    headers: HeaderMap,
    query: Result<Query<Params>, QueryRejection>,
) -> Response {
    t.shared.count(Counter::Authorize);
    let params = query.map(|q| q.0).unwrap_or_default();
    authorize_code(&t, &headers, &params)
}

fn authorize_code(t: &Tenant, headers: &HeaderMap, p: &Params) -> Response {
    let field = |name: &str| p.get(name).map(String::as_str).unwrap_or_default();
    let client_id = field("client_id");
    let Some(client) = t.config.client(client_id) else {
        return error_page(&format!("invalid_request: Unknown client: {client_id}"));
    };
    let redirect_uri = field("redirect_uri");
    if !client.callbacks.iter().any(|c| c == redirect_uri) {
        return error_page(
            "Callback URL mismatch. The provided redirect_uri is not in the list of allowed callback URLs.",
        );
    }
    let state = p.get("state").map(String::as_str);
    let fail = |error: &str, description: &str| {
        let mut query = vec![("error", error), ("error_description", description)];
        query.extend(state.map(|s| ("state", s)));
        found(&append_query(redirect_uri, &query))
    };
    if let Some((error, description)) = request_problem(t, client, p) {
        return fail(error, &description);
    }
    let challenge = p.get("code_challenge").cloned();
    let audience = p.get("audience").filter(|a| !a.is_empty()).cloned();
    let session = session_of(t, client, headers, p);
    let Some(session) = session else {
        if field("prompt") == "none" {
            return fail("login_required", "Login required");
        }
        let page = append_query(&format!("{}/u/login", t.root()), &[("state", "hosted")]);
        return found(&page);
    };
    let organization = match organization(t, client, p.get("organization"), &session.email) {
        Ok(organization) => organization,
        Err((error, description)) => return fail(error, &description),
    };
    if !client.first_party {
        if field("prompt") == "none" {
            return fail("consent_required", "Consent required");
        }
        let page = append_query(&format!("{}/u/consent", t.root()), &[("state", "hosted")]);
        return found(&page);
    }
    let scopes = grants::granted_scopes(t, &session.email, audience.as_deref(), field("scope"));
    let grant = A0Grant {
        client_id: client.client_id.clone(),
        email: Some(session.email.clone()),
        audience,
        scopes,
        organization,
        nonce: p.get("nonce").cloned(),
        gty: None,
        auth_time: session.auth_time,
    };
    let code = random_token("", 32);
    t.shared.remember(&code);
    t.codes.insert(
        code.clone(),
        Code {
            grant,
            redirect_uri: redirect_uri.to_owned(),
            challenge,
        },
    );
    let mut query = vec![("code", code.as_str())];
    query.extend(state.map(|s| ("state", s)));
    found(&append_query(redirect_uri, &query))
}

/// What makes the request unusable, as an error redirect: the response
/// type, the grant, PKCE, the audience.
fn request_problem(t: &Tenant, client: &Auth0Client, p: &Params) -> Option<(&'static str, String)> {
    let field = |name: &str| p.get(name).map(String::as_str).unwrap_or_default();
    if field("response_type") != "code" {
        let text = format!("Unsupported response type: {}", field("response_type"));
        return Some(("unsupported_response_type", text));
    }
    if !client.grant_types.contains(&Auth0Grant::AuthorizationCode) {
        let text = "Grant type 'authorization_code' not allowed for the client.";
        return Some(("unauthorized_client", text.to_owned()));
    }
    match (p.get("code_challenge"), field("code_challenge_method")) {
        (None, _) if client.client_secret.is_none() => {
            let text = "code_challenge is required for a client without a secret (PKCE)";
            return Some(("invalid_request", text.to_owned()));
        }
        (Some(_), method) if method != "S256" => {
            let text = "code_challenge_method must be S256";
            return Some(("invalid_request", text.to_owned()));
        }
        _ => {}
    }
    let audience = p.get("audience").filter(|a| !a.is_empty())?;
    t.config
        .api(audience)
        .is_none()
        .then(|| ("access_denied", format!("Service not found: {audience}")))
}

/// The session of the request: the login ticket's, only with the session
/// cookie that came with it (the ticket is spent either way); without a
/// ticket, the cookie's own.
fn session_of(
    t: &Tenant,
    client: &Auth0Client,
    headers: &HeaderMap,
    p: &Params,
) -> Option<Session> {
    let sid = session_id(headers);
    match p.get("login_ticket") {
        Some(ticket) => t
            .tickets
            .take(ticket)
            .filter(|tk| tk.client_id == client.client_id && Some(&tk.sid) == sid.as_ref())
            .and_then(|tk| t.sessions.get(&tk.sid)),
        None => sid.as_deref().and_then(|sid| t.sessions.get(sid)),
    }
}

/// The organization of the login: checked against the client's usage and
/// the user's memberships; its id.
fn organization(
    t: &Tenant,
    client: &Auth0Client,
    asked: Option<&String>,
    email: &str,
) -> Result<Option<String>, (&'static str, String)> {
    let asked = asked.filter(|o| !o.is_empty());
    match (client.organization_usage, asked) {
        (OrganizationUsage::Require, None) => Err((
            "invalid_request",
            "parameter organization is required for this client".to_owned(),
        )),
        (OrganizationUsage::Deny, Some(_)) => Err((
            "invalid_request",
            "parameter organization is not allowed for this client".to_owned(),
        )),
        (_, None) => Ok(None),
        (_, Some(asked)) => {
            let Some(org) = t.config.organization(asked) else {
                return Err((
                    "invalid_request",
                    format!("parameter organization is invalid: {asked} is not an organization"),
                ));
            };
            if !org.members.iter().any(|m| m.eq_ignore_ascii_case(email)) {
                return Err((
                    "access_denied",
                    format!("user is not a member of the organization {}", org.name),
                ));
            }
            Ok(Some(org.id.clone()))
        }
    }
}

fn found(location: &str) -> Response {
    (StatusCode::FOUND, [(header::LOCATION, location.to_owned())]).into_response()
}

/// Auth0's error page (400), for what cannot be redirected.
fn error_page(message: &str) -> Response {
    let escaped = message
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    let body = format!(
        "<!DOCTYPE html>\n<html><head><title>Error</title></head><body><h1>Oops!, something went wrong</h1><p>{escaped}</p></body></html>\n"
    );
    (StatusCode::BAD_REQUEST, Html(body)).into_response()
}

/// The Universal Login pages a headless login cannot use.
async fn page() -> Response {
    let body = "<!DOCTYPE html>\n<html><head><title>Log in</title></head><body><form method=\"post\"><input name=\"username\"><input name=\"password\" type=\"password\"></form><!-- gatecheck emulator: not functional --></body></html>\n";
    (StatusCode::OK, Html(body)).into_response()
}

async fn discovery(State(t): State<TenantState>, headers: HeaderMap) -> Response {
    t.shared.count(Counter::Discovery);
    let issuer = t.issuer();
    let body = json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}authorize"),
        "token_endpoint": format!("{issuer}oauth/token"),
        "userinfo_endpoint": format!("{issuer}userinfo"),
        "jwks_uri": format!("{issuer}.well-known/jwks.json"),
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "code_challenge_methods_supported": ["S256"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials", "password", PASSWORD_REALM, super::auth0_state::MFA_OTP],
    });
    with_cors(&t, &headers, Json(body).into_response())
}

async fn jwks(State(t): State<TenantState>, headers: HeaderMap) -> Response {
    t.shared.count(Counter::Keys);
    let jwks = t.shared.ring(AUTH0_KEYS).map(|ring| ring.jwks());
    let body = jwks
        .and_then(Result::ok)
        .unwrap_or_else(|| json!({"keys": []}));
    with_cors(&t, &headers, Json(body).into_response())
}
