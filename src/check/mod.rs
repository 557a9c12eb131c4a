//! Checks: pure functions from an exchange (and the expectations) to the
//! [`failure::Failure`]s of what did not hold; `snapshot` bridges to insta
//! (on its public API; `insta_adapter` holds the two hidden pieces).

pub mod challenge;
pub mod duration;
pub mod failure;
pub mod headers;
mod insta_adapter;
pub mod insta_format;
pub mod insta_policy;
pub mod json;
pub mod snapshot;
pub mod snapshot_input;
mod snapshot_json;
mod snapshot_write;
pub mod status;

pub use failure::{Failure, FailureKind, Location};
