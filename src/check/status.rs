//! `expect.status`.

use crate::suite::expect::StatusSet;

/// Without an explicit expectation, any 2xx passes.
pub fn check(expected: Option<&StatusSet>, actual: u16) -> Option<String> {
    match expected {
        Some(set) if !set.matches(actual) => Some(format!("status: expected {set}, got {actual}")),
        None if !(200..300).contains(&actual) => {
            Some(format!("status: expected 2xx (the default), got {actual}"))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::suite::expect::StatusPattern;

    #[test]
    fn reports_expected_and_actual() {
        let set = StatusSet(vec![StatusPattern::Exact(201), StatusPattern::Class(4)]);
        assert_eq!(check(Some(&set), 201), None);
        assert_eq!(check(Some(&set), 404), None);
        assert_eq!(
            check(Some(&set), 500).unwrap(),
            "status: expected 201 or 4xx, got 500"
        );
        assert!(check(None, 302).unwrap().contains("expected 2xx"));
    }
}
