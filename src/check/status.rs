//! `expect.status`.

use super::failure::{Failure, FailureKind};
use crate::suite::expect::StatusSet;
use crate::suite::keypath::KeyPath;

/// Without an explicit expectation, any 2xx passes. `at` is where the
/// expectation is written (`expect.status`, or the identity's entry of a
/// matrix).
pub fn check(expected: Option<&StatusSet>, actual: u16, at: KeyPath) -> Option<Failure> {
    let expected = match expected {
        Some(set) if !set.matches(actual) => set.to_string(),
        None if !(200..300).contains(&actual) => "2xx (the default)".to_owned(),
        _ => return None,
    };
    Some(Failure::new(FailureKind::Status { expected, actual }, at))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::suite::expect::StatusPattern;

    fn at() -> KeyPath {
        KeyPath::root().key("expect").key("status")
    }

    #[test]
    fn reports_expected_and_actual() {
        let set = StatusSet(vec![StatusPattern::Exact(201), StatusPattern::Class(4)]);
        assert_eq!(check(Some(&set), 201, at()), None);
        assert_eq!(check(Some(&set), 404, at()), None);
        let failure = check(Some(&set), 500, at()).unwrap();
        assert_eq!(
            failure.kind,
            FailureKind::Status {
                expected: "201 or 4xx".into(),
                actual: 500
            }
        );
        assert_eq!(failure.key_path, at());
    }

    #[test]
    fn the_default_is_any_2xx() {
        assert_eq!(check(None, 204, at()), None);
        assert_eq!(
            check(None, 302, at()).unwrap().kind,
            FailureKind::Status {
                expected: "2xx (the default)".into(),
                actual: 302
            }
        );
    }
}
