//! The HTML pages Okta answers /authorize with when it cannot redirect.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

/// Okta's message for an unregistered redirect_uri.
pub(crate) const REDIRECT_URI_MESSAGE: &str =
    "The 'redirect_uri' parameter must be a Login redirect URI in the client app settings.";

/// Okta's message for an unknown client_id at /authorize.
pub(crate) const CLIENT_ID_MESSAGE: &str = "Invalid value for 'client_id' parameter.";

/// 200: the hosted sign-in page (no usable session).
pub(crate) fn sign_in_page() -> Response {
    let body = "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>Sign In</title></head>\n\
<body>\n<div id=\"okta-sign-in\" class=\"auth-container\">\n<h2>Sign In</h2>\n\
<form method=\"post\" action=\"/login/login.htm\">\n\
<label>Username <input name=\"username\" type=\"text\"></label>\n\
<label>Password <input name=\"password\" type=\"password\"></label>\n\
<input type=\"submit\" value=\"Sign In\">\n</form>\n</div>\n\
<!-- gatecheck Okta emulator: this page is not functional; use /api/v1/authn and a sessionToken -->\n\
</body>\n</html>\n";
    (StatusCode::OK, Html(body)).into_response()
}

/// 400: Okta's own error page, never redirected. The message appears
/// verbatim (only `&`, `<`, `>` are escaped) so clients can search for it.
pub(crate) fn bad_request_page(message: &str) -> Response {
    error_page(None, message)
}

/// 400: the error page for an unknown client_id, with Okta's error code.
pub(crate) fn invalid_client_page() -> Response {
    error_page(Some("invalid_client"), CLIENT_ID_MESSAGE)
}

fn error_page(code: Option<&str>, message: &str) -> Response {
    let code = code
        .map(|c| format!("<p id=\"error-code\">Error Code: {}</p>\n", escape(c)))
        .unwrap_or_default();
    let body = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>Bad Request</title></head>\n\
<body>\n<div class=\"content\">\n<h1>400 Bad Request</h1>\n{code}<p id=\"error-message\">{}</p>\n</div>\n</body>\n</html>\n",
        escape(message)
    );
    (StatusCode::BAD_REQUEST, Html(body)).into_response()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_escaped() {
        assert_eq!(escape("<a href='x'>&"), "&lt;a href='x'&gt;&amp;");
    }
}
