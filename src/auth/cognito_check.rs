//! What serde cannot say about a `kind: cognito` fixture, checked at load
//! time: the pool id's form, the region, the endpoint's URL.

use super::cognito_kind::CognitoFixture;
use super::fixture::DEMO;
use crate::wire::text::absolute_url_problem;

/// Every problem of `f`, each with the key it is about.
pub fn problems(f: &CognitoFixture) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let pool_ok = f
        .user_pool_id
        .split_once('_')
        .is_some_and(|(region, name)| {
            !region.is_empty()
                && !name.is_empty()
                && name.bytes().all(|b| b.is_ascii_alphanumeric())
                && region
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
    if !pool_ok {
        out.push((
            "user_pool_id",
            format!(
                "`{}` is not a user pool id: it reads REGION_NAME, such as `us-east-1_AbC123xyz` \
                 (Cognito console > User pools > the pool's \"User pool ID\")",
                f.user_pool_id
            ),
        ));
    }
    if f.region().is_empty() {
        out.push((
            "region",
            "no region: set `region` or use the user pool id's REGION_NAME form".to_owned(),
        ));
    }
    if let Some(endpoint) = f.endpoint.as_deref().filter(|e| *e != DEMO)
        && let Some(problem) = absolute_url_problem(endpoint)
    {
        out.push((
            "endpoint",
            format!("{problem}; endpoint is the Cognito API's URL, or `demo`"),
        ));
    }
    if f.flow == super::cognito_kind::CognitoFlow::Hosted {
        for (key, value) in [("domain", &f.domain), ("redirect_uri", &f.redirect_uri)] {
            match value.as_deref() {
                None => out.push((
                    key,
                    format!("`flow: hosted` needs {key}: {}", hosted_hint(key)),
                )),
                Some(url) if url != DEMO || key == "redirect_uri" => {
                    if let Some(problem) = absolute_url_problem(url) {
                        out.push((key, format!("{problem}; {}", hosted_hint(key))));
                    }
                }
                Some(_) => {}
            }
        }
    }
    out
}

fn hosted_hint(key: &str) -> &'static str {
    match key {
        "domain" => {
            "the user pool's domain, such as https://myapp.auth.us-east-1.amazoncognito.com (Cognito console > the pool > Domain), or `demo`"
        }
        _ => "one of the app client's allowed callback URLs",
    }
}
