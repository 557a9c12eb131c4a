//! The Cognito user pool's managed login (the classic Hosted UI) under
//! `/cognito`, the emulator's stand-in for `https://DOMAIN.auth.REGION.amazoncognito.com`:
//! `GET /cognito/oauth2/authorize` redirects to `/cognito/login` with the
//! same query; the login page sets the `XSRF-TOKEN` cookie and carries the
//! same value in the form's `_csrf` field; `POST /cognito/login` needs both,
//! checks the password and redirects to the redirect_uri with a code;
//! `POST /cognito/oauth2/token` trades it (PKCE S256 checked when the
//! authorization asked it) for tokens.

use axum::extract::{Form, Query, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::Deserialize;
use serde_json::json;

use super::cognito::mint;
use super::cognito_pool::{Outcome, PoolClient, client, user_named};
use super::cognito_state::HostedCode;
use super::counters::Counter;
use super::ids::{append_query, random_token};
use super::state::AppState;

/// Every app client's allowed callback URL.
pub(crate) const CALLBACK: &str = "http://localhost:3000/callback";
const SCOPES: [&str; 5] = [
    "openid",
    "email",
    "profile",
    "phone",
    "aws.cognito.signin.user.admin",
];
const PREFIX: &str = "/cognito";

pub(crate) fn router(state: AppState) -> Router {
    Router::new()
        .route("/cognito/oauth2/authorize", get(authorize))
        .route("/cognito/login", get(login_page).post(login))
        .route("/cognito/oauth2/token", post(token))
        .route("/cognito/error", get(error_page))
        .with_state(state)
}

#[derive(Debug, Default, Deserialize)]
struct Params {
    response_type: Option<String>,
    client_id: Option<String>,
    redirect_uri: Option<String>,
    state: Option<String>,
    scope: Option<String>,
    code_challenge: Option<String>,
    code_challenge_method: Option<String>,
}

fn redirect(to: &str) -> Response {
    (StatusCode::FOUND, [(header::LOCATION, to.to_owned())]).into_response()
}

fn error_page_url(error: &str) -> String {
    format!("{PREFIX}/error?error={error}")
}

/// The client of a valid request, or where to send the browser.
fn check(p: &Params) -> Result<&'static PoolClient, String> {
    let client = p
        .client_id
        .as_deref()
        .and_then(client)
        .ok_or_else(|| error_page_url("invalid_request"))?;
    let redirect_uri = p.redirect_uri.as_deref().unwrap_or_default();
    if redirect_uri != CALLBACK {
        return Err(error_page_url("redirect_mismatch"));
    }
    let back = |error: &str| {
        let mut pairs = vec![("error", error)];
        if let Some(state) = &p.state {
            pairs.push(("state", state));
        }
        append_query(redirect_uri, &pairs)
    };
    if p.response_type.as_deref() != Some("code") {
        return Err(back("unsupported_response_type"));
    }
    if p.code_challenge.is_some() && p.code_challenge_method.as_deref() != Some("S256") {
        return Err(back("invalid_request"));
    }
    Ok(client)
}

async fn authorize(
    State(shared): State<AppState>,
    RawQuery(raw): RawQuery,
    Query(p): Query<Params>,
) -> Response {
    shared.count(Counter::Authorize);
    if let Err(to) = check(&p) {
        return redirect(&to);
    }
    redirect(&format!("{PREFIX}/login?{}", raw.unwrap_or_default()))
}

fn page(csrf: &str, action: &str, error: Option<&str>) -> String {
    let error = error.map_or(String::new(), |e| {
        format!("<p id=\"loginErrorMessage\" class=\"errorMessage-customizable\">{e}</p>")
    });
    format!(
        "<!DOCTYPE html><html><head><title>Signin</title></head><body>\
         <form name=\"cognitoSignInForm\" method=\"post\" action=\"{action}\">\
         <input name=\"_csrf\" type=\"hidden\" value=\"{csrf}\"/>{error}\
         <input id=\"signInFormUsername\" name=\"username\" type=\"text\"/>\
         <input id=\"signInFormPassword\" name=\"password\" type=\"password\"/>\
         <input name=\"signInSubmitButton\" type=\"Submit\" value=\"Sign in\"/>\
         </form></body></html>"
    )
}

/// A login page with a fresh `_csrf`, set as the `XSRF-TOKEN` cookie too.
fn login_form(shared: &AppState, raw: &str, error: Option<&str>) -> Response {
    let csrf = random_token("", 36);
    shared.cognito.csrf.insert(csrf.clone(), ());
    let action = format!("{PREFIX}/login?{}", raw.replace('&', "&amp;"));
    (
        [(
            header::SET_COOKIE,
            format!("XSRF-TOKEN={csrf}; Path={PREFIX}; HttpOnly; SameSite=Lax"),
        )],
        Html(page(&csrf, &action, error)),
    )
        .into_response()
}

async fn login_page(
    State(shared): State<AppState>,
    RawQuery(raw): RawQuery,
    Query(p): Query<Params>,
) -> Response {
    if let Err(to) = check(&p) {
        return redirect(&to);
    }
    login_form(&shared, &raw.unwrap_or_default(), None)
}

