//! Login errors. `LoginFailure` says what went wrong where and what to change;
//! `LoginError` is its rendered, masked form: it never holds a secret.

use crate::secret::mask::Masker;
use std::fmt;

/// Longest excerpt of an unexpected answer shown in a message.
const EXCERPT_CHARS: usize = 300;

/// What kind of problem stopped a login (for callers that branch on it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum LoginErrorKind {
    /// The fixture itself is unusable (bad URL, bad TOTP secret...).
    Config,
    /// No connection, or no answer in time.
    Network,
    /// Okta's rate limit (429) did not reset soon enough.
    RateLimited,
    /// Username or password rejected.
    Credentials,
    /// The test user is in a state a headless login cannot pass (MFA, locked...).
    UserState,
    /// /authorize refused the request (error redirect, sign-in page, 400 page).
    Authorize,
    /// The `state` in the redirect is not the one sent.
    StateMismatch,
    /// The `iss` of the authorization response is not the issuer (RFC 9207).
    IssuerMismatch,
    /// /token refused the request.
    Token,
    /// An answer that is not what Okta sends (not JSON, missing fields).
    Protocol,
    /// The identity name is not a fixture.
    UnknownIdentity,
}

/// A failed login: a clear message (what, where, what to change), masked.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct LoginError {
    kind: LoginErrorKind,
    message: String,
}

impl LoginError {
    /// Renders `failure` for the login of `who` (already quoted), masking every known secret.
    pub(crate) fn new(who: &str, failure: LoginFailure, masker: &Masker) -> Self {
        let text = format!("login as {who} failed: {failure}");
        Self {
            kind: failure.kind(),
            message: masker.mask(&text),
        }
    }

    pub(crate) fn unknown_identity(name: &str, known: &[&str]) -> Self {
        let known = if known.is_empty() {
            "none is defined".to_owned()
        } else {
            format!("known: {}", known.join(", "))
        };
        Self {
            kind: LoginErrorKind::UnknownIdentity,
            message: format!("unknown identity `{name}` (no fixtures/{name}.yaml; {known})"),
        }
    }

    pub fn kind(&self) -> LoginErrorKind {
        self.kind
    }

    pub fn message(&self) -> &str {
        &self.message
    }
}

/// Where a request went: `POST https://org.okta.com/api/v1/authn` (never the query).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct At {
    pub method: &'static str,
    pub url: String,
}

impl At {
    pub fn new(method: &'static str, url: &reqwest::Url) -> Self {
        let mut url = url.clone();
        url.set_query(None);
        url.set_fragment(None);
        Self {
            method,
            url: url.to_string(),
        }
    }
}

impl fmt::Display for At {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.url)
    }
}

