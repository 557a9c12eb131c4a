//! `kind: cognito`: an Amazon Cognito user pool's sign-in API, headless.
//! `InitiateAuth` (`USER_SRP_AUTH` or `USER_PASSWORD_AUTH`), then
//! `RespondToAuthChallenge` for each challenge the pool asks: the SRP
//! password proof (`PASSWORD_VERIFIER`, see `gatecheck_login_crypto::srp`),
//! a TOTP code (`SOFTWARE_TOKEN_MFA`, `SELECT_MFA_TYPE`). Every other challenge and
//! every Cognito exception ends the login with what to change
//! (`cognito_advice`). Requests are JSON 1.1 POSTs to the pool's regional
//! endpoint with `X-Amz-Target`; they need no AWS credentials.

use super::client::{LoginClient, Reply};
use super::cognito_advice::{challenge_stop, exception};
use super::cognito_kind::{CognitoAuthFlow, CognitoFixture, CognitoFlow, CognitoToken};
use super::error::{At, LoginFailure, excerpt};
use super::fixture::DEMO;
use super::okta_api::parse_url;
use super::token::Token;
use super::totp;
use crate::secret::mask::Masker;
use gatecheck_login_crypto::srp::{self, BigUint};
use rand::Rng as _;
use reqwest::Url;
use serde::Deserialize;
use serde_json::{Map, Value, json};
use std::time::{Duration, SystemTime};

const TARGET_PREFIX: &str = "AWSCognitoIdentityProviderService.";
const CONTENT_TYPE: &str = "application/x-amz-json-1.1";
/// Most challenges one sign-in answers (password proof, MFA choice, MFA).
const MAX_CHALLENGES: usize = 4;

/// Logs in once: a fresh SRP private value every time.
pub async fn login(
    f: &CognitoFixture,
    client: &LoginClient,
    masker: &Masker,
) -> Result<Token, LoginFailure> {
    if f.uses_demo(DEMO) {
        return Err(LoginFailure::Config(
            "endpoint or domain is `demo` but the built-in emulator was not started".to_owned(),
        ));
    }
    if f.flow == CognitoFlow::Hosted {
        return super::cognito_hosted::login(f, client, masker).await;
    }
    let url = parse_url("endpoint", &format!("{}/", f.endpoint_url()))?;
    let api = Api {
        url,
        client,
        masker,
    };
    let mut state = SignIn {
        f,
        username: f.username.clone(),
        a: None,
        masker,
    };
    let mut answer = api
        .call("InitiateAuth", state.initiate())
        .await
        .map_err(|e| e.into_failure(f))?;
    for _ in 0..MAX_CHALLENGES {
        if let Some(result) = answer.value.get("AuthenticationResult") {
            return token(f, result, &answer.at, masker);
        }
        let challenge: Challenge = serde_json::from_value(answer.value.clone()).map_err(|_| {
            LoginFailure::protocol(
                &answer.at,
                format!(
                    "neither AuthenticationResult nor ChallengeName in the answer; its keys: {}",
                    keys(&answer.value)
                ),
            )
        })?;
        if let Some(session) = &challenge.session {
            masker.add(session.as_str());
        }
        let responses = state.respond(&challenge, &answer.at)?;
        let mut body = json!({
            "ChallengeName": challenge.name,
            "ClientId": f.client_id,
            "ChallengeResponses": responses,
        });
        if let Some(session) = challenge.session {
            body["Session"] = Value::String(session);
        }
        answer = api
            .call("RespondToAuthChallenge", body)
            .await
            .map_err(|e| e.into_failure(f))?;
    }
    Err(LoginFailure::protocol(
        &answer.at,
        format!("Cognito asked more than {MAX_CHALLENGES} challenges in a row"),
    ))
}

