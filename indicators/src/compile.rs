//! From a definition to a plan and a finishing spec: one function per indicator kind.

use crate::definition::{Change, Computation, LoadedDefinition, MeasureAt, Mode, ShareOf};
use crate::plan::{Aggregate, Anchor, Filter, Literal, Op, Output, Plan, Predicate, SurvivalSpec, TakeoverRule, Value};
use crate::stats::{CiMethod, ConfType};

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

/// Compile a definition with the requested breakdown. Reads only the resolved form: every
/// default was applied, and every condition typed, when the definition was loaded.
pub fn compile(loaded: &LoadedDefinition, by: &[String]) -> Compiled {
    let r = &loaded.resolved;
    let mut filters: Vec<Predicate> = r.population.iter().cloned().map(Predicate::Filter).collect();
    if let Some(date) = &r.date {
        filters.push(Predicate::OnOrBeforeAsOf(date.clone()));
    }
    let (plan_output, finish, extra_keys) = match &r.computation {
        Computation::Count => count(),
        Computation::Share { of, ci } => share(of, *ci),
        Computation::JobsChange { measure, mode, change } => jobs_change(measure, *mode, change, &mut filters),
        Computation::NewJobsShare { measure, part, change, ci } => new_jobs_share(measure, part, change, *ci, &mut filters),
        Computation::Stock { measure } => stock(measure),
        Computation::Ratio { measure, from, denominator_sum } => ratio(measure, from, denominator_sum),
        Computation::CohortSurvival { years, ci } => cohort_survival(*years, *ci, &mut filters),
        Computation::KaplanMeier { origin, horizons_months, conf_type, takeover } => {
            kaplan_meier(origin, horizons_months, *conf_type, *takeover)
        }
    };
    let mut group_keys: Vec<String> = extra_keys;
    group_keys.extend(by.iter().cloned());
    Compiled {
        plan: Plan { table: r.table.table(), filters, group_keys, output: plan_output },
        finish,
        level: r.confidence,
        small_cell: r.small_cell,
    }
}

type Parts = (Output, Finish, Vec<String>);

fn aggregates(numerator: Aggregate, denominator: Aggregate) -> Output {
    Output::Aggregates { numerator, denominator }
}

fn count() -> Parts {
    (aggregates(Aggregate::Count, Aggregate::Count), Finish::Count, vec![])
}

fn share(of: &ShareOf, ci: CiMethod) -> Parts {
    let output = match of {
        ShareOf::Sums { numerator, denominator } => {
            aggregates(Aggregate::Sum(Value::Column(numerator.clone())), Aggregate::Sum(Value::Column(denominator.clone())))
        }
        ShareOf::Rows(numerator) => {
            aggregates(Aggregate::CountWhere(numerator.iter().cloned().map(Predicate::Filter).collect()), Aggregate::Count)
        }
    };
    (output, Finish::Share { ci }, vec![])
}

/// Baseline and measured values of a panel measure, and the filter that the measurement month
/// has been reached by the as-of date (incomplete units are excluded, not counted as zero).
fn change_of(change: &Change, measure: &str, filters: &mut Vec<Predicate>) -> Value {
    let offset = change.offset_months;
    let at = match &change.measure_at {
        MeasureAt::AsOf => Anchor::AsOf,
        MeasureAt::Column(measure_at) => {
            let observable = Predicate::Observable { anchor: measure_at.clone(), offset_months: offset };
            if !filters.contains(&observable) {
                filters.push(observable);
            }
            Anchor::Column(measure_at.clone())
        }
    };
    let base_observable = Predicate::Observable { anchor: change.baseline.clone(), offset_months: 0 };
    if !filters.contains(&base_observable) {
        filters.push(base_observable);
    }
    Value::Sub(
        Box::new(Value::PanelAt { measure: measure.into(), anchor: at, offset_months: offset }),
        Box::new(Value::PanelAt { measure: measure.into(), anchor: Anchor::Column(change.baseline.clone()), offset_months: 0 }),
    )
}

