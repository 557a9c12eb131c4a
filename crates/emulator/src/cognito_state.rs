//! What the Cognito user pool keeps between calls: its signing keys, the
//! SRP exchanges waiting for their password proof (by secret block) and
//! the sign-ins waiting for an MFA answer (by session).

use std::time::Duration;

use gatecheck_login_crypto::srp::BigUint;

use super::keyring::KeyRing;
use super::store::Store;

/// An SRP exchange after InitiateAuth.
#[derive(Debug, Clone)]
pub(crate) struct SrpPending {
    pub(crate) email: &'static str,
    pub(crate) client_id: String,
    pub(crate) big_a: BigUint,
    pub(crate) big_b: BigUint,
    pub(crate) b: BigUint,
}

/// A sign-in whose password was right, waiting for a challenge's answer.
#[derive(Debug, Clone)]
pub(crate) struct ChallengePending {
    pub(crate) email: &'static str,
    pub(crate) client_id: String,
    /// The challenge the session answers.
    pub(crate) challenge: &'static str,
}

/// What a refresh token stands for.
#[derive(Debug, Clone)]
pub(crate) struct RefreshGrant {
    pub(crate) email: &'static str,
    pub(crate) client_id: String,
    pub(crate) scope: String,
}

/// An authorization code of the managed login.
#[derive(Debug, Clone)]
pub(crate) struct HostedCode {
    pub(crate) email: &'static str,
    pub(crate) client_id: String,
    pub(crate) redirect_uri: String,
    pub(crate) challenge: Option<String>,
    pub(crate) scope: String,
}

/// The user pool's state.
pub(crate) struct CognitoState {
    pub(crate) keys: KeyRing,
    pub(crate) srp: Store<SrpPending>,
    pub(crate) sessions: Store<ChallengePending>,
    /// The managed login's `_csrf` values handed out with a login page.
    pub(crate) csrf: Store<()>,
    pub(crate) codes: Store<HostedCode>,
    pub(crate) refresh_tokens: Store<RefreshGrant>,
}

impl CognitoState {
    pub(crate) fn new() -> Self {
        // Cognito's sessions live three minutes by default.
        let minutes = |m: u64| Duration::from_secs(60 * m);
        CognitoState {
            keys: KeyRing::default(),
            srp: Store::new(minutes(3)),
            sessions: Store::new(minutes(3)),
            csrf: Store::new(minutes(10)),
            codes: Store::new(minutes(5)),
            // Cognito's default refresh token lifetime: 30 days.
            refresh_tokens: Store::new(minutes(60 * 24 * 30)),
        }
    }
}
