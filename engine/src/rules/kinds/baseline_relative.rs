//! Baseline-relative payments: an amount per whole point above a baseline, up to a ceiling
//! (World Bank disbursement-linked indicators: "US$225,000 per each additional 1% point more
//! than 50% … up to 70%").
//!
//! Two readings, chosen by `previous_best`:
//! - without it, each period stands alone: points of min(value, ceiling) above the baseline
//!   (and, with `clawback`, a negative line per point below it);
//! - with it, payments are increments over what has been paid for so far (DLIs that pay "in
//!   each FY greater than the previous FY"). The paid level starts at the baseline; each
//!   period pays the points from the paid level up to min(value, ceiling) and raises the level.
//!   With `clawback`, a period below the paid level recovers the points down to
//!   max(value, baseline) and lowers the level, so points recovered can be earned again and
//!   nothing is recovered twice or beyond what was paid. Earlier periods are replayed from
//!   the file's own periods.

use rust_decimal::Decimal;
use serde::Deserialize;
use toml::Spanned;

use super::{Common, EvalCtx, FieldDoc, Needs, Rule, RuleKind, achieved, common, describe, mul};
use crate::rules::check::{Door, IndicatorInfo, Quantity, RuleError};
use crate::rules::model::arg::{count, money, num, text};
use crate::rules::model::step;
use crate::rules::model::{BeneficiaryInputs, Outcome, Status, Wording};
use crate::rules::money::Money;

/// The rule as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    id: Spanned<String>,
    indicator: Spanned<String>,
    baseline: Spanned<String>,
    #[serde(default)]
    previous_best: bool,
    per_point: Spanned<String>,
    point: Option<Spanned<String>>,
    ceiling: Option<Spanned<String>>,
    #[serde(default)]
    clawback: bool,
    interpretation: Option<Wording>,
}

/// A checked baseline-relative rule.
#[derive(Clone, Debug, PartialEq)]
pub struct BaselineRelative {
    /// Id and interpretation.
    pub common: Common,
    /// Indicator measured per beneficiary.
    pub indicator: IndicatorInfo,
    /// Baseline, in the indicator's unit.
    pub baseline: Quantity,
    /// Pay increments over what was paid for in earlier periods.
    pub previous_best: bool,
    /// Amount per whole point.
    pub per_point: Money,
    /// Size of a point: 1 percentage point (0.01) for shares, 1 otherwise, unless stated.
    pub point: Quantity,
    /// Values above it count as it.
    pub ceiling: Option<Quantity>,
    /// Below the reference, recover per point.
    pub clawback: bool,
}

/// Most whole points a rule may count: bounds every product of the evaluation.
const MAX_POINTS: i64 = 1_000_000;

