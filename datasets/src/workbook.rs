//! Excel and LibreOffice workbooks (`.xlsx`, `.ods`) as panel tables and statistics files.
//!
//! Cities keep beneficiary lists in spreadsheets; exporting each sheet to CSV by hand is where
//! dates flip and ids lose their zeros. A workbook is read with calamine (pure Rust, no office
//! suite needed) into an in-memory frame, so the rest of the pipeline sees the same lazy frame
//! as for CSV or Parquet. City lists are small; a workbook is read once, when the panel opens.
//!
//! Which sheet is which table, in a panel directory:
//! - every sheet named like a table (`programmes`, `beneficiaries`, `panel`, …, letter case
//!   and surrounding spaces aside) of any `.xlsx` or `.ods` in the directory is that table, so
//!   one workbook can hold the whole panel;
//! - a workbook named like a table (`beneficiaries.xlsx`) without a sheet of that name gives
//!   the table its first sheet, unless that sheet is named like another table;
//! - a table found twice (in two workbooks, or in a workbook and a CSV or Parquet file) is an
//!   error naming both. Excel's lock files (`~$…`) are not workbooks and are skipped.
//!
//! Within a sheet, the first non-empty row is the header and every row below it is a data row,
//! counted as the sheet numbers it (header on row 1: first data row 2); empty rows at the end
//! are left out. Cells keep the type the spreadsheet gave them, and each is converted to its
//! column's type in the format:
//! - an empty cell, or a text cell holding a missing-value token (`NA`, `.`, `NULL` and those
//!   `columns.toml` declares), is missing;
//! - a date column takes date cells, and text cells written `YYYY-MM-DD` (never a day/month
//!   order guessed); a plain number in a date column is refused, as is any other text;
//! - integer and cents columns take whole numbers (number cells or text digits), number columns
//!   any number (text with `,` as decimal mark only when `decimal_comma = true` is declared);
//! - boolean columns take TRUE/FALSE cells and `true`/`false` text;
//! - text columns take text and numbers (an id typed as `101` reads as `101`), but refuse date
//!   and boolean cells, which a spreadsheet makes of text it takes for a date (`3-12`).
//!
//! A cell that does not fit is a validation issue with the workbook, sheet, column, rows,
//! expected and found (with the cell's address); it is read as missing meanwhile.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use calamine::{Data, ExcelDateTime, Range, Reader};
use chrono::{NaiveDate, NaiveDateTime};
use polars::prelude::*;

use crate::csv::MISSING_TOKENS;
use crate::error::{Error, Issue, Result, Severity};
use crate::message::Phrase;
use crate::phrase;
use crate::schema::{ColumnType, Table};

/// File extensions read as workbooks (lowercase).
pub const EXTENSIONS: [&str; 2] = ["xlsx", "ods"];

/// Example rows kept per column with unreadable cells (the count says how many there are).
const EXAMPLE_ROWS: usize = 5;

/// Is this path a workbook impatto reads (by extension, not an Excel lock file)?
pub fn is_workbook(path: &Path) -> bool {
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    let lock = path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("~$"));
    !lock && ext.is_some_and(|e| EXTENSIONS.contains(&e.as_str()))
}

/// One sheet of a workbook read as a panel table: its columns converted to the format's types,
/// and the cells that could not be.
///
/// Clones share the frame; two `Sheet`s are equal only when they are the same read.
#[derive(Clone, Debug)]
pub struct Sheet(Arc<SheetData>);

#[derive(Debug)]
struct SheetData {
    name: String,
    columns: Vec<String>,
    frame: DataFrame,
    first_row: u64,
    issues: Vec<Issue>,
}

impl PartialEq for Sheet {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for Sheet {}

impl Sheet {
    /// The sheet's name, as the workbook spells it.
    pub fn name(&self) -> &str {
        &self.0.name
    }

    /// The header row's column names, in sheet order.
    pub fn column_names(&self) -> &[String] {
        &self.0.columns
    }

    /// The sheet's data: the format's columns (by the file's names) as their canonical types,
    /// other columns as text; an unreadable cell is null here and reported in [`Sheet::issues`].
    pub fn frame(&self) -> DataFrame {
        self.0.frame.clone()
    }

    /// The sheet's row number of the first data row (the row under the header).
    pub fn first_row(&self) -> u64 {
        self.0.first_row
    }

