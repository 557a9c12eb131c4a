//! Identifiers and small encodings: random tokens, stable Okta-style ids,
//! query-string encoding and the wall clock.

use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::Rng;
use rand::distr::Alphanumeric;
use sha2::{Digest, Sha256};

/// A random URL-safe token: `prefix` then `len` alphanumerics.
pub(crate) fn random_token(prefix: &str, len: usize) -> String {
    let body: String = rand::rng()
        .sample_iter(&Alphanumeric)
        .take(len)
        .map(char::from)
        .collect();
    format!("{prefix}{body}")
}

/// A stable 20-character Okta-style id (`00u...`) derived from a name.
pub(crate) fn stable_id(prefix: &str, name: &str) -> String {
    let digest = Sha256::digest(name.as_bytes());
    let body: String = digest
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .take(20 - prefix.len())
        .collect();
    format!("{prefix}{body}")
}

const ALPHABET: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// Base64url without padding.
pub(crate) fn b64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Percent-encodes a query component (RFC 3986 unreserved characters pass).
pub(crate) fn encode_component(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Appends query parameters to a URI that may already have a query.
pub(crate) fn append_query(uri: &str, params: &[(&str, &str)]) -> String {
    let (base, fragment) = uri
        .split_once('#')
        .map_or((uri, None), |(b, f)| (b, Some(f)));
    let mut out = base.to_string();
    for (name, value) in params {
        out.push(if out.contains('?') { '&' } else { '?' });
        out.push_str(&encode_component(name));
        out.push('=');
        out.push_str(&encode_component(value));
    }
    if let Some(fragment) = fragment {
        out.push('#');
        out.push_str(fragment);
    }
    out
}

/// Seconds since the Unix epoch.
pub(crate) fn epoch_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// An RFC 3339 UTC timestamp with milliseconds, as Okta writes `expiresAt`.
pub(crate) fn rfc3339_in(secs_from_now: u64) -> String {
    let at = SystemTime::now() + std::time::Duration::from_secs(secs_from_now);
    humantime::format_rfc3339_millis(at).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_ids_are_stable_and_okta_sized() {
        let id = stable_id("00u", "ada@example.com");
        assert_eq!(id, stable_id("00u", "ada@example.com"));
        assert_eq!(id.len(), 20);
        assert!(id.starts_with("00u"));
        assert_ne!(id, stable_id("00u", "grace@example.com"));
    }

    #[test]
    fn query_is_appended_and_encoded() {
        let uri = append_query("http://x/cb", &[("code", "a b"), ("state", "s&t")]);
        assert_eq!(uri, "http://x/cb?code=a%20b&state=s%26t");
        let uri = append_query("http://x/cb?k=v#frag", &[("code", "c")]);
        assert_eq!(uri, "http://x/cb?k=v&code=c#frag");
    }

    #[test]
    fn random_tokens_differ() {
        assert_ne!(random_token("", 20), random_token("", 20));
        assert_eq!(random_token("00", 40).len(), 42);
    }
}
