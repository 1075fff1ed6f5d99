//! One release, many indicators: the indicators published together withhold their shared
//! counts together.
//!
//! Why: indicators over the same units publish the same counts. ENT-01 and JOB-04 both count
//! the funded beneficiaries of a programme in a municipio; protected one by one, each withholds
//! its own cells and publishes what the other withholds. On the shipped examples by programme ×
//! municipio, seven such indicators published side by side gave away 2 of 12 withheld cells
//! (crowdfunding-civico in municipio 7 = 2) to a linear program over all of them.
//!
//! Which counts are linked: every indicator publishes, in each cell, the number of its units
//! (those meeting its population's conditions and the cell's key), and a share of units meeting a
//! condition also publishes how many meet it. An intruder reads the definitions, so names each
//! such count by its conditions. A condition fixing a breakdown column moves into the key: the
//! women (numerator of PAR-02) among participants aged 18-29 are the cell "18-29 × F" of PAR-01
//! by age and gender, and PAR-02's women overall are PAR-02's own cell "F". A condition the key
//! decides is dropped (gender ≠ unknown, in the cell "F"); a key contradicting one names no unit.
//! Two counts in the same cell of the same table are linked when one's remaining conditions
//! include every condition of the other (SUR-01's enterprises and associations among ENT-01's
//! funded beneficiaries; PAR-02's participants of known gender among PAR-01's participants): the
//! smaller population's count is at most the larger one's, and equal to it where nobody is left
//! out. So, for linked counts:
//! - a cell withheld by one is withheld by the other, so both publish the same pattern — except
//!   a share's numerator withheld beside its published units: a larger population's count bounds
//!   it no tighter than those units do, and the share's own audit protects it given them;
//! - a cell where the two counts differ by 1 to k−1 is withheld by both: the difference counts
//!   the few units in one population and not the other (participants whose gender is not
//!   known). The grand total is exempt, as from differencing by date: it says how many, not who.
//!
//! Populations that would nest but for when their units are counted (a start by the as-of date,
//! a complete birth cohort, an observable follow-up) nest in fact wherever those windows hold
//! everyone, and an intruder may assume they do: SUR-01's enterprises of a complete cohort
//! within ENT-01's entities supported by the as-of date. A cell withheld by one and published by
//! the other within k−1 units of it is withheld by both: dwp-innovation-fund's six cohorts of one
//! firm, each withheld, added up to its published ENT-01 total of 6. Their difference is not
//! withheld for itself, as it counts no population anyone can name.
//!
//! Each indicator is then finished again with those cells withheld and audited
//! ([`crate::disclosure`]), until no indicator withholds a cell that a linked one publishes.
//! Withheld cells only grow, so this ends.
//!
//! These rules compare counts cell by cell; sums across cells can still give a few units away
//! (the gap between two indicators' totals less the gaps of other cells). So once they are
//! settled, the whole release is attacked at once ([`crate::release_audit`]) and what that
//! recovers is withheld too. Linking populations by equal counts alone was tried and dropped: one
//! small survival cohort then withheld programme totals of a thousand entities.

use std::collections::BTreeMap;

use rayon::prelude::*;

use crate::compile::Compiled;
use crate::definition::LoadedDefinition;
use crate::finish::{self, CellId, Finished, IndicatorResult, Linked, ReleaseShape, Stamp};
use crate::plan::{Aggregate, Aggregates, Filter, Literal, Op, Operand, Output, Predicate};
use impatto_datasets::schema::Table;

/// One indicator of a release, with what it was computed from.
pub(crate) struct Job<'a> {
    pub loaded: &'a LoadedDefinition,
    pub compiled: &'a Compiled,
    pub shape: &'a ReleaseShape,
    pub aggregates: Aggregates,
    /// The aggregates at each earlier published as-of date.
    pub earlier: Vec<Aggregates>,
}

/// Which count of a job's cells a view reads.
#[derive(Clone, Copy, PartialEq)]
enum Count {
    Units,
    /// The numerator of a share counting the units that meet a condition.
    Numerator,
}

/// A count an indicator publishes in every cell, and the conditions its units meet (besides the
/// cell's key): the population's, plus the numerator's for [`Count::Numerator`].
struct View {
    job: usize,
    count: Count,
    conditions: Vec<Predicate>,
}

