//! One login per fixture kind.

use super::client::LoginClient;
use super::error::{Failure, LoginError};
use super::fixture::Fixture;
use super::token::Token;
use super::{grants, okta};
use crate::report::mask::Masker;

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
    by_kind(fixture, client, masker)
        .await
        .map_err(|failure| LoginError::new(&fixture.subject(), failure, masker))
}

async fn by_kind(
    fixture: &Fixture,
    client: &LoginClient,
    masker: &Masker,
) -> Result<Token, Failure> {
    match fixture {
        Fixture::OktaPkce(f) => okta::login(f, client, masker).await,
        Fixture::ClientCredentials(f) => grants::client_credentials(f, client, masker).await,
        Fixture::Password(f) => grants::password(f, client, masker).await,
        Fixture::RefreshToken(f) => grants::refresh_token(f, client, masker).await,
        Fixture::Static(f) => grants::static_token(f),
    }
}
