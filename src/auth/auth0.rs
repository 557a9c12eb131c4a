//! `kind: auth0`: Auth0's embedded login, headless (docs/fixtures.md):
//! `POST /co/authenticate` (the password-realm credential type, the
//! connection as `realm`, the app's `Origin`) gives a login ticket and sets
//! the session cookie; `GET /authorize` with the ticket (and that cookie),
//! PKCE, `state`, `nonce`, `audience` gives the code; `POST /oauth/token`
//! trades it for the tokens. MFA at /co/authenticate is answered with a
//! TOTP code (`otp`), as auth0-js does.

use super::client::{LoginClient, Reply};
use super::dpop::DpopKey;
use super::error::{At, LoginErrorKind, LoginFailure, described, excerpt};
use super::fixture::{Auth0Fixture, DEMO};
use super::okta_api::parse_url;
use super::pkce::AuthorizeParams;
use super::token::{self, ClientAuth, Token};
use super::totp;
use crate::secret::mask::Masker;
use reqwest::Url;
use reqwest::cookie::Jar;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::SystemTime;

pub use super::token::PASSWORD_REALM_GRANT;
const PROVIDER: &str = "Auth0";

/// Logs in once: a fresh verifier, state and nonce, and a cookie jar of
/// its own (the login ticket is bound to the session cookie).
pub async fn login(
    f: &Auth0Fixture,
    client: &LoginClient,
    dpop: Option<&DpopKey>,
    masker: &Masker,
) -> Result<Token, LoginFailure> {
    check(f)?;
    let origin = origin(f)?;
    let params = AuthorizeParams::generate(&mut rand::rng());
    masker.add(params.pkce.verifier.as_str());
    let browser = client.with_cookie_jar(Arc::new(Jar::default()));
    let ticket = login_ticket(f, &browser, &origin, masker).await?;
    let url = authorize_url(f, &params, &ticket)?;
    let at = At::new("GET", &url);
    let reply = browser.send(&at, |c| c.get(url.clone())).await?;
    let code = read_redirect(&reply, &at, f, &params.state, masker)?;
    let url = token_url(f)?;
    let form = vec![
        ("grant_type", "authorization_code".to_owned()),
        ("code", code),
        ("redirect_uri", f.redirect_uri.clone()),
        ("code_verifier", params.pkce.verifier.clone()),
    ];
    let auth = client_auth(f);
    auth.register(masker);
    let (at, reply) = token::post(client, &url, form, auth, dpop, masker).await?;
    read_token(&reply, &at, auth, "authorization_code", masker)
}

/// `{root}/oauth/token`.
pub fn token_url(f: &Auth0Fixture) -> Result<Url, LoginFailure> {
    parse_url("domain", &format!("{}/oauth/token", f.root()))
}

/// private_key_jwt with a private key, client_secret_post (Auth0's
/// default) with a secret, else a public client (a SPA, a native app).
pub fn client_auth(f: &Auth0Fixture) -> ClientAuth<'_> {
    match (&f.private_key, &f.client_secret) {
        (Some(private_key), _) => ClientAuth::Jwt {
            client_id: &f.client_id,
            private_key,
            key_id: f.key_id.as_deref(),
        },
        (None, Some(secret)) => ClientAuth::Post {
            client_id: &f.client_id,
            secret,
        },
        (None, None) => ClientAuth::Public {
            client_id: &f.client_id,
        },
    }
}

/// Problems a request would only reveal confusingly.
fn check(f: &Auth0Fixture) -> Result<(), LoginFailure> {
    if f.domain == DEMO {
        return Err(LoginFailure::Config(
            "domain is `demo` but the built-in emulator was not started".to_owned(),
        ));
    }
    parse_url("domain", &f.root())?;
    parse_url("redirect_uri", &f.redirect_uri)?;
    if !f.scopes.iter().any(|s| s == "openid") {
        return Err(LoginFailure::Config(
            "scopes must include `openid` for Auth0's /authorize".to_owned(),
        ));
    }
    Ok(())
}

