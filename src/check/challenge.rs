//! `negative_auth.www_authenticate`: the `WWW-Authenticate` challenge a
//! broken-authentication trial's 401 must carry (RFC 7235 §4.1; the
//! `error` parameter of RFC 6750 §3).

use reqwest::header::{HeaderMap, WWW_AUTHENTICATE};

use super::failure::{Failure, FailureKind};
use crate::suite::keypath::KeyPath;
use crate::suite::negative::Challenge;

/// One challenge of the header: its auth-scheme and parameters (names
/// lower-cased; a token68 is kept under the empty name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    pub scheme: String,
    pub params: Vec<(String, String)>,
}

impl Parsed {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The challenges of a `WWW-Authenticate` value:
/// `1#( auth-scheme [ 1*SP ( token68 / #auth-param ) ] )`.
/// Lenient: what does not parse ends the list.
pub fn parse(value: &str) -> Vec<Parsed> {
    let mut out: Vec<Parsed> = Vec::new();
    let mut rest = value;
    loop {
        rest = rest.trim_start_matches([' ', '\t', ',']);
        let word_end = rest.find(|c: char| !is_tchar(c)).unwrap_or(rest.len());
        if word_end == 0 {
            return out;
        }
        let word = &rest[..word_end];
        let after = rest[word_end..].trim_start_matches([' ', '\t']);
        // `name=value`, not a token68's padding (`abc==`, `abc=,`).
        let value_start = after
            .strip_prefix('=')
            .map(|v| v.trim_start_matches([' ', '\t']));
        let is_param = value_start.is_some_and(|v| !v.is_empty() && !v.starts_with([',', '=']));
        match (is_param, out.last_mut()) {
            (true, Some(last)) => {
                let value_text = after[1..].trim_start_matches([' ', '\t']);
                let (value, tail) = if let Some(quoted) = value_text.strip_prefix('"') {
                    let mut text = String::new();
                    let mut chars = quoted.char_indices();
                    let mut end = None;
                    while let Some((i, c)) = chars.next() {
                        match c {
                            '\\' => {
                                if let Some((_, next)) = chars.next() {
                                    text.push(next);
                                }
                            }
                            '"' => {
                                end = Some(i + 1);
                                break;
                            }
                            c => text.push(c),
                        }
                    }
                    let Some(end) = end else {
                        return out;
                    };
                    (text, &quoted[end..])
                } else {
                    let end = value_text
                        .find(|c: char| !is_tchar(c))
                        .unwrap_or(value_text.len());
                    (value_text[..end].to_owned(), &value_text[end..])
                };
                last.params.push((word.to_ascii_lowercase(), value));
                rest = tail;
            }
            _ => {
                // A new challenge; a token68 may follow the scheme.
                let mut challenge = Parsed {
                    scheme: word.to_owned(),
                    params: Vec::new(),
                };
                rest = &rest[word_end..];
                let spaced = rest.starts_with([' ', '\t']);
                let next = rest.trim_start_matches([' ', '\t']);
                let t68_end = next
                    .find(|c: char| !(c.is_ascii_alphanumeric() || "-._~+/".contains(c)))
                    .unwrap_or(next.len());
                let eq_end = next[t68_end..]
                    .find(|c| c != '=')
                    .map_or(next.len(), |i| t68_end + i);
                let token68 = spaced
                    && t68_end > 0
                    && next[eq_end..]
                        .trim_start_matches([' ', '\t'])
                        .chars()
                        .next()
                        .is_none_or(|c| c == ',')
                    && (eq_end > t68_end || !next[t68_end..].trim_start().starts_with('='));
                if token68 {
                    challenge
                        .params
                        .push((String::new(), next[..eq_end].to_owned()));
                    rest = &next[eq_end..];
                }
                out.push(challenge);
            }
        }
    }
}

fn is_tchar(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)
}

