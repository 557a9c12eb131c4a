//! The Postman import recognises Amazon Cognito sign-ins (InitiateAuth and
//! its challenges) and writes a `kind: cognito` fixture that loads.

use std::fs;

use gatecheck::import::import_postman;

const COLLECTION: &str = r#"{
  "info": {"name": "Cognito todos", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
  "variable": [
    {"key": "cognito_client_id", "value": "4h3l9d2k8s7f6g5h4j3k2l1m0n"},
    {"key": "username", "value": "ada@example.com"},
    {"key": "api", "value": "https://api.example.com"}
  ],
  "item": [
    {
      "name": "Sign in",
      "event": [{"listen": "test", "script": {"exec": ["pm.environment.set('idToken', pm.response.json().AuthenticationResult.IdToken);"]}}],
      "request": {
        "method": "POST",
        "header": [
          {"key": "X-Amz-Target", "value": "AWSCognitoIdentityProviderService.InitiateAuth"},
          {"key": "Content-Type", "value": "application/x-amz-json-1.1"}
        ],
        "body": {"mode": "raw", "raw": "{\"AuthFlow\": \"USER_PASSWORD_AUTH\", \"ClientId\": \"{{cognito_client_id}}\", \"AuthParameters\": {\"USERNAME\": \"{{username}}\", \"PASSWORD\": \"{{password}}\"}}"},
        "url": "https://cognito-idp.eu-central-1.amazonaws.com/"
      }
    },
    {
      "name": "MFA",
      "request": {
        "method": "POST",
        "header": [{"key": "X-Amz-Target", "value": "AWSCognitoIdentityProviderService.RespondToAuthChallenge"}],
        "body": {"mode": "raw", "raw": "{\"ChallengeName\": \"SOFTWARE_TOKEN_MFA\", \"ClientId\": \"{{cognito_client_id}}\", \"Session\": \"{{session}}\", \"ChallengeResponses\": {\"USERNAME\": \"{{username}}\", \"SOFTWARE_TOKEN_MFA_CODE\": \"{{code}}\"}}"},
        "url": "https://cognito-idp.eu-central-1.amazonaws.com/"
      }
    },
    {
      "name": "List todos",
      "request": {
        "method": "GET",
        "header": [{"key": "Authorization", "value": "Bearer {{idToken}}"}],
        "url": "{{api}}/todos"
      }
    }
  ]
}"#;

#[test]
fn an_initiate_auth_sign_in_becomes_a_cognito_fixture() {
    let dir = std::env::temp_dir().join(format!("gatecheck-import-cognito-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    let collection = dir.join("cognito.postman_collection.json");
    fs::write(&collection, COLLECTION).unwrap();
    let out = dir.join("out");
    let report = import_postman(&collection, None, &out).unwrap();
    let fixture = fs::read_to_string(out.join("fixtures/user.yaml")).unwrap();
    assert!(fixture.contains("kind: cognito\n"), "{fixture}");
    assert!(
        fixture.contains("auth_flow: USER_PASSWORD_AUTH\n"),
        "{fixture}"
    );
    assert!(
        fixture.contains("token: id\n"),
        "the collection keeps the ID token: {fixture}"
    );
    assert!(
        fixture.contains("client_id: ${USER_CLIENT_ID:-4h3l9d2k8s7f6g5h4j3k2l1m0n}\n"),
        "{fixture}"
    );
    assert!(
        fixture.contains("username: ${USER_USERNAME:-ada@example.com}\n"),
        "{fixture}"
    );
    assert!(
        fixture.contains("user_pool_id: ${USER_POOL_ID}\n"),
        "{fixture}"
    );
    assert!(
        !fixture.contains("endpoint:"),
        "the AWS endpoint is the default: {fixture}"
    );
    let fixture_value: serde_yaml::Value = serde_yaml::from_str(&fixture).unwrap();
    assert_eq!(fixture_value["kind"], "cognito");
    let warnings = report.warnings.join("\n");
    assert!(
        warnings.contains("set user_pool_id (the pool's id, eu-central-1_..."),
        "{warnings}"
    );
    let suites: Vec<String> = report
        .files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .map(|p| fs::read_to_string(p).unwrap())
        .collect();
    let all = suites.join("\n");
    assert!(
        !all.contains("InitiateAuth"),
        "the sign-in requests are dropped:\n{all}"
    );
    assert!(!all.contains("RespondToAuthChallenge"), "{all}");
    assert!(all.contains("List todos"), "{all}");
    let env = std::collections::HashMap::from([
        ("USER_POOL_ID".to_owned(), "eu-central-1_AbC123".to_owned()),
        ("USER_PASSWORD".to_owned(), "pw".to_owned()),
    ]);
    if let Err(e) = gatecheck::run::load_valid(&[out.join("suites")], &env, &[]) {
        panic!("imported suites do not load:\n{e}");
    }
}
