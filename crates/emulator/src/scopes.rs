//! Scope parsing and checks shared by /authorize and /token.

use super::config::ClientConfig;
use super::oauth_error::OAuthError;
use super::state::ServerView;

pub(crate) use super::consts::OIDC_SCOPES;

pub(crate) const NOT_CONFIGURED: &str =
    "One or more scopes are not configured for the authorization server resource.";

/// Splits a space-separated scope parameter, dropping duplicates.
pub(crate) fn parse(scope: &str) -> Vec<String> {
    let mut scopes: Vec<String> = Vec::new();
    for scope in scope.split_whitespace() {
        if !scopes.iter().any(|s| s == scope) {
            scopes.push(scope.to_string());
        }
    }
    scopes
}

/// Every scope must exist on the server and, when the client lists scopes,
/// custom scopes must be among them.
pub(crate) fn check(
    requested: &[String],
    server: &ServerView,
    client: &ClientConfig,
) -> Result<(), OAuthError> {
    for scope in requested {
        let on_server = server.scopes.contains(scope);
        let for_client = OIDC_SCOPES.contains(&scope.as_str())
            || client
                .scopes
                .as_ref()
                .is_none_or(|allowed| allowed.contains(scope));
        if !on_server || !for_client {
            return Err(OAuthError::invalid_scope(NOT_CONFIGURED));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_dedupes_and_keeps_order() {
        assert_eq!(parse(" openid  profile openid "), vec!["openid", "profile"]);
        assert!(parse("").is_empty());
    }
}
