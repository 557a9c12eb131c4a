//! Integration tests of the built-in Okta emulator and demo API: each test
//! starts an emulator on loopback ephemeral ports and drives it with reqwest.

mod support;

mod api;
mod authn;
mod authorize;
mod cors;
mod idx;
mod keys;
mod oidc;
mod response_modes;
mod server;
mod tls;
mod token;
