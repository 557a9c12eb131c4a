//! The emulated Auth0 tenant's tokens, with Auth0's claims (`aud` as a
//! list with the userinfo URL, `azp`, `scope`, `permissions`, `org_id`,
//! `gty`), `/userinfo`, and the check the demo API makes of an Auth0 token.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde_json::{Map, Value, json};

use super::auth0_config::{Auth0Client, Auth0Grant, Auth0User};
use super::auth0_state::{A0Error, A0Grant, Tenant, TenantState, error, issuer_of, with_cors};
use super::consts::AUTH0_KEYS;
use super::ids::{epoch_secs, random_token};
use super::state::{ServerView, Shared};
use super::verify::{Expect, Rejection, verify};

/// The user's permissions on the API.
pub(crate) fn permissions(t: &Tenant, email: Option<&str>, audience: Option<&str>) -> Vec<String> {
    let (Some(email), Some(audience)) = (email, audience) else {
        return Vec::new();
    };
    t.config
        .user(email)
        .and_then(|u| u.permissions.get(audience))
        .cloned()
        .unwrap_or_default()
}

/// The token answer for `grant`.
pub(crate) fn issue(t: &Tenant, client: &Auth0Client, grant: &A0Grant) -> Result<Value, A0Error> {
    let server_error = |e: std::io::Error| {
        error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            &e.to_string(),
        )
    };
    let ring = t
        .shared
        .ring(AUTH0_KEYS)
        .ok_or_else(|| server_error(std::io::Error::other("the tenant has no keys")))?;
    let user = grant.email.as_deref().and_then(|e| t.config.user(e));
    let m = Minting {
        t,
        client,
        grant,
        sub: match user {
            Some(user) => user.user_id(),
            None => format!("{}@clients", client.client_id),
        },
        issuer: t.issuer(),
        now: epoch_secs(),
        lifetime: t.shared.config.access_token_lifetime_secs,
    };
    let access_token = match &grant.audience {
        Some(audience) => ring
            .sign(&access_claims(&m, audience, user.is_some()))
            .map_err(server_error)?,
        None => {
            let token = random_token("", 32);
            t.opaque.insert(token.clone(), grant.clone());
            token
        }
    };
    t.shared.remember(&access_token);
    let mut body = json!({
        "access_token": access_token,
        "scope": grant.scopes.join(" "),
        "expires_in": m.lifetime,
        "token_type": "Bearer",
    });
    if let Some(user) = user.filter(|_| m.has("openid")) {
        let id_token = ring.sign(&id_claims(&m, user)).map_err(server_error)?;
        t.shared.remember(&id_token);
        body["id_token"] = Value::String(id_token);
    }
    if m.has("offline_access")
        && user.is_some()
        && client.grant_types.contains(&Auth0Grant::RefreshToken)
    {
        let token = random_token("v1.", 64);
        t.shared.remember(&token);
        t.refresh_tokens.insert(token.clone(), grant.clone());
        body["refresh_token"] = Value::String(token);
    }
    Ok(body)
}

/// What the tokens of one answer share.
struct Minting<'a> {
    t: &'a Tenant,
    client: &'a Auth0Client,
    grant: &'a A0Grant,
    sub: String,
    issuer: String,
    now: u64,
    lifetime: u64,
}

impl Minting<'_> {
    fn has(&self, scope: &str) -> bool {
        self.grant.scopes.iter().any(|s| s == scope)
    }
}

/// The access token's claims for an API: `aud` a list with the userinfo
/// URL when `openid` was granted; `permissions` for an API with RBAC.
fn access_claims(m: &Minting<'_>, audience: &str, for_user: bool) -> Value {
    let aud = match m.has("openid") {
        true => json!([audience, format!("{}userinfo", m.issuer)]),
        false => json!(audience),
    };
    let mut claims = Map::new();
    claims.insert("iss".into(), json!(m.issuer));
    claims.insert("sub".into(), json!(m.sub));
    claims.insert("aud".into(), aud);
    claims.insert("iat".into(), json!(m.now));
    claims.insert("exp".into(), json!(m.now + m.lifetime));
    claims.insert("jti".into(), json!(random_token("", 22)));
    claims.insert("scope".into(), json!(m.grant.scopes.join(" ")));
    if let Some(org) = &m.grant.organization {
        claims.insert("org_id".into(), json!(org));
    }
    if let Some(gty) = m.grant.gty {
        claims.insert("gty".into(), json!(gty));
    }
    claims.insert("azp".into(), json!(m.client.client_id));
    if m.t
        .config
        .api(audience)
        .is_some_and(|a| a.permissions_claim)
    {
        let permissions = match for_user {
            true => permissions(m.t, m.grant.email.as_deref(), Some(audience)),
            false => m.grant.scopes.clone(),
        };
        claims.insert("permissions".into(), json!(permissions));
    }
    Value::Object(claims)
}

