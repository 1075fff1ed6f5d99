//! The definition file format: serde types, strict (unknown fields are errors), kept exactly
//! as partners write them. A field that only some kinds use is an `Option`, so the checker can
//! refuse it where it means nothing; its default is applied once, in [`super::Resolved`].

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{CiMethod, ConfType, Op, TakeoverRule};

/// The kind of computation; each kind is one function in [`crate::compile`].
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Number of rows (entities or people) in the population.
    Count,
    /// Share of the population meeting `numerator` conditions, or Σ `numerator_sum` / Σ `denominator_sum`.
    Share,
    /// Σ over entities of the change of a panel measure between two months (gross: negatives count as 0).
    JobsChange,
    /// Share of new positions held by a group: Σ max(0, Δpart) / (Σ max(0, Δpart) + Σ max(0, Δ(whole − part))).
    NewJobsShare,
    /// Σ of a panel measure in the as-of month.
    Stock,
    /// Σ of a panel measure over months from an anchor to the as-of date, ÷ Σ a beneficiary column.
    Ratio,
    /// Eurostat-OECD n-year survival rate of a birth cohort; incomplete cohorts excluded.
    CohortSurvival,
    /// Kaplan-Meier survival at given horizons, Greenwood variance.
    KaplanMeier,
}

impl Kind {
    /// Name as written in files.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Count => "count",
            Kind::Share => "share",
            Kind::JobsChange => "jobs_change",
            Kind::NewJobsShare => "new_jobs_share",
            Kind::Stock => "stock",
            Kind::Ratio => "ratio",
            Kind::CohortSurvival => "cohort_survival",
            Kind::KaplanMeier => "kaplan_meier",
        }
    }
}

/// Unit of an indicator's value: what a number means, and how a payout rule's target on it is
/// written (`engine/RULES.md`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Unit {
    /// A proportion of units, 0 to 1 (results also carry the whole-count numerator and
    /// denominator). Rule targets are percentages, `at_least = "40%"`, and are tested exactly on
    /// the counts: `numerator ≥ 40% × denominator`.
    Share,
    /// A number of entities (beneficiaries). Targets are whole numbers, `at_least = "3"`.
    Entities,
    /// A number of persons (participants, founders, employees). Targets are whole numbers,
    /// `at_least = "10"`.
    Persons,
    /// Full-time equivalents (contract hours ÷ full-time hours), a decimal. Targets are decimals
    /// in FTE, `at_least = "1"` or `"0.5"`.
    Fte,
    /// A quotient of two sums that is not a proportion (e.g. private euros per euro of grant; may
    /// exceed 1). Targets are plain decimals, `at_least = "0.5"`, never percentages.
    Ratio,
    /// A probability from a survival curve (Kaplan-Meier Ŝ(t)), 0 to 1, one value per horizon.
    /// Not a per-unit value, so no payout target can be set on it.
    Probability,
}

impl Unit {
    /// Every unit, in the order messages list them.
    pub const ALL: [Unit; 6] = [Unit::Share, Unit::Entities, Unit::Persons, Unit::Fte, Unit::Ratio, Unit::Probability];

    /// Name as written in definition files and results (`share`, `entities`, `persons`, `FTE`,
    /// `ratio`, `probability`).
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Share => "share",
            Unit::Entities => "entities",
            Unit::Persons => "persons",
            Unit::Fte => "FTE",
            Unit::Ratio => "ratio",
            Unit::Probability => "probability",
        }
    }

    /// Is the value a proportion whose targets are percentages tested on numerator and
    /// denominator?
    pub fn is_share(self) -> bool {
        self == Unit::Share
    }

    /// The unit written `name`, exactly (case matters: `FTE`).
    pub fn from_name(name: &str) -> Option<Unit> {
        Unit::ALL.into_iter().find(|u| u.as_str() == name)
    }
}

