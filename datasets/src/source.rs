//! Finding, mapping and scanning the tables of one or more panel directories.
//!
//! A panel directory holds `programmes`, `beneficiaries` and `participants`, and where
//! computations need them `panel`, `campaigns` and `outcomes`, each as Parquet or CSV, and
//! optionally `columns.toml`, which maps the user's column names to ours so nobody rewrites a
//! file to use impatto. Optional columns and tables may be left out: [`PanelSource::has_column`],
//! [`PanelSource::absent_columns`] and [`PanelSource::require`] say what a panel actually has,
//! so that what it lacks is never read as empty or zero. Scans are lazy: the columns and rows an
//! indicator needs are pushed down into the Parquet reader.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::JoinHandle;

use polars::prelude::*;
use sha2::{Digest, Sha256};

use crate::csv;
use crate::error::{Error, Issue, Report, Result, Severity, polars_err};
use crate::message::Phrase;
use crate::phrase;
use crate::schema::{ColumnSpec, ColumnType, Table};
use crate::workbook;

/// Name of the optional column-mapping file in a panel directory.
pub const MAPPING_FILE: &str = "columns.toml";

/// File format of one table file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileFormat {
    /// Apache Parquet.
    Parquet,
    /// Comma-, semicolon- or tab-separated text with a header line (as exported from
    /// spreadsheets), read by [`crate::csv`].
    Csv {
        /// Separator (detected from the header line) and decimal mark (declared in
        /// `columns.toml` as `decimal_comma = true`, or detected).
        dialect: csv::Dialect,
    },
    /// A sheet of an Excel or LibreOffice workbook, read when the panel is opened
    /// ([`crate::workbook`]).
    Workbook {
        /// The sheet, its columns already converted to the format's types.
        sheet: workbook::Sheet,
    },
}

/// One table file and the renames that bring its columns to the canonical names.
#[derive(Clone, Debug)]
pub struct TableFile {
    /// Path on disk.
    pub path: PathBuf,
    /// Parquet or CSV.
    pub format: FileFormat,
    /// canonical name → name in the file, from `columns.toml`.
    pub renames: BTreeMap<String, String>,
    /// Canonical names of the format's columns the file provides (after the renames of
    /// `columns.toml`), read from its header or Parquet schema when the panel is opened.
    pub columns: BTreeSet<String>,
}

impl TableFile {
    /// Display name used in messages (a workbook's with the sheet).
    pub fn display(&self) -> String {
        match &self.format {
            FileFormat::Workbook { sheet } => format!("{}, sheet `{}`", self.path.display(), sheet.name()),
            _ => self.path.display().to_string(),
        }
    }

    /// The number messages give the first data row: as a spreadsheet shows it in CSV (2, the
    /// header being row 1) and in a workbook (the sheet's own row number), 1 in Parquet.
    pub fn first_row(&self) -> u64 {
        match &self.format {
            FileFormat::Workbook { sheet } => sheet.first_row(),
            FileFormat::Csv { .. } => 2,
            FileFormat::Parquet => 1,
        }
    }

    /// Does the file provide this column of the format (under its name or a mapped one)?
    pub fn has_column(&self, column: &str) -> bool {
        self.columns.contains(column)
    }

    /// The canonical names of the format's columns found in the file's header or schema.
    ///
    /// A Parquet file is first checked with the `parquet` crate ([`crate::parquet_check`]); a
    /// CSV header naming a column twice is refused.
    fn present_columns(
        path: &Path,
        format: &FileFormat,
        table: Table,
        renames: &BTreeMap<String, String>,
    ) -> Result<BTreeSet<String>> {
        let display = path.display().to_string();
        let names: Vec<String> = match format {
            FileFormat::Csv { dialect } => {
                let names = csv::column_names(path, dialect)?;
                refuse_repeated_names(&display, &names)?;
                names
            }
            FileFormat::Workbook { sheet } => {
                refuse_repeated_names(&display, sheet.column_names())?;
                sheet.column_names().to_vec()
            }
            FileFormat::Parquet => {
                crate::parquet_check::check_file(path, &display)?;
                let pl_path = PlRefPath::try_from_path(path).map_err(polars_err(display.clone()))?;
                // polars can panic on metadata the parquet crate accepted.
                let schema = crate::parquet_check::quietly(|| {
                    let mut lf = LazyFrame::scan_parquet(pl_path, ScanArgsParquet::default())?;
                    lf.collect_schema()
                })
                .map_err(|why| Error::invalid(vec![crate::parquet_check::reader_failed(&display, &why)]))?;
                schema.map_err(polars_err(display))?.iter_names().map(|n| n.to_string()).collect()
            }
        };
        let reverse: BTreeMap<&str, &str> = renames.iter().map(|(c, f)| (f.as_str(), c.as_str())).collect();
        Ok(names
            .iter()
            .map(|n| reverse.get(n.as_str()).copied().unwrap_or(n.as_str()))
            .filter(|n| table.column(n).is_some())
            .map(str::to_string)
            .collect())
    }

