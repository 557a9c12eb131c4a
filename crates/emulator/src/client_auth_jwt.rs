//! private_key_jwt client authentication at /token (RFC 7523), checked as
//! Okta does: the client's registered public keys (its `jwks`), the
//! signature, `iss` = `sub` = client_id, `aud` = the endpoint, `exp` (at
//! most an hour ahead) and a `jti` never seen before.

use axum::http::{HeaderMap, header};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{DecodingKey, Validation, decode, decode_header};
use serde::Deserialize;

use super::client_auth::authenticate as authenticate_secret;
use super::config::ClientConfig;
use super::ids::epoch_secs;
use super::oauth_error::OAuthError;
use super::state::Shared;
use super::token_params::Params;

/// The only `client_assertion_type` there is.
pub(crate) const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

const MULTIPLE_CREDENTIALS: &str = "Cannot supply multiple client credentials. Use one of the following: credentials in the Authorization header, credentials in the post body, or a client_assertion in the post body.";
const NEEDS_ASSERTION: &str = "Client authentication failed. This client must authenticate with a client_assertion (private_key_jwt).";
const BAD_SIGNATURE: &str = "The client_assertion signature is invalid.";
const MAX_LIFETIME_SECS: u64 = 3600;

#[derive(Deserialize)]
struct AssertionClaims {
    iss: String,
    sub: String,
    exp: u64,
    #[serde(default)]
    jti: Option<String>,
}

/// The calling client: by its assertion when the form has one, else by
/// its secret (a client with public keys must use an assertion).
/// `endpoint` is the URL the assertion must be addressed to.
pub(crate) fn authenticate<'a>(
    shared: &'a Shared,
    headers: &HeaderMap,
    params: &Params,
    endpoint: &str,
) -> Result<&'a ClientConfig, OAuthError> {
    let Some(assertion) = params.get("client_assertion").filter(|a| !a.is_empty()) else {
        let client = authenticate_secret(shared, headers, params)?;
        return match client.jwks {
            Some(_) => Err(OAuthError::invalid_client(NEEDS_ASSERTION)),
            None => Ok(client),
        };
    };
    shared.remember(assertion);
    if headers.contains_key(header::AUTHORIZATION) || params.contains_key("client_secret") {
        return Err(OAuthError::invalid_client(MULTIPLE_CREDENTIALS));
    }
    if params.get("client_assertion_type").map(String::as_str) != Some(ASSERTION_TYPE) {
        return Err(OAuthError::invalid_client(format!(
            "The client_assertion_type must be '{ASSERTION_TYPE}'."
        )));
    }
    let claims = verify(shared, assertion, params, endpoint)?;
    let client = shared.client(&claims.sub).ok_or_else(|| {
        OAuthError::invalid_client("The client_id in the client_assertion is not valid.")
    })?;
    let seen = format!("assertion:{}", claims.jti.unwrap_or_default());
    if seen == "assertion:" || shared.seen_jtis.get(&seen).is_some() {
        return Err(OAuthError::invalid_client(
            "The client_assertion token has already been used (its jti must be unique).",
        ));
    }
    shared.seen_jtis.insert(seen, ());
    Ok(client)
}

fn verify(
    shared: &Shared,
    assertion: &str,
    params: &Params,
    endpoint: &str,
) -> Result<AssertionClaims, OAuthError> {
    let invalid = |d: &str| OAuthError::invalid_client(d);
    let unverified = jsonwebtoken::dangerous::insecure_decode::<AssertionClaims>(assertion)
        .map_err(|_| invalid("The client_assertion is not a valid JWT with iss, sub and exp."))?
        .claims;
    if unverified.iss != unverified.sub {
        return Err(invalid(
            "The issuer [iss] and subject [sub] claims of the client_assertion must both be the client_id.",
        ));
    }
    if params
        .get("client_id")
        .is_some_and(|id| *id != unverified.sub)
    {
        return Err(invalid(
            "The client_id does not match the client_assertion's subject [sub].",
        ));
    }
    let client = shared
        .client(&unverified.sub)
        .ok_or_else(|| invalid("The client_id in the client_assertion is not valid."))?;
    let header = decode_header(assertion).map_err(|_| invalid(BAD_SIGNATURE))?;
    let key = public_key(client, header.kid.as_deref(), header.alg)?;
    let mut validation = Validation::new(header.alg);
    validation.set_audience(&[endpoint]);
    validation.set_required_spec_claims(&["exp", "iss", "sub", "aud"]);
    validation.leeway = 5;
    let claims = decode::<AssertionClaims>(assertion, &key, &validation)
        .map_err(|e| invalid(describe(e.kind())))?
        .claims;
    if claims.exp > epoch_secs() + MAX_LIFETIME_SECS {
        return Err(invalid(
            "The client_assertion token has an expiration too far into the future.",
        ));
    }
    Ok(claims)
}

/// The client's public key for `kid` (or its only key of `alg`'s kind).
fn public_key(
    client: &ClientConfig,
    kid: Option<&str>,
    alg: jsonwebtoken::Algorithm,
) -> Result<DecodingKey, OAuthError> {
    let no_key = || OAuthError::invalid_client(BAD_SIGNATURE);
    let jwks = client.jwks.as_ref().ok_or_else(|| {
        OAuthError::invalid_client("Client authentication failed. The client has no public keys for a client_assertion (its authentication method is not private_key_jwt).")
    })?;
    let set: JwkSet = serde_json::from_value(jwks.clone()).map_err(|_| no_key())?;
    let jwk = match kid {
        Some(kid) => set.find(kid),
        None => set
            .keys
            .iter()
            .find(|k| DecodingKey::from_jwk(k).is_ok_and(|d| d.family() == alg.family())),
    };
    DecodingKey::from_jwk(jwk.ok_or_else(no_key)?).map_err(|_| no_key())
}

fn describe(kind: &ErrorKind) -> &'static str {
    match kind {
        ErrorKind::ExpiredSignature => "The client_assertion token is expired.",
        ErrorKind::InvalidAudience => {
            "The audience [aud] claim for client_assertion must be the endpoint invoked for the request."
        }
        ErrorKind::MissingRequiredClaim(_) => {
            "The client_assertion lacks a required claim (iss, sub, aud, exp)."
        }
        _ => BAD_SIGNATURE,
    }
}
