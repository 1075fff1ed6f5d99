//! Payout statements: lines, totals by rule and by payer, provenance — in CSV, JSON, Parquet
//! and a readable report. Amounts are exact decimals in text formats and whole cents in
//! Parquet, so no reader ever sees a float.

use std::collections::BTreeMap;
use std::fmt::Write;

use chrono::NaiveDate;
use polars::prelude::*;
use rust_decimal::Decimal;

use super::model::{Evaluation, Line, Status, Wording};
use super::money::{amount as money, whole_cents};
use super::programme::Programme;
use crate::error::{Error, Result};
use crate::i18n::{Arg, Texts};

/// A computed statement with its provenance.
#[derive(Clone, Debug)]
pub struct Statement {
    /// Programme id.
    pub programme: String,
    /// The `beneficiaries.programme` value the rule file pays (`data.programme`): the programme
    /// its indicators are published under.
    pub data_programme: String,
    /// The edition it pays, when only one (`data.edition`).
    pub data_edition: Option<i64>,
    /// Programme name, in each language when the rule file gives both.
    pub name: super::model::Wording,
    /// Rule file path.
    pub rule_file: String,
    /// `sha256:` of the rule file.
    pub rule_hash: String,
    /// The rule file's sign-off state ([`crate::signoff::State`]): `signed: NAME (ROLE), DATE`
    /// or `draft`. Draft until the caller checks the records.
    pub signoff: crate::signoff::State,
    /// Period id.
    pub period: String,
    /// As-of date.
    pub as_of: NaiveDate,
    /// Currency.
    pub currency: String,
    /// Budget.
    pub budget: Decimal,
    /// `sha256:` of the input panel files.
    pub input_hash: String,
    /// impatto version.
    pub engine_version: String,
    /// Payer ids in order.
    pub payers: Vec<String>,
    /// Each payer's commitment, currency units (payers without one are absent).
    pub commitments: std::collections::BTreeMap<String, Decimal>,
    /// The evaluation.
    pub evaluation: Evaluation,
}

impl Statement {
    /// Stamp an evaluation with its provenance.
    pub fn new(p: &Programme, period: String, as_of: NaiveDate, input_hash: String, evaluation: Evaluation) -> Self {
        Statement {
            programme: p.id.clone(),
            data_programme: p.data.programme.clone(),
            data_edition: p.data.edition,
            name: p.name.clone(),
            rule_file: p.path.clone(),
            rule_hash: p.hash.clone(),
            signoff: crate::signoff::State::Draft { lapsed: None },
            period,
            as_of,
            currency: p.currency.clone(),
            budget: p.budget.get(),
            input_hash,
            engine_version: env!("CARGO_PKG_VERSION").to_string(),
            payers: p.payers.iter().map(|x| x.id.clone()).collect(),
            commitments: p.payers.iter().filter_map(|x| Some((x.id.clone(), x.commitment?.get()))).collect(),
            evaluation,
        }
    }

    /// (rule, claimed, paid) in first-appearance order.
    pub fn totals_by_rule(&self) -> Vec<(String, Decimal, Decimal)> {
        let mut order: Vec<String> = Vec::new();
        let mut sums: BTreeMap<String, (Decimal, Decimal)> = BTreeMap::new();
        for l in &self.evaluation.lines {
            if !order.contains(&l.rule) {
                order.push(l.rule.clone());
            }
            let e = sums.entry(l.rule.clone()).or_default();
            e.0 += l.claim;
            e.1 += l.amount;
        }
        order
            .into_iter()
            .map(|r| {
                let (c, p) = sums.get(&r).copied().unwrap_or_default();
                (r, c, p)
            })
            .collect()
    }

