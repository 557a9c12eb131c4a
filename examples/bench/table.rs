//! The result table: workload, gatecheck, floor, ratio, target, result.

use std::time::Duration;

pub struct Row {
    pub workload: String,
    pub gatecheck: String,
    pub floor: String,
    pub ratio: String,
    pub target: String,
    /// `None`: informational, no target.
    pub pass: Option<bool>,
}

#[derive(Default)]
pub struct Table {
    rows: Vec<Row>,
    notes: Vec<String>,
}

impl Table {
    pub fn add(&mut self, row: Row) {
        println!(
            "  {:<44} {:>10}  floor {:>10}  {}",
            row.workload,
            row.gatecheck,
            row.floor,
            verdict(row.pass)
        );
        self.rows.push(row);
    }

    pub fn note(&mut self, note: impl Into<String>) {
        let note = note.into();
        println!("  note: {note}");
        self.notes.push(note);
    }

    pub fn all_pass(&self) -> bool {
        self.rows.iter().all(|r| r.pass != Some(false))
    }

    /// A Markdown table (pastes into docs/bench.md as is).
    pub fn render(&self) -> String {
        let head = [
            "workload",
            "gatecheck",
            "floor",
            "ratio",
            "target",
            "result",
        ];
        let cells: Vec<[String; 6]> = self
            .rows
            .iter()
            .map(|r| {
                [
                    r.workload.clone(),
                    r.gatecheck.clone(),
                    r.floor.clone(),
                    r.ratio.clone(),
                    r.target.clone(),
                    verdict(r.pass).to_owned(),
                ]
            })
            .collect();
        let width = |i: usize| {
            cells
                .iter()
                .map(|c| c[i].chars().count())
                .chain([head[i].len()])
                .max()
                .unwrap_or(0)
        };
        let widths: Vec<usize> = (0..6).map(width).collect();
        let line = |cols: &[String]| {
            let parts: Vec<String> = cols
                .iter()
                .zip(&widths)
                .map(|(c, w)| format!("{c:<w$}"))
                .collect();
            format!("| {} |\n", parts.join(" | "))
        };
        let mut out = line(&head.map(str::to_owned));
        let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
        out.push_str(&line(&rule));
        for c in &cells {
            out.push_str(&line(c));
        }
        for n in &self.notes {
            out.push_str(&format!("\nnote: {n}"));
        }
        out
    }
}

fn verdict(pass: Option<bool>) -> &'static str {
    match pass {
        Some(true) => "pass",
        Some(false) => "FAIL",
        None => "info",
    }
}

pub fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

pub fn ratio(a: Duration, b: Duration) -> String {
    format!("{:.2}x", a.as_secs_f64() / b.as_secs_f64())
}

pub fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}
