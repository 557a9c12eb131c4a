//! The command line: `gatecheck [OPTIONS] [PATH...] [FILTER]` and the
//! subcommands. Builds libtest-mimic's `Arguments` itself, so the options
//! behave like `cargo test`'s.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use libtest_mimic::{Arguments, ColorSetting, FormatSetting};

use crate::error::{Error, exit};
use crate::run::{self, RunOptions, Summary};
use crate::suite::load::Env;

/// The folder run when no path is given.
pub const DEFAULT_PATH: &str = "suites";

#[derive(Debug, Parser)]
#[command(
    name = "gatecheck",
    version,
    about = "API regression tests for HTTP APIs behind an Okta (OAuth 2.0 / OIDC) login",
    args_conflicts_with_subcommands = true,
    after_help = "Exit codes: 0 all tests passed, 1 a test failed, 2 invalid input or usage (nothing was run)."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub run: RunArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Load and check suites, config and fixtures; send nothing.
    Validate {
        /// Suite folders or files (default: suites/).
        paths: Vec<PathBuf>,
        /// A variable that will be given with --var at run time (repeatable).
        #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_var)]
        vars: Vec<(String, String)>,
    },
    /// Log in as IDENTITY (or use the token cache) and print the access token.
    Token {
        /// The identity (a fixture name); default: `auth` of gatecheck.yaml, or the only fixture.
        identity: Option<String>,
        /// Print the token's header and claims instead (not verified).
        #[arg(long)]
        decode: bool,
        /// Log in again even when a cached token is valid.
        #[arg(long)]
        fresh_login: bool,
        /// The suites folder whose config and fixtures to use.
        #[arg(long, default_value = DEFAULT_PATH)]
        suites: PathBuf,
    },
    /// Write JSON Schemas of the suite, config and fixture formats (for editors).
    Schema {
        /// Folder to write suite.schema.json, config.schema.json and fixture.schema.json to.
        #[arg(long, default_value = "schema")]
        out: PathBuf,
    },
    /// Start gatecheck in this repository: a config, an example suite, a login fixture.
    Init(crate::init::InitArgs),
    /// Review pending snapshots (`*.snap.new`) one at a time: accept, reject or skip.
    Review(crate::review::PendingArgs),
    /// Accept pending snapshots (all, or those matching a filter).
    Accept(crate::review::PendingArgs),
    /// Reject pending snapshots (all, or those matching a filter).
    Reject(crate::review::PendingArgs),
    /// Write suites and fixtures from another tool's files.
    Import {
        #[command(subcommand)]
        from: ImportFrom,
    },
    /// Work with HTML reports: `report merge OUT IN...` combines shards' pages.
    Report {
        #[command(subcommand)]
        command: crate::report::html::files::ReportCommand,
    },
    /// Run the built-in Okta emulator and demo API until Ctrl-C.
    Emulator {
        /// Users, groups and clients (YAML); default: the built-in set.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Port of the Okta emulator (0: any free port).
        #[arg(long, default_value_t = 0)]
        port: u16,
        /// Port of the demo API (0: any free port).
        #[arg(long, default_value_t = 0)]
        api_port: u16,
        /// Serve the Okta side over HTTPS with a certificate for
        /// 127.0.0.1/localhost from a CA generated at start.
        #[arg(long)]
        tls: bool,
        /// Where --tls writes the CA certificate (PEM); default: a file in
        /// the temp directory. The path is printed.
        #[arg(long, requires = "tls")]
        ca_cert_out: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ImportFrom {
    /// A Postman collection (v2.x), optionally with an environment file.
    Postman {
        /// The exported collection (Collection v2.1 JSON).
        collection: PathBuf,
        /// An exported Postman environment.
        #[arg(long)]
        environment: Option<PathBuf>,
        /// Folder to write suites/ and fixtures/ into (existing files are never overwritten).
        #[arg(long, default_value = ".")]
        out: PathBuf,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    Pretty,
    Terse,
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Suite folders or files (default: suites/), then at most one test-name filter
    /// (a substring of `suite::test`; an argument that is not an existing path is the filter).
    #[arg(value_name = "PATH... [FILTER]")]
    pub args: Vec<String>,
    /// Match the filter exactly.
    #[arg(long)]
    pub exact: bool,
    /// Skip tests whose name contains this (repeatable).
    #[arg(long, value_name = "FILTER")]
    pub skip: Vec<String>,
    /// Run only ignored (`skip:`) tests.
    #[arg(long)]
    pub ignored: bool,
    /// Run ignored tests too.
    #[arg(long)]
    pub include_ignored: bool,
    /// List the tests instead of running them.
    #[arg(long)]
    pub list: bool,
    /// Output format.
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Shorthand for --format terse.
    #[arg(short, long)]
    pub quiet: bool,
    /// Tests run at once (default: `concurrency` in gatecheck.yaml, else 32).
    #[arg(long, value_name = "N", value_parser = parse_threads)]
    pub test_threads: Option<usize>,
    /// Colored output.
    #[arg(long, value_enum)]
    pub color: Option<Color>,
    /// Run only tests with this tag (repeatable).
    #[arg(long)]
    pub tag: Vec<String>,
    /// Leave out tests with this tag (repeatable).
    #[arg(long)]
    pub exclude_tag: Vec<String>,
    /// Set a variable for `{{ NAME }}` (overrides suite vars; repeatable).
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_var)]
    pub vars: Vec<(String, String)>,
    /// Log in again even when a cached token is valid.
    #[arg(long)]
    pub fresh_login: bool,
    /// Print every request and response (secrets masked).
    #[arg(short, long)]
    pub verbose: bool,
    /// Write a JUnit XML report to FILE.
    #[arg(long, value_name = "FILE")]
    pub junit: Option<PathBuf>,
    /// Write an HTML report (one self-contained page) to FILE.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Run one shard of the tests: hash:K/N (stable) or count:K/N (even).
    #[arg(long, value_name = "hash:K/N")]
    pub partition: Option<crate::run::partition::Partition>,
    /// Accepted for `cargo test` compatibility; output is never captured.
    #[arg(long, hide = true)]
    pub nocapture: bool,
}

