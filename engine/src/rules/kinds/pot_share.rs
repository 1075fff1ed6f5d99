//! Pot share: a fixed pot shared in proportion to verified results (quality bonus pools and
//! results-based financing, where the payer commits a sum and providers share it by what
//! they achieved — e.g. ORBF's budget-constrained zone formulas).
//!
//! The pot is split by largest remainder in whole cents, so the lines sum to the pot exactly
//! (`budget::split`), and it is a claim like any other: a programme budget smaller than the
//! pot still cuts it.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Deserialize;
use toml::Spanned;

use super::{Common, EvalCtx, FieldDoc, Needs, Rule, RuleKind, common};
use crate::rules::budget::split;
use crate::rules::check::{Door, IndicatorInfo, RuleError};
use crate::rules::model::arg::{day, money, num, text};
use crate::rules::model::{BeneficiaryInputs, Outcome, Status, Wording};
use crate::rules::model::{Step, StepArg, step};
use crate::rules::money::{Money, exact, from_cents, whole_cents};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BasisSpec {
    outcome: Option<Spanned<String>>,
    indicator: Option<Spanned<String>>,
}

/// The rule as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    id: Spanned<String>,
    pot: Spanned<String>,
    in_proportion_to: Spanned<BasisSpec>,
    interpretation: Option<Wording>,
}

/// What each beneficiary's share is proportional to.
#[derive(Clone, Debug, PartialEq)]
pub enum Basis {
    /// Verified events of this code (table `outcomes`) achieved by the as-of date, over the
    /// provider's participants.
    Outcome(String),
    /// The numerator of an indicator per beneficiary (a count or a sum ≥ 0).
    Indicator(IndicatorInfo),
}

/// A checked pot share.
#[derive(Clone, Debug, PartialEq)]
pub struct PotShare {
    /// Id and interpretation.
    pub common: Common,
    /// The pot, currency units.
    pub pot: Money,
    /// What the shares are proportional to.
    pub basis: Basis,
}

impl RuleKind for PotShare {
    const KIND: &'static str = "pot_share";
    const SUMMARY: &'static str = "Shares a fixed `pot` between the beneficiaries in proportion to a verified count: `in_proportion_to = { outcome = \"code\" }` counts verified events of that code (table `outcomes`) achieved by the as-of date; `{ indicator = \"ID\" }` takes the indicator's numerator per beneficiary. Cents by largest remainder, so the lines sum to the pot exactly (50,000.00 shared 3 / 17 / 41 gives 2,459.02 / 13,934.42 / 33,606.56). Quality bonus pools and results-based financing.";
    const FIELDS: &'static [FieldDoc] = &[
        super::ID,
        FieldDoc { name: "pot", notation: "amount", default: "required", doc: "The sum shared." },
        FieldDoc {
            name: "in_proportion_to",
            notation: "`{ outcome }` or `{ indicator }`",
            default: "required",
            doc: "The count each share is proportional to.",
        },
        super::INTERPRETATION,
    ];
    type Spec = Spec;

    fn check(spec: Spec, door: &Door, _earlier: &[Rule]) -> Result<Self, RuleError> {
        let common = common(door, &spec.id, spec.interpretation)?;
        let basis = match (&spec.in_proportion_to.get_ref().outcome, &spec.in_proportion_to.get_ref().indicator) {
            (Some(o), None) => Basis::Outcome(door.id("in_proportion_to.outcome", o)?),
            (None, Some(i)) => Basis::Indicator(door.indicator("in_proportion_to.indicator", i)?.clone()),
            _ => {
                return Err(door.err(
                    Some(&spec.in_proportion_to.span()),
                    "in_proportion_to",
                    "expected exactly one of `outcome = \"code\"` or `indicator = \"ID\"`",
                ));
            }
        };
        Ok(PotShare { common, pot: door.money("pot", &spec.pot)?, basis })
    }

    fn needs(&self) -> Needs {
        match &self.basis {
            Basis::Outcome(_) => Needs { outcomes: true, ..Needs::default() },
            Basis::Indicator(i) => Needs { indicators: vec![i.id.clone()], ..Needs::default() },
        }
    }

    fn into_rule(self) -> Rule {
        Rule::PotShare(self)
    }

    fn evaluate(&self, b: &BeneficiaryInputs, due_before: Decimal, ctx: &EvalCtx) -> Result<Vec<Outcome>, String> {
        self.evaluate_all(std::slice::from_ref(b), &[due_before], ctx).map(|mut v| v.pop().unwrap_or_default())
    }

    fn evaluate_all(&self, bs: &[BeneficiaryInputs], _due: &[Decimal], ctx: &EvalCtx) -> Result<Vec<Vec<Outcome>>, String> {
        let counts: Vec<Option<Decimal>> = bs.iter().map(|b| self.count(b, ctx.as_of)).collect();
        // The basis, as the steps name it: verified events of a code, or an indicator's numerator.
        let basis_of =
            |id_event: &'static str, id_indicator: &'static str, mut args: Vec<(&'static str, StepArg)>| match &self.basis {
                Basis::Outcome(code) => {
                    args.extend([("code", text(code)), ("as_of", day(ctx.as_of))]);
                    Step::new(id_event, args)
                }
                Basis::Indicator(i) => {
                    args.push(("indicator", text(&i.id)));
                    Step::new(id_indicator, args)
                }
            };
        let total: Decimal = counts.iter().flatten().sum();
        let weights: Vec<Decimal> = counts.iter().map(|c| c.unwrap_or_default()).collect();
        let shares = if total.is_zero() { vec![0; bs.len()] } else { split(whole_cents(self.pot.get()), &weights) };
        Ok(bs
            .iter()
            .zip(counts)
            .zip(shares)
            .map(|((b, count), cents)| {
                let Some(count) = count else {
                    return vec![Outcome::nothing(
                        Status::MissingData,
                        vec![basis_of("step-pot-no-events", "step-pot-no-indicator", vec![("beneficiary", text(&b.id))])],
                    )];
                };
                let due = from_cents(cents);
                let trace = vec![
                    basis_of("step-pot-events", "step-pot-indicator", vec![("count", num(count)), ("total", num(total))]),
                    step!(
                        "step-pot-share",
                        pot = money(self.pot.get()),
                        count = num(count),
                        total = num(total),
                        due = money(due)
                    ),
                ];
                if due.is_zero() { vec![Outcome::nothing(Status::NotMet, trace)] } else { vec![Outcome::paid(due, trace)] }
            })
            .collect())
    }
}

