//! The payment ledger: what was paid, period after period, so that nothing is paid twice.
//!
//! **Why a ledger.** A statement ([`crate::rules::statement`]) is cumulative: it is computed
//! from scratch as of its period's as-of date. Paying each statement in full would pay an
//! outcome achieved in 2014 again in 2016. The ledger records every payment line ever made and
//! pays only the difference.
//!
//! **The key** of a line is beneficiary × rule × claim, where the claim is `participant/outcome`
//! for a rate card's claim and empty for a rule that pays a beneficiary once (a grant, a
//! premium). The database allows one original `payment` line per key (a unique index); every
//! later change of the key's amount is an adjustment line. (A clawback rule's first line is its
//! key's `payment` line too, with a negative amount.)
//!
//! **Netting.** For each key, due now = the statement's cumulative amount − Σ lines already
//! recorded in `prepared` or `approved` runs of the programme (a rejected run's lines are
//! voided and do not count). A new key gives a `payment` line; a known key whose amount changed
//! gives a `top_up` (positive) or a `recovery` (negative) line referring to the original
//! payment line and saying what changed (the period, the old and new cumulative amounts, the
//! statement line's status and explanation). A key no longer in the statement is recovered in
//! full. Zero difference: no line. Each payer's share is netted the same way.
//!
//! **Budget.** Σ of all live lines of the programme after the run may not exceed the budget;
//! a run that would is refused (never cut). Caps and per-person limits hold across runs
//! because the cumulative statement applies them and the ledger pays only its differences.
//!
//! **Maker–checker.** A run is `prepared` by one person and `approved` or `rejected` by
//! another; a run cannot be approved while an earlier period of the programme has a prepared
//! run. Once decided, a run is locked by triggers in the database. Periods go forward: a run
//! for a period before one already in the ledger is refused (corrections are paid in the next
//! period), and a run can be rejected only after the later prepared runs netted against it.
//!
//! **Replay.** A run records the SHA-256 of every input file (rule file, panel tables,
//! definitions), its statement (JSON) and its own rendering. [`Ledger::replay`] checks the
//! files, recomputes the netting against the ledger as it stood when the run was prepared,
//! and compares the renderings byte for byte.
//!
//! **Nothing twice.** A run is one transaction (`BEGIN IMMEDIATE`, no busy wait, SQLite's
//! write-ahead log, so the ledger file has `-wal` and `-shm` companions): a process
//! killed mid-run leaves no trace; a second writer at the same moment is refused; a second
//! run for a period that already has a prepared run is refused.
//!
//! **Not yet:** payer commitments are not checked across runs (only within each statement),
//! and there is no PostgreSQL backend (issue 12's second part).
//!
//! The schema lives in versioned migration files (`migrations/*.sql`, recorded in
//! `schema_migrations`); the SQL is portable except the lock triggers, kept apart so a
//! PostgreSQL backend can add its own. Amounts are whole cents in the database and exact
//! decimals (currency units) in the renderings.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use rust_decimal::Decimal;
use serde_json::{Value, json};

use crate::rules::money::{amount as money, from_cents, whole_cents};
use crate::rules::statement::Statement;

/// Migrations, in order: (version, name, SQL).
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "0001_init", include_str!("migrations/0001_init.sql")),
    (2, "0002_sqlite_locks", include_str!("migrations/0002_sqlite_locks.sql")),
];

/// Errors of the ledger: each names the ledger file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LedgerError {
    /// The database refused or failed an operation.
    #[error("ledger {path}: {doing}: {source}")]
    Database {
        /// Ledger file.
        path: PathBuf,
        /// What was being done.
        doing: String,
        /// SQLite's error.
        #[source]
        source: rusqlite::Error,
    },
    /// The ledger is being written by another process.
    #[error(
        "ledger {path}: expected to write alone, found another impatto process writing it (database busy); hint: wait for it to finish and run again"
    )]
    Busy {
        /// Ledger file.
        path: PathBuf,
    },
    /// A request the ledger refuses (maker–checker, order, state, budget).
    #[error("ledger {path}: expected {expected}, found {found}; hint: {hint}")]
    Refused {
        /// Ledger file.
        path: PathBuf,
        /// What was expected.
        expected: String,
        /// What was found.
        found: String,
        /// What to do.
        hint: String,
    },
    /// An input file of a recorded run changed since (or is gone).
    #[error(
        "{file}: expected sha256:{expected} as recorded for run {run} in ledger {path}, found {found}; hint: restore the file as it was to replay the run"
    )]
    InputChanged {
        /// Ledger file.
        path: PathBuf,
        /// Run id.
        run: i64,
        /// The input file.
        file: String,
        /// Recorded digest (hex).
        expected: String,
        /// Current digest, or why it cannot be read.
        found: String,
    },
}

