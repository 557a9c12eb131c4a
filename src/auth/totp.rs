//! TOTP codes (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits) for answering
//! Okta's MFA_REQUIRED. The clock is a parameter, so tests use fixed times.

use std::time::{SystemTime, UNIX_EPOCH};
use totp_rs::{Algorithm, TOTP};

const STEP_SECONDS: u64 = 30;
const DIGITS: usize = 6;

pub use gatecheck_login_crypto::totp_secret::{TotpError, decode_secret};

/// The 6-digit code for `secret` (base32, as Okta shows it at enrollment;
/// spaces, dashes, `=` padding and lowercase are accepted) at time `now`.
pub fn code_at(secret: &str, now: SystemTime) -> Result<String, TotpError> {
    let key = decode_secret(secret)?;
    Ok(generate(key, DIGITS, unix_seconds(now)))
}

fn generate(key: Vec<u8>, digits: usize, unix: u64) -> String {
    // Unchecked: Okta's secrets are 80 bits, below totp-rs's 128-bit minimum.
    TOTP::new_unchecked(Algorithm::SHA1, digits, 0, STEP_SECONDS, key).generate(unix)
}

fn unix_seconds(now: SystemTime) -> u64 {
    now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// RFC 6238 Appendix B, SHA1 rows: the ASCII key "12345678901234567890".
    const RFC_KEY_BASE32: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    const RFC_SHA1: [(u64, &str); 6] = [
        (59, "94287082"),
        (1111111109, "07081804"),
        (1111111111, "14050471"),
        (1234567890, "89005924"),
        (2000000000, "69279037"),
        (20000000000, "65353130"),
    ];

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn rfc6238_sha1_vectors_8_digits() {
        let key = decode_secret(RFC_KEY_BASE32).unwrap();
        assert_eq!(key, b"12345678901234567890");
        for (t, want) in RFC_SHA1 {
            assert_eq!(generate(key.clone(), 8, t), want, "T={t}");
        }
    }

    #[test]
    fn rfc6238_vectors_as_6_digit_codes() {
        for (t, want) in RFC_SHA1 {
            assert_eq!(code_at(RFC_KEY_BASE32, at(t)).unwrap(), &want[2..], "T={t}");
        }
    }

    #[test]
    fn same_code_within_a_step() {
        let a = code_at("JBSWY3DPEHPK3PXP", at(1_700_000_010)).unwrap();
        let b = code_at("JBSWY3DPEHPK3PXP", at(1_700_000_019)).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.len(), 6);
    }

    #[test]
    fn tolerates_formatting() {
        let plain = code_at("JBSWY3DPEHPK3PXP", at(59)).unwrap();
        assert_eq!(code_at("jbsw y3dp-ehpk 3pxp==", at(59)).unwrap(), plain);
    }

    #[test]
    fn rejects_bad_secrets() {
        assert_eq!(code_at("not base32!", at(0)), Err(TotpError::NotBase32));
        assert_eq!(code_at(" ", at(0)), Err(TotpError::Empty));
    }
}