/// The failure of a trial whose 401 lacks the challenge asked for;
/// `sent_credential` is false for `no-token` (RFC 6750 §3.1: a request
/// without credentials gets a challenge without an error code, so `error`
/// is not checked).
pub fn check(challenge: &Challenge, sent_credential: bool, headers: &HeaderMap) -> Option<Failure> {
    let values: Vec<&str> = headers
        .get_all(WWW_AUTHENTICATE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    let challenges: Vec<Parsed> = values.iter().flat_map(|v| parse(v)).collect();
    let (ok, expected) = match challenge {
        Challenge::Off => return None,
        Challenge::Any => (!values.is_empty(), "a challenge".to_owned()),
        Challenge::Scheme { scheme, error } => {
            let error = error.as_deref().filter(|_| sent_credential);
            let ok = challenges.iter().any(|c| {
                c.scheme.eq_ignore_ascii_case(scheme)
                    && error.is_none_or(|e| c.param("error") == Some(e))
            });
            let expected = match error {
                Some(e) => format!("a `{scheme}` challenge with error=\"{e}\""),
                None => format!("a `{scheme}` challenge"),
            };
            (ok, expected)
        }
    };
    if ok {
        return None;
    }
    let kind = FailureKind::Header {
        name: "WWW-Authenticate".to_owned(),
        expected: format!("{expected} (negative_auth.www_authenticate)"),
        actual: (!values.is_empty()).then(|| format!("{:?}", values.join(", "))),
    };
    Some(Failure::new(
        kind,
        KeyPath::root().key("negative_auth").key("www_authenticate"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(scheme: &str, params: &[(&str, &str)]) -> Parsed {
        Parsed {
            scheme: scheme.to_owned(),
            params: params
                .iter()
                .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
                .collect(),
        }
    }

    #[test]
    fn parses_rfc_challenges() {
        // RFC 6750 §3's examples.
        assert_eq!(
            parse(r#"Bearer realm="example""#),
            [p("Bearer", &[("realm", "example")])]
        );
        assert_eq!(
            parse(
                r#"Bearer realm="example", error="invalid_token", error_description="The access token expired""#
            ),
            [p(
                "Bearer",
                &[
                    ("realm", "example"),
                    ("error", "invalid_token"),
                    ("error_description", "The access token expired")
                ]
            )]
        );
        // RFC 7235 §4.1: several challenges in one value, parameters without quotes.
        assert_eq!(
            parse(
                r#"Newauth realm="apps", type=1, title="Login to \"apps\"", Basic realm="simple""#
            ),
            [
                p(
                    "Newauth",
                    &[
                        ("realm", "apps"),
                        ("type", "1"),
                        ("title", "Login to \"apps\"")
                    ]
                ),
                p("Basic", &[("realm", "simple")])
            ]
        );
        // A bare scheme, a token68, then another challenge.
        assert_eq!(parse("Bearer"), [p("Bearer", &[])]);
        assert_eq!(
            parse("Negotiate abc+/de==, DPoP algs=\"ES256 RS256\""),
            [
                p("Negotiate", &[("", "abc+/de==")]),
                p("DPoP", &[("algs", "ES256 RS256")])
            ]
        );
        assert_eq!(parse(""), []);
        assert_eq!(parse(r#"Bearer error="unterminated"#), [p("Bearer", &[])]);
    }

    fn headers(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append(WWW_AUTHENTICATE, v.parse().unwrap());
        }
        h
    }

    fn bearer(error: Option<&str>) -> Challenge {
        Challenge::Scheme {
            scheme: "Bearer".into(),
            error: error.map(str::to_owned),
        }
    }

    #[test]
    fn a_challenge_of_the_scheme_passes() {
        let h = headers(&[r#"bearer realm="api", error="invalid_token""#]);
        assert_eq!(check(&bearer(None), true, &h), None);
        assert_eq!(check(&bearer(Some("invalid_token")), true, &h), None);
        assert_eq!(check(&Challenge::Any, true, &h), None);
        // Over two header lines.
        let h = headers(&["DPoP algs=\"ES256\"", r#"Bearer error="invalid_token""#]);
        assert_eq!(check(&bearer(Some("invalid_token")), true, &h), None);
    }

    #[test]
    fn a_missing_or_wrong_challenge_fails_with_what_came() {
        let missing = check(&bearer(None), false, &HeaderMap::new()).unwrap();
        assert_eq!(
            missing.to_string(),
            "header WWW-Authenticate: expected a `Bearer` challenge (negative_auth.www_authenticate), but it is missing"
        );
        assert_eq!(
            missing.key_path.to_string(),
            "negative_auth.www_authenticate"
        );
        let basic = check(&bearer(None), true, &headers(&[r#"Basic realm="x""#])).unwrap();
        assert!(
            basic.to_string().ends_with(r#"got "Basic realm=\"x\"""#),
            "{basic}"
        );
        let no_error = headers(&[r#"Bearer realm="api""#]);
        let failure = check(&bearer(Some("invalid_token")), true, &no_error).unwrap();
        assert!(
            failure
                .to_string()
                .contains("expected a `Bearer` challenge with error=\"invalid_token\""),
            "{failure}"
        );
        // Without a credential sent, `error` is not asked for (RFC 6750 §3.1).
        assert_eq!(
            check(&bearer(Some("invalid_token")), false, &no_error),
            None
        );
        assert!(check(&Challenge::Any, true, &HeaderMap::new()).is_some());
        assert_eq!(check(&Challenge::Off, true, &HeaderMap::new()), None);
    }
}
