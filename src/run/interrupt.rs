//! SIGINT, SIGTERM and SIGHUP during a run: the reports are written with
//! what finished (the rest marked interrupted), the snapshot staging
//! folders are removed, and the process exits with 128 + the signal's
//! number, as a shell reports a process killed by it.

use std::io::Write as _;
use std::sync::Arc;

use tokio::runtime::Handle;

use super::reports::Reports;
use crate::check::snapshot;

/// Listens for the signals on `handle`'s runtime for the rest of the run.
pub fn listen(handle: &Handle, reports: Arc<Reports>) {
    // Installed now, before any test starts (a signal before that would
    // end the process without reports).
    let signals = {
        let _guard = handle.enter();
        Signals::install()
    };
    handle.spawn(async move {
        let Some((signal, code)) = signals.next().await else {
            return;
        };
        // Writing files blocks: not on a runtime worker.
        let _ = tokio::task::spawn_blocking(move || stop(&reports, signal, code)).await;
    });
}

/// Writes what finished, cleans up and exits.
fn stop(reports: &Reports, signal: &str, code: i32) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(
        err,
        "\ngatecheck: stopped by {signal}; the tests that had not finished are reported as interrupted"
    );
    let pending = reports
        .ctx
        .pending_snapshots
        .load(std::sync::atomic::Ordering::Relaxed);
    if let Err(e) = reports.write(pending, Some(signal)) {
        let _ = writeln!(err, "{e}");
    }
    snapshot::remove_staging();
    let _ = err.flush();
    std::process::exit(code);
}

/// The signal handlers, installed.
#[cfg(unix)]
struct Signals(Option<[tokio::signal::unix::Signal; 3]>);

#[cfg(unix)]
impl Signals {
    fn install() -> Self {
        use tokio::signal::unix::{SignalKind, signal};
        let all = (|| {
            Some([
                signal(SignalKind::interrupt()).ok()?,
                signal(SignalKind::terminate()).ok()?,
                signal(SignalKind::hangup()).ok()?,
            ])
        })();
        Self(all)
    }

    /// The first signal: its name and the exit code it gives.
    async fn next(self) -> Option<(&'static str, i32)> {
        let [mut int, mut term, mut hup] = self.0?;
        tokio::select! {
            _ = int.recv() => Some(("SIGINT", 130)),
            _ = term.recv() => Some(("SIGTERM", 143)),
            _ = hup.recv() => Some(("SIGHUP", 129)),
        }
    }
}

#[cfg(not(unix))]
struct Signals;

#[cfg(not(unix))]
impl Signals {
    fn install() -> Self {
        Self
    }

    async fn next(self) -> Option<(&'static str, i32)> {
        tokio::signal::ctrl_c().await.ok()?;
        Some(("Ctrl-C", 130))
    }
}
