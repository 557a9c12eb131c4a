//! Step 1 of okta-pkce: POST /api/v1/authn until a sessionToken, passing
//! PASSWORD_WARN and an optional MFA_ENROLL by their skip link and
//! MFA_REQUIRED with a TOTP code (Okta's Authentication API, `/api/v1/authn`).

use super::client::{LoginClient, Reply};
use super::error::{At, LoginFailure};
use super::fixture::OktaPkceFixture;
use super::okta_api::api_error;
use super::redirects::same_origin;
use super::totp;
use crate::secret::mask::Masker;
use reqwest::Url;
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::time::SystemTime;

/// More transaction steps than any sane policy needs (authn, skip, verify...).
const MAX_STEPS: usize = 5;
/// Okta's factor type for TOTP apps (Okta Verify, Google Authenticator).
const TOTP_FACTOR: &str = "token:software:totp";

/// One answer of the Authentication API.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Answer {
    pub status: Option<String>,
    pub session_token: Option<String>,
    pub state_token: Option<String>,
    /// A factor's result: WAITING, REJECTED, TIMEOUT, CHALLENGE...
    pub factor_result: Option<String>,
    #[serde(rename = "_embedded", default)]
    pub embedded: Embedded,
    #[serde(rename = "_links", default)]
    pub links: Links,
}

