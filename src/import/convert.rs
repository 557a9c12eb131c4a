//! A Postman collection (and environment) -> gatecheck suites and fixtures,
//! as file names and texts. Pure: the files are written by `write`.

use indexmap::IndexMap;
use serde_json::Value as Json;

use super::okta::{self, Recipe};
use super::postman::{Auth, Collection, Environment, Item, script_lines};
use super::render::{self, SuiteOut, TestOut};
use super::request::{self, Req};
use super::scripts;
use super::vars::{looks_secret, slug, upper_snake};

/// What an import produces: relative paths and their texts, and warnings.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Output {
    /// (`suites/x.yaml` or `fixtures/user.yaml`, text)
    pub files: Vec<(String, String)>,
    pub warnings: Vec<String>,
}

/// A suite before rendering: its title and requests in collection order.
struct SuiteSrc {
    name: String,
    reqs: Vec<Req>,
}

/// A variable's value: clear text, or read from the environment.
#[derive(Debug, Clone)]
enum VarDef {
    Clear(Json),
    Env(String),
}

pub fn convert(collection: &Collection, environment: Option<&Environment>) -> Output {
    let mut warnings = Vec::new();
    scripts_warning(&collection.event, "the collection", &mut warnings);
    let suites = collect(collection, &mut warnings);
    let vars = variables(collection, environment);
    let all: Vec<&Req> = suites.iter().flat_map(|s| &s.reqs).collect();
    let idx = super::okta_idx::find(&all); // Identity Engine's flow (okta_idx.rs)
    let recipe = okta::find(&all).unwrap_or_else(|e| {
        warnings.extend(idx.is_none().then_some(e));
        None
    });
    let resolve = |name: &str| match vars.get(name) {
        Some(VarDef::Clear(Json::String(s))) => Some(s.clone()),
        Some(VarDef::Clear(v)) => Some(v.to_string()),
        _ => None,
    };
    let mut files = Vec::new();
    let dropped = |i: usize| {
        recipe.as_ref().is_some_and(|r| r.contains(i))
            || idx.as_ref().is_some_and(|r| r.contains(i))
    };
    let kept: Vec<&Req> = all
        .iter()
        .enumerate()
        .filter(|(i, _)| !dropped(*i))
        .map(|(_, r)| *r)
        .collect();
    let idx_fixture = idx
        .as_ref()
        .map(|r| super::okta_idx::fixture(&all, r, &resolve));
    if let Some(fixture) =
        idx_fixture.or_else(|| user_fixture(&all, &kept, recipe.as_ref(), &resolve, &mut warnings))
    {
        files.push(("fixtures/user.yaml".to_owned(), fixture));
    }
    warnings.extend(kept.iter().flat_map(|r| r.warnings.iter().cloned()));
    let base = base_url(&kept, &resolve);
    let mut index = 0;
    let mut names = Vec::new();
    for suite in suites {
        let reqs: Vec<Req> = suite
            .reqs
            .into_iter()
            .filter(|_| {
                index += 1;
                !dropped(index - 1)
            })
            .collect();
        if reqs.is_empty() {
            continue;
        }
        let out = suite_out(&suite.name, reqs, base.as_ref(), &vars, &mut warnings);
        let file = unique(&mut names, slug(&suite.name), "-");
        files.push((format!("suites/{file}.yaml"), render::suite(&out)));
    }
    Output { files, warnings }
}

/// One suite per top-level folder; top-level requests in the collection's suite.
fn collect(collection: &Collection, warnings: &mut Vec<String>) -> Vec<SuiteSrc> {
    let mut loose = SuiteSrc {
        name: collection.info.name.clone(),
        reqs: Vec::new(),
    };
    let mut folders = Vec::new();
    for item in &collection.item {
        if item.item.is_some() {
            let mut suite = SuiteSrc {
                name: item.name.clone(),
                reqs: Vec::new(),
            };
            walk(
                item,
                "",
                collection.auth.as_ref(),
                &mut suite.reqs,
                warnings,
            );
            folders.push(suite);
        } else {
            walk(
                item,
                "",
                collection.auth.as_ref(),
                &mut loose.reqs,
                warnings,
            );
        }
    }
    if !loose.reqs.is_empty() {
        folders.insert(0, loose);
    }
    folders
}

