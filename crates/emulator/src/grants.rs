//! The grants of /token: authorization_code, refresh_token,
//! client_credentials, password and mfa-otp.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::config::{ClientConfig, GrantType, UserStatus};
use super::ids::{epoch_secs, random_token};
use super::issue::{token_response, wants_refresh};
use super::oauth_error::OAuthError;
use super::scopes::{self, OIDC_SCOPES};
use super::state::{Grant, ServerView, Session, Shared};
pub(crate) use super::token_params::MFA_OTP_GRANT;
use super::token_params::{Params, check_verifier, param, required_grant};
use super::totp;

const CODE_INVALID: &str = "The authorization code is invalid or has expired.";
const REFRESH_INVALID: &str = "The refresh token is invalid or expired.";
const BAD_CREDENTIALS: &str = "The credentials provided were invalid.";
const MFA_TOKEN_INVALID: &str = "The mfa_token is invalid or has expired.";

type GrantResult = Result<Response, OAuthError>;

/// Runs the grant named by grant_type for an authenticated client.
pub(crate) fn run(
    shared: &Shared,
    server: &ServerView,
    client: &ClientConfig,
    params: &Params,
    jkt: Option<&str>,
) -> GrantResult {
    let grant_type = param(params, "grant_type")?;
    let Some(needed) = required_grant(grant_type) else {
        return Err(OAuthError::new(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "The authorization grant type is not supported by the authorization server. Configured grant types: [authorization_code, refresh_token, client_credentials, password, interaction_code].",
        ));
    };
    if !client.grant_types.contains(&needed) {
        return Err(OAuthError::unauthorized_client(&configured(client)));
    }
    let ctx = Ctx {
        shared,
        server,
        client,
        params,
        jkt,
    };
    match grant_type {
        "authorization_code" => ctx.authorization_code(),
        "refresh_token" => ctx.refresh_token(),
        "client_credentials" => ctx.client_credentials(),
        "password" => ctx.password(),
        "interaction_code" => super::idx::grant::interaction_code(shared, server, client, params),
        _ => ctx.mfa_otp(),
    }
}

struct Ctx<'a> {
    shared: &'a Shared,
    server: &'a ServerView,
    client: &'a ClientConfig,
    params: &'a Params,
    /// The DPoP key to bind the tokens to (`cnf.jkt`).
    jkt: Option<&'a str>,
}

