//! Reporting: failure messages, masking of secrets, run summaries.

pub mod failure;
pub mod junit;
pub mod mask;
