//! The pending snapshots (`<name>.snap.new`, written by a run) handled
//! without cargo, on the same files and in the same way as `cargo insta
//! review` / `accept` / `reject`, so the two tools agree; the subcommands
//! `gatecheck review`, `accept` and `reject` are in `command/review.rs`.

pub mod decision;
pub mod keys;
pub mod pending;
pub mod prompt;

pub use decision::Decision;
pub use pending::{accept_file, find, reject_file, render};
