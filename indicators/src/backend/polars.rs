//! The polars backend: each plan becomes one lazy query over the Parquet/CSV scans.
//!
//! Filters and projections are left for polars to push into the scans; panel lookups join the
//! (large, streamed) panel against the (small) table of units, so memory follows the number of
//! units, not of panel rows. Queries run on polars' streaming engine.

use std::collections::BTreeMap;

use impatto_datasets::PanelSource;
use impatto_datasets::schema::Table;
use polars::prelude::*;

use super::Backend;
use crate::definition::JOINED_BENEFICIARY_COLUMNS;
use crate::error::{Error, Result};
use crate::plan::{
    AggRow, Aggregate, Aggregates, Anchor, BANDINGS, Banding, Context, Filter, Literal, Op, Operand, Output, Plan, Predicate,
    SurvivalRow, SurvivalSpec, TakeoverRule, Value,
};

/// Executes plans with polars over a panel source.
#[derive(Debug)]
pub struct PolarsBackend<'a> {
    source: &'a PanelSource,
    /// When set, only these beneficiaries' rows are read (per-unit values for payouts).
    only: Option<Series>,
}

impl<'a> PolarsBackend<'a> {
    /// A backend reading `source`.
    pub fn new(source: &'a PanelSource) -> Self {
        PolarsBackend { source, only: None }
    }

    /// Read only the rows of these beneficiaries — in `beneficiaries`, `participants` and
    /// `panel` alike. The filter goes into every scan, so Parquet row groups whose statistics
    /// exclude them are skipped and no other beneficiary is joined or grouped.
    pub fn only_beneficiaries(mut self, ids: &[String]) -> Self {
        self.only = Some(Series::new("only".into(), ids));
        self
    }

    /// A table's scan, restricted to [`Self::only_beneficiaries`] when set.
    fn scan(&self, table: Table) -> Result<LazyFrame> {
        let lf = self.source.scan(table)?;
        Ok(match (&self.only, table) {
            (Some(ids), Table::Beneficiaries | Table::Participants | Table::Panel) => {
                lf.filter(col("beneficiary_id").is_in(lit(ids.clone()).implode(false), false))
            }
            _ => lf,
        })
    }

    /// The day after which nothing is observed: the last day of the latest panel month.
    pub fn default_as_of(&self) -> Result<i32> {
        if !self.source.has_column(Table::Panel, "month") {
            return Err(Error::Request(
                "the data has no monthly `panel` table to take the default as-of date from (hint: pass --as-of YYYY-MM-DD)"
                    .into(),
            ));
        }
        let df = collect(self.source.scan(Table::Panel)?.select([col("month").max().cast(DataType::Int32)]), "panel")?;
        let first = df
            .column("month")
            .and_then(|c| c.i32().map(|c| c.get(0)))
            .map_err(|e| Error::Backend { indicator: "as-of date".into(), message: e.to_string() })?
            .ok_or_else(|| {
                Error::Request("the panel has no rows, so there is no default as-of date (hint: pass --as-of)".into())
            })?;
        let date = crate::date_of(first)?;
        let next = date.checked_add_months(chrono::Months::new(1)).unwrap_or(date);
        Ok(first + (next - date).num_days() as i32 - 1)
    }

    fn units(&self, table: Table, ctx: &Context) -> Result<LazyFrame> {
        let mut lf = self.scan(table)?;
        if table == Table::Participants {
            let mut cols = vec![col("beneficiary_id")];
            cols.extend(JOINED_BENEFICIARY_COLUMNS.iter().map(|c| col(*c)));
            let beneficiaries = self.scan(Table::Beneficiaries)?.select(cols);
            lf = lf.join(beneficiaries, [col("beneficiary_id")], [col("beneficiary_id")], JoinArgs::new(JoinType::Left));
        }
        for stage in derived(table, ctx) {
            lf = lf.with_columns(stage);
        }
        Ok(lf)
    }
}

fn collect(lf: LazyFrame, what: &str) -> Result<DataFrame> {
    // A single query (not a multi-sink plan) always yields a single frame. polars panics on some
    // damaged pages, which only a panel opened without validation can still hold.
    let collected = impatto_datasets::quietly(|| lf.collect_with_engine(Engine::Streaming)).map_err(|panic| Error::Backend {
        indicator: what.into(),
        message: format!(
            "expected panel files that read, found one the Parquet reader fails on ({panic}) (hint: `impatto validate` names the file)"
        ),
    })?;
    collected.map(|r| r.unwrap_single()).map_err(|e| Error::Backend { indicator: what.into(), message: e.to_string() })
}

