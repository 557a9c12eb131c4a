//! Sending with a DPoP-bound token (RFC 9449): every request that carries
//! the token gets a fresh proof, each retry too; a server's
//! `use_dpop_nonce` challenge is answered once with its nonce.

use std::time::SystemTime;

use crate::auth::Token;
use crate::http::{self, Exchange, HttpError, Prepared};
use crate::report::mask::Masker;

/// Sends `prepared`; with a DPoP-bound `token` in its Authorization header
/// it adds a `DPoP` proof (registered with `masker`).
pub async fn send(
    client: &reqwest::Client,
    prepared: &Prepared,
    token: Option<&Token>,
    masker: &Masker,
) -> Result<Exchange, HttpError> {
    let Some((token, key)) = token.and_then(|t| Some((t, t.dpop.as_deref()?))) else {
        return http::send(client, prepared.clone()).await;
    };
    let authorization = token.authorization();
    let carries_token = prepared.headers.iter().any(|(name, value)| {
        name.eq_ignore_ascii_case("authorization") && *value == authorization
    });
    if !carries_token {
        return http::send(client, prepared.clone()).await;
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
        request.headers.retain(|(name, _)| !name.eq_ignore_ascii_case("dpop"));
        request.headers.push(("DPoP".to_owned(), proof));
        let exchange = http::send(client, request).await?;
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

    #[test]
    fn the_nonce_challenge_is_recognised() {
        assert!(wants_nonce(Some(r#"DPoP error="use_dpop_nonce", error_description="x""#)));
        assert!(!wants_nonce(Some(r#"DPoP error="invalid_token""#)));
        assert!(!wants_nonce(None));
    }
}
