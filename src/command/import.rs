//! `gatecheck import postman`: a Postman collection -> suites.

use std::path::Path;
use std::process::ExitCode;

use crate::error::Error;

pub fn import_postman(
    collection: &Path,
    environment: Option<&Path>,
    out: &Path,
) -> Result<ExitCode, Error> {
    let report = crate::import::import_postman(collection, environment, out)
        .map_err(|e| Error::Usage(e.to_string()))?;
    for file in &report.files {
        println!("wrote {}", file.strip_prefix(".").unwrap_or(file).display());
    }
    for warning in &report.warnings {
        eprintln!("warning: {warning}");
    }
    print!("{}", report.summary);
    println!(
        "next: review the files, set the environment variables they name, then `gatecheck validate` and `gatecheck`"
    );
    Ok(ExitCode::SUCCESS)
}
