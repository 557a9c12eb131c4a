//! Postman test scripts -> expectations and captures. Reads the script line
//! by line, follows its blocks (`pm.test(...)` bodies are transparent, `if`,
//! `else` and loops are not: what is inside them is conditional), keeps
//! track of the variables that name the body or a header, and hands each
//! assertion to [`chai`](super::chai). Pure; whatever is not converted is
//! returned with its line number and kind.

use std::sync::LazyLock;

use indexmap::IndexMap;
use regex::Regex;
use serde_json::{Value as Json, json};

use super::chai::{self, Check};
use super::js::{braces, call_args, split_args, split_top, strip_comment};
pub use super::scope::Scope;
use super::vars::looks_secret;

/// What a request's test script asserts and captures.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Checks {
    pub status: Option<Json>,
    /// Header name -> an exact value or `{matches: REGEX}`.
    pub headers: IndexMap<String, Json>,
    pub json: IndexMap<String, Json>,
    /// Variable -> a JSONPath, or `{json|header: .., secret: true}`.
    pub captures: IndexMap<String, Json>,
    /// Captures made only under a condition (not converted; used to
    /// recognise token requests).
    pub guarded_captures: IndexMap<String, Json>,
    pub max_duration: Option<String>,
    pub unconverted: Vec<Unconverted>,
    /// Assertion lines read, and how many of them were converted.
    pub assertions: usize,
    pub converted: usize,
}

/// A script line that was not converted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unconverted {
    /// 1-based line in the script.
    pub line: usize,
    pub text: String,
    /// Why, in a few words (warnings are grouped by it).
    pub kind: &'static str,
    /// The line asserts something.
    pub assertion: bool,
}

impl Checks {
    /// True when the script asserted something that was converted.
    pub fn any(&self) -> bool {
        self.status.is_some()
            || !self.json.is_empty()
            || !self.headers.is_empty()
            || self.max_duration.is_some()
    }

    /// The JSONPath a variable is captured from (plain or guarded).
    pub fn captured_path(&self, name: &str) -> Option<&str> {
        let capture = self
            .captures
            .get(name)
            .or_else(|| self.guarded_captures.get(name))?;
        capture
            .as_str()
            .or_else(|| capture.get("json").and_then(Json::as_str))
    }

    /// Names captured from `$.<field>` (plain or guarded).
    pub fn captured_from(&self, path: &str) -> Option<String> {
        self.captures
            .keys()
            .chain(self.guarded_captures.keys())
            .find(|name| self.captured_path(name) == Some(path))
            .cloned()
    }
}

macro_rules! re {
    ($name:ident, $src:expr) => {
        static $name: LazyLock<Regex> = LazyLock::new(|| Regex::new($src).expect("valid regex"));
    };
}

re!(DECL, r"^(?:var|let|const)\s+([A-Za-z_$][\w$]*)\s*=\s*(.+)$");
re!(
    SET,
    r#"^(?:pm\.(?:environment|collectionVariables|globals|variables)\.set|postman\.set(?:Environment|Global)Variable)\(\s*["']([^"']+)["']\s*,\s*(.+?)\s*\)$"#
);
re!(
    HEADER_GET,
    r#"^(?:pm\.response\.headers\.get|postman\.getResponseHeader)\(\s*["']([^"']+)["']\s*\)$"#
);
re!(
    ASSERTION,
    r"pm\.expect\s*\(|pm\.response\.to\.|^tests\s*\[|(?:^|[^\w.])expect\s*\("
);
re!(
    TEST_OPEN,
    r"^pm\.test\s*\(.*(?:function\s*\([^)]*\)|=>)\s*\{$"
);
re!(
    CONTROL,
    r"^(?:if|else|for|while|do|switch|try|catch|finally)\b"
);

/// How a block opened by `{` treats what is inside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Block {
    /// A `pm.test(...)` body: its assertions always run.
    Test,
    /// `if`, `else`, a loop or a function: what is inside may not run.
    Other,
}

