//! Okta's own published fixtures (tests/corpus/okta: okta-auth-js,
//! okta-signin-widget, okta-idx-java, okta-sdk-python; see its SOURCES.md)
//! replayed against the okta-pkce and okta-idx logins through the strict
//! fake in `okta_fake`. Each case asserts a token or the cause a user needs,
//! written from what the response means in Okta's documentation; every
//! message Okta sent must reach the user in words, and the fake must have
//! seen nothing Okta would refuse.

use crate::login_support::{assert_clean, run};
use crate::okta_fake::{Answer, Fake, PASSWORD, TOTP_SECRET, USERNAME};
use gatecheck::auth::LoginErrorKind as K;
use serde_json::Value;
use std::path::PathBuf;

const W: &str = "okta-signin-widget/playground/mocks/data/idp/idx/";
const WA: &str = "okta-signin-widget/playground/mocks/data/api/v1/authn/";
const A: &str = "okta-auth-js/test/spec/idx/idxState/mocks/";
const X: &str = "okta-auth-js/test/support/xhr/";
const J: &str = "okta-idx-java/api/src/test/resources/";

fn corpus(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus/okta")
        .join(rel)
}

/// A recorded answer: JSON (its status from an `error-NNN-` name, else
/// 200), an okta-auth-js xhr module (`module.exports = {status, response}`),
/// or the first response of a VCR cassette.
fn load(rel: &str) -> Answer {
    let text = std::fs::read_to_string(corpus(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    if rel.ends_with(".js") {
        let start = text.find("module.exports").expect("a module") + "module.exports".len();
        let json = text[start..]
            .trim_start_matches([' ', '='])
            .trim_end()
            .trim_end_matches(';');
        let module: Value = serde_json::from_str(json).unwrap_or_else(|e| panic!("{rel}: {e}"));
        return Answer {
            status: module["status"].as_u64().unwrap_or(200) as u16,
            body: module["response"].clone(),
        };
    }
    if rel.ends_with(".yaml") {
        let tape: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
        let response = &tape["interactions"][0]["response"];
        let body = response["body"]["string"].as_str().unwrap();
        return Answer {
            status: response["status"]["code"].as_u64().unwrap() as u16,
            body: serde_json::from_str(body).unwrap(),
        };
    }
    let body: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let name = rel.rsplit('/').next().unwrap();
    let status = name
        .strip_prefix("error-")
        .and_then(|rest| rest.get(..3)?.parse().ok())
        .unwrap_or_else(|| match body["errorCode"].as_str() {
            Some("E0000004") => 401,
            Some(_) => 400,
            None => 200,
        });
    Answer { status, body }
}

/// Okta's message text as a reader sees it: tags dropped, entities and
/// whitespace tidied (kept independent of gatecheck's own reduction).
fn readable(html: &str) -> String {
    let tags = regex::Regex::new(r"<[^>]*>").unwrap();
    let text = tags.replace_all(html, " ").replace("&nbsp;", " ");
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    flat.replace(" .", ".").replace(" ,", ",")
}

/// Every message of a recorded answer (top level and on form fields).
fn messages(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(list) = map.get("messages").and_then(|m| m["value"].as_array()) {
                out.extend(
                    list.iter()
                        .filter_map(|m| m["message"].as_str())
                        .map(readable),
                );
            }
            map.iter()
                .filter(|(k, _)| *k != "messages")
                .for_each(|(_, v)| messages(v, out));
        }
        Value::Array(list) => list.iter().for_each(|v| messages(v, out)),
        _ => {}
    }
}

/// What a case must end in.
#[derive(Debug)]
enum Expect {
    /// A token, after posting to these paths (in order, after introspect or authn).
    Token(&'static [&'static str]),
    /// A failure of this kind whose message holds each text.
    Stops(K, &'static [&'static str]),
}
use Expect::{Stops, Token};

/// `Token` after posting to paths computed from a recording.
fn token_after(paths: Vec<String>) -> Expect {
    let paths: Vec<&'static str> = paths.into_iter().map(|p| &*p.leak()).collect();
    Token(paths.leak())
}