/// The id token's claims: profile and email by scope, `nonce`, `org_id`.
fn id_claims(m: &Minting<'_>, user: &Auth0User) -> Value {
    let mut claims = Map::new();
    if m.has("profile") {
        claims.insert("name".into(), json!(user.name));
        claims.insert("nickname".into(), json!(user.email.split('@').next()));
    }
    if m.has("email") {
        claims.insert("email".into(), json!(user.email));
        claims.insert("email_verified".into(), json!(true));
    }
    claims.insert("iss".into(), json!(m.issuer));
    claims.insert("aud".into(), json!(m.client.client_id));
    claims.insert("sub".into(), json!(m.sub));
    claims.insert("iat".into(), json!(m.now));
    claims.insert("exp".into(), json!(m.now + m.lifetime));
    claims.insert("auth_time".into(), json!(m.grant.auth_time));
    if let Some(org) = &m.grant.organization {
        claims.insert("org_id".into(), json!(org));
    }
    if let Some(nonce) = &m.grant.nonce {
        claims.insert("nonce".into(), json!(nonce));
    }
    Value::Object(claims)
}

/// The tenant as the verifier sees it.
fn view(shared: &Shared) -> ServerView {
    ServerView {
        id: AUTH0_KEYS.to_owned(),
        issuer: issuer_of(&shared.okta_url),
        base: issuer_of(&shared.okta_url),
        audience: String::new(),
        scopes: Vec::new(),
        groups_claim: Vec::new(),
    }
}

/// GET or POST /userinfo with an access token for it (opaque, or a JWT
/// whose `aud` has the userinfo URL).
pub(crate) async fn userinfo(State(t): State<TenantState>, headers: HeaderMap) -> Response {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .unwrap_or_default();
    let userinfo_url = format!("{}userinfo", t.issuer());
    let email = match t.opaque.get(token) {
        Some(grant) => grant.email,
        None => {
            let expect = Expect {
                audience: Some(&userinfo_url),
                check_exp: true,
            };
            verify(&t.shared, &view(&t.shared), token, expect)
                .ok()
                .and_then(|claims| {
                    let sub = claims.get("sub")?.as_str()?.to_owned();
                    let user = t.config.users.iter().find(|u| u.user_id() == sub)?;
                    Some(user.email.clone())
                })
        }
    };
    let Some(user) = email.as_deref().and_then(|e| t.config.user(e)) else {
        let mut response = (StatusCode::UNAUTHORIZED, "Unauthorized").into_response();
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            "Bearer error=\"invalid_token\""
                .parse()
                .expect("static header"),
        );
        return with_cors(&t, &headers, response);
    };
    let body = json!({
        "sub": user.user_id(),
        "name": user.name,
        "nickname": user.email.split('@').next(),
        "email": user.email,
        "email_verified": true,
    });
    with_cors(&t, &headers, Json(body).into_response())
}

/// The claims of an access token of the tenant for the demo API (the
/// tenant's first API); None when the token is not the tenant's.
pub(crate) fn verify_api_token(shared: &Shared, token: &str) -> Option<Result<Value, Rejection>> {
    let tenant = shared.config.auth0.as_ref()?;
    let issuer = issuer_of(&shared.okta_url);
    if unverified_issuer(token).as_deref() != Some(issuer.as_str()) {
        return None;
    }
    let audience = tenant.apis.first().map(|a| a.identifier.as_str());
    let Some(audience) = audience else {
        return Some(Err(Rejection::WrongAudience));
    };
    let expect = Expect {
        audience: Some(audience),
        check_exp: true,
    };
    Some(verify(shared, &view(shared), token, expect))
}

/// The `iss` of a JWT's payload, unverified (to pick the verifier).
fn unverified_issuer(token: &str) -> Option<String> {
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .ok()?;
    let claims: Value = serde_json::from_slice(&bytes).ok()?;
    claims.get("iss")?.as_str().map(str::to_owned)
}