/// year × 12 + month − 1: months since year 0, so month arithmetic is integer arithmetic.
fn month_index(e: Expr) -> Expr {
    e.clone().dt().year().cast(DataType::Int32) * lit(12) + e.dt().month().cast(DataType::Int32) - lit(1)
}

/// Days since 1970-01-01 of the first day of a month index (year × 12 + month − 1), in integer
/// arithmetic (H. Hinnant's days_from_civil). Panel lookups compare this with the panel's raw
/// `month` dates, so the large side of the join needs no calendar arithmetic at all.
fn first_of_month_days(index: Expr) -> Expr {
    // Every quantity is ≥ 0 for dates after year 0, so integer division is floor division.
    let i = || index.clone().cast(DataType::Int64);
    let month = || i() % lit(12i64) + lit(1i64); // 1..=12
    let year = i() / lit(12i64) - when(month().lt_eq(lit(2i64))).then(lit(1i64)).otherwise(lit(0i64));
    let era = year.clone() / lit(400i64);
    let year_of_era = year - era.clone() * lit(400i64);
    let day_of_year = (lit(153i64) * ((month() + lit(9i64)) % lit(12i64)) + lit(2i64)) / lit(5i64);
    let day_of_era =
        year_of_era.clone() * lit(365i64) + year_of_era.clone() / lit(4i64) - year_of_era / lit(100i64) + day_of_year;
    (era * lit(146_097i64) + day_of_era - lit(719_468i64)).cast(DataType::Int32)
}

/// A panel month (always the first of its month) as days since 1970-01-01.
fn panel_month_days() -> Expr {
    col("month").cast(DataType::Int32)
}

/// Whole months from `from` to `to` (a month is complete when the day of month is reached).
fn months_between(from: Expr, to: Expr) -> Expr {
    month_index(to.clone()) - month_index(from.clone()) - when(to.dt().day().lt(from.dt().day())).then(lit(1)).otherwise(lit(0))
}

fn as_of_lit(ctx: &Context) -> Expr {
    lit(ctx.as_of_days).cast(DataType::Date)
}

fn as_of_date(ctx: &Context) -> chrono::NaiveDate {
    // The as-of date comes from a NaiveDate (the command line or the panel's last month), so
    // it is always in the calendar.
    crate::date_of(ctx.as_of_days).unwrap_or_default()
}

fn as_of_month_index(ctx: &Context) -> i32 {
    use chrono::Datelike;
    let d = as_of_date(ctx);
    d.year() * 12 + d.month() as i32 - 1
}

/// A banded column ([`Banding`]): unknown value, unknown band (`when` takes a null test as false,
/// which would put the unknown in the last band).
fn banded(b: &Banding) -> Expr {
    let value = || col(b.source);
    let unknown = || lit(NULL).cast(DataType::String);
    let mut band = unknown();
    for (i, (label, _)) in b.bands.iter().enumerate().rev() {
        let below_next = match b.bands.get(i + 1) {
            Some((_, Some(next))) => value().lt(lit(*next)),
            _ => lit(true),
        };
        band = when(below_next).then(lit(*label)).otherwise(band);
    }
    when(value().is_null()).then(unknown()).otherwise(band).alias(b.column)
}

/// Derived columns in stages: a stage may use the columns of the stages before it.
fn derived(table: Table, ctx: &Context) -> Vec<Vec<Expr>> {
    match table {
        Table::Participants => {
            let birth = col("birth_date");
            let entry = col("entry_date");
            let md = |e: Expr| e.clone().dt().month().cast(DataType::Int32) * lit(100) + e.dt().day().cast(DataType::Int32);
            let from_birth = entry.clone().dt().year().cast(DataType::Int64)
                - birth.clone().dt().year().cast(DataType::Int64)
                - when(md(entry).lt(md(birth))).then(lit(1i64)).otherwise(lit(0i64));
            let age = col("age_at_entry").fill_null(from_birth);
            vec![
                vec![age.alias("age_at_entry")],
                BANDINGS
                    .iter()
                    .map(banded)
                    .chain([months_between(col("exit_date"), as_of_lit(ctx)).alias("months_since_exit")])
                    .collect(),
            ]
        }
        Table::Beneficiaries => vec![vec![
            months_between(col("founded_on"), col("support_start")).alias("months_founded_before_start"),
            months_between(col("support_end"), col("formalised_on")).alias("months_to_formalisation"),
            col("founded_on").dt().year().cast(DataType::Int64).alias("birth_year"),
        ]],
        _ => vec![],
    }
}

