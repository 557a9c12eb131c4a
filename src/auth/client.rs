//! The login's own HTTP client: no redirects followed, no cookie store (but
//! a private one per oauth2-pkce login), no Origin header, timeouts on every
//! request, and Okta's 429 handled once.

use super::error::{At, LoginFailure, excerpt};
use crate::http::body::{BodyError, read_limited};
use crate::wire::limits::{ByteSize, DEFAULT_MAX_BODY_SIZE};
use reqwest::cookie::Jar;
use reqwest::{Client, RequestBuilder, redirect};
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject as _;
use serde::de::DeserializeOwned;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Longest wait for a rate limit to reset before retrying (once).
pub const MAX_RATE_LIMIT_WAIT: Duration = Duration::from_secs(10);
/// Slack added after the announced reset second.
const RESET_SLACK: Duration = Duration::from_millis(250);
/// Connection timeout, capped by the total timeout.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const USER_AGENT: &str = concat!("gatecheck/", env!("CARGO_PKG_VERSION"));

/// The HTTP client of logins, separate from the tests' client.
#[derive(Clone, Debug)]
pub struct LoginClient {
    http: Result<Client, String>,
    timeout: Duration,
    max_body: ByteSize,
    /// Extra trusted CA certificates (a fixture's `ca_cert`).
    roots: Vec<CertificateDer<'static>>,
}

/// A whole answer, read into memory so it can be checked by pure functions.
#[derive(Debug, Clone, Default)]
pub struct Reply {
    pub status: u16,
    pub location: Option<String>,
    pub content_type: String,
    pub body: String,
    pub rate_limit_reset: Option<u64>,
    /// The `DPoP-Nonce` header (RFC 9449 §8).
    pub dpop_nonce: Option<String>,
}

impl LoginClient {
    /// `timeout` bounds each request, from connecting to the last body byte.
    pub fn new(timeout: Duration) -> Self {
        Self::build(timeout, None, Vec::new())
    }

    /// A new client with the same timeout that also trusts the CA
    /// certificates of a PEM file (a fixture's `ca_cert`). A file that
    /// cannot be read or holds no certificate makes every request fail
    /// with a message naming it.
    pub fn with_ca_cert(&self, path: &str) -> Self {
        // A CA bundle is some hundred KiB; a FIFO or device is refused.
        let roots = crate::disk::read_regular(std::path::Path::new(path), 16 << 20)
            .map_err(|e| format!("failed to read ca_cert `{path}`: {e}"))
            .and_then(|pem| {
                CertificateDer::pem_slice_iter(&pem)
                    .collect::<Result<Vec<_>, _>>()
                    .ok()
                    .filter(|certs| !certs.is_empty())
                    .ok_or_else(|| {
                        format!("ca_cert `{path}` holds no PEM certificate (-----BEGIN CERTIFICATE-----)")
                    })
            });
        match roots {
            Ok(roots) => Self::build(self.timeout, None, roots).with_max_body(self.max_body),
            Err(message) => Self {
                http: Err(message),
                timeout: self.timeout,
                max_body: self.max_body,
                roots: Vec::new(),
            },
        }
    }

    /// A new client with the same timeout and a cookie store of its own,
    /// for one login that must keep the authorization server's cookies
    /// (oauth2-pkce); still no redirects followed.
    pub(crate) fn with_cookie_jar(&self, jar: Arc<Jar>) -> Self {
        if let Err(message) = &self.http {
            return Self {
                http: Err(message.clone()),
                timeout: self.timeout,
                max_body: self.max_body,
                roots: Vec::new(),
            };
        }
        Self::build(self.timeout, Some(jar), self.roots.clone()).with_max_body(self.max_body)
    }

    /// The same client, reading at most `limit` bytes of each answer's body
    /// (default: 64 MiB); past it the login fails saying so.
    pub fn with_max_body(mut self, limit: ByteSize) -> Self {
        self.max_body = limit;
        self
    }

    fn build(
        timeout: Duration,
        jar: Option<Arc<Jar>>,
        roots: Vec<CertificateDer<'static>>,
    ) -> Self {
        let builder = match jar {
            Some(jar) => Client::builder().cookie_provider(jar),
            None => Client::builder(),
        };
        // The system's roots are read on the first https connection only.
        let http = crate::http::tls::client_config(roots.clone())
            .map_err(|e| format!("cannot build the login's HTTP client: {e}"))
            .and_then(|tls| {
                builder
                    .tls_backend_preconfigured(tls)
                    .redirect(redirect::Policy::none())
                    .user_agent(USER_AGENT)
                    .connect_timeout(CONNECT_TIMEOUT.min(timeout))
                    .timeout(timeout)
                    .build()
                    .map_err(|e| format!("cannot build the login's HTTP client: {}", causes(&e)))
            });
        Self {
            http,
            timeout,
            max_body: DEFAULT_MAX_BODY_SIZE,
            roots,
        }
    }

