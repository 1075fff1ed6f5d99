//! The rules layer: pay-by-result payouts from programme rule files.
//!
//! [`programme`] parses and checks a rule file; [`evaluate`] turns per-beneficiary inputs into
//! statement lines (claims, budget, payers, with a trace); [`statement`] writes them. Money is
//! `rust_decimal` throughout: floating point is denied in this module by lint.
#![deny(clippy::float_arithmetic)]

pub mod allocate;
pub mod evaluate;
pub mod money;
pub mod programme;
pub mod statement;

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use impatto_datasets::PanelSource;
use impatto_datasets::schema::Table;
use polars::prelude::*;

use crate::error::{Error, Result};
use evaluate::{BeneficiaryInputs, Campaign, Evaluation, IndicatorValue, OutcomeEvent};
use programme::Programme;
use programme::RuleSpec;

/// Load a programme file, checking indicator ids against the catalogue.
pub fn load_programme(path: &Path, catalogue: &[impatto_indicators::LoadedDefinition]) -> Result<Programme> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io { path: path.to_path_buf(), source })?;
    let ids = catalogue.iter().map(|d| d.def.id.clone()).collect();
    Ok(programme::parse(&path.display().to_string(), &text, &ids)?)
}

/// The as-of date of a period (default: the last period of the file).
pub fn period<'a>(programme: &'a Programme, id: Option<&str>) -> Result<(&'a programme::Period, NaiveDate)> {
    let p = match id {
        Some(id) => programme.file.periods.iter().find(|p| p.id == id).ok_or_else(|| {
            let known: Vec<&str> = programme.file.periods.iter().map(|p| p.id.as_str()).collect();
            Error::Request(format!("{}: no period `{id}` (periods: {})", programme.path, known.join(", ")))
        })?,
        None => programme.file.periods.last().ok_or_else(|| Error::Request(format!("{}: no periods", programme.path)))?,
    };
    let date =
        p.as_of.date.and_then(|d| NaiveDate::from_ymd_opt(d.year as i32, d.month as u32, d.day as u32)).ok_or_else(|| {
            Error::Request(format!("{}: period `{}`: expected as_of = YYYY-MM-DD, found {}", programme.path, p.id, p.as_of))
        })?;
    Ok((p, date))
}

fn frame_err(what: &str) -> impl Fn(PolarsError) -> Error + '_ {
    move |e| Error::Internal(format!("reading {what}: {e}"))
}

fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default()
}

fn date_at(c: &Column, i: usize) -> Option<NaiveDate> {
    c.date().ok().and_then(|d| d.physical().get(i)).map(|days| epoch() + chrono::Days::new(days.max(0) as u64))
}

fn str_at(c: &Column, i: usize) -> Option<String> {
    c.str().ok().and_then(|s| s.get(i)).map(String::from)
}

fn i64_at(c: &Column, i: usize) -> Option<i64> {
    c.i64().ok().and_then(|s| s.get(i))
}

fn col_of<'a>(df: &'a DataFrame, name: &str) -> Result<&'a Column> {
    df.column(name).map_err(|e| Error::Internal(format!("column {name}: {e}")))
}

/// Per-beneficiary indicator values as of a date.
fn indicator_values(
    source: &PanelSource,
    catalogue: &[impatto_indicators::LoadedDefinition],
    ids: &std::collections::BTreeSet<String>,
    as_of: NaiveDate,
) -> Result<BTreeMap<(String, String), IndicatorValue>> {
    let mut values = BTreeMap::new();
    if ids.is_empty() {
        return Ok(values);
    }
    let request = impatto_indicators::Request {
        only: ids.iter().cloned().collect(),
        by: vec!["beneficiary_id".into()],
        as_of: Some(as_of),
        small_cell: Some(1),
        any_by: true,
        ..Default::default()
    };
    for r in impatto_indicators::compute(catalogue, source, &request, |_| {})?.results {
        let id = r.group.iter().find(|(k, _)| k == "beneficiary_id").map(|(_, v)| v.clone()).unwrap_or_default();
        values.insert(
            (r.indicator.clone(), id),
            IndicatorValue { value: r.value, numerator: r.numerator, denominator: r.denominator, unit: r.unit },
        );
    }
    Ok(values)
}

