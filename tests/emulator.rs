//! Integration tests of the built-in Okta emulator and demo API: each test
//! starts an emulator on loopback ephemeral ports and drives it with reqwest.

#[path = "emulator/support.rs"]
mod support;

#[path = "emulator/api.rs"]
mod api;
#[path = "emulator/authn.rs"]
mod authn;
#[path = "emulator/authorize.rs"]
mod authorize;
#[path = "emulator/server.rs"]
mod server;
#[path = "emulator/token.rs"]
mod token;