type Flow = (
    &'static str,
    Vec<(&'static str, String)>,
    &'static str,
    Expect,
);

/// Runs `fixture` against `fake` and checks the outcome, the fake's
/// verdict, and that no secret leaked.
async fn check(
    case: &str,
    fake: &Fake,
    fixture: &gatecheck::auth::Fixture,
    expect: &Expect,
    said: &[String],
) {
    let (result, masker) = run(fixture).await;
    let violations = fake.violations();
    assert!(
        violations.is_empty(),
        "{case}: the fake saw {violations:#?}"
    );
    let posted: Vec<String> = fake.posted().into_iter().map(|(p, _)| p).skip(1).collect();
    match (expect, result) {
        (Token(paths), Ok(token)) => {
            assert!(!token.access_token.is_empty(), "{case}");
            assert_eq!(fake.tokens_issued(), 1, "{case}");
            assert_eq!(posted, *paths, "{case}: the forms posted");
        }
        (Stops(kind, texts), Err(err)) => {
            let message = err.to_string();
            assert_clean(&message, &masker);
            assert!(!message.contains(PASSWORD), "{case}: {message}");
            assert_eq!(err.kind(), *kind, "{case}: {message}");
            for text in texts.iter().copied() {
                assert!(message.contains(text), "{case}: `{text}` not in: {message}");
            }
            for text in said {
                assert!(
                    message.contains(text.as_str()),
                    "{case}: Okta's words `{text}` not in: {message}"
                );
            }
            assert_eq!(fake.tokens_issued(), 0, "{case}");
        }
        (expect, outcome) => panic!("{case}: expected {expect:?}, got {outcome:?}"),
    }
}

/// One recorded IDX answer at /idp/idx/introspect; a form gatecheck follows
/// is answered with success. With `totp`, the fixture has a TOTP secret.
async fn idx_one(rel: &str, expect: Expect) {
    let fake = Fake::start().await;
    let answer = load(rel);
    let mut said = Vec::new();
    if !matches!(expect, Token(_)) && answer.status != 429 {
        messages(&answer.body, &mut said);
        said.retain(|m| !m.is_empty());
    }
    fake.on("/idp/idx/introspect", answer)
        .succeed_after_follow();
    let fixture = fake.fixture("okta-idx", &format!("totp_secret: {TOTP_SECRET}\n"));
    check(rel, &fake, &fixture, &expect, &said).await;
}

const FOLLOWS_IDENTIFY: Expect = Token(&["/idp/idx/identify"]);
const FOLLOWS_SKIP: Expect = Token(&["/idp/idx/skip"]);
const OKTA_SAID: Expect = Stops(K::UserState, &["Okta said"]);
const NO_NEXT_STEP: Expect = Stops(K::UserState, &["Okta offered no next step"]);
const ENROLL: Expect = Stops(K::UserState, &["enroll an authenticator first"]);
const DEVICE: Expect = Stops(K::UserState, &["Okta Verify (FastPass) or a device"]);
const CONSENT: Expect = Stops(K::UserState, &["consent to its scopes", "Require consent"]);
const EXPIRED: Expect = Stops(K::UserState, &["password expired", "Reset Password"]);
const RESET: Expect = Stops(K::UserState, &["password reset flow", "Reset Password"]);
const DENIED: Expect = Stops(
    K::Authorize,
    &["access to the app was denied", "Assignments"],
);
const DEVICE_ASSURANCE: Expect = Stops(K::Authorize, &["device assurance"]);
const TOTP_INSTEAD: &str = "give the test user password + TOTP";

/// Every remediation, authenticator and message in the fixtures chosen to
/// cover them (one file per shape), answered one at a time.
#[tokio::test]
async fn every_recorded_idx_shape_is_followed_or_named() {
    let cases: Vec<(&str, Expect)> = vec![
        (
            "errors-authenticator-verification-okta-verify-reject-push.json",
            Stops(K::UserState, &["push notification was rejected"]),
        ),
        ("error-400-user-not-assigned-2.json", DENIED),
        ("error-authenticator-enroll-idp.json", OKTA_SAID),
        ("authenticator-expiry-warning-password.json", FOLLOWS_SKIP),
        (
            "authenticator-expiry-warning-custom-password.json",
            FOLLOWS_SKIP,
        ),
        (
            "error-authenticator-duo-verification-timeout.json",
            OKTA_SAID,
        ),
        (
            "error-authenticator-duo-verification-failed.json",
            OKTA_SAID,
        ),
        (
            "error-authenticator-enroll-passcode-change-rsa.json",
            OKTA_SAID,
        ),
        (
            "error-authenticator-enroll-phone-invalid-number.json",
            OKTA_SAID,
        ),
        (
            "authenticator-enroll-ov-email-enable-biometrics.json",
            Stops(K::UserState, &["Okta Verify must be set up differently"]),
        ),
        (
            "okta-verify-version-upgrade.json",
            Stops(K::UserState, &["Okta Verify must be set up differently"]),
        ),
        (
            "identify-with-passkeys-launch-authenticator.json",
            FOLLOWS_IDENTIFY,
        ),
        (
            "identify-with-nfc-launch-authenticator.json",
            FOLLOWS_IDENTIFY,
        ),
        ("identify-with-webauthn-residentkey.json", FOLLOWS_IDENTIFY),
        (
            "identify-with-nfc-sign-in-to-enroll-warning.json",
            FOLLOWS_IDENTIFY,
        ),
        ("identify-with-many-idps.json", FOLLOWS_IDENTIFY),
        ("terminal-return-otp-unexpected-response.json", NO_NEXT_STEP),
        (
            "error-device-code-activate.json",
            Stops(K::UserState, &["Invalid code. Try again."]),
        ),
        (
            "enroll-profile.json",
            Stops(
                K::UserState,
                &["self-service registration", "existing, active user"],
            ),
        ),
        (
            "request-activation-email.json",
            Stops(K::UserState, &["not activated", "Activate"]),
        ),
        (
            "device-assurance-grace-period-one-option.json",
            DEVICE_ASSURANCE,
        ),
        (
            "authenticator-verification-custom-app-push.json",
            Stops(K::UserState, &["custom authenticator app", TOTP_INSTEAD]),
        ),
        ("authenticator-enroll-passkey-promotion.json", FOLLOWS_SKIP),
        (
            "authenticator-reset-google.json",
            Stops(K::UserState, &["reset an authenticator"]),
        ),
        (
            "error-authenticator-phone-voice-ratelimit.json",
            Stops(K::UserState, &["SMS or voice codes", TOTP_INSTEAD]),
        ),
        (
            "error-authenticator-phone-sms-ratelimit.json",
            Stops(K::UserState, &["SMS or voice codes", TOTP_INSTEAD]),
        ),
        (
            "error-429-too-many-request.json",
            Stops(K::RateLimited, &["rate limit was exceeded", "429"]),
        ),
        ("error-403-security-access-denied.json", DENIED),
        ("error-identify-access-denied-custom-message.json", DENIED),
        ("error-with-failure-redirect.json", DENIED),
        ("error-unable-to-authenticate-user.json", DENIED),
        ("error-400-bad-request.json", OKTA_SAID),
        ("terminal-return-stale-email.json", OKTA_SAID),
        (
            "error-safe-mode-polling.json",
            Stops(K::UserState, &["safe mode", "retry later"]),
        ),
        (
            "safe-mode-credential-enrollment-intent.json",
            Stops(K::UserState, &["safe mode", "retry later"]),
        ),
        (
            "safe-mode-polling-refreshed-interval.json",
            Stops(K::UserState, &["safe mode", "retry later"]),
        ),
        ("error-invalid-device-code.json", OKTA_SAID),
        ("terminal-transfered-email.json", NO_NEXT_STEP),
        ("terminal-enduser-email-consent-denied.json", OKTA_SAID),
        ("terminal-return-email-consent.json", NO_NEXT_STEP),
        (
            "terminal-return-email-consent-denied.json",
            Stops(K::UserState, &["denied on another device"]),
        ),
        ("terminal-device-activated.json", NO_NEXT_STEP),
        (
            "terminal-device-not-activated-internal-error.json",
            NO_NEXT_STEP,
        ),
        (
            "terminal-device-not-activated-consent-denied.json",
            NO_NEXT_STEP,
        ),
        ("terminal-return-expired-email.json", NO_NEXT_STEP),
        ("terminal-reset-password-success.json", NO_NEXT_STEP),
        (
            "terminal-request-activation-email-submitted.json",
            NO_NEXT_STEP,
        ),
        ("terminal-registration.json", NO_NEXT_STEP),
        ("user-account-unlock-success.json", NO_NEXT_STEP),
        (
            "user-account-unlock-answer-choose-auth-after-unlock.json",
            NO_NEXT_STEP,
        ),
        ("terminal-invalid-forgot-password-token.json", RESET),
        ("terminal-invalid-reset-password-token.json", RESET),
        ("terminal-reset-password-inactive-user.json", RESET),
        ("error-reset-password-not-allowed.json", RESET),
        ("error-change-password-not-allowed.json", RESET),
        ("authenticator-recovery-password-failure.json", RESET),
        (
            "error-404-verification-timed-out.json",
            Stops(K::Protocol, &["sign-in transaction expired"]),
        ),
        (
            "error-request-not-completed.json",
            Stops(K::Credentials, &["self-service registration"]),
        ),
        (
            "error-account-creation.json",
            Stops(K::Credentials, &["self-service registration"]),
        ),
        (
            "error-enroll-regisration-unavailable.json",
            Stops(K::Credentials, &["self-service registration"]),
        ),
        ("terminal-return-error-email.json", OKTA_SAID),
        (
            "error-request-activation-email-suspended.json",
            Stops(K::UserState, &["not activated"]),
        ),
        (
            "error-request-activation-email-invalid.json",
            Stops(K::UserState, &["not activated"]),
        ),
        (
            "error-unlock-account.json",
            Stops(K::UserState, &["locked out", "Unlock"]),
        ),
        (
            "error-unlock-account-failed-permissions.json",
            Stops(K::UserState, &["locked out", "Unlock"]),
        ),
        (
            "error-400-unlock-account.json",
            Stops(K::UserState, &["locked out", "Unlock"]),
        ),
        (
            "user-unlock-account.json",
            Stops(K::UserState, &["locked out", "Unlock"]),
        ),
        (
            "error-poll-400-device-account-invalid.json",
            Stops(K::UserState, &["Okta Verify on the user's device"]),
        ),
        (
            "error-identify-with-only-one-third-party-idp.json",
            Stops(K::UserState, &["external identity provider"]),
        ),
        (
            "failure-redirect-remediation.json",
            Stops(K::UserState, &["redirect to an error page"]),
        ),
        (
            "success-redirect-remediation.json",
            Stops(
                K::UserState,
                &[
                    "browser redirect instead of an interaction code",
                    "Interaction Code grant",
                ],
            ),
        ),
        (
            "email-challenge-consent.json",
            Stops(K::UserState, &["emailed sign-in link"]),
        ),
        (
            "authenticator-verification-idp-with-clear.json",
            Stops(K::UserState, &["identity verification"]),
        ),
        ("identify-with-no-sso-extension.json", DEVICE),
        ("identify-with-device-launch-authenticator.json", DEVICE),
        ("identify-with-apple-redirect-sso-extension-2.json", DEVICE),
        (
            "identify-with-webauthn-launch-authenticator.json",
            Stops(
                K::UserState,
                &["security key, passkey or biometric (WebAuthn)"],
            ),
        ),
        ("authenticator-expired-password-no-complexity.json", EXPIRED),
        ("authenticator-expired-custom-password.json", EXPIRED),
        (
            "_ui-demo.json",
            Stops(
                K::UserState,
                &["no step gatecheck can follow (offered: DEVELOPMENT)"],
            ),
        ),
        (
            "post-auth-keep-me-signed-in.json",
            Token(&["/idp/idx/keep-me-signed-in"]),
        ),
        ("consent-enduser.json", CONSENT),
        ("consent-admin.json", CONSENT),
        ("consent-granular-prefix-collision.json", CONSENT),
        ("enroll-profile-update-params.json", FOLLOWS_SKIP),
        (
            "error-internal-server-error.json",
            Stops(K::UserState, &["an error inside Okta"]),
        ),
        (
            "authenticator-verification-symantec-vip.json",
            Stops(K::UserState, &["Symantec VIP code", TOTP_INSTEAD]),
        ),
        (
            "authenticator-verification-yubikey.json",
            Stops(K::UserState, &["YubiKey OTP"]),
        ),
        (
            "authenticator-verification-custom-otp.json",
            Token(&["/idp/idx/challenge"]),
        ),
        // The password (or a TOTP authenticator) is among the choices: chosen.
        (
            "authenticator-verification-tac.json",
            Token(&["/idp/idx/challenge"]),
        ),
        (
            "user-account-unlock-answer-1-choose-auth-after-unlock.json",
            Stops(K::UserState, &["security question"]),
        ),
        ("authenticator-enroll-on-prem.json", ENROLL),
        ("authenticator-enroll-ov-via-sms.json", ENROLL),
        (
            "authenticator-enroll-select-authenticator-with-skip.json",
            FOLLOWS_SKIP,
        ),
        ("error-authenticator-enroll-custom-otp.json", OKTA_SAID),
        ("error-authenticator-verification-idp.json", OKTA_SAID),
        ("error-authenticator-webauthn-failure.json", OKTA_SAID),
        (
            "authenticator-verification-okta-verify-push.json",
            Token(&["/idp/idx/challenge"]),
        ),
        (
            "error-401-invalid-otp-passcode.json",
            Stops(K::UserState, &["code was rejected"]),
        ),
        (
            "error-authenticator-verification-on-google-otp-used-passcode.json",
            Stops(
                K::UserState,
                &["Google Authenticator code was rejected", "totp_secret"],
            ),
        ),
        (
            "identify-unknown-user.json",
            Stops(K::Credentials, &["the username or password was rejected"]),
        ),
        ("error-403-access-denied.json", DENIED),
        // Answers that are not IDX responses: Okta's words still shown.
        (
            "error-400-unauthorized-client.json",
            Stops(
                K::UserState,
                &[
                    "unauthorized_client",
                    "The client is not authorized to use the provided grant type",
                    "Interaction Code grant",
                ],
            ),
        ),
        (
            "error-403-proxy-block.json",
            Stops(
                K::UserState,
                &["403", "Forbidden", "Access denied by network policy"],
            ),
        ),
        (
            "error-500-internal-server-error.json",
            Stops(K::UserState, &["500", "internal server error"]),
        ),
        (
            "error-429-api-limit-exceeded.json",
            Stops(K::RateLimited, &["E0000047 API call exceeded rate limit"]),
        ),
    ];
    let mut failed = Vec::new();
    for (name, expect) in cases {
        let case = tokio::spawn(async move { idx_one(&format!("{W}{name}"), expect).await });
        if case.await.is_err() {
            failed.push(name);
        }
    }
    let early: Vec<(&str, Expect)> = vec![
        (
            "challenge-password.json",
            Token(&["/idp/idx/challenge/answer"]),
        ),
        // Despite its name, the factor is an email one.
        (
            "poll-for-password.json",
            Stops(K::UserState, &["type email: a code or link sent by email"]),
        ),
        ("request-factor.json", Token(&["/idp/idx/challenge"])),
        (
            "select-factor-email.json",
            Stops(
                K::UserState,
                &["factor other than the password", TOTP_INSTEAD],
            ),
        ),
        ("terminal-return-email.json", NO_NEXT_STEP),
        ("error-authenticator-enroll.json", OKTA_SAID),
        ("request-identifier-with-idps.json", FOLLOWS_IDENTIFY),
        // A recording of a broken href (`localhost:3000.com`).
        (
            "safari-relatesTo-response.json",
            Stops(K::Protocol, &["href that is not a URL"]),
        ),
        (
            "safari-relatesTo-fixed-response.json",
            Stops(K::Protocol, &["href that is not a URL"]),
        ),
        (
            "authenticator-verification-password.json",
            Token(&["/idp/idx/challenge/answer"]),
        ),
        (
            "authenticator-verification-select-authenticator.json",
            Token(&["/idp/idx/challenge"]),
        ),
        (
            "success.json",
            Stops(
                K::UserState,
                &["browser redirect instead of an interaction code"],
            ),
        ),
    ];
    for (name, expect) in early {
        let case = tokio::spawn(async move { idx_one(&format!("{A}{name}"), expect).await });
        if case.await.is_err() {
            failed.push(name);
        }
    }
    idx_one(
        &format!("{J}introspect-error-response.json"),
        Stops(
            K::Protocol,
            &["sign-in transaction expired", "The session has expired."],
        ),
    )
    .await;
    assert!(
        failed.is_empty(),
        "cases that failed (their panics are above): {failed:#?}"
    );
}

/// An IDX flow answered by path, as okta-idx-java's tests serve its
/// scenario recordings: each path's answer once, in order.
async fn idx_flow(case: &str, routes: &[(&str, &str)], extra: &str, expect: Expect) -> Fake {
    let fake = Fake::start().await;
    let mut said = Vec::new();
    for (path, rel) in routes {
        let answer = load(rel);
        if !matches!(expect, Token(_)) {
            said.clear();
            messages(&answer.body, &mut said);
        }
        fake.on(path, answer);
    }
    let fixture = fake.fixture("okta-idx", extra);
    check(case, &fake, &fixture, &expect, &said).await;
    fake
}

/// The body posted to `path` (the first time).
fn posted(fake: &Fake, path: &str) -> Value {
    fake.posted()
        .into_iter()
        .find(|(p, _)| p == path)
        .map(|(_, body)| body)
        .unwrap_or_else(|| panic!("nothing posted to {path}"))
}

/// okta-idx-java's scenario 1.1.x: identify, then the password challenge of
/// an org whose authenticator has `type: password` and no `key`.
#[tokio::test]
async fn idx_java_password_scenarios() {
    let scenario = |n: &str, answer: &'static str| -> Vec<(String, String)> {
        let dir = format!("{J}scenario_1_1_{n}/");
        vec![
            (
                "/idp/idx/introspect".into(),
                format!("{dir}introspect-response.json"),
            ),
            (
                "/idp/idx/identify".into(),
                format!("{dir}identify-response.json"),
            ),
            ("/idp/idx/challenge/answer".into(), format!("{dir}{answer}")),
            (
                "/oauth2/v1/token".into(),
                format!("{dir}token-response.json"),
            ),
        ]
    };
    let cases: Vec<(&str, Expect)> = vec![
        (
            "1",
            Token(&["/idp/idx/identify", "/idp/idx/challenge/answer"]),
        ),
        (
            "2",
            Stops(
                K::Credentials,
                &[
                    "Okta has no user `testuser@example.com`",
                    "There is no account with the Username mary@unknown.com.",
                ],
            ),
        ),
        (
            "3",
            Stops(
                K::Credentials,
                &[
                    "the password was rejected",
                    "Password is incorrect",
                    "OKTA_PASSWORD",
                ],
            ),
        ),
        (
            "4",
            Stops(K::UserState, &["User is not assigned to this application"]),
        ),
        (
            "5",
            Stops(
                K::Credentials,
                &[
                    "the username or password was rejected",
                    "Authentication failed",
                ],
            ),
        ),
        (
            "6",
            Stops(
                K::UserState,
                &["authenticator is suspended", "This factor is suspended"],
            ),
        ),
        (
            "7",
            Stops(K::Credentials, &["the username or password was rejected"]),
        ),
    ];
    for (n, expect) in cases {
        let routes = scenario(n, "answer-response.json");
        let routes: Vec<(&str, &str)> = routes
            .iter()
            .filter(|(_, rel)| corpus(rel).exists())
            .map(|(p, r)| (p.as_str(), r.as_str()))
            .collect();
        let fake = idx_flow(&format!("scenario_1_1_{n}"), &routes, "", expect).await;
        let identify = posted(&fake, "/idp/idx/identify");
        assert_eq!(identify["identifier"], USERNAME);
        let answer = posted(&fake, "/idp/idx/challenge/answer");
        assert_eq!(answer["credentials"]["passcode"], PASSWORD, "scenario {n}");
    }
}

