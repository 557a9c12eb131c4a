//! POST {base}/v1/introspect (RFC 7662) and POST {base}/v1/revoke
//! (RFC 7009), for access, id and refresh tokens, with the client
//! authentication of /token.

use axum::Form;
use axum::Json;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::config::ClientConfig;
use super::ids::epoch_secs;
use super::oauth_error::OAuthError;
use super::okta_error::OktaError;
use super::state::{AppState, Grant, ServerView, Shared};
use super::token::{self, Params, no_store};
use super::verify::{Expect, verify};

type FormResult = Result<Form<Params>, FormRejection>;

/// A token this server issued, as found.
enum Found {
    Refresh {
        token: String,
        grant: Grant,
        ttl: u64,
    },
    Jwt(Value),
}

/// POST /oauth2/{serverId}/v1/introspect
pub(crate) async fn introspect_custom(
    State(shared): State<AppState>,
    Path(server): Path<String>,
    headers: HeaderMap,
    form: FormResult,
) -> Response {
    endpoint(&shared, &server, &headers, form, introspect)
}

/// POST /oauth2/v1/introspect
pub(crate) async fn introspect_org(
    State(shared): State<AppState>,
    headers: HeaderMap,
    form: FormResult,
) -> Response {
    endpoint(&shared, "org", &headers, form, introspect)
}

/// POST /oauth2/{serverId}/v1/revoke
pub(crate) async fn revoke_custom(
    State(shared): State<AppState>,
    Path(server): Path<String>,
    headers: HeaderMap,
    form: FormResult,
) -> Response {
    endpoint(&shared, &server, &headers, form, revoke)
}

/// POST /oauth2/v1/revoke
pub(crate) async fn revoke_org(
    State(shared): State<AppState>,
    headers: HeaderMap,
    form: FormResult,
) -> Response {
    endpoint(&shared, "org", &headers, form, revoke)
}

type Action = fn(&Shared, &ServerView, &ClientConfig, &str) -> Response;

/// Server, form body, client authentication and the `token` parameter.
fn endpoint(
    shared: &Shared,
    server_id: &str,
    headers: &HeaderMap,
    form: FormResult,
    action: Action,
) -> Response {
    let Some(server) = shared.server(server_id) else {
        return OktaError::not_found(&format!("{server_id} (AuthorizationServer)")).into_response();
    };
    let Ok(Form(params)) = form else {
        let description =
            "The request must be a POST with an application/x-www-form-urlencoded body.";
        return OAuthError::invalid_request(description).into_response();
    };
    let client = match token::authenticate(shared, headers, &params) {
        Ok(client) => client,
        Err(err) => return err.into_response(),
    };
    let Some(token) = params.get("token").filter(|t| !t.is_empty()) else {
        let description = "The 'token' parameter is required.";
        return OAuthError::invalid_request(description).into_response();
    };
    if let Some(hint) = params.get("token_type_hint")
        && !["access_token", "id_token", "refresh_token", "device_secret"].contains(&hint.as_str())
    {
        let description = "The 'token_type_hint' parameter must be one of: access_token, id_token, refresh_token, device_secret.";
        return OAuthError::new(
            StatusCode::BAD_REQUEST,
            "unsupported_token_type",
            description,
        )
        .into_response();
    }
    no_store(action(shared, &server, client, token))
}

/// Finds a token of this server that the client may see: its refresh
/// tokens, and any live JWT of the server (an id token only by its audience).
fn find(shared: &Shared, server: &ServerView, client: &ClientConfig, token: &str) -> Option<Found> {
    if let Some((grant, ttl)) = shared.refresh_tokens.get_with_ttl(token) {
        let ours = grant.server == server.id && grant.client_id == client.client_id;
        return ours.then(|| Found::Refresh {
            token: token.to_string(),
            grant,
            ttl,
        });
    }
    let expect = Expect {
        audience: None,
        check_exp: true,
    };
    let claims = verify(shared, server, token, expect).ok()?;
    let is_id_token = claims.get("cid").is_none();
    let visible = !is_id_token || claims["aud"] == client.client_id.as_str();
    visible.then_some(Found::Jwt(claims))
}

fn introspect(
    shared: &Shared,
    server: &ServerView,
    client: &ClientConfig,
    token: &str,
) -> Response {
    let body = match find(shared, server, client, token) {
        None => json!({"active": false}),
        Some(Found::Jwt(claims)) => jwt_introspection(&claims),
        Some(Found::Refresh { grant, ttl, .. }) => {
            refresh_introspection(shared, server, &grant, ttl)
        }
    };
    Json(body).into_response()
}

fn jwt_introspection(claims: &Value) -> Value {
    let access = claims.get("cid").is_some();
    let scope = claims["scp"].as_array().map(|a| {
        a.iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(" ")
    });
    let mut body = json!({
        "active": true,
        "token_type": "Bearer",
        "exp": claims["exp"],
        "iat": claims["iat"],
        "sub": claims["sub"],
        "aud": claims["aud"],
        "iss": claims["iss"],
        "jti": claims["jti"],
    });
    if access {
        body["scope"] = json!(scope);
        body["client_id"] = claims["cid"].clone();
        body["username"] = claims["sub"].clone();
        if let Some(uid) = claims.get("uid") {
            body["uid"] = uid.clone();
        }
    } else {
        body["client_id"] = claims["aud"].clone();
        body["uid"] = claims["sub"].clone();
        if let Some(username) = claims.get("preferred_username") {
            body["username"] = username.clone();
        }
    }
    body
}

fn refresh_introspection(shared: &Shared, server: &ServerView, grant: &Grant, ttl: u64) -> Value {
    let now = epoch_secs();
    let user = grant.session.as_ref().and_then(|s| shared.user(&s.login));
    let mut body = json!({
        "active": true,
        "token_type": "Bearer",
        "scope": grant.scopes.join(" "),
        "client_id": grant.client_id,
        "exp": now + ttl,
        "iss": server.issuer,
        "aud": server.audience,
    });
    if let Some(user) = user {
        body["username"] = json!(user.login);
        body["sub"] = json!(user.login);
        body["uid"] = json!(Shared::user_id_of(user));
    }
    body
}

/// Revokes a token of the client; anything else is answered the same (RFC 7009 §2.2).
fn revoke(shared: &Shared, server: &ServerView, client: &ClientConfig, token: &str) -> Response {
    match find(shared, server, client, token) {
        Some(Found::Refresh { token, .. }) => shared.refresh_tokens.remove(&token),
        Some(Found::Jwt(claims)) => {
            let owner = claims.get("cid").unwrap_or(&claims["aud"]);
            if owner == client.client_id.as_str()
                && let Some(jti) = claims["jti"].as_str()
            {
                shared.revoked.insert(jti.to_string(), ());
            }
        }
        None => {}
    }
    StatusCode::OK.into_response()
}