impl Ctx<'_> {
    fn authorization_code(&self) -> GrantResult {
        let code = param(self.params, "code")?;
        let binding = self
            .shared
            .codes
            .take(code)
            .ok_or_else(|| OAuthError::invalid_grant(CODE_INVALID))?;
        if binding.grant.client_id != self.client.client_id
            || binding.grant.server != self.server.id
        {
            return Err(OAuthError::invalid_grant(CODE_INVALID));
        }
        if self.params.get("redirect_uri") != Some(&binding.redirect_uri) {
            let description = "The 'redirect_uri' does not match the redirection URI used in the authorization request.";
            return Err(OAuthError::invalid_grant(description));
        }
        if let Some(verifier) = self.params.get("code_verifier") {
            self.shared.remember(verifier);
        }
        check_verifier(
            binding.challenge.as_deref(),
            self.params.get("code_verifier"),
        )?;
        self.issue(&binding.grant)
    }

    fn refresh_token(&self) -> GrantResult {
        let token = param(self.params, "refresh_token")?;
        let original = self
            .shared
            .refresh_tokens
            .get(token)
            .ok_or_else(|| OAuthError::invalid_grant(REFRESH_INVALID))?;
        if original.client_id != self.client.client_id || original.server != self.server.id {
            return Err(OAuthError::invalid_grant(REFRESH_INVALID));
        }
        let mut narrowed = original.clone();
        if let Some(scope) = self.params.get("scope").filter(|s| !s.trim().is_empty()) {
            narrowed.scopes = scopes::parse(scope);
            if narrowed.scopes.iter().any(|s| !original.scopes.contains(s)) {
                return Err(OAuthError::invalid_scope(
                    "The requested scope is invalid, unknown, or malformed.",
                ));
            }
        }
        self.shared
            .refresh_tokens
            .take(token)
            .ok_or_else(|| OAuthError::invalid_grant(REFRESH_INVALID))?;
        let body = token_response(
            self.shared,
            self.server,
            &narrowed,
            Some(&original),
            self.jkt,
        )?;
        Ok(Json(body).into_response())
    }

    fn client_credentials(&self) -> GrantResult {
        let Some(scope) = self.params.get("scope").filter(|s| !s.trim().is_empty()) else {
            let description = "The authorization server resource does not have any configured default scopes, 'scope' must be provided.";
            return Err(OAuthError::invalid_scope(description));
        };
        let requested = scopes::parse(scope);
        if let Some(oidc) = requested.iter().find(|s| OIDC_SCOPES.contains(&s.as_str())) {
            let description =
                format!("The '{oidc}' scope is not allowed for the client_credentials grant.");
            return Err(OAuthError::invalid_scope(description));
        }
        scopes::check(&requested, self.server, self.client)?;
        self.issue(&self.grant(None, requested))
    }

    fn password(&self) -> GrantResult {
        let username = param(self.params, "username")?;
        let password = param(self.params, "password")?;
        let requested = scopes::parse(param(self.params, "scope")?);
        scopes::check(&requested, self.server, self.client)?;
        let user = self
            .shared
            .user(username)
            .filter(|u| {
                self.shared.password_matches(u, password) && u.status != UserStatus::LockedOut
            })
            .ok_or_else(|| OAuthError::invalid_grant(BAD_CREDENTIALS))?;
        if user.status == UserStatus::PasswordExpired && !self.shared.password_changed(user) {
            return Err(OAuthError::invalid_grant("The password has expired."));
        }
        if !Shared::is_assigned(self.client, user) {
            return Err(OAuthError::invalid_grant(
                "User is not assigned to the client application.",
            ));
        }
        let session = Session {
            login: user.login.clone(),
            auth_time: epoch_secs(),
            amr: vec!["pwd"],
        };
        let grant = self.grant(Some(session), requested);
        if user.totp_secret.is_none() {
            return self.issue(&grant);
        }
        let mfa_token = random_token("", 43);
        self.shared.remember(&mfa_token);
        self.shared.mfa_tokens.insert(mfa_token.clone(), grant);
        Ok(mfa_required(&mfa_token))
    }

    fn mfa_otp(&self) -> GrantResult {
        let mfa_token = param(self.params, "mfa_token")?;
        let otp = param(self.params, "otp")?;
        let invalid = || OAuthError::invalid_grant(MFA_TOKEN_INVALID);
        let mut grant = self.shared.mfa_tokens.get(mfa_token).ok_or_else(invalid)?;
        if grant.client_id != self.client.client_id || grant.server != self.server.id {
            return Err(invalid());
        }
        let session = grant.session.as_mut().ok_or_else(invalid)?;
        let user = self.shared.user(&session.login).ok_or_else(invalid)?;
        if !totp::verify(user.totp_secret.as_deref().unwrap_or_default(), otp) {
            return Err(OAuthError::invalid_grant(
                "The one-time password is invalid.",
            ));
        }
        self.shared.mfa_tokens.take(mfa_token).ok_or_else(invalid)?;
        session.amr = vec!["pwd", "otp", "mfa"];
        self.issue(&grant)
    }

    fn grant(&self, session: Option<Session>, scopes: Vec<String>) -> Grant {
        Grant {
            server: self.server.id.clone(),
            client_id: self.client.client_id.clone(),
            session,
            scopes,
            nonce: None,
        }
    }

    fn issue(&self, grant: &Grant) -> GrantResult {
        let refresh = wants_refresh(self.client, grant).then_some(grant);
        let body = token_response(self.shared, self.server, grant, refresh, self.jkt)?;
        Ok(Json(body).into_response())
    }
}

fn mfa_required(mfa_token: &str) -> Response {
    let body = json!({
        "error": "mfa_required",
        "error_description": "The resource owner must complete multi-factor authentication.",
        "mfa_token": mfa_token,
    });
    (StatusCode::FORBIDDEN, Json(body)).into_response()
}

fn configured(client: &ClientConfig) -> String {
    let names: Vec<&str> = client
        .grant_types
        .iter()
        .map(|g| match g {
            GrantType::AuthorizationCode => "authorization_code",
            GrantType::RefreshToken => "refresh_token",
            GrantType::ClientCredentials => "client_credentials",
            GrantType::Password => "password",
            GrantType::InteractionCode => "interaction_code",
        })
        .collect();
    names.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pkce;

    #[test]
    fn verifier_rules() {
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk".to_string();
        let challenge = pkce::s256(&verifier);
        assert!(check_verifier(Some(&challenge), Some(&verifier)).is_ok());
        assert_eq!(
            check_verifier(Some(&challenge), None).unwrap_err().error,
            "invalid_request"
        );
        let other = "M25iVXpKU3puUjFaYWg3T1NDTDQtcW1ROUY5YXlwalNoc0hhakxifmZHag".to_string();
        assert_eq!(
            check_verifier(Some(&challenge), Some(&other))
                .unwrap_err()
                .description,
            "PKCE verification failed."
        );
        assert!(check_verifier(None, Some(&verifier)).is_err());
        assert!(check_verifier(None, None).is_ok());
    }
}