type Result<T> = std::result::Result<T, LedgerError>;

/// Decision on a prepared run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Approved: final and locked.
    Approve,
    /// Rejected: its lines no longer count.
    Reject,
}

/// One input file of a run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Input {
    /// `rules`, `data` or `definitions`.
    pub role: &'static str,
    /// Path as given.
    pub path: String,
    /// Hex SHA-256 of the bytes.
    pub sha256: String,
}

/// What a run was computed from, to record and to replay.
#[derive(Clone, Debug)]
pub struct RunInputs {
    /// Position of the period in the rule file (0-based), for the approval order.
    pub period_index: usize,
    /// The working directory the paths are relative to.
    pub workdir: String,
    /// `--data` directories.
    pub data_dirs: Vec<String>,
    /// `--definitions` paths.
    pub definitions: Vec<String>,
    /// Every input file with its digest.
    pub files: Vec<Input>,
}

/// A recorded (or recomputed) run.
#[derive(Clone, Debug)]
pub struct Run {
    /// Run id.
    pub id: i64,
    /// `prepared`, `approved` or `rejected`.
    pub status: String,
    /// The run's rendering (JSON bytes), as stored.
    pub rendered: String,
    /// Number of lines.
    pub lines: usize,
    /// Σ of the lines, currency units.
    pub total: Decimal,
}

/// Payment instructions of a run.
#[derive(Clone, Debug)]
pub struct Instructions {
    /// ISO 4217.
    pub currency: String,
    /// Programme id.
    pub programme: String,
    /// Period id.
    pub period: String,
    /// (payer, payee, amount in currency units, number of lines), by payer then payee.
    pub rows: Vec<(String, String, Decimal, i64)>,
}

/// A recorded run's provenance, for replay.
#[derive(Clone, Debug)]
pub struct RecordedRun {
    /// Run id.
    pub id: i64,
    /// Programme id.
    pub programme: String,
    /// Period id.
    pub period: String,
    /// Rule file path as given.
    pub rule_file: String,
    /// The working directory the paths are relative to.
    pub workdir: String,
    /// `--data` directories.
    pub data_dirs: Vec<String>,
    /// `--definitions` paths.
    pub definitions: Vec<String>,
    /// Statement JSON as recorded.
    pub statement_json: String,
    /// Rendering as recorded.
    pub rendered: String,
}

/// An open ledger. Only SQLite today; a PostgreSQL connection would be a second backend behind
/// the same methods.
#[derive(Debug)]
pub struct Ledger {
    path: PathBuf,
    conn: Connection,
}

/// SHA-256 of a file, hex.
///
/// # Errors
/// The file cannot be read (the message says why).
pub fn sha256_file(path: &Path) -> std::result::Result<String, String> {
    use sha2::{Digest, Sha256};
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read it ({e})"))?;
    Ok(Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect())
}

/// The key's previous state in the ledger.
#[derive(Debug, Default)]
struct Held {
    sum: i64,
    payers: BTreeMap<String, i64>,
    original: Option<i64>,
    cumulative: i64,
    period: String,
}

/// A line to record.
#[derive(Debug)]
struct NewLine {
    beneficiary: String,
    rule: String,
    claim: String,
    kind: &'static str,
    amount: i64,
    cumulative: i64,
    refers_to: Option<i64>,
    what_changed: String,
    payers: Vec<(String, i64)>,
}

fn claim_key(l: &crate::rules::model::Line) -> String {
    l.claim_ref.as_ref().map(|c| format!("{}/{}", c.participant, c.outcome)).unwrap_or_default()
}

