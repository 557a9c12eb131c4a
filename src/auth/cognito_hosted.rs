//! `kind: cognito` with `flow: hosted`: the user pool's managed login
//! (Hosted UI) pages, for app clients that allow only those. A fresh PKCE
//! pair and `state`; `GET {domain}/oauth2/authorize` -> its redirect to
//! `/login` -> the login page, whose form carries a `_csrf` value that must
//! come back with the `XSRF-TOKEN` cookie -> `POST /login` with the username
//! and password -> the redirect to redirect_uri with the code (never
//! requested) -> `POST {domain}/oauth2/token` with the verifier. Cookies
//! live in a jar of this login only.

use std::sync::{Arc, LazyLock};

use regex::Regex;
use reqwest::Url;
use reqwest::cookie::Jar;

use super::client::{LoginClient, Reply};
use super::cognito_kind::{CognitoFixture, CognitoToken};
use super::error::{At, LoginErrorKind, LoginFailure, excerpt};
use super::okta_api::parse_url;
use super::pkce::AuthorizeParams;
use super::redirects::{Expected, is_redirect_uri, location, read_callback, same_origin};
use super::token::{self, ClientAuth, Token};
use crate::secret::mask::Masker;

/// Redirects followed on the domain's own origin before the login page.
const MAX_HOPS: usize = 5;

static CSRF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"<input[^>]*name="_csrf"[^>]*value="([^"]*)"|<input[^>]*value="([^"]*)"[^>]*name="_csrf""#)
        .expect("valid regex")
});
static ERROR_TEXT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?s)<p[^>]*id="loginErrorMessage"[^>]*>(.*?)</p>"#).expect("valid regex")
});

pub async fn login(
    f: &CognitoFixture,
    client: &LoginClient,
    masker: &Masker,
) -> Result<Token, LoginFailure> {
    let (Some(domain), Some(redirect)) = (&f.domain, &f.redirect_uri) else {
        return Err(LoginFailure::Config(
            "`flow: hosted` needs domain and redirect_uri".to_owned(),
        ));
    };
    let domain = parse_url("domain", domain.trim_end_matches('/'))?;
    let redirect_uri = parse_url("redirect_uri", redirect)?;
    let params = AuthorizeParams::generate(&mut rand::rng());
    masker.add(params.pkce.verifier.as_str());
    let jar = Arc::new(Jar::default());
    let http = client.with_cookie_jar(jar);
    let mut url = endpoint(&domain, "oauth2/authorize")?;
    url.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", &f.client_id)
        .append_pair("redirect_uri", redirect)
        .append_pair("scope", &f.scopes.join(" "))
        .append_pair("state", &params.state)
        .append_pair("code_challenge", &params.pkce.challenge)
        .append_pair("code_challenge_method", "S256");
    // Follow the domain's own redirects to the login page.
    let mut page = None;
    for _ in 0..MAX_HOPS {
        let at = At::new("GET", &url);
        let reply = http.send(&at, |c| c.get(url.clone())).await?;
        match reply.status {
            200 => {
                page = Some((url.clone(), at, reply));
                break;
            }
            301..=303 | 307 | 308 => {
                let next = location(&reply, &at, &url)?;
                if is_redirect_uri(&next, &redirect_uri) {
                    // Already signed in, or an error for the client.
                    let expected = expected(&params.state);
                    let code = read_callback(&next, &at, expected, masker)?;
                    return exchange(f, client, &domain, redirect, &code, &params, masker).await;
                }
                if !same_origin(&next, &domain) {
                    return Err(LoginFailure::protocol(
                        &at,
                        format!(
                            "a redirect off the pool's domain, to {}",
                            without_query(&next)
                        ),
                    ));
                }
                if next.path().ends_with("/error") {
                    return Err(refused(f, &at, &next));
                }
                url = next;
            }
            status => return Err(unexpected(&at, &reply, status)),
        }
    }
    let Some((login_url, at, reply)) = page else {
        return Err(LoginFailure::protocol(
            &At::new("GET", &url),
            format!("more than {MAX_HOPS} redirects before the login page"),
        ));
    };
    let csrf = CSRF
        .captures(&reply.body)
        .and_then(|c| c.get(1).or_else(|| c.get(2)))
        .map(|m| m.as_str().to_owned())
        .ok_or_else(|| {
            LoginFailure::protocol(
                &at,
                format!(
                    "the login page has no form with a `_csrf` field (managed login's new pages need a browser; use the classic Hosted UI, or `flow: api`): {}",
                    excerpt(&reply.body)
                ),
            )
        })?;
    masker.add(csrf.as_str());
    let at = At::new("POST", &login_url);
    let form = [
        ("_csrf", csrf.as_str()),
        ("username", f.username.as_str()),
        ("password", f.password.as_str()),
        ("signInSubmitButton", "Sign in"),
    ];
    let reply = http
        .send(&at, |c| c.post(login_url.clone()).form(&form))
        .await?;
    if !matches!(reply.status, 301..=303 | 307 | 308) {
        return Err(login_refused(f, &at, &reply));
    }
    let next = location(&reply, &at, &login_url)?;
    if next.path().ends_with("/error") {
        return Err(refused(f, &at, &next));
    }
    if !is_redirect_uri(&next, &redirect_uri) {
        return Err(LoginFailure::Cognito {
            at,
            what: format!("the login page went on to {}", without_query(&next)),
            advice: "the managed login asks for more than the password (MFA, a new password, ...), which `flow: hosted` does not answer: use `flow: api` (the default; it answers TOTP MFA), or let the test user sign in with the password alone".to_owned(),
            kind: LoginErrorKind::UserState,
        });
    }
    let code = read_callback(&next, &at, expected(&params.state), masker)?;
    exchange(f, client, &domain, redirect, &code, &params, masker).await
}

