//! Tests of `login.rs`.

use super::*;
use serde_json::json;

fn token_req(url: &str, form: Json, capture: &str) -> Req {
    let mut r = Req {
        name: "token".into(),
        method: "POST".into(),
        url: url.into(),
        body: Some(("form", form)),
        ..Req::default()
    };
    r.checks
        .captures
        .insert(capture.into(), json!("$.access_token"));
    r
}

#[test]
fn token_requests_become_fixtures_of_their_grant() {
    let mut cc = token_req(
        "{{ base }}/oauth/token",
        json!({"grant_type": "client_credentials", "client_id": "service-app", "client_secret": "${CLIENT_SECRET}", "scope": "service"}),
        "svc_token",
    );
    cc.secret_envs = vec!["CLIENT_SECRET".into()];
    let pw = token_req(
        "https://dev-1.okta.com/oauth2/default/v1/token",
        json!({"grant_type": "password", "client_id": "{{ clientId }}", "username": "ada", "password": "{{ pw }}", "scope": "openid profile"}),
        "user_token",
    );
    let mut api = Req {
        url: "{{ base }}/me".into(),
        bearer: Some("{{user_token}}".into()),
        ..Req::default()
    };
    api.name = "me".into();
    let vars: IndexMap<String, VarDef> = [
        (
            "base".to_owned(),
            VarDef::Clear(json!("http://localhost:3000")),
        ),
        ("clientId".to_owned(), VarDef::Clear(json!("0oa1"))),
        ("pw".to_owned(), VarDef::Env("PW".into())),
    ]
    .into_iter()
    .collect();
    let mut warnings = Vec::new();
    let logins = find(&[&cc, &pw, &api], &vars, &mut warnings);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(logins.dropped, BTreeSet::from([0, 1]));
    let names: Vec<(&str, &str)> = logins
        .fixtures
        .iter()
        .map(|f| (f.name.as_str(), f.kind))
        .collect();
    assert_eq!(
        names,
        [("service", "client-credentials"), ("user", "password")]
    );
    assert_eq!(
        logins.fixtures[0].text,
        "# yaml-language-server: $schema=../schema/fixture.schema.json\n\
         # The identity `service`, replacing the collection's token requests.\n\
         # client: service-app\n\
         # token: {{ base }}/oauth/token\n\
         kind: client-credentials\n\
         token_url: ${SERVICE_TOKEN_URL:-http://localhost:3000/oauth/token}\n\
         client_id: ${SERVICE_CLIENT_ID:-service-app}\n\
         client_secret: ${SERVICE_CLIENT_SECRET}\n\
         scopes: [service]\n"
    );
    let user = &logins.fixtures[1].text;
    assert!(
        user.contains("okta_url: ${USER_OKTA_URL:-https://dev-1.okta.com}\nauth_server: ${USER_AUTH_SERVER:-default}\n"),
        "{user}"
    );
    assert!(
        user.contains("username: ${USER_USERNAME:-ada}\npassword: ${PW}\n"),
        "{user}"
    );
    assert_eq!(logins.identity(&api), Some(Some("user".to_owned())));
}

#[test]
fn env_names_do_not_repeat_the_identity() {
    assert_eq!(env_name("refresh", "refresh_token"), "REFRESH_TOKEN");
    assert_eq!(env_name("user", "client_id"), "USER_CLIENT_ID");
    assert_eq!(issuer_guess("{{ base }}/oauth/token"), "{{ base }}");
    assert_eq!(issuer_guess("https://x/oauth2/v1/token"), "https://x");
}

#[test]
fn oauth2_auth_blocks_become_fixtures_and_name_the_identity() {
    let block = |v: Json| -> crate::import::postman::Auth { serde_json::from_value(v).unwrap() };
    let okta = block(json!({"type": "oauth2", "oauth2": [
        {"key": "grant_type", "value": "authorization_code_with_pkce"},
        {"key": "authUrl", "value": "{{oktaUrl}}/oauth2/aus1/v1/authorize"},
        {"key": "accessTokenUrl", "value": "{{oktaUrl}}/oauth2/aus1/v1/token"},
        {"key": "clientId", "value": "{{clientId}}"},
        {"key": "redirect_uri", "value": "https://app.example.com/cb"},
        {"key": "scope", "value": "openid email"}]}));
    let service = block(json!({"type": "oauth2", "oauth2": {
        "grant_type": "client_credentials", "accessTokenUrl": "https://auth.example.com/oauth/token",
        "clientId": "svc", "clientSecret": "c2VjcmV0LXZhbHVlLTEyMzQ1Njc4OTA="}}));
    let a = Req {
        oauth2: Some(okta),
        bearer: Some(String::new()),
        ..Req::default()
    };
    let b = Req {
        oauth2: Some(service),
        bearer: Some(String::new()),
        ..Req::default()
    };
    let vars: IndexMap<String, VarDef> = [
        (
            "oktaUrl".to_owned(),
            VarDef::Clear(json!("https://dev-1.okta.com")),
        ),
        ("clientId".to_owned(), VarDef::Clear(json!("0oa1"))),
    ]
    .into_iter()
    .collect();
    let mut warnings = Vec::new();
    let logins = find(&[&a, &b, &a], &vars, &mut warnings);
    assert!(logins.dropped.is_empty());
    let kinds: Vec<(&str, &str)> = logins
        .fixtures
        .iter()
        .map(|f| (f.name.as_str(), f.kind))
        .collect();
    assert_eq!(
        kinds,
        [("user", "okta-pkce"), ("service", "client-credentials")]
    );
    let user = &logins.fixtures[0].text;
    assert!(user.contains("okta_url: ${USER_OKTA_URL:-https://dev-1.okta.com}\nauth_server: ${USER_AUTH_SERVER:-aus1}\n"), "{user}");
    assert!(
        user.contains(
            "scopes: [openid, email]\nusername: ${USER_USERNAME}\npassword: ${USER_PASSWORD}\n"
        ),
        "{user}"
    );
    let svc = &logins.fixtures[1].text;
    assert!(
        svc.contains("client_secret: ${SERVICE_CLIENT_SECRET}\n"),
        "{svc}"
    );
    assert!(!svc.contains("c2VjcmV0"), "{svc}");
    assert_eq!(logins.identity(&a), Some(Some("user".to_owned())));
    assert_eq!(logins.identity(&b), Some(Some("service".to_owned())));
}

