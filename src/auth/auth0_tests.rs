use super::*;

fn fixture(extra: &str) -> Auth0Fixture {
    let mut base: serde_yaml::Mapping = serde_yaml::from_str(
        "domain: tenant.eu.auth0.com\nclient_id: spa\nredirect_uri: https://app.example/callback\n\
         audience: https://api.example/\nusername: ada@example.com\npassword: pw\n",
    )
    .unwrap();
    if !extra.is_empty() {
        base.extend(serde_yaml::from_str::<serde_yaml::Mapping>(extra).unwrap());
    }
    serde_yaml::from_value(serde_yaml::Value::Mapping(base)).unwrap()
}

fn at() -> At {
    At::new(
        "GET",
        &Url::parse("https://tenant.eu.auth0.com/authorize").unwrap(),
    )
}

fn redirect(location: &str) -> Reply {
    Reply {
        status: 302,
        location: Some(location.to_owned()),
        ..Reply::default()
    }
}

#[test]
fn a_bare_domain_is_https_and_the_issuer_ends_with_a_slash() {
    let f = fixture("");
    assert_eq!(f.root(), "https://tenant.eu.auth0.com");
    assert_eq!(f.issuer(), "https://tenant.eu.auth0.com/");
    assert_eq!(
        token_url(&f).unwrap().as_str(),
        "https://tenant.eu.auth0.com/oauth/token"
    );
    let f = fixture("domain: http://127.0.0.1:9/auth0/");
    assert_eq!(f.root(), "http://127.0.0.1:9/auth0");
}

#[test]
fn the_origin_defaults_to_the_redirect_uris() {
    assert_eq!(origin(&fixture("")).unwrap(), "https://app.example");
    let f = fixture("origin: http://localhost:3000");
    assert_eq!(origin(&f).unwrap(), "http://localhost:3000");
}

#[test]
fn the_authorize_url_carries_the_ticket_pkce_audience_and_organization() {
    let f = fixture("organization: org_1");
    let p = AuthorizeParams::generate(&mut rand::rng());
    let url = authorize_url(&f, &p, "TICKET").unwrap();
    let q: std::collections::BTreeMap<String, String> = url.query_pairs().into_owned().collect();
    assert_eq!(q["login_ticket"], "TICKET");
    assert_eq!(q["code_challenge"], p.pkce.challenge);
    assert_eq!(q["code_challenge_method"], "S256");
    assert_eq!(q["response_type"], "code");
    assert_eq!(q["audience"], "https://api.example/");
    assert_eq!(q["organization"], "org_1");
    assert_eq!(q["state"], p.state);
    assert_eq!(q["nonce"], p.nonce);
    assert!(!q.contains_key("code_verifier"));
    let plain = authorize_url(&fixture("audience: ''"), &p, "T").unwrap();
    assert!(!plain.query().unwrap().contains("audience"));
}

#[test]
fn the_code_comes_only_with_the_state_sent() {
    let f = fixture("");
    let masker = Masker::new();
    let ok = redirect("https://app.example/callback?code=C0DE&state=S1");
    assert_eq!(
        read_redirect(&ok, &at(), &f, "S1", &masker).unwrap(),
        "C0DE"
    );
    assert!(masker.contains_secret("C0DE"));
    let err = read_redirect(&ok, &at(), &f, "S2", &masker).unwrap_err();
    assert!(matches!(err, LoginFailure::StateMismatch { .. }), "{err}");
    let foreign = redirect("https://evil.example/callback?code=C0DE&state=S1");
    let err = read_redirect(&foreign, &at(), &f, "S1", &masker).unwrap_err();
    assert!(
        matches!(err, LoginFailure::RedirectMismatch { .. }),
        "{err}"
    );
}

#[test]
fn auth0_pages_and_error_redirects_are_named() {
    let f = fixture("");
    let masker = Masker::new();
    let cases = [
        (
            "/u/consent?state=x",
            "consent_required",
            "Allow Skipping User Consent",
        ),
        (
            "/u/mfa-otp-challenge?state=x",
            "mfa_required",
            "set totp_secret",
        ),
        ("/u/login?state=x", "login_required", "session cookie"),
        (
            "https://app.example/callback?error=access_denied&error_description=Service%20not%20found%3A%20x&state=S",
            "access_denied (Service not found: x)",
            "set audience (AUTH0_AUDIENCE)",
        ),
        (
            "https://app.example/callback?error=unauthorized_client&state=S",
            "unauthorized_client",
            "allow the Authorization Code grant",
        ),
    ];
    for (location, said, advice) in cases {
        let err = read_redirect(&redirect(location), &at(), &f, "S", &masker).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.starts_with(
                "Auth0 refused the login at GET https://tenant.eu.auth0.com/authorize: "
            ),
            "{msg}"
        );
        assert!(msg.contains(said), "{location}: {msg}");
        assert!(msg.contains(advice), "{location}: {msg}");
    }
}

#[test]
fn a_ticket_answer_is_read_and_masked() {
    let f = fixture("");
    let masker = Masker::new();
    let at = At::new("POST", &Url::parse("https://t/co/authenticate").unwrap());
    let reply = Reply {
        status: 200,
        body: r#"{"login_ticket":"TiCkEt","co_verifier":"VeRiFiEr","co_id":"x"}"#.into(),
        ..Reply::default()
    };
    assert_eq!(
        read_ticket(&reply, &at, &f, "o", &masker).unwrap(),
        "TiCkEt"
    );
    assert!(masker.contains_secret("TiCkEt") && masker.contains_secret("VeRiFiEr"));
    let reply = Reply {
        status: 200,
        body: "{}".into(),
        ..Reply::default()
    };
    let err = read_ticket(&reply, &at, &f, "o", &masker).unwrap_err();
    assert!(err.to_string().contains("without a login_ticket"), "{err}");
    let reply = Reply {
        status: 404,
        body: "Not Found".into(),
        ..Reply::default()
    };
    let err = read_ticket(&reply, &at, &f, "o", &masker).unwrap_err();
    assert!(
        err.to_string().contains("check domain (AUTH0_DOMAIN)"),
        "{err}"
    );
}