    /// Sends the request `build` makes; on a 429 waits for the reset (when it
    /// is within [`MAX_RATE_LIMIT_WAIT`]) and sends it once more.
    pub(crate) async fn send<F>(&self, at: &At, build: F) -> Result<Reply, LoginFailure>
    where
        F: Fn(&Client) -> RequestBuilder,
    {
        let reply = self.send_once(at, &build).await?;
        if reply.status != 429 {
            return Ok(reply);
        }
        let Some(wait) = rate_limit_wait(reply.rate_limit_reset, SystemTime::now()) else {
            return Err(rate_limited(at, &reply, None));
        };
        tokio::time::sleep(wait).await;
        let again = self.send_once(at, &build).await?;
        if again.status == 429 {
            return Err(rate_limited(at, &again, Some(wait)));
        }
        Ok(again)
    }

    async fn send_once<F>(&self, at: &At, build: &F) -> Result<Reply, LoginFailure>
    where
        F: Fn(&Client) -> RequestBuilder,
    {
        let http = self
            .http
            .as_ref()
            .map_err(|e| LoginFailure::Config(e.clone()))?;
        let response = build(http)
            .send()
            .await
            .map_err(|e| self.transport(at, &e))?;
        let headers = response.headers().clone();
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let status = response.status().as_u16();
        let body = read_limited(response, self.max_body)
            .await
            .map_err(|e| match e {
                BodyError::TooLarge { limit, declared } => LoginFailure::BodyTooLarge {
                    at: at.clone(),
                    what: BodyError::too_large_message(limit, declared),
                },
                BodyError::Read(e) => self.transport(at, &e),
            })?;
        Ok(Reply {
            status,
            location: header("location"),
            content_type: header("content-type").unwrap_or_default(),
            rate_limit_reset: header("x-rate-limit-reset").and_then(|v| v.trim().parse().ok()),
            dpop_nonce: header("dpop-nonce"),
            body: String::from_utf8_lossy(&body).into_owned(),
        })
    }

    fn transport(&self, at: &At, err: &reqwest::Error) -> LoginFailure {
        let cause = causes(err);
        if err.is_timeout() {
            LoginFailure::Timeout {
                at: at.clone(),
                timeout: self.timeout,
                cause,
            }
        } else {
            LoginFailure::Network {
                at: at.clone(),
                cause,
            }
        }
    }
}

impl Reply {
    pub fn is_json(&self) -> bool {
        let ct = self.content_type.to_ascii_lowercase();
        ct.contains("json") || (ct.is_empty() && self.body.trim_start().starts_with('{'))
    }

    pub fn is_html(&self) -> bool {
        self.content_type.to_ascii_lowercase().contains("text/html")
            || self.body.trim_start().starts_with('<')
    }

    /// The body as `T`, or a message saying what came instead.
    pub fn json<T: DeserializeOwned>(&self, at: &At) -> Result<T, LoginFailure> {
        serde_json::from_str(&self.body).map_err(|e| {
            // Values may be unregistered secrets: show the keys only.
            let what = match crate::http::json::parse(self.body.as_bytes()) {
                Ok(Some(value)) => format!(
                    "Okta answered {} with JSON that does not fit ({e}); its keys: {}",
                    self.status,
                    json_keys(&value)
                ),
                Err(too_deep) => {
                    format!("Okta answered {} with a body that {too_deep}", self.status)
                }
                Ok(None) => format!(
                    "Okta answered {} with {} instead of JSON: {}",
                    self.status,
                    self.content_kind(),
                    excerpt(&self.body)
                ),
            };
            LoginFailure::protocol(at, what)
        })
    }

    fn content_kind(&self) -> String {
        match self.content_type.split(';').next().map(str::trim) {
            Some(ct) if !ct.is_empty() => ct.to_owned(),
            _ => "a body without Content-Type".to_owned(),
        }
    }
}

/// The top-level keys of a JSON value, for messages.
fn json_keys(value: &serde_json::Value) -> String {
    match value.as_object() {
        Some(map) if !map.is_empty() => map.keys().cloned().collect::<Vec<_>>().join(", "),
        Some(_) => "none".to_owned(),
        None => "(not an object)".to_owned(),
    }
}

/// How long to wait for a rate limit that resets at `reset` (epoch seconds),
/// or None when that is unknown or too far away.
pub fn rate_limit_wait(reset: Option<u64>, now: SystemTime) -> Option<Duration> {
    let reset = UNIX_EPOCH + Duration::from_secs(reset?);
    let wait = reset.duration_since(now).unwrap_or(Duration::ZERO) + RESET_SLACK;
    (wait <= MAX_RATE_LIMIT_WAIT).then_some(wait)
}

fn rate_limited(at: &At, reply: &Reply, waited: Option<Duration>) -> LoginFailure {
    #[derive(serde::Deserialize)]
    struct Body {
        #[serde(rename = "errorCode")]
        code: String,
        #[serde(rename = "errorSummary", default)]
        summary: String,
    }
    // Okta's own words beside its code: `E0000047 API call exceeded rate limit...`.
    let code = serde_json::from_str::<Body>(&reply.body).map_or_else(
        |_| "Too Many Requests".to_owned(),
        |b| format!("{} {}", b.code, b.summary).trim_end().to_owned(),
    );
    LoginFailure::RateLimited {
        at: at.clone(),
        code,
        reset: describe_reset(reply.rate_limit_reset, waited, SystemTime::now()),
    }
}