    /// The file as it is: Parquet with its own types, CSV with every column as text.
    fn raw_scan(&self) -> Result<LazyFrame> {
        match &self.format {
            FileFormat::Parquet => {
                let path = PlRefPath::try_from_path(&self.path).map_err(polars_err(self.display()))?;
                LazyFrame::scan_parquet(path, ScanArgsParquet::default()).map_err(polars_err(self.display()))
            }
            FileFormat::Csv { dialect } => {
                let text: Schema = csv::column_names(&self.path, dialect)?
                    .iter()
                    .map(|n| Field::new(n.as_str().into(), DataType::String))
                    .collect();
                csv::scan(&self.path, dialect, Some(text))
            }
            FileFormat::Workbook { sheet } => Ok(sheet.frame().lazy()),
        }
    }

    /// Scan the file with canonical names and types, checking the schema first.
    ///
    /// The scan has every column of the format: an optional column the file leaves out is
    /// empty (null) in every row, so check [`TableFile::has_column`] (or
    /// [`PanelSource::require`]) before reading one. Schema problems — a required column
    /// missing, a column of the wrong type, a `columns.toml` mapping to a column the file does
    /// not have — are appended to `issues`; the scan is returned only when there are none.
    /// A CSV cell its column's type cannot read is empty in the scan: validation
    /// ([`crate::validate::validate`]) reports every such cell.
    pub fn scan(&self, table: Table, issues: &mut Vec<Issue>) -> Result<Option<LazyFrame>> {
        Ok(self.scan_with(table, issues, false)?.map(|(lf, _)| lf))
    }

    /// [`TableFile::scan`], plus for each column whose cells are converted one by one (every
    /// typed CSV column, Parquet integers of another width) the file's own value beside the
    /// typed one, so that validation can report each cell that did not convert.
    pub(crate) fn scan_with_raw(&self, table: Table, issues: &mut Vec<Issue>) -> Result<Option<(LazyFrame, Vec<Conversion>)>> {
        self.scan_with(table, issues, true)
    }

