//! Login fixtures: one `fixtures/NAME.yaml` file per identity (docs/fixtures.md).

pub use super::cognito_kind::{CognitoAuthFlow, CognitoFixture, CognitoFlow, CognitoToken};
use super::kinds::Client;
pub use super::kinds::{
    Auth0Fixture, AuthMethod, ClientCredentialsFixture, Oauth2PkceFixture, OktaPkceFixture,
    PasswordFixture, RefreshTokenFixture, StaticFixture,
};
use serde::Deserialize;

/// The `okta_url` value that selects the built-in emulator.
pub const DEMO: &str = "demo";

/// One login fixture. The core expands `${ENV:-default}` in every string,
/// then calls `Fixture::deserialize(value)`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Fixture {
    OktaPkce(OktaPkceFixture),
    /// Okta Identity Engine: the interaction code flow (IDX); the fields of okta-pkce.
    OktaIdx(OktaPkceFixture),
    Oauth2Pkce(Oauth2PkceFixture),
    ClientCredentials(ClientCredentialsFixture),
    Password(PasswordFixture),
    RefreshToken(RefreshTokenFixture),
    Static(StaticFixture),
    /// Auth0: cross-origin authentication, /authorize with the login ticket, PKCE.
    Auth0(Auth0Fixture),
    /// Amazon Cognito: a user pool's InitiateAuth (SRP) and challenges, or
    /// its managed login pages (`flow: hosted`).
    Cognito(CognitoFixture),
}

/// What identifies a token for the token cache (docs/fixtures.md, "Token cache").
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CacheKey {
    pub issuer: String,
    pub client_id: String,
    pub subject: String,
    pub scopes: Vec<String>,
}