impl RuleKind for BaselineRelative {
    const KIND: &'static str = "baseline_relative";
    const SUMMARY: &'static str = "Pays `per_point` × whole points of min(value, `ceiling`) above a reference (World Bank DLIs: \"US$225,000 per each additional 1% point more than 50% … up to 70%\"). Without `previous_best` each period stands alone: the reference is `baseline`, and with `clawback` each point below it is a negative line. With `previous_best` payments are increments over what has been paid for so far: the paid level starts at `baseline`, each period pays the points from the paid level up to min(value, `ceiling`) and raises the level; with `clawback` a period below the paid level recovers the points down to max(value, `baseline`) and lowers it, so recovered points can be earned again and nothing is recovered twice. Values and `point` are in the indicator's unit: for a share `baseline = \"50%\"` and a point defaults to one percentage point.";
    const FIELDS: &'static [FieldDoc] = &[
        super::ID,
        FieldDoc { name: "indicator", notation: "indicator id", default: "required", doc: "Indicator measured per beneficiary." },
        FieldDoc {
            name: "baseline",
            notation: "indicator value",
            default: "required",
            doc: "Where points start (\"50%\" for a share).",
        },
        FieldDoc {
            name: "previous_best",
            notation: "true/false",
            default: "false",
            doc: "Pay increments over what earlier periods of the file paid for.",
        },
        FieldDoc { name: "per_point", notation: "amount", default: "required", doc: "Amount per whole point." },
        FieldDoc {
            name: "point",
            notation: "indicator value",
            default: "\"1%\" for shares, \"1\" otherwise",
            doc: "Size of a point.",
        },
        FieldDoc { name: "ceiling", notation: "indicator value", default: "none", doc: "Values above it count as it." },
        FieldDoc { name: "clawback", notation: "true/false", default: "false", doc: "Recover per point below the reference." },
        super::INTERPRETATION,
    ];
    type Spec = Spec;

    fn check(spec: Spec, door: &Door, _earlier: &[Rule]) -> Result<Self, RuleError> {
        let common = common(door, &spec.id, spec.interpretation)?;
        let indicator = door.indicator("indicator", &spec.indicator)?.clone();
        let baseline = door.quantity("baseline", &spec.baseline, &indicator)?;
        let per_point = door.money("per_point", &spec.per_point)?;
        let point = match &spec.point {
            Some(p) => {
                let q = door.quantity("point", p, &indicator)?;
                if q.0 <= Decimal::ZERO {
                    return Err(door.err(
                        Some(&p.span()),
                        "point",
                        format!("expected a positive size, found \"{}\"", p.get_ref()),
                    ));
                }
                q
            }
            None if indicator.is_share => Quantity(Decimal::new(1, 2)),
            None => Quantity(Decimal::ONE),
        };
        let ceiling = match &spec.ceiling {
            Some(c) => {
                let q = door.quantity("ceiling", c, &indicator)?;
                if q <= baseline {
                    return Err(door.err(
                        Some(&c.span()),
                        "ceiling",
                        format!("the ceiling ({}) must be above the baseline ({})", c.get_ref(), spec.baseline.get_ref()),
                    ));
                }
                Some(q)
            }
            None => None,
        };
        // Bound the points a rule can count, so points × per_point stays exact.
        // Without a ceiling, per unit of the indicator (all of a share).
        let span = match ceiling {
            Some(c) => c.0 - baseline.0,
            None => Decimal::ONE,
        };
        let most = span.checked_div(point.0).map(|p| p.trunc());
        if most.is_none_or(|p| p > Decimal::from(MAX_POINTS)) {
            let at = spec.point.as_ref().map(|p| p.span());
            return Err(door.err(
                at.as_ref(),
                "point",
                format!(
                    "a point of {} allows more than {MAX_POINTS} points {}: expected a larger point",
                    point.show(indicator.is_share),
                    ceiling.map_or("per unit of the indicator".to_string(), |c| format!(
                        "between the baseline and the ceiling {}",
                        c.show(indicator.is_share)
                    ))
                ),
            ));
        }
        Ok(BaselineRelative {
            common,
            indicator,
            baseline,
            previous_best: spec.previous_best,
            per_point,
            point,
            ceiling,
            clawback: spec.clawback,
        })
    }

    fn needs(&self) -> Needs {
        let id = vec![self.indicator.id.clone()];
        Needs { history: if self.previous_best { id.clone() } else { Vec::new() }, indicators: id, ..Needs::default() }
    }

    fn into_rule(self) -> Rule {
        Rule::BaselineRelative(self)
    }

    fn evaluate(&self, b: &BeneficiaryInputs, _due_before: Decimal, _ctx: &EvalCtx) -> Result<Vec<Outcome>, String> {
        let info = &self.indicator;
        let show = |q: Decimal| Quantity(q).arg(info.is_share);
        let Some((v, x)) = b.indicators.get(&info.id).and_then(|v| achieved(v, info.is_share).map(|x| (v, x))) else {
            return Ok(vec![Outcome::nothing(Status::MissingData, vec![step!("step-indicator-missing", id = text(&info.id))])]);
        };
        let mut trace = vec![describe(&info.id, &info.unit, info.is_share, v)];
        let counted = self.counted(x);
        if counted != x {
            trace.push(step!("step-above-ceiling", x = show(x), ceiling = show(counted), counted = show(counted)));
        }
        let baseline = self.baseline.0;
        let points = |from: Decimal, to: Decimal| -> Result<Decimal, String> {
            Ok(to.checked_sub(from).and_then(|d| d.checked_div(self.point.0)).ok_or("points overflow")?.trunc())
        };
        let (reference, floor) = if self.previous_best {
            let mut level = baseline;
            let history = b.earlier.get(&info.id).map(Vec::as_slice).unwrap_or_default();
            for (i, earlier) in history.iter().enumerate() {
                let Some(e) = earlier.as_ref().and_then(|v| achieved(v, info.is_share)) else { continue };
                let before = level;
                level = self.step(level, self.counted(e), &points)?;
                trace.push(step!(
                    "step-earlier-period",
                    period = count(i as i64 + 1),
                    x = show(e),
                    before = show(before),
                    level = show(level)
                ));
            }
            trace.push(step!("step-baseline-paid-up-to", baseline = show(baseline), level = show(level)));
            (level, baseline)
        } else {
            trace.push(step!("step-baseline", baseline = show(baseline)));
            (baseline, Decimal::MIN)
        };
        let target = if self.clawback { counted.max(floor) } else { counted };
        let n = points(reference, target)?;
        trace.push(step!(
            "step-points",
            target = show(target),
            reference = show(reference),
            point = show(self.point.0),
            n = num(n),
            per_point = money(self.per_point.get())
        ));
        if n > Decimal::ZERO {
            let due = mul(n, self.per_point.get())?;
            trace.push(step!("step-points-paid", n = num(n), per_point = money(self.per_point.get()), due = money(due)));
            return Ok(vec![Outcome::paid(due, trace)]);
        }
        if n < Decimal::ZERO && self.clawback {
            let due = mul(n, self.per_point.get())?;
            trace.push(step!("step-points-recovered", n = num(n), per_point = money(self.per_point.get()), due = money(due)));
            return Ok(vec![Outcome { status: Status::Recovered, raw: due, ..Outcome::nothing(Status::Recovered, trace) }]);
        }
        Ok(vec![Outcome::nothing(Status::NotMet, trace)])
    }
}

