//! Runs one trial: logs in (once per identity, shared), then each step in
//! order: prepare, send (with retries), check, snapshot, capture.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value as Json;

use super::plan::TrialSpec;
use super::prepare::prepare;
use crate::auth::{Identities, Token};
use crate::check;
use crate::check::failure::{Failure, FailureKind};
use crate::check::snapshot::{self, Snapshot};
use crate::http::json_node::selection;
use crate::http::{Exchange, Prepared};
use crate::secret::mask::Masker;
use crate::suite::expect::{CaptureSource, StatusExpect};
use crate::suite::keypath::KeyPath;
use crate::suite::model::{ExpectDef, RequestDef, RetryDef};
use crate::suite::negative::BrokenAuth;
use crate::suite::template::TestVars;
use crate::suite::validate::NONE;
use crate::verdict::failure::{self, StepFailure, StepLabel, TrialFailure};
use crate::verdict::step_view::StepView;
use crate::wire::limits::ByteSize;

/// Everything shared by the trials of a run.
pub struct RunCtx {
    pub client: reqwest::Client,
    pub identities: Identities,
    pub masker: Masker,
    pub cli_vars: Vec<(String, Json)>,
    pub default_timeout: Duration,
    /// The largest response body read (`max_body_size`).
    pub max_body: ByteSize,
    pub verbose: bool,
    /// The demo API's URL when the built-in emulator runs (`base_url: demo`).
    pub demo_api_url: Option<String>,
    /// Identity -> the trial that showed its login error in full.
    pub login_failures: Mutex<HashMap<String, String>>,
    /// `.snap.new` files this run's snapshot checks wrote (to review).
    pub pending_snapshots: std::sync::atomic::AtomicUsize,
}

/// One step as the runner sees it (a single-request test is one step).
struct Step<'a> {
    label: Option<StepLabel<'a>>,
    /// Where the step is in its suite: `tests[2]` or `tests[2].steps[1]`.
    base: KeyPath,
    request: &'a RequestDef,
    expect: Option<&'a ExpectDef>,
    capture: &'a crate::suite::expect::Captures,
    retry: Option<&'a RetryDef>,
    /// The step's own identity (`auth:` of a step).
    auth: Option<&'a str>,
}

fn steps(spec: &TrialSpec) -> Vec<Step<'_>> {
    let test = &*spec.test;
    let base = KeyPath::root().key("tests").index(test.index);
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
                base: base.key("steps").index(index),
                request: &s.request,
                expect: s.expect.as_ref(),
                capture: &s.capture,
                retry: s.retry.as_deref(),
                auth: s.auth.as_deref(),
            })
            .collect(),
        (None, Some(request)) => vec![Step {
            label: None,
            base,
            request,
            // A broken-authentication trial checks its status only.
            expect: test.expect.as_ref().filter(|_| spec.broken.is_none()),
            capture: &test.capture,
            retry: test.retry.as_deref(),
            auth: None,
        }],
        (None, None) => Vec::new(),
    }
}

/// Runs a trial; the error holds the located failures and their message,
/// secrets masked.
pub async fn run_trial(ctx: &RunCtx, spec: &TrialSpec) -> Result<(), TrialFailure> {
    run_trial_traced(ctx, spec, None).await
}

/// [`run_trial`], recording each step's last exchange (masked) in `trace`.
pub async fn run_trial_traced(
    ctx: &RunCtx,
    spec: &TrialSpec,
    trace: Option<&mut Vec<StepView>>,
) -> Result<(), TrialFailure> {
    run_steps(ctx, spec, trace)
        .await
        .map_err(|e| e.masked(|text| ctx.masker.mask(text)))
}

