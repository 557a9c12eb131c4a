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
pub struct NegativeAuth(u8);

impl NegativeAuth {
    pub fn all() -> Self {
        NegativeAuth(BrokenAuth::ALL.iter().fold(0, |bits, k| bits | k.bit()))
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

impl<'de> Deserialize<'de> for NegativeAuth {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let names = BrokenAuth::ALL.map(BrokenAuth::name).join(", ");
        let kind = |text: &str| {
            BrokenAuth::ALL
                .into_iter()
                .find(|k| k.name() == text)
                .ok_or_else(|| {
                    D::Error::custom(format!(
                        "unknown negative_auth kind `{text}`; expected `all` or a list of: {names}"
                    ))
                })
        };
        match Json::deserialize(d)? {
            Json::String(s) if s == "all" => Ok(NegativeAuth::all()),
            Json::String(s) => kind(&s).map(|k| NegativeAuth(k.bit())),
            Json::Array(items) => {
                let mut set = NegativeAuth::default();
                for item in items {
                    let Json::String(s) = item else {
                        return Err(D::Error::custom(format!(
                            "expected kind names (strings): {names}"
                        )));
                    };
                    set.0 |= kind(&s)?.bit();
                }
                Ok(set)
            }
            other => Err(D::Error::custom(format!(
                "expected `all` or a list of: {names}; found {}",
                crate::wire::value::describe(&other)
            ))),
        }
    }
}

impl JsonSchema for NegativeAuth {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "NegativeAuth".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let names: Vec<&str> = BrokenAuth::ALL.iter().map(|k| k.name()).collect();
        schemars::json_schema!({
            "description": "Broken-authentication trials added to each test that runs as an identity: `all`, or a list of kinds. Each expects 401.",
            "anyOf": [
                {"const": "all"},
                {"type": "array", "items": {"enum": names}}
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
                .contains("unknown negative_auth kind `alg-nun`"),
            "{err}"
        );
    }
}
