//! Clawback: recovery of another rule's payment when the beneficiary dies soon after support.
//!
//! "Dies" is the Eurostat-OECD death (`impatto_datasets::derived`): a closure not reactivated
//! within 24 months, the same rule the survival indicators use. A clawback acts after the
//! budget and the payers: it recovers a share of what each payer actually paid on the line.

use chrono::Months;
use rust_decimal::Decimal;
use serde::Deserialize;
use toml::Spanned;

use super::{Common, EvalCtx, FieldDoc, Needs, Rule, RuleKind, common};
use crate::rules::check::{Door, RuleError};
use crate::rules::model::arg::{count, day, money, percent, text};
use crate::rules::model::step;
use crate::rules::model::{BeneficiaryInputs, Line, Outcome, Status, Wording};
use crate::rules::money::Share;

/// The rule as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    id: Spanned<String>,
    applies_to: Spanned<String>,
    if_ceased_within_months: Spanned<i64>,
    share: Option<Spanned<String>>,
    interpretation: Option<Wording>,
}

/// A checked clawback.
#[derive(Clone, Debug, PartialEq)]
pub struct Clawback {
    /// Id and interpretation.
    pub common: Common,
    /// Id of the rule whose payment is recovered (listed above it, not a clawback).
    pub applies_to: String,
    /// Months after the end of support within which a death triggers it.
    pub within_months: u32,
    /// Share of the payment recovered.
    pub share: Share,
}

impl RuleKind for Clawback {
    const KIND: &'static str = "clawback";
    const SUMMARY: &'static str = "Recovers `share` of what rule `applies_to` paid (after budget and payers, from each payer as it paid) when the beneficiary died — a closure not reactivated within 24 months, the Eurostat-OECD rule the survival indicators use — on or after the end of support and within `if_ceased_within_months` of it, by the as-of date.";
    const FIELDS: &'static [FieldDoc] = &[
        super::ID,
        FieldDoc {
            name: "applies_to",
            notation: "rule id",
            default: "required",
            doc: "A rule listed above, whose payment is recovered.",
        },
        FieldDoc {
            name: "if_ceased_within_months",
            notation: "whole months, 1–600",
            default: "required",
            doc: "Window after the end of support.",
        },
        FieldDoc { name: "share", notation: "share", default: "\"100%\"", doc: "Share of the payment recovered." },
        super::INTERPRETATION,
    ];
    type Spec = Spec;

    fn check(spec: Spec, door: &Door, earlier: &[Rule]) -> Result<Self, RuleError> {
        let common = common(door, &spec.id, spec.interpretation)?;
        let target = spec.applies_to.get_ref();
        if !earlier.iter().any(|r| r.id() == target && !matches!(r, Rule::Clawback(_))) {
            let above: Vec<&str> = earlier.iter().filter(|r| !matches!(r, Rule::Clawback(_))).map(Rule::id).collect();
            return Err(door.err(
                Some(&spec.applies_to.span()),
                "applies_to",
                format!("expected the id of a paying rule listed above ({}), found `{target}`", above.join(", ")),
            ));
        }
        Ok(Clawback {
            common,
            applies_to: target.clone(),
            within_months: door.bounded("if_ceased_within_months", &spec.if_ceased_within_months, 1..601, "months")?,
            share: match &spec.share {
                Some(s) => door.share("share", s)?,
                None => Share::WHOLE,
            },
        })
    }

    fn needs(&self) -> Needs {
        Needs { beneficiary_columns: vec!["support_end", "ceased_on", "cessation_reason"], ..Needs::default() }
    }

    fn into_rule(self) -> Rule {
        Rule::Clawback(self)
    }

    fn evaluate(&self, _b: &BeneficiaryInputs, _due_before: Decimal, _ctx: &EvalCtx) -> Result<Vec<Outcome>, String> {
        // Clawbacks act on what was paid, after the budget: see `recover`.
        Ok(Vec::new())
    }
}

impl Clawback {
    /// The recovery line for one beneficiary, given the lines it was paid on under
    /// `applies_to`. Payer parts are negative: what each payer gets back.
    pub fn recover(&self, b: &BeneficiaryInputs, paid_on: &[&Line], payer_ids: &[String], ctx: &EvalCtx) -> Line {
        let mut trace = vec![step!("step-clawback-condition", months = count(self.within_months), as_of = day(ctx.as_of))];
        let triggered = match (b.support_end, b.closed_on) {
            (Some(end), Some(closed)) => {
                let deadline = end.checked_add_months(Months::new(self.within_months));
                let within = closed >= end && deadline.is_some_and(|d| closed <= d);
                trace.push(match deadline {
                    Some(d) if within => {
                        step!("step-clawback-closed-within", end = day(end), closed = day(closed), deadline = day(d))
                    }
                    Some(d) => step!("step-clawback-closed-outside", end = day(end), closed = day(closed), deadline = day(d)),
                    None => step!("step-clawback-closed-beyond", end = day(end), closed = day(closed)),
                });
                within
            }
            (Some(end), None) => {
                trace.push(step!("step-clawback-no-death", end = day(end), as_of = day(ctx.as_of)));
                false
            }
            _ => {
                trace.push(step!("step-clawback-no-end"));
                false
            }
        };
        let mut payers: Vec<(String, Decimal)> = payer_ids.iter().map(|p| (p.clone(), Decimal::ZERO)).collect();
        let paid: Decimal = paid_on.iter().map(|l| l.amount).sum();
        let status = if triggered && paid > Decimal::ZERO {
            for l in paid_on {
                for (slot, (_, part)) in payers.iter_mut().zip(&l.payers) {
                    slot.1 -= ctx.rounding.cents(*part * self.share.get());
                }
            }
            let total: Decimal = payers.iter().map(|p| p.1).sum();
            trace.push(step!(
                "step-clawback-recover",
                share = percent(self.share.get()),
                paid = money(paid),
                rule = text(&self.applies_to),
                total = money(total)
            ));
            Status::Recovered
        } else {
            Status::NotMet
        };
        let total: Decimal = payers.iter().map(|p| p.1).sum();
        Line {
            beneficiary: b.id.clone(),
            rule: self.common.id.clone(),
            kind: Self::KIND,
            instrument: paid_on.first().map(|l| l.instrument).unwrap_or_default(),
            status,
            claim: total,
            amount: total,
            payers,
            interpretation: self.common.interpretation.clone(),
            flags: Vec::new(),
            trace,
            claim_ref: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{error, programme};

    const RULES: &str = "[[rules]]\nkind = \"cost_share\"\nid = \"grant\"\nshare = \"50%\"\n[[rules]]\nkind = \"clawback\"\nid = \"repay\"\napplies_to = \"grant\"\nif_ceased_within_months = 12\n";

    #[test]
    fn a_clawback_window_must_be_a_plausible_number_of_months() {
        assert_eq!(programme(RULES).rules.len(), 2);
        for months in ["4294967295", "-3", "0"] {
            let e = error(&RULES.replace("= 12", &format!("= {months}")));
            assert!(
                e.starts_with(
                    "t.toml:18: rule `repay`: if_ceased_within_months: expected a whole number of months from 1 to 600"
                ),
                "{e}"
            );
        }
        let e = error(&RULES.replace("applies_to = \"grant\"", "applies_to = \"grnt\""));
        assert!(e.contains("applies_to: expected the id of a paying rule listed above (grant), found `grnt`"), "{e}");
    }
}
