//! Programme rule files: what a city writes, checked once into a [`Programme`] before a cent
//! is computed.
//!
//! Parsing is strict (unknown fields are errors) and every semantic check fails at load time
//! naming the file, the line of the value, the rule and the field (see `check`). The
//! reference for people, `engine/RULES.md`, is generated from [`FIELDS`] and the kinds' docs.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::Deserialize;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::check::{Door, IndicatorInfo, RuleError, peek_str, take_kind};
use super::kinds::{FieldDoc, KINDS, Rule};
use super::model::Wording;
use super::money::{Money, Rounding, Share};
use crate::i18n::Lang;

/// How claims are cut when they exceed the budget.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Allocation {
    /// Every line scaled in proportion, cents by largest remainder. Default.
    #[default]
    ProRata,
    /// Rules in file order, beneficiaries by id, each paid in full until the budget runs out.
    Priority,
}

impl Allocation {
    /// The name written in rule files.
    pub fn as_str(self) -> &'static str {
        match self {
            Allocation::ProRata => "pro-rata",
            Allocation::Priority => "priority",
        }
    }
}

/// Which beneficiaries of the panel the programme pays.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DataSelector {
    /// `beneficiaries.programme` value.
    pub programme: String,
    /// Only this edition (call year). Default: all editions.
    pub edition: Option<i64>,
}

/// A payment period: the statement is computed as of its date.
#[derive(Clone, Debug, PartialEq)]
pub struct Period {
    /// Period id used with `--period` (safe characters: it names output files).
    pub id: String,
    /// As-of date of the indicators.
    pub as_of: NaiveDate,
}

/// A payer and its share of every payment.
#[derive(Clone, Debug, PartialEq)]
pub struct Payer {
    /// Payer id (unique in the file).
    pub id: String,
    /// Share of each payment; the shares total 100%.
    pub share: Share,
    /// Most this payer has committed, currency units; `None` = unlimited.
    pub commitment: Option<Money>,
}