    /// Cells the format's column types cannot read: one error per column, with the sheet's
    /// row numbers of the first five, their count, and the first value with its cell address.
    pub fn issues(&self) -> &[Issue] {
        &self.0.issues
    }
}

/// How a directory's workbooks are read, as `columns.toml` declares it.
#[derive(Clone, Copy, Debug)]
pub struct Declared<'a> {
    /// canonical name → name in the file, per table stem.
    pub renames: &'a BTreeMap<String, BTreeMap<String, String>>,
    /// Text cells of number columns may use `,` as decimal mark.
    pub decimal_comma: bool,
    /// Missing-value tokens besides the empty cell and [`MISSING_TOKENS`].
    pub missing: &'a [String],
    /// The order of text dates (`date_format` in `columns.toml`); date cells need none.
    pub dates: crate::csv::DateOrder,
}

/// The tables that the workbooks of a panel directory hold (see the module documentation for
/// which sheet is which table), each read with its types: table → (workbook, sheet).
///
/// Errors: [`Error::Workbook`] when a workbook cannot be read, holds a table twice, or a table
/// is in two workbooks, and when a header row is empty or repeats a name.
pub fn tables_in(dir: &Path, declared: Declared<'_>) -> Result<BTreeMap<Table, (PathBuf, Sheet)>> {
    let entries = std::fs::read_dir(dir).map_err(|source| Error::Io { path: dir.to_path_buf(), source })?;
    let mut paths: Vec<PathBuf> =
        entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_file() && is_workbook(p)).collect();
    paths.sort();
    let mut claimed: BTreeMap<Table, (PathBuf, String)> = BTreeMap::new();
    let mut books = Vec::new();
    for path in paths {
        let book = open(&path)?;
        let names = book.sheet_names();
        let mut here: BTreeMap<Table, String> = BTreeMap::new();
        let hidden: Vec<String> = book
            .sheets_metadata()
            .iter()
            .filter(|m| m.visible != calamine::SheetVisible::Visible)
            .map(|m| m.name.clone())
            .collect();
        for name in &names {
            if let Some(table) = Table::from_name(&name.trim().to_lowercase())
                && hidden.contains(name)
            {
                // A hidden sheet is often an old copy kept out of sight: never read it unseen.
                return Err(workbook_err(&path, phrase!("data-sheet-hidden", table = table.stem(), sheet = name)));
            }
            if let Some(table) = Table::from_name(&name.trim().to_lowercase())
                && let Some(first) = here.insert(table, name.clone())
            {
                return Err(workbook_err(&path, phrase!("data-sheet-twice", table = table.stem(), first = first, second = name)));
            }
        }
        let stem = path.file_stem().and_then(|s| s.to_str()).map(|s| s.trim().to_lowercase());
        if let Some(table) = stem.as_deref().and_then(Table::from_name).filter(|t| !here.contains_key(t)) {
            match names.first() {
                Some(first) if Table::from_name(&first.trim().to_lowercase()).is_none() => {
                    here.insert(table, first.clone());
                }
                _ => {
                    return Err(workbook_err(
                        &path,
                        phrase!("data-sheet-unnamed", table = table.stem(), sheets = quoted(&names)),
                    ));
                }
            }
        }
        for (table, sheet) in here {
            if let Some((other, other_sheet)) = claimed.get(&table) {
                return Err(twice(table, &path, &sheet, &format!("{}, sheet `{other_sheet}`", other.display())));
            }
            claimed.insert(table, (path.clone(), sheet));
        }
        books.push((path, book));
    }
    let mut tables = BTreeMap::new();
    for (table, (path, sheet)) in claimed {
        let Some((_, book)) = books.iter_mut().find(|(p, _)| *p == path) else { continue };
        let range = book.worksheet_range(&sheet).map_err(|e| unreadable(&path, e))?;
        refuse_formulas_without_values(&path, &sheet, &range, book.worksheet_formula(&sheet).ok())?;
        let renames = declared.renames.get(table.stem()).cloned().unwrap_or_default();
        let kind = |name: &str| {
            let canonical = renames.iter().find(|(_, f)| f.as_str() == name).map(|(c, _)| c.as_str()).unwrap_or(name);
            table.column(canonical).map(|spec| (spec.name, Kind::Format(spec.ty)))
        };
        let read = read_range(&path, &sheet, &range, kind, declared)?;
        tables.insert(table, (path, Sheet(Arc::new(read))));
    }
    Ok(tables)
}

/// The error for a table found in a workbook sheet and somewhere else (`other`: a file, or a
/// workbook and sheet), naming both.
pub fn twice(table: Table, path: &Path, sheet: &str, other: &str) -> Error {
    workbook_err(path, phrase!("data-table-twice", sheet = sheet, table = table.stem(), other = other))
}

