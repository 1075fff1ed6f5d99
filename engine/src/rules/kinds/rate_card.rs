//! Rate card: a price per verified outcome per participant, with caps (DWP Innovation Fund,
//! rough-sleeping and Fair Chance Fund social impact bonds, INDIGO-style outcome funds).
//!
//! Each claim is its own statement line — participant × outcome × due date — because that is
//! what an auditor ticks against the evidence. Claims are met in the order they fall due, as a
//! provider invoices them; claims due the same day are ordered by participant id, then by the
//! order of `prices` in the rule file (not by outcome code). Every cap is a running balance in
//! that order, and the claim that crosses a cap is paid in part (payments.md S2).

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};
use rust_decimal::Decimal;
use serde::Deserialize;
use toml::Spanned;

use super::{Common, EvalCtx, FieldDoc, Needs, Rule, RuleKind, common};
use crate::rules::check::{Door, RuleError};
use crate::rules::model::arg::{count, day, money, text};
use crate::rules::model::{BeneficiaryInputs, ClaimRef, Outcome, Status, Wording};
use crate::rules::model::{Step, step};
use crate::rules::money::Money;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PriceSpec {
    outcome: Spanned<String>,
    event: Option<Spanned<String>>,
    price: Spanned<String>,
    sustained_weeks: Option<Spanned<i64>>,
    #[serde(default)]
    repeatable: bool,
    cap: Option<Spanned<String>>,
}

/// The rule as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    id: Spanned<String>,
    prices: Spanned<Vec<PriceSpec>>,
    per_participant_cap: Option<Spanned<String>>,
    per_provider_cap: Option<Spanned<String>>,
    interpretation: Option<Wording>,
}

/// One priced outcome.
#[derive(Clone, Debug, PartialEq)]
pub struct Price {
    /// Name of the priced outcome on the statement.
    pub outcome: String,
    /// Event code in the `outcomes` table (default: `outcome`).
    pub event: String,
    /// Price per claim.
    pub price: Money,
    /// Paid once a spell has lasted this many weeks (a lapse restarts the clock).
    pub sustained_weeks: Option<u32>,
    /// May one person claim it more than once?
    pub repeatable: bool,
    /// Most paid for this outcome per provider.
    pub cap: Option<Money>,
}

/// A checked rate card.
#[derive(Clone, Debug, PartialEq)]
pub struct RateCard {
    /// Id and interpretation.
    pub common: Common,
    /// Prices, in file order (the tie-break of claims due the same day).
    pub prices: Vec<Price>,
    /// Most paid per participant (DWP round 2: £11,700).
    pub per_participant_cap: Option<Money>,
    /// Most paid per provider.
    pub per_provider_cap: Option<Money>,
}