    /// (instrument, paid): grants and loans reported apart.
    pub fn totals_by_instrument(&self) -> Vec<(&'static str, Decimal)> {
        let mut out: Vec<(&'static str, Decimal)> = Vec::new();
        for l in &self.evaluation.lines {
            match out.iter_mut().find(|(i, _)| *i == l.instrument.as_str()) {
                Some(slot) => slot.1 += l.amount,
                None => out.push((l.instrument.as_str(), l.amount)),
            }
        }
        out
    }

    /// (payer, paid) in payer order.
    pub fn totals_by_payer(&self) -> Vec<(String, Decimal)> {
        self.payers
            .iter()
            .enumerate()
            .map(|(i, id)| {
                (id.clone(), self.evaluation.lines.iter().map(|l| l.payers.get(i).map(|p| p.1).unwrap_or_default()).sum())
            })
            .collect()
    }

    /// The statement as JSON (amounts as exact decimal strings; the shape is [`json::Statement`]).
    pub fn to_json(&self) -> Result<Vec<u8>> {
        let mut out = serde_json::to_vec_pretty(&json::Statement::of(self)).map_err(|e| Error::Internal(e.to_string()))?;
        out.push(b'\n');
        Ok(out)
    }

    fn frame(&self, as_cents: bool) -> Result<DataFrame> {
        let lines = &self.evaluation.lines;
        let text = |name: &str, f: &dyn Fn(&Line) -> String| Column::new(name.into(), lines.iter().map(f).collect::<Vec<_>>());
        let amount = |name: &str, f: &dyn Fn(&Line) -> Decimal| {
            if as_cents {
                Column::new(format!("{name}_cents").into(), lines.iter().map(|l| whole_cents(f(l))).collect::<Vec<_>>())
            } else {
                Column::new(name.into(), lines.iter().map(|l| money(f(l))).collect::<Vec<_>>())
            }
        };
        let mut cols = vec![
            text("programme", &|_| self.programme.clone()),
            text("period", &|_| self.period.clone()),
            text("beneficiary", &|l| l.beneficiary.clone()),
            text("rule", &|l| l.rule.clone()),
            text("kind", &|l| l.kind.to_string()),
            text("instrument", &|l| l.instrument.as_str().to_string()),
            text("status", &|l| l.status.as_str().to_string()),
            amount("claim", &|l| l.claim),
            amount("amount", &|l| l.amount),
        ];
        for (i, p) in self.payers.iter().enumerate() {
            cols.push(amount(&format!("payer_{p}"), &|l| l.payers.get(i).map(|x| x.1).unwrap_or_default()));
        }
        fn of(l: &Line, f: fn(&super::model::ClaimRef) -> String) -> String {
            l.claim_ref.as_ref().map(f).unwrap_or_default()
        }
        cols.extend([
            text("participant", &|l| of(l, |c| c.participant.clone())),
            text("outcome", &|l| of(l, |c| c.outcome.clone())),
            text("due_on", &|l| of(l, |c| c.due_on.format("%Y-%m-%d").to_string())),
            text("claim_order", &|l| of(l, |c| c.order.to_string())),
            text("caps_applied", &|l| of(l, |c| c.caps.join(" "))),
            text("currency", &|_| self.currency.clone()),
            text("flags", &|l| l.flags.join("; ")),
            text("explanation", &|l| super::model::english(&l.trace).join("; ")),
            text("interpretation", &|l| l.interpretation.as_ref().map(Wording::machine).unwrap_or_default()),
            text("as_of", &|_| self.as_of.format("%Y-%m-%d").to_string()),
            text("rule_hash", &|_| self.rule_hash.clone()),
            text("signoff", &|_| self.signoff.to_string()),
            text("input_hash", &|_| self.input_hash.clone()),
            text("engine_version", &|_| self.engine_version.clone()),
        ]);
        DataFrame::new_infer_height(cols).map_err(|e| Error::Internal(format!("statement frame: {e}")))
    }

    /// CSV lines (amounts as exact decimal text), in the machine dialect.
    pub fn to_csv(&self) -> Result<Vec<u8>> {
        self.to_csv_in(crate::output::CsvDialect::Machine)
    }

    /// CSV lines in `dialect`: with [`CsvDialect::ExcelIt`](crate::output::CsvDialect) amounts read
    /// `35000,00` and dates `31/12/2025`, still exact (the text is the decimal, not a float).
    pub fn to_csv_in(&self, dialect: crate::output::CsvDialect) -> Result<Vec<u8>> {
        let payers: Vec<String> = self.payers.iter().map(|p| format!("payer_{p}")).collect();
        let mut decimals = vec!["claim", "amount"];
        decimals.extend(payers.iter().map(String::as_str));
        crate::output::csv_bytes(&mut self.frame(false)?, dialect, &decimals, &["due_on", "as_of"])
    }

    /// Parquet lines (amounts as Int64 cents).
    pub fn to_parquet(&self) -> Result<Vec<u8>> {
        crate::output::frame_bytes(&mut self.frame(true)?, crate::output::TableFormat::Parquet)
    }

    /// The report people read, in `t`'s language: [`Statement::summary`], then one line per
    /// beneficiary and rule with its status, claim and amount paid.
    pub fn report(&self, t: &Texts) -> String {
        let mut out = self.summary(t);
        let c = &self.currency;
        let _ = writeln!(
            out,
            "\n{:<22} {:<24} {:<22} {:>16} {:>16}",
            t.get("column-beneficiary", &[]),
            t.get("column-rule", &[]),
            t.get("column-status", &[]),
            t.get("column-claim", &[]),
            t.get("column-paid", &[])
        );
        for l in &self.evaluation.lines {
            let _ = writeln!(
                out,
                "{:<22} {:<24} {:<22} {:>16} {:>16}",
                l.beneficiary,
                l.rule,
                t.get(&format!("status-{}", l.status.as_str()), &[]),
                t.money(l.claim, c),
                t.money(l.amount, c)
            );
        }
        out
    }

    /// The report's summary in `t`'s language: provenance, totals by rule, instrument (grants and
    /// loans apart) and payer, notes and flags.
    pub fn summary(&self, t: &Texts) -> String {
        let mut out = String::new();
        let c = &self.currency;
        let m = |x: Decimal| t.money(x, c);
        let as_of = t.date(self.as_of);
        let line = |out: &mut String, id: &str, args: &[(&str, Arg<'_>)]| {
            out.push_str(&t.get(id, args));
            out.push('\n');
        };
        line(
            &mut out,
            "statement-title",
            &[
                ("name", Arg::Text(self.name.get(t.lang()))),
                ("programme", Arg::Text(&self.programme)),
                ("period", Arg::Text(&self.period)),
                ("as-of", Arg::Text(&as_of)),
            ],
        );
        line(&mut out, "statement-rules", &[("file", Arg::Text(&self.rule_file)), ("hash", Arg::Text(&self.rule_hash))]);
        line(&mut out, "statement-signoff", &[("state", Arg::Text(&crate::signoff::state_text(&self.signoff, t)))]);
        line(&mut out, "statement-data", &[("hash", Arg::Text(&self.input_hash)), ("version", Arg::Text(&self.engine_version))]);
        out.push('\n');
        let (budget, claimed, paid, unfunded) =
            (m(self.budget), m(self.evaluation.claimed), m(self.evaluation.paid), m(self.evaluation.unfunded));
        line(
            &mut out,
            "statement-totals",
            &[
                ("budget", Arg::Text(&budget)),
                ("claimed", Arg::Text(&claimed)),
                ("paid", Arg::Text(&paid)),
                ("unfunded", Arg::Text(&unfunded)),
            ],
        );
        if !self.evaluation.recovered.is_zero() {
            let amount = m(self.evaluation.recovered);
            line(&mut out, "statement-recovered", &[("amount", Arg::Text(&amount))]);
        }
        let (claimed_word, paid_word) = (t.get("statement-claimed", &[]), t.get("statement-paid", &[]));
        line(&mut out, "statement-by-rule", &[]);
        for (r, claimed, paid) in self.totals_by_rule() {
            let _ = writeln!(out, "  {r:<24} {claimed_word} {:>16}  {paid_word} {:>16}", m(claimed), m(paid));
        }
        line(&mut out, "statement-by-instrument", &[]);
        for (i, paid) in self.totals_by_instrument() {
            let _ = writeln!(out, "  {:<28} {paid_word} {:>16}", t.get(&format!("instrument-{i}"), &[]), m(paid));
        }
        line(&mut out, "statement-by-payer", &[]);
        for (p, paid) in self.totals_by_payer() {
            let _ = writeln!(out, "  {p:<24} {paid_word} {:>16}", m(paid));
        }
        for n in &self.evaluation.notes {
            line(&mut out, "statement-note", &[("text", Arg::Text(n))]);
        }
        for l in self.evaluation.lines.iter().filter(|l| !l.flags.is_empty()) {
            let flags = l.flags.join("; ");
            line(
                &mut out,
                "statement-flag",
                &[("beneficiary", Arg::Text(&l.beneficiary)), ("rule", Arg::Text(&l.rule)), ("flags", Arg::Text(&flags))],
            );
        }
        let flagged = self.evaluation.lines.iter().filter(|l| l.status == Status::MissingData).count();
        if flagged > 0 {
            line(&mut out, "statement-flagged", &[("count", Arg::Count(flagged))]);
        }
        out
    }

    /// What was paid through loans (reported apart from grants): zero when none.
    pub fn paid_in_loans(&self) -> Decimal {
        let loan = super::model::Instrument::Loan.as_str();
        self.totals_by_instrument().into_iter().find(|(i, _)| *i == loan).map_or(Decimal::ZERO, |(_, paid)| paid)
    }
}

/// The trace of one beneficiary, as `impatto explain` prints it, in `t`'s language, money with
/// the programme's currency; `None` when the beneficiary has no line.
pub fn explain(statement: &Statement, beneficiary: &str, t: &Texts) -> Option<String> {
    let lines: Vec<&Line> = statement.evaluation.lines.iter().filter(|l| l.beneficiary == beneficiary).collect();
    if lines.is_empty() {
        return None;
    }
    let c = &statement.currency;
    let mut out = String::new();
    let as_of = t.date(statement.as_of);
    out.push_str(&t.get(
        "explain-title",
        &[
            ("name", Arg::Text(statement.name.get(t.lang()))),
            ("programme", Arg::Text(&statement.programme)),
            ("beneficiary", Arg::Text(beneficiary)),
            ("period", Arg::Text(&statement.period)),
            ("as-of", Arg::Text(&as_of)),
        ],
    ));
    out.push('\n');
    for l in &lines {
        let (instrument, status) =
            (t.get(&format!("instrument-{}", l.instrument.as_str()), &[]), t.get(&format!("status-{}", l.status.as_str()), &[]));
        let kind = l.kind.to_string();
        out.push('\n');
        out.push_str(&t.get(
            "explain-rule",
            &[
                ("rule", Arg::Text(&l.rule)),
                ("kind", Arg::Text(&kind)),
                ("instrument", Arg::Text(&instrument)),
                ("status", Arg::Text(&status)),
            ],
        ));
        if let Some(r) = &l.claim_ref {
            let (order, due) = (r.order.to_string(), t.date(r.due_on));
            out.push(' ');
            out.push_str(&t.get(
                "explain-claim",
                &[
                    ("order", Arg::Text(&order)),
                    ("outcome", Arg::Text(&r.outcome)),
                    ("participant", Arg::Text(&r.participant)),
                    ("due", Arg::Text(&due)),
                ],
            ));
        }
        out.push('\n');
        if let Some(i) = &l.interpretation {
            let _ = writeln!(out, "  {}", t.get("explain-reading", &[("text", Arg::Text(i.get(t.lang())))]));
        }
        for step in &l.trace {
            let _ = writeln!(out, "  - {}", step.render(t, Some(c)));
        }
        let (claim, paid) = (t.money(l.claim, c), t.money(l.amount, c));
        let _ = writeln!(out, "  {}", t.get("explain-result", &[("claim", Arg::Text(&claim)), ("paid", Arg::Text(&paid))]));
    }
    let total = t.money(lines.iter().map(|l| l.amount).sum(), c);
    out.push('\n');
    out.push_str(&t.get("explain-total", &[("beneficiary", Arg::Text(beneficiary)), ("amount", Arg::Text(&total))]));
    out.push('\n');
    for n in &statement.evaluation.notes {
        out.push_str(&t.get("statement-note", &[("text", Arg::Text(n))]));
        out.push('\n');
    }
    Some(out)
}

/// The statement's JSON shape: serialize-only types, apart from the evaluation's, so the
/// published format changes only when these do (golden files in `engine/tests/golden/`).
/// Amounts are decimal strings with two places, dates `YYYY-MM-DD`.
pub mod json {
    use serde::Serialize;

    use super::super::model::Line;
    use super::money;

    /// A whole statement.
    #[derive(Debug, Serialize)]
    pub struct Statement<'a> {
        /// Which rule file.
        pub programme: Programme<'a>,
        /// Which period.
        pub period: Period<'a>,
        /// ISO 4217.
        pub currency: &'a str,
        /// Budget, currency units.
        pub budget: String,
        /// `sha256:` of the input files.
        pub input_hash: &'a str,
        /// impatto version.
        pub engine_version: &'a str,
        /// Totals.
        pub totals: Totals<'a>,
        /// Notes on budget and payer caps.
        pub notes: &'a [String],
        /// Every line.
        pub lines: Vec<StatementLine<'a>>,
    }

    /// The rule file.
    #[derive(Debug, Serialize)]
    pub struct Programme<'a> {
        /// Programme id.
        pub id: &'a str,
        /// Name (the English one when the rule file gives it in Italian and English).
        pub name: &'a str,
        /// Path of the rule file.
        pub rule_file: &'a str,
        /// `sha256:` of the rule file.
        pub rule_hash: &'a str,
        /// Sign-off state of the rule file: `signed: NAME (ROLE), DATE` or `draft`.
        pub signoff: String,
    }

