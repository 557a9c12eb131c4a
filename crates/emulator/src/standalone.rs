//! `gatecheck emulator`: the emulator on fixed ports, its banner printed,
//! until Ctrl-C.

use super::config::EmulatorConfig;
use super::server::Emulator;

/// Prints issuer(s), JWKS URL and demo API URL (and the users/clients
/// summary, no passwords) to `out`, then serves until Ctrl-C.
pub async fn run_standalone(
    config: EmulatorConfig,
    okta_port: u16,
    api_port: u16,
    out: &mut (dyn std::io::Write + Send),
) -> std::io::Result<()> {
    run_standalone_with(config, okta_port, api_port, None, out).await
}

/// Same; with `ca_cert_out`, serves the Okta side over HTTPS and writes
/// the CA certificate (PEM) to that file, naming it in the banner.
pub async fn run_standalone_with(
    config: EmulatorConfig,
    okta_port: u16,
    api_port: u16,
    ca_cert_out: Option<&std::path::Path>,
    out: &mut (dyn std::io::Write + Send),
) -> std::io::Result<()> {
    let summary = config.clone();
    let tls = ca_cert_out.is_some();
    let emulator = Emulator::start_with(config, okta_port, api_port, tls).await?;
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
    super::banner::write(&emulator, &summary, out)?;
    out.flush()?;
    tokio::signal::ctrl_c().await?;
    writeln!(out, "stopping the emulator")?;
    emulator.shutdown().await;
    Ok(())
}
