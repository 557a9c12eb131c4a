//! The built-in Okta emulator and demo API (SPEC §7, OKTA.md): an
//! Okta-compatible authorization server and a small todo API that trusts it,
//! both served in-process on loopback.

mod builtin;
mod config;
mod ids;
mod keys;
mod pkce;
mod store;
mod totp;
mod validate;

pub use config::{
    AuthServerConfig, ClientConfig, ConfigError, EmulatorConfig, GrantType, LimitedEndpoint,
    RateLimitConfig, SignOnPolicy, UserConfig, UserStatus,
};
