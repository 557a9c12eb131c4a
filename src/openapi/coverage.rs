//! Authorization coverage: every request of the planned trials matched to
//! an operation of the document, and the grid of operations x identities
//! (`none` first) with what is covered, missing or public; requests that
//! match no operation; tests that contradict the document.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value as Json;

use super::model::{Document, server_path};
use super::security::Qualifies;
use crate::run::TrialSpec;
use crate::suite::expect::{StatusExpect, StatusPattern, StatusSet};
use crate::suite::model::{DEMO_BASE_URL, RequestDef};
use crate::suite::validate::NONE;

/// One cell of the grid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase", tag = "state", content = "trials")]
pub enum Cell {
    /// Trials send this operation as this identity.
    Covered(Vec<String>),
    Missing,
    /// An identity's cell of a public operation: not counted.
    Public,
}

/// One operation's row.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub operation: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation_id: Option<String>,
    pub security: String,
    /// One cell per column, in the grid's column order.
    pub cells: Vec<Cell>,
}

/// A request that matches no operation of the document.
#[derive(Debug, Clone, Serialize)]
pub struct Unmatched {
    pub trial: String,
    pub method: String,
    pub path: String,
    /// Methods the document has for this path, when the path is known.
    pub documented_methods: Vec<String>,
}

/// A test that says the opposite of the document.
#[derive(Debug, Clone, Serialize)]
pub struct Contradiction {
    pub trial: String,
    pub operation: String,
    pub message: String,
}

/// The whole result.
#[derive(Debug, Clone, Serialize)]
pub struct Grid {
    pub document: String,
    /// `none`, then each identity.
    pub columns: Vec<String>,
    pub rows: Vec<Row>,
    pub covered: usize,
    /// Cells counted (covered + missing).
    pub cells: usize,
    pub percent: f64,
    pub unmatched: Vec<Unmatched>,
    pub contradictions: Vec<Contradiction>,
}