/// The `Origin` to send: the fixture's, else the redirect_uri's origin.
pub fn origin(f: &Auth0Fixture) -> Result<String, LoginFailure> {
    let (key, value) = match &f.origin {
        Some(origin) => ("origin", origin),
        None => ("redirect_uri", &f.redirect_uri),
    };
    let url = parse_url(key, value)?;
    match url.origin() {
        origin if origin.is_tuple() => Ok(origin.ascii_serialization()),
        _ => Err(LoginFailure::Config(format!(
            "{key} `{value}` has no origin (scheme://host[:port]); set origin (AUTH0_ORIGIN) to one of the app's Allowed Web Origins"
        ))),
    }
}

/// POST /co/authenticate, once more with a TOTP code when Auth0 answers
/// `mfa_required`; the login ticket.
async fn login_ticket(
    f: &Auth0Fixture,
    browser: &LoginClient,
    origin: &str,
    masker: &Masker,
) -> Result<String, LoginFailure> {
    let url = parse_url("domain", &format!("{}/co/authenticate", f.root()))?;
    let mut body = json!({
        "client_id": f.client_id,
        "username": f.username,
        "password": f.password,
        "realm": f.connection,
        "credential_type": PASSWORD_REALM_GRANT,
    });
    let at = At::new("POST", &url);
    let mut reply = post_json(browser, &at, &url, origin, &body).await?;
    if error_of(&reply).is_some_and(|(error, _)| error == "mfa_required") {
        let Some(secret) = f.totp_secret.as_deref() else {
            return Err(co_error(&reply, &at, f, origin));
        };
        let otp = totp::code_at(secret, SystemTime::now())
            .map_err(|e| LoginFailure::Config(e.to_string()))?;
        body["otp"] = Value::String(otp);
        reply = post_json(browser, &at, &url, origin, &body).await?;
    }
    read_ticket(&reply, &at, f, origin, masker)
}

async fn post_json(
    browser: &LoginClient,
    at: &At,
    url: &Url,
    origin: &str,
    body: &Value,
) -> Result<Reply, LoginFailure> {
    browser
        .send(at, |c| {
            c.post(url.clone())
                .header("accept", "application/json")
                .header("origin", origin)
                .json(body)
        })
        .await
}

/// The login ticket of a 2xx (registered as a secret), else the error (pure).
pub fn read_ticket(
    reply: &Reply,
    at: &At,
    f: &Auth0Fixture,
    origin: &str,
    masker: &Masker,
) -> Result<String, LoginFailure> {
    if !(200..300).contains(&reply.status) {
        return Err(co_error(reply, at, f, origin));
    }
    #[derive(serde::Deserialize)]
    struct Ticket {
        login_ticket: Option<String>,
        co_verifier: Option<String>,
    }
    let ticket: Ticket = reply.json(at)?;
    if let Some(verifier) = &ticket.co_verifier {
        masker.add(verifier.as_str());
    }
    match ticket.login_ticket.filter(|t| !t.is_empty()) {
        Some(ticket) => {
            masker.add(ticket.as_str());
            Ok(ticket)
        }
        None => Err(LoginFailure::protocol(
            at,
            "an answer without a login_ticket",
        )),
    }
}

/// `{error, error_description}` of an answer, if it has one.
fn error_of(reply: &Reply) -> Option<(String, String)> {
    let body: Value = serde_json::from_str(&reply.body).ok()?;
    let error = body.get("error")?.as_str()?.to_owned();
    let description = body
        .get("error_description")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    Some((error, description))
}

fn refused(
    at: &At,
    error: &str,
    description: &str,
    advice: String,
    kind: LoginErrorKind,
) -> LoginFailure {
    LoginFailure::Refused {
        provider: PROVIDER,
        at: at.clone(),
        what: format!("{error}{}", described(Some(description))),
        advice,
        kind,
    }
}

