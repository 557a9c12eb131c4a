//! What gatecheck adds to jsonpath-rust for RFC 9535: the type check of
//! function expressions (section 2.4.3), which the parser leaves out, and
//! the order of a descendant segment with several selectors (section
//! 2.5.2.2: the selectors are applied to each descendant in turn).

use jsonpath_rust::parser::model::Filter;
use jsonpath_rust::parser::model::{
    Comparable, Comparison, FilterAtom, FnArg, JpQuery, Segment, Selector, Test, TestFunction,
};
use jsonpath_rust::query::queryable::Queryable;

/// Why `query` is not well-typed (RFC 9535 section 2.4.3): a function that
/// gives a value used as a test, a query selecting several nodes where one
/// value is expected, a test where a value or nodes are expected.
pub fn well_typed(query: &JpQuery) -> Result<(), String> {
    segments(&query.segments)
}

fn segments(segments: &[Segment]) -> Result<(), String> {
    segments.iter().try_for_each(segment)
}

fn segment(segment: &Segment) -> Result<(), String> {
    match segment {
        Segment::Descendant(inner) => self::segment(inner),
        Segment::Selector(selector) => self::selector(selector),
        Segment::Selectors(selectors) => selectors.iter().try_for_each(self::selector),
    }
}

fn selector(selector: &Selector) -> Result<(), String> {
    match selector {
        Selector::Filter(filter) => logical(filter),
        _ => Ok(()),
    }
}

/// A logical expression (a filter, or one of its parts).
fn logical(filter: &Filter) -> Result<(), String> {
    match filter {
        Filter::Or(parts) | Filter::And(parts) => parts.iter().try_for_each(logical),
        Filter::Atom(FilterAtom::Filter { expr, .. }) => logical(expr),
        Filter::Atom(FilterAtom::Test { expr, .. }) => test(expr),
        Filter::Atom(FilterAtom::Comparison(comparison)) => {
            let (left, right) = match &**comparison {
                Comparison::Eq(l, r)
                | Comparison::Ne(l, r)
                | Comparison::Gt(l, r)
                | Comparison::Gte(l, r)
                | Comparison::Lt(l, r)
                | Comparison::Lte(l, r) => (l, r),
            };
            comparable(left)?;
            comparable(right)
        }
    }
}

/// A test expression: a query (true when it selects a node) or a function
/// giving true or false.
fn test(test: &Test) -> Result<(), String> {
    match test {
        Test::RelQuery(segs) => segments(segs),
        Test::AbsQuery(query) => segments(&query.segments),
        Test::Function(function) => {
            if let Some(name) = value_function(function) {
                return Err(format!(
                    "{name}() gives a value, not true or false; compare it, e.g. `{function} > 0`"
                ));
            }
            arguments(function)
        }
    }
}

/// One side of a comparison: a literal, a singular query or a function
/// giving a value.
fn comparable(comparable: &Comparable) -> Result<(), String> {
    match comparable {
        Comparable::Function(function) => {
            if value_function(function).is_none() && !matches!(function, TestFunction::Custom(..)) {
                return Err(format!(
                    "{function} gives true or false, which cannot be compared; use it alone as \
                     a test"
                ));
            }
            arguments(function)
        }
        Comparable::Literal(_) | Comparable::SingularQuery(_) => Ok(()),
    }
}

/// The name of a function whose result is a value (not true/false).
fn value_function(function: &TestFunction) -> Option<&'static str> {
    match function {
        TestFunction::Length(_) => Some("length"),
        TestFunction::Count(_) => Some("count"),
        TestFunction::Value(_) => Some("value"),
        TestFunction::Search(..) | TestFunction::Match(..) | TestFunction::Custom(..) => None,
    }
}

/// Each argument has its parameter's type: `length`, `match` and `search`
/// take values, `count` and `value` take nodes.
fn arguments(function: &TestFunction) -> Result<(), String> {
    match function {
        TestFunction::Length(arg) => value_argument("length", arg),
        TestFunction::Search(a, b) => {
            value_argument("search", a)?;
            value_argument("search", b)
        }
        TestFunction::Match(a, b) => {
            value_argument("match", a)?;
            value_argument("match", b)
        }
        TestFunction::Count(arg) => nodes_argument("count", arg),
        TestFunction::Value(arg) => nodes_argument("value", arg),
        TestFunction::Custom(_, args) => args.iter().try_for_each(|arg| match arg {
            FnArg::Literal(_) => Ok(()),
            FnArg::Test(t) => test(t),
            FnArg::Filter(f) => logical(f),
        }),
    }
}

