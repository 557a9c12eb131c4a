use super::*;

fn url(s: &str) -> Url {
    Url::parse(s).unwrap()
}

fn redirect(location: &str) -> Reply {
    Reply {
        status: 302,
        location: Some(location.into()),
        ..Reply::default()
    }
}

const HOME: &str = "https://as.example/oauth/authorize";
const CALLBACK: &str = "http://localhost:3000/callback";

fn step(reply: &Reply, current: &str) -> Result<Step, LoginFailure> {
    let current = url(current);
    let at = At::new("GET", &current);
    let redirect_uri = url(CALLBACK);
    let who = Client {
        client_id: "spa",
        redirect_uri: &redirect_uri,
    };
    next_step(reply, &at, &current, &url(HOME), who)
}

#[test]
fn origins_compare_scheme_host_and_port() {
    let same = |a, b| same_origin(&url(a), &url(b));
    assert!(same("https://as.example/a", "https://as.example:443/b?x#y"));
    assert!(!same("https://as.example/a", "http://as.example/a"));
    assert!(!same("https://as.example/a", "https://as.example:8443/a"));
    assert!(!same("https://as.example/a", "https://login.as.example/a"));
    assert!(!same("http://127.0.0.1:4000/", "http://localhost:4000/"));
}

#[test]
fn redirect_uri_matches_by_origin_and_path() {
    let cb = url(CALLBACK);
    assert!(is_redirect_uri(
        &url("http://localhost:3000/callback?code=c&state=s"),
        &cb
    ));
    assert!(is_redirect_uri(
        &url("http://localhost:3000/callback#code=c"),
        &cb
    ));
    assert!(!is_redirect_uri(
        &url("http://localhost:3000/callback/"),
        &cb
    ));
    assert!(!is_redirect_uri(
        &url("http://localhost:3001/callback?code=c"),
        &cb
    ));
    assert!(!is_redirect_uri(
        &url("http://localhost:3000/callbackx"),
        &cb
    ));
}

#[test]
fn locations_resolve_against_the_current_url() {
    let current = url("https://as.example/oauth/authorize?x=1");
    let at = At::new("GET", &current);
    let resolve = |loc: &str| location(&redirect(loc), &at, &current).unwrap().to_string();
    assert_eq!(
        resolve("/login/auto?r=1"),
        "https://as.example/login/auto?r=1"
    );
    assert_eq!(resolve("resume?r=1"), "https://as.example/oauth/resume?r=1");
    assert_eq!(
        resolve("?step=2"),
        "https://as.example/oauth/authorize?step=2"
    );
    assert_eq!(resolve("//other.example/x"), "https://other.example/x");
    assert_eq!(resolve(CALLBACK), CALLBACK);
    let none = Reply {
        status: 303,
        ..Reply::default()
    };
    let err = location(&none, &at, &current).unwrap_err().to_string();
    assert!(err.ends_with("a 303 redirect without Location"), "{err}");
}

#[test]
fn same_origin_is_followed_and_the_callback_is_not() {
    let from = "https://as.example/oauth/authorize?s=1";
    assert_eq!(
        step(&redirect("/login?r=1"), from).unwrap(),
        Step::Follow(url("https://as.example/login?r=1"))
    );
    assert_eq!(
        step(
            &redirect("http://localhost:3000/callback?code=c&state=s"),
            from
        )
        .unwrap(),
        Step::Callback(url("http://localhost:3000/callback?code=c&state=s"))
    );
}

#[test]
fn a_foreign_origin_is_refused_without_its_query() {
    let err = step(
        &redirect("https://idp.example.net/sso?SAMLRequest=abc"),
        "https://as.example/oauth/authorize",
    )
    .unwrap_err();
    assert_eq!(err.kind(), crate::auth::LoginErrorKind::Authorize);
    let err = err.to_string();
    assert!(
        err.starts_with(
            "the authorization server did not complete the authorization without a login form at \
             GET https://as.example/oauth/authorize: it redirected to another origin, https://idp.example.net/sso (an external"
        ),
        "{err}"
    );
    assert!(!err.contains("SAMLRequest"), "{err}");
    assert!(err.contains("a dev server's auto-login"), "{err}");
}