/// A fresh token for an expiring one: InitiateAuth with REFRESH_TOKEN_AUTH
/// (SECRET_HASH over Cognito's name for the user, read from the old tokens).
pub async fn refresh(
    f: &CognitoFixture,
    client: &LoginClient,
    refresh_token: &str,
    old: &Token,
    masker: &Masker,
) -> Result<Token, LoginFailure> {
    let url = parse_url("endpoint", &format!("{}/", f.endpoint_url()))?;
    let api = Api {
        url,
        client,
        masker,
    };
    let mut params = Map::new();
    params.insert("REFRESH_TOKEN".into(), refresh_token.into());
    if let Some(secret) = &f.client_secret {
        let name = cognito_username(old).unwrap_or_else(|| f.username.clone());
        let hash = srp::secret_hash(&name, &f.client_id, secret);
        masker.add(hash.as_str());
        params.insert("SECRET_HASH".into(), hash.into());
    }
    let body = json!({
        "AuthFlow": "REFRESH_TOKEN_AUTH",
        "ClientId": f.client_id,
        "AuthParameters": params,
    });
    let answer = api
        .call("InitiateAuth", body)
        .await
        .map_err(|e| e.into_failure(f))?;
    let result = answer.value.get("AuthenticationResult").ok_or_else(|| {
        LoginFailure::protocol(
            &answer.at,
            "a refresh answered without AuthenticationResult",
        )
    })?;
    token(f, result, &answer.at, masker)
}

/// Cognito's name for the user (`username` of the access token,
/// `cognito:username` of the ID token), read without verifying.
fn cognito_username(old: &Token) -> Option<String> {
    use base64::Engine as _;
    [Some(&old.access_token), old.id_token.as_ref()]
        .into_iter()
        .flatten()
        .find_map(|jwt| {
            let payload = jwt.split('.').nth(1)?;
            let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(payload)
                .ok()?;
            let claims: Value = serde_json::from_slice(&bytes).ok()?;
            ["username", "cognito:username"]
                .iter()
                .find_map(|k| claims.get(*k).and_then(Value::as_str))
                .map(str::to_owned)
        })
}

/// One answer of the API, where it came from.
struct Answer {
    at: At,
    value: Value,
}

/// An exception of the API: its name (`__type`) and message.
struct Exception {
    at: At,
    status: u16,
    name: String,
    message: String,
}

/// A call that failed: an exception Cognito named, or anything else.
enum CallError {
    Exception(Exception),
    Other(LoginFailure),
}

impl CallError {
    fn into_failure(self, f: &CognitoFixture) -> LoginFailure {
        match self {
            CallError::Exception(e) => exception(f, e.at, e.status, &e.name, &e.message),
            CallError::Other(failure) => failure,
        }
    }
}

impl From<LoginFailure> for CallError {
    fn from(failure: LoginFailure) -> Self {
        CallError::Other(failure)
    }
}

struct Api<'a> {
    url: Url,
    client: &'a LoginClient,
    masker: &'a Masker,
}

impl Api<'_> {
    /// POSTs `body` to the action; a 2xx answer's JSON, else its exception.
    async fn call(&self, action: &'static str, body: Value) -> Result<Answer, CallError> {
        let mut at = At::new("POST", &self.url);
        at.url = format!("{} ({action})", at.url);
        let text = body.to_string();
        let reply = self
            .client
            .send(&at, |c| {
                c.post(self.url.clone())
                    .header("X-Amz-Target", format!("{TARGET_PREFIX}{action}"))
                    .header("Content-Type", CONTENT_TYPE)
                    .header("Accept", "application/json")
                    .body(text.clone())
            })
            .await?;
        let value = serde_json::from_str::<Value>(&reply.body).ok();
        if (200..300).contains(&reply.status) {
            return match value {
                Some(value @ Value::Object(_)) => {
                    register_secrets(&value, self.masker);
                    Ok(Answer { at, value })
                }
                _ => Err(not_cognito(&reply, &at).into()),
            };
        }
        match value.as_ref().and_then(exception_of) {
            Some((name, message)) => Err(CallError::Exception(Exception {
                at,
                status: reply.status,
                name,
                message,
            })),
            None => Err(not_cognito(&reply, &at).into()),
        }
    }
}

/// `__type` (without a `namespace#` prefix) and `message` of an error body.
fn exception_of(value: &Value) -> Option<(String, String)> {
    let name = value.get("__type")?.as_str()?;
    let name = name.rsplit_once('#').map_or(name, |(_, n)| n);
    let message = ["message", "Message"]
        .iter()
        .find_map(|key| value.get(*key).and_then(Value::as_str))
        .unwrap_or_default();
    Some((name.to_owned(), message.to_owned()))
}

