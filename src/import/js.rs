//! Postman scripts read with a JavaScript parser (oxc): the program, the
//! line of each node, and the small readings of expressions the translation
//! shares (dotted names, literals, lodash paths). Pure.

use oxc_allocator::Allocator;
use oxc_ast::ast::{
    Argument, ArrayExpressionElement, Expression, ObjectPropertyKind, Program, PropertyKey,
};
use oxc_parser::{ParseOptions, Parser};
use oxc_span::SourceType;
use serde_json::{Map, Number, Value as Json};

/// The program of a script, or why it does not parse (the first error).
/// Postman runs a script as a function body, so `return` is allowed.
pub fn parse<'a>(alloc: &'a Allocator, source: &'a str) -> Result<Program<'a>, String> {
    let options = ParseOptions {
        allow_return_outside_function: true,
        ..ParseOptions::default()
    };
    let parsed = Parser::new(alloc, source, SourceType::cjs())
        .with_options(options)
        .parse();
    if parsed.panicked || !parsed.errors.is_empty() {
        let why = parsed
            .errors
            .first()
            .map_or_else(|| "a syntax error".to_owned(), |e| e.message.to_string());
        return Err(why);
    }
    Ok(parsed.program)
}

/// Byte offsets -> 1-based line numbers.
pub struct Lines {
    starts: Vec<u32>,
}

impl Lines {
    pub fn new(source: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(
            source
                .bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| u32::try_from(i + 1).unwrap_or(u32::MAX)),
        );
        Lines { starts }
    }

    pub fn line(&self, offset: u32) -> usize {
        self.starts.partition_point(|s| *s <= offset).max(1)
    }
}

/// `pm.response.headers.get` -> `["pm", "response", "headers", "get"]`:
/// an expression made only of identifiers and static member accesses.
/// Names of the sandbox are short: a longer chain is none of them.
pub fn dotted(expr: &Expression<'_>) -> Option<Vec<String>> {
    dotted_within(expr, 8)
}

fn dotted_within(expr: &Expression<'_>, left: usize) -> Option<Vec<String>> {
    let left = left.checked_sub(1)?;
    match expr.without_parentheses() {
        Expression::Identifier(id) => Some(vec![id.name.to_string()]),
        Expression::StaticMemberExpression(m) => {
            let mut out = dotted_within(&m.object, left)?;
            out.push(m.property.name.to_string());
            Some(out)
        }
        Expression::ComputedMemberExpression(m) => {
            let mut out = dotted_within(&m.object, left)?;
            out.push(string(&m.expression)?);
            Some(out)
        }
        _ => None,
    }
}

/// `pm.response.code` -> true for `is(expr, "pm.response.code")`.
pub fn is(expr: &Expression<'_>, name: &str) -> bool {
    dotted(expr).is_some_and(|parts| parts.join(".") == name)
}

/// A string literal's value (also a template literal without `${}`).
pub fn string(expr: &Expression<'_>) -> Option<String> {
    match expr.without_parentheses() {
        Expression::StringLiteral(s) => Some(s.value.to_string()),
        Expression::TemplateLiteral(t) if t.expressions.is_empty() => Some(
            t.quasis
                .iter()
                .map(|q| q.value.cooked.as_ref().map_or("", |c| c.as_str()))
                .collect(),
        ),
        _ => None,
    }
}

/// An argument as an expression (`None` for a spread).
pub fn arg<'b, 'a>(args: &'b [Argument<'a>], i: usize) -> Option<&'b Expression<'a>> {
    args.get(i).and_then(Argument::as_expression)
}