impl Fixture {
    /// The `kind:` value, as written in the file.
    pub fn kind(&self) -> &'static str {
        match self {
            Fixture::OktaPkce(_) => "okta-pkce",
            Fixture::OktaIdx(_) => "okta-idx",
            Fixture::Oauth2Pkce(_) => "oauth2-pkce",
            Fixture::ClientCredentials(_) => "client-credentials",
            Fixture::Password(_) => "password",
            Fixture::RefreshToken(_) => "refresh-token",
            Fixture::Static(_) => "static",
            Fixture::Auth0(_) => "auth0",
            Fixture::Cognito(_) => "cognito",
        }
    }

    /// The client fields of a kind that logs in at /token (none for static).
    fn client(&self) -> Option<Client<'_>> {
        match self {
            Fixture::OktaPkce(f) | Fixture::OktaIdx(f) => Some(f.client()),
            Fixture::Oauth2Pkce(f) => Some(f.client()),
            Fixture::ClientCredentials(f) => Some(f.client()),
            Fixture::Password(f) => Some(f.client()),
            Fixture::RefreshToken(f) => Some(f.client()),
            Fixture::Static(_) => None,
            Fixture::Auth0(f) => Some(f.client()),
            Fixture::Cognito(f) => Some(f.client()),
        }
    }

    /// The extra CA file (PEM) the login's HTTPS client trusts, if any.
    pub fn ca_cert(&self) -> Option<&str> {
        self.client().and_then(|c| c.ca_cert)
    }

    /// Values to mask from the start; empty ones are skipped.
    pub fn secrets(&self) -> Vec<String> {
        let mut candidates: Vec<Option<&String>> = match self {
            Fixture::OktaPkce(f) | Fixture::OktaIdx(f) => {
                vec![Some(&f.password), f.totp_secret.as_ref()]
            }
            Fixture::Oauth2Pkce(f) => f.secret_params().collect(),
            Fixture::ClientCredentials(_) => vec![],
            Fixture::Password(f) => vec![Some(&f.password), f.totp_secret.as_ref()],
            Fixture::RefreshToken(f) => vec![Some(&f.refresh_token)],
            Fixture::Static(f) => vec![Some(&f.access_token)],
            Fixture::Auth0(f) => vec![Some(&f.password), f.totp_secret.as_ref()],
            Fixture::Cognito(f) => vec![Some(&f.password), f.totp_secret.as_ref()],
        };
        if let Some(client) = self.client() {
            candidates.extend([client.secret, pem_text(client.private_key)]);
        }
        candidates
            .into_iter()
            .flatten()
            .filter(|s| !s.is_empty())
            .cloned()
            .collect()
    }

    /// True when the fixture asks for DPoP-bound tokens (`dpop: true`).
    pub fn dpop(&self) -> bool {
        self.client().is_some_and(|c| c.dpop)
    }

    /// True when the fixture points at the built-in emulator.
    pub fn uses_demo(&self) -> bool {
        match self {
            // `issuer: demo`: the emulator's generic auto-login server.
            Fixture::Oauth2Pkce(f) => f.issuer == DEMO,
            Fixture::Auth0(f) => f.domain == DEMO,
            Fixture::Cognito(f) => f.uses_demo(DEMO),
            _ => self.okta_url().is_some_and(|url| url == DEMO),
        }
    }

    /// Points a `demo` fixture at the running emulator's Okta URL.
    pub fn resolve_demo(&mut self, okta_url: &str) {
        let slot = match self {
            Fixture::OktaPkce(f) | Fixture::OktaIdx(f) => Some(&mut f.okta_url),
            Fixture::ClientCredentials(f) => f.okta_url.as_mut(),
            Fixture::Password(f) => f.okta_url.as_mut(),
            Fixture::RefreshToken(f) => f.okta_url.as_mut(),
            Fixture::Oauth2Pkce(f) => {
                if f.issuer == DEMO {
                    f.issuer = format!("{okta_url}/generic");
                }
                None
            }
            Fixture::Static(_) => None,
            Fixture::Auth0(f) => {
                if f.domain == DEMO {
                    f.domain = format!("{okta_url}/auth0");
                }
                None
            }
            Fixture::Cognito(f) => {
                f.resolve_demo(okta_url, DEMO);
                None
            }
        };
        if let Some(url) = slot.filter(|url| *url == DEMO) {
            *url = okta_url.to_owned();
        }
    }

    /// Issuer, client, user and scopes: the token cache's key (none for static).
    pub fn cache_key(&self) -> Option<CacheKey> {
        let key = |issuer: String, client: &str, subject: &str, scopes: &[String]| CacheKey {
            issuer,
            client_id: client.to_owned(),
            subject: subject.to_owned(),
            scopes: scopes.to_vec(),
        };
        match self {
            Fixture::OktaPkce(f) | Fixture::OktaIdx(f) => {
                Some(key(f.issuer(), &f.client_id, &f.username, &f.scopes))
            }
            Fixture::Oauth2Pkce(f) => Some(key(
                f.issuer.clone(),
                &f.client_id,
                &f.cache_subject(),
                &f.scopes,
            )),
            Fixture::ClientCredentials(f) => Some(key(
                f.endpoint().issuer(),
                &f.client_id,
                &with_audience(&f.client_id, f.audience.as_deref(), None),
                &f.scopes,
            )),
            Fixture::Password(f) => Some(key(
                f.endpoint().issuer(),
                &f.client_id,
                &with_audience(&f.username, f.audience.as_deref(), f.realm.as_deref()),
                &f.scopes,
            )),
            Fixture::Auth0(f) => Some(key(f.issuer(), &f.client_id, &f.cache_subject(), &f.scopes)),
            Fixture::Cognito(f) => Some(key(
                f.issuer(),
                &f.client_id,
                &f.username,
                &f.cache_scopes(),
            )),
            Fixture::RefreshToken(_) | Fixture::Static(_) => None,
        }
    }

    /// Who logs in, for messages: "`ada@example.com`", "client `svc`".
    pub fn subject(&self) -> String {
        match self {
            Fixture::OktaPkce(f) | Fixture::OktaIdx(f) => format!("`{}`", f.username),
            Fixture::Oauth2Pkce(f) => match f.extra_params.get("login_hint") {
                Some(hint) => format!("`{hint}`"),
                None => format!("client `{}`", f.client_id),
            },
            Fixture::Password(f) => format!("`{}`", f.username),
            Fixture::ClientCredentials(f) => format!("client `{}`", f.client_id),
            Fixture::RefreshToken(f) => format!("client `{}` with a refresh token", f.client_id),
            Fixture::Static(_) => "a static token".to_owned(),
            Fixture::Auth0(f) => format!("`{}`", f.username),
            Fixture::Cognito(f) => format!("`{}`", f.username),
        }
    }

    fn okta_url(&self) -> Option<&str> {
        match self {
            Fixture::OktaPkce(f) | Fixture::OktaIdx(f) => Some(&f.okta_url),
            Fixture::ClientCredentials(f) => f.okta_url.as_deref(),
            Fixture::Password(f) => f.okta_url.as_deref(),
            Fixture::RefreshToken(f) => f.okta_url.as_deref(),
            Fixture::Oauth2Pkce(_)
            | Fixture::Static(_)
            | Fixture::Auth0(_)
            | Fixture::Cognito(_) => None,
        }
    }

    /// What the user should know before the login runs (printed once).
    pub fn warnings(&self) -> Vec<String> {
        match self {
            Fixture::Auth0(f) if f.audience.is_none() => vec![format!(
                "the auth0 fixture for `{}` sets no audience: Auth0 then issues an opaque access token that only its /userinfo accepts; set audience (AUTH0_AUDIENCE) to the API's identifier",
                f.username
            )],
            _ => Vec::new(),
        }
    }
}

/// The cache subject of a login whose token also depends on an audience or realm.
fn with_audience(subject: &str, audience: Option<&str>, realm: Option<&str>) -> String {
    let mut out = subject.to_owned();
    if let Some(realm) = realm {
        out.push_str(&format!(" realm={realm}"));
    }
    if let Some(audience) = audience {
        out.push_str(&format!(" audience={audience}"));
    }
    out
}

/// A private key given as PEM text (a secret); a file path is not one.
fn pem_text(private_key: Option<&String>) -> Option<&String> {
    private_key.filter(|k| k.contains("-----BEGIN"))
}

#[cfg(test)]
#[path = "fixture_tests.rs"]
mod tests;
