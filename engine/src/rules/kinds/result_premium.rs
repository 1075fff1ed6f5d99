//! Result premium: a premium for meeting targets on indicators (FabriQ Quarto's pay-by-result
//! premium of up to €10,000 for impact objectives set with a university lab).

use rust_decimal::Decimal;
use serde::Deserialize;
use toml::Spanned;

use super::{Common, EvalCtx, FieldDoc, Needs, Rule, RuleKind, achieved, capped, common, describe, meets, mul};
use crate::rules::check::{Door, IndicatorInfo, Quantity, RuleError};
use crate::rules::model::arg::{money, num, percent, text};
use crate::rules::model::{BeneficiaryInputs, Outcome, Status, Wording};
use crate::rules::model::{Step, step};
use crate::rules::money::{Money, Share};

/// How achievement turns into pay.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// The whole amount when every target is met, else nothing.
    AllOrNothing,
    /// From 0 at `floor` to the whole amount at `at_least`, in proportion (one target).
    Linear,
    /// A share of the amount by half-open bands [from, to) of one indicator.
    Tiers,
    /// Σ weight × min(1, value / target) ÷ Σ weight, times the amount.
    Weighted,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum AmountSpec {
    // Untagged variants are matched on buffered values, which carry no spans: errors point at
    // the `amount` line.
    Fixed(String),
    ShareOfCosts { share_of_costs: String },
    TopUp { top_up_to_share: String, top_up_to_cap: String },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TargetSpec {
    indicator: Spanned<String>,
    at_least: Spanned<String>,
    floor: Option<Spanned<String>>,
    weight: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TierSpec {
    from: Spanned<String>,
    to: Option<Spanned<String>>,
    pay: Spanned<String>,
}

/// The rule as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    id: Spanned<String>,
    mode: Spanned<Mode>,
    amount: Spanned<AmountSpec>,
    cap: Option<Spanned<String>>,
    targets: Spanned<Vec<TargetSpec>>,
    tiers: Option<Spanned<Vec<TierSpec>>>,
    interpretation: Spanned<Wording>,
}

/// The base amount of a premium.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Base {
    /// A fixed amount.
    Fixed(Money),
    /// A share of the beneficiary's eligible costs.
    ShareOfCosts(Share),
    /// min(share × costs, cap) − what the rules above already give (FabriQ Quarto 2018:
    /// "65% up to €45,000" for projects meeting the objectives).
    TopUp {
        /// The higher share.
        share: Share,
        /// The higher cap.
        cap: Money,
    },
}

/// A checked target.
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    /// The indicator and its unit.
    pub indicator: IndicatorInfo,
    /// The value to reach, in the indicator's unit.
    pub at_least: Quantity,
    /// linear: the value at which pay starts.
    pub floor: Quantity,
    /// weighted: the target's weight.
    pub weight: Decimal,
}

/// A checked band: values in [from, to) pay `pay` of the amount.
#[derive(Clone, Debug, PartialEq)]
pub struct Tier {
    /// Lower bound, included.
    pub from: Quantity,
    /// Upper bound, excluded; `None` on the last band.
    pub to: Option<Quantity>,
    /// Share of the amount paid.
    pub pay: Share,
}

/// A checked result premium.
#[derive(Clone, Debug, PartialEq)]
pub struct ResultPremium {
    /// Id and interpretation (required for premiums).
    pub common: Common,
    /// How achievement turns into pay.
    pub mode: Mode,
    /// The whole premium before caps.
    pub base: Base,
    /// Cap per beneficiary.
    pub cap: Option<Money>,
    /// Targets: one for linear and tiers.
    pub targets: Vec<Target>,
    /// tiers: contiguous bands, the last open-ended.
    pub tiers: Vec<Tier>,
}

