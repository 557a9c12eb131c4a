//! Names the emulator's state and its handlers share.

/// The server id of the generic server's codes and refresh tokens (no Okta server can have it).
pub(crate) const SERVER_ID: &str = "(generic)";

/// OpenID Connect scopes: any client may ask for them; client_credentials may not.
pub(crate) const OIDC_SCOPES: [&str; 6] = [
    "openid",
    "profile",
    "email",
    "address",
    "phone",
    "offline_access",
];
