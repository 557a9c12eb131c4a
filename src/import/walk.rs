//! The collection's tree -> its requests in file order, each converted with
//! its test script and the auth and test scripts it inherits from its
//! folders and the collection. Pure.

use indexmap::IndexMap;
use serde_json::Value as Json;

use super::postman::{Auth, Collection, Event, Item, script_lines};
use super::request::{self, Req};
use super::scripts::{self, Checks};
use super::summary::Summary;

/// The suites (one per top-level folder, the collection's own requests
/// first) and every request in file order, `Req::suite` indexing `names`.
pub struct Walked {
    pub names: Vec<String>,
    pub reqs: Vec<Req>,
    /// Variables that script-only helper requests (`about:blank`, dropped)
    /// set to values written in their scripts, for the requests after them.
    pub helper_vars: IndexMap<String, Json>,
    /// Requests that pre-request scripts of the collection and its folders
    /// send with `pm.sendRequest` (token requests, for the logins).
    pub sent: Vec<Req>,
}

/// The requests of the collection, and those its scripts send.
#[derive(Default)]
struct Found {
    reqs: Vec<Req>,
    sent: Vec<Req>,
}

/// What a folder passes down: its auth and its test script's checks.
#[derive(Clone, Copy)]
struct Inherited<'a> {
    auth: Option<&'a Auth>,
    checks: &'a Checks,
}

