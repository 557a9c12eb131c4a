//! A Postman collection (and environment) -> gatecheck suites, fixtures and
//! a `gatecheck.yaml` naming the secrets to mask, as file names and texts,
//! with a summary. Pure: the files are written by `write`.

use std::collections::BTreeSet;

use indexmap::IndexMap;
use serde_json::Value as Json;

use super::flow;
use super::login::{self, Logins};
use super::postman::{Collection, Environment};
use super::render::{self, SuiteOut, TestOut};
use super::request::Req;
use super::summary::{self, Summary};
use super::vars::{VarDef, env_name, slug, variables};
use super::walk::walk;

/// What an import produces: relative paths and their texts, warnings (one
/// line per kind) and the summary.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Output {
    /// (`suites/x.yaml`, `fixtures/user.yaml`, `suites/gatecheck.yaml`, text)
    pub files: Vec<(String, String)>,
    pub warnings: Vec<String>,
    pub summary: Summary,
}

pub fn convert(collection: &Collection, environment: Option<&Environment>) -> Output {
    let mut warnings = Vec::new();
    let mut summary = Summary::default();
    let walked = walk(collection, &mut warnings, &mut summary);
    let mut vars = variables(collection, environment);
    for (name, value) in &walked.helper_vars {
        let def = if super::vars::looks_secret(name) {
            VarDef::Env(env_name(name))
        } else {
            VarDef::Clear(value.clone())
        };
        vars.insert(name.clone(), def);
    }
    let all: Vec<&Req> = walked.reqs.iter().collect();
    // An `oauth2` block no request uses (a collection that only defines
    // its login) still becomes its fixture.
    let blocks = unused_oauth2_blocks(collection, &all, &walked.sent);
    let mut with_blocks = all.clone();
    with_blocks.extend(blocks.iter());
    with_blocks.extend(walked.sent.iter());
    let mut logins = login::find(&with_blocks, &vars, &mut warnings);
    // Requests that scripts send are not the collection's own.
    summary.requests = all
        .iter()
        .filter(|r| !r.with_next && !r.with_previous)
        .count();
    summary.login_requests = logins.dropped.len();
    for (i, r) in all.iter().enumerate() {
        if logins.dropped.contains(&i) {
            let lines = r.checks.assertions - r.checks.converted;
            summary.assertions += r.checks.assertions;
            if lines + r.checks.converted > 0 {
                *summary
                    .unconverted
                    .entry("in a token request replaced by a login fixture".into())
                    .or_default() += r.checks.assertions;
            }
        } else {
            summary.count_lines(
                &r.checks.unconverted,
                r.checks.assertions,
                r.checks.converted,
            );
        }
    }
    let mut kept: Vec<Req> = walked
        .reqs
        .iter()
        .enumerate()
        .filter(|(i, _)| !logins.dropped.contains(i))
        .map(|(_, r)| r.clone())
        .collect();
    let identities = assign_identities(&mut kept, &mut logins, &mut warnings);
    let mut files: Vec<(String, String)> = logins
        .fixtures
        .iter()
        .map(|f| (format!("fixtures/{}.yaml", f.name), f.text.clone()))
        .collect();
    summary.fixtures = logins
        .fixtures
        .iter()
        .map(|f| format!("{} ({})", f.name, f.kind))
        .collect();
    warnings.extend(kept.iter().flat_map(|r| r.warnings.iter().cloned()));
    let resolve = |name: &str| match vars.get(name) {
        Some(VarDef::Clear(Json::String(s))) => Some(s.clone()),
        Some(VarDef::Clear(v)) => Some(v.to_string()),
        _ => None,
    };
    let base = base_url(&kept.iter().collect::<Vec<_>>(), &resolve);
    if let Some(base) = &base {
        for r in &mut kept {
            r.url = relative(&r.url, &base.prefix);
        }
    }
    let mut secrets: BTreeSet<String> = kept.iter().flat_map(|r| r.secret_envs.clone()).collect();
    let suites = build_suites(&walked.names, &kept, &identities, base.as_ref());
    // `gatecheck` is the config file's name: a folder so named is `gatecheck-2`.
    let mut names = vec!["gatecheck".to_owned()];
    for mut out in suites {
        out.vars = suite_vars(&out, &vars, &mut secrets, &mut warnings);
        summary.suites += 1;
        summary.tests += out.tests.len();
        for t in out.tests.iter().filter(|t| t.steps.len() > 1) {
            summary.step_tests += 1;
            summary.steps += t.steps.len();
        }
        let file = unique(&mut names, slug(&out.name), "-");
        files.push((format!("suites/{file}.yaml"), render::suite(&out)));
    }
    if !secrets.is_empty() {
        files.push(("suites/gatecheck.yaml".into(), config(&secrets)));
    }
    summary.env = summary::env_refs(files.iter().map(|(_, t)| t.as_str()));
    let (warnings, counts) = summary::group_warnings(&warnings);
    summary.warnings = counts;
    Output {
        files,
        warnings,
        summary,
    }
}