/// okta-idx-java: an unknown user in the recovery flow's identify; a
/// policy that asks for an email code (6.1.x) or an SMS (6.2.2).
#[tokio::test]
async fn idx_java_other_scenarios() {
    let d = |s: &str, f: &str| format!("{J}{s}/{f}");
    let r312 = [
        (
            "/idp/idx/introspect",
            d("scenario_3_1_2", "introspect-response.json"),
        ),
        (
            "/idp/idx/identify",
            d("scenario_3_1_2", "identify-response.json"),
        ),
    ];
    let routes: Vec<(&str, &str)> = r312.iter().map(|(p, r)| (*p, r.as_str())).collect();
    idx_flow(
        "scenario_3_1_2",
        &routes,
        "",
        Stops(K::Credentials, &["Okta has no user"]),
    )
    .await;
    for s in ["scenario_6_1_2", "scenario_6_1_3"] {
        let r = [
            ("/idp/idx/introspect", d(s, "introspect-response.json")),
            ("/idp/idx/identify", d(s, "identify-response.json")),
        ];
        let routes: Vec<(&str, &str)> = r.iter().map(|(p, r)| (*p, r.as_str())).collect();
        let expect = Stops(
            K::UserState,
            &[
                "asks for one of: Email (okta_email)",
                "none of them can be answered headlessly",
                TOTP_INSTEAD,
            ],
        );
        idx_flow(s, &routes, "", expect).await;
    }
    let s = "scenario_6_2_2";
    let r = [
        ("/idp/idx/introspect", d(s, "introspect-response.json")),
        ("/idp/idx/identify", d(s, "identify-response.json")),
    ];
    let routes: Vec<(&str, &str)> = r.iter().map(|(p, r)| (*p, r.as_str())).collect();
    let expect = Stops(
        K::UserState,
        &["Phone (phone_number): a code sent by SMS or voice call"],
    );
    idx_flow(s, &routes, "", expect).await;
    let s = "scenario_5_1_1";
    let r = [("/idp/idx/introspect", d(s, "introspect-response.json"))];
    let routes: Vec<(&str, &str)> = r.iter().map(|(p, r)| (*p, r.as_str())).collect();
    // identify with the password, then the fake has no answer recorded:
    // Okta's next answer is not part of this scenario, so only the post is checked.
    let fake = Fake::start().await;
    for (path, rel) in &routes {
        fake.on(path, load(rel));
    }
    fake.succeed_after_follow();
    let fixture = fake.fixture("okta-idx", "");
    check(s, &fake, &fixture, &Token(&["/idp/idx/identify"]), &[]).await;
    let identify = posted(&fake, "/idp/idx/identify");
    assert_eq!(identify["credentials"]["passcode"], PASSWORD);
}

