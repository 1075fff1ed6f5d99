//! Indicator definition files: what a partner reads, edits and signs.
//!
//! One indicator is one TOML file. Parsing is strict (unknown fields are errors, so a typo
//! cannot silently change a definition) and is followed by a semantic check against the panel
//! format: every column must exist in the indicator's table, its joined beneficiary columns or
//! the documented derived columns; every field must mean something for the indicator's kind.
//! Each field's meaning and default sit beside it below; `indicators/definitions/README.md`
//! is the same text for people.

use std::collections::BTreeMap;
use std::path::Path;

use impatto_datasets::schema::{self, ColumnSpec, ColumnType, Table};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::error::{Error, Result};
use crate::plan::{Filter, Literal, Operand};
pub use crate::plan::{Op, TakeoverRule};
pub use crate::stats::{CiMethod, ConfType};

mod resolved;
pub use resolved::{Change, Computation, MeasureAt, Mode, Resolved, ShareOf, UnitTable};

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

/// Time window. Which fields apply depends on the kind; unused ones are errors.
#[derive(Clone, Debug, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct Window {
    /// count/share: rows count only if this date is on or before the as-of date. Default: none.
    pub date: Option<String>,
    /// jobs_change/new_jobs_share: month of the baseline value (a date column). Default
    /// `support_start` ([`Change::DEFAULT_BASELINE`]).
    pub baseline: Option<String>,
    /// jobs_change/new_jobs_share: month of the measured value, a date column or `as_of`. Default
    /// `support_end` ([`Change::DEFAULT_MEASURE_AT`]).
    pub measure_at: Option<String>,
    /// Months added to `measure_at` (RCR01: 12 after completion), 0 to [`MAX_MONTHS`] (50
    /// years). Default 0 ([`Change::DEFAULT_OFFSET_MONTHS`]).
    pub offset_months: Option<i32>,
    /// ratio: first month summed (a date column). Default `support_start` ([`Computation::DEFAULT_FROM`]).
    pub from: Option<String>,
    /// cohort_survival: years after birth (Eurostat t+n). Required for that kind.
    pub years: Option<i32>,
    /// kaplan_meier: horizons in months, increasing, each 1 to [`MAX_MONTHS`]. Default [12, 24, 36]
    /// ([`Computation::DEFAULT_HORIZONS_MONTHS`]).
    pub horizons_months: Option<Vec<u32>>,
    /// kaplan_meier: origin of time (a date column). Default `support_start` ([`Computation::DEFAULT_ORIGIN`]).
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
    /// What it measures, in plain words.
    pub description: String,
    /// Unit of the value.
    pub unit: Unit,
    /// Computation kind.
    pub kind: Kind,
    /// Table whose rows form the population: `beneficiaries` or `participants`. Default
    /// `beneficiaries` ([`UnitTable::DEFAULT`]).
    pub table: Option<String>,
    /// Conditions every counted row meets (the denominator of a share). Default: none.
    #[serde(default)]
    pub population: Vec<Condition>,
    /// share: conditions a population row meets to count in the numerator.
    #[serde(default)]
    pub numerator: Vec<Condition>,
    /// share: column summed for the numerator (instead of counting rows): a quantity (persons,
    /// FTE or cents; [`ColumnSpec::is_quantity`]), never a code, text, date or flag.
    pub numerator_sum: Option<String>,
    /// share: column summed for the denominator; and ratio: beneficiary column summed. A
    /// quantity, as `numerator_sum`.
    pub denominator_sum: Option<String>,
    /// jobs_change/stock/ratio: panel measure (fte, headcount, women, private_investment_cents, …).
    pub measure: Option<String>,
    /// new_jobs_share: panel column counting a group within `measure`: one of the sub-counts the
    /// panel format declares for it ([`schema::SUB_COUNTS`]: `women`, `under35` or `permanent`
    /// of `headcount`).
    pub part: Option<String>,
    /// jobs_change: `gross` (Σ max(0, Δ), RCR01) or `net` (Σ Δ, IRIS PI3687). Default `gross`
    /// ([`Mode::DEFAULT`]).
    pub mode: Option<String>,
    /// Time window.
    #[serde(default)]
    pub window: Window,
    /// Columns results may be broken down by: categorical columns (text, integer or boolean
    /// codes), never an identifier ([`schema::IDENTIFIERS`]) or a date, which would publish
    /// single units.
    #[serde(default)]
    pub disaggregations: Vec<String>,
    /// share, new_jobs_share, cohort_survival: interval method. Default `wilson`
    /// ([`CiMethod::default`]); other kinds have no interval.
    pub ci: Option<CiMethod>,
    /// Confidence level. Default 0.95 ([`Resolved::DEFAULT_CONFIDENCE`]).
    pub confidence: Option<f64>,
    /// kaplan_meier: interval type. Default `log-log` ([`ConfType::default`]).
    pub conf_type: Option<ConfType>,
    /// kaplan_meier: take-overs and mergers. Default `survival` (the Eurostat-OECD rule, which
    /// cohort_survival always applies; [`TakeoverRule::default`]).
    pub takeover: Option<TakeoverRule>,
    /// Cells counting fewer units than this are suppressed (SISTAN minimum is 3). Default 3
    /// ([`Resolved::DEFAULT_SMALL_CELL`]).
    pub small_cell: Option<u64>,
    /// Codes in external frameworks: `iris`, `eu`, `eurostat`, `esf`, …
    #[serde(default)]
    pub codes: BTreeMap<String, String>,
    /// Id of the indicator this one is a named variant of: a built-in indicator or one checked
    /// together with this file.
    pub variant_of: Option<String>,
}

