//! The emulated Auth0 tenant's state (config, sessions, tickets, codes,
//! refresh and mfa tokens) and the answers its routes share: Auth0's error
//! body, CORS for the apps' web origins, JSON-or-form bodies.

use std::sync::Arc;

use axum::Json;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::auth0_config::Auth0TenantConfig;
use super::state::AppState;
use super::store::Store;

pub(crate) const MFA_OTP: &str = "http://auth0.com/oauth/grant-type/mfa-otp";
/// The session cookie (and its fallback without SameSite, as Auth0 sets both).
pub(crate) const COOKIE: &str = "auth0";
pub(crate) const COMPAT_COOKIE: &str = "auth0_compat";
pub(crate) const PASSWORD_REALM: &str = "http://auth0.com/oauth/grant-type/password-realm";
pub(crate) type Params = std::collections::HashMap<String, String>;
pub(crate) type TenantState = Arc<Tenant>;

/// A signed-in browser session.
#[derive(Debug, Clone)]
pub(crate) struct Session {
    pub(crate) email: String,
    pub(crate) auth_time: u64,
}

/// A login ticket: one /authorize of this client in this session.
#[derive(Debug, Clone)]
pub(crate) struct Ticket {
    pub(crate) client_id: String,
    pub(crate) sid: String,
}

/// The tenant's config and its one-time stores.
pub(crate) struct Tenant {
    pub(crate) shared: AppState,
    pub(crate) config: Auth0TenantConfig,
    pub(crate) sessions: Store<Session>,
    pub(crate) tickets: Store<Ticket>,
    pub(crate) codes: Store<Code>,
    pub(crate) refresh_tokens: Store<A0Grant>,
    pub(crate) mfa_tokens: Store<A0Grant>,
    /// Opaque access tokens (no audience): good for /userinfo only.
    pub(crate) opaque: Store<A0Grant>,
}

impl Tenant {
    /// `{okta}/auth0/`: Auth0 issuers end with a slash.
    pub(crate) fn issuer(&self) -> String {
        issuer_of(&self.shared.okta_url)
    }

    pub(crate) fn root(&self) -> String {
        format!("{}/auth0", self.shared.okta_url)
    }

    pub(crate) fn secure(&self) -> bool {
        self.shared.okta_url.starts_with("https:")
    }
}

pub(crate) fn issuer_of(okta_url: &str) -> String {
    format!("{okta_url}/auth0/")
}

/// An Auth0 error answer: `{"error", "error_description"}` (and more
/// fields for `mfa_required`).
#[derive(Debug)]
pub(crate) struct A0Error {
    pub(crate) status: StatusCode,
    pub(crate) body: Value,
}

impl IntoResponse for A0Error {
    fn into_response(self) -> Response {
        (self.status, Json(self.body)).into_response()
    }
}

/// Auth0's error body with this status.
pub(crate) fn error(status: StatusCode, error: &str, description: &str) -> A0Error {
    A0Error {
        status,
        body: json!({"error": error, "error_description": description}),
    }
}

/// The request's Origin when one of the tenant's apps allows it.
pub(crate) fn allowed_origin<'a>(t: &Tenant, headers: &'a HeaderMap) -> Option<&'a str> {
    let origin = headers.get(header::ORIGIN)?.to_str().ok()?;
    t.config
        .clients
        .iter()
        .any(|c| c.web_origins.iter().any(|o| o == origin))
        .then_some(origin)
}

/// CORS headers for an allowed origin, with credentials (cookies).
pub(crate) fn with_cors(t: &Tenant, headers: &HeaderMap, mut response: Response) -> Response {
    if let Some(origin) = allowed_origin(t, headers)
        && let Ok(value) = HeaderValue::from_str(origin)
    {
        let h = response.headers_mut();
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
        h.insert(
            header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
            HeaderValue::from_static("true"),
        );
        h.insert(header::VARY, HeaderValue::from_static("Origin"));
    }
    response
}

/// The body of a POST: JSON (auth0-js) or a form.
pub(crate) fn body_params(headers: &HeaderMap, body: &[u8]) -> Option<Params> {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("json"));
    if json {
        let value: serde_json::Map<String, Value> = serde_json::from_slice(body).ok()?;
        let params = value
            .into_iter()
            .filter_map(|(k, v)| match v {
                Value::String(s) => Some((k, s)),
                Value::Number(n) => Some((k, n.to_string())),
                Value::Bool(b) => Some((k, b.to_string())),
                _ => None,
            })
            .collect();
        return Some(params);
    }
    serde_urlencoded::from_bytes(body).ok()
}

/// What a set of tokens is about.
#[derive(Debug, Clone)]
pub(crate) struct A0Grant {
    pub(crate) client_id: String,
    /// None for client_credentials.
    pub(crate) email: Option<String>,
    pub(crate) audience: Option<String>,
    pub(crate) scopes: Vec<String>,
    /// The organization's id.
    pub(crate) organization: Option<String>,
    pub(crate) nonce: Option<String>,
    /// The `gty` claim (`password`, `client-credentials`), if any.
    pub(crate) gty: Option<&'static str>,
    pub(crate) auth_time: u64,
}

/// An authorization code's binding.
#[derive(Debug, Clone)]
pub(crate) struct Code {
    pub(crate) grant: A0Grant,
    pub(crate) redirect_uri: String,
    pub(crate) challenge: Option<String>,
}
