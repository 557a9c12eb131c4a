//! check

pub mod snapshot;
