//! `gatecheck emulator`: the Okta emulator and demo API, standalone.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use gatecheck_emulator::{Emulator, EmulatorConfig, serve_until_ctrl_c};

use crate::error::Error;

/// The most read from an emulator `--config` file.
const CONFIG_LIMIT: u64 = 4 << 20;

/// The `--config` file (only a regular file, at most [`CONFIG_LIMIT`]), or
/// the built-in configuration.
fn load_config(path: Option<&Path>) -> Result<EmulatorConfig, Error> {
    let Some(path) = path else {
        return Ok(EmulatorConfig::builtin());
    };
    let text = crate::disk::read_regular_text(path, CONFIG_LIMIT)
        .map_err(|e| Error::Usage(format!("emulator config `{}`: {e}", path.display())))?;
    EmulatorConfig::from_yaml(&text).map_err(|e| Error::Usage(format!("{}: {e}", path.display())))
}

pub fn emulator(
    config: Option<&Path>,
    port: u16,
    api_port: u16,
    ca_cert_out: Option<&Path>,
    vulnerable: bool,
) -> Result<ExitCode, Error> {
    let mut config = load_config(config)?;
    config.vulnerable |= vulnerable;
    let runtime = tokio::runtime::Runtime::new()
        .map_err(|e| Error::Runtime(format!("failed to start the async runtime: {e}")))?;
    let mut out = std::io::stdout();
    runtime
        .block_on(serve(config, port, api_port, ca_cert_out, &mut out))
        .map_err(|e| Error::Runtime(format!("the emulator stopped: {e}")))?;
    Ok(ExitCode::SUCCESS)
}

/// Starts the emulator on the given ports and serves until Ctrl-C. With
/// `ca_cert_out`, the Okta side is served over HTTPS and the CA certificate
/// (PEM) is written to that file, named above the banner.
async fn serve(
    config: EmulatorConfig,
    port: u16,
    api_port: u16,
    ca_cert_out: Option<&Path>,
    out: &mut (dyn Write + Send),
) -> std::io::Result<()> {
    let summary = config.clone();
    let emulator = Emulator::start_with(config, port, api_port, ca_cert_out.is_some()).await?;
    if let (Some(path), Some(pem)) = (ca_cert_out, emulator.ca_cert_pem()) {
        // Whole, and never through a link planted at a /tmp path.
        crate::disk::write_whole(path, pem.as_bytes()).map_err(|e| {
            std::io::Error::other(format!(
                "failed to write the CA certificate `{}`: {e}",
                path.display()
            ))
        })?;
        writeln!(out, "CA certificate: {}", path.display())?;
        writeln!(
            out,
            "  trust it: NODE_EXTRA_CA_CERTS / REQUESTS_CA_BUNDLE / SSL_CERT_FILE={}",
            path.display()
        )?;
    }
    serve_until_ctrl_c(emulator, &summary, out).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_config_that_is_a_folder_or_too_large_is_refused_naming_it() {
        let dir = std::env::temp_dir().join(format!("gc-emcfg-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(dir.join("config.yaml")).unwrap();
        let folder = dir.join("config.yaml");
        let err = load_config(Some(&folder)).err().unwrap().to_string();
        assert!(
            err.contains(&format!(
                "emulator config `{}`: is not a regular file (a folder)",
                folder.display()
            )),
            "{err}"
        );
        let big = dir.join("big.yaml");
        std::fs::write(&big, "#".repeat(CONFIG_LIMIT as usize + 1)).unwrap();
        let err = load_config(Some(&big)).err().unwrap().to_string();
        assert!(
            err.contains(&format!(
                "emulator config `{}`: is larger than 4 MiB",
                big.display()
            )),
            "{err}"
        );
        assert!(load_config(None).is_ok());
        std::fs::remove_dir_all(dir).ok();
    }
}