    fn scan_with(&self, table: Table, issues: &mut Vec<Issue>, keep_raw: bool) -> Result<Option<(LazyFrame, Vec<Conversion>)>> {
        let mut raw = self.raw_scan()?;
        let schema = raw.collect_schema().map_err(polars_err(self.display()))?;
        let mut exprs = Vec::new();
        if let FileFormat::Csv { dialect } = &self.format
            && dialect.blank_lines
        {
            // A blank line is no row: skipped, with the rows around it keeping their numbers.
            if let Some(blank) = schema.iter_names().map(|n| col(n.as_str()).is_null()).reduce(|a, b| a.and(b)) {
                raw = raw.with_row_index(ROW, Some(2)).filter(blank.not());
                if keep_raw {
                    exprs.push(col(ROW));
                }
            }
        }
        let before = issues.iter().filter(|i| i.severity == Severity::Error).count();
        if let FileFormat::Workbook { sheet } = &self.format {
            issues.extend(sheet.issues().iter().cloned());
        }
        let mut conversions = Vec::new();
        for spec in table.columns() {
            let mapped = self.renames.get(spec.name).map(String::as_str);
            let source_name = mapped.unwrap_or(spec.name);
            let column_issue = |expected: Phrase, found: Phrase, hint: Option<Phrase>| Issue {
                column: Some(spec.name.to_string()),
                ..Issue::in_file(self.display(), expected, found, hint)
            };
            match (schema.get(source_name), mapped) {
                (None, Some(mine)) => issues.push(column_issue(
                    phrase!("data-mapped-column", mine = mine, kind = spec.ty.name(), file = MAPPING_FILE, column = spec.name),
                    phrase!("data-no-such-column", names = list_names(&schema)),
                    Some(if schema.get(spec.name).is_some() {
                        phrase!(
                            "data-hint-mapping-redundant",
                            column = spec.name,
                            mine = mine,
                            table = table.stem(),
                            file = MAPPING_FILE
                        )
                    } else {
                        phrase!("data-hint-mapping-correct", file = MAPPING_FILE, table = table.stem(), column = spec.name)
                    }),
                )),
                (Some(_), Some(mine)) if mine != spec.name && schema.get(spec.name).is_some() => issues.push(column_issue(
                    phrase!("data-one-column-for", column = spec.name),
                    phrase!("data-two-columns", mine = mine, file = MAPPING_FILE, column = spec.name),
                    Some(phrase!("data-hint-two-columns", column = spec.name, mine = mine, file = MAPPING_FILE)),
                )),
                (None, None) if spec.required => issues.push(column_issue(
                    phrase!("data-column-of-type", column = spec.name, kind = spec.ty.name()),
                    phrase!("data-no-such-column", names = list_names(&schema)),
                    Some(phrase!("data-hint-map-it", file = MAPPING_FILE, table = table.stem(), column = spec.name)),
                )),
                // An optional column left out: empty in every row (see the format document).
                (None, None) => exprs.push(lit(NULL).cast(canonical_dtype(spec.ty)).alias(spec.name)),
                (Some(dtype), _) => {
                    let canonical = canonical_dtype(spec.ty);
                    let typed = match &self.format {
                        FileFormat::Csv { dialect } => {
                            if spec.ty != ColumnType::Text {
                                conversions.push(Conversion::of(spec, dialect.clone()));
                            }
                            csv::parse(col(source_name), spec.ty, dialect)
                        }
                        FileFormat::Parquet | FileFormat::Workbook { .. } if !accepts(spec.ty, dtype) => {
                            issues.push(column_issue(
                                Phrase::verbatim(spec.ty.name()),
                                Phrase::verbatim(dtype.to_string()),
                                type_hint(spec, dtype),
                            ));
                            continue;
                        }
                        // Cast only what needs it: a plain column keeps predicate pushdown
                        // into the Parquet scan working.
                        FileFormat::Parquet | FileFormat::Workbook { .. } if *dtype == canonical => col(source_name),
                        // A sheet's cells were converted (and reported) when it was read.
                        FileFormat::Workbook { .. } => col(source_name).cast(canonical),
                        FileFormat::Parquet => {
                            if dtype.is_integer() {
                                // A u64 above i64::MAX would become empty, not an error.
                                conversions.push(Conversion::of(spec, csv::Dialect::default()));
                            }
                            match dtype {
                                // A timestamp with a time of day in a date column is often a
                                // local midnight stored in UTC (23:00 the day before): which day
                                // is meant cannot be known, so it does not read as a date.
                                DataType::Datetime(unit, None) => {
                                    let per_day: i64 = match unit {
                                        TimeUnit::Milliseconds => 86_400_000,
                                        TimeUnit::Microseconds => 86_400_000_000,
                                        TimeUnit::Nanoseconds => 86_400_000_000_000,
                                    };
                                    conversions.push(Conversion {
                                        expected: phrase!("data-type-date-or-midnight"),
                                        ..Conversion::of(spec, csv::Dialect::default())
                                    });
                                    when((col(source_name).cast(DataType::Int64) % lit(per_day)).eq(lit(0)))
                                        .then(col(source_name).cast(canonical.clone()))
                                        .otherwise(lit(NULL).cast(canonical))
                                }
                                _ => col(source_name).cast(canonical),
                            }
                        }
                    };
                    if keep_raw && conversions.last().is_some_and(|c| c.column == spec.name) {
                        let as_written = match &self.format {
                            // Blank cells are missing, not unreadable.
                            FileFormat::Csv { dialect } => csv::parse(col(source_name), ColumnType::Text, dialect),
                            _ => col(source_name).cast(DataType::String),
                        };
                        exprs.push(as_written.alias(raw_name(spec.name)));
                    }
                    exprs.push(if source_name == spec.name { typed } else { typed.alias(spec.name) });
                }
            }
        }
        if issues.iter().filter(|i| i.severity == Severity::Error).count() > before {
            return Ok(None);
        }
        Ok(Some((raw.select(exprs), conversions)))
    }
}

/// The column numbering a CSV file's rows as a spreadsheet does, in validation scans (blank
/// lines are left out of the rows but not of the numbering).
pub(crate) const ROW: &str = "__spreadsheet_row";

/// The name of the column holding a converted column's own text during validation.
pub(crate) fn raw_name(column: &str) -> String {
    format!("__as_written.{column}")
}

/// A column read cell by cell, whose cells that do not convert validation reports.
#[derive(Clone, Debug)]
pub(crate) struct Conversion {
    /// Canonical column name.
    pub column: &'static str,
    /// What a cell must look like.
    pub expected: Phrase,
    ty: ColumnType,
    dialect: csv::Dialect,
}