fn views(jobs: &[Job<'_>]) -> Vec<View> {
    let mut views = Vec::new();
    for (job, j) in jobs.iter().enumerate().filter(|(_, j)| j.compiled.small_cell > 1) {
        let plan = &j.compiled.plan;
        views.push(View { job, count: Count::Units, conditions: plan.filters.clone() });
        if let Output::Aggregates { numerator: Aggregate::CountWhere(of), .. } = &plan.output {
            let conditions = plan.filters.iter().chain(of).cloned().collect();
            views.push(View { job, count: Count::Numerator, conditions });
        }
    }
    views
}

/// What a condition says of a unit whose `column` has `value`: `None` when that cannot be told
/// from the text alone (then the condition stays a condition).
fn decides(op: Op, literal: &Literal, value: Option<&str>) -> Option<bool> {
    let matches = |l: &Literal, v: &str| match l {
        Literal::Text(t) => Some(t == v),
        Literal::Integer(n) => v.parse::<i64>().ok().map(|x| x == *n),
        Literal::Bool(b) => v.parse::<bool>().ok().map(|x| x == *b),
        _ => None,
    };
    match (op, value) {
        (Op::IsNull, v) => Some(v.is_none()),
        (Op::NotNull, v) => Some(v.is_some()),
        (_, None) => None,
        (Op::Eq, Some(v)) => matches(literal, v),
        (Op::Ne, Some(v)) => matches(literal, v).map(|m| !m),
        (Op::In | Op::NotIn, Some(v)) => {
            let Literal::List(items) = literal else { return None };
            let any = items.iter().map(|l| matches(l, v)).collect::<Option<Vec<bool>>>()?.contains(&true);
            Some(any == (op == Op::In))
        }
        _ => None,
    }
}

/// The value an equality condition fixes a column to, as the cell keys write it.
fn fixes(op: Op, literal: &Literal) -> Option<String> {
    let one = |l: &Literal| match l {
        Literal::Text(t) => Some(t.clone()),
        Literal::Integer(n) => Some(n.to_string()),
        _ => None,
    };
    match (op, literal) {
        (Op::Eq, l) => one(l),
        (Op::In, Literal::List(items)) if items.len() == 1 => one(&items[0]),
        _ => None,
    }
}

/// A cell's units as the intruder can name them: the conditions on release columns moved into
/// the key (women of a share by age are the cell "age × F" of a table by gender), those the key
/// decides dropped, the rest kept. `None` when the key contradicts a condition (no unit can be
/// there).
fn normalised(conditions: &[Predicate], id: &CellId, columns: &[String]) -> Option<(CellId, Vec<Predicate>)> {
    let mut key = id.clone();
    let mut rest = Vec::new();
    for p in conditions {
        let Predicate::Filter(Filter { column: Operand::Column(column), op, literal: value }) = p else {
            rest.push(p.clone());
            continue;
        };
        if let Some((_, v)) = key.iter().find(|(c, _)| c == column) {
            match decides(*op, value, v.as_deref()) {
                Some(true) => continue,
                Some(false) => return None,
                None => rest.push(p.clone()),
            }
        } else if let Some(v) = fixes(*op, value).filter(|_| columns.contains(column)) {
            key.push((column.clone(), Some(v)));
            key.sort();
        } else {
            rest.push(p.clone());
        }
    }
    Some((key, rest))
}

/// Does one set of conditions include every condition of the other?
fn nested(a: &[Predicate], b: &[Predicate]) -> bool {
    a.iter().all(|p| b.contains(p)) || b.iter().all(|p| a.contains(p))
}

/// Would the two populations nest but for when their units are counted (a start on or before
/// the as-of date, a complete cohort, an observable follow-up)? Then they nest in fact wherever
/// those windows hold everyone, and an intruder may assume they do.
pub(crate) fn nested_in_fact(a: &[Predicate], b: &[Predicate]) -> bool {
    let timeless = |ps: &[Predicate]| -> Vec<Predicate> { ps.iter().filter(|p| !p.is_time_window()).cloned().collect() };
    nested(&timeless(a), &timeless(b))
}

/// One count of a finished cell, named as the intruder names it.
struct Named<'a> {
    view: usize,
    /// The cell in its own indicator's lattice.
    id: &'a CellId,
    rest: Vec<Predicate>,
    count: f64,
    withheld: bool,
    /// For a share's withheld numerator beside its published units: the conditions of those
    /// units. They bound the numerator at least as tightly as any larger population's count, and
    /// the indicator's own audit protects the numerator given them.
    bounded_by: Option<Vec<Predicate>>,
}