/// Read what the rules need about each funded beneficiary of the programme.
pub fn inputs(
    programme: &Programme,
    source: &PanelSource,
    catalogue: &[impatto_indicators::LoadedDefinition],
    as_of: NaiveDate,
) -> Result<Vec<BeneficiaryInputs>> {
    let sel = &programme.file.data;
    let mut filter = col("programme").eq(lit(sel.programme.clone())).and(col("funded"));
    if let Some(e) = sel.edition {
        filter = filter.and(col("edition").eq(lit(e)));
    }
    let selected = source.scan(Table::Beneficiaries)?.filter(filter);
    let df = selected
        .clone()
        .select([
            col("beneficiary_id"),
            col("eligible_costs_cents"),
            col("support_end"),
            col("ceased_on"),
            col("cessation_reason"),
            col("reactivated_on"),
        ])
        .sort(["beneficiary_id"], SortMultipleOptions::default())
        .collect()
        .map_err(frame_err("beneficiaries"))?;
    let rules = &programme.file.rules;
    let used = evaluate::indicators_used(programme);
    let values = indicator_values(source, catalogue, &used, as_of)?;
    // Earlier periods' values, for "previous best" baselines.
    let wants_history = rules.iter().any(|r| matches!(r, RuleSpec::BaselineRelative(b) if b.previous_best));
    let mut history: Vec<BTreeMap<(String, String), IndicatorValue>> = Vec::new();
    if wants_history {
        for p in &programme.file.periods {
            let (_, date) = period(programme, Some(&p.id))?;
            if date < as_of {
                history.push(indicator_values(source, catalogue, &used, date)?);
            }
        }
    }
    let campaigns = if rules.iter().any(|r| matches!(r, RuleSpec::Matching(_))) {
        let ids = selected.clone().select([col("beneficiary_id")]);
        let df = source
            .scan(Table::Campaigns)?
            .join(ids, [col("beneficiary_id")], [col("beneficiary_id")], JoinArgs::new(JoinType::Semi))
            .collect()
            .map_err(frame_err("campaigns"))?;
        let mut out: BTreeMap<String, Campaign> = BTreeMap::new();
        let (b, o, c, budget, raised) = (
            col_of(&df, "beneficiary_id")?,
            col_of(&df, "opened_on")?,
            col_of(&df, "closed_on")?,
            col_of(&df, "project_budget_cents")?,
            col_of(&df, "raised_cents")?,
        );
        for i in 0..df.height() {
            if let (Some(id), Some(opened_on), Some(closed_on), Some(bu), Some(ra)) =
                (str_at(b, i), date_at(o, i), date_at(c, i), i64_at(budget, i), i64_at(raised, i))
            {
                out.insert(id, Campaign { opened_on, closed_on, budget: money::from_cents(bu), raised: money::from_cents(ra) });
            }
        }
        out
    } else {
        BTreeMap::new()
    };
    let mut outcomes: BTreeMap<String, Vec<(String, Vec<OutcomeEvent>)>> = BTreeMap::new();
    if rules.iter().any(|r| matches!(r, RuleSpec::RateCard(_))) {
        let ids = selected.clone().select([col("beneficiary_id")]);
        let people = source
            .scan(Table::Participants)?
            .join(ids, [col("beneficiary_id")], [col("beneficiary_id")], JoinArgs::new(JoinType::Semi))
            .select([col("participant_id"), col("beneficiary_id")]);
        let df = people
            .clone()
            .join(source.scan(Table::Outcomes)?, [col("participant_id")], [col("participant_id")], JoinArgs::new(JoinType::Left))
            .sort(["beneficiary_id", "participant_id", "achieved_on"], SortMultipleOptions::default())
            .collect()
            .map_err(frame_err("outcomes"))?;
        let (p, b, e, a, l, v) = (
            col_of(&df, "participant_id")?,
            col_of(&df, "beneficiary_id")?,
            col_of(&df, "outcome")?,
            col_of(&df, "achieved_on")?,
            col_of(&df, "lapsed_on")?,
            col_of(&df, "verified")?,
        );
        for i in 0..df.height() {
            let (Some(pid), Some(bid)) = (str_at(p, i), str_at(b, i)) else { continue };
            let list = outcomes.entry(bid).or_default();
            if list.last().is_none_or(|(last, _)| *last != pid) {
                list.push((pid.clone(), Vec::new()));
            }
            if let (Some(event), Some(achieved_on)) = (str_at(e, i), date_at(a, i)) {
                let verified = v.bool().ok().and_then(|x| x.get(i)).unwrap_or(false);
                if let Some((_, events)) = list.last_mut() {
                    events.push(OutcomeEvent { event, achieved_on, lapsed_on: date_at(l, i), verified });
                }
            }
        }
    }
    let (ids, costs, ends, ceased, reasons, reactivated) = (
        col_of(&df, "beneficiary_id")?,
        col_of(&df, "eligible_costs_cents")?,
        col_of(&df, "support_end")?,
        col_of(&df, "ceased_on")?,
        col_of(&df, "cessation_reason")?,
        col_of(&df, "reactivated_on")?,
    );
    let mut out = Vec::with_capacity(df.height());
    for i in 0..df.height() {
        let (Some(id), Some(c)) = (str_at(ids, i), i64_at(costs, i)) else { continue };
        let pick = |m: &BTreeMap<(String, String), IndicatorValue>| -> BTreeMap<String, IndicatorValue> {
            m.iter().filter(|((_, b), _)| *b == id).map(|((ind, _), v)| (ind.clone(), v.clone())).collect()
        };
        let mut earlier: BTreeMap<String, Vec<IndicatorValue>> = BTreeMap::new();
        for h in &history {
            for (ind, v) in pick(h) {
                earlier.entry(ind).or_default().push(v);
            }
        }
        // A closure is a death unless reactivated within 24 months (Eurostat-OECD).
        let closed_on = match (date_at(ceased, i), str_at(reasons, i).as_deref(), date_at(reactivated, i)) {
            (Some(on), Some("closure"), re) if on <= as_of => {
                let reopened = re.is_some_and(|r| r <= on.checked_add_months(chrono::Months::new(24)).unwrap_or(on));
                (!reopened).then_some(on)
            }
            _ => None,
        };
        out.push(BeneficiaryInputs {
            indicators: pick(&values),
            earlier,
            campaign: campaigns.get(&id).cloned(),
            support_end: date_at(ends, i),
            closed_on,
            participants: outcomes.remove(&id).unwrap_or_default(),
            eligible_costs: money::from_cents(c),
            id,
        });
    }
    if out.is_empty() {
        return Err(Error::Request(format!(
            "{}: no funded beneficiaries of programme `{}`{} in the data (hint: check [data] in the rule file)",
            programme.path,
            sel.programme,
            sel.edition.map(|e| format!(", edition {e}")).unwrap_or_default()
        )));
    }
    Ok(out)
}

/// Evaluate a programme over a panel for one period.
pub fn run(
    programme: &Programme,
    source: &PanelSource,
    catalogue: &[impatto_indicators::LoadedDefinition],
    period_id: Option<&str>,
) -> Result<statement::Statement> {
    let (period, as_of) = period(programme, period_id)?;
    let beneficiaries = inputs(programme, source, catalogue, as_of)?;
    let evaluation: Evaluation = evaluate::evaluate(programme, &beneficiaries, as_of);
    Ok(statement::Statement::new(programme, period.id.clone(), as_of, source.input_hash()?, evaluation))
}
