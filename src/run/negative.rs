//! Broken credentials for `negative_auth` trials, derived from a real
//! identity's token (docs/openapi.md). Derived tokens are added to the
//! masker before they are sent, like the originals.

use base64::Engine as _;

use crate::auth::Token;
use crate::suite::negative::BrokenAuth;

/// What a `malformed` trial sends after `Bearer `.
pub const MALFORMED: &str = "gatecheck-malformed-token";

/// The `Authorization` value a broken trial sends (`None`: no header).
pub fn authorization(kind: BrokenAuth, token: Option<&Token>) -> Result<Option<String>, String> {
    let need = || {
        token.ok_or_else(|| {
            format!("negative_auth `{kind}` derives its credential from the identity's token, and this trial has none")
        })
    };
    let jwt = |token: &Token| -> Result<Vec<String>, String> {
        let parts: Vec<String> = token.access_token.split('.').map(str::to_owned).collect();
        if parts.len() == 3 {
            Ok(parts)
        } else {
            Err(format!(
                "negative_auth `{kind}` changes a JWT, and the identity's access token is not one (opaque tokens: use no-token, malformed)"
            ))
        }
    };
    Ok(match kind {
        BrokenAuth::NoToken => None,
        BrokenAuth::Malformed => Some(format!("Bearer {MALFORMED}")),
        BrokenAuth::BadSignature => {
            let mut parts = jwt(need()?)?;
            // The first character holds six whole bits of the signature:
            // changing it always changes the bytes.
            let mut chars: Vec<char> = parts[2].chars().collect();
            match chars.first_mut() {
                Some(c) => *c = if *c == 'A' { 'B' } else { 'A' },
                None => chars.push('A'),
            }
            parts[2] = chars.into_iter().collect();
            Some(format!("Bearer {}", parts.join(".")))
        }
        BrokenAuth::AlgNone => {
            let parts = jwt(need()?)?;
            let header = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .encode(br#"{"alg":"none","typ":"JWT"}"#);
            Some(format!("Bearer {header}.{}.", parts[1]))
        }
        BrokenAuth::WrongAudience => {
            let id_token = need()?.id_token.as_deref().ok_or_else(|| {
                "negative_auth `wrong-audience` sends the identity's ID token (signed by the same \
                 server for another audience, the client); this identity's login returned none: \
                 ask for the `openid` scope"
                    .to_owned()
            })?;
            Some(format!("Bearer {id_token}"))
        }
        BrokenAuth::DpopAsBearer => {
            let token = need()?;
            if token.dpop.is_none() {
                return Err(
                    "negative_auth `dpop-as-bearer` needs a DPoP-bound token (a fixture with `dpop: true`)"
                        .to_owned(),
                );
            }
            Some(format!("Bearer {}", token.access_token))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(access: &str, id: Option<&str>) -> Token {
        Token {
            access_token: access.to_owned(),
            token_type: "Bearer".into(),
            expires_at: None,
            refresh_token: None,
            id_token: id.map(str::to_owned),
            scope: None,
            dpop: None,
        }
    }

    #[test]
    fn credentials_are_derived_from_the_token() {
        let t = token("aGVhZA.cGF5bG9hZA.c2ln", Some("id.token.x"));
        assert_eq!(authorization(BrokenAuth::NoToken, Some(&t)).unwrap(), None);
        assert_eq!(
            authorization(BrokenAuth::BadSignature, Some(&t))
                .unwrap()
                .unwrap(),
            "Bearer aGVhZA.cGF5bG9hZA.A2ln"
        );
        assert_eq!(
            authorization(BrokenAuth::AlgNone, Some(&t))
                .unwrap()
                .unwrap(),
            "Bearer eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.cGF5bG9hZA."
        );
        assert_eq!(
            authorization(BrokenAuth::WrongAudience, Some(&t))
                .unwrap()
                .unwrap(),
            "Bearer id.token.x"
        );
        let err = authorization(BrokenAuth::DpopAsBearer, Some(&t)).unwrap_err();
        assert!(err.contains("dpop: true"), "{err}");
        let opaque = token("opaque", None);
        assert!(authorization(BrokenAuth::AlgNone, Some(&opaque)).is_err());
        assert!(authorization(BrokenAuth::WrongAudience, Some(&opaque)).is_err());
        assert!(
            authorization(BrokenAuth::Malformed, None)
                .unwrap()
                .is_some()
        );
    }
}