/// A scalar literal in its own type (dates as polars dates).
fn value_lit(v: &Literal) -> Result<Expr> {
    Ok(match v {
        Literal::Text(s) => lit(s.clone()),
        Literal::Integer(i) => lit(*i),
        Literal::Float(f) => lit(*f),
        Literal::Bool(b) => lit(*b),
        Literal::Date(days) => lit(*days).cast(DataType::Date),
        Literal::Absent | Literal::Fraction { .. } | Literal::List(_) => {
            return Err(Error::Internal(format!("a filter compares a column with {v:?}, not one value")));
        }
    })
}

fn filter(f: &Filter) -> Result<Expr> {
    let mismatch = || Error::Internal(format!("filter {f:?}: operator, operand and literal do not fit"));
    match (&f.column, &f.literal) {
        (Operand::Ratio { numerator, denominator }, Literal::Fraction { numerator: p, denominator: q }) => {
            let left = col(numerator.as_str()).cast(DataType::Int64) * lit(*q);
            let right = col(denominator.as_str()).cast(DataType::Int64) * lit(*p);
            compare(left, f.op, right).ok_or_else(mismatch)
        }
        (Operand::Ratio { .. }, _) | (_, Literal::Fraction { .. }) => Err(mismatch()),
        (Operand::Column(c), literal) => {
            let column = col(c.as_str());
            match (f.op, literal) {
                (Op::IsNull, Literal::Absent) => Ok(column.is_null()),
                (Op::NotNull, Literal::Absent) => Ok(column.is_not_null()),
                (Op::In | Op::NotIn, Literal::List(values)) => {
                    let mut any: Option<Expr> = None;
                    for v in values {
                        let eq = column.clone().eq(value_lit(v)?);
                        any = Some(match any {
                            Some(a) => a.or(eq),
                            None => eq,
                        });
                    }
                    // `in []` holds for no row; `not_in []` for every row.
                    let any = any.unwrap_or(lit(false));
                    Ok(if f.op == Op::In { any } else { any.not() })
                }
                (op, Literal::Absent | Literal::List(_)) if op.compares() => Err(mismatch()),
                (op, value) if op.compares() => compare(column, op, value_lit(value)?).ok_or_else(mismatch),
                _ => Err(mismatch()),
            }
        }
    }
}

/// `left op right` for the comparison operators; `None` for the others.
fn compare(left: Expr, op: Op, right: Expr) -> Option<Expr> {
    Some(match op {
        Op::Eq => left.eq(right),
        Op::Ne => left.neq(right),
        Op::Lt => left.lt(right),
        Op::Le => left.lt_eq(right),
        Op::Gt => left.gt(right),
        Op::Ge => left.gt_eq(right),
        Op::In | Op::NotIn | Op::IsNull | Op::NotNull => return None,
    })
}

/// A closure not reactivated within 24 months of the closure day, on or before the as-of date
/// (Eurostat-OECD death; the one definition is [`impatto_datasets::derived`]).
fn is_death(ctx: &Context) -> Expr {
    impatto_datasets::derived::death_expr(ctx.as_of_days)
}

fn predicate(p: &Predicate, ctx: &Context) -> Result<Expr> {
    Ok(match p {
        Predicate::Filter(f) => filter(f)?,
        Predicate::OnOrBeforeAsOf(c) => col(c.as_str()).lt_eq(as_of_lit(ctx)),
        Predicate::Observable { anchor, offset_months } => {
            (month_index(col(anchor.as_str())) + lit(*offset_months)).lt_eq(lit(as_of_month_index(ctx)))
        }
        Predicate::CohortComplete { years } => {
            (col("birth_year") + lit(*years as i64)).lt_eq(lit(crate::plan::last_complete_year(ctx.as_of_days)))
        }
        Predicate::Survived { years } => {
            // Take-over and merger are survival under the Eurostat-OECD rule: only deaths count.
            let death_year = col("ceased_on").dt().year().cast(DataType::Int64);
            is_death(ctx).not().or(death_year.gt_eq(col("birth_year") + lit(*years as i64)))
        }
    })
}

/// All predicates together. A null (unknown) result drops the row in a filter and counts
/// nothing in a sum, so no null handling is needed — and none is added, as it would stop the
/// predicate from reaching the Parquet scan.
fn all(predicates: &[Predicate], ctx: &Context) -> Result<Expr> {
    let mut conjunction: Option<Expr> = None;
    for p in predicates {
        let e = predicate(p, ctx)?;
        conjunction = Some(match conjunction {
            Some(c) => c.and(e),
            None => e,
        });
    }
    // No predicate: every unit counts.
    Ok(conjunction.unwrap_or(lit(true)))
}

