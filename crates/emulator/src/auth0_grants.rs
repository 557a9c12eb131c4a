//! The emulated Auth0 tenant's `/oauth/token`: authorization_code,
//! password and password-realm, mfa-otp, refresh_token and
//! client_credentials, each with Auth0's refusals; the tokens themselves
//! are minted in `auth0_tokens`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde_json::{Value, json};

use super::auth0_config::{Auth0Client, Auth0Grant};
use super::auth0_state::{
    A0Error, A0Grant, MFA_OTP, PASSWORD_REALM, Params, Tenant, TenantState, body_params, error,
    with_cors,
};
use super::auth0_tokens::{issue, permissions};
use super::counters::Counter;
use super::ids::{epoch_secs, random_token};

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
