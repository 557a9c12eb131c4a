//! An Amazon Cognito user pool on the emulator's port: the sign-in API as
//! Cognito serves it (`POST /` with `X-Amz-Target:
//! AWSCognitoIdentityProviderService.InitiateAuth` or
//! `.RespondToAuthChallenge`, JSON 1.1 bodies, errors as `{"__type",
//! "message"}`), the pool's keys at `/{poolId}/.well-known/jwks.json` and
//! its discovery document. The issuer is `{emulator}/{poolId}`, the form of
//! `https://cognito-idp.{region}.amazonaws.com/{poolId}`. SRP proofs are
//! verified for real (`gatecheck_login_crypto::srp`), SECRET_HASH is checked on every call
//! of a client with a secret, TOTP codes against the user's secret.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use rand::Rng as _;
use serde_json::{Map, Value, json};

use super::cognito_pool::{
    COGNITO_POOL_ID, Outcome, PoolClient, PoolUser, SIGNIN_SCOPE, TOTP_SECRET, client, user_named,
};
use super::cognito_state::{ChallengePending, RefreshGrant, SrpPending};
use super::counters::Counter;
use super::ids::{epoch_secs, random_token};
use super::keyring::JWKS_MAX_AGE_SECS;
use super::state::{AppState, Shared};
use gatecheck_login_crypto::srp;

const TARGET_PREFIX: &str = "AWSCognitoIdentityProviderService.";
const CONTENT_TYPE: &str = "application/x-amz-json-1.1";

/// The user pool's routes.
pub(crate) fn router(state: AppState) -> Router {
    Router::new()
        .route("/", post(api))
        .route("/{pool}/.well-known/jwks.json", get(jwks))
        .route("/{pool}/.well-known/openid-configuration", get(discovery))
        .with_state(state)
}

/// The pool's issuer on this emulator.
pub(crate) fn issuer(shared: &Shared) -> String {
    format!("{}/{COGNITO_POOL_ID}", shared.okta_url)
}

/// A Cognito exception: 400 (or another status) with `__type` and `message`.
#[derive(Debug)]
struct Fault {
    status: StatusCode,
    name: &'static str,
    message: String,
}

type Answer = Result<Value, Fault>;

fn fault(name: &'static str, message: impl Into<String>) -> Fault {
    Fault {
        status: StatusCode::BAD_REQUEST,
        name,
        message: message.into(),
    }
}

fn incorrect() -> Fault {
    fault("NotAuthorizedException", "Incorrect username or password.")
}

impl IntoResponse for Fault {
    fn into_response(self) -> Response {
        let body = json!({"__type": self.name, "message": self.message});
        (
            self.status,
            [
                (header::CONTENT_TYPE, CONTENT_TYPE.to_owned()),
                (
                    header::HeaderName::from_static("x-amzn-errortype"),
                    format!("{}:", self.name),
                ),
            ],
            body.to_string(),
        )
            .into_response()
    }
}

async fn api(State(shared): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    shared.count(Counter::Token);
    let target = headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let answer = match serde_json::from_slice::<Value>(&body) {
        Ok(Value::Object(request)) => match target.strip_prefix(TARGET_PREFIX) {
            Some("InitiateAuth") => initiate(&shared, &request),
            Some("RespondToAuthChallenge") => respond(&shared, &request),
            _ => Err(fault(
                "UnknownOperationException",
                format!(
                    "Unknown operation `{target}`: this user pool serves InitiateAuth and RespondToAuthChallenge."
                ),
            )),
        },
        _ => Err(fault(
            "SerializationException",
            "The request body must be a JSON object.",
        )),
    };
    match answer {
        Ok(value) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, CONTENT_TYPE)],
            value.to_string(),
        )
            .into_response(),
        Err(fault) => fault.into_response(),
    }
}

fn text<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    map.get(key).and_then(Value::as_str)
}

fn required<'a>(map: &'a Map<String, Value>, key: &str) -> Result<&'a str, Fault> {
    text(map, key).filter(|v| !v.is_empty()).ok_or_else(|| {
        fault(
            "InvalidParameterException",
            format!("Missing required parameter {key}"),
        )
    })
}

