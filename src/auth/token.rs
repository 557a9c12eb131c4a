//! Tokens and the token endpoint (RFC 6749 section 5), shared by every fixture kind.

use super::client::{LoginClient, Reply};
use super::client_assertion::{ASSERTION_TYPE, ClientKey};
use super::dpop::{DpopKey, USE_DPOP_NONCE};
use super::error::{At, LoginFailure, described};
use crate::secret::mask::Masker;
use reqwest::Url;
use serde::Deserialize;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// Okta's (and Auth0's) grant for answering mfa_required with a code.
pub const MFA_OTP_GRANT: &str = "http://auth0.com/oauth/grant-type/mfa-otp";

/// Auth0's grant (and /co/authenticate credential type) for a password in a connection.
pub const PASSWORD_REALM_GRANT: &str = "http://auth0.com/oauth/grant-type/password-realm";

/// What a login yields.
#[derive(Clone, PartialEq, Eq)]
pub struct Token {
    pub access_token: String,
    pub token_type: String,
    pub expires_at: Option<SystemTime>,
    pub refresh_token: Option<String>,
    pub id_token: Option<String>,
    pub scope: Option<String>,
    /// The key a DPoP-bound token is bound to: every request with the
    /// token carries a fresh proof signed with it.
    pub dpop: Option<Arc<DpopKey>>,
}

impl Token {
    /// The Authorization header value: `DPoP <token>` for a DPoP-bound token.
    pub fn authorization(&self) -> String {
        let scheme = if self.dpop.is_some() {
            "DPoP"
        } else {
            "Bearer"
        };
        format!("{scheme} {}", self.access_token)
    }
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
            .field("dpop", &self.dpop)
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
    /// private_key_jwt: a signed client assertion in the form; `private_key`
    /// is PEM text or a PEM file's path.
    Jwt {
        client_id: &'a str,
        private_key: &'a str,
        key_id: Option<&'a str>,
    },
}