/// The Sign-In Widget's mocks chained: identify, then the password, a
/// Google Authenticator code, or Okta Verify's code chosen from a list.
#[tokio::test]
async fn widget_sign_in_flows() {
    let w = |f: &str| format!("{W}{f}");
    let flows: Vec<Flow> = vec![
        (
            "identify, then the password",
            vec![
                ("/idp/idx/introspect", w("identify.json")),
                (
                    "/idp/idx/identify",
                    w("authenticator-verification-password.json"),
                ),
            ],
            "",
            Token(&["/idp/idx/identify", "/idp/idx/challenge/answer"]),
        ),
        (
            "identify, then a Google Authenticator code",
            vec![
                ("/idp/idx/introspect", w("identify.json")),
                (
                    "/idp/idx/identify",
                    w("authenticator-verification-google-authenticator.json"),
                ),
            ],
            "totp_secret: JBSWY3DPEHPK3PXP\n",
            Token(&["/idp/idx/identify", "/idp/idx/challenge/answer"]),
        ),
        (
            // The password is offered beside it: chosen instead.
            "identify, then Google Authenticator without a secret",
            vec![
                ("/idp/idx/introspect", w("identify.json")),
                (
                    "/idp/idx/identify",
                    w("authenticator-verification-google-authenticator.json"),
                ),
            ],
            "",
            Token(&["/idp/idx/identify", "/idp/idx/challenge"]),
        ),
        (
            "a choice of authenticators, then Okta Verify's code",
            vec![
                ("/idp/idx/introspect", w("identify-with-password.json")),
                (
                    "/idp/idx/identify",
                    w("authenticator-verification-select-authenticator.json"),
                ),
                (
                    "/idp/idx/challenge",
                    w("authenticator-verification-okta-verify-totp.json"),
                ),
            ],
            "totp_secret: JBSWY3DPEHPK3PXP\n",
            Token(&[
                "/idp/idx/identify",
                "/idp/idx/challenge",
                "/idp/idx/challenge/answer",
            ]),
        ),
    ];
    for (case, routes, extra, expect) in flows {
        let fake = Fake::start().await;
        for (path, rel) in &routes {
            fake.on(path, load(rel));
        }
        fake.succeed_after_follow();
        let fixture = fake.fixture("okta-idx", extra);
        check(case, &fake, &fixture, &expect, &[]).await;
        if let Token(paths) = expect
            && paths.contains(&"/idp/idx/challenge/answer")
        {
            let answer = posted(&fake, "/idp/idx/challenge/answer");
            let secret = answer["credentials"]["passcode"]
                .as_str()
                .or(answer["credentials"]["totp"].as_str())
                .unwrap_or_default()
                .to_owned();
            if extra.is_empty() {
                assert_eq!(secret, PASSWORD, "{case}");
            } else {
                assert!(
                    secret.len() == 6 && secret.bytes().all(|b| b.is_ascii_digit()),
                    "{case}: {answer}"
                );
            }
        }
    }
}