fn parse_threads(text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(0) => Err(
            "must be at least 1 (0 would run no test at all); use 1 to run tests one at a time"
                .to_owned(),
        ),
        Ok(n) => Ok(n),
        Err(_) => Err(format!(
            "expected a number of threads (1 or more), got `{text}`"
        )),
    }
}

fn parse_var(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_owned(), v.to_owned())),
        _ => Err(format!("expected NAME=VALUE, got `{text}`")),
    }
}

/// Reads the environment once, into the one context value.
pub fn read_env() -> Env {
    std::env::vars().collect()
}

/// The binary's entry point.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let env = read_env();
    match dispatch(cli, &env) {
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
        Some(Command::Validate { paths, vars }) => validate(paths, &vars, env),
        Some(Command::Emulator {
            config,
            port,
            api_port,
            tls,
            ca_cert_out,
        }) => {
            let ca_cert_out = tls.then(|| {
                ca_cert_out.unwrap_or_else(|| {
                    let name = format!("gatecheck-emulator-ca-{}.pem", std::process::id());
                    std::env::temp_dir().join(name)
                })
            });
            emulator(config.as_deref(), port, api_port, ca_cert_out.as_deref())
        }
        Some(Command::Token {
            identity,
            decode,
            fresh_login,
            suites,
        }) => crate::token_cmd::run(
            crate::token_cmd::TokenArgs {
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
        }) => import_postman(&collection, environment.as_deref(), &out),
        Some(Command::Init(args)) => crate::init::run(&args, &mut std::io::stdout()),
        Some(Command::Review(args)) => {
            crate::review::review(&args, &mut std::io::stdin().lock(), &mut std::io::stdout())
        }
        Some(Command::Accept(args)) => crate::review::accept(&args, &mut std::io::stdout()),
        Some(Command::Reject(args)) => crate::review::reject(&args, &mut std::io::stdout()),
        Some(Command::Schema { out }) => {
            let files = crate::schema::write_all(&out).map_err(|e| {
                Error::Runtime(format!(
                    "failed to write schemas to `{}`: {e}",
                    out.display()
                ))
            })?;
            for file in files {
                println!("wrote {}", file.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Report { command }) => {
            println!("{}", crate::report::html::files::run(&command)?);
            Ok(ExitCode::SUCCESS)
        }
        None => run_suites(cli.run, env),
    }
}

fn emulator(
    config: Option<&Path>,
    port: u16,
    api_port: u16,
    ca_cert_out: Option<&Path>,
) -> Result<ExitCode, Error> {
    use crate::emulator::{EmulatorConfig, run_standalone_with};
    let config = match config {
        None => EmulatorConfig::builtin(),
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                Error::Usage(format!(
                    "failed to read emulator config `{}`: {e}",
                    path.display()
                ))
            })?;
            EmulatorConfig::from_yaml(&text)
                .map_err(|e| Error::Usage(format!("{}: {e}", path.display())))?
        }
    };
    let runtime = tokio::runtime::Runtime::new()
        .map_err(|e| Error::Runtime(format!("failed to start the async runtime: {e}")))?;
    let mut out = std::io::stdout();
    runtime
        .block_on(run_standalone_with(
            config,
            port,
            api_port,
            ca_cert_out,
            &mut out,
        ))
        .map_err(|e| Error::Runtime(format!("the emulator stopped: {e}")))?;
    Ok(ExitCode::SUCCESS)
}

fn import_postman(
    collection: &Path,
    environment: Option<&Path>,
    out: &Path,
) -> Result<ExitCode, Error> {
    let report = crate::import::import_postman(collection, environment, out)
        .map_err(|e| Error::Usage(e.to_string()))?;
    for file in &report.files {
        println!("wrote {}", file.strip_prefix(".").unwrap_or(file).display());
    }
    for warning in &report.warnings {
        eprintln!("warning: {warning}");
    }
    print!("{}", report.summary);
    println!(
        "next: review the files, set the environment variables they name, then `gatecheck validate` and `gatecheck`"
    );
    Ok(ExitCode::SUCCESS)
}

