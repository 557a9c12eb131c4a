//! Sending with a DPoP-bound token (RFC 9449): every request that carries
//! the token gets a fresh proof, each retry too; a server's
//! `use_dpop_nonce` challenge is answered once with its nonce.

use std::time::SystemTime;

use crate::auth::Token;
use crate::http::{self, Exchange, HttpError, Prepared};
use crate::secret::mask::Masker;
use crate::wire::limits::ByteSize;

/// Sends `prepared`; with a DPoP-bound `token` in its Authorization header
/// it adds a `DPoP` proof (registered with `masker`).
pub async fn send(
    client: &reqwest::Client,
    prepared: &Prepared,
    token: Option<&Token>,
    masker: &Masker,
    max_body: ByteSize,
) -> Result<Exchange, HttpError> {
    let Some((token, key)) = token.and_then(|t| Some((t, t.dpop.as_deref()?))) else {
        return http::send(client, prepared.clone(), max_body).await;
    };
    let authorization = token.authorization();
    let carries_token = prepared
        .headers
        .iter()
        .any(|(name, value)| name.eq_ignore_ascii_case("authorization") && *value == authorization);
    if !carries_token {
        return http::send(client, prepared.clone(), max_body).await;
    }
    let mut answered_nonce = false;
    loop {
        let proof = key
            .proof(
                prepared.method.as_str(),
                &prepared.url,
                Some(&token.access_token),
                SystemTime::now(),
            )
            .map_err(HttpError::Transport)?;
        masker.add(proof.as_str());
        let mut request = prepared.clone();
        request
            .headers
            .retain(|(name, _)| !name.eq_ignore_ascii_case("dpop"));
        request.headers.push(("DPoP".to_owned(), proof));
        let exchange = http::send(client, request, max_body).await?;
        let response = &exchange.response;
        if !answered_nonce
            && wants_nonce(response.header("www-authenticate"))
            && key.learn_nonce(&prepared.url, response.header("dpop-nonce"))
        {
            answered_nonce = true;
            continue;
        }
        return Ok(exchange);
    }
}

/// `WWW-Authenticate: DPoP error="use_dpop_nonce"` (RFC 9449 §9).
fn wants_nonce(www_authenticate: Option<&str>) -> bool {
    www_authenticate.is_some_and(|v| v.contains("use_dpop_nonce"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::DpopKey;
    use crate::http::exchange::Body;
    use axum::http::{HeaderMap, StatusCode};
    use axum::response::IntoResponse;
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    /// An API that asks for a nonce once, and records the proofs it gets.
    async fn nonce_api(proofs: Arc<Mutex<Vec<String>>>) -> String {
        let app = axum::Router::new().route(
            "/r",
            axum::routing::get(move |headers: HeaderMap| {
                let proofs = proofs.clone();
                async move {
                    let proof = headers["dpop"].to_str().unwrap().to_owned();
                    let mut proofs = proofs.lock().unwrap();
                    proofs.push(proof);
                    if proofs.len() == 1 {
                        let challenge = [
                            ("www-authenticate", r#"DPoP error="use_dpop_nonce""#),
                            ("dpop-nonce", "n-1"),
                        ];
                        (StatusCode::UNAUTHORIZED, challenge).into_response()
                    } else {
                        StatusCode::OK.into_response()
                    }
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/r?q=1", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        url
    }

    #[tokio::test]
    async fn a_nonce_challenge_is_answered_once_with_a_fresh_proof() {
        let proofs = Arc::new(Mutex::new(Vec::new()));
        let url = nonce_api(proofs.clone()).await;
        let token = Token {
            access_token: "at-1".into(),
            token_type: "DPoP".into(),
            expires_at: None,
            refresh_token: None,
            id_token: None,
            scope: None,
            dpop: Some(Arc::new(DpopKey::generate().unwrap())),
        };
        let prepared = Prepared {
            method: reqwest::Method::GET,
            url: reqwest::Url::parse(&url).unwrap(),
            headers: vec![("Authorization".into(), token.authorization())],
            body: Body::None,
            timeout: Duration::from_secs(10),
        };
        let masker = Masker::new();
        let client = crate::http::build_client(Duration::from_secs(10)).unwrap();
        let exchange = send(
            &client,
            &prepared,
            Some(&token),
            &masker,
            crate::wire::limits::DEFAULT_MAX_BODY_SIZE,
        )
        .await
        .unwrap();
        assert_eq!(exchange.response.status, 200);
        let proofs = proofs.lock().unwrap().clone();
        assert_eq!(proofs.len(), 2);
        let claims = |proof: &str| {
            jsonwebtoken::dangerous::insecure_decode::<serde_json::Value>(proof)
                .unwrap()
                .claims
        };
        let (first, second) = (claims(&proofs[0]), claims(&proofs[1]));
        assert!(first.get("nonce").is_none());
        assert_eq!(second["nonce"], "n-1");
        assert_ne!(first["jti"], second["jti"]);
        assert_eq!(second["htu"], url.trim_end_matches("?q=1"));
        assert_eq!(second["ath"], crate::auth::dpop_ath("at-1"));
        assert!(proofs.iter().all(|p| masker.contains_secret(p)));
    }

    #[test]
    fn the_nonce_challenge_is_recognised() {
        assert!(wants_nonce(Some(
            r#"DPoP error="use_dpop_nonce", error_description="x""#
        )));
        assert!(!wants_nonce(Some(r#"DPoP error="invalid_token""#)));
        assert!(!wants_nonce(None));
    }
}
