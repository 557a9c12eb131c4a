//! `gatecheck import postman`: a Postman collection (and environment) ->
//! gatecheck suites and login fixtures. `postman` reads the files' model,
//! `request`, `scripts`, `vars`, `okta` and `okta_idx` (with
//! `okta_fixture`) convert its parts, `convert`
//! puts them together, `render` writes YAML text and `write` does the I/O.
//! Scripts are parsed (`js`) and read by `scripts` (walked by
//! `script_reader`, with `script_calls`, `script_flow`, `script_vars`,
//! `script_outcome`), with `value` (what an
//! expression stands for), `chai` (assertion chains), `matchers` (a check
//! written for its subject), `checks` (what a script converts to) and
//! `sent` (requests sent with `pm.sendRequest`); `json_schema` reads tv4's
//! and chai-postman's JSON Schema checks.

pub mod chai;
pub mod checks;
pub mod cognito;
pub mod convert;
pub mod error;
pub mod flow;
pub mod js;
pub mod json_schema;
pub mod login;
pub mod matchers;
pub mod okta;
pub mod okta_fixture;
pub mod okta_idx;
pub mod postman;
pub mod render;
pub mod request;
pub mod scope;
pub mod script_calls;
pub mod script_flow;
pub mod script_outcome;
pub mod script_reader;
#[cfg(test)]
mod script_test_support;
pub mod script_vars;
pub mod scripts;
pub mod sent;
pub mod summary;
pub mod value;
pub mod vars;
pub mod walk;
pub mod write;

pub use error::ImportError;
pub use write::{ImportReport, import_postman};
