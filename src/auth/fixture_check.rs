//! What serde cannot say about a fixture, checked at load time (fixtures
//! hold no `{{ }}`, so every value is known): its endpoints are URLs, an
//! Okta org URL is the org's root, an okta-pkce login asks for `openid`.

use super::fixture::{DEMO, Fixture};
use crate::wire::text::absolute_url_problem;

/// Every problem of `fixture`, each with the top-level key it is about.
pub fn problems(fixture: &Fixture) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let (okta_url, auth_server, token_url) = match fixture {
        Fixture::OktaPkce(f) | Fixture::OktaIdx(f) => {
            (Some(f.okta_url.as_str()), f.auth_server.as_str(), None)
        }
        Fixture::ClientCredentials(f) => endpoint(&f.okta_url, &f.auth_server, &f.token_url),
        Fixture::Password(f) => endpoint(&f.okta_url, &f.auth_server, &f.token_url),
        Fixture::RefreshToken(f) => endpoint(&f.okta_url, &f.auth_server, &f.token_url),
        Fixture::Oauth2Pkce(f) => {
            if let Some(p) = url_or_demo(&f.issuer) {
                out.push(("issuer", p));
            }
            (None, "", None)
        }
        Fixture::Static(_) => (None, "", None),
        Fixture::Auth0(f) => {
            if let Some(p) = url_or_demo(&f.domain).and_then(|_| absolute_url_problem(&f.root())) {
                out.push(("domain", p));
            }
            if let Some(p) = absolute_url_problem(&f.redirect_uri) {
                out.push(("redirect_uri", p));
            }
            (None, "", None)
        }
        Fixture::Cognito(f) => {
            out.extend(super::cognito_check::problems(f));
            (None, "", None)
        }
    };
    if let Some(p) = okta_url.and_then(|url| okta_url_problem(url, auth_server)) {
        out.push(("okta_url", p));
    }
    if let Some(p) = token_url.and_then(absolute_url_problem) {
        out.push(("token_url", p));
    }
    if let Fixture::Auth0(f) = fixture
        && !f.scopes.iter().any(|s| s == "openid")
    {
        out.push((
            "scopes",
            "`openid` is missing: Auth0's /authorize with a login ticket is an OpenID Connect \
             request; add `openid` to the scopes"
                .to_owned(),
        ));
    }
    if let Fixture::OktaPkce(f) | Fixture::OktaIdx(f) = fixture
        && !f.scopes.iter().any(|s| s == "openid")
    {
        out.push((
            "scopes",
            "`openid` is missing: Okta's /authorize with a sessionToken answers only OpenID \
             Connect requests; add `openid` to the scopes"
                .to_owned(),
        ));
    }
    out
}

fn endpoint<'a>(
    okta_url: &'a Option<String>,
    auth_server: &'a str,
    token_url: &'a Option<String>,
) -> (Option<&'a str>, &'a str, Option<&'a str>) {
    (okta_url.as_deref(), auth_server, token_url.as_deref())
}

fn url_or_demo(url: &str) -> Option<String> {
    (url != DEMO).then(|| absolute_url_problem(url)).flatten()
}

/// `okta_url` is the org's root (`https://dev-123.okta.com`); the
/// authorization server is chosen with `auth_server`.
fn okta_url_problem(url: &str, auth_server: &str) -> Option<String> {
    if let Some(problem) = url_or_demo(url) {
        return Some(format!(
            "{problem}; okta_url is your Okta org's URL, such as https://dev-123.okta.com, or \
             `{DEMO}`"
        ));
    }
    let path = reqwest::Url::parse(url).ok()?.path().to_owned();
    let rest = path.split_once("/oauth2")?.1;
    let server = rest
        .trim_start_matches('/')
        .split('/')
        .next()
        .filter(|s| !s.is_empty() && *s != "v1")
        .unwrap_or("org");
    let root = &url[..url.find("/oauth2").unwrap_or(url.len())];
    let hint = if server == auth_server {
        String::new()
    } else {
        format!(" and set `auth_server: {server}`")
    };
    Some(format!(
        "`{url}` contains `/oauth2`: okta_url is the org's URL alone; write `{root}`{hint}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(yaml: &str) -> Fixture {
        serde_yaml::from_str(yaml).unwrap()
    }

    const OKTA: &str = "kind: okta-pkce\nclient_id: c\nredirect_uri: http://localhost/cb\n\
                        username: u\npassword: p\n";

    #[test]
    fn okta_url_is_the_org_root_or_demo() {
        for url in ["demo", "https://dev-1.okta.com", "http://127.0.0.1:9/"] {
            let f = fixture(&format!("{OKTA}okta_url: {url}\n"));
            assert!(problems(&f).is_empty(), "{url}: {:?}", problems(&f));
        }
    }

    #[test]
    fn okta_url_with_oauth2_names_the_fix() {
        let f = fixture(&format!(
            "{OKTA}okta_url: https://dev-1.okta.com/oauth2/aus9\n"
        ));
        assert_eq!(
            problems(&f),
            vec![(
                "okta_url",
                "`https://dev-1.okta.com/oauth2/aus9` contains `/oauth2`: okta_url is the org's \
                 URL alone; write `https://dev-1.okta.com` and set `auth_server: aus9`"
                    .to_owned()
            )]
        );
        let f = fixture(&format!(
            "{OKTA}okta_url: https://dev-1.okta.com/oauth2/default\n"
        ));
        assert!(
            problems(&f)[0]
                .1
                .ends_with("write `https://dev-1.okta.com`")
        );
        let f = fixture(&format!(
            "{OKTA}okta_url: https://dev-1.okta.com/oauth2/v1\n"
        ));
        assert!(problems(&f)[0].1.ends_with("and set `auth_server: org`"));
    }

    #[test]
    fn okta_url_must_be_a_url() {
        let f = fixture(&format!("{OKTA}okta_url: dev-1.okta.com\n"));
        assert_eq!(
            problems(&f)[0].1,
            "`dev-1.okta.com` is not a valid URL (relative URL without a base); okta_url is \
             your Okta org's URL, such as https://dev-123.okta.com, or `demo`"
        );
    }

    #[test]
    fn okta_pkce_needs_openid() {
        let f = fixture(&format!("{OKTA}okta_url: demo\nscopes: [profile, email]\n"));
        let found = problems(&f);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, "scopes");
        assert!(found[0].1.starts_with("`openid` is missing"), "{found:?}");
    }

    #[test]
    fn other_kinds_check_their_endpoints() {
        let f = fixture(
            "kind: client-credentials\nokta_url: https://o.okta.com/oauth2/default/v1/token\n\
             client_id: c\nclient_secret: s\n",
        );
        assert!(problems(&f)[0].1.contains("contains `/oauth2`"));
        let f = fixture(
            "kind: password\ntoken_url: not a url\nclient_id: c\nusername: u\npassword: p\n",
        );
        assert_eq!(problems(&f)[0].0, "token_url");
        let f =
            fixture("kind: oauth2-pkce\nissuer: nope\nclient_id: c\nredirect_uri: http://l/cb\n");
        assert_eq!(problems(&f)[0].0, "issuer");
    }
}
