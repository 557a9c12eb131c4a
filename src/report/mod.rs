//! Reporting: failure messages, run summaries, JUnit. Masking of secrets
//! lives in [`crate::secret`].

pub mod html;
pub mod junit;
