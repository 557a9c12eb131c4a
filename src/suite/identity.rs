//! Whether a name is a known identity, and what to say when it is not:
//! shared by the suite checks and the check of gatecheck.yaml's `auth:`.

use super::expect::did_you_mean;

/// The identity name for anonymous requests.
pub const NONE: &str = "none";

/// Why `name` is not one of `known` (every fixture, and [`NONE`]); `None`
/// when it is.
pub fn unknown(name: &str, known: &[String]) -> Option<String> {
    if known.iter().any(|i| i == name) {
        return None;
    }
    let fixtures = known.len().saturating_sub(1);
    let hint = if fixtures == 0 {
        " (no fixtures were found; add fixtures/NAME.yaml)".to_owned()
    } else {
        did_you_mean(name, known)
    };
    Some(format!(
        "unknown identity `{name}`{hint}; known: {}",
        known.join(", ")
    ))
}
