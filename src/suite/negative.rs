//! `negative_auth:` on a suite or test: broken-authentication trials, each
//! sending a credential derived from a real identity's token and expecting
//! 401 (docs/openapi.md).

use std::fmt;

use schemars::JsonSchema;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer};
use serde_json::Value as Json;

/// One kind of broken credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BrokenAuth {
    /// No `Authorization` header at all.
    NoToken,
    /// `Bearer` and text that is no token.
    Malformed,
    /// The token with a byte of its signature changed.
    BadSignature,
    /// The token's header rewritten to `alg: none`, the signature dropped.
    AlgNone,
    /// A token of another audience: the identity's ID token.
    WrongAudience,
    /// A DPoP-bound token sent as `Bearer`, without a proof.
    DpopAsBearer,
}

impl BrokenAuth {
    pub const ALL: [BrokenAuth; 6] = [
        BrokenAuth::NoToken,
        BrokenAuth::Malformed,
        BrokenAuth::BadSignature,
        BrokenAuth::AlgNone,
        BrokenAuth::WrongAudience,
        BrokenAuth::DpopAsBearer,
    ];

    pub fn name(self) -> &'static str {
        match self {
            BrokenAuth::NoToken => "no-token",
            BrokenAuth::Malformed => "malformed",
            BrokenAuth::BadSignature => "bad-signature",
            BrokenAuth::AlgNone => "alg-none",
            BrokenAuth::WrongAudience => "wrong-audience",
            BrokenAuth::DpopAsBearer => "dpop-as-bearer",
        }
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

impl fmt::Display for BrokenAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The kinds asked for (a set; one byte, tests stay small).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Kinds(u8);

impl Kinds {
    pub fn all() -> Self {
        Kinds(BrokenAuth::ALL.iter().fold(0, |bits, k| bits | k.bit()))
    }

    pub fn kinds(self) -> impl Iterator<Item = BrokenAuth> {
        BrokenAuth::ALL
            .into_iter()
            .filter(move |k| self.0 & k.bit() != 0)
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
}

/// `negative_auth:` as written: the kinds (`all`, a list), or
/// `{trials, www_authenticate}`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NegativeAuth {
    pub trials: Kinds,
    /// The challenge each trial's 401 must carry; `None`: not said here
    /// (a test inherits the suite's).
    pub www_authenticate: Option<Challenge>,
}

/// `negative_auth.www_authenticate`: what the 401's `WWW-Authenticate`
/// header must hold (RFC 7235 §4.1, RFC 6750 §3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Challenge {
    /// `false`: not checked (a test turning off its suite's).
    Off,
    /// `true`: present, any scheme.
    Any,
    /// A challenge of this auth-scheme (case-insensitive), with this
    /// `error` parameter on trials that send a credential.
    Scheme {
        scheme: String,
        error: Option<String>,
    },
}

impl NegativeAuth {
    pub fn all() -> Self {
        NegativeAuth {
            trials: Kinds::all(),
            www_authenticate: None,
        }
    }

    pub fn kinds(&self) -> impl Iterator<Item = BrokenAuth> + use<> {
        self.trials.kinds()
    }

    pub fn is_empty(&self) -> bool {
        self.trials.is_empty()
    }

    /// A test's setting over its suite's: the test's trials, and its
    /// `www_authenticate` if it has one, else the suite's.
    pub fn over(test: Option<&Self>, suite: Option<&Self>) -> Option<Self> {
        match (test, suite) {
            (Some(t), s) => Some(NegativeAuth {
                trials: t.trials,
                www_authenticate: t
                    .www_authenticate
                    .clone()
                    .or_else(|| s.and_then(|s| s.www_authenticate.clone())),
            }),
            (None, s) => s.cloned(),
        }
    }

    /// The challenge to check (`Off` and unset: none).
    pub fn challenge(&self) -> Option<&Challenge> {
        self.www_authenticate
            .as_ref()
            .filter(|c| **c != Challenge::Off)
    }
}

const KEYS: [&str; 2] = ["trials", "www_authenticate"];
const CHALLENGE_KEYS: [&str; 2] = ["scheme", "error"];

fn parse_kinds(value: &Json) -> Result<Kinds, String> {
    let names = BrokenAuth::ALL.map(BrokenAuth::name);
    let kind = |text: &str| {
        BrokenAuth::ALL
            .into_iter()
            .find(|k| k.name() == text)
            .ok_or_else(|| {
                format!(
                    "unknown negative_auth kind `{text}`{}; expected `all` or a list of: {}",
                    super::expect::did_you_mean(text, &names),
                    names.join(", ")
                )
            })
    };
    match value {
        Json::String(s) if s == "all" => Ok(Kinds::all()),
        Json::String(s) => kind(s).map(|k| Kinds(k.bit())),
        Json::Array(items) => {
            let mut set = Kinds::default();
            for item in items {
                let Json::String(s) = item else {
                    return Err(format!(
                        "expected kind names (strings): {}",
                        names.join(", ")
                    ));
                };
                set.0 |= kind(s)?.bit();
            }
            Ok(set)
        }
        other => Err(format!(
            "expected `all`, a list of: {}, or {{trials, www_authenticate}}; found {}",
            names.join(", "),
            crate::wire::value::describe(other)
        )),
    }
}

