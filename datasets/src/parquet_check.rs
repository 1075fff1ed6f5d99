//! Checks of a Parquet file that polars cannot make for us without panicking or reading
//! wrongly: its metadata is read with the `parquet` crate before polars sees the file.
//!
//! Why: polars 0.55 (with the features impatto keeps) panics on a `decimal128` column, on a
//! row group whose declared row count disagrees with its column chunks, and on dates at the
//! limits of `date32`; it reads a string column holding bytes that are not UTF-8 without a
//! word, and a time-zone-aware timestamp as a UTC date (a person who entered at 00:30 in Rome
//! would enter a day earlier). Each of these becomes a finding naming the file and the column.

use std::fs::File;
use std::path::Path;

use arrow::datatypes::{DataType as ArrowType, TimeUnit};
use parquet::column::reader::ColumnReader;
use parquet::data_type::ByteArray;
use parquet::errors::ParquetError;
use parquet::file::reader::{FileReader, SerializedFileReader};

use crate::error::{Error, Issue, Severity};
use crate::message::Phrase;
use crate::phrase;

fn finding(file: &str, column: Option<&str>, expected: Phrase, found: Phrase, hint: Option<Phrase>) -> Issue {
    Issue { column: column.map(str::to_string), ..Issue::in_file(file, expected, found, hint) }
}

fn open(path: &Path, display: &str) -> Result<SerializedFileReader<File>, Error> {
    let file = File::open(path).map_err(|source| Error::Io { path: path.to_path_buf(), source })?;
    SerializedFileReader::new(file).map_err(|e| {
        Error::invalid(vec![finding(
            display,
            None,
            phrase!("data-parquet-file"),
            phrase!("data-parquet-unreadable", error = e.to_string()),
            None,
        )])
    })
}

/// Is this an Arrow type impatto (through polars) reads as one of the panel's column types?
fn readable_type(ty: &ArrowType) -> bool {
    match ty {
        ArrowType::Null
        | ArrowType::Boolean
        | ArrowType::Int8
        | ArrowType::Int16
        | ArrowType::Int32
        | ArrowType::Int64
        | ArrowType::UInt8
        | ArrowType::UInt16
        | ArrowType::UInt32
        | ArrowType::UInt64
        | ArrowType::Float32
        | ArrowType::Float64
        | ArrowType::Utf8
        | ArrowType::LargeUtf8
        | ArrowType::Utf8View
        | ArrowType::Date32
        | ArrowType::Date64 => true,
        ArrowType::Timestamp(_, None) => true,
        ArrowType::Dictionary(_, value) => matches!(**value, ArrowType::Utf8 | ArrowType::LargeUtf8),
        _ => false,
    }
}

fn hint_for(ty: &ArrowType) -> Option<Phrase> {
    match ty {
        ArrowType::Decimal32(..) | ArrowType::Decimal64(..) | ArrowType::Decimal128(..) | ArrowType::Decimal256(..) => {
            Some(phrase!("data-hint-decimal-type"))
        }
        ArrowType::Timestamp(_, Some(tz)) => Some(phrase!("data-hint-zoned-timestamp", zone = tz.to_string())),
        _ => None,
    }
}

/// Refuse, before polars opens it, a Parquet file polars would panic on or misread: columns of
/// types outside the panel's (`decimal128`, time-zone-aware timestamps, lists, …), and row
/// groups whose declared row count differs from their column chunks' (a damaged file).
///
/// Errors: [`Error::Invalid`] with one finding per problem, naming the file and the column.
pub fn check_file(path: &Path, display: &str) -> Result<(), Error> {
    let reader = open(path, display)?;
    let meta = reader.metadata();
    let schema = meta.file_metadata().schema_descr();
    let mut issues = Vec::new();
    match parquet::arrow::parquet_to_arrow_schema(schema, meta.file_metadata().key_value_metadata()) {
        Ok(arrow) => {
            for field in arrow.fields() {
                if !readable_type(field.data_type()) {
                    let found = match field.data_type() {
                        ArrowType::Timestamp(unit, Some(tz)) => {
                            let unit = match unit {
                                TimeUnit::Second => "s",
                                TimeUnit::Millisecond => "ms",
                                TimeUnit::Microsecond => "us",
                                TimeUnit::Nanosecond => "ns",
                            };
                            phrase!("data-timestamp-zone", unit = unit, zone = tz.to_string())
                        }
                        other => phrase!("data-type-of", kind = other.to_string()),
                    };
                    issues.push(finding(
                        display,
                        Some(field.name()),
                        phrase!("data-panel-type"),
                        found,
                        hint_for(field.data_type()),
                    ));
                }
            }
        }
        Err(e) => issues.push(finding(display, None, phrase!("data-parquet-schema"), Phrase::verbatim(e.to_string()), None)),
    }
    for (g, group) in meta.row_groups().iter().enumerate() {
        for (c, chunk) in group.columns().iter().enumerate() {
            let column = schema.column(c);
            let flat = column.max_rep_level() == 0;
            if flat && chunk.num_values() != group.num_rows() {
                issues.push(finding(
                    display,
                    Some(column.name()),
                    phrase!("data-group-values", rows = group.num_rows().to_string(), group = g + 1),
                    phrase!("data-group-damaged", values = chunk.num_values().to_string()),
                    Some(phrase!("data-hint-write-again")),
                ));
                break;
            }
        }
    }
    if issues.is_empty() { Ok(()) } else { Err(Error::invalid(issues)) }
}