#[test]
fn auth0_cross_origin_login_becomes_an_auth0_fixture() {
    let co = Req {
        name: "co".into(),
        method: "POST".into(),
        url: "https://{{ tenant }}/co/authenticate".into(),
        body: Some((
            "json",
            json!({"client_id": "spa1", "username": "ada@example.com", "password": "{{ pw }}",
                   "realm": "Username-Password-Authentication",
                   "credential_type": "http://auth0.com/oauth/grant-type/password-realm"}),
        )),
        headers: [("Origin".to_owned(), "http://localhost:3000".to_owned())]
            .into_iter()
            .collect(),
        ..Req::default()
    };
    let mut authorize = Req {
        name: "authorize".into(),
        method: "GET".into(),
        url: "https://{{ tenant }}/authorize".into(),
        ..Req::default()
    };
    for (k, v) in [
        ("redirect_uri", "http://localhost:3000/callback"),
        ("audience", "https://api.example/"),
        ("scope", "openid profile"),
        ("login_ticket", "{{ ticket }}"),
    ] {
        authorize.query.insert(k.into(), json!(v));
    }
    let token = token_req(
        "https://{{ tenant }}/oauth/token",
        json!({"grant_type": "authorization_code", "client_id": "spa1", "code": "{{ code }}"}),
        "user_token",
    );
    let api = Req {
        name: "me".into(),
        url: "{{ base }}/me".into(),
        bearer: Some("{{user_token}}".into()),
        ..Req::default()
    };
    let vars: IndexMap<String, VarDef> = [
        (
            "tenant".to_owned(),
            VarDef::Clear(json!("acme.eu.auth0.com")),
        ),
        ("pw".to_owned(), VarDef::Env("PW".into())),
    ]
    .into_iter()
    .collect();
    let mut warnings = Vec::new();
    let logins = find(&[&co, &authorize, &token, &api], &vars, &mut warnings);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(logins.dropped, BTreeSet::from([0, 1, 2]));
    assert_eq!(logins.fixtures.len(), 1, "{:?}", logins.fixtures);
    assert_eq!(logins.fixtures[0].kind, "auth0");
    assert_eq!(
        logins.fixtures[0].text,
        "# yaml-language-server: $schema=../schema/fixture.schema.json\n\
         # The identity `user`, replacing the collection's Auth0 cross-origin login.\n\
         kind: auth0\n\
         domain: ${USER_DOMAIN:-https://acme.eu.auth0.com}\n\
         client_id: ${USER_CLIENT_ID:-spa1}\n\
         connection: ${USER_CONNECTION:-Username-Password-Authentication}\n\
         redirect_uri: ${USER_REDIRECT_URI:-http://localhost:3000/callback}\n\
         origin: ${USER_ORIGIN:-http://localhost:3000}\n\
         audience: ${USER_AUDIENCE:-https://api.example/}\n\
         scopes: [openid, profile]\n\
         username: ${USER_USERNAME:-ada@example.com}\n\
         password: ${PW}\n"
    );
    assert_eq!(logins.identity(&api), Some(Some("user".to_owned())));
}

#[test]
fn auth0_password_realm_and_audience_are_kept() {
    let pw = token_req(
        "https://acme.eu.auth0.com/oauth/token",
        json!({"grant_type": "http://auth0.com/oauth/grant-type/password-realm", "client_id": "web1",
               "username": "ada", "password": "{{ pw }}", "realm": "db", "audience": "https://api.example/"}),
        "user_token",
    );
    let mfa = token_req(
        "https://acme.eu.auth0.com/oauth/token",
        json!({"grant_type": "http://auth0.com/oauth/grant-type/mfa-otp", "mfa_token": "{{ mfa }}", "otp": "123456"}),
        "user_token",
    );
    let cc = token_req(
        "https://acme.eu.auth0.com/oauth/token",
        json!({"grant_type": "client_credentials", "client_id": "m2m", "client_secret": "{{ secret }}", "audience": "https://api.example/"}),
        "svc_token",
    );
    let vars: IndexMap<String, VarDef> = [
        ("pw".to_owned(), VarDef::Env("PW".into())),
        ("secret".to_owned(), VarDef::Env("SECRET".into())),
    ]
    .into_iter()
    .collect();
    let mut warnings = Vec::new();
    let logins = find(&[&pw, &mfa, &cc], &vars, &mut warnings);
    assert_eq!(logins.dropped, BTreeSet::from([0, 1, 2]));
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("set its totp_secret"), "{warnings:?}");
    let user = &logins.fixtures[0].text;
    assert!(user.contains("kind: password\n"), "{user}");
    assert!(
        user.contains(
            "realm: ${USER_REALM:-db}\naudience: ${USER_AUDIENCE:-https://api.example/}\n"
        ),
        "{user}"
    );
    let service = &logins.fixtures[1].text;
    assert!(
        service.contains("audience: ${SERVICE_AUDIENCE:-https://api.example/}\n"),
        "{service}"
    );
    assert!(!service.contains("realm"), "{service}");
}
