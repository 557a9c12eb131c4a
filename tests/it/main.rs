//! gatecheck's integration tests, one crate so the library, axum, reqwest
//! and aws-lc are linked once: the real binary end to end on 127.0.0.1, the
//! login fixtures against the built-in emulator, the emulator itself, the
//! snapshot bridge, import and schema.

mod common;
mod key_support;
mod login_support;

mod ci;
mod cli;
mod client_jwt;
mod dpop;
mod emulator;
mod failures;
mod identities;
mod import;
mod init;
mod login;
mod login_kinds;
mod oauth2_pkce;
mod okta;
mod review;
mod scenarios;
mod schema;
mod secrets;
mod snapshot_bridge;
mod snapshot_flow;
mod token_fixtures;
