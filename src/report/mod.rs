//! Reporting: failure messages, run summaries, JUnit. Masking of secrets
//! lives in [`crate::secret`]; `report::mask*` are re-exports of it.

pub mod failure;
pub mod html;
pub mod junit;

pub use crate::secret::{mask, mask_forms, mask_whole};
