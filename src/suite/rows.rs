//! Data rows for `each: FILE`: a YAML list of maps, or a CSV file with a
//! header line (every value a string).

use std::path::Path;

use indexmap::IndexMap;
use serde_json::Value as Json;

pub type Row = IndexMap<String, Json>;

/// The largest rows file read.
pub const MAX_ROWS_FILE: u64 = 64 << 20;

/// Reads the rows of a `.csv`, `.yaml` or `.yml` file.
pub fn read(path: &Path) -> Result<Vec<Row>, String> {
    let text = crate::disk::read_regular_text(path, MAX_ROWS_FILE)
        .map_err(|e| format!("failed to read rows file `{}`: {e}", path.display()))?;
    // Spreadsheet programs write a byte-order mark at the start of CSV files.
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
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
        let dir = std::env::temp_dir().join(format!("gatecheck-rows-bom-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("rows.csv");
        std::fs::write(&file, "\u{feff}name,limit\nsmall,1\n").unwrap();
        let rows = read(&file);
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(rows.unwrap()[0]["name"], Json::String("small".into()));
    }
}
