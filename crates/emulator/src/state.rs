//! The state shared by every handler: config, key, one-time stores,
//! counters, rate limiter and the demo API's todos.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::api::todos::TodoStore;
use super::config::{ClientConfig, EmulatorConfig, LimitedEndpoint, TokenKind, UserConfig};
use super::counters::{Counter, Counters};
use super::ids::{epoch_secs, stable_id};
use super::keyring::{KeyRing, ServerKeys};
use super::okta_error::OktaError;
use super::ratelimit::RateLimiter;
use super::store::Store;

pub(crate) type AppState = Arc<Shared>;

/// Where an authn transaction stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TxStatus {
    PasswordWarn,
    PasswordExpired,
    LockedOut,
    MfaRequired,
    MfaEnroll { skippable: bool },
}

/// A pending authn transaction, keyed by its stateToken.
#[derive(Debug, Clone)]
pub(crate) struct Transaction {
    pub(crate) login: String,
    pub(crate) status: TxStatus,
}

/// A live sessionToken: a user who authenticated.
#[derive(Debug, Clone)]
pub(crate) struct Session {
    pub(crate) login: String,
    pub(crate) auth_time: u64,
    pub(crate) amr: Vec<&'static str>,
}

/// What a set of tokens is about.
#[derive(Debug, Clone)]
pub(crate) struct Grant {
    pub(crate) server: String,
    pub(crate) client_id: String,
    /// None for client_credentials.
    pub(crate) session: Option<Session>,
    pub(crate) scopes: Vec<String>,
    pub(crate) nonce: Option<String>,
}

/// An authorization code's binding.
#[derive(Debug, Clone)]
pub(crate) struct CodeGrant {
    pub(crate) grant: Grant,
    pub(crate) redirect_uri: String,
    pub(crate) challenge: Option<String>,
}

/// An authorization server as seen on the wire.
#[derive(Debug, Clone)]
pub(crate) struct ServerView {
    pub(crate) id: String,
    pub(crate) issuer: String,
    /// Base of the endpoints: issuer for custom servers, {okta}/oauth2 for org.
    pub(crate) base: String,
    pub(crate) audience: String,
    pub(crate) scopes: Vec<String>,
    /// Tokens that carry the `groups` claim.
    pub(crate) groups_claim: Vec<TokenKind>,
}

/// Everything handlers share.
pub(crate) struct Shared {
    pub(crate) config: EmulatorConfig,
    pub(crate) okta_url: String,
    /// One key ring per authorization server ("org", custom ids, "generic").
    pub(crate) keys: ServerKeys,
    pub(crate) counters: Counters,
    pub(crate) limiter: RateLimiter,
    pub(crate) transactions: Store<Transaction>,
    pub(crate) sessions: Store<Session>,
    pub(crate) codes: Store<CodeGrant>,
    pub(crate) refresh_tokens: Store<Grant>,
    pub(crate) mfa_tokens: Store<Grant>,
    /// jti of revoked access and id tokens, kept as long as such a token lives.
    pub(crate) revoked: Store<()>,
    /// Passwords changed through the authn API, by lowercase login.
    pub(crate) changed_passwords: Mutex<HashMap<String, String>>,
    pub(crate) todos: TodoStore,
    /// Identity Engine (IDX) transactions and interaction codes.
    pub(crate) idx: super::idx::IdxStore,
    /// Every secret value issued or received (session and state tokens,
    /// codes, verifiers, tokens), so tests can assert that none leaks.
    pub(crate) issued: std::sync::Mutex<Vec<String>>,
    /// The jti of client assertions and DPoP proofs seen (replay checks).
    pub(crate) seen_jtis: Store<()>,
    /// The nonce DPoP proofs at /token must carry.
    pub(crate) dpop_nonce: String,
    /// The Amazon Cognito user pool's keys and pending sign-ins.
    pub(crate) cognito: super::cognito_state::CognitoState,
}

/// Every server with its own keys: org, the custom servers, generic.
fn server_ids(config: &EmulatorConfig) -> Vec<&str> {
    let custom = config.auth_servers.iter().map(|s| s.id.as_str());
    ["org", super::consts::SERVER_ID, super::consts::AUTH0_KEYS]
        .into_iter()
        .chain(custom)
        .collect()
}

/// The org server offers the OpenID Connect scopes only.
const ORG_SCOPES: [&str; 6] = super::consts::OIDC_SCOPES;

