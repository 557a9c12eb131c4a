//! The endpoints every OIDC client expects, on the org and custom servers:
//! userinfo, introspection (RFC 7662), revocation (RFC 7009) and logout,
//! found through the discovery documents as a client library finds them.

use serde_json::{Value, json};

use crate::emulator::support::{Harness, REDIRECT, start};

/// Discovery of a server: (issuer, document).
async fn discover(h: &Harness, path: &str) -> Value {
    let response = h.http.get(h.okta(path)).send().await.unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

fn endpoint(doc: &Value, name: &str) -> String {
    doc[name]
        .as_str()
        .unwrap_or_else(|| panic!("{name} in {doc}"))
        .to_string()
}

async fn post_form(h: &Harness, url: &str, form: &[(&str, &str)]) -> (u16, Value) {
    let response = h.http.post(url).form(form).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn discovery_lists_the_oidc_endpoints_of_both_servers() {
    let h = start().await;
    for (path, base) in [
        ("/.well-known/openid-configuration", "/oauth2"),
        (
            "/oauth2/default/.well-known/openid-configuration",
            "/oauth2/default",
        ),
    ] {
        let doc = discover(&h, path).await;
        for (key, tail) in [
            ("userinfo_endpoint", "/v1/userinfo"),
            ("introspection_endpoint", "/v1/introspect"),
            ("revocation_endpoint", "/v1/revoke"),
            ("end_session_endpoint", "/v1/logout"),
        ] {
            assert_eq!(
                endpoint(&doc, key),
                h.okta(&format!("{base}{tail}")),
                "{path}"
            );
        }
        assert_eq!(
            doc["response_modes_supported"],
            json!(["query", "fragment", "form_post", "okta_post_message"])
        );
    }
}

#[tokio::test]
async fn userinfo_answers_get_and_post_with_claims_by_scope() {
    let h = start().await;
    let doc = discover(&h, "/oauth2/default/.well-known/openid-configuration").await;
    let url = endpoint(&doc, "userinfo_endpoint");
    let narrow = h.login("ada@example.com", "openid").await;
    let wide = h.login("ada@example.com", "openid profile email").await;
    let narrow_token = narrow["access_token"].as_str().unwrap();
    let wide_token = wide["access_token"].as_str().unwrap();
    let response = h
        .http
        .get(&url)
        .bearer_auth(narrow_token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let claims: Value = response.json().await.unwrap();
    let keys: Vec<&String> = claims.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["sub"], "openid alone releases only sub");
    let response = h
        .http
        .post(&url)
        .bearer_auth(wide_token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let claims: Value = response.json().await.unwrap();
    let id_claims = crate::emulator::support::verify_jwt(
        &h,
        wide["id_token"].as_str().unwrap(),
        "default",
        "demo-spa",
    )
    .await;
    assert_eq!(
        claims["sub"], id_claims["sub"],
        "same subject as the id token"
    );
    assert_eq!(claims["email"], "ada@example.com");
    assert_eq!(claims["email_verified"], true);
    assert_eq!(claims["name"], "Ada Lovelace");
    assert_eq!(claims["given_name"], "Ada");
    assert_eq!(claims["family_name"], "Lovelace");
    assert_eq!(claims["preferred_username"], "ada@example.com");
    assert!(
        claims.get("groups").is_none(),
        "groups only where configured"
    );
}

#[tokio::test]
async fn userinfo_refuses_bad_tokens_with_a_bearer_challenge() {
    let h = start().await;
    let url = h.okta("/oauth2/default/v1/userinfo");
    let response = h.http.get(&url).send().await.unwrap();
    assert_eq!(response.status(), 401);
    let response = h
        .http
        .get(&url)
        .bearer_auth("not-a-jwt")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    let challenge = response.headers()["www-authenticate"].to_str().unwrap();
    assert!(challenge.starts_with("Bearer "), "{challenge}");
    assert!(challenge.contains("error=\"invalid_token\""), "{challenge}");
    let service = h.service_token("todos.read").await;
    let response = h.http.get(&url).bearer_auth(&service).send().await.unwrap();
    assert_eq!(response.status(), 403, "no openid scope");
    let challenge = response.headers()["www-authenticate"].to_str().unwrap();
    assert!(challenge.contains("insufficient_scope"), "{challenge}");
    // A token of the default server is not one of the org server.
    let token = h.access_token("ada@example.com").await;
    let org = h.okta("/oauth2/v1/userinfo");
    let response = h.http.get(&org).bearer_auth(&token).send().await.unwrap();
    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn org_server_userinfo_works_with_its_own_tokens() {
    let h = start().await;
    let token = h.session_token("grace@example.com").await;
    let (verifier, challenge) = crate::emulator::support::pkce_pair();
    let response = h
        .authorize_on(
            "/oauth2",
            &[
                ("sessionToken", &token),
                ("scope", "openid email"),
                ("code_challenge", &challenge),
                ("code_challenge_method", "S256"),
            ],
        )
        .await;
    let code = crate::emulator::support::location_params(&response)["code"].clone();
    let (status, body) = post_form(
        &h,
        &h.okta("/oauth2/v1/token"),
        &[
            ("grant_type", "authorization_code"),
            ("client_id", "demo-spa"),
            ("redirect_uri", REDIRECT),
            ("code", &code),
            ("code_verifier", &verifier),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let access = body["access_token"].as_str().unwrap();
    let response = h
        .http
        .get(h.okta("/oauth2/v1/userinfo"))
        .bearer_auth(access)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let claims: Value = response.json().await.unwrap();
    assert_eq!(claims["email"], "grace@example.com");
}

#[tokio::test]
async fn introspection_covers_access_id_and_refresh_tokens() {
    let h = start().await;
    let doc = discover(&h, "/oauth2/default/.well-known/openid-configuration").await;
    let url = endpoint(&doc, "introspection_endpoint");
    let body = h
        .login("ada@example.com", "openid profile offline_access")
        .await;
    let auth = |token: &'static str| [("client_id", "demo-spa"), ("token", token)];
    let access: &'static str = body["access_token"].as_str().unwrap().to_string().leak();
    let id: &'static str = body["id_token"].as_str().unwrap().to_string().leak();
    let refresh: &'static str = body["refresh_token"].as_str().unwrap().to_string().leak();

    let (status, info) = post_form(&h, &url, &auth(access)).await;
    assert_eq!(status, 200);
    assert_eq!(info["active"], true, "{info}");
    assert_eq!(info["token_type"], "Bearer");
    assert_eq!(info["scope"], "openid profile offline_access");
    assert_eq!(info["client_id"], "demo-spa");
    assert_eq!(info["username"], "ada@example.com");
    assert_eq!(info["aud"], "api://default");
    assert_eq!(info["iss"], h.emu.issuer("default"));
    assert!(info["exp"].as_u64().unwrap() > info["iat"].as_u64().unwrap());

    let (_, info) = post_form(&h, &url, &auth(id)).await;
    assert_eq!(info["active"], true, "{info}");
    assert_eq!(info["aud"], "demo-spa");

    let (_, info) = post_form(&h, &url, &auth(refresh)).await;
    assert_eq!(info["active"], true, "{info}");
    assert_eq!(info["client_id"], "demo-spa");
    assert_eq!(info["scope"], "openid profile offline_access");

    let (_, info) = post_form(&h, &url, &auth("garbage")).await;
    assert_eq!(info, json!({"active": false}));
    // Another server does not know this server's tokens.
    let (_, info) = post_form(&h, &h.okta("/oauth2/v1/introspect"), &auth(access)).await;
    assert_eq!(info, json!({"active": false}));
}

#[tokio::test]
async fn introspection_authenticates_the_client_as_token_does() {
    let h = start().await;
    let url = h.okta("/oauth2/default/v1/introspect");
    let (status, body) = post_form(&h, &url, &[("token", "x")]).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_client"))
    );
    let form = [
        ("client_id", "demo-web"),
        ("client_secret", "wrong"),
        ("token", "x"),
    ];
    let (status, _) = post_form(&h, &url, &form).await;
    assert_eq!(status, 401);
    let form = [
        ("client_id", "demo-web"),
        ("client_secret", "demo-web-secret"),
    ];
    let (status, body) = post_form(&h, &url, &form).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_request"))
    );
    let token = h.service_token("todos.read").await;
    let response = h
        .http
        .post(&url)
        .basic_auth("demo-web", Some("demo-web-secret"))
        .form(&[
            ("token", token.as_str()),
            ("token_type_hint", "access_token"),
        ])
        .send()
        .await
        .unwrap();
    let info: Value = response.json().await.unwrap();
    assert_eq!(info["active"], true, "{info}");
    assert_eq!(info["client_id"], "demo-service");
}

#[tokio::test]
async fn revoked_tokens_fail_introspection_refresh_and_the_demo_api() {
    let h = start().await;
    let doc = discover(&h, "/oauth2/default/.well-known/openid-configuration").await;
    let revoke = endpoint(&doc, "revocation_endpoint");
    let introspect = endpoint(&doc, "introspection_endpoint");
    let body = h.login("ada@example.com", "openid offline_access").await;
    let access = body["access_token"].as_str().unwrap();
    let refresh = body["refresh_token"].as_str().unwrap();
    assert_eq!(h.api_get("/api/me", Some(access)).await.status(), 200);

    let form = [
        ("client_id", "demo-spa"),
        ("token", access),
        ("token_type_hint", "access_token"),
    ];
    let response = h.http.post(&revoke).form(&form).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "");
    let (_, info) = post_form(
        &h,
        &introspect,
        &[("client_id", "demo-spa"), ("token", access)],
    )
    .await;
    assert_eq!(info, json!({"active": false}));
    let response = h.api_get("/api/me", Some(access)).await;
    assert_eq!(response.status(), 401);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body["error_description"],
        "The access token has been revoked."
    );
    let userinfo = h
        .http
        .get(endpoint(&doc, "userinfo_endpoint"))
        .bearer_auth(access);
    assert_eq!(userinfo.send().await.unwrap().status(), 401);

    let (status, _) = post_form(
        &h,
        &revoke,
        &[("client_id", "demo-spa"), ("token", refresh)],
    )
    .await;
    assert_eq!(status, 200);
    let (status, body) = h
        .token(&[
            ("grant_type", "refresh_token"),
            ("client_id", "demo-spa"),
            ("refresh_token", refresh),
        ])
        .await;
    assert_eq!(
        (status.as_u16(), body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    // Unknown tokens are not an error (RFC 7009 §2.2).
    let (status, _) = post_form(&h, &revoke, &[("client_id", "demo-spa"), ("token", "nope")]).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn a_client_cannot_revoke_another_clients_token() {
    let h = start().await;
    let access = h.access_token("ada@example.com").await;
    let form = [
        ("client_id", "demo-web"),
        ("client_secret", "demo-web-secret"),
        ("token", access.as_str()),
    ];
    let (status, _) = post_form(&h, &h.okta("/oauth2/default/v1/revoke"), &form).await;
    assert_eq!(status, 200);
    assert_eq!(h.api_get("/api/me", Some(&access)).await.status(), 200);
}

#[tokio::test]
async fn logout_redirects_to_a_registered_uri_with_state() {
    let h = start().await;
    let doc = discover(&h, "/oauth2/default/.well-known/openid-configuration").await;
    let url = endpoint(&doc, "end_session_endpoint");
    let body = h.login("ada@example.com", "openid").await;
    let id_token = body["id_token"].as_str().unwrap();
    let query = [
        ("id_token_hint", id_token),
        ("post_logout_redirect_uri", "http://localhost:3000/"),
        ("state", "bye"),
    ];
    let response = h.http.get(&url).query(&query).send().await.unwrap();
    assert_eq!(response.status(), 302);
    assert_eq!(
        response.headers()["location"],
        "http://localhost:3000/?state=bye"
    );
    let response = h
        .http
        .get(&url)
        .query(&[("id_token_hint", id_token)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 302, "no uri: back to the sign-in page");
    let location = response.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(location, h.okta("/login/default"));
    let page = h.http.get(&location).send().await.unwrap();
    assert!(page.text().await.unwrap().contains("okta-sign-in"));
}

#[tokio::test]
async fn logout_refuses_bad_hints_and_unregistered_uris_with_a_page() {
    let h = start().await;
    let url = h.okta("/oauth2/default/v1/logout");
    let body = h.login("ada@example.com", "openid").await;
    let id_token = body["id_token"].as_str().unwrap();
    let access = body["access_token"].as_str().unwrap();
    for (query, message) in [
        (vec![], "The 'id_token_hint' parameter is required."),
        (vec![("id_token_hint", access)], "not a valid id token"),
        (vec![("id_token_hint", "x.y.z")], "not a valid id token"),
        (
            vec![
                ("id_token_hint", id_token),
                ("post_logout_redirect_uri", "https://evil.example/"),
            ],
            "must be a Logout redirect URI in the client app settings",
        ),
    ] {
        let response = h.http.get(&url).query(&query).send().await.unwrap();
        assert_eq!(response.status(), 400, "{query:?}");
        assert!(response.headers().get("location").is_none());
        let page = response.text().await.unwrap();
        assert!(page.contains(message), "{query:?}: {page}");
    }
}