fn default_paths(paths: Vec<PathBuf>) -> Vec<PathBuf> {
    if paths.is_empty() {
        vec![PathBuf::from(DEFAULT_PATH)]
    } else {
        paths
    }
}

fn validate(paths: Vec<PathBuf>, vars: &[(String, String)], env: &Env) -> Result<ExitCode, Error> {
    let names: Vec<String> = vars.iter().map(|(k, _)| k.clone()).collect();
    let (project, trials) = run::load_valid(&default_paths(paths), env, &names)?;
    let trials = trials.len();
    let tests: usize = project.suites.iter().map(|s| s.tests.len()).sum();
    println!(
        "ok: {} suites, {tests} tests ({trials} trials), {} identities",
        project.suites.len(),
        project.fixtures.len()
    );
    Ok(ExitCode::SUCCESS)
}

/// Splits positionals into paths and the filter: an existing path is a
/// path; anything else is the filter, unless it looks like a path.
fn split_positionals(args: Vec<String>) -> Result<(Vec<PathBuf>, Option<String>), Error> {
    let mut paths = Vec::new();
    let mut filter: Option<String> = None;
    for arg in args {
        let looks_like_path = arg.ends_with(".yaml") || arg.ends_with(".yml") || arg.ends_with('/');
        if Path::new(&arg).exists() || (looks_like_path && filter.is_none()) {
            paths.push(PathBuf::from(arg));
        } else if let Some(first) = &filter {
            return Err(Error::Usage(format!(
                "two filters given (`{first}` and `{arg}`); give at most one, or use --skip. \
                 If `{arg}` is a path, it does not exist"
            )));
        } else {
            filter = Some(arg);
        }
    }
    Ok((default_paths(paths), filter))
}

fn libtest_args(run: &RunArgs, filter: Option<String>) -> Arguments {
    let format = match (run.format, run.quiet) {
        (Some(Format::Json), _) => Some(FormatSetting::Json),
        (Some(Format::Terse), _) | (None, true) => Some(FormatSetting::Terse),
        (Some(Format::Pretty), _) => Some(FormatSetting::Pretty),
        (None, false) => None,
    };
    let color = run.color.map(|c| match c {
        Color::Auto => ColorSetting::Auto,
        Color::Always => ColorSetting::Always,
        Color::Never => ColorSetting::Never,
    });
    Arguments {
        include_ignored: run.include_ignored,
        ignored: run.ignored,
        list: run.list,
        exact: run.exact,
        quiet: run.quiet,
        test_threads: run.test_threads,
        skip: run.skip.clone(),
        color,
        format,
        filter,
        ..Arguments::default()
    }
}

fn run_suites(args: RunArgs, env: &Env) -> Result<ExitCode, Error> {
    let (paths, filter) = split_positionals(args.args.clone())?;
    let opts = RunOptions {
        paths,
        args: libtest_args(&args, filter),
        tags: args.tag.clone(),
        exclude_tags: args.exclude_tag.clone(),
        vars: args.vars.clone(),
        verbose: args.verbose,
        fresh_login: args.fresh_login,
        junit: args.junit.clone(),
        html: args.html.clone(),
        partition: args.partition,
    };
    let summary = run::run(&opts, env)?;
    report_end(&summary, env);
    Ok(ExitCode::from(if summary.failed > 0 {
        exit::FAILED
    } else {
        exit::OK
    }))
}

/// The lines after libtest's summary: pending snapshots, and in CI one
/// machine-readable line.
fn report_end(summary: &Summary, env: &Env) {
    let mut err = std::io::stderr().lock();
    let n = summary.pending_snapshots;
    if n > 0 {
        let _ = writeln!(
            err,
            "{n} snapshot{} to review: run `gatecheck review` (or `gatecheck accept`, `cargo insta review`)",
            if n == 1 { "" } else { "s" }
        );
    }
    if env
        .get("CI")
        .is_some_and(|v| !v.is_empty() && v != "false" && v != "0")
    {
        let _ = writeln!(
            err,
            "gatecheck: {} passed, {} failed, {} ignored, {n} pending snapshots",
            summary.passed, summary.failed, summary.ignored
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positionals_split_into_paths_and_a_filter() {
        let (paths, filter) = split_positionals(vec!["src".into(), "login".into()]).unwrap();
        assert_eq!(paths, vec![PathBuf::from("src")]);
        assert_eq!(filter.as_deref(), Some("login"));
        let (paths, filter) = split_positionals(vec![]).unwrap();
        assert_eq!(paths, vec![PathBuf::from("suites")]);
        assert!(filter.is_none());
        assert!(split_positionals(vec!["a".into(), "b".into()]).is_err());
    }

    #[test]
    fn a_missing_yaml_file_is_a_path_not_a_filter() {
        let (paths, filter) = split_positionals(vec!["nope.yaml".into()]).unwrap();
        assert_eq!(paths, vec![PathBuf::from("nope.yaml")]);
        assert!(filter.is_none());
    }

    #[test]
    fn vars_need_a_name() {
        assert_eq!(parse_var("a=b=c").unwrap(), ("a".into(), "b=c".into()));
        assert!(parse_var("=x").is_err());
    }
}
