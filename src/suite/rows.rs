//! Data rows for `each: FILE`: a YAML list of maps, or a CSV file with a
//! header line (every value a string), from the file's text (read by
//! `load.rs`).

use std::path::Path;

use indexmap::IndexMap;
use serde_json::Value as Json;

pub type Row = IndexMap<String, Json>;

/// The largest rows file read.
pub const MAX_ROWS_FILE: u64 = 64 << 20;

/// The rows of `text`, the content of the `.csv`, `.yaml` or `.yml` file
/// `path` (named in messages).
pub fn parse(path: &Path, text: &str) -> Result<Vec<Row>, String> {
    // Spreadsheet programs write a byte-order mark at the start of CSV files.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default();
    if matches!(ext, "yaml" | "yml")
        && let Some(nul) = super::yaml::nul_byte(text)
    {
        return Err(format!("`{}`:{}: {}", path.display(), nul.pos, nul.message));
    }
    let rows = match ext {
        "csv" => from_csv(text),
        "yaml" | "yml" => serde_yaml::from_str::<Vec<Row>>(text)
            .map_err(|e| format!("`{}` must be a list of maps: {e}", path.display())),
        _ => Err(format!(
            "rows file `{}` must end in .csv, .yaml or .yml",
            path.display()
        )),
    }?;
    if rows.is_empty() {
        return Err(format!("rows file `{}` has no rows", path.display()));
    }
    Ok(rows)
}

fn from_csv(text: &str) -> Result<Vec<Row>, String> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| format!("invalid CSV header: {e}"))?
        .iter()
        .map(|h| h.trim().to_owned())
        .collect();
    reader
        .records()
        .map(|record| {
            let record = record.map_err(|e| format!("invalid CSV: {e}"))?;
            Ok(headers
                .iter()
                .cloned()
                .zip(record.iter().map(|v| Json::String(v.to_owned())))
                .collect())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_rows_are_maps_of_strings() {
        let rows = from_csv("name,limit\nsmall,1\nbig,50\n").unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1]["limit"], Json::String("50".into()));
    }

    #[test]
    fn a_byte_order_mark_is_not_part_of_the_first_column() {
        let rows = parse(Path::new("rows.csv"), "\u{feff}name,limit\nsmall,1\n");
        assert_eq!(rows.unwrap()[0]["name"], Json::String("small".into()));
    }
}
