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
use impatto_datasets::schema::Table;
use impatto_datasets::PanelSource;
use polars::prelude::*;

use crate::error::{Error, Result};
use evaluate::{BeneficiaryInputs, Evaluation, IndicatorValue};
use programme::Programme;

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
    let date = p.as_of.date.and_then(|d| NaiveDate::from_ymd_opt(d.year as i32, d.month as u32, d.day as u32)).ok_or_else(|| {
        Error::Request(format!("{}: period `{}`: expected as_of = YYYY-MM-DD, found {}", programme.path, p.id, p.as_of))
    })?;
    Ok((p, date))
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
    let df = source
        .scan(Table::Beneficiaries)?
        .filter(filter)
        .select([col("beneficiary_id"), col("eligible_costs_cents")])
        .sort(["beneficiary_id"], SortMultipleOptions::default())
        .collect()
        .map_err(|e| Error::Internal(format!("reading beneficiaries: {e}")))?;
    let ids = df.column("beneficiary_id").and_then(|c| c.str().cloned()).map_err(|e| Error::Internal(e.to_string()))?;
    let costs = df.column("eligible_costs_cents").and_then(|c| c.i64().cloned()).map_err(|e| Error::Internal(e.to_string()))?;
    let used = evaluate::indicators_used(programme);
    let mut values: BTreeMap<(String, String), IndicatorValue> = BTreeMap::new();
    if !used.is_empty() {
        let request = impatto_indicators::Request {
            only: used.into_iter().collect(),
            by: vec!["beneficiary_id".into()],
            as_of: Some(as_of),
            small_cell: Some(1),
            any_by: true,
            ..Default::default()
        };
        let run = impatto_indicators::compute(catalogue, source, &request, |_| {})?;
        for r in run.results {
            let id = r.group.iter().find(|(k, _)| k == "beneficiary_id").map(|(_, v)| v.clone()).unwrap_or_default();
            values.insert((r.indicator.clone(), id), IndicatorValue { value: r.value, numerator: r.numerator, denominator: r.denominator, unit: r.unit });
        }
    }
    let mut out = Vec::with_capacity(ids.len());
    for i in 0..ids.len() {
        let (Some(id), Some(c)) = (ids.get(i), costs.get(i)) else { continue };
        let indicators = values.iter().filter(|((_, b), _)| b == id).map(|((ind, _), v)| (ind.clone(), v.clone())).collect();
        out.push(BeneficiaryInputs { id: id.to_string(), eligible_costs: money::from_cents(c), indicators });
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
pub fn run(programme: &Programme, source: &PanelSource, catalogue: &[impatto_indicators::LoadedDefinition], period_id: Option<&str>) -> Result<statement::Statement> {
    let (period, as_of) = period(programme, period_id)?;
    let beneficiaries = inputs(programme, source, catalogue, as_of)?;
    let evaluation: Evaluation = evaluate::evaluate(programme, &beneficiaries);
    Ok(statement::Statement::new(programme, period.id.clone(), as_of, source.input_hash.clone(), evaluation))
}
