//! decide() on IDX responses shaped like Okta's (as captured in the
//! Sign-In Widget's and okta-auth-js's test data).

use super::*;
use serde_json::json;

fn at() -> At {
    At::new(
        "POST",
        &reqwest::Url::parse("https://org.okta.com/idp/idx/identify").unwrap(),
    )
}

fn response(value: Value) -> IdxResponse {
    IdxResponse::parse(value).expect("an IDX response")
}

fn sh() -> Value {
    json!({"name": "stateHandle", "required": true, "value": "02sh", "visible": false, "mutable": false})
}

fn code() -> Result<String, LoginFailure> {
    Ok("123456".to_owned())
}

fn known(totp: bool) -> Known<'static> {
    Known {
        username: "ada@example.com",
        password: "pw",
        totp: totp.then_some(&code as &CodeFn),
    }
}

fn run(value: Value, totp: bool) -> Result<Action, LoginFailure> {
    decide(
        &response(value),
        &known(totp),
        &mut Progress::default(),
        &at(),
    )
}

fn body(action: Action) -> (String, Value) {
    match action {
        Action::Post { name, body, .. } => (name, body),
        other => panic!("expected a post, got {other:?}"),
    }
}

#[test]
fn identify_with_password_sends_both() {
    let value = json!({"stateHandle": "02sh", "version": "1.0.0", "remediation": {"type": "array", "value": [
        {"rel": ["create-form"], "name": "identify", "href": "https://org.okta.com/idp/idx/identify", "method": "POST",
         "value": [{"name": "identifier", "label": "Username", "required": true},
                   {"name": "credentials", "type": "object", "required": true, "form": {"value": [{"name": "passcode", "label": "Password", "secret": true}]}},
                   {"name": "rememberMe", "type": "boolean"}, sh()]},
        {"rel": ["create-form"], "name": "select-enroll-profile", "href": "https://org.okta.com/idp/idx/enroll", "value": [sh()]}
    ]}});
    let (name, body) = body(run(value, false).unwrap());
    assert_eq!(name, "identify");
    assert_eq!(
        body,
        json!({"identifier": "ada@example.com", "credentials": {"passcode": "pw"}, "stateHandle": "02sh"})
    );
}

#[test]
fn google_authenticator_challenge_is_answered_with_a_code() {
    let value = json!({"stateHandle": "02sh", "remediation": {"type": "array", "value": [
        {"name": "challenge-authenticator", "relatesTo": ["$.currentAuthenticator"], "href": "https://org.okta.com/idp/idx/challenge/answer",
         "value": [{"name": "credentials", "type": "object", "form": {"value": [{"name": "passcode", "label": "Enter code", "required": true}]}, "required": true}, sh()]}
    ]}, "currentAuthenticator": {"type": "object", "value": {"key": "google_otp", "type": "app", "displayName": "Google Authenticator", "methods": [{"type": "otp"}]}}});
    let (name, body) = body(run(value.clone(), true).unwrap());
    assert_eq!(name, "challenge-authenticator");
    assert_eq!(body["credentials"], json!({"passcode": "123456"}));
    let err = run(value, false).unwrap_err().to_string();
    assert_eq!(
        err,
        "Okta Identity Engine stopped the sign-in at POST https://org.okta.com/idp/idx/identify: \
         the app's policy asks for a code from Google Authenticator (google_otp) but the fixture has no totp_secret; \
         set totp_secret (OKTA_TOTP_SECRET) to the secret of the test user's enrollment of that authenticator (the base32 key shown when it was enrolled)"
    );
}

#[test]
fn okta_verify_is_selected_by_its_enrollment_with_the_totp_method() {
    let value = json!({"stateHandle": "02sh", "remediation": {"type": "array", "value": [
        {"name": "select-authenticator-authenticate", "href": "https://org.okta.com/idp/idx/challenge", "value": [
            {"name": "authenticator", "type": "object", "options": [
                {"label": "Email", "value": {"form": {"value": [{"name": "id", "required": true, "value": "autEmail", "mutable": false}]}}, "relatesTo": "$.authenticatorEnrollments.value[0]"},
                {"label": "Okta Verify", "value": {"form": {"value": [
                    {"name": "id", "required": true, "value": "autOv", "mutable": false},
                    {"name": "methodType", "type": "string", "required": false, "options": [{"label": "Push", "value": "push"}, {"label": "Code", "value": "totp"}]}]}},
                 "relatesTo": "$.authenticatorEnrollments.value[1]"}
            ]}, sh()]}
    ]}, "authenticatorEnrollments": {"type": "array", "value": [
        {"key": "okta_email", "displayName": "Email", "methods": [{"type": "email"}]},
        {"key": "okta_verify", "displayName": "Okta Verify", "methods": [{"type": "push"}, {"type": "totp"}]}
    ]}});
    let (name, body) = body(run(value.clone(), true).unwrap());
    assert_eq!(name, "select-authenticator-authenticate");
    assert_eq!(
        body["authenticator"],
        json!({"id": "autOv", "methodType": "totp"})
    );
    let err = run(value, false).unwrap_err().to_string();
    assert!(
        err.contains("asks for one of: Email (okta_email), Okta Verify (okta_verify); none of them can be answered headlessly (the fixture has no totp_secret)"),
        "{err}"
    );
}

