//! Reading what the rules need about each funded beneficiary of the programme: only the
//! tables and indicators the file's rules say they need (`RuleKind::needs`).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use impatto_datasets::PanelSource;
use impatto_datasets::schema::Table;
use impatto_indicators::LoadedDefinition;
use impatto_indicators::per_unit::{UnitSelection, per_unit};
use polars::prelude::*;

use super::kinds::Needs;
use super::model::{BeneficiaryInputs, Campaign, IndicatorValue, OutcomeEvent};
use super::money::from_cents;
use super::programme::Programme;
use crate::error::{Error, Result};

fn frame_err(what: &str) -> impl Fn(PolarsError) -> Error + '_ {
    move |source| Error::Data { what: what.to_string(), source }
}

fn date_at(c: &Column, i: usize) -> Option<NaiveDate> {
    c.date().ok().and_then(|d| d.physical().get(i)).and_then(NaiveDate::from_epoch_days)
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

/// The union of what the programme's rules need.
pub fn needs(programme: &Programme) -> Needs {
    let mut all = Needs::default();
    for n in programme.rules.iter().map(|r| r.needs()) {
        all.indicators.extend(n.indicators);
        all.history.extend(n.history);
        all.campaigns |= n.campaigns;
        all.outcomes |= n.outcomes;
        all.beneficiary_columns.extend(n.beneficiary_columns);
    }
    all.indicators.sort();
    all.indicators.dedup();
    all.history.sort();
    all.history.dedup();
    all
}

/// Beneficiary id → indicator id → value.
type Values = HashMap<String, BTreeMap<String, IndicatorValue>>;

/// Per-beneficiary indicator values of the programme's beneficiaries as of each date, through
/// the indicator layer's per-unit seam (exact, unsuppressed, filtered to the programme at the
/// scan). One map per date, in the order given.
fn indicator_values(
    source: &PanelSource,
    catalogue: &[LoadedDefinition],
    ids: &BTreeSet<String>,
    dates: &[NaiveDate],
    programme: &Programme,
) -> Result<Vec<Values>> {
    let mut out: Vec<Values> = vec![HashMap::new(); dates.len()];
    if ids.is_empty() || dates.is_empty() {
        return Ok(out);
    }
    let selection = UnitSelection { programme: programme.data.programme.clone(), edition: programme.data.edition };
    let ids: Vec<String> = ids.iter().cloned().collect();
    for per in per_unit(catalogue, source, &ids, dates, &selection)? {
        let Some(slot) = dates.iter().position(|d| *d == per.as_of) else { continue };
        for (beneficiary, v) in per.values {
            out[slot].entry(beneficiary).or_default().insert(per.indicator.clone(), v);
        }
    }
    Ok(out)
}

/// Read what the rules need about each funded beneficiary of the programme, as of `as_of`.
///
/// # Errors
/// The panel cannot be read, or holds no funded beneficiary of the programme.
pub fn inputs(
    programme: &Programme,
    source: &PanelSource,
    catalogue: &[LoadedDefinition],
    as_of: NaiveDate,
) -> Result<Vec<BeneficiaryInputs>> {
    let needs = needs(programme);
    let sel = &programme.data;
    let mut filter = col("programme").eq(lit(sel.programme.clone())).and(col("funded"));
    if let Some(e) = sel.edition {
        filter = filter.and(col("edition").eq(lit(e)));
    }
    // Only the columns the rules read are required of the panel: an outcomes fund need not have
    // Milan's eligible costs. Each rule asks for its own, so a missing one names the rule.
    for rule in &programme.rules {
        let columns = rule.needs().beneficiary_columns;
        if !columns.is_empty() {
            source.require(Table::Beneficiaries, &columns, &format!("rule `{}` ({})", rule.id(), rule.kind()))?;
        }
    }
    let mut columns: Vec<&str> = vec!["beneficiary_id"];
    for c in needs.beneficiary_columns.iter().chain(&["reactivated_on"]) {
        if !columns.contains(c) && source.has_column(Table::Beneficiaries, c) {
            columns.push(c);
        }
    }
    let selected = source.scan(Table::Beneficiaries)?.filter(filter);
    let df = selected
        .clone()
        .select(columns.iter().map(|c| col(*c)).collect::<Vec<_>>())
        .sort(["beneficiary_id"], SortMultipleOptions::default())
        .collect()
        .map_err(frame_err("beneficiaries"))?;
    let used: BTreeSet<String> = needs.indicators.iter().cloned().collect();
    let mut values = indicator_values(source, catalogue, &used, &[as_of], programme)?.pop().unwrap_or_default();
    // Earlier periods' values, for rules that look back: one call, the plans compiled once.
    let looked_back: BTreeSet<String> = needs.history.iter().cloned().collect();
    let earlier_dates: Vec<NaiveDate> = programme.periods.iter().map(|p| p.as_of).filter(|d| *d < as_of).collect();
    let history = indicator_values(source, catalogue, &looked_back, &earlier_dates, programme)?;
    let campaigns = if needs.campaigns { campaigns(source, &selected)? } else { HashMap::new() };
    let mut outcomes = if needs.outcomes { outcomes(source, &selected)? } else { HashMap::new() };
    let ids = col_of(&df, "beneficiary_id")?;
    let optional = |name: &str| df.column(name).ok();
    let (costs, ends, ceased, reasons, reactivated) = (
        optional("eligible_costs_cents"),
        optional("support_end"),
        optional("ceased_on"),
        optional("cessation_reason"),
        optional("reactivated_on"),
    );
    let mut out = Vec::with_capacity(df.height());
    for i in 0..df.height() {
        let Some(id) = str_at(ids, i) else { continue };
        let mut earlier: BTreeMap<String, Vec<Option<IndicatorValue>>> = BTreeMap::new();
        for indicator in &looked_back {
            let series = history.iter().map(|h| h.get(&id).and_then(|m| m.get(indicator)).cloned()).collect();
            earlier.insert(indicator.clone(), series);
        }
        let closed_on = ceased.and_then(|c| date_at(c, i)).filter(|on| {
            impatto_datasets::derived::is_death(
                *on,
                reasons.and_then(|r| str_at(r, i)).as_deref(),
                reactivated.and_then(|r| date_at(r, i)),
                as_of,
            )
        });
        out.push(BeneficiaryInputs {
            indicators: values.remove(&id).unwrap_or_default(),
            earlier,
            campaign: campaigns.get(&id).cloned(),
            support_end: ends.and_then(|e| date_at(e, i)),
            closed_on,
            participants: outcomes.remove(&id).unwrap_or_default(),
            // Required (and not null) whenever a rule reads it; zero is never read in its place.
            eligible_costs: from_cents(costs.and_then(|c| i64_at(c, i)).unwrap_or_default()),
            id,
        });
    }
    if out.is_empty() {
        return Err(Error::Request(format!(
            "{}: no funded beneficiaries of programme `{}`{} in the data (hint: check `data` in the rule file)",
            programme.path,
            sel.programme,
            sel.edition.map(|e| format!(", edition {e}")).unwrap_or_default()
        )));
    }
    Ok(out)
}

fn campaigns(source: &PanelSource, selected: &LazyFrame) -> Result<HashMap<String, Campaign>> {
    let ids = selected.clone().select([col("beneficiary_id")]);
    let df = source
        .scan(Table::Campaigns)?
        .join(ids, [col("beneficiary_id")], [col("beneficiary_id")], JoinArgs::new(JoinType::Semi))
        .collect()
        .map_err(frame_err("campaigns"))?;
    let by_deadline = df.column("raised_by_deadline_cents").ok();
    let (b, o, c, budget, raised) = (
        col_of(&df, "beneficiary_id")?,
        col_of(&df, "opened_on")?,
        col_of(&df, "closed_on")?,
        col_of(&df, "project_budget_cents")?,
        col_of(&df, "raised_cents")?,
    );
    let mut out = HashMap::new();
    for i in 0..df.height() {
        if let (Some(id), Some(opened_on), Some(closed_on), Some(bu), Some(ra)) =
            (str_at(b, i), date_at(o, i), date_at(c, i), i64_at(budget, i), i64_at(raised, i))
        {
            let raised_by_deadline = by_deadline.and_then(|c| i64_at(c, i)).map(from_cents);
            out.insert(id, Campaign { opened_on, closed_on, budget: from_cents(bu), raised: from_cents(ra), raised_by_deadline });
        }
    }
    Ok(out)
}

type Participants = Vec<(String, Vec<OutcomeEvent>)>;

fn outcomes(source: &PanelSource, selected: &LazyFrame) -> Result<HashMap<String, Participants>> {
    let ids = selected.clone().select([col("beneficiary_id")]);
    let people = source
        .scan(Table::Participants)?
        .join(ids, [col("beneficiary_id")], [col("beneficiary_id")], JoinArgs::new(JoinType::Semi))
        .select([col("participant_id"), col("beneficiary_id")]);
    let df = people
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
    let mut out: HashMap<String, Participants> = HashMap::new();
    for i in 0..df.height() {
        let (Some(pid), Some(bid)) = (str_at(p, i), str_at(b, i)) else { continue };
        let list = out.entry(bid).or_default();
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
    Ok(out)
}
