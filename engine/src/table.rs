//! Generic result tables for the statistics commands: one column order, four renderings
//! (aligned text, JSON, CSV, Parquet), so every command prints the same way.

use std::fmt::Write;

use polars::prelude::*;
use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::output::Format;

/// A cell.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// Text.
    Text(String),
    /// A real number (missing: None).
    Num(Option<f64>),
    /// A count (missing: None).
    Int(Option<u64>),
}

/// Named columns and rows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Rows {
    /// Title printed above the text table.
    pub title: String,
    /// Column names (the JSON keys, in order).
    pub columns: Vec<&'static str>,
    /// Rows of cells, one per column.
    pub rows: Vec<Vec<Cell>>,
}

impl Rows {
    /// Rows as JSON objects with keys in column order.
    pub fn to_json_values(&self) -> Vec<Value> {
        self.rows
            .iter()
            .map(|r| {
                let mut m = Map::new();
                for (c, v) in self.columns.iter().zip(r) {
                    m.insert(
                        (*c).to_string(),
                        match v {
                            Cell::Text(s) => Value::String(s.clone()),
                            Cell::Num(x) => x.and_then(serde_json::Number::from_f64).map(Value::Number).unwrap_or(Value::Null),
                            Cell::Int(x) => x.map(|n| Value::Number(n.into())).unwrap_or(Value::Null),
                        },
                    );
                }
                Value::Object(m)
            })
            .collect()
    }

    fn frame(&self) -> Result<DataFrame> {
        let cols: Vec<Column> = self
            .columns
            .iter()
            .enumerate()
            .map(|(i, name)| match self.rows.first().map(|r| &r[i]) {
                Some(Cell::Num(_)) => Column::new(
                    (*name).into(),
                    self.rows.iter().map(|r| if let Cell::Num(x) = r[i] { x } else { None }).collect::<Vec<_>>(),
                ),
                Some(Cell::Int(_)) => Column::new(
                    (*name).into(),
                    self.rows.iter().map(|r| if let Cell::Int(x) = r[i] { x } else { None }).collect::<Vec<_>>(),
                ),
                _ => Column::new(
                    (*name).into(),
                    self.rows
                        .iter()
                        .map(|r| if let Cell::Text(s) = &r[i] { s.clone() } else { String::new() })
                        .collect::<Vec<_>>(),
                ),
            })
            .collect();
        DataFrame::new_infer_height(cols).map_err(|e| Error::Internal(format!("result frame: {e}")))
    }

    fn text(&self) -> String {
        let cell = |c: &Cell| match c {
            Cell::Text(s) => s.clone(),
            Cell::Num(Some(x)) if x.abs() >= 1e-4 || *x == 0.0 => {
                format!("{x:.6}").trim_end_matches('0').trim_end_matches('.').to_string()
            }
            Cell::Num(Some(x)) => format!("{x:.4e}"),
            Cell::Num(None) | Cell::Int(None) => "NA".into(),
            Cell::Int(Some(n)) => n.to_string(),
        };
        let body: Vec<Vec<String>> = self.rows.iter().map(|r| r.iter().map(cell).collect()).collect();
        let widths: Vec<usize> = (0..self.columns.len())
            .map(|i| body.iter().map(|r| r[i].chars().count()).chain([self.columns[i].len()]).max().unwrap_or(0))
            .collect();
        let mut out = String::new();
        if !self.title.is_empty() {
            let _ = writeln!(out, "{}", self.title);
        }
        let line = |cells: Vec<String>| {
            cells.iter().zip(&widths).map(|(c, w)| format!("{c:>w$}", w = *w)).collect::<Vec<_>>().join("  ")
        };
        let _ = writeln!(out, "{}", line(self.columns.iter().map(|c| c.to_string()).collect()));
        for r in body {
            let _ = writeln!(out, "{}", line(r));
        }
        out
    }
}

/// Render one or more tables. JSON is an object keyed by `keys` (one per table); CSV and
/// Parquet take the first table only.
pub fn render(tables: &[(&str, &Rows)], format: Format) -> Result<Vec<u8>> {
    match format {
        Format::Table => Ok(tables.iter().map(|(_, t)| t.text()).collect::<Vec<_>>().join("\n").into_bytes()),
        Format::Json => {
            let mut m = Map::new();
            for (key, t) in tables {
                m.insert((*key).to_string(), Value::Array(t.to_json_values()));
            }
            let mut out = serde_json::to_vec_pretty(&Value::Object(m)).map_err(|e| Error::Internal(e.to_string()))?;
            out.push(b'\n');
            Ok(out)
        }
        Format::Csv => {
            let Some((_, first)) = tables.first() else { return Ok(Vec::new()) };
            crate::output::frame_bytes(&mut first.frame()?, crate::output::TableFormat::Csv)
        }
        Format::Parquet => {
            let Some((_, first)) = tables.first() else { return Ok(Vec::new()) };
            crate::output::frame_bytes(&mut first.frame()?, crate::output::TableFormat::Parquet)
        }
    }
}