/// Everything that can stop a login, with the facts its message needs.
#[derive(Debug, Clone, thiserror::Error)]
pub(crate) enum LoginFailure {
    #[error("{0}")]
    Config(String),
    #[error(
        "could not reach {at}: {cause}; check the fixture's okta_url / issuer / token_url and the network or proxy"
    )]
    Network { at: At, cause: String },
    #[error(
        "no answer from {at} within {timeout:?} ({cause}); check the fixture's okta_url / issuer / token_url and the network"
    )]
    Timeout {
        at: At,
        timeout: std::time::Duration,
        cause: String,
    },
    #[error(
        "Okta's rate limit was exceeded at {at} (429 {code}); {reset}; log in less often (each identity logs in once per run) or raise the org's rate limits"
    )]
    RateLimited { at: At, code: String, reset: String },
    #[error(
        "Okta rejected the username or password ({code} {summary}) at {at}; check the fixture's username / password (OKTA_USERNAME / OKTA_PASSWORD), and that the user is active and not locked out"
    )]
    BadCredentials {
        at: At,
        code: String,
        summary: String,
    },
    /// `detail`: errorCode, errorSummary and the errorCauses.
    #[error("Okta answered {status} {detail} at {at}{hint}")]
    OktaApi {
        at: At,
        status: u16,
        detail: String,
        hint: String,
    },
    #[error("Okta put the test user in state {status} at {at}: {advice}")]
    UserState {
        at: At,
        status: String,
        advice: String,
    },
    #[error("/authorize refused the login at {at}: {error}{description}{hint}")]
    AuthorizeRedirect {
        at: At,
        error: String,
        description: String,
        hint: &'static str,
    },
    #[error(
        "session token rejected at {at}: {detail}; the app's sign-on policy probably requires an interactive sign-in or MFA at /authorize (allow password-only access for the test user in the app's authentication policy, or use kind okta-idx, which answers Identity Engine's password and TOTP prompts), or the session token expired or was used twice"
    )]
    SessionRejected { at: At, detail: String },
    #[error(
        "Okta refused the authorization request at {at} with a {status} page{summary}; add the redirect_uri `{redirect_uri}` to the app's Sign-in redirect URIs (exact match: scheme, host, port, path, trailing slash) and check that client_id `{client_id}` exists in this org (OKTA_REDIRECT_URI / OKTA_CLIENT_ID)"
    )]
    RedirectUriRejected {
        at: At,
        status: u16,
        summary: String,
        redirect_uri: String,
        client_id: String,
    },
    #[error(
        "state mismatch at {at}: the redirect carries state `{got}` but this login sent `{sent}`; refusing the code (a stale or foreign redirect)"
    )]
    StateMismatch { at: At, sent: String, got: String },
    #[error(
        "the authorization server did not complete the authorization without a login form at {at}: {detail}; oauth2-pkce needs a server that signs the test user in by itself: a pre-established session, a dev server's auto-login (its parameters go in extra_params, e.g. login_hint), or use another kind (okta-pkce for Okta, password, client-credentials, refresh-token, static)"
    )]
    NotHeadless { at: At, detail: String },
    #[error(
        "the authorization server refused the authorization request at {at} with a {status} page{summary}; check that client_id `{client_id}` exists on this server and that redirect_uri `{redirect_uri}` is registered for it (exact match: scheme, host, port, path, trailing slash)"
    )]
    AuthorizeRefused {
        at: At,
        status: u16,
        summary: String,
        client_id: String,
        redirect_uri: String,
    },
    #[error(
        "issuer mismatch: the discovery document at {at} names issuer `{got}` but the fixture's issuer is `{configured}`{hint}; set issuer to exactly the issuer the server announces"
    )]
    DiscoveryIssuer {
        at: At,
        configured: String,
        got: String,
        hint: &'static str,
    },
    #[error(
        "issuer mismatch at {at}: {detail}; refusing the authorization response (RFC 9207: it may come from another authorization server)"
    )]
    IssMismatch { at: At, detail: String },
    #[error("/token refused the request at {at}: {error}{description}{hint}")]
    TokenError {
        at: At,
        error: String,
        description: String,
        hint: String,
    },
    #[error("unexpected answer from {at}: {what}")]
    Protocol { at: At, what: String },
    /// `what`: the size message of [`crate::http::body::BodyError`].
    #[error(
        "unexpected answer from {at}: {what}; an identity provider's answers are small, so check the fixture's okta_url / issuer / token_url"
    )]
    BodyTooLarge { at: At, what: String },
    #[error(
        "/authorize redirected to {target} at {at}, which is not the fixture's redirect_uri `{redirect_uri}` (scheme, host, port and path must match); refusing the code it carries. Set redirect_uri (OKTA_REDIRECT_URI) to the URI the app redirects to, or fix the app's redirect"
    )]
    RedirectMismatch {
        at: At,
        target: String,
        redirect_uri: String,
    },
    #[error("/interact refused the request at {at}: {error}{description}{hint}")]
    InteractRefused {
        at: At,
        error: String,
        description: String,
        hint: String,
    },
    /// Identity Engine ended the sign-in: `what` names the remediation or
    /// message, `advice` says what to change in the test user or policy.
    #[error("Okta Identity Engine stopped the sign-in at {at}: {what}; {advice}")]
    IdxStopped {
        at: At,
        what: String,
        advice: String,
        kind: LoginErrorKind,
    },
    /// An identity provider other than Okta refused a step: `provider`
    /// names it, `what` is its answer (error and description), `advice`
    /// what to change.
    #[error("{provider} refused the login at {at}: {what}; {advice}")]
    Refused {
        provider: &'static str,
        at: At,
        what: String,
        advice: String,
        kind: LoginErrorKind,
    },
    /// Amazon Cognito refused or stopped the sign-in: `what` names the
    /// exception or challenge, `advice` says what to change.
    #[error("Amazon Cognito stopped the sign-in at {at}: {what}; {advice}")]
    Cognito {
        at: At,
        what: String,
        advice: String,
        kind: LoginErrorKind,
    },
}