/// Panel lookups needed by a value, collected so each is joined once.
#[derive(Default)]
struct Lookups {
    terms: Vec<Value>,
}

impl Lookups {
    fn expr(&mut self, v: &Value) -> Expr {
        match v {
            Value::Column(c) => col(c.as_str()).cast(DataType::Float64),
            Value::PanelAt { .. } | Value::PanelSum { .. } => {
                let i = match self.terms.iter().position(|t| t == v) {
                    Some(i) => i,
                    None => {
                        self.terms.push(v.clone());
                        self.terms.len() - 1
                    }
                };
                col(format!("__v{i}")).fill_null(lit(0.0))
            }
            Value::Sub(a, b) => self.expr(a) - self.expr(b),
            Value::Add(a, b) => self.expr(a) + self.expr(b),
            Value::PositivePart(a) => {
                let e = self.expr(a);
                when(e.clone().gt(lit(0.0))).then(e).otherwise(lit(0.0))
            }
        }
    }
}

impl PolarsBackend<'_> {
    /// Join every panel lookup of a plan onto the units. All month lookups share one pass over
    /// the panel: each unit's wanted months (one column per term) are joined to the panel on
    /// the unit alone, as a single text key hashes far faster than (unit, month) pairs, and
    /// the hits are then grouped by the unit's row number rather than by its text id.
    fn attach_lookups(&self, mut units: LazyFrame, lookups: &Lookups, ctx: &Context) -> Result<LazyFrame> {
        let as_of_idx = as_of_month_index(ctx);
        let mut targets = vec![col("__unit"), col("beneficiary_id")];
        let mut in_target_month = Vec::new();
        let mut spread = Vec::new();
        let mut measures: Vec<String> = Vec::new();
        for (i, term) in lookups.terms.iter().enumerate() {
            if let Value::PanelAt { measure, anchor, offset_months } = term {
                let target = match anchor {
                    Anchor::AsOf => lit(as_of_idx),
                    Anchor::Column(c) => month_index(col(c.as_str())) + lit(*offset_months),
                };
                targets.push(first_of_month_days(target).alias(format!("__m{i}")));
                let hit = col("__month").eq(col(format!("__m{i}")));
                in_target_month.push(hit.clone());
                spread.push(col(measure.as_str()).filter(hit).sum().alias(format!("__v{i}")));
                if !measures.contains(measure) {
                    measures.push(measure.clone());
                }
            }
        }
        if let Some(in_any_target_month) = in_target_month.into_iter().reduce(Expr::or) {
            units = units.with_row_index("__unit", None);
            let mut select = vec![col("beneficiary_id"), panel_month_days().alias("__month")];
            select.extend(measures.iter().map(|m| col(m.as_str()).cast(DataType::Float64)));
            let hits = self
                .scan(Table::Panel)?
                .select(select)
                .join(
                    units.clone().select(targets),
                    [col("beneficiary_id")],
                    [col("beneficiary_id")],
                    JoinArgs::new(JoinType::Inner),
                )
                .filter(in_any_target_month)
                .group_by([col("__unit")])
                .agg(spread);
            units = units.join(hits, [col("__unit")], [col("__unit")], JoinArgs::new(JoinType::Left));
        }
        for (i, term) in lookups.terms.iter().enumerate() {
            if let Value::PanelSum { measure, from } = term {
                let name = format!("__v{i}");
                let starts = units
                    .clone()
                    .select([col("beneficiary_id"), first_of_month_days(month_index(col(from.as_str()))).alias("__from")]);
                let sums = self
                    .scan(Table::Panel)?
                    .select([
                        col("beneficiary_id"),
                        panel_month_days().alias("__month"),
                        col(measure.as_str()).cast(DataType::Float64).alias(&name),
                    ])
                    .filter(col("__month").lt_eq(lit(ctx.as_of_days)))
                    .join(starts, [col("beneficiary_id")], [col("beneficiary_id")], JoinArgs::new(JoinType::Inner))
                    .filter(col("__month").gt_eq(col("__from")))
                    .group_by([col("beneficiary_id")])
                    .agg([col(&name).sum()]);
                units = units.join(sums, [col("beneficiary_id")], [col("beneficiary_id")], JoinArgs::new(JoinType::Left));
            }
        }
        Ok(units)
    }
}

/// Group key values as text, `None` for missing.
type GroupKey = Vec<Option<String>>;

fn key_strings(df: &DataFrame, keys: &[String], row: usize) -> Vec<Option<String>> {
    keys.iter()
        .map(|k| {
            df.column(k).ok().and_then(|c| c.get(row).ok()).and_then(|v| match v {
                AnyValue::Null => None,
                AnyValue::String(s) => Some(s.to_string()),
                AnyValue::StringOwned(s) => Some(s.to_string()),
                other => Some(other.to_string()),
            })
        })
        .collect()
}

