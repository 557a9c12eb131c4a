//! `kind: oauth2-pkce`: discovery -> GET authorization_endpoint, following
//! the server's redirects on its own origin with a cookie jar private to
//! this login, up to the redirect to redirect_uri (not requested) -> POST
//! token_endpoint.

use super::client::LoginClient;
use super::discovery::{self, Metadata};
use super::dpop::DpopKey;
use super::error::{At, LoginFailure};
use super::fixture::Oauth2PkceFixture;
use super::okta::parse_url;
use super::pkce::AuthorizeParams;
use super::redirects::{self, Client, Expected, Step};
use super::token::{self, Token};
use crate::secret::mask::Masker;
use reqwest::Url;
use reqwest::cookie::{CookieStore, Jar};
use std::sync::Arc;

/// Most redirects followed on the authorization server's origin.
pub const MAX_HOPS: usize = 10;

/// Authorization request parameters gatecheck sets itself.
const RESERVED: [&str; 9] = [
    "client_id",
    "redirect_uri",
    "response_type",
    "response_mode",
    "scope",
    "state",
    "nonce",
    "code_challenge",
    "code_challenge_method",
];

/// Logs in once: a fresh verifier, state, nonce and cookie jar every time.
pub async fn login(
    f: &Oauth2PkceFixture,
    client: &LoginClient,
    dpop: Option<&DpopKey>,
    masker: &Masker,
) -> Result<Token, LoginFailure> {
    let redirect_uri = check(f)?;
    let meta = discovery::discover(client, &f.issuer).await?;
    let params = AuthorizeParams::generate(&mut rand::rng());
    masker.add(params.pkce.verifier.as_str());
    let start = authorize_url(f, &meta, &params);
    let who = Client {
        client_id: &f.client_id,
        redirect_uri: &redirect_uri,
    };
    let hops = Hops {
        jar: Arc::new(Jar::default()),
        home: &meta.authorization_endpoint,
        who,
        masker,
    };
    let (at, target) = hops.walk(client, start).await?;
    let expected = Expected {
        state: &params.state,
        issuer: &meta.issuer,
        iss_required: meta.iss_parameter_supported,
    };
    let code = redirects::read_callback(&target, &at, expected, masker)?;
    let form = vec![
        ("grant_type", "authorization_code".to_owned()),
        ("redirect_uri", f.redirect_uri.clone()),
        ("code", code),
        ("code_verifier", params.pkce.verifier.clone()),
    ];
    token::request(
        client,
        &meta.token_endpoint,
        form,
        f.client_auth(),
        dpop,
        masker,
    )
    .await
}

/// The token endpoint, from discovery (for refreshing).
pub async fn token_endpoint(
    f: &Oauth2PkceFixture,
    client: &LoginClient,
) -> Result<Url, LoginFailure> {
    Ok(discovery::discover(client, &f.issuer).await?.token_endpoint)
}

/// The authorization request: the fixture's extra_params, then gatecheck's own.
pub fn authorize_url(f: &Oauth2PkceFixture, meta: &Metadata, p: &AuthorizeParams) -> Url {
    let mut url = meta.authorization_endpoint.clone();
    {
        let mut query = url.query_pairs_mut();
        for (name, value) in &f.extra_params {
            query.append_pair(name, value);
        }
        query
            .append_pair("client_id", &f.client_id)
            .append_pair("redirect_uri", &f.redirect_uri)
            .append_pair("response_type", "code")
            .append_pair("response_mode", "query")
            .append_pair("scope", &f.scopes.join(" "))
            .append_pair("state", &p.state)
            .append_pair("nonce", &p.nonce)
            .append_pair("code_challenge", &p.pkce.challenge)
            .append_pair("code_challenge_method", "S256");
    }
    url
}

/// The authorization requests of one login.
struct Hops<'a> {
    /// This login's cookies, and no other's.
    jar: Arc<Jar>,
    /// The authorization endpoint: redirects on its origin are followed.
    home: &'a Url,
    who: Client<'a>,
    masker: &'a Masker,
}

