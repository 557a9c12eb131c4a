//! Demo API errors: JSON {error, error_description}, with
//! `WWW-Authenticate: Bearer` on 401 and insufficient_scope.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

pub(crate) const REALM: &str = "gatecheck-demo";

/// An error answer of the demo API.
#[derive(Debug)]
pub(crate) struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) error: &'static str,
    pub(crate) description: String,
    pub(crate) challenge: Option<String>,
}

impl ApiError {
    /// 401 without credentials: a bare Bearer challenge (RFC 6750 §3.1).
    pub(crate) fn missing_token() -> Self {
        ApiError {
            status: StatusCode::UNAUTHORIZED,
            error: "unauthorized",
            description: "A bearer access token is required.".into(),
            challenge: Some(format!("Bearer realm=\"{REALM}\"")),
        }
    }

    /// 401 for a token that is malformed, expired or not ours.
    pub(crate) fn invalid_token(description: &str) -> Self {
        ApiError {
            status: StatusCode::UNAUTHORIZED,
            error: "invalid_token",
            description: description.into(),
            challenge: Some(format!(
                "Bearer realm=\"{REALM}\", error=\"invalid_token\", error_description=\"{description}\""
            )),
        }
    }

    /// 403 when the token lacks a scope.
    pub(crate) fn insufficient_scope(scope: &str) -> Self {
        let description = format!("The access token must have the '{scope}' or 'openid' scope.");
        ApiError {
            status: StatusCode::FORBIDDEN,
            error: "insufficient_scope",
            challenge: Some(format!(
                "Bearer realm=\"{REALM}\", error=\"insufficient_scope\", error_description=\"{description}\", scope=\"{scope}\""
            )),
            description,
        }
    }

    /// 403 when the user lacks a group.
    pub(crate) fn forbidden(group: &str) -> Self {
        Self::plain(
            StatusCode::FORBIDDEN,
            "forbidden",
            format!("Membership in the '{group}' group is required."),
        )
    }

    pub(crate) fn not_found(description: impl Into<String>) -> Self {
        Self::plain(StatusCode::NOT_FOUND, "not_found", description)
    }

    pub(crate) fn bad_request(description: impl Into<String>) -> Self {
        Self::plain(StatusCode::BAD_REQUEST, "invalid_request", description)
    }

    pub(crate) fn plain(
        status: StatusCode,
        error: &'static str,
        description: impl Into<String>,
    ) -> Self {
        ApiError {
            status,
            error,
            description: description.into(),
            challenge: None,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({"error": self.error, "error_description": self.description});
        let mut response = (self.status, Json(body)).into_response();
        if let Some(value) = self.challenge.and_then(|c| HeaderValue::from_str(&c).ok()) {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, value);
        }
        response
    }
}
