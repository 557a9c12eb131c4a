//! Secrets and their masking: the shared vocabulary that login, run, check
//! and report all use to keep secret values out of every output. Low in the
//! house: it imports nothing else from the crate.

pub mod mask;
pub mod mask_forms;
pub mod mask_whole;

pub use mask::{MASK, MaskSet, Masker};
