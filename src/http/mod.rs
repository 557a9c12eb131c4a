//! HTTP: one shared client for all tests, and the Exchange value that
//! checks and reports read.

pub mod body;
pub mod client;
pub mod exchange;
pub mod json;
pub mod json_node;
pub mod json_tape;
pub mod tls;

pub use client::{HttpError, build_client, send};
pub use exchange::{Exchange, Prepared};
