//! POST /api/v1/authn, /api/v1/authn/factors/{factorId}/verify,
//! /api/v1/authn/skip and /api/v1/authn/cancel.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::authn_view;
use super::config::{LimitedEndpoint, UserConfig, UserStatus};
use super::counters::Counter;
use super::ids::{epoch_secs, random_token};
use super::okta_error::OktaError;
use super::state::{AppState, Session, Shared, Transaction, TxStatus};

type AuthnResult = Result<Response, OktaError>;

/// POST /api/v1/authn: primary authentication (or the state of a transaction).
pub(crate) async fn authn(State(shared): State<AppState>, body: Bytes) -> AuthnResult {
    shared.count(Counter::Authn);
    shared.rate_limit(LimitedEndpoint::Authn)?;
    let body = parse_body(&body)?;
    if let (Some(token), None) = (str_field(&body, "stateToken"), str_field(&body, "username")) {
        let tx = shared
            .transactions
            .get(token)
            .ok_or_else(OktaError::invalid_token)?;
        return Ok(respond(
            &shared,
            &tx.login,
            Some(tx.status),
            Some(token.to_string()),
            vec!["pwd"],
        ));
    }
    let username = str_field(&body, "username").ok_or_else(|| OktaError::validation("username"))?;
    let password = str_field(&body, "password").ok_or_else(|| OktaError::validation("password"))?;
    let user = shared
        .user(username)
        .filter(|u| shared.password_matches(u, password))
        .ok_or_else(OktaError::authentication_failed)?;
    let warn = body.pointer("/options/warnBeforePasswordExpired") != Some(&Value::Bool(false));
    let status = if shared.password_changed(user) {
        after_password(user)
    } else {
        initial_status(user, warn)
    };
    Ok(respond(&shared, &user.login, status, None, vec!["pwd"]))
}

/// POST /api/v1/authn/factors/{factorId}/verify with a TOTP passCode.
pub(crate) async fn verify_factor(
    State(shared): State<AppState>,
    Path(factor_id): Path<String>,
    body: Bytes,
) -> AuthnResult {
    shared.count(Counter::FactorVerify);
    shared.rate_limit(LimitedEndpoint::Authn)?;
    let body = parse_body(&body)?;
    let (token, tx, user) = transaction(&shared, &body)?;
    if tx.status != TxStatus::MfaRequired {
        return Err(OktaError::not_allowed(
            "factor verification is not expected in this state",
        ));
    }
    if factor_id != Shared::factor_id_of(user) {
        return Err(OktaError::not_found(&format!("{factor_id} (UserFactor)")));
    }
    let code = str_field(&body, "passCode").ok_or_else(|| OktaError::validation("passCode"))?;
    let secret = user.totp_secret.as_deref().unwrap_or_default();
    if !super::totp::verify(secret, code) {
        return Err(OktaError::invalid_passcode());
    }
    Ok(respond(
        &shared,
        &tx.login,
        None,
        Some(token.to_string()),
        vec!["pwd", "otp", "mfa"],
    ))
}

/// POST /api/v1/authn/skip: skips PASSWORD_WARN or an optional MFA_ENROLL.
pub(crate) async fn skip(State(shared): State<AppState>, body: Bytes) -> AuthnResult {
    shared.count(Counter::AuthnSkip);
    shared.rate_limit(LimitedEndpoint::Authn)?;
    let body = parse_body(&body)?;
    let (token, tx, user) = transaction(&shared, &body)?;
    let next = match tx.status {
        TxStatus::PasswordWarn => after_password(user),
        TxStatus::MfaEnroll { skippable: true } => None,
        _ => return Err(OktaError::not_allowed("skip is not allowed in this state")),
    };
    Ok(respond(
        &shared,
        &tx.login,
        next,
        Some(token.to_string()),
        vec!["pwd"],
    ))
}

/// POST /api/v1/authn/introspect: the current state of a transaction.
pub(crate) async fn introspect(State(shared): State<AppState>, body: Bytes) -> AuthnResult {
    let body = parse_body(&body)?;
    let (token, tx, _) = transaction(&shared, &body)?;
    Ok(respond(
        &shared,
        &tx.login,
        Some(tx.status),
        Some(token.to_string()),
        vec!["pwd"],
    ))
}

/// POST /api/v1/authn/credentials/change_password: the PASSWORD_EXPIRED
/// (or PASSWORD_WARN) step; later logins use the new password.
pub(crate) async fn change_password(State(shared): State<AppState>, body: Bytes) -> AuthnResult {
    shared.rate_limit(LimitedEndpoint::Authn)?;
    let body = parse_body(&body)?;
    let (token, tx, user) = transaction(&shared, &body)?;
    if !matches!(
        tx.status,
        TxStatus::PasswordExpired | TxStatus::PasswordWarn
    ) {
        return Err(OktaError::not_allowed(
            "changing the password is not expected in this state",
        ));
    }
    let old =
        str_field(&body, "oldPassword").ok_or_else(|| OktaError::validation("oldPassword"))?;
    let new =
        str_field(&body, "newPassword").ok_or_else(|| OktaError::validation("newPassword"))?;
    shared.remember(old);
    shared.remember(new);
    if !shared.password_matches(user, old) {
        return Err(OktaError::credentials_update_failed(
            "Old Password is not correct",
        ));
    }
    check_new_password(old, new)?;
    shared.change_password(user, new);
    Ok(respond(
        &shared,
        &tx.login,
        after_password(user),
        Some(token.to_string()),
        vec!["pwd"],
    ))
}

