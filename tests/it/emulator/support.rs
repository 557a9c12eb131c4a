//! Helpers: an emulator plus a no-redirect client, and the login steps.

use std::collections::HashMap;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use gatecheck_emulator::{Emulator, EmulatorConfig};
use reqwest::StatusCode;
use reqwest::redirect::Policy;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

pub const REDIRECT: &str = "http://localhost:3000/callback";
pub const MFA_SECRET: &str = "JBSWY3DPEHPK3PXP";

/// A running emulator and an HTTP client that never follows redirects.
pub struct Harness {
    pub emu: Emulator,
    pub http: reqwest::Client,
}

pub async fn start() -> Harness {
    start_with(EmulatorConfig::builtin()).await
}

pub async fn start_with(config: EmulatorConfig) -> Harness {
    let emu = Emulator::start(config).await.expect("emulator starts");
    Harness {
        emu,
        http: client(),
    }
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client builds")
}

/// A fresh verifier and its S256 challenge.
pub fn pkce_pair() -> (String, String) {
    let bytes: [u8; 32] = rand::random();
    let verifier = URL_SAFE_NO_PAD.encode(bytes);
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}

/// The built-in password of a user.
pub fn password_of(username: &str) -> &'static str {
    if username == "grace@example.com" {
        "analytical-engine"
    } else {
        "correct-horse"
    }
}

/// The current TOTP code for a base32 secret.
pub fn totp_now(secret: &str) -> String {
    let bytes = totp_rs::Secret::Encoded(secret.into()).to_bytes().unwrap();
    totp_rs::TOTP::new_unchecked(totp_rs::Algorithm::SHA1, 6, 1, 30, bytes)
        .generate_current()
        .unwrap()
}

/// The query parameters of a Location header.
pub fn location_params(response: &reqwest::Response) -> HashMap<String, String> {
    let location = response.headers()["location"].to_str().unwrap();
    let url = reqwest::Url::parse(location).unwrap();
    url.query_pairs().into_owned().collect()
}

impl Harness {
    pub fn okta(&self, path: &str) -> String {
        format!("{}{path}", self.emu.okta_url())
    }

    pub fn api(&self, path: &str) -> String {
        format!("{}{path}", self.emu.api_url())
    }

    /// POSTs JSON to an Okta path; returns status and body.
    pub async fn post_json(&self, url: &str, body: Value) -> (StatusCode, Value) {
        let response = self.http.post(url).json(&body).send().await.unwrap();
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    pub async fn authn(&self, username: &str, password: &str) -> (StatusCode, Value) {
        let body = json!({"username": username, "password": password});
        self.post_json(&self.okta("/api/v1/authn"), body).await
    }

    /// A sessionToken for a user whose authn succeeds at once.
    pub async fn session_token(&self, username: &str) -> String {
        let (status, body) = self.authn(username, password_of(username)).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["status"], "SUCCESS", "{body}");
        body["sessionToken"].as_str().unwrap().to_string()
    }

    /// GET /oauth2/default/v1/authorize with the usual parameters, overridden by `extra`.
    pub async fn authorize(&self, extra: &[(&str, &str)]) -> reqwest::Response {
        self.authorize_on("/oauth2/default", extra).await
    }

    pub async fn authorize_on(&self, base: &str, extra: &[(&str, &str)]) -> reqwest::Response {
        let mut params: Vec<(&str, &str)> = vec![
            ("client_id", "demo-spa"),
            ("redirect_uri", REDIRECT),
            ("response_type", "code"),
            ("response_mode", "query"),
            ("scope", "openid profile email"),
            ("state", "st4te"),
            ("nonce", "n0nce"),
            ("prompt", "none"),
        ];
        for (name, value) in extra {
            params.retain(|(n, _)| n != name);
            if !value.is_empty() {
                params.push((name, value));
            }
        }
        let url = self.okta(&format!("{base}/v1/authorize"));
        self.http.get(url).query(&params).send().await.unwrap()
    }

    /// authn + authorize for demo-spa: returns (code, verifier).
    pub async fn code(&self, username: &str, scope: &str) -> (String, String) {
        let token = self.session_token(username).await;
        let (verifier, challenge) = pkce_pair();
        let response = self
            .authorize(&[
                ("sessionToken", &token),
                ("scope", scope),
                ("code_challenge", &challenge),
                ("code_challenge_method", "S256"),
            ])
            .await;
        assert_eq!(response.status(), 302);
        let params = location_params(&response);
        assert_eq!(params["state"], "st4te");
        (params["code"].clone(), verifier)
    }

    /// POSTs a form to the default server's /token.
    pub async fn token(&self, form: &[(&str, &str)]) -> (StatusCode, Value) {
        let url = self.okta("/oauth2/default/v1/token");
        let response = self.http.post(url).form(form).send().await.unwrap();
        (
            response.status(),
            response.json().await.unwrap_or(Value::Null),
        )
    }

    /// The whole PKCE login for demo-spa: the token response.
    pub async fn login(&self, username: &str, scope: &str) -> Value {
        let (code, verifier) = self.code(username, scope).await;
        let (status, body) = self
            .token(&[
                ("grant_type", "authorization_code"),
                ("client_id", "demo-spa"),
                ("redirect_uri", REDIRECT),
                ("code", &code),
                ("code_verifier", &verifier),
            ])
            .await;
        assert_eq!(status, 200, "{body}");
        body
    }

    /// An access token for a user (demo-spa, openid profile email).
    pub async fn access_token(&self, username: &str) -> String {
        let body = self.login(username, "openid profile email").await;
        body["access_token"].as_str().unwrap().to_string()
    }

    /// A client_credentials token for demo-service.
    pub async fn service_token(&self, scope: &str) -> String {
        let (status, body) = self
            .token(&[
                ("grant_type", "client_credentials"),
                ("client_id", "demo-service"),
                ("client_secret", "demo-service-secret"),
                ("scope", scope),
            ])
            .await;
        assert_eq!(status, 200, "{body}");
        body["access_token"].as_str().unwrap().to_string()
    }

    /// GET on the demo API with an optional bearer token.
    pub async fn api_get(&self, path: &str, token: Option<&str>) -> reqwest::Response {
        let mut request = self.http.get(self.api(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.unwrap()
    }
}

/// Verifies an RS256 JWT against the emulator's JWKS; returns its claims.
pub async fn verify_jwt(h: &Harness, token: &str, server: &str, audience: &str) -> Value {
    let jwks: jsonwebtoken::jwk::JwkSet = h
        .http
        .get(h.emu.jwks_url(server))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let header = jsonwebtoken::decode_header(token).unwrap();
    let jwk = jwks
        .find(header.kid.as_deref().unwrap())
        .expect("kid is in the jwks");
    let key = jsonwebtoken::DecodingKey::from_jwk(jwk).unwrap();
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
    validation.set_issuer(&[h.emu.issuer(server)]);
    validation.set_audience(&[audience]);
    jsonwebtoken::decode::<Value>(token, &key, &validation)
        .unwrap()
        .claims
}
