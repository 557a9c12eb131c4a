//! gatecheck's integration tests, one crate so the library, axum, reqwest
//! and aws-lc are linked once: the real binary end to end on 127.0.0.1, the
//! login fixtures against the built-in emulator, the emulator itself, the
//! snapshot bridge, import and schema.

mod architecture;
mod bodies;
mod browser;
mod ca_cert;
mod ci;
mod cli;
mod client_jwt;
mod common;
mod dpop;
mod emulator;
mod failures;
mod html_report;
mod identities;
mod idx_identities;
mod idx_login;
mod import;
mod import_corpus;
mod import_idx;
mod import_run;
mod init;
mod key_support;
mod limits;
mod loader_input;
mod loader_props;
mod loader_walk;
mod login;
mod login_kinds;
mod login_support;
mod misbehaving;
mod oauth2_pkce;
mod okta;
mod openapi_coverage;
mod openapi_init;
mod openapi_load;
mod redirect_uri;
mod review;
mod scale;
mod scenarios;
mod schema;
mod secrets;
mod snapshot_atomic;
mod snapshot_bridge;
mod snapshot_flow;
mod token_fixtures;
