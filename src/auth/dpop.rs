//! DPoP (RFC 9449): a key pair held for a login's token, and the proofs
//! that show possession of it at /token and on every API request.

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::{Jwk, ThumbprintHash};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::Url;
use serde_json::json;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

/// The `error` of a server that wants a nonce in the proof.
pub const USE_DPOP_NONCE: &str = "use_dpop_nonce";

/// An EC P-256 key pair (ES256) and the nonces servers handed out for it.
pub struct DpopKey {
    key: EncodingKey,
    jwk: Jwk,
    /// RFC 7638 SHA-256 thumbprint of the public key (`cnf.jkt`).
    jkt: String,
    /// Origin (scheme://host:port) -> the latest `DPoP-Nonce` it sent.
    nonces: Mutex<HashMap<String, String>>,
}

impl DpopKey {
    /// A fresh key pair (cheap: an EC P-256 key).
    pub fn generate() -> Result<Self, String> {
        let failed = |what: &str| format!("cannot make the DPoP key pair ({what})");
        let pkcs8 =
            EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &SystemRandom::new())
                .map_err(|_| failed("key generation"))?;
        let key = EncodingKey::from_ec_der(pkcs8.as_ref());
        let jwk =
            Jwk::from_encoding_key(&key, Algorithm::ES256).map_err(|e| failed(&e.to_string()))?;
        let jkt = jwk
            .thumbprint(ThumbprintHash::SHA256)
            .map_err(|e| failed(&e.to_string()))?;
        Ok(DpopKey {
            key,
            jwk,
            jkt,
            nonces: Mutex::default(),
        })
    }

    /// The public key's thumbprint, as in the token's `cnf.jkt`.
    pub fn thumbprint(&self) -> &str {
        &self.jkt
    }

    /// A fresh proof for `method url` (with `ath` for `access_token`, and
    /// the nonce the URL's origin asked for last).
    pub fn proof(
        &self,
        method: &str,
        url: &Url,
        access_token: Option<&str>,
        now: SystemTime,
    ) -> Result<String, String> {
        let mut claims = json!({
            "jti": uuid::Uuid::new_v4().to_string(),
            "htm": method.to_ascii_uppercase(),
            "htu": htu(url),
            "iat": now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()),
        });
        if let Some(token) = access_token {
            claims["ath"] = json!(ath(token));
        }
        if let Some(nonce) = self.nonce_for(url) {
            claims["nonce"] = json!(nonce);
        }
        let mut header = Header::new(Algorithm::ES256);
        header.typ = Some("dpop+jwt".to_owned());
        header.jwk = Some(self.jwk.clone());
        jsonwebtoken::encode(&header, &claims, &self.key)
            .map_err(|e| format!("cannot sign the DPoP proof ({e})"))
    }

    /// Remembers the `DPoP-Nonce` `url`'s origin sent; true when it is new
    /// (a request refused for want of it is then worth sending again).
    pub fn learn_nonce(&self, url: &Url, nonce: Option<&str>) -> bool {
        let Some(nonce) = nonce.map(str::trim).filter(|n| !n.is_empty()) else {
            return false;
        };
        let mut nonces = self.nonces.lock().unwrap_or_else(|e| e.into_inner());
        let old = nonces.insert(origin(url), nonce.to_owned());
        old.as_deref() != Some(nonce)
    }

    fn nonce_for(&self, url: &Url) -> Option<String> {
        let nonces = self.nonces.lock().unwrap_or_else(|e| e.into_inner());
        nonces.get(&origin(url)).cloned()
    }
}

impl PartialEq for DpopKey {
    fn eq(&self, other: &Self) -> bool {
        self.jkt == other.jkt
    }
}

impl Eq for DpopKey {}

impl std::fmt::Debug for DpopKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DpopKey").field("jkt", &self.jkt).finish()
    }
}

/// The `htu` of a request: its URL without query and fragment.
pub fn htu(url: &Url) -> String {
    let mut url = url.clone();
    url.set_query(None);
    url.set_fragment(None);
    url.to_string()
}

/// The `ath` of a proof: base64url(SHA-256(access token)).
pub fn ath(access_token: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(access_token.as_bytes()))
}

fn origin(url: &Url) -> String {
    url.origin().ascii_serialization()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jsonwebtoken::{DecodingKey, Validation, decode, decode_header};

    #[test]
    fn proofs_carry_the_public_key_and_the_request() {
        let key = DpopKey::generate().unwrap();
        let url = Url::parse("https://api.example/todos/1?x=1#f").unwrap();
        let proof = key
            .proof("get", &url, Some("tok"), SystemTime::now())
            .unwrap();
        let header = decode_header(&proof).unwrap();
        assert_eq!(header.typ.as_deref(), Some("dpop+jwt"));
        let jwk = header.jwk.unwrap();
        assert_eq!(
            jwk.thumbprint(ThumbprintHash::SHA256).unwrap(),
            key.thumbprint()
        );
        let mut v = Validation::new(Algorithm::ES256);
        v.required_spec_claims.clear();
        v.validate_exp = false;
        let claims = decode::<serde_json::Value>(&proof, &DecodingKey::from_jwk(&jwk).unwrap(), &v)
            .unwrap()
            .claims;
        assert_eq!(claims["htm"], "GET");
        assert_eq!(claims["htu"], "https://api.example/todos/1");
        assert_eq!(claims["ath"], ath("tok"));
        assert!(claims.get("nonce").is_none());
        let again = key
            .proof("get", &url, Some("tok"), SystemTime::now())
            .unwrap();
        assert_ne!(proof, again, "a fresh jti every time");
    }

    #[test]
    fn nonces_are_kept_per_origin() {
        let key = DpopKey::generate().unwrap();
        let a = Url::parse("https://as.example/oauth2/v1/token").unwrap();
        let b = Url::parse("https://api.example/todos").unwrap();
        assert!(key.learn_nonce(&a, Some("n1")));
        assert!(!key.learn_nonce(&a, Some("n1")));
        assert!(!key.learn_nonce(&a, None));
        let claims = |url: &Url| {
            let proof = key.proof("POST", url, None, SystemTime::now()).unwrap();
            jsonwebtoken::dangerous::insecure_decode::<serde_json::Value>(&proof)
                .unwrap()
                .claims
        };
        assert_eq!(claims(&a)["nonce"], "n1");
        assert!(claims(&b).get("nonce").is_none());
    }
}
