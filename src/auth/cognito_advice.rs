//! What to change when Amazon Cognito stops a sign-in: its exceptions
//! (`__type` and `message` of an error answer) and the challenges a
//! headless login cannot answer, each named with the fix.

use super::cognito_kind::{CognitoAuthFlow, CognitoFixture};
use super::error::{At, LoginErrorKind, LoginFailure};

/// The failure for an exception Cognito answered.
pub fn exception(
    f: &CognitoFixture,
    at: At,
    status: u16,
    name: &str,
    message: &str,
) -> LoginFailure {
    use LoginErrorKind as K;
    let m = message.to_ascii_lowercase();
    let user = &f.username;
    let pool = &f.user_pool_id;
    let (kind, advice) = match name {
        "NotAuthorizedException" if m.contains("secret hash") || m.contains("secret_hash") => (
            K::Config,
            match &f.client_secret {
                Some(_) => "check client_secret (COGNITO_CLIENT_SECRET): it must be this app client's secret".to_owned(),
                None => "the app client has a client secret: set client_secret (COGNITO_CLIENT_SECRET), gatecheck then sends SECRET_HASH".to_owned(),
            },
        ),
        "NotAuthorizedException" if m.contains("configured for secret") || m.contains("configured with secret") => (
            K::Config,
            "the app client has a client secret: set client_secret (COGNITO_CLIENT_SECRET), gatecheck then sends SECRET_HASH".to_owned(),
        ),
        "NotAuthorizedException" if m.contains("disabled") => (
            K::UserState,
            format!("the user `{user}` is disabled: enable it in the user pool (Cognito console > Users > Enable user access, or `aws cognito-idp admin-enable-user`)"),
        ),
        "NotAuthorizedException" if m.contains("attempts exceeded") => (
            K::UserState,
            "Cognito blocks this user after failed sign-ins: fix the password (COGNITO_PASSWORD) and wait before the next run".to_owned(),
        ),
        "NotAuthorizedException" if m.contains("auth flow not enabled") || m.contains("flow not enabled") => {
            (K::Config, flow_advice(f))
        }
        "NotAuthorizedException" => (
            K::Credentials,
            format!("check the fixture's username / password (COGNITO_USERNAME / COGNITO_PASSWORD) for user `{user}` in pool {pool}"),
        ),
        "UserNotFoundException" => (
            K::Credentials,
            format!("there is no user `{user}` in pool {pool}: check username (COGNITO_USERNAME), user_pool_id and region; a pool that signs in by email takes the email address as username"),
        ),
        "UserNotConfirmedException" => (
            K::UserState,
            format!("the user `{user}` signed up but was never confirmed: confirm it (Cognito console > Users > Confirm account, or `aws cognito-idp admin-confirm-sign-up --user-pool-id {pool} --username {user}`)"),
        ),
        "PasswordResetRequiredException" => (
            K::UserState,
            format!("an administrator reset the password of `{user}` (status RESET_REQUIRED): set a new one (`aws cognito-idp admin-set-user-password --user-pool-id {pool} --username {user} --password ... --permanent`) and put it in COGNITO_PASSWORD"),
        ),
        "InvalidParameterException" if m.contains("flow not enabled") || m.contains("auth flow") => {
            (K::Config, flow_advice(f))
        }
        "ResourceNotFoundException" => (
            K::Config,
            format!("check client_id (COGNITO_CLIENT_ID) and user_pool_id: the app client must belong to pool {pool} in region {}", f.region()),
        ),
        "CodeMismatchException" | "ExpiredCodeException" => (
            K::Credentials,
            "the TOTP code was refused: check that totp_secret (COGNITO_TOTP_SECRET) is the user's authenticator secret and that this machine's clock is right".to_owned(),
        ),
        "TooManyRequestsException" | "LimitExceededException" | "TooManyFailedAttemptsException" => (
            K::RateLimited,
            "Cognito's request quota was exceeded: log in less often (each identity logs in once per run) or raise the pool's quota".to_owned(),
        ),
        "UserLambdaValidationException" | "UnexpectedLambdaException" | "InvalidLambdaResponseException" => (
            K::UserState,
            "a Lambda trigger of the user pool (pre authentication, ...) refused or failed: check its logs, or let it pass the test user".to_owned(),
        ),
        _ => (
            K::UserState,
            "see the Amazon Cognito API reference for InitiateAuth and RespondToAuthChallenge".to_owned(),
        ),
    };
    LoginFailure::Cognito {
        at,
        what: format!("{status} {name}{}", quoted(message)),
        advice,
        kind,
    }
}

