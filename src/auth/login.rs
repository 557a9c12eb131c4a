//! One login per fixture kind.

use super::client::LoginClient;
use super::dpop::DpopKey;
use super::error::{LoginError, LoginFailure};
use super::fixture::Fixture;
use super::grants::{self, keep_refresh_token};
use super::token::{ClientAuth, Token};
use super::{auth0, cognito, idx, oauth2_pkce, okta};
use crate::secret::mask::Masker;
use reqwest::Url;
use std::sync::Arc;

/// Logs in once. Every secret seen on the way is registered in `masker`
/// before anything can print it; the error never contains one.
pub async fn login(
    fixture: &Fixture,
    client: &LoginClient,
    masker: &Masker,
) -> Result<Token, LoginError> {
    for secret in fixture.secrets() {
        masker.add(secret);
    }
    let client = &for_fixture(fixture, client);
    let fail = |failure| LoginError::new(&fixture.subject(), failure, masker);
    let dpop = match fixture.dpop() {
        true => Some(Arc::new(
            DpopKey::generate().map_err(|e| fail(LoginFailure::Config(e)))?,
        )),
        false => None,
    };
    let token = by_kind(fixture, client, dpop.as_deref(), masker).await;
    token.and_then(|t| bind(t, dpop)).map_err(fail)
}

/// The login client, trusting the fixture's `ca_cert` when it has one.
fn for_fixture(fixture: &Fixture, client: &LoginClient) -> LoginClient {
    match fixture.ca_cert() {
        Some(path) => client.with_ca_cert(path),
        None => client.clone(),
    }
}

async fn by_kind(
    fixture: &Fixture,
    client: &LoginClient,
    dpop: Option<&DpopKey>,
    masker: &Masker,
) -> Result<Token, LoginFailure> {
    match fixture {
        Fixture::OktaPkce(f) => okta::login(f, client, dpop, masker).await,
        Fixture::OktaIdx(f) => idx::login(f, client, dpop, masker).await,
        Fixture::Oauth2Pkce(f) => oauth2_pkce::login(f, client, dpop, masker).await,
        Fixture::ClientCredentials(f) => grants::client_credentials(f, client, dpop, masker).await,
        Fixture::Password(f) => grants::password(f, client, dpop, masker).await,
        Fixture::RefreshToken(f) => grants::refresh_token(f, client, dpop, masker).await,
        Fixture::Static(f) => grants::static_token(f),
        Fixture::Auth0(f) => auth0::login(f, client, dpop, masker).await,
        Fixture::Cognito(f) => cognito::login(f, client, masker).await,
    }
}

/// Attaches the DPoP key to its token; a server that answered a DPoP
/// request with a plain bearer token did not bind it: an error.
fn bind(mut token: Token, dpop: Option<Arc<DpopKey>>) -> Result<Token, LoginFailure> {
    if dpop.is_some() && !token.token_type.eq_ignore_ascii_case("DPoP") {
        return Err(LoginFailure::Config(format!(
            "the fixture sets `dpop: true` but the server answered token_type `{}`, not `DPoP`: turn on \"Require Demonstrating Proof of Possession (DPoP)\" for the app, or remove `dpop: true`",
            token.token_type
        )));
    }
    token.dpop = dpop;
    Ok(token)
}

/// A fresh token for an expiring one: the refresh token when there is one
/// and it works, else a full login.
pub async fn renew(
    fixture: &Fixture,
    old: &Token,
    client: &LoginClient,
    masker: &Masker,
) -> Result<Token, LoginError> {
    let trusting = for_fixture(fixture, client);
    if let (Fixture::Cognito(f), Some(refresh_token)) = (fixture, &old.refresh_token)
        && f.flow == super::fixture::CognitoFlow::Api
        && let Ok(token) = cognito::refresh(f, &trusting, refresh_token, old, masker).await
    {
        return Ok(keep_refresh_token(token, refresh_token));
    }
    let dpop = old.dpop.as_deref();
    if let (Some(refresh_token), Some(Ok((url, auth)))) =
        (&old.refresh_token, refresh_target(fixture, &trusting).await)
        && let Ok(token) =
            grants::refresh(&trusting, &url, auth, dpop, refresh_token, &[], masker).await
        && let Ok(token) = bind(token, old.dpop.clone())
    {
        return Ok(keep_refresh_token(token, refresh_token));
    }
    login(fixture, client, masker).await
}

/// The token endpoint and client authentication to refresh with.
async fn refresh_target<'a>(
    fixture: &'a Fixture,
    client: &LoginClient,
) -> Option<Result<(Url, ClientAuth<'a>), LoginFailure>> {
    let target = match fixture {
        Fixture::Oauth2Pkce(f) => oauth2_pkce::token_endpoint(f, client)
            .await
            .map(|url| (url, f.client_auth())),
        Fixture::OktaPkce(f) | Fixture::OktaIdx(f) => {
            okta::token_url(f).map(|url| (url, okta::client_auth(f)))
        }
        Fixture::Password(f) => grants::token_url(f.endpoint()).map(|url| (url, f.client_auth())),
        Fixture::RefreshToken(f) => {
            grants::token_url(f.endpoint()).map(|url| (url, f.client_auth()))
        }
        Fixture::Auth0(f) => auth0::token_url(f).map(|url| (url, auth0::client_auth(f))),
        Fixture::ClientCredentials(_) | Fixture::Static(_) | Fixture::Cognito(_) => return None,
    };
    Some(target)
}