impl ClientAuth<'_> {
    /// Registers the credentials with `masker` in the forms they are sent in.
    pub fn register(&self, masker: &Masker) {
        match *self {
            ClientAuth::Basic { client_id, secret } => masker.add_basic(client_id, secret),
            ClientAuth::Post { secret, .. } => masker.add(secret),
            ClientAuth::Jwt { private_key, .. } if private_key.contains("-----BEGIN") => {
                masker.add(private_key)
            }
            ClientAuth::Public { .. } | ClientAuth::Jwt { .. } => {}
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
    dpop: Option<&DpopKey>,
    masker: &Masker,
) -> Result<Token, LoginFailure> {
    let grant = form.first().map(|(_, g)| g.clone()).unwrap_or_default();
    auth.register(masker);
    let (at, reply) = post(client, url, form, auth, dpop, masker).await?;
    read_token(&reply, &at, auth, &grant, masker, SystemTime::now())
        .map_err(|e| without_proof(e, dpop.is_some()))
}

/// An `invalid_dpop_proof` for a request that carried no proof: the app
/// requires DPoP and the fixture does not ask for it (not a clock problem).
pub fn without_proof(failure: LoginFailure, proof_sent: bool) -> LoginFailure {
    match failure {
        LoginFailure::TokenError {
            at,
            error,
            description,
            ..
        } if error == "invalid_dpop_proof" && !proof_sent => LoginFailure::TokenError {
            at,
            error,
            description,
            hint: "; the app requires DPoP-bound tokens (Require Demonstrating Proof of Possession) and this fixture sends no proof: set `dpop: true` in the fixture, or turn the requirement off for the app".to_owned(),
        },
        other => other,
    }
}

/// POSTs `form` with the client's authentication (and a DPoP proof, sent
/// again with the server's nonce when it asks for one); the answer is not
/// checked. Every assertion and proof is registered with `masker`.
pub async fn post(
    client: &LoginClient,
    url: &Url,
    form: Vec<(&'static str, String)>,
    auth: ClientAuth<'_>,
    dpop: Option<&DpopKey>,
    masker: &Masker,
) -> Result<(At, Reply), LoginFailure> {
    let at = At::new("POST", url);
    let key = match auth {
        ClientAuth::Jwt {
            private_key,
            key_id,
            ..
        } => Some(ClientKey::load(private_key, key_id, masker)?),
        _ => None,
    };
    // A fresh assertion and proof for every request sent, the rate limit's
    // second try included: servers refuse a replayed jti.
    let fresh = || -> Result<Signed, LoginFailure> {
        let form = authenticated_form(form.clone(), auth, key.as_ref(), url, masker)?;
        let proof = dpop
            .map(|dpop| dpop.proof("POST", url, None, SystemTime::now()))
            .transpose()
            .map_err(LoginFailure::Config)?;
        if let Some(proof) = &proof {
            masker.add(proof.as_str());
        }
        Ok((form, proof))
    };
    let mut nonce_retried = false;
    loop {
        // Signing errors surface here; a later signing (that does not fail
        // with a key that signed once) falls back to the unsigned form.
        let first = std::sync::Mutex::new(Some(fresh()?));
        let reply = client
            .send(&at, |c| {
                let taken = first.lock().unwrap_or_else(|e| e.into_inner()).take();
                let (form, proof) = taken
                    .or_else(|| fresh().ok())
                    .unwrap_or_else(|| (form.clone(), None));
                let mut req = c
                    .post(url.clone())
                    .header("accept", "application/json")
                    .form(&form);
                if let Some(proof) = &proof {
                    req = req.header("DPoP", proof);
                }
                match auth {
                    ClientAuth::Basic { client_id, secret } => {
                        req.basic_auth(client_id, Some(secret))
                    }
                    _ => req,
                }
            })
            .await?;
        if let Some(dpop) = dpop
            && !nonce_retried
            && wants_nonce(&reply)
            && dpop.learn_nonce(url, reply.dpop_nonce.as_deref())
        {
            nonce_retried = true;
            continue;
        }
        return Ok((at, reply));
    }
}

/// A token request's form (with its credentials) and DPoP proof.
type Signed = (Vec<(&'static str, String)>, Option<String>);

/// `form` with the client's credentials: its id, secret or a fresh assertion.
fn authenticated_form(
    mut form: Vec<(&'static str, String)>,
    auth: ClientAuth<'_>,
    key: Option<&ClientKey>,
    url: &Url,
    masker: &Masker,
) -> Result<Vec<(&'static str, String)>, LoginFailure> {
    match (auth, key) {
        (ClientAuth::Public { client_id }, _) => form.push(("client_id", client_id.to_owned())),
        (ClientAuth::Post { client_id, secret }, _) => {
            form.push(("client_id", client_id.to_owned()));
            form.push(("client_secret", secret.to_owned()));
        }
        (ClientAuth::Jwt { client_id, .. }, Some(key)) => {
            let assertion = key.assertion(client_id, url.as_str(), SystemTime::now(), masker)?;
            form.push(("client_id", client_id.to_owned()));
            form.push(("client_assertion_type", ASSERTION_TYPE.to_owned()));
            form.push(("client_assertion", assertion));
        }
        (ClientAuth::Basic { .. } | ClientAuth::Jwt { .. }, _) => {}
    }
    Ok(form)
}

/// A `400 {"error":"use_dpop_nonce"}` answer (RFC 9449 §8).
fn wants_nonce(reply: &Reply) -> bool {
    serde_json::from_str::<TokenErrorBody>(&reply.body).is_ok_and(|e| e.error == USE_DPOP_NONCE)
}

/// The token of a 2xx (registered as secrets), else the error (pure).
pub fn read_token(
    reply: &Reply,
    at: &At,
    auth: ClientAuth<'_>,
    grant: &str,
    masker: &Masker,
    now: SystemTime,
) -> Result<Token, LoginFailure> {
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
        return Err(LoginFailure::protocol(
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
        dpop: None,
    })
}

fn token_error(reply: &Reply, at: &At, auth: ClientAuth<'_>, grant: &str) -> LoginFailure {
    match serde_json::from_str::<TokenErrorBody>(&reply.body) {
        Ok(e) => LoginFailure::TokenError {
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

/// What to change for each token error (RFC 6749 section 5.2 and the codes Okta adds).
pub fn token_hint(error: &str, description: &str, auth: ClientAuth<'_>, grant: &str) -> String {
    let d = description.to_ascii_lowercase();
    let hint = match error {
        "invalid_client" if d.contains("browser") || d.contains("origin") => "an Origin header reached Okta, so it took the request for a browser's; gatecheck sends none: check for a proxy that adds one".to_owned(),
        "invalid_client" if matches!(auth, ClientAuth::Jwt { .. }) => "check private_key and key_id: the app's client authentication must be `Public key / Private key` and its public keys (JWKS) must hold this key's public half with the same kid; also check client_id (OKTA_CLIENT_ID) and this machine's clock".to_owned(),
        "invalid_dpop_proof" if d.contains("missing") => "the server wants a DPoP proof: set `dpop: true` in the fixture".to_owned(),
        "invalid_dpop_proof" => "the server refused the DPoP proof; check this machine's clock (proofs carry the time they were made)".to_owned(),
        "invalid_client" if auth.is_confidential() => "check client_secret (OKTA_CLIENT_SECRET) and client_id (OKTA_CLIENT_ID), and the app's client authentication method".to_owned(),
        "invalid_client" => "check client_id (OKTA_CLIENT_ID); a Web app is a confidential client: set client_secret (OKTA_CLIENT_SECRET)".to_owned(),
        "invalid_grant" if d.contains("pkce") => "the code_verifier does not match the code_challenge sent to /authorize (each login makes a fresh pair)".to_owned(),
        "invalid_grant" if d.contains("redirect") => "redirect_uri must be the same at /authorize and /token".to_owned(),
        "invalid_grant" if grant == "password" => "check the fixture's username / password (OKTA_USERNAME / OKTA_PASSWORD)".to_owned(),
        "invalid_grant" if grant == PASSWORD_REALM_GRANT => "check the fixture's username / password, and realm: the connection the user is in".to_owned(),
        "unauthorized" if d.contains("blocked") => "the user is blocked; unblock it (Auth0: User Management > Users > the user > Unblock) and check the password".to_owned(),
        "invalid_grant" if grant == "refresh_token" => "the refresh token is invalid, expired or already rotated; put a fresh one in the fixture's refresh_token".to_owned(),
        "invalid_grant" if grant == MFA_OTP_GRANT => "check that totp_secret (OKTA_TOTP_SECRET) is the user's TOTP secret and that this machine's clock is right".to_owned(),
        "invalid_grant" if d.contains("expired") || d.contains("invalid") => "the authorization code expired or was already used (codes are one-time and live 300 s)".to_owned(),
        "invalid_request" if d.contains("verifier") || d.contains("pkce") => "the app requires PKCE: the code_verifier must accompany the code".to_owned(),
        "invalid_request" if d.contains("multiple client credentials") => "send the client secret one way only (client_secret_basic or client_secret_post)".to_owned(),
        "unauthorized_client" | "unsupported_grant_type" => format!("allow the grant type `{grant}` for the app (Applications > the app > General > Grant type)"),
        "invalid_scope" => "check scopes (each must exist on the authorization server and be allowed by its access policy)".to_owned(),
        "access_denied" if d.contains("service not found") => "audience is not an API of this tenant; set it to the API's identifier".to_owned(),
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