/// What /co/authenticate's refusal means and what to change.
fn co_error(reply: &Reply, at: &At, f: &Auth0Fixture, origin: &str) -> LoginFailure {
    let Some((error, description)) = error_of(reply) else {
        let hint = match reply.status {
            404 => {
                "; check domain (AUTH0_DOMAIN): it must be the tenant's domain (TENANT.us.auth0.com or a custom domain)"
            }
            _ => "",
        };
        return LoginFailure::protocol(
            at,
            format!(
                "Auth0 answered {} {}{hint}",
                reply.status,
                excerpt(&reply.body)
            ),
        );
    };
    let (advice, kind) = co_advice(&error, &description, f, origin);
    refused(at, &error, &description, advice, kind)
}

/// Advice for each refusal of /co/authenticate (pure).
pub fn co_advice(
    error: &str,
    description: &str,
    f: &Auth0Fixture,
    origin: &str,
) -> (String, LoginErrorKind) {
    use LoginErrorKind as K;
    let d = description.to_ascii_lowercase();
    let connection = &f.connection;
    match error {
        _ if d.contains("wrong email or password") || error == "invalid_user_password" => (
            format!("check the fixture's username / password (AUTH0_USERNAME / AUTH0_PASSWORD), and that the user is in the database connection `{connection}` (AUTH0_CONNECTION)"),
            K::Credentials,
        ),
        _ if d.contains("blocked") || error == "too_many_attempts" => (
            "the user is blocked (by an administrator, or by brute-force protection after failed logins); unblock it in the Auth0 Dashboard (User Management > Users > the user > Unblock) and check AUTH0_PASSWORD".to_owned(),
            K::UserState,
        ),
        "mfa_required" => (
            "the user must answer multi-factor authentication: set totp_secret (AUTH0_TOTP_SECRET) to the user's one-time password (Google Authenticator) secret, or exempt the test user from MFA".to_owned(),
            K::UserState,
        ),
        "mfa_invalid_code" | "invalid_otp" => (
            "the TOTP code was refused; check that totp_secret (AUTH0_TOTP_SECRET) is the user's secret and that this machine's clock is right".to_owned(),
            K::UserState,
        ),
        "mfa_registration_required" => (
            "Auth0 requires the user to enroll an MFA factor first; enroll a one-time password factor for the test user and set totp_secret (AUTH0_TOTP_SECRET)".to_owned(),
            K::UserState,
        ),
        _ if d.contains("cross origin") || d.contains("cross-origin") => (
            "turn on cross-origin authentication for the application (Applications > the app > Settings > Cross-Origin Authentication > Allow Cross-Origin Authentication) and list the origin in Allowed Origins (CORS)".to_owned(),
            K::Authorize,
        ),
        _ if d.contains("origin") => (
            format!("add `{origin}` to the app's Allowed Web Origins and Allowed Origins (CORS), or set origin (AUTH0_ORIGIN) to an origin listed there"),
            K::Authorize,
        ),
        _ if d.contains("connection") || d.contains("realm") => (
            format!("check connection (AUTH0_CONNECTION): `{connection}` must be a database connection enabled for the app (Applications > the app > Connections)"),
            K::Config,
        ),
        "unauthorized_client" => (
            "allow the grant types this login uses for the app (Applications > the app > Settings > Advanced Settings > Grant Types: Authorization Code, and Password for the password realm)".to_owned(),
            K::Authorize,
        ),
        "invalid_client" | "unauthorized" if d.contains("client") => (
            "check client_id (AUTH0_CLIENT_ID): it must be the app's Client ID in this tenant".to_owned(),
            K::Config,
        ),
        _ => (
            "check the app's settings in the Auth0 Dashboard and the fixture's client_id, connection and origin".to_owned(),
            K::Authorize,
        ),
    }
}

/// The /authorize URL with the login ticket and everything Auth0 needs.
pub fn authorize_url(
    f: &Auth0Fixture,
    p: &AuthorizeParams,
    ticket: &str,
) -> Result<Url, LoginFailure> {
    let mut url = parse_url("domain", &format!("{}/authorize", f.root()))?;
    {
        let mut query = url.query_pairs_mut();
        query
            .append_pair("client_id", &f.client_id)
            .append_pair("response_type", "code")
            .append_pair("redirect_uri", &f.redirect_uri)
            .append_pair("scope", &f.scopes.join(" "))
            .append_pair("state", &p.state)
            .append_pair("nonce", &p.nonce)
            .append_pair("code_challenge", &p.pkce.challenge)
            .append_pair("code_challenge_method", "S256")
            .append_pair("login_ticket", ticket);
        if let Some(audience) = &f.audience {
            query.append_pair("audience", audience);
        }
        if let Some(organization) = &f.organization {
            query.append_pair("organization", organization);
        }
    }
    Ok(url)
}

