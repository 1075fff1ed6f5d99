//! Matching: civic crowdfunding, where the city matches a campaign that reached its threshold
//! in time (Crowdfunding Civico 2020: 60% of the project, up to €60,000, if citizens raise 40%
//! within 60 days; 2022: 45 days, up to €48,000).
//!
//! Days are counted as Italian law counts terms (art. 155 c.p.c., art. 2963 c.c.: the first
//! day is not counted): the opening day is day 0 and a 60-day window opened on 2020-10-01
//! ends at the end of 2020-11-30 (day 60). A campaign that ran past the window is decided on
//! what it had raised by the window's end (`raised_by_deadline_cents`) when the panel records
//! it; otherwise the line is flagged `missing_data`, never guessed.

use chrono::Days;
use rust_decimal::Decimal;
use serde::Deserialize;
use toml::Spanned;

use super::{Common, EvalCtx, FieldDoc, Needs, Rule, RuleKind, capped, common, mul};
use crate::rules::check::{Door, RuleError};
use crate::rules::model::arg::{count, day, money, num, percent};
use crate::rules::model::{BeneficiaryInputs, Outcome, Status, Wording};
use crate::rules::model::{Step, step};
use crate::rules::money::{Money, Share};

/// The rule as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    id: Spanned<String>,
    raise_at_least: Spanned<String>,
    within_days: Spanned<i64>,
    pays: Spanned<String>,
    cap: Option<Spanned<String>>,
    interpretation: Option<Wording>,
}

/// A checked matching rule.
#[derive(Clone, Debug, PartialEq)]
pub struct Matching {
    /// Id and interpretation.
    pub common: Common,
    /// Share of the project budget citizens must raise.
    pub raise_at_least: Share,
    /// Days of the window after the opening day (day 0).
    pub within_days: u32,
    /// Share of the project budget the city pays on success.
    pub pays: Share,
    /// Cap on the city's match.
    pub cap: Option<Money>,
}

