//! gatecheck: API regression tests for HTTP APIs behind an Okta (OAuth 2.0 /
//! OpenID Connect) login.
//!
//! The data flows one way:
//! `suite` (files -> model) -> `run` (model -> trials -> exchanges)
//! -> `check` (exchange -> failures) -> `verdict` (a trial's failures and
//! exchanges) -> `report` (verdicts -> JUnit, HTML),
//! with `auth` (login fixtures -> tokens) beside the run. The Okta emulator
//! and demo API are their own crate, `gatecheck_emulator`, which `run::demo`
//! and `command::emulator` start.

pub mod auth;
pub mod check;
pub mod cli;
pub mod command;
pub mod diag;
pub mod disk;
pub mod error;
pub mod http;
pub mod import;
pub mod init;
pub mod openapi;
pub mod partition;
pub mod report;
pub mod review;
pub mod run;
pub mod schema;
pub mod secret;
pub mod suite;
pub mod verdict;
pub mod wire;
