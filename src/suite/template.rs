//! `{{ name }}` templates: suite vars, `--var`, `each` rows, captures and the
//! built-ins `$uuid`, `$timestamp`, `$isoTimestamp`, `$randomInt`.

use std::collections::HashMap;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::Value as Json;

/// The built-in variables, computed at each use.
pub const BUILTINS: [&str; 4] = ["$uuid", "$timestamp", "$isoTimestamp", "$randomInt"];

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part<'a> {
    Lit(&'a str),
    Var(&'a str),
}

fn parse(text: &str) -> Result<Vec<Part<'_>>, String> {
    let mut parts = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        if start > 0 {
            parts.push(Part::Lit(&rest[..start]));
        }
        let after = &rest[start + 2..];
        let end = after
            .find("}}")
            .ok_or_else(|| format!("unclosed `{{{{` in `{text}`; write {{{{ name }}}}"))?;
        let name = after[..end].trim();
        if name.is_empty() {
            return Err(format!("empty `{{{{ }}}}` in `{text}`"));
        }
        parts.push(Part::Var(name));
        rest = &after[end + 2..];
    }
    if !rest.is_empty() {
        parts.push(Part::Lit(rest));
    }
    Ok(parts)
}

/// The variable names a text uses, or a syntax error.
pub fn names(text: &str) -> Result<Vec<String>, String> {
    Ok(parse(text)?
        .into_iter()
        .filter_map(|p| match p {
            Part::Var(name) => Some(name.to_owned()),
            Part::Lit(_) => None,
        })
        .collect())
}

/// The literal text around the `{{ }}` of a template (all of it when it
/// has none, or when it does not parse: that error is reported elsewhere).
pub fn literals(text: &str) -> Vec<&str> {
    match parse(text) {
        Ok(parts) => parts
            .into_iter()
            .filter_map(|p| match p {
                Part::Lit(lit) => Some(lit),
                Part::Var(_) => None,
            })
            .collect(),
        Err(_) => vec![text],
    }
}

/// Every variable name used in the strings (and keys) of a JSON value.
pub fn names_in_json(value: &Json, out: &mut Vec<String>) -> Result<(), String> {
    match value {
        Json::String(s) => out.extend(names(s)?),
        Json::Array(items) => {
            for item in items {
                names_in_json(item, out)?;
            }
        }
        Json::Object(map) => {
            for (k, v) in map {
                out.extend(names(k)?);
                names_in_json(v, out)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// The variables visible to one test run.
#[derive(Debug, Clone, Default)]
pub struct TestVars {
    vars: HashMap<String, Json>,
}

impl TestVars {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn set(&mut self, name: impl Into<String>, value: Json) {
        self.vars.insert(name.into(), value);
    }

    pub fn extend<'a>(&mut self, vars: impl IntoIterator<Item = (&'a String, &'a Json)>) {
        for (k, v) in vars {
            self.vars.insert(k.clone(), v.clone());
        }
    }

    pub fn get(&self, name: &str) -> Option<Json> {
        if let Some(v) = self.vars.get(name) {
            return Some(v.clone());
        }
        builtin(name)
    }

    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.vars.keys().cloned().collect();
        names.extend(BUILTINS.iter().map(|s| s.to_string()));
        names
    }

    fn lookup(&self, name: &str) -> Result<Json, String> {
        self.get(name).ok_or_else(|| {
            let known = self.names();
            format!(
                "unknown variable `{{{{ {name} }}}}`{}",
                super::expect::did_you_mean(name, &known)
            )
        })
    }

    /// Renders a text; values that are not strings are written as JSON.
    pub fn render(&self, text: &str) -> Result<String, String> {
        if !text.contains("{{") {
            return Ok(text.to_owned());
        }
        let mut out = String::with_capacity(text.len());
        for part in parse(text)? {
            match part {
                Part::Lit(s) => out.push_str(s),
                Part::Var(name) => match self.lookup(name)? {
                    Json::String(s) => out.push_str(&s),
                    other => out.push_str(&other.to_string()),
                },
            }
        }
        Ok(out)
    }

    /// Renders every string of a JSON value. A string that is exactly one
    /// `{{ name }}` takes the variable's JSON value, so numbers stay numbers.
    pub fn render_json(&self, value: &Json) -> Result<Json, String> {
        Ok(match value {
            Json::String(s) => match parse(s)?.as_slice() {
                [Part::Var(name)] => self.lookup(name)?,
                _ => Json::String(self.render(s)?),
            },
            Json::Array(items) => Json::Array(
                items
                    .iter()
                    .map(|v| self.render_json(v))
                    .collect::<Result<_, _>>()?,
            ),
            Json::Object(map) => {
                let mut out = serde_json::Map::with_capacity(map.len());
                for (k, v) in map {
                    out.insert(self.render(k)?, self.render_json(v)?);
                }
                Json::Object(out)
            }
            other => other.clone(),
        })
    }
}

fn builtin(name: &str) -> Option<Json> {
    let now = SystemTime::now();
    Some(match name {
        "$uuid" => Json::String(uuid::Uuid::new_v4().to_string()),
        "$timestamp" => Json::from(now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())),
        "$isoTimestamp" => Json::String(humantime::format_rfc3339_millis(now).to_string()),
        "$randomInt" => Json::from(rand::random_range(0..1_000_000u32)),
        _ => return None,
    })
}

/// A text to show in place of a scalar value (query strings, form fields).
pub fn scalar_text(value: &Json) -> String {
    match value {
        Json::String(s) => s.clone(),
        Json::Null => String::new(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn scope() -> TestVars {
        let mut s = TestVars::new();
        s.set("title", json!("buy milk"));
        s.set("id", json!(42));
        s
    }

    #[test]
    fn renders_text_and_keeps_types_in_json() {
        let s = scope();
        assert_eq!(
            s.render("/todos/{{ id }}?t={{title}}").unwrap(),
            "/todos/42?t=buy milk"
        );
        let body = s
            .render_json(&json!({"id": "{{ id }}", "label": "#{{ id }}"}))
            .unwrap();
        assert_eq!(body, json!({"id": 42, "label": "#42"}));
    }

    #[test]
    fn unknown_names_suggest_close_ones() {
        let err = scope().render("{{ titel }}").unwrap_err();
        assert_eq!(
            err,
            "unknown variable `{{ titel }}` (did you mean `title`?)"
        );
    }

    #[test]
    fn builtins_render() {
        let s = TestVars::new();
        assert_eq!(s.render("{{ $uuid }}").unwrap().len(), 36);
        assert!(s.render("{{ $isoTimestamp }}").unwrap().ends_with('Z'));
        assert!(s.get("$timestamp").unwrap().is_u64());
    }

    #[test]
    fn syntax_errors() {
        assert!(names("{{ open").unwrap_err().contains("unclosed"));
        assert_eq!(names("a {{ x }} b {{y}}").unwrap(), vec!["x", "y"]);
    }
}
