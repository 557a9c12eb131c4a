//! Runs one trial: logs in (once per identity, shared), then each step in
//! order: prepare, send (with retries), check, snapshot, capture.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use serde_json::Value as Json;

use super::plan::TrialSpec;
use super::prepare::prepare;
use crate::auth::Identities;
use crate::check;
use crate::check::snapshot::{self, Outcome, Snapshot};
use crate::http::{self, Exchange};
use crate::report::failure::{self, StepLabel};
use crate::report::mask::Masker;
use crate::suite::expect::{CaptureSource, StatusExpect};
use crate::suite::model::{ExpectDef, RequestDef, RetryDef};
use crate::suite::template::Scope;

/// Everything shared by the trials of a run.
pub struct RunCtx {
    pub client: reqwest::Client,
    pub identities: Identities,
    pub masker: Masker,
    pub cli_vars: Vec<(String, Json)>,
    pub default_timeout: Duration,
    pub verbose: bool,
    /// The demo API's URL when the built-in emulator runs (`base_url: demo`).
    pub demo_api_url: Option<String>,
    /// Identity -> the trial that showed its login error in full.
    pub login_failures: Mutex<HashMap<String, String>>,
}

/// One step as the runner sees it (a single-request test is one step).
struct Step<'a> {
    label: Option<StepLabel<'a>>,
    request: &'a RequestDef,
    expect: Option<&'a ExpectDef>,
    capture: &'a crate::suite::expect::Captures,
    retry: Option<&'a RetryDef>,
}

fn steps(spec: &TrialSpec) -> Vec<Step<'_>> {
    let test = &*spec.test;
    match (&test.steps, &test.request) {
        (Some(steps), _) => steps
            .iter()
            .enumerate()
            .map(|(index, s)| Step {
                label: Some(StepLabel {
                    index,
                    count: steps.len(),
                    name: s.name.as_deref(),
                }),
                request: &s.request,
                expect: s.expect.as_ref(),
                capture: &s.capture,
                retry: s.retry.as_ref(),
            })
            .collect(),
        (None, Some(request)) => vec![Step {
            label: None,
            request,
            expect: test.expect.as_ref(),
            capture: &test.capture,
            retry: test.retry.as_ref(),
        }],
        (None, None) => Vec::new(),
    }
}

/// Runs a trial; the error is the failure message, secrets masked.
pub async fn run_trial(ctx: &RunCtx, spec: &TrialSpec) -> Result<(), String> {
    run_steps(ctx, spec).await.map_err(|e| ctx.masker.mask(&e))
}

async fn run_steps(ctx: &RunCtx, spec: &TrialSpec) -> Result<(), String> {
    let token = match &spec.identity {
        Some(identity) => Some(login(ctx, spec, identity).await?),
        None => None,
    };
    let mut scope = Scope::new();
    scope.extend(&spec.suite.vars);
    for (k, v) in &ctx.cli_vars {
        scope.set(k.clone(), v.clone());
    }
    if let Some(row) = &spec.row {
        scope.extend(row);
    }
    let all = steps(spec);
    for step in &all {
        let exchange = run_step(ctx, spec, step, &scope, token.as_deref()).await?;
        capture(ctx, step, &exchange, &mut scope).map_err(|e| {
            failure::render(step.label, &line(spec, &exchange), &[e], Some(&exchange), 1)
        })?;
    }
    Ok(())
}

fn line(spec: &TrialSpec, exchange: &Exchange) -> String {
    failure::request_line(&exchange.request, spec.identity_label.as_deref())
}

async fn login(ctx: &RunCtx, spec: &TrialSpec, identity: &str) -> Result<String, String> {
    match ctx.identities.token(identity).await {
        Ok(token) => Ok(token.access_token.clone()),
        Err(err) => {
            let mut shown = ctx.login_failures.lock().unwrap_or_else(|e| e.into_inner());
            match shown.get(identity) {
                Some(first) => Err(format!(
                    "identity `{identity}`: login failed; the error is shown in full under `{first}`"
                )),
                None => {
                    shown.insert(identity.to_owned(), spec.name.clone());
                    Err(format!("identity `{identity}`: {err}"))
                }
            }
        }
    }
}

