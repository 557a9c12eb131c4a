//! Signing keys as Okta has them: one key ring per authorization server,
//! each publishing its active key and the next one (so a verifier that
//! caches the JWKS already knows a key before it signs anything), plus the
//! previous key after a rotation (so tokens signed before it still verify).
//! Keys are generated on first use (RSA key generation is the costly part
//! of an emulator start).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use serde::Serialize;
use serde_json::{Value, json};

use super::keys::SigningKey;

/// Seconds a verifier may cache a JWKS (`Cache-Control: max-age`).
pub(crate) const JWKS_MAX_AGE_SECS: u64 = 300;

#[derive(Default)]
struct Ring {
    previous: Option<Arc<SigningKey>>,
    active: Option<Arc<SigningKey>>,
    next: Option<Arc<SigningKey>>,
}

/// The keys of one authorization server.
#[derive(Default)]
pub(crate) struct KeyRing {
    ring: Mutex<Ring>,
}

impl KeyRing {
    fn lock(&self) -> MutexGuard<'_, Ring> {
        self.ring.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The key that signs now.
    pub(crate) fn active(&self) -> std::io::Result<Arc<SigningKey>> {
        ensure(&mut self.lock().active)
    }

    /// Signs `claims` with the active key.
    pub(crate) fn sign<T: Serialize>(&self, claims: &T) -> std::io::Result<String> {
        Ok(self.active()?.sign(claims))
    }

    /// Every published key: active, next, and the previous one if any.
    fn published(&self) -> std::io::Result<Vec<Arc<SigningKey>>> {
        let mut ring = self.lock();
        let active = ensure(&mut ring.active)?;
        let next = ensure(&mut ring.next)?;
        Ok([Some(active), Some(next), ring.previous.clone()]
            .into_iter()
            .flatten()
            .collect())
    }

    /// The JWK Set served at /v1/keys.
    pub(crate) fn jwks(&self) -> std::io::Result<Value> {
        let keys: Vec<Value> = self.published()?.iter().map(|k| k.jwk()).collect();
        Ok(json!({ "keys": keys }))
    }

    /// The published key with this kid.
    pub(crate) fn find(&self, kid: &str) -> Option<Arc<SigningKey>> {
        let ring = self.lock();
        [
            ring.active.as_ref(),
            ring.next.as_ref(),
            ring.previous.as_ref(),
        ]
        .into_iter()
        .flatten()
        .find(|k| k.kid == kid)
        .cloned()
    }

    /// The next key becomes active, the active one stays published as the
    /// previous key, and a new next key is published. Returns the new active kid.
    pub(crate) fn rotate(&self) -> std::io::Result<String> {
        let mut ring = self.lock();
        let next = ensure(&mut ring.next)?;
        ring.previous = ring.active.replace(next.clone());
        ring.next = Some(Arc::new(SigningKey::generate()?));
        Ok(next.kid.clone())
    }
}

fn ensure(slot: &mut Option<Arc<SigningKey>>) -> std::io::Result<Arc<SigningKey>> {
    if let Some(key) = slot {
        return Ok(key.clone());
    }
    let key = Arc::new(SigningKey::generate()?);
    *slot = Some(key.clone());
    Ok(key)
}

/// One key ring per authorization server id ("org", custom ids, "generic").
pub(crate) struct ServerKeys {
    rings: HashMap<String, KeyRing>,
}

impl ServerKeys {
    /// A ring for each of these server ids.
    pub(crate) fn new<'a>(servers: impl IntoIterator<Item = &'a str>) -> Self {
        let rings = servers
            .into_iter()
            .map(|id| (id.to_string(), KeyRing::default()))
            .collect();
        ServerKeys { rings }
    }

    /// The ring of a server, if it exists.
    pub(crate) fn ring(&self, server: &str) -> Option<&KeyRing> {
        self.rings.get(server)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kids(ring: &KeyRing) -> Vec<String> {
        ring.jwks().unwrap()["keys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k["kid"].as_str().unwrap().to_string())
            .collect()
    }

    #[test]
    fn the_next_key_is_published_before_it_signs() {
        let ring = KeyRing::default();
        let before = kids(&ring);
        assert_eq!(before.len(), 2, "active and next");
        let active = ring.active().unwrap().kid.clone();
        assert_eq!(before[0], active);
        let new_active = ring.rotate().unwrap();
        assert_eq!(new_active, before[1], "the published next key signs now");
        let after = kids(&ring);
        assert_eq!(after.len(), 3);
        assert_eq!(after[0], before[1]);
        assert!(after.contains(&active), "the old key stays published");
        assert!(ring.find(&active).is_some());
    }

    #[test]
    fn servers_have_their_own_keys() {
        let keys = ServerKeys::new(["default", "other"]);
        let kid = |id: &str| keys.ring(id).unwrap().active().unwrap().kid.clone();
        assert_ne!(kid("default"), kid("other"));
        assert_eq!(kid("default"), kid("default"));
        assert!(keys.ring("missing").is_none());
    }
}
