//! The one CSV reader of impatto: panel tables and the statistics commands' files go through it.
//!
//! - the field separator is detected from the header line among `,`, `;` and tab; a header
//!   holding more than one of them (outside quotes) is refused as ambiguous;
//! - a UTF-8 byte-order mark and CRLF line ends are accepted;
//! - empty cells and the tokens of [`MISSING_TOKENS`] (`NA` as R writes, `.` as Stata writes,
//!   `NULL`) are missing values, and so are the tokens a user declares ([`Dialect::missing`]);
//! - column types are inferred from the whole file, never from its first rows only (panel
//!   tables are read as text and parsed by their declared types: [`parse`]);
//! - dates are `YYYY-MM-DD` unless another order is declared ([`DateOrder`]): `12/01/2018` is
//!   never guessed to be December or January;
//! - a row with more fields than the header, or bytes that are not UTF-8, are reported with
//!   their row as a spreadsheet numbers it ([`diagnose`], through the `csv` crate).
//! - a decimal comma (`1,5`) is read when declared, or detected when unambiguous: the separator
//!   is `;` (or tab), some numeric-looking cell has a `,` decimal mark and none has a `.`.
//!
//! ```no_run
//! use impatto_datasets::csv;
//! let path = std::path::Path::new("ricavi.csv");
//! let dialect = csv::Dialect::detect(path, None)?;
//! let frame = csv::scan(path, &dialect, None)?.collect();
//! # let _ = frame;
//! # Ok::<(), impatto_datasets::Error>(())
//! ```

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::sync::Arc;

use polars::prelude::*;

use crate::error::{Error, Result, polars_err};
use crate::message::Phrase;
use crate::phrase;
use crate::schema::ColumnType;

/// Cell contents read as a missing value (besides the empty cell).
pub const MISSING_TOKENS: [&str; 3] = ["NA", ".", "NULL"];

/// Data lines looked at when detecting a decimal comma.
const DECIMAL_SAMPLE_LINES: usize = 100_000;

/// How one CSV file is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dialect {
    /// Field separator: `,`, `;` or tab.
    pub separator: u8,
    /// `,` is the decimal mark of numbers (`1,5` = 1.5).
    pub decimal_comma: bool,
    /// Declared missing-value tokens, besides the empty cell and [`MISSING_TOKENS`].
    pub missing: Vec<String>,
    /// The order dates are written in (default `YYYY-MM-DD`).
    pub dates: DateOrder,
    /// The file has blank lines (nothing but separators, spaces and empty quotes) after its
    /// header: they are no rows. Found when the dialect is detected, so that the files without
    /// (nearly all) are read without a filter over every column.
    pub blank_lines: bool,
}

impl Default for Dialect {
    /// `,`-separated, decimal point, the standard missing tokens, ISO dates.
    fn default() -> Dialect {
        Dialect { separator: b',', decimal_comma: false, missing: vec![], dates: DateOrder::Iso, blank_lines: false }
    }
}

/// The order of day, month and year in the dates of a file, as declared (`date_format` in
/// `columns.toml`). That order and `YYYY-MM-DD` are accepted, nothing else, and nothing is
/// guessed: a file of `12/01/2018` dates could be either order, so a non-ISO order must be
/// declared.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DateOrder {
    /// `2018-12-01` (ISO 8601), the default.
    #[default]
    Iso,
    /// `01/12/2018`, as Italian and most European spreadsheets write it.
    DayMonthYear,
    /// `12/01/2018`, as US spreadsheets write it.
    MonthDayYear,
    /// `01.12.2018`.
    DayMonthYearDots,
    /// `01-12-2018`.
    DayMonthYearDashes,
}

impl DateOrder {
    /// Every order, in the order the documentation lists them.
    pub const ALL: [DateOrder; 5] = [
        DateOrder::Iso,
        DateOrder::DayMonthYear,
        DateOrder::MonthDayYear,
        DateOrder::DayMonthYearDots,
        DateOrder::DayMonthYearDashes,
    ];