/// Computes the grid for `trials` over `identities` (fixture names with
/// their token scopes when known).
pub fn grid(
    doc: &Document,
    trials: &[TrialSpec],
    identities: &[(String, Option<Vec<String>>)],
) -> Grid {
    let mut columns = vec![NONE.to_owned()];
    columns.extend(
        identities
            .iter()
            .map(|(n, _)| n.clone())
            .filter(|n| n != NONE),
    );
    let scopes: BTreeMap<&str, Option<&[String]>> = identities
        .iter()
        .map(|(n, s)| (n.as_str(), s.as_deref()))
        .collect();
    // (operation index, column index) -> trial names.
    let mut hits: BTreeMap<(usize, usize), Vec<String>> = BTreeMap::new();
    let mut unmatched = Vec::new();
    let mut contradictions = Vec::new();
    for trial in trials {
        // Broken-authentication trials test authentication, not a cell.
        if trial.skip.is_some() || trial.broken.is_some() {
            continue;
        }
        let trial_label = trial.identity.clone().unwrap_or_else(|| NONE.to_owned());
        for (request, status, step_auth) in requests(trial) {
            let label = step_auth.map_or_else(|| trial_label.clone(), str::to_owned);
            let method = request.method();
            let path = request_path(trial, request);
            let Some(op) = doc.find(&method, &path) else {
                let documented_methods = doc
                    .paths_matching(&path)
                    .iter()
                    .map(|op| op.method.clone())
                    .collect();
                unmatched.push(Unmatched {
                    trial: trial.name.clone(),
                    method,
                    path,
                    documented_methods,
                });
                continue;
            };
            let index = doc
                .operations
                .iter()
                .position(|o| std::ptr::eq(o, op))
                .unwrap_or(0);
            if let Some(column) = columns.iter().position(|c| *c == label) {
                let names = hits.entry((index, column)).or_default();
                if !names.contains(&trial.name) {
                    names.push(trial.name.clone());
                }
            }
            let Some(status) = status else { continue };
            let contradiction = |message: String| Contradiction {
                trial: trial.name.clone(),
                operation: op.label(),
                message,
            };
            if label == NONE {
                if op.security.is_public() && refuses(&status) {
                    contradictions.push(contradiction(format!(
                        "the document says `{}` is public, but the test expects {status} \
                         without a token",
                        op.label()
                    )));
                } else if op.security.is_secured() && succeeds(&status) {
                    contradictions.push(contradiction(format!(
                        "the document requires {} for `{}`, but the test expects {status} \
                         without a token",
                        op.security,
                        op.label()
                    )));
                }
            } else if let Some(have) = scopes.get(label.as_str())
                && let Qualifies::LacksScopes(lacking) = op.security.qualifies(&doc.schemes, *have)
                && succeeds(&status)
            {
                contradictions.push(contradiction(format!(
                    "`{label}` lacks the scope{} {} that the document requires for `{}`, \
                     but the test expects {status}",
                    if lacking.len() == 1 { "" } else { "s" },
                    lacking
                        .iter()
                        .map(|s| format!("`{s}`"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    op.label()
                )));
            }
        }
    }
    let mut rows = Vec::new();
    let (mut covered, mut cells) = (0, 0);
    for (i, op) in doc.operations.iter().enumerate() {
        let public = op.security.is_public();
        let row_cells = (0..columns.len())
            .map(|c| match hits.remove(&(i, c)) {
                _ if public && c > 0 => Cell::Public,
                Some(names) => {
                    covered += 1;
                    cells += 1;
                    Cell::Covered(names)
                }
                None => {
                    cells += 1;
                    Cell::Missing
                }
            })
            .collect();
        rows.push(Row {
            operation: op.label(),
            operation_id: op.operation_id.clone(),
            security: op.security.to_string(),
            cells: row_cells,
        });
    }
    let percent = if cells == 0 {
        100.0
    } else {
        (covered as f64 * 1000.0 / cells as f64).floor() / 10.0
    };
    Grid {
        document: doc.file.display().to_string(),
        columns,
        rows,
        covered,
        cells,
        percent,
        unmatched,
        contradictions,
    }
}

/// The operations (indices) some trial sends a request to, as anyone.
pub fn covered_operations(
    doc: &Document,
    trials: &[TrialSpec],
) -> std::collections::BTreeSet<usize> {
    let mut covered = std::collections::BTreeSet::new();
    for trial in trials.iter().filter(|t| t.broken.is_none()) {
        for (request, _, _) in requests(trial) {
            let path = request_path(trial, request);
            if let Some(op) = doc.find(&request.method(), &path)
                && let Some(i) = doc.operations.iter().position(|o| std::ptr::eq(o, op))
            {
                covered.insert(i);
            }
        }
    }
    covered
}

/// Every request a trial sends, with the statuses it expects (for this
/// trial's identity).
fn requests(trial: &TrialSpec) -> Vec<(&RequestDef, Option<StatusSet>, Option<&str>)> {
    let label = trial.identity_label.as_deref().unwrap_or(NONE);
    let status_of = |status: Option<&StatusExpect>| match status {
        Some(StatusExpect::Any(set)) => Some(set.clone()),
        Some(StatusExpect::Matrix(m)) => m.get(label).cloned(),
        None => None,
    };
    match (&trial.test.steps, &trial.test.request) {
        (Some(steps), _) => steps
            .iter()
            .map(|s| {
                (
                    &s.request,
                    status_of(s.expect.as_ref().and_then(|e| e.status.as_ref())),
                    s.auth.as_deref(),
                )
            })
            .collect(),
        (None, Some(request)) => vec![(
            request,
            trial
                .matrix_status
                .clone()
                .or_else(|| status_of(trial.test.expect.as_ref().and_then(|e| e.status.as_ref()))),
            None,
        )],
        (None, None) => Vec::new(),
    }
}

/// The path a request goes to: the base URL's path and the request's,
/// `{{ variables }}` of the suite and row filled in where known.
pub fn request_path(trial: &TrialSpec, request: &RequestDef) -> String {
    let url = render(trial, &request.url);
    let full = if url.starts_with("http://") || url.starts_with("https://") {
        url
    } else {
        let base = match trial.suite.base_url.as_deref() {
            None | Some(DEMO_BASE_URL) => String::new(),
            Some(base) => render(trial, base),
        };
        format!("{}/{}", server_path(&base), url.trim_start_matches('/'))
    };
    let path = server_path(&full);
    if path.is_empty() {
        "/".to_owned()
    } else {
        path
    }
}

fn render(trial: &TrialSpec, text: &str) -> String {
    if !text.contains("{{") {
        return text.to_owned();
    }
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let Some(len) = rest[start..].find("}}") else {
            out.push_str(&rest[start..]);
            return out;
        };
        let inner = &rest[start + 2..start + len];
        let name = inner.trim();
        let value = trial
            .row
            .as_ref()
            .and_then(|r| r.get(name))
            .or_else(|| trial.suite.vars.get(name));
        match value {
            Some(Json::String(s)) => out.push_str(s),
            Some(v @ (Json::Number(_) | Json::Bool(_))) => out.push_str(&v.to_string()),
            _ => out.push_str(&rest[start..start + len + 2]),
        }
        rest = &rest[start + len + 2..];
    }
    out.push_str(rest);
    out
}

/// Every status the test accepts is a success (2xx).
fn succeeds(status: &StatusSet) -> bool {
    !status.0.is_empty()
        && status.0.iter().all(|p| match p {
            StatusPattern::Exact(c) => (200..300).contains(c),
            StatusPattern::Class(c) => *c == 2,
        })
}

/// Every status the test accepts is a refusal (401 or 403).
fn refuses(status: &StatusSet) -> bool {
    !status.0.is_empty()
        && status
            .0
            .iter()
            .all(|p| matches!(p, StatusPattern::Exact(401 | 403)))
}

/// The grid as text: one line per operation, a legend, the totals, the
/// unmatched requests and the contradictions.
pub fn render_text(grid: &Grid) -> String {
    let width = grid
        .rows
        .iter()
        .map(|r| r.operation.chars().count())
        .max()
        .unwrap_or(9)
        .max(9);
    let col_width: Vec<usize> = grid
        .columns
        .iter()
        .map(|c| c.chars().count().max(7))
        .collect();
    let mut out = format!("{:width$}", "operation");
    for (c, w) in grid.columns.iter().zip(&col_width) {
        out.push_str(&format!("  {c:w$}"));
    }
    out.push_str("  security\n");
    for row in &grid.rows {
        out.push_str(&format!("{:width$}", row.operation));
        for (cell, w) in row.cells.iter().zip(&col_width) {
            let text = match cell {
                Cell::Covered(_) => "covered",
                Cell::Missing => "MISSING",
                Cell::Public => "public",
            };
            out.push_str(&format!("  {text:w$}"));
        }
        out.push_str(&format!("  {}\n", row.security));
    }
    out.push_str(&format!(
        "\ncoverage: {}% ({} of {} cells; public operations count for `none` only)\n",
        grid.percent, grid.covered, grid.cells
    ));
    if !grid.unmatched.is_empty() {
        out.push_str(&format!(
            "\n{} request{} match no operation of the document (undocumented endpoints):\n",
            grid.unmatched.len(),
            if grid.unmatched.len() == 1 { "" } else { "s" }
        ));
        for u in &grid.unmatched {
            let note = if u.documented_methods.is_empty() {
                String::new()
            } else {
                format!(
                    " (the path is documented for {})",
                    u.documented_methods.join(", ")
                )
            };
            out.push_str(&format!(
                "  {} {}  in {}{note}\n",
                u.method, u.path, u.trial
            ));
        }
    }
    if !grid.contradictions.is_empty() {
        out.push_str(&format!(
            "\n{} test{} contradict the document:\n",
            grid.contradictions.len(),
            if grid.contradictions.len() == 1 {
                ""
            } else {
                "s"
            }
        ));
        for c in &grid.contradictions {
            out.push_str(&format!("  {}: {}\n", c.trial, c.message));
        }
    }
    out
}
