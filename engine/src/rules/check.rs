//! The rule-file door: every value is parsed here once, with the line it came from.
//!
//! Rule files are read with the TOML parser's spans (`toml::Spanned`), so an error names the
//! line of the offending value — not the first line that happens to contain the same text —
//! and the field it belongs to. Past this module evaluation sees only checked types
//! ([`Money`], [`Share`], [`Quantity`], dates, bounded integers); it never sees text.

use std::collections::BTreeMap;
use std::ops::Range;

use rust_decimal::Decimal;
use serde::de::DeserializeOwned;
use toml::Spanned;
use toml::de::DeValue;

use super::money::{Money, Share, parse_fraction_or_percent, percent};

/// A rule or definition file that cannot be right: file, line, rule, field, expected vs found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{file}{}: {}{}{message}",
    line.map(|l| format!(":{l}")).unwrap_or_default(),
    rule.as_ref().map(|r| format!("rule `{r}`: ")).unwrap_or_default(),
    field.as_ref().map(|f| format!("{f}: ")).unwrap_or_default()
)]
pub struct RuleError {
    /// The rule file.
    pub file: String,
    /// 1-based line of the offending value, when known.
    pub line: Option<usize>,
    /// Id of the rule, when the error is inside one.
    pub rule: Option<String>,
    /// The field, e.g. `cap` or `targets[1].at_least`.
    pub field: Option<String>,
    /// What was expected, what was found and, where it helps, how to write it.
    pub message: String,
}

/// What a rule needs to know of an indicator it reads: its id, unit and whether it has one
/// value per beneficiary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndicatorInfo {
    /// Indicator id.
    pub id: String,
    /// Unit as the definition states it (`share`, `FTE`, `persons`, …).
    pub unit: String,
    /// A share or probability: targets on it are written "41.5%" or "0.415".
    pub is_share: bool,
    /// Why the indicator cannot drive a payment, if it cannot (e.g. a Kaplan-Meier curve with
    /// several horizons has no single value per beneficiary).
    pub not_per_unit: Option<String>,
}

impl IndicatorInfo {
    /// From a loaded definition.
    pub fn of(d: &impatto_indicators::LoadedDefinition) -> IndicatorInfo {
        let unit = d.def.unit.as_str().to_string();
        let is_share =
            matches!(d.def.unit, impatto_indicators::definition::Unit::Share | impatto_indicators::definition::Unit::Probability);
        let not_per_unit = matches!(d.def.kind, impatto_indicators::definition::Kind::KaplanMeier).then(|| {
            format!(
                "{} is a Kaplan-Meier curve (one value per group and horizon, none per beneficiary); rules can use indicators of kinds share, count, jobs_change, stock, ratio, new_jobs_share and cohort_survival",
                d.def.id
            )
        });
        IndicatorInfo { id: d.def.id.clone(), unit, is_share, not_per_unit }
    }
}

/// A value compared with an indicator, in the indicator's unit: a share as a fraction (0.415),
/// anything else as the number itself (2.5 FTE).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Quantity(pub Decimal);

impl Quantity {
    /// As the rule file would write it for an indicator of this kind.
    pub fn show(self, is_share: bool) -> String {
        if is_share { percent(self.0) } else { self.0.normalize().to_string() }
    }

    /// As [`Quantity::show`], for a step of an explanation read in either language.
    pub fn arg(self, is_share: bool) -> super::model::StepArg {
        if is_share { super::model::StepArg::Percent(self.0) } else { super::model::StepArg::Number(self.0) }
    }
}

/// The context every check of one file shares.
#[derive(Clone, Debug)]
pub struct Door<'a> {
    /// File name for messages.
    pub file: &'a str,
    text: &'a str,
    /// The programme's currency (ISO 4217).
    pub currency: String,
    /// Indicators rules may read, by id.
    pub indicators: &'a BTreeMap<String, IndicatorInfo>,
    /// The rule being checked.
    pub rule: Option<String>,
}

/// Letters, digits, `-`, `_`, `.`; starting with a letter or digit; at most 64 characters.
pub fn is_safe_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// Safe ids: they name files, statement columns and ledger keys.
pub const ID_HINT: &str = "letters, digits, `-`, `_` and `.`, starting with a letter or digit, at most 64 characters";

