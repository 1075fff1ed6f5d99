//! Errors and validation findings of the datasets crate.
//!
//! Loading a panel can go wrong in two ways: the files cannot be read at all (an [`Error`]),
//! or they can be read but break the panel format (a list of [`Issue`]s). Issues are
//! collected rather than returned one at a time, so a user fixing a spreadsheet sees every
//! problem in one run.

use std::fmt;
use std::path::PathBuf;

use crate::message::{Catalogue, Phrase, PhraseArg};
use crate::phrase;

/// How serious a finding is: errors stop computation, warnings are reported and computation goes on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Reported; results are still computed.
    Warning,
    /// The panel cannot be used until this is fixed.
    Error,
}

/// One problem found in a panel file.
#[derive(Clone, Debug, PartialEq)]
pub struct Issue {
    /// Error or warning.
    pub severity: Severity,
    /// File (or files, comma-separated) the problem is in.
    pub file: String,
    /// Column(s) concerned, if any.
    pub column: Option<String>,
    /// Example data rows, at most five: counted from 1, header excluded, in CSV and Parquet;
    /// the sheet's own row numbers in a workbook.
    pub rows: Vec<u64>,
    /// How many rows have the problem (0 when it is not about rows).
    pub count: u64,
    /// What the format expects.
    pub expected: Phrase,
    /// What the file holds instead.
    pub found: Phrase,
    /// How to fix it, when we can tell.
    pub hint: Option<Phrase>,
}

impl Issue {
    /// An error about a file as a whole (no column, no rows).
    pub fn in_file(file: impl Into<String>, expected: Phrase, found: Phrase, hint: Option<Phrase>) -> Issue {
        Issue { severity: Severity::Error, file: file.into(), column: None, rows: vec![], count: 0, expected, found, hint }
    }

    /// The finding worded in the language of `catalogue`.
    pub fn worded(&self, catalogue: &Catalogue) -> String {
        catalogue.issue(self)
    }
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&Catalogue::english().issue(self))
    }
}

/// Every finding of one validation run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Report {
    /// Findings, errors and warnings, in the order the checks ran.
    pub issues: Vec<Issue>,
}

impl Report {
    /// Findings that stop computation.
    pub fn errors(&self) -> impl Iterator<Item = &Issue> {
        self.issues.iter().filter(|i| i.severity == Severity::Error)
    }

    /// Findings that are only reported.
    pub fn warnings(&self) -> impl Iterator<Item = &Issue> {
        self.issues.iter().filter(|i| i.severity == Severity::Warning)
    }

    /// True when there is at least one error.
    pub fn has_errors(&self) -> bool {
        self.errors().next().is_some()
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&Catalogue::english().report(self))
    }
}

/// Errors of the datasets crate.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A panel directory lacks one of the tables.
    #[error("{}", Catalogue::english().phrase(&missing_table(dir, table)))]
    MissingTable {
        /// Directory searched.
        dir: PathBuf,
        /// Table stem.
        table: &'static str,
    },
    /// An optional table is needed but no directory has it.
    #[error("{}", Catalogue::english().phrase(&phrase!("data-no-table", table = *table)))]
    NoTable {
        /// Table stem.
        table: &'static str,
    },
    /// Columns (or an optional table) that a computation needs are not in the panel; from
    /// [`crate::PanelSource::require`].
    #[error("{}", Catalogue::english().phrase(&missing_columns(table, columns, lacking, no_table, needed_by)))]
    MissingColumns {
        /// Table stem.
        table: &'static str,
        /// The columns needed and not provided by every file, in the order asked.
        columns: Vec<String>,
        /// Each table file lacking some of them, with the ones it lacks.
        lacking: Vec<(String, Vec<String>)>,
        /// Panel directories without the table at all (an optional table).
        no_table: Vec<PathBuf>,
        /// Who needs them, e.g. "rule `grant` (cost_share)" or "indicator JOB-01".
        needed_by: String,
    },
    /// The panel breaks the format; the report lists every finding.
    #[error("{}", invalid(Catalogue::english(), report))]
    Invalid {
        /// All findings, warnings included.
        report: Report,
    },
    /// A column-mapping file is malformed, or a CSV file cannot be read as a table at all.
    #[error("{}: {message}", path.display())]
    Config {
        /// The mapping file.
        path: PathBuf,
        /// What is wrong, with expected vs found.
        message: Phrase,
    },
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// File concerned.
        path: PathBuf,
        /// Underlying error.
        source: std::io::Error,
    },
    /// Polars could not read or compute over a file.
    #[error("{context}: {source}")]
    Polars {
        /// File or step concerned.
        context: String,
        /// Underlying error.
        source: polars::prelude::PolarsError,
    },
    /// A workbook (`.xlsx`, `.ods`) cannot be read, or its sheets do not say which table is
    /// which; from [`crate::workbook`].
    #[error("{}: {message}", path.display())]
    Workbook {
        /// The workbook.
        path: PathBuf,
        /// What is wrong, with expected vs found.
        message: Phrase,
    },
    /// Writing Parquet failed.
    #[error("{path}: writing Parquet failed: {message}")]
    Write {
        /// File concerned.
        path: PathBuf,
        /// Underlying message.
        message: String,
    },
    /// A generator argument is out of range.
    #[error("{0}")]
    Generate(String),
}

