//! Cost share: a share of eligible costs up to a cap (FabriQ Quarto: 50% up to €35,000).

use rust_decimal::Decimal;
use serde::Deserialize;
use toml::Spanned;

use super::{Common, EvalCtx, FieldDoc, Needs, Rule, RuleKind, capped, common, mul};
use crate::rules::check::{Door, RuleError};
use crate::rules::model::arg::{money, num, percent};
use crate::rules::model::step;
use crate::rules::model::{BeneficiaryInputs, Instrument, Outcome, Wording};
use crate::rules::money::{Money, Share};

/// The rule as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    id: Spanned<String>,
    share: Spanned<String>,
    cap: Option<Spanned<String>>,
    #[serde(default)]
    instrument: Instrument,
    interpretation: Option<Wording>,
}

/// A checked cost share.
#[derive(Clone, Debug, PartialEq)]
pub struct CostShare {
    /// Id and interpretation.
    pub common: Common,
    /// Share of eligible costs.
    pub share: Share,
    /// Cap per beneficiary, currency units.
    pub cap: Option<Money>,
    /// Grant or loan.
    pub instrument: Instrument,
}

impl RuleKind for CostShare {
    const KIND: &'static str = "cost_share";
    const SUMMARY: &'static str = "Pays `share` × the beneficiary's eligible costs (`beneficiaries.eligible_costs_cents`), at most `cap`. FabriQ Quarto: 50% of costs up to €35,000.";
    const FIELDS: &'static [FieldDoc] = &[
        super::ID,
        FieldDoc { name: "share", notation: "share", default: "required", doc: "Share of eligible costs." },
        FieldDoc { name: "cap", notation: "amount", default: "none", doc: "Most paid per beneficiary." },
        FieldDoc {
            name: "instrument",
            notation: "`grant` or `loan`",
            default: "`grant`",
            doc: "A loan is still a disbursement, reported apart.",
        },
        super::INTERPRETATION,
    ];
    type Spec = Spec;

    fn check(spec: Spec, door: &Door, _earlier: &[Rule]) -> Result<Self, RuleError> {
        Ok(CostShare {
            common: common(door, &spec.id, spec.interpretation)?,
            share: door.share("share", &spec.share)?,
            cap: spec.cap.as_ref().map(|c| door.money("cap", c)).transpose()?,
            instrument: spec.instrument,
        })
    }

    fn needs(&self) -> Needs {
        Needs { beneficiary_columns: vec!["eligible_costs_cents"], ..Needs::default() }
    }

    fn into_rule(self) -> Rule {
        Rule::CostShare(self)
    }

    fn evaluate(&self, b: &BeneficiaryInputs, _due_before: Decimal, _ctx: &EvalCtx) -> Result<Vec<Outcome>, String> {
        let raw = mul(b.eligible_costs, self.share.get())?;
        let mut trace =
            vec![step!("step-cost-share", share = percent(self.share.get()), costs = money(b.eligible_costs), raw = num(raw))];
        let due = capped(raw, self.cap, "step-capped-grant", &mut trace);
        Ok(vec![Outcome::paid(due, trace)])
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{error, programme};
    use crate::rules::model::BeneficiaryInputs;
    use rust_decimal::Decimal;

    fn pays(rule: &str, costs: i64) -> Decimal {
        let p = programme(rule);
        let b = BeneficiaryInputs { id: "B".into(), eligible_costs: Decimal::from(costs), ..Default::default() };
        let e = crate::rules::evaluate::evaluate(&p, &[b], p.periods[0].as_of).expect("evaluates");
        e.lines[0].amount
    }

    // FabriQ Quarto, payments.md S9: cost 80,000 → 50% = 40,000, capped to 35,000; cost 60,000 → 30,000.
    // Written with and without the currency code, the cap is the same money (issue 10, case 1).
    #[test]
    fn cost_share_caps_with_or_without_the_currency_code() {
        for cap in ["35000.00", "35000.00 EUR", "35_000 EUR"] {
            let rule = format!("[[rules]]\nkind = \"cost_share\"\nid = \"grant\"\nshare = \"50%\"\ncap = \"{cap}\"\n");
            assert_eq!(pays(&rule, 80_000), Decimal::from(35_000), "{cap}");
            assert_eq!(pays(&rule, 60_000), Decimal::from(30_000), "{cap}");
        }
    }

    #[test]
    fn a_share_written_as_a_bare_fifty_is_refused_with_both_spellings() {
        let e = error("[[rules]]\nkind = \"cost_share\"\nid = \"grant\"\nshare = \"50\"\n");
        assert!(e.starts_with("t.toml:13: rule `grant`: share: expected a share like \"50%\" or \"0.5\""), "{e}");
    }
}
