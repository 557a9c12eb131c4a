//! The emulator's IDX side on the wire: the media type, the forms Okta's
//! SDKs read, an expired stateHandle, and one-time interaction codes.

use serde_json::{Value, json};

use super::support::*;

const ION: &str = "application/ion+json; okta-version=1.0.0";

impl Harness {
    async fn interact(&self, challenge: &str) -> String {
        let form = [
            ("client_id", "demo-spa"),
            ("scope", "openid profile"),
            ("redirect_uri", REDIRECT),
            ("code_challenge", challenge),
            ("code_challenge_method", "S256"),
            ("state", "st"),
        ];
        let response = self
            .http
            .post(self.okta("/oauth2/default/v1/interact"))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.unwrap();
        body["interaction_handle"].as_str().unwrap().to_owned()
    }

    async fn idx(&self, path: &str, body: Value) -> (u16, String, Value) {
        let response = self
            .http
            .post(self.okta(path))
            .header("content-type", ION)
            .header("accept", ION)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let content_type = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_owned();
        (status, content_type, response.json().await.unwrap())
    }
}

fn form<'a>(body: &'a Value, name: &str) -> &'a Value {
    let forms = body["remediation"]["value"].as_array().unwrap();
    forms
        .iter()
        .find(|f| f["name"] == name)
        .unwrap_or_else(|| panic!("no {name} in {body}"))
}

#[tokio::test]
async fn introspect_offers_identify_as_an_ion_form() {
    let h = start().await;
    let (_, challenge) = pkce_pair();
    let handle = h.interact(&challenge).await;
    let (status, content_type, body) = h
        .idx(
            "/idp/idx/introspect",
            json!({ "interactionHandle": handle }),
        )
        .await;
    assert_eq!((status, content_type.as_str()), (200, ION));
    assert_eq!(body["version"], "1.0.0");
    let state_handle = body["stateHandle"].as_str().unwrap();
    let identify = form(&body, "identify");
    assert_eq!(identify["rel"], json!(["create-form"]));
    assert_eq!(identify["method"], "POST");
    assert_eq!(identify["href"], h.okta("/idp/idx/identify"));
    let names: Vec<&str> = identify["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["identifier", "credentials", "rememberMe", "stateHandle"]
    );
    let hidden = &identify["value"][3];
    assert_eq!(
        (hidden["value"].as_str(), &hidden["mutable"]),
        (Some(state_handle), &json!(false))
    );
}

#[tokio::test]
async fn the_whole_flow_and_a_one_time_interaction_code() {
    let h = start().await;
    let (verifier, challenge) = pkce_pair();
    let handle = h.interact(&challenge).await;
    let (_, _, body) = h
        .idx(
            "/idp/idx/introspect",
            json!({ "interactionHandle": handle }),
        )
        .await;
    let sh = body["stateHandle"].clone();
    let identify = json!({"identifier": "mfa@example.com", "credentials": {"passcode": "correct-horse"}, "stateHandle": sh});
    let (status, _, body) = h.idx("/idp/idx/identify", identify).await;
    assert_eq!(status, 200, "{body}");
    let challenge_form = form(&body, "challenge-authenticator");
    assert_eq!(
        challenge_form["relatesTo"],
        json!(["$.currentAuthenticatorEnrollment"])
    );
    assert_eq!(
        body["currentAuthenticatorEnrollment"]["value"]["key"],
        "google_otp"
    );
    let wrong = json!({"credentials": {"passcode": "000000"}, "stateHandle": sh});
    let (status, _, body) = h.idx("/idp/idx/challenge/answer", wrong).await;
    assert_eq!(status, 400);
    let field = &form(&body, "challenge-authenticator")["value"][0]["form"]["value"][0];
    assert_eq!(
        field["messages"]["value"][0]["i18n"]["key"],
        "api.authn.error.PASSCODE_INVALID"
    );
    let answer = json!({"credentials": {"passcode": totp_now(MFA_SECRET)}, "stateHandle": sh});
    let (status, _, body) = h.idx("/idp/idx/challenge/answer", answer).await;
    assert_eq!(status, 200, "{body}");
    let success = &body["successWithInteractionCode"];
    assert_eq!(success["href"], h.okta("/oauth2/default/v1/token"));
    let code = success["value"][1]["value"].as_str().unwrap().to_owned();
    let redeem = || {
        let form = [
            ("grant_type", "interaction_code"),
            ("client_id", "demo-spa"),
            ("interaction_code", code.as_str()),
            ("code_verifier", verifier.as_str()),
        ];
        h.http
            .post(h.okta("/oauth2/default/v1/token"))
            .form(&form)
            .send()
    };
    let first = redeem().await.unwrap();
    assert_eq!(first.status(), 200);
    let tokens: Value = first.json().await.unwrap();
    assert!(tokens["access_token"].is_string() && tokens["id_token"].is_string());
    let again: Value = redeem().await.unwrap().json().await.unwrap();
    assert_eq!(again["error"], "invalid_grant");
}

#[tokio::test]
async fn an_unknown_state_handle_has_expired() {
    let h = start().await;
    let (status, content_type, body) = h
        .idx(
            "/idp/idx/identify",
            json!({"identifier": "ada@example.com", "stateHandle": "02nope"}),
        )
        .await;
    assert_eq!((status, content_type.as_str()), (401, ION));
    assert_eq!(
        body["messages"]["value"][0]["i18n"]["key"],
        "idx.session.expired"
    );
}

#[tokio::test]
async fn interact_checks_the_client_and_pkce() {
    let h = start().await;
    let send = |form: Vec<(&'static str, &'static str)>| {
        h.http
            .post(h.okta("/oauth2/default/v1/interact"))
            .form(&form)
            .send()
    };
    let base = vec![
        ("client_id", "demo-spa"),
        ("scope", "openid"),
        ("redirect_uri", REDIRECT),
    ];
    let body: Value = send(base.clone()).await.unwrap().json().await.unwrap();
    assert_eq!(
        body,
        json!({"error": "invalid_request", "error_description": "PKCE code challenge is required by the application."})
    );
    let mut cli = base.clone();
    cli[0] = ("client_id", "demo-cli");
    cli.push(("client_secret", "demo-cli-secret"));
    let response = send(cli).await.unwrap();
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "unauthorized_client");
}
