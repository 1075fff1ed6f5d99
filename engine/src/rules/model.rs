//! What rules read about a beneficiary, and what they produce: statement lines.
//!
//! Amounts here are `Decimal` in currency units (not cents); indicator values stay `f64` as the
//! indicator layer computed them and become exact decimals only through `money::exact`.

use std::collections::BTreeMap;
use std::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;

/// One beneficiary's value of one indicator, unsuppressed (payouts are never published as
/// tables), exactly as the indicator layer's per-unit seam gives it.
pub use impatto_indicators::per_unit::UnitValue as IndicatorValue;

/// A civic-crowdfunding campaign. Amounts in currency units.
#[derive(Clone, Debug, PartialEq)]
pub struct Campaign {
    /// Opening day (day 0 of the window).
    pub opened_on: NaiveDate,
    /// Closing day.
    pub closed_on: NaiveDate,
    /// Budget of the project the campaign funds.
    pub budget: Decimal,
    /// Raised from citizens by the closing day.
    pub raised: Decimal,
    /// Raised by the end of the call's window, when the campaign ran longer (panel column
    /// `raised_by_deadline_cents`); `None` when not recorded.
    pub raised_by_deadline: Option<Decimal>,
}

/// An outcome event of a participant (a spell: it starts, and may lapse).
#[derive(Clone, Debug, PartialEq)]
pub struct OutcomeEvent {
    /// Event code in the `outcomes` table.
    pub event: String,
    /// Start of the outcome (spell).
    pub achieved_on: NaiveDate,
    /// End of the spell, if it lapsed.
    pub lapsed_on: Option<NaiveDate>,
    /// Evidence checked; only verified events are paid.
    pub verified: bool,
}

/// What the rules read about one beneficiary.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct BeneficiaryInputs {
    /// Beneficiary id.
    pub id: String,
    /// Eligible costs, currency units.
    pub eligible_costs: Decimal,
    /// Indicator id → its value as of the period (absent: no value as of the period).
    pub indicators: BTreeMap<String, IndicatorValue>,
    /// Indicator id → its value as of each earlier period of the file, oldest first (`None`
    /// where it had no value then). Read only by rules that look back (`previous_best`).
    pub earlier: BTreeMap<String, Vec<Option<IndicatorValue>>>,
    /// The beneficiary's campaign, if it ran one.
    pub campaign: Option<Campaign>,
    /// End of support.
    pub support_end: Option<NaiveDate>,
    /// Day of a closure that is a death (`impatto_datasets::derived`) on or before the as-of date.
    pub closed_on: Option<NaiveDate>,
    /// Participants of this provider: (participant id, outcome events), by participant id.
    pub participants: Vec<(String, Vec<OutcomeEvent>)>,
}

/// Outcome of one line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Paid in full.
    Paid,
    /// Paid less than claimed: the budget or a payer's commitment was short.
    Reduced,
    /// Targets not met: nothing due.
    NotMet,
    /// Money recovered from an earlier payment (a negative line).
    Recovered,
    /// Data needed by the rule is missing: nothing paid, flagged for follow-up.
    MissingData,
}

impl Status {
    /// The name statements and traces print.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Paid => "paid",
            Status::Reduced => "reduced",
            Status::NotMet => "not_met",
            Status::Recovered => "recovered",
            Status::MissingData => "missing_data",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a payment is disbursed; loans are reported apart from grants.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Instrument {
    /// A grant (non-repayable). Default.
    #[default]
    Grant,
    /// A subsidised loan: still a disbursement, reported apart.
    Loan,
}

impl Instrument {
    /// The name written in rule files and statements.
    pub fn as_str(self) -> &'static str {
        match self {
            Instrument::Grant => "grant",
            Instrument::Loan => "loan",
        }
    }
}

/// What an auditor needs to find one claim of a rate card: who, what, when it fell due, its
/// place in the order claims are met, and the caps that cut it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClaimRef {
    /// Participant id.
    pub participant: String,
    /// Priced outcome.
    pub outcome: String,
    /// Day the claim fell due (achievement, or the end of the sustained spell).
    pub due_on: NaiveDate,
    /// 1-based position among the provider's claims in the order they are met.
    pub order: usize,
    /// Caps that cut this claim (`per_participant_cap`, `prices[i].cap`, `per_provider_cap`).
    pub caps: Vec<String>,
}

