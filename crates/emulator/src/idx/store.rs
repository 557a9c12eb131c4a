//! IDX transactions: an interaction handle names one, its stateHandle
//! carries it through the remediations, an interaction code ends it.

use std::time::Duration;

use super::super::state::CodeGrant;
use super::super::store::Store;
use super::authenticators::Kind;

/// How long an IDX transaction (and its stateHandle) lives.
pub(crate) const TX_LIFETIME: Duration = Duration::from_secs(600);

/// One sign-in in progress.
#[derive(Debug, Clone)]
pub(crate) struct IdxTx {
    pub(crate) server: String,
    pub(crate) client_id: String,
    pub(crate) scopes: Vec<String>,
    pub(crate) redirect_uri: String,
    pub(crate) challenge: String,
    pub(crate) nonce: Option<String>,
    /// The identified user's login.
    pub(crate) login: Option<String>,
    pub(crate) password_ok: bool,
    pub(crate) factor_ok: bool,
    /// The authenticator being challenged.
    pub(crate) current: Option<Kind>,
    pub(crate) skipped_warning: bool,
    pub(crate) skipped_enroll: bool,
    /// Set once the transaction succeeded (a code is minted once).
    pub(crate) interaction_code: Option<String>,
}

/// The IDX side's one-time stores.
pub(crate) struct IdxStore {
    /// interaction_handle -> stateHandle.
    pub(crate) handles: Store<String>,
    /// stateHandle -> transaction.
    pub(crate) transactions: Store<IdxTx>,
    /// interaction_code -> what /token issues for it.
    pub(crate) codes: Store<CodeGrant>,
}

impl IdxStore {
    pub(crate) fn new() -> Self {
        IdxStore {
            handles: Store::new(TX_LIFETIME),
            transactions: Store::new(TX_LIFETIME),
            codes: Store::new(Duration::from_secs(300)),
        }
    }
}