impl Conversion {
    fn of(spec: &ColumnSpec, dialect: csv::Dialect) -> Conversion {
        let expected = match spec.ty {
            ColumnType::Text => phrase!("data-type-text"),
            ColumnType::Integer => phrase!("data-type-integer"),
            ColumnType::Cents => phrase!("data-type-cents"),
            ColumnType::Number if dialect.decimal_comma => phrase!("data-type-number-comma"),
            ColumnType::Number => phrase!("data-type-number"),
            ColumnType::Date if dialect.dates == csv::DateOrder::Iso => phrase!("data-type-date-iso"),
            ColumnType::Date => phrase!("data-type-date-order", order = dialect.dates.name()),
            ColumnType::Boolean => phrase!("data-type-boolean"),
        };
        Conversion { column: spec.name, expected, ty: spec.ty, dialect }
    }

    /// How to fix a cell written like `first`, when we can tell.
    pub fn hint(&self, first: &str) -> Option<Phrase> {
        let first = first.trim();
        match self.ty {
            ColumnType::Date => {
                let orders: Vec<&str> = csv::DateOrder::ALL.iter().filter(|o| o.reads(first)).map(|o| o.name()).collect();
                let shape = |t: &str| {
                    t.len() == 10
                        && t.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() })
                };
                if orders.is_empty() && first.len() > 10 && first.get(..10).is_some_and(|d| csv::DateOrder::Iso.reads(d)) {
                    Some(phrase!("data-hint-date-alone"))
                } else if orders.is_empty() && shape(first) {
                    Some(phrase!("data-hint-no-such-day"))
                } else if !orders.is_empty() {
                    Some(phrase!(
                        "data-hint-declare-date-order",
                        orders = match orders.as_slice() {
                            [first, second] => phrase!("data-either", first = *first, second = *second),
                            _ => Phrase::verbatim(orders.join(", ")),
                        },
                        file = MAPPING_FILE,
                        key = DATE_FORMAT_KEY,
                        order = orders[0]
                    ))
                } else {
                    None
                }
            }
            ColumnType::Number if self.dialect.decimal_comma && csv::parse_number(first, false).is_some() => {
                Some(phrase!("data-hint-decimal-comma-declared", file = MAPPING_FILE))
            }
            ColumnType::Number if csv::parse_number(first, !self.dialect.decimal_comma).is_some() => {
                Some(phrase!("data-hint-decimal-comma", key = DECIMAL_COMMA_KEY, file = MAPPING_FILE))
            }
            ColumnType::Cents if first.contains(['.', ',']) => Some(phrase!("data-hint-cents-exact")),
            ColumnType::Integer if first.contains(['.', ',']) => Some(phrase!("data-hint-whole-counts")),
            ColumnType::Cents | ColumnType::Integer if first.trim().parse::<u128>().is_ok() => Some(phrase!("data-hint-too-big")),
            ColumnType::Boolean => Some(phrase!("data-hint-write-boolean")),
            _ => None,
        }
    }
}

/// A header naming the same column twice: which copy is meant cannot be known.
fn refuse_repeated_names(display: &str, names: &[String]) -> Result<()> {
    let mut issues = Vec::new();
    for (i, name) in names.iter().enumerate() {
        if let Some(j) = names[..i].iter().position(|n| n == name) {
            issues.push(Issue {
                severity: Severity::Error,
                file: display.to_string(),
                column: Some(name.clone()),
                rows: vec![],
                count: 0,
                expected: phrase!("data-header-once"),
                found: phrase!("data-column-twice", name = name, first = spreadsheet_column(j), second = spreadsheet_column(i)),
                hint: Some(phrase!("data-hint-remove-one")),
            });
        }
    }
    if issues.is_empty() { Ok(()) } else { Err(Error::invalid(issues)) }
}

/// A 0-based column index as a spreadsheet names it, with its number: `D (4)`.
fn spreadsheet_column(index: usize) -> String {
    let mut letters = Vec::new();
    let mut n = index + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    format!("{} ({})", String::from_utf8_lossy(&letters), index + 1)
}

fn list_names(schema: &Schema) -> Phrase {
    let names: Vec<String> = schema.iter_names().map(|n| format!("`{n}`")).collect();
    if names.is_empty() { phrase!("data-no-columns") } else { Phrase::verbatim(names.join(", ")) }
}

fn type_hint(spec: &ColumnSpec, found: &DataType) -> Option<Phrase> {
    match (spec.ty, found) {
        (ColumnType::Date, DataType::String) => Some(phrase!("data-hint-iso-dates")),
        (ColumnType::Cents, DataType::Float32 | DataType::Float64) => Some(phrase!("data-hint-cents-float")),
        (ColumnType::Integer, DataType::Float32 | DataType::Float64) => Some(phrase!("data-hint-whole-counts")),
        _ => None,
    }
}

