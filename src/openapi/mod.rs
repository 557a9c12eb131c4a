//! OpenAPI documents: reading one (3.0 and 3.1, YAML or JSON, `$ref`s
//! inside it and to relative files), every operation with its effective
//! security, path templates matched against requests, minimal example
//! values of schemas, and the authorization coverage of suites.

pub mod coverage;
pub mod example;
pub mod load;
pub mod model;
pub mod paths;
pub mod security;

pub use load::OpenApiError;
pub use model::{Document, Operation, load};
pub use security::{Qualifies, Requirement, Scheme, Security};
