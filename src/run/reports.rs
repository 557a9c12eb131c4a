//! Writing a run's JUnit and HTML reports, once: at the end of the run, or
//! when a signal stops it (then the tests that had not finished are listed
//! as interrupted, so a CI that times out keeps every finished result).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use libtest_mimic::{Arguments, Trial};

use super::exec::RunCtx;
use super::html_records as build;
use super::plan::TrialSpec;
use crate::error::Error;
use crate::report::html::{files, model::RunMeta};
use crate::report::junit::{self, TrialOutcome, TrialRecord};
use crate::secret::mask::Masker;

/// How each trial ended, filled in by the trials.
pub type Records = Arc<Mutex<Vec<TrialRecord>>>;
/// The exchanges of each trial, kept for the HTML report.
pub type Traces = Arc<Mutex<build::Traces>>;

/// Everything the reports of one run are made of.
pub struct Reports {
    pub junit: Option<PathBuf>,
    pub html: Option<PathBuf>,
    /// The planned trials (kept only when a report is asked for).
    pub specs: Vec<TrialSpec>,
    pub args: Arguments,
    pub records: Option<Records>,
    pub traces: Option<Traces>,
    pub ctx: Arc<RunCtx>,
    pub command: String,
    pub commit: Option<String>,
    pub started: (SystemTime, Instant),
    pub partition: Option<String>,
    /// The OpenAPI coverage grid (`--openapi`), results filled in on write.
    pub coverage: Option<crate::report::html::model::CoverageView>,
    /// Set once the reports are written (by the run's end or a signal).
    pub written: Mutex<bool>,
}

impl Reports {
    /// Writes the reports unless they were written already. `interrupted`
    /// names the signal that stopped the run: the trials that had not
    /// finished are listed as skipped, with that reason.
    pub fn write(&self, pending: usize, interrupted: Option<&str>) -> Result<(), Error> {
        let mut written = self.written.lock().unwrap_or_else(|e| e.into_inner());
        if *written {
            return Ok(());
        }
        *written = true;
        if let Some(path) = &self.junit {
            let all = self.all_records(interrupted);
            let xml = junit::render(&all).map_err(Error::Runtime)?;
            write_junit(path, &xml)?;
        }
        if let (Some(path), Some(traces)) = (&self.html, &self.traces) {
            let records = self.all_records(interrupted);
            let traces = traces.lock().unwrap_or_else(|e| e.into_inner());
            let meta = RunMeta {
                command: self.command.clone(),
                commit: self.commit.clone(),
                started: humantime::format_rfc3339_seconds(self.started.0).to_string(),
                duration_ms: self.started.1.elapsed().as_millis() as u64,
                logins: self.ctx.identities.logins_made(),
                pending_snapshots: pending as u64,
                partition: self.partition.clone(),
            };
            let mut model = build::build(&self.specs, &records, &traces, meta);
            model.coverage = self.coverage.clone();
            model
                .mask(&self.ctx.masker.current())
                .map_err(|e| Error::Runtime(format!("failed to encode the HTML report: {e}")))?;
            // After masking: the cells' trial names and the trials' match.
            model.fill_coverage_results();
            files::write(path, &model).map_err(|e| Error::Runtime(e.to_string()))?;
        }
        Ok(())
    }

    fn all_records(&self, interrupted: Option<&str>) -> Vec<TrialRecord> {
        all_records(
            &self.specs,
            &self.args,
            self.records.as_ref(),
            &self.ctx.masker,
            interrupted,
        )
    }
}

fn write_junit(path: &Path, xml: &str) -> Result<(), Error> {
    crate::disk::write_whole(path, xml.as_bytes()).map_err(|e| {
        Error::Runtime(format!(
            "failed to write JUnit report `{}`: {e}",
            path.display()
        ))
    })
}

/// The libtest entry of a planned trial (for its filter and ignore flag).
pub fn list_entry(spec: &TrialSpec) -> Trial {
    Trial::test(spec.name.clone(), || Ok(())).with_ignored_flag(spec.skip.is_some())
}

/// One trial's record.
pub fn record(spec: &TrialSpec, outcome: TrialOutcome, duration: Duration) -> TrialRecord {
    TrialRecord {
        name: spec.name.clone(),
        suite_id: spec.suite.id.clone(),
        suite_title: spec.suite.title.clone(),
        outcome,
        duration,
    }
}

/// Every trial that ran, and the ignored ones (after a signal, those that
/// had not finished too), masked with every secret.
fn all_records(
    specs: &[TrialSpec],
    args: &Arguments,
    records: Option<&Records>,
    masker: &Masker,
    interrupted: Option<&str>,
) -> Vec<TrialRecord> {
    let mut all = records.map_or_else(Vec::new, |r| {
        r.lock().unwrap_or_else(|e| e.into_inner()).clone()
    });
    let ran: std::collections::HashSet<String> = all.iter().map(|r| r.name.clone()).collect();
    for spec in specs {
        let entry = list_entry(spec);
        if !args.is_filtered_out(&entry) && !ran.contains(&spec.name) {
            let reason = match (&spec.skip, interrupted) {
                (Some(skip), _) => Some(skip.clone()),
                (None, Some(signal)) => Some(format!(
                    "interrupted: the run was stopped by {signal} before this test finished"
                )),
                (None, None) => None,
            };
            all.push(record(spec, TrialOutcome::Ignored(reason), Duration::ZERO));
        }
    }
    // Masked again with every secret of the run (some were found after the
    // trial that shows them ended).
    let secrets = masker.current();
    for record in &mut all {
        record.mask(&secrets);
    }
    all
}
