//! Postman test scripts -> expectations and captures: the common patterns of
//! `pm.test` scripts, line by line. Pure; whatever is not recognised is
//! returned with its line number.

use std::sync::LazyLock;

use indexmap::IndexMap;
use regex::Regex;
use serde_json::{Value as Json, json};

use super::vars::template;

/// What a request's test script asserts and captures.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Checks {
    pub status: Option<Json>,
    pub json: IndexMap<String, Json>,
    pub captures: IndexMap<String, String>,
    pub max_duration: Option<String>,
    /// (1-based line, text) of each line not converted.
    pub unconverted: Vec<(usize, String)>,
}

impl Checks {
    /// True when the script asserted something that was converted.
    pub fn any(&self) -> bool {
        self.status.is_some() || !self.json.is_empty() || self.max_duration.is_some()
    }
}

macro_rules! re {
    ($name:ident, $src:expr) => {
        static $name: LazyLock<Regex> = LazyLock::new(|| Regex::new($src).expect("valid regex"));
    };
}

// `var jsonData = pm.response.json();` (or JSON.parse(responseBody)).
re!(
    JSON_VAR,
    r"^(?:var|let|const)\s+(\w+)\s*=\s*(?:pm\.response\.json\(\)|JSON\.parse\(\s*responseBody\s*\))\s*;?$"
);
re!(
    STATUS,
    r"^pm\.response\.to\.have\.status\(\s*(\d{3})\s*\)\s*;?$"
);
re!(
    CODE_EQ,
    r"^pm\.expect\(\s*pm\.response\.code\s*\)\.to\.(?:be\.)?(?:eql|equal|eq)\(\s*(\d{3})\s*\)\s*;?$"
);
re!(
    CODE_ONE_OF,
    r"^pm\.expect\(\s*pm\.response\.code\s*\)\.to\.be\.oneOf\(\s*\[([\d,\s]+)\]\s*\)\s*;?$"
);
re!(BE_CLASS, r"^pm\.response\.to\.(?:be|have)\.(\w+)\s*;?$");
re!(
    TIME,
    r"^pm\.expect\(\s*pm\.response\.responseTime\s*\)\.to\.be\.(?:below|lessThan)\(\s*(\d+)\s*\)\s*;?$"
);
re!(
    EXPECT,
    r"^pm\.expect\(\s*(.+?)\s*\)\.to\.((?:not\.)?(?:be\.|have\.)*)(\w+)(?:\((.*)\))?\s*;?$"
);
re!(
    SET,
    r#"^(?:pm\.(?:environment|collectionVariables|globals|variables)\.set|postman\.set(?:Environment|Global)Variable)\(\s*["']([^"']+)["']\s*,\s*(.+?)\s*\)\s*;?$"#
);
re!(
    GET,
    r#"^pm\.(?:environment|collectionVariables|globals|variables)\.get\(\s*["']([^"']+)["']\s*\)$"#
);
re!(
    NOISE,
    r"^(?:pm\.test\(.*(?:function\s*\(\s*\)|=>)\s*\{|\}\s*\)?\s*;?|\{|//.*|/\*.*\*/)$"
);

/// Reads a test script (its lines as exported).
pub fn read(lines: &[String]) -> Checks {
    let mut checks = Checks::default();
    let mut data_vars: Vec<String> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let line = line.trim();
        if line.is_empty() || NOISE.is_match(line) {
            continue;
        }
        if let Some(c) = JSON_VAR.captures(line) {
            data_vars.push(c[1].to_owned());
            continue;
        }
        if !one_line(line, &data_vars, &mut checks) {
            checks.unconverted.push((i + 1, line.to_owned()));
        }
    }
    checks
}

/// A one-line assertion inside `pm.test(...)` may share the line with it.
fn strip_test_wrapper(line: &str) -> &str {
    static WRAP: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"^pm\.test\(.*?(?:function\s*\(\s*\)|\(\s*\)\s*=>)\s*\{\s*(.+?)\s*\}\s*\)\s*;?$",
        )
        .expect("valid regex")
    });
    match WRAP.captures(line) {
        Some(c) => c.get(1).map_or(line, |m| m.as_str()),
        None => line,
    }
}