impl<'a> Door<'a> {
    /// A door for one file.
    pub fn new(file: &'a str, text: &'a str, indicators: &'a BTreeMap<String, IndicatorInfo>) -> Door<'a> {
        Door { file, text, currency: String::new(), indicators, rule: None }
    }

    /// The same door, inside a rule.
    pub fn for_rule(&self, id: Option<String>) -> Door<'a> {
        Door { rule: id, ..self.clone() }
    }

    /// The 1-based line of a byte offset.
    pub fn line(&self, span: &Range<usize>) -> usize {
        self.text[..span.start.min(self.text.len())].matches('\n').count() + 1
    }

    /// An error at a span, in the current rule.
    pub fn err(&self, span: Option<&Range<usize>>, field: &str, message: impl Into<String>) -> RuleError {
        RuleError {
            file: self.file.into(),
            line: span.map(|s| self.line(s)),
            rule: self.rule.clone(),
            field: (!field.is_empty()).then(|| field.to_string()),
            message: message.into(),
        }
    }

    /// A money amount in the programme's currency.
    pub fn money(&self, field: &str, v: &Spanned<String>) -> Result<Money, RuleError> {
        Money::parse(v.get_ref(), &self.currency).map_err(|m| self.err(Some(&v.span()), field, m))
    }

    /// A share from 0% to 100%.
    pub fn share(&self, field: &str, v: &Spanned<String>) -> Result<Share, RuleError> {
        Share::parse(v.get_ref()).map_err(|m| self.err(Some(&v.span()), field, m))
    }

    /// A safe id.
    pub fn id(&self, field: &str, v: &Spanned<String>) -> Result<String, RuleError> {
        let s = v.get_ref();
        if !is_safe_id(s) {
            return Err(self.err(Some(&v.span()), field, format!("expected an id of {ID_HINT}, found {s:?}")));
        }
        Ok(s.clone())
    }

    /// A whole number in a range, e.g. days or months.
    pub fn bounded(&self, field: &str, v: &Spanned<i64>, range: Range<i64>, unit: &str) -> Result<u32, RuleError> {
        let x = *v.get_ref();
        if !range.contains(&x) {
            return Err(self.err(
                Some(&v.span()),
                field,
                format!("expected a whole number of {unit} from {} to {}, found {x}", range.start, range.end - 1),
            ));
        }
        u32::try_from(x).map_err(|_| self.err(Some(&v.span()), field, format!("expected a number of {unit} ≥ 0, found {x}")))
    }