/// An answer that is not the Cognito API's: a wrong endpoint, a proxy.
fn not_cognito(reply: &Reply, at: &At) -> LoginFailure {
    let kind = match reply.content_type.split(';').next().map(str::trim) {
        Some(ct) if !ct.is_empty() => ct.to_owned(),
        _ => "a body without Content-Type".to_owned(),
    };
    let body = match serde_json::from_str::<Value>(&reply.body) {
        Ok(value) => format!("JSON with the keys {}", keys(&value)),
        Err(_) => excerpt(&reply.body),
    };
    LoginFailure::protocol(
        at,
        format!(
            "an answer that is not the Cognito API's ({} {kind}: {body}); check the fixture's \
             endpoint / region / user_pool_id",
            reply.status
        ),
    )
}

fn keys(value: &Value) -> String {
    match value.as_object() {
        Some(map) if !map.is_empty() => map.keys().cloned().collect::<Vec<_>>().join(", "),
        _ => "none".to_owned(),
    }
}

/// Masks what an answer carries that must not be shown: tokens, sessions,
/// secret blocks.
fn register_secrets(value: &Value, masker: &Masker) {
    if let Some(result) = value.get("AuthenticationResult") {
        for key in ["AccessToken", "IdToken", "RefreshToken"] {
            if let Some(token) = result.get(key).and_then(Value::as_str) {
                masker.add(token);
            }
        }
    }
    if let Some(session) = value.get("Session").and_then(Value::as_str) {
        masker.add(session);
    }
    let block = value
        .get("ChallengeParameters")
        .and_then(|p| p.get("SECRET_BLOCK"))
        .and_then(Value::as_str);
    if let Some(block) = block {
        masker.add(block);
    }
}

/// A challenge of the sign-in.
#[derive(Debug, Deserialize)]
struct Challenge {
    #[serde(rename = "ChallengeName")]
    name: String,
    #[serde(rename = "ChallengeParameters", default)]
    params: Map<String, Value>,
    #[serde(rename = "Session", default)]
    session: Option<String>,
}

impl Challenge {
    fn param(&self, key: &str) -> Option<&str> {
        self.params.get(key).and_then(Value::as_str)
    }

    fn required(&self, key: &str, at: &At) -> Result<&str, LoginFailure> {
        self.param(key).ok_or_else(|| {
            LoginFailure::protocol(at, format!("the {} challenge lacks {key}", self.name))
        })
    }
}

/// Where one sign-in stands.
struct SignIn<'a> {
    f: &'a CognitoFixture,
    /// The username Cognito knows the user by (its challenges name it).
    username: String,
    /// The SRP private value, with USER_SRP_AUTH.
    a: Option<BigUint>,
    masker: &'a Masker,
}

