//! The built-in emulator of a run (`demo` in fixtures and base URLs) and
//! the identities of a run, with the token cache when it is on.

use gatecheck_emulator::{Emulator, EmulatorConfig};

use crate::auth::Identities;
use crate::auth::LoginClient;
use crate::auth::cache::TokenCache;
use crate::error::Error;
use crate::secret::mask::Masker;
use crate::suite::Project;
use crate::suite::load::Env;

use super::defaults::DEFAULT_TIMEOUT;
use super::prepare;

/// The built-in emulator of a run, and the identities that log into it.
#[derive(Default)]
pub struct Demo {
    pub emulator: Option<Emulator>,
    pub fixtures: Vec<String>,
}

/// Starts the built-in emulator and demo API when a fixture or a suite
/// uses `demo`, and points those fixtures at it.
pub async fn start_demo(project: &mut Project) -> Result<Demo, Error> {
    let fixtures_need = project.fixtures.values().any(|f| f.uses_demo());
    let suites_need = project.suites.iter().any(|s| {
        s.header
            .base_url
            .as_deref()
            .or(s.config.base_url.as_deref())
            == Some(prepare::DEMO)
    });
    if !fixtures_need && !suites_need {
        return Ok(Demo::default());
    }
    let emulator = Emulator::start(EmulatorConfig::builtin())
        .await
        .map_err(|e| Error::Runtime(format!("failed to start the built-in Okta emulator: {e}")))?;
    let mut fixtures = Vec::new();
    for (name, fixture) in project.fixtures.iter_mut() {
        if fixture.uses_demo() {
            fixture.resolve_demo(emulator.okta_url());
            fixtures.push(name.clone());
        }
    }
    Ok(Demo {
        emulator: Some(emulator),
        fixtures,
    })
}

/// The identities of a run, with the token cache when it is on (tokens
/// of the in-process emulator are never cached: they die with the run).
pub fn identities(
    project: &Project,
    env: &Env,
    fresh_login: bool,
    demo: &Demo,
    masker: &Masker,
) -> Identities {
    let timeout = project.config.timeout.map_or(DEFAULT_TIMEOUT, |d| d.0);
    let identities = Identities::new(
        project.fixtures.clone(),
        LoginClient::new(timeout).with_max_body(super::defaults::max_body_size(project)),
        masker.clone(),
    );
    match TokenCache::from_env(|k| env.get(k).cloned()) {
        Some(cache) => identities.with_cache(cache, fresh_login, &demo.fixtures),
        None => identities,
    }
}
