//! Why an import stopped.

use std::path::PathBuf;

/// An import error; nothing is written when one occurs.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("failed to read `{}`: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// Not a Postman v2.x collection (or environment), with what was found.
    #[error("`{}`: {message}", path.display())]
    Format { path: PathBuf, message: String },
    #[error("`{}` already exists; remove it or import with another --out", path.display())]
    Exists { path: PathBuf },
    #[error("cannot write `{}`: {problem}; nothing was written (rename the folder in the collection)", path.display())]
    Name { path: PathBuf, problem: String },
    #[error("failed to write `{}`: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}