/// The first sheet of a workbook with each column's type inferred from all its cells: numbers
/// (Int64 when every one is whole, else Float64), dates, booleans, or else text (numbers,
/// dates and booleans written as text). Empty cells and missing-value tokens are null. For the
/// statistics commands, which name their columns but declare no types.
pub fn read_first_sheet(path: &Path, missing: &[String]) -> Result<DataFrame> {
    let mut book = open(path)?;
    let Some(sheet) = book.sheet_names().first().cloned() else {
        return Err(workbook_err(path, phrase!("data-no-sheet")));
    };
    let range = book.worksheet_range(&sheet).map_err(|e| unreadable(path, e))?;
    refuse_formulas_without_values(path, &sheet, &range, book.worksheet_formula(&sheet).ok())?;
    let declared = Declared { renames: &BTreeMap::new(), decimal_comma: false, missing, dates: crate::csv::DateOrder::Iso };
    let read = read_range(path, &sheet, &range, |_| None, declared)?;
    Ok(read.frame)
}

/// A formula whose result the file does not store (written by a program, never opened in a
/// spreadsheet) reads as an empty cell: refused, naming the cell, rather than taken as missing.
fn refuse_formulas_without_values(path: &Path, sheet: &str, values: &Range<Data>, formulas: Option<Range<String>>) -> Result<()> {
    let Some(formulas) = formulas else { return Ok(()) };
    let (top, left) = formulas.start().unwrap_or((0, 0));
    for (row, column, formula) in formulas.used_cells() {
        let at = (top + row as u32, left + column as u32);
        if !formula.trim().is_empty() && values.get_value(at).is_none_or(|v| matches!(v, Data::Empty)) {
            return Err(workbook_err(
                path,
                phrase!(
                    "data-formula-no-value",
                    sheet = sheet,
                    cell = format!("{}{}", column_letters(u64::from(at.1)), at.0 + 1),
                    formula = formula.as_str()
                ),
            ));
        }
    }
    Ok(())
}

fn open(path: &Path) -> Result<calamine::Sheets<std::io::BufReader<std::fs::File>>> {
    calamine::open_workbook_auto(path).map_err(|e| unreadable(path, e))
}

fn workbook_err(path: &Path, message: Phrase) -> Error {
    Error::Workbook { path: path.to_path_buf(), message }
}

fn unreadable(path: &Path, e: impl fmt::Display) -> Error {
    workbook_err(path, phrase!("data-workbook-unreadable", error = e.to_string()))
}

fn quoted(names: &[String]) -> String {
    if names.is_empty() { "(none)".into() } else { names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ") }
}

/// What a column is read as: a type of the format, or (columns the format does not know, and
/// statistics files) inferred from its cells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Format(ColumnType),
    Inferred,
}

/// One cell, converted.
#[derive(Clone, Debug, PartialEq)]
enum Value {
    Null,
    Text(String),
    Int(i64),
    Float(f64),
    Date(NaiveDate),
    Bool(bool),
}

/// A cell a column cannot read: what was found, and how to fix it when we can tell.
struct Misfit {
    found: Phrase,
    hint: Option<Phrase>,
}