impl LoginFailure {
    pub fn kind(&self) -> LoginErrorKind {
        use LoginErrorKind as K;
        match self {
            LoginFailure::Config(_) | LoginFailure::DiscoveryIssuer { .. } => K::Config,
            LoginFailure::Network { .. } | LoginFailure::Timeout { .. } => K::Network,
            LoginFailure::RateLimited { .. } => K::RateLimited,
            LoginFailure::BadCredentials { .. } => K::Credentials,
            LoginFailure::OktaApi { .. } | LoginFailure::UserState { .. } => K::UserState,
            LoginFailure::AuthorizeRedirect { .. }
            | LoginFailure::SessionRejected { .. }
            | LoginFailure::RedirectUriRejected { .. }
            | LoginFailure::NotHeadless { .. }
            | LoginFailure::AuthorizeRefused { .. } => K::Authorize,
            LoginFailure::StateMismatch { .. } => K::StateMismatch,
            LoginFailure::IssMismatch { .. } => K::IssuerMismatch,
            LoginFailure::TokenError { .. } => K::Token,
            LoginFailure::Protocol { .. } | LoginFailure::BodyTooLarge { .. } => K::Protocol,
            LoginFailure::RedirectMismatch { .. } => K::Authorize,
            LoginFailure::InteractRefused { .. } => K::Authorize,
            LoginFailure::IdxStopped { kind, .. } => *kind,
            LoginFailure::Refused { kind, .. } => *kind,
            LoginFailure::Cognito { kind, .. } => *kind,
        }
    }

    /// An answer that is not what was expected, with an excerpt of its body.
    pub fn protocol(at: &At, what: impl Into<String>) -> Self {
        LoginFailure::Protocol {
            at: at.clone(),
            what: what.into(),
        }
    }
}

/// The first characters of a body, on one line, for an error message.
pub(crate) fn excerpt(body: &str) -> String {
    let flat: String = body.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.is_empty() {
        return "(empty body)".to_owned();
    }
    match flat.char_indices().nth(EXCERPT_CHARS) {
        Some((cut, _)) => format!("{}…", &flat[..cut]),
        None => flat,
    }
}

/// ` (description)` when there is one, cut like an [`excerpt`]: a server's
/// `error_description` can be any length.
pub(crate) fn described(description: Option<&str>) -> String {
    match description {
        Some(d) if !d.trim().is_empty() => {
            let shown = excerpt(d);
            match d.len() {
                n if shown.ends_with('…') => format!(" ({shown} ({n} bytes))"),
                _ => format!(" ({shown})"),
            }
        }
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at() -> At {
        let url = reqwest::Url::parse("https://org.okta.com/oauth2/v1/authorize?sessionToken=abc")
            .unwrap();
        At::new("GET", &url)
    }

    #[test]
    fn at_drops_the_query() {
        assert_eq!(
            at().to_string(),
            "GET https://org.okta.com/oauth2/v1/authorize"
        );
    }

    #[test]
    fn message_is_masked() {
        let masker = Masker::new();
        masker.add("sekrit-code");
        let failure = LoginFailure::protocol(&at(), "no state in http://cb?code=sekrit-code");
        let err = LoginError::new("`ada@example.com`", failure, &masker);
        assert_eq!(
            err.to_string(),
            "login as `ada@example.com` failed: unexpected answer from GET \
             https://org.okta.com/oauth2/v1/authorize: no state in http://cb?code=***"
        );
        assert_eq!(err.kind(), LoginErrorKind::Protocol);
    }

    #[test]
    fn a_huge_error_description_is_cut() {
        let failure = LoginFailure::TokenError {
            at: at(),
            error: "invalid_grant".into(),
            description: described(Some(&"the grant is bad. ".repeat(6000))),
            hint: "check it".into(),
        };
        let err = LoginError::new("`ada@example.com`", failure, &Masker::new());
        let text = err.to_string();
        assert!(text.len() < 1000, "{} bytes: {text}", text.len());
        assert!(text.contains("the grant is bad. the grant"), "{text}");
        assert!(text.contains("… (108000 bytes))"), "{text}");
        assert_eq!(described(Some("expired")), " (expired)");
        assert_eq!(described(Some("")), "");
    }

    #[test]
    fn excerpt_is_short_and_flat() {
        assert_eq!(excerpt("a\n  b"), "a b");
        assert_eq!(excerpt(""), "(empty body)");
        assert_eq!(
            excerpt(&"x".repeat(1000)).chars().count(),
            EXCERPT_CHARS + 1
        );
    }

    #[test]
    fn unknown_identity_lists_known_ones() {
        let err = LoginError::unknown_identity("admn", &["admin", "user"]);
        assert_eq!(
            err.to_string(),
            "unknown identity `admn` (no fixtures/admn.yaml; known: admin, user)"
        );
    }
}