async fn run_steps(
    ctx: &RunCtx,
    spec: &TrialSpec,
    mut trace: Option<&mut Vec<StepView>>,
) -> Result<(), TrialFailure> {
    let token = match &spec.identity {
        Some(identity) => Some(login(ctx, spec, identity).await?),
        None => None,
    };
    let mut scope = TestVars::new();
    scope.extend(&spec.suite.vars);
    for (k, v) in &ctx.cli_vars {
        scope.set(k.clone(), v.clone());
    }
    if let Some(row) = &spec.row {
        scope.extend(row);
    }
    let all = steps(spec);
    for step in &all {
        let step_token = match step.auth {
            None => token.clone(),
            Some(NONE) => None,
            Some(identity) => Some(login(ctx, spec, identity).await?),
        };
        let exchange = run_step(
            ctx,
            spec,
            step,
            &scope,
            step_token.as_deref(),
            trace.as_deref_mut(),
        )
        .await?;
        capture(ctx, step, &exchange, &mut scope).map_err(|e| {
            let request = Some(line(spec, &exchange));
            step_failure(spec, step, *e, request, Some(&exchange), 1)
        })?;
    }
    Ok(())
}

fn line(spec: &TrialSpec, exchange: &Exchange) -> String {
    failure::request_line(&exchange.request, spec.identity_label.as_deref())
}

/// Makes a step's failure absolute and finds where it is written.
fn locate(spec: &TrialSpec, step: &Step<'_>, failure: Failure) -> Failure {
    failure.locate(&spec.suite.file, &step.base, &spec.suite.positions)
}

async fn login(ctx: &RunCtx, spec: &TrialSpec, identity: &str) -> Result<Arc<Token>, TrialFailure> {
    let message = match ctx.identities.token(identity).await {
        Ok(token) => return Ok(token),
        Err(err) => {
            let mut shown = ctx.login_failures.lock().unwrap_or_else(|e| e.into_inner());
            match shown.get(identity) {
                Some(first) => {
                    format!("login failed; the error is shown in full under `{first}`")
                }
                None => {
                    shown.insert(identity.to_owned(), spec.name.clone());
                    err.to_string()
                }
            }
        }
    };
    let kind = FailureKind::Login {
        identity: identity.to_owned(),
        message,
    };
    let failure = Failure::new(kind, identity_key(spec));
    let failure = failure.locate(&spec.suite.file, &KeyPath::root(), &spec.suite.positions);
    Err(failure.into())
}

/// Where the trial's identity is chosen: the test's `auth`, its matrix
/// entry, the suite's `auth` or `identities`; else the test itself.
fn identity_key(spec: &TrialSpec) -> KeyPath {
    let test = KeyPath::root().key("tests").index(spec.test.index);
    let expect = spec.test.expect.as_ref();
    if spec.test.auth.is_some() {
        return test.key("auth");
    }
    if let (Some(StatusExpect::Matrix(_)), Some(label)) =
        (expect.and_then(|e| e.status.as_ref()), &spec.identity_label)
    {
        return test.key("expect").key("status").key(label.as_str());
    }
    spec.suite.identity_key.clone().unwrap_or(test)
}

/// One step: its request prepared and sent (retried as asked), the
/// response checked and compared with its snapshot; `Ok` carries the
/// exchange for the captures.
async fn run_step(
    ctx: &RunCtx,
    spec: &TrialSpec,
    step: &Step<'_>,
    scope: &TestVars,
    token: Option<&Token>,
    trace: Option<&mut Vec<StepView>>,
) -> Result<Exchange, TrialFailure> {
    let (authorization, token) = authorize(ctx, spec, step, token)?;
    let prepared = prepare_step(ctx, spec, step, scope, authorization.as_deref())?;
    let request_line = failure::request_line(&prepared, spec.identity_label.as_deref());
    let sent = match send_until_done(ctx, spec, step, scope, &prepared, token).await {
        Ok(sent) => sent,
        Err((failure, attempts)) => {
            return Err(step_failure(
                spec,
                step,
                failure,
                Some(request_line),
                None,
                attempts,
            ));
        }
    };
    if let Some(trace) = trace {
        trace.push(StepView::new(
            step.label,
            &sent.exchange,
            sent.attempts,
            &ctx.masker,
        ));
    }
    conclude(ctx, spec, step, sent, request_line, token)
}

