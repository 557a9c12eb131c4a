//! What stops an IDX sign-in, in words: Okta's own messages (their text,
//! HTML reduced to text, and i18n key) beside what gatecheck advises, and
//! each remediation or authenticator gatecheck cannot follow, named, with
//! what to change in the test user, the fixture or the app's policy.

use super::super::error::{At, LoginErrorKind as K, LoginFailure};
use super::wire::{Authenticator, Message, is_password};

const TOTP_SETUP: &str = "give the test user password + TOTP in the app's authentication policy (Google Authenticator or Okta Verify's code), enroll that authenticator for the user and set totp_secret (OKTA_TOTP_SECRET) to its secret";
const UNLOCK: &str = "unlock it in the Admin Console (Directory > People > the user > Unlock) and check OKTA_PASSWORD, which may have locked it";
const HEADLESS: &str = "a headless login answers identify, the password, TOTP codes (Google Authenticator, Okta Verify's code), optional steps' skip; change the test user or the app's authentication policy so it needs only those";

fn stopped(at: &At, what: String, advice: &str, kind: K) -> LoginFailure {
    LoginFailure::IdxStopped {
        at: at.clone(),
        what,
        advice: advice.to_owned(),
        kind,
    }
}

/// `"text" (key)`, each message once, the field it is on named.
fn said(messages: &[&Message]) -> String {
    let mut parts: Vec<String> = Vec::new();
    for m in messages {
        let key = match (&m.field, m.key.is_empty()) {
            (Some(field), true) => format!(" (on {field})"),
            (Some(field), false) => format!(" ({}, on {field})", m.key),
            (None, true) => String::new(),
            (None, false) => format!(" ({})", m.key),
        };
        let part = match m.text.is_empty() {
            true => key.trim_start().to_owned(),
            false => format!("\"{}\"{key}", m.text),
        };
        if part.is_empty() {
            continue;
        }
        if !parts.contains(&part) {
            parts.push(part);
        }
    }
    parts.join("; ")
}

/// Okta's ERROR messages (the first one whose key gatecheck knows sets the
/// advice); `current` is the authenticator being verified.
pub fn message(
    at: &At,
    messages: &[&Message],
    username: &str,
    current: Option<&Authenticator>,
) -> LoginFailure {
    let said = said(messages);
    let known = messages
        .iter()
        .find_map(|m| known_message(m, username, current));
    let (what, advice, kind) = match known {
        Some((what, advice, kind)) => (format!("{what}: Okta said {said}"), advice, kind),
        None => (
            format!("Okta said {said}"),
            "a headless login cannot continue from here; check the test user in the Admin Console and the app's authentication policy".to_owned(),
            K::UserState,
        ),
    };
    stopped(at, what, &advice, kind)
}

type Known = (String, String, K);

