//! Italian and English for what people read: statements, reports, traces' headings and summaries.
//!
//! Why: the programmes are the Comune di Milano's; its officers, council and auditors read
//! Italian, partners and researchers often English. Texts live in Fluent catalogues
//! (`engine/i18n/{it,en}.ftl`), never as literals in formatting code, so a translator edits one
//! file. Machine outputs (JSON, the default CSV, Parquet) do not change with the language.
//!
//! Formats follow the language: `€ 1.640.161,00` and `31/12/2025` in Italian (the style of the
//! Comune's own calls), `€1,640,161.00` and `2025-12-31` (ISO 8601) in English.

use std::fmt;

use chrono::NaiveDate;
use fluent_bundle::{FluentArgs, FluentBundle, FluentResource, FluentValue};
use num_format::{Locale, ToFormattedString};
use rust_decimal::Decimal;

/// A language people read impatto's outputs in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    /// Italian.
    It,
    /// English (the default when the locale names neither).
    #[default]
    En,
}

impl Lang {
    /// Both languages, Italian first.
    pub const ALL: [Lang; 2] = [Lang::It, Lang::En];

    /// The ISO 639-1 code: `it` or `en`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::It => "it",
            Lang::En => "en",
        }
    }

    /// The language of a POSIX locale's variables, read as the C library does: `LC_ALL`, then
    /// `LC_MESSAGES`, then `LANG`; the first set and non-empty one decides. `it_IT.UTF-8` → It;
    /// anything else (including `C` and unset) → En.
    pub fn from_locale(var: impl Fn(&str) -> Option<String>) -> Lang {
        let value = ["LC_ALL", "LC_MESSAGES", "LANG"].iter().find_map(|v| var(v).filter(|s| !s.is_empty()));
        match value {
            Some(v) if v.starts_with("it") => Lang::It,
            _ => Lang::En,
        }
    }

    /// The language of this process's locale ([`Lang::from_locale`]).
    pub fn from_env() -> Lang {
        Lang::from_locale(|v| std::env::var(v).ok())
    }
}

impl std::str::FromStr for Lang {
    type Err = String;

    fn from_str(s: &str) -> Result<Lang, String> {
        match s {
            "it" => Ok(Lang::It),
            "en" => Ok(Lang::En),
            other => Err(format!("expected `it` or `en`, found `{other}`")),
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

const IT: &str = include_str!("../i18n/it.ftl");
const EN: &str = include_str!("../i18n/en.ftl");

/// One language's catalogue and formats.
pub struct Texts {
    lang: Lang,
    bundle: FluentBundle<FluentResource>,
}

impl fmt::Debug for Texts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Texts").field("lang", &self.lang).finish()
    }
}

impl Texts {
    /// The catalogue of `lang`. The catalogues are compiled in and checked by the tests (both
    /// parse, and hold the same message ids), so a failure here is a bug.
    pub fn new(lang: Lang) -> Texts {
        let source = match lang {
            Lang::It => IT,
            Lang::En => EN,
        };
        let id: unic_langid::LanguageIdentifier = lang.code().parse().unwrap_or_default();
        let resource = FluentResource::try_new(source.to_string()).unwrap_or_else(|(r, _)| r);
        let mut bundle = FluentBundle::new(vec![id]);
        // No Unicode isolation marks: the texts go to terminals, text files and CSV cells.
        bundle.set_use_isolating(false);
        let _ = bundle.add_resource(resource);
        Texts { lang, bundle }
    }

    /// The language.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// The message `id` with its arguments; the id itself when the catalogue lacks it (a bug the
    /// catalogue test catches).
    pub fn get(&self, id: &str, args: &[(&str, Arg<'_>)]) -> String {
        let Some(pattern) = self.bundle.get_message(id).and_then(|m| m.value()) else {
            return id.to_string();
        };
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            let v: FluentValue<'_> = match value {
                Arg::Text(t) => FluentValue::from(t.to_string()),
                Arg::Count(n) => FluentValue::from(*n as i64),
            };
            fluent_args.set(*name, v);
        }
        let mut errors = Vec::new();
        self.bundle.format_pattern(pattern, Some(&fluent_args), &mut errors).into_owned()
    }

    /// Does the catalogue hold the message `id`?
    pub fn has(&self, id: &str) -> bool {
        self.bundle.has_message(id)
    }

