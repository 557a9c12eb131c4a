use super::*;
use std::time::{Duration, UNIX_EPOCH};

fn at() -> At {
    At::new(
        "POST",
        &Url::parse("https://org.okta.com/api/v1/authn").unwrap(),
    )
}

fn answer(json: Value) -> Answer {
    serde_json::from_value(json).unwrap()
}

fn reply(status: u16, body: Value) -> Reply {
    Reply {
        status,
        content_type: "application/json".into(),
        body: body.to_string(),
        ..Reply::default()
    }
}

const T: fn() -> SystemTime = || UNIX_EPOCH + Duration::from_secs(59);

#[test]
fn success_yields_the_session_token_and_masks_it() {
    let masker = Masker::new();
    let r = reply(
        200,
        json!({"status": "SUCCESS", "sessionToken": "00Fpzf4en68pCXTs"}),
    );
    let a = read_answer(&r, &at(), &masker).unwrap();
    assert_eq!(
        next_step(&a, &at(), None, T()).unwrap(),
        Step::Done("00Fpzf4en68pCXTs".into())
    );
    assert_eq!(masker.mask("x 00Fpzf4en68pCXTs"), "x ***");
}

#[test]
fn password_warn_follows_the_skip_link() {
    let a = answer(json!({"status": "PASSWORD_WARN", "stateToken": "st-123",
        "_links": {"skip": {"href": "https://org.okta.com/api/v1/authn/skip", "hints": {"allow": ["POST"]}}}}));
    let step = next_step(&a, &at(), None, T()).unwrap();
    assert_eq!(
        step,
        Step::Post {
            href: "https://org.okta.com/api/v1/authn/skip".into(),
            body: json!({"stateToken": "st-123"})
        }
    );
}

#[test]
fn mfa_enroll_without_skip_says_what_to_change() {
    let a = answer(json!({"status": "MFA_ENROLL", "stateToken": "st-123", "_links": {}}));
    let err = next_step(&a, &at(), None, T()).unwrap_err().to_string();
    assert!(err.starts_with("Okta put the test user in state MFA_ENROLL at POST https://org.okta.com/api/v1/authn: the test user must enroll"), "{err}");
}

#[test]
fn mfa_required_answers_with_a_totp_code() {
    let a = answer(json!({"status": "MFA_REQUIRED", "stateToken": "st-123",
        "_embedded": {"factors": [
            {"factorType": "push", "_links": {"verify": {"href": "https://x/push"}}},
            {"factorType": "token:software:totp", "provider": "GOOGLE",
             "_links": {"verify": {"href": "https://org.okta.com/api/v1/authn/factors/f1/verify"}}}]}}));
    let key = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    let step = next_step(&a, &at(), Some(key), T()).unwrap();
    assert_eq!(
        step,
        Step::Post {
            href: "https://org.okta.com/api/v1/authn/factors/f1/verify".into(),
            body: json!({"stateToken": "st-123", "passCode": "287082"}),
        }
    );
}

#[test]
fn mfa_required_without_secret_or_totp_factor() {
    let a = answer(json!({"status": "MFA_REQUIRED", "stateToken": "s",
        "_embedded": {"factors": [{"factorType": "push"}, {"factorType": "sms"}]}}));
    let err = next_step(&a, &at(), None, T()).unwrap_err().to_string();
    assert!(
        err.contains("MFA_REQUIRED")
            && err.contains("the test user must not require MFA, or set totp_secret"),
        "{err}"
    );
    let err = next_step(&a, &at(), Some("JBSWY3DPEHPK3PXP"), T())
        .unwrap_err()
        .to_string();
    assert!(err.contains("no TOTP factor (offered: push, sms)"), "{err}");
}

