//! The command families of the `impatto` binary, one module each; `main.rs` only parses and
//! dispatches.

pub(crate) mod generate;
pub(crate) mod indicators;
pub(crate) mod ledger;
pub(crate) mod partners;
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

/// The language the command was asked for, recorded once for its findings and error messages.
static CHOSEN_LANG: std::sync::OnceLock<impatto::i18n::Lang> = std::sync::OnceLock::new();

impl LangArg {
    /// The language asked for (`--lang`, else the locale's), recorded for the findings about
    /// the data and the error message printed if the command fails.
    pub(crate) fn choose(&self) -> impatto::i18n::Lang {
        *CHOSEN_LANG.get_or_init(|| self.lang.unwrap_or_else(impatto::i18n::Lang::from_env))
    }

    pub(crate) fn texts(&self) -> impatto::i18n::Texts {
        impatto::i18n::Texts::new(self.choose())
    }
}

/// Whom the command trusts to sign: `--keyring FILE`.
#[derive(clap::Args, Clone, Debug, Default)]
pub(crate) struct KeyringArg {
    /// Trusted signers for every file's sign-off (default: `signers.keyring` beside each file).
    #[arg(long, value_name = "FILE")]
    keyring: Option<std::path::PathBuf>,
}

impl KeyringArg {
    pub(crate) fn trust(&self) -> Result<impatto::signoff::Trust> {
        Ok(impatto::signoff::Trust::load(self.keyring.as_deref())?)
    }
}

/// The wording of findings about the data: the command's `--lang`, else the locale's.
pub(crate) fn findings() -> &'static impatto_datasets::message::Catalogue {
    let lang = CHOSEN_LANG.get().copied().unwrap_or_else(impatto::i18n::Lang::from_env);
    impatto_datasets::message::Catalogue::of(lang.code())
}

/// The warnings of a validation, on stderr, in the reader's language.
pub(crate) fn print_warnings(report: &impatto_datasets::Report) {
    for warning in report.warnings() {
        eprintln!("{}", warning.worded(findings()));
    }
}

/// An error as `{err:#}` writes it (each cause after `: `), with errors about the data worded
/// in the reader's language.
pub(crate) fn error_text(err: &anyhow::Error) -> String {
    let mut links = Vec::new();
    for link in err.chain() {
        match data_error(link) {
            Some(data) => {
                links.push(data.worded(findings()));
                break;
            }
            None => links.push(link.to_string()),
        }
    }
    let mut text = links.join(": ");
    if let Some(snippet) = err.chain().find_map(definition_snippet) {
        text = format!("{text}\n{snippet}");
    }
    text
}

/// A definition error with the file's line and a caret under the offending value, when the
/// error knows where it is and the file can be read.
fn definition_snippet(err: &(dyn std::error::Error + 'static)) -> Option<String> {
    use impatto_indicators::Error as Indicators;
    let definition = match (err.downcast_ref::<Indicators>(), err.downcast_ref::<impatto::Error>()) {
        (Some(d @ Indicators::Definition { .. }), _) => d,
        (_, Some(impatto::Error::Indicators(d @ Indicators::Definition { .. }))) => d,
        _ => return None,
    };
    let Indicators::Definition { file, span: Some(span), message, .. } = definition else { return None };
    let text = std::fs::read_to_string(file).ok()?;
    let span = span.start.min(text.len())..span.end.min(text.len()).max(span.start.min(text.len()));
    let label = message.split(" (").next().unwrap_or(message);
    let config = ariadne::Config::default()
        .with_color(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_index_type(ariadne::IndexType::Byte);
    let mut out = Vec::new();
    ariadne::Report::build(ariadne::ReportKind::Error, (file.as_str(), span.clone()))
        .with_config(config)
        .with_label(ariadne::Label::new((file.as_str(), span)).with_message(label))
        .finish()
        .write((file.as_str(), ariadne::Source::from(text.as_str())), &mut out)
        .ok()?;
    // The report's own first line repeats the message given above it.
    let text = String::from_utf8_lossy(&out).into_owned();
    Some(text.lines().skip(1).collect::<Vec<_>>().join("\n"))
}

fn data_error<'a>(err: &'a (dyn std::error::Error + 'static)) -> Option<&'a impatto_datasets::Error> {
    use impatto_indicators::Error as Indicators;
    if let Some(data) = err.downcast_ref::<impatto_datasets::Error>() {
        return Some(data);
    }
    match (err.downcast_ref::<Indicators>(), err.downcast_ref::<impatto::Error>()) {
        (Some(Indicators::Data(data)), _) => Some(data),
        (_, Some(impatto::Error::Panel(data) | impatto::Error::Indicators(Indicators::Data(data)))) => Some(data),
        _ => None,
    }
}
