use super::*;
use std::time::UNIX_EPOCH;

fn at() -> At {
    At::new(
        "POST",
        &Url::parse("https://org.okta.com/oauth2/default/v1/token").unwrap(),
    )
}

const PUBLIC: ClientAuth<'static> = ClientAuth::Public { client_id: "app1" };

fn reply(status: u16, body: &str) -> Reply {
    Reply {
        status,
        content_type: "application/json".into(),
        body: body.into(),
        ..Reply::default()
    }
}

fn read(r: &Reply, auth: ClientAuth<'_>) -> Result<Token, LoginFailure> {
    read_token(
        r,
        &at(),
        auth,
        "authorization_code",
        &Masker::new(),
        UNIX_EPOCH,
    )
}

#[test]
fn success_sets_expiry_and_masks_tokens() {
    let masker = Masker::new();
    let r = reply(
        200,
        r#"{"token_type":"Bearer","expires_in":3600,"access_token":"eyJ-access","scope":"openid","id_token":"eyJ-id","refresh_token":"rt-1234"}"#,
    );
    let t = read_token(&r, &at(), PUBLIC, "authorization_code", &masker, UNIX_EPOCH).unwrap();
    assert_eq!(t.expires_at, Some(UNIX_EPOCH + Duration::from_secs(3600)));
    assert_eq!(t.token_type, "Bearer");
    assert_eq!(masker.mask("eyJ-access eyJ-id rt-1234"), "*** *** ***");
    assert!(!format!("{t:?}").contains("eyJ"));
}

#[test]
fn token_errors_show_error_description_and_hint() {
    let r = reply(
        400,
        r#"{"error":"invalid_grant","error_description":"PKCE verification failed."}"#,
    );
    assert_eq!(
        read(&r, PUBLIC).unwrap_err().to_string(),
        "/token refused the request at POST https://org.okta.com/oauth2/default/v1/token: invalid_grant \
         (PKCE verification failed.); the code_verifier does not match the code_challenge sent to /authorize \
         (each login makes a fresh pair)"
    );
    let r = reply(
        401,
        r#"{"error":"invalid_client","error_description":"Browser requests to the token endpoint must use Proof Key for Code Exchange."}"#,
    );
    assert!(
        read(&r, PUBLIC)
            .unwrap_err()
            .to_string()
            .contains("an Origin header reached Okta")
    );
    let r = reply(
        401,
        r#"{"error":"invalid_client","error_description":"Client authentication failed."}"#,
    );
    let basic = ClientAuth::Basic {
        client_id: "app1",
        secret: "s",
    };
    assert!(
        read(&r, basic)
            .unwrap_err()
            .to_string()
            .contains("check client_secret (OKTA_CLIENT_SECRET)")
    );
    assert!(
        read(&r, PUBLIC)
            .unwrap_err()
            .to_string()
            .contains("set client_secret")
    );
    let r = reply(
        400,
        r#"{"error":"invalid_grant","error_description":"The authorization code is invalid or has expired."}"#,
    );
    assert!(
        read(&r, PUBLIC)
            .unwrap_err()
            .to_string()
            .contains("expired or was already used")
    );
    let r = reply(400, r#"{"error":"unauthorized_client"}"#);
    assert!(
        read(&r, PUBLIC)
            .unwrap_err()
            .to_string()
            .contains("unauthorized_client; allow the grant type `authorization_code`")
    );
}

#[test]
fn non_json_answers_are_named() {
    let r = Reply {
        status: 200,
        content_type: "text/html".into(),
        body: "<html>proxy login</html>".into(),
        ..Reply::default()
    };
    let err = read(&r, PUBLIC).unwrap_err().to_string();
    assert!(
        err.contains("Okta answered 200 with text/html instead of JSON: <html>proxy login</html>"),
        "{err}"
    );
    let r = reply(200, r#"{"token_type":"Bearer"}"#);
    assert!(
        read(&r, PUBLIC)
            .unwrap_err()
            .to_string()
            .contains("JSON that does not fit (missing field `access_token` at line 1 column 23); its keys: token_type")
    );
}
