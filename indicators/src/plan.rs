//! The plan a definition compiles to, independent of any execution engine.
//!
//! A plan says which table's rows are the units, which rows count, what to group by and three
//! additive aggregates per group (numerator, denominator, units) — or, for survival, counts of
//! events and censorings per time. Everything non-additive (ratios, intervals, the Kaplan-Meier
//! product, suppression) happens afterwards in [`crate::finish`], shared by every backend, so a
//! second backend (e.g. a distributed one) only has to produce the same additive table.

use impatto_datasets::schema::Table;
use serde::Deserialize;

/// A breakdown column that bands a whole-number column: each band holds the values from its
/// lower bound (inclusive) up to the next band's; a missing value has no band. The backend derives
/// the column from this table, and the disclosure audit ties the band to the value it comes
/// from ([`crate::release_audit`]), so the two cannot disagree.
#[derive(Debug)]
pub struct Banding {
    /// The derived breakdown column.
    pub column: &'static str,
    /// The whole-number column it bands.
    pub source: &'static str,
    /// Labels and lower bounds, ascending; the first band has no lower bound.
    pub bands: &'static [(&'static str, Option<i64>)],
}

impl Banding {
    /// The band of `value`.
    pub fn band_of(&self, value: i64) -> &'static str {
        self.bands.iter().rev().find(|(_, from)| from.is_none_or(|f| value >= f)).map_or("", |(label, _)| label)
    }
}

/// Age at entry in the EU's bands (ESF+ common indicators, Eurostat) and in ESF+'s own (< 25,
/// 25-54, > 54; Regulation 2021/1057 Annex I).
pub const BANDINGS: [Banding; 2] = [
    Banding {
        column: "age_band_eu",
        source: "age_at_entry",
        bands: &[("<18", None), ("18-29", Some(18)), ("30-54", Some(30)), ("55+", Some(55))],
    },
    Banding { column: "age_band_esf", source: "age_at_entry", bands: &[("<25", None), ("25-54", Some(25)), (">54", Some(55))] },
];

/// A whole-number column derived from one date column. The backend computes it in its own
/// expressions; the disclosure audit reads a condition on it, or a breakdown by it, as a range of
/// the date it comes from ([`crate::release_audit`]); a test holds the two together. Each is
/// monotone in the date.
#[derive(Debug)]
pub struct DateDerivation {
    /// The derived column.
    pub column: &'static str,
    /// The date column it comes from.
    pub source: &'static str,
    /// Its value for a date (days since 1970-01-01) as of the as-of date (days).
    pub of: fn(days: i32, as_of_days: i32) -> i64,
}

/// A founding cohort: the calendar year an enterprise was founded (Eurostat-OECD business
/// demography).
fn year_of(days: i32, _: i32) -> i64 {
    use chrono::Datelike;
    i64::from(day(days).year())
}

/// Whole months from a date to the as-of date: the month difference, one less when the as-of
/// day of the month comes before the date's (PAR-04's "6 months after exit").
fn months_to_as_of(days: i32, as_of_days: i32) -> i64 {
    use chrono::Datelike;
    let (from, to) = (day(days), day(as_of_days));
    let index = |d: chrono::NaiveDate| i64::from(d.year()) * 12 + i64::from(d.month0());
    index(to) - index(from) - i64::from(to.day() < from.day())
}

/// The date `days` after 1970-01-01, held at the calendar's ends (no date of a valid panel is
/// near them).
fn day(days: i32) -> chrono::NaiveDate {
    let far = if days < 0 { chrono::NaiveDate::MIN } else { chrono::NaiveDate::MAX };
    chrono::NaiveDate::default().checked_add_signed(chrono::TimeDelta::days(i64::from(days))).unwrap_or(far)
}

/// The columns derived from one date ([`DateDerivation`]).
pub const DATE_DERIVATIONS: [DateDerivation; 2] = [
    DateDerivation { column: "birth_year", source: "founded_on", of: year_of },
    DateDerivation { column: "months_since_exit", source: "exit_date", of: months_to_as_of },
];

/// The last calendar year over by the as-of date (days since 1970-01-01): its own year when it is
/// 31 December. A birth cohort is complete for `n` years when its year plus `n` is at most this.
pub fn last_complete_year(as_of_days: i32) -> i64 {
    use chrono::Datelike;
    let d = day(as_of_days);
    i64::from(if d.month() == 12 && d.day() == 31 { d.year() } else { d.year() - 1 })
}

/// Comparison operator of a filter (and of a definition file's condition).
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    /// equal to `value`
    Eq,
    /// not equal to `value`
    Ne,
    /// less than `value`
    Lt,
    /// at most `value`
    Le,
    /// greater than `value`
    Gt,
    /// at least `value`
    Ge,
    /// one of `values`
    In,
    /// none of `values`
    NotIn,
    /// empty
    IsNull,
    /// filled
    NotNull,
}

