//! JSON bodies of authn transactions (Okta's Authentication API objects).

use serde_json::{Value, json};

use super::config::UserConfig;
use super::ids::rfc3339_in;
use super::state::{Shared, TxStatus};

/// The `_embedded.user` object.
pub(crate) fn user_json(user: &UserConfig) -> Value {
    json!({
        "id": Shared::user_id_of(user),
        "passwordChanged": "2024-01-01T00:00:00.000Z",
        "profile": {
            "login": user.login,
            "firstName": user.first_name,
            "lastName": user.last_name,
            "locale": "en",
            "timeZone": "America/Los_Angeles",
        },
    })
}

/// A SUCCESS transaction carrying a sessionToken.
pub(crate) fn success(user: &UserConfig, session_token: &str, lifetime: u64) -> Value {
    json!({
        "expiresAt": rfc3339_in(lifetime),
        "status": "SUCCESS",
        "sessionToken": session_token,
        "_embedded": {"user": user_json(user)},
    })
}

/// A pending transaction (or LOCKED_OUT, which has no stateToken).
pub(crate) fn pending(
    shared: &Shared,
    user: &UserConfig,
    status: TxStatus,
    state_token: &str,
    lifetime: u64,
) -> Value {
    let okta = &shared.okta_url;
    if status == TxStatus::LockedOut {
        return json!({
            "status": "LOCKED_OUT",
            "_links": {"next": link("unlock", &format!("{okta}/api/v1/authn/recovery/unlock"))},
        });
    }
    json!({
        "stateToken": state_token,
        "expiresAt": rfc3339_in(lifetime),
        "status": status_name(status),
        "_embedded": embedded(shared, user, status),
        "_links": links(okta, status),
    })
}

fn status_name(status: TxStatus) -> &'static str {
    match status {
        TxStatus::PasswordWarn => "PASSWORD_WARN",
        TxStatus::PasswordExpired => "PASSWORD_EXPIRED",
        TxStatus::LockedOut => "LOCKED_OUT",
        TxStatus::MfaRequired => "MFA_REQUIRED",
        TxStatus::MfaEnroll { .. } => "MFA_ENROLL",
    }
}

fn embedded(shared: &Shared, user: &UserConfig, status: TxStatus) -> Value {
    let mut embedded = json!({"user": user_json(user)});
    match status {
        TxStatus::PasswordWarn => {
            embedded["policy"] =
                json!({"expiration": {"passwordExpireDays": 5}, "complexity": complexity()});
        }
        TxStatus::PasswordExpired => embedded["policy"] = json!({"complexity": complexity()}),
        TxStatus::MfaRequired => embedded["factors"] = json!([totp_factor(shared, user)]),
        TxStatus::MfaEnroll { skippable } => {
            embedded["factors"] = json!([enroll_factor(&shared.okta_url, skippable)]);
        }
        TxStatus::LockedOut => {}
    }
    embedded
}

fn complexity() -> Value {
    json!({"minLength": 8, "minLowerCase": 1, "minUpperCase": 0, "minNumber": 0, "minSymbol": 0})
}

fn totp_factor(shared: &Shared, user: &UserConfig) -> Value {
    let id = Shared::factor_id_of(user);
    let href = format!("{}/api/v1/authn/factors/{id}/verify", shared.okta_url);
    json!({
        "id": id,
        "factorType": "token:software:totp",
        "provider": "GOOGLE",
        "vendorName": "GOOGLE",
        "profile": {"credentialId": user.login},
        "_links": {"verify": {"href": href, "hints": {"allow": ["POST"]}}},
    })
}

fn enroll_factor(okta: &str, skippable: bool) -> Value {
    json!({
        "factorType": "token:software:totp",
        "provider": "GOOGLE",
        "vendorName": "GOOGLE",
        "status": "NOT_SETUP",
        "enrollment": if skippable { "OPTIONAL" } else { "REQUIRED" },
        "_links": {"enroll": {"href": format!("{okta}/api/v1/authn/factors"), "hints": {"allow": ["POST"]}}},
    })
}

fn links(okta: &str, status: TxStatus) -> Value {
    let mut links = serde_json::Map::new();
    let change = || {
        link(
            "changePassword",
            &format!("{okta}/api/v1/authn/credentials/change_password"),
        )
    };
    match status {
        TxStatus::PasswordWarn | TxStatus::PasswordExpired => {
            links.insert("next".into(), change());
        }
        _ => {}
    }
    let skippable = matches!(
        status,
        TxStatus::PasswordWarn | TxStatus::MfaEnroll { skippable: true }
    );
    if skippable {
        links.insert(
            "skip".into(),
            link("skip", &format!("{okta}/api/v1/authn/skip")),
        );
    }
    links.insert(
        "cancel".into(),
        link("cancel", &format!("{okta}/api/v1/authn/cancel")),
    );
    Value::Object(links)
}

fn link(name: &str, href: &str) -> Value {
    json!({"name": name, "href": href, "hints": {"allow": ["POST"]}})
}
