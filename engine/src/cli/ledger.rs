//! `pay`, `approve`, `reject` and `ledger export|history|replay`: the payment ledger.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use serde_json::Value;

use impatto::ledger::{Decision, Input, Ledger, Location, RunInputs, sha256_file};
use impatto::output;
use impatto::rules::money::amount as money;

use super::emit;
use super::indicators::definition_files;
use super::payouts::{DefinitionsArg, catalogue};

const DEFAULT_LEDGER: &str = "impatto-ledger.sqlite";

/// The ledger option.
#[derive(clap::Args, Debug)]
pub(crate) struct LedgerArg {
    /// Ledger: an SQLite file (created on first use) or a PostgreSQL server (`postgres://user:password@host/database`).
    #[arg(long, default_value = DEFAULT_LEDGER, value_parser = parse_location)]
    ledger: Location,
}

fn parse_location(text: &str) -> std::result::Result<Location, String> {
    if text.trim().is_empty() {
        return Err("expected an SQLite file or a postgres:// address, found an empty value".into());
    }
    Ok(Location::parse(text))
}

#[derive(clap::Args, Debug)]
pub(crate) struct PayArgs {
    /// Programme rule file (TOML).
    programme: PathBuf,
    /// Panel directory (repeat --data for several).
    #[arg(long = "data", required = true, num_args = 1, action = clap::ArgAction::Append)]
    data: Vec<PathBuf>,
    /// Period id of the rule file.
    #[arg(long)]
    period: String,
    #[command(flatten)]
    ledger: LedgerArg,
    /// Who prepares the run (recorded; cannot approve it).
    #[arg(long)]
    by: String,
    #[command(flatten)]
    definitions: DefinitionsArg,
}

#[derive(clap::Args, Debug)]
pub(crate) struct ApproveArgs {
    /// Run id.
    run: i64,
    #[command(flatten)]
    ledger: LedgerArg,
    /// Who approves (not the preparer).
    #[arg(long)]
    by: String,
}

#[derive(clap::Args, Debug)]
pub(crate) struct RejectArgs {
    /// Run id.
    run: i64,
    #[command(flatten)]
    ledger: LedgerArg,
    /// Who rejects (not the preparer).
    #[arg(long)]
    by: String,
    /// Why (recorded).
    #[arg(long)]
    reason: String,
}

/// Formats of payment instructions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum ExportFormat {
    /// One row per payer and payee.
    Csv,
    /// The same rows with the run's provenance.
    Json,
}

#[derive(clap::Subcommand, Debug)]
pub(crate) enum LedgerCommand {
    /// Payment instructions of an approved run, per payer and payee.
    Export {
        /// Run id.
        run: i64,
        #[command(flatten)]
        ledger: LedgerArg,
        /// Format (default: from the --output extension, else CSV).
        #[arg(long, value_enum)]
        format: Option<ExportFormat>,
        /// Write here (atomically) instead of stdout.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Every line ever recorded for a beneficiary.
    History {
        /// Beneficiary id.
        beneficiary: String,
        #[command(flatten)]
        ledger: LedgerArg,
    },
    /// Recompute a run from its recorded inputs and check it is identical.
    Replay {
        /// Run id.
        run: i64,
        #[command(flatten)]
        ledger: LedgerArg,
    },
}

struct Computed {
    statement: impatto::rules::statement::Statement,
    inputs: RunInputs,
}

fn compute(programme: &Path, data: &[PathBuf], period: &str, definitions: &DefinitionsArg) -> Result<Computed> {
    let catalogue = catalogue(definitions)?;
    let p = impatto::rules::load_programme(programme, &catalogue)?;
    let period_index = p.periods.iter().position(|x| x.id == period).with_context(|| {
        format!(
            "{}: expected a period of the file ({}), found `{period}`; hint: give --period with one of them",
            programme.display(),
            p.periods.iter().map(|x| x.id.as_str()).collect::<Vec<_>>().join(", ")
        )
    })?;
    eprintln!("validating {} …", data.iter().map(|d| d.display().to_string()).collect::<Vec<_>>().join(", "));
    let (source, report) = impatto_datasets::open_validated(data)?;
    super::print_warnings(&report);
    eprintln!("payout {} period {period} …", p.id);
    let statement = impatto::rules::run(&p, &source, &catalogue, Some(period))?;
    let mut files = Vec::new();
    let mut add = |role: &'static str, path: &Path| -> Result<()> {
        let sha256 = sha256_file(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        files.push(Input { role, path: path.display().to_string(), sha256 });
        Ok(())
    };
    add("rules", programme)?;
    for table in impatto_datasets::schema::Table::ALL {
        for f in source.table_files(table) {
            add("data", &f.path)?;
        }
    }
    // A directory's column mapping changes what its tables mean (names, date order).
    for dir in data {
        let mapping = dir.join(impatto_datasets::source::MAPPING_FILE);
        if mapping.is_file() {
            add("data", &mapping)?;
        }
    }
    if !definitions.definitions.is_empty() {
        for f in definition_files(&definitions.definitions)? {
            add("definitions", &f)?;
        }
    }
    let inputs = RunInputs {
        period_index,
        workdir: std::env::current_dir().context("reading the working directory")?.display().to_string(),
        data_dirs: data.iter().map(|d| d.display().to_string()).collect(),
        definitions: definitions.definitions.iter().map(|d| d.display().to_string()).collect(),
        files,
    };
    Ok(Computed { statement, inputs })
}

/// The readable run: summary and one row per line.
fn describe(rendered: &str, status: &str) -> Result<String> {
    let v: Value = serde_json::from_str(rendered).context("reading the run's rendering")?;
    let s = |k: &str| v[k].as_str().unwrap_or_default().to_string();
    let lines = v["lines"].as_array().cloned().unwrap_or_default();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "run {} ({status}) — {} period {} as of {}: {} line(s), total {} {}",
        v["run"],
        s("programme"),
        s("period"),
        s("as_of"),
        lines.len(),
        s("total"),
        s("currency")
    );
    let _ = writeln!(
        out,
        "statement (cumulative) paid {} · rules {} · data {}",
        s("statement_paid"),
        s("rule_hash"),
        s("input_hash")
    );
    for p in v["by_payer"].as_array().cloned().unwrap_or_default() {
        let _ = writeln!(
            out,
            "  payer {:<24} {:>14}",
            p["payer"].as_str().unwrap_or_default(),
            p["amount"].as_str().unwrap_or_default()
        );
    }
    let _ = writeln!(
        out,
        "\n{:>4} {:<10} {:<22} {:<20} {:<28} {:>12} {:>12} {:>8}",
        "no", "kind", "beneficiary", "rule", "claim", "amount", "cumulative", "refers"
    );
    for l in &lines {
        let t = |k: &str| l[k].as_str().unwrap_or_default().to_string();
        let _ = writeln!(
            out,
            "{:>4} {:<10} {:<22} {:<20} {:<28} {:>12} {:>12} {:>8}",
            l["no"].as_i64().unwrap_or_default(),
            t("kind"),
            t("beneficiary"),
            t("rule"),
            t("claim"),
            t("amount"),
            t("cumulative"),
            l["refers_to"].as_i64().map(|r| format!("line {r}")).unwrap_or_default()
        );
    }
    Ok(out)
}

