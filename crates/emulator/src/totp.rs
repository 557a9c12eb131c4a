//! TOTP (RFC 6238: SHA-1, 6 digits, 30 s) verification, one step of skew.

use totp_rs::{Algorithm, TOTP};

/// Decodes a base32 secret (case, spaces and padding tolerated): the login
/// side's decoder, so both ends read secrets alike.
pub(crate) fn decode_secret(secret: &str) -> Option<Vec<u8>> {
    gatecheck_login_crypto::totp_secret::decode_secret(secret)
        .ok()
        .filter(|b| !b.is_empty())
}

fn totp(secret: &str) -> Option<TOTP> {
    let bytes = decode_secret(secret)?;
    Some(TOTP::new_unchecked(Algorithm::SHA1, 6, 1, 30, bytes))
}

/// True when `code` is valid at `unix_time` or one step before/after.
pub(crate) fn verify_at(secret: &str, code: &str, unix_time: u64) -> bool {
    let code = code.trim();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    totp(secret).is_some_and(|t| t.check(code, unix_time.max(60)))
}

/// True when `code` is valid now (±1 step).
pub(crate) fn verify(secret: &str, code: &str) -> bool {
    verify_at(secret, code, super::ids::epoch_secs())
}

/// The code for `unix_time` (used by tests and docs).
#[cfg(test)]
pub(crate) fn code_at(secret: &str, unix_time: u64) -> String {
    totp(secret)
        .map(|t| t.generate(unix_time))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 6238 appendix B, SHA-1 secret "12345678901234567890", 6 digits.
    const RFC_SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    #[test]
    fn rfc6238_vectors() {
        assert_eq!(code_at(RFC_SECRET, 59), "287082");
        assert_eq!(code_at(RFC_SECRET, 1_111_111_109), "081804");
        assert_eq!(code_at(RFC_SECRET, 1_234_567_890), "005924");
    }

    #[test]
    fn one_step_of_skew_is_accepted() {
        let code = code_at("JBSWY3DPEHPK3PXP", 1_000_000_000);
        assert!(verify_at("JBSWY3DPEHPK3PXP", &code, 1_000_000_000));
        assert!(verify_at("jbswy3dpehpk3pxp", &code, 1_000_000_030));
        assert!(!verify_at("JBSWY3DPEHPK3PXP", &code, 1_000_000_090));
        assert!(!verify_at("JBSWY3DPEHPK3PXP", "12345", 1_000_000_000));
    }

    #[test]
    fn bad_secret_is_none() {
        assert!(decode_secret("!!").is_none());
        assert!(decode_secret("").is_none());
    }
}