#[derive(Debug, Deserialize)]
struct LoginForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v)
}

async fn login(
    State(shared): State<AppState>,
    RawQuery(raw): RawQuery,
    Query(p): Query<Params>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let client = match check(&p) {
        Ok(client) => client,
        Err(to) => return redirect(&to),
    };
    let raw = raw.unwrap_or_default();
    // The form's _csrf must be the cookie's, and one this pool handed out.
    let csrf_ok = cookie(&headers, "XSRF-TOKEN") == Some(form.csrf.as_str())
        && shared.cognito.csrf.take(&form.csrf).is_some();
    if !csrf_ok {
        return redirect(&error_page_url("csrf"));
    }
    let Some(user) = user_named(&form.username).filter(|u| u.password == form.password) else {
        return login_form(&shared, &raw, Some("Incorrect username or password."));
    };
    match user.outcome {
        Outcome::Tokens => {}
        Outcome::Unconfirmed => return login_form(&shared, &raw, Some("User is not confirmed.")),
        Outcome::ResetRequired => {
            return redirect(&format!("{PREFIX}/forgotPassword?{raw}"));
        }
        Outcome::NewPasswordRequired => {
            return redirect(&format!("{PREFIX}/forceChangePassword?{raw}"));
        }
        _ => return redirect(&format!("{PREFIX}/mfa?{raw}")),
    }
    let scope: Vec<&str> = p
        .scope
        .as_deref()
        .unwrap_or("openid")
        .split_whitespace()
        .filter(|s| SCOPES.contains(s))
        .collect();
    let code = uuid::Uuid::new_v4().to_string();
    shared.remember(&code);
    shared.cognito.codes.insert(
        code.clone(),
        HostedCode {
            email: user.email,
            client_id: client.id.to_owned(),
            redirect_uri: CALLBACK.to_owned(),
            challenge: p.code_challenge.clone(),
            scope: scope.join(" "),
        },
    );
    let mut pairs = vec![("code", code.as_str())];
    if let Some(state) = &p.state {
        pairs.push(("state", state));
    }
    redirect(&append_query(CALLBACK, &pairs))
}

async fn error_page(Query(p): Query<std::collections::HashMap<String, String>>) -> Response {
    let error = p.get("error").cloned().unwrap_or_default();
    (
        StatusCode::BAD_REQUEST,
        Html(format!(
            "<html><body><h1>An error was encountered with the requested page.</h1><p>{error}</p></body></html>"
        )),
    )
        .into_response()
}

#[derive(Debug, Deserialize)]
struct TokenForm {
    grant_type: Option<String>,
    code: Option<String>,
    redirect_uri: Option<String>,
    code_verifier: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
}

fn oauth_error(status: StatusCode, error: &str) -> Response {
    (status, Json(json!({"error": error}))).into_response()
}

/// The client of a token request: HTTP Basic or the form's fields.
fn token_client(headers: &HeaderMap, form: &TokenForm) -> Option<&'static PoolClient> {
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| STANDARD.decode(b.trim()).ok())
        .and_then(|b| String::from_utf8(b).ok());
    let (id, secret) = match &basic {
        Some(pair) => {
            let (id, secret) = pair.split_once(':')?;
            (id.to_owned(), Some(secret.to_owned()))
        }
        None => (form.client_id.clone()?, form.client_secret.clone()),
    };
    let client = client(&id)?;
    match (client.secret, secret.as_deref()) {
        (Some(expected), Some(given)) if expected == given => Some(client),
        (None, None) => Some(client),
        _ => None,
    }
}

async fn token(
    State(shared): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<TokenForm>,
) -> Response {
    shared.count(Counter::Token);
    if form.grant_type.as_deref() != Some("authorization_code") {
        return oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type");
    }
    let Some(client) = token_client(&headers, &form) else {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_client");
    };
    let Some(code) = form
        .code
        .as_deref()
        .and_then(|c| shared.cognito.codes.take(c))
    else {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant");
    };
    if code.client_id != client.id || form.redirect_uri.as_deref() != Some(&code.redirect_uri) {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant");
    }
    if let Some(challenge) = &code.challenge {
        let verified = form
            .code_verifier
            .as_deref()
            .is_some_and(|v| gatecheck_login_crypto::pkce_hash::s256_challenge(v) == *challenge);
        if !verified {
            return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant");
        }
    }
    let Some(user) = user_named(code.email) else {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant");
    };
    let with_id = code.scope.split(' ').any(|s| s == "openid");
    match mint(&shared, user, client, &code.scope, with_id) {
        Ok(minted) => {
            let mut body = json!({
                "access_token": minted.access,
                "refresh_token": minted.refresh,
                "expires_in": minted.lifetime,
                "token_type": "Bearer",
            });
            if let Some(id) = minted.id {
                body["id_token"] = json!(id);
            }
            Json(body).into_response()
        }
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e).into_response(),
    }
}
