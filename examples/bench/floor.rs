//! The floors: plain reqwest loops in this process, with the client
//! gatecheck builds (same settings), a fresh client (cold pool) per run.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tokio::runtime::Runtime;

fn client() -> reqwest::Client {
    gatecheck::http::build_client(Duration::from_secs(10)).expect("client")
}

async fn get(client: &reqwest::Client, url: &str) {
    let response = client.get(url).send().await.expect("floor request");
    assert!(response.status().is_success(), "floor: {url} failed");
    response.bytes().await.expect("floor body");
}

/// `n` requests one after the other on keep-alive connections.
pub fn sequential(rt: &Runtime, url: &str, n: usize) -> Duration {
    let client = client();
    let started = Instant::now();
    rt.block_on(async {
        for _ in 0..n {
            get(&client, url).await;
        }
    });
    started.elapsed()
}

/// `n` requests, `in_flight` at a time.
pub fn concurrent(rt: &Runtime, url: &str, n: usize, in_flight: usize) -> Duration {
    let client = client();
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    rt.block_on(async {
        let workers: Vec<_> = (0..in_flight)
            .map(|_| {
                let (client, next, url) = (client.clone(), next.clone(), url.to_owned());
                tokio::spawn(async move {
                    while next.fetch_add(1, Ordering::Relaxed) < n {
                        get(&client, &url).await;
                    }
                })
            })
            .collect();
        for w in workers {
            w.await.expect("floor worker");
        }
    });
    started.elapsed()
}