fn expected(state: &str) -> Expected<'_> {
    Expected {
        state,
        issuer: "",
        iss_required: false,
    }
}

fn endpoint(domain: &Url, path: &str) -> Result<Url, LoginFailure> {
    parse_url(
        "domain",
        &format!("{}/{path}", domain.as_str().trim_end_matches('/')),
    )
}

fn without_query(url: &Url) -> String {
    let mut url = url.clone();
    url.set_query(None);
    url.to_string()
}

/// `/error?error=redirect_mismatch` and the like.
fn refused(f: &CognitoFixture, at: &At, error_page: &Url) -> LoginFailure {
    let error = error_page
        .query_pairs()
        .find(|(k, _)| k == "error")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    let advice = match error.as_str() {
        "redirect_mismatch" => format!(
            "add `{}` to the app client's allowed callback URLs (exact match), or set redirect_uri to one of them",
            f.redirect_uri.as_deref().unwrap_or_default()
        ),
        _ => "check client_id, redirect_uri and scopes against the app client's managed login settings (allowed callback URLs, OAuth grant types: authorization code, OpenID Connect scopes)".to_owned(),
    };
    LoginFailure::Cognito {
        at: at.clone(),
        what: format!("the error page ({error})"),
        advice,
        kind: LoginErrorKind::Authorize,
    }
}

fn unexpected(at: &At, reply: &Reply, status: u16) -> LoginFailure {
    LoginFailure::protocol(
        at,
        format!(
            "{status} instead of the login page: {}",
            excerpt(&reply.body)
        ),
    )
}

/// The login page again, with its error message.
fn login_refused(f: &CognitoFixture, at: &At, reply: &Reply) -> LoginFailure {
    let message = ERROR_TEXT
        .captures(&reply.body)
        .map(|c| c[1].split_whitespace().collect::<Vec<_>>().join(" "))
        .unwrap_or_default();
    let (kind, advice) = if message.contains("Incorrect username or password") {
        (
            LoginErrorKind::Credentials,
            "check the fixture's username / password (COGNITO_USERNAME / COGNITO_PASSWORD)"
                .to_owned(),
        )
    } else if message.is_empty() {
        (
            LoginErrorKind::Protocol,
            format!(
                "the login form was not accepted ({} {}); check domain and that the pool serves the classic Hosted UI",
                reply.status,
                excerpt(&reply.body)
            ),
        )
    } else {
        (
            LoginErrorKind::UserState,
            format!(
                "the test user `{}` cannot sign in with the password alone; see `flow: api` for what Cognito says and how to fix it",
                f.username
            ),
        )
    };
    LoginFailure::Cognito {
        at: at.clone(),
        what: format!(
            "the login page answered {}",
            if message.is_empty() {
                "without a redirect".to_owned()
            } else {
                format!("\"{message}\"")
            }
        ),
        advice,
        kind,
    }
}

/// `POST {domain}/oauth2/token` with the code and the verifier.
async fn exchange(
    f: &CognitoFixture,
    client: &LoginClient,
    domain: &Url,
    redirect: &str,
    code: &str,
    params: &AuthorizeParams,
    masker: &Masker,
) -> Result<Token, LoginFailure> {
    let url = endpoint(domain, "oauth2/token")?;
    let form = vec![
        ("grant_type", "authorization_code".to_owned()),
        ("code", code.to_owned()),
        ("redirect_uri", redirect.to_owned()),
        ("code_verifier", params.pkce.verifier.clone()),
    ];
    let auth = match &f.client_secret {
        Some(secret) => ClientAuth::Basic {
            client_id: &f.client_id,
            secret,
        },
        None => ClientAuth::Public {
            client_id: &f.client_id,
        },
    };
    let mut token = token::request(client, &url, form, auth, None, masker).await?;
    if f.token == CognitoToken::Id {
        let Some(id) = token.id_token.clone() else {
            return Err(LoginFailure::protocol(
                &At::new("POST", &url),
                "the fixture says `token: id` but /oauth2/token answered no id_token (add `openid` to scopes)",
            ));
        };
        token.access_token = id;
    }
    Ok(token)
}
