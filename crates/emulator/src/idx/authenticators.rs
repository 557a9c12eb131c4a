//! The authenticators the emulator's IDX side knows: the password, the TOTP
//! apps a headless login can answer, and the ones it cannot (push, email,
//! SMS), each with its wire names.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::super::config::UserConfig;
use super::super::ids::stable_id;

/// An authenticator besides the password that an app's policy asks of a user
/// (`users[].authenticators` in the emulator config).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdxAuthenticator {
    /// Google Authenticator: a TOTP code from `totp_secret`.
    GoogleOtp,
    /// Okta Verify with its TOTP and push methods.
    OktaVerify,
    /// Okta Verify enrolled for push only.
    OktaVerifyPush,
    /// An email with a code (not answerable headlessly).
    OktaEmail,
    /// An SMS with a code (not answerable headlessly).
    PhoneNumber,
}

/// The password or one of the other authenticators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Password,
    Other(IdxAuthenticator),
}

impl Kind {
    pub(crate) fn key(self) -> &'static str {
        match self {
            Kind::Password => "okta_password",
            Kind::Other(IdxAuthenticator::GoogleOtp) => "google_otp",
            Kind::Other(IdxAuthenticator::OktaVerify | IdxAuthenticator::OktaVerifyPush) => {
                "okta_verify"
            }
            Kind::Other(IdxAuthenticator::OktaEmail) => "okta_email",
            Kind::Other(IdxAuthenticator::PhoneNumber) => "phone_number",
        }
    }

    fn kind_type(self) -> &'static str {
        match self {
            Kind::Password => "password",
            Kind::Other(IdxAuthenticator::OktaEmail) => "email",
            Kind::Other(IdxAuthenticator::PhoneNumber) => "phone",
            Kind::Other(_) => "app",
        }
    }

    pub(crate) fn display_name(self) -> &'static str {
        match self {
            Kind::Password => "Password",
            Kind::Other(IdxAuthenticator::GoogleOtp) => "Google Authenticator",
            Kind::Other(IdxAuthenticator::OktaVerify | IdxAuthenticator::OktaVerifyPush) => {
                "Okta Verify"
            }
            Kind::Other(IdxAuthenticator::OktaEmail) => "Email",
            Kind::Other(IdxAuthenticator::PhoneNumber) => "Phone",
        }
    }

    /// The methods, first the one a challenge uses by default.
    pub(crate) fn methods(self) -> &'static [&'static str] {
        match self {
            Kind::Password => &["password"],
            Kind::Other(IdxAuthenticator::GoogleOtp) => &["otp"],
            Kind::Other(IdxAuthenticator::OktaVerify) => &["totp", "push"],
            Kind::Other(IdxAuthenticator::OktaVerifyPush) => &["push"],
            Kind::Other(IdxAuthenticator::OktaEmail) => &["email"],
            Kind::Other(IdxAuthenticator::PhoneNumber) => &["sms"],
        }
    }

    /// The field of `credentials` a challenge of this authenticator asks for.
    pub(crate) fn credential_field(self) -> &'static str {
        match self {
            Kind::Other(IdxAuthenticator::OktaVerify) => "totp",
            _ => "passcode",
        }
    }

    /// True when the answer is a TOTP code of the user's secret.
    pub(crate) fn is_totp(self) -> bool {
        matches!(
            self,
            Kind::Other(IdxAuthenticator::GoogleOtp | IdxAuthenticator::OktaVerify)
        )
    }

    /// The org-wide authenticator id (`aut...`).
    pub(crate) fn authenticator_id(self) -> String {
        stable_id("aut", self.key())
    }

    /// The id of the user's enrollment of it.
    pub(crate) fn enrollment_id(self, user: &UserConfig) -> String {
        let prefix = match self {
            Kind::Password => "lae",
            _ => "pfd",
        };
        stable_id(prefix, &format!("{}/{}", user.login, self.key()))
    }

    /// `{type, key, id, displayName, methods}` of the authenticator.
    pub(crate) fn authenticator(self) -> Value {
        json!({
            "type": self.kind_type(),
            "key": self.key(),
            "id": self.authenticator_id(),
            "displayName": self.display_name(),
            "methods": self.method_list(),
        })
    }

    /// The same for the user's enrollment: its own id plus `authenticatorId`.
    pub(crate) fn enrollment(self, user: &UserConfig) -> Value {
        json!({
            "type": self.kind_type(),
            "key": self.key(),
            "id": self.enrollment_id(user),
            "authenticatorId": self.authenticator_id(),
            "displayName": self.display_name(),
            "methods": self.method_list(),
        })
    }

    fn method_list(self) -> Vec<Value> {
        self.methods()
            .iter()
            .map(|m| json!({ "type": m }))
            .collect()
    }
}

/// The user's authenticators besides the password: the configured ones, or
/// Google Authenticator when only a TOTP secret is set.
pub(crate) fn second_factors(user: &UserConfig) -> Vec<Kind> {
    if user.authenticators.is_empty() {
        return match user.totp_secret {
            Some(_) => vec![Kind::Other(IdxAuthenticator::GoogleOtp)],
            None => vec![],
        };
    }
    user.authenticators
        .iter()
        .map(|a| Kind::Other(*a))
        .collect()
}

/// Every enrollment of the user: the password first.
pub(crate) fn enrollments(user: &UserConfig) -> Vec<Kind> {
    let mut all = vec![Kind::Password];
    all.extend(second_factors(user));
    all
}

/// The authenticator an `id` (authenticator or enrollment id) names.
pub(crate) fn by_id(user: &UserConfig, id: &str) -> Option<Kind> {
    enrollments(user)
        .into_iter()
        .find(|k| k.authenticator_id() == id || k.enrollment_id(user) == id)
}