fn f64_at(df: &DataFrame, name: &str, row: usize) -> f64 {
    df.column(name).ok().and_then(|c| c.get(row).ok()).and_then(|v| v.extract::<f64>()).unwrap_or(0.0)
}

impl PolarsBackend<'_> {
    /// The lazy query of a plan: one frame of group keys and aggregates (survival: group keys,
    /// time, event, count).
    pub fn query(&self, plan: &Plan, ctx: &Context) -> Result<LazyFrame> {
        match &plan.output {
            Output::Aggregates { .. } => self.aggregates_query(&[plan], ctx),
            Output::Survival(spec) => self.survival_query(plan, spec, ctx),
        }
    }

    /// One query for plans over the same units and groups: `__num{i}`, `__den{i}` and
    /// `__units{i}` per plan. Filters every plan shares are applied to the units (and so reach
    /// the Parquet scan); the rest become a mask on each plan's aggregates, so the units are
    /// read, joined and grouped once for all of them.
    fn aggregates_query(&self, plans: &[&Plan], ctx: &Context) -> Result<LazyFrame> {
        let Some(first) = plans.first() else {
            return Err(Error::Request("no plans to execute".into()));
        };
        let common: Vec<Predicate> =
            first.filters.iter().filter(|f| plans.iter().all(|p| p.filters.contains(f))).cloned().collect();
        let residuals: Vec<Vec<Predicate>> =
            plans.iter().map(|p| p.filters.iter().filter(|f| !common.contains(f)).cloned().collect()).collect();
        let mut units = self.units(first.table, ctx)?.filter(all(&common, ctx)?);
        if residuals.iter().all(|r| !r.is_empty()) {
            let any = residuals.iter().map(|r| all(r, ctx)).collect::<Result<Vec<_>>>()?.into_iter().reduce(|a, b| a.or(b));
            if let Some(any) = any {
                units = units.filter(any);
            }
        }
        let mut lookups = Lookups::default();
        let mut aggs = Vec::new();
        for (i, (plan, residual)) in plans.iter().zip(&residuals).enumerate() {
            let Output::Aggregates { numerator, denominator } = &plan.output else {
                return Err(Error::Request("a survival plan cannot share an aggregates query".into()));
            };
            // A null mask (unknown) leaves the unit out, as a null filter would.
            let mask = if residual.is_empty() { None } else { Some(all(residual, ctx)?.fill_null(lit(false))) };
            let mut agg = |a: &Aggregate| -> Result<Expr> {
                Ok(match (a, &mask) {
                    (Aggregate::Count, None) => len().cast(DataType::Float64),
                    (Aggregate::Count, Some(m)) => m.clone().cast(DataType::Float64).sum(),
                    (Aggregate::CountWhere(ps), None) => all(ps, ctx)?.cast(DataType::Float64).sum(),
                    (Aggregate::CountWhere(ps), Some(m)) => m.clone().and(all(ps, ctx)?).cast(DataType::Float64).sum(),
                    (Aggregate::Sum(v), None) => lookups.expr(v).sum(),
                    (Aggregate::Sum(v), Some(m)) => lookups.expr(v).filter(m.clone()).sum(),
                })
            };
            aggs.push(agg(numerator)?.alias(format!("__num{i}")));
            aggs.push(agg(denominator)?.alias(format!("__den{i}")));
            aggs.push(
                match &mask {
                    None => len().cast(DataType::UInt64),
                    Some(m) => m.clone().cast(DataType::UInt64).sum(),
                }
                .alias(format!("__units{i}")),
            );
        }
        let units = self.attach_lookups(units, &lookups, ctx)?;
        Ok(grouped(units, &first.group_keys, aggs))
    }

    fn survival_query(&self, plan: &Plan, spec: &SurvivalSpec, ctx: &Context) -> Result<LazyFrame> {
        let units = self.units(plan.table, ctx)?.filter(all(&plan.filters, ctx)?);
        let death = is_death(ctx);
        let taken_over = col("cessation_reason")
            .is_in(lit(Series::new("r".into(), ["merger", "takeover"])).implode(false), false)
            .and(col("ceased_on").lt_eq(as_of_lit(ctx)))
            .fill_null(lit(false));
        let ends = if spec.takeover == TakeoverRule::Censor { death.clone().or(taken_over) } else { death.clone() };
        let end = when(ends).then(col("ceased_on")).otherwise(as_of_lit(ctx));
        let origin = col(spec.origin.as_str());
        let units = units
            .filter(origin.clone().is_not_null().and(origin.clone().lt_eq(as_of_lit(ctx))))
            .with_columns([months_between(origin, end).cast(DataType::Int64).alias("__time"), death.alias("__event")])
            .with_column(when(col("__time").lt(lit(0i64))).then(lit(0i64)).otherwise(col("__time")).alias("__time"));
        let mut keys = plan.group_keys.clone();
        keys.extend(["__time".to_string(), "__event".to_string()]);
        Ok(grouped(units, &keys, vec![len().cast(DataType::UInt64).alias("__n")]))
    }

    /// How many units are left after each of `plan`'s filters in turn, all units first
    /// (`filters.len() + 1` counts): where an empty result lost its units.
    pub fn funnel(&self, plan: &Plan, ctx: &Context) -> Result<Vec<u64>> {
        let mut kept = lit(true);
        let mut counts = vec![len().cast(DataType::UInt64).alias("__all")];
        for (i, p) in plan.filters.iter().enumerate() {
            kept = kept.and(predicate(p, ctx)?);
            counts.push(kept.clone().fill_null(lit(false)).sum().cast(DataType::UInt64).alias(format!("__f{i}")));
        }
        let df = collect(self.units(plan.table, ctx)?.select(counts), "funnel")?;
        Ok(df.columns().iter().map(|c| c.u64().ok().and_then(|s| s.get(0)).unwrap_or(0)).collect())
    }

    /// The optimised plan polars will run, for `--explain` and for tests that check what
    /// reaches the Parquet scan.
    pub fn explain(&self, plan: &Plan, ctx: &Context) -> Result<String> {
        self.query(plan, ctx)?.explain(true).map_err(|e| Error::Backend { indicator: "explain".into(), message: e.to_string() })
    }
}