impl RuleKind for ResultPremium {
    const KIND: &'static str = "result_premium";
    const SUMMARY: &'static str = "Pays `amount` × achievement of `targets` on indicators computed per beneficiary, at most `cap`. `mode`: `all_or_nothing` (the whole amount when every target is met), `linear` (one target: nothing at or below `floor`, everything from `at_least`, in proportion between), `tiers` (one target, half-open bands `[from, to)`, contiguous, the last open-ended, each paying `pay` of the amount; ORBF's score tables), `weighted` (Σ `weight` × min(1, value ÷ `at_least`) ÷ Σ `weight`). `amount` is a fixed amount (`\"10000.00\"`), `{ share_of_costs = \"10%\" }`, or `{ top_up_to_share = \"65%\", top_up_to_cap = \"45000.00\" }`: min(65% × costs, 45,000) minus what the rules above already give (FabriQ Quarto 2018's \"65% up to €45,000\"). Targets are written in the indicator's unit: shares as `\"41.5%\"` or `\"0.415\"`, other units as plain numbers (`\"2\"` FTE); a share is compared exactly on its numerator and denominator (n ≥ t × d), so 41 of 100 is below 41.5% and 83 of 200 is not. A beneficiary with no value of a target's indicator as of the period gets a `missing_data` line.";
    const FIELDS: &'static [FieldDoc] = &[
        super::ID,
        FieldDoc {
            name: "mode",
            notation: "`all_or_nothing`, `linear`, `tiers`, `weighted`",
            default: "required",
            doc: "How achievement turns into pay.",
        },
        FieldDoc {
            name: "amount",
            notation: "amount, `{ share_of_costs }` or `{ top_up_to_share, top_up_to_cap }`",
            default: "required",
            doc: "The whole premium before caps.",
        },
        FieldDoc { name: "cap", notation: "amount", default: "none", doc: "Most paid per beneficiary." },
        FieldDoc {
            name: "targets",
            notation: "`[{ indicator, at_least, floor, weight }]`",
            default: "required",
            doc: "`at_least` and `floor` in the indicator's unit; `floor` (linear) defaults to 0, `weight` (weighted) to 1.",
        },
        FieldDoc {
            name: "tiers",
            notation: "`[{ from, to, pay }]`",
            default: "tiers mode only",
            doc: "Half-open bands in the indicator's unit; `pay` is a share of the amount; omit `to` on the last.",
        },
        FieldDoc {
            name: "interpretation",
            notation: "text, or `{ it, en }`",
            default: "required",
            doc: "The choice between readings of the call (e.g. \"+10 points\" vs \"65% up to €45,000\") is the city's, so it is stated.",
        },
    ];
    type Spec = Spec;

    fn check(spec: Spec, door: &Door, _earlier: &[Rule]) -> Result<Self, RuleError> {
        let common = common(door, &spec.id, Some(spec.interpretation.get_ref().clone()))?;
        let at = |text: &String| Spanned::new(spec.amount.span(), text.clone());
        let base = match spec.amount.get_ref() {
            AmountSpec::Fixed(a) => Base::Fixed(door.money("amount", &at(a))?),
            AmountSpec::ShareOfCosts { share_of_costs } => {
                Base::ShareOfCosts(door.share("amount.share_of_costs", &at(share_of_costs))?)
            }
            AmountSpec::TopUp { top_up_to_share, top_up_to_cap } => Base::TopUp {
                share: door.share("amount.top_up_to_share", &at(top_up_to_share))?,
                cap: door.money("amount.top_up_to_cap", &at(top_up_to_cap))?,
            },
        };
        let cap = spec.cap.as_ref().map(|c| door.money("cap", c)).transpose()?;
        let mode = *spec.mode.get_ref();
        if spec.targets.get_ref().is_empty() {
            return Err(door.err(Some(&spec.targets.span()), "targets", "expected at least one target, found none"));
        }
        let mut targets = Vec::new();
        for (i, t) in spec.targets.get_ref().iter().enumerate() {
            let f = |x: &str| format!("targets[{}].{x}", i + 1);
            let indicator = door.indicator(&f("indicator"), &t.indicator)?.clone();
            let at_least = door.quantity(&f("at_least"), &t.at_least, &indicator)?;
            let floor = match &t.floor {
                Some(fl) => {
                    let floor = door.quantity(&f("floor"), fl, &indicator)?;
                    if floor >= at_least {
                        return Err(door.err(
                            Some(&fl.span()),
                            &f("floor"),
                            format!("the floor ({}) must be below the target ({})", fl.get_ref(), t.at_least.get_ref()),
                        ));
                    }
                    floor
                }
                None => Quantity(Decimal::ZERO),
            };
            let weight = match &t.weight {
                Some(w) => door.positive(&f("weight"), w, 1_000_000)?,
                None => Decimal::ONE,
            };
            targets.push(Target { indicator, at_least, floor, weight });
        }
        if matches!(mode, Mode::Linear | Mode::Tiers) && targets.len() != 1 {
            return Err(door.err(
                Some(&spec.targets.span()),
                "targets",
                format!("mode {} takes exactly one target, found {}", mode_name(mode), targets.len()),
            ));
        }
        let tiers = match (&spec.tiers, mode) {
            (Some(tiers), Mode::Tiers) => check_tiers(door, tiers, &targets[0].indicator)?,
            (None, Mode::Tiers) => {
                return Err(door.err(Some(&spec.mode.span()), "tiers", "mode tiers needs `tiers = [{ from, to, pay }, …]`"));
            }
            (Some(tiers), _) => return Err(door.err(Some(&tiers.span()), "tiers", "`tiers` only applies to mode tiers")),
            (None, _) => Vec::new(),
        };
        Ok(ResultPremium { common, mode, base, cap, targets, tiers })
    }

    fn needs(&self) -> Needs {
        let costs = !matches!(self.base, Base::Fixed(_));
        Needs {
            indicators: self.targets.iter().map(|t| t.indicator.id.clone()).collect(),
            beneficiary_columns: if costs { vec!["eligible_costs_cents"] } else { Vec::new() },
            ..Needs::default()
        }
    }

    fn into_rule(self) -> Rule {
        Rule::ResultPremium(self)
    }

    fn evaluate(&self, b: &BeneficiaryInputs, due_before: Decimal, _ctx: &EvalCtx) -> Result<Vec<Outcome>, String> {
        let mut trace = Vec::new();
        let base = match self.base {
            Base::Fixed(a) => {
                trace.push(step!("step-premium-fixed", amount = money(a.get())));
                a.get()
            }
            Base::ShareOfCosts(s) => {
                let a = mul(b.eligible_costs, s.get())?;
                trace.push(step!(
                    "step-premium-share",
                    share = percent(s.get()),
                    costs = money(b.eligible_costs),
                    amount = num(a)
                ));
                a
            }
            Base::TopUp { share, cap } => {
                let at_share = mul(b.eligible_costs, share.get())?;
                let full = at_share.min(cap.get());
                let a = (full - due_before).max(Decimal::ZERO);
                trace.push(step!(
                    "step-premium-top-up",
                    share = percent(share.get()),
                    costs = money(b.eligible_costs),
                    cap = money(cap.get()),
                    due_before = money(due_before),
                    full = num(full),
                    amount = num(a)
                ));
                a
            }
        };
        let mut values = Vec::new();
        for t in &self.targets {
            let id = &t.indicator.id;
            match b.indicators.get(id).and_then(|v| achieved(v, t.indicator.is_share).map(|x| (v, x))) {
                Some((v, x)) => {
                    trace.push(describe(id, &t.indicator.unit, t.indicator.is_share, v));
                    values.push((t, v, x));
                }
                None => {
                    trace.push(step!("step-indicator-missing", id = text(id)));
                    return Ok(vec![Outcome::nothing(Status::MissingData, trace)]);
                }
            }
        }
        let fraction = match self.mode {
            Mode::AllOrNothing => {
                let mut all = true;
                for (t, v, _) in &values {
                    let ok = meets(v, t.indicator.is_share, t.at_least).unwrap_or(false);
                    let verdict = if ok { "step-target-met" } else { "step-target-not-met" };
                    trace.push(Step::new(
                        verdict,
                        vec![("id", text(&t.indicator.id)), ("target", t.at_least.arg(t.indicator.is_share))],
                    ));
                    all &= ok;
                }
                if all { Decimal::ONE } else { Decimal::ZERO }
            }
            Mode::Linear => {
                let (t, _, x) = values[0];
                let (floor, target) = (t.floor.0, t.at_least.0);
                let f = if x <= floor {
                    Decimal::ZERO
                } else if x >= target {
                    Decimal::ONE
                } else {
                    (x - floor).checked_div(target - floor).ok_or("linear: division overflows")?
                };
                trace.push(step!(
                    "step-linear",
                    floor = t.floor.arg(t.indicator.is_share),
                    target = t.at_least.arg(t.indicator.is_share),
                    x = num(x),
                    floor_value = num(floor),
                    target_value = num(target),
                    fraction = num(f.round_dp(6))
                ));
                f
            }
            Mode::Tiers => {
                let (t, _, x) = values[0];
                let show = |q: Quantity| q.arg(t.indicator.is_share);
                match self.tiers.iter().find(|band| x >= band.from.0 && band.to.is_none_or(|to| x < to.0)) {
                    Some(band) => {
                        trace.push(match band.to {
                            Some(to) => step!(
                                "step-tier",
                                id = text(&t.indicator.id),
                                x = num(x),
                                from = show(band.from),
                                to = show(to),
                                pay = money(band.pay.get())
                            ),
                            None => step!(
                                "step-tier-open",
                                id = text(&t.indicator.id),
                                x = num(x),
                                from = show(band.from),
                                pay = money(band.pay.get())
                            ),
                        });
                        band.pay.get()
                    }
                    None => {
                        trace.push(step!("step-below-tiers", id = text(&t.indicator.id), x = num(x)));
                        Decimal::ZERO
                    }
                }
            }
            Mode::Weighted => {
                let mut score = Decimal::ZERO;
                let mut weights = Decimal::ZERO;
                for (t, _, x) in &values {
                    let target = t.at_least.0;
                    let part = if target <= Decimal::ZERO {
                        Decimal::ONE
                    } else {
                        x.checked_div(target).ok_or("weighted: division overflows")?.min(Decimal::ONE).max(Decimal::ZERO)
                    };
                    trace.push(step!(
                        "step-weighted-part",
                        id = text(&t.indicator.id),
                        x = num(*x),
                        target = num(target),
                        part = num(part.round_dp(6)),
                        weight = num(t.weight)
                    ));
                    score += mul(t.weight, part)?;
                    weights += t.weight;
                }
                let s = score / weights;
                trace.push(step!(
                    "step-weighted-score",
                    score = num(score.round_dp(6)),
                    weights = num(weights),
                    s = num(s.round_dp(6))
                ));
                s
            }
        };
        if fraction.is_zero() {
            return Ok(vec![Outcome::nothing(Status::NotMet, trace)]);
        }
        let raw = mul(base, fraction)?;
        if fraction != Decimal::ONE {
            trace.push(step!(
                "step-premium-fraction",
                base = money(base),
                fraction = num(fraction.round_dp(6)),
                raw = num(raw.round_dp(6))
            ));
        }
        let due = capped(raw, self.cap, "step-capped-premium", &mut trace);
        Ok(vec![Outcome::paid(due, trace)])
    }
}

