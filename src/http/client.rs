//! The one HTTP client of a run (one connection pool) and sending.

use std::error::Error as _;
use std::time::{Duration, Instant};

use super::body::{BodyError, read_limited};
use super::exchange::{Body, Exchange, Prepared, Response};
use crate::wire::limits::ByteSize;

/// Failure to get a response at all.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("request timed out after {0:?}")]
    Timeout(Duration),
    #[error("{0}")]
    Transport(String),
    /// The body passed `max_body_size`: the message says so and what to do.
    #[error("{0}")]
    TooLarge(String),
}

/// The shared client: no redirects followed (a test sees the 3xx), no
/// cookie jar shared between tests, a connect timeout and pooled keep-alive.
/// TLS verifies servers with the system's roots, read on the first https
/// connection (a plain-http run never reads them).
pub fn build_client(timeout: Duration) -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .tls_backend_preconfigured(super::tls::client_config(Vec::new())?)
        .user_agent(concat!("gatecheck/", env!("CARGO_PKG_VERSION")))
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(timeout.min(Duration::from_secs(10)))
        .timeout(timeout)
        .pool_max_idle_per_host(256)
        .tcp_nodelay(true)
        .build()
        .map_err(|e| format!("failed to build the HTTP client: {}", cause_chain(&e)))
}

/// Sends a prepared request and reads the whole response, up to `max_body`
/// bytes of body.
pub async fn send(
    client: &reqwest::Client,
    prepared: Prepared,
    max_body: ByteSize,
) -> Result<Exchange, HttpError> {
    let mut builder = client
        .request(prepared.method.clone(), prepared.url.clone())
        .timeout(prepared.timeout);
    for (name, value) in &prepared.headers {
        builder = builder.header(name, value);
    }
    builder = match &prepared.body {
        Body::None => builder,
        Body::Json(v) => builder.json(v),
        Body::Form(fields) => builder.form(fields),
        Body::Text(t) => builder.body(t.clone()),
    };
    let started = Instant::now();
    let timeout = prepared.timeout;
    let fail = |e: reqwest::Error| {
        if e.is_timeout() {
            HttpError::Timeout(timeout)
        } else {
            HttpError::Transport(cause_chain(&e))
        }
    };
    let response = builder.send().await.map_err(fail)?;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = read_limited(response, max_body)
        .await
        .map_err(|e| match e {
            BodyError::TooLarge { limit, declared } => {
                HttpError::TooLarge(BodyError::too_large_message(limit, declared))
            }
            BodyError::Read(e) => fail(e),
        })?;
    let response = Response::new(status, headers, body);
    Ok(Exchange {
        request: prepared,
        response,
        elapsed: started.elapsed(),
    })
}

/// reqwest's Display hides the cause ("error sending request"): walk it.
pub fn cause_chain(err: &reqwest::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        let part = s.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        source = s.source();
    }
    text
}