/// Group by the keys in their own types (hashing an integer beats hashing its text) and only
/// then turn the few group keys into text; no keys: one row for all units.
fn grouped(units: LazyFrame, keys: &[String], aggs: Vec<Expr>) -> LazyFrame {
    if keys.is_empty() {
        return units.select(aggs);
    }
    let as_text =
        keys.iter().filter(|k| !k.starts_with("__")).map(|k| col(k.as_str()).cast(DataType::String)).collect::<Vec<_>>();
    units.group_by(keys.iter().map(|k| col(k.as_str())).collect::<Vec<_>>()).agg(aggs).with_columns(as_text)
}

fn agg_rows(df: &DataFrame, group_keys: &[String], i: usize, grouped: bool) -> Vec<AggRow> {
    let mut rows: Vec<AggRow> = (0..df.height())
        .map(|r| AggRow {
            key: key_strings(df, group_keys, r),
            numerator: f64_at(df, &format!("__num{i}"), r),
            denominator: f64_at(df, &format!("__den{i}"), r),
            units: f64_at(df, &format!("__units{i}"), r) as u64,
        })
        // A group none of whose units passes this plan's own filters does not exist for it.
        .filter(|row| !grouped || row.units > 0)
        .collect();
    rows.sort_by(|a, b| a.key.cmp(&b.key));
    rows
}

