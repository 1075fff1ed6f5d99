//! Programme rule files: what a city writes, and what is checked before a cent is computed.
//!
//! A programme file is TOML. Parsing is strict (unknown fields are errors) and every semantic
//! check — unknown indicator, overlapping or gapped tiers, a floor above its target, a share
//! above 100%, a negative budget, a currency mismatch, payer shares not totalling 100% — fails
//! at load time naming the file and line. Each field's doc and default sit beside it here;
//! `engine/programmes/README.md` is the same for people.

use std::collections::BTreeSet;

use rust_decimal::Decimal;
use serde::Deserialize;

use super::money::{Rounding, parse_amount, parse_share};

/// How claims are cut when they exceed the budget.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Allocation {
    /// Every line scaled in proportion, cents by largest remainder. Default.
    #[default]
    ProRata,
    /// Rules in file order, beneficiaries by id, each paid in full until the budget runs out.
    Priority,
}

/// Which beneficiaries of the panel the programme pays.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DataSelector {
    /// `beneficiaries.programme` value.
    pub programme: String,
    /// Only this edition (call year). Default: all editions.
    pub edition: Option<i64>,
}

/// A payment period: the statement is computed as of its date.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Period {
    /// Period id used with `--period`.
    pub id: String,
    /// As-of date of the indicators (YYYY-MM-DD).
    pub as_of: toml::value::Datetime,
}

/// A payer and its share of every payment.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Payer {
    /// Payer id.
    pub id: String,
    /// Share of each payment, "60%" or "0.6". Shares must total 100%.
    pub share: String,
    /// Most this payer has committed ("amount" or "amount CUR"). Default: unlimited.
    pub commitment: Option<String>,
}

/// The base amount of a result premium.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum AmountSpec {
    /// A fixed amount, e.g. "10000.00".
    Fixed(String),
    /// A share of the beneficiary's eligible costs.
    ShareOfCosts {
        /// e.g. "10%".
        share_of_costs: String,
    },
    /// Raise the beneficiary's total under the rules above to a higher share of costs with a
    /// higher cap: min(share × costs, cap) − what the earlier rules already give
    /// (FabriQ Quarto 2018: "65% up to €45,000" for projects meeting the objectives).
    TopUp {
        /// The higher share, e.g. "65%".
        top_up_to_share: String,
        /// The higher cap, e.g. "45000.00".
        top_up_to_cap: String,
    },
}

/// How a result premium turns achievement into pay.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum PremiumMode {
    /// The whole amount when every target is met, else nothing.
    AllOrNothing,
    /// From 0 at `floor` to the whole amount at `at_least`, in proportion (one target).
    Linear,
    /// A share of the amount by half-open bands [from, to) of one indicator.
    Tiers,
    /// Σ weight × min(1, value / target) ÷ Σ weight, times the amount.
    Weighted,
}

/// A target on one indicator, per beneficiary.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Target {
    /// Indicator id (the built-in catalogue, or `--definitions`).
    pub indicator: String,
    /// The value to reach: a number ("2") or, for shares, a percentage ("41.5%").
    pub at_least: String,
    /// linear: the value at which pay starts. Default 0.
    pub floor: Option<String>,
    /// weighted: weight of this target. Default 1.
    pub weight: Option<String>,
}

/// A band of a tiered premium: values in [from, to) pay `pay` of the amount.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Tier {
    /// Lower bound, included.
    pub from: String,
    /// Upper bound, excluded; omit on the last band.
    pub to: Option<String>,
    /// Share of the amount paid, e.g. "50%".
    pub pay: String,
}

/// One payment rule; `kind` selects the type.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RuleSpec {
    /// A share of eligible costs up to a cap (FabriQ Quarto: 50% up to €35,000).
    CostShare(CostShare),
    /// A premium for meeting targets on indicators, capped.
    ResultPremium(ResultPremium),
    /// Civic crowdfunding: the city matches a campaign that reached its threshold in time.
    Matching(Matching),
    /// A price per verified outcome event per participant, with caps.
    RateCard(RateCard),
    /// Pay per point above a baseline (or the best earlier period), up to a ceiling.
    BaselineRelative(BaselineRelative),
    /// Recover a share of another rule's payment when the beneficiary ceases soon after.
    Clawback(Clawback),
}

