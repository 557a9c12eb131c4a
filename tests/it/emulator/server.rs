//! Lifecycle, discovery, keys, counters, rate limits and YAML configs.

use std::time::Duration;

use gatecheck_emulator::{
    CounterSnapshot, Emulator, EmulatorConfig, LimitedEndpoint, RateLimitConfig,
};
use serde_json::{Value, json};

use crate::emulator::support::{start, start_with};

#[tokio::test]
async fn urls_and_issuers() {
    let h = start().await;
    let okta = h.emu.okta_url().to_string();
    assert!(okta.starts_with("http://127.0.0.1:") && !okta.ends_with('/'));
    assert!(h.emu.api_url().starts_with("http://127.0.0.1:"));
    assert_eq!(h.emu.issuer("default"), format!("{okta}/oauth2/default"));
    assert_eq!(h.emu.issuer("org"), okta);
    assert_eq!(
        h.emu.jwks_url("default"),
        format!("{okta}/oauth2/default/v1/keys")
    );
    assert_eq!(h.emu.jwks_url("org"), format!("{okta}/oauth2/v1/keys"));
}

#[tokio::test]
async fn discovery_documents_and_jwks() {
    let h = start().await;
    let okta = h.emu.okta_url().to_string();
    for (path, issuer) in [
        (
            "/oauth2/default/.well-known/openid-configuration",
            h.emu.issuer("default"),
        ),
        (
            "/oauth2/default/.well-known/oauth-authorization-server",
            h.emu.issuer("default"),
        ),
        ("/.well-known/openid-configuration", okta.clone()),
    ] {
        let doc: Value = h
            .http
            .get(h.okta(path))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(doc["issuer"], issuer.as_str(), "{path}");
        assert_eq!(doc["code_challenge_methods_supported"], json!(["S256"]));
    }
    let doc: Value = h
        .http
        .get(h.okta("/.well-known/openid-configuration"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(doc["token_endpoint"], format!("{okta}/oauth2/v1/token"));
    assert_eq!(doc["jwks_uri"], format!("{okta}/oauth2/v1/keys"));
    let jwks: Value = h
        .http
        .get(h.emu.jwks_url("default"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let key = &jwks["keys"][0];
    assert_eq!(
        (
            key["kty"].as_str(),
            key["alg"].as_str(),
            key["use"].as_str()
        ),
        (Some("RSA"), Some("RS256"), Some("sig"))
    );
    assert_eq!(key["e"], "AQAB");
    assert!(key["n"].as_str().unwrap().len() > 300);
    let counters = h.emu.counters();
    assert_eq!((counters.discovery, counters.keys), (4, 1));
}

#[tokio::test]
async fn counters_over_http_and_reset() {
    let h = start().await;
    h.session_token("ada@example.com").await;
    let snapshot: CounterSnapshot = h
        .http
        .get(h.okta("/__emulator/counters"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        snapshot,
        CounterSnapshot {
            authn: 1,
            ..CounterSnapshot::default()
        }
    );
    let response = h
        .http
        .post(h.okta("/__emulator/counters/reset"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(h.emu.counters(), CounterSnapshot::default());
    h.session_token("ada@example.com").await;
    h.emu.reset_counters();
    assert_eq!(h.emu.counters().authn, 0);
}

fn limited(endpoints: Vec<LimitedEndpoint>) -> EmulatorConfig {
    let mut config = EmulatorConfig::builtin();
    config.rate_limit = Some(RateLimitConfig {
        endpoints,
        limit: 2,
        window_secs: 3600,
    });
    config
}

#[tokio::test]
async fn authn_rate_limit_is_429_with_headers() {
    let h = start_with(limited(vec![LimitedEndpoint::Authn])).await;
    h.session_token("ada@example.com").await;
    h.session_token("ada@example.com").await;
    let response = h
        .http
        .post(h.okta("/api/v1/authn"))
        .json(&json!({"username": "ada@example.com", "password": "correct-horse"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 429);
    let headers = response.headers().clone();
    assert_eq!(headers["x-rate-limit-limit"], "2");
    assert_eq!(headers["x-rate-limit-remaining"], "0");
    let reset: u64 = headers["x-rate-limit-reset"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!(reset > now && reset <= now + 3600);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["errorCode"], "E0000047");
}

#[tokio::test]
async fn token_rate_limit_is_429() {
    let h = start_with(limited(vec![LimitedEndpoint::Token])).await;
    h.service_token("todos.read").await;
    h.service_token("todos.read").await;
    let form = [
        ("grant_type", "client_credentials"),
        ("scope", "todos.read"),
        ("client_id", "demo-service"),
        ("client_secret", "demo-service-secret"),
    ];
    let (status, body) = h.token(&form).await;
    assert_eq!(status, 429);
    assert_eq!(body["errorCode"], "E0000047");
    h.session_token("ada@example.com").await;
}

#[tokio::test]
async fn yaml_config_is_served() {
    let yaml = "groups: [staff]\nusers:\n  - {login: zoe@example.com, password: pw, groups: [staff]}\nclients:\n  - {client_id: app, redirect_uris: ['http://localhost/cb'], grant_types: [authorization_code]}\n";
    let config = EmulatorConfig::from_yaml(yaml).unwrap();
    let h = start_with(config).await;
    let (status, body) = h.authn("zoe@example.com", "pw").await;
    assert_eq!(
        (status.as_u16(), body["status"].as_str()),
        (200, Some("SUCCESS"))
    );
    let (status, _) = h.authn("ada@example.com", "correct-horse").await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn invalid_config_does_not_start() {
    let mut config = EmulatorConfig::builtin();
    config.users[0].groups.push("ghosts".into());
    let err = Emulator::start(config).await.err().expect("refused");
    assert!(err.to_string().contains("unknown group `ghosts`"), "{err}");
}

#[tokio::test]
async fn shutdown_stops_both_servers() {
    let h = start().await;
    let okta = h.emu.okta_url().to_string();
    let api = h.emu.api_url().to_string();
    h.emu.shutdown().await;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    assert!(
        client
            .get(format!("{okta}/.well-known/openid-configuration"))
            .send()
            .await
            .is_err()
    );
    assert!(
        client
            .get(format!("{api}/api/health"))
            .send()
            .await
            .is_err()
    );
}

#[tokio::test]
async fn standalone_prints_urls_without_secrets() {
    let emulator = Emulator::start(EmulatorConfig::builtin()).await.unwrap();
    drop(emulator);
    // run_standalone serves until Ctrl-C: run it until its banner is out
    // (written at once, before it waits for the signal).
    let out = SharedBuf::default();
    let mut writer = out.clone();
    let run = gatecheck_emulator::run_standalone(EmulatorConfig::builtin(), 0, 0, &mut writer);
    let banner = async {
        while out.0.lock().unwrap().is_empty() {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    };
    tokio::select! {
        result = run => panic!("the emulator stopped: {result:?}"),
        waited = tokio::time::timeout(Duration::from_secs(60), banner) => waited.expect("no banner within 60 s"),
    }
    let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
    assert!(text.contains("/oauth2/default"), "{text}");
    assert!(
        text.contains("ada@example.com") && text.contains("demo-service"),
        "{text}"
    );
    assert!(
        !text.contains("correct-horse")
            && !text.contains("demo-web-secret")
            && !text.contains("JBSWY3DPEHPK3PXP"),
        "{text}"
    );
}

/// A writer whose bytes the test can read while the emulator still runs.
#[derive(Clone, Default)]
struct SharedBuf(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for SharedBuf {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