/// okta-auth-js's recordings of an early Identity Engine org: identify,
/// `select-factor` by factorId, `challenge-factor` for the password.
#[tokio::test]
async fn an_early_identity_engine_org() {
    let fake = Fake::start().await;
    fake.on(
        "/idp/idx/introspect",
        load(&format!("{A}request-identifier.json")),
    )
    .on(
        "/idp/idx/identify",
        load(&format!("{A}request-factor.json")),
    )
    .on(
        "/idp/idx/challenge",
        load(&format!("{A}challenge-password.json")),
    )
    .succeed_after_follow();
    let fixture = fake.fixture("okta-idx", "");
    let expect = Token(&[
        "/idp/idx/identify",
        "/idp/idx/challenge",
        "/idp/idx/challenge/answer",
    ]);
    check("early org", &fake, &fixture, &expect, &[]).await;
    assert_eq!(
        posted(&fake, "/idp/idx/challenge")["factorId"],
        "00u1wlnlh2x3sQemR357"
    );
    assert_eq!(
        posted(&fake, "/idp/idx/challenge/answer")["credentials"]["passcode"],
        PASSWORD
    );
}

/// An IDX form on another origin than okta_url's is refused before the
/// password is sent.
#[tokio::test]
async fn an_idx_form_on_another_origin_is_refused() {
    let fake = Fake::start().await;
    let mut answer = load(&format!("{W}identify-with-password.json"));
    let forms = answer.body["remediation"]["value"].as_array_mut().unwrap();
    for form in forms {
        let href = form["href"]
            .as_str()
            .unwrap()
            .replace("http://localhost:3000", "http://127.0.0.1:9");
        form["href"] = Value::String(href);
    }
    fake.on("/idp/idx/introspect", answer);
    let expect = Stops(
        K::Protocol,
        &[
            "a form to another origin (http://127.0.0.1:9)",
            "refusing to send the password",
        ],
    );
    check(
        "foreign identify form",
        &fake,
        &fake.fixture("okta-idx", ""),
        &expect,
        &[],
    )
    .await;
    assert_eq!(fake.posted().len(), 1, "only introspect was posted");
}