fn known_message(m: &Message, username: &str, current: Option<&Authenticator>) -> Option<Known> {
    let k = |what: &str, advice: &str, kind: K| Some((what.to_owned(), advice.to_owned(), kind));
    let key = m.key.as_str();
    if key.starts_with("idx.error.code.access_denied.device_assurance")
        || key.starts_with("device.assurance.")
    {
        return k(
            "this device does not meet the app's device assurance policy",
            "a headless login has no managed device: give the test user an authentication policy rule without device assurance conditions",
            K::Authorize,
        );
    }
    if key.contains("enable.biometrics")
        || key.starts_with("oie.authenticator.app.non_fips")
        || key.contains("force.upgrade")
    {
        return k(
            "Okta Verify must be set up differently on the user's device",
            TOTP_SETUP,
            K::UserState,
        );
    }
    if key.contains("signedNonce") {
        return k(
            "Okta Verify on the user's device could not answer (FastPass)",
            TOTP_SETUP,
            K::UserState,
        );
    }
    if key.starts_with("registration.error") || key == "idx.error.registration.unavailable" {
        return k(
            "Okta answered with self-service registration, not a sign-in",
            "check the fixture's username (OKTA_USERNAME): it must be an existing, active user",
            K::Credentials,
        );
    }
    match key {
        "errors.E0000150" | "errors.E0000151" => k(
            "Okta limits how many SMS or voice codes it sends",
            TOTP_SETUP,
            K::UserState,
        ),
        "E0000010" | "idx.error.server.safe.mode.enrollment.unavailable" => k(
            "Okta is in safe mode (maintenance)",
            "retry later; Okta answers this way while it recovers",
            K::UserState,
        ),
        "E0000009" => k(
            "an error inside Okta",
            "retry, and check Okta's status page if it persists",
            K::UserState,
        ),
        "idx.invalid.forgot.password.token"
        | "idx.invalid.reset.password.token"
        | "idx.reset.password.activating.user"
        | "oie.selfservice.reset.password.not.allowed"
        | "api.users.auth.error.POST_PASSWORD_UPDATE_AUTH_FAILURE"
        | "errors.E0000035" => k(
            "the sign-in is in a password reset flow",
            "set the test user's password in the Admin Console (Directory > People > Reset Password) and update OKTA_PASSWORD",
            K::UserState,
        ),
        "errors.E0000004" => k(
            "the username or password was rejected",
            "check the fixture's username and password (OKTA_USERNAME / OKTA_PASSWORD); Identity Engine does not say which one is wrong (an unknown user and a wrong password look the same)",
            K::Credentials,
        ),
        "idx.unknown.user" | "errors.E0000095" => Some((
            format!("Okta has no user `{username}`"),
            "check the fixture's username (OKTA_USERNAME): it must be the user's Okta login (or the org must allow it to sign in with that identifier)".to_owned(),
            K::Credentials,
        )),
        "incorrectPassword" | "oie.password.incorrect.message" | "errors.E0000207" => k(
            "the password was rejected",
            "check the fixture's password (OKTA_PASSWORD)",
            K::Credentials,
        ),
        "error.username.required" | "error.password.required" => k(
            "Okta found a required field empty",
            "set the fixture's username and password (OKTA_USERNAME / OKTA_PASSWORD)",
            K::Config,
        ),
        "errors.E0000119"
        | "error.auth.lockedOut"
        | "oie.selfservice.user.unlock.not.allowed"
        | "oie.selfservice.unlock_user.failed.message"
        | "oie.selfservice.unlock_user.challenge.failed.permissions" => {
            k("the test user is locked out", UNLOCK, K::UserState)
        }
        "errors.E0000069" => k(
            "the test user is locked after too many failed authenticator attempts",
            "unlock it in the Admin Console (Directory > People > the user > Unlock or Reset Authenticators), then check totp_secret (OKTA_TOTP_SECRET) and this machine's clock",
            K::UserState,
        ),
        "idx.error.user.not.assigned.to.app"
        | "idx.error.code.user_not_assigned"
        | "security.access_denied"
        | "security.access_denied_custom_message"
        | "oie.assurance.unsatisfiable" => k(
            "access to the app was denied",
            "assign the test user (or one of its groups) to the app (Applications > the app > Assignments) and check that the app's authentication policy has a rule that lets it in with password (+ TOTP)",
            K::Authorize,
        ),
        "api.authn.error.PASSCODE_INVALID"
        | "authfactor.challenge.soft_token.invalid_passcode"
        | "authfactor.challenge.soft_token.used_passcode"
        | "oie.authenticator.verify.error.fail" => {
            let name = current.map_or("TOTP".to_owned(), display);
            Some((
                format!("the {name} code was rejected"),
                "check that totp_secret (OKTA_TOTP_SECRET) is the secret of the test user's enrollment of that authenticator and that this machine's clock is right (a code is accepted once: two logins within 30 s reuse it)".to_owned(),
                K::UserState,
            ))
        }
        "authfactor.challenge.suspended_factor" => k(
            "the authenticator is suspended after too many failed attempts",
            "reset the test user's authenticator in the Admin Console, then check the fixture's password or totp_secret",
            K::UserState,
        ),
        "idx.session.expired" | "error.expired.session" | "core.system.transaction_resource_not_found" => k(
            "the sign-in transaction expired",
            "the login took too long or the stateHandle was already used; retry",
            K::Protocol,
        ),
        "tooManyRequests" | "errors.E0000047" => k(
            "Okta's rate limit was exceeded",
            "log in less often (each identity logs in once per run) or raise the org's rate limits",
            K::RateLimited,
        ),
        "errors.E0000064" => Some((
            "the test user's password expired".to_owned(),
            EXPIRED.to_owned(),
            K::UserState,
        )),
        "api.authn.poll.error.push_rejected" => k(
            "the push notification was rejected",
            TOTP_SETUP,
            K::UserState,
        ),
        "idx.operation.cancelled.on.other.device" => k(
            "the sign-in was denied on another device",
            TOTP_SETUP,
            K::UserState,
        ),
        "idx.identity.provider.auth.error" => k(
            "the external identity provider refused the sign-in",
            "use a test user that signs in with an Okta password, or route it to Okta in the identity provider routing rules",
            K::UserState,
        ),
        "idx.activating.inactive.user" | "idx.expired.activation.token" | "idx.missing.activation.token" => k(
            "the test user is not activated",
            "activate the test user in the Admin Console (Directory > People > the user > Activate) and set its password",
            K::UserState,
        ),
        _ => None,
    }
}

