//! `gatecheck review`, `gatecheck accept`, `gatecheck reject`: the pending
//! snapshots (`<name>.snap.new`, written by a run) handled without cargo, on
//! the same files and in the same way as `cargo insta review` / `accept` /
//! `reject`, so the two tools agree.

pub mod command;
pub mod decision;
pub mod keys;
pub mod pending;
pub mod prompt;

pub use command::{PendingArgs, accept, reject, review, review_stdin};
pub use decision::Decision;
pub use pending::{accept_file, find, reject_file, render};
