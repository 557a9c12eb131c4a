//! The emulated Auth0 tenant's configuration (the `auth0:` section of the
//! emulator config): its database connection, users, applications, APIs
//! and organizations. Plain data, unknown keys rejected; `check` names the
//! key path of every problem.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

/// One Auth0 tenant, served under `/auth0` on the emulator's port.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Auth0TenantConfig {
    /// The database connection the users are in (`realm`).
    #[serde(default = "default_connection")]
    pub connection: String,
    #[serde(default)]
    pub users: Vec<Auth0User>,
    #[serde(default)]
    pub clients: Vec<Auth0Client>,
    #[serde(default)]
    pub apis: Vec<Auth0Api>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub organizations: Vec<Auth0Organization>,
}

/// A user of the database connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Auth0User {
    pub email: String,
    pub password: String,
    #[serde(default)]
    pub name: String,
    /// Permissions per API: `{API identifier: [read:todos, ...]}`.
    #[serde(default)]
    pub permissions: std::collections::BTreeMap<String, Vec<String>>,
    /// Base32 secret of a one-time password factor: /co/authenticate and
    /// the password grants answer `mfa_required` until a code comes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub totp_secret: Option<String>,
    /// Blocked by an administrator: every login answers "user is blocked".
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub blocked: bool,
}

/// An application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Auth0Client {
    pub client_id: String,
    /// A confidential client (client_secret_post or basic); absent: a SPA
    /// or native app (PKCE).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
    /// Allowed Callback URLs.
    #[serde(default)]
    pub callbacks: Vec<String>,
    /// Allowed Web Origins / Allowed Origins (CORS).
    #[serde(default)]
    pub web_origins: Vec<String>,
    /// "Allow Cross-Origin Authentication".
    #[serde(default)]
    pub cross_origin_authentication: bool,
    pub grant_types: Vec<Auth0Grant>,
    /// A third-party app: users must consent at /authorize.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub first_party: bool,
    /// Organizations: `deny` (default), `allow` or `require`.
    #[serde(default)]
    pub organization_usage: OrganizationUsage,
    /// APIs this client may get client_credentials tokens for, with their scopes.
    #[serde(default)]
    pub client_grants: std::collections::BTreeMap<String, Vec<String>>,
}

/// The grant types of an application, as the Dashboard names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Auth0Grant {
    AuthorizationCode,
    RefreshToken,
    ClientCredentials,
    /// `password` and `http://auth0.com/oauth/grant-type/password-realm`.
    Password,
    /// `http://auth0.com/oauth/grant-type/mfa-otp`.
    MfaOtp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrganizationUsage {
    #[default]
    Deny,
    Allow,
    Require,
}

/// An API (resource server).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Auth0Api {
    /// The identifier: the `audience` of its tokens.
    pub identifier: String,
    #[serde(default)]
    pub scopes: Vec<String>,
    /// RBAC with "Add Permissions in the Access Token": a `permissions` claim.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub permissions_claim: bool,
    /// "Allow Offline Access": refresh tokens for `offline_access`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub allow_offline_access: bool,
}

/// An organization and its members (by email).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Auth0Organization {
    /// `org_...`.
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub members: Vec<String>,
}

fn default_connection() -> String {
    "Username-Password-Authentication".to_owned()
}

fn yes() -> bool {
    true
}

fn is_true(value: &bool) -> bool {
    *value
}

impl Auth0TenantConfig {
    /// Every problem, each naming its key path under `auth0`.
    pub(crate) fn check(&self, errors: &mut Vec<String>) {
        let mut seen = HashSet::new();
        for (i, user) in self.users.iter().enumerate() {
            if !seen.insert(user.email.to_ascii_lowercase()) {
                errors.push(format!(
                    "auth0.users[{i}].email: `{}` is listed twice",
                    user.email
                ));
            }
            if let Some(secret) = &user.totp_secret
                && super::totp::decode_secret(secret).is_none()
            {
                errors.push(format!("auth0.users[{i}].totp_secret: not a base32 secret"));
            }
            for api in user.permissions.keys() {
                if self.api(api).is_none() {
                    errors.push(format!(
                        "auth0.users[{i}].permissions: `{api}` is not the identifier of an API in auth0.apis"
                    ));
                }
            }
        }
        let mut ids = HashSet::new();
        for (i, client) in self.clients.iter().enumerate() {
            if !ids.insert(client.client_id.as_str()) {
                errors.push(format!(
                    "auth0.clients[{i}].client_id: `{}` is listed twice",
                    client.client_id
                ));
            }
            for api in client.client_grants.keys() {
                if self.api(api).is_none() {
                    errors.push(format!(
                        "auth0.clients[{i}].client_grants: `{api}` is not the identifier of an API in auth0.apis"
                    ));
                }
            }
        }
        for (i, org) in self.organizations.iter().enumerate() {
            for member in &org.members {
                if self.user(member).is_none() {
                    errors.push(format!(
                        "auth0.organizations[{i}].members: `{member}` is not a user in auth0.users"
                    ));
                }
            }
        }
    }

    pub(crate) fn user(&self, email: &str) -> Option<&Auth0User> {
        self.users
            .iter()
            .find(|u| u.email.eq_ignore_ascii_case(email))
    }

    pub(crate) fn client(&self, client_id: &str) -> Option<&Auth0Client> {
        self.clients.iter().find(|c| c.client_id == client_id)
    }

    pub(crate) fn api(&self, identifier: &str) -> Option<&Auth0Api> {
        self.apis.iter().find(|a| a.identifier == identifier)
    }

    /// An organization by id or name.
    pub(crate) fn organization(&self, id_or_name: &str) -> Option<&Auth0Organization> {
        self.organizations
            .iter()
            .find(|o| o.id == id_or_name || o.name == id_or_name)
    }
}

impl Auth0User {
    /// `auth0|` and a stable id from the email.
    pub(crate) fn user_id(&self) -> String {
        super::ids::stable_id("auth0|", &self.email.to_ascii_lowercase())
    }
}