fn missing_table(dir: &std::path::Path, table: &str) -> Phrase {
    phrase!("data-missing-table", dir = dir.display().to_string(), table = table)
}

fn invalid(catalogue: &Catalogue, report: &Report) -> String {
    format!("{}\n{}", catalogue.phrase(&phrase!("data-invalid", count = report.errors().count())), catalogue.report(report))
}

fn missing_columns(
    table: &str,
    columns: &[String],
    lacking: &[(String, Vec<String>)],
    no_table: &[PathBuf],
    needed_by: &str,
) -> Phrase {
    let quoted = |cs: &[String]| cs.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ");
    let mut parts: Vec<Phrase> =
        lacking.iter().map(|(file, cs)| phrase!("data-file-lacks", file = file, columns = quoted(cs))).collect();
    parts.extend(no_table.iter().map(|dir| phrase!("data-dir-lacks-table", dir = dir.display().to_string(), table = table)));
    let example = columns.first().map(String::as_str).unwrap_or("<column>");
    let count = columns.len();
    let hint = match (lacking.is_empty(), no_table.is_empty()) {
        (true, _) => phrase!("data-hint-add-table", table = table, count = count),
        (false, true) => phrase!("data-hint-add-columns", table = table, count = count, example = example),
        (false, false) => phrase!("data-hint-add-columns-and-table", table = table, count = count, example = example),
    };
    phrase!(
        "data-missing-columns",
        lacking = PhraseArg::List(parts, "; "),
        columns = quoted(columns),
        table = table,
        needed_by = needed_by,
        hint = hint
    )
}

impl Error {
    /// The error worded in the language of `catalogue`. Messages from the libraries underneath
    /// (I/O, polars, Parquet) keep their own English.
    pub fn worded(&self, catalogue: &Catalogue) -> String {
        match self {
            Error::MissingTable { dir, table } => catalogue.phrase(&missing_table(dir, table)),
            Error::NoTable { table } => catalogue.phrase(&phrase!("data-no-table", table = *table)),
            Error::MissingColumns { table, columns, lacking, no_table, needed_by } => {
                catalogue.phrase(&missing_columns(table, columns, lacking, no_table, needed_by))
            }
            Error::Invalid { report } => invalid(catalogue, report),
            Error::Config { path, message } | Error::Workbook { path, message } => {
                format!("{}: {}", path.display(), catalogue.phrase(message))
            }
            other => other.to_string(),
        }
    }

    /// The error of a panel these findings make unusable.
    pub fn invalid(issues: Vec<Issue>) -> Error {
        Error::Invalid { report: Report { issues } }
    }
}

/// Result alias of the datasets crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

pub(crate) fn polars_err(context: impl Into<String>) -> impl FnOnce(polars::prelude::PolarsError) -> Error {
    let context = context.into();
    move |source| Error::Polars { context, source }
}