impl Op {
    /// Does the operator compare with one value (eq, ne, lt, le, gt, ge)?
    pub fn compares(self) -> bool {
        matches!(self, Op::Eq | Op::Ne | Op::Lt | Op::Le | Op::Gt | Op::Ge)
    }

    /// Does the operator test membership of a list (in, not_in)?
    pub fn tests_membership(self) -> bool {
        matches!(self, Op::In | Op::NotIn)
    }
}

/// What a take-over or merger means for survival.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum TakeoverRule {
    /// The activity survives in the new unit (Eurostat-OECD "survival by take-over"). Default.
    #[default]
    Survival,
    /// Followed until the take-over, then censored (common in Kaplan-Meier studies).
    Censor,
}

/// A condition as a definition's author writes it (`kind in [enterprise, association]`), for
/// messages such as why a result is empty.
impl std::fmt::Display for Predicate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        fn literal(l: &Literal) -> String {
            match l {
                Literal::Absent => String::new(),
                Literal::Text(t) => t.clone(),
                Literal::Integer(n) => n.to_string(),
                Literal::Float(x) => x.to_string(),
                Literal::Bool(b) => b.to_string(),
                Literal::Date(d) => (chrono::NaiveDate::default() + chrono::TimeDelta::days(i64::from(*d))).to_string(),
                Literal::Fraction { numerator, denominator } => format!("{numerator}/{denominator}"),
                Literal::List(items) => format!("[{}]", items.iter().map(literal).collect::<Vec<_>>().join(", ")),
            }
        }
        match self {
            Predicate::Filter(Filter { column, op, literal: value }) => {
                let column = match column {
                    Operand::Column(c) => c.clone(),
                    Operand::Ratio { numerator, denominator } => format!("{numerator}/{denominator}"),
                };
                let op = match op {
                    Op::Eq => "=",
                    Op::Ne => "≠",
                    Op::Lt => "<",
                    Op::Le => "≤",
                    Op::Gt => ">",
                    Op::Ge => "≥",
                    Op::In => "in",
                    Op::NotIn => "not in",
                    Op::IsNull => "is empty",
                    Op::NotNull => "is filled",
                };
                f.write_str(format!("{column} {op} {}", literal(value)).trim_end())
            }
            Predicate::OnOrBeforeAsOf(c) => write!(f, "{c} on or before the as-of date"),
            Predicate::Observable { anchor, offset_months } => {
                write!(f, "{anchor} + {offset_months} months on or before the as-of month")
            }
            Predicate::CohortComplete { years } => write!(f, "born in a year y with year y+{years} over by the as-of date"),
            Predicate::Survived { years } => write!(f, "alive in year y+{years}"),
        }
    }
}

/// A typed value a filter compares with, in the column's own type.
#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    /// No value: the operators `is_null` and `not_null`.
    Absent,
    /// Text.
    Text(String),
    /// A whole number (integer, cents, or a number column compared with a whole number).
    Integer(i64),
    /// A decimal number.
    Float(f64),
    /// A flag.
    Bool(bool),
    /// A date, as days since 1970-01-01.
    Date(i32),
    /// The threshold p/q of a ratio test, kept exact: 0 ≤ p ≤ q, q > 0.
    Fraction {
        /// p.
        numerator: i64,
        /// q.
        denominator: i64,
    },
    /// The values of `in` / `not_in`.
    List(Vec<Literal>),
}

/// What a filter tests: one column, or the ratio of two whole-count columns.
#[derive(Clone, Debug, PartialEq)]
pub enum Operand {
    /// A column of the unit's row (raw, joined or derived).
    Column(String),
    /// numerator ÷ denominator, compared exactly with a [`Literal::Fraction`] p/q as
    /// `numerator × q op p × denominator`, in integers, so no rounding can move a threshold.
    Ratio {
        /// Numerator column.
        numerator: String,
        /// Denominator column.
        denominator: String,
    },
}

/// A typed row filter: `column op literal`. Which literal goes with which operator and operand
/// is checked where filters are built (a definition's conditions at load); a backend meeting
/// another combination reports an internal error.
#[derive(Clone, Debug, PartialEq)]
pub struct Filter {
    /// What is tested.
    pub column: Operand,
    /// Operator.
    pub op: Op,
    /// Value compared with: one value for eq…ge, a list for in/not_in, [`Literal::Absent`]
    /// for is_null/not_null, a fraction for a ratio.
    pub literal: Literal,
}

impl Filter {
    /// `column op literal` on one column.
    pub fn column(column: impl Into<String>, op: Op, literal: Literal) -> Filter {
        Filter { column: Operand::Column(column.into()), op, literal }
    }
}

/// A month relative to each unit: a date column of the unit's row, or the as-of month.
#[derive(Clone, Debug, PartialEq)]
pub enum Anchor {
    /// The month of this date column.
    Column(String),
    /// The as-of month.
    AsOf,
}