/// Decode every page with the `parquet` crate, which reports a damaged page as an error where
/// polars' streaming reader panics (a byte changed in a page, found by the fuzzing tests).
/// Files in a codec other than Snappy or none are left to polars (see [`invalid_utf8`]). Part of
/// the full validation, before polars reads the values: it decodes the whole file once more.
pub fn damaged_pages(path: &Path, display: &str) -> Result<Vec<Issue>, Error> {
    let file = File::open(path).map_err(|source| Error::Io { path: path.to_path_buf(), source })?;
    let damaged = |e: String| {
        vec![finding(
            display,
            None,
            phrase!("data-pages-decode"),
            phrase!("data-damaged-page", error = e),
            Some(phrase!("data-hint-write-again")),
        )]
    };
    // The parquet crate, too, panics on some damaged pages (an out-of-bounds slice of
    // definition levels): on this thread, so the panic is caught and reported as damage.
    let decode = std::panic::AssertUnwindSafe(|| -> Result<(), ParquetError> {
        let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)?.build()?;
        for batch in reader {
            batch.map_err(|e| ParquetError::General(e.to_string()))?;
        }
        Ok(())
    });
    Ok(match quietly(decode) {
        Ok(Ok(())) => vec![],
        // Text that is not UTF-8 is named row by row by the validation (`invalid_utf8`); a codec
        // this build leaves out is left to polars.
        Ok(Err(e)) if e.to_string().contains("Disabled feature") || e.to_string().contains("UTF-8") => vec![],
        Ok(Err(e)) => damaged(e.to_string()),
        Err(why) => damaged(why),
    })
}

/// A file a reader failed on (an error it returned or a panic it raised), named with why.
pub(crate) fn reader_failed(display: &str, why: &str) -> Issue {
    finding(
        display,
        None,
        phrase!("data-parquet-reads"),
        phrase!("data-reader-fails", error = why),
        Some(phrase!("data-hint-write-again")),
    )
}

/// Run `f`, turning a panic (of this thread, or of a polars worker it waits for) into its
/// message, without printing it: for readers that panic on damaged files. The panic hook is
/// process-wide: call it from one thread at a time.
pub fn quietly<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    std::panic::set_hook(hook);
    outcome.map_err(|panic| {
        panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "the reader gave up".into())
    })
}

/// Rows read per call when scanning a string column.
const BATCH: usize = 8192;

/// The cells of the text `columns` of a Parquet file that are not UTF-8, one finding per
/// column with up to five rows (records numbered from 1) and the first value, its bad bytes
/// shown as �. Reads only those columns, as raw bytes. Files compressed with a codec other
/// than Snappy or none (polars writes zstd by default) are not checked: the parquet crate is
/// built with Snappy only, so as not to duplicate the codecs polars carries.
pub fn invalid_utf8(path: &Path, display: &str, columns: &[&str]) -> Result<Vec<Issue>, Error> {
    let reader = open(path, display)?;
    match scan_utf8(&reader, display, columns) {
        Ok(issues) => Ok(issues),
        // A codec this build of the parquet crate leaves out: the bytes cannot be checked here.
        Err(ParquetError::General(m)) if m.starts_with("Disabled feature") => Ok(vec![]),
        Err(e) => Err(Error::Io { path: path.to_path_buf(), source: std::io::Error::other(e) }),
    }
}

fn scan_utf8(reader: &SerializedFileReader<File>, display: &str, columns: &[&str]) -> Result<Vec<Issue>, ParquetError> {
    let meta = reader.metadata();
    let schema = meta.file_metadata().schema_descr();
    let mut issues = Vec::new();
    for c in 0..schema.num_columns() {
        let descr = schema.column(c);
        if descr.max_rep_level() != 0 || !columns.contains(&descr.name()) {
            continue;
        }
        let max_def = descr.max_def_level();
        let (mut rows, mut count, mut first): (Vec<u64>, u64, Option<String>) = (vec![], 0, None);
        let mut row_base: u64 = 0;
        for g in 0..meta.num_row_groups() {
            let group = reader.get_row_group(g)?;
            let ColumnReader::ByteArrayColumnReader(mut cells) = group.get_column_reader(c)? else {
                break;
            };
            loop {
                let mut defs: Vec<i16> = Vec::with_capacity(BATCH);
                let mut values: Vec<ByteArray> = Vec::with_capacity(BATCH);
                let (records, _, _) = cells.read_records(BATCH, Some(&mut defs), None, &mut values)?;
                if records == 0 {
                    break;
                }
                // A required column has no definition levels: every record holds a value.
                let present: Vec<(usize, &ByteArray)> = if max_def == 0 {
                    values.iter().enumerate().collect()
                } else {
                    let rows_with_value = defs.iter().enumerate().filter(|(_, d)| **d == max_def).map(|(i, _)| i);
                    rows_with_value.zip(values.iter()).collect()
                };
                for (i, bytes) in present {
                    if std::str::from_utf8(bytes.data()).is_err() {
                        count += 1;
                        if rows.len() < 5 {
                            rows.push(row_base + i as u64 + 1);
                        }
                        first.get_or_insert_with(|| String::from_utf8_lossy(bytes.data()).into_owned());
                    }
                }
                row_base += records as u64;
            }
        }
        if let Some(first) = first {
            issues.push(Issue {
                severity: Severity::Error,
                file: display.to_string(),
                column: Some(descr.name().to_string()),
                rows,
                count,
                expected: phrase!("data-utf8"),
                found: phrase!("data-not-utf8", text = first),
                hint: Some(phrase!("data-hint-utf8")),
            });
        }
    }
    Ok(issues)
}
