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
        // A closed pipe (`| head`) ends the command quietly with success (main checks for
        // BrokenPipe); any other failure names where the bytes were going.
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(bytes).and_then(|()| out.flush()).map_err(|e| match e.kind() {
                std::io::ErrorKind::BrokenPipe => anyhow::Error::new(e),
                _ => anyhow::Error::new(e).context("writing to stdout"),
            })
        }
    }
}

/// Comma-separated breakdown columns: one table of a release (`--by programme,municipio`).
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Columns(pub Vec<String>);

pub(crate) fn parse_columns(text: &str) -> std::result::Result<Columns, String> {
    Ok(Columns(text.split(',').map(str::trim).filter(|c| !c.is_empty()).map(String::from).collect()))
}

/// The language of what people read: `--lang it|en`, by default the locale's.
#[derive(clap::Args, Clone, Debug)]
pub(crate) struct LangArg {
    /// Language of reports, statements' texts and summaries: it or en (default: from the locale,
    /// LC_ALL, LC_MESSAGES or LANG; English unless it names Italian).
    #[arg(long, value_name = "it|en")]
    lang: Option<impatto::i18n::Lang>,
}

impl LangArg {
    pub(crate) fn texts(&self) -> impatto::i18n::Texts {
        impatto::i18n::Texts::new(self.lang.unwrap_or_else(impatto::i18n::Lang::from_env))
    }
}
