//! TEMPORARY stub until the auth branch lands.
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Fixture {
    OktaPkce(OktaPkceFixture),
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OktaPkceFixture {
    pub okta_url: String,
    pub client_id: String,
    pub username: String,
    pub password: String,
}

impl Fixture {
    pub fn secrets(&self) -> Vec<String> {
        match self {
            Fixture::OktaPkce(f) => vec![f.password.clone()],
        }
    }
}

pub struct Token {
    pub access_token: String,
    pub expires_at: Option<std::time::SystemTime>,
}
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct LoginError(pub String);
#[derive(Clone)]
pub struct LoginClient;
impl LoginClient {
    pub fn new(_t: std::time::Duration) -> Self {
        LoginClient
    }
}
pub struct Identities;
impl Identities {
    pub fn new(
        _f: std::collections::BTreeMap<String, Fixture>,
        _c: LoginClient,
        _m: crate::report::mask::Masker,
    ) -> Self {
        Identities
    }
    pub async fn token(
        &self,
        name: &str,
    ) -> Result<std::sync::Arc<Token>, std::sync::Arc<LoginError>> {
        Err(std::sync::Arc::new(LoginError(format!(
            "no login for {name} yet"
        ))))
    }
}
impl Fixture {
    pub fn uses_demo(&self) -> bool {
        matches!(self, Fixture::OktaPkce(f) if f.okta_url == "demo")
    }
    pub fn resolve_demo(&mut self, url: &str) {
        let Fixture::OktaPkce(f) = self;
        f.okta_url = url.to_owned();
    }
}
