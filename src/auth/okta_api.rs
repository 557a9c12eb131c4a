//! Okta's wire vocabulary shared by the login steps: its API error shape
//! and the URLs a fixture names.

use reqwest::Url;
use serde::Deserialize;

use super::client::Reply;
use super::error::{At, LoginFailure};

/// Okta's error shape for every API error.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OktaError {
    #[serde(default)]
    pub error_code: String,
    #[serde(default)]
    pub error_summary: String,
    #[serde(default)]
    pub error_causes: Vec<Cause>,
    /// The OAuth shape some endpoints answer instead (`error`,
    /// `error_description`), or a proxy's `message`.
    #[serde(default)]
    pub error: String,
    #[serde(default, alias = "error_description", alias = "message")]
    pub error_description: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Cause {
    #[serde(default)]
    pub error_summary: String,
}

/// Turns Okta's `{errorCode, errorSummary, errorCauses}` into a failure.
pub fn api_error(reply: &Reply, at: &At) -> LoginFailure {
    let mut err: OktaError = match reply.json(at) {
        Ok(err) => err,
        Err(not_json) => return not_json,
    };
    if err.error_code.is_empty() && err.error_summary.is_empty() {
        // Not Okta's API error shape: keep whatever words the answer has.
        err.error_code = err.error.clone();
        err.error_summary = err.error_description.clone();
        if err.error_code == "unauthorized_client" {
            return LoginFailure::OktaApi {
                at: at.clone(),
                status: reply.status,
                detail: format!("{} ({})", err.error_code, plain_text(&err.error_summary)),
                hint: "; enable the Interaction Code grant for the app (Applications > the app > General > Grant type) and check client_id (OKTA_CLIENT_ID)".to_owned(),
            };
        }
    }
    if err.error_code == "E0000004" {
        return LoginFailure::BadCredentials {
            at: at.clone(),
            code: err.error_code,
            summary: err.error_summary,
        };
    }
    let causes: Vec<String> = err
        .error_causes
        .iter()
        .map(|c| plain_text(&c.error_summary))
        .collect();
    let causes = if causes.is_empty() {
        String::new()
    } else {
        format!(" ({})", causes.join("; "))
    };
    LoginFailure::OktaApi {
        at: at.clone(),
        status: reply.status,
        detail: format!(
            "{} {}{causes}",
            err.error_code,
            plain_text(&err.error_summary)
        ),
        hint: api_hint(&err.error_code).to_owned(),
    }
}

fn api_hint(code: &str) -> &'static str {
    match code {
        "E0000068" => {
            "; Okta rejected the TOTP code: check that totp_secret (OKTA_TOTP_SECRET) is the secret of the user's TOTP factor and that this machine's clock is right"
        }
        "E0000069" => {
            "; the user is locked out after too many failed MFA attempts: unlock it in the Admin Console (Directory > People > the user > Unlock, or Reset Multifactor), then check totp_secret (OKTA_TOTP_SECRET) and this machine's clock"
        }
        "E0000011" => "; the state token expired or is invalid: the login took too long, retry",
        "E0000079" => "; the transaction is not in a state that allows this step",
        "E0000001" => "; check the fixture's username and password (OKTA_USERNAME / OKTA_PASSWORD)",
        "E0000047" => {
            "; Okta's rate limit was exceeded: log in less often (each identity logs in once per run) or raise the org's rate limits"
        }
        "E0000080" | "E0000014" => {
            "; Okta asks for a new password, which a login does not set: set the test user's password in the Admin Console and update OKTA_PASSWORD"
        }
        "E0000087" => {
            "; the user is in a password recovery flow: set its password in the Admin Console and update OKTA_PASSWORD"
        }
        "E0000007" => "; check okta_url: the resource does not exist in this org",
        "E0000009" => "; an error inside Okta: retry, and check Okta's status page if it persists",
        "E0000170" => {
            "; Okta asks for a device activation code (the Device Authorization grant); use an app with the Authorization Code grant and PKCE"
        }
        _ => "",
    }
}

/// Okta's message text with its HTML reduced to text: tags dropped, the
/// common entities decoded, whitespace collapsed.
pub fn plain_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let decoded = [
        ("&nbsp;", " "),
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&quot;", "\""),
        ("&#39;", "'"),
        ("&#x27;", "'"),
        ("&apos;", "'"),
        ("&amp;", "&"),
    ]
    .iter()
    .fold(text, |t, (entity, c)| t.replace(entity, c));
    let flat = decoded.split_whitespace().collect::<Vec<_>>().join(" ");
    // A tag's space before punctuation: "<b>x</b>." reads "x.", not "x .".
    [" .", " ,", " !", " ?", " :", " ;"]
        .iter()
        .fold(flat, |t, p| t.replace(p, &p[1..]))
}

/// An http(s) URL, or a config error naming the fixture field.
pub fn parse_url(field: &str, value: &str) -> Result<Url, LoginFailure> {
    let url = Url::parse(value)
        .map_err(|e| LoginFailure::Config(format!("{field} `{value}` is not a URL ({e})")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(LoginFailure::Config(format!(
            "{field} `{value}` must start with https:// (or http://)"
        )));
    }
    Ok(url)
}