/// okta-auth-js's recording of identify for an unknown user: the identify
/// form again, with an INFO message holding HTML.
#[tokio::test]
async fn an_unknown_user_is_told_in_oktas_words() {
    let fake = Fake::start().await;
    fake.on(
        "/idp/idx/introspect",
        load(&format!("{A}request-identifier.json")),
    )
    .on("/idp/idx/identify", load(&format!("{A}unknown-user.json")));
    let expect = Stops(
        K::Credentials,
        &[
            "Okta has no user `testuser@example.com`",
            "Okta said \"There is no account with the email test@rain.com. Sign up for an account\" (idx.unknown.user)",
            "check the fixture's username (OKTA_USERNAME)",
        ],
    );
    check(
        "unknown user",
        &fake,
        &fake.fixture("okta-idx", ""),
        &expect,
        &[],
    )
    .await;
}

/// /v1/interact refusing: the org is not on Identity Engine (the widget's
/// recording), or PKCE is missing (okta-idx-java's camelCase shape).
#[tokio::test]
async fn interact_refusals_are_explained() {
    let fake = Fake::start().await;
    let mut answer =
        load("okta-signin-widget/playground/mocks/data/oauth2/error-feature-not-enabled.json");
    answer.status = 400;
    fake.on("/oauth2/default/v1/interact", answer);
    let expect = Stops(
        K::Authorize,
        &[
            "The requested feature is not enabled in this environment.",
            "not on Identity Engine",
            "kind okta-pkce",
            "Interaction Code grant",
        ],
    );
    check(
        "feature not enabled",
        &fake,
        &fake.fixture("okta-idx", ""),
        &expect,
        &[],
    )
    .await;
    let fake = Fake::start().await;
    let mut answer = load(&format!("{J}interact-error-response.json"));
    answer.status = 400;
    fake.on("/oauth2/default/v1/interact", answer);
    let expect = Stops(
        K::Authorize,
        &["invalid_request", "PKCE code challenge is required"],
    );
    check(
        "interact invalid_request",
        &fake,
        &fake.fixture("okta-idx", ""),
        &expect,
        &[],
    )
    .await;
}

/// The path of the first link found at `pointer` (a HAL link or a list of them).
fn link_path(body: &Value, pointer: &str) -> String {
    let link = body
        .pointer(pointer)
        .unwrap_or_else(|| panic!("no {pointer}"));
    let link = link.as_array().and_then(|l| l.first()).unwrap_or(link);
    let href = link["href"]
        .as_str()
        .unwrap()
        .replace("<%= uri %>", "http://x");
    reqwest::Url::parse(&href).unwrap().path().to_owned()
}

/// The first TOTP factor's verify link.
fn totp_verify_path(body: &Value) -> String {
    let factors = body["_embedded"]["factors"].as_array().unwrap();
    let i = factors
        .iter()
        .position(|f| f["factorType"] == "token:software:totp")
        .unwrap();
    link_path(body, &format!("/_embedded/factors/{i}/_links/verify"))
}

/// Classic /api/v1/authn answered by `first`, then `then` (path, file) in order.
async fn classic(
    case: &str,
    first: &str,
    then: &[(String, String)],
    extra: &str,
    expect: Expect,
) -> Fake {
    let fake = Fake::start().await;
    let answer = load(first);
    let mut said = Vec::new();
    if let Some(summary) = answer.body["errorSummary"].as_str() {
        said.push(summary.to_owned());
    }
    fake.on("/api/v1/authn", answer);
    for (path, rel) in then {
        fake.on(path, load(rel));
    }
    let fixture = fake.fixture("okta-pkce", extra);
    check(case, &fake, &fixture, &expect, &said).await;
    fake
}

const TOTP_LINE: &str = "totp_secret: JBSWY3DPEHPK3PXP\n";

