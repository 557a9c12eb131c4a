//! report
pub mod mask;
