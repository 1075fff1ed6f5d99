//! What a data problem says, in Italian and English.
//!
//! Why: the people who fix a panel are the city's officers, who read Italian, and partners and
//! researchers, who often read English. A finding is built once as typed phrases (a catalogue
//! id and its arguments, see [`Phrase`]); it is worded when shown, in the reader's language.
//! The wording lives in `datasets/i18n/{it,en}.ftl` (Fluent), next to the code that raises the
//! finding, never as a literal in formatting code. `Display` gives the English, so library
//! users and logs read as before.
//!
//! Values from the data (a cell as written, a column name, a library's own error) are
//! arguments, shown as they are in both languages.

use std::fmt;
use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

use crate::error::{Issue, Report, Severity};

/// A phrase of a finding: a message of the catalogue and its arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Phrase {
    /// The catalogue id, e.g. `data-empty-cell`; empty for [`Phrase::verbatim`].
    pub id: &'static str,
    /// Named arguments, in the order the message is written with.
    pub args: Vec<(&'static str, PhraseArg)>,
}

/// An argument of a [`Phrase`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PhraseArg {
    /// Text shown as it is: a value from the data, a column or file name.
    Text(String),
    /// A count, which chooses the plural form.
    Count(u64),
    /// A phrase worded in the same language.
    Phrase(Box<Phrase>),
    /// Phrases worded in the same language, joined with the separator (`, ` from a `Vec`).
    List(Vec<Phrase>, &'static str),
}

impl From<String> for PhraseArg {
    fn from(s: String) -> PhraseArg {
        PhraseArg::Text(s)
    }
}
impl From<&String> for PhraseArg {
    fn from(s: &String) -> PhraseArg {
        PhraseArg::Text(s.clone())
    }
}
impl From<&str> for PhraseArg {
    fn from(s: &str) -> PhraseArg {
        PhraseArg::Text(s.to_string())
    }
}
impl From<u64> for PhraseArg {
    fn from(n: u64) -> PhraseArg {
        PhraseArg::Count(n)
    }
}
impl From<usize> for PhraseArg {
    fn from(n: usize) -> PhraseArg {
        PhraseArg::Count(n as u64)
    }
}
impl From<Phrase> for PhraseArg {
    fn from(p: Phrase) -> PhraseArg {
        PhraseArg::Phrase(Box::new(p))
    }
}
impl From<Vec<Phrase>> for PhraseArg {
    fn from(ps: Vec<Phrase>) -> PhraseArg {
        PhraseArg::List(ps, ", ")
    }
}

/// A [`Phrase`]: `phrase!("data-one-of", values = "a, b")`.
#[macro_export]
macro_rules! phrase {
    ($id:literal $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::message::Phrase {
            id: $id,
            args: vec![$((stringify!($name), $crate::message::PhraseArg::from($value))),*],
        }
    };
}

impl Phrase {
    /// Text shown as it is in every language: a library's own message, a value.
    pub fn verbatim(text: impl Into<String>) -> Phrase {
        Phrase { id: "", args: vec![("text", PhraseArg::Text(text.into()))] }
    }
}

impl fmt::Display for Phrase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&Catalogue::english().phrase(self))
    }
}

const IT: &str = include_str!("../i18n/it.ftl");
const EN: &str = include_str!("../i18n/en.ftl");

/// The data-problem messages of one language.
pub struct Catalogue {
    bundle: FluentBundle<FluentResource>,
}

impl fmt::Debug for Catalogue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Catalogue").field("locales", &self.bundle.locales).finish()
    }
}

