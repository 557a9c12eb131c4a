//! What happened to one pending snapshot, shared by the commands and the prompt.

/// What happened to one pending snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Accept,
    Reject,
    Skip,
}
