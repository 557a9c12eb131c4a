use super::*;
use std::time::Duration;

const POOL: &str = "Gatecheck1";

fn a_fixed() -> BigUint {
    BigUint::parse_bytes("1234567890abcdef".repeat(16).as_bytes(), 16).unwrap() % &group().n
}

/// Values computed with pycognito 2024.5.1's `aws_srp` (AWSSRP with this
/// private a, pool `us-east-1_Gatecheck1`, user id `8d1f4a52-user-id`,
/// password `correct-horse`, salt `e7c3d1f0a9b8c7d6e5f4a3b2c1d0e9f8`, B =
/// 0x55…55 (768 digits), timestamp of 2026-01-02 03:04:05 UTC).
#[test]
fn matches_pycognito() {
    let a = a_fixed();
    let big_a = client_public(&a).unwrap();
    assert!(to_hex(&big_a).starts_with("87ef46e6f23037298b68c9527f88af1c"));
    assert!(to_hex(&big_a).ends_with("0551cf7d2d8f9b973ef4cc29df"));
    assert_eq!(
        to_hex(&group().k),
        "538282c4354742d7cbbde2359fcf67f9f5b3a6b08791e5011b43b8a5b66d9ee6"
    );
    let salt = from_hex("SALT", "e7c3d1f0a9b8c7d6e5f4a3b2c1d0e9f8").unwrap();
    let big_b = from_hex("SRP_B", &"5".repeat(768)).unwrap() % &group().n;
    let key = client_key(POOL, "8d1f4a52-user-id", "correct-horse", &a, &salt, &big_b).unwrap();
    let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(hex, "af0db8512247743209f97da5c5126396");
    let when = UNIX_EPOCH + Duration::from_secs(1_767_323_045);
    assert_eq!(timestamp(when), "Fri Jan 2 03:04:05 UTC 2026");
    let signature = claim_signature(
        &key,
        POOL,
        "8d1f4a52-user-id",
        "c2VjcmV0LWJsb2NrLWJ5dGVz",
        &timestamp(when),
    )
    .unwrap();
    assert_eq!(signature, "8FjGhYA1yKWD2aABIKlGNyoUy/bxGZZy+J7Q0jeHiyk=");
    assert_eq!(
        secret_hash("ada@example.com", "democlient", "s3cr3t"),
        "KEC4vwaKtsiSz+oYBFW3dP/Tb3IEVfK8KBFiw+3HqqQ="
    );
}

fn random_private(seed: u8) -> BigUint {
    let mut bytes = [0u8; PRIVATE_BYTES];
    for (i, b) in bytes.iter_mut().enumerate() {
        *b = (i as u8).wrapping_mul(31).wrapping_add(seed);
    }
    private_value(&bytes)
}

#[test]
fn client_and_server_agree_only_on_the_right_password() {
    let salt = from_hex("SALT", "9f3a").unwrap();
    let v = verifier(POOL, "user-1", "correct-horse", &salt);
    let (a, b) = (random_private(7), random_private(99));
    let big_a = client_public(&a).unwrap();
    let big_b = server_public(&b, &v).unwrap();
    let server = server_key(&big_a, &big_b, &b, &v).unwrap();
    let right = client_key(POOL, "user-1", "correct-horse", &a, &salt, &big_b).unwrap();
    assert_eq!(right, server);
    let wrong = client_key(POOL, "user-1", "correct-hors3", &a, &salt, &big_b).unwrap();
    assert_ne!(wrong, server);
    let other_user = client_key(POOL, "user-2", "correct-horse", &a, &salt, &big_b).unwrap();
    assert_ne!(other_user, server);
}

#[test]
fn zero_values_are_refused() {
    let n = group().n.clone();
    let a = random_private(1);
    let salt = BigUint::from(5u8);
    assert_eq!(
        client_key(POOL, "u", "p", &a, &salt, &n),
        Err(SrpError::ZeroModN("SRP_B"))
    );
    assert_eq!(
        server_key(&(&n * 2u8), &BigUint::from(3u8), &a, &salt),
        Err(SrpError::ZeroModN("SRP_A"))
    );
    assert_eq!(from_hex("SRP_B", "xyz"), Err(SrpError::NotHex("SRP_B")));
    assert_eq!(from_hex("SRP_B", ""), Err(SrpError::NotHex("SRP_B")));
}

#[test]
fn pad_adds_a_zero_byte_before_a_high_bit() {
    assert_eq!(pad(&BigUint::from(0x7fu8)), vec![0x7f]);
    assert_eq!(pad(&BigUint::from(0x80u8)), vec![0, 0x80]);
    assert_eq!(pad(&BigUint::from(0x0102u16)), vec![1, 2]);
    assert_eq!(pad(&BigUint::ZERO), vec![0]);
}

#[test]
fn timestamps_drop_the_leading_zero_of_the_day_only() {
    let at = |secs| timestamp(UNIX_EPOCH + Duration::from_secs(secs));
    assert_eq!(at(0), "Thu Jan 1 00:00:00 UTC 1970");
    assert_eq!(at(1_136_214_245), "Mon Jan 2 15:04:05 UTC 2006");
    assert_eq!(at(951_782_400), "Tue Feb 29 00:00:00 UTC 2000");
    assert_eq!(at(1_735_689_599), "Tue Dec 31 23:59:59 UTC 2024");
}

#[test]
fn pool_name_is_after_the_region() {
    assert_eq!(pool_name("us-east-1_AbC123"), "AbC123");
    assert_eq!(pool_name("plain"), "plain");
}

#[test]
fn the_secret_block_is_read_as_the_sdks_read_it() {
    assert_eq!(
        lenient_base64("c2VjcmV0LWJsb2NrLWJ5dGVz").unwrap(),
        b"secret-block-bytes"
    );
    assert_eq!(
        lenient_base64("c2VjcmV0\nLWJsb2Nr").unwrap(),
        b"secret-block"
    );
    // Python's b64decode of moto's UUID block, the dashes skipped.
    let uuid = "6b4c52e4-5c3a-4a4e-9c8d-2f0e1d3c4b5a";
    assert_eq!(lenient_base64(uuid).unwrap().len(), 24);
    assert_eq!(
        lenient_base64("abcde"),
        None,
        "a lone sixth character is no Base64"
    );
}
