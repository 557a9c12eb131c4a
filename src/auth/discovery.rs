//! Authorization server metadata for oauth2-pkce: OpenID Connect Discovery
//! (`{issuer}/.well-known/openid-configuration`), else RFC 8414
//! (`/.well-known/oauth-authorization-server`), and its issuer checked.

use super::client::{LoginClient, Reply};
use super::error::{At, LoginFailure};
use super::okta::parse_url;
use reqwest::Url;

/// What the login needs from the metadata document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Metadata {
    pub issuer: String,
    pub authorization_endpoint: Url,
    pub token_endpoint: Url,
    /// RFC 9207: the server promises `iss` in every authorization response.
    pub iss_parameter_supported: bool,
}

#[derive(serde::Deserialize)]
struct Document {
    issuer: Option<String>,
    authorization_endpoint: Option<String>,
    token_endpoint: Option<String>,
    #[serde(default)]
    code_challenge_methods_supported: Option<Vec<String>>,
    #[serde(default)]
    authorization_response_iss_parameter_supported: bool,
}

/// Fetches and checks the metadata of `issuer`, trying each well-known URL
/// in turn while the previous one answers with an error status.
pub async fn discover(client: &LoginClient, issuer: &str) -> Result<Metadata, LoginFailure> {
    let base = parse_url("issuer", issuer)?;
    let mut tried = Vec::new();
    for url in candidates(&base) {
        let at = At::new("GET", &url);
        let reply = client
            .send(&at, |c| {
                c.get(url.clone()).header("accept", "application/json")
            })
            .await?;
        if (200..300).contains(&reply.status) {
            return read_metadata(&reply, &at, issuer);
        }
        tried.push(format!("GET {url} answered {}", reply.status));
    }
    Err(LoginFailure::Config(format!(
        "no discovery document for issuer `{issuer}` ({}); check issuer: it must be the server's issuer URL, whose discovery document is at {{issuer}}/.well-known/openid-configuration",
        tried.join(", ")
    )))
}

/// The well-known URLs to try: OIDC (appended), RFC 8414 (inserted before
/// the path), and the appended form some servers (Okta) also serve.
pub fn candidates(issuer: &Url) -> Vec<Url> {
    let path = issuer.path().trim_end_matches('/');
    let mut root = issuer.clone();
    root.set_query(None);
    root.set_fragment(None);
    let at = |p: String| {
        let mut url = root.clone();
        url.set_path(&p);
        url
    };
    let mut urls = vec![
        at(format!("{path}/.well-known/openid-configuration")),
        at(format!("/.well-known/oauth-authorization-server{path}")),
        at(format!("{path}/.well-known/oauth-authorization-server")),
    ];
    urls.dedup();
    urls
}

/// Reads the document of a 2xx answer and checks it (pure).
pub fn read_metadata(reply: &Reply, at: &At, configured: &str) -> Result<Metadata, LoginFailure> {
    let doc: Document = reply.json(at)?;
    let missing = |field: &str| {
        LoginFailure::protocol(
            at,
            format!(
                "the discovery document has no `{field}`; is issuer an OAuth 2.0 authorization server?"
            ),
        )
    };
    let issuer = doc.issuer.ok_or_else(|| missing("issuer"))?;
    if issuer != configured {
        return Err(LoginFailure::DiscoveryIssuer {
            at: at.clone(),
            configured: configured.to_owned(),
            hint: issuer_hint(configured, &issuer),
            got: issuer,
        });
    }
    let endpoint = |field: &str, value: Option<String>| {
        let value = value.ok_or_else(|| missing(field))?;
        parse_url(field, &value).map_err(|e| LoginFailure::protocol(at, e.to_string()))
    };
    let authorization_endpoint = endpoint("authorization_endpoint", doc.authorization_endpoint)?;
    let token_endpoint = endpoint("token_endpoint", doc.token_endpoint)?;
    if let Some(methods) = doc.code_challenge_methods_supported
        && !methods.iter().any(|m| m == "S256")
    {
        return Err(LoginFailure::protocol(
            at,
            format!(
                "the server announces code_challenge_methods_supported [{}] without S256, which oauth2-pkce needs",
                methods.join(", ")
            ),
        ));
    }
    Ok(Metadata {
        issuer,
        authorization_endpoint,
        token_endpoint,
        iss_parameter_supported: doc.authorization_response_iss_parameter_supported,
    })
}

fn issuer_hint(configured: &str, got: &str) -> &'static str {
    if configured.trim_end_matches('/') == got.trim_end_matches('/') {
        " (they differ in a trailing slash, which counts)"
    } else if configured.eq_ignore_ascii_case(got) {
        " (they differ in upper/lower case)"
    } else {
        ""
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(body: &str) -> Reply {
        Reply {
            status: 200,
            content_type: "application/json".into(),
            body: body.into(),
            ..Reply::default()
        }
    }

    fn at() -> At {
        At::new(
            "GET",
            &Url::parse("https://as.example/.well-known/x").unwrap(),
        )
    }

    #[test]
    fn well_known_urls() {
        let urls = |issuer: &str| -> Vec<String> {
            candidates(&Url::parse(issuer).unwrap())
                .iter()
                .map(Url::to_string)
                .collect()
        };
        assert_eq!(
            urls("https://as.example/realms/dev/"),
            [
                "https://as.example/realms/dev/.well-known/openid-configuration",
                "https://as.example/.well-known/oauth-authorization-server/realms/dev",
                "https://as.example/realms/dev/.well-known/oauth-authorization-server",
            ]
        );
        assert_eq!(
            urls("https://as.example"),
            [
                "https://as.example/.well-known/openid-configuration",
                "https://as.example/.well-known/oauth-authorization-server",
            ]
        );
    }

    const GOOD: &str = r#"{"issuer":"https://as.example","authorization_endpoint":"https://as.example/authorize",
        "token_endpoint":"https://as.example/token","code_challenge_methods_supported":["plain","S256"]}"#;

    #[test]
    fn reads_a_document() {
        let m = read_metadata(&reply(GOOD), &at(), "https://as.example").unwrap();
        assert_eq!(m.token_endpoint.as_str(), "https://as.example/token");
        assert!(!m.iss_parameter_supported);
    }

    #[test]
    fn issuer_must_match_exactly() {
        let err = read_metadata(&reply(GOOD), &at(), "https://as.example/")
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "issuer mismatch: the discovery document at GET https://as.example/.well-known/x names \
             issuer `https://as.example` but the fixture's issuer is `https://as.example/` (they \
             differ in a trailing slash, which counts); set issuer to exactly the issuer the server announces"
        );
    }

    #[test]
    fn missing_fields_and_no_s256() {
        let err = read_metadata(
            &reply(r#"{"issuer":"https://as.example"}"#),
            &at(),
            "https://as.example",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("has no `authorization_endpoint`"), "{err}");
        let plain = GOOD.replace(r#""plain","S256""#, r#""plain""#);
        let err = read_metadata(&reply(&plain), &at(), "https://as.example")
            .unwrap_err()
            .to_string();
        assert!(err.contains("without S256"), "{err}");
    }
}