impl Shared {
    pub(crate) fn new(config: EmulatorConfig, okta_url: String) -> std::io::Result<Self> {
        let minutes = |m: u64| Duration::from_secs(60 * m);
        Ok(Shared {
            keys: ServerKeys::new(server_ids(&config)),
            counters: Counters::default(),
            limiter: RateLimiter::new(config.rate_limit.clone()),
            transactions: Store::new(minutes(5)),
            sessions: Store::new(minutes(5)),
            codes: Store::new(minutes(5)),
            refresh_tokens: Store::new(minutes(60 * 24 * 7)),
            mfa_tokens: Store::new(minutes(5)),
            revoked: Store::new(Duration::from_secs(
                config.access_token_lifetime_secs.saturating_add(60),
            )),
            changed_passwords: Mutex::default(),
            todos: TodoStore::seeded(&config.users),
            idx: super::idx::IdxStore::new(),
            issued: std::sync::Mutex::default(),
            seen_jtis: Store::new(minutes(70)),
            dpop_nonce: super::ids::random_token("", 32),
            cognito: super::cognito_state::CognitoState::new(),
            okta_url,
            config,
        })
    }

    /// Records a secret value that went over the wire.
    pub(crate) fn remember(&self, secret: &str) {
        if !secret.is_empty() {
            let mut issued = self.issued.lock().unwrap_or_else(|e| e.into_inner());
            issued.push(secret.to_owned());
        }
    }

    /// Issuer of a server: "org" is the org server, anything else a custom one.
    pub(crate) fn issuer(&self, server: &str) -> String {
        if server == "org" {
            self.okta_url.clone()
        } else {
            format!("{}/oauth2/{server}", self.okta_url)
        }
    }

    /// The org server or a configured custom server.
    pub(crate) fn server(&self, id: &str) -> Option<ServerView> {
        if id == "org" {
            return Some(ServerView {
                id: id.into(),
                issuer: self.okta_url.clone(),
                base: format!("{}/oauth2", self.okta_url),
                audience: self.okta_url.clone(),
                scopes: ORG_SCOPES.map(String::from).to_vec(),
                groups_claim: Vec::new(),
            });
        }
        let server = self.config.auth_servers.iter().find(|s| s.id == id)?;
        Some(ServerView {
            id: id.into(),
            issuer: self.issuer(id),
            base: self.issuer(id),
            audience: server.audience.clone(),
            scopes: server.scopes.clone(),
            groups_claim: server.groups_claim.clone(),
        })
    }

    /// The key ring of a server (org, custom or generic).
    pub(crate) fn ring(&self, server: &str) -> Option<&KeyRing> {
        self.keys.ring(server)
    }

    /// Rotates the key of a server; None for an unknown server.
    pub(crate) fn rotate_key(&self, server: &str) -> std::io::Result<Option<String>> {
        let Some(ring) = self.server(server).and(self.ring(server)) else {
            return Ok(None);
        };
        ring.rotate().map(Some)
    }

    /// True when `password` is the user's current password.
    pub(crate) fn password_matches(&self, user: &UserConfig, password: &str) -> bool {
        let changed = self.lock_passwords();
        match changed.get(&user.login.to_ascii_lowercase()) {
            Some(current) => current == password,
            None => user.password == password,
        }
    }

    /// True once the user changed an expired password.
    pub(crate) fn password_changed(&self, user: &UserConfig) -> bool {
        self.lock_passwords()
            .contains_key(&user.login.to_ascii_lowercase())
    }

    /// Records a new password for the user.
    pub(crate) fn change_password(&self, user: &UserConfig, password: &str) {
        self.lock_passwords()
            .insert(user.login.to_ascii_lowercase(), password.to_string());
    }

    fn lock_passwords(&self) -> std::sync::MutexGuard<'_, HashMap<String, String>> {
        self.changed_passwords
            .lock()
            .unwrap_or_else(|e| e.into_inner())
    }

    /// Looks a user up by login, case-insensitively as Okta does.
    pub(crate) fn user(&self, login: &str) -> Option<&UserConfig> {
        self.config
            .users
            .iter()
            .find(|u| u.login.eq_ignore_ascii_case(login))
    }

    pub(crate) fn client(&self, client_id: &str) -> Option<&ClientConfig> {
        self.config
            .clients
            .iter()
            .find(|c| c.client_id == client_id)
    }

    /// The user's Okta id (configured, or stable from the login).
    pub(crate) fn user_id_of(user: &UserConfig) -> String {
        user.id
            .clone()
            .unwrap_or_else(|| stable_id("00u", &user.login))
    }

    /// The id of the user's TOTP factor.
    pub(crate) fn factor_id_of(user: &UserConfig) -> String {
        stable_id("uft", &user.login)
    }

    /// True when the client's app is assigned to the user.
    pub(crate) fn is_assigned(client: &ClientConfig, user: &UserConfig) -> bool {
        client
            .assigned_groups
            .as_ref()
            .is_none_or(|groups| groups.iter().any(|g| user.groups.contains(g)))
    }

    pub(crate) fn count(&self, counter: Counter) {
        self.counters.bump(counter);
    }

    /// Applies the configured rate limit to one call.
    pub(crate) fn rate_limit(&self, endpoint: LimitedEndpoint) -> Result<(), OktaError> {
        self.limiter
            .check(endpoint, epoch_secs())
            .map_err(OktaError::rate_limited)
    }
}
