//! RequestDef + variables -> a request ready to send.

use std::time::Duration;

use super::plan::SuiteInfo;
use crate::http::Prepared;
use crate::http::exchange::Body;
use crate::suite::model::{BasicAuthDef, RequestDef};
use crate::suite::template::{TestVars, scalar_text};
use crate::wire::text::{header_value_problem, url_text_problem};

/// The `base_url` value that means the built-in demo API.
pub const DEMO: &str = crate::suite::model::DEMO_BASE_URL;

pub fn prepare(
    request: &RequestDef,
    scope: &TestVars,
    suite: &SuiteInfo,
    demo_api_url: Option<&str>,
    authorization: Option<&str>,
    timeout: Duration,
) -> Result<Prepared, String> {
    let url = absolute_url(&scope.render(&request.url)?, suite, demo_api_url, scope)?;
    if let Some(problem) = url_text_problem(&url) {
        return Err(format!(
            "url `{url}` (`{}` filled in): {problem}",
            request.url
        ));
    }
    let mut url = reqwest::Url::parse(&url).map_err(|e| format!("invalid url `{url}`: {e}"))?;
    if !request.query.is_empty() {
        let mut pairs = url.query_pairs_mut();
        for (k, v) in &request.query {
            pairs.append_pair(k, &scalar_text(&scope.render_json(v)?));
        }
    }
    let mut headers: Vec<(String, String)> = Vec::new();
    for (k, v) in &suite.headers {
        headers.push((k.clone(), header_value(k, v, scope)?));
    }
    for (k, v) in &request.headers {
        headers.retain(|(name, _)| !name.eq_ignore_ascii_case(k));
        headers.push((k.clone(), header_value(k, v, scope)?));
    }
    if let Some(basic) = &request.basic_auth
        && !request
            .headers
            .keys()
            .any(|k| k.eq_ignore_ascii_case("authorization"))
    {
        headers.retain(|(name, _)| !name.eq_ignore_ascii_case("authorization"));
        headers.push(("Authorization".to_owned(), basic_header(basic, scope)?));
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

/// A header value with its `{{ }}` filled in, checked again: a variable
/// may bring in what the literal text could not (a line break).
fn header_value(name: &str, template: &str, scope: &TestVars) -> Result<String, String> {
    let value = scope.render(template)?;
    match header_value_problem(&value) {
        Some(problem) => Err(format!(
            "header `{name}` (`{template}` filled in): {problem}"
        )),
        None => Ok(value),
    }
}

/// `Basic base64(username:password)`, both rendered.
fn basic_header(basic: &BasicAuthDef, scope: &TestVars) -> Result<String, String> {
    use base64::Engine;
    let pair = format!(
        "{}:{}",
        scope.render(&basic.username)?,
        scope.render(&basic.password)?
    );
    Ok(format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(pair)
    ))
}

fn absolute_url(
    url: &str,
    suite: &SuiteInfo,
    demo_api_url: Option<&str>,
    scope: &TestVars,
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

fn body(request: &RequestDef, scope: &TestVars) -> Result<Body, String> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_auth_is_encoded_from_rendered_parts() {
        let mut scope = TestVars::new();
        scope.set("user", serde_json::json!("Aladdin"));
        let basic = BasicAuthDef {
            username: "{{ user }}".into(),
            password: "open sesame".into(),
        };
        assert_eq!(
            basic_header(&basic, &scope).unwrap(),
            "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
        );
    }
}