impl RuleSpec {
    /// The rule's id.
    pub fn id(&self) -> &str {
        match self {
            RuleSpec::CostShare(r) => &r.id,
            RuleSpec::ResultPremium(r) => &r.id,
            RuleSpec::Matching(r) => &r.id,
            RuleSpec::RateCard(r) => &r.id,
            RuleSpec::BaselineRelative(r) => &r.id,
            RuleSpec::Clawback(r) => &r.id,
        }
    }
}

/// Matching (Crowdfunding Civico: 60% of the project, up to €60,000, if citizens raise 40% in
/// 60 days; 2022: 45 days, up to €48,000). Reads the `campaigns` table.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Matching {
    /// Rule id.
    pub id: String,
    /// Share of the project budget citizens must raise, e.g. "40%".
    pub raise_at_least: String,
    /// Days the campaign may run (opened_on → closed_on).
    pub within_days: u32,
    /// Share of the project budget the city pays on success, e.g. "60%".
    pub pays: String,
    /// Cap on the city's match. Default: none.
    pub cap: Option<String>,
    /// How the call's wording is read. Default: none.
    pub interpretation: Option<String>,
}

/// One priced outcome of a rate card.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Price {
    /// Name of the priced outcome on the statement, e.g. `job_entry_13w`.
    pub outcome: String,
    /// Event code in the `outcomes` table. Default: same as `outcome`.
    pub event: Option<String>,
    /// Price per claim.
    pub price: String,
    /// Pays only once a spell of the event has lasted this many weeks; a lapse restarts the
    /// clock (the next spell counts from its own start). Default: paid on achievement.
    pub sustained_weeks: Option<u32>,
    /// May one person claim it more than once? Default false (once per person).
    #[serde(default)]
    pub repeatable: bool,
    /// Most paid for this outcome per provider. Default: none.
    pub cap: Option<String>,
}

/// Rate card (DWP Innovation Fund, rough-sleeping and Fair Chance Fund SIBs). Reads `outcomes`.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RateCard {
    /// Rule id.
    pub id: String,
    /// Prices.
    pub prices: Vec<Price>,
    /// Most paid per participant (DWP round 2: £11,700). Default: none.
    pub per_participant_cap: Option<String>,
    /// Most paid per provider (beneficiary). Default: none.
    pub per_provider_cap: Option<String>,
    /// How the card is read. Default: none.
    pub interpretation: Option<String>,
}

/// Baseline-relative payment (World Bank DLI style: "US$225,000 per each additional 1% point
/// more than 50% … up to 70%").
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct BaselineRelative {
    /// Rule id.
    pub id: String,
    /// Indicator measured per beneficiary.
    pub indicator: String,
    /// Baseline value ("50%" for shares, or a number).
    pub baseline: String,
    /// Measure from the best value of the earlier periods in this file, when higher than the
    /// baseline (pay only for new ground). Default false.
    #[serde(default)]
    pub previous_best: bool,
    /// Amount per whole point above the reference.
    pub per_point: String,
    /// Size of a point ("1%" for shares, "1" for counts). Default "1".
    pub point: Option<String>,
    /// Values above this count as this. Default: none.
    pub ceiling: Option<String>,
    /// Below the reference, recover per point too. Default false (no clawback).
    #[serde(default)]
    pub clawback: bool,
    /// How the rule is read. Default: none.
    pub interpretation: Option<String>,
}