fn read_range<'a>(
    path: &Path,
    sheet: &str,
    range: &Range<Data>,
    kind_of: impl Fn(&str) -> Option<(&'a str, Kind)>,
    declared: Declared<'_>,
) -> Result<SheetData> {
    let (top, left) = range.start().unwrap_or((0, 0));
    let rows: Vec<&[Data]> = range.rows().collect();
    // Rows of empty or blank cells at the end are formatting, not data.
    let blank =
        |row: &[Data]| row.iter().all(|c| matches!(c, Data::Empty) || matches!(c, Data::String(s) if s.trim().is_empty()));
    let header_at = rows.iter().position(|r| !r.iter().all(|c| matches!(c, Data::Empty))).unwrap_or(rows.len());
    let end = rows.iter().rposition(|r| !blank(r)).map_or(header_at, |i| i + 1).max(header_at + 1).min(rows.len());
    let header_row = u64::from(top) + header_at as u64 + 1;
    let first_row = header_row + 1;
    let data = if header_at < rows.len() { &rows[header_at + 1..end] } else { &[][..] };
    let at = |row: u64, c: usize| format!("{}{row}", column_letters(u64::from(left) + c as u64));
    let mut names: Vec<String> = Vec::new();
    let mut columns = Vec::new();
    let mut issues = Vec::new();
    let width = rows.get(header_at).map_or(0, |r| r.len());
    for c in 0..width {
        let name = rows.get(header_at).map(|r| header_text(&r[c])).unwrap_or_default();
        let cells = data.iter().map(|r| &r[c]);
        if name.is_empty() {
            if cells.clone().all(|cell| matches!(cell, Data::Empty)) {
                continue;
            }
            return Err(workbook_err(path, phrase!("data-header-empty", sheet = sheet, cell = at(header_row, c))));
        }
        if names.contains(&name) {
            return Err(workbook_err(path, phrase!("data-header-twice", sheet = sheet, name = name.as_str())));
        }
        let (label, kind) = kind_of(&name).unwrap_or((name.as_str(), Kind::Inferred));
        let kind = match kind {
            Kind::Inferred => infer(cells.clone(), declared.missing),
            known => known,
        };
        let mut values = Vec::with_capacity(data.len());
        let mut bad: Vec<(u64, String, Misfit)> = Vec::new();
        let mut count = 0u64;
        for (i, cell) in cells.enumerate() {
            match convert(cell, kind, declared) {
                Ok(v) => values.push(v),
                Err(misfit) => {
                    values.push(Value::Null);
                    count += 1;
                    if bad.len() < EXAMPLE_ROWS {
                        let row = first_row + i as u64;
                        bad.push((row, at(row, c), misfit));
                    }
                }
            }
        }
        if let (Kind::Format(ty), Some((_, cell, first))) = (kind, bad.first()) {
            issues.push(Issue {
                severity: Severity::Error,
                file: format!("{}, sheet `{sheet}`", path.display()),
                column: Some(label.to_string()),
                rows: bad.iter().map(|(r, _, _)| *r).collect(),
                count,
                expected: expected(ty),
                found: phrase!("data-in-cell", found = first.found.clone(), cell = cell),
                hint: first.hint.clone(),
            });
        }
        columns.push(
            column(&name, kind, values).map_err(|e| workbook_err(path, Phrase::verbatim(format!("sheet `{sheet}`: {e}"))))?,
        );
        names.push(name);
    }
    let frame =
        DataFrame::new(data.len(), columns).map_err(|e| workbook_err(path, Phrase::verbatim(format!("sheet `{sheet}`: {e}"))))?;
    Ok(SheetData { name: sheet.to_string(), columns: names, frame, first_row, issues })
}

fn header_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_string(),
        other => render(other).unwrap_or_default(),
    }
}

/// Excel's column letters of a 0-based column index: 0 → A, 25 → Z, 26 → AA.
fn column_letters(mut index: u64) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    letters.iter().rev().map(|b| *b as char).collect()
}

fn is_missing(cell: &Data, missing: &[String]) -> bool {
    match cell {
        Data::Empty => true,
        Data::String(s) => {
            let s = s.trim();
            s.is_empty() || MISSING_TOKENS.contains(&s) || missing.iter().any(|m| m == s)
        }
        _ => false,
    }
}

/// The type a column of a statistics file is read as: the one all its non-missing cells share.
fn infer<'c>(cells: impl Iterator<Item = &'c Data>, missing: &[String]) -> Kind {
    let mut kinds = BTreeSet::new();
    for cell in cells.filter(|c| !is_missing(c, missing)) {
        let k = match cell {
            Data::Int(_) => ColumnType::Integer,
            Data::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => ColumnType::Integer,
            Data::Float(_) => ColumnType::Number,
            Data::Bool(_) => ColumnType::Boolean,
            Data::DateTime(d) if d.is_datetime() => ColumnType::Date,
            Data::DateTimeIso(s) if iso_date(s).is_some() => ColumnType::Date,
            _ => return Kind::Inferred,
        };
        kinds.insert(k.name());
    }
    match kinds.into_iter().collect::<Vec<_>>().as_slice() {
        [] => Kind::Inferred,
        ["integer"] => Kind::Format(ColumnType::Integer),
        ["number"] | ["integer", "number"] | ["number", "integer"] => Kind::Format(ColumnType::Number),
        ["boolean"] => Kind::Format(ColumnType::Boolean),
        ["date"] => Kind::Format(ColumnType::Date),
        _ => Kind::Inferred,
    }
}

