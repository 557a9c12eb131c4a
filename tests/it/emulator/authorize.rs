//! GET {base}/v1/authorize.

use crate::emulator::support::{REDIRECT, location_params, pkce_pair, start};

fn challenge_params(challenge: &str) -> Vec<(&'static str, String)> {
    vec![
        ("code_challenge", challenge.to_string()),
        ("code_challenge_method", "S256".to_string()),
    ]
}

#[tokio::test]
async fn success_redirects_with_code_and_state() {
    let h = start().await;
    let token = h.session_token("ada@example.com").await;
    let (_, challenge) = pkce_pair();
    let response = h
        .authorize(&[
            ("sessionToken", &token),
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
        ])
        .await;
    assert_eq!(response.status(), 302);
    let location = response.headers()["location"].to_str().unwrap();
    assert!(
        location.starts_with("http://localhost:3000/callback?code="),
        "{location}"
    );
    let params = location_params(&response);
    assert_eq!(params["state"], "st4te");
    assert!(params["code"].len() >= 20);
    assert_eq!(h.emu.counters().authorize, 1);
}

#[tokio::test]
async fn session_token_is_one_time() {
    let h = start().await;
    let token = h.session_token("ada@example.com").await;
    let (_, challenge) = pkce_pair();
    let pkce = challenge_params(&challenge);
    let mut params: Vec<(&str, &str)> = pkce.iter().map(|(k, v)| (*k, v.as_str())).collect();
    params.push(("sessionToken", &token));
    assert_eq!(h.authorize(&params).await.status(), 302);
    let again = h.authorize(&params).await;
    assert_eq!(again.status(), 302);
    let query = location_params(&again);
    assert_eq!(query["error"], "login_required");
    assert_eq!(query["state"], "st4te");
    params.push(("prompt", ""));
    let page = h.authorize(&params).await;
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("okta-sign-in"));
}

/// Extra parameters, expected error, expected error_description.
type Case = (
    Vec<(&'static str, &'static str)>,
    &'static str,
    &'static str,
);

#[tokio::test]
async fn redirectable_errors_carry_error_and_state() {
    let h = start().await;
    let (_, challenge) = pkce_pair();
    let cases: Vec<Case> = vec![
        (
            vec![("scope", "openid bogus")],
            "invalid_scope",
            "One or more scopes are not configured for the authorization server resource.",
        ),
        (
            vec![("scope", "profile")],
            "invalid_scope",
            "The authorization request must include the 'openid' scope.",
        ),
        (
            vec![("code_challenge", "")],
            "invalid_request",
            "PKCE code challenge is required by the application.",
        ),
        (
            vec![("code_challenge", "short+/=")],
            "invalid_request",
            "PKCE code challenge contains illegal characters.",
        ),
        (
            vec![("code_challenge_method", "plain")],
            "invalid_request",
            "PKCE code challenge method is not supported. Only S256 is supported.",
        ),
        (
            vec![("response_mode", "web_message")],
            "unsupported_response_mode",
            "The response mode 'web_message' is not supported. Supported response modes: [query, fragment, form_post, okta_post_message].",
        ),
        (
            vec![("response_type", "token")],
            "unsupported_response_type",
            "The response type is not supported by the authorization server. Configured response types: [code].",
        ),
    ];
    for (extra, error, description) in cases {
        let mut params = vec![
            ("code_challenge", challenge.as_str()),
            ("code_challenge_method", "S256"),
        ];
        params.extend(extra);
        let response = h.authorize(&params).await;
        assert_eq!(response.status(), 302, "{error}");
        let query = location_params(&response);
        assert_eq!(query["error"], error);
        assert_eq!(query["error_description"], description);
        assert_eq!(query["state"], "st4te");
    }
}

#[tokio::test]
async fn unassigned_user_is_access_denied() {
    let h = start().await;
    let token = h.session_token("unassigned@example.com").await;
    let (_, challenge) = pkce_pair();
    let response = h
        .authorize(&[
            ("sessionToken", &token),
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
        ])
        .await;
    let query = location_params(&response);
    assert_eq!(query["error"], "access_denied");
    assert_eq!(
        query["error_description"],
        "User is not assigned to the client application."
    );
}

#[tokio::test]
async fn bad_redirect_uri_or_client_is_an_html_page_never_a_redirect() {
    let h = start().await;
    let redirect_uri_page =
        "The 'redirect_uri' parameter must be a Login redirect URI in the client app settings.";
    for (extra, message, code) in [
        (
            [
                ("redirect_uri", "http://localhost:3000/callback/"),
                ("client_id", "demo-spa"),
            ],
            redirect_uri_page,
            None,
        ),
        (
            [("redirect_uri", REDIRECT), ("client_id", "no-such-client")],
            "Invalid value for 'client_id' parameter.",
            Some("invalid_client"),
        ),
        (
            [("redirect_uri", REDIRECT), ("client_id", "")],
            "Invalid value for 'client_id' parameter.",
            Some("invalid_client"),
        ),
    ] {
        let response = h.authorize(&extra).await;
        assert_eq!(response.status(), 400);
        assert!(response.headers().get("location").is_none());
        let content_type = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(content_type.starts_with("text/html"), "{content_type}");
        let html = response.text().await.unwrap();
        assert!(html.contains(message), "{html}");
        assert_eq!(html.contains("invalid_client"), code.is_some(), "{html}");
    }
}

#[tokio::test]
async fn reauthenticate_policy_shows_the_sign_in_page_after_a_good_session_token() {
    let h = start().await;
    let token = h.session_token("ada@example.com").await;
    let (_, challenge) = pkce_pair();
    let params = [
        ("client_id", "demo-reauth"),
        ("sessionToken", token.as_str()),
        ("code_challenge", challenge.as_str()),
        ("code_challenge_method", "S256"),
    ];
    let response = h.authorize(&params).await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
}

#[tokio::test]
async fn org_server_and_unknown_servers() {
    let h = start().await;
    let token = h.session_token("ada@example.com").await;
    let (_, challenge) = pkce_pair();
    let params = [
        ("sessionToken", token.as_str()),
        ("code_challenge", &challenge),
        ("code_challenge_method", "S256"),
    ];
    let response = h.authorize_on("/oauth2", &params).await;
    assert_eq!(response.status(), 302);
    assert!(location_params(&response).contains_key("code"));
    let response = h.authorize_on("/oauth2/nope", &params).await;
    assert_eq!(response.status(), 404);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["errorCode"], "E0000007");
}
