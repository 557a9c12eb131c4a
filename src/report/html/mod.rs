//! The HTML report (`--html FILE`): one self-contained page with a summary,
//! the authorization matrix and every trial; `gatecheck report merge`
//! combines the pages of a partitioned run.

pub mod files;
pub mod model;
pub mod page;
