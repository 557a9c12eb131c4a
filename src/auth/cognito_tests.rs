use super::*;
use crate::auth::error::LoginErrorKind;

fn fixture(extra: &str) -> CognitoFixture {
    serde_yaml::from_str(&format!(
        "user_pool_id: us-east-1_AbC123\nclient_id: app1\nusername: ada@example.com\n\
         password: pw\n{extra}"
    ))
    .unwrap()
}

fn at() -> At {
    At::new(
        "POST",
        &Url::parse("https://cognito-idp.us-east-1.amazonaws.com/").unwrap(),
    )
}

#[test]
fn exception_names_lose_their_namespace() {
    let body = json!({"__type": "com.amazonaws.cognito.identity.idp.model#UserNotFoundException", "message": "User does not exist."});
    assert_eq!(
        exception_of(&body),
        Some((
            "UserNotFoundException".to_owned(),
            "User does not exist.".to_owned()
        ))
    );
    let body =
        json!({"__type": "NotAuthorizedException", "Message": "Incorrect username or password."});
    assert_eq!(
        exception_of(&body).unwrap().1,
        "Incorrect username or password."
    );
    assert_eq!(exception_of(&json!({"error": "x"})), None);
}

#[test]
fn each_exception_says_what_to_change() {
    let f = fixture("");
    let cases = [
        (
            "NotAuthorizedException",
            "Incorrect username or password.",
            LoginErrorKind::Credentials,
            "check the fixture's username / password",
        ),
        (
            "NotAuthorizedException",
            "Unable to verify secret hash for client app1",
            LoginErrorKind::Config,
            "set client_secret",
        ),
        (
            "NotAuthorizedException",
            "User is disabled.",
            LoginErrorKind::UserState,
            "enable it",
        ),
        (
            "UserNotFoundException",
            "User does not exist.",
            LoginErrorKind::Credentials,
            "there is no user `ada@example.com` in pool us-east-1_AbC123",
        ),
        (
            "UserNotConfirmedException",
            "User is not confirmed.",
            LoginErrorKind::UserState,
            "admin-confirm-sign-up --user-pool-id us-east-1_AbC123 --username ada@example.com",
        ),
        (
            "PasswordResetRequiredException",
            "Password reset required for the user",
            LoginErrorKind::UserState,
            "--permanent",
        ),
        (
            "InvalidParameterException",
            "USER_SRP_AUTH flow not enabled for this client",
            LoginErrorKind::Config,
            "turn on ALLOW_USER_SRP_AUTH",
        ),
        (
            "ResourceNotFoundException",
            "User pool client app1 does not exist.",
            LoginErrorKind::Config,
            "check client_id",
        ),
        (
            "CodeMismatchException",
            "Invalid code received for user",
            LoginErrorKind::Credentials,
            "this machine's clock",
        ),
    ];
    for (name, message, kind, advice) in cases {
        let failure = exception(&f, at(), 400, name, message);
        let text = failure.to_string();
        assert_eq!(failure.kind(), kind, "{text}");
        assert!(text.contains(&format!("400 {name} ({message})")), "{text}");
        assert!(text.contains(advice), "{name}: {text}");
    }
    let with_secret = fixture("client_secret: s\n");
    let text = exception(
        &with_secret,
        at(),
        400,
        "NotAuthorizedException",
        "Unable to verify secret hash for client app1",
    )
    .to_string();
    assert!(text.contains("check client_secret"), "{text}");
    let password_flow = fixture("auth_flow: USER_PASSWORD_AUTH\n");
    let text = exception(
        &password_flow,
        at(),
        400,
        "InvalidParameterException",
        "USER_PASSWORD_AUTH flow not enabled for this client",
    )
    .to_string();
    assert!(
        text.contains("turn on ALLOW_USER_PASSWORD_AUTH")
            && text.contains("`auth_flow: USER_SRP_AUTH`"),
        "{text}"
    );
}

#[test]
fn unanswerable_challenges_say_what_to_change() {
    let f = fixture("");
    for (challenge, advice) in [
        (
            "NEW_PASSWORD_REQUIRED",
            "temporary password (status FORCE_CHANGE_PASSWORD)",
        ),
        ("SMS_MFA", "Cognito sent a code by SMS"),
        ("EMAIL_OTP", "Cognito sent a code by email"),
        (
            "MFA_SETUP",
            "requires MFA and `ada@example.com` has none set up",
        ),
        ("SOFTWARE_TOKEN_MFA", "set totp_secret"),
        ("CUSTOM_CHALLENGE", "custom challenge"),
    ] {
        let failure = challenge_stop(&f, &at(), challenge, "");
        let text = failure.to_string();
        assert_eq!(failure.kind(), LoginErrorKind::UserState);
        assert!(text.starts_with(&format!("Amazon Cognito stopped the sign-in at POST https://cognito-idp.us-east-1.amazonaws.com/: challenge {challenge}; ")), "{text}");
        assert!(text.contains(advice), "{challenge}: {text}");
    }
}

#[test]
fn the_request_is_the_flow_with_its_parameters() {
    let masker = Masker::new();
    let f = fixture("client_secret: s3cr3t\n");
    let mut state = SignIn {
        f: &f,
        username: f.username.clone(),
        a: None,
        masker: &masker,
    };
    let body = state.initiate();
    assert_eq!(body["AuthFlow"], "USER_SRP_AUTH");
    assert_eq!(body["ClientId"], "app1");
    let params = &body["AuthParameters"];
    assert_eq!(params["USERNAME"], "ada@example.com");
    assert_eq!(
        params["SECRET_HASH"],
        srp::secret_hash("ada@example.com", "app1", "s3cr3t")
    );
    let big_a = srp::from_hex("SRP_A", params["SRP_A"].as_str().unwrap()).unwrap();
    assert_eq!(
        Some(big_a),
        state.a.as_ref().map(|a| srp::client_public(a).unwrap())
    );
    assert!(
        params.get("PASSWORD").is_none(),
        "SRP never sends the password"
    );
    let f = fixture("auth_flow: USER_PASSWORD_AUTH\n");
    let mut state = SignIn {
        f: &f,
        username: f.username.clone(),
        a: None,
        masker: &masker,
    };
    let body = state.initiate();
    assert_eq!(body["AuthFlow"], "USER_PASSWORD_AUTH");
    assert_eq!(
        body["AuthParameters"],
        json!({"USERNAME": "ada@example.com", "PASSWORD": "pw"})
    );
}
