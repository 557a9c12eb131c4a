//! `gatecheck emulator`: the Okta emulator and demo API, standalone.

use std::path::Path;
use std::process::ExitCode;

use crate::error::Error;

pub fn emulator(
    config: Option<&Path>,
    port: u16,
    api_port: u16,
    ca_cert_out: Option<&Path>,
    vulnerable: bool,
) -> Result<ExitCode, Error> {
    use crate::emulator::{EmulatorConfig, run_standalone_with};
    let mut config = match config {
        None => EmulatorConfig::builtin(),
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                Error::Usage(format!(
                    "failed to read emulator config `{}`: {e}",
                    path.display()
                ))
            })?;
            EmulatorConfig::from_yaml(&text)
                .map_err(|e| Error::Usage(format!("{}: {e}", path.display())))?
        }
    };
    config.vulnerable |= vulnerable;
    let runtime = tokio::runtime::Runtime::new()
        .map_err(|e| Error::Runtime(format!("failed to start the async runtime: {e}")))?;
    let mut out = std::io::stdout();
    runtime
        .block_on(run_standalone_with(
            config,
            port,
            api_port,
            ca_cert_out,
            &mut out,
        ))
        .map_err(|e| Error::Runtime(format!("the emulator stopped: {e}")))?;
    Ok(ExitCode::SUCCESS)
}