#[derive(Debug, Default, Deserialize)]
pub struct Embedded {
    #[serde(default)]
    pub factors: Vec<Factor>,
    /// The factor being challenged or activated.
    pub factor: Option<Factor>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Factor {
    #[serde(default)]
    pub factor_type: String,
    #[serde(rename = "_links", default)]
    pub links: Links,
}

/// HAL links: `{"skip": {"href": ...}}` (a list of links is also accepted).
#[derive(Debug, Default, Deserialize)]
pub struct Links(BTreeMap<String, Value>);

impl Links {
    pub fn href(&self, name: &str) -> Option<&str> {
        let link = self.0.get(name)?;
        let link = link.as_array().and_then(|a| a.first()).unwrap_or(link);
        link.get("href")?.as_str()
    }
}

/// What to do after an answer.
#[derive(Debug, PartialEq, Eq)]
pub enum Step {
    Done(String),
    Post { href: String, body: Value },
}

/// Logs the user in with username and password; returns the sessionToken.
pub async fn session_token(
    f: &OktaPkceFixture,
    client: &LoginClient,
    masker: &Masker,
) -> Result<String, LoginFailure> {
    let url = super::okta_api::parse_url("okta_url", &format!("{}/api/v1/authn", f.okta_root()))?;
    let body = json!({
        "username": f.username, "password": f.password,
        "options": {"multiOptionalFactorEnroll": false, "warnBeforePasswordExpired": false},
    });
    let (mut at, mut reply) = post(client, url.clone(), body).await?;
    for _ in 0..MAX_STEPS {
        let answer = read_answer(&reply, &at, masker)?;
        match next_step(&answer, &at, f.totp_secret.as_deref(), SystemTime::now())? {
            Step::Done(token) => return Ok(token),
            Step::Post { href, body } => {
                let next = url.join(&href).map_err(|e| bad_link(&at, &href, e))?;
                if !same_origin(&next, &url) {
                    return Err(foreign_link(&at, &next, &url));
                }
                (at, reply) = post(client, next, body).await?;
            }
        }
    }
    Err(LoginFailure::protocol(
        &at,
        format!("no SUCCESS after {MAX_STEPS} authentication steps"),
    ))
}

async fn post(client: &LoginClient, url: Url, body: Value) -> Result<(At, Reply), LoginFailure> {
    let at = At::new("POST", &url);
    let reply = client
        .send(&at, |c| {
            c.post(url.clone())
                .header("accept", "application/json")
                .json(&body)
        })
        .await?;
    Ok((at, reply))
}

/// The answer of a 2xx, with its tokens registered as secrets; else the error.
pub fn read_answer(reply: &Reply, at: &At, masker: &Masker) -> Result<Answer, LoginFailure> {
    if !(200..300).contains(&reply.status) {
        return Err(api_error(reply, at));
    }
    let answer: Answer = reply.json(at)?;
    for token in [&answer.session_token, &answer.state_token]
        .into_iter()
        .flatten()
    {
        masker.add(token.as_str());
    }
    Ok(answer)
}

/// Decides the next request from an answer (pure; `now` feeds the TOTP code).
pub fn next_step(
    answer: &Answer,
    at: &At,
    totp_secret: Option<&str>,
    now: SystemTime,
) -> Result<Step, LoginFailure> {
    let status = answer.status.as_deref().unwrap_or_default();
    match status {
        "SUCCESS" => answer
            .session_token
            .clone()
            .map(Step::Done)
            .ok_or_else(|| {
                LoginFailure::protocol(
                    at,
                    "status SUCCESS without a sessionToken (the end of another flow, such as a device activation): nothing to sign in with; check that okta_url is the org and the user signs in with a password",
                )
            }),
        "PASSWORD_WARN" | "MFA_ENROLL" => skip(answer, at, status),
        "MFA_REQUIRED" => verify_totp(answer, at, totp_secret, now),
        "" => Err(LoginFailure::protocol(at, "an answer without a status")),
        other => Err(user_state(at, other, state_advice(answer, other))),
    }
}

/// What happened in `status` (the factor and its result when Okta names
/// them) and what to change.
fn state_advice(answer: &Answer, status: &str) -> String {
    let factor = answer.embedded.factor.as_ref();
    let kind = factor.map_or("", |f| f.factor_type.as_str());
    let result = answer.factor_result.as_deref().unwrap_or_default();
    let name = factor_name(kind);
    let happened = match (status, result) {
        ("MFA_CHALLENGE", "WAITING") => format!("Okta sent {name} and waits for it to be approved"),
        ("MFA_CHALLENGE", "REJECTED") => format!("{name} was rejected on the user's device"),
        ("MFA_CHALLENGE", "TIMEOUT") => format!("{name} expired before it was approved"),
        ("MFA_CHALLENGE", _) => format!("Okta sent {name} and waits for its code"),
        ("MFA_ENROLL_ACTIVATE", "TIMEOUT") => {
            format!("the activation of {name} timed out before it was completed")
        }
        ("MFA_ENROLL_ACTIVATE", _) => format!("Okta waits for the activation of {name}"),
        _ => String::new(),
    };
    match happened.is_empty() {
        true => advice(status).to_owned(),
        false => format!("{happened}; {}", advice(status)),
    }
}

/// How a factor type reads in a sentence.
fn factor_name(kind: &str) -> String {
    match kind {
        "push" => "an Okta Verify push".to_owned(),
        "sms" | "SMS" => "an SMS code".to_owned(),
        "call" => "a voice call code".to_owned(),
        "email" | "EMAIL" => "an email code".to_owned(),
        TOTP_FACTOR => "a TOTP factor".to_owned(),
        "" => "a factor".to_owned(),
        other => format!("a `{other}` factor"),
    }
}

/// A link off the org's origin: the state token and codes stay home.
fn foreign_link(at: &At, next: &Url, home: &Url) -> LoginFailure {
    LoginFailure::protocol(
        at,
        format!(
            "Okta sent a link to another origin ({}) than okta_url's ({}); refusing to send the state token or a code there (check okta_url, or a proxy that rewrites Okta's links)",
            next.origin().ascii_serialization(),
            home.origin().ascii_serialization()
        ),
    )
}

fn skip(answer: &Answer, at: &At, status: &str) -> Result<Step, LoginFailure> {
    match (answer.links.href("skip"), &answer.state_token) {
        (Some(href), Some(state_token)) => Ok(Step::Post {
            href: href.to_owned(),
            body: json!({ "stateToken": state_token }),
        }),
        _ => Err(user_state(at, status, advice(status).to_owned())),
    }
}

fn verify_totp(
    answer: &Answer,
    at: &At,
    secret: Option<&str>,
    now: SystemTime,
) -> Result<Step, LoginFailure> {
    let Some(secret) = secret else {
        return Err(user_state(
            at,
            "MFA_REQUIRED",
            advice("MFA_REQUIRED").to_owned(),
        ));
    };
    let factors = &answer.embedded.factors;
    let Some(factor) = factors.iter().find(|f| f.factor_type == TOTP_FACTOR) else {
        let offered: Vec<&str> = factors.iter().map(|f| f.factor_type.as_str()).collect();
        return Err(user_state(at, "MFA_REQUIRED", no_totp_advice(&offered)));
    };
    let href = factor
        .links
        .href("verify")
        .ok_or_else(|| LoginFailure::protocol(at, "the TOTP factor has no verify link"))?;
    let state_token = answer
        .state_token
        .as_deref()
        .ok_or_else(|| LoginFailure::protocol(at, "status MFA_REQUIRED without a stateToken"))?;
    let code = totp::code_at(secret, now).map_err(|e| LoginFailure::Config(e.to_string()))?;
    Ok(Step::Post {
        href: href.to_owned(),
        body: json!({ "stateToken": state_token, "passCode": code }),
    })
}

fn user_state(at: &At, status: &str, advice: String) -> LoginFailure {
    LoginFailure::UserState {
        at: at.clone(),
        status: status.to_owned(),
        advice,
    }
}

fn no_totp_advice(offered: &[&str]) -> String {
    format!(
        "totp_secret is set but the user has no TOTP factor (offered: {}); enroll Google Authenticator or Okta Verify (TOTP) for the test user, or let it sign in without MFA",
        if offered.is_empty() {
            "none".to_owned()
        } else {
            offered.join(", ")
        }
    )
}

/// What to change in the test user for each status a login cannot pass.
pub fn advice(status: &str) -> &'static str {
    match status {
        "MFA_REQUIRED" => {
            "the test user must not require MFA, or set totp_secret (OKTA_TOTP_SECRET) to the user's TOTP secret"
        }
        "MFA_ENROLL" | "FACTOR_ENROLL" => {
            "the test user must enroll an MFA factor and Okta offers no skip; make enrollment optional in the authenticator enrollment policy, or enroll a TOTP factor and set totp_secret (OKTA_TOTP_SECRET)"
        }
        "MFA_ENROLL_ACTIVATE" | "FACTOR_ENROLL_ACTIVATE" => {
            "a factor enrollment waits for activation, which a headless login cannot complete; finish or reset the user's factor enrollment in the Admin Console (Directory > People > the user > Reset Multifactor), or enroll a TOTP factor and set totp_secret"
        }
        "MFA_CHALLENGE" => {
            "a headless login cannot approve a push or read an SMS or email; require no MFA for the test user, or a TOTP factor (Google Authenticator or Okta Verify's code) with totp_secret (OKTA_TOTP_SECRET)"
        }
        "PASSWORD_WARN" => {
            "the password is about to expire and Okta offers no skip; set a new password for the test user and update OKTA_PASSWORD"
        }
        "PASSWORD_EXPIRED" => {
            "the password expired; set a new password for the test user in the Admin Console (Directory > People > Reset Password) and update OKTA_PASSWORD, or exempt the user from password expiry"
        }
        "LOCKED_OUT" => {
            "the user is locked out after too many failed sign-ins; unlock it in the Admin Console (Directory > People > Unlock) and check OKTA_PASSWORD"
        }
        "RECOVERY" | "RECOVERY_CHALLENGE" | "PASSWORD_RESET" => {
            "the user is in a password recovery flow (a reset was started and must set a new password); set a password for the test user in the Admin Console (Directory > People > Reset Password) and update OKTA_PASSWORD"
        }
        "UNAUTHENTICATED" => {
            "Okta wants an identity-first or passwordless sign-in; give the test user a password sign-on policy"
        }
        "CONSENT_REQUIRED" | "ADMIN_CONSENT_REQUIRED" => {
            "the app asks for consent to its scopes; turn off \"Require consent\" for the app (Applications > the app > General > User Consent) or drop those scopes from the fixture"
        }
        "DEVICE_ACTIVATE" => {
            "Okta asks for a device activation code (the Device Authorization grant); use an app with the Authorization Code grant and PKCE"
        }
        _ => "a headless login cannot pass this state; check the test user in the Admin Console",
    }
}

fn bad_link(at: &At, href: &str, e: impl std::fmt::Display) -> LoginFailure {
    LoginFailure::protocol(
        at,
        format!("Okta sent a link that is not a URL (`{href}`: {e})"),
    )
}

#[cfg(test)]
#[path = "authn_tests.rs"]
mod tests;
