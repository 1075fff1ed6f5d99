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

/// What a rule gives one beneficiary (or one claim of it), before rounding and budget.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// Paid, not met, missing data or recovered.
    pub status: Status,
    /// Amount due, currency units, unrounded; negative for a recovery.
    pub raw: Decimal,
    /// The arithmetic, one step a line.
    pub trace: Vec<String>,
    /// Conditions an auditor should see.
    pub flags: Vec<String>,
    /// For per-claim lines (rate cards).
    pub claim: Option<ClaimRef>,
}

impl Outcome {
    /// An outcome with nothing due.
    pub fn nothing(status: Status, trace: Vec<String>) -> Outcome {
        Outcome { status, raw: Decimal::ZERO, trace, flags: Vec::new(), claim: None }
    }

    /// A positive payment.
    pub fn paid(raw: Decimal, trace: Vec<String>) -> Outcome {
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
    pub trace: Vec<String>,
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
