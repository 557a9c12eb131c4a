//! The fields of each fixture kind (docs/fixtures.md), with their defaults.

use serde::{Deserialize, Deserializer};
use std::collections::BTreeMap;

/// A fixture kind that authenticates a client at /token: its own fields,
/// then the ones every such kind has (the client's secret or private key,
/// DPoP, an extra CA file).
macro_rules! client_fixture {
    ($(#[$meta:meta])* pub struct $name:ident { $($fields:tt)* }) => {
        $(#[$meta])*
        #[derive(Clone, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            $($fields)*
            /// The client's secret (a confidential client); not with
            /// `private_key`.
            #[serde(default, deserialize_with = "empty_as_none")]
            pub client_secret: Option<String>,
            /// private_key_jwt: the client's private key (PEM text, e.g. from
            /// `${ENV}`, or a PEM file's path); RSA or EC P-256.
            #[serde(default, deserialize_with = "empty_as_none")]
            pub private_key: Option<String>,
            /// The `kid` of `private_key` in the app's public keys.
            #[serde(default, deserialize_with = "empty_as_none")]
            pub key_id: Option<String>,
            /// DPoP: bind the token to a key pair held for the run and prove
            /// possession of it on every request.
            #[serde(default)]
            pub dpop: bool,
            /// A PEM file of CA certificates to trust besides the system's: an
            /// emulator serving HTTPS (`gatecheck emulator --tls`) or a corporate
            /// TLS proxy in front of Okta.
            #[serde(default, deserialize_with = "empty_as_none")]
            pub ca_cert: Option<String>,
        }

        impl $name {
            /// The client fields every kind that logs in at /token has.
            pub fn client(&self) -> Client<'_> {
                Client {
                    secret: self.client_secret.as_ref(),
                    private_key: self.private_key.as_ref(),
                    dpop: self.dpop,
                    ca_cert: self.ca_cert.as_deref(),
                }
            }
        }
    };
}

/// The fields a client-authenticating fixture kind shares, borrowed.
#[derive(Debug, Clone, Copy)]
pub struct Client<'a> {
    pub secret: Option<&'a String>,
    pub private_key: Option<&'a String>,
    pub dpop: bool,
    pub ca_cert: Option<&'a str>,
}

client_fixture! {
    /// `kind: okta-pkce`: Okta's headless /authn -> /authorize -> /token recipe.
    pub struct OktaPkceFixture {
        pub okta_url: String,
        #[serde(default = "default_auth_server")]
        pub auth_server: String,
        pub client_id: String,
        pub redirect_uri: String,
        #[serde(default = "default_scopes", deserialize_with = "scope_list")]
        pub scopes: Vec<String>,
        pub username: String,
        pub password: String,
        #[serde(default, deserialize_with = "empty_as_none")]
        pub totp_secret: Option<String>,
    }
}

client_fixture! {
    /// `kind: oauth2-pkce`: any authorization server found by discovery from
    /// `issuer` that completes the authorization without a login form (a
    /// pre-established session, a dev server's auto-login).
    pub struct Oauth2PkceFixture {
        /// Exactly the server's issuer; discovery is read from
        /// `{issuer}/.well-known/openid-configuration`.
        pub issuer: String,
        pub client_id: String,
        #[serde(default)]
        pub auth_method: AuthMethod,
        pub redirect_uri: String,
        #[serde(default = "default_oauth2_scopes", deserialize_with = "scope_list")]
        pub scopes: Vec<String>,
        /// Extra authorization request parameters (e.g. `login_hint`); empty values are left out.
        #[serde(default, deserialize_with = "param_map")]
        pub extra_params: BTreeMap<String, String>,
    }
}

client_fixture! {
    /// `kind: client-credentials`: a service's own token.
    pub struct ClientCredentialsFixture {
        #[serde(default, deserialize_with = "empty_as_none")]
        pub okta_url: Option<String>,
        #[serde(default = "default_auth_server")]
        pub auth_server: String,
        #[serde(default, deserialize_with = "empty_as_none")]
        pub token_url: Option<String>,
        pub client_id: String,
        #[serde(default)]
        pub auth_method: AuthMethod,
        #[serde(default, deserialize_with = "scope_list")]
        pub scopes: Vec<String>,
        /// The API the token is for (`audience`, as Auth0 asks for it).
        #[serde(default, deserialize_with = "empty_as_none")]
        pub audience: Option<String>,
    }
}

client_fixture! {
    /// `kind: password`: the resource owner password grant (+ TOTP for mfa_required).
    pub struct PasswordFixture {
        #[serde(default, deserialize_with = "empty_as_none")]
        pub okta_url: Option<String>,
        #[serde(default = "default_auth_server")]
        pub auth_server: String,
        #[serde(default, deserialize_with = "empty_as_none")]
        pub token_url: Option<String>,
        pub client_id: String,
        #[serde(default)]
        pub auth_method: AuthMethod,
        #[serde(default = "default_scopes", deserialize_with = "scope_list")]
        pub scopes: Vec<String>,
        pub username: String,
        pub password: String,
        #[serde(default, deserialize_with = "empty_as_none")]
        pub totp_secret: Option<String>,
        /// Auth0's password-realm grant: the connection (realm) the user is in.
        #[serde(default, deserialize_with = "empty_as_none")]
        pub realm: Option<String>,
        /// The API the token is for (`audience`, as Auth0 asks for it).
        #[serde(default, deserialize_with = "empty_as_none")]
        pub audience: Option<String>,
    }
}

