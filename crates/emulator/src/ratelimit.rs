//! Optional fixed-window rate limiting with Okta's X-Rate-Limit-* headers.

use std::collections::HashMap;
use std::sync::Mutex;

use super::config::{LimitedEndpoint, RateLimitConfig};

/// The numbers behind the X-Rate-Limit-* headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RateInfo {
    pub(crate) limit: u32,
    pub(crate) remaining: u32,
    /// UTC epoch seconds when the window resets.
    pub(crate) reset: u64,
}

/// Counts calls per endpoint in fixed windows aligned to the epoch.
pub(crate) struct RateLimiter {
    config: Option<RateLimitConfig>,
    windows: Mutex<HashMap<LimitedEndpoint, (u64, u32)>>,
}

impl RateLimiter {
    pub(crate) fn new(config: Option<RateLimitConfig>) -> Self {
        RateLimiter {
            config,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Counts a call at `now` (epoch seconds); Err when past the limit.
    pub(crate) fn check(&self, endpoint: LimitedEndpoint, now: u64) -> Result<(), RateInfo> {
        let Some(config) = &self.config else {
            return Ok(());
        };
        if !config.endpoints.contains(&endpoint) {
            return Ok(());
        }
        let window = config.window_secs.max(1);
        let start = now - now % window;
        let mut windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        let entry = windows.entry(endpoint).or_insert((start, 0));
        if entry.0 != start {
            *entry = (start, 0);
        }
        entry.1 = entry.1.saturating_add(1);
        if entry.1 <= config.limit {
            return Ok(());
        }
        Err(RateInfo {
            limit: config.limit,
            remaining: 0,
            reset: start + window,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter() -> RateLimiter {
        RateLimiter::new(Some(RateLimitConfig {
            endpoints: vec![LimitedEndpoint::Authn],
            limit: 2,
            window_secs: 60,
        }))
    }

    #[test]
    fn limit_applies_per_window() {
        let limiter = limiter();
        assert!(limiter.check(LimitedEndpoint::Authn, 120).is_ok());
        assert!(limiter.check(LimitedEndpoint::Authn, 130).is_ok());
        let info = limiter.check(LimitedEndpoint::Authn, 150).unwrap_err();
        assert_eq!(
            info,
            RateInfo {
                limit: 2,
                remaining: 0,
                reset: 180
            }
        );
        assert!(limiter.check(LimitedEndpoint::Authn, 181).is_ok());
    }

    #[test]
    fn other_endpoints_are_free() {
        let limiter = limiter();
        for _ in 0..10 {
            assert!(limiter.check(LimitedEndpoint::Token, 1).is_ok());
        }
        assert!(
            RateLimiter::new(None)
                .check(LimitedEndpoint::Authn, 1)
                .is_ok()
        );
    }
}
