//! From a definition to a plan and a finishing spec: one function per indicator kind.

use crate::definition::{CiMethod, ConfType, Definition, Kind, LoadedDefinition};
use crate::plan::{Aggregate, Anchor, Output, Plan, Predicate, SurvivalSpec, Value};

/// How the shared finishing step turns a group's aggregates into a result.
#[derive(Clone, Debug, PartialEq)]
pub enum Finish {
    /// value = numerator (a count of units).
    Count,
    /// value = numerator (a sum over units); denominator reports the units summed over.
    Total,
    /// value = numerator / denominator with an interval on whole counts.
    Share {
        /// Interval method.
        ci: CiMethod,
    },
    /// value = numerator / denominator, no interval.
    Ratio,
    /// Kaplan-Meier survival at each horizon.
    KaplanMeier {
        /// Horizons in months.
        horizons: Vec<u32>,
        /// Interval type.
        conf_type: ConfType,
    },
}

/// A compiled indicator.
#[derive(Clone, Debug)]
pub struct Compiled {
    /// Backend-independent plan.
    pub plan: Plan,
    /// Finishing spec.
    pub finish: Finish,
    /// Confidence level.
    pub level: f64,
    /// Minimum units of a published cell.
    pub small_cell: u64,
}

/// Compile a definition with the requested breakdown.
pub fn compile(loaded: &LoadedDefinition, by: &[String]) -> Compiled {
    let def = &loaded.def;
    let mut filters: Vec<Predicate> = def.population.iter().cloned().map(Predicate::Condition).collect();
    if let Some(date) = &def.window.date {
        filters.push(Predicate::OnOrBeforeAsOf(date.clone()));
    }
    let (plan_output, finish, extra_keys) = match def.kind {
        Kind::Count => count(),
        Kind::Share => share(def),
        Kind::JobsChange => jobs_change(def, &mut filters),
        Kind::NewJobsShare => new_jobs_share(def, &mut filters),
        Kind::Stock => stock(def),
        Kind::Ratio => ratio(def),
        Kind::CohortSurvival => cohort_survival(def, &mut filters),
        Kind::KaplanMeier => kaplan_meier(def),
    };
    let mut group_keys: Vec<String> = extra_keys;
    group_keys.extend(by.iter().cloned());
    Compiled {
        plan: Plan { table: loaded.table, filters, group_keys, output: plan_output },
        finish,
        level: def.confidence.unwrap_or(0.95),
        small_cell: def.small_cell.unwrap_or(3),
    }
}

type Parts = (Output, Finish, Vec<String>);

fn aggregates(numerator: Aggregate, denominator: Aggregate) -> Output {
    Output::Aggregates { numerator, denominator }
}

fn count() -> Parts {
    (aggregates(Aggregate::Count, Aggregate::Count), Finish::Count, vec![])
}

fn share(def: &Definition) -> Parts {
    let ci = def.ci.unwrap_or_default();
    let output = match (&def.numerator_sum, &def.denominator_sum) {
        (Some(n), Some(d)) => aggregates(Aggregate::Sum(Value::Column(n.clone())), Aggregate::Sum(Value::Column(d.clone()))),
        _ => {
            aggregates(Aggregate::CountWhere(def.numerator.iter().cloned().map(Predicate::Condition).collect()), Aggregate::Count)
        }
    };
    (output, Finish::Share { ci }, vec![])
}

