//! Errors that stop a run, and the one place that maps them to exit codes.

use std::process::ExitCode;

pub use crate::diag::Diagnostic;

/// Why a run stopped before (or instead of) running tests.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Invalid suites, config or fixtures: every problem found.
    #[error("{}", render_all(.0))]
    Invalid(Vec<Diagnostic>),
    /// Bad command-line usage.
    #[error("{0}")]
    Usage(String),
    /// A failure outside the tests (starting the runtime, the emulator...).
    #[error("{0}")]
    Runtime(String),
}

fn render_all(diags: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diags {
        out.push_str("error: ");
        out.push_str(&d.to_string());
        out.push('\n');
    }
    let n = diags.len();
    out.push_str(&format!(
        "{n} error{} found; nothing was run",
        if n == 1 { "" } else { "s" }
    ));
    out
}

/// Exit codes, documented in the README.
pub mod exit {
    /// Every test passed.
    pub const OK: u8 = 0;
    /// At least one test failed.
    pub const FAILED: u8 = 1;
    /// Invalid input or usage: nothing was run.
    pub const INVALID: u8 = 2;
}

impl Error {
    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(match self {
            Error::Invalid(_) | Error::Usage(_) => exit::INVALID,
            Error::Runtime(_) => exit::FAILED,
        })
    }
}
