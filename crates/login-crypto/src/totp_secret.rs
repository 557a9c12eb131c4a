//! TOTP secrets as Okta shows them at enrollment (base32): decoded alike by
//! the login side and the emulator.

use totp_rs::Secret;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TotpError {
    #[error("totp_secret is not valid base32 (letters A-Z and digits 2-7)")]
    NotBase32,
    #[error("totp_secret is empty")]
    Empty,
}

/// Decodes a base32 TOTP secret, tolerating the usual formatting.
pub fn decode_secret(secret: &str) -> Result<Vec<u8>, TotpError> {
    let cleaned: String = secret
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-' && *c != '=')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if cleaned.is_empty() {
        return Err(TotpError::Empty);
    }
    Secret::Encoded(cleaned)
        .to_bytes()
        .map_err(|_| TotpError::NotBase32)
}