/// A definition with where it came from.
#[derive(Clone, Debug)]
pub struct LoadedDefinition {
    /// Parsed definition, as written (the file format).
    pub def: Definition,
    /// The same definition checked and resolved: typed filters, every default applied.
    pub resolved: Resolved,
    /// File name (for messages).
    pub file: String,
    /// `sha256:` of the file bytes: what a partner signs.
    pub hash: String,
    /// The table whose rows are counted (`resolved.table` in the panel format's terms).
    pub table: Table,
}

/// Derived columns the backends compute on request, by table. Documented in definitions/README.md.
pub fn derived_columns(table: Table) -> &'static [(&'static str, ColumnType)] {
    match table {
        Table::Participants => &[
            ("age_at_entry", ColumnType::Integer),
            ("age_band_eu", ColumnType::Text),
            ("age_band_esf", ColumnType::Text),
            ("months_since_exit", ColumnType::Integer),
        ],
        Table::Beneficiaries => &[
            ("months_founded_before_start", ColumnType::Integer),
            ("months_to_formalisation", ColumnType::Integer),
            ("birth_year", ColumnType::Integer),
        ],
        _ => &[],
    }
}

/// Largest month offset or horizon a definition may use: 600 months (50 years), far beyond
/// any programme's follow-up, and small enough that month arithmetic cannot overflow.
pub const MAX_MONTHS: i32 = 600;

/// Beneficiary columns joined onto participant rows, for filters and breakdowns.
pub const JOINED_BENEFICIARY_COLUMNS: &[&str] =
    &["programme", "edition", "funded", "quartiere", "municipio", "kind", "legal_form"];

/// Type of a column usable in conditions and disaggregations of `table`, if it exists.
pub fn column_type(table: Table, name: &str) -> Option<ColumnType> {
    if let Some(spec) = table.column(name) {
        return Some(spec.ty);
    }
    if let Some((_, ty)) = derived_columns(table).iter().find(|(n, _)| *n == name) {
        return Some(*ty);
    }
    if table == Table::Participants && JOINED_BENEFICIARY_COLUMNS.contains(&name) {
        return Table::Beneficiaries.column(name).map(|c| c.ty);
    }
    None
}

fn known_columns(table: Table) -> String {
    let mut names: Vec<&str> = table.columns().iter().map(|c| c.name).collect();
    names.extend(derived_columns(table).iter().map(|(n, _)| *n));
    if table == Table::Participants {
        names.extend(JOINED_BENEFICIARY_COLUMNS);
    }
    names.join(", ")
}