const EXPIRED: &str = "set a new password for the test user in the Admin Console (Directory > People > Reset Password) and update OKTA_PASSWORD, or exempt the user from the password policy's expiry";

/// `failure` with Okta's other messages (INFO, WARNING) beside it.
pub fn with_messages(failure: LoginFailure, messages: &[&Message]) -> LoginFailure {
    let LoginFailure::IdxStopped {
        at,
        what,
        advice,
        kind,
    } = failure
    else {
        return failure;
    };
    let extra: Vec<&Message> = messages
        .iter()
        .copied()
        .filter(|m| !what.contains(&m.text))
        .collect();
    let what = match extra.is_empty() {
        true => what,
        false => format!("{what} (Okta said {})", said(&extra)),
    };
    LoginFailure::IdxStopped {
        at,
        what,
        advice,
        kind,
    }
}

/// Identify offered again after it was answered, without an error message.
pub fn identify_again(at: &At, username: &str) -> LoginFailure {
    stopped(
        at,
        format!("Okta asked for the username again after `{username}` was sent"),
        "check the fixture's username (OKTA_USERNAME): it must be an active user's Okta login",
        K::Credentials,
    )
}

/// A challenge gatecheck already answered, asked again without a message.
pub fn answered_again(at: &At, a: &Authenticator) -> LoginFailure {
    let (what, advice) = match is_password(a) {
        true => (
            "Okta asked for the password again".to_owned(),
            "check the fixture's password (OKTA_PASSWORD)",
        ),
        false => (
            format!("Okta asked for a code from {} again", describe(a)),
            "check totp_secret (OKTA_TOTP_SECRET) and this machine's clock",
        ),
    };
    stopped(at, what, advice, K::Credentials)
}

fn display(a: &Authenticator) -> String {
    match (a.display_name.is_empty(), a.key.is_empty()) {
        (false, _) => a.display_name.clone(),
        (true, false) => a.key.clone(),
        (true, true) => a.kind.clone(),
    }
}

/// `Google Authenticator (google_otp)`; an authenticator without a key by its type.
pub fn describe(a: &Authenticator) -> String {
    let id = match a.key.is_empty() {
        true => format!("type {}", a.kind),
        false => a.key.clone(),
    };
    match a.display_name.is_empty() {
        true => id,
        false => format!("{} ({id})", a.display_name),
    }
}

