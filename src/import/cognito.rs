//! Amazon Cognito sign-ins in a collection: a request with `X-Amz-Target:
//! AWSCognitoIdentityProviderService.InitiateAuth` (`USER_PASSWORD_AUTH` or
//! `USER_SRP_AUTH`) and the `RespondToAuthChallenge` calls after it become
//! one `kind: cognito` fixture; those requests are dropped. Pure.

use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value as Json;

use super::request::Req;

/// One sign-in found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signin {
    /// The requests it replaces (InitiateAuth and its challenges).
    pub dropped: Vec<usize>,
    /// The API's URL when it is not `cognito-idp.REGION.amazonaws.com`.
    pub endpoint: Option<String>,
    /// The region of an AWS endpoint URL.
    pub region: Option<String>,
    pub auth_flow: String,
    pub client_id: String,
    pub username: String,
    pub password: String,
    /// The collection sends SECRET_HASH: the app client has a secret.
    pub secret_hash: bool,
    /// `id` when the collection keeps the ID token, else `access`.
    pub token: &'static str,
    /// The variable the token is stored in.
    pub token_var: Option<String>,
}

static AWS_ENDPOINT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^https://cognito-idp\.([a-z0-9-]+)\.amazonaws\.com/?$").expect("valid regex")
});

/// The action of a request to the Cognito API (`InitiateAuth`...).
fn action(req: &Req) -> Option<&str> {
    let (_, target) = req
        .headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("x-amz-target"))?;
    target
        .trim()
        .strip_prefix("AWSCognitoIdentityProviderService.")
}

fn text<'a>(body: &'a Json, key: &str) -> &'a str {
    body.get(key).and_then(Json::as_str).unwrap_or_default()
}

/// Every sign-in of `reqs` (all requests, in collection order).
pub fn find(reqs: &[&Req]) -> Vec<Signin> {
    let mut found = Vec::new();
    for (i, req) in reqs.iter().enumerate() {
        if action(req) != Some("InitiateAuth") {
            continue;
        }
        let Some(("json", body)) = &req.body else {
            continue;
        };
        let flow = text(body, "AuthFlow");
        if flow != "USER_PASSWORD_AUTH" && flow != "USER_SRP_AUTH" {
            continue;
        }
        let params = body.get("AuthParameters").cloned().unwrap_or_default();
        // The challenge answers that follow it, up to the next sign-in.
        let challenges: Vec<usize> = (i + 1..reqs.len())
            .take_while(|&j| action(reqs[j]) != Some("InitiateAuth"))
            .filter(|&j| action(reqs[j]) == Some("RespondToAuthChallenge"))
            .collect();
        let mut dropped = vec![i];
        dropped.extend(&challenges);
        let captured = |path: &str| {
            dropped
                .iter()
                .find_map(|&j| reqs[j].checks.captured_from(path))
        };
        let (token, token_var) = match captured("$.AuthenticationResult.AccessToken") {
            Some(var) => ("access", Some(var)),
            None => match captured("$.AuthenticationResult.IdToken") {
                Some(var) => ("id", Some(var)),
                None => ("access", None),
            },
        };
        let url = req.url.trim();
        let (endpoint, region) = match AWS_ENDPOINT.captures(url) {
            Some(c) => (None, Some(c[1].to_owned())),
            None => (Some(url.trim_end_matches('/').to_owned()), None),
        };
        found.push(Signin {
            dropped,
            endpoint,
            region,
            auth_flow: flow.to_owned(),
            client_id: text(body, "ClientId").to_owned(),
            username: text(&params, "USERNAME").to_owned(),
            password: text(&params, "PASSWORD").to_owned(),
            secret_hash: params.get("SECRET_HASH").is_some(),
            token,
            token_var,
        });
    }
    found
}

