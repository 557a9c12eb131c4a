//! What stops an IDX sign-in, in words: each message (by its i18n key) and
//! each remediation gatecheck cannot follow, with what to change in the
//! test user, the fixture or the app's policy.

use super::super::error::{At, Failure, LoginErrorKind as K};
use super::wire::{Authenticator, Message};

const TOTP_SETUP: &str = "give the test user password + TOTP in the app's authentication policy (Google Authenticator or Okta Verify's code), enroll that authenticator for the user and set totp_secret (OKTA_TOTP_SECRET) to its secret";

fn stopped(at: &At, what: String, advice: &str, kind: K) -> Failure {
    Failure::IdxStopped {
        at: at.clone(),
        what,
        advice: advice.to_owned(),
        kind,
    }
}

/// An ERROR message from Okta; `current` is the authenticator being verified.
pub fn message(at: &At, m: &Message, username: &str, current: Option<&Authenticator>) -> Failure {
    let said = format!("\"{}\" ({})", m.text, m.key);
    let (what, advice, kind) = match m.key.as_str() {
        "errors.E0000004" => (
            format!("the username or password was rejected: {said}"),
            "check the fixture's username and password (OKTA_USERNAME / OKTA_PASSWORD); Identity Engine does not say which one is wrong (an unknown user and a wrong password look the same)",
            K::Credentials,
        ),
        "idx.unknown.user" | "errors.E0000095" => (
            format!("Okta has no user `{username}`: {said}"),
            "check the fixture's username (OKTA_USERNAME): it must be the user's Okta login",
            K::Credentials,
        ),
        "incorrectPassword" | "oie.password.incorrect.message" | "errors.E0000207" => (
            format!("the password was rejected: {said}"),
            "check the fixture's password (OKTA_PASSWORD)",
            K::Credentials,
        ),
        "errors.E0000119" | "error.auth.lockedOut" | "oie.selfservice.user.unlock.not.allowed" => (
            format!("the test user is locked out: {said}"),
            "unlock it in the Admin Console (Directory > People > the user > Unlock) and check OKTA_PASSWORD, which may have locked it",
            K::UserState,
        ),
        "idx.error.user.not.assigned.to.app"
        | "idx.error.code.user_not_assigned"
        | "security.access_denied"
        | "security.access_denied_custom_message" => (
            format!("access to the app was denied: {said}"),
            "assign the test user (or one of its groups) to the app (Applications > the app > Assignments) and check that the app's authentication policy has a rule that lets it in",
            K::Authorize,
        ),
        "api.authn.error.PASSCODE_INVALID"
        | "authfactor.challenge.soft_token.invalid_passcode"
        | "authfactor.challenge.soft_token.used_passcode" => {
            let name = current.map_or("TOTP", |a| display(a));
            return stopped(
                at,
                format!("the {name} code was rejected: {said}"),
                "check that totp_secret (OKTA_TOTP_SECRET) is the secret of the test user's enrollment of that authenticator and that this machine's clock is right",
                K::UserState,
            );
        }
        "authfactor.challenge.suspended_factor" => (
            format!("the authenticator is suspended after too many failed attempts: {said}"),
            "reset the test user's authenticator in the Admin Console, then check the fixture's password or totp_secret",
            K::UserState,
        ),
        "idx.session.expired" | "error.expired.session" => (
            format!("the sign-in transaction expired: {said}"),
            "the login took too long or the stateHandle was already used; retry",
            K::Protocol,
        ),
        "errors.E0000064" => return password_expired(at),
        _ => (
            format!("Okta said {said}"),
            "a headless login cannot continue from here; check the test user in the Admin Console and the app's authentication policy",
            K::UserState,
        ),
    };
    stopped(at, what, advice, kind)
}

fn display(a: &Authenticator) -> &str {
    if a.display_name.is_empty() {
        &a.key
    } else {
        &a.display_name
    }
}

/// `Google Authenticator (google_otp)`.
pub fn describe(a: &Authenticator) -> String {
    match a.display_name.is_empty() {
        true => a.key.clone(),
        false => format!("{} ({})", a.display_name, a.key),
    }
}

/// A challenge gatecheck cannot answer: push, email, SMS, webauthn, or TOTP without a secret.
pub fn unanswerable(at: &At, a: &Authenticator, has_secret: bool) -> Failure {
    let name = describe(a);
    if super::wire::is_totp(a) && !has_secret {
        return stopped(
            at,
            format!(
                "the app's policy asks for a code from {name} but the fixture has no totp_secret"
            ),
            "set totp_secret (OKTA_TOTP_SECRET) to the secret of the test user's enrollment of that authenticator (the base32 key shown when it was enrolled)",
            K::UserState,
        );
    }
    stopped(
        at,
        format!("the app's policy asks for {name}, which a headless login cannot answer"),
        TOTP_SETUP,
        K::UserState,
    )
}

/// An authenticator choice with nothing gatecheck can answer.
pub fn no_usable_option(at: &At, offered: &[String], has_secret: bool) -> Failure {
    let what = format!(
        "the app's policy asks for one of: {}; none of them can be answered headlessly{}",
        list(offered),
        if has_secret {
            ""
        } else {
            " (the fixture has no totp_secret)"
        }
    );
    stopped(at, what, TOTP_SETUP, K::UserState)
}

/// `select-authenticator-enroll` without `skip`.
pub fn enrollment_required(at: &At, offered: &[String]) -> Failure {
    stopped(
        at,
        format!(
            "Okta requires the test user to enroll an authenticator first (offered: {})",
            list(offered)
        ),
        "enroll it for the test user beforehand (e.g. Google Authenticator, then set totp_secret), or make the enrollment optional in the authenticator enrollment policy",
        K::UserState,
    )
}

/// `reenroll-authenticator` for the password.
pub fn password_expired(at: &At) -> Failure {
    stopped(
        at,
        "the test user's password expired and Okta asks for a new one".to_owned(),
        "set a new password for the test user in the Admin Console (Directory > People > Reset Password) and update OKTA_PASSWORD, or exempt the user from the password policy's expiry",
        K::UserState,
    )
}

/// Remediations none of which gatecheck can follow.
pub fn nothing_to_follow(at: &At, names: &[&str]) -> Failure {
    let (what, advice) = match names {
        [] => (
            "Okta offered no next step and no interaction code".to_owned(),
            "check the test user's status and the app's authentication policy in the Admin Console",
        ),
        names if names.contains(&"unlock-account") && !names.contains(&"identify") => (
            format!(
                "the test user is locked out (offered: {})",
                names.join(", ")
            ),
            "unlock it in the Admin Console (Directory > People > the user > Unlock) and check OKTA_PASSWORD",
        ),
        names if names.contains(&"redirect-idp") => (
            format!(
                "the policy sends the user to an external identity provider (offered: {})",
                names.join(", ")
            ),
            "use a test user that signs in with an Okta password, or route it to Okta in the identity provider routing rules",
        ),
        names => (
            format!(
                "no step gatecheck can follow (offered: {})",
                names.join(", ")
            ),
            "a headless login follows identify, password, TOTP challenges and skip; change the test user or the app's authentication policy so it needs only those",
        ),
    };
    stopped(at, what, advice, K::UserState)
}

fn list(items: &[String]) -> String {
    match items {
        [] => "none".to_owned(),
        items => items.join(", "),
    }
}
