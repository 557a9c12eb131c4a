//! Login fixtures: one `fixtures/NAME.yaml` file per identity (SPEC §4).

use serde::{Deserialize, Deserializer};

/// The `okta_url` value that selects the built-in emulator.
pub const DEMO: &str = "demo";

/// One login fixture. The core expands `${ENV:-default}` in every string,
/// then calls `Fixture::deserialize(value)`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Fixture {
    OktaPkce(OktaPkceFixture),
}

/// `kind: okta-pkce`: Okta's headless /authn -> /authorize -> /token recipe.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OktaPkceFixture {
    pub okta_url: String,
    #[serde(default = "default_auth_server")]
    pub auth_server: String,
    pub client_id: String,
    #[serde(default, deserialize_with = "empty_as_none")]
    pub client_secret: Option<String>,
    pub redirect_uri: String,
    #[serde(default = "default_scopes", deserialize_with = "scope_list")]
    pub scopes: Vec<String>,
    pub username: String,
    pub password: String,
    #[serde(default, deserialize_with = "empty_as_none")]
    pub totp_secret: Option<String>,
}

/// What identifies a token for the token cache (SPEC §6).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CacheKey {
    pub issuer: String,
    pub client_id: String,
    pub subject: String,
    pub scopes: Vec<String>,
}

impl Fixture {
    /// The `kind:` value, as written in the file.
    pub fn kind(&self) -> &'static str {
        match self {
            Fixture::OktaPkce(_) => "okta-pkce",
        }
    }

    /// Values to mask from the start; empty ones are skipped.
    pub fn secrets(&self) -> Vec<String> {
        let candidates = match self {
            Fixture::OktaPkce(f) => vec![
                Some(&f.password),
                f.client_secret.as_ref(),
                f.totp_secret.as_ref(),
            ],
        };
        candidates
            .into_iter()
            .flatten()
            .filter(|s| !s.is_empty())
            .cloned()
            .collect()
    }

    /// True when the fixture points at the built-in emulator.
    pub fn uses_demo(&self) -> bool {
        match self {
            Fixture::OktaPkce(f) => f.okta_url == DEMO,
        }
    }

    /// Points a `demo` fixture at the running emulator's Okta URL.
    pub fn resolve_demo(&mut self, okta_url: &str) {
        match self {
            Fixture::OktaPkce(f) if f.okta_url == DEMO => f.okta_url = okta_url.to_owned(),
            Fixture::OktaPkce(_) => {}
        }
    }

    /// Issuer, client, user and scopes: the token cache's key.
    pub fn cache_key(&self) -> CacheKey {
        match self {
            Fixture::OktaPkce(f) => CacheKey {
                issuer: f.issuer(),
                client_id: f.client_id.clone(),
                subject: f.username.clone(),
                scopes: f.scopes.clone(),
            },
        }
    }
}

impl OktaPkceFixture {
    /// `{okta_url}/oauth2/{auth_server}`, or `{okta_url}/oauth2` for "org".
    pub fn oauth_base(&self) -> String {
        match self.auth_server.as_str() {
            "org" => format!("{}/oauth2", self.okta_root()),
            server => format!("{}/oauth2/{server}", self.okta_root()),
        }
    }

    /// The issuer of the tokens: the org URL for the org server.
    pub fn issuer(&self) -> String {
        match self.auth_server.as_str() {
            "org" => self.okta_root().to_owned(),
            _ => self.oauth_base(),
        }
    }

    /// The Okta org URL without a trailing slash.
    pub fn okta_root(&self) -> &str {
        self.okta_url.trim_end_matches('/')
    }
}

impl std::fmt::Debug for OktaPkceFixture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let hidden = |s: &Option<String>| s.as_ref().map(|_| "***");
        f.debug_struct("OktaPkceFixture")
            .field("okta_url", &self.okta_url)
            .field("auth_server", &self.auth_server)
            .field("client_id", &self.client_id)
            .field("client_secret", &hidden(&self.client_secret))
            .field("redirect_uri", &self.redirect_uri)
            .field("scopes", &self.scopes)
            .field("username", &self.username)
            .field("password", &"***")
            .field("totp_secret", &hidden(&self.totp_secret))
            .finish()
    }
}

fn default_auth_server() -> String {
    "default".to_owned()
}

fn default_scopes() -> Vec<String> {
    ["openid", "profile", "email"].map(String::from).to_vec()
}

/// An optional string where "" (an unset `${VAR:-}`) means none.
fn empty_as_none<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let value: Option<String> = Option::deserialize(d)?;
    Ok(value.filter(|s| !s.trim().is_empty()))
}

/// Scopes as a YAML list, or as one space-separated string (from `${VAR}`).
fn scope_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    struct Visitor;
    impl<'de> serde::de::Visitor<'de> for Visitor {
        type Value = Vec<String>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a list of scopes or a space-separated string")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(v.split_whitespace().map(String::from).collect())
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(
            self,
            mut seq: A,
        ) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(s) = seq.next_element::<String>()? {
                out.push(s);
            }
            Ok(out)
        }
    }
    d.deserialize_any(Visitor)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(yaml: &str) -> Result<Fixture, serde_yaml::Error> {
        let value: serde_yaml::Value = serde_yaml::from_str(yaml)?;
        Fixture::deserialize(value)
    }

    const MINIMAL: &str = "kind: okta-pkce\nokta_url: demo\nclient_id: demo-spa\n\
        redirect_uri: http://localhost:3000/callback\nusername: ada@example.com\npassword: correct-horse\n";

    #[test]
    fn defaults_apply() {
        let Fixture::OktaPkce(f) = parse(MINIMAL).unwrap();
        assert_eq!(f.auth_server, "default");
        assert_eq!(f.scopes, ["openid", "profile", "email"]);
        assert_eq!(f.client_secret, None);
        assert_eq!(f.totp_secret, None);
    }

    #[test]
    fn empty_strings_mean_none_and_scopes_may_be_a_string() {
        let yaml = format!(
            "{MINIMAL}client_secret: ''\ntotp_secret: ''\nscopes: openid  offline_access\n"
        );
        let Fixture::OktaPkce(f) = parse(&yaml).unwrap();
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
        let Fixture::OktaPkce(f) = &mut fx;
        assert_eq!(f.oauth_base(), "http://127.0.0.1:4000/oauth2/default");
        f.auth_server = "org".into();
        assert_eq!(f.oauth_base(), "http://127.0.0.1:4000/oauth2");
        assert_eq!(fx.cache_key().issuer, "http://127.0.0.1:4000");
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
}
