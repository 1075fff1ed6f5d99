//! Payout statements: lines, totals by rule and by payer, provenance — in CSV, JSON, Parquet
//! and a readable report. Amounts are exact decimals in text formats and whole cents in
//! Parquet, so no reader ever sees a float.

use std::collections::BTreeMap;
use std::fmt::Write;

use chrono::NaiveDate;
use polars::prelude::*;
use rust_decimal::Decimal;
use serde_json::{Value, json};

use super::model::{Evaluation, Line, Status};
use super::money::{amount as money, whole_cents};
use super::programme::Programme;
use crate::error::{Error, Result};

/// A computed statement with its provenance.
#[derive(Clone, Debug)]
pub struct Statement {
    /// Programme id.
    pub programme: String,
    /// Programme name.
    pub name: String,
    /// Rule file path.
    pub rule_file: String,
    /// `sha256:` of the rule file.
    pub rule_hash: String,
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
    /// The evaluation.
    pub evaluation: Evaluation,
}

impl Statement {
    /// Stamp an evaluation with its provenance.
    pub fn new(p: &Programme, period: String, as_of: NaiveDate, input_hash: String, evaluation: Evaluation) -> Self {
        Statement {
            programme: p.id.clone(),
            name: p.name.clone(),
            rule_file: p.path.clone(),
            rule_hash: p.hash.clone(),
            period,
            as_of,
            currency: p.currency.clone(),
            budget: p.budget.get(),
            input_hash,
            engine_version: env!("CARGO_PKG_VERSION").to_string(),
            payers: p.payers.iter().map(|x| x.id.clone()).collect(),
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

    fn line_json(&self, l: &Line) -> Value {
        let payers: serde_json::Map<String, Value> =
            l.payers.iter().map(|(id, a)| (id.clone(), Value::String(money(*a)))).collect();
        json!({
            "beneficiary": l.beneficiary,
            "rule": l.rule,
            "kind": l.kind,
            "instrument": l.instrument.as_str(),
            "status": l.status.as_str(),
            "claim": money(l.claim),
            "amount": money(l.amount),
            "payers": payers,
            "claim_ref": l.claim_ref.as_ref().map(|c| json!({
                "participant": c.participant,
                "outcome": c.outcome,
                "due_on": c.due_on.format("%Y-%m-%d").to_string(),
                "order": c.order,
                "caps": c.caps,
            })),
            "interpretation": l.interpretation,
            "flags": l.flags,
            "explanation": l.trace,
        })
    }

    /// The statement as JSON (amounts as exact decimal strings).
    pub fn to_json(&self) -> Result<Vec<u8>> {
        let doc = json!({
            "programme": { "id": self.programme, "name": self.name, "rule_file": self.rule_file, "rule_hash": self.rule_hash },
            "period": { "id": self.period, "as_of": self.as_of.format("%Y-%m-%d").to_string() },
            "currency": self.currency,
            "budget": money(self.budget),
            "input_hash": self.input_hash,
            "engine_version": self.engine_version,
            "totals": {
                "claimed": money(self.evaluation.claimed),
                "paid": money(self.evaluation.paid),
                "unfunded": money(self.evaluation.unfunded),
                "recovered": money(self.evaluation.recovered),
                "by_rule": self.totals_by_rule().iter().map(|(r, c, p)| json!({"rule": r, "claimed": money(*c), "paid": money(*p)})).collect::<Vec<_>>(),
                "by_instrument": self.totals_by_instrument().iter().map(|(i, p)| json!({"instrument": i, "paid": money(*p)})).collect::<Vec<_>>(),
                "by_payer": self.totals_by_payer().iter().map(|(id, p)| json!({"payer": id, "paid": money(*p)})).collect::<Vec<_>>(),
            },
            "notes": self.evaluation.notes,
            "lines": self.evaluation.lines.iter().map(|l| self.line_json(l)).collect::<Vec<_>>(),
        });
        let mut out = serde_json::to_vec_pretty(&doc).map_err(|e| Error::Internal(e.to_string()))?;
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
            text("explanation", &|l| l.trace.join("; ")),
            text("interpretation", &|l| l.interpretation.clone().unwrap_or_default()),
            text("as_of", &|_| self.as_of.format("%Y-%m-%d").to_string()),
            text("rule_hash", &|_| self.rule_hash.clone()),
            text("input_hash", &|_| self.input_hash.clone()),
            text("engine_version", &|_| self.engine_version.clone()),
        ]);
        DataFrame::new_infer_height(cols).map_err(|e| Error::Internal(format!("statement frame: {e}")))
    }

