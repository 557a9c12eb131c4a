//! The emulated Auth0 tenant's `/oauth/token` (authorization_code,
//! password and password-realm, mfa-otp, refresh_token,
//! client_credentials), its tokens with Auth0's claims (`aud` as a list
//! with the userinfo URL, `azp`, `scope`, `permissions`, `org_id`),
//! `/userinfo`, and the check the demo API makes of an Auth0 token.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde_json::{Map, Value, json};

use super::auth0_config::{Auth0Client, Auth0Grant};
use super::auth0_state::{
    A0Error, A0Grant, MFA_OTP, PASSWORD_REALM, Params, Tenant, TenantState, body_params, error,
    issuer_of, with_cors,
};
use super::consts::AUTH0_KEYS;
use super::counters::Counter;
use super::ids::{epoch_secs, random_token};
use super::state::{ServerView, Shared};
use super::verify::{Expect, Rejection, verify};

const OIDC: [&str; 4] = ["openid", "profile", "email", "offline_access"];

type Answer = Result<Value, A0Error>;

fn forbidden(code: &str, description: &str) -> A0Error {
    error(StatusCode::FORBIDDEN, code, description)
}

/// The user's email when the password is right and the user may log in;
/// else Auth0's answer (`wrong`: the error code of a wrong password).
pub(crate) fn check_user(
    t: &Tenant,
    username: &str,
    password: &str,
    wrong: &str,
) -> Result<String, A0Error> {
    let user = t.config.user(username).filter(|u| u.password == password);
    let Some(user) = user else {
        return Err(forbidden(wrong, "Wrong email or password."));
    };
    if user.blocked {
        return Err(error(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "user is blocked",
        ));
    }
    Ok(user.email.clone())
}

/// The scopes granted: the OpenID Connect ones asked for, and the API's
/// scopes asked for that the user holds as permissions.
pub(crate) fn granted_scopes(
    t: &Tenant,
    email: &str,
    audience: Option<&str>,
    asked: &str,
) -> Vec<String> {
    let held = permissions(t, Some(email), audience);
    let offline = audience
        .and_then(|a| t.config.api(a))
        .is_some_and(|api| api.allow_offline_access);
    asked
        .split_whitespace()
        .filter(|s| match *s {
            "offline_access" => offline,
            s if OIDC.contains(&s) => true,
            s => held.iter().any(|p| p == s),
        })
        .map(str::to_owned)
        .collect()
}

/// The user's permissions on the API.
fn permissions(t: &Tenant, email: Option<&str>, audience: Option<&str>) -> Vec<String> {
    let (Some(email), Some(audience)) = (email, audience) else {
        return Vec::new();
    };
    t.config
        .user(email)
        .and_then(|u| u.permissions.get(audience))
        .cloned()
        .unwrap_or_default()
}

/// POST /oauth/token.
pub(crate) async fn token(
    State(t): State<TenantState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    t.shared.count(Counter::Token);
    let answer = match body_params(&headers, &body) {
        Some(params) => run(&t, &headers, &params),
        None => Err(error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "The request body must be a form or JSON.",
        )),
    };
    let response = match answer {
        Ok(body) => {
            let mut response = Json(body).into_response();
            response.headers_mut().insert(
                header::CACHE_CONTROL,
                "no-store".parse().expect("static header"),
            );
            response
        }
        Err(err) => err.into_response(),
    };
    with_cors(&t, &headers, response)
}

fn run(t: &Tenant, headers: &HeaderMap, p: &Params) -> Answer {
    let client = authenticate(t, headers, p)?;
    let field = |name: &str| p.get(name).map(String::as_str).unwrap_or_default();
    let grant_type = field("grant_type");
    let needs = match grant_type {
        "authorization_code" => Auth0Grant::AuthorizationCode,
        "refresh_token" => Auth0Grant::RefreshToken,
        "client_credentials" => Auth0Grant::ClientCredentials,
        "password" | PASSWORD_REALM => Auth0Grant::Password,
        MFA_OTP => Auth0Grant::MfaOtp,
        other => {
            return Err(forbidden(
                "unsupported_grant_type",
                &format!("Unsupported grant type: {other}"),
            ));
        }
    };
    if !client.grant_types.contains(&needs) {
        return Err(forbidden(
            "unauthorized_client",
            &format!("Grant type '{grant_type}' not allowed for the client."),
        ));
    }
    match needs {
        Auth0Grant::AuthorizationCode => authorization_code(t, client, p),
        Auth0Grant::Password => password(t, client, p),
        Auth0Grant::MfaOtp => mfa_otp(t, client, p),
        Auth0Grant::RefreshToken => refresh(t, client, p),
        Auth0Grant::ClientCredentials => client_credentials(t, client, p),
    }
}

