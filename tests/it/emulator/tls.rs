//! HTTPS: the Okta side over TLS with a generated CA, trusted by clients
//! that are given the CA file, refused by the others.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use gatecheck_emulator::{Emulator, EmulatorConfig};
use serde_json::Value;

use crate::emulator::support::{Harness, REDIRECT, location_params, pkce_pair};

fn trusting(ca_pem: &str) -> reqwest::Client {
    let ca = reqwest::Certificate::from_pem(ca_pem.as_bytes()).unwrap();
    reqwest::Client::builder()
        .add_root_certificate(ca)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_full_login_over_https_with_the_generated_ca() {
    let emu = Emulator::start_tls(EmulatorConfig::builtin())
        .await
        .unwrap();
    assert!(
        emu.okta_url().starts_with("https://127.0.0.1:"),
        "{}",
        emu.okta_url()
    );
    assert!(emu.issuer("default").starts_with("https://"));
    let ca = emu.ca_cert_pem().unwrap().to_string();
    let h = Harness {
        emu,
        http: trusting(&ca),
    };
    let doc: Value = h
        .http
        .get(h.okta("/oauth2/default/.well-known/openid-configuration"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(doc["issuer"], h.emu.issuer("default"));
    assert!(doc["jwks_uri"].as_str().unwrap().starts_with("https://"));
    let session = h.session_token("ada@example.com").await;
    let (verifier, challenge) = pkce_pair();
    let response = h
        .authorize(&[
            ("sessionToken", &session),
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
        ])
        .await;
    let code = location_params(&response)["code"].clone();
    let (status, body) = h
        .token(&[
            ("grant_type", "authorization_code"),
            ("client_id", "demo-spa"),
            ("redirect_uri", REDIRECT),
            ("code", &code),
            ("code_verifier", &verifier),
        ])
        .await;
    assert_eq!(status, 200, "{body}");
    let access = body["access_token"].as_str().unwrap();
    let claims = crate::emulator::support::verify_jwt(&h, access, "default", "api://default").await;
    assert_eq!(claims["iss"], h.emu.issuer("default"));
    // The demo API (plain HTTP) trusts the https issuer.
    let response = h.api_get("/api/me", Some(access)).await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn a_client_without_the_ca_refuses_the_certificate() {
    let emu = Emulator::start_tls(EmulatorConfig::builtin())
        .await
        .unwrap();
    let plain = crate::emulator::support::client();
    let err = plain
        .get(format!(
            "{}/.well-known/openid-configuration",
            emu.okta_url()
        ))
        .send()
        .await
        .unwrap_err();
    assert!(err.is_connect() || err.is_request(), "{err:?}");
    let other = Emulator::start_tls(EmulatorConfig::builtin())
        .await
        .unwrap();
    let wrong_ca = trusting(other.ca_cert_pem().unwrap());
    let result = wrong_ca
        .get(format!(
            "{}/.well-known/openid-configuration",
            emu.okta_url()
        ))
        .send()
        .await;
    assert!(result.is_err(), "each start has its own CA");
    let no_tls = Emulator::start(EmulatorConfig::builtin()).await.unwrap();
    assert_eq!(no_tls.ca_cert_pem(), None);
}

#[tokio::test]
async fn the_command_writes_the_ca_file_and_prints_its_path() {
    let dir = std::env::temp_dir().join(format!("gatecheck-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ca_path = dir.join("ca.pem");
    // A link planted at the path (as at a guessable /tmp name) is replaced,
    // and the file it points at keeps its text.
    let victim = dir.join("victim");
    std::fs::write(&victim, "keep me").unwrap();
    let _ = std::fs::remove_file(&ca_path);
    std::os::unix::fs::symlink(&victim, &ca_path).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_gatecheck"))
        .args(["emulator", "--tls", "--ca-cert-out"])
        .arg(&ca_path)
        .env_clear()
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let done = line.starts_with("press Ctrl-C");
            if tx.send(line).is_err() || done {
                break;
            }
        }
    });
    let mut banner = Vec::new();
    while let Ok(line) = rx.recv_timeout(Duration::from_secs(60)) {
        let done = line.starts_with("press Ctrl-C");
        banner.push(line);
        if done {
            break;
        }
    }
    let text = banner.join("\n");
    let okta_url = banner
        .iter()
        .find_map(|l| l.trim().strip_prefix("okta_url:"))
        .map(|u| u.trim().to_string());
    let ca_pem = std::fs::read_to_string(&ca_path);
    let victim_text = std::fs::read_to_string(&victim).unwrap_or_default();
    let discovery = match (&okta_url, &ca_pem) {
        (Some(url), Ok(pem)) => trusting(pem)
            .get(format!(
                "{url}/oauth2/default/.well-known/openid-configuration"
            ))
            .send()
            .await
            .map(|r| r.status().as_u16()),
        _ => Ok(0),
    };
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        text.contains(&format!("CA certificate: {}", ca_path.display())),
        "{text}"
    );
    assert!(text.contains("NODE_EXTRA_CA_CERTS"), "{text}");
    assert_eq!(victim_text, "keep me", "written through the link");
    let okta_url = okta_url.unwrap_or_default();
    assert!(okta_url.starts_with("https://127.0.0.1:"), "{text}");
    assert!(ca_pem.unwrap().starts_with("-----BEGIN CERTIFICATE-----"));
    assert_eq!(discovery.unwrap(), 200);
}
