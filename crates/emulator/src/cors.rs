//! CORS for the configured trusted origins, as Okta's "Trusted Origins
//! (CORS)": the authn API, /token, /keys, userinfo, introspection,
//! revocation and discovery answer a trusted origin (preflight included);
//! any other origin gets no CORS headers, so a browser refuses the answer.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::state::AppState;

const ALLOW_METHODS: &str = "GET, POST, OPTIONS";
const ALLOW_HEADERS: &str = "Accept, Authorization, Content-Type, X-Okta-User-Agent-Extended, X-Requested-With, X-Device-Fingerprint";
const EXPOSE_HEADERS: &str = "X-Rate-Limit-Limit, X-Rate-Limit-Remaining, X-Rate-Limit-Reset";

/// True for the paths a browser may call cross-origin.
pub(crate) fn is_cors_path(path: &str) -> bool {
    if path.starts_with("/api/v1/authn") || path.contains("/.well-known/") {
        return true;
    }
    let Some(rest) = path.strip_prefix("/oauth2/") else {
        return false;
    };
    ["token", "keys", "userinfo", "introspect", "revoke"]
        .iter()
        .any(|endpoint| rest.ends_with(&format!("v1/{endpoint}")))
}

/// The request's Origin, when it is a trusted one.
pub(crate) fn trusted_origin<'a>(trusted: &[String], headers: &'a HeaderMap) -> Option<&'a str> {
    let origin = headers.get(header::ORIGIN)?.to_str().ok()?;
    trusted.iter().any(|t| t == origin).then_some(origin)
}

/// The middleware: answers preflights and adds CORS headers for trusted origins.
pub(crate) async fn cors(State(shared): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    let has_origin = request.headers().contains_key(header::ORIGIN);
    if !has_origin || !is_cors_path(&path) {
        return next.run(request).await;
    }
    let origin =
        trusted_origin(&shared.config.trusted_origins, request.headers()).map(String::from);
    let preflight = request.method() == Method::OPTIONS
        && request
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    if preflight {
        return preflight_response(origin.as_deref());
    }
    let mut response = next.run(request).await;
    if let Some(origin) = origin {
        allow(response.headers_mut(), &origin);
        set(
            response.headers_mut(),
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            EXPOSE_HEADERS,
        );
    }
    response
}

/// 200 with the allowed methods and headers, or 403 without CORS headers.
fn preflight_response(origin: Option<&str>) -> Response {
    let Some(origin) = origin else {
        return (StatusCode::FORBIDDEN, Body::empty()).into_response();
    };
    let mut response = StatusCode::OK.into_response();
    let headers = response.headers_mut();
    allow(headers, origin);
    set(headers, header::ACCESS_CONTROL_ALLOW_METHODS, ALLOW_METHODS);
    set(headers, header::ACCESS_CONTROL_ALLOW_HEADERS, ALLOW_HEADERS);
    set(headers, header::ACCESS_CONTROL_MAX_AGE, "86400");
    response
}

fn allow(headers: &mut HeaderMap, origin: &str) {
    set(headers, header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    set(headers, header::ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
    headers.append(header::VARY, HeaderValue::from_static("Origin"));
}

fn set(headers: &mut HeaderMap, name: header::HeaderName, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        headers.insert(name, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cors_paths() {
        for path in [
            "/api/v1/authn",
            "/api/v1/authn/factors/x/verify",
            "/oauth2/default/v1/token",
            "/oauth2/v1/keys",
            "/oauth2/default/v1/userinfo",
            "/.well-known/openid-configuration",
            "/oauth2/default/.well-known/oauth-authorization-server",
        ] {
            assert!(is_cors_path(path), "{path}");
        }
        for path in [
            "/oauth2/default/v1/authorize",
            "/oauth2/v1/logout",
            "/__emulator/counters",
        ] {
            assert!(!is_cors_path(path), "{path}");
        }
    }

    #[test]
    fn only_exact_trusted_origins() {
        let trusted = vec!["http://localhost:3000".to_string()];
        let mut headers = HeaderMap::new();
        assert_eq!(trusted_origin(&trusted, &headers), None);
        headers.insert(header::ORIGIN, "http://localhost:3000".parse().unwrap());
        assert_eq!(
            trusted_origin(&trusted, &headers),
            Some("http://localhost:3000")
        );
        headers.insert(header::ORIGIN, "http://localhost:3000/".parse().unwrap());
        assert_eq!(trusted_origin(&trusted, &headers), None);
    }
}