    /// An indicator that can drive a payment.
    pub fn indicator(&self, field: &str, v: &Spanned<String>) -> Result<&'a IndicatorInfo, RuleError> {
        let Some(info) = self.indicators.get(v.get_ref()) else {
            let known: Vec<&str> = self.indicators.keys().map(String::as_str).collect();
            return Err(self.err(
                Some(&v.span()),
                field,
                format!(
                    "unknown indicator `{}` (known: {}; a programme's own definitions are added with --definitions DIR)",
                    v.get_ref(),
                    known.join(", ")
                ),
            ));
        };
        if let Some(why) = &info.not_per_unit {
            return Err(self.err(Some(&v.span()), field, format!("expected an indicator with one value per beneficiary: {why}")));
        }
        Ok(info)
    }

    /// A value in an indicator's unit: shares as "41.5%" or "0.415" within 0–100%, other units
    /// as plain numbers. A value that could be read two ways is refused with both spellings.
    pub fn quantity(&self, field: &str, v: &Spanned<String>, on: &IndicatorInfo) -> Result<Quantity, RuleError> {
        let text = v.get_ref();
        let at = |m: String| self.err(Some(&v.span()), field, m);
        if on.is_share {
            let share = Share::parse(text).map_err(|m| at(format!("{} is a {}: {m}", on.id, on.unit)))?;
            return Ok(Quantity(share.get()));
        }
        if text.trim().ends_with('%') {
            let number = text.trim().trim_end_matches('%').trim();
            return Err(at(format!(
                "{} is measured in {}, not as a share: expected a number like \"{number}\", found \"{text}\"",
                on.id, on.unit
            )));
        }
        parse_fraction_or_percent(text).map(Quantity).map_err(|m| at(format!("{} is measured in {}: {m}", on.id, on.unit)))
    }

    /// A positive plain number (weights).
    pub fn positive(&self, field: &str, v: &Spanned<String>, max: i64) -> Result<Decimal, RuleError> {
        let d = parse_fraction_or_percent(v.get_ref())
            .ok()
            .filter(|_| !v.get_ref().trim().ends_with('%'))
            .filter(|d| *d > Decimal::ZERO && *d <= Decimal::from(max))
            .ok_or_else(|| {
                self.err(Some(&v.span()), field, format!("expected a positive number up to {max}, found \"{}\"", v.get_ref()))
            })?;
        Ok(d)
    }

    /// Deserialize a table into a spec, turning serde's messages into a line, a field and
    /// plain advice (amounts in quotes, the known fields).
    pub fn spec<'i, T: DeserializeOwned>(&self, value: Spanned<DeValue<'i>>, what: &str) -> Result<T, RuleError> {
        let fields: Vec<(String, Range<usize>)> = match value.get_ref() {
            DeValue::Table(t) => t.iter().map(|(k, v)| (k.get_ref().to_string(), v.span())).collect(),
            _ => Vec::new(),
        };
        let table_span = value.span();
        T::deserialize(toml::de::ValueDeserializer::from(value)).map_err(|e| {
            let span = e.span().unwrap_or(table_span.clone());
            // The field is the key whose value holds the error's span.
            let field = fields
                .iter()
                .filter(|(_, s)| s.start <= span.start && span.end <= s.end)
                .min_by_key(|(_, s)| s.end - s.start)
                .map(|(k, _)| k.clone())
                .unwrap_or_default();
            self.err(Some(&span), &field, plain_serde_message(e.message(), what))
        })
    }
}

/// serde's wording, said in the file's terms.
fn plain_serde_message(message: &str, what: &str) -> String {
    let m = message.trim_end();
    if m.starts_with("invalid type:") && m.contains("expected a string") {
        let found = m.trim_start_matches("invalid type: ").split(", expected").next().unwrap_or("");
        return format!(
            "expected text in quotes, found {found} (write amounts and shares in quotes, e.g. cap = \"35000.00\", share = \"50%\")"
        );
    }
    if m.starts_with("data did not match any variant of untagged enum AmountSpec") {
        return "expected an amount in quotes like \"10000.00\", { share_of_costs = \"10%\" } or { top_up_to_share = \"65%\", top_up_to_cap = \"45000.00\" }".into();
    }
    if let Some(rest) = m.strip_prefix("unknown field ") {
        return format!("unknown field {rest} in {what}");
    }
    if m.starts_with("invalid type:") && (m.contains("expected i64") || m.contains("expected u32")) {
        return format!(
            "{} (write a whole number without quotes, e.g. within_days = 60)",
            m.replace("invalid type: ", "expected a whole number, found ")
        );
    }
    m.to_string()
}

/// The kind of a rule table, removed from it so the kind's spec can deny unknown fields.
pub fn take_kind(value: &mut Spanned<DeValue<'_>>) -> Option<Spanned<String>> {
    let span = value.span();
    let DeValue::Table(t) = value.get_mut() else { return None };
    let kind = t.remove("kind")?;
    let s = kind.span();
    match kind.into_inner() {
        DeValue::String(k) => Some(Spanned::new(s, k.into_owned())),
        _ => Some(Spanned::new(span, String::new())),
    }
}

/// A text field of a raw table (the rule id, read before the kind's spec for messages).
pub fn peek_str(value: &Spanned<DeValue<'_>>, key: &str) -> Option<Spanned<String>> {
    let DeValue::Table(t) = value.get_ref() else { return None };
    let v = t.get(key)?;
    match v.get_ref() {
        DeValue::String(s) => Some(Spanned::new(v.span(), s.to_string())),
        _ => None,
    }
}