/// A value: a literal, a query that selects at most one node, or a function
/// giving a value.
fn value_argument(name: &str, arg: &FnArg) -> Result<(), String> {
    match arg {
        FnArg::Literal(_) => Ok(()),
        FnArg::Test(t) => match &**t {
            Test::RelQuery(segs) => singular(name, segs),
            Test::AbsQuery(query) => singular(name, &query.segments),
            Test::Function(function) => {
                if value_function(function).is_none()
                    && !matches!(**function, TestFunction::Custom(..))
                {
                    return Err(format!(
                        "{name}() takes a value, but {function} gives true or false"
                    ));
                }
                arguments(function)
            }
        },
        FnArg::Filter(_) => Err(format!(
            "{name}() takes a value, not a true-or-false expression"
        )),
    }
}

/// Nodes: a query.
fn nodes_argument(name: &str, arg: &FnArg) -> Result<(), String> {
    match arg {
        FnArg::Test(t) => match &**t {
            Test::RelQuery(segs) => segments(segs),
            Test::AbsQuery(query) => segments(&query.segments),
            Test::Function(function) => Err(format!(
                "{name}() takes a query (such as `@.items[*]`), not {function}"
            )),
        },
        FnArg::Literal(_) | FnArg::Filter(_) => {
            Err(format!("{name}() takes a query (such as `@.items[*]`)"))
        }
    }
}

/// A query used as a value must select at most one node: names and indices
/// only (RFC 9535 section 2.3.5.1, singular queries).
fn singular(name: &str, segs: &[Segment]) -> Result<(), String> {
    let one = |s: &Selector| matches!(s, Selector::Name(_) | Selector::Index(_));
    let all_singular = segs.iter().all(|segment| match segment {
        Segment::Selector(s) => one(s),
        Segment::Selectors(list) => list.len() == 1 && list.iter().all(one),
        Segment::Descendant(_) => false,
    });
    if all_singular {
        Ok(())
    } else {
        Err(format!(
            "{name}() takes one value, but this query can select several nodes; use names and \
             indices only (`@.a`, `@[0]`), or count() for a number of nodes"
        ))
    }
}

/// Whether [`select_in_order`] must run instead of jsonpath-rust's own
/// evaluation, and nothing in the path's filters refers to the root `$`
/// (each segment is run from its input nodes here):
/// - a descendant segment has several selectors (jsonpath-rust applies each
///   selector to all descendants in turn; RFC 9535 applies all selectors to
///   each descendant in turn);
/// - a filter tests the existence of a nested filter's nodes (`$[?@[?@>1]]`:
///   jsonpath-rust applies a filter that starts a query inside a filter to
///   the current node itself instead of its children, so it never selects).
pub fn needs_own_order(query: &JpQuery) -> bool {
    let several = query.segments.iter().any(|s| {
        matches!(s, Segment::Descendant(inner) if matches!(&**inner, Segment::Selectors(l) if l.len() > 1))
    });
    let nested = query.segments.iter().any(|s| {
        segment_selectors(s).iter().any(|s| match s {
            Selector::Filter(f) => has_nested_filter_test(f),
            _ => false,
        })
    });
    (several || nested) && !query.to_string()[1..].contains('$')
}

/// The selectors of a segment (of its inner segment, for a descendant one).
fn segment_selectors(segment: &Segment) -> &[Selector] {
    match segment {
        Segment::Descendant(inner) => segment_selectors(inner),
        Segment::Selector(selector) => std::slice::from_ref(selector),
        Segment::Selectors(selectors) => selectors,
    }
}

/// A relative query whose first segment filters (`@[?...]`).
fn starts_with_filter(segments: &[Segment]) -> bool {
    segments.first().is_some_and(|s| {
        !matches!(s, Segment::Descendant(_))
            && segment_selectors(s)
                .iter()
                .any(|sel| matches!(sel, Selector::Filter(_)))
    })
}

