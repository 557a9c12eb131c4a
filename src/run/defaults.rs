//! The run's defaults, shared by the runner and the demo.

use std::time::Duration;

use crate::suite::Project;
use crate::wire::limits::{ByteSize, DEFAULT_MAX_BODY_SIZE};

/// Default number of trials in flight: tests wait on the network, not the
/// CPU, so this is well above the core count.
pub const DEFAULT_CONCURRENCY: usize = 32;
/// Default timeout of one request.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// `max_body_size` of gatecheck.yaml, else 64 MiB.
pub fn max_body_size(project: &Project) -> ByteSize {
    project
        .config
        .max_body_size
        .unwrap_or(DEFAULT_MAX_BODY_SIZE)
}