#[test]
fn every_blocking_status_is_named_with_advice() {
    for status in [
        "PASSWORD_EXPIRED",
        "LOCKED_OUT",
        "MFA_CHALLENGE",
        "MFA_ENROLL_ACTIVATE",
        "RECOVERY",
        "RECOVERY_CHALLENGE",
        "PASSWORD_RESET",
        "UNAUTHENTICATED",
        "SOMETHING_NEW",
    ] {
        let a = answer(json!({"status": status, "stateToken": "s"}));
        let err = next_step(&a, &at(), None, T()).unwrap_err();
        assert_eq!(err.kind(), crate::auth::LoginErrorKind::UserState);
        let text = err.to_string();
        assert!(text.contains(&format!("state {status} at POST")), "{text}");
    }
    assert!(advice("LOCKED_OUT").contains("unlock"));
    assert!(advice("PASSWORD_EXPIRED").contains("set a new password"));
}

#[test]
fn bad_credentials_are_named() {
    let r = reply(
        401,
        json!({"errorCode": "E0000004", "errorSummary": "Authentication failed",
        "errorLink": "E0000004", "errorId": "x", "errorCauses": []}),
    );
    let err = read_answer(&r, &at(), &Masker::new())
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "Okta rejected the username or password (E0000004 Authentication failed) at POST \
         https://org.okta.com/api/v1/authn; check the fixture's username / password \
         (OKTA_USERNAME / OKTA_PASSWORD), and that the user is active and not locked out"
    );
}

#[test]
fn other_api_errors_show_code_summary_and_causes() {
    let r = reply(
        403,
        json!({"errorCode": "E0000068", "errorSummary": "Invalid Passcode/Answer",
        "errorCauses": [{"errorSummary": "Your passcode doesn't match our records."}]}),
    );
    let err = read_answer(&r, &at(), &Masker::new())
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("Okta answered 403 E0000068 Invalid Passcode/Answer (Your passcode doesn't match our records.) at POST"), "{err}");
    assert!(err.contains("check that totp_secret"), "{err}");
}

#[test]
fn links_may_be_lists() {
    let a = answer(json!({"_links": {"next": [{"href": "https://a"}, {"href": "https://b"}]}}));
    assert_eq!(a.links.href("next"), Some("https://a"));
    assert_eq!(a.links.href("skip"), None);
}

#[test]
fn a_push_challenge_says_what_became_of_the_push() {
    for (result, said) in [
        (
            "WAITING",
            "Okta sent an Okta Verify push and waits for it to be approved",
        ),
        (
            "REJECTED",
            "an Okta Verify push was rejected on the user's device",
        ),
        (
            "TIMEOUT",
            "an Okta Verify push expired before it was approved",
        ),
    ] {
        let a = answer(
            json!({"status": "MFA_CHALLENGE", "stateToken": "s", "factorResult": result,
            "_embedded": {"factor": {"id": "opf1", "factorType": "push", "provider": "OKTA"}}}),
        );
        let text = next_step(&a, &at(), None, T()).unwrap_err().to_string();
        assert!(text.contains(&format!("state MFA_CHALLENGE at POST https://org.okta.com/api/v1/authn: {said}; a headless login cannot approve a push")), "{text}");
    }
    let a = answer(
        json!({"status": "MFA_ENROLL_ACTIVATE", "stateToken": "s", "factorResult": "TIMEOUT",
        "_embedded": {"factor": {"factorType": "push"}}}),
    );
    let text = next_step(&a, &at(), None, T()).unwrap_err().to_string();
    assert!(
        text.contains("the activation of an Okta Verify push timed out"),
        "{text}"
    );
    assert!(text.contains("Reset Multifactor"), "{text}");
}

#[test]
fn e0000069_and_html_summaries_are_named() {
    let r = reply(
        403,
        json!({"errorCode": "E0000069", "errorSummary": "User Locked",
        "errorCauses": [{"errorSummary": "Your account is <b>locked</b> because of too many authentication attempts."}]}),
    );
    let err = read_answer(&r, &at(), &Masker::new())
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("Okta answered 403 E0000069 User Locked (Your account is locked because of too many authentication attempts.) at POST"), "{err}");
    assert!(
        err.contains("locked out after too many failed MFA attempts"),
        "{err}"
    );
}