fn object<'a>(map: &'a Map<String, Value>, key: &str) -> Result<&'a Map<String, Value>, Fault> {
    map.get(key).and_then(Value::as_object).ok_or_else(|| {
        fault(
            "InvalidParameterException",
            format!("Missing required parameter {key}"),
        )
    })
}

fn pool_client(request: &Map<String, Value>) -> Result<&'static PoolClient, Fault> {
    let id = required(request, "ClientId")?;
    client(id).ok_or_else(|| {
        fault(
            "ResourceNotFoundException",
            format!("User pool client {id} does not exist."),
        )
    })
}

/// SECRET_HASH over `username`, for a client with a secret.
fn check_secret_hash(
    client: &PoolClient,
    username: &str,
    params: &Map<String, Value>,
) -> Result<(), Fault> {
    let Some(secret) = client.secret else {
        return Ok(());
    };
    let Some(sent) = text(params, "SECRET_HASH") else {
        return Err(fault(
            "NotAuthorizedException",
            format!(
                "Client {} is configured for secret but secret was not received",
                client.id
            ),
        ));
    };
    if sent != srp::secret_hash(username, client.id, secret) {
        return Err(fault(
            "NotAuthorizedException",
            format!("Unable to verify secret hash for client {}", client.id),
        ));
    }
    Ok(())
}

fn initiate(shared: &Shared, request: &Map<String, Value>) -> Answer {
    let client = pool_client(request)?;
    let flow = required(request, "AuthFlow")?;
    let params = object(request, "AuthParameters")?;
    if flow == "REFRESH_TOKEN_AUTH" || flow == "REFRESH_TOKEN" {
        return refresh(shared, client, params);
    }
    if flow != "USER_SRP_AUTH" && flow != "USER_PASSWORD_AUTH" {
        return Err(fault(
            "InvalidParameterException",
            format!(
                "AuthFlow {flow} is not served by this user pool (USER_SRP_AUTH, USER_PASSWORD_AUTH, REFRESH_TOKEN_AUTH)"
            ),
        ));
    }
    if flow == "USER_PASSWORD_AUTH" && !client.password_auth {
        return Err(fault(
            "InvalidParameterException",
            "USER_PASSWORD_AUTH flow not enabled for this client",
        ));
    }
    let username = required(params, "USERNAME")?;
    check_secret_hash(client, username, params)?;
    let user = user_named(username)
        .ok_or_else(|| fault("UserNotFoundException", "User does not exist."))?;
    if flow == "USER_PASSWORD_AUTH" {
        if required(params, "PASSWORD")? != user.password {
            return Err(incorrect());
        }
        return after_password(shared, user, client);
    }
    let bad_a = || {
        fault(
            "InvalidParameterException",
            "SRP_A is not a valid SRP value",
        )
    };
    let big_a = srp::from_hex("SRP_A", required(params, "SRP_A")?)
        .ok()
        .filter(srp::is_valid_public)
        .ok_or_else(bad_a)?;
    let sub = user.sub();
    let salt = user.salt();
    let v = srp::verifier(srp::pool_name(COGNITO_POOL_ID), &sub, user.password, &salt);
    let mut random = [0u8; srp::PRIVATE_BYTES];
    rand::rng().fill(&mut random[..]);
    let b = srp::private_value(&random);
    let big_b = srp::server_public(&b, &v).map_err(|_| bad_a())?;
    let mut block = [0u8; 64];
    rand::rng().fill(&mut block[..]);
    let block = STANDARD.encode(block);
    shared.remember(&block);
    shared.cognito.srp.insert(
        block.clone(),
        SrpPending {
            email: user.email,
            client_id: client.id.to_owned(),
            big_a,
            big_b: big_b.clone(),
            b,
        },
    );
    Ok(json!({
        "ChallengeName": "PASSWORD_VERIFIER",
        "ChallengeParameters": {
            "SALT": srp::to_hex(&salt),
            "SECRET_BLOCK": block,
            "SRP_B": srp::to_hex(&big_b),
            "USERNAME": sub,
            "USER_ID_FOR_SRP": sub,
        },
    }))
}