#[test]
fn an_error_message_stops_with_its_advice() {
    let value = json!({"stateHandle": "02sh", "messages": {"type": "array", "value": [
        {"message": "User is not assigned to this application.", "i18n": {"key": "idx.error.user.not.assigned.to.app"}, "class": "ERROR"}]}});
    let err = run(value, false).unwrap_err();
    assert_eq!(err.kind(), crate::auth::LoginErrorKind::Authorize);
    assert!(err.to_string().contains("access to the app was denied: Okta said \"User is not assigned to this application.\" (idx.error.user.not.assigned.to.app); assign the test user"), "{err}");
}

#[test]
fn a_message_on_a_field_counts() {
    let value = json!({"stateHandle": "02sh", "remediation": {"type": "array", "value": [
        {"name": "challenge-authenticator", "href": "https://org.okta.com/idp/idx/challenge/answer", "value": [
            {"name": "credentials", "form": {"value": [{"name": "passcode", "messages": {"type": "array", "value": [
                {"message": "Invalid code. Try again.", "i18n": {"key": "api.authn.error.PASSCODE_INVALID"}, "class": "ERROR"}]}}]}}, sh()]}
    ]}, "currentAuthenticatorEnrollment": {"type": "object", "value": {"key": "google_otp", "displayName": "Google Authenticator"}}});
    let err = run(value, true).unwrap_err().to_string();
    assert!(
        err.contains("the Google Authenticator code was rejected: Okta said \"Invalid code. Try again.\" (api.authn.error.PASSCODE_INVALID, on credentials.passcode)"),
        "{err}"
    );
}

#[test]
fn optional_enrollment_is_skipped_and_required_one_explained() {
    let enroll = json!({"name": "select-authenticator-enroll", "href": "https://org.okta.com/idp/idx/credential/enroll", "value": [
        {"name": "authenticator", "options": [{"label": "Google Authenticator", "value": {"form": {"value": [{"name": "id", "value": "autG", "mutable": false}]}}, "relatesTo": "$.authenticators.value[0]"}]}, sh()]});
    let skip =
        json!({"name": "skip", "href": "https://org.okta.com/idp/idx/skip", "value": [sh()]});
    let authenticators = json!({"type": "array", "value": [{"key": "google_otp", "displayName": "Google Authenticator"}]});
    let with_skip = json!({"stateHandle": "02sh", "remediation": {"value": [enroll.clone(), skip]}, "authenticators": authenticators.clone()});
    let (name, body) = body(run(with_skip, true).unwrap());
    assert_eq!(
        (name.as_str(), body),
        ("skip", json!({"stateHandle": "02sh"}))
    );
    let required = json!({"stateHandle": "02sh", "remediation": {"value": [enroll]}, "authenticators": authenticators});
    let err = run(required, true).unwrap_err().to_string();
    assert!(
        err.contains("Okta requires the test user to enroll an authenticator first (offered: Google Authenticator (google_otp))"),
        "{err}"
    );
}

#[test]
fn success_gives_the_interaction_code() {
    let value = json!({"stateHandle": "02sh", "successWithInteractionCode": {"rel": ["create-form"], "name": "issue",
        "href": "https://org.okta.com/oauth2/default/v1/token", "method": "POST", "value": [
            {"name": "grant_type", "required": true, "value": "interaction_code"},
            {"name": "interaction_code", "required": true, "value": "the-code"},
            {"name": "client_id", "required": true, "value": "app"},
            {"name": "code_verifier", "required": true}]}});
    assert_eq!(
        run(value, false).unwrap(),
        Action::Exchange {
            href: "https://org.okta.com/oauth2/default/v1/token".into(),
            code: "the-code".into()
        }
    );
}

#[test]
fn unknown_remediations_are_named() {
    let value = json!({"stateHandle": "02sh", "remediation": {"value": [
        {"name": "redirect-idp", "href": "https://idp.example.com/sso", "value": []}]}});
    let err = run(value, false).unwrap_err().to_string();
    assert!(
        err.contains(
            "the policy sends the user to an external identity provider or smart card (offered: redirect-idp)"
        ),
        "{err}"
    );
}

fn password_challenge(authenticator: Value) -> Value {
    json!({"stateHandle": "02sh", "remediation": {"type": "array", "value": [
        {"name": "challenge-authenticator", "relatesTo": ["$.currentAuthenticatorEnrollment"], "href": "https://org.okta.com/idp/idx/challenge/answer",
         "value": [{"name": "credentials", "type": "object", "form": {"value": [{"name": "passcode", "label": "Password", "secret": true}]}, "required": true}, sh()]}
    ]}, "currentAuthenticatorEnrollment": {"type": "object", "value": authenticator}})
}