/// Every status and error of the Authentication API in okta-auth-js's and
/// the Sign-In Widget's recordings: what happened and what to change.
#[tokio::test]
async fn every_recorded_classic_authn_answer_is_passed_or_explained() {
    const MFA: &str = "MFA_CHALLENGE at POST";
    let cases: Vec<(String, Expect)> = vec![
        (format!("{X}success.js"), Token(&[])),
        (format!("{WA}success-001.json"), Token(&[])),
        (
            format!("{X}primary-auth-error.js"),
            Stops(
                K::Credentials,
                &["E0000004", "OKTA_USERNAME / OKTA_PASSWORD"],
            ),
        ),
        (
            format!("{WA}error-authentication-failed.json"),
            Stops(K::Credentials, &["E0000004"]),
        ),
        (
            format!("{X}error-throttle.js"),
            Stops(
                K::RateLimited,
                &["E0000047", "did not say when the limit resets"],
            ),
        ),
        (
            format!("{X}error-token.js"),
            Stops(K::UserState, &["E0000011", "state token expired"]),
        ),
        (
            format!("{X}error-operation.js"),
            Stops(
                K::UserState,
                &["E0000079", "not in a state that allows this step"],
            ),
        ),
        (
            format!("{X}error-password-requirements.js"),
            Stops(K::UserState, &["E0000080", "set the test user's password"]),
        ),
        (
            format!("{X}password-expired-error-complexity.js"),
            Stops(K::UserState, &["E0000080"]),
        ),
        (
            format!("{X}password-expired-error-incorrect.js"),
            Stops(K::UserState, &["E0000014", "set the test user's password"]),
        ),
        (
            format!("{X}error-incorrect-old-password.js"),
            Stops(K::UserState, &["E0000014"]),
        ),
        (
            format!("{X}error-session-not-found.js"),
            Stops(K::UserState, &["E0000007", "check okta_url"]),
        ),
        (
            format!("{X}error-internal.js"),
            Stops(K::UserState, &["E0000009", "retry"]),
        ),
        (
            format!("{X}error-wrong-answer.js"),
            Stops(K::UserState, &["E0000087", "password recovery flow"]),
        ),
        (
            format!("{X}mfa-enroll-activate-error.js"),
            Stops(K::UserState, &["E0000068", "totp_secret"]),
        ),
        (
            format!("{WA}error-invalid-device-code.json"),
            Stops(K::UserState, &["E0000170", "device activation code"]),
        ),
        (
            format!("{X}mfa-challenge-push.js"),
            Stops(
                K::UserState,
                &[
                    MFA,
                    "Okta sent an Okta Verify push and waits for it to be approved",
                    "cannot approve a push",
                ],
            ),
        ),
        (
            format!("{WA}mfa-number-challenge-ov.json"),
            Stops(K::UserState, &[MFA, "waits for it to be approved"]),
        ),
        (
            format!("{X}mfa-challenge-sms.js"),
            Stops(
                K::UserState,
                &[
                    MFA,
                    "Okta sent an SMS code",
                    "cannot approve a push or read an SMS",
                ],
            ),
        ),
        (
            format!("{WA}mfa-challenge-email.json"),
            Stops(K::UserState, &[MFA, "Okta sent an email code"]),
        ),
        (
            format!("{X}mfa-enroll-activate-push-timeout.js"),
            Stops(
                K::UserState,
                &[
                    "MFA_ENROLL_ACTIVATE",
                    "the activation of an Okta Verify push timed out",
                    "Reset Multifactor",
                ],
            ),
        ),
        (
            format!("{X}mfa-enroll-activate-push-waiting.js"),
            Stops(
                K::UserState,
                &[
                    "MFA_ENROLL_ACTIVATE",
                    "waits for the activation of an Okta Verify push",
                ],
            ),
        ),
        (
            format!("{X}mfa-enroll-activate-sms.js"),
            Stops(K::UserState, &["MFA_ENROLL_ACTIVATE", "activation"]),
        ),
        (
            format!("{X}mfa-enroll-activate-totp-google.js"),
            Stops(
                K::UserState,
                &["MFA_ENROLL_ACTIVATE", "activation of a TOTP factor"],
            ),
        ),
        (
            format!("{X}mfa-enroll-activate-totp-okta.js"),
            Stops(K::UserState, &["MFA_ENROLL_ACTIVATE"]),
        ),
        (
            format!("{WA}mfa-enroll-activate-email.json"),
            Stops(K::UserState, &["MFA_ENROLL_ACTIVATE"]),
        ),
        (
            format!("{WA}mfa-enroll-activate-sms.json"),
            Stops(K::UserState, &["MFA_ENROLL_ACTIVATE"]),
        ),
        (
            format!("{WA}mfa-enroll-ov-manual.json"),
            Stops(K::UserState, &["MFA_ENROLL_ACTIVATE", "Okta Verify push"]),
        ),
        (
            format!("{WA}mfa-enroll-qr-okta-verify.json"),
            Stops(K::UserState, &["MFA_ENROLL_ACTIVATE"]),
        ),
        (
            format!("{X}mfa-enroll.js"),
            Stops(
                K::UserState,
                &[
                    "MFA_ENROLL at",
                    "offers no skip",
                    "authenticator enrollment policy",
                ],
            ),
        ),
        (
            format!("{WA}mfa-enroll-totp.json"),
            Stops(K::UserState, &["MFA_ENROLL at", "offers no skip"]),
        ),
        (
            format!("{WA}mfa-enroll-sms.json"),
            Stops(K::UserState, &["MFA_ENROLL at"]),
        ),
        (
            format!("{WA}mfa-enroll-email-with-sms-enrolled.json"),
            Stops(K::UserState, &["MFA_ENROLL at"]),
        ),
        (
            format!("{X}factor-enroll.js"),
            Stops(K::UserState, &["FACTOR_ENROLL at", "offers no skip"]),
        ),
        (
            format!("{X}factor-enroll-activate-sms.js"),
            Stops(K::UserState, &["FACTOR_ENROLL_ACTIVATE", "activation"]),
        ),
        (
            format!("{X}mfa-required.js"),
            Stops(
                K::UserState,
                &["MFA_REQUIRED", "set totp_secret (OKTA_TOTP_SECRET)"],
            ),
        ),
        (
            format!("{WA}mfa-required-email.json"),
            Stops(K::UserState, &["MFA_REQUIRED"]),
        ),
        (
            format!("{WA}mfa-required-oktaverify.json"),
            Stops(K::UserState, &["MFA_REQUIRED"]),
        ),
        (
            format!("{X}password-expired.js"),
            Stops(K::UserState, &["PASSWORD_EXPIRED", "Reset Password"]),
        ),
        (
            format!("{X}password-reset.js"),
            Stops(K::UserState, &["PASSWORD_RESET", "password recovery flow"]),
        ),
        (
            format!("{WA}recovery-answer.json"),
            Stops(K::UserState, &["PASSWORD_RESET"]),
        ),
        (
            format!("{X}recovery.js"),
            Stops(K::UserState, &["RECOVERY at", "password recovery flow"]),
        ),
        (
            format!("{WA}recovery-password.json"),
            Stops(K::UserState, &["RECOVERY at"]),
        ),
        (
            format!("{X}recovery-challenge-email.js"),
            Stops(
                K::UserState,
                &["RECOVERY_CHALLENGE", "password recovery flow"],
            ),
        ),
        (
            format!("{X}recovery-challenge-password.js"),
            Stops(K::UserState, &["RECOVERY_CHALLENGE"]),
        ),
        (
            format!("{WA}recovery-challenge-sms-pwd.json"),
            Stops(K::UserState, &["RECOVERY_CHALLENGE"]),
        ),
        (
            format!("{X}locked-out.js"),
            Stops(
                K::UserState,
                &["LOCKED_OUT", "unlock it in the Admin Console"],
            ),
        ),
        (
            format!("{WA}consent-required.json"),
            Stops(K::UserState, &["CONSENT_REQUIRED", "Require consent"]),
        ),
        (
            format!("{WA}consent-required-granular.json"),
            Stops(K::UserState, &["CONSENT_REQUIRED"]),
        ),
        (
            format!("{WA}admin-consent-required.json"),
            Stops(K::UserState, &["ADMIN_CONSENT_REQUIRED", "Require consent"]),
        ),
        (
            format!("{WA}device-code-activate.json"),
            Stops(K::UserState, &["DEVICE_ACTIVATE", "device activation code"]),
        ),
        (
            format!("{WA}device-code-activate-userCode.json"),
            Stops(K::UserState, &["DEVICE_ACTIVATE"]),
        ),
        (
            format!("{WA}error-device-code-activate.json"),
            Stops(K::UserState, &["DEVICE_ACTIVATE"]),
        ),
        (
            format!("{WA}unauthenticated.json"),
            Stops(
                K::UserState,
                &["UNAUTHENTICATED", "identity-first or passwordless"],
            ),
        ),
        (
            format!("{WA}unauthenticated-using-device-flow.json"),
            Stops(K::UserState, &["UNAUTHENTICATED"]),
        ),
        (
            format!("{WA}terminal-device-activated.json"),
            Stops(
                K::Protocol,
                &["SUCCESS without a sessionToken", "device activation"],
            ),
        ),
        (
            format!("{WA}terminal-device-not-activated-consent-denied.json"),
            Stops(K::Protocol, &["SUCCESS without a sessionToken"]),
        ),
        (
            format!("{WA}terminal-device-not-activated-internal-error.json"),
            Stops(K::Protocol, &["SUCCESS without a sessionToken"]),
        ),
    ];
    for (rel, expect) in cases {
        classic(&rel, &rel, &[], "", expect).await;
    }
}