/// The polars type a column is cast to on load.
pub fn canonical_dtype(ty: ColumnType) -> DataType {
    match ty {
        ColumnType::Text => DataType::String,
        ColumnType::Integer | ColumnType::Cents => DataType::Int64,
        ColumnType::Number => DataType::Float64,
        ColumnType::Date => DataType::Date,
        ColumnType::Boolean => DataType::Boolean,
    }
}

fn accepts(ty: ColumnType, dtype: &DataType) -> bool {
    let fits = match ty {
        ColumnType::Text => matches!(dtype, DataType::String | DataType::Categorical(..) | DataType::Enum(..)),
        ColumnType::Integer | ColumnType::Cents => dtype.is_integer(),
        ColumnType::Number => dtype.is_primitive_numeric(),
        ColumnType::Date => matches!(dtype, DataType::Date | DataType::Datetime(_, _)),
        ColumnType::Boolean => matches!(dtype, DataType::Boolean),
    };
    fits || matches!(dtype, DataType::Null)
}

/// The tables of one or more panel directories, found and mapped but not yet read.
#[derive(Clone, Debug)]
pub struct PanelSource {
    /// Files of each table, in the order the directories were given.
    pub files: BTreeMap<Table, Vec<TableFile>>,
    /// The panel directories, in the order given.
    dirs: Vec<PathBuf>,
    hash: Arc<InputHash>,
}

/// What is hashed, in order: the bytes of mapping files and table names, and whole files.
enum HashPart {
    Bytes(Vec<u8>),
    File(PathBuf),
}

type HashOutcome = std::result::Result<String, (PathBuf, String)>;

/// The `sha256:` of the inputs, computed on its own thread while the caller reads the tables:
/// hashing a 10^8-row panel takes half a second of one core.
#[derive(Debug)]
struct InputHash {
    worker: Mutex<Option<JoinHandle<HashOutcome>>>,
    value: OnceLock<HashOutcome>,
}

impl InputHash {
    /// `dirs[i]` is what directory `i` contributes. Each directory is hashed on its own and the
    /// digests are combined in sorted order, so the order of `--data` does not change the hash.
    fn start(dirs: Vec<Vec<HashPart>>) -> Self {
        let worker = std::thread::spawn(move || {
            let mut buffer = vec![0u8; 1 << 20];
            let mut digests = Vec::with_capacity(dirs.len());
            for parts in dirs {
                let mut hasher = Sha256::new();
                for part in parts {
                    match part {
                        HashPart::Bytes(bytes) => hasher.update(&bytes),
                        HashPart::File(path) => {
                            // Streamed, so hashing a 10^8-row panel costs a buffer, not the file's size.
                            let fail = |e: std::io::Error| (path.clone(), e.to_string());
                            let mut reader = fs::File::open(&path).map_err(fail)?;
                            hasher.update(reader.metadata().map_err(fail)?.len().to_le_bytes());
                            loop {
                                let n = std::io::Read::read(&mut reader, &mut buffer).map_err(fail)?;
                                if n == 0 {
                                    break;
                                }
                                hasher.update(&buffer[..n]);
                            }
                        }
                    }
                }
                digests.push(hasher.finalize().to_vec());
            }
            digests.sort();
            let mut all = Sha256::new();
            for digest in &digests {
                all.update(digest);
            }
            let hex: String = all.finalize().iter().map(|b| format!("{b:02x}")).collect();
            Ok(format!("sha256:{hex}"))
        });
        InputHash { worker: Mutex::new(Some(worker)), value: OnceLock::new() }
    }

    fn get(&self) -> Result<String> {
        let outcome = self.value.get_or_init(|| {
            let worker = self.worker.lock().ok().and_then(|mut w| w.take());
            match worker.map(JoinHandle::join) {
                Some(Ok(outcome)) => outcome,
                _ => Err((PathBuf::new(), "the thread hashing the input files stopped".into())),
            }
        });
        outcome.clone().map_err(|(path, message)| Error::Io { path, source: std::io::Error::other(message) })
    }
}

