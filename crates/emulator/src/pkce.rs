//! PKCE (RFC 7636) S256 checks.

/// Why a code challenge is refused at /authorize.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum ChallengeError {
    Missing,
    Method,
    IllegalCharacters,
}

impl ChallengeError {
    /// Okta's error_description for this case.
    pub(crate) fn description(&self) -> &'static str {
        match self {
            ChallengeError::Missing => "PKCE code challenge is required by the application.",
            ChallengeError::Method => {
                "PKCE code challenge method is not supported. Only S256 is supported."
            }
            ChallengeError::IllegalCharacters => "PKCE code challenge contains illegal characters.",
        }
    }
}

/// True for 43..=128 characters of ALPHA / DIGIT / "-" / "." / "_" / "~".
pub(crate) fn is_well_formed(value: &str) -> bool {
    (43..=128).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
}

/// Checks the challenge parameters of an authorization request.
/// Returns the challenge to store with the code (None: no PKCE).
pub(crate) fn check_challenge(
    challenge: Option<&str>,
    method: Option<&str>,
    required: bool,
) -> Result<Option<String>, ChallengeError> {
    let Some(challenge) = challenge.filter(|c| !c.is_empty()) else {
        return if required {
            Err(ChallengeError::Missing)
        } else {
            Ok(None)
        };
    };
    if method != Some("S256") {
        return Err(ChallengeError::Method);
    }
    if !is_well_formed(challenge) {
        return Err(ChallengeError::IllegalCharacters);
    }
    Ok(Some(challenge.to_string()))
}

/// BASE64URL(SHA256(verifier)), no padding.
pub(crate) fn s256(verifier: &str) -> String {
    gatecheck_login_crypto::pkce_hash::s256_challenge(verifier)
}

/// True when the verifier is well formed and hashes to the challenge.
pub(crate) fn verify(verifier: &str, challenge: &str) -> bool {
    is_well_formed(verifier) && s256(verifier) == challenge
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc7636_vectors() {
        assert_eq!(
            s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        assert!(verify(
            "M25iVXpKU3puUjFaYWg3T1NDTDQtcW1ROUY5YXlwalNoc0hhakxifmZHag",
            "qjrzSW9gMiUgpUvqgEPE4_-8swvyCtfOVvg55o5S_es"
        ));
    }

    #[test]
    fn challenge_rules() {
        let good = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
        assert_eq!(
            check_challenge(None, None, true),
            Err(ChallengeError::Missing)
        );
        assert_eq!(check_challenge(None, None, false), Ok(None));
        assert_eq!(
            check_challenge(Some(good), Some("plain"), true),
            Err(ChallengeError::Method)
        );
        assert_eq!(
            check_challenge(Some(good), None, true),
            Err(ChallengeError::Method)
        );
        let padded = format!("{good}=");
        assert_eq!(
            check_challenge(Some(&padded), Some("S256"), true),
            Err(ChallengeError::IllegalCharacters)
        );
        assert_eq!(
            check_challenge(Some(good), Some("S256"), true),
            Ok(Some(good.to_string()))
        );
    }

    #[test]
    fn short_or_padded_verifiers_fail() {
        assert!(!verify("short", &s256("short")));
        let padded = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk=";
        assert!(!verify(padded, &s256(padded)));
    }
}