/// The `oauth2` auth blocks of the collection and its folders that no
/// request inherits, each as a request that carries only it; but not a
/// block that only sends the token a pre-request script fetches
/// (`accessToken: {{accessToken}}`): that request is its login.
fn unused_oauth2_blocks(collection: &Collection, reqs: &[&Req], sent: &[Req]) -> Vec<Req> {
    fn folders<'c>(items: &'c [super::postman::Item], out: &mut Vec<&'c super::postman::Auth>) {
        for item in items {
            if let Some(children) = &item.item {
                out.extend(item.auth.iter());
                folders(children, out);
            }
        }
    }
    let mut blocks: Vec<&super::postman::Auth> = collection.auth.iter().collect();
    folders(&collection.item, &mut blocks);
    let mut out: Vec<Req> = Vec::new();
    let fetched = |b: &super::postman::Auth| {
        b.param("grant_type").is_none()
            && b.param("accessToken").is_some_and(|t| {
                let name = t.trim().trim_start_matches("{{").trim_end_matches("}}");
                sent.iter()
                    .any(|r| r.checks.captures.contains_key(name.trim()))
            })
    };
    for block in blocks
        .into_iter()
        .filter(|b| b.kind == "oauth2" && !fetched(b))
    {
        let used = reqs
            .iter()
            .chain(out.iter().collect::<Vec<_>>().iter())
            .any(|r| r.oauth2.as_ref().is_some_and(|o| o.params == block.params));
        if !used {
            out.push(Req {
                oauth2: Some(block.clone()),
                ..Req::default()
            });
        }
    }
    out
}

/// Each kept request's identity (`None`: no token); a bearer token no
/// fixture provides gets a `static` fixture reading it from the environment.
fn assign_identities(
    kept: &mut [Req],
    logins: &mut Logins,
    warnings: &mut Vec<String>,
) -> Vec<Option<String>> {
    let mut out = Vec::new();
    for r in kept.iter() {
        let id = match logins.identity(r) {
            None => None,
            Some(Some(id)) => Some(id),
            Some(None) => Some(static_identity(r, logins, warnings)),
        };
        out.push(id);
    }
    out
}

fn static_identity(r: &Req, logins: &mut Logins, warnings: &mut Vec<String>) -> String {
    if let Some(f) = logins.fixtures.iter().find(|f| f.kind == "static") {
        return f.name.clone();
    }
    let token = r.bearer.as_deref().unwrap_or_default();
    let env = match crate::suite::template::names(&super::vars::template(token).text) {
        Ok(names) if names.len() == 1 => env_name(&names[0]),
        _ => "API_TOKEN".to_owned(),
    };
    let oauth2 = r.oauth2.is_some();
    warnings.push(format!(
        "requests send a bearer token the collection does not obtain{}; fixtures/user.yaml reads it from ${{{env}}}",
        if oauth2 { " (Postman's OAuth 2.0 helper)" } else { "" }
    ));
    let name = if logins.fixtures.iter().any(|f| f.name == "user") {
        "token"
    } else {
        "user"
    };
    logins.fixtures.push(login::Fixture {
        name: name.to_owned(),
        kind: "static",
        text: super::okta::static_fixture(&env, oauth2),
    });
    if let Some(var) = crate::suite::template::names(&super::vars::template(token).text)
        .ok()
        .and_then(|n| n.into_iter().next())
    {
        logins.by_var.insert(var, name.to_owned());
    }
    name.to_owned()
}

