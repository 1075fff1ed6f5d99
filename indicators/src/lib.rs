//! Impact indicators: definitions partners can read, computed over beneficiary panels.
//!
//! A definition file ([`definition`]) compiles to a backend-independent [`plan`]; a backend
//! ([`backend::polars`]) turns the plan into additive aggregates; [`finish`] computes values,
//! intervals and suppression. [`compute`] runs the whole chain for a set of definitions;
//! [`per_unit::per_unit`] gives exact, unsuppressed values per beneficiary for payouts.
//!
//! ```no_run
//! use impatto_indicators::{builtin, compute, Request};
//! let panel = impatto_datasets::PanelSource::open(&["datasets/examples/scuola-dei-quartieri"])?;
//! let run = compute(&builtin()?, &panel, &Request { by: vec!["programme".into()], ..Request::default() }, |_| {})?;
//! for r in &run.results { println!("{} {:?}", r.indicator, r.value); }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

pub mod backend;
pub mod compile;
pub mod definition;
pub mod disclosure;
pub mod error;
pub mod finish;
pub mod per_unit;
pub mod plan;
pub mod reads;
pub mod release;
pub mod release_audit;
pub mod stats;
pub mod study;

use chrono::NaiveDate;
use impatto_datasets::PanelSource;

use backend::Backend;
use backend::polars::PolarsBackend;
pub use definition::{LoadedDefinition, Unit};
pub use error::{Error, Result};
pub use finish::{Disclosure, IndicatorResult};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/builtin.rs"));
}

/// The built-in catalogue (`indicators/definitions/*.toml`), checked.
pub fn builtin() -> Result<Vec<LoadedDefinition>> {
    definition::parse_all(embedded::BUILTIN.iter().map(|(f, t)| (*f, *t)))
}

/// What to compute.
#[derive(Clone, Debug, Default)]
pub struct Request {
    /// Indicator ids to compute; empty = all.
    pub only: Vec<String>,
    /// Disaggregation columns.
    pub by: Vec<String>,
    /// Further tables published in the same release as `by` (e.g. `[programme]` and
    /// `[programme, municipio, legal_form]`): all of them and their margins are protected
    /// together ([`disclosure`]).
    pub also_by: Vec<Vec<String>>,
    /// Disaggregation columns for particular indicators (id, columns), overriding `by` — e.g.
    /// shares by programme × municipio and survival by cohort in one run.
    pub by_indicator: Vec<(String, Vec<String>)>,
    /// As-of date; default the last day of the latest panel month.
    pub as_of: Option<NaiveDate>,
    /// As-of dates already published from the same data: a cell that changed by fewer than the
    /// small-cell threshold since one of them is withheld, so the two cannot be differenced.
    pub published_as_of: Vec<NaiveDate>,
    /// Override every share's interval method (e.g. Clopper-Pearson on request).
    pub ci: Option<stats::CiMethod>,
    /// Override every definition's small-cell threshold (1 turns suppression off; for
    /// internal analysis and tests, never for publication).
    pub small_cell: Option<u64>,
    /// Accept any column in `by`, not only a definition's disaggregations — for payouts, which
    /// need values per beneficiary (`beneficiary_id`) and are never published as tables.
    pub any_by: bool,
}

/// The results of one run.
#[derive(Clone, Debug)]
pub struct Run {
    /// Result rows, in catalogue order then group order.
    pub results: Vec<IndicatorResult>,
    /// Indicators not computed, with the reason (e.g. a disaggregation they do not allow).
    pub skipped: Vec<(String, String)>,
    /// Indicators computed that gave no row, with the reason (the condition that left no unit).
    pub empty: Vec<(String, String)>,
    /// The as-of date used.
    pub as_of: NaiveDate,
    /// Hash of the input files.
    pub input_hash: String,
}

fn epoch() -> NaiveDate {
    NaiveDate::default()
}

/// The date `days` after 1970-01-01 (before it when negative). Errors when it is outside the
/// calendar: only a panel that was not validated can hold such a date.
pub(crate) fn date_of(days: i32) -> Result<NaiveDate> {
    NaiveDate::default().checked_add_signed(chrono::TimeDelta::days(i64::from(days))).ok_or_else(|| {
        Error::Request(format!("day {days} from 1970-01-01 is outside the calendar (hint: run `impatto validate` on the panel)"))
    })
}

/// `; did you mean `x`?` for the known name closest to `given` (Jaro-Winkler ≥ 0.8, as cargo's
/// and clap's suggestions), or nothing.
pub fn did_you_mean(given: &str, known: &[&str]) -> String {
    known
        .iter()
        .map(|k| (strsim::jaro_winkler(&given.to_lowercase(), &k.to_lowercase()), *k))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map_or_else(String::new, |(_, k)| format!("; did you mean `{k}`?"))
}