/// Quantity columns of a table (what may be summed).
fn quantities(table: Table) -> Vec<&'static str> {
    table.columns().iter().filter(|c| c.is_quantity()).map(|c| c.name).collect()
}

/// 1-based line of the first occurrence of `needle` in `text`.
fn line_of(text: &str, needle: &str) -> Option<usize> {
    text.lines().position(|l| l.contains(needle)).map(|i| i + 1)
}

/// 1-based line of the first line holding every needle, else of the first needle.
fn line_of_all(text: &str, needles: &[&str]) -> Option<usize> {
    text.lines()
        .position(|l| needles.iter().all(|n| l.contains(n)))
        .map(|i| i + 1)
        .or_else(|| needles.first().and_then(|n| line_of(text, n)))
}

/// Parse `p/q` into integers with q > 0 and 0 ≤ p ≤ q.
pub fn parse_fraction(s: &str) -> Option<(i64, i64)> {
    let (p, q) = s.split_once('/')?;
    let (p, q) = (p.trim().parse::<i64>().ok()?, q.trim().parse::<i64>().ok()?);
    (q > 0 && (0..=q).contains(&p)).then_some((p, q))
}

/// A step into a TOML document: a key of a table or an index of an array.
#[derive(Clone, Copy, Debug)]
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}
use Step::{Index, Key};

/// The definition file as the TOML parser saw it, for exact line numbers of fields.
struct Spans<'a> {
    text: &'a str,
    root: Option<Spanned<DeTable<'a>>>,
}

impl<'a> Spans<'a> {
    fn new(text: &'a str) -> Self {
        Spans { text, root: DeTable::parse(text).ok() }
    }

    /// 1-based line where the value at `path` starts.
    fn line(&self, path: &[Step]) -> Option<usize> {
        let root = self.root.as_ref()?;
        let mut span = root.span();
        let mut value: Option<&DeValue> = None;
        for step in path {
            let next = match (step, value) {
                (Key(k), None) => root.get_ref().iter().find(|(key, _)| key.get_ref().as_ref() == *k).map(|(_, v)| v),
                (Key(k), Some(v)) => v.as_table()?.iter().find(|(key, _)| key.get_ref().as_ref() == *k).map(|(_, v)| v),
                (Index(i), Some(v)) => v.as_array()?.get(*i),
                (Index(_), None) => None,
            }?;
            span = next.span();
            value = Some(next.get_ref());
        }
        Some(self.text[..span.start.min(self.text.len())].matches('\n').count() + 1)
    }
}

struct Checker<'a> {
    file: &'a str,
    text: &'a str,
    table: Table,
    spans: Spans<'a>,
}

