//! Evaluating a programme: each rule's outcomes for every beneficiary, rounded to the cent,
//! then the budget and the payers (`budget`), then clawbacks on what was paid.
//!
//! Every step that changes an amount appends its own arithmetic to the line's trace, so
//! `impatto explain` shows an auditor exactly how a figure arose: indicator values → targets →
//! formula → caps → rounding → budget → payers.

use std::collections::HashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::budget;
use super::kinds::{EvalCtx, Rule};
use super::model::{BeneficiaryInputs, Evaluation, Line};

use super::programme::Programme;
use crate::rules::model::arg::{money, num, text};
use crate::rules::model::step;

/// A rule that could not be evaluated for a beneficiary (an amount beyond exact arithmetic).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: rule `{rule}`, beneficiary `{beneficiary}`: {message}")]
pub struct EvalError {
    /// The rule file.
    pub file: String,
    /// Rule id.
    pub rule: String,
    /// Beneficiary id.
    pub beneficiary: String,
    /// What overflowed.
    pub message: String,
}

/// Evaluate every rule for every beneficiary as of `as_of`, then apply the budget, the payers
/// and the clawbacks.
///
/// # Errors
/// [`EvalError`] when an amount cannot be computed exactly (inputs far outside any real
/// programme; rule files are bounded at load so this needs absurd panel values).
pub fn evaluate(programme: &Programme, beneficiaries: &[BeneficiaryInputs], as_of: NaiveDate) -> Result<Evaluation, EvalError> {
    let ctx = EvalCtx { as_of, rounding: programme.rounding };
    let mut lines: Vec<Line> = Vec::new();
    let mut due = vec![Decimal::ZERO; beneficiaries.len()];
    for rule in programme.rules.iter().filter(|r| !matches!(r, Rule::Clawback(_))) {
        let outcomes = rule.evaluate_all(beneficiaries, &due, &ctx).map_err(|message| EvalError {
            file: programme.path.clone(),
            rule: rule.id().to_string(),
            beneficiary: String::new(),
            message,
        })?;
        for ((b, outcomes), due) in beneficiaries.iter().zip(outcomes).zip(due.iter_mut()) {
            for mut o in outcomes {
                let claim = ctx.rounding.cents(o.raw);
                if claim != o.raw {
                    o.trace.push(step!(
                        "step-rounded",
                        raw = num(o.raw),
                        rounding = text(programme.rounding.as_str()),
                        claim = money(claim)
                    ));
                }
                *due += claim;
                lines.push(Line {
                    beneficiary: b.id.clone(),
                    rule: rule.id().to_string(),
                    kind: rule.kind(),
                    instrument: rule.instrument(),
                    status: o.status,
                    claim,
                    amount: claim,
                    payers: Vec::new(),
                    interpretation: rule.interpretation().cloned(),
                    flags: o.flags,
                    trace: o.trace,
                    claim_ref: o.claim,
                });
            }
        }
    }
    let claimed: Decimal = lines.iter().map(|l| l.claim.max(Decimal::ZERO)).sum();
    let notes = budget::apply(&mut lines, programme);
    clawbacks(programme, beneficiaries, &ctx, &mut lines);
    // Totals over the final lines: paid is net of every negative line (clawbacks and
    // baseline recoveries); unfunded is what positive claims did not receive.
    let paid: Decimal = lines.iter().map(|l| l.amount).sum();
    let recovered: Decimal = -lines.iter().map(|l| l.amount.min(Decimal::ZERO)).sum::<Decimal>();
    let received: Decimal = lines.iter().filter(|l| l.claim > Decimal::ZERO).map(|l| l.amount).sum();
    Ok(Evaluation { lines, claimed, paid, unfunded: claimed - received, recovered, notes })
}

/// Recoveries of earlier payments, after budget and payers: a line per beneficiary and
/// clawback, split back to the payers as they paid.
fn clawbacks(programme: &Programme, beneficiaries: &[BeneficiaryInputs], ctx: &EvalCtx, lines: &mut Vec<Line>) {
    let payer_ids: Vec<String> = programme.payers.iter().map(|p| p.id.clone()).collect();
    for rule in &programme.rules {
        let Rule::Clawback(r) = rule else { continue };
        let mut paid_on: HashMap<&str, Vec<&Line>> = HashMap::new();
        for l in lines.iter().filter(|l| l.rule == r.applies_to) {
            paid_on.entry(l.beneficiary.as_str()).or_default().push(l);
        }
        let new: Vec<Line> = beneficiaries
            .iter()
            .filter_map(|b| paid_on.get(b.id.as_str()).map(|source| r.recover(b, source, &payer_ids, ctx)))
            .collect();
        lines.extend(new);
    }
}
