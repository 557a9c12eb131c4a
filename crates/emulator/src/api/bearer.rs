//! Bearer token validation against the `default` server's keys: RS256
//! signature, iss, aud, exp, revocation; then scope and group checks.

use axum::http::{HeaderMap, header};
use serde::Deserialize;

use super::error::ApiError;
use crate::state::Shared;
use crate::verify::{Expect, verify};

/// The authorization server whose tokens the demo API accepts.
pub(crate) const TRUSTED_SERVER: &str = "default";

/// The caller, from a valid access token.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Principal {
    pub(crate) sub: String,
    #[serde(default)]
    pub(crate) uid: Option<String>,
    #[serde(default)]
    pub(crate) cid: Option<String>,
    #[serde(default)]
    pub(crate) scp: Vec<String>,
    #[serde(default)]
    pub(crate) groups: Vec<String>,
    /// The key a DPoP-bound token is bound to.
    #[serde(default)]
    pub(crate) cnf: Option<crate::dpop::Cnf>,
}

/// What an endpoint needs from the token.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Access {
    Read,
    Write,
}

/// Checks a route leaves out: the demo API's planted bugs (`vulnerable`).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Lax {
    /// Accept a token whose header says `alg: none`, unsigned.
    pub(crate) alg_none: bool,
    /// Accept a token of any audience (an ID token, say).
    pub(crate) any_audience: bool,
}

/// Validates the bearer token and the scope an endpoint needs.
pub(crate) fn authorize(
    shared: &Shared,
    headers: &HeaderMap,
    access: Access,
) -> Result<Principal, ApiError> {
    authorize_lax(shared, headers, access, Lax::default())
}

/// [`authorize`] without the checks `lax` leaves out.
pub(crate) fn authorize_lax(
    shared: &Shared,
    headers: &HeaderMap,
    access: Access,
    lax: Lax,
) -> Result<Principal, ApiError> {
    let (dpop, token) = bearer_token(headers)?;
    let principal = match unsigned_claims(token).filter(|_| lax.alg_none) {
        Some(claims) => serde_json::from_value(claims)
            .map_err(|_| ApiError::invalid_token("The access token lacks a required claim."))?,
        None => validate(shared, token, lax.any_audience)?,
    };
    // The proof of a DPoP request was checked before the handler (dpop::api_guard).
    match (dpop, principal.cnf.is_some()) {
        (false, true) => {
            return Err(ApiError::invalid_token(
                "The access token is DPoP-bound: send it as 'DPoP <access token>' with a DPoP proof.",
            ));
        }
        (true, false) => {
            return Err(ApiError::invalid_token(
                "The access token is not DPoP-bound: send it as 'Bearer <access token>'.",
            ));
        }
        _ => {}
    }
    let scope = match access {
        Access::Read => "todos.read",
        Access::Write => "todos.write",
    };
    // A Cognito user's token (sign-in API scope) acts for the user, like openid.
    let user_scopes = ["openid", crate::cognito_pool::SIGNIN_SCOPE];
    if principal
        .scp
        .iter()
        .any(|s| s == scope || user_scopes.contains(&s.as_str()))
    {
        Ok(principal)
    } else {
        Err(ApiError::insufficient_scope(scope))
    }
}

/// The token of `Authorization: Bearer|DPoP <token>`, and whether it is DPoP.
fn bearer_token(headers: &HeaderMap) -> Result<(bool, &str), ApiError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Err(ApiError::missing_token());
    };
    let text = value
        .to_str()
        .map_err(|_| ApiError::invalid_token("The Authorization header is not valid text."))?;
    let (scheme, token) = text.split_once(' ').unwrap_or((text, ""));
    let dpop = scheme.eq_ignore_ascii_case("dpop");
    if !(scheme.eq_ignore_ascii_case("bearer") || dpop) || token.trim().is_empty() {
        return Err(ApiError::invalid_token(
            "The Authorization header must be 'Bearer <access token>'.",
        ));
    }
    Ok((dpop, token.trim()))
}

/// The claims of an `alg: none` token (header and payload, no signature
/// checked); None for any other token.
fn unsigned_claims(token: &str) -> Option<serde_json::Value> {
    use base64::Engine as _;
    let decode = |part: &str| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(part.trim_end_matches('='))
            .ok()
            .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
    };
    let mut parts = token.split('.');
    let header = decode(parts.next()?)?;
    let alg = header.get("alg")?.as_str()?;
    if !alg.eq_ignore_ascii_case("none") {
        return None;
    }
    decode(parts.next()?)
}

fn validate(shared: &Shared, token: &str, any_audience: bool) -> Result<Principal, ApiError> {
    if let Some(claims) = crate::auth0_tokens::verify_api_token(shared, token) {
        let claims = claims
            .map_err(|rejection| ApiError::invalid_token(&rejection.describe("access token")))?;
        return auth0_principal(&claims);
    }
    if let Some(claims) = crate::cognito_verify::principal(shared, token) {
        let claims = claims.map_err(|reason| ApiError::invalid_token(&reason))?;
        return serde_json::from_value(claims)
            .map_err(|_| ApiError::invalid_token("The access token lacks a required claim."));
    }
    let Some(server) = shared.server(TRUSTED_SERVER) else {
        return Err(ApiError::invalid_token(
            "The demo API trusts the 'default' authorization server, which is not configured.",
        ));
    };
    let expect = Expect {
        audience: (!any_audience).then_some(server.audience.as_str()),
        check_exp: true,
    };
    let claims = verify(shared, &server, token, expect)
        .map_err(|rejection| ApiError::invalid_token(&rejection.describe("access token")))?;
    serde_json::from_value(claims)
        .map_err(|_| ApiError::invalid_token("The access token lacks a required claim."))
}

/// The caller of an Auth0 token: its `permissions` (`read:todos` is
/// `todos.read`), else its `scope`, stand for the scopes.
fn auth0_principal(claims: &serde_json::Value) -> Result<Principal, ApiError> {
    let text = |name: &str| claims.get(name).and_then(|v| v.as_str()).map(str::to_owned);
    let Some(sub) = text("sub") else {
        return Err(ApiError::invalid_token(
            "The access token lacks a required claim.",
        ));
    };
    let granted: Vec<String> = match claims.get("permissions").and_then(|p| p.as_array()) {
        Some(list) => list
            .iter()
            .filter_map(|p| p.as_str())
            .map(str::to_owned)
            .collect(),
        None => text("scope")
            .unwrap_or_default()
            .split_whitespace()
            .filter(|s| !crate::consts::OIDC_SCOPES.contains(s))
            .map(str::to_owned)
            .collect(),
    };
    let scp = granted
        .iter()
        .map(|p| match p.split_once(':') {
            Some((action, resource)) => format!("{resource}.{action}"),
            None => p.clone(),
        })
        .collect();
    Ok(Principal {
        sub,
        uid: None,
        cid: text("azp"),
        scp,
        groups: Vec::new(),
        cnf: None,
    })
}
