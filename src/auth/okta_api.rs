//! Okta's wire vocabulary shared by the login steps: its API error shape
//! and the URLs a fixture names.

use reqwest::Url;
use serde::Deserialize;

use super::client::Reply;
use super::error::{At, Failure};

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
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Cause {
    #[serde(default)]
    pub error_summary: String,
}

/// Turns Okta's `{errorCode, errorSummary, errorCauses}` into a failure.
pub fn api_error(reply: &Reply, at: &At) -> Failure {
    let err: OktaError = match reply.json(at) {
        Ok(err) => err,
        Err(not_json) => return not_json,
    };
    if err.error_code == "E0000004" {
        return Failure::BadCredentials {
            at: at.clone(),
            code: err.error_code,
            summary: err.error_summary,
        };
    }
    let causes: Vec<&str> = err
        .error_causes
        .iter()
        .map(|c| c.error_summary.as_str())
        .collect();
    let causes = if causes.is_empty() {
        String::new()
    } else {
        format!(" ({})", causes.join("; "))
    };
    Failure::OktaApi {
        at: at.clone(),
        status: reply.status,
        detail: format!("{} {}{causes}", err.error_code, err.error_summary),
        hint: api_hint(&err.error_code).to_owned(),
    }
}

fn api_hint(code: &str) -> &'static str {
    match code {
        "E0000068" => {
            "; Okta rejected the TOTP code: check that totp_secret (OKTA_TOTP_SECRET) is the secret of the user's TOTP factor and that this machine's clock is right"
        }
        "E0000011" => "; the state token expired or is invalid: the login took too long, retry",
        "E0000079" => "; the transaction is not in a state that allows this step",
        "E0000001" => "; check the fixture's username and password (OKTA_USERNAME / OKTA_PASSWORD)",
        _ => "",
    }
}

/// An http(s) URL, or a config error naming the fixture field.
pub fn parse_url(field: &str, value: &str) -> Result<Url, Failure> {
    let url = Url::parse(value)
        .map_err(|e| Failure::Config(format!("{field} `{value}` is not a URL ({e})")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Failure::Config(format!(
            "{field} `{value}` must start with https:// (or http://)"
        )));
    }
    Ok(url)
}
