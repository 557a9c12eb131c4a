//! Expiring, one-time tokens (stateTokens, sessionTokens, codes, refresh
//! and mfa tokens), keyed by the token string.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A map of token -> value that forgets entries after their lifetime.
pub(crate) struct Store<T> {
    lifetime: Duration,
    entries: Mutex<HashMap<String, (Instant, T)>>,
}

impl<T: Clone> Store<T> {
    pub(crate) fn new(lifetime: Duration) -> Self {
        Store {
            lifetime,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// Stores `value` under `key` until now + lifetime.
    pub(crate) fn insert(&self, key: String, value: T) {
        self.insert_at(key, value, Instant::now());
    }

    fn insert_at(&self, key: String, value: T, now: Instant) {
        let mut entries = self.lock();
        if entries.len() > 1024 {
            entries.retain(|_, (expires, _)| *expires > now);
        }
        entries.insert(key, (now + self.lifetime, value));
    }

    /// Removes and returns a live entry (one-time use).
    pub(crate) fn take(&self, key: &str) -> Option<T> {
        self.take_at(key, Instant::now())
    }

    fn take_at(&self, key: &str, now: Instant) -> Option<T> {
        let (expires, value) = self.lock().remove(key)?;
        (expires > now).then_some(value)
    }

    /// Returns a live entry without consuming it.
    pub(crate) fn get(&self, key: &str) -> Option<T> {
        let now = Instant::now();
        let entries = self.lock();
        let (expires, value) = entries.get(key)?;
        (*expires > now).then(|| value.clone())
    }

    /// A live entry and the seconds it has left.
    pub(crate) fn get_with_ttl(&self, key: &str) -> Option<(T, u64)> {
        let now = Instant::now();
        let entries = self.lock();
        let (expires, value) = entries.get(key)?;
        (*expires > now).then(|| (value.clone(), (*expires - now).as_secs()))
    }

    /// Forgets an entry.
    pub(crate) fn remove(&self, key: &str) {
        self.lock().remove(key);
    }

    /// Seconds an entry lives.
    pub(crate) fn lifetime_secs(&self) -> u64 {
        self.lifetime.as_secs()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (Instant, T)>> {
        self.entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_one_time() {
        let store = Store::new(Duration::from_secs(60));
        store.insert("a".into(), 1);
        assert_eq!(store.get("a"), Some(1));
        assert_eq!(store.take("a"), Some(1));
        assert_eq!(store.take("a"), None);
    }

    #[test]
    fn entries_expire() {
        let store = Store::new(Duration::from_secs(300));
        let now = Instant::now();
        store.insert_at("code".into(), "x", now);
        assert_eq!(store.take_at("code", now + Duration::from_secs(301)), None);
        store.insert_at("code".into(), "y", now);
        assert_eq!(
            store.take_at("code", now + Duration::from_secs(299)),
            Some("y")
        );
    }
}