impl SignIn<'_> {
    /// The InitiateAuth request.
    fn initiate(&mut self) -> Value {
        let f = self.f;
        let mut params = Map::new();
        params.insert("USERNAME".into(), f.username.clone().into());
        match f.auth_flow {
            CognitoAuthFlow::UserSrpAuth => {
                let mut random = [0u8; srp::PRIVATE_BYTES];
                rand::rng().fill(&mut random[..]);
                let a = srp::private_value(&random);
                // A is zero only for a = 0 mod the group's order: never in practice.
                let big_a = srp::client_public(&a).unwrap_or_default();
                params.insert("SRP_A".into(), srp::to_hex(&big_a).into());
                self.a = Some(a);
            }
            CognitoAuthFlow::UserPasswordAuth => {
                params.insert("PASSWORD".into(), f.password.clone().into());
            }
        }
        self.add_secret_hash(&mut params);
        json!({
            "AuthFlow": f.auth_flow.name(),
            "ClientId": f.client_id,
            "AuthParameters": params,
        })
    }

    /// SECRET_HASH of the current username, when the client has a secret.
    fn add_secret_hash(&self, params: &mut Map<String, Value>) {
        if let Some(secret) = &self.f.client_secret {
            let hash = srp::secret_hash(&self.username, &self.f.client_id, secret);
            self.masker.add(hash.as_str());
            params.insert("SECRET_HASH".into(), hash.into());
        }
    }

    /// The ChallengeResponses for `challenge`, or why it cannot be answered.
    fn respond(
        &mut self,
        challenge: &Challenge,
        at: &At,
    ) -> Result<Map<String, Value>, LoginFailure> {
        if let Some(username) = challenge.param("USERNAME") {
            self.username = username.to_owned();
        }
        let mut out = Map::new();
        match challenge.name.as_str() {
            "PASSWORD_VERIFIER" => self.password_claim(challenge, at, &mut out)?,
            "SOFTWARE_TOKEN_MFA" => {
                let code = self.totp_code(&challenge.name, at)?;
                out.insert("SOFTWARE_TOKEN_MFA_CODE".into(), code.into());
            }
            "SELECT_MFA_TYPE" => {
                let choices = challenge.param("MFAS_CAN_CHOOSE").unwrap_or_default();
                if !choices.contains("SOFTWARE_TOKEN_MFA") {
                    return Err(challenge_stop(self.f, at, &challenge.name, choices));
                }
                self.totp_code(&challenge.name, at)?;
                out.insert("ANSWER".into(), "SOFTWARE_TOKEN_MFA".into());
            }
            other => return Err(challenge_stop(self.f, at, other, "")),
        }
        out.insert("USERNAME".into(), self.username.clone().into());
        self.add_secret_hash(&mut out);
        Ok(out)
    }

    /// PASSWORD_VERIFIER: the SRP proof of the password.
    fn password_claim(
        &mut self,
        challenge: &Challenge,
        at: &At,
        out: &mut Map<String, Value>,
    ) -> Result<(), LoginFailure> {
        let Some(a) = &self.a else {
            return Err(LoginFailure::protocol(
                at,
                "a PASSWORD_VERIFIER challenge to a USER_PASSWORD_AUTH sign-in",
            ));
        };
        let user_id = challenge.required("USER_ID_FOR_SRP", at)?.to_owned();
        let bad = |e: srp::SrpError| LoginFailure::protocol(at, format!("the SRP challenge: {e}"));
        let salt = srp::from_hex("SALT", challenge.required("SALT", at)?).map_err(bad)?;
        let big_b = srp::from_hex("SRP_B", challenge.required("SRP_B", at)?).map_err(bad)?;
        let block = challenge.required("SECRET_BLOCK", at)?;
        let pool = srp::pool_name(&self.f.user_pool_id);
        let key =
            srp::client_key(pool, &user_id, &self.f.password, a, &salt, &big_b).map_err(bad)?;
        let timestamp = srp::timestamp(SystemTime::now());
        let signature =
            srp::claim_signature(&key, pool, &user_id, block, &timestamp).map_err(bad)?;
        self.masker.add(signature.as_str());
        if challenge.param("USERNAME").is_none() {
            self.username = user_id;
        }
        out.insert("PASSWORD_CLAIM_SECRET_BLOCK".into(), block.into());
        out.insert("PASSWORD_CLAIM_SIGNATURE".into(), signature.into());
        out.insert("TIMESTAMP".into(), timestamp.into());
        Ok(())
    }

    /// The current TOTP code, or why there is none.
    fn totp_code(&self, challenge: &str, at: &At) -> Result<String, LoginFailure> {
        let Some(secret) = &self.f.totp_secret else {
            return Err(challenge_stop(self.f, at, challenge, ""));
        };
        let code = totp::code_at(secret, SystemTime::now())
            .map_err(|e| LoginFailure::Config(e.to_string()))?;
        self.masker.add(code.as_str());
        Ok(code)
    }
}

/// AuthenticationResult -> the token the tests send.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct AuthResult {
    access_token: String,
    #[serde(default)]
    id_token: Option<String>,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    expires_in: Option<u64>,
}

fn token(
    f: &CognitoFixture,
    result: &Value,
    at: &At,
    masker: &Masker,
) -> Result<Token, LoginFailure> {
    let result: AuthResult = serde_json::from_value(result.clone()).map_err(|e| {
        LoginFailure::protocol(
            at,
            format!(
                "an AuthenticationResult that does not fit ({e}); its keys: {}",
                keys(result)
            ),
        )
    })?;
    masker.add(result.access_token.as_str());
    let sent = match f.token {
        CognitoToken::Access => result.access_token.clone(),
        CognitoToken::Id => result.id_token.clone().ok_or_else(|| {
            LoginFailure::protocol(
                at,
                "the fixture says `token: id` but Cognito answered no IdToken",
            )
        })?,
    };
    if sent.is_empty() {
        return Err(LoginFailure::protocol(
            at,
            "an empty token in AuthenticationResult",
        ));
    }
    Ok(Token {
        access_token: sent,
        token_type: "Bearer".to_owned(),
        expires_at: result
            .expires_in
            .map(|s| SystemTime::now() + Duration::from_secs(s)),
        refresh_token: result.refresh_token,
        id_token: result.id_token,
        scope: None,
        dpop: None,
    })
}

#[cfg(test)]
#[path = "cognito_tests.rs"]
mod tests;
