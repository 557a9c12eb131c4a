//! DPoP: a fixture with `dpop: true` gets a DPoP-bound token (answering the
//! server's nonce challenge) and sends a fresh proof with every request;
//! the demo API refuses the token without one, with one for another URL,
//! or with a replayed one.

use crate::common::{Okta, Project};
use crate::key_support::{ClientKey, config};
use crate::login_support::*;

use gatecheck::auth::{DpopKey, Token};
use gatecheck_emulator::Emulator;
use reqwest::Url;
use std::time::SystemTime;

const DPOP_SERVICE: &str = "kind: client-credentials\nokta_url: OKTA\nclient_id: dpop-service\nclient_secret: dpop-service-secret\nscopes: todos.read todos.write\n";

async fn dpop_token(em: &Emulator) -> Token {
    let (token, masker) = run(&fixture(em, &format!("{DPOP_SERVICE}dpop: true\n"))).await;
    let token = token.expect("a DPoP-bound token");
    assert!(masker.contains_secret(&token.access_token));
    token
}

#[tokio::test]
async fn a_dpop_fixture_answers_the_nonce_challenge_and_gets_a_bound_token() {
    let em = emulator_with(config(&[])).await;
    let token = dpop_token(&em).await;
    assert_eq!(token.token_type, "DPoP");
    assert_eq!(
        token.authorization(),
        format!("DPoP {}", token.access_token)
    );
    let key = token.dpop.as_ref().expect("the token holds its key");
    let claims = verify(&em, "default", &token.access_token, Some("api://default")).await;
    assert_eq!(claims["cnf"]["jkt"], key.thumbprint());
    // The first proof had no nonce: use_dpop_nonce, then the retry with it.
    assert_eq!(em.counters().token, 2);
}

#[tokio::test]
async fn a_client_that_requires_dpop_refuses_a_fixture_without_it() {
    let em = emulator_with(config(&[])).await;
    let message = failure(&fixture(&em, DPOP_SERVICE)).await;
    assert!(message.contains("invalid_dpop_proof"), "{message}");
    assert!(
        message.contains("DPoP proof JWT header is missing"),
        "{message}"
    );
}

#[tokio::test]
async fn private_key_jwt_and_dpop_together() {
    let key = ClientKey::ec("ec-1");
    let em = emulator_with(config(&[&key])).await;
    let yaml = format!(
        "kind: client-credentials\nokta_url: OKTA\nclient_id: jwt-dpop\nkey_id: ec-1\nscopes: todos.read\ndpop: true\nprivate_key: |\n{}",
        key.yaml_block()
    );
    let (token, _) = run(&fixture(&em, &yaml)).await;
    let token = token.expect("a bound token for a private_key_jwt client");
    let claims = verify(&em, "default", &token.access_token, None).await;
    assert_eq!(claims["cid"], "jwt-dpop");
    assert_eq!(claims["cnf"]["jkt"], token.dpop.unwrap().thumbprint());
}

async fn get(url: &str, authorization: &str, proof: Option<&str>) -> u16 {
    let mut request = reqwest::Client::new()
        .get(url)
        .header("authorization", authorization);
    if let Some(proof) = proof {
        request = request.header("dpop", proof);
    }
    request.send().await.unwrap().status().as_u16()
}

#[tokio::test]
async fn the_demo_api_wants_a_fresh_proof_for_its_url_made_with_the_bound_key() {
    let em = emulator_with(config(&[])).await;
    let token = dpop_token(&em).await;
    let key = token.dpop.clone().unwrap();
    let todos = format!("{}/api/todos", em.api_url());
    let proof = |key: &DpopKey, url: &str| {
        key.proof(
            "GET",
            &Url::parse(url).unwrap(),
            Some(&token.access_token),
            SystemTime::now(),
        )
        .unwrap()
    };
    let auth = token.authorization();
    let good = proof(&key, &todos);
    assert_eq!(get(&todos, &auth, Some(&good)).await, 200);
    assert_eq!(
        get(&todos, &auth, Some(&good)).await,
        401,
        "a replayed proof"
    );
    assert_eq!(get(&todos, &auth, None).await, 401, "no proof");
    let bearer = format!("Bearer {}", token.access_token);
    assert_eq!(get(&todos, &bearer, None).await, 401, "as a bearer token");
    let me = format!("{}/api/me", em.api_url());
    assert_eq!(
        get(&todos, &auth, Some(&proof(&key, &me))).await,
        401,
        "another URL"
    );
    let stranger = DpopKey::generate().unwrap();
    assert_eq!(
        get(&todos, &auth, Some(&proof(&stranger, &todos))).await,
        401,
        "another key"
    );
    assert_eq!(get(&todos, &auth, Some(&proof(&key, &todos))).await, 200);
}

#[test]
fn a_suite_runs_with_a_dpop_fixture_and_shows_no_token_or_proof() {
    let key = ClientKey::ec("ec-1");
    let okta = Okta::start_with(config(&[&key]));
    let p = Project::new("dpop");
    p.file(
        "fixtures/svc.yaml",
        "kind: client-credentials\nokta_url: ${OKTA_URL}\nclient_id: jwt-dpop\nkey_id: ec-1\nscopes: todos.read\ndpop: true\nprivate_key: ${SVC_KEY}\n",
    );
    p.file(
        "suites/todos.yaml",
        r#"base_url: ${API_URL}
auth: svc
tests:
  - name: list twice
    steps:
      - request: {url: /api/todos}
        expect: {status: 200}
      - request: {url: /api/todos}
        expect: {status: 200}
  - name: a bearer header of our own is refused
    request:
      url: /api/todos
      headers: {Authorization: Bearer not-a-dpop-token}
    expect: {status: 401}
"#,
    );
    let env = [("SVC_KEY", key.pem.as_str()), ("INSTA_UPDATE", "always")];
    let out = okta.run(&p, &["-v", "--test-threads", "1"], &env);
    let all = format!("{}\n{}", out.stdout, out.stderr);
    assert_eq!(out.code, 0, "{all}");
    assert!(
        all.contains("DPoP"),
        "the dump shows the DPoP header: {all}"
    );
    assert!(
        !all.contains("eyJ"),
        "a token, assertion or proof leaked: {all}"
    );
    assert!(!all.contains("PRIVATE KEY"), "{all}");
}