/// Compute the requested indicators. `progress` is called with each indicator id before it runs
/// (indicators computed in one pass are announced together).
pub fn compute(
    defs: &[LoadedDefinition],
    source: &PanelSource,
    request: &Request,
    mut progress: impl FnMut(&str),
) -> Result<Run> {
    for id in request.only.iter().chain(request.by_indicator.iter().map(|(id, _)| id)) {
        if !defs.iter().any(|d| &d.def.id == id) {
            let known: Vec<&str> = defs.iter().map(|d| d.def.id.as_str()).collect();
            return Err(Error::Request(format!(
                "unknown indicator `{id}`{} (known: {})",
                did_you_mean(id, &known),
                known.join(", ")
            )));
        }
    }
    let selected: Vec<&LoadedDefinition> =
        defs.iter().filter(|d| request.only.is_empty() || request.only.contains(&d.def.id)).collect();
    // A breakdown no requested indicator has is a typo, not a reason for an empty table.
    if !request.any_by {
        let mut allowed: Vec<&str> = selected.iter().flat_map(|d| d.def.disaggregations.iter().map(String::as_str)).collect();
        allowed.sort_unstable();
        allowed.dedup();
        let asked =
            request.by.iter().chain(request.also_by.iter().flatten()).chain(request.by_indicator.iter().flat_map(|(_, by)| by));
        if let Some(column) = asked.into_iter().find(|c| !allowed.contains(&c.as_str())) {
            return Err(Error::Request(format!(
                "breakdown `{column}`: no requested indicator is disaggregable by it{} (allowed: {})",
                did_you_mean(column, &allowed),
                allowed.join(", ")
            )));
        }
    }
    let backend = PolarsBackend::new(source);
    let as_of_days = match request.as_of {
        Some(d) => (d - epoch()).num_days() as i32,
        None => backend.default_as_of()?,
    };
    let as_of = date_of(as_of_days)?;
    let ctx = plan::Context { as_of_days };
    let mut skipped = Vec::new();
    let mut jobs = Vec::new();
    let mut shapes = Vec::new();
    for loaded in selected {
        let by = request.by_indicator.iter().find(|(id, _)| id == &loaded.def.id).map_or(&request.by, |(_, by)| by);
        let tables: Vec<Vec<String>> = std::iter::once(by.clone()).chain(request.also_by.iter().cloned()).collect();
        let shape = finish::ReleaseShape::of(&tables);
        if let Some(missing) = shape.columns.iter().find(|b| !request.any_by && !loaded.def.disaggregations.contains(b)) {
            skipped.push((
                loaded.def.id.clone(),
                format!("not disaggregable by `{missing}` (allowed: {})", loaded.def.disaggregations.join(", ")),
            ));
            continue;
        }
        if shape.columns.len() > disclosure::MAX_COLUMNS {
            return Err(Error::Request(format!(
                "a release of {} breakdown columns ({}): expected at most {} (hint: publish fewer tables together)",
                shape.columns.len(),
                shape.columns.join(", "),
                disclosure::MAX_COLUMNS
            )));
        }
        if let Some(why) = reads::missing(source, loaded, &shape.columns) {
            skipped.push((loaded.def.id.clone(), why));
            continue;
        }
        let mut compiled = compile::compile(loaded, &shape.columns);
        if let (Some(ci), compile::Finish::Share { ci: method }) = (request.ci, &mut compiled.finish) {
            *method = ci;
        }
        if let Some(k) = request.small_cell {
            compiled.small_cell = k.max(1);
        }
        jobs.push((loaded, compiled));
        shapes.push(shape);
    }
    let aggregates = execute_in_batches(&backend, &jobs, &ctx, &mut progress)?;
    if let Some(later) = request.published_as_of.iter().find(|d| **d > as_of) {
        return Err(Error::Request(format!(
            "published as of {later}: expected a date already published, on or before this release's as-of date {as_of} (hint: give the earlier releases' dates)"
        )));
    }
    let mut earlier_dates: Vec<NaiveDate> = request.published_as_of.iter().copied().filter(|d| *d != as_of).collect();
    earlier_dates.sort_unstable();
    earlier_dates.dedup();
    let mut earlier: Vec<Vec<plan::Aggregates>> = Vec::new();
    if jobs.iter().any(|(_, c)| c.small_cell > 1) {
        for date in &earlier_dates {
            let ctx = plan::Context { as_of_days: (*date - epoch()).num_days() as i32 };
            earlier.push(execute_in_batches(&backend, &jobs, &ctx, &mut |_| {})?);
        }
    }
    // Only now, so the input files were hashed while the indicators were computed.
    let input_hash = source.input_hash()?;
    let stamp = finish::Stamp {
        as_of: as_of.format("%Y-%m-%d").to_string(),
        input_hash: input_hash.clone(),
        earlier_as_of: earlier_dates.iter().map(|d| d.format("%Y-%m-%d").to_string()).collect(),
    };
    let mut earlier_by_job: Vec<Vec<plan::Aggregates>> = vec![Vec::new(); jobs.len()];
    for date in earlier {
        for (j, a) in date.into_iter().enumerate() {
            earlier_by_job[j].push(a);
        }
    }
    let release: Vec<release::Job<'_>> = jobs
        .iter()
        .zip(&shapes)
        .zip(aggregates)
        .zip(earlier_by_job)
        .map(|((((loaded, compiled), shape), aggregates), earlier)| release::Job { loaded, compiled, shape, aggregates, earlier })
        .collect();
    let finished = release::finish_all(&release, &stamp, &ctx);
    let mut results = Vec::new();
    let mut empty = Vec::new();
    for ((loaded, compiled), rows) in jobs.iter().zip(finished) {
        match rows {
            Ok(rows) if rows.is_empty() => empty.push((loaded.def.id.clone(), why_empty(&backend, compiled, &ctx, &as_of))),
            Ok(rows) => results.extend(rows),
            Err(why) => skipped.push((loaded.def.id.clone(), why)),
        }
    }
    let mut overrides = Vec::new();
    if let Some(ci) = request.ci {
        overrides.push(format!("ci={}", ci.name()));
    }
    if let Some(k) = request.small_cell {
        overrides.push(format!("small_cell={k}"));
    }
    let overrides = overrides.join("; ");
    for r in &mut results {
        r.overrides.clone_from(&overrides);
        r.identify();
    }
    Ok(Run { results, skipped, empty, as_of, input_hash })
}