/// REFRESH_TOKEN_AUTH: new access and ID tokens; the refresh token stays
/// (no rotation), so the answer carries none. SECRET_HASH is over Cognito's
/// name for the user.
fn refresh(shared: &Shared, client: &PoolClient, params: &Map<String, Value>) -> Answer {
    let revoked = || fault("NotAuthorizedException", "Invalid Refresh Token");
    let token = required(params, "REFRESH_TOKEN")?;
    let grant = shared
        .cognito
        .refresh_tokens
        .get(token)
        .filter(|g| g.client_id == client.id)
        .ok_or_else(revoked)?;
    let user = user_named(grant.email).ok_or_else(revoked)?;
    check_secret_hash(client, &user.sub(), params)?;
    let minted = mint(shared, user, client, &grant.scope, true).map_err(internal_error)?;
    Ok(json!({
        "AuthenticationResult": {
            "AccessToken": minted.access,
            "ExpiresIn": minted.lifetime,
            "IdToken": minted.id,
            "TokenType": "Bearer",
        },
        "ChallengeParameters": {},
    }))
}

fn respond(shared: &Shared, request: &Map<String, Value>) -> Answer {
    let client = pool_client(request)?;
    let challenge = required(request, "ChallengeName")?;
    let responses = object(request, "ChallengeResponses")?;
    let username = required(responses, "USERNAME")?;
    check_secret_hash(client, username, responses)?;
    if challenge == "PASSWORD_VERIFIER" {
        return password_verifier(shared, client, username, responses);
    }
    let expired = || {
        fault(
            "NotAuthorizedException",
            "Invalid session for the user, session is expired.",
        )
    };
    let session = text(request, "Session").ok_or_else(expired)?;
    let pending = shared.cognito.sessions.take(session).ok_or_else(expired)?;
    let user = user_named(username)
        .filter(|u| u.email == pending.email)
        .ok_or_else(|| fault("NotAuthorizedException", "Invalid session for the user."))?;
    if pending.client_id != client.id || pending.challenge != challenge {
        return Err(fault(
            "InvalidParameterException",
            format!(
                "The session is for the challenge {} of client {}",
                pending.challenge, pending.client_id
            ),
        ));
    }
    match challenge {
        "SOFTWARE_TOKEN_MFA" => {
            let code = required(responses, "SOFTWARE_TOKEN_MFA_CODE")?;
            if !super::totp::verify(TOTP_SECRET, code) {
                return Err(fault(
                    "CodeMismatchException",
                    "Invalid code received for user",
                ));
            }
            tokens(shared, user, client)
        }
        "SELECT_MFA_TYPE" => match required(responses, "ANSWER")? {
            "SOFTWARE_TOKEN_MFA" => ask(shared, user, client, "SOFTWARE_TOKEN_MFA"),
            "SMS_MFA" => ask(shared, user, client, "SMS_MFA"),
            other => Err(fault(
                "InvalidParameterException",
                format!("ANSWER {other} is not one of MFAS_CAN_CHOOSE"),
            )),
        },
        // The codes of these are never sent anywhere: no answer is right.
        "SMS_MFA" | "EMAIL_OTP" => Err(fault(
            "CodeMismatchException",
            "Invalid code received for user",
        )),
        "NEW_PASSWORD_REQUIRED" => {
            required(responses, "NEW_PASSWORD")?;
            tokens(shared, user, client)
        }
        _ => Err(fault(
            "InvalidParameterException",
            format!(
                "This user pool does not answer {challenge} (MFA_SETUP needs AssociateSoftwareToken, which it does not serve)"
            ),
        )),
    }
}

/// The SRP proof: the signature over the secret block and timestamp with
/// the key only the right password gives.
fn password_verifier(
    shared: &Shared,
    client: &PoolClient,
    username: &str,
    responses: &Map<String, Value>,
) -> Answer {
    let block = required(responses, "PASSWORD_CLAIM_SECRET_BLOCK")?;
    let signature = required(responses, "PASSWORD_CLAIM_SIGNATURE")?;
    let timestamp = required(responses, "TIMESTAMP")?;
    let pending = shared
        .cognito
        .srp
        .take(block)
        .filter(|p| p.client_id == client.id)
        .ok_or_else(|| fault("NotAuthorizedException", "Invalid session for the user."))?;
    let user = user_named(username)
        .filter(|u| u.email == pending.email)
        .ok_or_else(incorrect)?;
    if !timestamp_form(timestamp) {
        return Err(fault(
            "InvalidParameterException",
            format!("TIMESTAMP `{timestamp}` is not of the form `Mon Jan 2 15:04:05 UTC 2006`"),
        ));
    }
    let sub = user.sub();
    let pool = srp::pool_name(COGNITO_POOL_ID);
    let v = srp::verifier(pool, &sub, user.password, &user.salt());
    let key = srp::server_key(&pending.big_a, &pending.big_b, &pending.b, &v)
        .map_err(|e| fault("InvalidParameterException", e.to_string()))?;
    let expected = srp::claim_signature(&key, pool, &sub, block, timestamp)
        .map_err(|e| fault("InvalidParameterException", e.to_string()))?;
    if expected != signature {
        return Err(incorrect());
    }
    after_password(shared, user, client)
}