/// One step of a line's explanation: a message of the catalogues (`engine/i18n/{it,en}.ftl`,
/// ids `step-…`) and its arguments. People read it in their language ([`Step::render`]): the
/// statement text, the city's report. The JSON and CSV statements and the ledger keep the English
/// of [`fmt::Display`], with bare amounts (`35013.00`), so they do not change with the language.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// Catalogue message id (`step-cost-share`).
    pub id: &'static str,
    /// Named arguments of the message.
    pub args: Vec<(&'static str, StepArg)>,
}

/// An argument of a [`Step`].
#[derive(Clone, Debug, PartialEq)]
pub enum StepArg {
    /// Read the same in every language: an id, a share as written in the rule (`50%`).
    Text(String),
    /// Money, currency units: `35013.00` in machine text, `€ 35.013,00` for an Italian reader.
    Money(Decimal),
    /// An exact number as computed, all its decimals: `17506.5`, `17.506,5` in Italian.
    Number(Decimal),
    /// A date: `2025-12-31`, `31/12/2025` in Italian.
    Date(NaiveDate),
    /// A fraction shown as a percentage: `41.5%`, `41,5%` in Italian.
    Percent(Decimal),
    /// Payers and the money each pays: `comune-di-milano 17506.50, fondazione 500.00`.
    Payers(Vec<(String, Decimal)>),
}

/// Constructors of [`StepArg`], for the `step!` macro.
pub mod arg {
    use super::StepArg;
    use chrono::NaiveDate;
    use rust_decimal::Decimal;

    /// Text read the same in every language.
    pub fn text(t: impl ToString) -> StepArg {
        StepArg::Text(t.to_string())
    }
    /// Money in currency units.
    pub fn money(x: Decimal) -> StepArg {
        StepArg::Money(x)
    }
    /// An exact number.
    pub fn num(x: Decimal) -> StepArg {
        StepArg::Number(x)
    }
    /// A whole count.
    pub fn count(n: impl Into<i64>) -> StepArg {
        StepArg::Number(Decimal::from(n.into()))
    }
    /// An indicator's floating-point value, exactly as its shortest text (2.5 stays 2.5).
    pub fn float(x: f64) -> StepArg {
        x.to_string().parse::<Decimal>().map_or_else(|_| StepArg::Text(x.to_string()), StepArg::Number)
    }
    /// A date.
    pub fn day(d: NaiveDate) -> StepArg {
        StepArg::Date(d)
    }
    /// A fraction as a percentage.
    pub fn percent(x: Decimal) -> StepArg {
        StepArg::Percent(x)
    }
}

/// A [`Step`]: `step!("step-cost-share", share = percent(s), costs = money(c), raw = num(r))`.
macro_rules! step {
    ($id:literal $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::rules::model::Step::new($id, vec![$((stringify!($name), $value)),*])
    };
}
pub(crate) use step;

impl Step {
    /// The step `id` with `args`.
    pub fn new(id: &'static str, args: Vec<(&'static str, StepArg)>) -> Step {
        Step { id, args }
    }

    /// The step in `texts`' language; money with its `currency` (ISO 4217), or bare when `None`.
    pub fn render(&self, texts: &crate::i18n::Texts, currency: Option<&str>) -> String {
        let shown: Vec<(&str, String)> = self
            .args
            .iter()
            .map(|(name, value)| {
                let text = match (value, currency) {
                    (StepArg::Text(t), _) => t.clone(),
                    (StepArg::Money(m), None) => super::money::amount(*m),
                    (StepArg::Money(m), Some(c)) => texts.money(*m, c),
                    (StepArg::Number(x), None) => x.normalize().to_string(),
                    (StepArg::Number(x), Some(_)) => texts.decimal(*x, x.normalize().scale()),
                    (StepArg::Date(d), None) => d.format("%Y-%m-%d").to_string(),
                    (StepArg::Date(d), Some(_)) => texts.date(*d),
                    (StepArg::Percent(x), None) => super::money::percent(*x),
                    (StepArg::Payers(list), currency) => list
                        .iter()
                        .map(|(id, m)| {
                            format!("{id} {}", currency.map_or_else(|| super::money::amount(*m), |c| texts.money(*m, c)))
                        })
                        .collect::<Vec<_>>()
                        .join(", "),
                    (StepArg::Percent(x), Some(_)) => {
                        let p = (*x * Decimal::ONE_HUNDRED).normalize();
                        format!("{}%", texts.decimal(p, p.scale()))
                    }
                };
                (*name, text)
            })
            .collect();
        // A whole number also comes as `NAME_n`, a count the message can choose its plural by
        // (`1 evento`, `3 eventi`), since the number itself arrives already written.
        let counts: Vec<(String, usize)> = self
            .args
            .iter()
            .filter_map(|(name, value)| match value {
                StepArg::Number(x) if x.fract().is_zero() => {
                    Some((format!("{name}_n"), rust_decimal::prelude::ToPrimitive::to_usize(&x.abs()).unwrap_or(usize::MAX)))
                }
                _ => None,
            })
            .collect();
        let mut args: Vec<(&str, crate::i18n::Arg<'_>)> = shown.iter().map(|(n, t)| (*n, crate::i18n::Arg::Text(t))).collect();
        args.extend(counts.iter().map(|(n, c)| (n.as_str(), crate::i18n::Arg::Count(*c))));
        texts.get(self.id, &args)
    }
}

