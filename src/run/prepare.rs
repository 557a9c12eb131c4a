//! RequestDef + variables -> a request ready to send.

use std::time::Duration;

use super::plan::SuiteInfo;
use crate::http::Prepared;
use crate::http::exchange::Body;
use crate::suite::model::RequestDef;
use crate::suite::template::{Scope, scalar_text};

/// The `base_url` value that means the built-in demo API.
pub const DEMO: &str = "demo";

pub fn prepare(
    request: &RequestDef,
    scope: &Scope,
    suite: &SuiteInfo,
    demo_api_url: Option<&str>,
    authorization: Option<&str>,
    timeout: Duration,
) -> Result<Prepared, String> {
    let url = absolute_url(&scope.render(&request.url)?, suite, demo_api_url, scope)?;
    let mut url = reqwest::Url::parse(&url).map_err(|e| format!("invalid url `{url}`: {e}"))?;
    if !request.query.is_empty() {
        let mut pairs = url.query_pairs_mut();
        for (k, v) in &request.query {
            pairs.append_pair(k, &scalar_text(&scope.render_json(v)?));
        }
    }
    let mut headers: Vec<(String, String)> = Vec::new();
    for (k, v) in &suite.headers {
        headers.push((k.clone(), scope.render(v)?));
    }
    for (k, v) in &request.headers {
        headers.retain(|(name, _)| !name.eq_ignore_ascii_case(k));
        headers.push((k.clone(), scope.render(v)?));
    }
    let has_auth = headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("authorization"));
    if let (Some(authorization), false) = (authorization, has_auth) {
        headers.push(("Authorization".to_owned(), authorization.to_owned()));
    }
    let method = reqwest::Method::from_bytes(request.method().as_bytes())
        .map_err(|_| format!("invalid method `{}`", request.method()))?;
    Ok(Prepared {
        method,
        url,
        headers,
        body: body(request, scope)?,
        timeout,
    })
}

fn absolute_url(
    url: &str,
    suite: &SuiteInfo,
    demo_api_url: Option<&str>,
    scope: &Scope,
) -> Result<String, String> {
    if url.starts_with("http://") || url.starts_with("https://") {
        return Ok(url.to_owned());
    }
    let base = suite
        .base_url
        .as_deref()
        .ok_or_else(|| format!("relative url `{url}` but no base_url"))?;
    let base = if base == DEMO {
        demo_api_url
            .ok_or("base_url is `demo` but the built-in demo API is not running")?
            .to_owned()
    } else {
        scope.render(base)?
    };
    Ok(format!(
        "{}/{}",
        base.trim_end_matches('/'),
        url.trim_start_matches('/')
    ))
}

fn body(request: &RequestDef, scope: &Scope) -> Result<Body, String> {
    if let Some(json) = &request.json {
        return Ok(Body::Json(scope.render_json(json)?));
    }
    if let Some(form) = &request.form {
        let fields = form
            .iter()
            .map(|(k, v)| Ok((k.clone(), scalar_text(&scope.render_json(v)?))))
            .collect::<Result<_, String>>()?;
        return Ok(Body::Form(fields));
    }
    if let Some(text) = &request.body {
        return Ok(Body::Text(scope.render(text)?));
    }
    Ok(Body::None)
}