/// Conditional repayment of another rule's payment.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Clawback {
    /// Rule id.
    pub id: String,
    /// Id of the rule whose payment is recovered (listed earlier in the file).
    pub applies_to: String,
    /// Recover when the beneficiary closes (a closure not reactivated within 24 months)
    /// within this many months after the end of support.
    pub if_ceased_within_months: u32,
    /// Share of the payment recovered. Default "100%".
    pub share: Option<String>,
    /// How the condition is read. Default: none.
    pub interpretation: Option<String>,
}

/// Cost-share grant (or subsidised loan).
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CostShare {
    /// Rule id.
    pub id: String,
    /// Share of eligible costs, e.g. "50%". At most 100%.
    pub share: String,
    /// Cap per beneficiary. Default: none.
    pub cap: Option<String>,
    /// `grant` or `loan` (a loan is reported apart; it is still a disbursement). Default `grant`.
    pub instrument: Option<String>,
    /// How the call's wording is read, shown on every statement line. Default: none.
    pub interpretation: Option<String>,
}

/// Result premium.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ResultPremium {
    /// Rule id.
    pub id: String,
    /// How achievement turns into pay.
    pub mode: PremiumMode,
    /// The whole premium before caps.
    pub amount: AmountSpec,
    /// Cap per beneficiary. Default: none.
    pub cap: Option<String>,
    /// Targets (one for linear and tiers).
    #[serde(default)]
    pub targets: Vec<Target>,
    /// tiers: the bands, contiguous and without overlap.
    #[serde(default)]
    pub tiers: Vec<Tier>,
    /// How the call's wording is read, shown on every statement line. Required: the choice
    /// between readings (e.g. "+10 points of co-financing" vs "65% up to €45,000") is the city's.
    pub interpretation: String,
}

/// A programme rule file.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ProgrammeFile {
    /// Programme id.
    pub id: String,
    /// Name.
    pub name: String,
    /// ISO 4217 currency of every amount (e.g. "EUR", "GBP").
    pub currency: String,
    /// Total available for payments in this file's periods.
    pub budget: String,
    /// Rounding to the cent. Default `half-up`.
    #[serde(default)]
    pub rounding: Rounding,
    /// Cutting claims that exceed the budget. Default `pro-rata`.
    #[serde(default)]
    pub allocation: Allocation,
    /// Beneficiaries paid.
    pub data: DataSelector,
    /// Payment periods; the last is the default.
    pub periods: Vec<Period>,
    /// Payers; shares total 100%.
    pub payers: Vec<Payer>,
    /// Rules, applied to every beneficiary; in priority allocation, in this order.
    pub rules: Vec<RuleSpec>,
}

/// A checked programme with parsed amounts.
#[derive(Clone, Debug)]
pub struct Programme {
    /// The file as written.
    pub file: ProgrammeFile,
    /// Path (for messages and the statement).
    pub path: String,
    /// `sha256:` of the file bytes.
    pub hash: String,
    /// Budget.
    pub budget: Decimal,
    /// Payer shares and commitments, in file order.
    pub payers: Vec<(String, Decimal, Option<Decimal>)>,
}

/// A malformed programme file: file, line, expected vs found.
#[derive(Debug, thiserror::Error)]
#[error("{file}{}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct RuleError {
    /// File.
    pub file: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// What is wrong.
    pub message: String,
}

struct Ctx<'a> {
    file: &'a str,
    text: &'a str,
}