impl std::fmt::Display for Unit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Unit {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        Unit::from_name(&name).ok_or_else(|| {
            let expected = Unit::ALL.iter().map(|u| u.as_str()).collect::<Vec<_>>().join(", ");
            let hint = match Unit::ALL.iter().find(|u| u.as_str().eq_ignore_ascii_case(name.trim())) {
                Some(u) => format!(" (hint: write \"{u}\")"),
                None => String::new(),
            };
            serde::de::Error::custom(format!("unit: expected one of {expected}, found \"{name}\"{hint}"))
        })
    }
}

/// A row condition. Either `column op value(s)`, or an exact ratio test
/// `numerator / denominator op fraction`, evaluated as integers (`numerator × q op p × denominator`)
/// so that no rounding can move a threshold.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    /// Column tested (raw, joined or derived).
    pub column: Option<String>,
    /// Numerator column of a ratio test.
    pub numerator: Option<String>,
    /// Denominator column of a ratio test.
    pub denominator: Option<String>,
    /// Operator.
    pub op: Op,
    /// Value for eq/ne/lt/le/gt/ge.
    pub value: Option<toml::Value>,
    /// Values for in/not_in.
    pub values: Option<Vec<toml::Value>>,
    /// Threshold of a ratio test, as "p/q" (e.g. "1/2", "2/3").
    pub fraction: Option<String>,
}

/// Names in Italian and English.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Names {
    /// Italian name.
    pub it: String,
    /// English name.
    pub en: String,
}

/// Plain words for readers: one text for every language (`description = "…"`), or one per
/// language (`description.it = "…"` and `description.en = "…"`), which the Italian and English
/// catalogue pages show.
#[derive(Clone, Debug, PartialEq)]
pub enum Prose {
    /// One text, shown in every language.
    One(String),
    /// Italian and English.
    Both(Names),
}

impl Prose {
    /// The Italian text (the only one, when there is one).
    pub fn it(&self) -> &str {
        match self {
            Prose::One(text) => text,
            Prose::Both(names) => &names.it,
        }
    }

    /// The English text (the only one, when there is one).
    pub fn en(&self) -> &str {
        match self {
            Prose::One(text) => text,
            Prose::Both(names) => &names.en,
        }
    }
}