impl Backend for PolarsBackend<'_> {
    fn execute(&self, indicator: &str, plan: &Plan, ctx: &Context) -> Result<Aggregates> {
        let fail = |e: PolarsError| Error::Backend { indicator: indicator.into(), message: e.to_string() };
        let df = collect(self.query(plan, ctx)?, indicator)?;
        match &plan.output {
            Output::Aggregates { .. } => Ok(Aggregates::Rows(agg_rows(&df, &plan.group_keys, 0, !plan.group_keys.is_empty()))),
            Output::Survival(_) => {
                let mut groups: BTreeMap<GroupKey, BTreeMap<i64, (u64, u64)>> = BTreeMap::new();
                let times = df.column("__time").and_then(|c| c.i64().cloned()).map_err(fail)?;
                let events = df.column("__event").and_then(|c| c.bool().cloned()).map_err(fail)?;
                let counts = df.column("__n").and_then(|c| c.u64().cloned()).map_err(fail)?;
                for i in 0..df.height() {
                    let key = key_strings(&df, &plan.group_keys, i);
                    let slot = groups.entry(key).or_default().entry(times.get(i).unwrap_or(0)).or_default();
                    let n = counts.get(i).unwrap_or(0);
                    if events.get(i).unwrap_or(false) { slot.0 += n } else { slot.1 += n }
                }
                Ok(Aggregates::Survival(
                    groups
                        .into_iter()
                        .map(|(key, t)| SurvivalRow { key, times: t.into_iter().map(|(t, (d, c))| (t, d, c)).collect() })
                        .collect(),
                ))
            }
        }
    }

    fn execute_batch(&self, plans: &[(&str, &Plan)], ctx: &Context) -> Result<Vec<Aggregates>> {
        match plans {
            [(_, first), ..] if plans.len() > 1 && plans.iter().all(|(_, p)| first.shares_units_with(p)) => {
                let ids: Vec<&str> = plans.iter().map(|(id, _)| *id).collect();
                let what = ids.join(", ");
                let all_plans: Vec<&Plan> = plans.iter().map(|(_, p)| *p).collect();
                let df = collect(self.aggregates_query(&all_plans, ctx)?, &what)?;
                Ok((0..plans.len())
                    .map(|i| Aggregates::Rows(agg_rows(&df, &first.group_keys, i, !first.group_keys.is_empty())))
                    .collect())
            }
            _ => plans.iter().map(|(id, plan)| self.execute(id, plan, ctx)).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows of a small frame kept by a filter.
    fn kept(df: &DataFrame, f: &Filter) -> Vec<i32> {
        let expr = filter(f).expect("a well-formed filter");
        let out = df.clone().lazy().filter(expr).select([col("i")]).collect().expect("evaluates");
        out.column("i").expect("column").i32().expect("i32").into_no_null_iter().collect()
    }

    #[test]
    fn a_date_literal_compares_as_that_day() {
        // Days 18 261, 18 262 and 18 263: 2019-12-31, 2020-01-01, 2020-01-02.
        let df = df!("i" => [0, 1, 2], "d" => [18_261, 18_262, 18_263]).expect("frame");
        let df = df.lazy().with_column(col("d").cast(DataType::Date)).collect().expect("dates");
        assert_eq!(kept(&df, &Filter::column("d", Op::Ge, Literal::Date(18_262))), vec![1, 2]);
        assert_eq!(kept(&df, &Filter::column("d", Op::Eq, Literal::Date(18_262))), vec![1]);
    }

    #[test]
    fn a_fraction_is_tested_exactly_on_whole_counts() {
        // 2 of 3 is exactly two thirds: kept by ≥ 2/3, not by > 2/3; 66 of 100 is below.
        let df = df!("i" => [0, 1, 2], "women" => [2i64, 66, 3], "total" => [3i64, 100, 4]).expect("frame");
        let ratio = |op| Filter {
            column: Operand::Ratio { numerator: "women".into(), denominator: "total".into() },
            op,
            literal: Literal::Fraction { numerator: 2, denominator: 3 },
        };
        assert_eq!(kept(&df, &ratio(Op::Ge)), vec![0, 2]);
        assert_eq!(kept(&df, &ratio(Op::Gt)), vec![2]);
    }

    #[test]
    fn membership_and_null_tests() {
        let df = df!("i" => [0, 1, 2], "k" => [Some("a"), Some("b"), None]).expect("frame");
        let list = Literal::List(vec![Literal::Text("a".into())]);
        assert_eq!(kept(&df, &Filter::column("k", Op::In, list.clone())), vec![0]);
        assert_eq!(kept(&df, &Filter::column("k", Op::NotIn, list)), vec![1]);
        assert_eq!(kept(&df, &Filter::column("k", Op::IsNull, Literal::Absent)), vec![2]);
        assert_eq!(kept(&df, &Filter::column("k", Op::NotNull, Literal::Absent)), vec![0, 1]);
    }

    #[test]
    fn a_filter_whose_parts_do_not_fit_is_an_internal_error_not_a_default() {
        let misfits = [
            Filter::column("k", Op::Eq, Literal::Absent),
            Filter::column("k", Op::Lt, Literal::List(vec![Literal::Integer(1)])),
            Filter::column("k", Op::In, Literal::Integer(1)),
            Filter::column("k", Op::IsNull, Literal::Integer(1)),
            Filter::column("k", Op::Ge, Literal::Fraction { numerator: 1, denominator: 2 }),
            Filter {
                column: Operand::Ratio { numerator: "a".into(), denominator: "b".into() },
                op: Op::Ge,
                literal: Literal::Integer(1),
            },
            Filter {
                column: Operand::Ratio { numerator: "a".into(), denominator: "b".into() },
                op: Op::In,
                literal: Literal::Fraction { numerator: 1, denominator: 2 },
            },
        ];
        for f in &misfits {
            assert!(matches!(filter(f), Err(Error::Internal(_))), "{f:?}");
        }
    }

    /// Ages 17, 18, 29, 30, 54, 55 and unknown (no age at entry, no birth date): bands <18,
    /// 18-29, 18-29, 30-54, 30-54, 55+ and none (EU); <25, <25, 25-54, 25-54, 25-54, >54 and none
    /// (ESF+). The unknown age was put in the last bands before.
    #[test]
    fn an_unknown_age_has_no_age_band() {
        let ages = [Some(17i64), Some(18), Some(29), Some(30), Some(54), Some(55), None];
        let df = df!(
            "age_at_entry" => ages,
            "birth_date" => [None::<i32>; 7],
            "entry_date" => [Some(18_262i32); 7],
            "exit_date" => [None::<i32>; 7],
        )
        .expect("frame");
        let dates = [col("birth_date"), col("entry_date"), col("exit_date")].map(|c| c.cast(DataType::Date));
        let mut lf = df.lazy().with_columns(dates);
        for stage in derived(Table::Participants, &Context { as_of_days: 20_000 }) {
            lf = lf.with_columns(stage);
        }
        let out = lf.collect().expect("evaluates");
        let bands = |c: &str| -> Vec<Option<String>> {
            out.column(c).expect("column").str().expect("text").iter().map(|v| v.map(String::from)).collect()
        };
        let some = |v: &[&str]| -> Vec<Option<String>> { v.iter().map(|s| Some(s.to_string())).chain([None]).collect() };
        assert_eq!(bands("age_band_eu"), some(&["<18", "18-29", "18-29", "30-54", "30-54", "55+"]));
        assert_eq!(bands("age_band_esf"), some(&["<25", "<25", "25-54", "25-54", "25-54", ">54"]));
    }

    /// The backend's `birth_year` and `months_since_exit` are the disclosure audit's
    /// ([`crate::plan::DATE_DERIVATIONS`]) on every fifth day from 1890 to 2130, month ends
    /// included, as of a 31st, a 28 February, a 29 February and a 15th.
    #[test]
    fn date_derived_columns_agree_with_the_audits_reading_of_them() {
        let dates: Vec<i32> = (-29_000..58_000).step_by(5).chain((-29_000..58_000).filter(|d| (d + 1) % 30 == 0)).collect();
        let n = dates.len();
        for as_of_days in [20_453, 20_147, 19_782, 20_437] {
            let ctx = Context { as_of_days };
            let participants = df!(
                "age_at_entry" => vec![Some(30i64); n],
                "birth_date" => vec![None::<i32>; n],
                "entry_date" => vec![Some(0i32); n],
                "exit_date" => &dates,
            )
            .expect("frame");
            let beneficiaries = df!(
                "founded_on" => &dates,
                "support_start" => vec![0i32; n],
                "support_end" => vec![0i32; n],
                "formalised_on" => vec![0i32; n],
            )
            .expect("frame");
            for (table, df, source) in
                [(Table::Participants, participants, "exit_date"), (Table::Beneficiaries, beneficiaries, "founded_on")]
            {
                let names: Vec<String> = df.get_column_names().iter().map(|c| c.to_string()).collect();
                let mut lf = df.lazy().with_columns(
                    names
                        .iter()
                        .filter(|c| *c != "age_at_entry")
                        .map(|c| col(c.as_str()).cast(DataType::Date))
                        .collect::<Vec<_>>(),
                );
                for stage in derived(table, &ctx) {
                    lf = lf.with_columns(stage);
                }
                let out = lf.collect().expect("evaluates");
                for d in crate::plan::DATE_DERIVATIONS.iter().filter(|d| d.source == source) {
                    let got = out.column(d.column).expect("column").cast(&DataType::Int64).expect("whole");
                    for (&day, value) in dates.iter().zip(got.i64().expect("i64").iter()) {
                        assert_eq!(value, Some((d.of)(day, as_of_days)), "{} of day {day} as of {as_of_days}", d.column);
                    }
                }
            }
        }
    }

    #[test]
    fn first_of_month_days_agrees_with_chrono_from_1900_to_2199() {
        let indices: Vec<i32> = (1900 * 12..2200 * 12).collect();
        let df = df!("i" => &indices).expect("frame");
        let out = df.lazy().select([first_of_month_days(col("i")).alias("d")]).collect().expect("evaluates");
        let days = out.column("d").expect("column").i32().expect("i32").clone();
        let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch");
        for (i, d) in indices.iter().zip(days.iter()) {
            let expected = chrono::NaiveDate::from_ymd_opt(i / 12, (i % 12 + 1) as u32, 1).expect("date");
            assert_eq!(d, Some((expected - epoch).num_days() as i32), "month index {i}");
        }
    }
}
