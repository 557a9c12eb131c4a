//! One login per fixture kind.

use super::client::LoginClient;
use super::error::LoginError;
use super::fixture::Fixture;
use super::okta;
use super::token::Token;
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
    match fixture {
        Fixture::OktaPkce(f) => okta::login(f, client, masker)
            .await
            .map_err(|failure| LoginError::new(&f.username, failure, masker)),
    }
}
