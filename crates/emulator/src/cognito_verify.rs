//! The demo API's check of a Cognito user pool token, as AWS documents it
//! for verifying a user pool JWT: the signature by a key of the pool's
//! JWKS (RS256), `iss` the pool, not expired, `token_use` `access` with a
//! `client_id` of the pool's app clients, or `id` with such an `aud`.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, Validation, decode, decode_header};
use serde_json::{Value, json};

use super::cognito::issuer;
use super::cognito_pool::client;
use super::state::Shared;

/// None when `token` does not claim to come from the user pool; else the
/// caller in the demo API's terms (`sub`, `cid`, `scp`, `groups`), or why
/// the token is refused.
pub(crate) fn principal(shared: &Shared, token: &str) -> Option<Result<Value, String>> {
    let issuer = issuer(shared);
    if unverified_issuer(token).as_deref() != Some(issuer.as_str()) {
        return None;
    }
    Some(check(shared, token, &issuer))
}

fn unverified_issuer(token: &str) -> Option<String> {
    let payload = token.split('.').nth(1)?;
    let bytes = URL_SAFE_NO_PAD.decode(payload).ok()?;
    let claims: Value = serde_json::from_slice(&bytes).ok()?;
    claims.get("iss")?.as_str().map(str::to_owned)
}

fn check(shared: &Shared, token: &str, issuer: &str) -> Result<Value, String> {
    let header = decode_header(token).map_err(|_| "The token is malformed.".to_owned())?;
    let key = header
        .kid
        .and_then(|kid| shared.cognito.keys.find(&kid))
        .ok_or("The token was not signed by a key of the Cognito user pool.")?;
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_issuer(&[issuer]);
    validation.validate_aud = false;
    validation.set_required_spec_claims(&["exp", "iss", "sub"]);
    validation.leeway = 5;
    let claims = decode::<Value>(token, &key.decoding_key(), &validation)
        .map_err(|e| format!("The Cognito token is invalid ({e})."))?
        .claims;
    let text = |key: &str| claims.get(key).and_then(Value::as_str).unwrap_or_default();
    let (client_id, scopes) = match text("token_use") {
        "access" => (
            text("client_id"),
            text("scope").split_whitespace().collect::<Vec<_>>(),
        ),
        "id" => (text("aud"), vec!["openid"]),
        other => {
            return Err(format!(
                "The Cognito token's token_use is `{other}`, not `access` or `id`."
            ));
        }
    };
    if client(client_id).is_none() {
        return Err(format!(
            "The Cognito token is for client `{client_id}`, not an app client of the user pool."
        ));
    }
    let groups = claims.get("cognito:groups").cloned().unwrap_or(json!([]));
    Ok(json!({"sub": text("sub"), "cid": client_id, "scp": scopes, "groups": groups}))
}
