//! `private_key_jwt` client authentication (RFC 7523; docs/fixtures.md, "Stronger clients"): a fresh
//! client assertion signed with the fixture's private key for every token
//! request.

use super::error::LoginFailure;
use crate::secret::mask::Masker;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::json;
use std::time::{SystemTime, UNIX_EPOCH};

/// The `client_assertion_type` of a JWT client assertion.
pub const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// How long an assertion is valid: short, as Okta asks (at most an hour).
const LIFETIME_SECS: u64 = 120;

/// A client's private key, ready to sign assertions.
pub struct ClientKey {
    key: EncodingKey,
    alg: Algorithm,
    kid: Option<String>,
}

/// The most read from a `private_key` PEM file.
const KEY_FILE_LIMIT: u64 = 64 << 10;

impl ClientKey {
    /// Reads `private_key`: PEM text (from `${ENV}`) or the path of a PEM
    /// file; RSA (RS256) or EC P-256 (ES256), PKCS#8 or PKCS#1.
    /// The key text is registered with `masker` as a secret.
    pub fn load(
        private_key: &str,
        key_id: Option<&str>,
        masker: &Masker,
    ) -> Result<Self, LoginFailure> {
        if private_key.trim().is_empty() {
            return Err(LoginFailure::Config(
                "auth_method is private_key_jwt: set private_key to the client's private key (a PEM file's path or the PEM text, e.g. ${OKTA_PRIVATE_KEY})".to_owned(),
            ));
        }
        let pem = if private_key.contains("-----BEGIN") {
            private_key.to_owned()
        } else {
            let path = private_key.trim();
            crate::disk::read_regular_text(std::path::Path::new(path), KEY_FILE_LIMIT).map_err(|e| {
                LoginFailure::Config(format!(
                    "private_key: the PEM file `{path}`: {e}; set private_key to a PEM file's path (relative to where gatecheck runs) or to the PEM text itself, e.g. ${{OKTA_PRIVATE_KEY}}"
                ))
            })?
        };
        masker.add(pem.trim());
        let (key, alg) = parse_pem(&pem)?;
        Ok(ClientKey {
            key,
            alg,
            kid: key_id.map(str::to_owned),
        })
    }

    /// A fresh assertion for `client_id` at `token_url` (registered with `masker`).
    pub fn assertion(
        &self,
        client_id: &str,
        token_url: &str,
        now: SystemTime,
        masker: &Masker,
    ) -> Result<String, LoginFailure> {
        let iat = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let claims = json!({
            "iss": client_id,
            "sub": client_id,
            "aud": token_url,
            "iat": iat,
            "exp": iat + LIFETIME_SECS,
            "jti": uuid::Uuid::new_v4().to_string(),
        });
        let mut header = Header::new(self.alg);
        header.kid = self.kid.clone();
        let jwt = jsonwebtoken::encode(&header, &claims, &self.key).map_err(|e| {
            LoginFailure::Config(format!(
                "private_key: cannot sign the client assertion ({e})"
            ))
        })?;
        masker.add(jwt.as_str());
        Ok(jwt)
    }
}

/// An RSA or EC private key in PEM, with the algorithm it signs with.
fn parse_pem(pem: &str) -> Result<(EncodingKey, Algorithm), LoginFailure> {
    if pem.contains("ENCRYPTED PRIVATE KEY") {
        return Err(LoginFailure::Config(
            "private_key is encrypted; give an unencrypted PEM key (openssl pkcs8 -topk8 -nocrypt)"
                .to_owned(),
        ));
    }
    if let Ok(key) = EncodingKey::from_rsa_pem(pem.as_bytes()) {
        return Ok((key, Algorithm::RS256));
    }
    if let Ok(key) = EncodingKey::from_ec_pem(pem.as_bytes())
        && jsonwebtoken::jwk::Jwk::from_encoding_key(&key, Algorithm::ES256).is_ok()
    {
        return Ok((key, Algorithm::ES256));
    }
    Err(LoginFailure::Config(
        "private_key is not an RSA or EC P-256 private key in PEM (-----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----)".to_owned(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::test_keys;
    use jsonwebtoken::{DecodingKey, Validation, decode};

    fn claims_of(jwt: &str, public: &DecodingKey, alg: Algorithm) -> serde_json::Value {
        let mut v = Validation::new(alg);
        v.set_audience(&["https://o.example/oauth2/default/v1/token"]);
        decode::<serde_json::Value>(jwt, public, &v).unwrap().claims
    }

    #[test]
    fn ec_and_rsa_keys_sign_fresh_assertions() {
        for (pem, alg) in [
            (test_keys::ec_pem(), Algorithm::ES256),
            (test_keys::rsa_pem(), Algorithm::RS256),
        ] {
            let key = ClientKey::load(&pem, Some("k1"), &Masker::new()).unwrap();
            let masker = Masker::new();
            let aud = "https://o.example/oauth2/default/v1/token";
            let a = key
                .assertion("svc", aud, SystemTime::now(), &masker)
                .unwrap();
            let b = key
                .assertion("svc", aud, SystemTime::now(), &masker)
                .unwrap();
            let public = test_keys::decoding_key(&pem, alg);
            let (ca, cb) = (claims_of(&a, &public, alg), claims_of(&b, &public, alg));
            assert_eq!(
                (ca["iss"].as_str(), ca["sub"].as_str()),
                (Some("svc"), Some("svc"))
            );
            assert_ne!(ca["jti"], cb["jti"]);
            let life = ca["exp"].as_u64().unwrap() - ca["iat"].as_u64().unwrap();
            assert!(life <= 300, "{life}");
            assert_eq!(
                jsonwebtoken::decode_header(&a).unwrap().kid.as_deref(),
                Some("k1")
            );
            assert!(!masker.mask(&format!("x {a} y")).contains(&a));
        }
    }

    #[test]
    fn a_pem_file_path_is_read_and_bad_keys_are_named() {
        let dir = std::env::temp_dir().join(format!("gc-key-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("key.pem");
        std::fs::write(&path, test_keys::ec_pem()).unwrap();
        assert!(ClientKey::load(path.to_str().unwrap(), None, &Masker::new()).is_ok());
        let missing = ClientKey::load("nope/key.pem", None, &Masker::new())
            .err()
            .unwrap()
            .to_string();
        assert!(missing.contains("nope/key.pem"), "{missing}");
        let bad = ClientKey::load(
            "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----",
            None,
            &Masker::new(),
        )
        .err()
        .unwrap()
        .to_string();
        assert!(bad.contains("not an RSA or EC"), "{bad}");
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn a_key_path_that_is_a_folder_or_too_large_is_refused_unread() {
        let dir = std::env::temp_dir().join(format!("gc-key-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(dir.join("keys")).unwrap();
        let folder = dir.join("keys");
        let err = ClientKey::load(folder.to_str().unwrap(), None, &Masker::new())
            .err()
            .unwrap()
            .to_string();
        assert!(
            err.contains(&format!(
                "`{}`: is not a regular file (a folder)",
                folder.display()
            )),
            "{err}"
        );
        let big = dir.join("big.pem");
        std::fs::write(&big, "A".repeat(KEY_FILE_LIMIT as usize + 1)).unwrap();
        let err = ClientKey::load(big.to_str().unwrap(), None, &Masker::new())
            .err()
            .unwrap()
            .to_string();
        assert!(
            err.contains(&format!("`{}`: is larger than 64 KiB", big.display())),
            "{err}"
        );
        std::fs::remove_dir_all(dir).ok();
    }
}
