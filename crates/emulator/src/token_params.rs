//! The parameters of a token request, shared by /token, its grants and
//! the interaction_code grant.

use std::collections::HashMap;

use super::config::GrantType;
use super::oauth_error::OAuthError;
use super::pkce;

pub(crate) type Params = HashMap<String, String>;

/// The grant_type of the second step of a password login with MFA.
pub(crate) const MFA_OTP_GRANT: &str = "http://auth0.com/oauth/grant-type/mfa-otp";

/// The grant type a grant_type parameter needs on the client.
pub(crate) fn required_grant(grant_type: &str) -> Option<GrantType> {
    match grant_type {
        "authorization_code" => Some(GrantType::AuthorizationCode),
        "refresh_token" => Some(GrantType::RefreshToken),
        "client_credentials" => Some(GrantType::ClientCredentials),
        "password" | MFA_OTP_GRANT => Some(GrantType::Password),
        "interaction_code" => Some(GrantType::InteractionCode),
        _ => None,
    }
}

/// PKCE at the token endpoint.
pub(crate) fn check_verifier(
    challenge: Option<&str>,
    verifier: Option<&String>,
) -> Result<(), OAuthError> {
    let verifier = verifier.filter(|v| !v.is_empty());
    match (challenge, verifier) {
        (None, None) => Ok(()),
        (Some(_), None) => Err(OAuthError::invalid_request(
            "PKCE code verifier is required by the application.",
        )),
        (Some(challenge), Some(verifier)) if pkce::verify(verifier, challenge) => Ok(()),
        _ => Err(OAuthError::invalid_grant("PKCE verification failed.")),
    }
}

pub(crate) fn param<'a>(params: &'a Params, name: &str) -> Result<&'a str, OAuthError> {
    params
        .get(name)
        .map(String::as_str)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| OAuthError::invalid_request(format!("The '{name}' parameter is required.")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mfa_otp_needs_the_password_grant() {
        assert_eq!(required_grant(MFA_OTP_GRANT), Some(GrantType::Password));
        assert_eq!(required_grant("implicit"), None);
    }
}