/// `Mon Jan 2 15:04:05 UTC 2006`: the day of the month without a leading zero.
fn timestamp_form(text: &str) -> bool {
    let parts: Vec<&str> = text.split(' ').collect();
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    parts.len() == 6
        && parts[0].len() == 3
        && parts[1].len() == 3
        && digits(parts[2])
        && !parts[2].starts_with('0')
        && parts[3].len() == 8
        && parts[4] == "UTC"
        && digits(parts[5])
}

/// The right password was proved: the user's outcome.
fn after_password(shared: &Shared, user: &PoolUser, client: &PoolClient) -> Answer {
    match user.outcome {
        Outcome::Tokens => tokens(shared, user, client),
        Outcome::Unconfirmed => Err(fault("UserNotConfirmedException", "User is not confirmed.")),
        Outcome::ResetRequired => Err(fault(
            "PasswordResetRequiredException",
            "Password reset required for the user",
        )),
        Outcome::SoftwareTokenMfa => ask(shared, user, client, "SOFTWARE_TOKEN_MFA"),
        Outcome::SelectMfa => ask(shared, user, client, "SELECT_MFA_TYPE"),
        Outcome::SmsMfa => ask(shared, user, client, "SMS_MFA"),
        Outcome::EmailOtp => ask(shared, user, client, "EMAIL_OTP"),
        Outcome::MfaSetup => ask(shared, user, client, "MFA_SETUP"),
        Outcome::NewPasswordRequired => ask(shared, user, client, "NEW_PASSWORD_REQUIRED"),
    }
}

/// A challenge with a fresh session.
fn ask(shared: &Shared, user: &PoolUser, client: &PoolClient, challenge: &'static str) -> Answer {
    let session = random_token("", 160);
    shared.remember(&session);
    shared.cognito.sessions.insert(
        session.clone(),
        ChallengePending {
            email: user.email,
            client_id: client.id.to_owned(),
            challenge,
        },
    );
    let sub = user.sub();
    let mut params = json!({"USER_ID_FOR_SRP": sub});
    match challenge {
        "SELECT_MFA_TYPE" => {
            params["MFAS_CAN_CHOOSE"] = json!("[\"SMS_MFA\",\"SOFTWARE_TOKEN_MFA\"]")
        }
        "SMS_MFA" => {
            params["CODE_DELIVERY_DELIVERY_MEDIUM"] = json!("SMS");
            params["CODE_DELIVERY_DESTINATION"] = json!("+*******0100");
        }
        "EMAIL_OTP" => {
            params["CODE_DELIVERY_DELIVERY_MEDIUM"] = json!("EMAIL");
            params["CODE_DELIVERY_DESTINATION"] = json!("e***@e***");
        }
        "MFA_SETUP" => params["MFAS_CAN_SETUP"] = json!("[\"SOFTWARE_TOKEN_MFA\"]"),
        "NEW_PASSWORD_REQUIRED" => {
            params["userAttributes"] = json!(json!({"email": user.email}).to_string());
            params["requiredAttributes"] = json!("[]");
        }
        _ => {}
    }
    Ok(json!({
        "ChallengeName": challenge,
        "ChallengeParameters": params,
        "Session": session,
    }))
}

/// Cognito's answer when the pool itself fails (a token could not be signed).
fn internal_error(message: String) -> Fault {
    Fault {
        status: StatusCode::INTERNAL_SERVER_ERROR,
        name: "InternalErrorException",
        message,
    }
}

