//! The impatto engine: the command-line tool's library half.
//!
//! It renders indicator results ([`output`]) and computes pay-by-result payouts from programme
//! rule files ([`rules`]), on top of the indicators crate: datasets → indicators → engine.
#![deny(missing_docs)]

pub mod catalogue;
pub mod diff;
pub mod error;
pub mod fixtures;
pub mod i18n;
pub mod ledger;
pub mod output;
pub mod plot;
pub mod report;
pub mod rules;
pub mod signoff;
pub mod spreadsheet;
pub mod studies;
pub mod table;

pub use error::{Error, Result};
