//! Security schemes and requirements: what an operation asks of a caller,
//! and whether an identity (a token with some scopes) qualifies.
//!
//! An operation's `security` is a list of requirement objects, any one of
//! which is enough (OR); the schemes inside one object are all needed
//! (AND). `[]` makes an operation public; an empty object `{}` in the
//! list makes authentication optional.

use std::fmt;

use indexmap::IndexMap;

/// A security scheme of `components.securitySchemes`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scheme {
    /// `apiKey` in a header, query parameter or cookie.
    ApiKey { name: String, location: String },
    /// `http` with a scheme such as `bearer` or `basic`.
    Http { scheme: String },
    /// `oauth2`: the scopes its flows declare.
    OAuth2 { scopes: Vec<String> },
    /// `openIdConnect`, with its discovery URL.
    OpenIdConnect { url: String },
    /// `mutualTLS` (3.1).
    MutualTls,
}

impl Scheme {
    /// True when a bearer access token (what gatecheck's identities send)
    /// satisfies this scheme.
    pub fn takes_bearer_token(&self) -> bool {
        match self {
            Scheme::Http { scheme } => scheme.eq_ignore_ascii_case("bearer"),
            Scheme::OAuth2 { .. } | Scheme::OpenIdConnect { .. } => true,
            Scheme::ApiKey { .. } | Scheme::MutualTls => false,
        }
    }

    /// True when the scheme names scopes (oauth2, openIdConnect).
    pub fn has_scopes(&self) -> bool {
        matches!(self, Scheme::OAuth2 { .. } | Scheme::OpenIdConnect { .. })
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scheme::ApiKey { name, location } => write!(f, "apiKey {location} `{name}`"),
            Scheme::Http { scheme } => write!(f, "http {}", scheme.to_ascii_lowercase()),
            Scheme::OAuth2 { .. } => f.write_str("oauth2"),
            Scheme::OpenIdConnect { .. } => f.write_str("openIdConnect"),
            Scheme::MutualTls => f.write_str("mutualTLS"),
        }
    }
}

/// One requirement object: every scheme named, with the scopes it needs.
/// Empty: no authentication (the `{}` of optional security).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Requirement(pub IndexMap<String, Vec<String>>);

impl Requirement {
    pub fn is_anonymous(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for Requirement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("{}");
        }
        let parts: Vec<String> = self
            .0
            .iter()
            .map(|(name, scopes)| {
                if scopes.is_empty() {
                    name.clone()
                } else {
                    format!("{name}[{}]", scopes.join(" "))
                }
            })
            .collect();
        f.write_str(&parts.join(" + "))
    }
}

/// Where an operation's security came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The document's top-level `security`.
    Global,
    /// The operation's own `security`.
    Operation,
    /// Neither says anything: public.
    Absent,
}

/// An operation's effective security.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Security {
    /// The alternatives (OR); empty: public.
    pub requirements: Vec<Requirement>,
    pub source: Source,
}

/// Whether an identity can call an operation, judged from the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Qualifies {
    Yes,
    /// It lacks these scopes (of the alternative it comes closest to).
    LacksScopes(Vec<String>),
    /// The document asks for something a bearer token does not give (an
    /// API key, basic credentials, a client certificate), or the
    /// identity's scopes are unknown.
    Unknown(String),
}

impl Security {
    /// No authentication at all: `[]`, no security anywhere, or only `{}`.
    pub fn is_public(&self) -> bool {
        self.requirements.iter().all(Requirement::is_anonymous)
    }

    /// Authentication is optional: `{}` beside real requirements.
    pub fn is_optional(&self) -> bool {
        !self.is_public() && self.requirements.iter().any(Requirement::is_anonymous)
    }

    /// A caller without credentials is refused.
    pub fn is_secured(&self) -> bool {
        !self.requirements.is_empty() && !self.requirements.iter().any(Requirement::is_anonymous)
    }

    /// Every scope any alternative asks for.
    pub fn scopes(&self) -> Vec<String> {
        let mut all: Vec<String> = Vec::new();
        for scope in self
            .requirements
            .iter()
            .flat_map(|r| r.0.values().flatten())
        {
            if !all.contains(scope) {
                all.push(scope.clone());
            }
        }
        all
    }

