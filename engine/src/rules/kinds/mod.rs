//! Rule kinds: each in its own file with its spec, checks, needs, evaluation and hand-worked
//! tests, behind [`RuleKind`]. `engine/RULES.md` is generated from the kinds' docs
//! ([`reference()`]), and a test fails when the committed page is stale.
//!
//! Adding a kind: a file here implementing [`RuleKind`], a variant of [`Rule`], and a line in
//! [`KINDS`]. The compiler checks the rest.

pub mod baseline_relative;
pub mod clawback;
pub mod cost_share;
pub mod matching;
pub mod pot_share;
pub mod rate_card;
pub mod result_premium;

use std::fmt::Write;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::de::DeserializeOwned;
use toml::Spanned;
use toml::de::DeValue;

use super::check::{Door, Quantity, RuleError};
use super::model::{BeneficiaryInputs, IndicatorValue, Instrument, Outcome, Wording};
use super::money::{Money, Rounding, exact};
use crate::rules::model::arg::{float, money, text};
use crate::rules::model::{Step, step};

/// One field of a kind's spec, as `RULES.md` documents it.
#[derive(Clone, Copy, Debug)]
pub struct FieldDoc {
    /// Key in the rule table.
    pub name: &'static str,
    /// How it is written: amount, share, indicator value, text, …
    pub notation: &'static str,
    /// `required`, or the default applied when it is left out.
    pub default: &'static str,
    /// What it means.
    pub doc: &'static str,
}

/// `id`, which every kind has.
pub const ID: FieldDoc = FieldDoc { name: "id", notation: "id", default: "required", doc: "Rule id on statements." };

/// `interpretation`, which every kind but `result_premium` (where it is required) may have.
pub const INTERPRETATION: FieldDoc = FieldDoc {
    name: "interpretation",
    notation: "text, or `{ it, en }`",
    default: "none",
    doc: "How the call's wording is read, printed on every statement line (and in the report, in its language).",
};

/// What a rule reads; the inputs reader reads the union over the file's rules.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Needs {
    /// Indicators per beneficiary as of the period.
    pub indicators: Vec<String>,
    /// Indicators also as of every earlier period of the file.
    pub history: Vec<String>,
    /// The `campaigns` table.
    pub campaigns: bool,
    /// The `participants` and `outcomes` tables.
    pub outcomes: bool,
    /// Columns of `beneficiaries` beyond the id.
    pub beneficiary_columns: Vec<&'static str>,
}

/// What every evaluation of a period shares.
#[derive(Clone, Copy, Debug)]
pub struct EvalCtx {
    /// As-of date of the period.
    pub as_of: NaiveDate,
    /// Rounding to the cent.
    pub rounding: Rounding,
}

/// A kind of payment rule.
pub trait RuleKind: Sized {
    /// `kind = "…"` in the rule file; also the statement's `kind` column.
    const KIND: &'static str;
    /// One paragraph for `RULES.md`: what it pays and where the scheme comes from.
    const SUMMARY: &'static str;
    /// Its fields, in file order, for `RULES.md`.
    const FIELDS: &'static [FieldDoc];
    /// The table as written (serde, unknown fields denied).
    type Spec: DeserializeOwned;

    /// Check the spec into the rule evaluation uses: amounts as [`Money`], shares as
    /// `Share`, every default filled in. `earlier` are the rules listed above it.
    fn check(spec: Self::Spec, door: &Door, earlier: &[Rule]) -> Result<Self, RuleError>;

    /// What it reads.
    fn needs(&self) -> Needs;

    /// Its variant of [`Rule`].
    fn into_rule(self) -> Rule;

    /// Outcomes for one beneficiary: usually one, one per claim for per-claim kinds.
    /// `due_before` is what the rules above already give this beneficiary.
    fn evaluate(&self, b: &BeneficiaryInputs, due_before: Decimal, ctx: &EvalCtx) -> Result<Vec<Outcome>, String>;

    /// Outcomes for all beneficiaries at once; kinds that share a fixed amount override it.
    fn evaluate_all(&self, bs: &[BeneficiaryInputs], due_before: &[Decimal], ctx: &EvalCtx) -> Result<Vec<Vec<Outcome>>, String> {
        bs.iter().zip(due_before).map(|(b, d)| self.evaluate(b, *d, ctx)).collect()
    }
}

