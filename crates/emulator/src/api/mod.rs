//! The demo API: a small todo service that trusts the emulator's `default`
//! authorization server.

mod bearer;
pub(crate) mod error;
mod routes;
pub(crate) mod todos;

pub(crate) use routes::router;