/// What became of one statement.
enum Outcome {
    Converted,
    /// Has no effect on the checks (a log line, a variable for the body).
    Ignored,
    Unconverted(&'static str),
}

/// The reader's state across the lines of one script.
#[derive(Default)]
struct Reader {
    checks: Checks,
    scope: Scope,
    blocks: Vec<Block>,
    /// The previous line was `if (...)` without a brace.
    single: bool,
    in_comment: bool,
}

/// Reads a test script (its lines as exported).
pub fn read(lines: &[String]) -> Checks {
    let mut reader = Reader::default();
    for (i, line) in lines.iter().enumerate() {
        let line = strip_comment(line, &mut reader.in_comment);
        reader.line(i + 1, line.trim());
    }
    reader.checks
}

impl Reader {
    fn line(&mut self, number: usize, line: &str) {
        let mut rest = line;
        while let Some(after) = rest.strip_prefix('}') {
            self.blocks.pop();
            rest = after.trim_start_matches([')', ';', ' ', '\t']);
        }
        if rest.is_empty() {
            return;
        }
        let guarded = self.single || self.blocks.contains(&Block::Other);
        self.single = false;
        if TEST_OPEN.is_match(rest) {
            self.blocks.push(Block::Test);
            return;
        }
        let (opens, closes) = braces(rest);
        if opens > closes {
            self.unconverted(number, line, "if/else, loop or function");
            self.blocks
                .extend(std::iter::repeat_n(Block::Other, opens - closes));
            return;
        }
        if CONTROL.is_match(rest) {
            if rest.ends_with(')') || rest == "else" {
                self.single = true;
                self.unconverted(number, line, "if/else, loop or function");
            } else {
                self.unconverted(number, line, "inside if/else or a loop");
            }
            return;
        }
        self.statements(number, line, rest, guarded);
        for _ in opens..closes {
            self.blocks.pop();
        }
    }

    /// The statements of a line (a one-line `pm.test` holds several).
    fn statements(&mut self, number: usize, line: &str, rest: &str, guarded: bool) {
        let assertion = ASSERTION.is_match(rest);
        let statements = one_line_test(rest).unwrap_or_else(|| split_top(rest, ';'));
        let mut failed = None;
        let mut any = false;
        for stmt in &statements {
            let stmt = stmt.trim().trim_end_matches(';').trim();
            match self.statement(stmt, guarded) {
                Outcome::Converted => any = true,
                Outcome::Ignored => {}
                Outcome::Unconverted(kind) => {
                    failed.get_or_insert(kind);
                }
            }
        }
        if assertion {
            self.checks.assertions += 1;
        }
        match failed {
            Some(kind) => self.checks.unconverted.push(Unconverted {
                line: number,
                text: line.to_owned(),
                kind,
                assertion,
            }),
            None if assertion && any => self.checks.converted += 1,
            None => {}
        }
    }

    fn statement(&mut self, stmt: &str, guarded: bool) -> Outcome {
        if stmt.is_empty() || stmt.starts_with("console.") {
            return Outcome::Ignored;
        }
        if let Some(c) = DECL.captures(stmt) {
            return self.declare(&c[1], c[2].trim());
        }
        if let Some(c) = SET.captures(stmt) {
            let Some(capture) = self.capture(&c[1], &c[2]) else {
                return Outcome::Unconverted("variable set from a computed value");
            };
            if guarded {
                self.checks
                    .guarded_captures
                    .insert(c[1].to_owned(), capture);
                return Outcome::Unconverted("inside if/else or a loop");
            }
            self.checks.captures.insert(c[1].to_owned(), capture);
            return Outcome::Converted;
        }
        if !ASSERTION.is_match(stmt) {
            return Outcome::Unconverted(kind_of(stmt));
        }
        if guarded {
            return Outcome::Unconverted("inside if/else or a loop");
        }
        match chai::assertion(stmt, &self.scope) {
            Some(checks) if checks.iter().all(|c| self.fits(c)) => {
                for check in checks {
                    self.apply(check);
                }
                Outcome::Converted
            }
            Some(_) => Outcome::Unconverted("a second check of the same value"),
            None => Outcome::Unconverted(kind_of(stmt)),
        }
    }

    /// `var jsonData = pm.response.json()`, `let id = jsonData.id`,
    /// `const loc = pm.response.headers.get("Location")`.
    fn declare(&mut self, name: &str, value: &str) -> Outcome {
        if let Some(c) = HEADER_GET.captures(value) {
            self.scope.headers.insert(name.to_owned(), c[1].to_owned());
            return Outcome::Ignored;
        }
        if let Some(path) = self.scope.json_path(value) {
            self.scope.aliases.insert(name.to_owned(), path);
            return Outcome::Ignored;
        }
        self.scope.aliases.shift_remove(name);
        self.scope.headers.shift_remove(name);
        Outcome::Unconverted(kind_of(value))
    }

    fn capture(&self, name: &str, value: &str) -> Option<Json> {
        let secret = looks_secret(name);
        let header = HEADER_GET
            .captures(value)
            .map(|c| c[1].to_owned())
            .or_else(|| self.scope.headers.get(value).cloned());
        if let Some(header) = header {
            return Some(if secret {
                json!({"header": header, "secret": true})
            } else {
                json!({"header": header})
            });
        }
        let path = self.scope.json_path(value)?;
        Some(if secret {
            json!({"json": path, "secret": true})
        } else {
            Json::String(path)
        })
    }