/// The suites in collection order, each with its tests: a request tied to
/// others by variables is a step of the test of the first of them, in the
/// suite of that first request.
fn build_suites(
    names: &[String],
    reqs: &[Req],
    identities: &[Option<String>],
    base: Option<&Base>,
) -> Vec<SuiteOut> {
    let mut tests: Vec<Vec<(Vec<usize>, Option<String>)>> = vec![Vec::new(); names.len()];
    for group in flow::groups(reqs) {
        let id = group.iter().find_map(|&i| identities[i].clone());
        tests[reqs[group[0]].suite].push((group, id));
    }
    let mut out = Vec::new();
    for (suite, groups) in tests.into_iter().enumerate() {
        if groups.is_empty() {
            continue;
        }
        let auth = most_common(groups.iter().map(|(_, id)| id.clone()));
        let mut taken = Vec::new();
        let tests = groups
            .into_iter()
            .map(|(group, id)| {
                let steps: Vec<Req> = group
                    .iter()
                    .map(|&i| {
                        let mut r = reqs[i].clone();
                        if r.suite != suite {
                            r.name = r.label.clone();
                        }
                        r
                    })
                    .collect();
                TestOut {
                    name: unique_snapshot(&mut taken, steps[0].name.clone()),
                    auth: (id != auth).then(|| id.unwrap_or_else(|| "none".into())),
                    steps,
                }
            })
            .collect();
        out.push(SuiteOut {
            name: names[suite].clone(),
            base_url: base.map(|b| b.base_url.clone()),
            auth: Some(auth.unwrap_or_else(|| "none".into())),
            vars: IndexMap::new(),
            tests,
        });
    }
    out
}

/// The identity most tests of a suite use (the first on a tie).
fn most_common(ids: impl Iterator<Item = Option<String>>) -> Option<String> {
    let mut counts: IndexMap<Option<String>, usize> = IndexMap::new();
    for id in ids {
        *counts.entry(id).or_default() += 1;
    }
    let max = counts.values().copied().max().unwrap_or(0);
    counts
        .into_iter()
        .find(|(_, n)| *n == max)
        .and_then(|(id, _)| id)
}

/// `suites/gatecheck.yaml`: the secrets read from the environment, masked
/// in every run's output.
fn config(secrets: &BTreeSet<String>) -> String {
    let mut text = String::from(
        "# yaml-language-server: $schema=../schema/config.schema.json\n\
         # Written by `gatecheck import postman`: the values of these variables are\n\
         # credentials; gatecheck masks them in all output.\n\
         secrets:\n",
    );
    for env in secrets {
        text.push_str(&format!("  - ${{{env}}}\n"));
    }
    text
}

fn relative(url: &str, prefix: &str) -> String {
    let rest = &url[prefix.len()..];
    if rest.starts_with('/') {
        rest.to_owned()
    } else {
        format!("/{rest}")
    }
}

/// The common start of every URL: `{{ var }}` or one scheme + host.
#[derive(Debug, Clone)]
struct Base {
    prefix: String,
    base_url: String,
}

fn base_url(reqs: &[&Req], resolve: &dyn Fn(&str) -> Option<String>) -> Option<Base> {
    let first = reqs.first()?;
    let prefix = if first.url.starts_with("{{") {
        first.url[..first.url.find("}}")? + 2].to_owned()
    } else {
        let after = first.url.find("://")? + 3;
        let end = first.url[after..]
            .find(['/', '?'])
            .map_or(first.url.len(), |i| after + i);
        first.url[..end].to_owned()
    };
    if prefix.contains("${") {
        // A credential read from the environment (`https://u:${PASSWORD}@h`)
        // cannot be a default inside `${API_URL:-...}`: URLs stay whole.
        return None;
    }
    let at_boundary = |u: &str| {
        u.strip_prefix(&prefix)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(['/', '?']))
    };
    if !reqs.iter().all(|r| at_boundary(&r.url)) {
        return None;
    }
    let default = match prefix.strip_prefix("{{") {
        Some(var) => resolve(var.trim_end_matches("}}").trim()).filter(|v| !v.contains('}')),
        None => Some(prefix.clone()),
    };
    let base_url = match default {
        Some(d) if !d.is_empty() => format!("${{API_URL:-{}}}", d.trim_end_matches('/')),
        _ => "${API_URL}".to_owned(),
    };
    Some(Base { prefix, base_url })
}