    /// How a user declares it: `YYYY-MM-DD`, `DD/MM/YYYY`, `MM/DD/YYYY`, `DD.MM.YYYY`, `DD-MM-YYYY`.
    pub fn name(self) -> &'static str {
        match self {
            DateOrder::Iso => "YYYY-MM-DD",
            DateOrder::DayMonthYear => "DD/MM/YYYY",
            DateOrder::MonthDayYear => "MM/DD/YYYY",
            DateOrder::DayMonthYearDots => "DD.MM.YYYY",
            DateOrder::DayMonthYearDashes => "DD-MM-YYYY",
        }
    }

    /// The `strftime` pattern (chrono, polars).
    pub fn pattern(self) -> &'static str {
        match self {
            DateOrder::Iso => "%Y-%m-%d",
            DateOrder::DayMonthYear => "%d/%m/%Y",
            DateOrder::MonthDayYear => "%m/%d/%Y",
            DateOrder::DayMonthYearDots => "%d.%m.%Y",
            DateOrder::DayMonthYearDashes => "%d-%m-%Y",
        }
    }

    /// The order a user declares by [`DateOrder::name`] (case-insensitive).
    pub fn from_name(name: &str) -> Option<DateOrder> {
        DateOrder::ALL.into_iter().find(|o| o.name().eq_ignore_ascii_case(name.trim()))
    }

    /// Does `cell` read as a date in this order (exactly: four-digit year, no time)?
    pub fn reads(self, cell: &str) -> bool {
        self.date(cell).is_some()
    }

    /// The date `cell` stands for in this order: a four-digit year, the day and month in
    /// one or two digits (two in ISO), nothing else around them but spaces. Parsed by hand:
    /// the panel's month column is read on every scan, and chrono's pattern parser cost
    /// a second per million cells.
    pub fn date(self, cell: &str) -> Option<chrono::NaiveDate> {
        let separator = match self {
            DateOrder::Iso | DateOrder::DayMonthYearDashes => '-',
            DateOrder::DayMonthYear | DateOrder::MonthDayYear => '/',
            DateOrder::DayMonthYearDots => '.',
        };
        let mut parts = cell.trim().split(separator);
        let (a, b, c) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        let number = |part: &str, min: usize, max: usize| -> Option<u32> {
            if (min..=max).contains(&part.len()) && part.bytes().all(|b| b.is_ascii_digit()) { part.parse().ok() } else { None }
        };
        let (year, month, day) = match self {
            DateOrder::Iso => (number(a, 4, 4)?, number(b, 2, 2)?, number(c, 2, 2)?),
            DateOrder::MonthDayYear => (number(c, 4, 4)?, number(a, 1, 2)?, number(b, 1, 2)?),
            _ => (number(c, 4, 4)?, number(b, 1, 2)?, number(a, 1, 2)?),
        };
        chrono::NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)
    }
}

fn config(path: &Path, message: Phrase) -> Error {
    Error::Config { path: path.to_path_buf(), message }
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io { path: path.to_path_buf(), source }
}

