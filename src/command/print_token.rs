//! `gatecheck token [IDENTITY]`: log in (or use the token cache) and print
//! the access token, for curl and other tools; `--decode` prints its claims.

use std::path::PathBuf;
use std::process::ExitCode;

use base64::Engine as _;
use serde_json::{Value as Json, json};

use crate::error::Error;
use crate::run;
use crate::secret::mask::Masker;
use crate::suite::load::Env;

pub struct TokenArgs {
    pub identity: Option<String>,
    pub decode: bool,
    pub fresh_login: bool,
    pub suites: PathBuf,
}

pub fn run(args: TokenArgs, env: &Env) -> Result<ExitCode, Error> {
    let mut project = load_identities(&args.suites, env)?;
    let name = pick_identity(&project, args.identity)?;
    let runtime = tokio::runtime::Runtime::new()
        .map_err(|e| Error::Runtime(format!("failed to start the async runtime: {e}")))?;
    let demo = runtime.block_on(run::start_demo(&mut project))?;
    let masker = Masker::new();
    let identities = {
        let _guard = runtime.enter();
        run::identities(&project, env, args.fresh_login, &demo, &masker)
    };
    let token = runtime.block_on(identities.token(&name));
    for warning in identities.warnings() {
        eprintln!("warning: {warning}");
    }
    let token = token.map_err(|e| Error::Runtime(e.to_string()))?;
    if demo.fixtures.contains(&name) {
        eprintln!(
            "note: `{name}` logged into the built-in emulator, which stops with this command, so \
             its token is only good for a demonstration; run `gatecheck emulator` and set OKTA_URL \
             for a token that stays valid"
        );
    }
    if args.decode {
        let claims = decode(&token.access_token)?;
        println!(
            "{}",
            serde_json::to_string_pretty(&claims).unwrap_or_default()
        );
    } else {
        println!("{}", token.access_token);
    }
    drop(demo);
    Ok(ExitCode::SUCCESS)
}

/// The fixtures (and the config, when there is one): a token needs no suite.
fn load_identities(suites: &std::path::Path, env: &Env) -> Result<crate::suite::Project, Error> {
    let (project, diags) = crate::suite::load::load_fixtures(suites, env);
    if diags.is_empty() {
        Ok(project)
    } else {
        Err(Error::Invalid(diags))
    }
}

/// The identity asked for, else the default `auth`, else the only one.
fn pick_identity(project: &crate::suite::Project, asked: Option<String>) -> Result<String, Error> {
    let known: Vec<&String> = project.fixtures.keys().collect();
    let name = asked
        .or_else(|| project.config.auth.clone().filter(|a| a != "none"))
        .or_else(|| (known.len() == 1).then(|| known[0].clone()));
    match name {
        Some(name) if project.fixtures.contains_key(&name) => Ok(name),
        Some(name) => Err(Error::Usage(format!(
            "unknown identity `{name}`{}; known: {}",
            crate::suite::expect::did_you_mean(&name, &known),
            list(&known)
        ))),
        None => Err(Error::Usage(format!(
            "which identity? give one of: {}",
            list(&known)
        ))),
    }
}

fn list(names: &[&String]) -> String {
    if names.is_empty() {
        "(none: add fixtures/NAME.yaml)".to_owned()
    } else {
        names
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The header and claims of a JWT (not verified), with `exp` made readable.
pub fn decode(token: &str) -> Result<Json, Error> {
    let opaque = || {
        Error::Runtime(
            "the access token is opaque (not a JWT): there are no claims to decode".into(),
        )
    };
    let mut parts = token.split('.');
    let (Some(header), Some(claims), Some(_), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(opaque());
    };
    let part = |p: &str| -> Result<Json, Error> {
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(p.trim_end_matches('='))
            .map_err(|_| opaque())?;
        serde_json::from_slice(&bytes).map_err(|_| opaque())
    };
    let claims = part(claims)?;
    let expires = claims.get("exp").and_then(Json::as_u64).map(|exp| {
        humantime::format_rfc3339_seconds(
            std::time::UNIX_EPOCH + std::time::Duration::from_secs(exp),
        )
        .to_string()
    });
    Ok(json!({"header": part(header)?, "claims": claims, "expires": expires}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_a_jwt_and_refuses_opaque_tokens() {
        let b64 = |v: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v);
        let token = format!(
            "{}.{}.sig",
            b64(r#"{"alg":"RS256"}"#),
            b64(r#"{"sub":"ada","exp":0}"#)
        );
        let decoded = decode(&token).unwrap();
        assert_eq!(decoded["claims"]["sub"], "ada");
        assert_eq!(decoded["header"]["alg"], "RS256");
        assert_eq!(decoded["expires"], "1970-01-01T00:00:00Z");
        assert!(decode("opaque-token").is_err());
    }
}