/// A step that failed on one failure (before or without a checked
/// response), located in the suite.
fn step_failure(
    spec: &TrialSpec,
    step: &Step<'_>,
    failure: Failure,
    request: Option<String>,
    exchange: Option<&Exchange>,
    attempts: u32,
) -> TrialFailure {
    StepFailure {
        step: step.label,
        request,
        failures: vec![locate(spec, step, failure)],
        exchange,
        attempts,
        ..StepFailure::default()
    }
    .finish()
}

/// The step's Authorization header and the token whose DPoP key signs its
/// proofs: the login's token, or for a broken-authentication trial the
/// broken value (registered as a secret unless malformed) and no proof.
fn authorize<'t>(
    ctx: &RunCtx,
    spec: &TrialSpec,
    step: &Step<'_>,
    token: Option<&'t Token>,
) -> Result<(Option<String>, Option<&'t Token>), TrialFailure> {
    let Some(kind) = spec.broken else {
        return Ok((token.map(Token::authorization), token));
    };
    // Sent as it is: no DPoP proof.
    let value = super::negative::authorization(kind, token).map_err(|message| {
        step_failure(
            spec,
            step,
            at_request(FailureKind::Request { message }),
            None,
            None,
            1,
        )
    })?;
    if let Some(value) = value.as_ref().filter(|_| kind != BrokenAuth::Malformed) {
        ctx.masker
            .add(value.trim_start_matches("Bearer ").to_owned());
    }
    Ok((value, None))
}

/// The test's timeout, else the suite's, else the run's.
fn step_timeout(ctx: &RunCtx, spec: &TrialSpec) -> Duration {
    spec.test
        .timeout
        .map(|d| d.0)
        .or(spec.suite.timeout)
        .unwrap_or(ctx.default_timeout)
}

/// The step's request with its templates filled in, ready to send.
fn prepare_step(
    ctx: &RunCtx,
    spec: &TrialSpec,
    step: &Step<'_>,
    scope: &TestVars,
    authorization: Option<&str>,
) -> Result<Prepared, TrialFailure> {
    prepare(
        step.request,
        scope,
        &spec.suite,
        ctx.demo_api_url.as_deref(),
        authorization,
        step_timeout(ctx, spec),
    )
    .map_err(|e| {
        let kind = FailureKind::Request {
            message: e.to_string(),
        };
        step_failure(spec, step, at_request(kind), None, None, 1)
    })
}

/// How often and how far apart a step is sent (`retry:`; once by default).
struct RetryPolicy {
    attempts: u32,
    delay: Duration,
}

impl RetryPolicy {
    fn of(step: &Step<'_>) -> Self {
        Self {
            attempts: step.retry.map_or(1, |r| r.attempts.max(1)),
            delay: step
                .retry
                .and_then(|r| r.delay)
                .map_or(Duration::from_millis(500), |d| d.0),
        }
    }
}

/// The last exchange of a step, its check failures and how many attempts
/// it took.
struct Sent {
    exchange: Exchange,
    failures: Vec<Failure>,
    attempts: u32,
}

/// Sends the step until it is done (its checks pass, or its `until`
/// status came) or out of attempts; a transport error (refused, timed out)
/// is retried like a failure. The error is the last transport error, with
/// the attempts made.
async fn send_until_done(
    ctx: &RunCtx,
    spec: &TrialSpec,
    step: &Step<'_>,
    scope: &TestVars,
    prepared: &Prepared,
    token: Option<&Token>,
) -> Result<Sent, (Failure, u32)> {
    let retry = RetryPolicy::of(step);
    let mut attempt = 0;
    loop {
        attempt += 1;
        let more = attempt < retry.attempts;
        let exchange = match super::send::send(
            &ctx.client,
            prepared,
            token,
            &ctx.masker,
            ctx.max_body,
        )
        .await
        {
            Ok(exchange) => exchange,
            Err(_) if more => {
                tokio::time::sleep(retry.delay).await;
                continue;
            }
            Err(e) => {
                let kind = FailureKind::Transport {
                    message: e.to_string(),
                };
                return Err((at_request(kind), attempt));
            }
        };
        received(ctx, spec, step, &exchange);
        let failures = check_exchange(spec, step, &exchange, scope);
        if !more || is_done(spec, step, &exchange, &failures) {
            return Ok(Sent {
                exchange,
                failures,
                attempts: attempt,
            });
        }
        tokio::time::sleep(retry.delay).await;
    }
}