/// What an authenticator asks of the user, for the ones gatecheck cannot answer.
fn asks(a: &Authenticator) -> &'static str {
    let key = if a.key.is_empty() { &a.kind } else { &a.key };
    match key.as_str() {
        "okta_email" | "email" => "a code or link sent by email",
        "phone_number" | "phone" | "sms" | "call" => "a code sent by SMS or voice call",
        "okta_verify" | "app" | "push" => "an Okta Verify push or FastPass on a device",
        "webauthn" | "security_key" | "webauthn_passkey" => {
            "a security key, passkey or biometric (WebAuthn)"
        }
        "security_question" | "question" => "the answer to a security question",
        "external_idp" | "federated" => "a sign-in at an external identity provider",
        "duo" => "a Duo prompt",
        "custom_app" => "a push to a custom authenticator app",
        "rsa_token" | "onprem_mfa" => "an RSA SecurID or on-premises MFA code",
        "symantec_vip" => "a Symantec VIP code",
        "yubikey_token" => "a YubiKey OTP",
        "custom_otp" | "otp" => "a custom OTP (HOTP) code",
        "tac" => "a temporary access code issued by an admin",
        "nfc_pin" | "proximity" => "an NFC PIN on a device",
        "smart_card_idp" => "a smart card (PIV)",
        _ => "an authenticator gatecheck does not know",
    }
}

/// A challenge gatecheck cannot answer: push, email, SMS, webauthn, or TOTP without a secret.
pub fn unanswerable(at: &At, a: &Authenticator, has_secret: bool) -> LoginFailure {
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
        format!(
            "the app's policy asks for {name}: {}, which a headless login cannot answer",
            asks(a)
        ),
        TOTP_SETUP,
        K::UserState,
    )
}