/// Why an indicator gave no row: the first of its conditions that left no unit, with the count
/// before it ("no unit left as of 2025-12-31 after `kind in [enterprise, association]` (69 of the
/// 69 rows of beneficiaries met the conditions before it)").
fn why_empty(backend: &PolarsBackend<'_>, compiled: &compile::Compiled, ctx: &plan::Context, as_of: &NaiveDate) -> String {
    let plan = &compiled.plan;
    let Ok(counts) = backend.funnel(plan, ctx) else {
        return format!("no unit meets its conditions as of {as_of}");
    };
    let table = plan.table;
    match counts.iter().position(|&n| n == 0) {
        Some(0) => format!("the {table} table has no rows"),
        Some(i) => format!(
            "no unit left as of {as_of} after `{}` ({} of the {} rows of {table} met the conditions before it)",
            plan.filters[i - 1],
            counts[i - 1],
            counts[0]
        ),
        // Every condition keeps someone: the output step (a survival origin, a cohort key) drops them.
        None => format!(
            "{} of the {} rows of {table} meet its conditions as of {as_of}, but none has what its result needs (e.g. a birth year for a cohort)",
            counts.last().copied().unwrap_or(0),
            counts[0]
        ),
    }
}

/// Run the jobs' plans, indicators over the same units and groups (e.g. the women and youth
/// shares of the participants by programme) in one pass over the data. `progress` is called
/// with each id before its pass. Aggregates come back in job order.
pub(crate) fn execute_in_batches(
    backend: &PolarsBackend,
    jobs: &[(&LoadedDefinition, compile::Compiled)],
    ctx: &plan::Context,
    progress: &mut impl FnMut(&str),
) -> Result<Vec<plan::Aggregates>> {
    let mut aggregates: Vec<Option<plan::Aggregates>> = vec![None; jobs.len()];
    for i in 0..jobs.len() {
        if aggregates[i].is_some() {
            continue;
        }
        let batch: Vec<usize> = (i..jobs.len())
            .filter(|&j| aggregates[j].is_none() && (j == i || jobs[i].1.plan.shares_units_with(&jobs[j].1.plan)))
            .collect();
        let plans: Vec<(&str, &plan::Plan)> = batch.iter().map(|&j| (jobs[j].0.def.id.as_str(), &jobs[j].1.plan)).collect();
        for (id, _) in &plans {
            progress(id);
        }
        for (j, result) in batch.iter().zip(backend.execute_batch(&plans, ctx)?) {
            aggregates[*j] = Some(result);
        }
    }
    aggregates.into_iter().map(|a| a.ok_or_else(|| Error::Internal("a job without aggregates".into()))).collect()
}
