//! The impatto engine: the command-line tool's library half.
//!
//! Today it renders indicator results; the rules layer (pay-by-result payouts) lands here next,
//! on top of the indicators crate, keeping the one-way flow datasets → indicators → engine.
#![deny(missing_docs)]

pub mod error;
pub mod output;

pub use error::{Error, Result};