impl Ctx<'_> {
    fn at(&self, needles: &[&str], message: String) -> RuleError {
        let line = self
            .text
            .lines()
            .position(|l| needles.iter().all(|n| l.contains(n)))
            .or_else(|| needles.first().and_then(|n| self.text.lines().position(|l| l.contains(n))))
            .map(|i| i + 1);
        RuleError { file: self.file.into(), line, message }
    }

    /// An amount, optionally followed by the currency code, which must be the programme's.
    fn amount(&self, field: &str, s: &str, currency: &str) -> Result<Decimal, RuleError> {
        let t = s.trim();
        let (number, code) = match t.rsplit_once(' ') {
            Some((n, c)) if c.chars().all(|ch| ch.is_ascii_uppercase()) && c.len() == 3 => (n, Some(c)),
            _ => (t, None),
        };
        if let Some(code) = code
            && code != currency
        {
            return Err(self.at(&[s], format!("{field}: currency mismatch: the programme is in {currency}, found \"{s}\"")));
        }
        let d = parse_amount(number)
            .ok_or_else(|| self.at(&[s], format!("{field}: expected an amount like \"35000.00\", found \"{s}\"")))?;
        if d.is_sign_negative() {
            return Err(self.at(&[s], format!("{field}: expected an amount ≥ 0, found \"{s}\"")));
        }
        Ok(d)
    }

    fn share(&self, field: &str, s: &str) -> Result<Decimal, RuleError> {
        let d = parse_share(s)
            .ok_or_else(|| self.at(&[s], format!("{field}: expected a share like \"50%\" or \"0.5\", found \"{s}\"")))?;
        if d.is_sign_negative() || d > Decimal::ONE {
            return Err(self.at(&[s], format!("{field}: expected a share from 0% to 100%, found \"{s}\"")));
        }
        Ok(d)
    }

    fn number(&self, field: &str, s: &str) -> Result<Decimal, RuleError> {
        parse_share(s).ok_or_else(|| self.at(&[s], format!("{field}: expected a number or a percentage, found \"{s}\"")))
    }
}

