//! Postman variables -> gatecheck templates: `{{var}}` becomes `{{ var }}`,
//! dynamic variables map to gatecheck's built-ins, secrets become
//! environment references. Pure.

use std::sync::LazyLock;

use indexmap::IndexMap;
use regex::Regex;
use serde_json::Value as Json;

use super::postman::{Collection, Environment};

/// A text converted to a gatecheck template.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Templated {
    pub text: String,
    /// The variables it uses (not the built-ins).
    pub names: Vec<String>,
    /// Postman dynamic variables with no gatecheck equivalent (replaced by `{{ $uuid }}`).
    pub approximated: Vec<String>,
}

/// A variable's value: clear text, or read from the environment.
#[derive(Debug, Clone)]
pub enum VarDef {
    Clear(Json),
    Env(String),
}

/// Collection variables, overridden by the environment's; secrets as `${NAME}`.
pub fn variables(
    collection: &Collection,
    environment: Option<&Environment>,
) -> IndexMap<String, VarDef> {
    let mut vars = IndexMap::new();
    let mut define = |key: &str, value: Option<&Json>, secret: bool| {
        let def = if secret
            || looks_secret(key)
            || value.and_then(Json::as_str).is_some_and(looks_secret_value)
        {
            VarDef::Env(env_name(key))
        } else {
            VarDef::Clear(value.cloned().unwrap_or(Json::String(String::new())))
        };
        vars.insert(key.to_owned(), def);
    };
    for v in collection
        .variable
        .iter()
        .filter(|v| !v.disabled && !v.key.is_empty())
    {
        define(
            &v.key,
            v.value.as_ref(),
            v.kind.as_deref() == Some("secret"),
        );
    }
    for v in environment
        .iter()
        .flat_map(|e| &e.values)
        .filter(|v| v.enabled && !v.key.is_empty())
    {
        define(
            &v.key,
            v.value.as_ref(),
            v.kind.as_deref() == Some("secret"),
        );
    }
    vars
}

/// Converts Postman `{{name}}` to `{{ name }}`; a literal `${` becomes `$${`
/// so gatecheck does not read it as an environment reference.
pub fn template(text: &str) -> Templated {
    let mut out = Templated::default();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start + 2..].find("}}") else {
            break;
        };
        out.text.push_str(&escape_env(&rest[..start]));
        let name = rest[start + 2..start + 2 + len].trim();
        let name = match name.strip_prefix('$') {
            Some(dynamic) => builtin(dynamic).unwrap_or_else(|| {
                out.approximated.push(name.to_owned());
                "$uuid"
            }),
            None => {
                out.names.push(name.to_owned());
                name
            }
        };
        out.text.push_str(&format!("{{{{ {name} }}}}"));
        rest = &rest[start + 2 + len + 2..];
    }
    out.text.push_str(&escape_env(rest));
    out
}

fn escape_env(text: &str) -> String {
    text.replace("${", "$${")
}

/// A Postman dynamic variable's gatecheck built-in.
fn builtin(dynamic: &str) -> Option<&'static str> {
    Some(match dynamic {
        "guid" | "randomUUID" => "$uuid",
        "timestamp" => "$timestamp",
        "isoTimestamp" => "$isoTimestamp",
        "randomInt" => "$randomInt",
        _ => return None,
    })
}

/// Names that hold credentials: never written in clear. `apiKey`,
/// `client_secret`, `accessToken`, `X-API-Key`, `Authorization`; not
/// `PROJECT_KEY`, `keyword` or `token_type_hint`.
pub fn looks_secret(name: &str) -> bool {
    let flat: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    if flat.ends_with("hint") || flat.ends_with("type") || flat.ends_with("url") {
        return false;
    }
    flat == "token"
        || [
            "password",
            "passwd",
            "pwd",
            "secret",
            "apikey",
            "token",
            "credential",
            "credentials",
            "authorization",
            "privatekey",
            "signingkey",
            "accesskey",
            "base64",
        ]
        .iter()
        .any(|word| flat.ends_with(word))
}

/// Values shaped like credentials, whatever their name: JWTs, Basic
/// credentials (`base64(user:password)`), known token prefixes, and long
/// random-looking strings of letters and digits.
pub fn looks_secret_value(value: &str) -> bool {
    use base64::Engine;
    static JWT: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^eyJ[\w-]+\.[\w-]+\.[\w-]*$").expect("valid regex"));
    static PREFIXED: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"^(?:sk_|pk_live_|rk_|ghp_|gho_|github_pat_|xox[abpr]-|AKIA|SSWS\s|00[\w-]{38,})",
        )
        .expect("valid regex")
    });
    static UUID: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
            .expect("valid regex")
    });
    let value = value.trim();
    let value = value
        .strip_prefix("Basic ")
        .or_else(|| value.strip_prefix("Bearer "))
        .unwrap_or(value);
    if value.contains("{{") || UUID.is_match(value) {
        return false;
    }
    if JWT.is_match(value) || PREFIXED.is_match(value) {
        return true;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(value)
        .ok()
        .and_then(|b| String::from_utf8(b).ok());
    if let Some(text) = decoded
        && value.len() >= 8
        && text.contains(':')
        && text.chars().all(|c| c.is_ascii_graphic())
    {
        return true;
    }
    random_looking(value)
}

