//! Tokens and the token endpoint (OKTA.md §3), shared by every fixture kind.

use super::client::{LoginClient, Reply};
use super::error::{At, Failure, described};
use crate::secret::mask::Masker;
use reqwest::Url;
use serde::Deserialize;
use std::time::{Duration, SystemTime};

/// Okta's (and Auth0's) grant for answering mfa_required with a code.
pub const MFA_OTP_GRANT: &str = "http://auth0.com/oauth/grant-type/mfa-otp";

/// What a login yields.
#[derive(Clone, PartialEq, Eq)]
pub struct Token {
    pub access_token: String,
    pub token_type: String,
    pub expires_at: Option<SystemTime>,
    pub refresh_token: Option<String>,
    pub id_token: Option<String>,
    pub scope: Option<String>,
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let hidden = |s: &Option<String>| s.as_ref().map(|_| "***");
        f.debug_struct("Token")
            .field("access_token", &"***")
            .field("token_type", &self.token_type)
            .field("expires_at", &self.expires_at)
            .field("refresh_token", &hidden(&self.refresh_token))
            .field("id_token", &hidden(&self.id_token))
            .field("scope", &self.scope)
            .finish()
    }
}

/// A successful token answer.
#[derive(Debug, Deserialize)]
struct TokenAnswer {
    access_token: String,
    #[serde(default)]
    token_type: Option<String>,
    #[serde(default)]
    expires_in: Option<u64>,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    id_token: Option<String>,
    #[serde(default)]
    scope: Option<String>,
}

/// `{error, error_description}` of RFC 6749 §5.2.
#[derive(Debug, Deserialize)]
struct TokenErrorBody {
    error: String,
    #[serde(default)]
    error_description: Option<String>,
}

/// How the client authenticates at /token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientAuth<'a> {
    /// A public client: client_id in the form, no secret.
    Public { client_id: &'a str },
    /// client_secret_basic: `Authorization: Basic`, nothing in the form.
    Basic { client_id: &'a str, secret: &'a str },
    /// client_secret_post: client_id and client_secret in the form.
    Post { client_id: &'a str, secret: &'a str },
}

impl ClientAuth<'_> {
    /// Registers the credentials with `masker` in the forms they are sent in.
    pub fn register(&self, masker: &Masker) {
        match *self {
            ClientAuth::Basic { client_id, secret } => masker.add_basic(client_id, secret),
            ClientAuth::Post { secret, .. } => masker.add(secret),
            ClientAuth::Public { .. } => {}
        }
    }

    fn is_confidential(&self) -> bool {
        !matches!(self, ClientAuth::Public { .. })
    }
}

