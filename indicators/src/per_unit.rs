//! Indicator values per beneficiary: the input of payouts, never published.
//!
//! [`per_unit`] gives, for each requested indicator and as-of date, every selected
//! beneficiary's exact value, numerator and denominator — what [`crate::compute`] gives by
//! `beneficiary_id` with suppression off (`small_cell = 1`), but without intervals, suppression
//! or provenance stamps, and reading only the selected programme's rows where the storage
//! allows it.
//!
//! ```no_run
//! use chrono::NaiveDate;
//! use impatto_indicators::per_unit::{UnitSelection, per_unit};
//! let panel = impatto_datasets::PanelSource::open(&["datasets/examples/fabriq-quarto"])?;
//! let selection = UnitSelection { programme: "fabriq-quarto".into(), edition: Some(2018) };
//! let as_of = [NaiveDate::from_ymd_opt(2020, 12, 31).unwrap_or_default()];
//! for values in per_unit(&impatto_indicators::builtin()?, &panel, &["JOB-01".into()], &as_of, &selection)? {
//!     for (beneficiary, v) in &values.values {
//!         println!("{} {} {beneficiary}: {:?} {}", values.indicator, values.as_of, v.value, values.unit);
//!     }
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::HashMap;

use chrono::NaiveDate;
use impatto_datasets::PanelSource;
use impatto_datasets::schema::Table;
use polars::prelude::*;

use crate::backend::polars::PolarsBackend;
use crate::compile::{self, Compiled};
use crate::definition::{Kind, LoadedDefinition, Unit};
use crate::error::{Error, Result};
use crate::finish;
use crate::plan::{self, Aggregates};

/// Which beneficiaries' values are wanted: `beneficiaries.programme` = programme (and edition).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnitSelection {
    /// The programme (`beneficiaries.programme`).
    pub programme: String,
    /// The edition (`beneficiaries.edition`, the call year); `None` = every edition.
    pub edition: Option<i64>,
}

/// One beneficiary's value of one indicator: exact counts as computed, unsuppressed.
///
/// The fields are those of [`crate::IndicatorResult`] for the beneficiary's row: a count has a
/// value and a numerator (no denominator); a sum (`FTE`, `persons`) has the value, the same
/// numerator and the number of units summed over as denominator; a share has numerator and
/// denominator in whole units (persons, entities, or new positions) and value = numerator ÷
/// denominator, `None` when the denominator is 0; a ratio likewise.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct UnitValue {
    /// The value, in the indicator's unit (a share is a fraction 0-1, never a percentage).
    pub value: Option<f64>,
    /// Numerator.
    pub numerator: Option<f64>,
    /// Denominator.
    pub denominator: Option<f64>,
}

/// Values of one indicator as of one date, by beneficiary id.
#[derive(Clone, Debug, PartialEq)]
pub struct PerUnit {
    /// Indicator id.
    pub indicator: String,
    /// Unit of every value.
    pub unit: Unit,
    /// As-of date.
    pub as_of: NaiveDate,
    /// Beneficiary id → value. A selected beneficiary is absent when the indicator has no row
    /// for it (not in its population, e.g. not yet measurable at the as-of date, or no
    /// participants) — exactly as in `compute` by `beneficiary_id` — and, for an indicator
    /// read from the monthly `panel` table, when the beneficiary has no row there at all: a
    /// month without a row counts as 0 FTE, but an entity never reported has no data, and a
    /// payment must say so (`missing_data`) rather than find its target not met.
    pub values: HashMap<String, UnitValue>,
}

fn days(date: NaiveDate) -> i32 {
    (date - NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default()).num_days() as i32
}

/// The ids of the beneficiaries of a selection (one small query on `beneficiaries`, with the
/// filter pushed into the scan).
fn selected_ids(source: &PanelSource, selection: &UnitSelection) -> Result<Vec<String>> {
    let mut filter = col("programme").eq(lit(selection.programme.clone()));
    if let Some(edition) = selection.edition {
        filter = filter.and(col("edition").eq(lit(edition)));
    }
    let df = source
        .scan(Table::Beneficiaries)?
        .filter(filter)
        .select([col("beneficiary_id")])
        .collect()
        .map_err(|e| Error::Backend { indicator: "per-unit selection".into(), message: e.to_string() })?;
    let ids = df
        .column("beneficiary_id")
        .and_then(|c| c.str().map(|s| s.iter().flatten().map(String::from).collect()))
        .map_err(|e| Error::Backend { indicator: "per-unit selection".into(), message: e.to_string() })?;
    Ok(ids)
}