/// client_secret_post, client_secret_basic, or a public client (no secret).
fn authenticate<'a>(
    t: &'a Tenant,
    headers: &HeaderMap,
    p: &Params,
) -> Result<&'a Auth0Client, A0Error> {
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| {
            base64::engine::general_purpose::STANDARD
                .decode(b.trim())
                .ok()
        })
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| {
            let (id, secret) = s.split_once(':')?;
            Some((id.to_owned(), secret.to_owned()))
        });
    let (client_id, secret) = match basic {
        Some((id, secret)) => (id, Some(secret)),
        None => (
            p.get("client_id").cloned().unwrap_or_default(),
            p.get("client_secret").cloned(),
        ),
    };
    if let Some(secret) = &secret {
        t.shared.remember(secret);
    }
    let unauthorized = || error(StatusCode::UNAUTHORIZED, "access_denied", "Unauthorized");
    let client = t.config.client(&client_id).ok_or_else(unauthorized)?;
    match (&client.client_secret, &secret) {
        (Some(expected), Some(got)) if expected == got => Ok(client),
        (None, None) => Ok(client),
        _ => Err(unauthorized()),
    }
}

fn authorization_code(t: &Tenant, client: &Auth0Client, p: &Params) -> Answer {
    let code = p.get("code").map(String::as_str).unwrap_or_default();
    t.shared.remember(code);
    let invalid = || forbidden("invalid_grant", "Invalid authorization code");
    let stored = t.codes.take(code).ok_or_else(invalid)?;
    if stored.grant.client_id != client.client_id {
        return Err(invalid());
    }
    if p.get("redirect_uri").map(String::as_str) != Some(stored.redirect_uri.as_str()) {
        return Err(forbidden(
            "invalid_grant",
            "The redirect_uri differs from the one of the authorization request.",
        ));
    }
    if let Some(challenge) = &stored.challenge {
        let verifier = p
            .get("code_verifier")
            .map(String::as_str)
            .unwrap_or_default();
        t.shared.remember(verifier);
        if !super::pkce::verify(verifier, challenge) {
            return Err(forbidden("invalid_grant", "Failed to verify code verifier"));
        }
    }
    issue(t, client, &stored.grant)
}

fn password(t: &Tenant, client: &Auth0Client, p: &Params) -> Answer {
    let field = |name: &str| p.get(name).map(String::as_str).unwrap_or_default();
    if field("grant_type") == PASSWORD_REALM && field("realm") != t.config.connection {
        return Err(error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            &format!("Unknown or disabled connection: {}", field("realm")),
        ));
    }
    t.shared.remember(field("password"));
    let email = check_user(t, field("username"), field("password"), "invalid_grant")?;
    let audience = audience(t, p)?;
    let scope = match field("scope") {
        "" => "openid profile email",
        scope => scope,
    };
    let grant = A0Grant {
        client_id: client.client_id.clone(),
        email: Some(email.clone()),
        scopes: granted_scopes(t, &email, audience.as_deref(), scope),
        audience,
        organization: None,
        nonce: None,
        gty: Some("password"),
        auth_time: epoch_secs(),
    };
    let has_totp = t
        .config
        .user(&email)
        .is_some_and(|u| u.totp_secret.is_some());
    if has_totp {
        let mfa_token = random_token("", 40);
        t.shared.remember(&mfa_token);
        t.mfa_tokens.insert(mfa_token.clone(), grant);
        let body = json!({
            "error": "mfa_required",
            "error_description": "Multifactor authentication required",
            "mfa_token": mfa_token,
        });
        return Err(A0Error {
            status: StatusCode::FORBIDDEN,
            body,
        });
    }
    issue(t, client, &grant)
}

/// The `audience` parameter: an API of the tenant, or none.
fn audience(t: &Tenant, p: &Params) -> Result<Option<String>, A0Error> {
    match p.get("audience").filter(|a| !a.is_empty()) {
        None => Ok(None),
        Some(a) if t.config.api(a).is_some() => Ok(Some(a.clone())),
        Some(a) => Err(forbidden(
            "access_denied",
            &format!("Service not found: {a}"),
        )),
    }
}

fn mfa_otp(t: &Tenant, client: &Auth0Client, p: &Params) -> Answer {
    let token = p.get("mfa_token").map(String::as_str).unwrap_or_default();
    let otp = p.get("otp").map(String::as_str).unwrap_or_default();
    let grant = t
        .mfa_tokens
        .get(token)
        .filter(|g| g.client_id == client.client_id)
        .ok_or_else(|| forbidden("invalid_grant", "Malformed mfa_token"))?;
    let secret = grant
        .email
        .as_deref()
        .and_then(|e| t.config.user(e))
        .and_then(|u| u.totp_secret.clone())
        .unwrap_or_default();
    if !super::totp::verify(&secret, otp) {
        return Err(forbidden("invalid_grant", "Invalid otp_code."));
    }
    t.mfa_tokens.take(token);
    issue(t, client, &grant)
}