impl Catalogue {
    /// The catalogue of an ISO 639-1 language code: `it` for Italian, anything else English.
    /// The catalogues are compiled in and tested (both parse and hold the same ids).
    pub fn of(code: &str) -> &'static Catalogue {
        static ITALIAN: OnceLock<Catalogue> = OnceLock::new();
        match code {
            "it" => ITALIAN.get_or_init(|| Catalogue::new("it", IT)),
            _ => Catalogue::english(),
        }
    }

    /// The English catalogue, which `Display` uses.
    pub fn english() -> &'static Catalogue {
        static ENGLISH: OnceLock<Catalogue> = OnceLock::new();
        ENGLISH.get_or_init(|| Catalogue::new("en", EN))
    }

    fn new(code: &str, source: &str) -> Catalogue {
        let id = code.parse().unwrap_or_default();
        let resource = FluentResource::try_new(source.to_string()).unwrap_or_else(|(r, _)| r);
        let mut bundle = FluentBundle::new_concurrent(vec![id]);
        // No Unicode isolation marks: findings go to terminals, logs and text files.
        bundle.set_use_isolating(false);
        let _ = bundle.add_resource(resource);
        Catalogue { bundle }
    }

    /// A phrase worded in this language; its id itself when the catalogue lacks it (a bug the
    /// catalogue test catches).
    pub fn phrase(&self, phrase: &Phrase) -> String {
        if phrase.id.is_empty() {
            return match phrase.args.first() {
                Some((_, PhraseArg::Text(t))) => t.clone(),
                _ => String::new(),
            };
        }
        let Some(pattern) = self.bundle.get_message(phrase.id).and_then(|m| m.value()) else {
            return phrase.id.to_string();
        };
        let mut args = FluentArgs::new();
        for (name, value) in &phrase.args {
            let value: FluentValue<'_> = match value {
                PhraseArg::Text(t) => FluentValue::from(t.clone()),
                PhraseArg::Count(n) => FluentValue::from(*n),
                PhraseArg::Phrase(p) => FluentValue::from(self.phrase(p)),
                PhraseArg::List(ps, separator) => {
                    FluentValue::from(ps.iter().map(|p| self.phrase(p)).collect::<Vec<_>>().join(separator))
                }
            };
            args.set(*name, value);
        }
        let mut errors = Vec::new();
        self.bundle.format_pattern(pattern, Some(&args), &mut errors).into_owned()
    }

    /// A finding: `error: FILE, column `C`, rows 3, 4: expected …, found … (hint: …)`.
    pub fn issue(&self, issue: &Issue) -> String {
        let level = match issue.severity {
            Severity::Error => phrase!("data-error"),
            Severity::Warning => phrase!("data-warning"),
        };
        let mut place = vec![Phrase::verbatim(issue.file.clone())];
        if let Some(column) = &issue.column {
            place.push(phrase!("data-column", column = column));
        }
        let shown = issue.rows.len() as u64;
        if shown > 0 {
            let rows = issue.rows.iter().map(u64::to_string).collect::<Vec<_>>().join(", ");
            let rows = if issue.count > shown {
                phrase!("data-rows-more", rows = rows, more = issue.count - shown)
            } else {
                Phrase::verbatim(rows)
            };
            place.push(phrase!("data-rows", count = shown, rows = rows));
        } else if issue.count > 0 {
            place.push(phrase!("data-row-count", count = issue.count));
        }
        let finding =
            phrase!("data-finding", level = level, place = place, expected = issue.expected.clone(), found = issue.found.clone());
        match &issue.hint {
            Some(hint) => self.phrase(&phrase!("data-finding-hint", finding = finding, hint = hint.clone())),
            None => self.phrase(&finding),
        }
    }

    /// Every finding of a report, one a line.
    pub fn report(&self, report: &Report) -> String {
        report.issues.iter().map(|i| format!("{}\n", self.issue(i))).collect()
    }

    /// Does the catalogue hold the message `id`?
    pub fn has(&self, id: &str) -> bool {
        self.bundle.has_message(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(source: &str) -> std::collections::BTreeSet<String> {
        source
            .lines()
            .filter(|l| !l.starts_with(['#', ' ', '\t']) && l.contains(" ="))
            .map(|l| l.split(" =").next().unwrap_or_default().trim().to_string())
            .collect()
    }

    #[test]
    fn both_catalogues_parse_and_hold_the_same_messages() {
        for (name, source) in [("it.ftl", IT), ("en.ftl", EN)] {
            if let Err((_, errors)) = FluentResource::try_new(source.to_string()) {
                panic!("{name}: {errors:?}");
            }
        }
        let (it, en) = (ids(IT), ids(EN));
        assert!(it.len() > 50, "{}", it.len());
        assert_eq!(it.symmetric_difference(&en).collect::<Vec<_>>(), Vec::<&String>::new(), "ids in one catalogue only");
    }

    /// Every `phrase!("data-…")` written in the crate's sources has its message.
    #[test]
    fn every_phrase_raised_has_its_message() {
        let sources = [
            include_str!("csv.rs"),
            include_str!("error.rs"),
            include_str!("manifest.rs"),
            include_str!("parquet_check.rs"),
            include_str!("source.rs"),
            include_str!("validate.rs"),
            include_str!("workbook.rs"),
        ];
        let mut raised = std::collections::BTreeSet::new();
        for source in sources {
            for piece in source.split("\"data-").skip(1) {
                let id: String = piece.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
                if !id.is_empty() && piece[id.len()..].starts_with('"') {
                    raised.insert(format!("data-{id}"));
                }
            }
        }
        assert!(raised.len() > 50, "{}", raised.len());
        for catalogue in [Catalogue::of("it"), Catalogue::english()] {
            let missing: Vec<&String> = raised.iter().filter(|id| !catalogue.has(id)).collect();
            assert!(missing.is_empty(), "{catalogue:?} lacks {missing:?}");
        }
    }

    #[test]
    fn a_phrase_reads_in_each_language_with_its_plural() {
        let repeated = phrase!("data-repeated-keys", count = 1u64, examples = "b1 / 2024-01-01");
        assert_eq!(repeated.to_string(), "1 repeated key(s), e.g. b1 / 2024-01-01");
        assert_eq!(Catalogue::of("it").phrase(&repeated), "1 chiave ripetuta, ad es. b1 / 2024-01-01");
        let many = phrase!("data-repeated-keys", count = 3u64, examples = "x");
        assert_eq!(Catalogue::of("it").phrase(&many), "3 chiavi ripetute, ad es. x");
        let nested = phrase!("data-found-first", found = phrase!("data-empty-cell"), values = "edition empty");
        assert_eq!(Catalogue::of("it").phrase(&nested), "una cella vuota (edition empty nella prima riga)");
    }
}
