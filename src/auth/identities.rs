//! The identities of a run: each logs in at most once, lazily, on first use,
//! shared by all concurrent tests; a failed login is remembered. A token
//! about to expire is refreshed (or the login redone) by the first caller.

use super::cache::TokenCache;
use super::client::LoginClient;
use super::error::LoginError;
use super::fixture::Fixture;
use super::login::{login, renew};
use super::token::Token;
use crate::secret::mask::Masker;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use tokio::sync::Mutex;

/// A token this close to its expiry is renewed before use (at most half
/// its lifetime, so short-lived tokens are not renewed on every call).
pub const EXPIRY_MARGIN: Duration = Duration::from_secs(60);

type LoginResult = Result<Arc<Token>, Arc<LoginError>>;

/// Where the registry reads the time to decide that a token is expiring:
/// the system clock, or one a test moves forward.
pub type Clock = Arc<dyn Fn() -> SystemTime + Send + Sync>;

struct Slot {
    fixture: Fixture,
    /// The current token was read from the token cache (not a login of
    /// this run): a 401 may then mean it was revoked.
    from_cache: std::sync::atomic::AtomicBool,
    /// Whether this identity's token may be read from / written to the cache.
    cacheable: bool,
    /// None until the first login, with the time it ended; the lock makes
    /// concurrent callers wait for the same login.
    outcome: Mutex<Option<(LoginResult, SystemTime)>>,
}

/// The registry of identities shared by all tests of a run.
pub struct Identities {
    slots: BTreeMap<String, Slot>,
    client: LoginClient,
    masker: Masker,
    cache: Option<TokenCache>,
    /// `--fresh-login`: never read the cache (still write it).
    fresh: bool,
    clock: Clock,
    /// Token cache problems met during the run, shown once at its end.
    warnings: std::sync::Mutex<Vec<String>>,
    /// Logins (and renewals) made against the authorization server.
    logins: std::sync::atomic::AtomicU64,
}

impl Identities {
    pub fn new(fixtures: BTreeMap<String, Fixture>, client: LoginClient, masker: Masker) -> Self {
        for secret in fixtures.values().flat_map(Fixture::secrets) {
            masker.add(secret);
        }
        let warnings: Vec<String> = fixtures.values().flat_map(Fixture::warnings).collect();
        let slots = fixtures
            .into_iter()
            .map(|(name, fixture)| {
                let outcome = Mutex::new(None);
                // A DPoP-bound token is useless without the key held for this run.
                let cacheable = fixture.cache_key().is_some() && !fixture.dpop();
                let slot = Slot {
                    fixture,
                    from_cache: Default::default(),
                    cacheable,
                    outcome,
                };
                (name, slot)
            })
            .collect();
        Self {
            slots,
            client,
            masker,
            cache: None,
            fresh: false,
            clock: Arc::new(SystemTime::now),
            warnings: std::sync::Mutex::new(warnings),
            logins: Default::default(),
        }
    }

    /// Reads the time from `clock` instead of the system clock.
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// Reuses tokens between runs through `cache` (docs/fixtures.md, "Token cache"), except for the
    /// identities in `uncached` (e.g. those on the in-process emulator,
    /// whose tokens die with the run). `fresh` skips reading the cache.
    /// A cache folder that is unsafe (see [`TokenCache::check`]) is not used,
    /// with a warning.
    pub fn with_cache(mut self, cache: TokenCache, fresh: bool, uncached: &[String]) -> Self {
        if let Err(e) = cache.check() {
            self.warn(format!("{e}; the token cache is not used"));
            return self;
        }
        for name in uncached {
            if let Some(slot) = self.slots.get_mut(name) {
                slot.cacheable = false;
            }
        }
        self.cache = Some(cache);
        self.fresh = fresh;
        self
    }

    fn cached(&self, slot: &Slot) -> Option<Token> {
        if self.fresh || !slot.cacheable {
            return None;
        }
        let loaded = self
            .cache
            .as_ref()?
            .load(&slot.fixture.cache_key()?, (self.clock)());
        let token = loaded.unwrap_or_else(|e| {
            self.warn(e.to_string());
            None
        })?;
        self.masker.add(token.access_token.clone());
        slot.from_cache
            .store(true, std::sync::atomic::Ordering::Relaxed);
        Some(token)
    }