fn one_line(line: &str, data_vars: &[String], checks: &mut Checks) -> bool {
    let line = strip_test_wrapper(line);
    if let Some(c) = STATUS.captures(line).or_else(|| CODE_EQ.captures(line)) {
        checks.status = Some(json!(c[1].parse::<u16>().unwrap_or(200)));
        return true;
    }
    if let Some(c) = CODE_ONE_OF.captures(line) {
        let codes: Vec<u16> = c[1]
            .split(',')
            .filter_map(|s| s.trim().parse().ok())
            .collect();
        checks.status = Some(json!(codes));
        return true;
    }
    if let Some(c) = BE_CLASS.captures(line)
        && let Some(status) = status_class(&c[1])
    {
        checks.status = Some(status);
        return true;
    }
    if let Some(c) = TIME.captures(line) {
        checks.max_duration = Some(format!("{}ms", &c[1]));
        return true;
    }
    if let Some(c) = SET.captures(line)
        && let Some(path) = json_path(&c[2], data_vars)
    {
        checks.captures.insert(c[1].to_owned(), path);
        return true;
    }
    if let Some(c) = EXPECT.captures(line) {
        return expectation(&c, data_vars, checks);
    }
    false
}

/// `pm.response.to.be.ok` and friends (chai-postman's status properties).
fn status_class(word: &str) -> Option<Json> {
    Some(match word {
        "ok" => json!(200),
        "success" => json!("2xx"),
        "accepted" => json!(202),
        "redirection" => json!("3xx"),
        "clientError" => json!("4xx"),
        "serverError" => json!("5xx"),
        "badRequest" => json!(400),
        "unauthorized" => json!(401),
        "forbidden" => json!(403),
        "notFound" => json!(404),
        "rateLimited" => json!(429),
        _ => return None,
    })
}

fn expectation(c: &regex::Captures<'_>, data_vars: &[String], checks: &mut Checks) -> bool {
    let Some(path) = json_path(&c[1], data_vars) else {
        return false;
    };
    if let Some(list) = path.strip_suffix(".length") {
        // `pm.expect(jsonData.items.length).to.eql(2)`: a length check.
        let n = c.get(4).and_then(|m| m.as_str().trim().parse::<u64>().ok());
        return match (&c[3], n) {
            ("eql" | "equal" | "eq" | "equals" | "lengthOf", Some(n))
                if c[2].is_empty() || c[2] == *"be." =>
            {
                checks.json.insert(list.to_owned(), json!({"length": n}));
                true
            }
            _ => false,
        };
    }
    let negated = c[2].starts_with("not.");
    let arg = c.get(4).map(|m| m.as_str().trim());
    let matcher = match (&c[3], arg, negated) {
        ("eql" | "equal" | "eq" | "equals", Some(arg), false) => match literal(arg) {
            // A map in a suite is matchers: an object is compared with `equals`.
            Some(v @ Json::Object(_)) => json!({ "equals": v }),
            Some(v) => v,
            None => return false,
        },
        ("exist", None, false) | ("undefined", None, true) => json!({"exists": true}),
        ("exist", None, true) | ("undefined", None, false) => json!({"exists": false}),
        ("a" | "an", Some(arg), false) => match type_name(arg) {
            Some(t) => json!({"type": t}),
            None => return false,
        },
        ("true", None, false) => json!(true),
        ("false", None, false) => json!(false),
        ("null", None, false) => Json::Null,
        ("include" | "contain", Some(arg), false) => match literal(arg) {
            Some(v) => json!({"contains": v}),
            None => return false,
        },
        ("lengthOf", Some(arg), false) => match arg.parse::<u64>() {
            Ok(n) => json!({"length": n}),
            Err(_) => return false,
        },
        ("above", Some(arg), false) => number(arg, "gt"),
        ("below", Some(arg), false) => number(arg, "lt"),
        _ => return false,
    };
    if matcher.is_null() && c[3] != *"null" {
        return false;
    }
    checks.json.insert(path, matcher);
    true
}

fn number(arg: &str, key: &str) -> Json {
    match arg.parse::<f64>() {
        Ok(n) => json!({ key: n }),
        Err(_) => Json::Null,
    }
}

fn type_name(arg: &str) -> Option<&'static str> {
    Some(match arg.trim_matches(|c| c == '"' || c == '\'') {
        "string" => "string",
        "number" => "number",
        "boolean" => "boolean",
        "array" => "array",
        "object" => "object",
        "null" => "null",
        _ => return None,
    })
}

/// `jsonData.a.b[0]["c"]` or `pm.response.json().a` -> `$.a.b[0].c`; `$` for the whole body.
fn json_path(expr: &str, data_vars: &[String]) -> Option<String> {
    let expr = expr.trim().trim_end_matches(';');
    let rest = if let Some(rest) = expr.strip_prefix("pm.response.json()") {
        rest
    } else {
        let var = data_vars.iter().find(|v| {
            expr.strip_prefix(v.as_str())
                .is_some_and(|r| r.is_empty() || r.starts_with(['.', '[']))
        })?;
        &expr[var.len()..]
    };
    static SEGMENT: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"^(?:\.([A-Za-z_$][\w$]*)|\[(\d+)\]|\[["']([^"']+)["']\])"#)
            .expect("valid regex")
    });
    let mut path = String::from("$");
    let mut rest = rest;
    while !rest.is_empty() {
        let c = SEGMENT.captures(rest)?;
        if let Some(name) = c.get(1) {
            path.push('.');
            path.push_str(name.as_str());
        } else if let Some(index) = c.get(2) {
            path.push_str(&format!("[{}]", index.as_str()));
        } else {
            path.push_str(&format!("['{}']", &c[3]));
        }
        rest = &rest[c[0].len()..];
    }
    Some(path)
}

