//! The command line: `gatecheck [OPTIONS] [PATH...] [FILTER]` and the
//! subcommands, as clap definitions only; each subcommand's work lives in
//! `src/command/`. Builds libtest-mimic's `Arguments` itself, so the
//! options behave like `cargo test`'s.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use libtest_mimic::{Arguments, ColorSetting, FormatSetting};

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
    /// The command line as given (the program, then its arguments), for
    /// the HTML report; filled in by [`Cli::parse_words`].
    #[arg(skip)]
    pub words: Vec<String>,
}

impl Cli {
    /// Parses `words` (the program first), keeping them as given.
    pub fn parse_words(words: Vec<std::ffi::OsString>) -> Self {
        let mut cli = Self::parse_from(&words);
        cli.words = words
            .iter()
            .map(|w| w.to_string_lossy().into_owned())
            .collect();
        cli
    }
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
    Init(InitArgs),
    /// Review pending snapshots (`*.snap.new`) one at a time: accept, reject or skip.
    Review(PendingArgs),
    /// Accept pending snapshots (all, or those matching a filter).
    Accept(PendingArgs),
    /// Reject pending snapshots (all, or those matching a filter).
    Reject(PendingArgs),
    /// Write suites and fixtures from another tool's files.
    Import {
        #[command(subcommand)]
        from: ImportFrom,
    },
    /// Work with HTML reports: `report merge OUT IN...` combines shards' pages.
    Report {
        #[command(subcommand)]
        command: ReportCommand,
    },
    /// Which operations of an OpenAPI document the suites test, as which identities.
    Coverage {
        /// The OpenAPI 3.0 or 3.1 document (YAML or JSON).
        #[arg(long, value_name = "FILE")]
        openapi: PathBuf,
        /// Suite folders or files (default: suites/).
        paths: Vec<PathBuf>,
        /// Print the grid as JSON.
        #[arg(long)]
        json: bool,
        /// Exit 1 when fewer than PCT percent of the grid's cells are covered.
        #[arg(long, value_name = "PCT")]
        fail_under: Option<f64>,
        /// An identity column (repeatable); default: every fixture.
        #[arg(long = "identity", value_name = "NAME")]
        identities: Vec<String>,
        /// A variable that will be given with --var at run time (repeatable).
        #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_var)]
        vars: Vec<(String, String)>,
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
        /// Plant authorization bugs in the demo API (for trying out
        /// authorization tests; see docs/openapi.md).
        #[arg(long)]
        vulnerable: bool,
    },
}

/// `gatecheck report ...`
#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Merge the HTML reports of a partitioned run's shards into one page.
    Merge {
        /// The page to write.
        out: PathBuf,
        /// The shards' pages (written with --html).
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
    },
}

/// `gatecheck init`'s options.
#[derive(Debug, Clone, Default, Args)]
pub struct InitArgs {
    /// Your Okta org, e.g. https://dev-123456.okta.com (the default of OKTA_URL in fixtures/user.yaml).
    #[arg(long, value_name = "URL")]
    pub okta_url: Option<String>,
    /// The app's client id (the default of OKTA_CLIENT_ID).
    #[arg(long, value_name = "ID", requires = "okta_url")]
    pub client_id: Option<String>,
    /// Your API's base URL (the default of API_URL in suites/gatecheck.yaml).
    #[arg(long, value_name = "URL")]
    pub api_url: Option<String>,
    /// The folder to write into (default: the current folder).
    #[arg(long, default_value = ".")]
    pub dir: PathBuf,
    /// Scaffold suites from this OpenAPI 3.0/3.1 document: one test per
    /// operation, an authorization matrix over the identities.
    #[arg(long, value_name = "FILE")]
    pub openapi: Option<PathBuf>,
    /// An identity of the matrices (repeatable); default: every fixture in fixtures/.
    #[arg(long = "identity", value_name = "NAME", requires = "openapi")]
    pub identities: Vec<String>,
    /// Add tests only for the operations no test covers yet.
    #[arg(long, requires = "openapi")]
    pub update: bool,
}

/// Which pending snapshots `review`, `accept` and `reject` handle: those
/// under `dirs` whose path contains a filter.
#[derive(Debug, Clone, Args)]
pub struct PendingArgs {
    /// Only snapshots whose path contains one of these (e.g. `todos__list`); default: all.
    #[arg(value_name = "FILTER")]
    pub filters: Vec<String>,
    /// Folder to search for `*.snap.new` files (repeatable; default: the current folder).
    #[arg(long = "dir", value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
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
    /// Add the authorization coverage grid of this OpenAPI document to the
    /// --html report.
    #[arg(long, value_name = "FILE")]
    pub openapi: Option<PathBuf>,
    /// Run one shard of the tests: hash:K/N (stable) or count:K/N (even).
    #[arg(long, value_name = "hash:K/N")]
    pub partition: Option<crate::partition::Partition>,
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

pub fn libtest_args(run: &RunArgs, filter: Option<String>) -> Arguments {
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

/// `paths`, or the default folder when none is given.
pub fn default_paths(paths: Vec<PathBuf>) -> Vec<PathBuf> {
    if paths.is_empty() {
        vec![PathBuf::from(DEFAULT_PATH)]
    } else {
        paths
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_words_of_the_command_line_are_kept_as_given() {
        let words = ["gatecheck", "--html", "out/r.html", "--var", "TOKEN=s3cret"];
        let cli = Cli::parse_words(words.iter().map(Into::into).collect());
        assert_eq!(cli.words, words);
        assert_eq!(cli.run.html, Some(PathBuf::from("out/r.html")));
        assert_eq!(cli.run.vars, [("TOKEN".to_owned(), "s3cret".to_owned())]);
    }

    #[test]
    fn vars_need_a_name() {
        assert_eq!(parse_var("a=b=c").unwrap(), ("a".into(), "b=c".into()));
        assert!(parse_var("=x").is_err());
    }
}
