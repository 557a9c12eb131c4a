//! The standalone banner: URLs, users and clients, never secrets.

use std::io::Write;

use super::config::{EmulatorConfig, GrantType, UserStatus};
use super::server::Emulator;

/// Writes what a user needs to point fixtures and an API at the emulator.
pub(crate) fn write(
    emulator: &Emulator,
    config: &EmulatorConfig,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    writeln!(out, "gatecheck Okta emulator")?;
    writeln!(out, "  okta_url:  {}", emulator.okta_url())?;
    writeln!(out, "  demo API:  {}", emulator.api_url())?;
    writeln!(out, "  OpenAPI:   {}/openapi.yaml", emulator.api_url())?;
    if config.vulnerable {
        writeln!(
            out,
            "  WARNING: vulnerable: the demo API has planted authorization bugs (docs/openapi.md)"
        )?;
    }
    writeln!(out, "  issuer (org):  {}", emulator.issuer("org"))?;
    writeln!(out, "  jwks (org):    {}", emulator.jwks_url("org"))?;
    for server in &config.auth_servers {
        writeln!(
            out,
            "  issuer ({}):  {}  (aud {})",
            server.id,
            emulator.issuer(&server.id),
            server.audience
        )?;
        writeln!(
            out,
            "  jwks ({}):    {}",
            server.id,
            emulator.jwks_url(&server.id)
        )?;
    }
    let pool = super::cognito_pool::COGNITO_POOL_ID;
    writeln!(
        out,
        "  cognito pool:   {pool}  (endpoint {okta}, issuer {okta}/{pool}, managed login {okta}/cognito)",
        okta = emulator.okta_url()
    )?;
    writeln!(out, "users:")?;
    for user in &config.users {
        let groups = user.groups.join(", ");
        writeln!(
            out,
            "  {:<30} {:<22} groups: [{groups}]",
            user.login,
            status_label(user.status, user.totp_secret.is_some())
        )?;
    }
    writeln!(out, "clients:")?;
    for client in &config.clients {
        let kind = if client.client_secret.is_some() {
            "confidential"
        } else {
            "public (PKCE)"
        };
        let grants: Vec<&str> = client.grant_types.iter().map(|g| grant_label(*g)).collect();
        writeln!(
            out,
            "  {:<30} {:<22} grants: [{}]",
            client.client_id,
            kind,
            grants.join(", ")
        )?;
    }
    if let Some(tenant) = &config.auth0 {
        write_auth0(emulator, tenant, out)?;
    }
    writeln!(out, "press Ctrl-C to stop")
}

/// The Auth0 tenant: its domain (an auth0 fixture's `domain`), users and apps.
fn write_auth0(
    emulator: &Emulator,
    tenant: &super::auth0_config::Auth0TenantConfig,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    writeln!(out, "auth0 tenant:")?;
    writeln!(out, "  domain:  {}/auth0", emulator.okta_url())?;
    writeln!(out, "  issuer:  {}/auth0/", emulator.okta_url())?;
    writeln!(out, "  connection: {}", tenant.connection)?;
    for api in &tenant.apis {
        writeln!(
            out,
            "  api:     {}  [{}]",
            api.identifier,
            api.scopes.join(", ")
        )?;
    }
    for user in &tenant.users {
        let state = match (user.blocked, user.totp_secret.is_some()) {
            (true, _) => "blocked",
            (false, true) => "mfa (TOTP)",
            (false, false) => "active",
        };
        writeln!(out, "  user {:<30} {state}", user.email)?;
    }
    for client in &tenant.clients {
        let kind = match client.client_secret {
            Some(_) => "confidential",
            None => "public (PKCE)",
        };
        let co = match client.cross_origin_authentication {
            true => "cross-origin auth on",
            false => "cross-origin auth off",
        };
        writeln!(out, "  app  {:<30} {kind}, {co}", client.client_id)?;
    }
    Ok(())
}

fn status_label(status: UserStatus, totp: bool) -> &'static str {
    match status {
        UserStatus::Active if totp => "MFA_REQUIRED (TOTP)",
        UserStatus::Active => "SUCCESS",
        UserStatus::PasswordWarn => "PASSWORD_WARN",
        UserStatus::PasswordExpired => "PASSWORD_EXPIRED",
        UserStatus::LockedOut => "LOCKED_OUT",
        UserStatus::MfaEnroll => "MFA_ENROLL (skippable)",
        UserStatus::MfaEnrollRequired => "MFA_ENROLL (required)",
    }
}

fn grant_label(grant: GrantType) -> &'static str {
    match grant {
        GrantType::AuthorizationCode => "authorization_code",
        GrantType::RefreshToken => "refresh_token",
        GrantType::ClientCredentials => "client_credentials",
        GrantType::Password => "password",
        GrantType::InteractionCode => "interaction_code",
    }
}