impl PotShare {
    fn count(&self, b: &BeneficiaryInputs, as_of: NaiveDate) -> Option<Decimal> {
        match &self.basis {
            Basis::Outcome(code) => {
                if b.participants.is_empty() {
                    return None;
                }
                let n = b
                    .participants
                    .iter()
                    .flat_map(|(_, events)| events)
                    .filter(|e| e.verified && e.event == *code && e.achieved_on <= as_of)
                    .count();
                Some(Decimal::from(n))
            }
            Basis::Indicator(i) => b.indicators.get(&i.id).and_then(|v| exact(v.numerator?)).map(|n| n.max(Decimal::ZERO)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{error, programme};
    use crate::rules::model::{BeneficiaryInputs, OutcomeEvent};
    use chrono::NaiveDate;
    use rust_decimal::Decimal;
    use std::str::FromStr;

    const POT: &str = "[[rules]]\nkind = \"pot_share\"\nid = \"bonus\"\npot = \"50000.00 EUR\"\nin_proportion_to = { outcome = \"verified_visit\" }\n";

    // Issue 10 case 5: 50,000.00 shared 3 / 17 / 41 (61 in all). Exact shares 2,459.0163…,
    // 13,934.4262…, 33,606.5573… → floors 2,459.01 + 13,934.42 + 33,606.55 = 49,999.98; the two
    // cents left go to the largest remainders (.5573 and .0163×100 = .63 > .62): 33,606.56 and
    // 2,459.02. Sum 50,000.00.
    #[test]
    fn a_pot_is_shared_in_proportion_and_sums_exactly() {
        let p = programme(POT);
        let on = NaiveDate::from_ymd_opt(2021, 3, 1).expect("date");
        let provider = |id: &str, n: usize| BeneficiaryInputs {
            id: id.into(),
            participants: vec![(
                format!("{id}-P"),
                (0..n)
                    .map(|_| OutcomeEvent { event: "verified_visit".into(), achieved_on: on, lapsed_on: None, verified: true })
                    .collect(),
            )],
            ..Default::default()
        };
        let e =
            crate::rules::evaluate::evaluate(&p, &[provider("A", 3), provider("B", 17), provider("C", 41)], p.periods[0].as_of)
                .expect("evaluates");
        let got: Vec<Decimal> = e.lines.iter().map(|l| l.amount).collect();
        let want: Vec<Decimal> = ["2459.02", "13934.42", "33606.56"].iter().map(|s| Decimal::from_str(s).expect("d")).collect();
        assert_eq!(got, want);
        assert_eq!(e.paid, Decimal::from(50_000));
        assert!(e.notes.is_empty(), "{:?}", e.notes);
    }

    #[test]
    fn the_basis_is_one_thing() {
        let e = error(&POT.replace("{ outcome = \"verified_visit\" }", "{ outcome = \"a\", indicator = \"PAR-02\" }"));
        assert!(e.contains("in_proportion_to: expected exactly one of"), "{e}");
    }
}
