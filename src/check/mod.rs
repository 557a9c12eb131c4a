//! Checks: pure functions from an exchange (and the expectations) to the
//! [`failure::Failure`]s of what did not hold; `snapshot` bridges to insta.

pub mod challenge;
pub mod duration;
pub mod failure;
pub mod headers;
pub mod json;
pub mod snapshot;
pub mod snapshot_input;
mod snapshot_tape;
mod snapshot_text;
mod snapshot_view;
mod snapshot_write;
pub mod status;

pub use failure::{Failure, Kind, Location};
