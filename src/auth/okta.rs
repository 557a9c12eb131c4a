//! `kind: okta-pkce`: POST /api/v1/authn -> GET /authorize -> POST /token.

use super::client::LoginClient;
use super::dpop::DpopKey;
use super::error::LoginFailure;
use super::fixture::{DEMO, OktaPkceFixture};
pub use super::okta_api::parse_url;
use super::pkce::AuthorizeParams;
use super::token::{self, ClientAuth, Token};
use super::{authn, authorize};
use crate::secret::mask::Masker;
use reqwest::Url;

/// Logs in once: a fresh verifier, state and nonce every time.
pub async fn login(
    f: &OktaPkceFixture,
    client: &LoginClient,
    dpop: Option<&DpopKey>,
    masker: &Masker,
) -> Result<Token, LoginFailure> {
    check(f)?;
    let params = AuthorizeParams::generate(&mut rand::rng());
    masker.add(params.pkce.verifier.as_str());
    let session_token = authn::session_token(f, client, masker).await?;
    let code = authorize::code(f, client, &params, &session_token, masker).await?;
    let url = token_url(f)?;
    let form = vec![
        ("grant_type", "authorization_code".to_owned()),
        ("redirect_uri", f.redirect_uri.clone()),
        ("code", code),
        ("code_verifier", params.pkce.verifier.clone()),
    ];
    token::request(client, &url, form, client_auth(f), dpop, masker).await
}

/// `{base}/v1/token`.
pub fn token_url(f: &OktaPkceFixture) -> Result<Url, LoginFailure> {
    parse_url("okta_url", &format!("{}/v1/token", f.oauth_base()))
}

/// private_key_jwt with a private key, client_secret_basic with a
/// secret, else a public client.
pub fn client_auth(f: &OktaPkceFixture) -> ClientAuth<'_> {
    if let Some(private_key) = &f.private_key {
        return ClientAuth::Jwt {
            client_id: &f.client_id,
            private_key,
            key_id: f.key_id.as_deref(),
        };
    }
    match &f.client_secret {
        Some(secret) => ClientAuth::Basic {
            client_id: &f.client_id,
            secret,
        },
        None => ClientAuth::Public {
            client_id: &f.client_id,
        },
    }
}

/// Problems a request would only reveal confusingly.
pub(super) fn check(f: &OktaPkceFixture) -> Result<(), LoginFailure> {
    if f.okta_url == DEMO {
        return Err(LoginFailure::Config(
            "okta_url is `demo` but the built-in emulator was not started".to_owned(),
        ));
    }
    parse_url("okta_url", &f.okta_url)?;
    parse_url("redirect_uri", &f.redirect_uri)?;
    if f.okta_url.contains("/oauth2") {
        return Err(LoginFailure::Config(format!(
            "okta_url `{}` must be the org URL (https://ORG.okta.com) without /oauth2/...; put the server id in auth_server",
            f.okta_url
        )));
    }
    if !f.scopes.iter().any(|s| s == "openid") {
        return Err(LoginFailure::Config(
            "scopes must include `openid` for Okta's /authorize".to_owned(),
        ));
    }
    Ok(())
}
