//! The work of each subcommand, one module each; [`crate::cli`] holds the
//! command-line definition only.

pub mod coverage;
pub mod dispatch;
pub mod emulator;
pub mod import;
pub mod init;
pub mod print_token;
pub mod report;
pub mod review;
pub mod run;
pub mod schema;
pub mod stdout;
pub mod validate_suites;

pub use dispatch::{dispatch, main, read_env};
