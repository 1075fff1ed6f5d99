//! The one CSV reader of impatto: panel tables and the statistics commands' files go through it.
//!
//! - the field separator is detected from the header line among `,`, `;` and tab; a header
//!   holding more than one of them (outside quotes) is refused as ambiguous;
//! - a UTF-8 byte-order mark and CRLF line ends are accepted;
//! - empty cells and the tokens of [`MISSING_TOKENS`] (`NA` as R writes, `.` as Stata writes,
//!   `NULL`) are missing values, and so are the tokens a user declares ([`Dialect::missing`]);
//! - column types are inferred from the whole file, never from its first rows only;
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
}

fn config(path: &Path, message: String) -> Error {
    Error::Config { path: path.to_path_buf(), message }
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io { path: path.to_path_buf(), source }
}

/// The header line of a file: without a byte-order mark and line end.
pub fn header_line(path: &Path) -> Result<String> {
    let file = fs::File::open(path).map_err(io(path))?;
    let mut line = String::new();
    BufReader::new(file).read_line(&mut line).map_err(io(path))?;
    Ok(line.trim_start_matches('\u{feff}').trim_end_matches(['\r', '\n']).to_string())
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
            format!(
                "expected a header line with one field separator (`,`, `;` or tab), found {} in `{header}`; quote the column names that contain a separator",
                several.iter().map(|b| separator_name(*b)).collect::<Vec<_>>().join(" and ")
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

impl Dialect {
    /// Detect the separator from the header line, and the decimal mark unless `decimal_comma`
    /// declares it. A declared decimal comma with a `,` separator is refused.
    pub fn detect(path: &Path, decimal_comma: Option<bool>) -> Result<Dialect> {
        let header = header_line(path)?;
        let separator = detect_separator(path, &header)?;
        let decimal_comma = match decimal_comma {
            Some(true) if separator == b',' => {
                return Err(config(
                    path,
                    "a decimal comma is declared, but `,` also separates the fields; expected `;` or tab between fields".into(),
                ));
            }
            Some(declared) => declared,
            None => detect_decimal_comma(path, separator)?,
        };
        Ok(Dialect { separator, decimal_comma, missing: vec![] })
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
/// name), missing-value tokens read as null.
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
        reader = reader.with_dtype_overwrite(Some(Arc::new(schema)));
    }
    reader.finish().map_err(polars_err(display))
}

#[cfg(test)]
mod tests {
    use super::*;

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
