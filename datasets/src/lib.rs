//! The beneficiary panel: its format, loading with validation, and seeded synthetic generation.
//!
//! This is the bottom of impatto's one-way flow (datasets → indicators → engine): it knows
//! nothing of indicators or payments. The format is specified once in [`schema`] and described
//! for people in `datasets/PANEL_FORMAT.md`.
//!
//! ```no_run
//! use impatto_datasets::{open_validated, schema::Table};
//! let (panel, report) = open_validated(&["datasets/examples/scuola-dei-quartieri"])?;
//! for warning in report.warnings() { eprintln!("{warning}"); }
//! let participants = panel.scan(Table::Participants)?; // a polars LazyFrame
//! # let _ = participants;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

pub mod csv;
pub mod derived;
pub mod error;
pub mod generate;
pub mod manifest;
pub mod message;
mod parquet_check;
pub mod schema;
pub mod snapshot;
pub mod source;
pub mod validate;
pub mod workbook;

pub use error::{Error, Issue, Report, Result, Severity};
pub use parquet_check::quietly;
pub use source::PanelSource;
pub use validate::{open_validated, validate};