/// The header line of a file: without a byte-order mark and line end.
///
/// Refused, since no reading could be right: an empty file, text in UTF-16 (Excel's "Unicode
/// text"), and line ends that are a lone carriage return (old Mac files), which would make the
/// whole file one header line.
pub fn header_line(path: &Path) -> Result<String> {
    let file = fs::File::open(path).map_err(io(path))?;
    let mut start = Vec::new();
    std::io::Read::read_to_end(&mut std::io::Read::take(file, 64 * 1024), &mut start).map_err(io(path))?;
    let refuse = |found: Phrase, hint: Phrase| config(path, phrase!("data-csv-refused", found = found, hint = hint));
    if start.starts_with(&[0xff, 0xfe]) || start.starts_with(&[0xfe, 0xff]) {
        return Err(refuse(phrase!("data-csv-utf16"), phrase!("data-hint-csv-utf8")));
    }
    let body = start.strip_prefix(&[0xef, 0xbb, 0xbf][..]).unwrap_or(&start);
    if body.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(refuse(phrase!("data-csv-empty"), phrase!("data-hint-csv-export")));
    }
    if body.contains(&b'\r') && !body.contains(&b'\n') {
        return Err(refuse(phrase!("data-csv-cr"), phrase!("data-hint-csv-line-ends")));
    }
    let mut first = Vec::new();
    BufReader::new(fs::File::open(path).map_err(io(path))?).read_until(b'\n', &mut first).map_err(io(path))?;
    let first = first.strip_prefix(&[0xef, 0xbb, 0xbf][..]).unwrap_or(&first);
    let line = String::from_utf8_lossy(first);
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

/// Split one line at `separator`, outside double quotes; fields trimmed of spaces and quotes.
fn split(line: &str, separator: char) -> Vec<String> {
    let mut fields = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for ch in line.chars() {
        if ch == '"' {
            quoted = !quoted;
            current.push(ch);
        } else if ch == separator && !quoted {
            fields.push(std::mem::take(&mut current));
        } else {
            current.push(ch);
        }
    }
    fields.push(current);
    fields.into_iter().map(|f| f.trim().trim_matches('"').to_string()).collect()
}

/// The separators (`,`, `;`, tab) in a header line outside quotes.
fn separators_in(header: &str) -> Vec<u8> {
    let mut quoted = false;
    let mut found = Vec::new();
    for b in header.bytes() {
        match b {
            b'"' => quoted = !quoted,
            b',' | b';' | b'\t' if !quoted && !found.contains(&b) => found.push(b),
            _ => {}
        }
    }
    found
}

fn separator_name(b: u8) -> &'static str {
    match b {
        b',' => "`,`",
        b';' => "`;`",
        _ => "tab",
    }
}

/// The field separator of a header line; one column (no separator) reads as `,`.
pub fn detect_separator(path: &Path, header: &str) -> Result<u8> {
    match separators_in(header).as_slice() {
        [] => Ok(b','),
        [one] => Ok(*one),
        several => Err(config(
            path,
            phrase!(
                "data-csv-separators",
                found = match several {
                    [first, second] => phrase!("data-both", first = separator_name(*first), second = separator_name(*second)),
                    _ => Phrase::verbatim(several.iter().map(|b| separator_name(*b)).collect::<Vec<_>>().join(", ")),
                },
                header = header
            ),
        )),
    }
}

/// Does a cell look like a number with a decimal comma (`-1,5`, `12,75`)? With a decimal point?
fn decimal_mark(cell: &str) -> Option<char> {
    let s = cell.trim().trim_matches('"');
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    let mark = if s.contains(',') { ',' } else { '.' };
    let (int, frac) = s.split_once(mark)?;
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    (digits(int) && digits(frac)).then_some(mark)
}

/// Is `,` the decimal mark of the file? Only with a separator other than `,`, and only when some
/// numeric cell uses `,` and none uses `.` (in the first [`DECIMAL_SAMPLE_LINES`] data lines).
fn detect_decimal_comma(path: &Path, separator: u8) -> Result<bool> {
    if separator == b',' {
        return Ok(false);
    }
    let file = fs::File::open(path).map_err(io(path))?;
    let (mut comma, mut point) = (false, false);
    for line in BufReader::new(file).lines().skip(1).take(DECIMAL_SAMPLE_LINES) {
        let line = line.map_err(io(path))?;
        for cell in line.trim_end_matches('\r').split(separator as char) {
            match decimal_mark(cell) {
                Some(',') => comma = true,
                Some(_) => point = true,
                None => {}
            }
        }
        if point {
            return Ok(false);
        }
    }
    Ok(comma)
}