/// The multi-step Classic paths: the password warning skipped, TOTP
/// verified with a code, a wrong code named.
#[tokio::test]
async fn classic_skip_and_totp() {
    let warn = load(&format!("{X}password-warn.js"));
    let skip = link_path(&warn.body, "/_links/skip");
    let then = [(skip.clone(), format!("{X}success.js"))];
    let expect = token_after(vec![skip]);
    classic(
        "password warn",
        &format!("{X}password-warn.js"),
        &then,
        "",
        expect,
    )
    .await;

    for first in [
        format!("{X}mfa-required.js"),
        format!("{WA}mfa-all-factors.json"),
        format!("{WA}mfa-required-oktaverify.json"),
    ] {
        let verify = totp_verify_path(&load(&first).body);
        let then = [(verify.clone(), format!("{X}success.js"))];
        // The fake checks the passCode against the secret.
        classic(
            &first,
            &first,
            &then,
            TOTP_LINE,
            token_after(vec![verify.clone()]),
        )
        .await;

        let then = [(verify, format!("{X}mfa-required-error.js"))];
        let expect = Stops(
            K::UserState,
            &[
                "E0000068",
                "Invalid Passcode/Answer",
                "check that totp_secret",
            ],
        );
        classic(&first, &first, &then, TOTP_LINE, expect).await;
    }
}

/// A factor's verify link on another origin than okta_url's is refused:
/// neither the state token nor a code leaves the org.
#[tokio::test]
async fn a_verify_link_to_another_origin_is_refused() {
    let fake = Fake::start().await;
    let mut answer = load(&format!("{X}mfa-required.js"));
    let factors = answer.body["_embedded"]["factors"].as_array_mut().unwrap();
    for factor in factors {
        let href = factor["_links"]["verify"]["href"]
            .as_str()
            .unwrap()
            .to_owned();
        factor["_links"]["verify"]["href"] =
            Value::String(href.replace("<%= uri %>", "http://127.0.0.1:9"));
    }
    fake.on("/api/v1/authn", answer);
    let fixture = fake.fixture("okta-pkce", TOTP_LINE);
    let expect = Stops(
        K::Protocol,
        &[
            "a link to another origin (http://127.0.0.1:9)",
            "refusing to send the state token",
        ],
    );
    check("foreign verify link", &fake, &fixture, &expect, &[]).await;
    assert_eq!(fake.posted().len(), 1, "only /api/v1/authn was posted");
}

/// okta-sdk-python's recording: an app that requires DPoP answers a token
/// request without a proof with invalid_dpop_proof; the fixture lacks `dpop: true`.
#[tokio::test]
async fn a_dpop_app_without_dpop_true_says_to_set_it() {
    let fake = Fake::start().await;
    fake.on("/api/v1/authn", load(&format!("{X}success.js")));
    let cassette = "okta-sdk-python/tests/integration/cassettes/test_dpop_it/TestDPoPBackwardCompatibility.test_private_key_auth_without_dpop.yaml";
    fake.on("/oauth2/default/v1/token", load(cassette));
    let expect = Stops(
        K::Token,
        &[
            "invalid_dpop_proof",
            "The DPoP proof JWT header is missing.",
            "set `dpop: true` in the fixture",
        ],
    );
    check(
        "dpop required",
        &fake,
        &fake.fixture("okta-pkce", ""),
        &expect,
        &[],
    )
    .await;
    let (result, _) = run(&fake.fixture("okta-pkce", "")).await;
    assert!(!result.unwrap_err().to_string().contains("clock"));
}
