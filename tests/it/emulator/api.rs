//! The demo API: bearer validation, scopes, groups, per-user todos.

use serde_json::{Value, json};

use crate::emulator::support::start;

#[tokio::test]
async fn health_needs_no_token() {
    let h = start().await;
    let response = h.api_get("/api/health", None).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({"status": "ok"})
    );
    assert_eq!(h.emu.counters().api, 1);
}

#[tokio::test]
async fn missing_or_bad_tokens_are_401_with_a_bearer_challenge() {
    let h = start().await;
    let response = h.api_get("/api/todos", None).await;
    assert_eq!(response.status(), 401);
    assert_eq!(
        response.headers()["www-authenticate"],
        "Bearer realm=\"gatecheck-demo\""
    );
    let response = h.api_get("/api/todos", Some("not-a-jwt")).await;
    assert_eq!(response.status(), 401);
    let challenge = response.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        challenge.starts_with("Bearer realm=\"gatecheck-demo\", error=\"invalid_token\""),
        "{challenge}"
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_token");
    assert_eq!(body["error_description"], "The access token is malformed.");

    // A token from another emulator (another key) is rejected.
    let other = start().await;
    let foreign = other.access_token("ada@example.com").await;
    let response = h.api_get("/api/me", Some(&foreign)).await;
    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn org_server_tokens_are_not_accepted() {
    let h = start().await;
    let token = h.session_token("ada@example.com").await;
    let (verifier, challenge) = crate::emulator::support::pkce_pair();
    let params = [
        ("sessionToken", token.as_str()),
        ("code_challenge", &challenge),
        ("code_challenge_method", "S256"),
    ];
    let response = h.authorize_on("/oauth2", &params).await;
    let code = crate::emulator::support::location_params(&response)["code"].clone();
    let form = [
        ("grant_type", "authorization_code"),
        ("client_id", "demo-spa"),
        ("redirect_uri", crate::emulator::support::REDIRECT),
        ("code", code.as_str()),
        ("code_verifier", verifier.as_str()),
    ];
    let body: Value = h
        .http
        .post(h.okta("/oauth2/v1/token"))
        .form(&form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let response = h.api_get("/api/me", body["access_token"].as_str()).await;
    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn me_shows_the_token_claims() {
    let h = start().await;
    let token = h.access_token("grace@example.com").await;
    let body: Value = h
        .api_get("/api/me", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(body["sub"], "grace@example.com");
    assert_eq!(body["cid"], "demo-spa");
    assert_eq!(body["groups"], json!(["Everyone", "admins"]));
    let keys: Vec<&String> = body.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["sub", "uid", "cid", "scp", "groups"]);
}

#[tokio::test]
async fn admin_report_needs_the_admins_group() {
    let h = start().await;
    let grace = h.access_token("grace@example.com").await;
    let ada = h.access_token("ada@example.com").await;
    assert_eq!(
        h.api_get("/api/admin/report", Some(&grace)).await.status(),
        200
    );
    let response = h.api_get("/api/admin/report", Some(&ada)).await;
    assert_eq!(response.status(), 403);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "forbidden");
    assert_eq!(h.api_get("/api/admin/report", None).await.status(), 401);
}

#[tokio::test]
async fn scopes_are_enforced() {
    let h = start().await;
    let read_only = h.service_token("todos.read").await;
    assert_eq!(
        h.api_get("/api/todos", Some(&read_only)).await.status(),
        200
    );
    let response = h
        .http
        .post(h.api("/api/todos"))
        .bearer_auth(&read_only)
        .json(&json!({"title": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    let challenge = response.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        challenge.contains("error=\"insufficient_scope\""),
        "{challenge}"
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "insufficient_scope");
}

#[tokio::test]
async fn seeded_todos_are_stable_and_per_user() {
    let h = start().await;
    let ada = h.access_token("ada@example.com").await;
    let grace = h.access_token("grace@example.com").await;
    let list: Value = h
        .api_get("/api/todos", Some(&ada))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["count"], 2);
    assert_eq!(list["items"][0]["title"], "Buy milk");
    assert_eq!(list["items"][0]["done"], false);
    assert_eq!(list["items"][0]["owner"], "ada@example.com");
    let keys: Vec<&String> = list["items"][0].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["id", "title", "done", "createdAt", "owner"]);
    let again = start().await;
    let ada_again = again.access_token("ada@example.com").await;
    let list_again: Value = again
        .api_get("/api/todos", Some(&ada_again))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list, list_again, "the seed is the same on every start");
    let seed_id = list["items"][0]["id"].as_str().unwrap();
    assert_eq!(
        h.api_get(&format!("/api/todos/{seed_id}"), Some(&grace))
            .await
            .status(),
        404
    );
    let limited: Value = h
        .api_get("/api/todos?limit=1", Some(&ada))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(limited["count"], 1);
    assert_eq!(
        h.api_get("/api/todos?limit=x", Some(&ada)).await.status(),
        400
    );
}

#[tokio::test]
async fn todo_crud() {
    let h = start().await;
    let ada = h.access_token("ada@example.com").await;
    let grace = h.access_token("grace@example.com").await;
    let create = |body: Value| {
        h.http
            .post(h.api("/api/todos"))
            .bearer_auth(&ada)
            .json(&body)
            .send()
    };
    let response = create(json!({"title": "buy milk", "ref": "extra keys are ignored"}))
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let todo: Value = response.json().await.unwrap();
    assert_eq!(
        (todo["title"].as_str(), todo["done"].as_bool()),
        (Some("buy milk"), Some(false))
    );
    assert!(todo["createdAt"].as_str().unwrap().ends_with('Z'));
    let id = todo["id"].as_str().unwrap();
    assert_eq!(create(json!({"done": true})).await.unwrap().status(), 400);

    let path = h.api(&format!("/api/todos/{id}"));
    let patched: Value = h
        .http
        .patch(&path)
        .bearer_auth(&ada)
        .json(&json!({"done": true}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(patched["done"], true);
    assert_eq!(
        h.http
            .patch(&path)
            .bearer_auth(&grace)
            .json(&json!({"done": true}))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    assert_eq!(
        h.http
            .delete(&path)
            .bearer_auth(&grace)
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    assert_eq!(
        h.http
            .delete(&path)
            .bearer_auth(&ada)
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
    assert_eq!(
        h.api_get(&format!("/api/todos/{id}"), Some(&ada))
            .await
            .status(),
        404
    );
    assert_eq!(h.api_get("/api/nothing", Some(&ada)).await.status(), 404);
}