/// An authenticator choice with nothing gatecheck can answer.
pub fn no_usable_option(at: &At, offered: &[String], has_secret: bool) -> LoginFailure {
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
pub fn enrollment_required(at: &At, offered: &[String]) -> LoginFailure {
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

/// What each remediation gatecheck does not follow means, and what to change.
fn named(name: &str) -> Option<(&'static str, &'static str)> {
    const ENROLL: (&str, &str) = (
        "Okta requires the test user to enroll an authenticator first",
        "enroll it for the test user beforehand (e.g. Google Authenticator, then set totp_secret), or make the enrollment optional in the authenticator enrollment policy",
    );
    const DEVICE: (&str, &str) = (
        "the policy wants Okta Verify (FastPass) or a device on this machine",
        "give the test user an authentication policy rule that accepts password (+ TOTP) without device binding or Okta FastPass",
    );
    const CONSENT: (&str, &str) = (
        "the app asks the user to consent to its scopes",
        "turn off \"Require consent\" for the app (Applications > the app > General > User Consent) or grant the scopes, or drop the scopes that need consent from the fixture",
    );
    Some(match name {
        "unlock-account" | "select-authenticator-unlock-account" => (
            "the test user is locked out",
            "unlock it in the Admin Console (Directory > People > the user > Unlock) and check OKTA_PASSWORD",
        ),
        "redirect-idp" | "piv-idp" => (
            "the policy sends the user to an external identity provider or smart card",
            "use a test user that signs in with an Okta password, or route it to Okta in the identity provider routing rules",
        ),
        "redirect-idverify" => (
            "the policy asks for an identity verification (a third-party ID check)",
            "give the test user an authentication policy rule without identity verification",
        ),
        "select-authenticator-enroll"
        | "enroll-authenticator"
        | "select-enrollment-channel"
        | "enrollment-channel-data"
        | "authenticator-enrollment-data"
        | "enroll-poll"
        | "enroll-authenticator-promotion"
        | "enroll-webauthn-residentkey" => ENROLL,
        "reenroll-authenticator"
        | "reenroll-custom-password-expiry"
        | "reenroll-authenticator-warning"
        | "reenroll-custom-password-expiry-warning" => (
            "the test user's password expired and Okta asks for a new one",
            EXPIRED,
        ),
        "reset-authenticator" => (
            "Okta asks to reset an authenticator of the test user",
            "reset it in the Admin Console (Directory > People > the user > Reset Authenticators) and enroll it again, then update OKTA_PASSWORD or totp_secret (OKTA_TOTP_SECRET)",
        ),
        "identify-recovery" | "authenticator-recovery" => (
            "the sign-in is in a password recovery flow",
            "set the test user's password in the Admin Console (Directory > People > Reset Password) and update OKTA_PASSWORD",
        ),
        "select-enroll-profile" | "enroll-profile" | "select-identify" => (
            "Okta offers self-service registration instead of a sign-in",
            "check the fixture's username (OKTA_USERNAME): it must be an existing, active user",
        ),
        "profile-update" => (
            "Okta asks for profile attributes the test user lacks (progressive profiling)",
            "fill the required attributes in the test user's profile, or turn off progressive profiling in the app's profile enrollment policy",
        ),
        "launch-authenticator"
        | "device-challenge-poll"
        | "device-apple-sso-extension"
        | "cancel-transaction"
        | "challenge-webauthn-autofillui-authenticator"
        | "launch-passkeys-authenticator"
        | "launch-webauthn-authenticator"
        | "launch-nfc-authenticator" => DEVICE,
        "challenge-poll" | "resend" => (
            "Okta waits for a push or an emailed link to be approved",
            TOTP_SETUP,
        ),
        "authenticator-verification-data" => (
            "Okta asks how to send a code (SMS, voice, email)",
            TOTP_SETUP,
        ),
        "consent" | "granular-consent" | "admin-consent" => CONSENT,
        "email-challenge-consent" => (
            "Okta asks to approve an emailed sign-in link on another device",
            TOTP_SETUP,
        ),
        "user-code" => (
            "Okta asks for a device activation code (the Device Authorization grant)",
            "use kind okta-idx with an app that signs in with the Interaction Code grant, not a device flow",
        ),
        "poll" => (
            "Okta is in safe mode and asks the client to wait",
            "retry later; Okta answers this way while it recovers",
        ),
        "request-activation-email" => (
            "the test user's activation link expired",
            "activate the test user in the Admin Console (Directory > People > the user > Activate) and set its password",
        ),
        "success-redirect" => (
            "Okta finished the sign-in with a browser redirect instead of an interaction code",
            "enable the Interaction Code grant for the app (Applications > the app > General > Grant type) and use its client_id",
        ),
        "select-factor" => (
            "the policy asks for a factor other than the password",
            TOTP_SETUP,
        ),
        "failure-redirect" => (
            "Okta ended the sign-in with a redirect to an error page",
            "check the test user and the app's authentication policy in the Admin Console",
        ),
        _ => return None,
    })
}

/// Remediations none of which gatecheck can follow: the first one it can
/// name says what it means; `current` names the authenticator in play.
pub fn nothing_to_follow(at: &At, names: &[&str], current: Option<&Authenticator>) -> LoginFailure {
    let offered = format!("offered: {}", names.join(", "));
    if names.is_empty() {
        return stopped(
            at,
            "Okta offered no next step and no interaction code".to_owned(),
            "check the test user's status and the app's authentication policy in the Admin Console",
            K::UserState,
        );
    }
    let meaning = names
        .iter()
        .filter(|n| **n != "identify" && **n != "cancel")
        .find_map(|n| named(n))
        .or_else(|| names.iter().find_map(|n| named(n)));
    match meaning {
        Some((what, advice)) => {
            let about = current.map_or(String::new(), |a| {
                format!("; authenticator: {}", describe(a))
            });
            stopped(
                at,
                format!("{what} ({offered}{about})"),
                advice,
                K::UserState,
            )
        }
        None => stopped(
            at,
            format!("no step gatecheck can follow ({offered})"),
            HEADLESS,
            K::UserState,
        ),
    }
}

fn list(items: &[String]) -> String {
    match items {
        [] => "none".to_owned(),
        items => items.join(", "),
    }
}
