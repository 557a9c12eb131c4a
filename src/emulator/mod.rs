//! The built-in Okta emulator and demo API (SPEC §7, OKTA.md): an
//! Okta-compatible authorization server and a small todo API that trusts it,
//! both served in-process on loopback.

mod api;
mod authn;
mod authn_view;
mod authorize;
mod banner;
mod builtin;
mod client_auth_jwt;
mod config;
mod counters;
mod discovery;
mod dpop;
mod generic;
mod generic_authorize;
mod grants;
mod html;
mod ids;
mod issue;
mod keys;
mod oauth_error;
mod okta_error;
mod pkce;
mod ratelimit;
mod routes;
mod scopes;
mod server;
mod state;
mod store;
mod token;
mod totp;
mod validate;

pub use config::{
    AuthServerConfig, ClientConfig, ConfigError, EmulatorConfig, GrantType, LimitedEndpoint,
    RateLimitConfig, SignOnPolicy, UserConfig, UserStatus,
};
pub use counters::CounterSnapshot;
pub use server::{Emulator, run_standalone};