/// A per-unit numeric value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A column of the unit's row.
    Column(String),
    /// A panel measure of the unit in the anchor month + offset; 0 when the unit has no row then
    /// (not yet founded, or ceased).
    PanelAt {
        /// Panel column.
        measure: String,
        /// Anchor month.
        anchor: Anchor,
        /// Months added to the anchor.
        offset_months: i32,
    },
    /// Σ of a panel measure over the months from the anchor month to the as-of month, inclusive.
    PanelSum {
        /// Panel column.
        measure: String,
        /// First month summed.
        from: String,
    },
    /// Difference.
    Sub(Box<Value>, Box<Value>),
    /// Sum.
    Add(Box<Value>, Box<Value>),
    /// max(0, value).
    PositivePart(Box<Value>),
}

/// A row predicate.
#[derive(Clone, Debug, PartialEq)]
pub enum Predicate {
    /// A typed filter (a definition's condition, or one a kind adds).
    Filter(Filter),
    /// The date column is on or before the as-of date.
    OnOrBeforeAsOf(String),
    /// The anchor month + offset is on or before the as-of month (the measurement is observable).
    Observable {
        /// Anchor column.
        anchor: String,
        /// Months after the anchor.
        offset_months: i32,
    },
    /// Eurostat-OECD: born in year y, the whole year y + `years` is observed by the as-of date.
    CohortComplete {
        /// n of t+n.
        years: i32,
    },
    /// Eurostat-OECD: born in year y, not dead before 1 January of y + `years`. A death is
    /// [`impatto_datasets::derived::is_death`]: a closure not reactivated within 24 calendar
    /// months of the closure day; take-overs and mergers are survival.
    Survived {
        /// n of t+n.
        years: i32,
    },
}

impl Predicate {
    /// Does it say when a unit is counted (a start by the as-of date, an observable follow-up, a
    /// complete cohort) rather than who the unit is? Populations differing only by such windows
    /// nest in fact wherever the windows hold everyone.
    pub fn is_time_window(&self) -> bool {
        matches!(self, Predicate::OnOrBeforeAsOf(_) | Predicate::Observable { .. } | Predicate::CohortComplete { .. })
    }
}

/// An additive aggregate per group.
#[derive(Clone, Debug, PartialEq)]
pub enum Aggregate {
    /// Number of units.
    Count,
    /// Number of units meeting every predicate.
    CountWhere(Vec<Predicate>),
    /// Σ value over units.
    Sum(Value),
}

/// Survival spec: the backend returns, per group, time (whole months from origin to death or
/// censoring) × event flag → number of units.
#[derive(Clone, Debug, PartialEq)]
pub struct SurvivalSpec {
    /// Origin date column.
    pub origin: String,
    /// Take-over rule.
    pub takeover: TakeoverRule,
}

/// What the backend computes per group.
#[derive(Clone, Debug, PartialEq)]
pub enum Output {
    /// Numerator, denominator and number of units.
    Aggregates {
        /// Numerator aggregate.
        numerator: Aggregate,
        /// Denominator aggregate.
        denominator: Aggregate,
    },
    /// Event and censoring counts by time.
    Survival(SurvivalSpec),
}

/// A backend-independent computation plan.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    /// Table whose rows are the units (beneficiaries or participants).
    pub table: Table,
    /// Predicates every unit meets.
    pub filters: Vec<Predicate>,
    /// Group keys (columns of the unit row, joined or derived).
    pub group_keys: Vec<String>,
    /// What to compute.
    pub output: Output,
}

impl Plan {
    /// Can both plans be answered by one aggregates query: same units, same groups, both
    /// additive aggregates (filters may differ).
    pub fn shares_units_with(&self, other: &Plan) -> bool {
        matches!((&self.output, &other.output), (Output::Aggregates { .. }, Output::Aggregates { .. }))
            && self.table == other.table
            && self.group_keys == other.group_keys
    }
}

/// One group's additive aggregates.
#[derive(Clone, Debug, PartialEq)]
pub struct AggRow {
    /// Group key values as text (`None` = missing), in `Plan::group_keys` order.
    pub key: Vec<Option<String>>,
    /// Numerator.
    pub numerator: f64,
    /// Denominator.
    pub denominator: f64,
    /// Units in the group.
    pub units: u64,
}

/// One group's survival counts: (time in months, events, censored) sorted by time.
#[derive(Clone, Debug, PartialEq)]
pub struct SurvivalRow {
    /// Group key values.
    pub key: Vec<Option<String>>,
    /// (time, deaths, censored) per distinct time, ascending.
    pub times: Vec<(i64, u64, u64)>,
}

/// What a backend returns.
#[derive(Clone, Debug, PartialEq)]
pub enum Aggregates {
    /// Rows for `Output::Aggregates`.
    Rows(Vec<AggRow>),
    /// Rows for `Output::Survival`.
    Survival(Vec<SurvivalRow>),
}

/// Execution context shared by all plans of one run.
#[derive(Clone, Debug, PartialEq)]
pub struct Context {
    /// As-of date, days since 1970-01-01.
    pub as_of_days: i32,
}
