//! Running: suites -> trials (`plan`, driven file by file by
//! `load_and_plan`, outlined for `--list` by `outline`), trials ->
//! exchanges (`exec`), on one shared runtime and one connection pool,
//! reported by libtest-mimic.

pub mod defaults;
pub mod demo;
pub mod exec;
pub mod html_records;
pub mod interrupt;
pub mod load_and_plan;
pub mod negative;
pub mod outline;
pub mod plan;
pub mod prepare;
pub mod reports;
pub mod runner;
mod send;
mod unique;
pub mod verbose;

pub use demo::{Demo, identities, start_demo};
pub use exec::RunCtx;
pub use load_and_plan::{load_outlined, load_valid};
pub use plan::TrialSpec;
pub use runner::{CoverageHook, DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT, RunOptions, Summary, run};