/// Baseline and measured values of a panel measure, and the filter that the measurement month
/// has been reached by the as-of date (incomplete units are excluded, not counted as zero).
fn change_of(def: &Definition, measure: &str, filters: &mut Vec<Predicate>) -> Value {
    let baseline = def.window.baseline.clone().unwrap_or_else(|| "support_start".into());
    let measure_at = def.window.measure_at.clone().unwrap_or_else(|| "support_end".into());
    let offset = def.window.offset_months.unwrap_or(0);
    let at = if measure_at == "as_of" {
        Anchor::AsOf
    } else {
        let observable = Predicate::Observable { anchor: measure_at.clone(), offset_months: offset };
        if !filters.contains(&observable) {
            filters.push(observable);
        }
        Anchor::Column(measure_at)
    };
    let base_observable = Predicate::Observable { anchor: baseline.clone(), offset_months: 0 };
    if !filters.contains(&base_observable) {
        filters.push(base_observable);
    }
    Value::Sub(
        Box::new(Value::PanelAt { measure: measure.into(), anchor: at, offset_months: offset }),
        Box::new(Value::PanelAt { measure: measure.into(), anchor: Anchor::Column(baseline), offset_months: 0 }),
    )
}

fn jobs_change(def: &Definition, filters: &mut Vec<Predicate>) -> Parts {
    let measure = def.measure.clone().unwrap_or_default();
    let delta = change_of(def, &measure, filters);
    let value = if def.mode.as_deref() == Some("net") { delta } else { Value::PositivePart(Box::new(delta)) };
    (aggregates(Aggregate::Sum(value), Aggregate::Count), Finish::Total, vec![])
}

fn new_jobs_share(def: &Definition, filters: &mut Vec<Predicate>) -> Parts {
    let whole = def.measure.clone().unwrap_or_default();
    let part = def.part.clone().unwrap_or_default();
    let part_delta = change_of(def, &part, filters);
    let whole_delta = change_of(def, &whole, filters);
    let rest_delta = Value::Sub(Box::new(whole_delta), Box::new(part_delta.clone()));
    let part_new = Value::PositivePart(Box::new(part_delta));
    let rest_new = Value::PositivePart(Box::new(rest_delta));
    let output = aggregates(Aggregate::Sum(part_new.clone()), Aggregate::Sum(Value::Add(Box::new(part_new), Box::new(rest_new))));
    (output, Finish::Share { ci: def.ci.unwrap_or_default() }, vec![])
}

fn stock(def: &Definition) -> Parts {
    let value = Value::PanelAt { measure: def.measure.clone().unwrap_or_default(), anchor: Anchor::AsOf, offset_months: 0 };
    (aggregates(Aggregate::Sum(value), Aggregate::Count), Finish::Total, vec![])
}

fn ratio(def: &Definition) -> Parts {
    let from = def.window.from.clone().unwrap_or_else(|| "support_start".into());
    let numerator = Value::PanelSum { measure: def.measure.clone().unwrap_or_default(), from };
    let denominator = Value::Column(def.denominator_sum.clone().unwrap_or_default());
    (aggregates(Aggregate::Sum(numerator), Aggregate::Sum(denominator)), Finish::Ratio, vec![])
}

fn cohort_survival(def: &Definition, filters: &mut Vec<Predicate>) -> Parts {
    let years = def.window.years.unwrap_or(3);
    filters.push(Predicate::CohortComplete { years });
    filters.push(Predicate::Condition(crate::definition::Condition {
        column: Some("founded_on".into()),
        numerator: None,
        denominator: None,
        op: crate::definition::Op::NotNull,
        value: None,
        values: None,
        fraction: None,
    }));
    let output = aggregates(Aggregate::CountWhere(vec![Predicate::Survived { years }]), Aggregate::Count);
    (output, Finish::Share { ci: def.ci.unwrap_or_default() }, vec!["birth_year".into()])
}

fn kaplan_meier(def: &Definition) -> Parts {
    let spec = SurvivalSpec {
        origin: def.window.origin.clone().unwrap_or_else(|| "support_start".into()),
        takeover: def.takeover.unwrap_or_default(),
    };
    let finish = Finish::KaplanMeier {
        horizons: def.window.horizons_months.clone().unwrap_or_else(|| vec![12, 24, 36]),
        conf_type: def.conf_type.unwrap_or_default(),
    };
    (Output::Survival(spec), finish, vec![])
}
