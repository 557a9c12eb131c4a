//! The binary's entry point: reads the environment and the command line
//! once, parses the command line and hands each subcommand to its module.

use std::io::Write as _;
use std::process::ExitCode;

use crate::cli::{Cli, Command, ImportFrom};
use crate::error::Error;
use crate::suite::load::Env;

/// Reads the environment once, into the one context value.
pub fn read_env() -> Env {
    std::env::vars().collect()
}

/// The binary's entry point.
pub fn main() -> ExitCode {
    let cli = Cli::parse_words(std::env::args_os().collect());
    let env = read_env();
    // A closed reader (`gatecheck | head -1`) must not stop a run or a
    // command half-way: the rest of the output is dropped instead.
    let stdout = super::stdout::tolerate_closed_stdout();
    let result = dispatch(cli, &env);
    drop(stdout);
    match result {
        Ok(code) => code,
        Err(err) => {
            let _ = writeln!(std::io::stderr(), "{err}");
            err.exit_code()
        }
    }
}

/// Runs a parsed command line.
pub fn dispatch(cli: Cli, env: &Env) -> Result<ExitCode, Error> {
    match cli.command {
        Some(Command::Validate { paths, vars }) => {
            super::validate_suites::validate(paths, &vars, env)
        }
        Some(Command::Emulator {
            config,
            port,
            api_port,
            tls,
            ca_cert_out,
            vulnerable,
        }) => {
            let ca_cert_out = tls.then(|| {
                ca_cert_out.unwrap_or_else(|| {
                    let name = format!("gatecheck-emulator-ca-{}.pem", std::process::id());
                    std::env::temp_dir().join(name)
                })
            });
            super::emulator::emulator(
                config.as_deref(),
                port,
                api_port,
                ca_cert_out.as_deref(),
                vulnerable,
            )
        }
        Some(Command::Token {
            identity,
            decode,
            fresh_login,
            suites,
        }) => super::print_token::run(
            super::print_token::TokenArgs {
                identity,
                decode,
                fresh_login,
                suites,
            },
            env,
        ),
        Some(Command::Import {
            from:
                ImportFrom::Postman {
                    collection,
                    environment,
                    out,
                },
        }) => super::import::import_postman(&collection, environment.as_deref(), &out),
        Some(Command::Coverage {
            openapi,
            paths,
            json,
            fail_under,
            identities,
            vars,
        }) => super::coverage::coverage(
            super::coverage::CoverageOptions {
                openapi,
                paths,
                json,
                fail_under,
                identities,
                vars,
            },
            env,
        ),
        Some(Command::Init(args)) => super::init::init(&args, env),
        Some(Command::Review(args)) => super::review::review_stdin(&args, &mut std::io::stdout()),
        Some(Command::Accept(args)) => super::review::accept(&args, &mut std::io::stdout()),
        Some(Command::Reject(args)) => super::review::reject(&args, &mut std::io::stdout()),
        Some(Command::Schema { out }) => super::schema::schema(&out),
        Some(Command::Report { command }) => super::report::report(&command),
        None => super::run::run_suites(cli.run, cli.words, env),
    }
}