fn mode_name(m: Mode) -> &'static str {
    match m {
        Mode::AllOrNothing => "all_or_nothing",
        Mode::Linear => "linear",
        Mode::Tiers => "tiers",
        Mode::Weighted => "weighted",
    }
}

fn check_tiers(door: &Door, tiers: &Spanned<Vec<TierSpec>>, on: &IndicatorInfo) -> Result<Vec<Tier>, RuleError> {
    if tiers.get_ref().is_empty() {
        return Err(door.err(Some(&tiers.span()), "tiers", "mode tiers needs `tiers = [{ from, to, pay }, …]`, found none"));
    }
    let mut out: Vec<Tier> = Vec::new();
    let n = tiers.get_ref().len();
    for (i, t) in tiers.get_ref().iter().enumerate() {
        let f = |x: &str| format!("tiers[{}].{x}", i + 1);
        let from = door.quantity(&f("from"), &t.from, on)?;
        let pay = door.share(&f("pay"), &t.pay)?;
        let to = t.to.as_ref().map(|x| door.quantity(&f("to"), x, on)).transpose()?;
        match (to, &t.to) {
            (Some(to), Some(text)) if to <= from => {
                return Err(door.err(
                    Some(&text.span()),
                    &f("to"),
                    format!(
                        "tier [{}, {}) is empty or reversed (hint: `to` must be above `from`)",
                        t.from.get_ref(),
                        text.get_ref()
                    ),
                ));
            }
            (None, _) if i + 1 != n => {
                return Err(door.err(Some(&t.from.span()), &f("to"), "only the last tier may be open-ended (no `to`)"));
            }
            _ => {}
        }
        if let Some(prev) = out.last().and_then(|p| p.to) {
            let prev_text = tiers.get_ref()[i - 1].to.as_ref().map(|x| x.get_ref().clone()).unwrap_or_default();
            if from < prev {
                return Err(door.err(
                    Some(&t.from.span()),
                    &f("from"),
                    format!("tiers overlap: a band starts at {} before the previous one ends at {prev_text}", t.from.get_ref()),
                ));
            }
            if from > prev {
                return Err(door.err(
                    Some(&t.from.span()),
                    &f("from"),
                    format!("tiers leave a gap: [{prev_text}, {}) is in no band", t.from.get_ref()),
                ));
            }
        }
        out.push(Tier { from, to, pay });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{error, programme};
    use crate::rules::model::{BeneficiaryInputs, IndicatorValue};
    use rust_decimal::Decimal;

    const WOMEN_415: &str = "[[rules]]\nkind = \"result_premium\"\nid = \"women\"\nmode = \"all_or_nothing\"\namount = \"1000.00\"\ninterpretation = \"women at least 41.5%\"\ntargets = [{ indicator = \"PAR-02\", at_least = \"AT\" }]\n";

    fn women(n: f64, d: f64) -> BeneficiaryInputs {
        let mut b = BeneficiaryInputs { id: "B".into(), ..Default::default() };
        b.indicators.insert("PAR-02".into(), IndicatorValue { value: None, numerator: Some(n), denominator: Some(d) });
        b
    }

    fn paid(rule: &str, b: BeneficiaryInputs) -> Decimal {
        let p = programme(rule);
        crate::rules::evaluate::evaluate(&p, &[b], p.periods[0].as_of).expect("evaluates").lines[0].amount
    }

    // Issue 10 case 2: 83 women of 200 participants is exactly 41.5%: met, in either spelling;
    // 41 of 100 is not. "41.5" alone could be 41.5% or 4150%: refused, with both spellings.
    #[test]
    fn share_targets_in_either_notation_and_never_a_bare_number() {
        for at in ["41.5%", "0.415"] {
            let rule = WOMEN_415.replace("AT", at);
            assert_eq!(paid(&rule, women(83.0, 200.0)), Decimal::from(1000), "{at}");
            assert_eq!(paid(&rule, women(41.0, 100.0)), Decimal::ZERO, "{at}");
        }
        let e = error(&WOMEN_415.replace("AT", "41.5"));
        assert!(
            e.starts_with(
                "t.toml:16: rule `women`: targets[1].at_least: PAR-02 is a share: expected a share like \"41.5%\" or \"0.415\""
            ),
            "{e}"
        );
        for bad in ["140%", "-40%"] {
            let e = error(&WOMEN_415.replace("AT", bad));
            assert!(e.contains("from 0% to 100%"), "{e}");
        }
    }

    #[test]
    fn targets_in_another_unit_or_on_a_curve_are_refused() {
        let jobs = WOMEN_415.replace("PAR-02", "JOB-01").replace("AT", "100%");
        let e = error(&jobs);
        assert!(e.contains("JOB-01 is measured in FTE, not as a share: expected a number like \"100\""), "{e}");
        let km = WOMEN_415.replace("PAR-02", "SUR-02").replace("AT", "50%");
        assert!(error(&km).contains("expected an indicator with one value per beneficiary"), "{}", error(&km));
    }

    // Fixed amounts and top-up caps with their currency code are the same money (issue 10, case 1).
    #[test]
    fn fixed_and_top_up_amounts_with_their_currency_code() {
        let fixed = WOMEN_415.replace("AT", "40%").replace("\"1000.00\"", "\"1000.00 EUR\"");
        assert_eq!(paid(&fixed, women(1.0, 2.0)), Decimal::from(1000));
        // cost 80,000: grant min(40,000, 35,000) = 35,000; top-up min(65% × 80,000 = 52,000, 45,000) − 35,000 = 10,000.
        let rules = "[[rules]]\nkind = \"cost_share\"\nid = \"grant\"\nshare = \"50%\"\ncap = \"35000.00 EUR\"\n[[rules]]\nkind = \"result_premium\"\nid = \"premium\"\nmode = \"all_or_nothing\"\namount = { top_up_to_share = \"65%\", top_up_to_cap = \"45000.00 EUR\" }\ninterpretation = \"2018\"\ntargets = [{ indicator = \"PAR-02\", at_least = \"40%\" }]\n";
        let p = programme(rules);
        let mut b = women(1.0, 2.0);
        b.eligible_costs = Decimal::from(80_000);
        let e = crate::rules::evaluate::evaluate(&p, &[b], p.periods[0].as_of).expect("evaluates");
        let amounts: Vec<Decimal> = e.lines.iter().map(|l| l.amount).collect();
        assert_eq!(amounts, vec![Decimal::from(35_000), Decimal::from(10_000)]);
    }

    #[test]
    fn a_weight_beyond_reason_is_refused() {
        let rule = "[[rules]]\nkind = \"result_premium\"\nid = \"w\"\nmode = \"weighted\"\namount = \"800.00\"\ninterpretation = \"w\"\ntargets = [{ indicator = \"JOB-01\", at_least = \"2\", weight = \"1e30\" }]\n";
        assert!(error(rule).contains("targets[1].weight: expected a positive number up to 1000000"), "{}", error(rule));
    }

    // payments.md S9, FabriQ Quarto, eligible costs €60,000, objectives met: the 2018 reading
    // ("65% up to €45,000" in all) pays a premium of min(39,000, 45,000) − grant 30,000 = 9,000;
    // the 2019 reading ("+10 points of co-financing", at most €10,000) pays 10% × 60,000 = 6,000.
    // The interpretation is the city's, so it is stated and printed on every line.
    #[test]
    fn fabriq_2018_and_2019_readings_of_the_premium() {
        let grant = "[[rules]]\nkind = \"cost_share\"\nid = \"grant\"\nshare = \"50%\"\ncap = \"35000.00\"\n";
        let target = "targets = [{ indicator = \"PAR-02\", at_least = \"40%\" }]\n";
        let y2018 = format!(
            "{grant}[[rules]]\nkind = \"result_premium\"\nid = \"premium\"\nmode = \"all_or_nothing\"\namount = {{ top_up_to_share = \"65%\", top_up_to_cap = \"45000.00\" }}\ninterpretation = \"2018: 65% up to 45,000 in all\"\n{target}"
        );
        let y2019 = format!(
            "{grant}[[rules]]\nkind = \"result_premium\"\nid = \"premium\"\nmode = \"all_or_nothing\"\namount = {{ share_of_costs = \"10%\" }}\ncap = \"10000.00\"\ninterpretation = \"2019: +10 points\"\n{target}"
        );
        for (rules, premium, reading) in [(y2018, 9_000, "2018: 65% up to 45,000 in all"), (y2019, 6_000, "2019: +10 points")] {
            let p = programme(&rules);
            let mut b = women(1.0, 2.0);
            b.eligible_costs = Decimal::from(60_000);
            let e = crate::rules::evaluate::evaluate(&p, &[b], p.periods[0].as_of).expect("evaluates");
            assert_eq!((e.lines[0].amount, e.lines[1].amount), (Decimal::from(30_000), Decimal::from(premium)));
            assert_eq!(e.lines[1].interpretation.as_ref().map(|w| w.get(crate::i18n::Lang::En)), Some(reading));
        }
    }
}