client_fixture! {
    /// `kind: refresh-token`: a long-lived refresh token from the environment.
    pub struct RefreshTokenFixture {
        #[serde(default, deserialize_with = "empty_as_none")]
        pub okta_url: Option<String>,
        #[serde(default = "default_auth_server")]
        pub auth_server: String,
        #[serde(default, deserialize_with = "empty_as_none")]
        pub token_url: Option<String>,
        pub client_id: String,
        #[serde(default)]
        pub auth_method: AuthMethod,
        /// Empty: no `scope` parameter (the scopes of the original grant).
        #[serde(default, deserialize_with = "scope_list")]
        pub scopes: Vec<String>,
        pub refresh_token: String,
    }
}

client_fixture! {
    /// `kind: auth0`: Auth0's cross-origin authentication (`/co/authenticate`)
    /// -> `/authorize` with the login ticket -> `/oauth/token`.
    pub struct Auth0Fixture {
        /// The tenant's domain (`TENANT.us.auth0.com`, a custom domain) or
        /// its URL; `demo`: the built-in emulator's tenant.
        pub domain: String,
        pub client_id: String,
        /// The database connection the user is in (sent as `realm`).
        #[serde(default = "default_auth0_connection")]
        pub connection: String,
        /// The `Origin` sent to /co/authenticate: one of the app's Allowed
        /// Web Origins; default: the origin of `redirect_uri`.
        #[serde(default, deserialize_with = "empty_as_none")]
        pub origin: Option<String>,
        pub redirect_uri: String,
        /// The API identifier; without it Auth0 issues an opaque access token.
        #[serde(default, deserialize_with = "empty_as_none")]
        pub audience: Option<String>,
        /// An Auth0 Organization id (`org_...`) or name to log in to.
        #[serde(default, deserialize_with = "empty_as_none")]
        pub organization: Option<String>,
        #[serde(default = "default_scopes", deserialize_with = "scope_list")]
        pub scopes: Vec<String>,
        pub username: String,
        pub password: String,
        #[serde(default, deserialize_with = "empty_as_none")]
        pub totp_secret: Option<String>,
    }
}

/// `kind: static`: an access token from the environment.
#[derive(Clone, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StaticFixture {
    pub access_token: String,
    #[serde(default = "default_token_type")]
    pub token_type: String,
}

/// How a confidential client authenticates at /token (never both).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AuthMethod {
    #[default]
    ClientSecretBasic,
    ClientSecretPost,
    /// A client assertion signed with `private_key` (RFC 7523).
    PrivateKeyJwt,
}

/// Where the token endpoint is: an Okta org + server, or an explicit URL.
#[derive(Debug, Clone, Copy)]
pub struct Endpoint<'a> {
    pub okta_url: Option<&'a str>,
    pub auth_server: &'a str,
    pub token_url: Option<&'a str>,
}

impl Endpoint<'_> {
    /// `{okta_url}/oauth2/{auth_server}` (`{okta_url}/oauth2` for "org").
    pub fn oauth_base(okta_url: &str, auth_server: &str) -> String {
        let root = okta_url.trim_end_matches('/');
        match auth_server {
            "org" => format!("{root}/oauth2"),
            server => format!("{root}/oauth2/{server}"),
        }
    }

    /// The issuer of the tokens (cache key), best effort.
    pub fn issuer(&self) -> String {
        match (self.okta_url, self.token_url) {
            (Some(url), _) if self.auth_server == "org" => url.trim_end_matches('/').to_owned(),
            (Some(url), _) => Self::oauth_base(url, self.auth_server),
            (None, Some(token_url)) => token_url.to_owned(),
            (None, None) => String::new(),
        }
    }
}

impl OktaPkceFixture {
    pub fn oauth_base(&self) -> String {
        Endpoint::oauth_base(&self.okta_url, &self.auth_server)
    }

    /// The issuer of the tokens: the org URL for the org server.
    pub fn issuer(&self) -> String {
        let endpoint = Endpoint {
            okta_url: Some(&self.okta_url),
            auth_server: &self.auth_server,
            token_url: None,
        };
        endpoint.issuer()
    }

    /// The Okta org URL without a trailing slash.
    pub fn okta_root(&self) -> &str {
        self.okta_url.trim_end_matches('/')
    }
}

impl Auth0Fixture {
    /// The tenant's root URL without a trailing slash (`https://{domain}`
    /// for a bare domain).
    pub fn root(&self) -> String {
        let domain = self.domain.trim().trim_end_matches('/');
        if domain.starts_with("https://") || domain.starts_with("http://") {
            domain.to_owned()
        } else {
            format!("https://{domain}")
        }
    }

    /// The issuer of Auth0's tokens: the root with a trailing slash.
    pub fn issuer(&self) -> String {
        format!("{}/", self.root())
    }