impl RuleKind for RateCard {
    const KIND: &'static str = "rate_card";
    const SUMMARY: &'static str = "A price per verified outcome event per participant (tables `participants` and `outcomes`), one statement line per claim (participant × outcome × due date). Claims are met in the order they fall due; claims due the same day by participant id, then by the order of `prices` in the file. Each cap is a running balance in that order, and the claim that crosses it is paid in part. A `sustained_weeks` outcome falls due when a spell has lasted that long; a lapse restarts the clock. Unverified events are never paid.";
    const FIELDS: &'static [FieldDoc] = &[
        super::ID,
        FieldDoc {
            name: "prices",
            notation: "`[{ outcome, event, price, sustained_weeks, repeatable, cap }]`",
            default: "required",
            doc: "`outcome`: name on the statement; `event`: code in `outcomes` (default: `outcome`); `price`: amount per claim; `sustained_weeks`: 1–520 (default: paid on achievement); `repeatable` (default false: once per person); `cap`: most paid for this outcome per provider (default none).",
        },
        FieldDoc {
            name: "per_participant_cap",
            notation: "amount",
            default: "none",
            doc: "Most paid per participant (DWP round 2: £11,700).",
        },
        FieldDoc { name: "per_provider_cap", notation: "amount", default: "none", doc: "Most paid per provider (beneficiary)." },
        super::INTERPRETATION,
    ];
    type Spec = Spec;

    fn check(spec: Spec, door: &Door, _earlier: &[Rule]) -> Result<Self, RuleError> {
        let common = common(door, &spec.id, spec.interpretation)?;
        if spec.prices.get_ref().is_empty() {
            return Err(door.err(Some(&spec.prices.span()), "prices", "expected at least one price, found none"));
        }
        let mut prices: Vec<Price> = Vec::new();
        for (i, p) in spec.prices.get_ref().iter().enumerate() {
            let f = |x: &str| format!("prices[{}].{x}", i + 1);
            let outcome = door.id(&f("outcome"), &p.outcome)?;
            let event = match &p.event {
                Some(e) => door.id(&f("event"), e)?,
                None => outcome.clone(),
            };
            let price = door.money(&f("price"), &p.price)?;
            let cap = p.cap.as_ref().map(|c| door.money(&f("cap"), c)).transpose()?;
            if let (Some(cap), Some(text)) = (cap, &p.cap)
                && cap < price
            {
                return Err(door.err(
                    Some(&text.span()),
                    &f("cap"),
                    format!("the cap of {outcome} ({cap}) is below its price ({price}): nothing could ever be paid"),
                ));
            }
            let sustained_weeks =
                p.sustained_weeks.as_ref().map(|w| door.bounded(&f("sustained_weeks"), w, 1..521, "weeks")).transpose()?;
            if prices.iter().any(|q| q.outcome == outcome) {
                return Err(door.err(Some(&p.outcome.span()), &f("outcome"), format!("outcome `{outcome}` is priced twice")));
            }
            prices.push(Price { outcome, event, price, sustained_weeks, repeatable: p.repeatable, cap });
        }
        Ok(RateCard {
            common,
            prices,
            per_participant_cap: spec.per_participant_cap.as_ref().map(|c| door.money("per_participant_cap", c)).transpose()?,
            per_provider_cap: spec.per_provider_cap.as_ref().map(|c| door.money("per_provider_cap", c)).transpose()?,
        })
    }

    fn needs(&self) -> Needs {
        Needs { outcomes: true, ..Needs::default() }
    }

    fn into_rule(self) -> Rule {
        Rule::RateCard(self)
    }

    fn evaluate(&self, b: &BeneficiaryInputs, _due_before: Decimal, ctx: &EvalCtx) -> Result<Vec<Outcome>, String> {
        if b.participants.is_empty() {
            return Ok(vec![Outcome::nothing(Status::MissingData, vec![step!("step-no-participants")])]);
        }
        struct Due<'a> {
            on: NaiveDate,
            participant: &'a str,
            price: usize,
            why: Step,
        }
        let mut claims: Vec<Due> = Vec::new();
        let mut unverified = 0usize;
        for (participant, events) in &b.participants {
            for (pi, p) in self.prices.iter().enumerate() {
                let mut dates: Vec<(NaiveDate, Step)> = Vec::new();
                for e in events.iter().filter(|e| e.event == p.event) {
                    if !e.verified {
                        unverified += 1;
                        continue;
                    }
                    // Each spell is its own clock: a lapse before the weeks are up restarts it.
                    let due = match p.sustained_weeks {
                        None => Some((
                            e.achieved_on,
                            step!(
                                "step-event-achieved",
                                participant = text(participant),
                                event = text(&p.event),
                                on = day(e.achieved_on)
                            ),
                        )),
                        Some(w) => {
                            let due = e.achieved_on + Days::new(7 * u64::from(w));
                            e.lapsed_on.is_none_or(|l| l >= due).then(|| {
                                (
                                    due,
                                    step!(
                                        "step-event-sustained",
                                        participant = text(participant),
                                        event = text(&p.event),
                                        from = day(e.achieved_on),
                                        weeks = count(w),
                                        due = day(due)
                                    ),
                                )
                            })
                        }
                    };
                    if let Some(d) = due.filter(|d| d.0 <= ctx.as_of) {
                        dates.push(d);
                    }
                }
                dates.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.to_string().cmp(&b.1.to_string())));
                if !p.repeatable {
                    dates.truncate(1);
                }
                claims.extend(dates.into_iter().map(|(on, why)| Due { on, participant, price: pi, why }));
            }
        }
        claims.sort_by(|a, b| a.on.cmp(&b.on).then(a.participant.cmp(b.participant)).then(a.price.cmp(&b.price)));
        if claims.is_empty() {
            let mut trace =
                vec![step!("step-no-outcome-due", participants = count(b.participants.len() as i64), as_of = day(ctx.as_of))];
            if unverified > 0 {
                trace.push(step!("step-unverified", events = count(unverified as i64)));
            }
            return Ok(vec![Outcome::nothing(Status::NotMet, trace)]);
        }
        let mut participant_paid: BTreeMap<&str, Decimal> = BTreeMap::new();
        let mut outcome_paid: Vec<Decimal> = vec![Decimal::ZERO; self.prices.len()];
        let mut provider_paid = Decimal::ZERO;
        let mut out = Vec::with_capacity(claims.len());
        for (order, c) in claims.iter().enumerate() {
            let p = &self.prices[c.price];
            let mut trace = vec![c.why.clone(), step!("step-price", outcome = text(&p.outcome), price = money(p.price.get()))];
            let mut pay = p.price.get();
            let mut caps = Vec::new();
            let mut cut = |name: String, cap: Money, so_far: Decimal, pay: &mut Decimal, trace: &mut Vec<Step>| {
                let left = (cap.get() - so_far).max(Decimal::ZERO);
                if left < *pay {
                    trace.push(step!(
                        "step-rate-card-cap",
                        name = text(&name),
                        cap = money(cap.get()),
                        so_far = money(so_far),
                        left = money(left)
                    ));
                    *pay = left;
                    caps.push(name);
                }
            };
            if let Some(cap) = self.per_participant_cap {
                let so_far = participant_paid.get(c.participant).copied().unwrap_or_default();
                cut("per_participant_cap".into(), cap, so_far, &mut pay, &mut trace);
            }
            if let Some(cap) = p.cap {
                cut(format!("prices[{}].cap", c.price + 1), cap, outcome_paid[c.price], &mut pay, &mut trace);
            }
            if let Some(cap) = self.per_provider_cap {
                cut("per_provider_cap".into(), cap, provider_paid, &mut pay, &mut trace);
            }
            *participant_paid.entry(c.participant).or_default() += pay;
            outcome_paid[c.price] += pay;
            provider_paid += pay;
            if order == 0 && unverified > 0 {
                trace.push(step!("step-unverified-provider", events = count(unverified as i64)));
            }
            let mut o = if pay.is_zero() { Outcome::nothing(Status::NotMet, trace) } else { Outcome::paid(pay, trace) };
            o.claim = Some(ClaimRef {
                participant: c.participant.to_string(),
                outcome: p.outcome.clone(),
                due_on: c.on,
                order: order + 1,
                caps,
            });
            out.push(o);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::error;
    use crate::rules::model::{BeneficiaryInputs, OutcomeEvent};
    use chrono::NaiveDate;
    use rust_decimal::Decimal;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    fn event(code: &str, on: &str) -> OutcomeEvent {
        OutcomeEvent { event: code.into(), achieved_on: day(on), lapsed_on: None, verified: true }
    }

    // payments.md S2, DWP Innovation Fund round 2: one participant achieves all 10 outcomes,
    // Σ £20,200 of prices, and is paid £11,700 (the per-person maximum). Claims due the same day
    // go in the order of the price list, so the one crossing the cap is paid in part: prices
    // 1,000 × 5 + 2,000 × 5 = 15,000 in file order; running total 1,000 … 5,000, 7,000, 9,000,
    // 11,000, then 700 of the next 2,000, then 0 (a different order of equal-day claims would
    // move the partial payment to another outcome).
    #[test]
    fn the_per_participant_cap_cuts_the_claim_that_crosses_it_in_file_order() {
        let mut prices = String::new();
        for i in 1..=10 {
            let price = if i <= 5 { "1000.00" } else { "2000.00" };
            prices += &format!("{{ outcome = \"o{i:02}\", price = \"{price} GBP\" }},");
        }
        let rule =
            format!("[[rules]]\nkind = \"rate_card\"\nid = \"card\"\nper_participant_cap = \"11700.00\"\nprices = [{prices}]\n")
                .replace("\"EUR\"", "\"GBP\"");
        let text = super::super::testing::file(&rule).replace("currency = \"EUR\"", "currency = \"GBP\"");
        let p = crate::rules::programme::parse("t.toml", &text, &super::super::testing::indicators()).expect("parses");
        let events = (1..=10).map(|i| event(&format!("o{i:02}"), "2021-06-01")).collect();
        let b = BeneficiaryInputs { id: "B".into(), participants: vec![("P1".into(), events)], ..Default::default() };
        let e = crate::rules::evaluate::evaluate(&p, &[b], p.periods[0].as_of).expect("evaluates");
        let paid: Vec<String> = e.lines.iter().map(|l| format!("{}", l.amount)).collect();
        assert_eq!(
            paid,
            ["1000.00", "1000.00", "1000.00", "1000.00", "1000.00", "2000.00", "2000.00", "2000.00", "700.00", "0.00"]
        );
        assert_eq!(e.paid, Decimal::from(11_700));
        let crossing = e.lines[8].claim_ref.as_ref().expect("claim");
        assert_eq!(
            (crossing.outcome.as_str(), crossing.order, crossing.caps.clone()),
            ("o09", 9, vec!["per_participant_cap".to_string()])
        );
        assert_eq!(crossing.due_on, day("2021-06-01"));
    }

    #[test]
    fn absurd_weeks_and_empty_codes_are_refused() {
        let rule = "[[rules]]\nkind = \"rate_card\"\nid = \"card\"\nprices = [{ outcome = \"job\", price = \"10.00\", sustained_weeks = 4294967295 }]\n";
        assert!(
            error(rule).contains("prices[1].sustained_weeks: expected a whole number of weeks from 1 to 520"),
            "{}",
            error(rule)
        );
        let rule =
            "[[rules]]\nkind = \"rate_card\"\nid = \"card\"\nprices = [{ outcome = \"job\", event = \"\", price = \"10.00\" }]\n";
        assert!(error(rule).starts_with("t.toml:13: rule `card`: prices[1].event: expected an id"), "{}", error(rule));
    }
}
