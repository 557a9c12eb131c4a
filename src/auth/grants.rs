//! The kinds that only talk to the token endpoint: client-credentials,
//! password (with Okta's mfa_required answered by TOTP), refresh-token; and
//! static, which talks to nobody.

use super::client::{LoginClient, Reply};
use super::dpop::DpopKey;
use super::error::LoginFailure;
use super::fixture::{
    AuthMethod, ClientCredentialsFixture, DEMO, Oauth2PkceFixture, PasswordFixture,
    RefreshTokenFixture, StaticFixture,
};
use super::kinds::Endpoint;
use super::okta_api::parse_url;
use super::token::{self, ClientAuth, Token};
use super::totp;
use crate::secret::mask::Masker;
use reqwest::Url;
use std::time::SystemTime;

pub use super::token::MFA_OTP_GRANT;

pub async fn client_credentials(
    f: &ClientCredentialsFixture,
    client: &LoginClient,
    dpop: Option<&DpopKey>,
    masker: &Masker,
) -> Result<Token, LoginFailure> {
    let url = token_url(f.endpoint())?;
    if f.client_secret.is_none()
        && f.private_key.is_none()
        && f.auth_method != AuthMethod::PrivateKeyJwt
    {
        return Err(LoginFailure::Config(
            "set client_secret (OKTA_CLIENT_SECRET) or private_key (private_key_jwt) for a client-credentials login".to_owned(),
        ));
    }
    let mut form = vec![("grant_type", "client_credentials".to_owned())];
    push_scopes(&mut form, &f.scopes);
    push_audience(&mut form, f.audience.as_deref());
    token::request(client, &url, form, f.client_auth(), dpop, masker).await
}

pub async fn password(
    f: &PasswordFixture,
    client: &LoginClient,
    dpop: Option<&DpopKey>,
    masker: &Masker,
) -> Result<Token, LoginFailure> {
    let url = token_url(f.endpoint())?;
    let grant = match f.realm {
        Some(_) => token::PASSWORD_REALM_GRANT,
        None => "password",
    };
    let mut form = vec![
        ("grant_type", grant.to_owned()),
        ("username", f.username.clone()),
        ("password", f.password.clone()),
    ];
    if let Some(realm) = &f.realm {
        form.push(("realm", realm.clone()));
    }
    push_scopes(&mut form, &f.scopes);
    push_audience(&mut form, f.audience.as_deref());
    let auth = f.client_auth();
    auth.register(masker);
    let (at, reply) = token::post(client, &url, form, auth, dpop, masker).await?;
    let Some(mfa_token) = mfa_token(&reply) else {
        return token::read_token(&reply, &at, auth, grant, masker, SystemTime::now())
            .map_err(|e| token::without_proof(e, dpop.is_some()));
    };
    masker.add(mfa_token.as_str());
    let Some(secret) = f.totp_secret.as_deref() else {
        return Err(LoginFailure::UserState {
            at,
            status: "mfa_required".to_owned(),
            advice: "the test user must not require MFA, or set totp_secret (OKTA_TOTP_SECRET) to the user's TOTP secret".to_owned(),
        });
    };
    let otp = totp::code_at(secret, SystemTime::now())
        .map_err(|e| LoginFailure::Config(e.to_string()))?;
    let form = vec![
        ("grant_type", MFA_OTP_GRANT.to_owned()),
        ("mfa_token", mfa_token),
        ("otp", otp),
    ];
    token::request(client, &url, form, auth, dpop, masker).await
}

pub async fn refresh_token(
    f: &RefreshTokenFixture,
    client: &LoginClient,
    dpop: Option<&DpopKey>,
    masker: &Masker,
) -> Result<Token, LoginFailure> {
    let url = token_url(f.endpoint())?;
    let auth = f.client_auth();
    let token = refresh(
        client,
        &url,
        auth,
        dpop,
        &f.refresh_token,
        &f.scopes,
        masker,
    )
    .await?;
    Ok(keep_refresh_token(token, &f.refresh_token))
}

/// grant_type=refresh_token; a rotated refresh token comes back in the token.
pub async fn refresh(
    client: &LoginClient,
    url: &Url,
    auth: ClientAuth<'_>,
    dpop: Option<&DpopKey>,
    refresh_token: &str,
    scopes: &[String],
    masker: &Masker,
) -> Result<Token, LoginFailure> {
    let mut form = vec![
        ("grant_type", "refresh_token".to_owned()),
        ("refresh_token", refresh_token.to_owned()),
    ];
    push_scopes(&mut form, scopes);
    token::request(client, url, form, auth, dpop, masker).await
}

/// Without rotation the old refresh token stays valid: keep it for later.
pub fn keep_refresh_token(mut token: Token, old: &str) -> Token {
    if token.refresh_token.is_none() {
        token.refresh_token = Some(old.to_owned());
    }
    token
}

pub fn static_token(f: &StaticFixture) -> Result<Token, LoginFailure> {
    if f.access_token.trim().is_empty() {
        return Err(LoginFailure::Config(
            "access_token is empty; set the environment variable the fixture reads it from"
                .to_owned(),
        ));
    }
    Ok(Token {
        access_token: f.access_token.trim().to_owned(),
        token_type: f.token_type.clone(),
        expires_at: None,
        refresh_token: None,
        id_token: None,
        scope: None,
        dpop: None,
    })
}