impl<'de> Deserialize<'de> for Prose {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Prose;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a text, or `it` and `en` texts (description.it = \"…\", description.en = \"…\")")
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Prose, E> {
                Ok(Prose::One(text.to_string()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Prose, A::Error> {
                use serde::de::Error;
                let (mut it, mut en) = (None, None);
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "it" => it = Some(map.next_value::<String>()?),
                        "en" => en = Some(map.next_value::<String>()?),
                        other => return Err(A::Error::unknown_field(other, &["it", "en"])),
                    }
                }
                let missing = |have: &str, lack: &str| {
                    A::Error::custom(format!(
                        "expected description.{lack} beside description.{have} (or one `description = \"…\"` for every language), found none"
                    ))
                };
                match (it, en) {
                    (Some(it), Some(en)) => Ok(Prose::Both(Names { it, en })),
                    (Some(_), None) => Err(missing("it", "en")),
                    (None, _) => Err(missing("en", "it")),
                }
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// Time window. Which fields apply depends on the kind; unused ones are errors.
#[derive(Clone, Debug, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct Window {
    /// count/share: rows count only if this date is on or before the as-of date. Default: none.
    pub date: Option<String>,
    /// jobs_change/new_jobs_share: month of the baseline value (a date column). Default
    /// `support_start` ([`super::Change::DEFAULT_BASELINE`]).
    pub baseline: Option<String>,
    /// jobs_change/new_jobs_share: month of the measured value, a date column or `as_of`. Default
    /// `support_end` ([`super::Change::DEFAULT_MEASURE_AT`]).
    pub measure_at: Option<String>,
    /// Months added to `measure_at` (RCR01: 12 after completion), 0 to [`super::MAX_MONTHS`] (50
    /// years). Default 0 ([`super::Change::DEFAULT_OFFSET_MONTHS`]).
    pub offset_months: Option<i32>,
    /// ratio: first month summed (a date column). Default `support_start` ([`super::Computation::DEFAULT_FROM`]).
    pub from: Option<String>,
    /// cohort_survival: years after birth (Eurostat t+n). Required for that kind.
    pub years: Option<i32>,
    /// kaplan_meier: horizons in months, increasing, each 1 to [`super::MAX_MONTHS`]. Default [12, 24, 36]
    /// ([`super::Computation::DEFAULT_HORIZONS_MONTHS`]).
    pub horizons_months: Option<Vec<u32>>,
    /// kaplan_meier: origin of time (a date column). Default `support_start` ([`super::Computation::DEFAULT_ORIGIN`]).
    pub origin: Option<String>,
}

/// One indicator definition file.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Definition {
    /// Stable id, e.g. `PAR-02`.
    pub id: String,
    /// Semantic version of the definition, MAJOR.MINOR.PATCH without leading zeros (`1.0.0`);
    /// bump it whenever a result could change.
    pub version: String,
    /// Names.
    pub name: Names,
    /// What it measures, in plain words: one text, or `description.it` and `description.en`.
    pub description: Prose,
    /// Unit of the value.
    pub unit: Unit,
    /// Computation kind.
    pub kind: Kind,
    /// Table whose rows form the population: `beneficiaries` or `participants`. Default
    /// `beneficiaries` ([`super::UnitTable::DEFAULT`]).
    pub table: Option<String>,
    /// Conditions every counted row meets (the denominator of a share). Default: none.
    #[serde(default)]
    pub population: Vec<Condition>,
    /// share: conditions a population row meets to count in the numerator.
    #[serde(default)]
    pub numerator: Vec<Condition>,
    /// share: column summed for the numerator (instead of counting rows): a quantity (persons,
    /// FTE or cents; [`impatto_datasets::schema::ColumnSpec::is_quantity`]), never a code, text, date or flag.
    pub numerator_sum: Option<String>,
    /// share: column summed for the denominator; and ratio: beneficiary column summed. A
    /// quantity, as `numerator_sum`.
    pub denominator_sum: Option<String>,
    /// jobs_change/stock/ratio: panel measure (fte, headcount, women, private_investment_cents, …).
    pub measure: Option<String>,
    /// new_jobs_share: panel column counting a group within `measure`: one of the sub-counts the
    /// panel format declares for it ([`impatto_datasets::schema::SUB_COUNTS`]: `women`, `under35` or `permanent`
    /// of `headcount`).
    pub part: Option<String>,
    /// jobs_change: `gross` (Σ max(0, Δ), RCR01) or `net` (Σ Δ, IRIS PI3687). Default `gross`
    /// ([`super::Mode::DEFAULT`]).
    pub mode: Option<String>,
    /// Time window.
    #[serde(default)]
    pub window: Window,
    /// Columns results may be broken down by: categorical columns (text, integer or boolean
    /// codes), never an identifier ([`impatto_datasets::schema::IDENTIFIERS`]) or a date, which would publish
    /// single units.
    #[serde(default)]
    pub disaggregations: Vec<String>,
    /// share, new_jobs_share, cohort_survival: interval method. Default `wilson`
    /// ([`CiMethod::default`]); other kinds have no interval.
    pub ci: Option<CiMethod>,
    /// Confidence level. Default 0.95 ([`super::Resolved::DEFAULT_CONFIDENCE`]).
    pub confidence: Option<f64>,
    /// kaplan_meier: interval type. Default `log-log` ([`ConfType::default`]).
    pub conf_type: Option<ConfType>,
    /// kaplan_meier: take-overs and mergers. Default `survival` (the Eurostat-OECD rule, which
    /// cohort_survival always applies; [`TakeoverRule::default`]).
    pub takeover: Option<TakeoverRule>,
    /// Cells counting fewer units than this are suppressed (SISTAN minimum is 3). Default 3
    /// ([`super::Resolved::DEFAULT_SMALL_CELL`]).
    pub small_cell: Option<u64>,
    /// Codes in external frameworks: `iris`, `eu`, `eurostat`, `esf`, …
    #[serde(default)]
    pub codes: BTreeMap<String, String>,
    /// Id of the indicator this one is a named variant of: a built-in indicator or one checked
    /// together with this file.
    pub variant_of: Option<String>,
}