    /// An amount in currency units with its currency: `€ 1.640.161,00` (it), `€1,640,161.00`
    /// (en); a currency without a symbol here is written by its ISO 4217 code (`CHF 12,50`).
    /// Rounded half away from zero to the cent.
    pub fn money(&self, amount: Decimal, currency: &str) -> String {
        let symbol = match currency {
            "EUR" => "€",
            "GBP" => "£",
            "USD" => "$",
            other => other,
        };
        let number = self.decimal(amount, 2);
        let (sign, digits) = match number.strip_prefix('-') {
            Some(d) => ("-", d.to_string()),
            None => ("", number),
        };
        let space = if self.lang == Lang::It || symbol.chars().count() == 3 { " " } else { "" };
        format!("{sign}{symbol}{space}{digits}")
    }

    /// A decimal number with `places` decimals, grouped in thousands: `1.640.161,50` (it),
    /// `1,640,161.50` (en). Rounded half away from zero.
    pub fn decimal(&self, x: Decimal, places: u32) -> String {
        let r = x.round_dp_with_strategy(places, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
        let negative = r.is_sign_negative() && !r.is_zero();
        let abs = r.abs();
        let whole = abs.trunc();
        let fraction = ((abs - whole) * Decimal::from(10u64.pow(places))).round();
        let whole: u128 = whole.to_string().parse().unwrap_or(0);
        let (locale, point) = match self.lang {
            Lang::It => (Locale::it, ','),
            Lang::En => (Locale::en, '.'),
        };
        let mut out = String::new();
        if negative {
            out.push('-');
        }
        out.push_str(&whole.to_formatted_string(&locale));
        if places > 0 {
            out.push(point);
            out.push_str(&format!("{:0width$}", fraction, width = places as usize));
        }
        out
    }

    /// A float with `places` decimals in the language's format (`0,61` / `0.61`).
    pub fn number(&self, x: f64, places: u32) -> String {
        match Decimal::from_f64_retain(x) {
            Some(d) if x.is_finite() => self.decimal(d, places),
            _ => x.to_string(),
        }
    }

    /// A date: `31/12/2025` (it), `2025-12-31` (en, ISO 8601).
    pub fn date(&self, d: NaiveDate) -> String {
        match self.lang {
            Lang::It => d.format("%d/%m/%Y").to_string(),
            Lang::En => d.format("%Y-%m-%d").to_string(),
        }
    }
}

/// A message argument.
#[derive(Clone, Copy, Debug)]
pub enum Arg<'a> {
    /// Text, inserted as is.
    Text(&'a str),
    /// A count, which chooses the plural form.
    Count(usize),
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
        assert!(it.len() > 20, "{}", it.len());
        assert_eq!(it.symmetric_difference(&en).collect::<Vec<_>>(), Vec::<&String>::new(), "ids in one catalogue only");
    }

    #[test]
    fn money_follows_the_language() {
        // The Bandi 266 total, written as the Comune writes it and as English does.
        let amount = Decimal::new(164016100, 2);
        assert_eq!(Texts::new(Lang::It).money(amount, "EUR"), "€ 1.640.161,00");
        assert_eq!(Texts::new(Lang::En).money(amount, "EUR"), "€1,640,161.00");
        assert_eq!(Texts::new(Lang::En).money(Decimal::new(-1250, 2), "CHF"), "-CHF 12.50");
        assert_eq!(Texts::new(Lang::It).money(Decimal::new(5, 3), "GBP"), "£ 0,01", "half a cent rounds away from zero");
        assert_eq!(Texts::new(Lang::It).date(NaiveDate::from_ymd_opt(2025, 12, 31).expect("date")), "31/12/2025");
    }

    #[test]
    fn the_locale_decides_as_the_c_library_does() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |v: &str| pairs.iter().find(|(k, _)| *k == v).map(|(_, x)| x.to_string())
        };
        assert_eq!(Lang::from_locale(env(&[("LANG", "it_IT.UTF-8")])), Lang::It);
        assert_eq!(Lang::from_locale(env(&[("LANG", "it_IT.UTF-8"), ("LC_ALL", "C")])), Lang::En);
        assert_eq!(Lang::from_locale(env(&[("LANG", "en_GB.UTF-8"), ("LC_MESSAGES", "it_IT")])), Lang::It);
        assert_eq!(Lang::from_locale(env(&[("LC_ALL", ""), ("LANG", "it_CH")])), Lang::It);
        assert_eq!(Lang::from_locale(env(&[])), Lang::En);
    }

    #[test]
    fn plurals_follow_the_language() {
        let it = Texts::new(Lang::It);
        assert_eq!(
            it.get("statement-flagged", &[("count", Arg::Count(1))]).split(' ').take(2).collect::<Vec<_>>(),
            ["1", "riga"]
        );
        assert_eq!(
            it.get("statement-flagged", &[("count", Arg::Count(3))]).split(' ').take(2).collect::<Vec<_>>(),
            ["3", "righe"]
        );
    }
}