impl Checker<'_> {
    fn fail(&self, needle: &str, message: String) -> Error {
        Error::Definition { file: self.file.to_string(), line: line_of(self.text, needle), message }
    }

    /// An error at the value of `path` (exact line from the TOML parser; else the first line
    /// naming the path's last key).
    fn at(&self, path: &[Step], message: String) -> Error {
        let line = self
            .spans
            .line(path)
            .or_else(|| path.iter().rev().find_map(|s| if let Key(k) = s { line_of(self.text, k) } else { None }));
        Error::Definition { file: self.file.to_string(), line, message }
    }

    fn fail_near(&self, needles: &[&str], message: String) -> Error {
        Error::Definition { file: self.file.to_string(), line: line_of_all(self.text, needles), message }
    }

    fn column(&self, field: &str, name: &str) -> Result<ColumnType> {
        column_type(self.table, name).ok_or_else(|| {
            self.fail(
                &format!("\"{name}\""),
                format!(
                    "{field}: unknown column `{name}` for table `{}` (expected one of: {})",
                    self.table,
                    known_columns(self.table)
                ),
            )
        })
    }

    fn panel_measure(&self, field: &str, name: &str) -> Result<()> {
        match Table::Panel.column(name) {
            Some(spec) if spec.is_quantity() => Ok(()),
            _ => Err(self.at(
                &[Key(field)],
                format!(
                    "{field}: expected a numeric panel column ({}), found `{name}`{}",
                    quantities(Table::Panel).join(", "),
                    Table::Panel.column(name).map(|c| format!(" ({})", c.ty.name())).unwrap_or_default()
                ),
            )),
        }
    }

    /// A column summed by `field`: it must exist and be a quantity (persons, FTE, cents).
    fn summed(&self, field: &str, name: &str) -> Result<()> {
        self.column_at(&[Key(field)], field, name)?;
        match self.table.column(name).or_else(|| self.joined(name)) {
            Some(spec) if spec.is_quantity() => Ok(()),
            spec => {
                let what = match spec {
                    Some(s) if s.ty == ColumnType::Integer || s.ty == ColumnType::Number => {
                        format!(
                            "{} code ({}), not a quantity",
                            if s.ty == ColumnType::Integer { "an integer" } else { "a number" },
                            if s.unit.is_empty() { "no unit" } else { s.unit }
                        )
                    }
                    Some(s) => format!("a {} column", s.ty.name()),
                    None => "a derived column".to_string(),
                };
                Err(self.at(
                    &[Key(field)],
                    format!(
                        "{field}: expected a numeric column of `{}` to sum ({}), found `{name}`, {what}",
                        self.table,
                        quantities(self.table).join(", ")
                    ),
                ))
            }
        }
    }

    /// The spec of a beneficiary column joined onto participant rows.
    fn joined(&self, name: &str) -> Option<&'static ColumnSpec> {
        (self.table == Table::Participants && JOINED_BENEFICIARY_COLUMNS.contains(&name))
            .then(|| Table::Beneficiaries.column(name))
            .flatten()
    }

    /// `column`, with the error at `path`.
    fn column_at(&self, path: &[Step], field: &str, name: &str) -> Result<ColumnType> {
        column_type(self.table, name).ok_or_else(|| {
            self.at(
                path,
                format!(
                    "{field}: unknown column `{name}` for table `{}` (expected one of: {})",
                    self.table,
                    known_columns(self.table)
                ),
            )
        })
    }

    /// The `i`th breakdown: a categorical column (text, integer or boolean codes).
    fn breakdown(&self, i: usize, name: &str) -> Result<()> {
        let path = [Key("disaggregations"), Index(i)];
        let ty = self.column_at(&path, "disaggregations", name)?;
        let problem = if schema::IDENTIFIERS.contains(&name) {
            Some(format!(
                "an identifier, so every cell would be a single {}",
                if self.table == Table::Participants { "person" } else { "entity" }
            ))
        } else {
            match ty {
                ColumnType::Text | ColumnType::Integer | ColumnType::Boolean => None,
                ColumnType::Date => Some(format!(
                    "a date (hint: break down by {})",
                    if self.table == Table::Participants {
                        "`age_band_eu` or `age_band_esf`"
                    } else {
                        "`birth_year` or `edition`"
                    }
                )),
                other => Some(format!("a {} column", other.name())),
            }
        };
        match problem {
            None => Ok(()),
            Some(problem) => Err(self.at(
                &path,
                format!(
                    "disaggregations: expected a categorical column (text, integer or boolean codes such as programme, municipio{}), found `{name}`, {problem}",
                    if self.table == Table::Participants { ", gender" } else { ", kind" }
                ),
            )),
        }
    }

    fn date_column(&self, field: &str, name: &str, allow_as_of: bool) -> Result<()> {
        if allow_as_of && name == "as_of" {
            return Ok(());
        }
        match column_type(self.table, name) {
            Some(ColumnType::Date) => Ok(()),
            _ => Err(self.fail_near(
                &[field, &format!("\"{name}\"")],
                format!(
                    "window.{field}: expected a date column of `{}`{}, found `{name}`",
                    self.table,
                    if allow_as_of { " or `as_of`" } else { "" }
                ),
            )),
        }
    }

    /// Check a condition and return it as a typed filter (values in the column's type, dates as
    /// days, fractions as exact integers).
    fn condition(&self, field: &str, c: &Condition) -> Result<Filter> {
        let is_ratio = c.numerator.is_some() || c.denominator.is_some() || c.fraction.is_some();
        if is_ratio {
            let (Some(num), Some(den), Some(frac)) = (&c.numerator, &c.denominator, &c.fraction) else {
                return Err(
                    self.fail("fraction", format!("{field}: a ratio test needs numerator, denominator and fraction together"))
                );
            };
            for name in [num, den] {
                if self.column(field, name)? != ColumnType::Integer {
                    return Err(self.fail(
                        &format!("\"{name}\""),
                        format!("{field}: ratio tests compare whole counts; `{name}` is not an integer column"),
                    ));
                }
            }
            let Some((p, q)) = parse_fraction(frac) else {
                return Err(
                    self.fail(frac, format!("{field}: expected a fraction p/q between 0 and 1 (e.g. \"1/2\"), found \"{frac}\""))
                );
            };
            if !matches!(c.op, Op::Gt | Op::Ge | Op::Lt | Op::Le | Op::Eq) {
                return Err(self.fail("fraction", format!("{field}: a ratio test takes gt, ge, lt, le or eq, found {:?}", c.op)));
            }
            return Ok(Filter {
                column: Operand::Ratio { numerator: num.clone(), denominator: den.clone() },
                op: c.op,
                literal: Literal::Fraction { numerator: p, denominator: q },
            });
        }
        let Some(name) = &c.column else {
            return Err(self.fail(field, format!("{field}: a condition needs `column` (or numerator/denominator/fraction)")));
        };
        let ty = self.column(field, name)?;
        let needs_value = c.op.compares();
        let needs_values = c.op.tests_membership();
        if needs_value != c.value.is_some() || needs_values != c.values.is_some() {
            return Err(self.fail(
                &format!("\"{name}\""),
                format!(
                    "{field}: operator {:?} on `{name}` expects {}",
                    c.op,
                    if needs_value {
                        "`value`"
                    } else if needs_values {
                        "`values = [...]`"
                    } else {
                        "neither value nor values"
                    }
                ),
            ));
        }
        let literal = |v: &toml::Value| -> Result<Literal> {
            let typed = match (ty, v) {
                (ColumnType::Text, toml::Value::String(s)) => Some(Literal::Text(s.clone())),
                (ColumnType::Integer | ColumnType::Cents | ColumnType::Number, toml::Value::Integer(i)) => {
                    Some(Literal::Integer(*i))
                }
                (ColumnType::Number, toml::Value::Float(f)) => Some(Literal::Float(*f)),
                (ColumnType::Boolean, toml::Value::Boolean(b)) => Some(Literal::Bool(*b)),
                (ColumnType::Date, toml::Value::Datetime(d)) => {
                    let Some(days) =
                        d.date.and_then(|date| days_since_epoch(date.year.into(), date.month.into(), date.day.into()))
                    else {
                        return Err(self.fail(
                            &format!("\"{name}\""),
                            format!(
                                "{field}: `{name}` is a date, expected a calendar date such as 2020-01-31, found the value {v}"
                            ),
                        ));
                    };
                    Some(Literal::Date(days))
                }
                _ => None,
            };
            let Some(typed) = typed else {
                return Err(self.fail(&format!("\"{name}\""), format!("{field}: `{name}` is {}, found the value {v}", ty.name())));
            };
            if let Literal::Text(s) = &typed
                && let Some(spec) = self.table.column(name).or_else(|| Table::Beneficiaries.column(name))
                && !spec.allowed.is_empty()
                && !spec.allowed.contains(&s.as_str())
            {
                return Err(
                    self.fail(&format!("\"{s}\""), format!("{field}: `{name}` takes {}, found \"{s}\"", spec.allowed.join(", ")))
                );
            }
            Ok(typed)
        };
        let literal = match (&c.value, &c.values) {
            (Some(v), None) => literal(v)?,
            (None, Some(vs)) => Literal::List(vs.iter().map(literal).collect::<Result<_>>()?),
            _ => Literal::Absent,
        };
        Ok(Filter::column(name.clone(), c.op, literal))
    }
}