/// A checked rule of any kind.
#[derive(Clone, Debug, PartialEq)]
pub enum Rule {
    /// See [`cost_share::CostShare`].
    CostShare(cost_share::CostShare),
    /// See [`result_premium::ResultPremium`].
    ResultPremium(result_premium::ResultPremium),
    /// See [`matching::Matching`].
    Matching(matching::Matching),
    /// See [`rate_card::RateCard`].
    RateCard(rate_card::RateCard),
    /// See [`baseline_relative::BaselineRelative`].
    BaselineRelative(baseline_relative::BaselineRelative),
    /// See [`pot_share::PotShare`].
    PotShare(pot_share::PotShare),
    /// See [`clawback::Clawback`].
    Clawback(clawback::Clawback),
}

macro_rules! each_kind {
    ($rule:expr, $r:ident => $body:expr) => {
        match $rule {
            Rule::CostShare($r) => $body,
            Rule::ResultPremium($r) => $body,
            Rule::Matching($r) => $body,
            Rule::RateCard($r) => $body,
            Rule::BaselineRelative($r) => $body,
            Rule::PotShare($r) => $body,
            Rule::Clawback($r) => $body,
        }
    };
}

/// Fields every kind has.
#[derive(Clone, Debug, PartialEq)]
pub struct Common {
    /// Rule id (safe characters).
    pub id: String,
    /// How the call's wording is read, printed on every statement line.
    pub interpretation: Option<Wording>,
}

impl Rule {
    /// The rule's id.
    pub fn id(&self) -> &str {
        each_kind!(self, r => &r.common.id)
    }

    /// How the call's wording is read.
    pub fn interpretation(&self) -> Option<&Wording> {
        each_kind!(self, r => r.common.interpretation.as_ref())
    }

    /// `kind = "…"`.
    pub fn kind(&self) -> &'static str {
        fn k<K: RuleKind>(_: &K) -> &'static str {
            K::KIND
        }
        each_kind!(self, r => k(r))
    }

    /// What it reads.
    pub fn needs(&self) -> Needs {
        each_kind!(self, r => r.needs())
    }

    /// Grant or loan.
    pub fn instrument(&self) -> Instrument {
        match self {
            Rule::CostShare(r) => r.instrument,
            _ => Instrument::Grant,
        }
    }

    /// Outcomes of every beneficiary (clawbacks give none here: they act after the budget).
    pub fn evaluate_all(&self, bs: &[BeneficiaryInputs], due: &[Decimal], ctx: &EvalCtx) -> Result<Vec<Vec<Outcome>>, String> {
        each_kind!(self, r => r.evaluate_all(bs, due, ctx))
    }
}

type CheckFn = for<'i> fn(Spanned<DeValue<'i>>, &Door, &[Rule]) -> Result<Rule, RuleError>;

/// Every kind: its name, summary, fields and checker. `RULES.md` follows this order.
pub const KINDS: &[(&str, &str, &[FieldDoc], CheckFn)] = &[
    entry::<cost_share::CostShare>(),
    entry::<result_premium::ResultPremium>(),
    entry::<matching::Matching>(),
    entry::<rate_card::RateCard>(),
    entry::<baseline_relative::BaselineRelative>(),
    entry::<pot_share::PotShare>(),
    entry::<clawback::Clawback>(),
];

const fn entry<K: RuleKind>() -> (&'static str, &'static str, &'static [FieldDoc], CheckFn) {
    (K::KIND, K::SUMMARY, K::FIELDS, check_as::<K>)
}

fn check_as<K: RuleKind>(value: Spanned<DeValue<'_>>, door: &Door, earlier: &[Rule]) -> Result<Rule, RuleError> {
    let spec: K::Spec = door.spec(value, &format!("a `{}` rule", K::KIND))?;
    Ok(K::check(spec, door, earlier)?.into_rule())
}

/// The rule-file reference (`engine/RULES.md`), generated from the kinds and the programme's
/// own field list.
pub fn reference(preamble: &str, programme_fields: &[FieldDoc], epilogue: &str) -> String {
    let mut out = String::from(preamble);
    out += "\n## Programme\n\n";
    table(&mut out, programme_fields);
    out += "\n## Rules (`[[rules]]`, `kind` selects the type)\n";
    for (kind, summary, fields, _) in KINDS {
        let _ = write!(out, "\n### `{kind}`\n\n{summary}\n\n");
        table(&mut out, fields);
    }
    out += epilogue;
    out
}

fn table(out: &mut String, fields: &[FieldDoc]) {
    out.push_str("| field | written as | default | meaning |\n|---|---|---|---|\n");
    for f in fields {
        let _ = writeln!(out, "| `{}` | {} | {} | {} |", f.name, f.notation, f.default, f.doc);
    }
}

