//! The one masking layer for secrets: every value registered here is replaced
//! by `***` in console output, `-v` dumps, JUnit, snapshots and error messages.

use std::sync::{Arc, RwLock};

/// Shortest value that is masked; shorter ones would garble unrelated text.
const MIN_SECRET_LEN: usize = 4;

/// The replacement shown instead of a secret.
pub const MASK: &str = "***";

/// A shared, growing set of secrets. Cheap to clone (an `Arc`).
#[derive(Clone, Default, Debug)]
pub struct Masker {
    secrets: Arc<RwLock<Vec<String>>>,
}

impl Masker {
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers a secret (a password, token, code, verifier...). Values
    /// shorter than four characters are ignored.
    pub fn add(&self, secret: impl Into<String>) {
        let secret = secret.into();
        if secret.len() < MIN_SECRET_LEN {
            return;
        }
        let mut secrets = self.secrets.write().unwrap_or_else(|e| e.into_inner());
        if !secrets.contains(&secret) {
            secrets.push(secret);
            // Longest first, so a secret that contains another is masked whole.
            secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        }
    }

    /// Returns `text` with every registered secret replaced by `***`.
    pub fn mask(&self, text: &str) -> String {
        let secrets = self.secrets.read().unwrap_or_else(|e| e.into_inner());
        mask_with(&secrets, text)
    }

    /// The secrets registered so far (one lock, for walking many values).
    pub fn secrets(&self) -> Vec<String> {
        self.secrets
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// True when `text` contains a registered secret.
    pub fn contains_secret(&self, text: &str) -> bool {
        let secrets = self.secrets.read().unwrap_or_else(|e| e.into_inner());
        secrets.iter().any(|s| text.contains(s.as_str()))
    }
}

/// `text` with each of `secrets` (longest first) replaced by `***`.
pub fn mask_with(secrets: &[String], text: &str) -> String {
    let mut out = text.to_owned();
    for secret in secrets {
        if out.contains(secret.as_str()) {
            out = out.replace(secret.as_str(), MASK);
        }
    }
    out
}

/// True when `text` contains one of `secrets`.
pub fn contains_any(secrets: &[String], text: &str) -> bool {
    secrets.iter().any(|s| text.contains(s.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_every_occurrence_longest_first() {
        let m = Masker::new();
        m.add("abcd");
        m.add("abcdefgh");
        assert_eq!(m.mask("x abcdefgh y abcd z"), "x *** y *** z");
    }

    #[test]
    fn ignores_short_values() {
        let m = Masker::new();
        m.add("ab");
        m.add("");
        assert_eq!(m.mask("ab cd"), "ab cd");
    }
}
