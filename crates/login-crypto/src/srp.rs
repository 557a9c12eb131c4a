//! Amazon Cognito's SRP-6a (the `USER_SRP_AUTH` flow), both ends: the login
//! proves the password without sending it, the emulator's user pool checks
//! the proof. The variant is the one of AWS's own clients
//! (amazon-cognito-identity-js `AuthenticationHelper`, pycognito `aws_srp`):
//!
//! - the 3072-bit group of RFC 3526 with g = 2, k = H(pad(N) | pad(g));
//! - H is SHA-256; `pad(n)` is n's big-endian bytes with a 0x00 in front when
//!   the first byte's high bit is set (the SDK's `padHex`);
//! - x = H(pad(salt) | H(pool name | user id | ":" | password)), where the
//!   pool name is the user pool id's part after `_` and the user id is the
//!   `USER_ID_FOR_SRP` Cognito names in its challenge;
//! - u = H(pad(A) | pad(B)); the client's S = (B − k·gˣ)^(a + u·x), the
//!   server's S = (A·vᵘ)ᵇ, with v = gˣ;
//! - the key is HKDF-SHA256 (RFC 5869) of pad(S) with salt pad(u) and info
//!   "Caldera Derived Key", 16 bytes;
//! - the claim is Base64(HMAC-SHA256(key, pool name | user id | secret
//!   block | timestamp)), the timestamp in the form `Mon Jan 2 15:04:05 UTC
//!   2006` (the day without a leading zero).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
/// The numbers of SRP (A, B, the private values, the salt), re-exported so
/// that both ends use this crate's num-bigint.
pub use num_bigint::BigUint;
use sha2::{Digest, Sha256};
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

type HmacSha256 = Hmac<Sha256>;

/// RFC 3526's 3072-bit MODP group prime, as the SDKs spell it.
const N_HEX: &str = concat!(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD1",
    "29024E088A67CC74020BBEA63B139B22514A08798E3404DD",
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245",
    "E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED",
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3D",
    "C2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F",
    "83655D23DCA3AD961C62F356208552BB9ED529077096966D",
    "670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B",
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9",
    "DE2BCBF6955817183995497CEA956AE515D2261898FA0510",
    "15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64",
    "ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7",
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6B",
    "F12FFA06D98A0864D87602733EC86A64521F2B18177B200C",
    "BBE117577A615D6C770988C0BAD946E208E24FA074E5AB31",
    "43DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF",
);

/// HKDF's info.
const INFO: &[u8] = b"Caldera Derived Key";

/// Bytes of the random private values a and b (as the SDKs draw them).
pub const PRIVATE_BYTES: usize = 128;

/// Why an SRP step refused its input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SrpError {
    #[error("{0} is not a hexadecimal number")]
    NotHex(&'static str),
    #[error("{0} is zero modulo N (a broken or hostile peer)")]
    ZeroModN(&'static str),
    #[error("u = H(A|B) is zero")]
    ZeroU,
    #[error("SECRET_BLOCK is not Base64")]
    SecretBlock,
}

struct Group {
    n: BigUint,
    g: BigUint,
    k: BigUint,
}

fn group() -> &'static Group {
    static GROUP: OnceLock<Group> = OnceLock::new();
    GROUP.get_or_init(|| {
        let n = BigUint::parse_bytes(N_HEX.as_bytes(), 16).unwrap_or_default();
        let g = BigUint::from(2u8);
        let k = hash_int(&[&pad(&n), &pad(&g)]);
        Group { n, g, k }
    })
}

/// The SDKs' `padHex`, as bytes: big-endian, with a leading 0x00 when the
/// high bit of the first byte is set (so the number reads as positive).
pub fn pad(n: &BigUint) -> Vec<u8> {
    let mut bytes = n.to_bytes_be();
    if bytes[0] & 0x80 != 0 {
        bytes.insert(0, 0);
    }
    bytes
}

