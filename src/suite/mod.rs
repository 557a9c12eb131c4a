//! Loading suites: files -> model, with every error located.

pub mod expect;
mod fixtures;
pub mod identity;
pub mod json_schema;
mod jsonpath_rfc;
pub mod keypath;
pub mod load;
pub mod matcher;
pub mod model;
pub mod negative;
pub mod rows;
mod scalar;
mod schema_file;
mod schemas;
pub mod template;
pub mod validate;
mod walk;
pub mod wire;
pub mod yaml;

pub use load::{Project, Suite, load_each};
