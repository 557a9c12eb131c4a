//! The built-in default users, groups and clients (see builtin.yaml).

use super::config::EmulatorConfig;

const BUILTIN_YAML: &str = include_str!("builtin.yaml");

impl EmulatorConfig {
    /// The default set: ada, grace (admin), mfa, warn, expired, locked,
    /// enroll, enroll-required, the IDX users (verify, choice, email-mfa,
    /// push-mfa) and unassigned; demo-spa, demo-web, demo-service, demo-cli,
    /// demo-reauth and demo-idx-first clients; the `default` server.
    pub fn builtin() -> Self {
        // The file is compiled in and covered by a test: it always parses.
        EmulatorConfig::from_yaml(BUILTIN_YAML).unwrap_or_else(|err| unreachable!("{err}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::UserStatus;

    #[test]
    fn builtin_parses_and_has_the_documented_users() {
        let config = EmulatorConfig::from_yaml(BUILTIN_YAML).unwrap();
        let logins: Vec<&str> = config.users.iter().map(|u| u.login.as_str()).collect();
        assert!(logins.contains(&"ada@example.com"));
        assert!(logins.contains(&"unassigned@example.com"));
        let warn = config
            .users
            .iter()
            .find(|u| u.login == "warn@example.com")
            .unwrap();
        assert_eq!(warn.status, UserStatus::PasswordWarn);
        assert_eq!(config.clients.len(), 6);
    }

    #[test]
    fn example_file_parses() {
        let text = include_str!("../../../emulator.example.yaml");
        EmulatorConfig::from_yaml(text).unwrap();
    }
}
