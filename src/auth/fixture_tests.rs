use super::*;

fn parse(yaml: &str) -> Result<Fixture, serde_yaml::Error> {
    let value: serde_yaml::Value = serde_yaml::from_str(yaml)?;
    Fixture::deserialize(value)
}

fn okta(fx: Fixture) -> OktaPkceFixture {
    match fx {
        Fixture::OktaPkce(f) => f,
        other => panic!("not okta-pkce: {other:?}"),
    }
}

const MINIMAL: &str = "kind: okta-pkce\nokta_url: demo\nclient_id: demo-spa\n\
    redirect_uri: http://localhost:3000/callback\nusername: ada@example.com\npassword: correct-horse\n";

#[test]
fn defaults_apply() {
    let f = okta(parse(MINIMAL).unwrap());
    assert_eq!(f.auth_server, "default");
    assert_eq!(f.scopes, ["openid", "profile", "email"]);
    assert_eq!(f.client_secret, None);
    assert_eq!(f.totp_secret, None);
}

#[test]
fn empty_strings_mean_none_and_scopes_may_be_a_string() {
    let yaml =
        format!("{MINIMAL}client_secret: ''\ntotp_secret: ''\nscopes: openid  offline_access\n");
    let f = okta(parse(&yaml).unwrap());
    assert_eq!(f.client_secret, None);
    assert_eq!(f.totp_secret, None);
    assert_eq!(f.scopes, ["openid", "offline_access"]);
}

