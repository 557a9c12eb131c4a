use super::*;
use crate::auth::fixture::Fixture;
use crate::auth::pkce::Pkce;

fn fixture() -> OktaPkceFixture {
    let yaml = "kind: okta-pkce\nokta_url: https://org.okta.com\nclient_id: app1\n\
        redirect_uri: http://localhost:3000/callback\nusername: ada@example.com\npassword: pw-secret\n";
    let value: serde_yaml::Value = serde_yaml::from_str(yaml).unwrap();
    let Ok(Fixture::OktaPkce(f)) = serde::Deserialize::deserialize(value) else {
        panic!("not okta-pkce")
    };
    f
}

fn params() -> AuthorizeParams {
    AuthorizeParams {
        pkce: Pkce::from_verifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk".into()),
        state: "st4te".into(),
        nonce: "n0nce".into(),
    }
}

fn at() -> At {
    At::new(
        "GET",
        &Url::parse("https://org.okta.com/oauth2/default/v1/authorize").unwrap(),
    )
}

fn redirect(location: &str) -> Reply {
    Reply {
        status: 302,
        location: Some(location.into()),
        ..Reply::default()
    }
}

fn read(reply: &Reply, masker: &Masker) -> Result<String, LoginFailure> {
    read_redirect(reply, &at(), &fixture(), "st4te", masker)
}

#[test]
fn url_carries_every_parameter() {
    let url = authorize_url(&fixture(), &params(), "sess-tok").unwrap();
    let q: BTreeMap<String, String> = url.query_pairs().into_owned().collect();
    assert_eq!(url.path(), "/oauth2/default/v1/authorize");
    assert_eq!(q["response_type"], "code");
    assert_eq!(q["response_mode"], "query");
    assert_eq!(q["prompt"], "none");
    assert_eq!(q["code_challenge_method"], "S256");
    assert_eq!(
        q["code_challenge"],
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    );
    assert_eq!(q["sessionToken"], "sess-tok");
    assert_eq!(q["scope"], "openid profile email");
    assert_eq!(q["redirect_uri"], "http://localhost:3000/callback");
    assert_eq!(
        (q["state"].as_str(), q["nonce"].as_str()),
        ("st4te", "n0nce")
    );
    assert!(!q.contains_key("code_verifier"));
}

#[test]
fn code_is_read_from_location_and_masked() {
    let masker = Masker::new();
    let code = read(
        &redirect("http://localhost:3000/callback?code=BdLDvZvO3Z&state=st4te"),
        &masker,
    )
    .unwrap();
    assert_eq!(code, "BdLDvZvO3Z");
    assert!(masker.contains_secret("BdLDvZvO3Z"));
}

#[test]
fn any_3xx_and_fragment_are_accepted() {
    let mut r = redirect("http://localhost:3000/callback#code=frag-code&state=st4te");
    r.status = 303;
    assert_eq!(read(&r, &Masker::new()).unwrap(), "frag-code");
}

