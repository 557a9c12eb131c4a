//! The fields of `kind: cognito`: an Amazon Cognito user pool's own sign-in
//! API (`InitiateAuth` / `RespondToAuthChallenge`), no password grant needed.

use serde::{Deserialize, Deserializer};

/// `kind: cognito`: a user of an Amazon Cognito user pool, signed in with
/// `InitiateAuth` (SRP by default) and its challenges.
#[derive(Clone, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CognitoFixture {
    /// The user pool's id, `REGION_NAME` (e.g. `us-east-1_AbC123xyz`).
    pub user_pool_id: String,
    /// The app client's id.
    pub client_id: String,
    /// The app client's secret, when it has one (SECRET_HASH is sent then).
    #[serde(default, deserialize_with = "empty_as_none")]
    pub client_secret: Option<String>,
    pub username: String,
    pub password: String,
    /// The user's TOTP authenticator secret (base32): answers SOFTWARE_TOKEN_MFA.
    #[serde(default, deserialize_with = "empty_as_none")]
    pub totp_secret: Option<String>,
    /// `USER_SRP_AUTH` (default; what Amplify and the AWS SDKs use) or
    /// `USER_PASSWORD_AUTH`.
    #[serde(default)]
    pub auth_flow: CognitoAuthFlow,
    /// The token sent to the API: `access` (default) or `id` (the ID token,
    /// which API Gateway's Cognito authorizers often want).
    #[serde(default)]
    pub token: CognitoToken,
    /// The pool's region; by default the part of `user_pool_id` before `_`.
    #[serde(default, deserialize_with = "empty_as_none")]
    pub region: Option<String>,
    /// The API's URL instead of `https://cognito-idp.{region}.amazonaws.com/`
    /// (an emulator, a proxy); `demo`: the built-in emulator's user pool.
    #[serde(default, deserialize_with = "empty_as_none")]
    pub endpoint: Option<String>,
    /// A PEM file of CA certificates to trust besides the system's.
    #[serde(default, deserialize_with = "empty_as_none")]
    pub ca_cert: Option<String>,
    /// `api` (default): the sign-in API (InitiateAuth); `hosted`: the
    /// managed login (Hosted UI) pages, authorization code + PKCE.
    #[serde(default)]
    pub flow: CognitoFlow,
    /// `flow: hosted`: the user pool's domain,
    /// `https://DOMAIN.auth.REGION.amazoncognito.com` or a custom domain;
    /// `demo`: the built-in emulator's.
    #[serde(default, deserialize_with = "empty_as_none")]
    pub domain: Option<String>,
    /// `flow: hosted`: one of the app client's allowed callback URLs.
    #[serde(default, deserialize_with = "empty_as_none")]
    pub redirect_uri: Option<String>,
    /// `flow: hosted`: the scopes to ask (an ID token comes with `openid`).
    #[serde(default = "default_hosted_scopes")]
    pub scopes: Vec<String>,
}

/// How a `cognito` fixture signs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CognitoFlow {
    /// InitiateAuth and RespondToAuthChallenge.
    #[default]
    Api,
    /// The managed login pages: /oauth2/authorize, the /login form, /oauth2/token.
    Hosted,
}

fn default_hosted_scopes() -> Vec<String> {
    vec!["openid".to_owned()]
}

/// Cognito's `AuthFlow` for a user's password.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, schemars::JsonSchema)]
pub enum CognitoAuthFlow {
    /// Secure Remote Password: the password never leaves the machine.
    #[default]
    #[serde(rename = "USER_SRP_AUTH")]
    UserSrpAuth,
    /// The password sent to Cognito (the app client must allow it).
    #[serde(rename = "USER_PASSWORD_AUTH")]
    UserPasswordAuth,
}

impl CognitoAuthFlow {
    pub fn name(self) -> &'static str {
        match self {
            CognitoAuthFlow::UserSrpAuth => "USER_SRP_AUTH",
            CognitoAuthFlow::UserPasswordAuth => "USER_PASSWORD_AUTH",
        }
    }
}

/// Which of Cognito's tokens the tests send.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CognitoToken {
    #[default]
    Access,
    Id,
}

impl CognitoFixture {
    /// The region: `region`, else the user pool id's prefix.
    pub fn region(&self) -> &str {
        match &self.region {
            Some(region) => region,
            None => self
                .user_pool_id
                .split_once('_')
                .map_or("", |(region, _)| region),
        }
    }

    /// The API endpoint, without a trailing slash.
    pub fn endpoint_url(&self) -> String {
        match &self.endpoint {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => format!("https://cognito-idp.{}.amazonaws.com", self.region()),
        }
    }

    /// The pool's issuer: `{endpoint}/{user_pool_id}`.
    pub fn issuer(&self) -> String {
        format!("{}/{}", self.endpoint_url(), self.user_pool_id)
    }
}

impl std::fmt::Debug for CognitoFixture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CognitoFixture")
            .field("user_pool_id", &self.user_pool_id)
            .field("client_id", &self.client_id)
            .field("username", &self.username)
            .field("auth_flow", &self.auth_flow)
            .field("token", &self.token)
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .field("ca_cert", &self.ca_cert)
            .field("flow", &self.flow)
            .field("domain", &self.domain)
            .field("redirect_uri", &self.redirect_uri)
            .field("scopes", &self.scopes)
            .field("client_secret", &"***")
            .field("password", &"***")
            .field("totp_secret", &"***")
            .finish()
    }
}

/// An optional string where "" (an unset `${VAR:-}`) means none.
fn empty_as_none<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let value: Option<String> = Option::deserialize(d)?;
    Ok(value.filter(|s| !s.trim().is_empty()))
}

impl CognitoFixture {
    /// The client fields shared with the other kinds (no private key, no DPoP).
    pub fn client(&self) -> super::kinds::Client<'_> {
        super::kinds::Client {
            secret: self.client_secret.as_ref(),
            private_key: None,
            dpop: false,
            ca_cert: self.ca_cert.as_deref(),
        }
    }

    /// Points `demo` values at the running emulator: the API at its root,
    /// the managed login under `/cognito`.
    pub fn resolve_demo(&mut self, okta_url: &str, demo: &str) {
        if self.endpoint.as_deref() == Some(demo) {
            self.endpoint = Some(okta_url.to_owned());
        }
        if self.domain.as_deref() == Some(demo) {
            self.domain = Some(format!("{okta_url}/cognito"));
        }
    }

    /// True when the endpoint or the domain is `demo`.
    pub fn uses_demo(&self, demo: &str) -> bool {
        self.endpoint.as_deref() == Some(demo) || self.domain.as_deref() == Some(demo)
    }

    /// The token cache tells the ID token from the access token apart.
    pub fn cache_scopes(&self) -> Vec<String> {
        let mut scopes = match self.flow {
            CognitoFlow::Api => Vec::new(),
            CognitoFlow::Hosted => self.scopes.clone(),
        };
        if self.token == CognitoToken::Id {
            scopes.push("id_token".to_owned());
        }
        scopes
    }
}