/// 24+ characters from a token alphabet, with upper case, lower case and digits.
fn random_looking(value: &str) -> bool {
    value.len() >= 24
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.~+/=".contains(c))
        && value.chars().any(|c| c.is_ascii_digit())
        && value.chars().any(|c| c.is_ascii_uppercase())
        && value.chars().any(|c| c.is_ascii_lowercase())
        && !value.contains("..")
        && !value.starts_with('/')
}

/// `clientSecret` / `client-secret` -> `CLIENT_SECRET`.
pub fn upper_snake(name: &str) -> String {
    let mut out = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            if c.is_ascii_uppercase() && prev_lower {
                out.push('_');
            }
            out.push(c.to_ascii_uppercase());
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        } else {
            if !out.ends_with('_') && !out.is_empty() {
                out.push('_');
            }
            prev_lower = false;
        }
    }
    let out = out.trim_end_matches('_').to_owned();
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        format!("V_{out}")
    } else {
        out
    }
}

/// The environment variable a collection's name is read from: its
/// [`upper_snake`] form, unless shells or CI set a variable of that name
/// (`pwd` as `${PWD}` would send the working folder as the password): then
/// with `_VALUE` added.
pub fn env_name(name: &str) -> String {
    let out = upper_snake(name);
    if taken_by_the_system(&out) {
        format!("{out}_VALUE")
    } else {
        out
    }
}

/// Environment variables that shells, CI systems and tools set: a variable
/// named like one would silently take its value.
fn taken_by_the_system(name: &str) -> bool {
    const NAMES: [&str; 29] = [
        "PWD", "OLDPWD", "HOME", "PATH", "USER", "USERNAME", "LOGNAME", "SHELL", "TERM", "LANG",
        "LANGUAGE", "HOSTNAME", "TMPDIR", "TMP", "TEMP", "EDITOR", "VISUAL", "PAGER", "UID",
        "EUID", "PPID", "RANDOM", "SECONDS", "IFS", "PS1", "DISPLAY", "MAIL", "CI", "TZ",
    ];
    const PREFIXES: [&str; 10] = [
        "LC_",
        "XDG_",
        "SSH_",
        "GITHUB_",
        "RUNNER_",
        "CARGO_",
        "RUST",
        "INSTA_",
        "GATECHECK_",
        "LD_",
    ];
    NAMES.contains(&name) || PREFIXES.iter().any(|p| name.starts_with(p))
}

/// A file name for a suite: `My Folder!` -> `my-folder`.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_matches('-');
    // A file name holds 255 bytes: a long folder name is cut (at a
    // character boundary), leaving room for `-2` and `.yaml`.
    let mut end = out.len().min(MAX_SLUG);
    while !out.is_char_boundary(end) {
        end -= 1;
    }
    let out = out[..end].trim_end_matches('-');
    if out.is_empty() {
        "collection".into()
    } else {
        out.to_owned()
    }
}

/// The longest suite file name made from a folder name (bytes).
pub const MAX_SLUG: usize = 100;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_are_respaced_and_env_syntax_escaped() {
        let t = template("{{baseUrl}}/todos/{{ id }}?t={{$timestamp}}&r={{$randomEmail}}&x=${y}");
        assert_eq!(
            t.text,
            "{{ baseUrl }}/todos/{{ id }}?t={{ $timestamp }}&r={{ $uuid }}&x=$${y}"
        );
        assert_eq!(t.names, ["baseUrl", "id"]);
        assert_eq!(t.approximated, ["$randomEmail"]);
        assert_eq!(template("a {{ unclosed").text, "a {{ unclosed");
    }

    #[test]
    fn names() {
        assert!(
            looks_secret("clientSecret") && looks_secret("API_KEY") && looks_secret("accessToken")
        );
        assert!(!looks_secret("username") && !looks_secret("baseUrl"));
        for plain in [
            "PROJECT_KEY",
            "keyword",
            "token_type_hint",
            "tokenUrl",
            "key",
        ] {
            assert!(!looks_secret(plain), "{plain}");
        }
        for secret in [
            "X-API-Key",
            "client_secret",
            "user_password",
            "refresh_token",
            "client_base64",
        ] {
            assert!(looks_secret(secret), "{secret}");
        }
        for secret in [
            "YWJjMTIzOnNzaC1zZWNyZXQ=",
            "Basic dXNlcjpwYXNz",
            "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln",
            "00aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789abcd",
            "bW9iaWxlLWFwcDptb2JpbGUtc2VjcmV0",
            "AbC123dEf456GhI789jKl012",
        ] {
            assert!(looks_secret_value(secret), "{secret}");
        }
        for plain in [
            "https://devcop.brightspace.com",
            "1.51",
            "application/json",
            "4b1e2f0a-3c4d-4e5f-8a9b-0c1d2e3f4a5b",
            "api.read api.write",
            "{{token}}",
            "Test Execution",
            "abcdefghijklmnopqrstuvwxyz",
        ] {
            assert!(!looks_secret_value(plain), "{plain}");
        }
        assert_eq!(upper_snake("clientSecret"), "CLIENT_SECRET");
        assert_eq!(upper_snake("api-key"), "API_KEY");
        assert_eq!(upper_snake("okta.password"), "OKTA_PASSWORD");
        assert_eq!(slug("Todos / Admin API!"), "todos-admin-api");
    }
}