async fn run_step(
    ctx: &RunCtx,
    spec: &TrialSpec,
    step: &Step<'_>,
    scope: &Scope,
    token: Option<&str>,
) -> Result<Exchange, String> {
    let timeout = spec
        .test
        .timeout
        .map(|d| d.0)
        .or(spec.suite.timeout)
        .unwrap_or(ctx.default_timeout);
    let prepared = prepare(
        step.request,
        scope,
        &spec.suite,
        ctx.demo_api_url.as_deref(),
        token,
        timeout,
    )
    .map_err(|e| format!("{}: {e}", step_prefix(step)))?;
    let request_line = failure::request_line(&prepared, spec.identity_label.as_deref());
    let attempts = step.retry.map_or(1, |r| r.attempts.max(1));
    let delay = step
        .retry
        .and_then(|r| r.delay)
        .map_or(Duration::from_millis(500), |d| d.0);
    let mut attempt = 0;
    loop {
        attempt += 1;
        let exchange = match http::send(&ctx.client, prepared.clone()).await {
            Ok(exchange) => exchange,
            // A transport error (refused, timed out) is retried like a failure.
            Err(_) if attempt < attempts => {
                tokio::time::sleep(delay).await;
                continue;
            }
            Err(e) => {
                return Err(failure::render(
                    step.label,
                    &request_line,
                    &[e.to_string()],
                    None,
                    attempt,
                ));
            }
        };
        if ctx.verbose {
            super::verbose::dump(&ctx.masker, &spec.name, &exchange);
        }
        let problems = check_exchange(spec, step, &exchange, scope);
        let until_met = step
            .retry
            .and_then(|r| r.until.as_ref())
            .map(|until| status_matches(until, spec, exchange.response.status));
        let done = match until_met {
            Some(met) => met,
            None => problems.is_empty(),
        };
        if !done && attempt < attempts {
            tokio::time::sleep(delay).await;
            continue;
        }
        let mut problems = problems;
        if problems.is_empty() {
            problems.extend(snapshot_step(ctx, spec, step, &exchange));
        } else if let Some(hint) = cached_token_hint(ctx, spec, &exchange) {
            problems.push(hint);
        }
        if problems.is_empty() {
            return Ok(exchange);
        }
        return Err(failure::render(
            step.label,
            &request_line,
            &problems,
            Some(&exchange),
            attempt,
        ));
    }
}

/// A 401 with a token from the cache: it may have been revoked.
fn cached_token_hint(ctx: &RunCtx, spec: &TrialSpec, ex: &Exchange) -> Option<String> {
    let identity = spec.identity.as_deref()?;
    (ex.response.status == 401 && ctx.identities.token_from_cache(identity)).then(|| {
        format!(
            "note: the token of `{identity}` came from the token cache; if it was revoked \
             (or the authorization server restarted), run again with --fresh-login"
        )
    })
}

fn step_prefix(step: &Step<'_>) -> String {
    match step.label {
        Some(l) => format!("step {} of {}", l.index + 1, l.count),
        None => "request".to_owned(),
    }
}

fn status_matches(until: &StatusExpect, spec: &TrialSpec, status: u16) -> bool {
    match until {
        StatusExpect::Any(set) => set.matches(status),
        StatusExpect::Matrix(m) => spec
            .identity_label
            .as_ref()
            .and_then(|id| m.get(id))
            .is_some_and(|set| set.matches(status)),
    }
}