#[test]
fn a_password_challenge_without_a_key_is_answered_by_its_type() {
    // Recordings of older orgs: `type: password`, no `key`.
    let value = password_challenge(
        json!({"type": "password", "id": "lae1", "displayName": "Password", "methods": [{"type": "password"}]}),
    );
    let (name, body) = body(run(value, false).unwrap());
    assert_eq!(name, "challenge-authenticator");
    assert_eq!(body["credentials"], json!({"passcode": "pw"}));
}

#[test]
fn an_early_orgs_challenge_factor_and_select_factor_are_followed() {
    let value = json!({"stateHandle": "02sh", "remediation": {"type": "array", "value": [
        {"name": "select-factor", "href": "https://org.okta.com/idp/idx/challenge", "value": [
            {"name": "factorId", "type": "set", "options": [{"label": "Okta Password", "value": "00u1"}]}, sh()]}]},
        "factors": {"type": "array", "value": [{"factorType": "password", "factorId": "00u1"}]}});
    let (name, posted) = body(run(value, false).unwrap());
    assert_eq!(
        (name.as_str(), posted),
        (
            "select-factor",
            json!({"factorId": "00u1", "stateHandle": "02sh"})
        )
    );
    let value = json!({"stateHandle": "02sh", "remediation": {"type": "array", "value": [
        {"name": "challenge-factor", "href": "https://org.okta.com/idp/idx/challenge/answer", "value": [
            {"name": "credentials", "form": {"value": [{"name": "passcode", "label": "Password", "secret": true}]}}, sh()]}]},
        "factor": {"type": "object", "value": {"factorType": "password", "factorId": "00u1"}}});
    let (name, body) = body(run(value, false).unwrap());
    assert_eq!(name, "challenge-factor");
    assert_eq!(body["credentials"], json!({"passcode": "pw"}));
}

#[test]
fn an_unknown_user_is_named_with_oktas_words_without_html() {
    let identify = json!({"name": "identify", "href": "https://org.okta.com/idp/idx/identify", "value": [{"name": "identifier", "required": true}, sh()]});
    let value = json!({"stateHandle": "02sh", "remediation": {"type": "array", "value": [identify]},
        "messages": {"type": "array", "value": [{"message": "There is no account with the email <strong> ada@example.com </strong>. <a href=\"#\" class=\"js-sign-up\"> Sign up </a> for an account", "i18n": {"key": "idx.unknown.user"}, "class": "INFO"}]}});
    let mut progress = Progress {
        identified: true,
        ..Progress::default()
    };
    let err = decide(&response(value), &known(false), &mut progress, &at()).unwrap_err();
    assert_eq!(err.kind(), crate::auth::LoginErrorKind::Credentials);
    let text = err.to_string();
    assert!(
        text.contains("Okta has no user `ada@example.com`: Okta said \"There is no account with the email ada@example.com. Sign up for an account\" (idx.unknown.user); check the fixture's username"),
        "{text}"
    );
}

#[test]
fn a_password_asked_again_is_not_sent_twice() {
    let value = password_challenge(json!({"key": "okta_password", "type": "password"}));
    let mut progress = Progress {
        identified: true,
        answered: vec![PASSWORD.to_owned()],
    };
    let err = decide(&response(value), &known(false), &mut progress, &at()).unwrap_err();
    assert!(
        err.to_string()
            .contains("Okta asked for the password again"),
        "{err}"
    );
}

#[test]
fn e0000069_is_named() {
    let value = json!({"stateHandle": "02sh", "messages": {"type": "array", "value": [
        {"message": "Your account is locked because of too many authentication attempts.", "i18n": {"key": "errors.E0000069"}, "class": "ERROR"}]}});
    let text = run(value, false).unwrap_err().to_string();
    assert!(text.contains("locked after too many failed authenticator attempts: Okta said \"Your account is locked"), "{text}");
    assert!(text.contains("Reset Authenticators"), "{text}");
}

#[test]
fn an_unanswerable_authenticator_says_what_it_asks() {
    let value = json!({"stateHandle": "02sh", "remediation": {"type": "array", "value": [
        {"name": "challenge-authenticator", "relatesTo": ["$.currentAuthenticatorEnrollment"], "href": "https://org.okta.com/idp/idx/challenge/answer",
         "value": [{"name": "credentials", "form": {"value": [{"name": "passcode"}]}}, sh()]}]},
        "currentAuthenticatorEnrollment": {"type": "object", "value": {"key": "phone_number", "type": "phone", "displayName": "Phone"}}});
    let text = run(value, true).unwrap_err().to_string();
    assert!(text.contains("asks for Phone (phone_number): a code sent by SMS or voice call, which a headless login cannot answer"), "{text}");
}