fn walk(
    item: &Item,
    prefix: &str,
    auth: Option<&Auth>,
    out: &mut Vec<Req>,
    warnings: &mut Vec<String>,
) {
    let label = format!("{prefix}{}", item.name);
    if let Some(children) = &item.item {
        let auth = item.auth.as_ref().or(auth);
        scripts_warning(&item.event, &format!("folder `{label}`"), warnings);
        for child in children {
            walk(child, &format!("{label} / "), auth, out, warnings);
        }
        return;
    }
    let Some(request) = &item.request else { return };
    let mut own = Vec::new();
    let mut req = request::convert(&label, &item.name, &request.0, auth, &mut own);
    req.warnings = own;
    if !script_lines(&item.event, "prerequest")
        .iter()
        .all(|l| l.trim().is_empty())
    {
        req.warnings.push(format!(
            "request `{label}`: its pre-request script is not converted"
        ));
        req.comments
            .push("not converted: the pre-request script".into());
    }
    let lines = script_lines(&item.event, "test");
    req.had_tests = lines.iter().any(|l| !l.trim().is_empty());
    req.checks = scripts::read(&lines);
    for (line, text) in &req.checks.unconverted {
        req.warnings.push(format!(
            "request `{label}`: test line {line} not converted: `{text}`"
        ));
        req.comments
            .push(format!("not converted (test line {line}): {text}"));
    }
    out.push(req);
}

/// Folder- and collection-level scripts run around every request in Postman.
fn scripts_warning(events: &[super::postman::Event], what: &str, warnings: &mut Vec<String>) {
    for listen in ["prerequest", "test"] {
        if script_lines(events, listen)
            .iter()
            .any(|l| !l.trim().is_empty())
        {
            let kind = if listen == "test" {
                "test"
            } else {
                "pre-request"
            };
            warnings.push(format!("{what}: its {kind} script is not converted"));
        }
    }
}

/// Collection variables, overridden by the environment's; secrets as `${NAME}`.
fn variables(
    collection: &Collection,
    environment: Option<&Environment>,
) -> IndexMap<String, VarDef> {
    let mut vars = IndexMap::new();
    let mut define = |key: &str, value: Option<&Json>, secret: bool| {
        let def = if secret || looks_secret(key) {
            VarDef::Env(upper_snake(key))
        } else {
            VarDef::Clear(value.cloned().unwrap_or(Json::String(String::new())))
        };
        vars.insert(key.to_owned(), def);
    };
    for v in collection
        .variable
        .iter()
        .filter(|v| !v.disabled && !v.key.is_empty())
    {
        define(
            &v.key,
            v.value.as_ref(),
            v.kind.as_deref() == Some("secret"),
        );
    }
    for v in environment
        .iter()
        .flat_map(|e| &e.values)
        .filter(|v| v.enabled && !v.key.is_empty())
    {
        define(
            &v.key,
            v.value.as_ref(),
            v.kind.as_deref() == Some("secret"),
        );
    }
    vars
}

