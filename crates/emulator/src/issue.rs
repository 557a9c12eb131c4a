//! Minting tokens: RS256 access and id tokens, opaque refresh tokens, and
//! the /token success body.

use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use super::config::{ClientConfig, GrantType, TokenKind, UserConfig};
use super::ids::{b64url, epoch_secs, random_token, stable_id};
use super::oauth_error::OAuthError;
use super::state::{Grant, ServerView, Shared};

/// The /token success body for `grant`. `refresh` is the grant a new
/// refresh token stands for (None: no refresh token).
pub(crate) fn token_response(
    shared: &Shared,
    server: &ServerView,
    grant: &Grant,
    refresh: Option<&Grant>,
    jkt: Option<&str>,
) -> Result<Value, OAuthError> {
    let now = epoch_secs();
    let lifetime = shared.config.access_token_lifetime_secs;
    let user = grant.session.as_ref().and_then(|s| shared.user(&s.login));
    let Some(ring) = shared.ring(&server.id) else {
        return Err(OAuthError::server_error(
            "The authorization server has no keys.",
        ));
    };
    let sign = |claims: &Value| {
        ring.sign(claims)
            .map_err(|e| OAuthError::server_error(e.to_string()))
    };
    let mut claims = access_claims(server, grant, user, now, lifetime);
    if let Some(jkt) = jkt {
        claims["cnf"] = json!({"jkt": jkt});
    }
    let access_token = sign(&claims)?;
    shared.remember(&access_token);
    let mut body = json!({
        "token_type": if jkt.is_some() { "DPoP" } else { "Bearer" },
        "expires_in": lifetime,
        "access_token": access_token,
        "scope": grant.scopes.join(" "),
    });
    if let Some(refresh) = refresh {
        let token = random_token("", 43);
        shared.remember(&token);
        shared.refresh_tokens.insert(token.clone(), refresh.clone());
        body["refresh_token"] = Value::String(token);
    }
    if let Some(user) = user.filter(|_| grant.scopes.iter().any(|s| s == "openid")) {
        let claims = id_claims(server, grant, user, &access_token, now, lifetime);
        let id_token = sign(&claims)?;
        shared.remember(&id_token);
        body["id_token"] = Value::String(id_token);
    }
    Ok(body)
}

/// A refresh token is issued when offline_access was granted to a user and
/// the client may use the refresh_token grant.
pub(crate) fn wants_refresh(client: &ClientConfig, grant: &Grant) -> bool {
    grant.session.is_some()
        && grant.scopes.iter().any(|s| s == "offline_access")
        && client.grant_types.contains(&GrantType::RefreshToken)
}

fn access_claims(
    server: &ServerView,
    grant: &Grant,
    user: Option<&UserConfig>,
    now: u64,
    lifetime: u64,
) -> Value {
    let mut claims = Map::new();
    claims.insert("ver".into(), json!(1));
    claims.insert("jti".into(), json!(random_token("AT.", 43)));
    claims.insert("iss".into(), json!(server.issuer));
    claims.insert("aud".into(), json!(server.audience));
    claims.insert("iat".into(), json!(now));
    claims.insert("exp".into(), json!(now + lifetime));
    claims.insert("cid".into(), json!(grant.client_id));
    if let Some(user) = user {
        claims.insert("uid".into(), json!(Shared::user_id_of(user)));
    }
    claims.insert("scp".into(), json!(grant.scopes));
    if let (Some(user), Some(session)) = (user, &grant.session) {
        claims.insert("auth_time".into(), json!(session.auth_time));
        claims.insert("sub".into(), json!(user.login));
        if server.groups_claim.contains(&TokenKind::AccessToken) {
            claims.insert("groups".into(), json!(user.groups));
        }
    } else {
        claims.insert("sub".into(), json!(grant.client_id));
    }
    Value::Object(claims)
}

fn id_claims(
    server: &ServerView,
    grant: &Grant,
    user: &UserConfig,
    access_token: &str,
    now: u64,
    lifetime: u64,
) -> Value {
    let has = |scope: &str| grant.scopes.iter().any(|s| s == scope);
    let session = grant.session.as_ref();
    let mut claims = Map::new();
    claims.insert("sub".into(), json!(Shared::user_id_of(user)));
    if has("profile") {
        claims.insert(
            "name".into(),
            json!(format!("{} {}", user.first_name, user.last_name).trim()),
        );
    }
    if has("email") {
        claims.insert("email".into(), json!(user.login));
        claims.insert("email_verified".into(), json!(true));
    }
    claims.insert("ver".into(), json!(1));
    claims.insert("iss".into(), json!(server.issuer));
    claims.insert("aud".into(), json!(grant.client_id));
    claims.insert("iat".into(), json!(now));
    claims.insert("exp".into(), json!(now + lifetime));
    claims.insert("jti".into(), json!(random_token("ID.", 43)));
    claims.insert(
        "amr".into(),
        json!(session.map(|s| s.amr.clone()).unwrap_or_default()),
    );
    claims.insert("idp".into(), json!(stable_id("00o", "emulator-idp")));
    if let Some(nonce) = &grant.nonce {
        claims.insert("nonce".into(), json!(nonce));
    }
    if has("profile") {
        claims.insert("preferred_username".into(), json!(user.login));
    }
    claims.insert(
        "auth_time".into(),
        json!(session.map_or(now, |s| s.auth_time)),
    );
    claims.insert("at_hash".into(), json!(at_hash(access_token)));
    if server.groups_claim.contains(&TokenKind::IdToken) {
        claims.insert("groups".into(), json!(user.groups));
    }
    Value::Object(claims)
}

/// OIDC at_hash: base64url of the left half of SHA-256(access_token).
fn at_hash(access_token: &str) -> String {
    let digest = Sha256::digest(access_token.as_bytes());
    b64url(&digest[..16])
}
