//! PKCE (RFC 7636) and the random values of one login: pure, the RNG is
//! injected so tests are deterministic.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;

/// Random bytes behind a code_verifier: 32 bytes give 43 characters.
const VERIFIER_BYTES: usize = 32;
/// Random bytes behind `state` and `nonce`.
const STATE_BYTES: usize = 16;

/// A code_verifier and its S256 code_challenge.
#[derive(Clone, PartialEq, Eq)]
pub struct Pkce {
    pub verifier: String,
    pub challenge: String,
}

impl std::fmt::Debug for Pkce {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pkce")
            .field("verifier", &"***")
            .field("challenge", &self.challenge)
            .finish()
    }
}

impl Pkce {
    /// A fresh verifier (43 characters of the unreserved set) and its challenge.
    pub fn generate(rng: &mut impl RngCore) -> Self {
        Self::from_verifier(random_urlsafe(rng, VERIFIER_BYTES))
    }

    pub fn from_verifier(verifier: String) -> Self {
        let challenge = s256_challenge(&verifier);
        Self {
            verifier,
            challenge,
        }
    }
}

/// The values one authorization request needs, all fresh per login.
#[derive(Debug, Clone)]
pub struct AuthorizeParams {
    pub pkce: Pkce,
    pub state: String,
    pub nonce: String,
}

impl AuthorizeParams {
    pub fn generate(rng: &mut impl RngCore) -> Self {
        Self {
            pkce: Pkce::generate(rng),
            state: random_urlsafe(rng, STATE_BYTES),
            nonce: random_urlsafe(rng, STATE_BYTES),
        }
    }
}

pub use gatecheck_login_crypto::pkce_hash::s256_challenge;

/// True for 43..=128 characters of ALPHA / DIGIT / "-" / "." / "_" / "~".
pub fn is_valid_verifier(verifier: &str) -> bool {
    (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

/// `n` random bytes, base64url without padding (only `A-Z a-z 0-9 - _`).
fn random_urlsafe(rng: &mut impl RngCore, n: usize) -> String {
    let mut bytes = vec![0u8; n];
    rng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn rfc7636_appendix_b_vector() {
        assert_eq!(
            s256_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn okta_md_second_vector() {
        assert_eq!(
            s256_challenge("M25iVXpKU3puUjFaYWg3T1NDTDQtcW1ROUY5YXlwalNoc0hhakxifmZHag"),
            "qjrzSW9gMiUgpUvqgEPE4_-8swvyCtfOVvg55o5S_es"
        );
    }

    #[test]
    fn generated_verifiers_are_valid_and_fresh() {
        let mut rng = StdRng::seed_from_u64(7);
        let a = Pkce::generate(&mut rng);
        let b = Pkce::generate(&mut rng);
        for p in [&a, &b] {
            assert_eq!(p.verifier.len(), 43);
            assert!(is_valid_verifier(&p.verifier), "{}", p.verifier);
            assert_eq!(p.challenge, s256_challenge(&p.verifier));
            assert!(!p.challenge.contains(['=', '+', '/']));
        }
        assert_ne!(a.verifier, b.verifier);
    }

    #[test]
    fn state_and_nonce_use_okta_safe_characters() {
        let mut rng = StdRng::seed_from_u64(1);
        let p = AuthorizeParams::generate(&mut rng);
        for v in [&p.state, &p.nonce] {
            assert_eq!(v.len(), 22);
            assert!(
                v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            );
        }
        assert_ne!(p.state, p.nonce);
    }

    #[test]
    fn verifier_validation() {
        assert!(!is_valid_verifier("short"));
        assert!(!is_valid_verifier(&format!("{}=", "a".repeat(43))));
        assert!(!is_valid_verifier(&"a+b/".repeat(11)));
        assert!(!is_valid_verifier(&"a".repeat(129)));
        assert!(is_valid_verifier(&"a~.-_".repeat(25)));
    }

    #[test]
    fn debug_hides_the_verifier() {
        let p = Pkce::from_verifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk".into());
        assert!(!format!("{p:?}").contains("dBjftJ"));
    }
}