/// Days since 1970-01-01 of a calendar date, if it exists.
fn days_since_epoch(year: i32, month: u32, day: u32) -> Option<i32> {
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1)?;
    let date = chrono::NaiveDate::from_ymd_opt(year, month, day)?;
    i32::try_from((date - epoch).num_days()).ok()
}

/// Which optional fields a kind uses; any other set field is an error.
fn uses(kind: Kind, field: &str) -> bool {
    use Kind::*;
    match field {
        "numerator" | "numerator_sum" => kind == Share,
        "denominator_sum" => matches!(kind, Share | Ratio),
        "measure" => matches!(kind, JobsChange | NewJobsShare | Stock | Ratio),
        "part" => kind == NewJobsShare,
        "mode" => kind == JobsChange,
        "window.date" => matches!(kind, Count | Share),
        "window.baseline" | "window.measure_at" | "window.offset_months" => matches!(kind, JobsChange | NewJobsShare),
        "window.from" => kind == Ratio,
        "window.years" => kind == CohortSurvival,
        "window.horizons_months" | "window.origin" | "conf_type" => kind == KaplanMeier,
        "takeover" => kind == KaplanMeier,
        "ci" => matches!(kind, Share | NewJobsShare | CohortSurvival),
        _ => true,
    }
}

/// Ids of the built-in catalogue, read without checking the files (a `variant_of` may name
/// them from any definition file).
fn builtin_ids() -> &'static [String] {
    static IDS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    IDS.get_or_init(|| crate::embedded::BUILTIN.iter().filter_map(|(_, text)| id_of(text)).collect())
}

