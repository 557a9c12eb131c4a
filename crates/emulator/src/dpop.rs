//! DPoP (RFC 9449) as Okta does it: proofs at /token for clients that
//! require them (with a server nonce), DPoP-bound tokens (`cnf.jkt`), and
//! the demo API's check of the proof on every request with such a token.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use jsonwebtoken::jwk::ThumbprintHash;
use jsonwebtoken::{AlgorithmFamily, DecodingKey, Validation, decode, decode_header};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::api::error::{ApiError, REALM};
use super::config::ClientConfig;
use super::ids::{b64url, epoch_secs};
use super::oauth_error::OAuthError;
use super::state::{AppState, Shared};

/// How far a proof's `iat` may be from the server's clock, in seconds.
const IAT_WINDOW_SECS: u64 = 120;

#[derive(Deserialize)]
struct ProofClaims {
    jti: String,
    htm: String,
    htu: String,
    iat: u64,
    #[serde(default)]
    ath: Option<String>,
    #[serde(default)]
    nonce: Option<String>,
}

/// A proof that checked out: its key's thumbprint and the nonce it carried.
pub(crate) struct Proven {
    pub(crate) jkt: String,
    nonce: Option<String>,
}

/// Checks `proof` for `method` on one of `urls`: type, key, signature,
/// htm, htu, iat, a jti not seen before and `ath` for `access_token`.
pub(crate) fn verify(
    shared: &Shared,
    proof: &str,
    method: &str,
    urls: &[String],
    access_token: Option<&str>,
) -> Result<Proven, &'static str> {
    let header = decode_header(proof).map_err(|_| "The DPoP proof is not a valid JWT.")?;
    if header.typ.as_deref() != Some("dpop+jwt") {
        return Err("The DPoP proof typ must be 'dpop+jwt'.");
    }
    if header.alg.family() == AlgorithmFamily::Hmac {
        return Err("The DPoP proof must be signed with an asymmetric algorithm.");
    }
    let jwk = header
        .jwk
        .ok_or("The DPoP proof header lacks the public key (jwk).")?;
    let key = DecodingKey::from_jwk(&jwk).map_err(|_| "The DPoP proof jwk is not a usable key.")?;
    let mut validation = Validation::new(header.alg);
    validation.required_spec_claims.clear();
    validation.validate_exp = false;
    validation.validate_aud = false;
    let claims = decode::<ProofClaims>(proof, &key, &validation)
        .map_err(|_| "The DPoP proof signature is invalid.")?
        .claims;
    if !claims.htm.eq_ignore_ascii_case(method) {
        return Err("The DPoP proof htm does not match the request method.");
    }
    if !urls.contains(&claims.htu) {
        return Err("The DPoP proof htu does not match the request URL.");
    }
    if epoch_secs().abs_diff(claims.iat) > IAT_WINDOW_SECS {
        return Err("The DPoP proof iat is too far from the current time.");
    }
    if let Some(token) = access_token
        && claims.ath.as_deref() != Some(ath(token).as_str())
    {
        return Err("The DPoP proof ath does not match the access token.");
    }
    let seen = format!("dpop:{}", claims.jti);
    if claims.jti.is_empty() || shared.seen_jtis.get(&seen).is_some() {
        return Err("The DPoP proof has already been used.");
    }
    shared.seen_jtis.insert(seen, ());
    shared.remember(proof);
    let jkt = jwk
        .thumbprint(ThumbprintHash::SHA256)
        .map_err(|_| "The DPoP proof jwk is not a usable key.")?;
    Ok(Proven {
        jkt,
        nonce: claims.nonce,
    })
}

/// The proof of a /token request: the `cnf.jkt` to bind the token to, or
/// none without a proof (an error for a client that requires DPoP).
pub(crate) fn at_token(
    shared: &Shared,
    client: &ClientConfig,
    headers: &HeaderMap,
    token_url: &str,
) -> Result<Option<String>, Refused> {
    let Some(proof) = headers.get("dpop").and_then(|v| v.to_str().ok()) else {
        if client.dpop_bound_access_tokens {
            return Err(Refused::Invalid("The DPoP proof JWT header is missing."));
        }
        return Ok(None);
    };
    let proven =
        verify(shared, proof, "POST", &[token_url.to_owned()], None).map_err(Refused::Invalid)?;
    if proven.nonce.as_deref() != Some(shared.dpop_nonce.as_str()) {
        return Err(Refused::NeedsNonce(shared.dpop_nonce.clone()));
    }
    Ok(Some(proven.jkt))
}

/// base64url(SHA-256(access token)).
fn ath(token: &str) -> String {
    b64url(&Sha256::digest(token.as_bytes()))
}

/// Why /token refused a request's DPoP proof.
#[derive(Debug)]
pub(crate) enum Refused {
    /// 400 invalid_dpop_proof.
    Invalid(&'static str),
    /// 400 use_dpop_nonce with the nonce to use (RFC 9449 §8).
    NeedsNonce(String),
}

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        match self {
            Refused::Invalid(description) => {
                OAuthError::new(StatusCode::BAD_REQUEST, "invalid_dpop_proof", description)
                    .into_response()
            }
            Refused::NeedsNonce(nonce) => {
                let description = "Authorization server requires nonce in DPoP proof.";
                let mut response =
                    OAuthError::new(StatusCode::BAD_REQUEST, "use_dpop_nonce", description)
                        .into_response();
                if let Ok(value) = HeaderValue::from_str(&nonce) {
                    response.headers_mut().insert("dpop-nonce", value);
                }
                response
            }
        }
    }
}

/// Demo API: a request with `Authorization: DPoP <token>` must carry a
/// valid proof for this method and URL, made with the key the token is
/// bound to; then the handler validates the token itself.
pub(crate) async fn api_guard(
    State(shared): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let headers = request.headers();
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("dpop"))
        .map(|(_, token)| token.trim().to_owned());
    let Some(token) = token else {
        return next.run(request).await;
    };
    let Some(proof) = headers.get("dpop").and_then(|v| v.to_str().ok()) else {
        return proof_refused("A DPoP proof (DPoP header) is required with a DPoP token.");
    };
    let host = headers
        .get("host")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let path = request.uri().path();
    let urls = [
        format!("http://{host}{path}"),
        format!("https://{host}{path}"),
    ];
    let method = request.method().as_str().to_owned();
    let proven = match verify(&shared, proof, &method, &urls, Some(&token)) {
        Ok(proven) => proven,
        Err(description) => return proof_refused(description),
    };
    if bound_key(&token).as_deref() != Some(proven.jkt.as_str()) {
        return proof_refused("The DPoP proof is not signed with the key the token is bound to.");
    }
    next.run(request).await
}

/// The `cnf.jkt` of a token (its signature is checked by the handler).
pub(crate) fn bound_key(token: &str) -> Option<String> {
    #[derive(Deserialize)]
    struct Claims {
        cnf: Option<Cnf>,
    }
    let claims = jsonwebtoken::dangerous::insecure_decode::<Claims>(token).ok()?;
    claims.claims.cnf.map(|c| c.jkt)
}

/// The confirmation claim of a DPoP-bound token.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Cnf {
    pub(crate) jkt: String,
}

fn proof_refused(description: &str) -> Response {
    ApiError {
        status: StatusCode::UNAUTHORIZED,
        error: "invalid_dpop_proof",
        description: description.into(),
        challenge: Some(format!(
            "DPoP realm=\"{REALM}\", error=\"invalid_dpop_proof\", error_description=\"{description}\", algs=\"ES256 RS256\""
        )),
    }
    .into_response()
}
