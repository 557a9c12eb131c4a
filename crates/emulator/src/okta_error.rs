//! Okta's API error shape: {errorCode, errorSummary, errorLink, errorId, errorCauses}.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::ids::random_token;
use super::ratelimit::RateInfo;

/// An Okta API error response.
#[derive(Debug)]
pub(crate) struct OktaError {
    pub(crate) status: StatusCode,
    pub(crate) code: &'static str,
    pub(crate) summary: String,
    pub(crate) causes: Vec<String>,
    pub(crate) rate: Option<RateInfo>,
}

impl OktaError {
    fn new(status: StatusCode, code: &'static str, summary: impl Into<String>) -> Self {
        OktaError {
            status,
            code,
            summary: summary.into(),
            causes: Vec::new(),
            rate: None,
        }
    }

    fn with_cause(mut self, cause: impl Into<String>) -> Self {
        self.causes.push(cause.into());
        self
    }

    /// 401 E0000004: bad username or password.
    pub(crate) fn authentication_failed() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "E0000004",
            "Authentication failed",
        )
    }

    /// 401 E0000011: unknown, used or expired stateToken.
    pub(crate) fn invalid_token() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "E0000011",
            "Invalid token provided",
        )
    }

    /// 400 E0000001: a required field is missing.
    pub(crate) fn validation(field: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "E0000001",
            format!("Api validation failed: {field}"),
        )
        .with_cause(format!("{field}: The field cannot be left blank."))
    }

    /// 400 E0000003: the body is not JSON.
    pub(crate) fn malformed_body() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "E0000003",
            "The request body was not well-formed.",
        )
    }

    /// 403 E0000068: wrong passcode.
    pub(crate) fn invalid_passcode() -> Self {
        Self::new(StatusCode::FORBIDDEN, "E0000068", "Invalid Passcode/Answer")
            .with_cause("Your passcode doesn't match our records. Please try again.")
    }

    /// 403 E0000079: the operation does not fit the transaction state.
    pub(crate) fn not_allowed(cause: impl Into<String>) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "E0000079",
            "This operation is not allowed in the current authentication state.",
        )
        .with_cause(cause)
    }

    /// 403 E0000014: the old password was wrong.
    pub(crate) fn credentials_update_failed(cause: &str) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "E0000014",
            "Update of credentials failed",
        )
        .with_cause(cause)
    }

    /// 403 E0000080: the new password breaks the password policy.
    pub(crate) fn password_policy(cause: &str) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "E0000080",
            "The password does not meet the complexity requirements of the current password policy.",
        )
        .with_cause(cause)
    }

    /// 404 E0000007: unknown resource or path.
    pub(crate) fn not_found(what: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "E0000007",
            format!("Not found: Resource not found: {what}"),
        )
    }

    /// 429 E0000047 with X-Rate-Limit-* headers.
    pub(crate) fn rate_limited(info: RateInfo) -> Self {
        let mut err = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "E0000047",
            "API call exceeded rate limit due to too many requests.",
        );
        err.rate = Some(info);
        err
    }
}

impl IntoResponse for OktaError {
    fn into_response(self) -> Response {
        let causes: Vec<_> = self
            .causes
            .iter()
            .map(|c| json!({"errorSummary": c}))
            .collect();
        let body = json!({
            "errorCode": self.code,
            "errorSummary": self.summary,
            "errorLink": self.code,
            "errorId": random_token("oae", 22),
            "errorCauses": causes,
        });
        let mut response = (self.status, axum::Json(body)).into_response();
        if let Some(info) = self.rate {
            add_rate_headers(&mut response, info);
        }
        response
    }
}

/// Sets X-Rate-Limit-Limit, -Remaining and -Reset.
pub(crate) fn add_rate_headers(response: &mut Response, info: RateInfo) {
    let headers = response.headers_mut();
    headers.insert("x-rate-limit-limit", HeaderValue::from(info.limit));
    headers.insert("x-rate-limit-remaining", HeaderValue::from(info.remaining));
    headers.insert("x-rate-limit-reset", HeaderValue::from(info.reset));
}