fn refresh(t: &Tenant, client: &Auth0Client, p: &Params) -> Answer {
    let token = p
        .get("refresh_token")
        .map(String::as_str)
        .unwrap_or_default();
    t.shared.remember(token);
    let grant = t
        .refresh_tokens
        .get(token)
        .filter(|g| g.client_id == client.client_id)
        .ok_or_else(|| forbidden("invalid_grant", "Unknown or invalid refresh token."))?;
    let mut body = issue(
        t,
        client,
        &A0Grant {
            nonce: None,
            ..grant
        },
    )?;
    // Without rotation, Auth0 keeps the refresh token and sends no new one.
    if let Some(map) = body.as_object_mut() {
        map.remove("refresh_token");
    }
    Ok(body)
}

fn client_credentials(t: &Tenant, client: &Auth0Client, p: &Params) -> Answer {
    if client.client_secret.is_none() {
        return Err(error(
            StatusCode::UNAUTHORIZED,
            "access_denied",
            "Unauthorized",
        ));
    }
    let Some(audience) = audience(t, p)? else {
        return Err(forbidden(
            "access_denied",
            "No audience parameter was provided, and no default audience has been configured",
        ));
    };
    let Some(allowed) = client.client_grants.get(&audience) else {
        return Err(forbidden(
            "access_denied",
            &format!(
                "Client is not authorized to access \"{audience}\". You need to create a \"client-grant\" associated to this API."
            ),
        ));
    };
    let asked: Vec<&str> = p
        .get("scope")
        .map(|s| s.split_whitespace().collect())
        .unwrap_or_default();
    let scopes = allowed
        .iter()
        .filter(|s| asked.is_empty() || asked.contains(&s.as_str()))
        .cloned()
        .collect();
    let grant = A0Grant {
        client_id: client.client_id.clone(),
        email: None,
        audience: Some(audience),
        scopes,
        organization: None,
        nonce: None,
        gty: Some("client-credentials"),
        auth_time: epoch_secs(),
    };
    issue(t, client, &grant)
}

/// The token answer for `grant`.
fn issue(t: &Tenant, client: &Auth0Client, grant: &A0Grant) -> Answer {
    let now = epoch_secs();
    let lifetime = t.shared.config.access_token_lifetime_secs;
    let issuer = t.issuer();
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
    let has = |scope: &str| grant.scopes.iter().any(|s| s == scope);
    let user = grant.email.as_deref().and_then(|e| t.config.user(e));
    let sub = match user {
        Some(user) => user.user_id(),
        None => format!("{}@clients", client.client_id),
    };
    let access_token = match &grant.audience {
        Some(audience) => {
            let aud = if has("openid") {
                json!([audience, format!("{issuer}userinfo")])
            } else {
                json!(audience)
            };
            let mut claims = Map::new();
            claims.insert("iss".into(), json!(issuer));
            claims.insert("sub".into(), json!(sub));
            claims.insert("aud".into(), aud);
            claims.insert("iat".into(), json!(now));
            claims.insert("exp".into(), json!(now + lifetime));
            claims.insert("jti".into(), json!(random_token("", 22)));
            claims.insert("scope".into(), json!(grant.scopes.join(" ")));
            if let Some(org) = &grant.organization {
                claims.insert("org_id".into(), json!(org));
            }
            if let Some(gty) = grant.gty {
                claims.insert("gty".into(), json!(gty));
            }
            claims.insert("azp".into(), json!(client.client_id));
            let rbac = t.config.api(audience).is_some_and(|a| a.permissions_claim);
            if rbac {
                let permissions = match user {
                    Some(_) => permissions(t, grant.email.as_deref(), Some(audience)),
                    None => grant.scopes.clone(),
                };
                claims.insert("permissions".into(), json!(permissions));
            }
            ring.sign(&Value::Object(claims)).map_err(server_error)?
        }
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
        "expires_in": lifetime,
        "token_type": "Bearer",
    });
    if let Some(user) = user.filter(|_| has("openid")) {
        let mut claims = Map::new();
        if has("profile") {
            claims.insert("name".into(), json!(user.name));
            claims.insert("nickname".into(), json!(user.email.split('@').next()));
        }
        if has("email") {
            claims.insert("email".into(), json!(user.email));
            claims.insert("email_verified".into(), json!(true));
        }
        claims.insert("iss".into(), json!(issuer));
        claims.insert("aud".into(), json!(client.client_id));
        claims.insert("sub".into(), json!(sub));
        claims.insert("iat".into(), json!(now));
        claims.insert("exp".into(), json!(now + lifetime));
        claims.insert("auth_time".into(), json!(grant.auth_time));
        if let Some(org) = &grant.organization {
            claims.insert("org_id".into(), json!(org));
        }
        if let Some(nonce) = &grant.nonce {
            claims.insert("nonce".into(), json!(nonce));
        }
        let id_token = ring.sign(&Value::Object(claims)).map_err(server_error)?;
        t.shared.remember(&id_token);
        body["id_token"] = Value::String(id_token);
    }
    if has("offline_access")
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
