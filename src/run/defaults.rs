//! The run's defaults, shared by the runner and the demo.

use std::time::Duration;

/// Default number of trials in flight: tests wait on the network, not the
/// CPU, so this is well above the core count.
pub const DEFAULT_CONCURRENCY: usize = 32;
/// Default timeout of one request.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