/// The code from Auth0's answer to /authorize, or what went wrong (pure).
pub fn read_redirect(
    reply: &Reply,
    at: &At,
    f: &Auth0Fixture,
    state: &str,
    masker: &Masker,
) -> Result<String, LoginFailure> {
    if !(300..400).contains(&reply.status) {
        return Err(authorize_page(reply, at, f));
    }
    let location = reply.location.as_deref().ok_or_else(|| {
        LoginFailure::protocol(at, format!("a {} redirect without Location", reply.status))
    })?;
    let target = Url::parse(&at.url)
        .and_then(|base| base.join(location))
        .map_err(|e| LoginFailure::protocol(at, format!("a Location that is not a URL ({e})")))?;
    let params = super::authorize::redirect_params(&target);
    if let Some(code) = params.get("code") {
        masker.add(code.as_str());
    }
    if let Some(error) = params.get("error") {
        let description = params.get("error_description").cloned().unwrap_or_default();
        let (advice, kind) = authorize_advice(error, &description, f);
        return Err(refused(at, error, &description, advice, kind));
    }
    let to_redirect_uri = Url::parse(&f.redirect_uri)
        .is_ok_and(|r| super::redirect_uri::is_redirect_uri(&target, &r));
    match (params.get("code"), params.get("state")) {
        (Some(_), _) if !to_redirect_uri => Err(LoginFailure::RedirectMismatch {
            at: at.clone(),
            target: super::authorize::without_query(&target),
            redirect_uri: f.redirect_uri.clone(),
        }),
        (Some(code), Some(got)) if got == state => Ok(code.clone()),
        (Some(_), got) => Err(LoginFailure::StateMismatch {
            at: at.clone(),
            sent: state.to_owned(),
            got: got.cloned().unwrap_or_else(|| "(none)".to_owned()),
        }),
        (None, _) if !to_redirect_uri => Err(elsewhere(at, &target)),
        (None, _) => Err(LoginFailure::protocol(
            at,
            "a redirect to the redirect_uri without code or error",
        )),
    }
}

/// A redirect to one of Auth0's own pages instead of the app.
fn elsewhere(at: &At, target: &Url) -> LoginFailure {
    let path = target.path().to_ascii_lowercase();
    let shown = super::authorize::without_query(target);
    let (error, advice, kind) = if path.contains("consent") {
        (
            "consent_required",
            "Auth0 asks the user to consent to the app's access to the API; allow skipping consent for the API (Applications > APIs > the API > Settings > Allow Skipping User Consent; Auth0 never skips it for a localhost redirect_uri or a third-party app), or give consent once in a browser".to_owned(),
            LoginErrorKind::Authorize,
        )
    } else if path.contains("mfa") {
        (
            "mfa_required",
            "Auth0 asks for MFA at /authorize (Universal Login), which a headless login cannot answer; set totp_secret (AUTH0_TOTP_SECRET) so the code is sent to /co/authenticate, or exempt the test user from MFA".to_owned(),
            LoginErrorKind::UserState,
        )
    } else {
        (
            "login_required",
            "Auth0 did not accept the login ticket and shows its login page: the ticket must come back with the session cookie /co/authenticate set, within a minute, once; check that nothing between gatecheck and Auth0 drops cookies, and that the app's Application Login URI is not forced".to_owned(),
            LoginErrorKind::Authorize,
        )
    };
    refused(at, error, &format!("redirected to {shown}"), advice, kind)
}