    /// Who logs in, for the token cache: the user in its connection, and
    /// the API and organization the token is for.
    pub fn cache_subject(&self) -> String {
        let mut subject = format!("{} realm={}", self.username, self.connection);
        for (name, value) in [
            ("audience", &self.audience),
            ("organization", &self.organization),
        ] {
            if let Some(value) = value {
                subject.push_str(&format!(" {name}={value}"));
            }
        }
        subject
    }
}

/// Words that make an extra parameter's value a secret (masked).
const SECRET_PARAM_WORDS: [&str; 5] = ["password", "secret", "token", "key", "otp"];

impl Oauth2PkceFixture {
    /// The values of extra parameters whose names look secret (`password`, `..._token`).
    pub fn secret_params(&self) -> impl Iterator<Item = Option<&String>> {
        self.extra_params
            .iter()
            .filter(|(name, _)| is_secret_param(name))
            .map(|(_, value)| Some(value))
    }

    /// Who logs in, for the token cache: the server decides from the extra
    /// parameters (or its own session), so all of them count, sorted, with
    /// the secret ones by name only.
    pub fn cache_subject(&self) -> String {
        let pairs: Vec<String> = self
            .extra_params
            .iter()
            .map(|(name, value)| match is_secret_param(name) {
                true => name.clone(),
                false => format!("{name}={value}"),
            })
            .collect();
        pairs.join("&")
    }
}

fn is_secret_param(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    SECRET_PARAM_WORDS.iter().any(|word| name.contains(word))
}

macro_rules! endpoint_of {
    ($($kind:ty),*) => {$(
        impl $kind {
            pub fn endpoint(&self) -> Endpoint<'_> {
                Endpoint {
                    okta_url: self.okta_url.as_deref(),
                    auth_server: &self.auth_server,
                    token_url: self.token_url.as_deref(),
                }
            }
        }
    )*};
}
endpoint_of!(
    ClientCredentialsFixture,
    PasswordFixture,
    RefreshTokenFixture
);

/// Debug that shows `***` for the named secret fields.
macro_rules! debug_hiding {
    ($kind:ident { $($field:ident),* } hiding { $($secret:ident),* }) => {
        impl std::fmt::Debug for $kind {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($kind))
                    $(.field(stringify!($field), &self.$field))*
                    $(.field(stringify!($secret), &"***"))*
                    .finish()
            }
        }
    };
}
debug_hiding!(OktaPkceFixture { okta_url, auth_server, client_id, redirect_uri, scopes, username, ca_cert }
    hiding { client_secret, private_key, password, totp_secret });
debug_hiding!(Oauth2PkceFixture { issuer, client_id, auth_method, redirect_uri, scopes, ca_cert }
    hiding { client_secret, private_key, extra_params });
debug_hiding!(ClientCredentialsFixture { okta_url, auth_server, token_url, client_id, auth_method, scopes, audience, ca_cert }
    hiding { client_secret, private_key });
debug_hiding!(PasswordFixture { okta_url, auth_server, token_url, client_id, auth_method, scopes, username, realm, audience, ca_cert }
    hiding { client_secret, private_key, password, totp_secret });
debug_hiding!(RefreshTokenFixture { okta_url, auth_server, token_url, client_id, auth_method, scopes, ca_cert }
    hiding { client_secret, private_key, refresh_token });
debug_hiding!(StaticFixture { token_type } hiding { access_token });
debug_hiding!(Auth0Fixture { domain, client_id, connection, origin, redirect_uri, audience, organization, scopes, username, ca_cert }
    hiding { client_secret, private_key, password, totp_secret });

fn default_auth_server() -> String {
    "default".to_owned()
}

fn default_scopes() -> Vec<String> {
    ["openid", "profile", "email"].map(String::from).to_vec()
}

fn default_auth0_connection() -> String {
    "Username-Password-Authentication".to_owned()
}

fn default_oauth2_scopes() -> Vec<String> {
    vec!["openid".to_owned()]
}

fn default_token_type() -> String {
    "Bearer".to_owned()
}

/// An optional string where "" (an unset `${VAR:-}`) means none.
fn empty_as_none<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let value: Option<String> = Option::deserialize(d)?;
    Ok(value.filter(|s| !s.trim().is_empty()))
}

/// A map of parameters; null is empty and empty values (unset `${VAR:-}`) are dropped.
fn param_map<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, String>, D::Error> {
    let map: Option<BTreeMap<String, String>> = Option::deserialize(d)?;
    let mut map = map.unwrap_or_default();
    map.retain(|_, value| !value.trim().is_empty());
    Ok(map)
}

/// Scopes as a YAML list, or as one space-separated string (from `${VAR}`).
fn scope_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    struct Visitor;
    impl<'de> serde::de::Visitor<'de> for Visitor {
        type Value = Vec<String>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a list of scopes or a space-separated string")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(v.split_whitespace().map(String::from).collect())
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(
            self,
            mut seq: A,
        ) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(s) = seq.next_element::<String>()? {
                out.push(s);
            }
            Ok(out)
        }
    }
    d.deserialize_any(Visitor)
}
