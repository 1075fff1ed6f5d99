//! Errors of the indicators crate.
//!
//! Definition problems are the partner's to fix and always name the file and, where we can
//! find it, the line; data problems come from the datasets crate unchanged; `Internal` means
//! impatto has a bug.

use std::path::PathBuf;

/// Errors of the indicators crate.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A definition file is malformed or inconsistent.
    #[error("{file}{}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
    Definition {
        /// The definition file.
        file: String,
        /// 1-based line, when known.
        line: Option<usize>,
        /// Byte range of the offending value in the file, when known (for a caret under it).
        span: Option<std::ops::Range<usize>>,
        /// Expected vs found, with a hint.
        message: String,
    },
    /// Two definitions share an id.
    #[error(
        "{second}: duplicate indicator id `{id}` (already defined in {first}; hint: give the variant its own id, e.g. `{id}-V2`)"
    )]
    DuplicateId {
        /// The id.
        id: String,
        /// Where it was first defined.
        first: String,
        /// Where it is defined again.
        second: String,
    },
    /// A request cannot be served (unknown indicator, disaggregation not allowed, …).
    #[error("{0}")]
    Request(String),
    /// The panel could not be read or is invalid.
    #[error(transparent)]
    Data(#[from] impatto_datasets::Error),
    /// Reading a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Underlying error.
        source: std::io::Error,
    },
    /// The backend failed while computing; names the indicator.
    #[error("computing {indicator}: {message}")]
    Backend {
        /// Indicator id.
        indicator: String,
        /// Backend message.
        message: String,
    },
    /// A bug in impatto.
    #[error("internal error (please report): {0}")]
    Internal(String),
}

/// Result alias of the indicators crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
