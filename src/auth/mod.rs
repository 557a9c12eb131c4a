//! TEMPORARY stub until the auth branch lands.
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Fixture {
    OktaPkce(OktaPkceFixture),
}

#[derive(Debug, Clone, Deserialize)]
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