/// A date written `YYYY-MM-DD`, possibly followed by the time 00:00 (as ODS stores date cells);
/// another time of day is no date (which day a moment stands for is not known).
fn iso_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    let midnight = |d: NaiveDateTime| (d.time() == chrono::NaiveTime::MIN).then_some(d.date());
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .or_else(|| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f").ok().and_then(midnight))
        .or_else(|| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f").ok().and_then(midnight))
}

/// The day of an Excel date cell (its serial number in the workbook's 1900 or 1904 system);
/// `None` for a duration, a negative serial, or Excel's 1900-02-29, which never was.
fn excel_date(d: &ExcelDateTime) -> Option<NaiveDate> {
    if !d.is_datetime() || d.as_f64().is_nan() || d.as_f64() < 0.0 {
        return None;
    }
    let (year, month, day, ..) = d.to_ymd_hms_milli();
    NaiveDate::from_ymd_opt(i32::from(year), u32::from(month), u32::from(day))
}

/// A number's shortest text: whole numbers without `.0` (an id typed as 101 reads `101`).
fn number_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 9.0e15 { format!("{}", f as i64) } else { format!("{f}") }
}

/// A cell as text, for headers and columns of mixed cells; `None` for an empty cell.
fn render(cell: &Data) -> Option<String> {
    Some(match cell {
        Data::Empty => return None,
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number_text(*f),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => match (excel_date(d), d.to_ymd_hms_milli()) {
            (Some(day), (.., 0, 0, 0, 0)) => day.to_string(),
            (Some(day), (.., h, m, s, _)) => format!("{day} {h:02}:{m:02}:{s:02}"),
            (None, _) => number_text(d.as_f64()),
        },
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => e.to_string(),
    })
}

/// How a cell is named in a message.
fn describe(cell: &Data) -> Phrase {
    match cell {
        Data::String(s) => phrase!("data-cell-is-text", value = s),
        Data::Int(i) => phrase!("data-cell-is-number", value = i.to_string()),
        Data::Float(f) => phrase!("data-cell-is-number", value = number_text(*f)),
        Data::Bool(b) => phrase!("data-cell-is-boolean", value = if *b { "TRUE" } else { "FALSE" }),
        Data::DateTime(d) if d.is_duration() => phrase!("data-cell-is-duration", value = number_text(d.as_f64())),
        Data::DateTime(_) | Data::DateTimeIso(_) => phrase!("data-cell-is-date", value = render(cell).unwrap_or_default()),
        Data::DurationIso(s) => phrase!("data-cell-is-duration", value = s),
        Data::Error(e) => phrase!("data-cell-is-error", value = e.to_string()),
        Data::Empty => phrase!("data-empty-cell"),
    }
}

fn expected(ty: ColumnType) -> Phrase {
    match ty {
        ColumnType::Text => phrase!("data-cell-text"),
        ColumnType::Integer => phrase!("data-cell-integer"),
        ColumnType::Cents => phrase!("data-cell-cents"),
        ColumnType::Number => phrase!("data-cell-number"),
        ColumnType::Date => phrase!("data-cell-date"),
        ColumnType::Boolean => phrase!("data-cell-boolean"),
    }
}

