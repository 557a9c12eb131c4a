//! The emulator's Amazon Cognito user pool: its id, app clients and users,
//! each user exercising one answer of the sign-in API. The pool signs users
//! in by email address (as pools with "email as username" do), so Cognito's
//! own name for a user, the one its challenges carry (`USERNAME`,
//! `USER_ID_FOR_SRP`) and its tokens' `sub`, is a UUID, not the email.

use gatecheck_login_crypto::srp::BigUint;
use sha2::{Digest, Sha256};

/// The user pool's id (`REGION_NAME`).
pub const COGNITO_POOL_ID: &str = "us-east-1_gatecheck";
/// The pool's region.
pub const COGNITO_REGION: &str = "us-east-1";
/// The scope of tokens from the sign-in API (Cognito's own).
pub(crate) const SIGNIN_SCOPE: &str = "aws.cognito.signin.user.admin";

/// An app client of the pool.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PoolClient {
    pub(crate) id: &'static str,
    pub(crate) secret: Option<&'static str>,
    /// ALLOW_USER_PASSWORD_AUTH (every client allows USER_SRP_AUTH).
    pub(crate) password_auth: bool,
}

/// The pool's app clients.
pub(crate) const CLIENTS: [PoolClient; 3] = [
    PoolClient {
        id: "demo-cognito",
        secret: None,
        password_auth: true,
    },
    PoolClient {
        id: "demo-cognito-secret",
        secret: Some("demo-cognito-client-secret"),
        password_auth: true,
    },
    PoolClient {
        id: "demo-cognito-srp-only",
        secret: None,
        password_auth: false,
    },
];

/// What signing in as a user leads to, once the password is right.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    Tokens,
    SoftwareTokenMfa,
    /// SELECT_MFA_TYPE among SMS and TOTP.
    SelectMfa,
    SmsMfa,
    EmailOtp,
    MfaSetup,
    NewPasswordRequired,
    Unconfirmed,
    ResetRequired,
}

/// A user of the pool.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PoolUser {
    pub(crate) email: &'static str,
    pub(crate) password: &'static str,
    pub(crate) groups: &'static [&'static str],
    pub(crate) outcome: Outcome,
}

/// The TOTP secret of the users with TOTP MFA.
pub(crate) const TOTP_SECRET: &str = "JBSWY3DPEHPK3PXP";

const fn user(email: &'static str, outcome: Outcome) -> PoolUser {
    PoolUser {
        email,
        password: "correct-horse",
        groups: &[],
        outcome,
    }
}

/// The pool's users (docs/emulator.md lists them).
pub(crate) const USERS: [PoolUser; 10] = [
    user("ada@example.com", Outcome::Tokens),
    PoolUser {
        email: "grace@example.com",
        password: "analytical-engine",
        groups: &["admins"],
        outcome: Outcome::Tokens,
    },
    user("mfa@example.com", Outcome::SoftwareTokenMfa),
    user("select-mfa@example.com", Outcome::SelectMfa),
    user("sms-mfa@example.com", Outcome::SmsMfa),
    user("email-otp@example.com", Outcome::EmailOtp),
    user("mfa-setup@example.com", Outcome::MfaSetup),
    user("new-password@example.com", Outcome::NewPasswordRequired),
    user("unconfirmed@example.com", Outcome::Unconfirmed),
    user("reset@example.com", Outcome::ResetRequired),
];

impl PoolUser {
    /// Cognito's name for the user: a UUID made from the email, stable.
    pub(crate) fn sub(&self) -> String {
        let d = Sha256::digest(self.email.as_bytes());
        let hex: String = d.iter().take(16).map(|b| format!("{b:02x}")).collect();
        format!(
            "{}-{}-4{}-8{}-{}",
            &hex[0..8],
            &hex[8..12],
            &hex[13..16],
            &hex[17..20],
            &hex[20..32]
        )
    }

    /// The user's SRP salt: stable, as the pool keeps it.
    pub(crate) fn salt(&self) -> BigUint {
        let d = Sha256::digest(format!("salt:{}", self.email).as_bytes());
        BigUint::from_bytes_be(&d[..16])
    }
}

/// The client with this id.
pub(crate) fn client(id: &str) -> Option<&'static PoolClient> {
    CLIENTS.iter().find(|c| c.id == id)
}

/// The user signed in as `name`: the email (any case) or Cognito's UUID.
pub(crate) fn user_named(name: &str) -> Option<&'static PoolUser> {
    USERS
        .iter()
        .find(|u| u.email.eq_ignore_ascii_case(name) || u.sub() == name)
}
