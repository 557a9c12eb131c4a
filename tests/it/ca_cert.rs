//! A fixture's `ca_cert`: logins against an Okta served over HTTPS by a CA
//! the system does not trust (`gatecheck emulator --tls`, a corporate proxy).

use gatecheck_emulator::{Emulator, EmulatorConfig};

use crate::login_support::{failure, fixture, pkce, run};

struct CaFile(std::path::PathBuf);

impl CaFile {
    fn write(name: &str, pem: &str) -> CaFile {
        let path =
            std::env::temp_dir().join(format!("gatecheck-ca-{}-{name}.pem", std::process::id()));
        std::fs::write(&path, pem).unwrap();
        CaFile(path)
    }

    fn yaml(&self) -> String {
        format!("ca_cert: '{}'", self.0.display())
    }
}

impl Drop for CaFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

async fn tls_emulator() -> Emulator {
    Emulator::start_tls(EmulatorConfig::builtin())
        .await
        .unwrap()
}

#[tokio::test]
async fn okta_pkce_logs_in_over_https_with_the_ca_cert() {
    let em = tls_emulator().await;
    let ca = CaFile::write("pkce", em.ca_cert_pem().unwrap());
    let (result, _) = run(&pkce(&em, &ca.yaml())).await;
    let token = result.expect("login over https");
    assert!(!token.access_token.is_empty());
}

#[tokio::test]
async fn client_credentials_uses_the_ca_cert_too() {
    let em = tls_emulator().await;
    let ca = CaFile::write("cc", em.ca_cert_pem().unwrap());
    let fx = fixture(
        &em,
        &format!(
            "kind: client-credentials\nokta_url: OKTA\nclient_id: demo-service\nclient_secret: demo-service-secret\nscopes: [todos.read]\n{}\n",
            ca.yaml()
        ),
    );
    let (result, _) = run(&fx).await;
    assert!(result.is_ok(), "{:?}", result.err().map(|e| e.to_string()));
}

#[tokio::test]
async fn without_the_ca_cert_the_certificate_is_refused() {
    let em = tls_emulator().await;
    let message = failure(&pkce(&em, "")).await;
    assert!(message.contains("invalid peer certificate"), "{message}");
    let other = tls_emulator().await;
    let wrong = CaFile::write("wrong", other.ca_cert_pem().unwrap());
    let message = failure(&pkce(&em, &wrong.yaml())).await;
    assert!(message.contains("invalid peer certificate"), "{message}");
}

#[tokio::test]
async fn an_unreadable_or_empty_ca_cert_is_named() {
    let em = tls_emulator().await;
    let message = failure(&pkce(&em, "ca_cert: /nonexistent/ca.pem")).await;
    assert!(
        message.contains("failed to read ca_cert `/nonexistent/ca.pem`"),
        "{message}"
    );
    let empty = CaFile::write("empty", "not a certificate\n");
    let message = failure(&pkce(&em, &empty.yaml())).await;
    assert!(message.contains("holds no PEM certificate"), "{message}");
}