    /// How many logins (and renewals) this run has made; tokens read
    /// from the cache are not counted.
    pub fn logins_made(&self) -> u64 {
        self.logins.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// True when `name`'s token was read from the token cache.
    pub fn token_from_cache(&self, name: &str) -> bool {
        self.slots
            .get(name)
            .is_some_and(|s| s.from_cache.load(std::sync::atomic::Ordering::Relaxed))
    }

    fn remember(&self, slot: &Slot, outcome: &Result<Token, LoginError>) {
        if let (Some(cache), Some(key), Ok(token), true) = (
            &self.cache,
            slot.fixture.cache_key(),
            outcome,
            slot.cacheable,
        ) && let Err(e) = cache.store(&key, token)
        {
            self.warn(e.to_string());
        }
    }

    /// Removes `access_token` of `name` from the token cache when it came
    /// from there (the API rejected it with 401): the next run logs in.
    /// True when it was evicted.
    pub fn evict(&self, name: &str, access_token: &str) -> bool {
        let (Some(slot), Some(cache)) = (self.slots.get(name), &self.cache) else {
            return false;
        };
        let Some(key) = slot.fixture.cache_key() else {
            return false;
        };
        if !slot.from_cache.load(std::sync::atomic::Ordering::Relaxed) {
            return false;
        }
        match cache.evict(&key, access_token) {
            Ok(()) => true,
            Err(e) => {
                self.warn(e.to_string());
                false
            }
        }
    }

    /// Records a token cache problem for [`Identities::warnings`] (once).
    fn warn(&self, warning: String) {
        let mut warnings = self.warnings.lock().unwrap_or_else(|e| e.into_inner());
        if !warnings.contains(&warning) {
            warnings.push(warning);
        }
    }

    /// The token cache problems of the run, for the caller to print.
    pub fn warnings(&self) -> Vec<String> {
        self.warnings
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The identity names, sorted.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.slots.keys().map(String::as_str)
    }

    pub fn fixture(&self, name: &str) -> Option<&Fixture> {
        self.slots.get(name).map(|s| &s.fixture)
    }

    /// The token of `name`: the first caller logs in, the others wait for it.
    pub async fn token(&self, name: &str) -> LoginResult {
        let Some(slot) = self.slots.get(name) else {
            let known: Vec<&str> = self.names().collect();
            return Err(Arc::new(LoginError::unknown_identity(name, &known)));
        };
        let mut outcome = slot.outcome.lock().await;
        let next = match outcome.as_ref() {
            None => match self.cached(slot) {
                Some(token) => Ok(token),
                None => {
                    self.logins
                        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let fresh = login(&slot.fixture, &self.client, &self.masker).await;
                    self.remember(slot, &fresh);
                    fresh
                }
            },
            Some((Ok(token), got)) if expiring(token, *got, (self.clock)()) => {
                self.logins
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let renewed = renew(&slot.fixture, token, &self.client, &self.masker).await;
                self.remember(slot, &renewed);
                renewed
            }
            Some((done, _)) => return done.clone(),
        };
        let next = next.map(Arc::new).map_err(Arc::new);
        *outcome = Some((next.clone(), (self.clock)()));
        next
    }
}

/// True when the token, obtained at `got`, is within its renewal margin at `now`.
fn expiring(token: &Token, got: SystemTime, now: SystemTime) -> bool {
    let Some(expires_at) = token.expires_at else {
        return false;
    };
    let lifetime = expires_at.duration_since(got).unwrap_or_default();
    let margin = EXPIRY_MARGIN.min(lifetime / 2);
    expires_at <= now + margin
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::fixture::StaticFixture;

    fn identities() -> Identities {
        let fixture = Fixture::Static(StaticFixture {
            access_token: "static-token-1".into(),
            token_type: "Bearer".into(),
        });
        let fixtures = BTreeMap::from([("svc".to_owned(), fixture)]);
        Identities::new(
            fixtures,
            LoginClient::new(Duration::from_secs(1)),
            Masker::new(),
        )
    }

    #[tokio::test]
    async fn static_identity_and_unknown_name() {
        let ids = identities();
        assert_eq!(ids.names().collect::<Vec<_>>(), ["svc"]);
        let token = ids.token("svc").await.unwrap();
        assert_eq!(token.access_token, "static-token-1");
        assert!(Arc::ptr_eq(&token, &ids.token("svc").await.unwrap()));
        let err = ids.token("sv").await.unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown identity `sv` (no fixtures/sv.yaml; known: svc)"
        );
        assert!(ids.masker.contains_secret("static-token-1"));
    }

    #[test]
    fn expiry_margin() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1000);
        let token = |secs: Option<u64>| Token {
            access_token: "a".into(),
            token_type: "Bearer".into(),
            expires_at: secs.map(|s| SystemTime::UNIX_EPOCH + Duration::from_secs(s)),
            refresh_token: None,
            id_token: None,
            scope: None,
            dpop: None,
        };
        let got = now - Duration::from_secs(3000);
        assert!(!expiring(&token(None), got, now));
        assert!(!expiring(&token(Some(1061)), got, now));
        assert!(expiring(&token(Some(1060)), got, now));
        // A 10 s token is renewed in its last 5 s, not on every call.
        assert!(!expiring(&token(Some(1010)), now, now));
        assert!(!expiring(
            &token(Some(1010)),
            now,
            now + Duration::from_secs(4)
        ));
        assert!(expiring(
            &token(Some(1010)),
            now,
            now + Duration::from_secs(5)
        ));
    }
}