/// POSTs `form` (grant_type first) to the token endpoint and reads the token.
pub async fn request(
    client: &LoginClient,
    url: &Url,
    form: Vec<(&'static str, String)>,
    auth: ClientAuth<'_>,
    masker: &Masker,
) -> Result<Token, Failure> {
    let grant = form.first().map(|(_, g)| g.clone()).unwrap_or_default();
    auth.register(masker);
    let (at, reply) = post(client, url, form, auth).await?;
    read_token(&reply, &at, auth, &grant, masker, SystemTime::now())
}

/// POSTs `form` with the client's authentication; the answer is not checked.
pub async fn post(
    client: &LoginClient,
    url: &Url,
    mut form: Vec<(&'static str, String)>,
    auth: ClientAuth<'_>,
) -> Result<(At, Reply), Failure> {
    let at = At::new("POST", url);
    match auth {
        ClientAuth::Public { client_id } => form.push(("client_id", client_id.to_owned())),
        ClientAuth::Post { client_id, secret } => {
            form.push(("client_id", client_id.to_owned()));
            form.push(("client_secret", secret.to_owned()));
        }
        ClientAuth::Basic { .. } => {}
    }
    let reply = client
        .send(&at, |c| {
            let req = c
                .post(url.clone())
                .header("accept", "application/json")
                .form(&form);
            match auth {
                ClientAuth::Basic { client_id, secret } => req.basic_auth(client_id, Some(secret)),
                _ => req,
            }
        })
        .await?;
    Ok((at, reply))
}

/// The token of a 2xx (registered as secrets), else the error (pure).
pub fn read_token(
    reply: &Reply,
    at: &At,
    auth: ClientAuth<'_>,
    grant: &str,
    masker: &Masker,
    now: SystemTime,
) -> Result<Token, Failure> {
    if !(200..300).contains(&reply.status) {
        return Err(token_error(reply, at, auth, grant));
    }
    let answer: TokenAnswer = reply.json(at)?;
    for secret in [
        Some(&answer.access_token),
        answer.refresh_token.as_ref(),
        answer.id_token.as_ref(),
    ]
    .into_iter()
    .flatten()
    {
        masker.add(secret.as_str());
    }
    if answer.access_token.is_empty() {
        return Err(Failure::protocol(
            at,
            "a token answer with an empty access_token",
        ));
    }
    Ok(Token {
        access_token: answer.access_token,
        token_type: answer.token_type.unwrap_or_else(|| "Bearer".to_owned()),
        expires_at: answer.expires_in.map(|s| now + Duration::from_secs(s)),
        refresh_token: answer.refresh_token,
        id_token: answer.id_token,
        scope: answer.scope,
    })
}

fn token_error(reply: &Reply, at: &At, auth: ClientAuth<'_>, grant: &str) -> Failure {
    match serde_json::from_str::<TokenErrorBody>(&reply.body) {
        Ok(e) => Failure::TokenError {
            at: at.clone(),
            hint: token_hint(
                &e.error,
                e.error_description.as_deref().unwrap_or_default(),
                auth,
                grant,
            ),
            description: described(e.error_description.as_deref()),
            error: e.error,
        },
        Err(_) => super::okta_api::api_error(reply, at),
    }
}

/// What to change for each token error (OKTA.md §3, §6).
pub fn token_hint(error: &str, description: &str, auth: ClientAuth<'_>, grant: &str) -> String {
    let d = description.to_ascii_lowercase();
    let hint = match error {
        "invalid_client" if d.contains("browser") || d.contains("origin") => "an Origin header reached Okta, so it took the request for a browser's; gatecheck sends none: check for a proxy that adds one".to_owned(),
        "invalid_client" if auth.is_confidential() => "check client_secret (OKTA_CLIENT_SECRET) and client_id (OKTA_CLIENT_ID), and the app's client authentication method".to_owned(),
        "invalid_client" => "check client_id (OKTA_CLIENT_ID); a Web app is a confidential client: set client_secret (OKTA_CLIENT_SECRET)".to_owned(),
        "invalid_grant" if d.contains("pkce") => "the code_verifier does not match the code_challenge sent to /authorize (each login makes a fresh pair)".to_owned(),
        "invalid_grant" if d.contains("redirect") => "redirect_uri must be the same at /authorize and /token".to_owned(),
        "invalid_grant" if grant == "password" => "check the fixture's username / password (OKTA_USERNAME / OKTA_PASSWORD)".to_owned(),
        "invalid_grant" if grant == "refresh_token" => "the refresh token is invalid, expired or already rotated; put a fresh one in the fixture's refresh_token".to_owned(),
        "invalid_grant" if grant == MFA_OTP_GRANT => "check that totp_secret (OKTA_TOTP_SECRET) is the user's TOTP secret and that this machine's clock is right".to_owned(),
        "invalid_grant" if d.contains("expired") || d.contains("invalid") => "the authorization code expired or was already used (codes are one-time and live 300 s)".to_owned(),
        "invalid_request" if d.contains("verifier") || d.contains("pkce") => "the app requires PKCE: the code_verifier must accompany the code".to_owned(),
        "invalid_request" if d.contains("multiple client credentials") => "send the client secret one way only (client_secret_basic or client_secret_post)".to_owned(),
        "unauthorized_client" | "unsupported_grant_type" => format!("allow the grant type `{grant}` for the app (Applications > the app > General > Grant type)"),
        "invalid_scope" => "check scopes (each must exist on the authorization server and be allowed by its access policy)".to_owned(),
        "access_denied" => "check the authorization server's access policy rules for this client and grant type".to_owned(),
        _ => String::new(),
    };
    if hint.is_empty() {
        hint
    } else {
        format!("; {hint}")
    }
}

#[cfg(test)]
#[path = "token_tests.rs"]
mod tests;