#[test]
fn a_login_form_is_named() {
    let form = Reply {
        status: 200,
        content_type: "text/html".into(),
        body: "<html><form method=post><input name=password type=password></form></html>".into(),
        ..Reply::default()
    };
    let err = step(&form, HOME).unwrap_err().to_string();
    assert!(
        err.contains(
            ": it answered 200 with an HTML login form instead of redirecting; oauth2-pkce needs"
        ),
        "{err}"
    );
}

#[test]
fn error_pages_and_json_errors() {
    let page = Reply {
        status: 400,
        content_type: "text/html".into(),
        body: "<html><p>Invalid redirect_uri.</p></html>".into(),
        ..Reply::default()
    };
    let err = step(&page, HOME).unwrap_err().to_string();
    assert!(
        err.contains("with a 400 page (\"Invalid redirect_uri\"); check that client_id `spa`"),
        "{err}"
    );
    let json = Reply {
        status: 400,
        content_type: "application/json".into(),
        body: r#"{"error":"invalid_request","error_description":"bad"}"#.into(),
        ..Reply::default()
    };
    let err = step(&json, HOME).unwrap_err().to_string();
    assert!(
        err.contains(": invalid_request (bad); check client_id"),
        "{err}"
    );
}

fn callback(query: &str, iss_required: bool) -> Result<String, LoginFailure> {
    let target = url(&format!("{CALLBACK}?{query}"));
    let at = At::new("GET", &url("https://as.example/resume"));
    let expected = Expected {
        state: "st8",
        issuer: "https://as.example",
        iss_required,
    };
    read_callback(&target, &at, expected, &Masker::new())
}

#[test]
fn callback_gives_the_code_when_state_and_iss_fit() {
    assert_eq!(callback("code=c0de&state=st8", false).unwrap(), "c0de");
    let iss = "iss=https%3A%2F%2Fas.example";
    assert_eq!(
        callback(&format!("code=c0de&state=st8&{iss}"), true).unwrap(),
        "c0de"
    );
}

#[test]
fn callback_refuses_a_wrong_or_missing_iss() {
    let err = callback("code=c0de&state=st8&iss=https%3A%2F%2Fevil.example", false).unwrap_err();
    assert_eq!(err.kind(), crate::auth::LoginErrorKind::IssuerMismatch);
    assert_eq!(
        err.to_string(),
        "issuer mismatch at GET https://as.example/resume: the redirect to redirect_uri carries iss \
         `https://evil.example` but the issuer is `https://as.example`; refusing the authorization \
         response (RFC 9207: it may come from another authorization server)"
    );
    let err = callback("code=c0de&state=st8", true)
        .unwrap_err()
        .to_string();
    assert!(err.contains("carries no iss although"), "{err}");
}

#[test]
fn callback_refuses_a_state_mismatch_and_reports_errors() {
    let err = callback("code=c0de&state=other", false).unwrap_err();
    assert_eq!(err.kind(), crate::auth::LoginErrorKind::StateMismatch);
    let err = callback(
        "error=access_denied&error_description=nope&state=st8",
        false,
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.starts_with("/authorize refused the login at GET https://as.example/resume: access_denied (nope); the server refused the test user"),
        "{err}"
    );
    let err = callback("state=st8", false).unwrap_err().to_string();
    assert!(
        err.ends_with("a redirect to the redirect_uri without code or error"),
        "{err}"
    );
}

#[test]
fn the_code_is_registered_as_a_secret() {
    let masker = Masker::new();
    let target = url(&format!("{CALLBACK}?code=c0de-secret&state=wrong"));
    let at = At::new("GET", &url("https://as.example/resume"));
    let expected = Expected {
        state: "st8",
        issuer: "https://as.example",
        iss_required: false,
    };
    let _ = read_callback(&target, &at, expected, &masker);
    assert!(masker.contains_secret("x c0de-secret y"));
}

#[test]
fn custom_scheme_redirect_uris_of_native_apps_match() {
    let native = url("com.example.app:/callback");
    assert!(is_redirect_uri(
        &url("com.example.app:/callback?code=c&state=s"),
        &native
    ));
    assert!(!is_redirect_uri(
        &url("com.evil.app:/callback?code=c"),
        &native
    ));
    assert!(!is_redirect_uri(
        &url("com.example.app:/other?code=c"),
        &native
    ));
}