/// Parse and check a programme file against the indicator ids that exist.
pub fn parse(file: &str, text: &str, indicators: &BTreeSet<String>) -> Result<Programme, RuleError> {
    let parsed: ProgrammeFile = toml::from_str(text).map_err(|e| RuleError {
        file: file.into(),
        line: e.span().map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1),
        message: e.message().trim_end().to_string(),
    })?;
    let ck = Ctx { file, text };
    let cur = parsed.currency.trim();
    if cur.len() != 3 || !cur.chars().all(|c| c.is_ascii_uppercase()) {
        return Err(ck.at(&["currency ="], format!("currency: expected an ISO 4217 code like \"EUR\", found \"{cur}\"")));
    }
    if parsed.budget.trim().starts_with('-') {
        return Err(
            ck.at(&["budget ="], format!("budget: expected an amount ≥ 0, found \"{}\" (a negative budget)", parsed.budget))
        );
    }
    let budget = ck.amount("budget", &parsed.budget, cur)?;
    if parsed.periods.is_empty() {
        return Err(ck.at(
            &["periods"],
            "periods: expected at least one period, e.g. periods = [{ id = \"2020\", as_of = 2020-12-31 }]".into(),
        ));
    }
    let mut payers = Vec::new();
    let mut total = Decimal::ZERO;
    for p in &parsed.payers {
        let share = ck.share(&format!("payer {}: share", p.id), &p.share)?;
        let commitment =
            p.commitment.as_deref().map(|c| ck.amount(&format!("payer {}: commitment", p.id), c, cur)).transpose()?;
        total += share;
        payers.push((p.id.clone(), share, commitment));
    }
    if parsed.payers.is_empty() || total != Decimal::ONE {
        return Err(ck.at(
            &["[[payers]]"],
            format!("payers: expected shares totalling 100%, found {}%", (total * Decimal::ONE_HUNDRED).normalize()),
        ));
    }
    let mut ids = BTreeSet::new();
    for rule in &parsed.rules {
        let id = match rule {
            RuleSpec::CostShare(r) => {
                ck.share(&format!("rule {}: share", r.id), &r.share)?;
                if let Some(c) = &r.cap {
                    ck.amount(&format!("rule {}: cap", r.id), c, cur)?;
                }
                if let Some(i) = &r.instrument
                    && i != "grant"
                    && i != "loan"
                {
                    return Err(
                        ck.at(&["instrument"], format!("rule {}: instrument: expected `grant` or `loan`, found `{i}`", r.id))
                    );
                }
                &r.id
            }
            RuleSpec::ResultPremium(r) => {
                check_premium(&ck, r, cur, indicators)?;
                &r.id
            }
            RuleSpec::Matching(r) => {
                ck.share(&format!("rule {}: raise_at_least", r.id), &r.raise_at_least)?;
                ck.share(&format!("rule {}: pays", r.id), &r.pays)?;
                if let Some(c) = &r.cap {
                    ck.amount(&format!("rule {}: cap", r.id), c, cur)?;
                }
                if r.within_days == 0 {
                    return Err(ck.at(&["within_days"], format!("rule {}: within_days: expected at least 1 day, found 0", r.id)));
                }
                &r.id
            }
            RuleSpec::RateCard(r) => {
                let f = |x: &str| format!("rule {}: {x}", r.id);
                if r.prices.is_empty() {
                    return Err(ck.at(&[&r.id], f("expected at least one price, found none")));
                }
                let mut outcomes = BTreeSet::new();
                for p in &r.prices {
                    ck.amount(&f(&format!("price of {}", p.outcome)), &p.price, cur)?;
                    if let Some(c) = &p.cap {
                        let cap = ck.amount(&f(&format!("cap of {}", p.outcome)), c, cur)?;
                        let price = parse_amount(p.price.trim().split(' ').next().unwrap_or_default()).unwrap_or_default();
                        if cap < price {
                            return Err(ck.at(
                                &[&format!("\"{}\"", p.outcome)],
                                f(&format!(
                                    "the cap of {} ({c}) is below its price ({}): nothing could ever be paid",
                                    p.outcome, p.price
                                )),
                            ));
                        }
                    }
                    if !outcomes.insert(p.outcome.clone()) {
                        return Err(
                            ck.at(&[&format!("\"{}\"", p.outcome)], f(&format!("outcome `{}` is priced twice", p.outcome)))
                        );
                    }
                }
                for (field, cap) in [("per_participant_cap", &r.per_participant_cap), ("per_provider_cap", &r.per_provider_cap)] {
                    if let Some(c) = cap {
                        ck.amount(&f(field), c, cur)?;
                    }
                }
                &r.id
            }
            RuleSpec::BaselineRelative(r) => {
                let f = |x: &str| format!("rule {}: {x}", r.id);
                if !indicators.contains(&r.indicator) {
                    return Err(ck.at(&[&format!("\"{}\"", r.indicator)], f(&format!("unknown indicator `{}`", r.indicator))));
                }
                let baseline = ck.number(&f("baseline"), &r.baseline)?;
                ck.amount(&f("per_point"), &r.per_point, cur)?;
                if let Some(p) = &r.point
                    && ck.number(&f("point"), p)? <= Decimal::ZERO
                {
                    return Err(ck.at(&["point"], f(&format!("point: expected a positive size, found {p}"))));
                }
                if let Some(c) = &r.ceiling
                    && ck.number(&f("ceiling"), c)? <= baseline
                {
                    return Err(ck.at(&["ceiling"], f(&format!("the ceiling ({c}) must be above the baseline ({})", r.baseline))));
                }
                &r.id
            }
            RuleSpec::Clawback(r) => {
                if !ids.contains(&r.applies_to) {
                    return Err(ck.at(
                        &[&format!("\"{}\"", r.applies_to)],
                        format!("rule {}: applies_to: expected the id of a rule listed above, found `{}`", r.id, r.applies_to),
                    ));
                }
                if let Some(sh) = &r.share {
                    ck.share(&format!("rule {}: share", r.id), sh)?;
                }
                &r.id
            }
        };
        if !ids.insert(id.to_string()) {
            return Err(ck.at(&[&format!("\"{id}\"")], format!("rules: duplicate rule id `{id}`")));
        }
    }
    use sha2::{Digest, Sha256};
    let hash: String = Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
    Ok(Programme { file: parsed, path: file.into(), hash: format!("sha256:{hash}"), budget, payers })
}

