//! One RSA-2048 signing key (aws-lc-rs): RS256 JWT signing and its JWK.

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::KeySize;
use aws_lc_rs::signature::{KeyPair, RSA_PKCS1_SHA256, RsaKeyPair, RsaPublicKeyComponents};
use serde::Serialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::ids::b64url;

/// An RSA key pair with its JWK parameters.
pub(crate) struct SigningKey {
    pair: RsaKeyPair,
    rng: SystemRandom,
    /// RFC 7638 thumbprint of the public key.
    pub(crate) kid: String,
    /// Base64url modulus and exponent.
    pub(crate) n: String,
    pub(crate) e: String,
}

impl SigningKey {
    /// Generates a fresh key (tens of milliseconds with aws-lc).
    pub(crate) fn generate() -> std::io::Result<Self> {
        let pair = RsaKeyPair::generate(KeySize::Rsa2048)
            .map_err(|_| std::io::Error::other("failed to generate the emulator's rsa key"))?;
        let components = RsaPublicKeyComponents::<Vec<u8>>::from(pair.public_key());
        let n = b64url(&components.n);
        let e = b64url(&components.e);
        let thumbprint = format!(r#"{{"e":"{e}","kty":"RSA","n":"{n}"}}"#);
        let kid = b64url(&Sha256::digest(thumbprint.as_bytes()));
        Ok(SigningKey {
            pair,
            rng: SystemRandom::new(),
            kid,
            n,
            e,
        })
    }

    /// Signs `claims` as an RS256 JWT with this key's kid.
    pub(crate) fn sign<T: Serialize>(&self, claims: &T) -> String {
        let header = json!({"kid": self.kid, "alg": "RS256"});
        let payload = serde_json::to_vec(claims).unwrap_or_default();
        let input = format!(
            "{}.{}",
            b64url(header.to_string().as_bytes()),
            b64url(&payload)
        );
        let mut signature = vec![0; self.pair.public_modulus_len()];
        // Signing with a valid in-memory key and a system RNG does not fail in practice;
        // an empty signature would simply be rejected by every verifier.
        if self
            .pair
            .sign(
                &RSA_PKCS1_SHA256,
                &self.rng,
                input.as_bytes(),
                &mut signature,
            )
            .is_err()
        {
            signature.clear();
        }
        format!("{input}.{}", b64url(&signature))
    }

    /// This key as a JWK.
    pub(crate) fn jwk(&self) -> Value {
        json!({
            "kty": "RSA",
            "alg": "RS256",
            "kid": self.kid,
            "use": "sig",
            "e": self.e,
            "n": self.n,
        })
    }

    /// A jsonwebtoken key for verifying tokens this key signed.
    pub(crate) fn decoding_key(&self) -> jsonwebtoken::DecodingKey {
        let components = RsaPublicKeyComponents::<Vec<u8>>::from(self.pair.public_key());
        jsonwebtoken::DecodingKey::from_rsa_raw_components(&components.n, &components.e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jsonwebtoken::{Algorithm, Validation, decode};

    #[test]
    fn signed_tokens_verify_with_the_published_key() {
        let key = SigningKey::generate().unwrap();
        let token = key.sign(&json!({"sub": "ada", "exp": 4_000_000_000u64}));
        let header = jsonwebtoken::decode_header(&token).unwrap();
        assert_eq!(header.kid.as_deref(), Some(key.kid.as_str()));
        let jwk: jsonwebtoken::jwk::Jwk = serde_json::from_value(key.jwk()).unwrap();
        let decoding = jsonwebtoken::DecodingKey::from_jwk(&jwk).unwrap();
        let mut validation = Validation::new(Algorithm::RS256);
        validation.validate_aud = false;
        let data = decode::<Value>(&token, &decoding, &validation).unwrap();
        assert_eq!(data.claims["sub"], "ada");
        decode::<Value>(&token, &key.decoding_key(), &validation).unwrap();
    }
}