/// What happens to every response as it arrives: the step's secret
/// captures are masked from the moment they are read (before the dump, the
/// checks, the snapshot and any failure of this very step), and `--verbose`
/// prints the exchange.
fn received(ctx: &RunCtx, spec: &TrialSpec, step: &Step<'_>, exchange: &Exchange) {
    register_secret_captures(ctx, step, exchange);
    if ctx.verbose {
        super::verbose::dump(&ctx.masker, &spec.name, exchange);
    }
}

/// Whether a step needs no further attempt: its `retry.until` status came,
/// or (without `until`) its checks passed.
fn is_done(spec: &TrialSpec, step: &Step<'_>, exchange: &Exchange, failures: &[Failure]) -> bool {
    match step.retry.and_then(|r| r.until.as_ref()) {
        Some(until) => status_matches(until, spec, exchange.response.status),
        None => failures.is_empty(),
    }
}

/// The step's result from its last exchange: a passing one is compared
/// with its snapshot; a failing one with a cached token that got a 401
/// evicts that token and says so in a note.
fn conclude(
    ctx: &RunCtx,
    spec: &TrialSpec,
    step: &Step<'_>,
    sent: Sent,
    request_line: String,
    token: Option<&Token>,
) -> Result<Exchange, TrialFailure> {
    let Sent {
        exchange,
        mut failures,
        attempts,
    } = sent;
    let mut notes = Vec::new();
    if failures.is_empty() {
        failures.extend(snapshot_step(ctx, spec, step, &exchange));
    } else if let Some(identity) = rejected_cached_token(ctx, spec, &exchange) {
        let access_token = token.map(|t| t.access_token.as_str());
        let evicted = evict_cached_token(ctx, identity, access_token);
        notes.push(cached_token_note(identity, evicted));
    }
    if failures.is_empty() {
        return Ok(exchange);
    }
    Err(StepFailure {
        step: step.label,
        request: Some(request_line),
        failures: failures
            .into_iter()
            .map(|f| locate(spec, step, f))
            .collect(),
        notes,
        exchange: Some(&exchange),
        attempts,
    }
    .finish())
}

/// A failure of the request itself, located at `request`.
fn at_request(kind: FailureKind) -> Failure {
    Failure::new(kind, KeyPath::root().key("request"))
}

/// The trial's identity when the response is a 401 to a token that came
/// from the token cache (it may have been revoked).
fn rejected_cached_token<'s>(ctx: &RunCtx, spec: &'s TrialSpec, ex: &Exchange) -> Option<&'s str> {
    let identity = spec.identity.as_deref()?;
    (ex.response.status == 401 && ctx.identities.token_from_cache(identity)).then_some(identity)
}

/// Removes `identity`'s cached token, so that the next run logs in again;
/// whether it was removed.
fn evict_cached_token(ctx: &RunCtx, identity: &str, access_token: Option<&str>) -> bool {
    access_token.is_some_and(|t| ctx.identities.evict(identity, t))
}