impl Hops<'_> {
    /// Requests `url` and the redirects after it on the home origin; returns
    /// the last request and the redirect to redirect_uri it answered.
    async fn walk(&self, client: &LoginClient, mut url: Url) -> Result<(At, Url), LoginFailure> {
        let http = client.with_cookie_jar(self.jar.clone());
        for _ in 0..=MAX_HOPS {
            let at = At::new("GET", &url);
            let reply = http.send(&at, |c| c.get(url.clone())).await;
            self.mask_cookies(&url);
            match redirects::next_step(&reply?, &at, &url, self.home, self.who)? {
                Step::Callback(target) => return Ok((at, target)),
                Step::Follow(next) => url = next,
            }
        }
        Err(LoginFailure::NotHeadless {
            at: At::new("GET", &url),
            detail: format!(
                "it kept redirecting on its own origin ({MAX_HOPS} redirects followed) without reaching the redirect_uri"
            ),
        })
    }

    /// Registers the values of the cookies the jar holds for `url`.
    fn mask_cookies(&self, url: &Url) {
        let Some(header) = self.jar.cookies(url) else {
            return;
        };
        for value in cookie_values(header.to_str().unwrap_or_default()) {
            self.masker.add(value);
        }
    }
}

/// The values of a `Cookie` header (`a=1; b=2`).
fn cookie_values(header: &str) -> impl Iterator<Item = &str> {
    header
        .split(';')
        .filter_map(|pair| pair.split_once('='))
        .map(|(_, value)| value.trim())
}

/// Problems a request would only reveal confusingly; the redirect_uri as a URL.
fn check(f: &Oauth2PkceFixture) -> Result<Url, LoginFailure> {
    parse_url("issuer", &f.issuer)?;
    let redirect_uri = parse_url("redirect_uri", &f.redirect_uri)?;
    let reserved: Vec<&str> = RESERVED
        .into_iter()
        .filter(|name| f.extra_params.contains_key(*name))
        .collect();
    if !reserved.is_empty() {
        return Err(LoginFailure::Config(format!(
            "extra_params must not set {} (gatecheck sets these itself; use the fixture's client_id, redirect_uri and scopes)",
            reserved.join(", ")
        )));
    }
    Ok(redirect_uri)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn fixture(extra: &[(&str, &str)]) -> Oauth2PkceFixture {
        Oauth2PkceFixture {
            issuer: "https://as.example".into(),
            client_id: "spa".into(),
            client_secret: None,
            private_key: None,
            key_id: None,
            dpop: false,
            auth_method: Default::default(),
            redirect_uri: "http://localhost:3000/callback".into(),
            scopes: vec!["openid".into(), "profile".into()],
            extra_params: extra
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<BTreeMap<_, _>>(),
            ca_cert: None,
        }
    }

    #[test]
    fn cookie_header_values() {
        let values: Vec<&str> = cookie_values("a=1; sid=s3cr3t=; b=").collect();
        assert_eq!(values, ["1", "s3cr3t=", ""]);
    }

    #[test]
    fn extra_params_may_not_replace_the_core_ones() {
        let err = check(&fixture(&[
            ("state", "x"),
            ("scope", "y"),
            ("login_hint", "a"),
        ]))
        .unwrap_err()
        .to_string();
        assert_eq!(
            err,
            "extra_params must not set scope, state (gatecheck sets these itself; use the fixture's client_id, redirect_uri and scopes)"
        );
        assert!(check(&fixture(&[("login_hint", "a")])).is_ok());
    }

    #[test]
    fn authorize_url_carries_pkce_state_and_extra_params() {
        let meta = Metadata {
            issuer: "https://as.example".into(),
            authorization_endpoint: Url::parse("https://as.example/authorize?tenant=t").unwrap(),
            token_endpoint: Url::parse("https://as.example/token").unwrap(),
            iss_parameter_supported: false,
        };
        let p = AuthorizeParams::generate(&mut rand::rng());
        let url = authorize_url(&fixture(&[("login_hint", "ada@example.com")]), &meta, &p);
        let query: BTreeMap<String, String> = url.query_pairs().into_owned().collect();
        assert_eq!(query["tenant"], "t");
        assert_eq!(query["login_hint"], "ada@example.com");
        assert_eq!(query["code_challenge"], p.pkce.challenge);
        assert_eq!(query["code_challenge_method"], "S256");
        assert_eq!(query["state"], p.state);
        assert_eq!(query["scope"], "openid profile");
        assert!(!url.as_str().contains(&p.pkce.verifier));
    }
}