    /// Whether an identity whose token carries `scopes` (`None`: unknown)
    /// qualifies for the operation.
    pub fn qualifies(
        &self,
        schemes: &IndexMap<String, Scheme>,
        scopes: Option<&[String]>,
    ) -> Qualifies {
        if self.is_public() || self.is_optional() {
            return Qualifies::Yes;
        }
        let mut closest: Option<Vec<String>> = None;
        let mut unknown: Option<String> = None;
        for requirement in &self.requirements {
            let mut lacking = Vec::new();
            let mut blocked = None;
            for (name, needed) in &requirement.0 {
                let Some(scheme) = schemes.get(name) else {
                    blocked = Some(format!("scheme `{name}` is not declared"));
                    break;
                };
                if !scheme.takes_bearer_token() {
                    blocked = Some(format!("`{name}` ({scheme}) is not a bearer token"));
                    break;
                }
                if needed.is_empty() {
                    continue;
                }
                if !scheme.has_scopes() {
                    // 3.1 lets any scheme list roles; a fixture's scopes
                    // do not tell whether a token has them.
                    blocked = Some(format!(
                        "`{name}` ({scheme}) asks for roles {}",
                        needed.join(", ")
                    ));
                    break;
                }
                match scopes {
                    None => {
                        blocked = Some("the identity's scopes are unknown".to_owned());
                        break;
                    }
                    Some(have) => lacking.extend(
                        needed
                            .iter()
                            .filter(|s| !have.contains(s))
                            .cloned()
                            .collect::<Vec<_>>(),
                    ),
                }
            }
            match blocked {
                Some(reason) => unknown = unknown.or(Some(reason)),
                None if lacking.is_empty() => return Qualifies::Yes,
                None => {
                    if closest.as_ref().is_none_or(|c| lacking.len() < c.len()) {
                        closest = Some(lacking);
                    }
                }
            }
        }
        match (unknown, closest) {
            (Some(reason), _) => Qualifies::Unknown(reason),
            (None, Some(lacking)) => Qualifies::LacksScopes(lacking),
            (None, None) => Qualifies::Unknown("no requirement".to_owned()),
        }
    }
}

impl fmt::Display for Security {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_public() {
            return f.write_str("public");
        }
        let parts: Vec<String> = self.requirements.iter().map(ToString::to_string).collect();
        f.write_str(&parts.join(" | "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(parts: &[(&str, &[&str])]) -> Requirement {
        Requirement(
            parts
                .iter()
                .map(|(n, s)| ((*n).to_owned(), s.iter().map(|s| (*s).to_owned()).collect()))
                .collect(),
        )
    }

    fn schemes() -> IndexMap<String, Scheme> {
        let mut s = IndexMap::new();
        s.insert("okta".into(), Scheme::OAuth2 { scopes: vec![] });
        s.insert(
            "jwt".into(),
            Scheme::Http {
                scheme: "Bearer".into(),
            },
        );
        s.insert(
            "key".into(),
            Scheme::ApiKey {
                name: "X-Key".into(),
                location: "header".into(),
            },
        );
        s
    }

    fn scopes(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn alternatives_are_or_and_schemes_in_one_are_and() {
        let security = Security {
            requirements: vec![
                req(&[("okta", &["todos.read"])]),
                req(&[("okta", &["openid"])]),
            ],
            source: Source::Global,
        };
        let have = scopes(&["openid", "profile"]);
        assert_eq!(security.qualifies(&schemes(), Some(&have)), Qualifies::Yes);
        let have = scopes(&["profile"]);
        assert_eq!(
            security.qualifies(&schemes(), Some(&have)),
            Qualifies::LacksScopes(scopes(&["todos.read"]))
        );
        let roles = Security {
            requirements: vec![req(&[("jwt", &["read:users"])])],
            source: Source::Operation,
        };
        assert_eq!(
            roles.qualifies(&schemes(), Some(&scopes(&["read:users"]))),
            Qualifies::Unknown("`jwt` (http bearer) asks for roles read:users".into())
        );
        let both = Security {
            requirements: vec![req(&[("okta", &["a"]), ("jwt", &[])])],
            source: Source::Operation,
        };
        assert_eq!(
            both.qualifies(&schemes(), Some(&scopes(&["a"]))),
            Qualifies::Yes
        );
        let with_key = Security {
            requirements: vec![req(&[("okta", &["a"]), ("key", &[])])],
            source: Source::Operation,
        };
        assert!(matches!(
            with_key.qualifies(&schemes(), Some(&scopes(&["a"]))),
            Qualifies::Unknown(reason) if reason.contains("apiKey header `X-Key`")
        ));
    }

    #[test]
    fn empty_list_is_public_and_empty_object_is_optional() {
        let public = Security {
            requirements: vec![],
            source: Source::Operation,
        };
        assert!(public.is_public() && !public.is_secured() && !public.is_optional());
        let optional = Security {
            requirements: vec![req(&[("jwt", &[])]), Requirement::default()],
            source: Source::Operation,
        };
        assert!(optional.is_optional() && !optional.is_secured() && !optional.is_public());
        assert_eq!(optional.to_string(), "jwt | {}");
        let secured = Security {
            requirements: vec![req(&[("okta", &["a", "b"])])],
            source: Source::Global,
        };
        assert!(secured.is_secured());
        assert_eq!(secured.to_string(), "okta[a b]");
        assert_eq!(
            secured.qualifies(&schemes(), None),
            Qualifies::Unknown("the identity's scopes are unknown".into())
        );
    }
}
