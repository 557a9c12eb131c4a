//! Semantic checks of an `EmulatorConfig`: every error names its key path.

use std::collections::HashSet;

use super::config::{ClientConfig, ConfigError, EmulatorConfig, GrantType, UserConfig};

impl EmulatorConfig {
    /// Checks references between users, groups, clients and servers.
    pub fn validate(&self) -> Result<(), ConfigError> {
        validate(self).map_err(ConfigError::Invalid)
    }
}

/// Returns every problem found, joined by "; ".
pub(crate) fn validate(config: &EmulatorConfig) -> Result<(), String> {
    let mut errors = Vec::new();
    let groups: HashSet<&str> = config.groups.iter().map(String::as_str).collect();
    check_unique(
        config.users.iter().map(|u| u.login.as_str()),
        "users",
        "login",
        &mut errors,
    );
    check_unique(
        config.clients.iter().map(|c| c.client_id.as_str()),
        "clients",
        "client_id",
        &mut errors,
    );
    check_unique(
        config.auth_servers.iter().map(|s| s.id.as_str()),
        "auth_servers",
        "id",
        &mut errors,
    );
    for (i, user) in config.users.iter().enumerate() {
        check_user(i, user, &groups, &mut errors);
    }
    for (i, client) in config.clients.iter().enumerate() {
        check_client(i, client, &groups, &mut errors);
    }
    for (i, server) in config.auth_servers.iter().enumerate() {
        if server.id == "org" || !is_path_safe(&server.id) {
            errors.push(format!(
                "auth_servers[{i}].id: `{}` is reserved or not a plain path segment",
                server.id
            ));
        }
    }
    check_rate_limit(config, &mut errors);
    if let Some(tenant) = &config.auth0 {
        tenant.check(&mut errors);
    }
    for (i, origin) in config.trusted_origins.iter().enumerate() {
        if !is_origin(origin) {
            errors.push(format!(
                "trusted_origins[{i}]: `{origin}` is not an origin; write scheme://host[:port] with no path, e.g. http://localhost:3000"
            ));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.join("; "))
    }
}

fn check_unique<'a>(
    names: impl Iterator<Item = &'a str>,
    list: &str,
    key: &str,
    errors: &mut Vec<String>,
) {
    let mut seen = HashSet::new();
    for (i, name) in names.enumerate() {
        if name.is_empty() {
            errors.push(format!("{list}[{i}].{key}: must not be empty"));
        } else if !seen.insert(name) {
            errors.push(format!("{list}[{i}].{key}: duplicate `{name}`"));
        }
    }
}

fn check_user(i: usize, user: &UserConfig, groups: &HashSet<&str>, errors: &mut Vec<String>) {
    for group in &user.groups {
        if !groups.contains(group.as_str()) {
            errors.push(format!(
                "users[{i}].groups: unknown group `{group}` (declare it under `groups`)"
            ));
        }
    }
    if let Some(secret) = &user.totp_secret
        && super::totp::decode_secret(secret).is_none()
    {
        errors.push(format!("users[{i}].totp_secret: not a base32 secret"));
    }
}

fn check_client(i: usize, client: &ClientConfig, groups: &HashSet<&str>, errors: &mut Vec<String>) {
    for group in client.assigned_groups.iter().flatten() {
        if !groups.contains(group.as_str()) {
            errors.push(format!(
                "clients[{i}].assigned_groups: unknown group `{group}`"
            ));
        }
    }
    let public = client.client_secret.is_none() && client.jwks.is_none();
    if let Some(jwks) = &client.jwks
        && let Err(e) = serde_json::from_value::<jsonwebtoken::jwk::JwkSet>(jwks.clone())
    {
        errors.push(format!(
            "clients[{i}].jwks: not a JWK Set ({e}); write {{keys: [{{kty: EC, crv: P-256, kid: ..., x: ..., y: ...}}]}}"
        ));
    }
    if client.jwks.is_some() && client.client_secret.is_some() {
        errors.push(format!(
            "clients[{i}]: set client_secret or jwks (private_key_jwt), not both"
        ));
    }
    if public
        && client
            .grant_types
            .iter()
            .any(|g| matches!(g, GrantType::ClientCredentials | GrantType::Password))
    {
        errors.push(format!("clients[{i}].grant_types: a public client (no client_secret or jwks) cannot use client_credentials or password"));
    }
    for grant in [GrantType::AuthorizationCode, GrantType::InteractionCode] {
        if client.grant_types.contains(&grant) && client.redirect_uris.is_empty() {
            let name = if grant == GrantType::AuthorizationCode {
                "authorization_code"
            } else {
                "interaction_code"
            };
            errors.push(format!(
                "clients[{i}].redirect_uris: {name} needs at least one redirect URI"
            ));
        }
    }
}

fn check_rate_limit(config: &EmulatorConfig, errors: &mut Vec<String>) {
    if let Some(limit) = &config.rate_limit
        && limit.window_secs == 0
    {
        errors.push("rate_limit.window_secs: must be at least 1".to_string());
    }
    if config.access_token_lifetime_secs == 0 {
        errors.push("access_token_lifetime_secs: must be at least 1".to_string());
    }
}

/// scheme://host[:port], exactly as a browser sends it in `Origin`.
fn is_origin(text: &str) -> bool {
    url::Url::parse(text)
        .is_ok_and(|url| url.has_host() && url.origin().ascii_serialization() == text)
}

fn is_path_safe(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

#[cfg(test)]
mod tests {
    use super::super::config::{ConfigError, EmulatorConfig};

    fn invalid(text: &str) -> String {
        match EmulatorConfig::from_yaml(text) {
            Err(ConfigError::Invalid(message)) => message,
            other => panic!("expected a semantic error, got {other:?}"),
        }
    }

    #[test]
    fn unknown_group_is_named_with_its_path() {
        let message = invalid("users:\n  - {login: a, password: b, groups: [admins]}\n");
        assert_eq!(
            message,
            "users[0].groups: unknown group `admins` (declare it under `groups`)"
        );
    }

    #[test]
    fn all_errors_are_reported_together() {
        let text = "users:\n  - {login: a, password: b}\n  - {login: a, password: b, totp_secret: '!!'}\nclients:\n  - {client_id: spa, grant_types: [password]}\n";
        let message = invalid(text);
        assert!(
            message.contains("users[1].login: duplicate `a`"),
            "{message}"
        );
        assert!(message.contains("users[1].totp_secret"), "{message}");
        assert!(message.contains("clients[0].grant_types"), "{message}");
    }

    #[test]
    fn trusted_origins_must_be_origins() {
        let message = invalid(
            "trusted_origins: [http://localhost:3000, 'http://localhost:3000/', app.example]\n",
        );
        assert!(!message.contains("trusted_origins[0]"), "{message}");
        assert!(
            message.contains("trusted_origins[1]: `http://localhost:3000/` is not an origin"),
            "{message}"
        );
        assert!(message.contains("trusted_origins[2]"), "{message}");
    }

    #[test]
    fn org_is_reserved() {
        let message = invalid("auth_servers:\n  - {id: org, audience: x, scopes: [openid]}\n");
        assert!(message.starts_with("auth_servers[0].id"), "{message}");
    }
}
