//! The shared finishing step: from additive aggregates to published results.
//!
//! Ratios, intervals, the Kaplan-Meier product and disclosure control are computed here once,
//! whatever backend produced the aggregates.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::compile::{Compiled, Finish};
use crate::definition::LoadedDefinition;
use crate::plan::{AggRow, Aggregates, SurvivalRow};
use crate::stats::{CiMethod, at_time, clopper_pearson, kaplan_meier, wilson};

/// One published result row.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct IndicatorResult {
    /// Indicator id.
    pub indicator: String,
    /// Definition version.
    pub version: String,
    /// Group keys (name, value); `(missing)` for empty values.
    pub group: Vec<(String, String)>,
    /// Kaplan-Meier horizon in months.
    pub horizon_months: Option<u32>,
    /// The value (None when suppressed or undefined).
    pub value: Option<f64>,
    /// Numerator (None when suppressed or not applicable).
    pub numerator: Option<f64>,
    /// Denominator (None when suppressed or not applicable).
    pub denominator: Option<f64>,
    /// Lower confidence limit.
    pub ci_low: Option<f64>,
    /// Upper confidence limit.
    pub ci_high: Option<f64>,
    /// Kaplan-Meier number at risk at the horizon.
    pub n_at_risk: Option<u64>,
    /// Units behind the cell (entities or people); withheld when suppressed.
    pub units: Option<u64>,
    /// True when the cell is withheld (primary or complementary suppression).
    pub suppressed: bool,
    /// The small-cell threshold the row was published under: a cell of fewer units is withheld,
    /// and so is each cell that would reveal one through its line's total. 1 = suppression off.
    pub small_cell: u64,
    /// Unit of the value.
    pub unit: String,
    /// As-of date (YYYY-MM-DD).
    pub as_of: String,
    /// `sha256:` of the definition file.
    pub definition_hash: String,
    /// `sha256:` of the input files.
    pub input_hash: String,
}

/// Provenance stamped on every row.
#[derive(Clone, Debug)]
pub struct Stamp {
    /// As-of date (YYYY-MM-DD).
    pub as_of: String,
    /// Input hash.
    pub input_hash: String,
}

/// Round a sum so that float summation order (which parallel engines do not fix) cannot change
/// the published bytes: 1e-9 is far below any unit measured here.
fn stable(x: f64) -> f64 {
    let r = (x * 1e9).round() / 1e9;
    if r == 0.0 { 0.0 } else { r }
}

fn key_pairs(names: &[String], values: &[Option<String>]) -> Vec<(String, String)> {
    names.iter().zip(values).map(|(n, v)| (n.clone(), v.clone().unwrap_or_else(|| "(missing)".into()))).collect()
}

/// Finish one indicator: compute values and intervals, then suppress small cells.
pub fn finish(loaded: &LoadedDefinition, compiled: &Compiled, aggregates: Aggregates, stamp: &Stamp) -> Vec<IndicatorResult> {
    let def = &loaded.def;
    let base = |group: Vec<(String, String)>| IndicatorResult {
        indicator: def.id.clone(),
        version: def.version.clone(),
        group,
        horizon_months: None,
        value: None,
        numerator: None,
        denominator: None,
        ci_low: None,
        ci_high: None,
        n_at_risk: None,
        units: None,
        suppressed: false,
        small_cell: compiled.small_cell,
        unit: def.unit.as_str().to_string(),
        as_of: stamp.as_of.clone(),
        definition_hash: loaded.hash.clone(),
        input_hash: stamp.input_hash.clone(),
    };
    let keys = &compiled.plan.group_keys;
    let k = compiled.small_cell;
    let mut rows: Vec<(IndicatorResult, bool)> = match (aggregates, &compiled.finish) {
        (Aggregates::Rows(rows), finish) => {
            rows.into_iter().map(|r| finish_row(base(key_pairs(keys, &r.key)), &r, finish, compiled.level, k)).collect()
        }
        (Aggregates::Survival(groups), Finish::KaplanMeier { horizons, conf_type }) => groups
            .into_iter()
            .flat_map(|g: SurvivalRow| {
                let total: u64 = g.times.iter().map(|t| t.1 + t.2).sum();
                let times: Vec<(f64, u64, u64)> = g.times.iter().map(|&(t, d, c)| (t as f64, d, c)).collect();
                let curve = kaplan_meier(&times, *conf_type, compiled.level);
                let group = key_pairs(keys, &g.key);
                horizons
                    .iter()
                    .map(|&h| {
                        let (surv, lower, upper, n_risk) = at_time(&curve, total, f64::from(h));
                        let events: u64 = g.times.iter().filter(|t| t.0 <= h as i64).map(|t| t.1).sum();
                        let mut r = base(group.clone());
                        r.horizon_months = Some(h);
                        r.value = Some(surv);
                        r.numerator = Some(events as f64);
                        r.denominator = Some(total as f64);
                        r.ci_low = lower;
                        r.ci_high = upper;
                        r.n_at_risk = Some(n_risk);
                        r.units = Some(total);
                        let small = (total > 0 && total < k) || (n_risk > 0 && n_risk < k);
                        (r, small)
                    })
                    .collect::<Vec<_>>()
            })
            .collect(),
        (Aggregates::Survival(_), _) => Vec::new(),
    };
    complementary_suppression(&mut rows, keys.len());
    rows.into_iter()
        .map(|(mut r, suppressed)| {
            if suppressed {
                r.suppressed = true;
                r.value = None;
                r.numerator = None;
                r.denominator = None;
                r.ci_low = None;
                r.ci_high = None;
                r.n_at_risk = None;
                r.units = None;
            }
            r
        })
        .collect()
}