    /// CSV lines (amounts as exact decimal text).
    pub fn to_csv(&self) -> Result<Vec<u8>> {
        crate::output::frame_bytes(&mut self.frame(false)?, crate::output::TableFormat::Csv)
    }

    /// Parquet lines (amounts as Int64 cents).
    pub fn to_parquet(&self) -> Result<Vec<u8>> {
        crate::output::frame_bytes(&mut self.frame(true)?, crate::output::TableFormat::Parquet)
    }

    /// The readable report: the summary, then every line.
    pub fn report(&self) -> String {
        let mut out = self.summary();
        let _ = writeln!(out, "\n{:<22} {:<24} {:<12} {:>14} {:>14}", "beneficiary", "rule", "status", "claim", "paid");
        for l in &self.evaluation.lines {
            let _ = writeln!(
                out,
                "{:<22} {:<24} {:<12} {:>14} {:>14}",
                l.beneficiary,
                l.rule,
                l.status.as_str(),
                money(l.claim),
                money(l.amount)
            );
        }
        out
    }

    /// The report's summary: provenance, totals by rule, instrument and payer, notes and flags.
    pub fn summary(&self) -> String {
        let mut out = String::new();
        let c = &self.currency;
        let _ = writeln!(out, "{} ({}) — period {} as of {}", self.name, self.programme, self.period, self.as_of);
        let _ = writeln!(out, "rules {} {}", self.rule_file, self.rule_hash);
        let _ = writeln!(out, "data  {} · impatto {}", self.input_hash, self.engine_version);
        let _ = writeln!(
            out,
            "\nbudget {} {c} · claimed {} · paid {} · unfunded for want of budget or payer commitment {}",
            money(self.budget),
            money(self.evaluation.claimed),
            money(self.evaluation.paid),
            money(self.evaluation.unfunded)
        );
        if !self.evaluation.recovered.is_zero() {
            let _ = writeln!(out, "recovered by clawbacks {} (included, negative, in paid)", money(self.evaluation.recovered));
        }
        let _ = writeln!(out, "\nby rule:");
        for (r, claimed, paid) in self.totals_by_rule() {
            let _ = writeln!(out, "  {r:<24} claimed {:>14}  paid {:>14}", money(claimed), money(paid));
        }
        let _ = writeln!(out, "by instrument:");
        for (i, paid) in self.totals_by_instrument() {
            let _ = writeln!(out, "  {i:<24} paid {:>14}", money(paid));
        }
        let _ = writeln!(out, "by payer:");
        for (p, paid) in self.totals_by_payer() {
            let _ = writeln!(out, "  {p:<24} paid {:>14}", money(paid));
        }
        for n in &self.evaluation.notes {
            let _ = writeln!(out, "note: {n}");
        }
        for l in self.evaluation.lines.iter().filter(|l| !l.flags.is_empty()) {
            let _ = writeln!(out, "flag: {} / {}: {}", l.beneficiary, l.rule, l.flags.join("; "));
        }
        let flagged = self.evaluation.lines.iter().filter(|l| l.status == Status::MissingData).count();
        if flagged > 0 {
            let _ = writeln!(out, "{flagged} line(s) flagged for missing data: nothing paid on them (see `impatto explain`)");
        }
        out
    }
}

/// The trace of one beneficiary, as `impatto explain` prints it; `None` when the beneficiary
/// has no line.
pub fn explain(statement: &Statement, beneficiary: &str) -> Option<String> {
    let lines: Vec<&Line> = statement.evaluation.lines.iter().filter(|l| l.beneficiary == beneficiary).collect();
    if lines.is_empty() {
        return None;
    }
    let c = &statement.currency;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} ({}) — beneficiary {beneficiary}, period {} as of {}",
        statement.name, statement.programme, statement.period, statement.as_of
    );
    for l in &lines {
        let _ = write!(out, "\nrule {} ({}, {}): {}", l.rule, l.kind, l.instrument.as_str(), l.status);
        if let Some(r) = &l.claim_ref {
            let _ = write!(out, " — claim {} of {} by {}, due {}", r.order, r.outcome, r.participant, r.due_on);
        }
        out.push('\n');
        if let Some(i) = &l.interpretation {
            let _ = writeln!(out, "  reading of the call: {i}");
        }
        for step in &l.trace {
            let _ = writeln!(out, "  - {step}");
        }
        let _ = writeln!(out, "  = claim {} {c}, paid {} {c}", money(l.claim), money(l.amount));
    }
    let total: Decimal = lines.iter().map(|l| l.amount).sum();
    let _ = writeln!(out, "\ntotal paid to {beneficiary}: {} {c}", money(total));
    for n in &statement.evaluation.notes {
        let _ = writeln!(out, "note: {n}");
    }
    Some(out)
}
