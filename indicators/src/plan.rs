//! The plan a definition compiles to, independent of any execution engine.
//!
//! A plan says which table's rows are the units, which rows count, what to group by and three
//! additive aggregates per group (numerator, denominator, units) — or, for survival, counts of
//! events and censorings per time. Everything non-additive (ratios, intervals, the Kaplan-Meier
//! product, suppression) happens afterwards in [`crate::finish`], shared by every backend, so a
//! second backend (e.g. a distributed one) only has to produce the same additive table.

use impatto_datasets::schema::Table;

use crate::definition::{Condition, TakeoverRule};

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
    /// A condition from a definition file.
    Condition(Condition),
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
