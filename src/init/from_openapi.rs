//! `gatecheck init --openapi FILE`: the plain project files when the folder
//! has none yet (those of plain `gatecheck init`, the example suite
//! included), then one suite per tag of the document, never overwriting a
//! file; `--update` writes tests only for operations no test covers.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::scaffold::{Identity, scaffold};
use super::{Real, base_url, files, org_url, write_new, write_plain};
use crate::error::{Diagnostic, Error};
use crate::suite::load::Env;

pub fn run(
    args: &super::InitOptions,
    document: &Path,
    env: &Env,
    out: &mut dyn Write,
) -> Result<ExitCode, Error> {
    let doc = crate::openapi::load(document).map_err(|e| {
        Error::Invalid(vec![Diagnostic::new(
            e.file,
            None,
            format!("at {}: {}", e.at, e.message),
        )])
    })?;
    let dir = &args.dir;
    let suites = dir.join("suites");
    let mut report = Vec::new();
    if !suites.join(crate::suite::load::CONFIG_FILE).exists() {
        // The project's first files; the API's URL from the document's
        // first absolute server unless given.
        let api_url = match &args.api_url {
            Some(url) => Some(base_url(url)?),
            None => doc.servers.first().and_then(|s| origin(s)),
        };
        let real = Real {
            okta_url: args.okta_url.as_deref().map(org_url).transpose()?,
            client_id: args.client_id.clone(),
            api_url,
        };
        report.extend(write_plain(dir, files(&real))?);
    }
    let (project, diags) = crate::suite::load::load_fixtures(&suites, env);
    if !diags.is_empty() {
        return Err(Error::Invalid(diags));
    }
    let names: Vec<String> = if args.identities.is_empty() {
        project.fixtures.keys().cloned().collect()
    } else {
        args.identities.clone()
    };
    let mut identities = Vec::new();
    for name in names {
        if name == crate::suite::validate::NONE {
            continue;
        }
        let Some(fixture) = project.fixtures.get(&name) else {
            return Err(Error::Usage(format!(
                "--identity {name}: no fixture of that name (fixtures: {})",
                project
                    .fixtures
                    .keys()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        };
        identities.push(Identity {
            scopes: fixture.cache_key().map(|k| k.scopes),
            name,
        });
    }
    let covered: BTreeSet<usize> = if args.update {
        let (_, trials) = crate::run::load_valid(std::slice::from_ref(&suites), env, &[])?;
        crate::openapi::coverage::covered_operations(&doc, &trials)
    } else {
        BTreeSet::new()
    };
    let source = relative(document, dir);
    let scaffolded = scaffold(&doc, &source, &identities, &|i| !covered.contains(&i));
    let mut tests = 0;
    for suite in &scaffolded.suites {
        let mut path = suites.join(format!("{}.yaml", suite.stem));
        if args.update {
            let mut n = 2;
            while path.exists() {
                path = suites.join(format!("{}-{n}.yaml", suite.stem));
                n += 1;
            }
        }
        let shown = relative(&path, dir);
        if write_new(&path, &suite.text)? {
            tests += suite.operations.len();
            report.push(format!(
                "wrote {shown} ({} operation{})",
                suite.operations.len(),
                if suite.operations.len() == 1 { "" } else { "s" }
            ));
        } else {
            report.push(format!(
                "kept {shown} (it exists; not overwritten; `--update` adds tests for untested operations)"
            ));
        }
    }
    if args.update && scaffolded.suites.is_empty() {
        report.push(format!(
            "every operation of {source} is covered already; nothing written"
        ));
    }
    let mut text = report.join("\n");
    text.push('\n');
    let ids: Vec<&str> = identities.iter().map(|i| i.name.as_str()).collect();
    text.push_str(&format!(
        "\n{tests} operation{} scaffolded from {source} (OpenAPI {}), identities: none, {}\n",
        if tests == 1 { "" } else { "s" },
        doc.version,
        if ids.is_empty() {
            "(no fixtures)".to_owned()
        } else {
            ids.join(", ")
        }
    ));
    if !scaffolded.uninferred.is_empty() {
        text.push_str("\nnot inferred (marked `# gatecheck: not inferred` in the files):\n");
        for line in &scaffolded.uninferred {
            text.push_str(&format!("  {line}\n"));
        }
    }
    if !scaffolded.vars.is_empty() {
        text.push_str(
            "\nset these variables (values of parameters the document gives no example for):\n",
        );
        for var in &scaffolded.vars {
            text.push_str(&format!("  {var}\n"));
        }
    }
    let identity_flags: String = if args.identities.is_empty() {
        String::new()
    } else {
        ids.iter().map(|i| format!(" --identity {i}")).collect()
    };
    text.push_str(&format!(
        "\nnext: run `gatecheck`, then `gatecheck coverage --openapi {source}{identity_flags}`\n"
    ));
    out.write_all(text.as_bytes())
        .map_err(|e| Error::Runtime(format!("failed to write to stdout: {e}")))?;
    Ok(ExitCode::SUCCESS)
}

/// `https://api.example.com/v1` -> `https://api.example.com`; None for a
/// relative server URL.
fn origin(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    if !(scheme == "http" || scheme == "https") {
        return None;
    }
    let host = rest
        .split('/')
        .next()
        .filter(|h| !h.is_empty() && !h.contains('{'))?;
    Some(format!("{scheme}://{host}"))
}

/// `path` relative to `dir` when it is inside, for messages.
fn relative(path: &Path, dir: &Path) -> String {
    let shown: PathBuf = path
        .strip_prefix(dir)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf());
    shown.display().to_string()
}