fn hash(parts: &[&[u8]]) -> [u8; 32] {
    let mut h = Sha256::new();
    for part in parts {
        h.update(part);
    }
    h.finalize().into()
}

fn hash_int(parts: &[&[u8]]) -> BigUint {
    BigUint::from_bytes_be(&hash(parts))
}

/// A number as the SDKs send it: lowercase hex, no padding.
pub fn to_hex(n: &BigUint) -> String {
    n.to_str_radix(16)
}

/// A number sent as hex (SRP_A, SRP_B, SALT).
pub fn from_hex(what: &'static str, text: &str) -> Result<BigUint, SrpError> {
    let text = text.trim();
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(SrpError::NotHex(what));
    }
    BigUint::parse_bytes(text.as_bytes(), 16).ok_or(SrpError::NotHex(what))
}

/// A private value: `PRIVATE_BYTES` random bytes, reduced mod N.
pub fn private_value(random: &[u8; PRIVATE_BYTES]) -> BigUint {
    BigUint::from_bytes_be(random) % &group().n
}

/// The pool name of a user pool id: `us-east-1_AbC123` -> `AbC123`.
pub fn pool_name(user_pool_id: &str) -> &str {
    user_pool_id
        .split_once('_')
        .map_or(user_pool_id, |(_, name)| name)
}

/// x = H(pad(salt) | H(pool name | user id | ":" | password)).
fn private_key_x(pool_name: &str, user_id: &str, password: &str, salt: &BigUint) -> BigUint {
    let inner = hash(&[
        pool_name.as_bytes(),
        user_id.as_bytes(),
        b":",
        password.as_bytes(),
    ]);
    hash_int(&[&pad(salt), &inner])
}

/// The verifier v = gˣ mod N the user pool keeps instead of the password.
pub fn verifier(pool_name: &str, user_id: &str, password: &str, salt: &BigUint) -> BigUint {
    let x = private_key_x(pool_name, user_id, password, salt);
    let grp = group();
    grp.g.modpow(&x, &grp.n)
}

/// The client's public value A = gᵃ mod N.
pub fn client_public(a: &BigUint) -> Result<BigUint, SrpError> {
    let grp = group();
    let big_a = grp.g.modpow(a, &grp.n);
    if big_a == BigUint::ZERO {
        return Err(SrpError::ZeroModN("A"));
    }
    Ok(big_a)
}

/// False for a public value that is zero modulo N: with such an A (or B)
/// the shared secret is known without the password.
pub fn is_valid_public(value: &BigUint) -> bool {
    value % &group().n != BigUint::ZERO
}

/// The server's public value B = (k·v + gᵇ) mod N.
pub fn server_public(b: &BigUint, v: &BigUint) -> Result<BigUint, SrpError> {
    let grp = group();
    let big_b = (&grp.k * v + grp.g.modpow(b, &grp.n)) % &grp.n;
    if big_b == BigUint::ZERO {
        return Err(SrpError::ZeroModN("B"));
    }
    Ok(big_b)
}

fn scrambler(big_a: &BigUint, big_b: &BigUint) -> Result<BigUint, SrpError> {
    let u = hash_int(&[&pad(big_a), &pad(big_b)]);
    if u == BigUint::ZERO {
        return Err(SrpError::ZeroU);
    }
    Ok(u)
}

/// HKDF-SHA256 of pad(S) with salt pad(u), 16 bytes.
fn derive_key(s: &BigUint, u: &BigUint) -> [u8; 16] {
    let hk = hkdf::Hkdf::<Sha256>::new(Some(&pad(u)), &pad(s));
    let mut okm = [0u8; 16];
    // 16 bytes is far below HKDF-SHA256's limit of 255 blocks.
    let _ = hk.expand(INFO, &mut okm);
    okm
}

