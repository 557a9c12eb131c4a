//! GET and POST {base}/v1/userinfo: the user's claims for a bearer access
//! token of this server, by the scopes it was granted.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::config::{TokenKind, UserConfig};
use super::okta_error::OktaError;
use super::state::{AppState, ServerView, Shared};
use super::verify::{Expect, verify};

/// GET|POST /oauth2/{serverId}/v1/userinfo
pub(crate) async fn custom(
    State(shared): State<AppState>,
    Path(server): Path<String>,
    headers: HeaderMap,
) -> Response {
    userinfo(&shared, &server, &headers)
}

/// GET|POST /oauth2/v1/userinfo
pub(crate) async fn org(State(shared): State<AppState>, headers: HeaderMap) -> Response {
    userinfo(&shared, "org", &headers)
}

fn userinfo(shared: &Shared, server_id: &str, headers: &HeaderMap) -> Response {
    let Some(server) = shared.server(server_id) else {
        return OktaError::not_found(&format!("{server_id} (AuthorizationServer)")).into_response();
    };
    let challenge = |error: &str, description: &str| challenge(&server, error, description);
    let Some(token) = bearer(headers) else {
        return challenge("invalid_request", "The access token is missing.");
    };
    let expect = Expect {
        audience: Some(&server.audience),
        check_exp: true,
    };
    let claims = match verify(shared, &server, token, expect) {
        Ok(claims) => claims,
        Err(rejection) => return challenge("invalid_token", &rejection.describe("access token")),
    };
    let scopes: Vec<&str> = claims["scp"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if !scopes.contains(&"openid") {
        let description =
            "The access token must provide access to at least one of these scopes - openid.";
        return challenge("insufficient_scope", description);
    }
    let user = claims["uid"]
        .as_str()
        .and_then(|_| claims["sub"].as_str())
        .and_then(|login| shared.user(login));
    let Some(user) = user else {
        return challenge("invalid_token", "The access token is not bound to a user.");
    };
    Json(user_claims(&server, user, &scopes)).into_response()
}

/// The claims of a user that the granted scopes release.
pub(crate) fn user_claims(server: &ServerView, user: &UserConfig, scopes: &[&str]) -> Value {
    let mut claims = Map::new();
    claims.insert("sub".into(), json!(Shared::user_id_of(user)));
    if scopes.contains(&"profile") {
        let name = format!("{} {}", user.first_name, user.last_name);
        claims.insert("name".into(), json!(name.trim()));
        claims.insert("locale".into(), json!("en_US"));
        claims.insert("preferred_username".into(), json!(user.login));
        claims.insert("given_name".into(), json!(user.first_name));
        claims.insert("family_name".into(), json!(user.last_name));
        claims.insert("zoneinfo".into(), json!("America/Los_Angeles"));
        claims.insert("updated_at".into(), json!(1_704_067_200));
    }
    if scopes.contains(&"email") {
        claims.insert("email".into(), json!(user.login));
        claims.insert("email_verified".into(), json!(true));
    }
    if server.groups_claim.contains(&TokenKind::IdToken) {
        claims.insert("groups".into(), json!(user.groups));
    }
    Value::Object(claims)
}

/// The token of `Authorization: Bearer <token>`.
pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// 401 (or 403 for a scope) with Okta's `WWW-Authenticate: Bearer` challenge and no body.
fn challenge(server: &ServerView, error: &str, description: &str) -> Response {
    let status = if error == "insufficient_scope" {
        StatusCode::FORBIDDEN
    } else {
        StatusCode::UNAUTHORIZED
    };
    let base = &server.base;
    let value = format!(
        "Bearer authorization_uri=\"{base}/v1/authorize\", realm=\"{base}\", scope=\"openid\", error=\"{error}\", error_description=\"{description}\", resource=\"{base}/v1/userinfo\""
    );
    let mut response = status.into_response();
    if let Ok(value) = HeaderValue::from_str(&value) {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_needs_the_scheme_and_a_token() {
        let mut headers = HeaderMap::new();
        assert_eq!(bearer(&headers), None);
        headers.insert(header::AUTHORIZATION, "Bearer abc".parse().unwrap());
        assert_eq!(bearer(&headers), Some("abc"));
        headers.insert(header::AUTHORIZATION, "Basic abc".parse().unwrap());
        assert_eq!(bearer(&headers), None);
        headers.insert(header::AUTHORIZATION, "Bearer  ".parse().unwrap());
        assert_eq!(bearer(&headers), None);
    }
}
