//! The variables of a Postman script that stand for the body, a part of
//! it, or a header, and how an expression over them reads as JSONPath.

use std::sync::LazyLock;

use indexmap::IndexMap;
use regex::Regex;

macro_rules! re {
    ($name:ident, $src:expr) => {
        static $name: LazyLock<Regex> = LazyLock::new(|| Regex::new($src).expect("valid regex"));
    };
}

/// The variables of a script that stand for the body, a part of it, or a header.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// Name -> JSONPath (`$` for the whole body).
    pub aliases: IndexMap<String, String>,
    /// Name -> header name.
    pub headers: IndexMap<String, String>,
}

impl Scope {
    /// `jsonData.a.b[0]["c"]` or `pm.response.json().a` -> `$.a.b[0].c`.
    pub fn json_path(&self, expr: &str) -> Option<String> {
        let expr = expr.trim();
        let (base, rest) = if let Some(rest) = BODY
            .find(expr)
            .filter(|m| m.start() == 0)
            .map(|m| &expr[m.end()..])
        {
            ("$".to_owned(), rest)
        } else {
            let (name, path) = self.aliases.iter().find(|(name, _)| {
                expr.strip_prefix(name.as_str())
                    .is_some_and(|r| r.is_empty() || r.starts_with(['.', '[']))
            })?;
            (path.clone(), &expr[name.len()..])
        };
        segments(base, rest)
    }
}

re!(
    BODY,
    r"^(?:pm\.response\.json\(\)|JSON\.parse\(\s*(?:responseBody|pm\.response\.text\(\))\s*\))"
);

re!(
    SEGMENT,
    r#"^(?:\.([A-Za-z_$][\w$]*)|\[(\d+)\]|\[["']([^"']+)["']\])"#
);

fn is_identifier(s: &str) -> bool {
    s.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `$` + `.a.b[0]["c"]["x-y"]` -> `$.a.b[0].c['x-y']`.
fn segments(mut path: String, mut rest: &str) -> Option<String> {
    while !rest.is_empty() {
        let c = SEGMENT.captures(rest)?;
        if let Some(name) = c.get(1) {
            path.push('.');
            path.push_str(name.as_str());
        } else if let Some(index) = c.get(2) {
            path.push_str(&format!("[{}]", index.as_str()));
        } else if is_identifier(&c[3]) {
            path.push('.');
            path.push_str(&c[3]);
        } else {
            path.push_str(&format!("['{}']", &c[3]));
        }
        rest = &rest[c[0].len()..];
    }
    Some(path)
}
