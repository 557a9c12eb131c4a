//! Login fixtures -> tokens: one `fixtures/NAME.yaml` per identity (docs/fixtures.md).

mod auth0;
mod authn;
mod authorize;
pub mod cache;
mod cache_fs;
mod client;
mod client_assertion;
mod cognito;
mod cognito_advice;
mod cognito_check;
mod cognito_hosted;
mod cognito_kind;
mod discovery;
mod dpop;
mod error;
mod fixture;
pub mod fixture_check;
mod grants;
mod identities;
mod idx;
mod kinds;
mod login;
mod oauth2_pkce;
mod okta;
mod okta_api;
pub mod pkce;
mod redirect_uri;
mod redirects;
#[cfg(test)]
mod test_keys;
mod token;
pub mod totp;

pub use client::{LoginClient, MAX_RATE_LIMIT_WAIT};
pub use dpop::{DpopKey, ath as dpop_ath};
pub use error::{LoginError, LoginErrorKind};
pub use fixture::{
    Auth0Fixture, AuthMethod, CacheKey, ClientCredentialsFixture, CognitoAuthFlow, CognitoFixture,
    CognitoFlow, CognitoToken, DEMO, Fixture, Oauth2PkceFixture, OktaPkceFixture, PasswordFixture,
    RefreshTokenFixture, StaticFixture,
};
pub use identities::{Clock, Identities};
pub use login::{login, renew};
pub use token::Token;