#[test]
fn state_mismatch_is_refused() {
    let err = read(
        &redirect("http://localhost:3000/callback?code=c0de-x&state=other"),
        &Masker::new(),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "state mismatch at GET https://org.okta.com/oauth2/default/v1/authorize: the redirect carries \
         state `other` but this login sent `st4te`; refusing the code (a stale or foreign redirect)"
    );
    let err = read(
        &redirect("http://localhost:3000/callback?code=c0de-x"),
        &Masker::new(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("state `(none)`"));
}

#[test]
fn error_redirect_shows_error_description_and_hint() {
    let r = redirect(
        "http://localhost:3000/callback?state=st4te&error=access_denied&error_description=User+is+not+assigned+to+the+client+application.",
    );
    let err = read(&r, &Masker::new()).unwrap_err().to_string();
    assert!(
        err.starts_with(
            "/authorize refused the login at GET https://org.okta.com/oauth2/default/v1/authorize: \
        access_denied (User is not assigned to the client application.); assign the test user"
        ),
        "{err}"
    );
    let r = redirect(
        "http://localhost:3000/callback?state=st4te&error=login_required&error_description=x",
    );
    assert!(
        read(&r, &Masker::new())
            .unwrap_err()
            .to_string()
            .contains("session token rejected")
    );
}

#[test]
fn sign_in_page_is_a_rejected_session_token() {
    let r = Reply {
        status: 200,
        content_type: "text/html;charset=utf-8".into(),
        body: "<html>Sign In</html>".into(),
        ..Reply::default()
    };
    let err = read(&r, &Masker::new()).unwrap_err().to_string();
    assert!(
        err.starts_with(
            "session token rejected at GET https://org.okta.com/oauth2/default/v1/authorize: \
        Okta answered 200 with its HTML sign-in page"
        ),
        "{err}"
    );
    let err = read(
        &redirect("https://org.okta.com/login/login.htm?fromURI=x"),
        &Masker::new(),
    )
    .unwrap_err();
    assert!(err.to_string().contains(
        "Okta redirected to https://org.okta.com/login/login.htm instead of the redirect_uri"
    ));
}

#[test]
fn bad_request_page_names_the_redirect_uri() {
    let body = "<html><head><title>Bad Request</title></head><body><h1>400 Bad Request</h1>\
        <p>The &#39;redirect_uri&#39; parameter must be a Login redirect URI in the client app settings.</p></body></html>";
    let r = Reply {
        status: 400,
        content_type: "text/html".into(),
        body: body.into(),
        ..Reply::default()
    };
    let err = read(&r, &Masker::new()).unwrap_err().to_string();
    assert!(err.contains("with a 400 page (\"The 'redirect_uri' parameter must be a Login redirect URI in the client app settings\")"), "{err}");
    assert!(err.contains("add the redirect_uri `http://localhost:3000/callback` to the app's Sign-in redirect URIs"), "{err}");
}

#[test]
fn unknown_authorization_server() {
    let body = r#"{"errorCode":"E0000007","errorSummary":"Not found: Resource not found: nope (AuthorizationServer)","errorCauses":[]}"#;
    let r = Reply {
        status: 404,
        content_type: "application/json".into(),
        body: body.into(),
        ..Reply::default()
    };
    let err = read(&r, &Masker::new()).unwrap_err().to_string();
    assert!(
        err.contains(
            "check auth_server (OKTA_AUTH_SERVER): `default` is not an authorization server"
        ),
        "{err}"
    );
}

#[test]
fn a_code_sent_anywhere_but_the_redirect_uri_is_refused() {
    // The right state and a code, but another scheme, host, port or path.
    let elsewhere = [
        "https://localhost:3000/callback",
        "http://evil.example:3000/callback",
        "http://127.0.0.1:3000/callback",
        "http://localhost:3001/callback",
        "http://localhost/callback",
        "http://localhost:3000/callback/",
        "http://localhost:3000/other",
        "http://localhost:3000@evil.example/callback",
        "/callback",
    ];
    for target in elsewhere {
        let masker = Masker::new();
        let reply = redirect(&format!("{target}?code=c0de-x&state=st4te"));
        let err = read(&reply, &masker).unwrap_err();
        assert!(
            matches!(err, LoginFailure::RedirectMismatch { .. }),
            "{target}: {err}"
        );
        let message = err.to_string();
        assert!(
            message.contains(
                "which is not the fixture's redirect_uri `http://localhost:3000/callback`"
            ),
            "{message}"
        );
        assert!(!message.contains("c0de-x"), "{message}");
    }
    let shown = read(
        &redirect("http://evil.example:3000/callback?code=c0de-x&state=st4te"),
        &Masker::new(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        shown.starts_with(
            "/authorize redirected to http://evil.example:3000/callback at GET https://org.okta.com/oauth2/default/v1/authorize"
        ),
        "{shown}"
    );
}

#[test]
fn the_redirect_uri_may_write_its_default_port() {
    let reply = redirect("http://localhost:3000/callback?code=c0de&state=st4te");
    assert_eq!(read(&reply, &Masker::new()).unwrap(), "c0de");
    let mut f = fixture();
    f.redirect_uri = "https://app.example/cb".into();
    let reply = redirect("https://app.example:443/cb?code=c0de&state=st4te");
    let code = read_redirect(&reply, &at(), &f, "st4te", &Masker::new()).unwrap();
    assert_eq!(code, "c0de");
}