/// Does any line after the header hold nothing but separators, spaces and quotes?
fn has_blank_lines(path: &Path, separator: u8) -> Result<bool> {
    let file = fs::File::open(path).map_err(io(path))?;
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let mut line = Vec::new();
    reader.read_until(b'\n', &mut line).map_err(io(path))?;
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line).map_err(io(path))? == 0 {
            return Ok(false);
        }
        if line.iter().all(|b| *b == separator || matches!(b, b' ' | b'"' | b'\r' | b'\n')) {
            return Ok(true);
        }
    }
}

impl Dialect {
    /// Detect the separator from the header line, and the decimal mark unless `decimal_comma`
    /// declares it. A declared decimal comma with a `,` separator is refused.
    pub fn detect(path: &Path, decimal_comma: Option<bool>) -> Result<Dialect> {
        let header = header_line(path)?;
        let separator = detect_separator(path, &header)?;
        let decimal_comma = match decimal_comma {
            Some(true) if separator == b',' => {
                return Err(config(path, phrase!("data-csv-comma-both")));
            }
            Some(declared) => declared,
            None => detect_decimal_comma(path, separator)?,
        };
        let blank_lines = has_blank_lines(path, separator)?;
        Ok(Dialect { separator, decimal_comma, missing: vec![], dates: DateOrder::Iso, blank_lines })
    }

    /// The same dialect with dates in this order.
    pub fn with_dates(mut self, dates: DateOrder) -> Dialect {
        self.dates = dates;
        self
    }

    /// The same dialect with these declared missing-value tokens as well.
    pub fn with_missing(mut self, tokens: &[String]) -> Dialect {
        self.missing = tokens.to_vec();
        self
    }
}

/// The column names of the header line, split at the dialect's separator.
pub fn column_names(path: &Path, dialect: &Dialect) -> Result<Vec<String>> {
    Ok(split(&header_line(path)?, dialect.separator as char))
}

/// A lazy scan of the file: types inferred from every row (or given in `dtypes`, by column
/// name; when `dtypes` names every column of the header nothing is inferred), missing-value
/// tokens read as null.
pub fn scan(path: &Path, dialect: &Dialect, dtypes: Option<Schema>) -> Result<LazyFrame> {
    let display = path.display().to_string();
    let pl = PlRefPath::try_from_path(path).map_err(polars_err(display.clone()))?;
    let tokens =
        MISSING_TOKENS.iter().map(|t| PlSmallStr::from(*t)).chain(dialect.missing.iter().map(|t| PlSmallStr::from(t.as_str())));
    let nulls = NullValues::AllColumns(tokens.collect());
    let mut reader = LazyCsvReader::new(pl)
        .with_has_header(true)
        .with_separator(dialect.separator)
        .with_decimal_comma(dialect.decimal_comma)
        .with_null_values(Some(nulls))
        .with_missing_is_null(true)
        .with_infer_schema_length(None);
    if let Some(schema) = dtypes {
        // A type for every column of the header: nothing to infer, and inferring from the
        // whole file would cost a pass over it on every scan.
        let every_column = column_names(path, dialect)?.iter().all(|n| schema.get(n.as_str()).is_some());
        reader = if every_column {
            reader.with_schema(Some(Arc::new(schema)))
        } else {
            reader.with_dtype_overwrite(Some(Arc::new(schema)))
        };
    }
    reader.finish().map_err(polars_err(display))
}

/// A number as written in the file: `1.5`, or `1,5` with a decimal comma (then a `.` anywhere
/// is refused: `1.234,5` could be either mark); finite values only.
pub fn parse_number(cell: &str, decimal_comma: bool) -> Option<f64> {
    let cell = cell.trim();
    let value = if decimal_comma {
        if cell.contains('.') {
            return None;
        }
        cell.replacen(',', ".", 1).parse::<f64>().ok()?
    } else {
        cell.parse::<f64>().ok()?
    };
    value.is_finite().then_some(value)
}