thread_local! {
    static ENGLISH: crate::i18n::Texts = crate::i18n::Texts::new(crate::i18n::Lang::En);
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&ENGLISH.with(|t| self.render(t, None)))
    }
}

/// Steps as the machine outputs keep them (English, bare amounts).
pub fn english(steps: &[Step]) -> Vec<String> {
    steps.iter().map(Step::to_string).collect()
}

/// What a rule gives one beneficiary (or one claim of it), before rounding and budget.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// Paid, not met, missing data or recovered.
    pub status: Status,
    /// Amount due, currency units, unrounded; negative for a recovery.
    pub raw: Decimal,
    /// The arithmetic, one step a line.
    pub trace: Vec<Step>,
    /// Conditions an auditor should see.
    pub flags: Vec<String>,
    /// For per-claim lines (rate cards).
    pub claim: Option<ClaimRef>,
}

impl Outcome {
    /// An outcome with nothing due.
    pub fn nothing(status: Status, trace: Vec<Step>) -> Outcome {
        Outcome { status, raw: Decimal::ZERO, trace, flags: Vec::new(), claim: None }
    }

    /// A positive payment.
    pub fn paid(raw: Decimal, trace: Vec<Step>) -> Outcome {
        Outcome { status: Status::Paid, raw, trace, flags: Vec::new(), claim: None }
    }
}

/// One statement line: a beneficiary under a rule (or one claim under a rate card).
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    /// Beneficiary id.
    pub beneficiary: String,
    /// Rule id.
    pub rule: String,
    /// Rule kind (`RuleKind::KIND`).
    pub kind: &'static str,
    /// Grant or loan.
    pub instrument: Instrument,
    /// Outcome.
    pub status: Status,
    /// Amount due under the rule, currency units rounded to the cent, before budget and payers.
    pub claim: Decimal,
    /// Amount paid, currency units (negative for a recovery).
    pub amount: Decimal,
    /// Payer id → amount paid by it, currency units, in payer order.
    pub payers: Vec<(String, Decimal)>,
    /// The interpretation of the call's wording, if the rule states one.
    pub interpretation: Option<Wording>,
    /// Conditions an auditor should see (e.g. a gap left to the promoter).
    pub flags: Vec<String>,
    /// Step-by-step explanation, each step with its own arithmetic.
    pub trace: Vec<Step>,
    /// The claim, for per-claim lines.
    pub claim_ref: Option<ClaimRef>,
}

/// A whole evaluation. Amounts in currency units.
#[derive(Clone, Debug, PartialEq)]
pub struct Evaluation {
    /// Lines, by rule order then beneficiary id (then due order for per-claim lines);
    /// clawback lines last.
    pub lines: Vec<Line>,
    /// Σ positive claims.
    pub claimed: Decimal,
    /// Σ paid, net of recoveries.
    pub paid: Decimal,
    /// Claims left unpaid for want of budget or payer commitment.
    pub unfunded: Decimal,
    /// Recovered by clawbacks and baseline recoveries (a positive sum; the lines are negative).
    pub recovered: Decimal,
    /// Notes on budget and payer caps.
    pub notes: Vec<String>,
}

/// Text a rule file gives its readers: one text for every language (`"…"`), or an Italian and an
/// English one (`{ it = "…", en = "…" }`), as the definitions' names are written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Wording {
    /// The same text in every language.
    Same(String),
    /// An Italian and an English text.
    ItEn {
        /// Italian.
        it: String,
        /// English.
        en: String,
    },
}

impl Wording {
    /// The text for `lang`.
    pub fn get(&self, lang: crate::i18n::Lang) -> &str {
        match self {
            Wording::Same(text) => text,
            Wording::ItEn { it, en } => {
                if lang == crate::i18n::Lang::It {
                    it
                } else {
                    en
                }
            }
        }
    }

    /// The text machine formats (JSON, CSV) carry: the single text, or `it` and `en` joined as
    /// `it: … | en: …` so that neither is lost.
    pub fn machine(&self) -> String {
        match self {
            Wording::Same(text) => text.clone(),
            Wording::ItEn { it, en } => format!("it: {it} | en: {en}"),
        }
    }
}