    /// Whether a check can join those already made (a path or header checked
    /// twice must not contradict itself).
    fn fits(&self, check: &Check) -> bool {
        match check {
            Check::Json(path, m) => match self.checks.json.get(path) {
                None => true,
                Some(old) => merge(old, m).is_some(),
            },
            Check::Header(name, want) => match self.checks.headers.get(name) {
                None => true,
                Some(old) => merge_header(old, want).is_some(),
            },
            Check::Status(_) | Check::Duration(_) => true,
        }
    }

    fn apply(&mut self, check: Check) {
        match check {
            Check::Status(s) => self.checks.status = Some(s),
            Check::Duration(ms) => self.checks.max_duration = Some(format!("{ms}ms")),
            Check::Json(path, m) => {
                let value = match self.checks.json.get(&path) {
                    Some(old) => merge(old, &m).unwrap_or(m),
                    None => m,
                };
                self.checks.json.insert(path, value);
            }
            Check::Header(name, want) => {
                let value = match self.checks.headers.get(&name) {
                    Some(old) => merge_header(old, &want).unwrap_or(want),
                    None => want,
                };
                self.checks.headers.insert(name, value);
            }
        }
    }

    fn unconverted(&mut self, number: usize, line: &str, kind: &'static str) {
        let assertion = ASSERTION.is_match(line);
        if assertion {
            self.checks.assertions += 1;
        }
        self.checks.unconverted.push(Unconverted {
            line: number,
            text: line.to_owned(),
            kind,
            assertion,
        });
    }
}

/// The statements of `pm.test("x", () => expr)` or `pm.test("x", function () { a; b; })`.
fn one_line_test(line: &str) -> Option<Vec<String>> {
    let (args, rest) = call_args(line.strip_prefix("pm.test")?)?;
    if !rest.trim().trim_end_matches(';').is_empty() {
        return None;
    }
    let args = split_args(args);
    let body = args.get(1)?.trim();
    static FN: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(?:function\s*\(\s*\)|\(\s*\)\s*=>)\s*").expect("valid regex")
    });
    let body = &body[FN.find(body)?.end()..];
    let body = match body.strip_prefix('{').and_then(|b| b.strip_suffix('}')) {
        Some(inner) => inner,
        None => body,
    };
    Some(split_top(body, ';'))
}

/// Two matchers for one path as one, or `None` when they cannot both hold
/// in one map.
fn merge(old: &Json, new: &Json) -> Option<Json> {
    if old == new {
        return Some(old.clone());
    }
    let as_map = |v: &Json| match v {
        Json::Object(m) if m.keys().all(|k| MATCHERS.contains(&k.as_str())) => Some(m.clone()),
        other => Some([("equals".to_owned(), other.clone())].into_iter().collect()),
    };
    let (mut a, b) = (as_map(old)?, as_map(new)?);
    if b.keys().any(|k| a.contains_key(k)) {
        return None;
    }
    a.extend(b);
    Some(Json::Object(a))
}

const MATCHERS: [&str; 12] = [
    "equals", "exists", "type", "matches", "contains", "length", "gt", "gte", "lt", "lte",
    "one_of", "empty",
];

/// Two expectations of one header: presence yields to anything; two
/// substrings are both required.
fn merge_header(old: &Json, new: &Json) -> Option<Json> {
    let pattern = |v: &Json| v.get("matches").and_then(Json::as_str).map(str::to_owned);
    match (pattern(old), pattern(new)) {
        (_, Some(n)) if n.is_empty() => Some(old.clone()),
        (Some(o), _) if o.is_empty() => Some(new.clone()),
        (Some(o), Some(n)) if !o.contains('|') && !n.contains('|') => {
            Some(json!({"matches": format!("{o}.*{n}|{n}.*{o}")}))
        }
        _ => (old == new).then(|| old.clone()),
    }
}

/// Why a statement could not be converted, for grouping.
fn kind_of(stmt: &str) -> &'static str {
    let has = |s: &str| stmt.contains(s);
    if has("setNextRequest") {
        "flow control (setNextRequest)"
    } else if has("tv4.") || has("jsonSchema") || has("ajv") {
        "JSON schema validation"
    } else if has(".unset(") || has(".clear(") {
        "variable unset"
    } else if has("pm.cookies") || has("jar") {
        "cookies"
    } else if has("pm.sendRequest") {
        "pm.sendRequest"
    } else if stmt.starts_with("throw ") {
        "thrown error"
    } else if has("pm.response.text()") || has("responseBody") {
        "response text"
    } else if ASSERTION.is_match(stmt) {
        "assertion with no gatecheck equivalent"
    } else {
        "other script code"
    }
}

#[cfg(test)]
#[path = "scripts_tests.rs"]
mod tests;