fn unknown_key(key: &str, of: &str, keys: &[&str]) -> String {
    format!(
        "unknown key `{key}` in {of}{}; expected {}",
        super::expect::did_you_mean(key, keys),
        keys.join(", ")
    )
}

fn auth_token(text: &str) -> bool {
    // RFC 9110 §5.6.2 token characters.
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

fn parse_challenge(value: &Json) -> Result<Challenge, String> {
    let of = "negative_auth.www_authenticate";
    let scheme = |text: &str| {
        if auth_token(text) {
            Ok(text.to_owned())
        } else {
            Err(format!(
                "{of}: `{text}` is not an auth-scheme (one word, like `Bearer`)"
            ))
        }
    };
    match value {
        Json::Bool(false) | Json::Null => Ok(Challenge::Off),
        Json::Bool(true) => Ok(Challenge::Any),
        Json::String(s) => Ok(Challenge::Scheme {
            scheme: scheme(s)?,
            error: None,
        }),
        Json::Object(map) => {
            if let Some(key) = map.keys().find(|k| !CHALLENGE_KEYS.contains(&k.as_str())) {
                return Err(unknown_key(key, of, &CHALLENGE_KEYS));
            }
            let text = |key: &str| match map.get(key) {
                None => Ok(None),
                Some(Json::String(s)) => Ok(Some(s.clone())),
                Some(other) => Err(format!(
                    "{of}.{key}: expected a string, found {}",
                    crate::wire::value::describe(other)
                )),
            };
            let Some(s) = text("scheme")? else {
                return Err(format!(
                    "{of}: `scheme` is required (for example `{{scheme: Bearer, error: invalid_token}}`)"
                ));
            };
            let error = text("error")?;
            if let Some(e) = error.as_deref().filter(|e| !auth_token(e)) {
                return Err(format!(
                    "{of}.error: `{e}` is not an error code (like `invalid_token`)"
                ));
            }
            Ok(Challenge::Scheme {
                scheme: scheme(&s)?,
                error,
            })
        }
        other => Err(format!(
            "{of}: expected an auth-scheme (`Bearer`), `{{scheme, error}}`, true or false; found {}",
            crate::wire::value::describe(other)
        )),
    }
}

impl<'de> Deserialize<'de> for NegativeAuth {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = Json::deserialize(d)?;
        let Json::Object(map) = &value else {
            return parse_kinds(&value)
                .map(|trials| NegativeAuth {
                    trials,
                    www_authenticate: None,
                })
                .map_err(D::Error::custom);
        };
        if let Some(key) = map.keys().find(|k| !KEYS.contains(&k.as_str())) {
            return Err(D::Error::custom(unknown_key(key, "negative_auth", &KEYS)));
        }
        let trials = match map.get("trials") {
            Some(v) => parse_kinds(v).map_err(|e| D::Error::custom(format!("trials: {e}")))?,
            None => Kinds::all(),
        };
        let www_authenticate = map
            .get("www_authenticate")
            .map(parse_challenge)
            .transpose()
            .map_err(D::Error::custom)?;
        Ok(NegativeAuth {
            trials,
            www_authenticate,
        })
    }
}

