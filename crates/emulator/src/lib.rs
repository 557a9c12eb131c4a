//! gatecheck's Okta emulator and demo API (docs/emulator.md in the
//! repository): an Okta-compatible authorization server, an Auth0-shaped
//! tenant and a Cognito-shaped user pool, and a small todo API that trusts
//! them, all served in-process on loopback. The harness starts it for
//! `demo` fixtures and `gatecheck emulator`; it knows nothing of the harness.

mod api;
mod auth0;
mod auth0_config;
mod auth0_grants;
mod auth0_state;
mod auth0_tokens;
mod authn;
mod authn_view;
mod authorize;
mod banner;
mod builtin;
mod client_auth;
mod client_auth_jwt;
mod cognito;
mod cognito_hosted;
mod cognito_pool;
mod cognito_state;
mod cognito_verify;
mod config;
mod consts;
mod cors;
mod counters;
mod discovery;
mod dpop;
mod generic;
mod generic_authorize;
mod generic_state;
mod grants;
mod html;
mod ids;
mod idx;
mod introspect;
mod issue;
mod keyring;
mod keys;
mod logout;
mod oauth_error;
mod okta_error;
mod pkce;
mod ratelimit;
mod response_mode;
mod routes;
mod scopes;
mod server;
mod standalone;
mod state;
mod store;
mod tls;
mod token;
mod token_params;
mod totp;
mod userinfo;
mod validate;
mod verify;

pub use auth0_config::{
    Auth0Api, Auth0Client, Auth0Grant, Auth0Organization, Auth0TenantConfig, Auth0User,
    OrganizationUsage,
};
pub use cognito_pool::{COGNITO_POOL_ID, COGNITO_REGION};
pub use config::{
    AuthServerConfig, ClientConfig, ConfigError, EmulatorConfig, GrantType, IdxAuthenticator,
    LimitedEndpoint, RateLimitConfig, SignOnPolicy, TokenKind, UserConfig, UserStatus,
};
pub use counters::CounterSnapshot;
pub use server::Emulator;
pub use standalone::{run_standalone, serve_until_ctrl_c};