pub(crate) fn pay(args: PayArgs) -> Result<ExitCode> {
    let by = args.by.trim();
    if by.is_empty() {
        bail!("--by: expected the name of who prepares the run, found an empty name; hint: --by \"A. Rossi\"");
    }
    let started = std::time::Instant::now();
    // The statement is computed on one thread while this one takes the ledger alone and reads
    // what it holds for the programme: a busy ledger is reported at once, and reading 10^5 keys
    // costs no wall time next to computing their statement.
    let id = impatto::rules::load_programme(&args.programme, &catalogue(&args.definitions)?)?.id;
    let (programme, data, period, definitions) =
        (args.programme.clone(), args.data.clone(), args.period.clone(), args.definitions.clone());
    let computing = std::thread::spawn(move || compute(&programme, &data, &period, &definitions));
    let begun = Ledger::open(&args.ledger.ledger).and_then(|l| l.begin(&id)).map_err(impatto::Error::from)?;
    let c =
        computing.join().map_err(|_| anyhow::anyhow!("internal error (please report): the statement's thread panicked"))??;
    eprintln!("netting against {} …", args.ledger.ledger);
    match begun.prepare(&c.statement, &c.inputs, by).map_err(impatto::Error::from)? {
        Some(run) => {
            emit(None, describe(&run.rendered, &run.status)?.as_bytes())?;
            eprintln!(
                "run {} prepared by {by} in {:.1}s: {} line(s), {} {}; approve with `impatto approve {} --by NAME`",
                run.id,
                started.elapsed().as_secs_f64(),
                run.lines,
                money(run.total),
                c.statement.currency,
                run.id
            );
        }
        None => {
            emit(
                None,
                format!(
                    "nothing newly due for {} period {}: the ledger already holds the statement's {} {}; no run recorded\n",
                    c.statement.programme,
                    c.statement.period,
                    money(c.statement.evaluation.paid),
                    c.statement.currency
                )
                .as_bytes(),
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn approve(args: ApproveArgs) -> Result<ExitCode> {
    let mut ledger = Ledger::open(&args.ledger.ledger).map_err(impatto::Error::from)?;
    ledger.decide(args.run, Decision::Approve, args.by.trim(), None).map_err(impatto::Error::from)?;
    emit(None, format!("run {} approved by {}\n", args.run, args.by.trim()).as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn reject(args: RejectArgs) -> Result<ExitCode> {
    let mut ledger = Ledger::open(&args.ledger.ledger).map_err(impatto::Error::from)?;
    ledger.decide(args.run, Decision::Reject, args.by.trim(), Some(&args.reason)).map_err(impatto::Error::from)?;
    emit(None, format!("run {} rejected by {}: {}\n", args.run, args.by.trim(), args.reason.trim()).as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
}

pub(crate) fn ledger(command: LedgerCommand) -> Result<ExitCode> {
    match command {
        LedgerCommand::Export { run, ledger, format, output } => {
            let format = match (format, &output) {
                (Some(f), _) => f,
                (None, Some(p)) if p.extension().is_some_and(|x| x.eq_ignore_ascii_case("json")) => ExportFormat::Json,
                _ => ExportFormat::Csv,
            };
            let mut l = Ledger::open(&ledger.ledger).map_err(impatto::Error::from)?;
            let impatto::ledger::Instructions { currency, programme, period, rows } =
                l.instructions(run).map_err(impatto::Error::from)?;
            let bytes = match format {
                ExportFormat::Csv => {
                    let mut out = String::from("run,programme,period,payer,payee,amount,currency,lines\n");
                    for (payer, payee, amount, n) in &rows {
                        let _ = writeln!(
                            out,
                            "{run},{},{},{},{},{},{currency},{n}",
                            csv_field(&programme),
                            csv_field(&period),
                            csv_field(payer),
                            csv_field(payee),
                            money(*amount)
                        );
                    }
                    out.into_bytes()
                }
                ExportFormat::Json => {
                    let v = serde_json::json!({
                        "run": run,
                        "programme": programme,
                        "period": period,
                        "currency": currency,
                        "instructions": rows.iter().map(|(payer, payee, amount, n)| serde_json::json!({
                            "payer": payer, "payee": payee, "amount": money(*amount), "lines": n,
                        })).collect::<Vec<_>>(),
                    });
                    let mut b = serde_json::to_vec_pretty(&v)?;
                    b.push(b'\n');
                    b
                }
            };
            match &output {
                Some(p) => {
                    output::write_atomic(p, &bytes)?;
                    eprintln!("{} instruction(s) of run {run} written to {}", rows.len(), p.display());
                }
                None => emit(None, &bytes)?,
            }
        }
        LedgerCommand::History { beneficiary, ledger } => {
            let mut l = Ledger::open(&ledger.ledger).map_err(impatto::Error::from)?;
            let rows = l.history(&beneficiary).map_err(impatto::Error::from)?;
            if rows.is_empty() {
                bail!(
                    "ledger {}: expected lines for beneficiary `{beneficiary}`, found none; hint: check the id (as in the statement)",
                    ledger.ledger
                );
            }
            let mut out = format!(
                "{:>6} {:>4} {:<22} {:<8} {:<9} {:<10} {:<16} {:<26} {:>12} {:>8}  what changed\n",
                "line", "run", "programme", "period", "status", "kind", "rule", "claim", "amount", "refers"
            );
            for r in &rows {
                let t = |k: &str| r[k].as_str().unwrap_or_default().to_string();
                let _ = writeln!(
                    out,
                    "{:>6} {:>4} {:<22} {:<8} {:<9} {:<10} {:<16} {:<26} {:>12} {:>8}  {}",
                    r["line"].as_i64().unwrap_or_default(),
                    r["run"].as_i64().unwrap_or_default(),
                    t("programme"),
                    t("period"),
                    t("status"),
                    t("kind"),
                    t("rule"),
                    t("claim"),
                    format!("{} {}", t("amount"), t("currency")),
                    r["refers_to"].as_i64().map(|x| format!("line {x}")).unwrap_or_default(),
                    t("what_changed")
                );
            }
            emit(None, out.as_bytes())?;
        }
        LedgerCommand::Replay { run, ledger } => {
            let mut l = Ledger::open(&ledger.ledger).map_err(impatto::Error::from)?;
            let recorded = l.recorded(run).map_err(impatto::Error::from)?;
            // Recorded paths are as given to `pay`, relative to its working directory; the
            // statement names the rule file as given, so replay must too.
            std::env::set_current_dir(&recorded.workdir).with_context(|| {
                format!(
                    "ledger {}: expected run {run}'s working directory {}, found it missing; hint: replay where the inputs are",
                    ledger.ledger, recorded.workdir
                )
            })?;
            l.check_inputs(run).map_err(impatto::Error::from)?;
            let data: Vec<PathBuf> = recorded.data_dirs.iter().map(PathBuf::from).collect();
            let definitions = DefinitionsArg { definitions: recorded.definitions.iter().map(PathBuf::from).collect() };
            let c = compute(Path::new(&recorded.rule_file), &data, &recorded.period, &definitions)?;
            let rendered = l.replay(run, &c.statement).map_err(impatto::Error::from)?;
            let status = l.status(run).map_err(impatto::Error::from)?;
            emit(None, describe(&rendered, &status)?.as_bytes())?;
            if rendered != recorded.rendered {
                bail!(
                    "ledger {}: expected run {run} recomputed identical to the recorded one, found different lines; hint: report it (the inputs match their recorded digests)",
                    ledger.ledger
                );
            }
            eprintln!(
                "run {run} ({} period {}) replayed: identical to the recorded run, byte for byte",
                recorded.programme, recorded.period
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
