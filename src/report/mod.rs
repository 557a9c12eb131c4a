//! Reporting: failure messages, masking of secrets, run summaries.

pub mod failure;
pub mod html;
pub mod junit;
pub mod mask;
pub mod mask_forms;
pub mod mask_whole;