#[test]
fn unknown_key_is_serdes_error() {
    let err = parse(&format!("{MINIMAL}pasword: x\n"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("unknown field `pasword`"), "{err}");
    assert!(err.contains("expected one of"), "{err}");
}

#[test]
fn unknown_kind_and_wrong_type() {
    let err = parse("kind: okta\n").unwrap_err().to_string();
    assert!(err.contains("unknown variant `okta`"), "{err}");
    let err = parse(&MINIMAL.replace("password: correct-horse", "password: [a]"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("invalid type"), "{err}");
}

#[test]
fn secrets_demo_and_bases() {
    let mut fx = parse(&format!("{MINIMAL}totp_secret: JBSWY3DPEHPK3PXP\n")).unwrap();
    assert_eq!(fx.kind(), "okta-pkce");
    assert_eq!(fx.secrets(), ["correct-horse", "JBSWY3DPEHPK3PXP"]);
    assert!(fx.uses_demo());
    fx.resolve_demo("http://127.0.0.1:4000/");
    assert!(!fx.uses_demo());
    let mut f = okta(fx);
    assert_eq!(f.oauth_base(), "http://127.0.0.1:4000/oauth2/default");
    f.auth_server = "org".into();
    assert_eq!(f.oauth_base(), "http://127.0.0.1:4000/oauth2");
    assert_eq!(
        Fixture::OktaPkce(f).cache_key().unwrap().issuer,
        "http://127.0.0.1:4000"
    );
}

#[test]
fn debug_hides_secrets() {
    let fx = parse(&format!("{MINIMAL}client_secret: s3cr3t-value\n")).unwrap();
    let dbg = format!("{fx:?}");
    assert!(
        !dbg.contains("correct-horse") && !dbg.contains("s3cr3t"),
        "{dbg}"
    );
}

#[test]
fn other_kinds_parse_with_defaults() {
    let cc = parse("kind: client-credentials\nokta_url: demo\nclient_id: svc\nclient_secret: svc-secret\nscopes: todos.read\n").unwrap();
    assert_eq!(cc.kind(), "client-credentials");
    assert!(cc.uses_demo());
    assert_eq!(cc.secrets(), ["svc-secret"]);
    assert_eq!(cc.subject(), "client `svc`");
    let Fixture::ClientCredentials(f) = &cc else {
        panic!()
    };
    assert_eq!(f.auth_method, AuthMethod::ClientSecretBasic);
    let pw = parse("kind: password\ntoken_url: https://as.example/token\nclient_id: cli\nauth_method: client_secret_post\n\
        client_secret: cli-secret\nusername: u@x\npassword: pw-pw-pw\n").unwrap();
    assert!(!pw.uses_demo());
    assert_eq!(pw.cache_key().unwrap().issuer, "https://as.example/token");
    let rt =
        parse("kind: refresh-token\nokta_url: demo\nclient_id: spa\nrefresh_token: rt-rt-rt\n")
            .unwrap();
    assert_eq!(rt.secrets(), ["rt-rt-rt"]);
    let st = parse("kind: static\naccess_token: eyJ-static\n").unwrap();
    assert_eq!(st.secrets(), ["eyJ-static"]);
    assert!(!format!("{st:?}").contains("eyJ-static"));
    let err = parse("kind: static\naccess_token: x\nokta_url: demo\n")
        .unwrap_err()
        .to_string();
    assert!(err.contains("unknown field `okta_url`"), "{err}");
}

const OAUTH2: &str = "kind: oauth2-pkce\nissuer: https://as.example/realms/dev\nclient_id: spa\n\
    redirect_uri: http://localhost:3000/callback\n";

#[test]
fn oauth2_pkce_defaults_and_empty_values() {
    let fx = parse(&format!(
        "{OAUTH2}client_secret: ''\nextra_params: {{login_hint: ada@example.com, acr_values: '', dev_password: pw-1234}}\n"
    ))
    .unwrap();
    let Fixture::Oauth2Pkce(f) = &fx else {
        panic!("not oauth2-pkce: {fx:?}")
    };
    assert_eq!(f.scopes, ["openid"]);
    assert_eq!(f.client_secret, None);
    assert_eq!(f.auth_method, AuthMethod::ClientSecretBasic);
    assert_eq!(
        f.extra_params.keys().collect::<Vec<_>>(),
        ["dev_password", "login_hint"]
    );
    assert_eq!(fx.kind(), "oauth2-pkce");
    assert_eq!(fx.secrets(), ["pw-1234"]);
    assert_eq!(fx.subject(), "`ada@example.com`");
    assert!(!fx.uses_demo());
    let key = fx.cache_key().unwrap();
    assert_eq!(key.issuer, "https://as.example/realms/dev");
    assert_eq!(key.subject, "dev_password&login_hint=ada@example.com");
    assert!(!format!("{fx:?}").contains("pw-1234"));
}

#[test]
fn oauth2_pkce_null_params_and_unknown_keys() {
    let fx = parse(&format!("{OAUTH2}extra_params: ~\n")).unwrap();
    assert_eq!(fx.subject(), "client `spa`");
    let err = parse(&format!("{OAUTH2}okta_url: demo\n"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("unknown field `okta_url`"), "{err}");
}

#[test]
fn private_key_and_dpop_fields_and_their_secrets() {
    let pem = "-----BEGIN PRIVATE KEY-----\\nMIGH\\n-----END PRIVATE KEY-----";
    let yaml = format!(
        "kind: client-credentials\nokta_url: demo\nclient_id: svc\nprivate_key: \"{pem}\"\nkey_id: k1\ndpop: true\n"
    );
    let fx = parse(&yaml).unwrap();
    assert!(fx.dpop());
    assert_eq!(fx.secrets(), [pem.replace("\\n", "\n")]);
    let Fixture::ClientCredentials(f) = &fx else {
        panic!("{fx:?}")
    };
    assert!(matches!(
        f.client_auth(),
        crate::auth::token::ClientAuth::Jwt {
            client_id: "svc",
            key_id: Some("k1"),
            ..
        }
    ));
    assert!(!format!("{fx:?}").contains("BEGIN"), "Debug hides the key");
    // A key file's path is not a secret; `dpop` defaults to false.
    let fx = parse(&format!("{MINIMAL}private_key: keys/app.pem\n")).unwrap();
    assert!(!fx.dpop());
    assert_eq!(fx.secrets(), ["correct-horse"]);
    assert!(parse(&format!("{MINIMAL}dpop: yes please\n")).is_err());
}