/// A JavaScript literal as JSON (strings templated), or a variable read.
fn literal(arg: &str) -> Option<Json> {
    if let Some(c) = GET.captures(arg) {
        return Some(Json::String(format!("{{{{ {} }}}}", &c[1])));
    }
    if let Some(inner) = arg.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')) {
        return (!inner.contains('\'')).then(|| Json::String(template(inner).text));
    }
    match serde_json::from_str::<Json>(arg).ok()? {
        Json::String(s) => Some(Json::String(template(&s).text)),
        other => Some(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(str::to_owned).collect()
    }

    #[test]
    fn status_json_and_captures_are_converted() {
        let checks = read(&lines(
            r#"pm.test("ok", function () {
    pm.response.to.have.status(201);
});
var jsonData = pm.response.json();
pm.test("title", () => { pm.expect(jsonData.title).to.eql("buy milk"); });
pm.expect(jsonData.items[0]["done"]).to.equal(false);
pm.expect(pm.response.json().count).to.be.above(2);
pm.expect(jsonData.id).to.exist;
pm.expect(jsonData.tags).to.be.an('array');
pm.expect(pm.response.responseTime).to.be.below(500);
pm.environment.set("todo_id", jsonData.id);
pm.collectionVariables.set('owner', jsonData.owner.name);"#,
        ));
        assert_eq!(checks.status, Some(json!(201)));
        assert_eq!(
            Json::Object(checks.json.clone().into_iter().collect()),
            json!({"$.title": "buy milk", "$.items[0]['done']": false, "$.count": {"gt": 2.0},
                   "$.id": {"exists": true}, "$.tags": {"type": "array"}})
        );
        assert_eq!(checks.captures["todo_id"], "$.id");
        assert_eq!(checks.captures["owner"], "$.owner.name");
        assert_eq!(checks.max_duration.as_deref(), Some("500ms"));
        assert!(checks.unconverted.is_empty(), "{:?}", checks.unconverted);
    }

    #[test]
    fn an_expected_object_becomes_equals() {
        let checks = read(&lines(
            r#"pm.expect(pm.response.json().owner).to.eql({"name": "ada"});"#,
        ));
        assert_eq!(
            checks.json["$.owner"],
            json!({"equals": {"name": "ada"}}),
            "a bare map would be read as matchers"
        );
    }

    #[test]
    fn status_forms() {
        let status = |line: &str| read(&lines(line)).status;
        assert_eq!(
            status("pm.expect(pm.response.code).to.eql(204);"),
            Some(json!(204))
        );
        assert_eq!(
            status("pm.expect(pm.response.code).to.equal(404)"),
            Some(json!(404))
        );
        assert_eq!(status("pm.response.to.be.ok;"), Some(json!(200)));
        assert_eq!(status("pm.response.to.be.success"), Some(json!("2xx")));
        assert_eq!(
            status("pm.expect(pm.response.code).to.be.oneOf([200, 201]);"),
            Some(json!([200, 201]))
        );
    }

    #[test]
    fn unrecognised_lines_are_returned_with_their_number() {
        let checks = read(&lines(
            "var jsonData = pm.response.json();\n\npm.expect(jsonData.items.length > 0).to.be.true;\nconsole.log(jsonData);\npm.expect(jsonData.a).to.eql(someVar);",
        ));
        assert_eq!(
            checks.unconverted,
            vec![
                (
                    3,
                    "pm.expect(jsonData.items.length > 0).to.be.true;".to_owned()
                ),
                (4, "console.log(jsonData);".to_owned()),
                (5, "pm.expect(jsonData.a).to.eql(someVar);".to_owned()),
            ]
        );
    }

    #[test]
    fn expected_values_may_read_variables() {
        let checks = read(&lines(
            "const body = pm.response.json();\npm.expect(body.id).to.eql(pm.environment.get(\"todo_id\"));\npm.expect(body.who).to.eql('{{user}}');",
        ));
        assert_eq!(checks.json["$.id"], json!("{{ todo_id }}"));
        assert_eq!(checks.json["$.who"], json!("{{ user }}"));
        let checks = read(&lines(
            "pm.expect(pm.response.json().items.length).to.eql(3);",
        ));
        assert_eq!(checks.json["$.items"], json!({"length": 3}));
    }
}