/// `fixtures/user.yaml`: the Okta login, or a static token when requests
/// send a bearer token the collection does not obtain.
fn user_fixture(
    all: &[&Req],
    kept: &[&Req],
    recipe: Option<&Recipe>,
    resolve: &dyn Fn(&str) -> Option<String>,
    warnings: &mut Vec<String>,
) -> Option<String> {
    if let Some(recipe) = recipe {
        if recipe.token_var.is_none() {
            warnings.push("the Okta token request stores no `access_token`; requests with `Authorization: Bearer ...` use `auth: user`".into());
        }
        return Some(okta::fixture(all, recipe, resolve));
    }
    let bearer = kept.iter().find(|r| r.bearer.is_some())?;
    let oauth2 = kept.iter().any(|r| r.oauth2);
    let token = bearer.bearer.as_deref().unwrap_or_default();
    let env = match crate::suite::template::names(&super::vars::template(token).text) {
        Ok(names) if names.len() == 1 => upper_snake(&names[0]),
        _ => "API_TOKEN".to_owned(),
    };
    warnings.push(format!(
        "requests send a bearer token the collection does not obtain{}; fixtures/user.yaml reads it from ${{{env}}}",
        if oauth2 { " (Postman's OAuth 2.0 helper)" } else { "" }
    ));
    Some(okta::static_fixture(&env, oauth2))
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

fn suite_out(
    name: &str,
    mut reqs: Vec<Req>,
    base: Option<&Base>,
    vars: &IndexMap<String, VarDef>,
    warnings: &mut Vec<String>,
) -> SuiteOut {
    if let Some(base) = base {
        for r in &mut reqs {
            let rest = &r.url[base.prefix.len()..];
            r.url = if rest.starts_with('/') {
                rest.to_owned()
            } else {
                format!("/{rest}")
            };
        }
    }
    let groups = groups(&reqs);
    let any_user = reqs.iter().any(|r| r.bearer.is_some());
    let mut taken = Vec::new();
    let mut tests = Vec::new();
    for group in groups {
        let steps: Vec<&Req> = group.iter().map(|&i| &reqs[i]).collect();
        let uses_user = steps.iter().any(|r| r.bearer.is_some());
        tests.push(TestOut {
            name: unique(&mut taken, steps[0].name.clone(), " "),
            auth: (any_user && !uses_user).then(|| "none".to_owned()),
            steps: steps.into_iter().cloned().collect(),
        });
    }
    let mut out = SuiteOut {
        name: name.to_owned(),
        base_url: base.map(|b| b.base_url.clone()),
        auth: Some(if any_user { "user" } else { "none" }.to_owned()),
        vars: IndexMap::new(),
        tests,
    };
    out.vars = suite_vars(&out, vars, warnings);
    out
}

/// Requests that capture a variable and the later requests that use it,
/// merged into runs of consecutive indexes (each one test with steps).
fn groups(reqs: &[Req]) -> Vec<Vec<usize>> {
    let mut end: Vec<usize> = (0..reqs.len()).collect();
    for (i, r) in reqs.iter().enumerate() {
        for name in r.checks.captures.keys() {
            if let Some(j) = (i + 1..reqs.len())
                .rev()
                .find(|&j| reqs[j].uses.contains(name))
            {
                end[i] = end[i].max(j);
            }
        }
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i < reqs.len() {
        let mut last = end[i];
        let mut j = i;
        while j <= last {
            last = last.max(end[j]);
            j += 1;
        }
        out.push((i..=last).collect());
        i = last + 1;
    }
    out
}

/// The `vars:` a suite needs: every name its tests use that no earlier step captured.
fn suite_vars(
    suite: &SuiteOut,
    defined: &IndexMap<String, VarDef>,
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
                        warnings.push(format!(
                            "suite `{}`: the secret `{name}` is read from ${{{env}}}; set it before running",
                            suite.name
                        ));
                        Json::String(format!("${{{env}}}"))
                    }
                    None => {
                        let env = upper_snake(&name);
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

    fn req(name: &str, captures: &[&str], uses: &[&str]) -> Req {
        let mut r = Req {
            name: name.into(),
            uses: uses.iter().map(|s| s.to_string()).collect(),
            ..Req::default()
        };
        for c in captures {
            r.checks.captures.insert(c.to_string(), "$.id".into());
        }
        r
    }

    #[test]
    fn captures_and_their_uses_become_one_group() {
        let reqs = [
            req("list", &[], &[]),
            req("create", &["id"], &[]),
            req("other", &[], &[]),
            req("read", &["etag"], &["id"]),
            req("update", &[], &["etag"]),
            req("health", &[], &[]),
        ];
        assert_eq!(groups(&reqs), vec![vec![0], vec![1, 2, 3, 4], vec![5]]);
    }

    #[test]
    fn names_are_made_unique() {
        let mut taken = Vec::new();
        assert_eq!(unique(&mut taken, "a".into(), " "), "a");
        assert_eq!(unique(&mut taken, "a".into(), " "), "a 2");
        assert_eq!(unique(&mut taken, "a".into(), " "), "a 3");
    }
}