/// Days since 1970-01-01 of a date written in `order`, or as `YYYY-MM-DD`, which no other order
/// can be mistaken for (see [`DateOrder::reads`]).
pub fn parse_date(cell: &str, order: DateOrder) -> Option<i32> {
    let date = order.date(cell).or_else(|| DateOrder::Iso.date(cell))?;
    i32::try_from((date - chrono::NaiveDate::default()).num_days()).ok()
}

/// `true` or `false`, in any case (R writes `TRUE`).
pub fn parse_boolean(cell: &str) -> Option<bool> {
    let cell = cell.trim();
    if cell.eq_ignore_ascii_case("true") {
        Some(true)
    } else if cell.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// The typed values of a text column, read as `ty` in this dialect: a cell that does not read
/// becomes empty (null). Validation keeps the text beside it, so such a cell is reported with
/// its row, never taken for a missing value.
///
/// The same functions decide what reads and what it reads as ([`parse_number`],
/// [`parse_date`], [`parse_boolean`], and `i64` for whole numbers and cents), so what
/// validation accepts is exactly what the computations see.
pub fn parse(text: Expr, ty: ColumnType, dialect: &Dialect) -> Expr {
    let (decimal_comma, dates) = (dialect.decimal_comma, dialect.dates);
    let dtype = crate::source::canonical_dtype(ty);
    text.map(
        move |c| {
            let name = c.name().clone();
            // A blank cell — empty between quotes (`""`) or spaces only — is missing, as an
            // empty one is (typed cells: no parse takes a blank).
            let cells = c.str()?;
            Ok(match ty {
                ColumnType::Text => {
                    StringChunked::from_iter_options(name, cells.iter().map(|v| v.filter(|v| !v.trim().is_empty()))).into_column()
                }
                ColumnType::Integer | ColumnType::Cents => {
                    Int64Chunked::from_iter_options(name, cells.iter().map(|v| v.and_then(|v| v.trim().parse::<i64>().ok())))
                        .into_column()
                }
                ColumnType::Number => {
                    Float64Chunked::from_iter_options(name, cells.iter().map(|v| v.and_then(|v| parse_number(v, decimal_comma))))
                        .into_column()
                }
                ColumnType::Date => {
                    Int32Chunked::from_iter_options(name, cells.iter().map(|v| v.and_then(|v| parse_date(v, dates))))
                        .into_date()
                        .into_column()
                }
                ColumnType::Boolean => {
                    BooleanChunked::from_iter_options(name, cells.iter().map(|v| v.and_then(parse_boolean))).into_column()
                }
            })
        },
        move |_, field| Ok(Field::new(field.name().clone(), dtype.clone())),
    )
}

/// A row no typed reading can take, found by [`diagnose`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unreadable {
    /// The row as a spreadsheet numbers it (the header is row 1).
    pub row: u64,
    /// The column, when the problem is in one field.
    pub column: Option<String>,
    /// What the row or field should hold.
    pub expected: Phrase,
    /// What it holds.
    pub found: Phrase,
}

