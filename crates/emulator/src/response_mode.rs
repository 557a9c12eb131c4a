//! Delivering an authorization response (a code, or an error) to the
//! client as its `response_mode` asks: `query` and `fragment` redirects,
//! a self-submitting `form_post` page, or Okta's `okta_post_message` page
//! that hands the result to the parent window (silent renew in an iframe).

use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde_json::{Map, Value};

use super::ids::{append_query, encode_component};

/// How the authorization response reaches the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ResponseMode {
    Query,
    Fragment,
    FormPost,
    OktaPostMessage,
}

impl ResponseMode {
    /// The mode a request names (default `query`); Err with Okta's description.
    pub(crate) fn parse(mode: Option<&str>) -> Result<Self, String> {
        match mode {
            None | Some("query") => Ok(ResponseMode::Query),
            Some("fragment") => Ok(ResponseMode::Fragment),
            Some("form_post") => Ok(ResponseMode::FormPost),
            Some("okta_post_message") => Ok(ResponseMode::OktaPostMessage),
            Some(other) => Err(format!(
                "The response mode '{other}' is not supported. Supported response modes: [query, fragment, form_post, okta_post_message]."
            )),
        }
    }

    /// The response carrying `params` to `redirect_uri`.
    pub(crate) fn deliver(self, redirect_uri: &str, params: &[(&str, &str)]) -> Response {
        match self {
            ResponseMode::Query => found(&append_query(redirect_uri, params)),
            ResponseMode::Fragment => found(&with_fragment(redirect_uri, params)),
            ResponseMode::FormPost => Html(form_post_page(redirect_uri, params)).into_response(),
            ResponseMode::OktaPostMessage => {
                Html(post_message_page(redirect_uri, params)).into_response()
            }
        }
    }
}

fn found(location: &str) -> Response {
    (
        StatusCode::FOUND,
        [(header::LOCATION, location.to_string())],
    )
        .into_response()
}

/// `redirect_uri#code=...&state=...` (a fragment already there is replaced).
fn with_fragment(redirect_uri: &str, params: &[(&str, &str)]) -> String {
    let base = redirect_uri.split('#').next().unwrap_or(redirect_uri);
    let pairs: Vec<String> = params
        .iter()
        .map(|(k, v)| format!("{}={}", encode_component(k), encode_component(v)))
        .collect();
    format!("{base}#{}", pairs.join("&"))
}

/// The page that POSTs the parameters to the redirect_uri on load.
fn form_post_page(redirect_uri: &str, params: &[(&str, &str)]) -> String {
    let inputs: String = params
        .iter()
        .map(|(k, v)| {
            format!(
                "<input type=\"hidden\" name=\"{}\" value=\"{}\"/>\n",
                attr(k),
                attr(v)
            )
        })
        .collect();
    format!(
        "<!DOCTYPE html>\n<html>\n<head><meta charset=\"utf-8\"><title>Submit This Form</title></head>\n\
<body onload=\"javascript:document.forms[0].submit()\">\n\
<form method=\"post\" action=\"{}\">\n{inputs}<noscript><input type=\"submit\" value=\"Continue\"/></noscript>\n</form>\n</body>\n</html>\n",
        attr(redirect_uri)
    )
}

/// The page that posts `{code|error..., state}` to the parent window, to
/// the redirect_uri's origin only.
fn post_message_page(redirect_uri: &str, params: &[(&str, &str)]) -> String {
    let data: Map<String, Value> = params
        .iter()
        .map(|(k, v)| (k.to_string(), Value::String(v.to_string())))
        .collect();
    let data = script_json(&Value::Object(data));
    let origin = script_json(&Value::String(origin_of(redirect_uri)));
    format!(
        "<!DOCTYPE html>\n<html>\n<head><meta charset=\"utf-8\"></head>\n<body>\n\
<script type=\"text/javascript\">\n\
(function (window) {{\n\
  var data = {data};\n\
  var targetOrigin = {origin};\n\
  (window.opener || window.parent).postMessage(data, targetOrigin);\n\
}})(window);\n\
</script>\n</body>\n</html>\n"
    )
}

/// scheme://host[:port] of a URI.
pub(crate) fn origin_of(uri: &str) -> String {
    match url::Url::parse(uri) {
        Ok(url) => url.origin().ascii_serialization(),
        Err(_) => "null".to_string(),
    }
}

/// JSON that is safe inside a <script> element.
fn script_json(value: &Value) -> String {
    value
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

fn attr(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_parse_with_query_as_default() {
        assert_eq!(ResponseMode::parse(None), Ok(ResponseMode::Query));
        assert_eq!(
            ResponseMode::parse(Some("okta_post_message")),
            Ok(ResponseMode::OktaPostMessage)
        );
        assert!(ResponseMode::parse(Some("web_message")).is_err());
    }

    #[test]
    fn fragment_replaces_any_fragment() {
        let uri = with_fragment("http://x/cb#old", &[("code", "a b"), ("state", "s")]);
        assert_eq!(uri, "http://x/cb#code=a%20b&state=s");
    }

    #[test]
    fn pages_escape_what_they_embed() {
        let page = form_post_page("http://x/cb?a=1&b=2", &[("state", "\"><script>")]);
        assert!(
            page.contains("action=\"http://x/cb?a=1&amp;b=2\""),
            "{page}"
        );
        assert!(
            page.contains("value=\"&quot;&gt;&lt;script&gt;\""),
            "{page}"
        );
        let page = post_message_page("http://localhost:3000/cb", &[("state", "</script>")]);
        assert!(!page.contains("</script>\""), "{page}");
        assert!(
            page.contains("var targetOrigin = \"http://localhost:3000\";"),
            "{page}"
        );
    }

    #[test]
    fn origin_is_scheme_host_and_port() {
        assert_eq!(
            origin_of("http://localhost:3000/callback?x=1"),
            "http://localhost:3000"
        );
        assert_eq!(
            origin_of("https://app.example.com/cb"),
            "https://app.example.com"
        );
    }
}