/// The fixture's text; `field(name, value)` writes a value as `${ENV...}`.
pub fn fixture_text(
    name: &str,
    s: &Signin,
    field: &dyn Fn(&str, &str) -> String,
    warnings: &mut Vec<String>,
) -> String {
    let mut lines = vec![
        "# yaml-language-server: $schema=../schema/fixture.schema.json".to_owned(),
        format!("# The identity `{name}`, replacing the collection's Amazon Cognito sign-in."),
        format!("# client: {}", s.client_id),
        "kind: cognito".to_owned(),
    ];
    if let Some(endpoint) = &s.endpoint {
        lines.push(format!("endpoint: {}", field("endpoint", endpoint)));
    }
    // InitiateAuth does not name the pool; SRP needs it.
    let pool = match &s.region {
        Some(region) => format!("{region}_"),
        None => String::new(),
    };
    lines.push(format!("user_pool_id: {}", field("user_pool_id", "")));
    warnings.push(format!(
        "fixtures/{name}.yaml: set user_pool_id (the pool's id, {pool}..., from the Cognito console); the collection's InitiateAuth does not name it"
    ));
    lines.push(format!("client_id: {}", field("client_id", &s.client_id)));
    if s.secret_hash {
        lines.push(format!("client_secret: {}", field("client_secret", "")));
        warnings.push(format!(
            "fixtures/{name}.yaml: the collection sends SECRET_HASH, so the app client has a secret: set client_secret; gatecheck computes the hash"
        ));
    }
    lines.push(format!("username: {}", field("username", &s.username)));
    lines.push(format!("password: {}", field("password", &s.password)));
    lines.push(format!("auth_flow: {}", s.auth_flow));
    if s.token == "id" {
        lines.push("token: id".to_owned());
    }
    lines.join("\n") + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;
    use indexmap::IndexMap;
    use serde_json::json;

    fn req(url: &str, target: &str, body: Json) -> Req {
        let mut headers = IndexMap::new();
        headers.insert(
            "X-Amz-Target".to_owned(),
            format!("AWSCognitoIdentityProviderService.{target}"),
        );
        Req {
            name: target.to_owned(),
            method: "POST".to_owned(),
            url: url.to_owned(),
            headers,
            body: Some(("json", body)),
            ..Req::default()
        }
    }

    #[test]
    fn initiate_auth_and_its_challenges_are_one_sign_in() {
        let aws = "https://cognito-idp.eu-west-1.amazonaws.com/";
        let initiate = req(
            aws,
            "InitiateAuth",
            json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": "{{ client_id }}",
                   "AuthParameters": {"USERNAME": "{{ username }}", "PASSWORD": "${PASSWORD}", "SECRET_HASH": "{{ hash }}"}}),
        );
        let mfa = req(
            aws,
            "RespondToAuthChallenge",
            json!({"ChallengeName": "SOFTWARE_TOKEN_MFA"}),
        );
        let other = Req {
            url: "{{ api }}/todos".to_owned(),
            ..Req::default()
        };
        let found = find(&[&other, &initiate, &mfa, &other]);
        assert_eq!(found.len(), 1);
        let s = &found[0];
        assert_eq!(s.dropped, [1, 2]);
        assert_eq!(
            (s.endpoint.as_deref(), s.region.as_deref()),
            (None, Some("eu-west-1"))
        );
        assert_eq!(s.auth_flow, "USER_PASSWORD_AUTH");
        assert_eq!(
            (s.client_id.as_str(), s.username.as_str()),
            ("{{ client_id }}", "{{ username }}")
        );
        assert!(s.secret_hash);
        let mut warnings = Vec::new();
        let text = fixture_text("user", s, &|f, v| format!("<{f}={v}>"), &mut warnings);
        assert!(text.contains("kind: cognito\n"), "{text}");
        assert!(!text.contains("endpoint:"), "{text}");
        assert!(text.contains("client_secret: <client_secret=>\n"), "{text}");
        assert!(text.contains("auth_flow: USER_PASSWORD_AUTH\n"), "{text}");
        assert!(
            warnings
                .iter()
                .any(|w| w.contains("set user_pool_id (the pool's id, eu-west-1_...")),
            "{warnings:?}"
        );
        assert!(
            warnings.iter().any(|w| w.contains("sends SECRET_HASH")),
            "{warnings:?}"
        );
    }

    #[test]
    fn other_targets_and_flows_are_not_sign_ins() {
        let url = "{{ cognito }}";
        let admin = req(
            url,
            "AdminInitiateAuth",
            json!({"AuthFlow": "ADMIN_USER_PASSWORD_AUTH"}),
        );
        let refresh = req(
            url,
            "InitiateAuth",
            json!({"AuthFlow": "REFRESH_TOKEN_AUTH"}),
        );
        assert!(find(&[&admin, &refresh]).is_empty());
        let local = req(
            url,
            "InitiateAuth",
            json!({"AuthFlow": "USER_SRP_AUTH", "ClientId": "c"}),
        );
        let found = find(&[&local]);
        assert_eq!(found[0].endpoint.as_deref(), Some("{{ cognito }}"));
        assert_eq!(found[0].token, "access");
    }
}