/// Whether `filter` has an existence test of a query starting with a filter.
fn has_nested_filter_test(filter: &Filter) -> bool {
    match filter {
        Filter::Or(parts) | Filter::And(parts) => parts.iter().any(has_nested_filter_test),
        Filter::Atom(FilterAtom::Filter { expr, .. }) => has_nested_filter_test(expr),
        Filter::Atom(FilterAtom::Test { expr, .. }) => match &**expr {
            Test::RelQuery(segs) => {
                starts_with_filter(segs)
                    || segs.iter().any(|s| {
                        segment_selectors(s).iter().any(|sel| match sel {
                            Selector::Filter(f) => has_nested_filter_test(f),
                            _ => false,
                        })
                    })
            }
            _ => false,
        },
        Filter::Atom(FilterAtom::Comparison(_)) => false,
    }
}

/// Selects from `root` segment by segment, a descendant segment visiting
/// each node (the input, then its descendants in document order) and
/// applying all its selectors to it before the next node; a filter with a
/// nested filter's existence test is evaluated here (see
/// [`needs_own_order`]).
pub fn select_in_order<'a, T: Queryable>(query: &JpQuery, root: &'a T) -> Vec<&'a T> {
    let mut nodes = vec![root];
    for segment in &query.segments {
        let (visit, inner) = match segment {
            Segment::Descendant(inner) => (true, &**inner),
            other => (false, other),
        };
        let mut next = Vec::new();
        for node in nodes {
            let mut visited = vec![node];
            if visit {
                descendants(node, &mut visited);
            }
            for v in visited {
                for selector in segment_selectors(inner) {
                    select_one(selector, v, &mut next);
                }
            }
        }
        nodes = next;
    }
    nodes
}

/// Applies one selector to `node`, pushing what it selects.
fn select_one<'a, T: Queryable>(selector: &Selector, node: &'a T, out: &mut Vec<&'a T>) {
    if let Selector::Filter(filter) = selector
        && has_nested_filter_test(filter)
    {
        let mut children = Vec::new();
        if let Some(items) = node.as_array() {
            children.extend(items.iter());
        } else if let Some(members) = node.as_object() {
            children.extend(members.into_iter().map(|(_, v)| v));
        }
        out.extend(children.into_iter().filter(|c| holds(filter, *c)));
        return;
    }
    let step = JpQuery::new(vec![Segment::Selector(selector.clone())]);
    out.extend(
        jsonpath_rust::query::js_path_process(&step, node)
            .map(|refs| refs.into_iter().map(|r| r.val()).collect::<Vec<_>>())
            .unwrap_or_default(),
    );
}

/// Whether `filter` holds for `node` (the filter's `@`).
fn holds<T: Queryable>(filter: &Filter, node: &T) -> bool {
    match filter {
        Filter::Or(parts) => parts.iter().any(|f| holds(f, node)),
        Filter::And(parts) => parts.iter().all(|f| holds(f, node)),
        Filter::Atom(FilterAtom::Filter { expr, not }) => holds(expr, node) != *not,
        Filter::Atom(FilterAtom::Test { expr, not }) if has_nested_filter_test(filter) => {
            let Test::RelQuery(segs) = &**expr else {
                return false;
            };
            let query = JpQuery::new(segs.clone());
            select_in_order(&query, node).is_empty() == *not
        }
        Filter::Atom(atom) => {
            // Any other test or comparison: jsonpath-rust's, on a one-element
            // array holding the node.
            let step = JpQuery::new(vec![Segment::Selector(Selector::Filter(Filter::Atom(
                atom.clone(),
            )))]);
            let wrapper = T::from(vec![node.clone()]);
            jsonpath_rust::query::js_path_process(&step, &wrapper)
                .is_ok_and(|selected| !selected.is_empty())
        }
    }
}

/// The descendants of `node` in document order (each before its children).
fn descendants<'a, T: Queryable>(node: &'a T, out: &mut Vec<&'a T>) {
    if let Some(items) = node.as_array() {
        for item in items {
            out.push(item);
            descendants(item, out);
        }
    } else if let Some(members) = node.as_object() {
        for (_, value) in members {
            out.push(value);
            descendants(value, out);
        }
    }
}