impl JsonSchema for NegativeAuth {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "NegativeAuth".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let names: Vec<&str> = BrokenAuth::ALL.iter().map(|k| k.name()).collect();
        let kinds = schemars::json_schema!({
            "anyOf": [
                {"const": "all"},
                {"type": "array", "items": {"enum": names}}
            ]
        });
        schemars::json_schema!({
            "description": "Broken-authentication trials added to each test that runs as an identity: `all`, a list of kinds, or `{trials, www_authenticate}`. Each expects 401.",
            "anyOf": [
                kinds,
                {
                    "type": "object",
                    "additionalProperties": false,
                    "properties": {
                        "trials": kinds,
                        "www_authenticate": {
                            "description": "The challenge each trial's 401 must carry in `WWW-Authenticate`: an auth-scheme (`Bearer`), `{scheme, error}` (`error` is checked on trials that send a credential), true (any challenge) or false (not checked).",
                            "anyOf": [
                                {"type": "boolean"},
                                {"type": "string"},
                                {
                                    "type": "object",
                                    "additionalProperties": false,
                                    "required": ["scheme"],
                                    "properties": {
                                        "scheme": {"type": "string"},
                                        "error": {"type": "string"}
                                    }
                                }
                            ]
                        }
                    }
                }
            ]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_or_a_list() {
        let all: NegativeAuth = serde_json::from_str(r#""all""#).unwrap();
        assert_eq!(all.kinds().count(), 6);
        let two: NegativeAuth = serde_json::from_str(r#"["alg-none", "no-token"]"#).unwrap();
        assert_eq!(
            two.kinds().collect::<Vec<_>>(),
            [BrokenAuth::NoToken, BrokenAuth::AlgNone]
        );
        let err = serde_json::from_str::<NegativeAuth>(r#"["alg-nun"]"#).unwrap_err();
        assert!(
            err.to_string()
                .contains("unknown negative_auth kind `alg-nun` (did you mean `alg-none`?)"),
            "{err}"
        );
    }

    fn parse(text: &str) -> Result<NegativeAuth, String> {
        serde_json::from_str(text).map_err(|e| e.to_string())
    }

    #[test]
    fn the_map_form_names_trials_and_the_challenge() {
        let full = parse(
            r#"{"trials": ["malformed"], "www_authenticate": {"scheme": "Bearer", "error": "invalid_token"}}"#,
        )
        .unwrap();
        assert_eq!(full.kinds().collect::<Vec<_>>(), [BrokenAuth::Malformed]);
        assert_eq!(
            full.challenge(),
            Some(&Challenge::Scheme {
                scheme: "Bearer".into(),
                error: Some("invalid_token".into())
            })
        );
        // `trials` defaults to all; a bare scheme; true; false.
        let short = parse(r#"{"www_authenticate": "Bearer"}"#).unwrap();
        assert_eq!(short.kinds().count(), 6);
        assert_eq!(
            short.challenge(),
            Some(&Challenge::Scheme {
                scheme: "Bearer".into(),
                error: None
            })
        );
        assert_eq!(
            parse(r#"{"www_authenticate": true}"#).unwrap().challenge(),
            Some(&Challenge::Any)
        );
        let off = parse(r#"{"trials": "all", "www_authenticate": false}"#).unwrap();
        assert_eq!(off.challenge(), None);
        assert_eq!(off.www_authenticate, Some(Challenge::Off));
    }

    #[test]
    fn a_test_keeps_its_suites_challenge_unless_it_says_otherwise() {
        let suite = parse(r#"{"trials": "all", "www_authenticate": "Bearer"}"#).unwrap();
        let list = parse(r#"["no-token"]"#).unwrap();
        let merged = NegativeAuth::over(Some(&list), Some(&suite)).unwrap();
        assert_eq!(merged.kinds().collect::<Vec<_>>(), [BrokenAuth::NoToken]);
        assert_eq!(merged.challenge(), suite.challenge());
        let off = parse(r#"{"trials": ["no-token"], "www_authenticate": false}"#).unwrap();
        assert_eq!(
            NegativeAuth::over(Some(&off), Some(&suite))
                .unwrap()
                .challenge(),
            None
        );
        assert_eq!(NegativeAuth::over(None, Some(&suite)), Some(suite.clone()));
        assert_eq!(NegativeAuth::over(None, None), None);
    }

    #[test]
    fn mistakes_in_the_map_form_say_what_to_write() {
        let typo = parse(r#"{"trails": "all"}"#).unwrap_err();
        assert!(
            typo.contains("unknown key `trails` in negative_auth (did you mean `trials`?); expected trials, www_authenticate"),
            "{typo}"
        );
        let typo = parse(r#"{"www_authenticate": {"schema": "Bearer"}}"#).unwrap_err();
        assert!(
            typo.contains(
                "unknown key `schema` in negative_auth.www_authenticate (did you mean `scheme`?)"
            ),
            "{typo}"
        );
        let two_words = parse(r#"{"www_authenticate": "Bearer realm"}"#).unwrap_err();
        assert!(
            two_words.contains("`Bearer realm` is not an auth-scheme"),
            "{two_words}"
        );
        let no_scheme = parse(r#"{"www_authenticate": {"error": "invalid_token"}}"#).unwrap_err();
        assert!(no_scheme.contains("`scheme` is required"), "{no_scheme}");
        let kind = parse(r#"{"trials": ["garbage"]}"#).unwrap_err();
        assert!(
            kind.contains("trials: unknown negative_auth kind `garbage`"),
            "{kind}"
        );
        let number = parse("7").unwrap_err();
        assert!(
            number.contains("or {trials, www_authenticate}; found"),
            "{number}"
        );
    }
}
