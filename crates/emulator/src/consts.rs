//! Names the emulator's state and its handlers share.

/// The server id of the generic server's codes and refresh tokens (no Okta server can have it).
pub(crate) const SERVER_ID: &str = "(generic)";

/// The key ring of the Auth0 tenant (no Okta server can have this id).
pub(crate) const AUTH0_KEYS: &str = "(auth0)";

/// OpenID Connect scopes: any client may ask for them; client_credentials may not.
pub(crate) const OIDC_SCOPES: [&str; 6] = [
    "openid",
    "profile",
    "email",
    "address",
    "phone",
    "offline_access",
];