/// What a file holds that no typed reading can take: rows with another number of fields than
/// the header, and fields that are not UTF-8; at most `limit` of them.
///
/// Used when reading a file failed, to say where; it reads the whole file with the `csv`
/// crate (quotes, embedded line ends and a byte-order mark handled as spreadsheets write them).
pub fn diagnose(path: &Path, dialect: &Dialect, limit: usize) -> Result<Vec<Unreadable>> {
    let mut reader = ::csv::ReaderBuilder::new()
        .delimiter(dialect.separator)
        .has_headers(false)
        .flexible(true)
        .from_path(path)
        .map_err(|e| Error::Io { path: path.to_path_buf(), source: std::io::Error::other(e.to_string()) })?;
    let mut findings = Vec::new();
    let mut header: Vec<String> = Vec::new();
    let mut record = ::csv::ByteRecord::new();
    let mut row: u64 = 0;
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                findings.push(Unreadable {
                    row: row + 1,
                    column: None,
                    expected: phrase!("data-csv-row"),
                    found: Phrase::verbatim(e.to_string()),
                });
                break;
            }
        }
        row += 1;
        let fields: Vec<&[u8]> = record.iter().collect();
        if row == 1 {
            header = fields.iter().map(|f| String::from_utf8_lossy(f).trim_start_matches('\u{feff}').to_string()).collect();
        } else if fields.len() != header.len() {
            findings.push(Unreadable {
                row,
                column: None,
                expected: phrase!("data-fields-as-header", count = header.len()),
                found: Phrase::verbatim(fields.len().to_string()),
            });
        }
        for (i, field) in fields.iter().enumerate() {
            if let Err(e) = std::str::from_utf8(field) {
                findings.push(Unreadable {
                    row,
                    column: Some(header.get(i).cloned().unwrap_or_else(|| format!("field {}", i + 1))),
                    expected: phrase!("data-utf8"),
                    found: phrase!(
                        "data-not-utf8-at",
                        byte = e.valid_up_to() + 1,
                        text = String::from_utf8_lossy(field).into_owned()
                    ),
                });
            }
        }
        if findings.len() >= limit {
            break;
        }
    }
    Ok(findings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_orders_read_only_their_own_order() {
        assert!(DateOrder::Iso.reads("2018-12-01"));
        assert!(!DateOrder::Iso.reads("2018-12-01T00:00:00"));
        assert!(!DateOrder::Iso.reads("01/12/2018"));
        assert!(!DateOrder::Iso.reads("10000-01-01"));
        assert!(DateOrder::DayMonthYear.reads("31/12/2018"));
        assert!(!DateOrder::DayMonthYear.reads("12/31/2018"));
        assert!(DateOrder::MonthDayYear.reads("12/31/2018"));
        assert!(!DateOrder::DayMonthYear.reads("31/12/18"));
        assert!(DateOrder::DayMonthYear.reads("1/2/2018") && !DateOrder::Iso.reads("2018-1-2"));
        assert!(!DateOrder::Iso.reads("2019-02-29") && DateOrder::Iso.reads("2020-02-29"));
        assert!(!DateOrder::Iso.reads("+018-12-01") && !DateOrder::Iso.reads("2018-12-01-"));
        assert_eq!(DateOrder::from_name("dd/mm/yyyy"), Some(DateOrder::DayMonthYear));
        // A declared order also takes ISO dates (no order can be mistaken for them), no other.
        assert_eq!(parse_date("2018-12-01", DateOrder::DayMonthYear), parse_date("01/12/2018", DateOrder::DayMonthYear));
        assert_eq!(parse_date("01/12/2018", DateOrder::DayMonthYear), Some(17866)); // 2018-12-01 by hand: 48 years + 12 leap days + 334 = 17866
        assert_eq!(parse_date("12/01/2018", DateOrder::Iso), None);
        assert_eq!(parse_date("12.01.2018", DateOrder::DayMonthYear), None);
        assert_eq!(DateOrder::from_name("D/M/Y"), None);
    }

    #[test]
    fn decimal_marks() {
        assert_eq!(decimal_mark("12,5"), Some(','));
        assert_eq!(decimal_mark("-0,25"), Some(','));
        assert_eq!(decimal_mark("1921.5"), Some('.'));
        assert_eq!(decimal_mark("12"), None);
        assert_eq!(decimal_mark("2023-01-01"), None);
        assert_eq!(decimal_mark("a,b"), None);
    }

    #[test]
    fn separators() {
        assert_eq!(separators_in("a;b;c"), vec![b';']);
        assert_eq!(separators_in("\"a,b\";c"), vec![b';']);
        assert_eq!(separators_in("a\tb"), vec![b'\t']);
        assert_eq!(separators_in("a,b;c").len(), 2);
    }
}