pub fn walk(collection: &Collection, warnings: &mut Vec<String>, summary: &mut Summary) -> Walked {
    let mut found = Found::default();
    sent_requests(
        &collection.event,
        "the collection",
        &mut found.sent,
        warnings,
    );
    let top = folder_checks(&collection.event, "the collection", warnings, summary);
    let inherited = Inherited {
        auth: collection.auth.as_ref(),
        checks: &top,
    };
    let mut names = vec![collection.info.name.clone()];
    let mut helper_vars = IndexMap::new();
    for item in &collection.item {
        let suite = if item.item.is_some() {
            names.push(item.name.clone());
            names.len() - 1
        } else {
            0
        };
        walk_item(item, "", suite, inherited, &mut found, warnings, summary);
    }
    let Found { mut reqs, sent } = found;
    // Script-only helpers run their scripts and send nothing useful.
    reqs.retain(|r| {
        if !r.url.trim_start().starts_with("about:") {
            return true;
        }
        warnings.push(format!(
            "request `{}` only runs scripts (its URL is `{}`); it is dropped{}",
            r.label,
            r.url,
            if r.checks.sets.is_empty() {
                String::new()
            } else {
                format!(
                    ", and the variables its scripts set ({}) become suite variables",
                    r.checks
                        .sets
                        .keys()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
        ));
        helper_vars.extend(r.checks.sets.clone());
        false
    });
    Walked {
        names,
        reqs,
        helper_vars,
        sent,
    }
}

fn walk_item(
    item: &Item,
    prefix: &str,
    suite: usize,
    inherited: Inherited<'_>,
    found: &mut Found,
    warnings: &mut Vec<String>,
    summary: &mut Summary,
) {
    let label = format!("{prefix}{}", item.name);
    if let Some(children) = &item.item {
        sent_requests(
            &item.event,
            &format!("folder `{label}`"),
            &mut found.sent,
            warnings,
        );
        let mut checks =
            folder_checks(&item.event, &format!("folder `{label}`"), warnings, summary);
        inherit(&mut checks, inherited.checks);
        let inner = Inherited {
            auth: item.auth.as_ref().or(inherited.auth),
            checks: &checks,
        };
        for child in children {
            walk_item(
                child,
                &format!("{label} / "),
                suite,
                inner,
                found,
                warnings,
                summary,
            );
        }
        return;
    }
    let Some(request) = &item.request else { return };
    let mut own = Vec::new();
    let mut req = request::convert(&label, &item.name, &request.0, inherited.auth, &mut own);
    req.warnings = own;
    req.suite = suite;
    let pre = script_lines(&item.event, "prerequest");
    if !pre.iter().all(|l| l.trim().is_empty()) {
        // What the pre-request script sends runs before the request: a
        // request before it (a token request among them becomes a login).
        let before = scripts::read(&pre).sent;
        let sent = before.len();
        for s in before {
            let r = sent_req(s, &label, &item.name, "pre-request", warnings);
            if let Some(mut r) = r {
                r.suite = suite;
                r.with_next = true;
                req.comments.push(format!(
                    "its pre-request script first sends {} {} (`pm.sendRequest`): the step \
                     before it, or its login when it fetches a token",
                    r.method, r.url
                ));
                found.reqs.push(r);
            }
        }
        let rest = if sent > 0 {
            " (but the requests it sends with `pm.sendRequest`)"
        } else {
            ""
        };
        req.warnings.push(format!(
            "request `{label}`: its pre-request script is not converted{rest}"
        ));
        req.comments
            .push(format!("not converted: the pre-request script{rest}"));
    }
    let lines = script_lines(&item.event, "test");
    if req.url.trim_start().starts_with("about:") {
        let mut sets = scripts::read(&script_lines(&item.event, "prerequest")).sets;
        sets.extend(scripts::read(&lines).sets);
        req.checks.sets = sets;
        found.reqs.push(req);
        return;
    }
    req.had_tests = lines.iter().any(|l| !l.trim().is_empty()) || inherited.checks.any();
    req.checks = scripts::read(&lines);
    inherit(&mut req.checks, inherited.checks);
    for note in &req.checks.notes {
        req.comments.push(note.clone());
    }
    for u in &req.checks.unconverted {
        req.comments.push(format!(
            "not converted (test line {}, {}): {}",
            u.line, u.kind, u.text
        ));
    }
    // What the test script sends runs after the response: a request after it.
    let after: Vec<Req> = std::mem::take(&mut req.checks.sent)
        .into_iter()
        .filter_map(|s| sent_req(s, &label, &item.name, "test", warnings))
        .map(|mut r| {
            r.suite = suite;
            r.with_previous = true;
            req.comments.push(format!(
                "its test script then sends {} {} (`pm.sendRequest`): the step after it",
                r.method, r.url
            ));
            r
        })
        .collect();
    found.reqs.push(req);
    found.reqs.extend(after);
}

/// A request that a request's `script` (pre-request or test) sends with
/// `pm.sendRequest`, as a request of the collection: it checks what its
/// callback asserts of its response, and nothing else (Postman does not
/// fail a sent request on its status), and captures what the callback
/// stores.
fn sent_req(
    s: scripts::Sent,
    label: &str,
    name: &str,
    script: &str,
    warnings: &mut Vec<String>,
) -> Option<Req> {
    let request = match serde_json::from_value::<super::postman::Request>(s.request) {
        Ok(r) => r,
        Err(e) => {
            warnings.push(format!(
                "request `{label}`: the request its {script} script sends is not read: {e}"
            ));
            return None;
        }
    };
    let label = format!("{label}: pm.sendRequest");
    let name = format!("{name}: pm.sendRequest");
    let mut own = Vec::new();
    let mut req = request::convert(&label, &name, &request, None, &mut own);
    req.warnings = own;
    req.checks = *s.checks;
    if req.checks.status.is_none() {
        req.checks.status = Some(serde_json::json!(["1xx", "2xx", "3xx", "4xx", "5xx"]));
    }
    req.checks.captures = s.captures;
    req.had_tests = true;
    Some(req)
}

/// The requests a pre-request script sends with `pm.sendRequest`, as
/// requests with what their callbacks capture (a token fetched before the
/// collection's requests becomes the login it performs).
fn sent_requests(events: &[Event], what: &str, out: &mut Vec<Req>, warnings: &mut Vec<String>) {
    let lines = script_lines(events, "prerequest");
    if lines.iter().all(|l| l.trim().is_empty()) {
        return;
    }
    for s in scripts::read(&lines).sent {
        let request = match serde_json::from_value::<super::postman::Request>(s.request) {
            Ok(r) => r,
            Err(e) => {
                warnings.push(format!(
                    "{what}: the request its pre-request script sends is not read: {e}"
                ));
                continue;
            }
        };
        let label = format!("{what}: pm.sendRequest");
        let mut own = Vec::new();
        let mut req = request::convert(&label, &label, &request, None, &mut own);
        warnings.extend(own);
        req.checks.captures = s.captures;
        out.push(req);
    }
}

/// A folder's (or the collection's) test script runs after each of its
/// requests: its checks are read once and given to each request.
fn folder_checks(
    events: &[Event],
    what: &str,
    warnings: &mut Vec<String>,
    summary: &mut Summary,
) -> Checks {
    if script_lines(events, "prerequest")
        .iter()
        .any(|l| !l.trim().is_empty())
    {
        warnings.push(format!("{what}: its pre-request script is not converted"));
    }
    let checks = scripts::read(&script_lines(events, "test"));
    summary.count_lines(&checks.unconverted, checks.assertions, checks.converted);
    if !checks.unconverted.is_empty() {
        warnings.push(format!(
            "{what}: {} lines of its test script are not converted",
            checks.unconverted.len()
        ));
    }
    checks
}

/// Adds what a folder checks to what a request (or sub-folder) checks
/// itself; its own checks win.
fn inherit(checks: &mut Checks, from: &Checks) {
    if checks.status.is_none() {
        checks.status = from.status.clone();
    }
    if checks.max_duration.is_none() {
        checks.max_duration = from.max_duration.clone();
    }
    for (k, v) in &from.headers {
        checks.headers.entry(k.clone()).or_insert_with(|| v.clone());
    }
    for (k, v) in &from.json {
        checks.json.entry(k.clone()).or_insert_with(|| v.clone());
    }
    for note in &from.notes {
        if !checks.notes.contains(note) {
            checks.notes.push(note.clone());
        }
    }
}
