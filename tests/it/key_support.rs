//! Client keys for the private_key_jwt and DPoP tests: fresh key pairs in
//! PEM, their public JWKs, and an emulator config with clients that use them.
#![allow(dead_code)]

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair};
use base64::Engine;
use gatecheck_emulator::{ClientConfig, EmulatorConfig};
use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, EncodingKey};
use serde_json::{Value, json};

/// A private key (PEM) and its public JWK (with `kid`).
pub struct ClientKey {
    pub pem: String,
    pub jwk: Value,
    pub alg: Algorithm,
}

fn pem(der: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let lines: Vec<String> = b64
        .as_bytes()
        .chunks(64)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect();
    format!(
        "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
        lines.join("\n")
    )
}

impl ClientKey {
    pub fn ec(kid: &str) -> Self {
        let doc =
            EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &SystemRandom::new())
                .unwrap();
        Self::from_pem(pem(doc.as_ref()), Algorithm::ES256, kid)
    }

    pub fn rsa(kid: &str) -> Self {
        let pair = aws_lc_rs::rsa::KeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048).unwrap();
        Self::from_pem(pem(pair.as_der().unwrap().as_ref()), Algorithm::RS256, kid)
    }

    fn from_pem(pem: String, alg: Algorithm, kid: &str) -> Self {
        let mut jwk =
            serde_json::to_value(Jwk::from_encoding_key(&self_key(&pem, alg), alg).unwrap())
                .unwrap();
        jwk["kid"] = json!(kid);
        ClientKey { pem, jwk, alg }
    }

    pub fn encoding_key(&self) -> EncodingKey {
        self_key(&self.pem, self.alg)
    }

    /// The PEM indented for a YAML block scalar (`private_key: |`).
    pub fn yaml_block(&self) -> String {
        self.pem
            .lines()
            .map(|l| format!("  {l}\n"))
            .collect::<String>()
    }
}

fn self_key(pem: &str, alg: Algorithm) -> EncodingKey {
    match alg {
        Algorithm::RS256 => EncodingKey::from_rsa_pem(pem.as_bytes()).unwrap(),
        _ => EncodingKey::from_ec_pem(pem.as_bytes()).unwrap(),
    }
}

/// The built-in config plus `jwt-app` (private_key_jwt with `keys`),
/// `dpop-service` (a secret, DPoP required) and `jwt-dpop` (both).
pub fn config(keys: &[&ClientKey]) -> EmulatorConfig {
    let jwks = json!({"keys": keys.iter().map(|k| k.jwk.clone()).collect::<Vec<_>>()});
    let mut config = EmulatorConfig::builtin();
    let client = |v: Value| -> ClientConfig { serde_json::from_value(v).unwrap() };
    config.clients.push(client(json!({
        "client_id": "jwt-app",
        "jwks": jwks,
        "redirect_uris": ["http://localhost:3000/callback"],
        "grant_types": ["authorization_code", "client_credentials", "password", "refresh_token"],
        "assigned_groups": ["Everyone"],
    })));
    config.clients.push(client(json!({
        "client_id": "dpop-service",
        "client_secret": "dpop-service-secret",
        "grant_types": ["client_credentials"],
        "dpop_bound_access_tokens": true,
    })));
    config.clients.push(client(json!({
        "client_id": "jwt-dpop",
        "jwks": jwks,
        "grant_types": ["client_credentials"],
        "dpop_bound_access_tokens": true,
    })));
    config
}