    /// The period.
    #[derive(Debug, Serialize)]
    pub struct Period<'a> {
        /// Period id.
        pub id: &'a str,
        /// As-of date.
        pub as_of: String,
    }

    /// Totals, currency units.
    #[derive(Debug, Serialize)]
    pub struct Totals<'a> {
        /// Σ positive claims.
        pub claimed: String,
        /// Σ paid, net of recoveries.
        pub paid: String,
        /// Claims cut for want of budget or payer commitment.
        pub unfunded: String,
        /// Recovered (positive).
        pub recovered: String,
        /// By rule, in file order.
        pub by_rule: Vec<ByRule>,
        /// Grants and loans apart.
        pub by_instrument: Vec<ByInstrument<'a>>,
        /// By payer, in file order.
        pub by_payer: Vec<ByPayer>,
    }

    /// One rule's totals.
    #[derive(Debug, Serialize)]
    pub struct ByRule {
        /// Rule id.
        pub rule: String,
        /// Claimed.
        pub claimed: String,
        /// Paid.
        pub paid: String,
    }

    /// One instrument's total.
    #[derive(Debug, Serialize)]
    pub struct ByInstrument<'a> {
        /// `grant` or `loan`.
        pub instrument: &'a str,
        /// Paid.
        pub paid: String,
    }

    /// One payer's total.
    #[derive(Debug, Serialize)]
    pub struct ByPayer {
        /// Payer id.
        pub payer: String,
        /// Paid.
        pub paid: String,
    }

    /// A rate card's claim.
    #[derive(Debug, Serialize)]
    pub struct ClaimRef<'a> {
        /// Participant id.
        pub participant: &'a str,
        /// Priced outcome.
        pub outcome: &'a str,
        /// Due date.
        pub due_on: String,
        /// Position in the order claims are met.
        pub order: usize,
        /// Caps that cut it.
        pub caps: &'a [String],
    }

    /// One line.
    #[derive(Debug, Serialize)]
    pub struct StatementLine<'a> {
        /// Beneficiary id.
        pub beneficiary: &'a str,
        /// Rule id.
        pub rule: &'a str,
        /// Rule kind.
        pub kind: &'a str,
        /// `grant` or `loan`.
        pub instrument: &'a str,
        /// `paid`, `reduced`, `not_met`, `recovered` or `missing_data`.
        pub status: &'a str,
        /// Claim, rounded, before budget.
        pub claim: String,
        /// Paid.
        pub amount: String,
        /// Payer id → paid, in payer order (ids are unique in the file).
        pub payers: PayerParts<'a>,
        /// The claim, for per-claim lines.
        pub claim_ref: Option<ClaimRef<'a>>,
        /// How the call's wording is read.
        pub interpretation: Option<String>,
        /// Conditions an auditor should see.
        pub flags: &'a [String],
        /// The arithmetic, step by step.
        pub explanation: Vec<String>,
    }

    /// Payer parts as a JSON object in payer order.
    #[derive(Debug)]
    pub struct PayerParts<'a>(&'a [(String, rust_decimal::Decimal)]);

    impl Serialize for PayerParts<'_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            use serde::ser::SerializeMap;
            let mut m = s.serialize_map(Some(self.0.len()))?;
            for (id, a) in self.0 {
                m.serialize_entry(id, &money(*a))?;
            }
            m.end()
        }
    }

    impl<'a> Statement<'a> {
        /// The JSON shape of a statement.
        pub fn of(st: &'a super::Statement) -> Statement<'a> {
            let e = &st.evaluation;
            Statement {
                programme: Programme {
                    id: &st.programme,
                    name: st.name.get(crate::i18n::Lang::En),
                    rule_file: &st.rule_file,
                    rule_hash: &st.rule_hash,
                    signoff: st.signoff.to_string(),
                },
                period: Period { id: &st.period, as_of: st.as_of.format("%Y-%m-%d").to_string() },
                currency: &st.currency,
                budget: money(st.budget),
                input_hash: &st.input_hash,
                engine_version: &st.engine_version,
                totals: Totals {
                    claimed: money(e.claimed),
                    paid: money(e.paid),
                    unfunded: money(e.unfunded),
                    recovered: money(e.recovered),
                    by_rule: st
                        .totals_by_rule()
                        .into_iter()
                        .map(|(rule, c, p)| ByRule { rule, claimed: money(c), paid: money(p) })
                        .collect(),
                    by_instrument: st
                        .totals_by_instrument()
                        .into_iter()
                        .map(|(instrument, p)| ByInstrument { instrument, paid: money(p) })
                        .collect(),
                    by_payer: st.totals_by_payer().into_iter().map(|(payer, p)| ByPayer { payer, paid: money(p) }).collect(),
                },
                notes: &e.notes,
                lines: e.lines.iter().map(line).collect(),
            }
        }
    }

    fn line(l: &Line) -> StatementLine<'_> {
        StatementLine {
            beneficiary: &l.beneficiary,
            rule: &l.rule,
            kind: l.kind,
            instrument: l.instrument.as_str(),
            status: l.status.as_str(),
            claim: money(l.claim),
            amount: money(l.amount),
            payers: PayerParts(&l.payers),
            claim_ref: l.claim_ref.as_ref().map(|c| ClaimRef {
                participant: &c.participant,
                outcome: &c.outcome,
                due_on: c.due_on.format("%Y-%m-%d").to_string(),
                order: c.order,
                caps: &c.caps,
            }),
            interpretation: l.interpretation.as_ref().map(super::Wording::machine),
            flags: &l.flags,
            explanation: crate::rules::model::english(&l.trace),
        }
    }
}