impl PanelSource {
    /// Find the tables in each directory (the required ones must be there) and read its
    /// `columns.toml`, if any, and the column names of every table file.
    pub fn open<P: AsRef<Path>>(dirs: &[P]) -> Result<Self> {
        let mut files: BTreeMap<Table, Vec<TableFile>> = BTreeMap::new();
        let mut hashed = Vec::new();
        for dir in dirs {
            let dir = dir.as_ref();
            let mut parts = Vec::new();
            let (mapping, declared) = read_mapping(dir, &mut parts)?;
            let read_as = workbook::Declared {
                renames: &mapping,
                decimal_comma: declared.decimal_comma == Some(true),
                missing: &declared.missing,
                dates: declared.dates,
            };
            let mut sheets = workbook::tables_in(dir, read_as)?;
            for table in Table::ALL {
                let found = match (sheets.remove(&table), find_table(dir, table, &declared)) {
                    (Some((path, sheet)), Err(Error::MissingTable { .. })) => Ok((path, FileFormat::Workbook { sheet })),
                    (Some((path, sheet)), Ok((other, _))) => {
                        Err(workbook::twice(table, &path, sheet.name(), &other.display().to_string()))
                    }
                    (_, found) => found,
                };
                let file = match found {
                    Ok(file) => file,
                    Err(missing @ Error::MissingTable { .. }) => match unread_table_file(dir, table) {
                        Some(unread) => return Err(unread),
                        None if !table.required() => continue,
                        None => return Err(missing),
                    },
                    Err(e) => return Err(e),
                };
                parts.push(HashPart::Bytes(table.stem().as_bytes().to_vec()));
                parts.push(HashPart::File(file.0.clone()));
                let renames = mapping.get(table.stem()).cloned().unwrap_or_default();
                let columns = TableFile::present_columns(&file.0, &file.1, table, &renames)?;
                files.entry(table).or_default().push(TableFile { path: file.0, format: file.1, renames, columns });
            }
            hashed.push(parts);
        }
        let dirs = dirs.iter().map(|d| d.as_ref().to_path_buf()).collect();
        Ok(PanelSource { files, dirs, hash: Arc::new(InputHash::start(hashed)) })
    }

    /// `sha256:` digest of every input file (tables and mapping files), in a fixed order. It
    /// is computed in the background from [`PanelSource::open`] on; this waits for it.
    pub fn input_hash(&self) -> Result<String> {
        self.hash.get()
    }

    /// True when at least one directory has this (optional) table.
    pub fn has(&self, table: Table) -> bool {
        !self.table_files(table).is_empty()
    }

    /// Files of one table.
    pub fn table_files(&self, table: Table) -> &[TableFile] {
        self.files.get(&table).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Comma-separated file names of a table, for messages about the table as a whole.
    pub fn table_display(&self, table: Table) -> String {
        self.table_files(table).iter().map(TableFile::display).collect::<Vec<_>>().join(", ")
    }

    /// The panel directories, in the order given to [`PanelSource::open`].
    pub fn dirs(&self) -> &[PathBuf] {
        &self.dirs
    }

    /// Directories without a file of this (optional) table.
    fn dirs_without(&self, table: Table) -> Vec<&Path> {
        let files = self.table_files(table);
        self.dirs.iter().filter(|d| !files.iter().any(|f| f.path.parent() == Some(d.as_path()))).map(PathBuf::as_path).collect()
    }

    /// True when every directory has the table and every file of it provides the column, so
    /// every row can hold a value. A column (or an optional table) that only some directories
    /// provide is not had: the rows of the others would read as empty.
    pub fn has_column(&self, table: Table, column: &str) -> bool {
        let files = self.table_files(table);
        !files.is_empty() && self.dirs_without(table).is_empty() && files.iter().all(|f| f.has_column(column))
    }

    /// The columns of the format (in format order) that no file of the table provides — all
    /// of them when no directory has the table. Required columns show up here only in a panel
    /// that fails validation.
    pub fn absent_columns(&self, table: Table) -> Vec<&'static str> {
        table
            .columns()
            .iter()
            .map(|c| c.name)
            .filter(|name| !self.table_files(table).iter().any(|f| f.has_column(name)))
            .collect()
    }