/// A group's value, numerator and denominator before suppression — what a published row
/// shows when not suppressed, and what [`crate::per_unit`] returns per beneficiary.
pub(crate) fn row_values(row: &AggRow, finish: &Finish) -> (Option<f64>, Option<f64>, Option<f64>) {
    match finish {
        Finish::Count => (Some(row.numerator), Some(row.numerator), None),
        Finish::Total => (Some(stable(row.numerator)), Some(stable(row.numerator)), Some(row.denominator)),
        Finish::Ratio => (
            (row.denominator != 0.0).then(|| stable(row.numerator / row.denominator)),
            Some(stable(row.numerator)),
            Some(stable(row.denominator)),
        ),
        Finish::Share { .. } => {
            let (x, n) = (stable(row.numerator), stable(row.denominator));
            ((n > 0.0).then(|| x / n), Some(x), Some(n))
        }
        Finish::KaplanMeier { .. } => (None, None, None),
    }
}

fn finish_row(mut r: IndicatorResult, row: &AggRow, finish: &Finish, level: f64, k: u64) -> (IndicatorResult, bool) {
    let few = |x: f64| x > 0.0 && x < k as f64;
    r.units = Some(row.units);
    (r.value, r.numerator, r.denominator) = row_values(row, finish);
    let small = match finish {
        Finish::Count => few(row.numerator),
        Finish::Total | Finish::Ratio => few(row.units as f64),
        Finish::Share { ci } => {
            let (x, n) = (r.numerator.unwrap_or(0.0), r.denominator.unwrap_or(0.0));
            let interval = match ci {
                CiMethod::Wilson => wilson(x, n, level),
                CiMethod::ClopperPearson => clopper_pearson(x, n, level),
                CiMethod::None => None,
            };
            if let Some((lo, hi)) = interval {
                r.ci_low = Some(lo);
                r.ci_high = Some(hi);
            }
            // A share reveals its numerator and its complement, so both must be large enough.
            few(x) || few(n - x) || few(row.units as f64)
        }
        Finish::KaplanMeier { .. } => false,
    };
    (r, small)
}

/// Complementary suppression: within every line of the table (cells that differ in one key
/// only, horizon fixed), a single suppressed cell could be recovered from the line's total, so
/// the smallest other cell of that line is suppressed too; repeated until no line has exactly one.
fn complementary_suppression(rows: &mut [(IndicatorResult, bool)], n_keys: usize) {
    if n_keys == 0 {
        return;
    }
    loop {
        let mut changed = false;
        for dim in 0..n_keys {
            let mut lines: BTreeMap<(Vec<String>, Option<u32>), Vec<usize>> = BTreeMap::new();
            for (i, (r, _)) in rows.iter().enumerate() {
                let rest: Vec<String> =
                    r.group.iter().enumerate().filter(|(j, _)| *j != dim).map(|(_, (_, v))| v.clone()).collect();
                lines.entry((rest, r.horizon_months)).or_default().push(i);
            }
            for members in lines.values() {
                let suppressed = members.iter().filter(|&&i| rows[i].1).count();
                if suppressed == 1 && members.len() > 1 {
                    let pick = members
                        .iter()
                        .copied()
                        .filter(|&i| !rows[i].1)
                        .min_by(|&a, &b| rows[a].0.units.cmp(&rows[b].0.units).then(rows[a].0.group.cmp(&rows[b].0.group)));
                    if let Some(i) = pick {
                        rows[i].1 = true;
                        changed = true;
                    }
                }
            }
        }
        if !changed {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(v: &str, units: u64, suppressed: bool) -> (IndicatorResult, bool) {
        let r = IndicatorResult {
            indicator: "X".into(),
            version: "1.0.0".into(),
            group: vec![("municipio".into(), v.into())],
            horizon_months: None,
            value: Some(units as f64),
            numerator: Some(units as f64),
            denominator: None,
            ci_low: None,
            ci_high: None,
            n_at_risk: None,
            units: Some(units),
            suppressed: false,
            small_cell: 3,
            unit: "entities".into(),
            as_of: "2025-12-31".into(),
            definition_hash: String::new(),
            input_hash: String::new(),
        };
        (r, suppressed)
    }

    #[test]
    fn a_lone_suppressed_cell_takes_the_smallest_other_with_it() {
        // 2 is primary-suppressed; without a second cell, total − 10 − 4 would reveal it.
        let mut rows = vec![cell("1", 10, false), cell("2", 2, true), cell("3", 4, false)];
        complementary_suppression(&mut rows, 1);
        assert_eq!(rows.iter().map(|r| r.1).collect::<Vec<_>>(), vec![false, true, true]);
    }

    #[test]
    fn two_suppressed_cells_need_nothing_more() {
        let mut rows = vec![cell("1", 10, false), cell("2", 2, true), cell("3", 1, true)];
        complementary_suppression(&mut rows, 1);
        assert_eq!(rows.iter().map(|r| r.1).collect::<Vec<_>>(), vec![false, true, true]);
    }
}
