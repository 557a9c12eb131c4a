//! /authorize answers in each response mode as Okta does: `query` and
//! `fragment` redirects, a self-submitting `form_post` page, and the
//! `okta_post_message` page okta-auth-js loads in an iframe for silent renew.

use std::collections::HashMap;

use crate::emulator::support::{Harness, REDIRECT, location_params, pkce_pair, start};

/// authorize with a fresh sessionToken (or none) in `mode`.
async fn authorize_in(h: &Harness, mode: &str, with_session: bool) -> (reqwest::Response, String) {
    let token = if with_session {
        h.session_token("ada@example.com").await
    } else {
        String::new()
    };
    let (verifier, challenge) = pkce_pair();
    let response = h
        .authorize(&[
            ("sessionToken", &token),
            ("response_mode", mode),
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
        ])
        .await;
    (response, verifier)
}

/// The code redeems at /token: proof that the page carried a real one.
async fn redeem(h: &Harness, code: &str, verifier: &str) {
    let (status, body) = h
        .token(&[
            ("grant_type", "authorization_code"),
            ("client_id", "demo-spa"),
            ("redirect_uri", REDIRECT),
            ("code", code),
            ("code_verifier", verifier),
        ])
        .await;
    assert_eq!(status, 200, "{body}");
}

fn fragment_params(response: &reqwest::Response) -> HashMap<String, String> {
    let location = response.headers()["location"].to_str().unwrap();
    let (base, fragment) = location.split_once('#').expect("a fragment");
    assert_eq!(base, REDIRECT);
    assert!(!base.contains('?'), "nothing in the query: {location}");
    url_params(fragment)
}

fn url_params(text: &str) -> HashMap<String, String> {
    reqwest::Url::parse(&format!("http://x/?{text}"))
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect()
}

/// The values of hidden inputs in a form_post page.
fn hidden_inputs(page: &str) -> HashMap<String, String> {
    let re = regex::Regex::new(r#"<input type="hidden" name="([^"]+)" value="([^"]*)"/>"#).unwrap();
    re.captures_iter(page)
        .map(|c| (c[1].to_string(), c[2].to_string()))
        .collect()
}

/// The `data` object an okta_post_message page posts, and its target origin.
fn posted_message(page: &str) -> (serde_json::Value, String) {
    let data = page
        .split("var data = ")
        .nth(1)
        .unwrap()
        .split(";\n")
        .next()
        .unwrap();
    let origin = page
        .split("var targetOrigin = ")
        .nth(1)
        .unwrap()
        .split(";\n")
        .next()
        .unwrap();
    (
        serde_json::from_str(data).unwrap(),
        serde_json::from_str(origin).unwrap(),
    )
}

#[tokio::test]
async fn query_is_the_default() {
    let h = start().await;
    let (response, verifier) = authorize_in(&h, "", true).await;
    assert_eq!(response.status(), 302);
    let params = location_params(&response);
    redeem(&h, &params["code"], &verifier).await;
}

#[tokio::test]
async fn fragment_puts_code_and_state_after_the_hash() {
    let h = start().await;
    let (response, verifier) = authorize_in(&h, "fragment", true).await;
    assert_eq!(response.status(), 302);
    let params = fragment_params(&response);
    assert_eq!(params["state"], "st4te");
    redeem(&h, &params["code"], &verifier).await;
    let (response, _) = authorize_in(&h, "fragment", false).await;
    let params = fragment_params(&response);
    assert_eq!(params["error"], "login_required");
    assert_eq!(params["state"], "st4te");
}

#[tokio::test]
async fn form_post_is_a_page_that_posts_to_the_redirect_uri() {
    let h = start().await;
    let (response, verifier) = authorize_in(&h, "form_post", true).await;
    assert_eq!(response.status(), 200);
    assert!(response.headers().get("location").is_none());
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(content_type.starts_with("text/html"), "{content_type}");
    let page = response.text().await.unwrap();
    assert!(
        page.contains(&format!("<form method=\"post\" action=\"{REDIRECT}\">")),
        "{page}"
    );
    assert!(
        page.contains("onload=\"javascript:document.forms[0].submit()\""),
        "{page}"
    );
    let inputs = hidden_inputs(&page);
    assert_eq!(inputs["state"], "st4te");
    redeem(&h, &inputs["code"], &verifier).await;
    let (response, _) = authorize_in(&h, "form_post", false).await;
    let inputs = hidden_inputs(&response.text().await.unwrap());
    assert_eq!(inputs["error"], "login_required");
    assert_eq!(inputs["state"], "st4te");
}

#[tokio::test]
async fn okta_post_message_hands_the_result_to_the_parent_window() {
    let h = start().await;
    let (response, verifier) = authorize_in(&h, "okta_post_message", true).await;
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(content_type.starts_with("text/html"), "{content_type}");
    let page = response.text().await.unwrap();
    assert!(page.contains(".postMessage(data, targetOrigin)"), "{page}");
    let (data, origin) = posted_message(&page);
    assert_eq!(
        origin, "http://localhost:3000",
        "only the app's origin may read it"
    );
    assert_eq!(data["state"], "st4te");
    redeem(&h, data["code"].as_str().unwrap(), &verifier).await;
    // Silent renew without a session: login_required, in the same page.
    let (response, _) = authorize_in(&h, "okta_post_message", false).await;
    assert_eq!(response.status(), 200);
    let (data, _) = posted_message(&response.text().await.unwrap());
    assert_eq!(data["error"], "login_required");
    assert_eq!(data["state"], "st4te");
}

#[tokio::test]
async fn an_unknown_mode_is_refused_in_the_query() {
    let h = start().await;
    let (response, _) = authorize_in(&h, "web_message", true).await;
    assert_eq!(response.status(), 302);
    let params = location_params(&response);
    assert_eq!(params["error"], "unsupported_response_mode");
    assert_eq!(params["state"], "st4te");
}
