//! Checking a JWT the emulator issued: the key of the server that signed
//! it (by `kid`), RS256, `iss`, optionally `aud` and `exp`, and revocation.
//! Used by userinfo, introspection, logout and the demo API.

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, Validation, decode, decode_header};
use serde_json::Value;

use super::state::{ServerView, Shared};

/// Why a token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rejection {
    Malformed,
    /// Its `kid` is not among this server's published keys.
    UnknownKey,
    BadSignature,
    BadAlgorithm,
    Expired,
    WrongIssuer,
    WrongAudience,
    MissingClaim,
    Revoked,
}

impl Rejection {
    /// A sentence about a token of this kind ("access token", "id token").
    pub(crate) fn describe(self, kind: &str) -> String {
        match self {
            Rejection::Malformed => format!("The {kind} is malformed."),
            Rejection::UnknownKey => {
                format!("The {kind} was not signed by a key of this authorization server.")
            }
            Rejection::BadSignature => format!("The {kind} signature is invalid."),
            Rejection::BadAlgorithm => format!("The {kind} must be signed with RS256."),
            Rejection::Expired => format!("The {kind} has expired."),
            Rejection::WrongIssuer => format!("The {kind} was issued by another issuer."),
            Rejection::WrongAudience => format!("The {kind} is meant for another audience."),
            Rejection::MissingClaim => format!("The {kind} lacks a required claim."),
            Rejection::Revoked => format!("The {kind} has been revoked."),
        }
    }
}

/// What to check beyond signature and issuer.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Expect<'a> {
    pub(crate) audience: Option<&'a str>,
    pub(crate) check_exp: bool,
}

/// Verifies `token` as issued by `server`; returns its claims.
pub(crate) fn verify(
    shared: &Shared,
    server: &ServerView,
    token: &str,
    expect: Expect<'_>,
) -> Result<Value, Rejection> {
    let header = decode_header(token).map_err(|_| Rejection::Malformed)?;
    let kid = header.kid.ok_or(Rejection::UnknownKey)?;
    let key = shared
        .ring(&server.id)
        .and_then(|ring| ring.find(&kid))
        .ok_or(Rejection::UnknownKey)?;
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_issuer(&[&server.issuer]);
    match expect.audience {
        Some(audience) => validation.set_audience(&[audience]),
        None => validation.validate_aud = false,
    }
    validation.validate_exp = expect.check_exp;
    validation.set_required_spec_claims(&["exp", "iss", "sub"]);
    validation.leeway = 5;
    let claims = decode::<Value>(token, &key.decoding_key(), &validation)
        .map_err(|err| rejection(err.kind()))?
        .claims;
    let jti = claims
        .get("jti")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if shared.revoked.get(jti).is_some() {
        return Err(Rejection::Revoked);
    }
    Ok(claims)
}

fn rejection(kind: &ErrorKind) -> Rejection {
    match kind {
        ErrorKind::ExpiredSignature => Rejection::Expired,
        ErrorKind::InvalidIssuer => Rejection::WrongIssuer,
        ErrorKind::InvalidAudience => Rejection::WrongAudience,
        ErrorKind::InvalidSignature => Rejection::BadSignature,
        ErrorKind::InvalidAlgorithm => Rejection::BadAlgorithm,
        ErrorKind::MissingRequiredClaim(_) => Rejection::MissingClaim,
        _ => Rejection::Malformed,
    }
}