impl Ledger {
    /// Open (creating it on first use) the ledger file and bring its schema up to date.
    ///
    /// # Errors
    /// [`LedgerError::Database`] when the file cannot be opened or migrated.
    pub fn open(path: &Path) -> Result<Ledger> {
        let db = |doing: &str| {
            let path = path.to_path_buf();
            let doing = doing.to_string();
            move |source| LedgerError::Database { path, doing, source }
        };
        let conn = Connection::open(path).map_err(db("opening"))?;
        // Setting up (journal mode, schema) waits for another process doing the same; a run
        // does not (see `Busy`).
        conn.busy_timeout(std::time::Duration::from_secs(10)).map_err(db("setting the busy timeout"))?;
        conn.pragma_update(None, "foreign_keys", "ON").map_err(db("enabling foreign keys"))?;
        // Write-ahead log: a reader never makes a writer's COMMIT fail (with no busy wait, the
        // rollback journal would), and a killed writer's partial log is discarded on next open.
        // `synchronous = FULL`: a committed run survives a power cut too.
        let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0)).map_err(|source| match &source {
            rusqlite::Error::SqliteFailure(e, _)
                if matches!(e.code, rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) =>
            {
                LedgerError::Busy { path: path.to_path_buf() }
            }
            _ => LedgerError::Database { path: path.to_path_buf(), doing: "setting the journal mode".into(), source },
        })?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(LedgerError::Refused {
                path: path.to_path_buf(),
                expected: "a ledger file that can use SQLite's write-ahead log".into(),
                found: format!("journal mode {mode}"),
                hint: "keep the ledger on a local disk (not a network share or in memory)".into(),
            });
        }
        conn.pragma_update(None, "synchronous", "FULL").map_err(db("setting synchronous writes"))?;
        let mut ledger = Ledger { path: path.to_path_buf(), conn };
        ledger.migrate()?;
        // No busy wait from here on: a second writer is told at once.
        ledger.conn.busy_timeout(std::time::Duration::ZERO).map_err(db("setting the busy timeout"))?;
        Ok(ledger)
    }

    fn err(&self, doing: &str) -> impl Fn(rusqlite::Error) -> LedgerError + '_ {
        let doing = doing.to_string();
        move |source| {
            if let rusqlite::Error::SqliteFailure(e, _) = &source
                && matches!(e.code, rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
            {
                return LedgerError::Busy { path: self.path.clone() };
            }
            LedgerError::Database { path: self.path.clone(), doing: doing.clone(), source }
        }
    }

    fn refused(&self, expected: impl Into<String>, found: impl Into<String>, hint: impl Into<String>) -> LedgerError {
        LedgerError::Refused { path: self.path.clone(), expected: expected.into(), found: found.into(), hint: hint.into() }
    }

    fn migrate(&mut self) -> Result<()> {
        let path = self.path.clone();
        let map = |doing: &'static str| {
            let path = path.clone();
            move |source: rusqlite::Error| {
                if let rusqlite::Error::SqliteFailure(e, _) = &source
                    && matches!(e.code, rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
                {
                    return LedgerError::Busy { path: path.clone() };
                }
                LedgerError::Database { path: path.clone(), doing: doing.to_string(), source }
            }
        };
        // Up to date: no write lock needed (a run in progress elsewhere is then refused at once).
        let exists: i64 = self
            .conn
            .query_row("SELECT COUNT(*) FROM sqlite_master WHERE name = 'schema_migrations'", [], |r| r.get(0))
            .map_err(map("reading the schema"))?;
        let current: Option<i64> = if exists == 0 {
            None
        } else {
            self.conn
                .query_row("SELECT MAX(version) FROM schema_migrations", [], |r| r.get(0))
                .map_err(map("reading schema_migrations"))?
        };
        if current == MIGRATIONS.last().map(|m| m.0) {
            return Ok(());
        }
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(map("starting a migration"))?;
        tx.execute_batch("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL)")
            .map_err(map("creating schema_migrations"))?;
        let done: i64 = tx
            .query_row("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", [], |r| r.get(0))
            .map_err(map("reading schema_migrations"))?;
        let known = MIGRATIONS.last().map_or(0, |m| m.0);
        if done > known {
            return Err(LedgerError::Refused {
                path: path.clone(),
                expected: format!("a ledger schema up to version {known}"),
                found: format!("version {done}"),
                hint: "this ledger was written by a newer impatto; use that version".into(),
            });
        }
        for (version, name, sql) in MIGRATIONS.iter().filter(|m| m.0 > done) {
            tx.execute_batch(sql).map_err(map("applying a migration"))?;
            tx.execute("INSERT INTO schema_migrations (version, name) VALUES (?1, ?2)", params![version, name])
                .map_err(map("recording a migration"))?;
        }
        tx.commit().map_err(map("committing a migration"))
    }

    /// What the ledger holds per key for a programme: lines of runs that count. `before`
    /// limits it to the ledger as it stood when run `before` was prepared (for replay).
    fn held(&self, programme: &str, before: Option<i64>) -> Result<BTreeMap<(String, String, String), Held>> {
        let limit = before.unwrap_or(i64::MAX);
        let mut stmt = self
            .conn
            .prepare(
                "SELECT l.id, l.beneficiary, l.rule, l.claim, l.kind, l.amount_cents, l.cumulative_cents, r.period,
                        (SELECT group_concat(p.payer || '=' || p.amount_cents, ';') FROM line_payers p WHERE p.line = l.id)
                 FROM lines l JOIN runs r ON r.id = l.run
                 WHERE l.programme = ?1 AND r.id < ?2
                   AND (r.status <> 'rejected' OR (?2 < 9223372036854775807 AND r.decided_after >= ?2))
                 ORDER BY l.id",
            )
            .map_err(self.err("reading earlier lines"))?;
        let rows = stmt
            .query_map(params![programme, limit], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    (r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?),
                    r.get::<_, String>(4)?,
                    r.get::<_, i64>(5)?,
                    r.get::<_, i64>(6)?,
                    r.get::<_, String>(7)?,
                    r.get::<_, Option<String>>(8)?,
                ))
            })
            .map_err(self.err("reading earlier lines"))?;
        let mut held: BTreeMap<(String, String, String), Held> = BTreeMap::new();
        for row in rows {
            let (id, key, kind, amount, cumulative, period, payers) = row.map_err(self.err("reading earlier lines"))?;
            let h = held.entry(key).or_default();
            h.sum += amount;
            h.cumulative = cumulative;
            h.period = period;
            if kind == "payment" {
                h.original = Some(id);
            }
            for part in payers.unwrap_or_default().split(';').filter(|s| !s.is_empty()) {
                if let Some((payer, cents)) = part.rsplit_once('=') {
                    *h.payers.entry(payer.to_string()).or_default() += cents.parse::<i64>().unwrap_or(0);
                }
            }
        }
        Ok(held)
    }

    /// The lines a statement adds to what the ledger holds.
    fn net(&self, s: &Statement, before: Option<i64>) -> Result<Vec<NewLine>> {
        let mut held = self.held(&s.programme, before)?;
        let mut out = Vec::new();
        let c = &s.currency;
        for l in &s.evaluation.lines {
            let key = (l.beneficiary.clone(), l.rule.clone(), claim_key(l));
            let h = held.remove(&key).unwrap_or_default();
            let cumulative = whole_cents(l.amount);
            let diff = cumulative - h.sum;
            if diff == 0 {
                continue;
            }
            let payers: Vec<(String, i64)> = l
                .payers
                .iter()
                .map(|(p, a)| (p.clone(), whole_cents(*a) - h.payers.get(p).copied().unwrap_or(0)))
                .filter(|(_, a)| *a != 0)
                .collect();
            let why = if l.trace.is_empty() { String::new() } else { format!("; explanation: {}", l.trace.join("; ")) };
            let (kind, what_changed) = match h.original {
                None => {
                    ("payment", format!("period {} as of {}: {} {c} due ({}){why}", s.period, s.as_of, money(l.amount), l.status))
                }
                Some(_) => (
                    if diff > 0 { "top_up" } else { "recovery" },
                    format!(
                        "period {} as of {}: cumulative {} {c} (as of period {}) → {} {c} ({}){why}",
                        s.period,
                        s.as_of,
                        money(from_cents(h.cumulative)),
                        h.period,
                        money(l.amount),
                        l.status
                    ),
                ),
            };
            out.push(NewLine {
                beneficiary: key.0,
                rule: key.1,
                claim: key.2,
                kind,
                amount: diff,
                cumulative,
                refers_to: h.original,
                what_changed,
                payers,
            });
        }
        // Keys paid earlier that the statement no longer has: recovered in full.
        for (key, h) in held.into_iter().filter(|(_, h)| h.sum != 0) {
            out.push(NewLine {
                beneficiary: key.0,
                rule: key.1,
                claim: key.2,
                kind: if h.sum > 0 { "recovery" } else { "top_up" },
                amount: -h.sum,
                cumulative: 0,
                refers_to: h.original,
                what_changed: format!(
                    "period {} as of {}: cumulative {} {c} (as of period {}) → no line in the statement",
                    s.period,
                    s.as_of,
                    money(from_cents(h.cumulative)),
                    h.period
                ),
                payers: h.payers.into_iter().filter(|(_, a)| *a != 0).map(|(p, a)| (p, -a)).collect(),
            });
        }
        Ok(out)
    }

    /// The run's rendering: deterministic JSON bytes (as text) with what the run pays.
    fn render(id: i64, s: &Statement, refs: &[Option<i64>], lines: &[NewLine]) -> String {
        let total: i64 = lines.iter().map(|l| l.amount).sum();
        let mut by_payer: Vec<(String, i64)> = s.payers.iter().map(|p| (p.clone(), 0)).collect();
        for l in lines {
            for (p, a) in &l.payers {
                match by_payer.iter_mut().find(|(q, _)| q == p) {
                    Some(slot) => slot.1 += a,
                    None => by_payer.push((p.clone(), *a)),
                }
            }
        }
        let v = json!({
            "run": id,
            "programme": s.programme,
            "period": s.period,
            "as_of": s.as_of.format("%Y-%m-%d").to_string(),
            "currency": s.currency,
            "rule_hash": s.rule_hash,
            "input_hash": s.input_hash,
            "engine_version": s.engine_version,
            "statement_paid": money(s.evaluation.paid),
            "total": money(from_cents(total)),
            "by_payer": by_payer.iter().map(|(p, a)| json!({"payer": p, "amount": money(from_cents(*a))})).collect::<Vec<_>>(),
            "lines": lines.iter().zip(refs).enumerate().map(|(i, (l, r))| json!({
                "no": i + 1,
                "kind": l.kind,
                "beneficiary": l.beneficiary,
                "rule": l.rule,
                "claim": l.claim,
                "amount": money(from_cents(l.amount)),
                "cumulative": money(from_cents(l.cumulative)),
                "refers_to": r,
                "what_changed": l.what_changed,
                "payers": l.payers.iter().map(|(p, a)| json!({"payer": p, "amount": money(from_cents(*a))})).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        });
        let mut text = serde_json::to_string_pretty(&v).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Prepare a run: net the statement against the ledger and record the lines, in one
    /// transaction, as `prepared` by `by`. `Ok(None)` when nothing is newly due (no run is
    /// recorded).
    ///
    /// # Errors
    /// [`LedgerError::Busy`] when another process writes the ledger; [`LedgerError::Refused`]
    /// when the period already has a prepared run or the programme's budget would be exceeded;
    /// [`LedgerError::Database`] otherwise.
    pub fn prepare(&mut self, s: &Statement, inputs: &RunInputs, by: &str) -> Result<Option<Run>> {
        self.conn.execute_batch("BEGIN IMMEDIATE").map_err(self.err("starting the run"))?;
        let result = self.prepare_in_transaction(s, inputs, by);
        match &result {
            Ok(Some(_)) => self.conn.execute_batch("COMMIT").map_err(self.err("committing the run"))?,
            _ => {
                let _ = self.conn.execute_batch("ROLLBACK");
            }
        }
        result
    }

    fn prepare_in_transaction(&mut self, s: &Statement, inputs: &RunInputs, by: &str) -> Result<Option<Run>> {
        // Periods go forward: a later period's run was netted against this one's lines.
        let later: Option<(i64, String)> = self
            .conn
            .query_row(
                "SELECT id, period FROM runs WHERE programme = ?1 AND status <> 'rejected' AND period_index > ?2 ORDER BY id LIMIT 1",
                params![s.programme, inputs.period_index as i64],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(self.err("looking for later periods"))?;
        if let Some((id, p)) = later {
            return Err(self.refused(
                format!("no run of a period after {} of {}", s.period, s.programme),
                format!("run {id} of period {p}"),
                format!("pay corrections in period {p} or a later one (or reject run {id} first, if it is still prepared)"),
            ));
        }
        let pending: Option<(i64, String)> = self
            .conn
            .query_row(
                "SELECT id, prepared_by FROM runs WHERE programme = ?1 AND period = ?2 AND status = 'prepared'",
                params![s.programme, s.period],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(self.err("looking for a prepared run"))?;
        if let Some((id, who)) = pending {
            return Err(self.refused(
                format!("no other prepared run of {} period {}", s.programme, s.period),
                format!("run {id}, prepared by {who}, awaiting approval"),
                format!("approve or reject run {id} first (`impatto approve {id}` / `impatto reject {id}`)"),
            ));
        }
        let lines = self.net(s, None)?;
        if lines.is_empty() {
            return Ok(None);
        }
        let paid_before: i64 = self
            .conn
            .query_row(
                "SELECT COALESCE(SUM(l.amount_cents), 0) FROM lines l JOIN runs r ON r.id = l.run
                 WHERE l.programme = ?1 AND r.status <> 'rejected'",
                params![s.programme],
                |r| r.get(0),
            )
            .map_err(self.err("summing earlier runs"))?;
        let total: i64 = lines.iter().map(|l| l.amount).sum();
        let budget = whole_cents(s.budget);
        if paid_before + total > budget {
            return Err(self.refused(
                format!("at most the budget {} {} paid over all runs of {}", money(s.budget), s.currency, s.programme),
                format!(
                    "{} already in prepared or approved runs + {} in this run = {}",
                    money(from_cents(paid_before)),
                    money(from_cents(total)),
                    money(from_cents(paid_before + total))
                ),
                "check the rule file's budget and the earlier runs (`impatto ledger history`); nothing was recorded",
            ));
        }
        let id: i64 = self
            .conn
            .query_row("SELECT COALESCE(MAX(id), 0) + 1 FROM runs", [], |r| r.get(0))
            .map_err(self.err("numbering the run"))?;
        let mut next_line: i64 = self
            .conn
            .query_row("SELECT COALESCE(MAX(id), 0) + 1 FROM lines", [], |r| r.get(0))
            .map_err(self.err("numbering the lines"))?;
        let refs: Vec<Option<i64>> = lines.iter().map(|l| l.refers_to).collect();
        let rendered = Self::render(id, s, &refs, &lines);
        let statement_json = String::from_utf8(s.to_json().unwrap_or_default()).unwrap_or_default();
        let now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
        self.conn
            .execute(
                "INSERT INTO runs (id, programme, period, period_index, as_of, currency, budget_cents, status, prepared_by,
                   prepared_at, engine_version, rule_file, rule_hash, input_hash, workdir, data_dirs, definitions, statement_json, rendered)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'prepared', ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
                params![
                    id,
                    s.programme,
                    s.period,
                    inputs.period_index as i64,
                    s.as_of.format("%Y-%m-%d").to_string(),
                    s.currency,
                    budget,
                    by,
                    now,
                    s.engine_version,
                    s.rule_file,
                    s.rule_hash,
                    s.input_hash,
                    inputs.workdir,
                    serde_json::to_string(&inputs.data_dirs).unwrap_or_default(),
                    serde_json::to_string(&inputs.definitions).unwrap_or_default(),
                    statement_json,
                    rendered,
                ],
            )
            .map_err(self.err("recording the run"))?;
        for f in &inputs.files {
            self.conn
                .execute(
                    "INSERT OR IGNORE INTO run_inputs (run, role, path, sha256) VALUES (?1, ?2, ?3, ?4)",
                    params![id, f.role, f.path, f.sha256],
                )
                .map_err(self.err("recording the inputs"))?;
        }
        for (no, l) in lines.iter().enumerate() {
            self.conn
                .execute(
                    "INSERT INTO lines (id, run, no, programme, beneficiary, rule, claim, kind, amount_cents, cumulative_cents,
                       refers_to, what_changed) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                    params![
                        next_line,
                        id,
                        no as i64 + 1,
                        s.programme,
                        l.beneficiary,
                        l.rule,
                        l.claim,
                        l.kind,
                        l.amount,
                        l.cumulative,
                        l.refers_to,
                        l.what_changed
                    ],
                )
                .map_err(self.err("recording a line"))?;
            for (p, a) in &l.payers {
                self.conn
                    .execute("INSERT INTO line_payers (line, payer, amount_cents) VALUES (?1, ?2, ?3)", params![next_line, p, a])
                    .map_err(self.err("recording a payer's share"))?;
            }
            next_line += 1;
        }
        Ok(Some(Run { id, status: "prepared".into(), rendered, lines: lines.len(), total: from_cents(total) }))
    }

    /// Approve or reject a prepared run, by someone other than its preparer. Approval also
    /// needs every earlier period of the programme to have no prepared run.
    ///
    /// # Errors
    /// [`LedgerError::Refused`] for an unknown or decided run, the preparer deciding, an
    /// earlier period still prepared, or a rejection without a reason; [`LedgerError::Busy`]
    /// or [`LedgerError::Database`] otherwise.
    pub fn decide(&mut self, run: i64, decision: Decision, by: &str, reason: Option<&str>) -> Result<()> {
        self.conn.execute_batch("BEGIN IMMEDIATE").map_err(self.err("starting the decision"))?;
        let result = self.decide_in_transaction(run, decision, by, reason);
        match &result {
            Ok(()) => self.conn.execute_batch("COMMIT").map_err(self.err("committing the decision"))?,
            Err(_) => {
                let _ = self.conn.execute_batch("ROLLBACK");
            }
        }
        result
    }

    fn decide_in_transaction(&mut self, run: i64, decision: Decision, by: &str, reason: Option<&str>) -> Result<()> {
        let found: Option<(String, String, String, i64, String)> = self
            .conn
            .query_row("SELECT status, prepared_by, programme, period_index, period FROM runs WHERE id = ?1", [run], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .optional()
            .map_err(self.err("reading the run"))?;
        let Some((status, preparer, programme, index, period)) = found else {
            return Err(self.refused(
                format!("a run numbered {run}"),
                "no such run",
                "list a beneficiary's runs with `impatto ledger history`",
            ));
        };
        if status != "prepared" {
            return Err(self.refused(
                format!("run {run} prepared and awaiting a decision"),
                format!("run {run} is {status}"),
                "a decided run is locked; prepare a new run with `impatto pay`",
            ));
        }
        if preparer == by {
            return Err(self.refused(
                format!("run {run} decided by someone other than its preparer"),
                format!("--by {by}, who prepared it"),
                "a second person must approve or reject it (maker–checker)",
            ));
        }
        if decision == Decision::Approve {
            let earlier: Option<(i64, String)> = self
                .conn
                .query_row(
                    "SELECT id, period FROM runs WHERE programme = ?1 AND status = 'prepared' AND period_index < ?2 ORDER BY id LIMIT 1",
                    params![programme, index],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()
                .map_err(self.err("checking earlier periods"))?;
            if let Some((id, p)) = earlier {
                return Err(self.refused(
                    format!("no unapproved run of a period before {period} of {programme}"),
                    format!("run {id} of period {p} still prepared"),
                    format!("approve or reject run {id} first"),
                ));
            }
        }
        if decision == Decision::Reject {
            let later: Option<i64> = self
                .conn
                .query_row(
                    "SELECT id FROM runs WHERE programme = ?1 AND status = 'prepared' AND id > ?2 ORDER BY id DESC LIMIT 1",
                    params![programme, run],
                    |r| r.get(0),
                )
                .optional()
                .map_err(self.err("checking later runs"))?;
            if let Some(id) = later {
                return Err(self.refused(
                    format!("no later prepared run of {programme} netted against run {run}"),
                    format!("run {id}, prepared after it"),
                    format!("reject run {id} first, then run {run}"),
                ));
            }
        }
        let reason = match (decision, reason.map(str::trim)) {
            (Decision::Reject, None | Some("")) => {
                return Err(self.refused("a reason for the rejection", "none", "give --reason TEXT"));
            }
            (_, r) => r.map(str::to_string),
        };
        let after: i64 = self
            .conn
            .query_row("SELECT COALESCE(MAX(id), 0) FROM runs", [], |r| r.get(0))
            .map_err(self.err("reading the runs"))?;
        if decision == Decision::Reject {
            self.conn.execute("UPDATE lines SET voided = 1 WHERE run = ?1", [run]).map_err(self.err("voiding the lines"))?;
        }
        let status = if decision == Decision::Approve { "approved" } else { "rejected" };
        let now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
        self.conn
            .execute(
                "UPDATE runs SET status = ?1, decided_by = ?2, decided_at = ?3, decided_after = ?4, reason = ?5 WHERE id = ?6",
                params![status, by, now, after, reason, run],
            )
            .map_err(self.err("recording the decision"))?;
        Ok(())
    }

    /// A recorded run's provenance and renderings.
    ///
    /// # Errors
    /// [`LedgerError::Refused`] for an unknown run; [`LedgerError::Database`].
    pub fn recorded(&self, run: i64) -> Result<RecordedRun> {
        let row = self
            .conn
            .query_row(
                "SELECT programme, period, rule_file, data_dirs, definitions, statement_json, rendered, workdir FROM runs WHERE id = ?1",
                [run],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, String>(4)?,
                        r.get::<_, String>(5)?,
                        r.get::<_, String>(6)?,
                        r.get::<_, String>(7)?,
                    ))
                },
            )
            .optional()
            .map_err(self.err("reading the run"))?;
        let Some((programme, period, rule_file, data, defs, statement_json, rendered, workdir)) = row else {
            return Err(self.refused(
                format!("a run numbered {run}"),
                "no such run",
                "list a beneficiary's runs with `impatto ledger history`",
            ));
        };
        Ok(RecordedRun {
            id: run,
            programme,
            period,
            rule_file,
            workdir,
            data_dirs: serde_json::from_str(&data).unwrap_or_default(),
            definitions: serde_json::from_str(&defs).unwrap_or_default(),
            statement_json,
            rendered,
        })
    }

    /// Check that every recorded input file of a run still has its recorded digest.
    ///
    /// # Errors
    /// [`LedgerError::InputChanged`] naming the first file that differs or is gone.
    pub fn check_inputs(&self, run: i64) -> Result<()> {
        let mut stmt = self
            .conn
            .prepare("SELECT path, sha256 FROM run_inputs WHERE run = ?1 ORDER BY path")
            .map_err(self.err("reading the inputs"))?;
        let rows: Vec<(String, String)> = stmt
            .query_map([run], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(self.err("reading the inputs"))?
            .collect::<std::result::Result<_, _>>()
            .map_err(self.err("reading the inputs"))?;
        for (path, expected) in rows {
            let found = match sha256_file(Path::new(&path)) {
                Ok(h) if h == expected => continue,
                Ok(h) => format!("sha256:{h}"),
                Err(e) => e,
            };
            return Err(LedgerError::InputChanged { path: self.path.clone(), run, file: path, expected, found });
        }
        Ok(())
    }

    /// Recompute a run's rendering from a freshly computed statement, against the ledger as it
    /// stood when the run was prepared. Nothing is written.
    ///
    /// # Errors
    /// [`LedgerError::Database`].
    pub fn replay(&self, run: i64, s: &Statement) -> Result<String> {
        let lines = self.net(s, Some(run))?;
        let refs: Vec<Option<i64>> = lines.iter().map(|l| l.refers_to).collect();
        Ok(Self::render(run, s, &refs, &lines))
    }

    /// A run's status.
    ///
    /// # Errors
    /// [`LedgerError::Refused`] for an unknown run; [`LedgerError::Database`].
    pub fn status(&self, run: i64) -> Result<String> {
        self.conn
            .query_row("SELECT status FROM runs WHERE id = ?1", [run], |r| r.get(0))
            .optional()
            .map_err(self.err("reading the run"))?
            .ok_or_else(|| self.refused(format!("a run numbered {run}"), "no such run", "see `impatto ledger history`"))
    }

    /// Payment instructions of an approved run: one row per payer and payee (beneficiary),
    /// amounts in currency units, in payer then payee order.
    ///
    /// # Errors
    /// [`LedgerError::Refused`] when the run is not approved; [`LedgerError::Database`].
    pub fn instructions(&self, run: i64) -> Result<Instructions> {
        let status = self.status(run)?;
        if status != "approved" {
            return Err(self.refused(
                format!("run {run} approved"),
                format!("run {run} is {status}"),
                format!("payment instructions are written for approved runs only: `impatto approve {run} --by NAME`"),
            ));
        }
        let (currency, programme, period): (String, String, String) = self
            .conn
            .query_row("SELECT currency, programme, period FROM runs WHERE id = ?1", [run], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .map_err(self.err("reading the run"))?;
        let mut stmt = self
            .conn
            .prepare(
                "SELECT p.payer, l.beneficiary, SUM(p.amount_cents), COUNT(*) FROM line_payers p JOIN lines l ON l.id = p.line
                 WHERE l.run = ?1 GROUP BY p.payer, l.beneficiary ORDER BY p.payer, l.beneficiary",
            )
            .map_err(self.err("reading the lines"))?;
        let rows = stmt
            .query_map([run], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, from_cents(r.get::<_, i64>(2)?), r.get::<_, i64>(3)?))
            })
            .map_err(self.err("reading the lines"))?
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(self.err("reading the lines"))?;
        Ok(Instructions { currency, programme, period, rows })
    }

    /// Every line ever recorded for a beneficiary, oldest first, as JSON values (run, period,
    /// status, kind, amount in currency units, what it refers to, what changed).
    ///
    /// # Errors
    /// [`LedgerError::Database`].
    pub fn history(&self, beneficiary: &str) -> Result<Vec<Value>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT l.id, r.id, r.programme, r.period, r.status, l.kind, l.rule, l.claim, l.amount_cents, l.cumulative_cents,
                        l.refers_to, l.what_changed, r.currency
                 FROM lines l JOIN runs r ON r.id = l.run WHERE l.beneficiary = ?1 ORDER BY l.id",
            )
            .map_err(self.err("reading the history"))?;
        let rows = stmt
            .query_map([beneficiary], |r| {
                Ok(json!({
                    "line": r.get::<_, i64>(0)?,
                    "run": r.get::<_, i64>(1)?,
                    "programme": r.get::<_, String>(2)?,
                    "period": r.get::<_, String>(3)?,
                    "status": r.get::<_, String>(4)?,
                    "kind": r.get::<_, String>(5)?,
                    "rule": r.get::<_, String>(6)?,
                    "claim": r.get::<_, String>(7)?,
                    "amount": money(from_cents(r.get::<_, i64>(8)?)),
                    "cumulative": money(from_cents(r.get::<_, i64>(9)?)),
                    "refers_to": r.get::<_, Option<i64>>(10)?,
                    "what_changed": r.get::<_, String>(11)?,
                    "currency": r.get::<_, String>(12)?,
                }))
            })
            .map_err(self.err("reading the history"))?;
        rows.collect::<std::result::Result<Vec<_>, _>>().map_err(self.err("reading the history"))
    }
}