/// The `vars:` a suite needs: every name its tests use that no earlier step captured.
fn suite_vars(
    suite: &SuiteOut,
    defined: &IndexMap<String, VarDef>,
    secrets: &mut BTreeSet<String>,
    warnings: &mut Vec<String>,
) -> IndexMap<String, Json> {
    let mut out = IndexMap::new();
    for test in &suite.tests {
        let mut captured: Vec<&String> = Vec::new();
        for step in &test.steps {
            for name in render::names(step) {
                if name.starts_with('$') || captured.contains(&&name) || out.contains_key(&name) {
                    continue;
                }
                let value = match defined.get(&name) {
                    Some(VarDef::Clear(v)) => v.clone(),
                    Some(VarDef::Env(env)) => {
                        secrets.insert(env.clone());
                        Json::String(format!("${{{env}}}"))
                    }
                    None => {
                        let env = env_name(&name);
                        if super::vars::looks_secret(&name) {
                            secrets.insert(env.clone());
                        }
                        warnings.push(format!(
                            "request `{}` uses `{{{{{name}}}}}`, which has no value in the collection or environment and is not captured before it in this suite; it is read from ${{{env}}}",
                            step.name
                        ));
                        Json::String(format!("${{{env}}}"))
                    }
                };
                if value.as_str().is_some_and(|s| s.contains("{{")) {
                    warnings.push(format!(
                        "variable `{name}` refers to other variables (`{}`); gatecheck vars are not templates, check its value",
                        value.as_str().unwrap_or_default()
                    ));
                }
                out.insert(name, value);
            }
            captured.extend(step.checks.captures.keys());
        }
    }
    out
}

/// A test name whose snapshot file no other test of the suite claims:
/// `Get  user` and `Get user` are one snapshot name, so the second becomes
/// `Get user 2`.
fn unique_snapshot(taken: &mut Vec<String>, name: String) -> String {
    let key = |n: &str| crate::check::snapshot::slug(n);
    let mut candidate = name.clone();
    let mut n = 2;
    while taken.iter().any(|t| key(t) == key(&candidate)) {
        candidate = format!("{name} {n}");
        n += 1;
    }
    taken.push(candidate.clone());
    candidate
}

/// `name`, or `name 2`, `name 3`... when taken.
fn unique(taken: &mut Vec<String>, name: String, sep: &str) -> String {
    let mut candidate = name.clone();
    let mut n = 2;
    while taken.contains(&candidate) {
        candidate = format!("{name}{sep}{n}");
        n += 1;
    }
    taken.push(candidate.clone());
    candidate
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_made_unique() {
        let mut taken = Vec::new();
        assert_eq!(unique(&mut taken, "a".into(), " "), "a");
        assert_eq!(unique(&mut taken, "a".into(), " "), "a 2");
        assert_eq!(unique(&mut taken, "a".into(), " "), "a 3");
    }

    #[test]
    fn names_differing_in_spaces_get_distinct_snapshots() {
        let mut taken = Vec::new();
        assert_eq!(unique_snapshot(&mut taken, "Get user".into()), "Get user");
        assert_eq!(
            unique_snapshot(&mut taken, "Get  user".into()),
            "Get  user 2"
        );
        assert_eq!(
            unique_snapshot(&mut taken, "get user ".into()),
            "get user  3"
        );
        let slugs: Vec<String> = taken
            .iter()
            .map(|t| crate::check::snapshot::slug(t))
            .collect();
        assert_eq!(slugs, ["get_user", "get_user_2", "get_user_3"]);
    }

    #[test]
    fn the_suite_auth_is_the_most_common_identity() {
        let ids = [
            None,
            Some("user".to_owned()),
            Some("user".to_owned()),
            Some("service".to_owned()),
        ];
        assert_eq!(most_common(ids.into_iter()).as_deref(), Some("user"));
        assert_eq!(
            most_common([None, None, Some("a".to_owned())].into_iter()),
            None
        );
    }
}