fn quoted(message: &str) -> String {
    match message.trim() {
        "" => String::new(),
        m => format!(" ({m})"),
    }
}

fn flow_advice(f: &CognitoFixture) -> String {
    let (allow, other) = match f.auth_flow {
        CognitoAuthFlow::UserSrpAuth => ("ALLOW_USER_SRP_AUTH", "USER_PASSWORD_AUTH"),
        CognitoAuthFlow::UserPasswordAuth => ("ALLOW_USER_PASSWORD_AUTH", "USER_SRP_AUTH"),
    };
    format!(
        "the app client does not allow {}: turn on {allow} in its authentication flows (Cognito console > App clients > the client > Edit), or set `auth_flow: {other}`",
        f.auth_flow.name()
    )
}

/// The failure for a challenge the login does not answer: `choices` is
/// SELECT_MFA_TYPE's MFAS_CAN_CHOOSE.
pub fn challenge_stop(f: &CognitoFixture, at: &At, challenge: &str, choices: &str) -> LoginFailure {
    let user = &f.username;
    let pool = &f.user_pool_id;
    let no_secret = "set totp_secret (COGNITO_TOTP_SECRET) to the user's authenticator (TOTP) secret, the base32 text behind its QR code";
    let use_totp = "a headless login cannot read it: make a TOTP authenticator the user's MFA (`aws cognito-idp admin-set-user-mfa-preference --software-token-mfa-settings Enabled=true,PreferredMfa=true`) and set totp_secret, or turn MFA off for the test user";
    let advice = match challenge {
        "SOFTWARE_TOKEN_MFA" => format!("the user `{user}` has TOTP MFA: {no_secret}"),
        "SELECT_MFA_TYPE" if choices.contains("SOFTWARE_TOKEN_MFA") => {
            format!("the user `{user}` may answer with TOTP: {no_secret}")
        }
        "SELECT_MFA_TYPE" => format!(
            "the user may choose among {choices}, none of them TOTP; {use_totp}"
        ),
        "SMS_MFA" => format!("Cognito sent a code by SMS; {use_totp}"),
        "EMAIL_OTP" => format!("Cognito sent a code by email; {use_totp}"),
        "MFA_SETUP" => format!(
            "pool {pool} requires MFA and `{user}` has none set up: associate a TOTP authenticator with the user (AssociateSoftwareToken, VerifySoftwareToken), make it the preferred MFA and set totp_secret to its secret; or make MFA optional in the pool"
        ),
        "NEW_PASSWORD_REQUIRED" => format!(
            "the user `{user}` has a temporary password (status FORCE_CHANGE_PASSWORD): make a password permanent (`aws cognito-idp admin-set-user-password --user-pool-id {pool} --username {user} --password ... --permanent`) and put it in COGNITO_PASSWORD"
        ),
        "CUSTOM_CHALLENGE" => "the pool's Lambda triggers ask a custom challenge, which gatecheck cannot answer: let the triggers pass the test user, or use an app client without them".to_owned(),
        "DEVICE_SRP_AUTH" | "DEVICE_PASSWORD_VERIFIER" => "the pool asks for a remembered device's proof: turn device tracking off for the pool, or forget the user's devices".to_owned(),
        "WEB_AUTHN" | "PASSWORD" | "PASSWORD_SRP" | "SELECT_CHALLENGE" | "SMS_OTP" => format!(
            "a choice-based sign-in challenge; set the app client's flows so that `{}` with the password is allowed",
            f.auth_flow.name()
        ),
        _ => "gatecheck answers PASSWORD_VERIFIER, SOFTWARE_TOKEN_MFA and SELECT_MFA_TYPE only; change the pool or user so that this challenge is not asked".to_owned(),
    };
    LoginFailure::Cognito {
        at: at.clone(),
        what: format!("challenge {challenge}"),
        advice,
        kind: LoginErrorKind::UserState,
    }
}