/// The client's password key from the challenge (user id, salt, B).
pub fn client_key(
    pool_name: &str,
    user_id: &str,
    password: &str,
    a: &BigUint,
    salt: &BigUint,
    big_b: &BigUint,
) -> Result<[u8; 16], SrpError> {
    let grp = group();
    if (big_b % &grp.n) == BigUint::ZERO {
        return Err(SrpError::ZeroModN("SRP_B"));
    }
    let big_a = client_public(a)?;
    let u = scrambler(&big_a, big_b)?;
    let x = private_key_x(pool_name, user_id, password, salt);
    let gx_k = (&grp.k * grp.g.modpow(&x, &grp.n)) % &grp.n;
    let base = ((big_b % &grp.n) + &grp.n - gx_k) % &grp.n;
    let s = base.modpow(&(a + &u * &x), &grp.n);
    Ok(derive_key(&s, &u))
}

/// The server's key for the same exchange, from the client's A.
pub fn server_key(
    big_a: &BigUint,
    big_b: &BigUint,
    b: &BigUint,
    v: &BigUint,
) -> Result<[u8; 16], SrpError> {
    let grp = group();
    if (big_a % &grp.n) == BigUint::ZERO {
        return Err(SrpError::ZeroModN("SRP_A"));
    }
    let u = scrambler(big_a, big_b)?;
    let s = ((big_a * v.modpow(&u, &grp.n)) % &grp.n).modpow(b, &grp.n);
    Ok(derive_key(&s, &u))
}

/// PASSWORD_CLAIM_SIGNATURE: Base64(HMAC-SHA256(key, pool name | user id |
/// secret block | timestamp)); `secret_block` is the Base64 text Cognito sent.
pub fn claim_signature(
    key: &[u8; 16],
    pool_name: &str,
    user_id: &str,
    secret_block: &str,
    timestamp: &str,
) -> Result<String, SrpError> {
    let block = lenient_base64(secret_block).ok_or(SrpError::SecretBlock)?;
    let mut mac = hmac_of(key);
    mac.update(pool_name.as_bytes());
    mac.update(user_id.as_bytes());
    mac.update(&block);
    mac.update(timestamp.as_bytes());
    Ok(STANDARD.encode(mac.finalize().into_bytes()))
}

/// Base64 read as the SDKs read SECRET_BLOCK (Node's `Buffer.from(text,
/// 'base64')`, Python's `b64decode`): characters outside the alphabet are
/// skipped, padding is optional. moto, for one, sends a UUID there.
fn lenient_base64(text: &str) -> Option<Vec<u8>> {
    let kept: String = text
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '+' || *c == '/')
        .collect();
    base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(kept)
        .ok()
}

/// SECRET_HASH: Base64(HMAC-SHA256(client secret, username | client id)).
pub fn secret_hash(username: &str, client_id: &str, client_secret: &str) -> String {
    let mut mac = hmac_of(client_secret.as_bytes());
    mac.update(username.as_bytes());
    mac.update(client_id.as_bytes());
    STANDARD.encode(mac.finalize().into_bytes())
}

fn hmac_of(key: &[u8]) -> HmacSha256 {
    // HMAC takes keys of any length.
    match HmacSha256::new_from_slice(key) {
        Ok(mac) => mac,
        Err(_) => unreachable!("HMAC accepts every key length"),
    }
}

/// The TIMESTAMP of a claim: `Mon Jan 2 15:04:05 UTC 2006` (UTC, the day
/// of the month without a leading zero, as Cognito wants it).
pub fn timestamp(now: SystemTime) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let secs = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let days = secs / 86_400;
    let rest = secs % 86_400;
    let (year, month, day) = civil_from_days(days);
    format!(
        "{} {} {day} {:02}:{:02}:{:02} UTC {year}",
        DAYS[(days % 7) as usize],
        MONTHS[(month - 1) as usize],
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// Year, month (1-12) and day of a count of days since 1970-01-01
/// (Howard Hinnant's `civil_from_days`, for days on or after the epoch).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
#[path = "srp_tests.rs"]
mod tests;
