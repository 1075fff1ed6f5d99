//! Errors of the engine library; the binary wraps them with `anyhow` for context.

use std::path::PathBuf;

/// Errors of the engine library.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Indicators failed (definitions, data or computation).
    #[error(transparent)]
    Indicators(#[from] impatto_indicators::Error),
    /// The panel could not be read or generated.
    #[error(transparent)]
    Panel(#[from] impatto_datasets::Error),
    /// A programme rule file cannot be right.
    #[error(transparent)]
    Rule(#[from] crate::rules::RuleError),
    /// A rule could not be evaluated exactly for a beneficiary.
    #[error(transparent)]
    Evaluation(#[from] crate::rules::evaluate::EvalError),
    /// The panel's data cannot be read as the rules need it (the source error is kept).
    #[error("reading {what}: {source}")]
    Data {
        /// What was being read, e.g. `campaigns`.
        what: String,
        /// The reader's error.
        #[source]
        source: polars::prelude::PolarsError,
    },
    /// The payment ledger refused or failed (the message names the ledger file).
    #[error(transparent)]
    Ledger(#[from] crate::ledger::LedgerError),
    /// A sign-off, keyring or key file is wrong, or cannot be read or written.
    #[error(transparent)]
    Signoff(#[from] crate::signoff::SignoffError),
    /// A request cannot be served (unknown period, no beneficiaries, …).
    #[error("{0}")]
    Request(String),
    /// Writing an output failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Underlying error.
        source: std::io::Error,
    },
    /// A bug in impatto.
    #[error("internal error (please report): {0}")]
    Internal(String),
}

/// Result alias of the engine library.
pub type Result<T, E = Error> = std::result::Result<T, E>;
