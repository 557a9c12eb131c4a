//! Postman variables -> gatecheck templates: `{{var}}` becomes `{{ var }}`,
//! dynamic variables map to gatecheck's built-ins, secrets become
//! environment references. Pure.

/// A text converted to a gatecheck template.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Templated {
    pub text: String,
    /// The variables it uses (not the built-ins).
    pub names: Vec<String>,
    /// Postman dynamic variables with no gatecheck equivalent (replaced by `{{ $uuid }}`).
    pub approximated: Vec<String>,
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

/// Names that hold credentials: never written in clear.
pub fn looks_secret(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    ["password", "passwd", "secret", "token", "key", "credential"]
        .iter()
        .any(|word| lower.contains(word))
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
    let out = out.trim_matches('-').to_owned();
    if out.is_empty() {
        "collection".into()
    } else {
        out
    }
}

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
        assert_eq!(upper_snake("clientSecret"), "CLIENT_SECRET");
        assert_eq!(upper_snake("api-key"), "API_KEY");
        assert_eq!(upper_snake("okta.password"), "OKTA_PASSWORD");
        assert_eq!(slug("Todos / Admin API!"), "todos-admin-api");
    }
}