/// The cells each job must withhold because a linked count withholds them or differs from theirs
/// by 1..k−1 (see the module docs).
fn to_withhold(jobs: &[Job<'_>], views: &[View], finished: &[Result<Finished, String>]) -> Vec<Linked> {
    let columns = |v: &View| &jobs[v.job].shape.columns;
    let mut by_key: BTreeMap<(Table, CellId), Vec<Named<'_>>> = BTreeMap::new();
    for (n, v) in views.iter().enumerate() {
        let Ok(f) = &finished[v.job] else { continue };
        for cell in &f.cells {
            let (count, withheld) = match v.count {
                Count::Units => (cell.units as f64, cell.units_withheld),
                Count::Numerator => match cell.numerator {
                    Some(x) => (x, cell.value_withheld),
                    None => continue,
                },
            };
            let Some((key, rest)) = normalised(&v.conditions, &cell.id, columns(v)) else { continue };
            let bounded_by = (v.count == Count::Numerator && withheld && !cell.units_withheld)
                .then(|| normalised(&jobs[v.job].compiled.plan.filters, &cell.id, columns(v)))
                .flatten()
                .filter(|(units_key, _)| *units_key == key)
                .map(|(_, units_rest)| units_rest);
            let table = jobs[v.job].compiled.plan.table;
            by_key.entry((table, key)).or_default().push(Named { view: n, id: &cell.id, rest, count, withheld, bounded_by });
        }
    }
    let mut more = vec![Linked::default(); jobs.len()];
    for ((_, key), named) in &by_key {
        for a in named.iter().filter(|a| !a.withheld) {
            let job = views[a.view].job;
            let k = jobs[job].compiled.small_cell;
            let gives_away = named.iter().any(|b| {
                // A cell's own units and numerator are one published share (n of d), not two
                // tables to difference: the share's threshold is on its units.
                let same = views[b.view].job == job && b.id == a.id;
                let k = k.max(jobs[views[b.view].job].compiled.small_cell);
                let difference = (a.count - b.count).abs();
                let contains_bound = b.bounded_by.as_ref().is_some_and(|units| a.rest.iter().all(|p| units.contains(p)));
                if same || contains_bound {
                    false
                } else if nested(&a.rest, &b.rest) {
                    b.withheld || (!key.is_empty() && difference > 0.0 && difference < k as f64)
                } else {
                    // Nested in fact only: the larger count bounds the smaller, and pins it when
                    // they differ by fewer than k (a survival cohort's programme total is
                    // ENT-01's). Their difference counts no population anyone can name.
                    b.withheld && difference < k as f64 && nested_in_fact(&a.rest, &b.rest)
                }
            });
            if gives_away {
                let set = match views[a.view].count {
                    Count::Units => &mut more[job].units,
                    Count::Numerator => &mut more[job].value,
                };
                set.insert(a.id.clone());
            }
        }
    }
    more
}

/// Finish every indicator of a release, each protected with what its linked indicators
/// withhold. Returns each job's rows, or why it was skipped, in job order.
pub(crate) fn finish_all(
    jobs: &[Job<'_>],
    stamp: &Stamp,
    ctx: &crate::plan::Context,
) -> Vec<Result<Vec<IndicatorResult>, String>> {
    let views = views(jobs);
    let finish = |i: usize, linked: &Linked| {
        let j = &jobs[i];
        finish::finish_release(j.loaded, j.compiled, j.shape, &j.aggregates, &j.earlier, stamp, linked)
    };
    let mut linked: Vec<Linked> = vec![Linked::default(); jobs.len()];
    let mut finished: Vec<Result<Finished, String>> = (0..jobs.len()).into_par_iter().map(|i| finish(i, &linked[i])).collect();
    // Cell by cell first (cheap, and it covers earlier as-of dates), then, when that is settled,
    // the attack on the whole release. Withheld cells only grow, so this ends.
    let mut whole_release = false;
    loop {
        let (more, refused) = if whole_release {
            crate::release_audit::to_withhold(jobs, &finished, ctx)
        } else {
            (to_withhold(jobs, &views, &finished), Vec::new())
        };
        let mut changed = Vec::new();
        for (i, more) in more.into_iter().enumerate() {
            let before = linked[i].units.len() + linked[i].value.len();
            linked[i].units.extend(more.units);
            linked[i].value.extend(more.value);
            if linked[i].units.len() + linked[i].value.len() > before {
                changed.push(i);
            }
        }
        for (i, why) in refused {
            finished[i] = Err(why);
        }
        if changed.is_empty() {
            if whole_release {
                break;
            }
            whole_release = true;
            continue;
        }
        whole_release = false;
        let again: Vec<(usize, Result<Finished, String>)> = changed.par_iter().map(|&i| (i, finish(i, &linked[i]))).collect();
        for (i, f) in again {
            finished[i] = f;
        }
    }
    finished.into_iter().map(|f| f.map(|f| f.rows)).collect()
}
