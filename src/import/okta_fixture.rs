//! What the Okta logins found in a collection (`okta.rs`: authn ->
//! authorize -> token; `okta_idx.rs`: interact -> idx -> token) have in
//! common: reading a request's values in clear text, and the fixture file
//! that replaces the login. Pure.

use std::sync::LazyLock;

use regex::{Captures, Regex};

/// An Okta token endpoint: `{org}/oauth2[/{server}]/v1/token`.
pub static TOKEN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(.*?)/oauth2/(?:[^/]+/)?v1/token/?(?:\?.*)?$").expect("valid regex")
});

/// The fixture written for an Okta login: `okta_url`, `auth_server`,
/// `client_id`, `redirect_uri`, `scopes` and `username` from the
/// collection (each one an environment variable with the collection's
/// value as its default); the password and TOTP secret from the
/// environment only.
pub struct OktaFixture<'a> {
    /// `okta-pkce` or `okta-idx`.
    pub kind: &'a str,
    /// Two comment lines: which login this is, and what it replaces.
    pub about: [&'a str; 2],
    pub okta_url: Option<String>,
    pub auth_server: Option<String>,
    pub client_id: Option<String>,
    pub redirect_uri: Option<String>,
    /// The `scope` parameter as sent (space- or `+`-separated).
    pub scope: Option<String>,
    pub username: Option<String>,
    /// The comment beside `totp_secret`.
    pub totp_note: &'a str,
}

impl OktaFixture<'_> {
    /// `fixtures/user.yaml`.
    pub fn yaml(&self) -> String {
        let env = |name: &str, default: &Option<String>| match default {
            Some(d) => format!("${{{name}:-{d}}}"),
            None => format!("${{{name}}}"),
        };
        let lines = [
            "# yaml-language-server: $schema=../schema/fixture.schema.json".to_owned(),
            format!("# {}", self.about[0]),
            format!("# {}", self.about[1]),
            format!("kind: {}", self.kind),
            format!("okta_url: {}", env("OKTA_URL", &self.okta_url)),
            format!(
                "auth_server: {}    # \"org\" = the org authorization server",
                env("OKTA_AUTH_SERVER", &self.auth_server)
            ),
            format!("client_id: {}", env("OKTA_CLIENT_ID", &self.client_id)),
            "client_secret: ${OKTA_CLIENT_SECRET:-}       # optional (confidential client)"
                .to_owned(),
            format!(
                "redirect_uri: {}",
                env("OKTA_REDIRECT_URI", &self.redirect_uri)
            ),
            format!("scopes: [{}]", scopes(self.scope.as_deref()).join(", ")),
            format!("username: {}", env("OKTA_USERNAME", &self.username)),
            "password: ${OKTA_PASSWORD}".to_owned(),
            format!(
                "totp_secret: ${{OKTA_TOTP_SECRET:-}}           # {}",
                self.totp_note
            ),
        ];
        lines.join("\n") + "\n"
    }
}

/// The scopes of a `scope` parameter; Okta's sign-in defaults without one.
fn scopes(scope: Option<&str>) -> Vec<&str> {
    match scope {
        Some(scope) => scope.split([' ', '+']).filter(|s| !s.is_empty()).collect(),
        None => vec!["openid", "profile", "email"],
    }
}

/// A request's text with its variables filled in, when every one has a
/// clear-text value and something is left: what a fixture may show.
pub fn shown(text: &str, resolve: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    let text = substitute(text, resolve)?;
    (!text.is_empty() && !text.contains("{{") && !text.contains('}')).then_some(text)
}

/// The org URL (group 1) and authorization server (group 2, absent for the
/// org server) of an `{org}/oauth2/{server}/v1/...` URL, as shown.
pub fn org_and_server(
    caps: &Captures,
    resolve: &dyn Fn(&str) -> Option<String>,
) -> (Option<String>, Option<String>) {
    let okta_url = shown(&caps[1], resolve).filter(|u| u.starts_with("http"));
    let auth_server = caps
        .get(2)
        .map_or(Some("org".to_owned()), |m| shown(m.as_str(), resolve));
    (okta_url, auth_server)
}

/// Replaces `{{ name }}` with clear-text values; `None` when one has none.
pub fn substitute(text: &str, resolve: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let len = rest[start..].find("}}")?;
        out.push_str(&rest[..start]);
        out.push_str(&resolve(rest[start + 2..start + len].trim())?);
        rest = &rest[start + len + 2..];
    }
    out.push_str(rest);
    Some(out.replace("$${", "${"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_split_on_spaces_and_plus_signs_or_default_to_sign_in() {
        assert_eq!(
            scopes(Some("openid+profile  email")),
            ["openid", "profile", "email"]
        );
        assert_eq!(scopes(None), ["openid", "profile", "email"]);
    }

    #[test]
    fn a_value_with_a_secret_variable_is_not_shown() {
        let resolve = |name: &str| (name == "host").then(|| "https://x.okta.com".to_owned());
        assert_eq!(
            shown("{{host}}/oauth2", &resolve).as_deref(),
            Some("https://x.okta.com/oauth2")
        );
        assert_eq!(shown("{{password}}", &resolve), None);
        assert_eq!(shown("", &resolve), None);
    }
}
