//! `gatecheck review`, `accept` and `reject`: the three subcommands over
//! the pending snapshots that a filter selects.

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use crate::cli::PendingArgs;
use crate::error::Error;
use crate::review::decision::Decision;
use crate::review::pending::{self, accept_file, reject_file, shown};
use crate::review::prompt;

/// `gatecheck accept`: accepts every selected pending snapshot.
pub fn accept(args: &PendingArgs, out: &mut dyn Write) -> Result<ExitCode, Error> {
    let files = selected(args, out)?;
    for file in &files {
        let snap = accept_file(file).map_err(Error::Runtime)?;
        let _ = writeln!(out, "accepted {}", shown(&snap));
    }
    summary(out, &tally(&files, Decision::Accept));
    Ok(ExitCode::SUCCESS)
}

/// `gatecheck reject`: removes every selected pending snapshot.
pub fn reject(args: &PendingArgs, out: &mut dyn Write) -> Result<ExitCode, Error> {
    let files = selected(args, out)?;
    for file in &files {
        reject_file(file).map_err(Error::Runtime)?;
        let _ = writeln!(out, "rejected {}", shown(file));
    }
    summary(out, &tally(&files, Decision::Reject));
    Ok(ExitCode::SUCCESS)
}

/// `gatecheck review`: one snapshot at a time, answered from `input`, a
/// line per answer.
pub fn review(
    args: &PendingArgs,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
) -> Result<ExitCode, Error> {
    review_with(args, &mut prompt::Lines(input), out)
}

/// `gatecheck review` on a terminal: one key per answer (a line per answer
/// when standard input is not a terminal).
pub fn review_stdin(args: &PendingArgs, out: &mut dyn Write) -> Result<ExitCode, Error> {
    // The terminal is set only once there is something to review.
    let files = selected(args, out)?;
    if files.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    match crate::review::keys::Keys::new() {
        Some(mut keys) => decide(&files, &mut keys, out),
        None => decide(
            &files,
            &mut prompt::Lines(&mut std::io::stdin().lock()),
            out,
        ),
    }
}

fn review_with(
    args: &PendingArgs,
    input: &mut dyn prompt::Answers,
    out: &mut dyn Write,
) -> Result<ExitCode, Error> {
    let files = selected(args, out)?;
    decide(&files, input, out)
}

fn decide(
    files: &[PathBuf],
    input: &mut dyn prompt::Answers,
    out: &mut dyn Write,
) -> Result<ExitCode, Error> {
    let decisions = prompt::review(files, input, out).map_err(Error::Runtime)?;
    summary(out, &decisions);
    Ok(ExitCode::SUCCESS)
}

/// The selected pending snapshots; none pending at all is said, not an
/// error; a filter that selects none of several is a usage error.
fn selected(args: &PendingArgs, out: &mut dyn Write) -> Result<Vec<PathBuf>, Error> {
    let dirs = if args.dirs.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.dirs.clone()
    };
    if let Some(missing) = dirs.iter().find(|d| !d.is_dir()) {
        return Err(Error::Usage(format!(
            "--dir {}: not a folder; give the folder that holds your suites",
            missing.display()
        )));
    }
    let all = pending::find(&dirs);
    if all.is_empty() {
        let _ = writeln!(
            out,
            "no pending snapshots (no *.snap.new files); nothing to do"
        );
        return Ok(all);
    }
    let files: Vec<PathBuf> = all
        .iter()
        .filter(|f| pending::selected(f, &args.filters))
        .cloned()
        .collect();
    if files.is_empty() {
        let names: Vec<String> = all.iter().map(|f| pending::name(f)).collect();
        return Err(Error::Usage(format!(
            "no pending snapshot matches {}; pending: {}",
            args.filters
                .iter()
                .map(|f| format!("`{f}`"))
                .collect::<Vec<_>>()
                .join(" or "),
            names.join(", ")
        )));
    }
    Ok(files)
}

fn tally(files: &[PathBuf], decision: Decision) -> Vec<Decision> {
    vec![decision; files.len()]
}

fn summary(out: &mut dyn Write, decisions: &[Decision]) {
    if decisions.is_empty() {
        return;
    }
    let count = |d: Decision| decisions.iter().filter(|x| **x == d).count();
    let _ = writeln!(
        out,
        "{} accepted, {} rejected, {} skipped",
        count(Decision::Accept),
        count(Decision::Reject),
        count(Decision::Skip)
    );
}