/// The note of a failure on a cached token: it may have been revoked.
fn cached_token_note(identity: &str, evicted: bool) -> String {
    let next = if evicted {
        "it was removed from the cache, so the next run logs in again"
    } else {
        "run again with --fresh-login"
    };
    format!(
        "the token of `{identity}` came from the token cache; if it was revoked \
         (or the authorization server restarted), {next}"
    )
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

/// Status, headers, JSON and duration failures of one exchange, at key
/// paths relative to the step.
fn check_exchange(
    spec: &TrialSpec,
    step: &Step<'_>,
    ex: &Exchange,
    scope: &TestVars,
) -> Vec<Failure> {
    static NOTHING: std::sync::LazyLock<ExpectDef> = std::sync::LazyLock::new(ExpectDef::default);
    let expect = step.expect.unwrap_or(&NOTHING);
    let status_key = KeyPath::root().key("expect").key("status");
    let (status, status_key) = match (&spec.matrix_status, &expect.status) {
        (Some(set), _) => {
            let identity = spec.identity_label.clone().unwrap_or_default();
            (Some(set), status_key.key(identity))
        }
        (None, Some(StatusExpect::Any(set))) => (Some(set), status_key),
        _ => (None, status_key),
    };
    let mut failures: Vec<Failure> = check::status::check(status, ex.response.status, status_key)
        .into_iter()
        .collect();
    // A broken-authentication trial's 401 carries the challenge asked for.
    if let (Some(kind), Some(challenge), true) = (spec.broken, &spec.challenge, failures.is_empty())
    {
        let sent = kind != BrokenAuth::NoToken;
        failures.extend(check::challenge::check(
            challenge,
            sent,
            &ex.response.headers,
        ));
    }
    failures.extend(check::headers::check(
        &expect.headers,
        &ex.response.headers,
        scope,
    ));
    if !expect.json.0.is_empty() {
        let body = ex.response.json_doc().ok_or_else(|| ex.response.not_json());
        failures.extend(check::json::check(
            &expect.json,
            body.as_ref().map_err(String::clone),
            scope,
        ));
    }
    failures.extend(check::duration::check(
        expect.max_duration.map(|d| d.0),
        ex.elapsed,
    ));
    failures
}

/// Whether the step's body is compared with a snapshot: a single-request
/// test's JSON body by default, a step's only when asked.
fn takes_snapshot(spec: &TrialSpec, step: &Step<'_>) -> bool {
    if spec.broken.is_some() {
        return false;
    }
    let def = step.expect.and_then(|e| e.snapshot.as_ref());
    def.map_or(step.label.is_none(), |d| d.enabled)
}

/// Compares the body with its snapshot, when the step takes one.
fn snapshot_step(
    ctx: &RunCtx,
    spec: &TrialSpec,
    step: &Step<'_>,
    ex: &Exchange,
) -> Option<Failure> {
    if !takes_snapshot(spec, step) {
        return None;
    }
    let def = step.expect.and_then(|e| e.snapshot.clone());
    let json = ex.response.is_json();
    if !json && ex.response.json_problem.is_some() {
        // JSON too deep to read fails rather than silently going unsnapshotted.
        let kind = FailureKind::NotJson {
            subject: "snapshot".into(),
            why: ex.response.not_json(),
        };
        return Some(Failure::new(
            kind,
            KeyPath::root().key("expect").key("snapshot"),
        ));
    }
    // Asked for (`snapshot: true`, a name, redactions), any body is
    // snapshotted; by default a JSON body, or any body once a snapshot was
    // accepted (a baseline is never skipped because the body changed kind).
    let asked = def.is_some();
    let def = def.unwrap_or_default();
    let name = spec.snapshot_file_name(def.name.as_deref(), step.label.map(|l| (l.index, l.count)));
    let dir = &spec.suite.snapshot_dir;
    if !json && !asked && !dir.join(format!("{name}.snap")).is_file() {
        return None;
    }
    let secrets = ctx.masker.current();
    let description = ctx.masker.mask(&describe(spec, step, ex));
    let info = info(spec, step, &ctx.masker);
    let line = || step_line(spec, step);
    let snapshot = Snapshot {
        dir,
        name: &name,
        suite_file: &spec.suite.file,
        line: &line,
        description: &description,
        info: &info,
        value: snapshot::Body::Response(&ex.response),
        redact: &def.redact,
        secrets: &secrets,
    };
    let outcome = if json {
        snapshot::check(&snapshot)
    } else {
        snapshot::check_text(&snapshot, &snapshot::body_text(&ex.response.body, &secrets))
    };
    if outcome.wrote_pending() {
        ctx.pending_snapshots
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
    let mut failure = outcome.failure(&name)?;
    let why = match (snapshot::stored_is_json(dir, &name), json) {
        (Some(true), false) => Some(format!(
            "the accepted snapshot is JSON, the response is not ({})",
            body_kind(&ex.response)
        )),
        (Some(false), true) => Some("the accepted snapshot is text, the response is JSON".into()),
        _ => None,
    };
    if let (Some(why), FailureKind::Snapshot { next, .. }) = (why, &mut failure.kind) {
        *next = format!("{why}; {next}");
    }
    Some(failure)
}

/// What a body that is not JSON is, for messages: `text/html, 51 bytes`.
fn body_kind(response: &crate::http::exchange::Response) -> String {
    let ct = match response.content_type() {
        "" => "no Content-Type",
        ct => ct,
    };
    match response.body.len() {
        0 => format!("{ct}, empty body"),
        1 => format!("{ct}, 1 byte"),
        n => format!("{ct}, {n} bytes"),
    }
}

/// The snapshot header's description: `GET /api/todos?limit=10 as user`,
/// without scheme and host (the header must not change when the port does).
/// A URL written with `{{ }}` is shown as written, so captured ids do not
/// change the header from one run to the next.
fn describe(spec: &TrialSpec, step: &Step<'_>, ex: &Exchange) -> String {
    let url = &ex.request.url;
    let target = if step.request.url.contains("{{") {
        step.request.url.clone()
    } else {
        match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_owned(),
        }
    };
    let mut description = format!("{} {target}", ex.request.method);
    if let Some(identity) = &spec.identity_label {
        description.push_str(&format!(" as {identity}"));
    }
    description
}

/// The snapshot header's `info`: which trial and step, for a reviewer.
fn info(spec: &TrialSpec, step: &Step<'_>, masker: &Masker) -> Json {
    let mut info = serde_json::Map::new();
    info.insert("trial".into(), masker.mask(&spec.name).into());
    if let Some(label) = step.label {
        let mut text = format!("{} of {}", label.index + 1, label.count);
        if let Some(name) = label.name {
            text.push_str(&format!(": {name}"));
        }
        info.insert("step".into(), masker.mask(&text).into());
    }
    if let Some(identity) = &spec.identity_label {
        info.insert("identity".into(), identity.clone().into());
    }
    Json::Object(info)
}

/// The line of the step (or the test) in its suite file.
fn step_line(spec: &TrialSpec, step: &Step<'_>) -> usize {
    let mut path = KeyPath::root().key("tests").index(spec.test.index);
    if let Some(label) = step.label {
        path = path.key("steps").index(label.index);
    }
    spec.suite.doc.pos(&path).line
}

/// Registers the values of the step's `secret: true` captures with the
/// masker (those that can be read; a missing one fails in [`capture`]).
fn register_secret_captures(ctx: &RunCtx, step: &Step<'_>, ex: &Exchange) {
    for (_, def) in step.capture.iter().filter(|(_, d)| d.secret) {
        if let Ok(value) = read_capture(&def.source, ex) {
            ctx.masker.add_json(&value);
        }
    }
}

/// Stores the step's captures in the scope (a failure is boxed: it is the
/// rare path).
fn capture(
    ctx: &RunCtx,
    step: &Step<'_>,
    ex: &Exchange,
    scope: &mut TestVars,
) -> Result<(), Box<Failure>> {
    for (name, def) in step.capture {
        let value = read_capture(&def.source, ex).map_err(|problem| {
            let kind = FailureKind::Capture {
                name: name.clone(),
                problem,
            };
            Box::new(Failure::new(
                kind,
                KeyPath::root().key("capture").key(name.as_str()),
            ))
        })?;
        if def.secret {
            ctx.masker.add_json(&value);
        }
        scope.set(name.clone(), value);
    }
    Ok(())
}

/// The value one capture reads from the exchange, or what is missing.
fn read_capture(source: &CaptureSource, ex: &Exchange) -> Result<Json, String> {
    Ok(match source {
        CaptureSource::Status => Json::from(ex.response.status),
        CaptureSource::Header(h) => ex
            .response
            .header(h)
            .map(|v| Json::String(v.to_owned()))
            .ok_or_else(|| format!("the response has no header `{h}`"))?,
        CaptureSource::Json(path) => {
            let body = ex.response.json_doc().ok_or_else(|| {
                format!("{path} needs a JSON body, but {}", ex.response.not_json())
            })?;
            selection(&path.select(&body))
                .ok_or_else(|| format!("{path} selects nothing in the response"))?
        }
    })
}
