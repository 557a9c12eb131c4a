//! Positions and diagnostics: the vocabulary every stage uses to say where
//! a problem is (`file:line:column`). Low in the house: it imports nothing
//! else from the crate.

use std::fmt;
use std::path::PathBuf;

/// A position in a source file, 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.col)
    }
}

/// One problem in the input, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: PathBuf,
    pub pos: Option<Pos>,
    pub message: String,
}

impl Diagnostic {
    pub fn new(file: impl Into<PathBuf>, pos: Option<Pos>, message: impl Into<String>) -> Self {
        Self {
            file: file.into(),
            pos,
            message: message.into(),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.pos {
            Some(pos) => write!(f, "{}:{}: {}", self.file.display(), pos, self.message),
            None => write!(f, "{}: {}", self.file.display(), self.message),
        }
    }
}