fn jobs_change(measure: &str, mode: Mode, change: &Change, filters: &mut Vec<Predicate>) -> Parts {
    let delta = change_of(change, measure, filters);
    let value = match mode {
        Mode::Net => delta,
        Mode::Gross => Value::PositivePart(Box::new(delta)),
    };
    (aggregates(Aggregate::Sum(value), Aggregate::Count), Finish::Total, vec![])
}

fn new_jobs_share(whole: &str, part: &str, change: &Change, ci: CiMethod, filters: &mut Vec<Predicate>) -> Parts {
    let part_delta = change_of(change, part, filters);
    let whole_delta = change_of(change, whole, filters);
    let rest_delta = Value::Sub(Box::new(whole_delta), Box::new(part_delta.clone()));
    let part_new = Value::PositivePart(Box::new(part_delta));
    let rest_new = Value::PositivePart(Box::new(rest_delta));
    let output = aggregates(Aggregate::Sum(part_new.clone()), Aggregate::Sum(Value::Add(Box::new(part_new), Box::new(rest_new))));
    (output, Finish::Share { ci }, vec![])
}

fn stock(measure: &str) -> Parts {
    let value = Value::PanelAt { measure: measure.into(), anchor: Anchor::AsOf, offset_months: 0 };
    (aggregates(Aggregate::Sum(value), Aggregate::Count), Finish::Total, vec![])
}

fn ratio(measure: &str, from: &str, denominator_sum: &str) -> Parts {
    let numerator = Value::PanelSum { measure: measure.into(), from: from.into() };
    let denominator = Value::Column(denominator_sum.into());
    (aggregates(Aggregate::Sum(numerator), Aggregate::Sum(denominator)), Finish::Ratio, vec![])
}

/// Birth cohorts need a birth date: units without `founded_on` are left out.
fn cohort_survival(years: i32, ci: CiMethod, filters: &mut Vec<Predicate>) -> Parts {
    filters.push(Predicate::CohortComplete { years });
    filters.push(Predicate::Filter(Filter::column("founded_on", Op::NotNull, Literal::Absent)));
    let output = aggregates(Aggregate::CountWhere(vec![Predicate::Survived { years }]), Aggregate::Count);
    (output, Finish::Share { ci }, vec!["birth_year".into()])
}

fn kaplan_meier(origin: &str, horizons: &[u32], conf_type: ConfType, takeover: TakeoverRule) -> Parts {
    let spec = SurvivalSpec { origin: origin.into(), takeover };
    let finish = Finish::KaplanMeier { horizons: horizons.to_vec(), conf_type };
    (Output::Survival(spec), finish, vec![])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::definition::parse;

    fn compiled(body: &str) -> Compiled {
        let text =
            format!("id = \"T-01\"\nversion = \"1.0.0\"\nname = {{ it = \"P\", en = \"T\" }}\ndescription = \"t\"\n{body}");
        compile(&parse("T-01.toml", &text).expect("a valid definition"), &[])
    }

    #[test]
    fn cohort_survival_adds_a_typed_founded_on_filter() {
        let c = compiled("unit = \"share\"\nkind = \"cohort_survival\"\nwindow = { years = 2 }\n");
        assert_eq!(
            c.plan.filters,
            vec![
                Predicate::CohortComplete { years: 2 },
                Predicate::Filter(Filter::column("founded_on", Op::NotNull, Literal::Absent)),
            ]
        );
        assert_eq!(c.plan.group_keys, vec!["birth_year".to_string()]);
        assert_eq!((c.level, c.small_cell), (0.95, 3));
    }

    #[test]
    fn a_date_condition_reaches_the_plan_as_a_day_number() {
        let c = compiled(
            "unit = \"entities\"\nkind = \"count\"\npopulation = [{ column = \"support_start\", op = \"le\", value = 2024-02-29 }]\n",
        );
        // 2024-02-29: 54 years (13 of them leap) and 59 days after 1970-01-01.
        assert_eq!(c.plan.filters, vec![Predicate::Filter(Filter::column("support_start", Op::Le, Literal::Date(19_782)))]);
    }
}