// ---- Helpers shared by the kinds ------------------------------------------------------------

/// The value a target compares, as an exact decimal: a share is numerator ÷ denominator.
pub fn achieved(v: &IndicatorValue, is_share: bool) -> Option<Decimal> {
    if is_share {
        let (n, d) = (exact(v.numerator?)?, exact(v.denominator?)?);
        if d.is_zero() {
            return None;
        }
        return n.checked_div(d);
    }
    exact(v.value?)
}

/// Target met? Shares compare numerator and denominator exactly: n ≥ t × d (41 of 100 is below
/// 41.5%; 83 of 200 is not).
pub fn meets(v: &IndicatorValue, is_share: bool, target: Quantity) -> Option<bool> {
    if is_share {
        let (n, d) = (exact(v.numerator?)?, exact(v.denominator?)?);
        if d.is_zero() {
            return None;
        }
        return Some(n >= target.0.checked_mul(d)?);
    }
    Some(exact(v.value?)? >= target.0)
}

/// "PAR-02 = 83 / 200" or "JOB-01 = 2.5 FTE".
pub fn describe(id: &str, unit: &str, is_share: bool, v: &IndicatorValue) -> Step {
    match (is_share, v.numerator, v.denominator, v.value) {
        (true, Some(n), Some(d), _) => step!("step-indicator-share", id = text(id), n = float(n), d = float(d)),
        (_, _, _, Some(x)) => step!("step-indicator-value", id = text(id), x = float(x), unit = text(unit)),
        _ => step!("step-indicator-undefined", id = text(id)),
    }
}

/// The amount after a cap, noting the cut in the trace (step `step_id`, with `raw` and `cap`)
/// when it binds.
pub fn capped(raw: Decimal, cap: Option<Money>, step_id: &'static str, trace: &mut Vec<Step>) -> Decimal {
    match cap {
        Some(cap) if raw > cap.get() => {
            trace.push(Step::new(step_id, vec![("raw", money(raw)), ("cap", money(cap.get()))]));
            cap.get()
        }
        _ => raw,
    }
}

/// A product that cannot overflow on checked inputs, still checked.
pub fn mul(a: Decimal, b: Decimal) -> Result<Decimal, String> {
    a.checked_mul(b).ok_or_else(|| format!("{a} × {b} overflows"))
}

/// The common fields of a spec.
pub fn common(door: &Door, id: &Spanned<String>, interpretation: Option<Wording>) -> Result<Common, RuleError> {
    Ok(Common { id: door.id("id", id)?, interpretation })
}

#[cfg(test)]
pub(crate) mod testing {
    //! Hand-worked kind tests build their rules from TOML text, as a city would write them.
    use std::collections::BTreeMap;

    use super::super::check::IndicatorInfo;
    use super::super::programme::{Programme, parse};

    /// Indicators of the tests: a share, an FTE count and a Kaplan-Meier curve.
    pub fn indicators() -> BTreeMap<String, IndicatorInfo> {
        let info = |id: &str, unit: &str, is_share: bool| IndicatorInfo {
            id: id.into(),
            unit: unit.into(),
            is_share,
            not_per_unit: None,
        };
        let mut m = BTreeMap::new();
        for i in [
            info("PAR-02", "share", true),
            info("FND-01", "share", true),
            info("JOB-01", "FTE", false),
            info("JOB-03", "FTE", false),
        ] {
            m.insert(i.id.clone(), i);
        }
        let mut km = info("SUR-02", "probability", true);
        km.not_per_unit = Some("SUR-02 is a Kaplan-Meier curve".into());
        m.insert(km.id.clone(), km);
        m
    }

    /// A programme of one EUR payer and these rules.
    pub fn programme(rules: &str) -> Programme {
        parse("t.toml", &file(rules), &indicators()).expect("parses")
    }

    /// The error loading these rules.
    pub fn error(rules: &str) -> String {
        parse("t.toml", &file(rules), &indicators()).expect_err("refused").to_string()
    }

    /// The whole file text.
    pub fn file(rules: &str) -> String {
        format!(
            "id = \"t\"\nname = \"t\"\ncurrency = \"EUR\"\nbudget = \"100000000.00\"\ndata = {{ programme = \"x\" }}\nperiods = [{{ id = \"fy1\", as_of = 2021-12-31 }}, {{ id = \"fy2\", as_of = 2022-12-31 }}, {{ id = \"fy3\", as_of = 2023-12-31 }}]\n[[payers]]\nid = \"city\"\nshare = \"100%\"\n{rules}"
        )
    }
}