/// The `id` of a definition text, if it has one (no other check).
fn id_of(text: &str) -> Option<String> {
    toml::from_str::<toml::Table>(text).ok()?.get("id")?.as_str().map(String::from)
}

/// Is `v` a canonical semantic version MAJOR.MINOR.PATCH: decimal numbers, no leading zeros?
fn canonical_version(v: &str) -> bool {
    let parts: Vec<&str> = v.split('.').collect();
    parts.len() == 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.bytes().all(|b| b.is_ascii_digit())
                && (p == &"0" || !p.starts_with('0'))
                && p.parse::<u64>().is_ok()
        })
}

/// Parse and check one definition file's text. A `variant_of` must name a built-in indicator.
pub fn parse(file: &str, text: &str) -> Result<LoadedDefinition> {
    parse_among(file, text, &[])
}

/// [`parse`], where `variant_of` may also name one of `others` (ids checked together).
fn parse_among(file: &str, text: &str, others: &[String]) -> Result<LoadedDefinition> {
    let def: Definition = toml::from_str(text).map_err(|e| Error::Definition {
        file: file.to_string(),
        line: e.span().map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1),
        message: e.message().trim_end().to_string(),
    })?;
    let unit_table = match def.table.as_deref() {
        None => UnitTable::DEFAULT,
        Some(name) => UnitTable::from_name(name, def.kind).ok_or_else(|| Error::Definition {
            file: file.into(),
            line: line_of(text, "table"),
            message: format!(
                "table: expected `beneficiaries`{}, found `{name}`",
                if matches!(def.kind, Kind::Count | Kind::Share) {
                    " or `participants`"
                } else {
                    " (panel kinds count beneficiaries)"
                }
            ),
        })?,
    };
    let table = unit_table.table();
    let ck = Checker { file, text, table, spans: Spans::new(text) };
    if def.id.trim().is_empty() || def.id.contains(char::is_whitespace) {
        return Err(ck.fail("id", format!("id: expected a non-empty id without spaces, found \"{}\"", def.id)));
    }
    if !canonical_version(&def.version) {
        return Err(ck.at(
            &[Key("version")],
            format!(
                "version: expected MAJOR.MINOR.PATCH, whole numbers without leading zeros (e.g. \"1.0.0\"), found \"{}\"",
                def.version
            ),
        ));
    }
    if let Some(parent) = &def.variant_of {
        let known = |id: &String| id == parent;
        if parent == &def.id {
            return Err(
                ck.at(&[Key("variant_of")], format!("variant_of: expected another indicator's id, found its own id `{parent}`"))
            );
        }
        if !builtin_ids().iter().any(known) && !others.iter().any(known) {
            let mut ids: Vec<&str> = builtin_ids().iter().chain(others).map(String::as_str).filter(|i| *i != def.id).collect();
            ids.sort_unstable();
            ids.dedup();
            return Err(ck.at(
                &[Key("variant_of")],
                format!(
                    "variant_of: expected the id of a built-in indicator or of a definition checked with this one ({}), found `{parent}`",
                    ids.join(", ")
                ),
            ));
        }
    }
    let set: [(&str, bool); 15] = [
        ("numerator", !def.numerator.is_empty()),
        ("numerator_sum", def.numerator_sum.is_some()),
        ("denominator_sum", def.denominator_sum.is_some()),
        ("measure", def.measure.is_some()),
        ("part", def.part.is_some()),
        ("mode", def.mode.is_some()),
        ("window.date", def.window.date.is_some()),
        ("window.baseline", def.window.baseline.is_some()),
        ("window.measure_at", def.window.measure_at.is_some()),
        ("window.offset_months", def.window.offset_months.is_some()),
        ("window.from", def.window.from.is_some()),
        ("window.years", def.window.years.is_some()),
        ("window.horizons_months", def.window.horizons_months.is_some() || def.window.origin.is_some()),
        ("conf_type", def.conf_type.is_some()),
        ("takeover", def.takeover.is_some()),
    ];
    for (field, present) in set {
        if present && !uses(def.kind, field) {
            let key = field.rsplit('.').next().unwrap_or(field);
            return Err(
                ck.fail(key, format!("{field} does not apply to kind `{}` (remove it, or choose another kind)", def.kind.name()))
            );
        }
    }
    if def.ci.is_some() && !uses(def.kind, "ci") {
        return Err(ck.fail("ci", format!("ci does not apply to kind `{}`", def.kind.name())));
    }
    let population = def.population.iter().map(|c| ck.condition("population", c)).collect::<Result<Vec<_>>>()?;
    let numerator = def.numerator.iter().map(|c| ck.condition("numerator", c)).collect::<Result<Vec<_>>>()?;
    for (i, name) in def.disaggregations.iter().enumerate() {
        ck.breakdown(i, name)?;
    }
    if let Some(level) = def.confidence
        && !(level > 0.5 && level < 1.0)
    {
        return Err(ck.fail("confidence", format!("confidence: expected a level between 0.5 and 1 (e.g. 0.95), found {level}")));
    }
    if def.small_cell == Some(0) {
        return Err(ck.fail("small_cell", "small_cell: expected at least 1 (1 disables suppression), found 0".into()));
    }
    match def.kind {
        Kind::Count => {}
        Kind::Share => {
            let by_sum = def.numerator_sum.is_some() || def.denominator_sum.is_some();
            if by_sum {
                let (Some(n), Some(d)) = (&def.numerator_sum, &def.denominator_sum) else {
                    return Err(ck.fail("_sum", "share: numerator_sum and denominator_sum go together".into()));
                };
                ck.summed("numerator_sum", n)?;
                ck.summed("denominator_sum", d)?;
                if !def.numerator.is_empty() {
                    return Err(ck.fail("numerator", "share: use either numerator conditions or numerator_sum, not both".into()));
                }
            } else if def.numerator.is_empty() {
                return Err(ck.fail(
                    "kind",
                    "share: expected `numerator` conditions or numerator_sum/denominator_sum, found neither".into(),
                ));
            }
        }
        Kind::JobsChange | Kind::NewJobsShare | Kind::Stock | Kind::Ratio => {
            let Some(measure) = &def.measure else {
                return Err(
                    ck.fail("kind", format!("{}: expected `measure` (a numeric panel column), found none", def.kind.name()))
                );
            };
            ck.panel_measure("measure", measure)?;
            if let Some(part) = &def.part {
                let parts = schema::parts_of(Table::Panel, measure);
                if !parts.contains(&part.as_str()) {
                    let expected = if parts.is_empty() {
                        let wholes: Vec<String> = schema::SUB_COUNTS
                            .iter()
                            .filter(|s| s.0 == Table::Panel)
                            .map(|s| format!("{} of {}", s.1, s.2))
                            .collect();
                        format!("a sub-count of `{measure}`, but `{measure}` has none (sub-counts: {})", wholes.join(", "))
                    } else {
                        format!("a sub-count of measure `{measure}` ({})", parts.join(", "))
                    };
                    let hint = if part == measure {
                        " (hint: `part` counts a group within `measure`, e.g. part = \"women\" with measure = \"headcount\")"
                    } else {
                        ""
                    };
                    return Err(ck.at(&[Key("part")], format!("part: expected {expected}, found `{part}`{hint}")));
                }
            } else if def.kind == Kind::NewJobsShare {
                return Err(ck.fail("kind", "new_jobs_share: expected `part` (e.g. \"women\"), found none".into()));
            }
            if let Some(mode) = &def.mode
                && Mode::from_name(mode).is_none()
            {
                return Err(ck.fail("mode", format!("mode: expected `gross` or `net`, found `{mode}`")));
            }
            if let Some(b) = &def.window.baseline {
                ck.date_column("baseline", b, false)?;
            }
            if let Some(m) = &def.window.measure_at {
                ck.date_column("measure_at", m, true)?;
            }
            if let Some(f) = &def.window.from {
                ck.date_column("from", f, false)?;
            }
            if def.kind == Kind::Ratio {
                let Some(den) = &def.denominator_sum else {
                    return Err(ck.fail("kind", "ratio: expected `denominator_sum` (a beneficiary column), found none".into()));
                };
                ck.summed("denominator_sum", den)?;
            }
            if let Some(offset) = def.window.offset_months
                && !(0..=MAX_MONTHS).contains(&offset)
            {
                return Err(ck.at(
                    &[Key("window"), Key("offset_months")],
                    format!("window.offset_months: expected 0 to {MAX_MONTHS} months (50 years), found {offset}"),
                ));
            }
        }
        Kind::CohortSurvival => match def.window.years {
            Some(y) if (1..=10).contains(&y) => {}
            other => {
                return Err(ck.fail("years", format!("window.years: expected 1 to 10 (Eurostat t+1 … t+5), found {other:?}")));
            }
        },
        Kind::KaplanMeier => {
            if let Some(h) = &def.window.horizons_months
                && let Some(bad) = h.iter().find(|&&m| m == 0 || m > MAX_MONTHS as u32)
            {
                return Err(ck.at(
                    &[Key("window"), Key("horizons_months")],
                    format!("window.horizons_months: expected months from 1 to {MAX_MONTHS}, found {bad}"),
                ));
            }
            if let Some(h) = &def.window.horizons_months
                && (h.is_empty() || h.windows(2).any(|w| w[0] >= w[1]))
            {
                return Err(ck.fail(
                    "horizons_months",
                    format!("window.horizons_months: expected increasing months, e.g. [12, 24, 36], found {h:?}"),
                ));
            }
            if let Some(o) = &def.window.origin {
                ck.date_column("origin", o, false)?;
            }
        }
    }
    if let Some(d) = &def.window.date {
        ck.date_column("date", d, false)?;
    }
    let hash: String = Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
    let resolved = resolved::resolve(&def, unit_table, population, numerator)?;
    Ok(LoadedDefinition { def, resolved, file: file.to_string(), hash: format!("sha256:{hash}"), table })
}

/// Read and check definition files; ids must be unique across them.
pub fn load_files<P: AsRef<Path>>(paths: &[P]) -> Result<Vec<LoadedDefinition>> {
    let mut texts = Vec::new();
    for path in paths {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io { path: path.to_path_buf(), source })?;
        texts.push((path.display().to_string(), text));
    }
    parse_all(texts.iter().map(|(f, t)| (f.as_str(), t.as_str())))
}

/// Check a set of (file, text) definitions, ids unique.
pub fn parse_all<'a>(items: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<Vec<LoadedDefinition>> {
    let items: Vec<(&str, &str)> = items.into_iter().collect();
    let ids: Vec<String> = items.iter().filter_map(|(_, text)| id_of(text)).collect();
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let mut out = Vec::new();
    for (file, text) in items {
        let loaded = parse_among(file, text, &ids)?;
        if let Some(first) = seen.get(&loaded.def.id) {
            return Err(Error::DuplicateId { id: loaded.def.id.clone(), first: first.clone(), second: file.to_string() });
        }
        seen.insert(loaded.def.id.clone(), file.to_string());
        out.push(loaded);
    }
    Ok(out)
}