    /// Check that every directory has `table` and every file of it provides `columns`, before
    /// a computation reads them.
    ///
    /// `needed_by` says who reads them, e.g. "rule `grant` (cost_share)" or "indicator
    /// JOB-01". The error ([`Error::MissingColumns`]) names each table file lacking a column
    /// with the columns it lacks (or each directory lacking the table), `needed_by` and how to
    /// fix it; an optional column or table left out is thus never taken for empty or zero data.
    pub fn require(&self, table: Table, columns: &[&str], needed_by: &str) -> Result<()> {
        let mut wanted: Vec<&str> = Vec::new();
        for c in columns {
            if !wanted.contains(c) {
                wanted.push(c);
            }
        }
        let lacking: Vec<(String, Vec<String>)> = self
            .table_files(table)
            .iter()
            .map(|f| (f.display(), wanted.iter().filter(|c| !f.has_column(c)).map(|c| c.to_string()).collect::<Vec<_>>()))
            .filter(|(_, missing)| !missing.is_empty())
            .collect();
        let no_table: Vec<PathBuf> = self.dirs_without(table).into_iter().map(Path::to_path_buf).collect();
        if lacking.is_empty() && no_table.is_empty() {
            return Ok(());
        }
        let missing: Vec<String> = wanted
            .iter()
            .filter(|c| !no_table.is_empty() || lacking.iter().any(|(_, m)| m.iter().any(|x| x == *c)))
            .map(|c| c.to_string())
            .collect();
        Err(Error::MissingColumns { table: table.stem(), columns: missing, lacking, no_table, needed_by: needed_by.to_string() })
    }

    /// A lazy scan of one table over all directories, canonical names and types.
    ///
    /// Every column of the format is in the scan; an optional column that a file leaves out is
    /// empty (null) in that file's rows. Ask [`PanelSource::require`] before reading an
    /// optional column, so that a column the panel lacks stops the computation instead of
    /// reading as empty. Fails with [`Error::Invalid`] when a file lacks a required column or
    /// has the wrong type.
    pub fn scan(&self, table: Table) -> Result<LazyFrame> {
        if self.table_files(table).is_empty() {
            return Err(Error::NoTable { table: table.stem() });
        }
        let mut issues = Vec::new();
        let mut frames = Vec::new();
        for file in self.table_files(table) {
            if let Some(lf) = file.scan(table, &mut issues)? {
                frames.push(lf);
            }
        }
        if !issues.is_empty() {
            return Err(Error::Invalid { report: Report { issues } });
        }
        match frames.len() {
            1 => Ok(frames.remove(0)),
            _ => concat(frames, UnionArgs::default()).map_err(polars_err(self.table_display(table))),
        }
    }
}

/// Is there a table file at this path (true), nothing (false), or something that cannot be a
/// table — a directory, a device, a broken or looping link (an error naming it)?
fn is_table_file(path: &Path) -> Result<bool> {
    let display = path.display();
    let refuse = |found: Phrase| {
        let hint = Some(phrase!("data-hint-replace-file"));
        Err(Error::invalid(vec![Issue::in_file(display.to_string(), phrase!("data-table-file"), found, hint)]))
    };
    let Ok(link) = fs::symlink_metadata(path) else { return Ok(false) };
    match fs::metadata(path) {
        Ok(meta) if meta.is_file() => Ok(true),
        Ok(meta) if meta.is_dir() => refuse(phrase!("data-a-directory")),
        Ok(_) => refuse(phrase!("data-special-file")),
        Err(e) if link.file_type().is_symlink() => refuse(phrase!("data-broken-link", error = e.to_string())),
        Err(e) => Err(Error::Io { path: path.to_path_buf(), source: e }),
    }
}

/// A file that looks meant as `table` but is not read (`PANEL.CSV`, `panel.xls`, `panel.tsv`,
/// `panel.csv.gz`), when the table is otherwise missing: saying so beats "no panel table".
fn unread_table_file(dir: &Path, table: Table) -> Option<Error> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|n| n.to_ascii_lowercase().starts_with(&format!("{}.", table.stem())))
        .collect();
    names.sort();
    let first = names.first()?;
    Some(Error::invalid(vec![Issue::in_file(
        dir.join(first).display().to_string(),
        phrase!("data-table-as-file", table = table.stem()),
        phrase!("data-not-read", names = names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")),
        Some(phrase!("data-hint-rename-file")),
    )]))
}

fn find_table(dir: &Path, table: Table, declared: &Declared) -> Result<(PathBuf, FileFormat)> {
    let parquet = dir.join(format!("{}.parquet", table.stem()));
    let csv = dir.join(format!("{}.csv", table.stem()));
    match (is_table_file(&parquet)?, is_table_file(&csv)?) {
        (true, true) => Err(Error::invalid(vec![Issue::in_file(
            format!("{}, {}", parquet.display(), csv.display()),
            phrase!("data-one-file-of", table = table.stem()),
            phrase!("data-two-files"),
            Some(phrase!("data-hint-keep-current")),
        )])),
        (true, false) => Ok((parquet, FileFormat::Parquet)),
        (false, true) => {
            let dialect =
                csv::Dialect::detect(&csv, declared.decimal_comma)?.with_missing(&declared.missing).with_dates(declared.dates);
            Ok((csv, FileFormat::Csv { dialect }))
        }
        (false, false) => Err(Error::MissingTable { dir: dir.to_path_buf(), table: table.stem() }),
    }
}

