//! The emulator's configuration: users, groups, clients, authorization
//! servers, token lifetime and an optional rate limit. Plain data, parsed
//! from YAML with unknown keys rejected.

use serde::{Deserialize, Serialize};

pub use super::idx::IdxAuthenticator;

/// Everything the emulator serves. `EmulatorConfig::builtin()` is the default set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmulatorConfig {
    /// Group names users may belong to (a user's groups must be listed here).
    #[serde(default)]
    pub groups: Vec<String>,
    #[serde(default)]
    pub users: Vec<UserConfig>,
    #[serde(default)]
    pub clients: Vec<ClientConfig>,
    /// Custom authorization servers (`/oauth2/{id}`); the org server always exists.
    #[serde(default = "default_auth_servers")]
    pub auth_servers: Vec<AuthServerConfig>,
    /// Lifetime of access and id tokens, in seconds.
    #[serde(default = "default_lifetime")]
    pub access_token_lifetime_secs: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<RateLimitConfig>,
    /// Origins (`scheme://host[:port]`) allowed to call the Okta side from
    /// a browser (CORS), as Okta's Trusted Origins.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trusted_origins: Vec<String>,
    /// An Auth0-shaped tenant served under `/auth0` (none when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth0: Option<super::auth0_config::Auth0TenantConfig>,
    /// Plant the demo API's authorization bugs (docs/openapi.md): for
    /// trying out gatecheck's authorization tests, never for real use.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub vulnerable: bool,
}

/// One user of the org.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserConfig {
    pub login: String,
    pub password: String,
    /// Okta user id; derived from the login when absent (stable across runs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default)]
    pub first_name: String,
    #[serde(default)]
    pub last_name: String,
    #[serde(default)]
    pub groups: Vec<String>,
    /// Base32 TOTP secret: the user has a TOTP factor and gets MFA_REQUIRED.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub totp_secret: Option<String>,
    /// What /api/v1/authn answers after a good password.
    #[serde(default)]
    pub status: UserStatus,
    /// Identity Engine: the authenticators besides the password that the
    /// app's policy asks for (default: `google_otp` when totp_secret is set).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authenticators: Vec<IdxAuthenticator>,
}

/// The authn outcome a user is set up for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UserStatus {
    /// SUCCESS, or MFA_REQUIRED when the user has a TOTP secret.
    #[default]
    Active,
    PasswordWarn,
    PasswordExpired,
    LockedOut,
    /// MFA_ENROLL with a skip link.
    MfaEnroll,
    /// MFA_ENROLL without a skip link.
    MfaEnrollRequired,
}

/// One OAuth 2.0 / OIDC application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientConfig {
    pub client_id: String,
    /// Present for confidential clients; absent for public (PKCE) clients.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
    #[serde(default)]
    pub redirect_uris: Vec<String>,
    pub grant_types: Vec<GrantType>,
    /// Scopes this client may request; absent means every scope of the server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scopes: Option<Vec<String>>,
    /// Groups assigned to the app; absent means every user is assigned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assigned_groups: Option<Vec<String>>,
    #[serde(default)]
    pub sign_on_policy: SignOnPolicy,
    /// Where /v1/logout may send the browser back (`post_logout_redirect_uri`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub post_logout_redirect_uris: Vec<String>,
    /// Public keys (a JWK Set) of a client that authenticates with
    /// private_key_jwt; such a client must send a client assertion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jwks: Option<serde_json::Value>,
    /// Okta's "Require Demonstrating Proof of Possession (DPoP)": /token
    /// wants a DPoP proof and issues DPoP-bound tokens.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub dpop_bound_access_tokens: bool,
}

/// OAuth 2.0 grant types a client may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GrantType {
    AuthorizationCode,
    RefreshToken,
    ClientCredentials,
    Password,
    /// Identity Engine's interaction code grant (IDX).
    InteractionCode,
}

/// App sign-on policy evaluated at /authorize (Okta Identity Engine).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignOnPolicy {
    /// A good sessionToken is enough.
    #[default]
    Default,
    /// Always show the sign-in page (re-authentication required).
    Reauthenticate,
    /// Like default; IDX's identify form asks for the username alone and
    /// the password comes as the next remediation.
    IdentifierFirst,
}

/// A custom authorization server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthServerConfig {
    pub id: String,
    pub audience: String,
    pub scopes: Vec<String>,
    /// Tokens that carry a `groups` claim (the user's groups); none by default, as on Okta.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups_claim: Vec<TokenKind>,
}

/// The JWTs a server issues, for claims configured per token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenKind {
    AccessToken,
    IdToken,
}

/// Fixed-window rate limit on some endpoints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimitConfig {
    pub endpoints: Vec<LimitedEndpoint>,
    pub limit: u32,
    pub window_secs: u64,
}

/// Endpoints a rate limit can apply to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LimitedEndpoint {
    Authn,
    Authorize,
    Token,
}

/// A config that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// YAML syntax or shape error; the message ends with "at line L column C".
    #[error("invalid emulator config: {message}")]
    Syntax {
        message: String,
        line: usize,
        column: usize,
    },
    /// Semantic error, naming the key path.
    #[error("invalid emulator config: {0}")]
    Invalid(String),
}

fn default_lifetime() -> u64 {
    3600
}

fn default_auth_servers() -> Vec<AuthServerConfig> {
    vec![AuthServerConfig {
        id: "default".into(),
        audience: "api://default".into(),
        scopes: ["openid", "profile", "email", "offline_access"]
            .map(String::from)
            .to_vec(),
        groups_claim: Vec::new(),
    }]
}

impl EmulatorConfig {
    /// Parses and validates a YAML config.
    pub fn from_yaml(text: &str) -> Result<Self, ConfigError> {
        let config: EmulatorConfig = serde_yaml::from_str(text).map_err(syntax_error)?;
        config.validate()?;
        Ok(config)
    }
}

fn syntax_error(err: serde_yaml::Error) -> ConfigError {
    let (line, column) = err
        .location()
        .map(|l| (l.line(), l.column()))
        .unwrap_or((0, 0));
    ConfigError::Syntax {
        message: err.to_string(),
        line,
        column,
    }
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        Self::builtin()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_key_names_line_and_column() {
        let err = EmulatorConfig::from_yaml("users:\n  - login: a\n    pasword: x\n").unwrap_err();
        let ConfigError::Syntax { message, line, .. } = err else {
            panic!("expected a syntax error");
        };
        assert_eq!(line, 3);
        assert!(message.contains("unknown field `pasword`"), "{message}");
        assert!(message.contains("line 3 column 5"), "{message}");
    }

    #[test]
    fn minimal_config_gets_default_server() {
        let config = EmulatorConfig::from_yaml("users: []\n").unwrap();
        assert_eq!(config.auth_servers[0].id, "default");
        assert_eq!(config.access_token_lifetime_secs, 3600);
        assert!(config.rate_limit.is_none());
    }

    #[test]
    fn bad_status_is_rejected() {
        let text = "users:\n  - {login: a, password: b, status: frozen}\n";
        let err = EmulatorConfig::from_yaml(text).unwrap_err().to_string();
        assert!(err.contains("unknown variant `frozen`"), "{err}");
    }
}
