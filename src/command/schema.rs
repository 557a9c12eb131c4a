//! `gatecheck schema --out DIR`: writes the JSON schemas of the YAML files.

use std::path::Path;
use std::process::ExitCode;

use crate::error::Error;

/// Writes the schemas into `out` and names each file written.
pub fn schema(out: &Path) -> Result<ExitCode, Error> {
    let files = crate::schema::write_all(out).map_err(|e| {
        Error::Runtime(format!(
            "failed to write schemas to `{}`: {e}",
            out.display()
        ))
    })?;
    for file in files {
        println!("wrote {}", file.display());
    }
    Ok(ExitCode::SUCCESS)
}
