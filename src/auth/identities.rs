//! The identities of a run: each logs in at most once, lazily, on first use,
//! shared by all concurrent tests; a failed login is remembered.

use super::client::LoginClient;
use super::error::LoginError;
use super::fixture::Fixture;
use super::login::login;
use super::token::Token;
use crate::report::mask::Masker;
use std::collections::BTreeMap;
use std::sync::Arc;
use tokio::sync::OnceCell;

type Outcome = Result<Arc<Token>, Arc<LoginError>>;

struct Slot {
    fixture: Fixture,
    outcome: OnceCell<Outcome>,
}

/// The registry of identities shared by all tests of a run.
pub struct Identities {
    slots: BTreeMap<String, Slot>,
    client: LoginClient,
    masker: Masker,
}

impl Identities {
    pub fn new(fixtures: BTreeMap<String, Fixture>, client: LoginClient, masker: Masker) -> Self {
        for fixture in fixtures.values() {
            for secret in fixture.secrets() {
                masker.add(secret);
            }
        }
        let slots = fixtures
            .into_iter()
            .map(|(name, fixture)| {
                let slot = Slot {
                    fixture,
                    outcome: OnceCell::new(),
                };
                (name, slot)
            })
            .collect();
        Self {
            slots,
            client,
            masker,
        }
    }

    /// The identity names, sorted.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.slots.keys().map(String::as_str)
    }

    pub fn fixture(&self, name: &str) -> Option<&Fixture> {
        self.slots.get(name).map(|s| &s.fixture)
    }

    /// The token of `name`: the first caller logs in, the others wait for it.
    pub async fn token(&self, name: &str) -> Outcome {
        let Some(slot) = self.slots.get(name) else {
            let known: Vec<&str> = self.names().collect();
            return Err(Arc::new(LoginError::unknown_identity(name, &known)));
        };
        slot.outcome
            .get_or_init(|| async {
                login(&slot.fixture, &self.client, &self.masker)
                    .await
                    .map(Arc::new)
                    .map_err(Arc::new)
            })
            .await
            .clone()
    }
}