impl<'de> serde::Deserialize<'de> for Wording {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        const EXPECTED: &str = "a text, or { it = \"…\", en = \"…\" } with both languages";
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Wording;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(EXPECTED)
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Wording, E> {
                Ok(Wording::Same(text.to_string()))
            }
            fn visit_map<M: serde::de::MapAccess<'de>>(self, mut map: M) -> Result<Wording, M::Error> {
                let (mut it, mut en) = (None, None);
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "it" => it = Some(map.next_value::<String>()?),
                        "en" => en = Some(map.next_value::<String>()?),
                        other => {
                            return Err(serde::de::Error::custom(format!("expected {EXPECTED}, found the key `{other}`")));
                        }
                    }
                }
                match (it, en) {
                    (Some(it), Some(en)) => Ok(Wording::ItEn { it, en }),
                    (it, _) => Err(serde::de::Error::custom(format!(
                        "expected {EXPECTED}, found only `{}`; hint: give the same text for both, or write it as one text",
                        if it.is_some() { "it" } else { "en" }
                    ))),
                }
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::arg::{count, money, num, percent};
    use super::*;
    use crate::i18n::{Lang, Texts};

    /// FabriQ Quarto 2018's first grant line, worked by hand: 50% of €35,013.00 is €17,506.50.
    /// Machine text (JSON, CSV, ledger) as before the steps were catalogued; people read it in
    /// their language with the programme's currency.
    #[test]
    fn a_step_reads_in_each_language_and_stays_bare_for_machines() {
        let s = step!(
            "step-cost-share",
            share = percent(Decimal::new(5, 1)),
            costs = money(Decimal::new(3501300, 2)),
            raw = num(Decimal::new(175065, 1))
        );
        assert_eq!(s.to_string(), "50% × eligible costs 35013.00 = 17506.5");
        assert_eq!(s.render(&Texts::new(Lang::En), Some("EUR")), "50% × eligible costs €35,013.00 = 17,506.5");
        assert_eq!(s.render(&Texts::new(Lang::It), Some("EUR")), "50% × costi ammissibili € 35.013,00 = 17.506,5");
        let payers = step!(
            "step-paid-by",
            payers = StepArg::Payers(vec![("city".into(), Decimal::new(566038, 2)), ("region".into(), Decimal::new(377358, 2))])
        );
        assert_eq!(payers.to_string(), "paid by city 5660.38, region 3773.58");
        assert_eq!(payers.render(&Texts::new(Lang::It), Some("EUR")), "pagato da city € 5.660,38, region € 3.773,58");
        let share = step!("step-target-met", id = arg::text("PAR-02"), target = percent(Decimal::new(415, 3)));
        assert_eq!(share.render(&Texts::new(Lang::It), Some("EUR")), "obiettivo PAR-02 ≥ 41,5%: raggiunto");
        // A count chooses the Italian plural; the machine English keeps its "(s)".
        let one = step!("step-unverified", events = count(1));
        let three = step!("step-unverified", events = count(3));
        assert_eq!(one.render(&Texts::new(Lang::It), Some("EUR")), "1 evento non verificato non pagato");
        assert_eq!(three.render(&Texts::new(Lang::It), Some("EUR")), "3 eventi non verificati non pagati");
        assert_eq!(one.to_string(), "1 unverified event(s) not paid");
    }

    /// Every step the rules write has a message in both catalogues: a missing one would print
    /// its id.
    #[test]
    fn every_step_written_has_its_message_in_both_languages() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/rules");
        let mut files = vec![root.join("evaluate.rs"), root.join("budget.rs"), root.join("model.rs")];
        files.extend(std::fs::read_dir(root.join("kinds")).expect("kinds").map(|e| e.expect("entry").path()));
        let mut ids = std::collections::BTreeSet::new();
        for file in files {
            let text = std::fs::read_to_string(&file).expect("source");
            for piece in text.split("\"step-").skip(1) {
                let id: String = piece.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
                if id.is_empty() || !piece[id.len()..].starts_with('"') {
                    continue;
                }
                ids.insert(format!("step-{id}"));
            }
        }
        assert!(ids.len() > 50, "{} step ids found", ids.len());
        for lang in Lang::ALL {
            let texts = Texts::new(lang);
            let missing: Vec<&String> = ids.iter().filter(|id| !texts.has(id)).collect();
            assert!(missing.is_empty(), "{lang}: {missing:?}");
        }
    }
}
