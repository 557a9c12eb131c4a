//! The in-process servers the workloads run against: loopback only, one
//! listener, a counter of accepted connections.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::serve::ListenerExt;
use serde_json::json;
use tokio::runtime::Runtime;

/// Delay of `/slow`.
pub const SLOW: Duration = Duration::from_millis(20);
/// Size of the `/big` body (at least).
pub const BIG_BYTES: usize = 1 << 20;

/// `/fast` (small JSON), `/slow` (the same after 20 ms), `/big` (1 MiB
/// JSON), and `/array` and `/huge` (1 and 50 MiB JSON arrays) on `127.0.0.1:0`. Stops when dropped.
pub struct Servers {
    runtime: Option<Runtime>,
    pub base: String,
    accepted: Arc<AtomicUsize>,
    /// The large bodies (`/array`, `/huge`) of workload 6.
    pub bodies: crate::bodies::Bodies,
}

impl Servers {
    pub fn start() -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("bench-server")
            .enable_all()
            .build()
            .expect("server runtime");
        let accepted = Arc::new(AtomicUsize::new(0));
        let big = Bytes::from(big_body());
        let bodies = crate::bodies::Bodies::new();
        let app = Router::new()
            .route("/fast", get(fast))
            .route("/slow", get(slow))
            .route("/big", get(move || big_response(big.clone())))
            .merge(bodies.routes());
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("bind 127.0.0.1:0");
        let addr: SocketAddr = listener.local_addr().expect("local addr");
        let counter = accepted.clone();
        let listener = listener.tap_io(move |tcp| {
            counter.fetch_add(1, Ordering::Relaxed);
            let _ = tcp.set_nodelay(true);
        });
        runtime.spawn(async move { axum::serve(listener, app).await });
        Self {
            runtime: Some(runtime),
            base: format!("http://{addr}"),
            accepted,
            bodies,
        }
    }

    /// The built-in Okta emulator, served by this runtime.
    pub fn emulator(&self) -> gatecheck_emulator::Emulator {
        use gatecheck_emulator::{Emulator, EmulatorConfig};
        let rt = self.runtime.as_ref().expect("running");
        rt.block_on(Emulator::start(EmulatorConfig::builtin()))
            .expect("start the Okta emulator")
    }

    /// Connections accepted since the last call.
    pub fn take_accepted(&self) -> usize {
        self.accepted.swap(0, Ordering::Relaxed)
    }
}

impl Drop for Servers {
    fn drop(&mut self) {
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_timeout(Duration::from_millis(200));
        }
    }
}

const SMALL: &str = r#"{"ok":true,"id":42,"name":"fast","tags":["a","b"]}"#;

async fn fast() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], SMALL)
}

async fn slow() -> impl IntoResponse {
    tokio::time::sleep(SLOW).await;
    ([(header::CONTENT_TYPE, "application/json")], SMALL)
}

async fn big_response(body: Bytes) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], body)
}

/// About 1 MiB of ordinary API JSON: a `meta` object (whose `id` and
/// `requestedAt` the snapshot workload redacts) and a list of items.
pub fn big_body() -> Vec<u8> {
    let mut items = Vec::new();
    let mut size = 0;
    let mut i = 0u64;
    while size < BIG_BYTES {
        let item = json!({
            "id": i,
            "sku": format!("SKU-{i:08}"),
            "name": format!("item number {i}"),
            "price": (i as f64) * 1.25,
            "inStock": !i.is_multiple_of(3),
            "tags": ["alpha", "beta", format!("t{}", i % 17)],
            "dimensions": {"w": i % 100, "h": (i * 7) % 100, "unit": "cm"},
            "description": "A plain product description of moderate length for the benchmark."
        });
        size += item.to_string().len() + 1;
        items.push(item);
        i += 1;
    }
    let body = json!({
        "meta": {
            "id": "3f2b6a1e-9c4d-4b7e-8f10-2a5c6d7e8f90",
            "requestedAt": "2025-01-01T00:00:00Z",
            "count": items.len()
        },
        "items": items
    });
    serde_json::to_vec(&body).expect("serialize")
}
