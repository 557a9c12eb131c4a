//! Call counters, readable by tests in-process and over HTTP.

use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};

/// Calls served so far, per endpoint family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CounterSnapshot {
    pub authn: u64,
    pub factor_verify: u64,
    pub authn_skip: u64,
    pub authorize: u64,
    pub token: u64,
    pub keys: u64,
    pub discovery: u64,
    pub api: u64,
    /// Identity Engine: POST {base}/v1/interact.
    #[serde(default)]
    pub interact: u64,
    /// Identity Engine: every POST /idp/idx/... (introspect and remediations).
    #[serde(default)]
    pub idx: u64,
}

/// The endpoint families that are counted.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Counter {
    Authn,
    FactorVerify,
    AuthnSkip,
    Authorize,
    Token,
    Keys,
    Discovery,
    Api,
    Interact,
    Idx,
}

/// Live atomic counters.
#[derive(Default)]
pub(crate) struct Counters {
    values: [AtomicU64; 10],
}

impl Counters {
    pub(crate) fn bump(&self, counter: Counter) {
        self.values[counter as usize].fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn snapshot(&self) -> CounterSnapshot {
        let get = |c: Counter| self.values[c as usize].load(Ordering::Relaxed);
        CounterSnapshot {
            authn: get(Counter::Authn),
            factor_verify: get(Counter::FactorVerify),
            authn_skip: get(Counter::AuthnSkip),
            authorize: get(Counter::Authorize),
            token: get(Counter::Token),
            keys: get(Counter::Keys),
            discovery: get(Counter::Discovery),
            api: get(Counter::Api),
            interact: get(Counter::Interact),
            idx: get(Counter::Idx),
        }
    }

    pub(crate) fn reset(&self) {
        for value in &self.values {
            value.store(0, Ordering::Relaxed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bump_snapshot_reset() {
        let counters = Counters::default();
        counters.bump(Counter::Token);
        counters.bump(Counter::Token);
        counters.bump(Counter::Api);
        let snapshot = counters.snapshot();
        assert_eq!((snapshot.token, snapshot.api, snapshot.authn), (2, 1, 0));
        counters.reset();
        assert_eq!(counters.snapshot(), CounterSnapshot::default());
    }
}