/// The built-in password policy: 8 characters, a lowercase letter, not the old one.
fn check_new_password(old: &str, new: &str) -> Result<(), OktaError> {
    if new == old {
        return Err(OktaError::password_policy(
            "Password cannot be your current password",
        ));
    }
    if new.chars().count() < 8 || !new.chars().any(|c| c.is_lowercase()) {
        return Err(OktaError::password_policy(
            "Password requirements were not met. Password requirements: at least 8 characters, a lowercase letter.",
        ));
    }
    Ok(())
}

/// POST /api/v1/authn/cancel: ends a transaction.
pub(crate) async fn cancel(State(shared): State<AppState>, body: Bytes) -> AuthnResult {
    let body = parse_body(&body)?;
    let token =
        str_field(&body, "stateToken").ok_or_else(|| OktaError::validation("stateToken"))?;
    shared
        .transactions
        .take(token)
        .ok_or_else(OktaError::invalid_token)?;
    Ok(Json(json!({})).into_response())
}

/// The first status after a good password.
fn initial_status(user: &UserConfig, warn: bool) -> Option<TxStatus> {
    match user.status {
        UserStatus::PasswordWarn if warn => Some(TxStatus::PasswordWarn),
        UserStatus::PasswordWarn | UserStatus::Active => after_password(user),
        UserStatus::PasswordExpired => Some(TxStatus::PasswordExpired),
        UserStatus::LockedOut => Some(TxStatus::LockedOut),
        UserStatus::MfaEnroll => Some(TxStatus::MfaEnroll { skippable: true }),
        UserStatus::MfaEnrollRequired => Some(TxStatus::MfaEnroll { skippable: false }),
    }
}

/// MFA_REQUIRED for users with a TOTP factor, else SUCCESS (None).
fn after_password(user: &UserConfig) -> Option<TxStatus> {
    user.totp_secret.as_ref().map(|_| TxStatus::MfaRequired)
}

/// Builds the response for `status` (None = SUCCESS), reusing or minting a stateToken.
fn respond(
    shared: &Shared,
    login: &str,
    status: Option<TxStatus>,
    token: Option<String>,
    amr: Vec<&'static str>,
) -> Response {
    let Some(user) = shared.user(login) else {
        return OktaError::invalid_token().into_response();
    };
    let Some(status) = status else {
        if let Some(token) = &token {
            shared.transactions.remove(token);
        }
        return Json(success(shared, user, amr)).into_response();
    };
    let token = if status == TxStatus::LockedOut {
        String::new()
    } else {
        let token = token.unwrap_or_else(|| random_token("00", 40));
        shared.remember(&token);
        shared.transactions.insert(
            token.clone(),
            Transaction {
                login: user.login.clone(),
                status,
            },
        );
        token
    };
    let lifetime = shared.transactions.lifetime_secs();
    Json(authn_view::pending(shared, user, status, &token, lifetime)).into_response()
}

fn success(shared: &Shared, user: &UserConfig, amr: Vec<&'static str>) -> Value {
    let session_token = random_token("20111", 40);
    let session = Session {
        login: user.login.clone(),
        auth_time: epoch_secs(),
        amr,
    };
    shared.remember(&session_token);
    shared.sessions.insert(session_token.clone(), session);
    authn_view::success(user, &session_token, shared.sessions.lifetime_secs())
}

/// The transaction that a request's `stateToken` names, and its user.
fn transaction<'a>(
    shared: &'a Shared,
    body: &'a Value,
) -> Result<(&'a str, Transaction, &'a UserConfig), OktaError> {
    let token = str_field(body, "stateToken").ok_or_else(|| OktaError::validation("stateToken"))?;
    let tx = shared
        .transactions
        .get(token)
        .ok_or_else(OktaError::invalid_token)?;
    let user = shared
        .user(&tx.login)
        .ok_or_else(OktaError::invalid_token)?;
    Ok((token, tx, user))
}

fn parse_body(body: &[u8]) -> Result<Value, OktaError> {
    serde_json::from_slice::<Value>(body)
        .ok()
        .filter(Value::is_object)
        .ok_or_else(OktaError::malformed_body)
}

fn str_field<'a>(body: &'a Value, name: &str) -> Option<&'a str> {
    body.get(name)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(status: UserStatus, totp: bool) -> UserConfig {
        UserConfig {
            login: "u".into(),
            password: "p".into(),
            id: None,
            first_name: String::new(),
            last_name: String::new(),
            groups: vec![],
            totp_secret: totp.then(|| "JBSWY3DPEHPK3PXP".into()),
            status,
            authenticators: vec![],
        }
    }

    #[test]
    fn statuses_follow_the_user_setup() {
        assert_eq!(initial_status(&user(UserStatus::Active, false), true), None);
        assert_eq!(
            initial_status(&user(UserStatus::Active, true), true),
            Some(TxStatus::MfaRequired)
        );
        assert_eq!(
            initial_status(&user(UserStatus::PasswordWarn, false), true),
            Some(TxStatus::PasswordWarn)
        );
        assert_eq!(
            initial_status(&user(UserStatus::PasswordWarn, false), false),
            None
        );
        assert_eq!(
            initial_status(&user(UserStatus::MfaEnrollRequired, false), true),
            Some(TxStatus::MfaEnroll { skippable: false })
        );
    }

    #[test]
    fn new_passwords_follow_the_policy() {
        assert!(check_new_password("old-pass", "new-pass").is_ok());
        assert_eq!(
            check_new_password("same-pass", "same-pass")
                .unwrap_err()
                .code,
            "E0000080"
        );
        assert!(check_new_password("old-pass", "short").is_err());
        assert!(check_new_password("old-pass", "NOLOWERCASE1").is_err());
    }

    #[test]
    fn body_must_be_a_json_object() {
        assert!(parse_body(b"not json").is_err());
        assert!(parse_body(b"[1]").is_err());
        assert!(parse_body(b"{}").is_ok());
    }
}