/// Values per beneficiary of the selection, for each indicator id × as-of date (ids order, then
/// as-of order).
///
/// Equal to [`crate::compute`] with `by: ["beneficiary_id"]`, `small_cell: Some(1)` and
/// `any_by: true`, restricted to the selected beneficiaries (same value, numerator and
/// denominator), but: the beneficiaries, participants and panel rows are filtered to the
/// selected beneficiaries in the scans (Parquet row groups without them are skipped where the
/// file's statistics allow); no intervals, suppression or stamps; indicators over the same
/// units share one pass per as-of date, and the selection is read once for all dates.
///
/// Errors: an unknown indicator id; a Kaplan-Meier indicator (a survival curve over its
/// horizons, not one value per beneficiary: payments can use the count, share, jobs_change,
/// new_jobs_share, stock, ratio and cohort_survival kinds); a panel that cannot be read.
/// An unknown programme selects no beneficiaries: every `values` is empty.
pub fn per_unit(
    defs: &[LoadedDefinition],
    source: &PanelSource,
    ids: &[String],
    as_of: &[NaiveDate],
    selection: &UnitSelection,
) -> Result<Vec<PerUnit>> {
    let mut jobs: Vec<(&LoadedDefinition, Compiled)> = Vec::with_capacity(ids.len());
    for id in ids {
        let Some(loaded) = defs.iter().find(|d| &d.def.id == id) else {
            let known: Vec<&str> = defs.iter().map(|d| d.def.id.as_str()).collect();
            return Err(Error::Request(format!("unknown indicator `{id}` (known: {})", known.join(", "))));
        };
        if loaded.def.kind == Kind::KaplanMeier {
            return Err(Error::Request(format!(
                "{id} is a kaplan_meier indicator (a survival curve, {}), not one value per beneficiary; payments can use indicators of kind count, share, jobs_change, new_jobs_share, stock, ratio or cohort_survival",
                loaded.def.unit
            )));
        }
        if let Some(why) = crate::reads::missing(source, loaded, &[]) {
            return Err(Error::Request(format!("{id} cannot be computed for the payment: {why}")));
        }
        let mut compiled = compile::compile(loaded, &["beneficiary_id".to_string()]);
        compiled.small_cell = 1;
        jobs.push((loaded, compiled));
    }
    let selected = selected_ids(source, selection)?;
    let backend = PolarsBackend::new(source).only_beneficiaries(&selected);
    // values[i][k]: indicator i as of date k.
    let mut values: Vec<Vec<HashMap<String, UnitValue>>> = vec![Vec::with_capacity(as_of.len()); jobs.len()];
    for &date in as_of {
        let ctx = plan::Context { as_of_days: days(date) };
        let aggregates: Vec<Option<Aggregates>> = if selected.is_empty() {
            vec![None; jobs.len()]
        } else {
            crate::execute_in_batches(&backend, &jobs, &ctx, &mut |_| {})?.into_iter().map(Some).collect()
        };
        for ((_, compiled), (slot, aggregates)) in jobs.iter().zip(values.iter_mut().zip(aggregates)) {
            slot.push(by_beneficiary(compiled, aggregates)?);
        }
    }
    let reads_panel = |loaded: &LoadedDefinition| crate::reads::columns_read(loaded, &[]).iter().any(|(t, _)| *t == Table::Panel);
    let reported = if jobs.iter().any(|(loaded, _)| reads_panel(loaded)) && !selected.is_empty() {
        Some(reported_in_panel(source, &selected)?)
    } else {
        None
    };
    let mut out = Vec::with_capacity(jobs.len() * as_of.len());
    for ((loaded, _), per_date) in jobs.iter().zip(values) {
        for (&date, mut values) in as_of.iter().zip(per_date) {
            if let Some(reported) = reported.as_ref().filter(|_| reads_panel(loaded)) {
                values.retain(|id, _| reported.contains(id));
            }
            out.push(PerUnit { indicator: loaded.def.id.clone(), unit: loaded.def.unit, as_of: date, values });
        }
    }
    Ok(out)
}

/// The selected beneficiaries with at least one row in the monthly panel.
fn reported_in_panel(source: &PanelSource, selected: &[String]) -> Result<std::collections::HashSet<String>> {
    let fail = |e: PolarsError| Error::Backend { indicator: "per-unit panel rows".into(), message: e.to_string() };
    let ids = Series::new("ids".into(), selected);
    let df = source
        .scan(Table::Panel)?
        .select([col("beneficiary_id")])
        .filter(col("beneficiary_id").is_in(lit(ids).implode(false), false))
        .unique(None, UniqueKeepStrategy::Any)
        .collect()
        .map_err(fail)?;
    let ids = df
        .column("beneficiary_id")
        .and_then(|c| c.str().map(|s| s.iter().flatten().map(String::from).collect()))
        .map_err(fail)?;
    Ok(ids)
}

/// One indicator's rows, keyed by the beneficiary id group key.
fn by_beneficiary(compiled: &Compiled, aggregates: Option<Aggregates>) -> Result<HashMap<String, UnitValue>> {
    let Some(aggregates) = aggregates else {
        return Ok(HashMap::new());
    };
    let Aggregates::Rows(rows) = aggregates else {
        return Err(Error::Internal("a survival result where per-unit values were expected".into()));
    };
    let key = compiled
        .plan
        .group_keys
        .iter()
        .position(|k| k == "beneficiary_id")
        .ok_or_else(|| Error::Internal("per-unit plan without a beneficiary_id key".into()))?;
    Ok(rows
        .iter()
        .filter_map(|row| {
            let id = row.key.get(key).cloned().flatten()?;
            let (value, numerator, denominator) = finish::row_values(row, &compiled.finish);
            Some((id, UnitValue { value, numerator, denominator }))
        })
        .collect())
}