/// AuthenticationResult: access and ID tokens with Cognito's claims, an
/// opaque refresh token.
fn tokens(shared: &Shared, user: &PoolUser, client: &PoolClient) -> Answer {
    let minted = mint(shared, user, client, SIGNIN_SCOPE, true).map_err(internal_error)?;
    Ok(json!({
        "AuthenticationResult": {
            "AccessToken": minted.access,
            "ExpiresIn": minted.lifetime,
            "IdToken": minted.id,
            "RefreshToken": minted.refresh,
            "TokenType": "Bearer",
        },
        "ChallengeParameters": {},
    }))
}

/// Tokens of one sign-in.
pub(crate) struct Minted {
    pub(crate) access: String,
    pub(crate) id: Option<String>,
    pub(crate) refresh: String,
    pub(crate) lifetime: u64,
}

/// Signs the access token (with `scope`) and, when asked, the ID token.
pub(crate) fn mint(
    shared: &Shared,
    user: &PoolUser,
    client: &PoolClient,
    scope: &str,
    with_id: bool,
) -> Result<Minted, String> {
    let now = epoch_secs();
    let lifetime = shared.config.access_token_lifetime_secs;
    let sub = user.sub();
    let issuer = issuer(shared);
    let origin = uuid::Uuid::new_v4().to_string();
    let event = uuid::Uuid::new_v4().to_string();
    let mut access = json!({
        "sub": sub,
        "iss": issuer,
        "client_id": client.id,
        "origin_jti": origin,
        "event_id": event,
        "token_use": "access",
        "scope": scope,
        "auth_time": now,
        "exp": now + lifetime,
        "iat": now,
        "jti": uuid::Uuid::new_v4().to_string(),
        "username": sub,
    });
    let mut id = json!({
        "sub": sub,
        "email_verified": true,
        "iss": issuer,
        "cognito:username": sub,
        "origin_jti": origin,
        "aud": client.id,
        "event_id": event,
        "token_use": "id",
        "auth_time": now,
        "exp": now + lifetime,
        "iat": now,
        "jti": uuid::Uuid::new_v4().to_string(),
        "email": user.email,
    });
    if !user.groups.is_empty() {
        access["cognito:groups"] = json!(user.groups);
        id["cognito:groups"] = json!(user.groups);
    }
    let sign = |claims: &Value| {
        let token = shared
            .cognito
            .keys
            .sign(claims)
            .map_err(|e| e.to_string())?;
        shared.remember(&token);
        Ok::<_, String>(token)
    };
    let access = sign(&access)?;
    let id = if with_id { Some(sign(&id)?) } else { None };
    let refresh = random_token("", 300);
    shared.remember(&refresh);
    shared.cognito.refresh_tokens.insert(
        refresh.clone(),
        RefreshGrant {
            email: user.email,
            client_id: client.id.to_owned(),
            scope: scope.to_owned(),
        },
    );
    Ok(Minted {
        access,
        id,
        refresh,
        lifetime,
    })
}

fn unknown_pool(pool: &str) -> Response {
    let body = json!({"message": format!("User pool {pool} does not exist.")});
    (StatusCode::NOT_FOUND, Json(body)).into_response()
}

async fn jwks(State(shared): State<AppState>, Path(pool): Path<String>) -> Response {
    shared.count(Counter::Keys);
    if pool != COGNITO_POOL_ID {
        return unknown_pool(&pool);
    }
    match shared.cognito.keys.jwks() {
        Ok(jwks) => (
            [(
                header::CACHE_CONTROL,
                format!("max-age={JWKS_MAX_AGE_SECS}"),
            )],
            Json(jwks),
        )
            .into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

async fn discovery(State(shared): State<AppState>, Path(pool): Path<String>) -> Response {
    shared.count(Counter::Discovery);
    if pool != COGNITO_POOL_ID {
        return unknown_pool(&pool);
    }
    let issuer = issuer(&shared);
    Json(json!({
        "issuer": issuer,
        "jwks_uri": format!("{issuer}/.well-known/jwks.json"),
        "response_types_supported": ["code", "token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": ["openid", "email", "phone", "profile"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "claims_supported": ["sub", "email", "email_verified", "cognito:username", "cognito:groups"],
    }))
    .into_response()
}