/// Advice for each error redirect of /authorize (pure).
pub fn authorize_advice(
    error: &str,
    description: &str,
    f: &Auth0Fixture,
) -> (String, LoginErrorKind) {
    use LoginErrorKind as K;
    let d = description.to_ascii_lowercase();
    let advice = match error {
        "consent_required" | "interaction_required" => "the user has not consented to the app's access to the API; allow skipping consent for the API (Applications > APIs > the API > Settings > Allow Skipping User Consent; never skipped for localhost redirect URIs or third-party apps), or give consent once in a browser".to_owned(),
        "login_required" => "Auth0 did not accept the login ticket: it must come back with the session cookie /co/authenticate set, within a minute, once".to_owned(),
        "access_denied" if d.contains("service not found") => format!(
            "audience `{}` is not an API of this tenant; set audience (AUTH0_AUDIENCE) to the API's Identifier (Applications > APIs)",
            f.audience.as_deref().unwrap_or("")
        ),
        "access_denied" | "invalid_request" if d.contains("organization") => format!(
            "check organization (AUTH0_ORGANIZATION): `{}` must be an organization of this tenant that the user is a member of and the app allows (Applications > the app > Login Experience > Organizations)",
            f.organization.as_deref().unwrap_or("(none)")
        ),
        "access_denied" => "Auth0 (or one of its Actions or Rules) denied access; check the tenant's logs (Monitoring > Logs) for the reason".to_owned(),
        "unauthorized_client" => "allow the Authorization Code grant for the app (Applications > the app > Settings > Advanced Settings > Grant Types)".to_owned(),
        "invalid_request" => "check the app's settings and the fixture's client_id and redirect_uri".to_owned(),
        _ => "check the tenant's logs (Monitoring > Logs) for the reason".to_owned(),
    };
    (advice, K::Authorize)
}

/// A page (or JSON error) where a redirect was expected.
fn authorize_page(reply: &Reply, at: &At, f: &Auth0Fixture) -> LoginFailure {
    if let Some((error, description)) = error_of(reply) {
        let (advice, kind) = authorize_advice(&error, &description, f);
        return refused(at, &error, &description, advice, kind);
    }
    let summary = super::authorize::page_summary(&reply.body);
    let advice = format!(
        "add the redirect_uri `{}` to the app's Allowed Callback URLs (exact match) and check that client_id `{}` (AUTH0_CLIENT_ID) is an app of this tenant",
        f.redirect_uri, f.client_id
    );
    refused(
        at,
        &format!("a {} page", reply.status),
        summary.trim(),
        advice,
        LoginErrorKind::Authorize,
    )
}

/// The token of a 2xx, else Auth0's error named with advice.
fn read_token(
    reply: &Reply,
    at: &At,
    auth: ClientAuth<'_>,
    grant: &str,
    masker: &Masker,
) -> Result<Token, LoginFailure> {
    if (200..300).contains(&reply.status) {
        return token::read_token(reply, at, auth, grant, masker, SystemTime::now());
    }
    let Some((error, description)) = error_of(reply) else {
        return token::read_token(reply, at, auth, grant, masker, SystemTime::now());
    };
    let advice = match error.as_str() {
        "invalid_grant" if description.to_ascii_lowercase().contains("verifier") => {
            "the code_verifier does not match the code_challenge sent to /authorize (each login makes a fresh pair)"
        }
        "invalid_grant" => {
            "the code expired, was used already, or the redirect_uri differs from the one sent to /authorize"
        }
        "unauthorized_client" => {
            "allow the Authorization Code grant for the app (Applications > the app > Settings > Advanced Settings > Grant Types)"
        }
        "invalid_client" | "access_denied" if matches!(auth, ClientAuth::Public { .. }) => {
            "the app is a confidential client (a Regular Web Application): set client_secret (AUTH0_CLIENT_SECRET), or use a Single Page Application whose Token Endpoint Authentication Method is None"
        }
        "invalid_client" | "access_denied" => {
            "check client_secret (AUTH0_CLIENT_SECRET) and the app's Token Endpoint Authentication Method (Post, Basic or Private Key JWT)"
        }
        _ => "check the tenant's logs (Monitoring > Logs) for the reason",
    };
    Err(refused(
        at,
        &error,
        &description,
        advice.to_owned(),
        LoginErrorKind::Token,
    ))
}

#[cfg(test)]
#[path = "auth0_tests.rs"]
mod tests;
