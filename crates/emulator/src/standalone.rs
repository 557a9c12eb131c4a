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
    let summary = config.clone();
    let emulator = Emulator::start_with(config, okta_port, api_port, false).await?;
    serve_until_ctrl_c(emulator, &summary, out).await
}

/// The second half of [`run_standalone`], for an emulator already started
/// (with `config`): prints its banner to `out`, serves until Ctrl-C, then
/// stops it. A caller that starts it over HTTPS writes the CA certificate
/// (`Emulator::ca_cert_pem`) where its user wants it first.
pub async fn serve_until_ctrl_c(
    emulator: Emulator,
    config: &EmulatorConfig,
    out: &mut (dyn std::io::Write + Send),
) -> std::io::Result<()> {
    super::banner::write(&emulator, config, out)?;
    out.flush()?;
    tokio::signal::ctrl_c().await?;
    writeln!(out, "stopping the emulator")?;
    emulator.shutdown().await;
    Ok(())
}