type Mapping = BTreeMap<String, BTreeMap<String, String>>;

/// The key of `columns.toml` declaring that the directory's CSV files use a decimal comma.
pub const DECIMAL_COMMA_KEY: &str = "decimal_comma";

/// The key of `columns.toml` declaring missing-value tokens besides the empty cell, `NA`, `.`
/// and `NULL` (e.g. `missing = ["-", "n.d."]`).
pub const MISSING_KEY: &str = "missing";

/// The key of `columns.toml` declaring the order of day, month and year in the directory's CSV
/// dates (e.g. `date_format = "DD/MM/YYYY"`; default `YYYY-MM-DD`).
pub const DATE_FORMAT_KEY: &str = "date_format";

/// How a directory's CSV files are written, as `columns.toml` declares it.
#[derive(Debug, Default)]
struct Declared {
    decimal_comma: Option<bool>,
    missing: Vec<String>,
    dates: csv::DateOrder,
}

/// The renames of `columns.toml`, and its `decimal_comma` and `missing` if given.
fn read_mapping(dir: &Path, hashed: &mut Vec<HashPart>) -> Result<(Mapping, Declared)> {
    let path = dir.join(MAPPING_FILE);
    if !path.is_file() {
        return Ok((Mapping::new(), Declared::default()));
    }
    let text = fs::read_to_string(&path).map_err(|source| Error::Io { path: path.clone(), source })?;
    hashed.push(HashPart::Bytes(MAPPING_FILE.as_bytes().to_vec()));
    hashed.push(HashPart::Bytes(text.as_bytes().to_vec()));
    let mut doc: toml::Table =
        toml::from_str(&text).map_err(|e| Error::Config { path: path.clone(), message: Phrase::verbatim(e.to_string()) })?;
    let decimal_comma = match doc.remove(DECIMAL_COMMA_KEY) {
        None => None,
        Some(toml::Value::Boolean(b)) => Some(b),
        Some(other) => {
            return Err(Error::Config {
                path,
                message: phrase!("data-map-boolean", key = DECIMAL_COMMA_KEY, found = other.to_string()),
            });
        }
    };
    let missing = match doc.remove(MISSING_KEY) {
        None => vec![],
        Some(toml::Value::Array(values)) if values.iter().all(toml::Value::is_str) => {
            values.iter().filter_map(|v| v.as_str().map(str::to_string)).collect()
        }
        Some(other) => {
            return Err(Error::Config {
                path,
                message: phrase!("data-map-missing", key = MISSING_KEY, found = other.to_string()),
            });
        }
    };
    let dates = match doc.remove(DATE_FORMAT_KEY) {
        None => csv::DateOrder::Iso,
        Some(value) => match value.as_str().and_then(csv::DateOrder::from_name) {
            Some(order) => order,
            None => {
                let names: Vec<String> = csv::DateOrder::ALL.iter().map(|o| format!("\"{}\"", o.name())).collect();
                return Err(Error::Config {
                    path,
                    message: phrase!(
                        "data-map-date-format",
                        key = DATE_FORMAT_KEY,
                        names = names.join(", "),
                        found = value.to_string()
                    ),
                });
            }
        },
    };
    let mapping: Mapping = doc
        .try_into()
        .map_err(|e: toml::de::Error| Error::Config { path: path.clone(), message: Phrase::verbatim(e.to_string()) })?;
    for (table_name, renames) in &mapping {
        let Some(table) = Table::from_name(table_name) else {
            let known: Vec<&str> = Table::ALL.iter().map(|t| t.stem()).collect();
            return Err(Error::Config { path, message: phrase!("data-map-table", known = known.join(", "), found = table_name) });
        };
        for canonical in renames.keys() {
            if table.column(canonical).is_none() {
                let known: Vec<&str> = table.columns().iter().map(|c| c.name).collect();
                return Err(Error::Config {
                    path,
                    message: phrase!("data-map-column", table = table_name, column = canonical, known = known.join(", ")),
                });
            }
        }
        let mut yours: BTreeMap<&str, &str> = BTreeMap::new();
        for (canonical, mine) in renames {
            if let Some(other) = yours.insert(mine.as_str(), canonical.as_str()) {
                return Err(Error::Config {
                    path,
                    message: phrase!("data-map-twice", table = table_name, first = other, second = canonical, mine = mine),
                });
            }
        }
    }
    Ok((mapping, Declared { decimal_comma, missing, dates }))
}
