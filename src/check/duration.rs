//! `expect.max_duration`.

use std::time::Duration;

use super::failure::{Failure, FailureKind};
use crate::suite::keypath::KeyPath;

/// A failure when the exchange took longer than `max`.
pub fn check(max: Option<Duration>, took: Duration) -> Option<Failure> {
    let max = max.filter(|max| took > *max)?;
    let at = KeyPath::root().key("expect").key("max_duration");
    Some(Failure::new(FailureKind::Duration { max, took }, at))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_slower_exchange_fails() {
        let max = Some(Duration::from_millis(50));
        assert_eq!(check(max, Duration::from_millis(50)), None);
        assert_eq!(check(None, Duration::from_secs(9)), None);
        let failure = check(max, Duration::from_millis(312)).unwrap();
        assert_eq!(
            failure.kind,
            FailureKind::Duration {
                max: Duration::from_millis(50),
                took: Duration::from_millis(312)
            }
        );
        assert_eq!(failure.key_path.to_string(), "expect.max_duration");
        assert_eq!(
            failure.kind.to_string(),
            "duration: expected at most 50ms, took 312ms"
        );
    }
}
