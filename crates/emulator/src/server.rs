//! Starting, stopping and standalone running of the emulator and demo API.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::config::EmulatorConfig;
use super::counters::CounterSnapshot;
use super::state::{AppState, Shared};
use super::{api, routes};

/// A running emulator; dropping it (or `shutdown`) stops both servers.
pub struct Emulator {
    okta_url: String,
    ca_pem: Option<String>,
    api_url: String,
    shared: AppState,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Emulator {
    /// Starts the Okta emulator and the demo API on 127.0.0.1 ephemeral
    /// ports, on the current tokio runtime.
    pub async fn start(config: EmulatorConfig) -> std::io::Result<Emulator> {
        Self::start_on(config, 0, 0).await
    }

    /// Same on given ports (0 = ephemeral).
    pub async fn start_on(
        config: EmulatorConfig,
        okta_port: u16,
        api_port: u16,
    ) -> std::io::Result<Emulator> {
        Self::start_with(config, okta_port, api_port, false).await
    }

    /// Same, serving the Okta side over HTTPS (`https://127.0.0.1:PORT`)
    /// with a certificate for 127.0.0.1 and localhost, issued by a CA made
    /// for this start: trust `ca_cert_pem()` in the clients. The demo API
    /// stays on plain HTTP.
    pub async fn start_tls(config: EmulatorConfig) -> std::io::Result<Emulator> {
        Self::start_with(config, 0, 0, true).await
    }

    /// The general form: given ports (0 = ephemeral), TLS on the Okta side or not.
    pub async fn start_with(
        config: EmulatorConfig,
        okta_port: u16,
        api_port: u16,
        tls: bool,
    ) -> std::io::Result<Emulator> {
        config.validate().map_err(std::io::Error::other)?;
        let okta = TcpListener::bind(("127.0.0.1", okta_port)).await?;
        let api = TcpListener::bind(("127.0.0.1", api_port)).await?;
        let material = if tls {
            Some(super::tls::generate()?)
        } else {
            None
        };
        let scheme = if tls { "https" } else { "http" };
        let okta_url = format!("{scheme}://{}", okta.local_addr()?);
        let api_url = url_of(api.local_addr()?);
        let shared = Arc::new(Shared::new(config, okta_url.clone())?);
        let (stop, _) = watch::channel(false);
        let okta_router = routes::router(shared.clone());
        let ca_pem = material.as_ref().map(|m| m.ca_pem.clone());
        let okta_task = match material {
            Some(m) => super::tls::serve(okta, okta_router, m.acceptor, stop.subscribe()),
            None => serve(okta, okta_router, stop.subscribe()),
        };
        let tasks = vec![
            okta_task,
            serve(api, api::router(shared.clone()), stop.subscribe()),
        ];
        Ok(Emulator {
            okta_url,
            ca_pem,
            api_url,
            shared,
            stop,
            tasks,
        })
    }

    /// The PEM certificate of the CA that issued the HTTPS certificate
    /// (None without TLS).
    pub fn ca_cert_pem(&self) -> Option<&str> {
        self.ca_pem.as_deref()
    }

    /// "http://127.0.0.1:PORT" (https with TLS), no trailing slash: what users put as okta_url.
    pub fn okta_url(&self) -> &str {
        &self.okta_url
    }

    /// The demo API base, "http://127.0.0.1:PORT".
    pub fn api_url(&self) -> &str {
        &self.api_url
    }

    /// "default" -> {okta}/oauth2/default; "org" -> {okta}.
    pub fn issuer(&self, auth_server: &str) -> String {
        self.shared.issuer(auth_server)
    }

    /// The JWKS URL of an authorization server.
    pub fn jwks_url(&self, auth_server: &str) -> String {
        if auth_server == "org" {
            format!("{}/oauth2/v1/keys", self.okta_url)
        } else {
            format!("{}/v1/keys", self.issuer(auth_server))
        }
    }

    /// Calls served so far.
    pub fn counters(&self) -> CounterSnapshot {
        self.shared.counters.snapshot()
    }

    /// Every secret value that went over the wire so far: session and state
    /// tokens, codes, verifiers, access, id and refresh tokens. For tests
    /// that assert none of them leaks into output.
    pub fn issued_secrets(&self) -> Vec<String> {
        let issued = self.shared.issued.lock().unwrap_or_else(|e| e.into_inner());
        issued.clone()
    }

    /// Rotates an authorization server's signing key ("org" or a custom
    /// id), as Okta does: the key that was already published as the next
    /// one starts signing, the old key stays published, and a new next key
    /// is published. Returns the kid that signs from now on.
    pub fn rotate_key(&self, auth_server: &str) -> std::io::Result<String> {
        self.shared.rotate_key(auth_server)?.ok_or_else(|| {
            std::io::Error::other(format!("unknown authorization server `{auth_server}`"))
        })
    }

    pub fn reset_counters(&self) {
        self.shared.counters.reset();
    }

    /// Stops both servers, waiting up to 5 seconds for open connections.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        for task in std::mem::take(&mut self.tasks) {
            let abort = task.abort_handle();
            if tokio::time::timeout(Duration::from_secs(5), task)
                .await
                .is_err()
            {
                abort.abort();
            }
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        for task in &self.tasks {
            task.abort();
        }
    }
}

fn url_of(addr: SocketAddr) -> String {
    format!("http://{addr}")
}

fn serve(
    listener: TcpListener,
    router: axum::Router,
    mut stop: watch::Receiver<bool>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let signal = async move {
            let _ = stop.wait_for(|stopped| *stopped).await;
        };
        let _ = axum::serve(listener, router)
            .with_graceful_shutdown(signal)
            .await;
    })
}
