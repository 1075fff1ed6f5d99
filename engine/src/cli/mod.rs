//! The command families of the `impatto` binary, one module each; `main.rs` only parses and
//! dispatches.

pub(crate) mod generate;
pub(crate) mod indicators;
pub(crate) mod ledger;
pub(crate) mod payouts;
pub(crate) mod studies;

use std::path::Path;

use anyhow::Result;
use impatto::output;

pub(crate) fn emit(path: Option<&Path>, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    match path {
        Some(p) => output::write_atomic(p, bytes).map_err(Into::into),
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(bytes)?;
            out.flush()?;
            Ok(())
        }
    }
}
