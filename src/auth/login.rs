//! One login per fixture kind.

use super::client::LoginClient;
use super::error::{Failure, LoginError};
use super::fixture::Fixture;
use super::grants::{self, keep_refresh_token};
use super::token::{ClientAuth, Token};
use super::{idx, oauth2_pkce, okta};
use crate::secret::mask::Masker;
use reqwest::Url;

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
    by_kind(fixture, client, masker)
        .await
        .map_err(|failure| LoginError::new(&fixture.subject(), failure, masker))
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
    masker: &Masker,
) -> Result<Token, Failure> {
    match fixture {
        Fixture::OktaPkce(f) => okta::login(f, client, masker).await,
        Fixture::OktaIdx(f) => idx::login(f, client, masker).await,
        Fixture::Oauth2Pkce(f) => oauth2_pkce::login(f, client, masker).await,
        Fixture::ClientCredentials(f) => grants::client_credentials(f, client, masker).await,
        Fixture::Password(f) => grants::password(f, client, masker).await,
        Fixture::RefreshToken(f) => grants::refresh_token(f, client, masker).await,
        Fixture::Static(f) => grants::static_token(f),
    }
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
    if let (Some(refresh_token), Some(Ok((url, auth)))) =
        (&old.refresh_token, refresh_target(fixture, &trusting).await)
        && let Ok(token) = grants::refresh(&trusting, &url, auth, refresh_token, &[], masker).await
    {
        return Ok(keep_refresh_token(token, refresh_token));
    }
    login(fixture, client, masker).await
}

/// The token endpoint and client authentication to refresh with.
async fn refresh_target<'a>(
    fixture: &'a Fixture,
    client: &LoginClient,
) -> Option<Result<(Url, ClientAuth<'a>), Failure>> {
    let target = match fixture {
        Fixture::Oauth2Pkce(f) => oauth2_pkce::token_endpoint(f, client).await.map(|url| {
            (
                url,
                grants::client_auth(&f.client_id, f.client_secret.as_deref(), f.auth_method),
            )
        }),
        Fixture::OktaPkce(f) | Fixture::OktaIdx(f) => {
            okta::token_url(f).map(|url| (url, okta::client_auth(f)))
        }
        Fixture::Password(f) => grants::token_url(f.endpoint()).map(|url| {
            (
                url,
                grants::client_auth(&f.client_id, f.client_secret.as_deref(), f.auth_method),
            )
        }),
        Fixture::RefreshToken(f) => grants::token_url(f.endpoint()).map(|url| {
            (
                url,
                grants::client_auth(&f.client_id, f.client_secret.as_deref(), f.auth_method),
            )
        }),
        Fixture::ClientCredentials(_) | Fixture::Static(_) => return None,
    };
    Some(target)
}