/// "the limit resets in 42 s (at 2024-05-01T10:00:00Z)", or why we gave up.
pub fn describe_reset(reset: Option<u64>, waited: Option<Duration>, now: SystemTime) -> String {
    let Some(secs) = reset else {
        return "Okta did not say when the limit resets (no X-Rate-Limit-Reset header)".to_owned();
    };
    let at = UNIX_EPOCH + Duration::from_secs(secs);
    let when = humantime::format_rfc3339_seconds(at);
    let left = at.duration_since(now).unwrap_or(Duration::ZERO).as_secs();
    match waited {
        Some(w) => format!(
            "still limited after waiting {} ms and retrying once; the limit resets in {left} s (at {when})",
            w.as_millis()
        ),
        None => format!(
            "the limit resets in {left} s (at {when}), more than the {} s gatecheck waits",
            MAX_RATE_LIMIT_WAIT.as_secs()
        ),
    }
}

/// An error's sources (reqwest's own Display hides them and repeats the URL),
/// or the error itself when it has none.
pub fn causes(err: &dyn std::error::Error) -> String {
    let Some(first) = err.source() else {
        return err.to_string();
    };
    let mut parts: Vec<String> = vec![first.to_string()];
    let mut source = first.source();
    while let Some(e) = source {
        let text = e.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = e.source();
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at() -> At {
        At::new(
            "POST",
            &reqwest::Url::parse("http://127.0.0.1:1/api/v1/authn").unwrap(),
        )
    }

    #[test]
    fn a_ca_cert_that_is_a_device_or_fifo_is_refused_unread() {
        let dir = std::env::temp_dir().join(format!("gatecheck-ca-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let fifo = dir.join("ca.pem");
        let c = std::ffi::CString::new(fifo.to_string_lossy().as_bytes()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let client = LoginClient::new(Duration::from_secs(1));
        for (path, kind) in [
            (fifo.to_string_lossy().into_owned(), "a FIFO"),
            ("/dev/zero".to_owned(), "a device"),
        ] {
            let message = client.with_ca_cert(&path).http.unwrap_err();
            assert_eq!(
                message,
                format!(
                    "failed to read ca_cert `{path}`: is not a regular file ({kind}); give the path of a file"
                )
            );
        }
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn waits_only_for_a_near_reset() {
        let now = UNIX_EPOCH + Duration::from_secs(1000);
        assert_eq!(
            rate_limit_wait(Some(1003), now),
            Some(Duration::from_millis(3250))
        );
        assert_eq!(rate_limit_wait(Some(900), now), Some(RESET_SLACK));
        assert_eq!(rate_limit_wait(Some(1060), now), None);
        assert_eq!(rate_limit_wait(None, now), None);
    }

    #[test]
    fn describes_the_reset() {
        let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(
            describe_reset(Some(1_700_000_060), None, now),
            "the limit resets in 60 s (at 2023-11-14T22:14:20Z), more than the 10 s gatecheck waits"
        );
    }

    #[test]
    fn non_json_answer_is_named() {
        let reply = Reply {
            status: 502,
            content_type: "text/html; charset=utf-8".into(),
            body: "<html>\n<h1>Bad gateway</h1></html>".into(),
            ..Reply::default()
        };
        let err = reply
            .json::<serde_json::Value>(&at())
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "unexpected answer from POST http://127.0.0.1:1/api/v1/authn: Okta answered 502 \
             with text/html instead of JSON: <html> <h1>Bad gateway</h1></html>"
        );
    }

    #[test]
    fn deeply_nested_json_is_not_called_not_json() {
        let reply = Reply {
            status: 200,
            content_type: "application/json".into(),
            body: format!("{}{}", "[".repeat(300), "]".repeat(300)),
            ..Reply::default()
        };
        let err = reply
            .json::<serde_json::Value>(&at())
            .unwrap_err()
            .to_string();
        assert!(
            err.ends_with(
                "Okta answered 200 with a body that is nested 300 levels deep, deeper than the \
                 256 levels gatecheck reads as JSON"
            ),
            "{err}"
        );
        // Deeper than serde_json's default but within gatecheck's limit: read.
        let reply = Reply {
            body: format!("{{\"a\": {}{}}}", "[".repeat(200), "]".repeat(200)),
            ..reply
        };
        let err = reply.json::<Vec<u8>>(&at()).unwrap_err().to_string();
        assert!(err.contains("with JSON that does not fit"), "{err}");
        assert!(err.ends_with("its keys: a"), "{err}");
    }

    #[tokio::test]
    async fn connection_refused_names_url_and_cause() {
        let client = LoginClient::new(Duration::from_secs(2));
        let url = reqwest::Url::parse("http://127.0.0.1:1/api/v1/authn").unwrap();
        let err = client
            .send(&at(), |c| c.post(url.clone()))
            .await
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("could not reach POST http://127.0.0.1:1/api/v1/authn: client error"),
            "{err}"
        );
        assert!(err.to_lowercase().contains("refused"), "{err}");
    }
}