/// The token endpoint: `{okta base}/v1/token`, or `token_url`.
pub fn token_url(e: Endpoint<'_>) -> Result<Url, LoginFailure> {
    match (e.okta_url, e.token_url) {
        (Some(DEMO), _) => Err(LoginFailure::Config(
            "okta_url is `demo` but the built-in emulator was not started".to_owned(),
        )),
        (Some(_), Some(_)) => Err(LoginFailure::Config(
            "set okta_url or token_url, not both".to_owned(),
        )),
        (Some(okta_url), None) => parse_url(
            "okta_url",
            &format!("{}/v1/token", Endpoint::oauth_base(okta_url, e.auth_server)),
        ),
        (None, Some(token_url)) => parse_url("token_url", token_url),
        (None, None) => Err(LoginFailure::Config(
            "set okta_url (an Okta org) or token_url (any OAuth 2.0 token endpoint)".to_owned(),
        )),
    }
}

/// How a client authenticates: private_key_jwt with a private key (or when
/// asked for), public without a secret, else per `method`.
pub fn client_auth<'a>(
    client_id: &'a str,
    secret: Option<&'a str>,
    method: AuthMethod,
    private_key: Option<&'a str>,
    key_id: Option<&'a str>,
) -> ClientAuth<'a> {
    match (secret, method, private_key) {
        (_, _, Some(private_key)) => ClientAuth::Jwt {
            client_id,
            private_key,
            key_id,
        },
        (_, AuthMethod::PrivateKeyJwt, None) => ClientAuth::Jwt {
            client_id,
            private_key: "",
            key_id,
        },
        (None, _, None) => ClientAuth::Public { client_id },
        (Some(secret), AuthMethod::ClientSecretBasic, None) => {
            ClientAuth::Basic { client_id, secret }
        }
        (Some(secret), AuthMethod::ClientSecretPost, None) => {
            ClientAuth::Post { client_id, secret }
        }
    }
}

macro_rules! client_auth_of {
    ($($kind:ty),*) => {$(
        impl $kind {
            /// How this fixture's client authenticates at /token.
            pub fn client_auth(&self) -> ClientAuth<'_> {
                client_auth(
                    &self.client_id,
                    self.client_secret.as_deref(),
                    self.auth_method,
                    self.private_key.as_deref(),
                    self.key_id.as_deref(),
                )
            }
        }
    )*};
}
client_auth_of!(
    ClientCredentialsFixture,
    Oauth2PkceFixture,
    PasswordFixture,
    RefreshTokenFixture
);

fn push_scopes(form: &mut Vec<(&'static str, String)>, scopes: &[String]) {
    if !scopes.is_empty() {
        form.push(("scope", scopes.join(" ")));
    }
}

/// `audience`, as Auth0 wants it in token requests for an API.
fn push_audience(form: &mut Vec<(&'static str, String)>, audience: Option<&str>) {
    if let Some(audience) = audience {
        form.push(("audience", audience.to_owned()));
    }
}

/// The mfa_token of a `403 {"error":"mfa_required"}` answer.
fn mfa_token(reply: &Reply) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct MfaRequired {
        error: String,
        mfa_token: Option<String>,
    }
    let body: MfaRequired = serde_json::from_str(&reply.body).ok()?;
    (body.error == "mfa_required")
        .then_some(body.mfa_token)
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_url_from_okta_or_explicit() {
        let e = |okta_url, token_url| Endpoint {
            okta_url,
            auth_server: "default",
            token_url,
        };
        assert_eq!(
            token_url(e(Some("https://o.okta.com/"), None))
                .unwrap()
                .as_str(),
            "https://o.okta.com/oauth2/default/v1/token"
        );
        assert_eq!(
            token_url(e(None, Some("https://as/t"))).unwrap().as_str(),
            "https://as/t"
        );
        assert!(
            token_url(e(Some("https://o"), Some("https://as/t")))
                .unwrap_err()
                .to_string()
                .contains("not both")
        );
        assert!(token_url(e(None, None)).is_err());
        assert!(
            token_url(e(Some("demo"), None))
                .unwrap_err()
                .to_string()
                .contains("emulator was not started")
        );
    }

    #[test]
    fn mfa_required_is_recognised() {
        let reply = Reply {
            status: 403,
            body: r#"{"error":"mfa_required","error_description":"x","mfa_token":"mfa-tok"}"#
                .into(),
            ..Reply::default()
        };
        assert_eq!(mfa_token(&reply).as_deref(), Some("mfa-tok"));
        let reply = Reply {
            status: 400,
            body: r#"{"error":"invalid_grant"}"#.into(),
            ..Reply::default()
        };
        assert_eq!(mfa_token(&reply), None);
    }

    #[test]
    fn static_token_must_not_be_empty() {
        let f = StaticFixture {
            access_token: " ".into(),
            token_type: "Bearer".into(),
        };
        assert!(
            static_token(&f)
                .unwrap_err()
                .to_string()
                .contains("access_token is empty")
        );
    }
}