/// A JavaScript value written literally, as JSON: strings, numbers,
/// `true`, `null`, and arrays and objects of them. `undefined` is not one.
pub fn literal(expr: &Expression<'_>) -> Option<Json> {
    match expr.without_parentheses() {
        Expression::NullLiteral(_) => Some(Json::Null),
        Expression::BooleanLiteral(b) => Some(Json::Bool(b.value)),
        Expression::NumericLiteral(n) => number(n.value),
        Expression::UnaryExpression(u)
            if u.operator == oxc_ast::ast::UnaryOperator::UnaryNegation =>
        {
            match u.argument.without_parentheses() {
                Expression::NumericLiteral(n) => number(-n.value),
                _ => None,
            }
        }
        Expression::ArrayExpression(a) => {
            a.elements
                .iter()
                .map(|e| match e {
                    ArrayExpressionElement::SpreadElement(_)
                    | ArrayExpressionElement::Elision(_) => None,
                    other => literal(other.to_expression()),
                })
                .collect::<Option<Vec<_>>>()
                .map(Json::Array)
        }
        Expression::ObjectExpression(o) => {
            let mut map = Map::new();
            for p in &o.properties {
                let ObjectPropertyKind::ObjectProperty(p) = p else {
                    return None;
                };
                if p.computed || p.method {
                    return None;
                }
                let key = match &p.key {
                    PropertyKey::StaticIdentifier(id) => id.name.to_string(),
                    PropertyKey::StringLiteral(s) => s.value.to_string(),
                    PropertyKey::NumericLiteral(n) => number(n.value)?.to_string(),
                    _ => return None,
                };
                map.insert(key, literal(&p.value)?);
            }
            Some(Json::Object(map))
        }
        other => string(other).map(Json::String),
    }
}

/// A JavaScript number as JSON: integral values as integers.
pub fn number(n: f64) -> Option<Json> {
    if n.is_finite() && n.fract() == 0.0 && n.abs() < 9.0e15 {
        #[allow(clippy::cast_possible_truncation)]
        return Some(Json::Number(Number::from(n as i64)));
    }
    Number::from_f64(n).map(Json::Number)
}

/// A JSONPath segment for a member name: `.name` or `['x-y']`.
pub fn segment(name: &str) -> String {
    let plain = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if plain {
        format!(".{name}")
    } else {
        format!("['{}']", name.replace('\\', "\\\\").replace('\'', "\\'"))
    }
}

/// A lodash / chai-nested path (`a.b[0].c`, `a['x'].b`) as JSONPath
/// segments; `None` for what it cannot be sure of.
pub fn dotted_path(path: &str) -> Option<String> {
    let mut out = String::new();
    for part in path.split('.') {
        let (name, mut rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !name.is_empty() {
            out.push_str(&segment(name));
        } else if rest.is_empty() {
            return None;
        }
        while let Some(r) = rest.strip_prefix('[') {
            let end = r.find(']')?;
            let inner = &r[..end];
            if inner.chars().all(|c| c.is_ascii_digit()) && !inner.is_empty() {
                out.push_str(&format!("[{inner}]"));
            } else {
                let unq = inner
                    .strip_prefix(['\'', '"'])
                    .and_then(|s| s.strip_suffix(['\'', '"']))?;
                out.push_str(&segment(unq));
            }
            rest = &r[end + 1..];
        }
        if !rest.is_empty() {
            return None;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_of_offsets() {
        let lines = Lines::new("a\nbc\n\nd");
        assert_eq!(
            [0, 1, 2, 4, 5, 6].map(|o| lines.line(o)),
            [1, 1, 2, 2, 3, 4]
        );
    }

    #[test]
    fn literals_and_paths() {
        let alloc = Allocator::default();
        let program = parse(
            &alloc,
            "x = [1, -2, 'a', {b: null, 'c-d': true}, 1.5, `t`];",
        )
        .unwrap();
        let oxc_ast::ast::Statement::ExpressionStatement(s) = &program.body[0] else {
            panic!()
        };
        let Expression::AssignmentExpression(a) = &s.expression else {
            panic!()
        };
        assert_eq!(
            literal(&a.right),
            Some(serde_json::json!([1, -2, "a", {"b": null, "c-d": true}, 1.5, "t"]))
        );
        assert_eq!(
            dotted_path("a.b[0]['x-y'].c").as_deref(),
            Some(".a.b[0]['x-y'].c")
        );
        assert_eq!(dotted_path("a..b"), None);
        assert!(parse(&alloc, "pm.test('x', function () {").is_err());
        assert!(parse(&alloc, "if (a) return; b();").is_ok());
    }
}
