//! `gatecheck report merge OUT IN...`: the HTML reports of a partitioned
//! run's shards combined into one page.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::cli::ReportCommand;
use crate::error::Error;
use crate::report::html::files;

/// Runs `gatecheck report ...`.
pub fn report(command: &ReportCommand) -> Result<ExitCode, Error> {
    match command {
        ReportCommand::Merge { out, inputs } => println!("{}", merge(out, inputs)?),
    }
    Ok(ExitCode::SUCCESS)
}

/// Merges the pages `inputs` into `out`; says what it wrote.
fn merge(out: &Path, inputs: &[PathBuf]) -> Result<String, files::ReportError> {
    let model = files::merge(inputs)?;
    files::write(out, &model)?;
    Ok(format!(
        "wrote {} ({} trials from {} reports)",
        out.display(),
        model.trials.len(),
        inputs.len()
    ))
}