/// Status, headers, JSON and duration problems of one exchange.
fn check_exchange(spec: &TrialSpec, step: &Step<'_>, ex: &Exchange, scope: &Scope) -> Vec<String> {
    static NOTHING: std::sync::LazyLock<ExpectDef> = std::sync::LazyLock::new(ExpectDef::default);
    let expect = step.expect.unwrap_or(&NOTHING);
    let status = match (&spec.matrix_status, &expect.status) {
        (Some(set), _) => Some(set.clone()),
        (None, Some(StatusExpect::Any(set))) => Some(set.clone()),
        _ => None,
    };
    let mut problems: Vec<String> = check::status::check(status.as_ref(), ex.response.status)
        .into_iter()
        .collect();
    problems.extend(check::headers::check(
        &expect.headers,
        &ex.response.headers,
        scope,
    ));
    problems.extend(check::json::check(
        &expect.json,
        ex.response.json.as_ref(),
        scope,
    ));
    if let Some(max) = expect.max_duration
        && ex.elapsed > max.0
    {
        problems.push(format!(
            "duration: expected at most {}, took {}ms",
            humantime::format_duration(max.0),
            ex.elapsed.as_millis()
        ));
    }
    problems
}

/// Compares the body with its snapshot, when the step takes one.
fn snapshot_step(ctx: &RunCtx, spec: &TrialSpec, step: &Step<'_>, ex: &Exchange) -> Option<String> {
    let def = step.expect.and_then(|e| e.snapshot.clone());
    // A single-request test snapshots JSON bodies by default; a step only when asked.
    let enabled = def.as_ref().map_or(step.label.is_none(), |d| d.enabled);
    let body = ex.response.json.as_ref()?;
    if !enabled {
        return None;
    }
    let def = def.unwrap_or_default();
    let name = spec.snapshot_file_name(def.name.as_deref(), step.label.map(|l| (l.index, l.count)));
    let secrets = ctx.masker.secrets();
    // Without scheme and host: the header must not change when the port does.
    let url = &ex.request.url;
    let target = match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_owned(),
    };
    let mut description = format!("{} {target}", ex.request.method);
    if let Some(identity) = &spec.identity_label {
        description.push_str(&format!(" as {identity}"));
    }
    let outcome = snapshot::check(&Snapshot {
        dir: &spec.suite.snapshot_dir,
        name: &name,
        suite_file: &spec.suite.file,
        description: &ctx.masker.mask(&description),
        value: body,
        redact: &def.redact,
        secrets: &secrets,
    });
    match outcome {
        Outcome::Matched | Outcome::Written => None,
        Outcome::Mismatch {
            diff,
            missing,
            pending,
            file,
        } => {
            let what = if missing { "is new" } else { "does not match" };
            let next = if pending {
                format!(
                    "review it with `cargo insta review` ({}.new was written)",
                    relative(&file).display()
                )
            } else if missing {
                "nothing was written (CI or INSTA_UPDATE=no); run locally to create it".to_owned()
            } else {
                "nothing was written (CI or INSTA_UPDATE=no)".to_owned()
            };
            Some(format!("snapshot `{name}` {what}; {next}\n{diff}"))
        }
    }
}

/// Stores the step's captures in the scope.
fn capture(ctx: &RunCtx, step: &Step<'_>, ex: &Exchange, scope: &mut Scope) -> Result<(), String> {
    for (name, def) in step.capture {
        let value = match &def.source {
            CaptureSource::Status => Json::from(ex.response.status),
            CaptureSource::Header(h) => {
                ex.response
                    .header(h)
                    .map(|v| Json::String(v.to_owned()))
                    .ok_or_else(|| format!("capture `{name}`: the response has no header `{h}`"))?
            }
            CaptureSource::Json(path) => {
                let body = ex.response.json.as_ref().ok_or_else(|| {
                    format!(
                        "capture `{name}`: {path} needs a JSON body, but the response is not JSON"
                    )
                })?;
                match path.select(body).as_slice() {
                    [] => {
                        return Err(format!(
                            "capture `{name}`: {path} selects nothing in the response"
                        ));
                    }
                    [one] => (*one).clone(),
                    many => Json::Array(many.iter().map(|v| (*v).clone()).collect()),
                }
            }
        };
        if def.secret {
            ctx.masker.add(crate::suite::template::scalar_text(&value));
        }
        scope.set(name.clone(), value);
    }
    Ok(())
}

/// `file` relative to the working directory, when it is below it.
fn relative(file: &std::path::Path) -> std::path::PathBuf {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| file.strip_prefix(cwd).ok().map(|f| f.to_path_buf()))
        .unwrap_or_else(|| file.to_path_buf())
}