fn check_premium(ck: &Ctx, r: &ResultPremium, cur: &str, indicators: &BTreeSet<String>) -> Result<(), RuleError> {
    let f = |x: &str| format!("rule {}: {x}", r.id);
    match &r.amount {
        AmountSpec::Fixed(a) => {
            ck.amount(&f("amount"), a, cur)?;
        }
        AmountSpec::ShareOfCosts { share_of_costs } => {
            ck.share(&f("amount.share_of_costs"), share_of_costs)?;
        }
        AmountSpec::TopUp { top_up_to_share, top_up_to_cap } => {
            ck.share(&f("amount.top_up_to_share"), top_up_to_share)?;
            ck.amount(&f("amount.top_up_to_cap"), top_up_to_cap, cur)?;
        }
    }
    if let Some(c) = &r.cap {
        ck.amount(&f("cap"), c, cur)?;
    }
    if r.targets.is_empty() {
        return Err(ck.at(&[&r.id], f("expected at least one target, found none")));
    }
    for t in &r.targets {
        if !indicators.contains(&t.indicator) {
            let known: Vec<&str> = indicators.iter().map(String::as_str).collect();
            return Err(ck.at(
                &[&format!("\"{}\"", t.indicator)],
                format!("{}: unknown indicator `{}` (known: {})", f("targets"), t.indicator, known.join(", ")),
            ));
        }
        let target = ck.number(&f("at_least"), &t.at_least)?;
        if let Some(fl) = &t.floor {
            let floor = ck.number(&f("floor"), fl)?;
            if floor >= target {
                return Err(ck.at(
                    &[&format!("floor = \"{fl}\""), &format!("\"{}\"", t.indicator)],
                    format!("{}: the floor ({fl}) must be below the target ({})", f("floor"), t.at_least),
                ));
            }
        }
        if let Some(w) = &t.weight {
            let w = ck.number(&f("weight"), w)?;
            if w <= Decimal::ZERO {
                return Err(ck.at(&["weight"], format!("{}: expected a positive weight, found {w}", f("weight"))));
            }
        }
    }
    let single = matches!(r.mode, PremiumMode::Linear | PremiumMode::Tiers);
    if single && r.targets.len() != 1 {
        return Err(ck.at(&[&r.id], f(&format!("mode {:?} takes exactly one target, found {}", r.mode, r.targets.len()))));
    }
    if r.mode == PremiumMode::Tiers {
        if r.tiers.is_empty() {
            return Err(ck.at(&["tiers"], f("mode tiers needs `tiers = [{ from, to, pay }, …]`")));
        }
        let mut previous_to: Option<(Decimal, &str)> = None;
        for (i, t) in r.tiers.iter().enumerate() {
            let from = ck.number(&f("tiers.from"), &t.from)?;
            ck.share(&f("tiers.pay"), &t.pay)?;
            let to = t.to.as_deref().map(|x| ck.number(&f("tiers.to"), x)).transpose()?;
            if let Some(to) = to {
                if to <= from {
                    return Err(ck.at(
                        &[&format!("\"{}\"", t.from)],
                        f(&format!("tier [{}, {}) is empty or reversed", t.from, t.to.as_deref().unwrap_or(""))),
                    ));
                }
            } else if i + 1 != r.tiers.len() {
                return Err(ck.at(&[&format!("\"{}\"", t.from)], f("only the last tier may be open-ended (no `to`)")));
            }
            if let Some((prev, prev_text)) = previous_to {
                if from < prev {
                    return Err(ck.at(
                        &[&format!("\"{}\"", t.from)],
                        f(&format!("tiers overlap: a band starts at {} before the previous one ends at {prev_text}", t.from)),
                    ));
                }
                if from > prev {
                    return Err(ck.at(
                        &[&format!("\"{}\"", t.from)],
                        f(&format!("tiers leave a gap: [{prev_text}, {}) is in no band", t.from)),
                    ));
                }
            }
            previous_to = to.zip(t.to.as_deref());
        }
    } else if !r.tiers.is_empty() {
        return Err(ck.at(&["tiers"], f("`tiers` only applies to mode tiers")));
    }
    Ok(())
}
