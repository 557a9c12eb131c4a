//! Helpers shared by the login integration tests (included with `mod`).
#![allow(dead_code)] // each test crate uses a part

use gatecheck::auth::{Fixture, LoginClient, LoginError, Token, login};
use gatecheck::secret::mask::Masker;
use gatecheck_emulator::{Emulator, EmulatorConfig};
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode};
use serde::Deserialize;
use serde_json::Value;
use std::time::Duration;

/// Values that must never appear in a message, whatever the masker knows.
pub const KNOWN_SECRETS: [&str; 6] = [
    "correct-horse",
    "analytical-engine",
    "JBSWY3DPEHPK3PXP",
    "demo-web-secret",
    "demo-service-secret",
    "demo-cli-secret",
];

pub async fn emulator() -> Emulator {
    emulator_with(EmulatorConfig::builtin()).await
}

pub async fn emulator_with(config: EmulatorConfig) -> Emulator {
    Emulator::start(config).await.expect("emulator starts")
}

/// A fixture from YAML lines (`key: value`), `OKTA` replaced by the emulator's URL.
pub fn fixture(em: &Emulator, yaml: &str) -> Fixture {
    let yaml = yaml.replace("OKTA", em.okta_url());
    let value: serde_yaml::Value = serde_yaml::from_str(&yaml).expect("yaml");
    Fixture::deserialize(value).expect("fixture")
}

/// The okta-pkce fixture of ada with demo-spa, plus `extra` lines (later keys win).
pub fn pkce(em: &Emulator, extra: &str) -> Fixture {
    let mut base: serde_yaml::Mapping = serde_yaml::from_str(
        "kind: okta-pkce\nokta_url: OKTA\nclient_id: demo-spa\n\
         redirect_uri: http://localhost:3000/callback\n\
         username: ada@example.com\npassword: correct-horse\n",
    )
    .unwrap();
    if !extra.trim().is_empty() {
        let extra: serde_yaml::Mapping = serde_yaml::from_str(extra).unwrap();
        base.extend(extra);
    }
    fixture(em, &serde_yaml::to_string(&base).unwrap())
}

/// Fifty concurrent callers ask for `fixture`'s token at once; all must get
/// the very same token (one login shared, not fifty).
pub async fn fifty_concurrent_callers(fixture: Fixture) {
    let fixtures = std::collections::BTreeMap::from([("user".to_owned(), fixture)]);
    let ids = std::sync::Arc::new(gatecheck::auth::Identities::new(
        fixtures,
        client(),
        Masker::new(),
    ));
    let calls: Vec<_> = (0..50)
        .map(|_| {
            let ids = ids.clone();
            tokio::spawn(async move { ids.token("user").await })
        })
        .collect();
    let mut tokens = Vec::new();
    for call in calls {
        tokens.push(call.await.unwrap().unwrap());
    }
    assert!(tokens.iter().all(|t| std::sync::Arc::ptr_eq(t, &tokens[0])));
}

pub fn client() -> LoginClient {
    LoginClient::new(Duration::from_secs(10))
}

pub async fn run(fx: &Fixture) -> (Result<Token, LoginError>, Masker) {
    let masker = Masker::new();
    let result = login(fx, &client(), &masker).await;
    (result, masker)
}

/// The error message of a login that must fail; checks it holds no secret.
pub async fn failure(fx: &Fixture) -> String {
    let (result, masker) = run(fx).await;
    let err = result.expect_err("login should fail");
    let message = err.to_string();
    assert_clean(&message, &masker);
    eprintln!("{message}");
    message
}

pub fn assert_clean(message: &str, masker: &Masker) {
    assert!(!masker.contains_secret(message), "secret in: {message}");
    for secret in KNOWN_SECRETS {
        assert!(!message.contains(secret), "`{secret}` in: {message}");
    }
}

/// Verifies an RS256 access token against the server's JWKS; returns its claims.
pub async fn verify(em: &Emulator, server: &str, token: &str, audience: Option<&str>) -> Value {
    let jwks: JwkSet = reqwest::get(em.jwks_url(server))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let header = jsonwebtoken::decode_header(token).unwrap();
    let jwk = jwks
        .find(header.kid.as_deref().unwrap())
        .expect("kid in jwks");
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_issuer(&[em.issuer(server)]);
    match audience {
        Some(aud) => validation.set_audience(&[aud]),
        None => validation.validate_aud = false,
    }
    decode::<Value>(token, &DecodingKey::from_jwk(jwk).unwrap(), &validation)
        .unwrap()
        .claims
}

/// A clock for the identity registry that a test moves forward instead of
/// sleeping: the system time plus an offset.
#[derive(Clone, Default)]
pub struct TestClock {
    offset: std::sync::Arc<std::sync::Mutex<Duration>>,
}

impl TestClock {
    pub fn clock(&self) -> gatecheck::auth::Clock {
        let offset = self.offset.clone();
        std::sync::Arc::new(move || std::time::SystemTime::now() + *offset.lock().unwrap())
    }

    pub fn advance(&self, by: Duration) {
        *self.offset.lock().unwrap() += by;
    }
}