impl RuleKind for Matching {
    const KIND: &'static str = "matching";
    const SUMMARY: &'static str = "Civic crowdfunding (Crowdfunding Civico): if the campaign (table `campaigns`) raised at least `raise_at_least` × the project budget within `within_days`, pays `pays` × the budget, at most `cap`. The opening day is day 0 (Italian law does not count the first day of a term: art. 155 c.p.c.), so a 60-day window opened 2020-10-01 ends with 2020-11-30. A campaign that ran longer is decided on `raised_by_deadline_cents` when recorded, else flagged `missing_data`. A gap budget − raised − match > 0 is flagged as left to the promoter.";
    const FIELDS: &'static [FieldDoc] = &[
        super::ID,
        FieldDoc {
            name: "raise_at_least",
            notation: "share",
            default: "required",
            doc: "Share of the project budget citizens must raise.",
        },
        FieldDoc {
            name: "within_days",
            notation: "whole days, 1–3650",
            default: "required",
            doc: "Days after the opening day (day 0) by which it must be raised.",
        },
        FieldDoc { name: "pays", notation: "share", default: "required", doc: "Share of the project budget the city pays." },
        FieldDoc { name: "cap", notation: "amount", default: "none", doc: "Most the city pays per project." },
        super::INTERPRETATION,
    ];
    type Spec = Spec;

    fn check(spec: Spec, door: &Door, _earlier: &[Rule]) -> Result<Self, RuleError> {
        Ok(Matching {
            common: common(door, &spec.id, spec.interpretation)?,
            raise_at_least: door.share("raise_at_least", &spec.raise_at_least)?,
            within_days: door.bounded("within_days", &spec.within_days, 1..3651, "days")?,
            pays: door.share("pays", &spec.pays)?,
            cap: spec.cap.as_ref().map(|c| door.money("cap", c)).transpose()?,
        })
    }

    fn needs(&self) -> Needs {
        Needs { campaigns: true, ..Needs::default() }
    }

    fn into_rule(self) -> Rule {
        Rule::Matching(self)
    }

    fn evaluate(&self, b: &BeneficiaryInputs, _due_before: Decimal, _ctx: &EvalCtx) -> Result<Vec<Outcome>, String> {
        let Some(c) = &b.campaign else {
            return Ok(vec![Outcome::nothing(Status::MissingData, vec![step!("step-no-campaign")])]);
        };
        let deadline = c.opened_on + Days::new(u64::from(self.within_days));
        let days = (c.closed_on - c.opened_on).num_days();
        let mut trace = vec![step!(
            "step-campaign",
            opened = day(c.opened_on),
            closed = day(c.closed_on),
            days = count(days),
            window = count(self.within_days),
            deadline = day(deadline),
            budget = money(c.budget)
        )];
        let raised = if c.closed_on <= deadline {
            trace.push(step!("step-raised-in-window", raised = money(c.raised)));
            c.raised
        } else if let Some(by_deadline) = c.raised_by_deadline {
            trace.push(step!(
                "step-raised-by-deadline",
                by_deadline = money(by_deadline),
                deadline = day(deadline),
                raised = money(c.raised)
            ));
            by_deadline
        } else {
            trace.push(step!("step-raised-by-deadline-missing", deadline = day(deadline)));
            return Ok(vec![Outcome::nothing(Status::MissingData, trace)]);
        };
        let needed = mul(c.budget, self.raise_at_least.get())?;
        let reached = raised >= needed;
        let threshold = if reached { "step-threshold-reached" } else { "step-threshold-not-reached" };
        trace.push(Step::new(
            threshold,
            vec![
                ("raised", money(raised)),
                ("share", percent(self.raise_at_least.get())),
                ("budget", money(c.budget)),
                ("needed", money(needed)),
            ],
        ));
        if !reached {
            return Ok(vec![Outcome::nothing(Status::NotMet, trace)]);
        }
        let raw = mul(c.budget, self.pays.get())?;
        trace.push(step!("step-match", share = percent(self.pays.get()), budget = money(c.budget), raw = num(raw)));
        let due = capped(raw, self.cap, "step-capped-match", &mut trace);
        let gap = c.budget - c.raised - due;
        let mut out = Outcome::paid(due, trace);
        if gap > Decimal::ZERO {
            let note =
                step!("step-gap", gap = money(gap), budget = money(c.budget), raised = money(c.raised), matched = money(due));
            out.flags.push(note.to_string());
            out.trace.push(note);
        }
        Ok(vec![out])
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{error, programme};
    use crate::rules::model::{BeneficiaryInputs, Campaign, Status};
    use chrono::NaiveDate;
    use rust_decimal::Decimal;

    const RULE: &str = "[[rules]]\nkind = \"matching\"\nid = \"match\"\nraise_at_least = \"40%\"\nwithin_days = 60\npays = \"60%\"\ncap = \"60000.00 EUR\"\n";

    fn run(closed: &str, raised: i64, by_deadline: Option<i64>) -> (Status, Decimal) {
        let p = programme(RULE);
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
        let b = BeneficiaryInputs {
            id: "B".into(),
            campaign: Some(Campaign {
                opened_on: day("2020-10-01"),
                closed_on: day(closed),
                budget: Decimal::from(100_000),
                raised: Decimal::from(raised),
                raised_by_deadline: by_deadline.map(Decimal::from),
            }),
            ..Default::default()
        };
        let e = crate::rules::evaluate::evaluate(&p, &[b], p.periods[0].as_of).expect("evaluates");
        (e.lines[0].status, e.lines[0].amount)
    }

    // payments.md S9, budget €100,000: €40,000 raised by day 60 → the city pays €60,000;
    // €39,999 → nothing. Opened 2020-10-01 (day 0): day 60 is 2020-11-30, day 61 is 2020-12-01.
    #[test]
    fn days_are_counted_from_day_zero_and_the_threshold_is_inclusive() {
        assert_eq!(run("2020-11-30", 40_000, None), (Status::Paid, Decimal::from(60_000)));
        assert_eq!(run("2020-11-30", 39_999, None), (Status::NotMet, Decimal::ZERO));
        assert_eq!(run("2020-12-01", 40_000, None).0, Status::MissingData);
    }

    // Issue 10 case 7: a campaign that reached 40% on day 50 and closed on day 61 is decided on
    // what it had raised by the end of the window.
    #[test]
    fn a_campaign_past_its_window_is_decided_on_what_it_raised_by_the_deadline() {
        assert_eq!(run("2020-12-01", 45_000, Some(40_000)), (Status::Paid, Decimal::from(60_000)));
        assert_eq!(run("2020-12-01", 45_000, Some(30_000)), (Status::NotMet, Decimal::ZERO));
    }

    #[test]
    fn a_window_of_negative_or_absurd_days_is_refused() {
        for days in ["-5", "0", "4294967295"] {
            let e = error(&RULE.replace("within_days = 60", &format!("within_days = {days}")));
            assert!(e.starts_with("t.toml:14: rule `match`: within_days: expected a whole number of days from 1 to 3650"), "{e}");
        }
        let e = error(&RULE.replace("within_days = 60", "within_days = \"60\""));
        assert!(e.contains("within_days: "), "{e}");
    }

    // payments.md S9, Crowdfunding Civico 2022: budget €90,000, 40% raised (36,000) within 45 days:
    // 60% = 54,000, capped to €48,000; the €6,000 left (90,000 − 36,000 − 48,000) is flagged as
    // the promoter's gap.
    #[test]
    fn crowdfunding_2022_cap_and_the_promoters_gap() {
        let rule = RULE.replace("within_days = 60", "within_days = 45").replace("60000.00 EUR", "48000.00");
        let p = programme(&rule);
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
        let b = BeneficiaryInputs {
            id: "B".into(),
            campaign: Some(Campaign {
                opened_on: day("2022-03-01"),
                closed_on: day("2022-04-15"),
                budget: Decimal::from(90_000),
                raised: Decimal::from(36_000),
                raised_by_deadline: None,
            }),
            ..Default::default()
        };
        let e = crate::rules::evaluate::evaluate(&p, &[b], p.periods[0].as_of).expect("evaluates");
        assert_eq!((e.lines[0].status, e.lines[0].amount), (Status::Paid, Decimal::from(48_000)));
        assert_eq!(e.lines[0].flags, ["gap left to the promoter 6000.00: budget 90000.00 − raised 36000.00 − match 48000.00"]);
    }
}