fn convert(cell: &Data, kind: Kind, declared: Declared<'_>) -> std::result::Result<Value, Misfit> {
    if is_missing(cell, declared.missing) {
        return Ok(Value::Null);
    }
    let misfit = |hint: Option<Phrase>| Misfit { found: describe(cell), hint };
    let ty = match kind {
        Kind::Format(ty) => ty,
        Kind::Inferred => return Ok(render(cell).map_or(Value::Null, Value::Text)),
    };
    if let Data::Error(_) = cell {
        return Err(misfit(Some(phrase!("data-hint-cell-formula"))));
    }
    let whole = |f: f64| (f.fract() == 0.0 && f.abs() < 9.2e18).then_some(f as i64);
    let fraction_hint = || match ty {
        ColumnType::Cents => Some(phrase!("data-hint-cents-float")),
        _ => Some(phrase!("data-hint-whole-counts")),
    };
    match (ty, cell) {
        (ColumnType::Text, Data::String(s)) => Ok(Value::Text(s.clone())),
        (ColumnType::Text, Data::Int(_) | Data::Float(_)) => Ok(render(cell).map_or(Value::Null, Value::Text)),
        (ColumnType::Text, Data::DateTime(_) | Data::DateTimeIso(_)) => Err(misfit(Some(phrase!("data-hint-cell-text-date")))),
        (ColumnType::Text, _) => Err(misfit(Some(phrase!("data-hint-cell-text")))),
        (ColumnType::Integer | ColumnType::Cents, Data::Int(i)) => Ok(Value::Int(*i)),
        (ColumnType::Integer | ColumnType::Cents, Data::Float(f)) => {
            whole(*f).map(Value::Int).ok_or_else(|| misfit(fraction_hint()))
        }
        (ColumnType::Integer | ColumnType::Cents, Data::String(s)) => s
            .trim()
            .parse::<i64>()
            .map(Value::Int)
            .map_err(|_| misfit(s.trim().parse::<f64>().is_ok().then(fraction_hint).flatten())),
        (ColumnType::Number, Data::Int(i)) => Ok(Value::Float(*i as f64)),
        (ColumnType::Number, Data::Float(f)) => Ok(Value::Float(*f)),
        // Text cells read exactly as CSV cells do (one set of parsing functions).
        (ColumnType::Number, Data::String(s)) => crate::csv::parse_number(s, declared.decimal_comma)
            .map(Value::Float)
            .ok_or_else(|| misfit(crate::csv::parse_number(s, true).is_some().then(|| phrase!("data-hint-cell-decimal-comma")))),
        (ColumnType::Date, Data::DateTime(d)) if d.is_datetime() && d.as_f64().fract() != 0.0 => {
            Err(misfit(Some(phrase!("data-hint-cell-time"))))
        }
        (ColumnType::Date, Data::DateTime(d)) if d.is_datetime() => excel_date(d).map(Value::Date).ok_or_else(|| misfit(None)),
        (ColumnType::Date, Data::DateTimeIso(s)) => iso_date(s).map(Value::Date).ok_or_else(|| misfit(None)),
        (ColumnType::Date, Data::String(s)) => crate::csv::parse_date(s, declared.dates)
            .and_then(|days| NaiveDate::default().checked_add_signed(chrono::TimeDelta::days(i64::from(days))))
            .map(Value::Date)
            .ok_or_else(|| misfit(Some(phrase!("data-hint-cell-date-text")))),
        (ColumnType::Date, Data::Int(_) | Data::Float(_)) => Err(misfit(Some(phrase!("data-hint-cell-date-number")))),
        (ColumnType::Boolean, Data::Bool(b)) => Ok(Value::Bool(*b)),
        (ColumnType::Boolean, Data::String(s)) => crate::csv::parse_boolean(s).map(Value::Bool).ok_or_else(|| misfit(None)),
        _ => Err(misfit(None)),
    }
}

/// A polars column of one kind from converted cells (a value of another kind is null; it
/// cannot occur, as [`convert`] gives each kind its own values).
fn column(name: &str, kind: Kind, values: Vec<Value>) -> PolarsResult<Column> {
    let name = PlSmallStr::from(name);
    Ok(match kind {
        Kind::Format(ColumnType::Integer | ColumnType::Cents) => {
            Column::new(name, values.into_iter().map(|v| if let Value::Int(i) = v { Some(i) } else { None }).collect::<Vec<_>>())
        }
        Kind::Format(ColumnType::Number) => Column::new(
            name,
            values
                .into_iter()
                .map(|v| match v {
                    Value::Float(f) => Some(f),
                    Value::Int(i) => Some(i as f64),
                    _ => None,
                })
                .collect::<Vec<_>>(),
        ),
        Kind::Format(ColumnType::Boolean) => {
            Column::new(name, values.into_iter().map(|v| if let Value::Bool(b) = v { Some(b) } else { None }).collect::<Vec<_>>())
        }
        Kind::Format(ColumnType::Date) => {
            let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
            let days: Vec<Option<i32>> = values
                .into_iter()
                .map(|v| if let Value::Date(d) = v { i32::try_from((d - epoch).num_days()).ok() } else { None })
                .collect();
            Column::new(name, days).cast(&DataType::Date)?
        }
        Kind::Format(ColumnType::Text) | Kind::Inferred => {
            Column::new(name, values.into_iter().map(|v| if let Value::Text(s) = v { Some(s) } else { None }).collect::<Vec<_>>())
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_as_excel_writes_them() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(27), "AB");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }

    #[test]
    fn numbers_as_text_read_as_typed() {
        assert_eq!(number_text(101.0), "101");
        assert_eq!(number_text(1.5), "1.5");
        assert_eq!(number_text(-0.25), "-0.25");
    }

    #[test]
    fn iso_dates_with_or_without_time() {
        let d = NaiveDate::from_ymd_opt(2018, 12, 1);
        assert_eq!(iso_date("2018-12-01"), d);
        assert_eq!(iso_date("2018-12-01T00:00:00"), d);
        assert_eq!(iso_date("01/12/2018"), None);
    }
}
