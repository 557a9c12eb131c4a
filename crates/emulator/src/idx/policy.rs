//! The app's authentication policy as the emulator plays it: what a
//! transaction must do next, from the user's setup (pure).

use super::super::config::{ClientConfig, SignOnPolicy, UserConfig, UserStatus};
use super::authenticators::{Kind, second_factors};
use super::store::IdxTx;

/// The next remediation a transaction is offered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    /// `identify`, with the password in the same form or not.
    Identify { with_password: bool },
    /// `challenge-authenticator` (or `challenge-poll` for push).
    Challenge(Kind),
    /// `select-authenticator-authenticate` among the second factors.
    SelectFactor,
    /// `reenroll-authenticator`: the password expired.
    PasswordExpired,
    /// `reenroll-authenticator-warning` with `skip`.
    PasswordWarning,
    /// `select-authenticator-enroll`, with `skip` when optional.
    Enroll { optional: bool },
    /// `successWithInteractionCode`.
    Success,
}

/// What the policy asks next of `tx` (`user` once identified).
pub(crate) fn next(tx: &IdxTx, user: Option<&UserConfig>, client: &ClientConfig) -> Step {
    let Some(user) = user.filter(|_| tx.login.is_some()) else {
        return Step::Identify {
            with_password: client.sign_on_policy != SignOnPolicy::IdentifierFirst,
        };
    };
    if !tx.password_ok {
        return Step::Challenge(Kind::Password);
    }
    match user.status {
        UserStatus::PasswordExpired => return Step::PasswordExpired,
        UserStatus::PasswordWarn if !tx.skipped_warning => return Step::PasswordWarning,
        UserStatus::MfaEnroll if !tx.skipped_enroll => return Step::Enroll { optional: true },
        UserStatus::MfaEnrollRequired => return Step::Enroll { optional: false },
        _ => {}
    }
    let factors = second_factors(user);
    if factors.is_empty() || tx.factor_ok {
        return Step::Success;
    }
    match tx.current {
        Some(kind) if factors.contains(&kind) => Step::Challenge(kind),
        _ if factors.len() == 1 => Step::Challenge(factors[0]),
        _ => Step::SelectFactor,
    }
}

#[cfg(test)]
mod tests {
    use super::super::authenticators::IdxAuthenticator;
    use super::*;
    use crate::EmulatorConfig;

    fn tx() -> IdxTx {
        IdxTx {
            server: "default".into(),
            client_id: "demo-spa".into(),
            scopes: vec![],
            redirect_uri: String::new(),
            challenge: String::new(),
            nonce: None,
            login: None,
            password_ok: false,
            factor_ok: false,
            current: None,
            skipped_warning: false,
            skipped_enroll: false,
            interaction_code: None,
        }
    }

    fn setup(login: &str) -> (UserConfig, ClientConfig) {
        let config = EmulatorConfig::builtin();
        let user = config.users.iter().find(|u| u.login == login).unwrap();
        (user.clone(), config.clients[0].clone())
    }

    #[test]
    fn password_only_user_succeeds_after_the_password() {
        let (user, client) = setup("ada@example.com");
        let mut tx = tx();
        let step = next(&tx, None, &client);
        assert_eq!(
            step,
            Step::Identify {
                with_password: true
            }
        );
        tx.login = Some(user.login.clone());
        assert_eq!(
            next(&tx, Some(&user), &client),
            Step::Challenge(Kind::Password)
        );
        tx.password_ok = true;
        assert_eq!(next(&tx, Some(&user), &client), Step::Success);
    }

    #[test]
    fn totp_user_is_challenged_for_google_authenticator() {
        let (user, client) = setup("mfa@example.com");
        let mut tx = tx();
        tx.login = Some(user.login.clone());
        tx.password_ok = true;
        let google = Kind::Other(IdxAuthenticator::GoogleOtp);
        assert_eq!(next(&tx, Some(&user), &client), Step::Challenge(google));
        tx.factor_ok = true;
        assert_eq!(next(&tx, Some(&user), &client), Step::Success);
    }

    #[test]
    fn optional_enrollment_is_offered_until_skipped() {
        let (user, client) = setup("enroll@example.com");
        let mut tx = tx();
        tx.login = Some(user.login.clone());
        tx.password_ok = true;
        assert_eq!(
            next(&tx, Some(&user), &client),
            Step::Enroll { optional: true }
        );
        tx.skipped_enroll = true;
        assert_eq!(next(&tx, Some(&user), &client), Step::Success);
    }
}