/// A checked programme: every amount parsed, every default applied, every rule checked.
#[derive(Clone, Debug)]
pub struct Programme {
    /// Programme id (safe characters).
    pub id: String,
    /// Name, in Italian and English when the file gives both (`name = { it = "…", en = "…" }`).
    pub name: Wording,
    /// ISO 4217 currency of every amount.
    pub currency: String,
    /// Total available for payments in one statement, currency units.
    pub budget: Money,
    /// Rounding of every line's claim to the cent.
    pub rounding: Rounding,
    /// Cutting claims that exceed the budget.
    pub allocation: Allocation,
    /// Beneficiaries paid.
    pub data: DataSelector,
    /// Payment periods, in increasing as-of order; the last is the default.
    pub periods: Vec<Period>,
    /// Payers, in file order.
    pub payers: Vec<Payer>,
    /// Rules, in file order (the priority order).
    pub rules: Vec<Rule>,
    /// Path (for messages and the statement).
    pub path: String,
    /// `sha256:` of the file bytes.
    pub hash: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PeriodSpec {
    id: Spanned<String>,
    as_of: Spanned<toml::value::Datetime>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PayerSpec {
    id: Spanned<String>,
    share: Spanned<String>,
    commitment: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Spec {
    id: Spanned<String>,
    name: Spanned<Wording>,
    currency: Spanned<String>,
    budget: Spanned<String>,
    #[serde(default)]
    rounding: Rounding,
    #[serde(default)]
    allocation: Allocation,
    data: DataSelector,
    periods: Spanned<Vec<PeriodSpec>>,
    payers: Spanned<Vec<PayerSpec>>,
}

/// The programme's own fields, for `RULES.md`.
pub const FIELDS: &[FieldDoc] = &[
    FieldDoc { name: "id", notation: "id", default: "required", doc: "Programme id on statements and output file names." },
    FieldDoc {
        name: "name",
        notation: "text, or { it = \"…\", en = \"…\" }",
        default: "required",
        doc: "Name on statements and reports, in each language when given as it/en.",
    },
    FieldDoc {
        name: "currency",
        notation: "ISO 4217 code",
        default: "required",
        doc: "Currency of every amount; an amount written with another code is an error.",
    },
    FieldDoc {
        name: "budget",
        notation: "amount",
        default: "required",
        doc: "Total available in a statement; claims above it are cut.",
    },
    FieldDoc {
        name: "rounding",
        notation: "`half-up`, `half-even`, `down`",
        default: "`half-up`",
        doc: "Rounding of every line's claim to the cent.",
    },
    FieldDoc {
        name: "allocation",
        notation: "`pro-rata`, `priority`",
        default: "`pro-rata`",
        doc: "`pro-rata`: every line scaled, cents by largest remainder; `priority`: rules in file order, beneficiaries by id, paid in full until the budget runs out.",
    },
    FieldDoc {
        name: "data",
        notation: "`{ programme, edition }`",
        default: "required; edition: all",
        doc: "Which funded beneficiaries of the panel are paid.",
    },
    FieldDoc {
        name: "periods",
        notation: "`[{ id, as_of }]`",
        default: "required",
        doc: "Payment periods in increasing date order; `as_of` a plain date (1900–2200); `--period` picks one, the last by default.",
    },
    FieldDoc {
        name: "[[payers]]",
        notation: "`id`, `share`, `commitment`",
        default: "required; commitment: none",
        doc: "Each line is split by `share` (shares total 100%, cents by largest remainder); a payer whose total exceeds its `commitment` (an amount) is cut pro rata and the shortfall shows as unfunded.",
    },
    FieldDoc {
        name: "[[rules]]",
        notation: "`kind` and its fields",
        default: "required",
        doc: "The rules below, applied to every beneficiary in file order.",
    },
];

/// ISO 4217 alphabetic codes of current currencies (ISO 4217 list one, SIX Group, 2024).
const ISO_4217: &[&str] = &[
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN", "BHD", "BIF", "BMD", "BND",
    "BOB", "BOV", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHE", "CHF", "CHW", "CLF", "CLP", "CNY", "COP", "COU",
    "CRC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP",
    "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IQD", "IRR", "ISK", "JMD", "JOD", "JPY", "KES",
    "KGS", "KHR", "KMF", "KPW", "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL", "LYD", "MAD", "MDL", "MGA", "MKD",
    "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MXV", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR",
    "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD",
    "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB", "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS",
    "UAH", "UGX", "USD", "USN", "UYI", "UYU", "UYW", "UZS", "VED", "VES", "VND", "VUV", "WST", "XAF", "XCD", "XCG", "XOF", "XPF",
    "YER", "ZAR", "ZMW", "ZWG",
];

fn parse_error(file: &str, text: &str, e: &toml::de::Error) -> RuleError {
    RuleError {
        file: file.into(),
        line: e.span().map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1),
        rule: None,
        field: None,
        message: e.message().trim_end().to_string(),
    }
}

/// Parse and check a programme file against the indicators rules may read.
///
/// # Errors
/// [`RuleError`] naming the line, the rule and the field of the first value that cannot be
/// right, what was expected and what was found.
pub fn parse(file: &str, text: &str, indicators: &BTreeMap<String, IndicatorInfo>) -> Result<Programme, RuleError> {
    let mut doc = DeTable::parse(text).map_err(|e| parse_error(file, text, &e))?;
    // The rules are split off and read one by one, each as its kind's spec.
    let rules = doc.get_mut().remove("rules");
    let span = doc.span();
    let mut door = Door::new(file, text, indicators);
    let spec: Spec = door.spec(Spanned::new(span.clone(), DeValue::Table(doc.into_inner())), "the programme")?;

    let id = door.id("id", &spec.id)?;
    if [Lang::It, Lang::En].iter().any(|&l| spec.name.get_ref().get(l).trim().is_empty()) {
        return Err(door.err(Some(&spec.name.span()), "name", "expected the programme's name, found an empty text"));
    }
    let currency = spec.currency.get_ref().trim().to_string();
    if !ISO_4217.contains(&currency.as_str()) {
        return Err(door.err(
            Some(&spec.currency.span()),
            "currency",
            format!("expected an ISO 4217 currency code like \"EUR\" or \"GBP\", found \"{currency}\""),
        ));
    }
    door.currency = currency.clone();
    let budget = door.money("budget", &spec.budget)?;

    if spec.periods.get_ref().is_empty() {
        return Err(door.err(
            Some(&spec.periods.span()),
            "periods",
            "expected at least one period, e.g. periods = [{ id = \"2020\", as_of = 2020-12-31 }]",
        ));
    }
    let mut periods: Vec<Period> = Vec::new();
    for (i, p) in spec.periods.get_ref().iter().enumerate() {
        let f = |x: &str| format!("periods[{}].{x}", i + 1);
        let pid = door.id(&f("id"), &p.id)?;
        if periods.iter().any(|q| q.id == pid) {
            return Err(door.err(Some(&p.id.span()), &f("id"), format!("period `{pid}` is listed twice")));
        }
        let as_of = plain_date(&door, &f("as_of"), &p.as_of)?;
        if let Some(prev) = periods.last()
            && as_of <= prev.as_of
        {
            return Err(door.err(
                Some(&p.as_of.span()),
                &f("as_of"),
                format!("expected periods in increasing date order: {as_of} is not after `{}` ({})", prev.id, prev.as_of),
            ));
        }
        periods.push(Period { id: pid, as_of });
    }

    let mut payers: Vec<Payer> = Vec::new();
    let mut total = rust_decimal::Decimal::ZERO;
    for (i, p) in spec.payers.get_ref().iter().enumerate() {
        let f = |x: &str| format!("payers[{}].{x}", i + 1);
        let pid = door.id(&f("id"), &p.id)?;
        if payers.iter().any(|q| q.id == pid) {
            return Err(door.err(Some(&p.id.span()), &f("id"), format!("payer `{pid}` is listed twice")));
        }
        let share = door.share(&f("share"), &p.share)?;
        let commitment = p.commitment.as_ref().map(|c| door.money(&f("commitment"), c)).transpose()?;
        total += share.get();
        payers.push(Payer { id: pid, share, commitment });
    }
    if payers.is_empty() || total != rust_decimal::Decimal::ONE {
        return Err(door.err(
            Some(&spec.payers.span()),
            "payers",
            format!("expected shares totalling 100%, found {}", super::money::percent(total)),
        ));
    }

    let mut checked: Vec<Rule> = Vec::new();
    let Some(rules) = rules else {
        return Err(door.err(None, "rules", "expected at least one [[rules]] table, found none"));
    };
    let rules_span = rules.span();
    let DeValue::Array(items) = rules.into_inner() else {
        return Err(door.err(Some(&rules_span), "rules", "expected [[rules]] tables"));
    };
    for mut item in items {
        let item_span = item.span();
        let rule_id = peek_str(&item, "id");
        let id_span = rule_id.as_ref().map_or(item_span.clone(), |s| s.span());
        let door = door.for_rule(rule_id.map(|s| s.into_inner()).filter(|s| super::check::is_safe_id(s)));
        let Some(kind) = take_kind(&mut item) else {
            return Err(door.err(Some(&item_span), "kind", format!("expected `kind = \"…\"`, one of {}", kind_names())));
        };
        let Some((_, _, _, check)) = KINDS.iter().find(|k| k.0 == kind.get_ref()) else {
            return Err(door.err(
                Some(&kind.span()),
                "kind",
                format!("expected one of {}, found \"{}\"", kind_names(), kind.get_ref()),
            ));
        };
        let rule = check(item, &door, &checked)?;
        if checked.iter().any(|r| r.id() == rule.id()) {
            return Err(door.err(Some(&id_span), "id", format!("duplicate rule id `{}`", rule.id())));
        }
        checked.push(rule);
    }
    if checked.is_empty() {
        return Err(door.err(Some(&rules_span), "rules", "expected at least one rule, found none"));
    }
    use sha2::{Digest, Sha256};
    let hash: String = Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
    Ok(Programme {
        id,
        name: spec.name.into_inner(),
        currency,
        budget,
        rounding: spec.rounding,
        allocation: spec.allocation,
        data: spec.data,
        periods,
        payers,
        rules: checked,
        path: file.into(),
        hash: format!("sha256:{hash}"),
    })
}

fn kind_names() -> String {
    KINDS.iter().map(|k| format!("`{}`", k.0)).collect::<Vec<_>>().join(", ")
}

/// A TOML date without a time or offset, in a plausible range.
fn plain_date(door: &Door, field: &str, v: &Spanned<toml::value::Datetime>) -> Result<NaiveDate, RuleError> {
    let dt = v.get_ref();
    let at = |m: String| door.err(Some(&v.span()), field, m);
    let (Some(d), None, None) = (dt.date, dt.time, dt.offset) else {
        return Err(at(format!("expected a plain date like 2022-12-31, found {dt}")));
    };
    if !(1900..=2200).contains(&d.year) {
        return Err(at(format!("expected a date between 1900 and 2200, found {dt}")));
    }
    NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
        .ok_or_else(|| at(format!("expected a calendar date, found {dt}")))
}

impl Programme {
    /// The period named `id`, or the last one.
    ///
    /// # Errors
    /// The periods there are, when `id` is not one of them.
    pub fn period(&self, id: Option<&str>) -> Result<&Period, String> {
        match id {
            Some(id) => self.periods.iter().find(|p| p.id == id).ok_or_else(|| {
                let known: Vec<&str> = self.periods.iter().map(|p| p.id.as_str()).collect();
                format!("{}: no period `{id}` (periods: {})", self.path, known.join(", "))
            }),
            None => self.periods.last().ok_or_else(|| format!("{}: no periods", self.path)),
        }
    }

    /// Indicator ids the rules read as of the period.
    pub fn indicators_used(&self) -> BTreeSet<String> {
        self.rules.iter().flat_map(|r| r.needs().indicators).collect()
    }
}