impl BaselineRelative {
    fn counted(&self, x: Decimal) -> Decimal {
        match self.ceiling {
            Some(c) if x > c.0 => c.0,
            _ => x,
        }
    }

    /// The paid level after a period whose counted value is `x`: raised to whole points above
    /// it; with clawback lowered by whole points, never below the baseline.
    fn step(
        &self,
        level: Decimal,
        x: Decimal,
        points: &dyn Fn(Decimal, Decimal) -> Result<Decimal, String>,
    ) -> Result<Decimal, String> {
        let target = if self.clawback { x.max(self.baseline.0) } else { x.max(level) };
        let n = points(level, target)?;
        mul(n, self.point.0).map(|moved| level + moved)
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{error, programme};
    use crate::rules::model::{BeneficiaryInputs, IndicatorValue, Status};
    use rust_decimal::Decimal;

    // World Bank DLI (payments.md §1.4): US$225,000 per 1% point above 50%, up to 70%.
    const DLI: &str = "[[rules]]\nkind = \"baseline_relative\"\nid = \"dli\"\nindicator = \"PAR-02\"\nbaseline = \"50%\"\nceiling = \"70%\"\nper_point = \"225000.00\"\nprevious_best = true\nclawback = true\n";

    fn share(pct: i64) -> IndicatorValue {
        // Shares are read from their numerator and denominator only.
        IndicatorValue { value: None, numerator: Some(pct as f64), denominator: Some(100.0) }
    }

    /// The amount of the last period after periods with these women shares (in %).
    fn last_period(rule: &str, shares: &[i64]) -> (Status, Decimal) {
        let p = programme(rule);
        let (last, earlier) = shares.split_last().expect("a period");
        let mut b = BeneficiaryInputs { id: "B".into(), ..Default::default() };
        b.indicators.insert("PAR-02".into(), share(*last));
        b.earlier.insert("PAR-02".into(), earlier.iter().map(|s| Some(share(*s))).collect());
        let e = crate::rules::evaluate::evaluate(&p, &[b], p.periods[shares.len() - 1].as_of).expect("evaluates");
        (e.lines[0].status, e.lines[0].amount)
    }

    // Issue 10 case 3, the reference is what has been paid for so far, capped at the ceiling:
    // FY1 75% pays (70 − 50) = 20 points = 4,500,000; FY2 72% counts as 70 = the paid level → 0.
    // 58, 56, 56: FY2 recovers 2 points (−450,000), FY3 stays at 56 → 0.
    // 58, 56, 58: FY3 earns the 2 recovered points again → +450,000.
    #[test]
    fn previous_best_with_clawback_pays_and_recovers_each_point_once() {
        assert_eq!(last_period(DLI, &[75]), (Status::Paid, Decimal::from(4_500_000)));
        assert_eq!(last_period(DLI, &[75, 72]), (Status::NotMet, Decimal::ZERO));
        assert_eq!(last_period(DLI, &[58, 56]), (Status::Recovered, Decimal::from(-450_000)));
        assert_eq!(last_period(DLI, &[58, 56, 56]), (Status::NotMet, Decimal::ZERO));
        assert_eq!(last_period(DLI, &[58, 56, 58]), (Status::Paid, Decimal::from(450_000)));
        // Never recovered below the baseline: 58 then 40 recovers the 8 points paid, not 18.
        assert_eq!(last_period(DLI, &[58, 40]), (Status::Recovered, Decimal::from(-1_800_000)));
    }

    // Issue 10 case 2: on a share, no `point` means one percentage point: 58% pays 8 × 225,000.
    #[test]
    fn a_share_point_defaults_to_one_percentage_point() {
        let rule = DLI.replace("previous_best = true\nclawback = true\n", "");
        assert_eq!(last_period(&rule, &[58]), (Status::Paid, Decimal::from(1_800_000)));
        let e = error(&rule.replace("\"50%\"", "\"50\""));
        assert!(
            e.starts_with("t.toml:14: rule `dli`: baseline: PAR-02 is a share: expected a share like \"50%\" or \"0.5\""),
            "{e}"
        );
    }

    #[test]
    fn a_point_so_small_it_overflows_is_refused() {
        let rule = DLI.replace("ceiling = \"70%\"\n", "ceiling = \"70%\"\npoint = \"0.0000000000000000000000001\"\n");
        let e = error(&rule);
        assert!(e.contains("point: ") && e.contains("expected"), "{e}");
        let rule = DLI.replace("\"225000.00\"", "\"79228162514264337593543950335\"");
        assert!(error(&rule).contains("per_point: expected an amount of at most 1000000000000.00"), "{}", error(&rule));
    }
}
