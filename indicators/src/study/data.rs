//! Reading a user's file (CSV, Parquet, or the first sheet of an `.xlsx` / `.ods` workbook) by
//! column name, with clear errors.

use std::path::Path;

use impatto_datasets::{csv, workbook};
use polars::prelude::*;

use crate::error::{Error, Result};

fn request(msg: String) -> Error {
    Error::Request(msg)
}

/// Declared reading options of a statistics file (what cannot or should not be detected).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// `Some(true)`: the CSV uses `,` as decimal mark; `None`: detected when unambiguous.
    pub decimal_comma: Option<bool>,
    /// Missing-value tokens besides the empty cell, `NA`, `.` and `NULL`.
    pub missing: Vec<String>,
}

/// A lazy scan of a CSV (through the one reader, [`impatto_datasets::csv`]) or Parquet file, or
/// of a workbook's first sheet ([`impatto_datasets::workbook::read_first_sheet`]).
fn scan(path: &Path, options: &ReadOptions) -> Result<LazyFrame> {
    let display = path.display().to_string();
    if workbook::is_workbook(path) {
        return workbook::read_first_sheet(path, &options.missing).map(IntoLazy::lazy).map_err(|e| request(e.to_string()));
    }
    if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("parquet")) {
        let pl = PlRefPath::try_from_path(path).map_err(|e| request(format!("{display}: {e}")))?;
        return LazyFrame::scan_parquet(pl, ScanArgsParquet::default()).map_err(|e| request(format!("{display}: {e}")));
    }
    let dialect =
        csv::Dialect::detect(path, options.decimal_comma).map_err(|e| request(e.to_string()))?.with_missing(&options.missing);
    csv::scan(path, &dialect, None).map_err(|e| request(e.to_string()))
}

/// Read the named columns of a CSV, Parquet or workbook file.
pub fn read(path: &Path, columns: &[&str]) -> Result<DataFrame> {
    read_with(path, columns, &ReadOptions::default())
}

/// Read the named columns of a CSV, Parquet or workbook file, with declared options.
pub fn read_with(path: &Path, columns: &[&str], options: &ReadOptions) -> Result<DataFrame> {
    let display = path.display().to_string();
    let mut lf = scan(path, options)?;
    let schema = lf.collect_schema().map_err(|e| request(format!("{display}: {e}")))?;
    for c in columns {
        if schema.get(c).is_none() {
            let names: Vec<String> = schema.iter_names().map(|n| n.to_string()).collect();
            return Err(request(format!("{display}: expected a column `{c}`, found only {}", names.join(", "))));
        }
    }
    lf.select(columns.iter().map(|c| col(*c)).collect::<Vec<_>>()).collect().map_err(|e| unreadable(path, options, e))
}

/// Why a file could not be read, with the row where the reader only says that something is
/// wrong: a CSV row with more fields than the header, or bytes that are not UTF-8.
fn unreadable(path: &Path, options: &ReadOptions, e: PolarsError) -> Error {
    let display = path.display();
    let is_csv = !workbook::is_workbook(path) && !path.extension().is_some_and(|x| x.eq_ignore_ascii_case("parquet"));
    let found = csv::Dialect::detect(path, options.decimal_comma)
        .ok()
        .filter(|_| is_csv)
        .and_then(|dialect| csv::diagnose(path, &dialect, 1).ok())
        .and_then(|findings| findings.into_iter().next());
    match found {
        Some(f) => {
            let column = f.column.map(|c| format!(" column `{c}`,")).unwrap_or_default();
            request(format!("{display}:{column} row {}: expected {}, found {}", f.row, f.expected, f.found))
        }
        None => request(format!("{display}: {e}")),
    }
}

/// Every column of a CSV, Parquet or workbook file.
pub fn read_all(path: &Path) -> Result<DataFrame> {
    scan(path, &ReadOptions::default())?.collect().map_err(|e| unreadable(path, &ReadOptions::default(), e))
}

/// The row number messages give a file's first data row: as a spreadsheet shows it, the
/// header being row 1.
pub const FIRST_DATA_ROW: usize = 2;

/// A numeric column as f64 (nulls kept as None); a text column is an error naming it.
pub fn numbers(df: &DataFrame, name: &str, file: &str) -> Result<Vec<Option<f64>>> {
    let c = df.column(name).map_err(|e| request(format!("{file}: {e}")))?;
    if c.dtype() == &DataType::String {
        let text = c.str().map_err(|e| request(format!("{file}: {e}")))?;
        let bad = text.iter().enumerate().find_map(|(i, v)| v.filter(|v| v.trim().parse::<f64>().is_err()).map(|v| (i, v)));
        if let Some((i, v)) = bad {
            let comma = v.trim().replacen(',', ".", 1).parse::<f64>().is_ok();
            let hint = if comma {
                " (a decimal comma: with `;` or tab between fields and `,` as the only decimal mark in the file it is read as such, or pass --decimal-comma)"
            } else {
                ""
            };
            return Err(request(format!(
                "{file}: column `{name}`, row {}: expected a number, found `{v}`{hint}",
                i + FIRST_DATA_ROW
            )));
        }
    }
    if !c.dtype().is_primitive_numeric() && !c.dtype().is_bool() && c.dtype() != &DataType::String {
        return Err(request(format!("{file}: column `{name}`: expected numbers, found {}", c.dtype())));
    }
    let f = c.cast(&DataType::Float64).map_err(|e| request(format!("{file}: column `{name}`: {e}")))?;
    Ok(f.f64().map_err(|e| request(format!("{file}: {e}")))?.iter().collect())
}

/// Any column as text labels (numbers printed as written), nulls kept as None.
pub fn labels(df: &DataFrame, name: &str, file: &str) -> Result<Vec<Option<String>>> {
    let c = df.column(name).map_err(|e| request(format!("{file}: {e}")))?;
    let s = c.cast(&DataType::String).map_err(|e| request(format!("{file}: column `{name}`: {e}")))?;
    Ok(s.str().map_err(|e| request(format!("{file}: {e}")))?.iter().map(|v| v.map(String::from)).collect())
}

/// An event indicator: 1/0, true/false. Anything else is an error with the row.
pub fn events(values: &[Option<f64>], name: &str, file: &str) -> Result<Vec<Option<bool>>> {
    values
        .iter()
        .enumerate()
        .map(|(i, v)| match v {
            None => Ok(None),
            Some(x) if *x == 0.0 => Ok(Some(false)),
            Some(x) if *x == 1.0 => Ok(Some(true)),
            Some(x) => Err(request(format!(
                "{file}: column `{name}`, row {}: expected 0 or 1 (1 = event), found {x}",
                i + FIRST_DATA_ROW
            ))),
        })
        .collect()
}
