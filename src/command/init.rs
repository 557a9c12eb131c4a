//! `gatecheck init`: the first files of a project (see [`crate::init`]).

use std::process::ExitCode;

use crate::cli::InitArgs;
use crate::error::Error;
use crate::init::InitOptions;
use crate::suite::load::Env;

/// Writes the files that do not exist yet, and says what to do next.
pub fn init(args: &InitArgs, env: &Env) -> Result<ExitCode, Error> {
    let options = InitOptions {
        okta_url: args.okta_url.clone(),
        client_id: args.client_id.clone(),
        api_url: args.api_url.clone(),
        dir: args.dir.clone(),
        openapi: args.openapi.clone(),
        identities: args.identities.clone(),
        update: args.update,
    };
    crate::init::run_with_env(&options, env, &mut std::io::stdout())
}
