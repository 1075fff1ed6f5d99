//! `payout`, `explain` and `run`: statements from rule files.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use impatto::i18n::Arg;
use impatto::output::{self, Format};

use super::emit;
use super::indicators::definition_files;

#[derive(clap::Args, Debug)]
pub(crate) struct RunArgs {
    /// Panel directories.
    #[arg(long = "data", required = true, num_args = 1..)]
    data: Vec<PathBuf>,
    /// Programme rule files (TOML); each pays the beneficiaries its [data] selects.
    #[arg(long = "rules", num_args = 1..)]
    rules: Vec<PathBuf>,
    /// Indicator breakdown (comma-separated). Given more than once, each is a table of the run's
    /// release: all are protected together with their margins.
    #[arg(long, value_parser = super::parse_columns, default_value = "programme")]
    by: Vec<super::Columns>,
    /// Output directory, written as a whole (a set of impatto's is replaced, never mixed).
    /// Default: `out` for `run`, `report` for `report`.
    #[arg(long)]
    out: Option<PathBuf>,
    /// CSV dialect: `machine` (`,` and `.`) or `excel-it` (`;`, decimal comma, dd/mm/yyyy, BOM).
    #[arg(long = "csv-dialect", value_enum, default_value = "machine")]
    csv_dialect: impatto::output::CsvDialect,
    #[command(flatten)]
    definitions: DefinitionsArg,
    #[command(flatten)]
    lang: super::LangArg,
    /// An official run: refuse rule files and definitions not signed off as they are.
    #[arg(long)]
    official: bool,
    #[command(flatten)]
    keyring: super::KeyringArg,
}

#[derive(clap::Args, Debug)]
pub(crate) struct PayoutArgs {
    /// Programme rule file (TOML).
    programme: PathBuf,
    /// Panel directory (repeat --data for several).
    #[arg(long = "data", required = true, num_args = 1, action = clap::ArgAction::Append)]
    data: Vec<PathBuf>,
    /// Period id (default: the file's last period).
    #[arg(long)]
    period: Option<String>,
    /// Statement format (default: from the --output extension, else the readable report).
    #[arg(long, value_enum)]
    format: Option<StatementFormat>,
    /// Write the statement here (atomically); the report's summary then goes to stdout.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// CSV dialect: `machine` (`,` and `.`) or `excel-it` (`;`, decimal comma, dd/mm/yyyy, BOM).
    #[arg(long = "csv-dialect", value_enum, default_value = "machine")]
    csv_dialect: impatto::output::CsvDialect,
    #[command(flatten)]
    definitions: DefinitionsArg,
    /// Skip the full validation pass (schema checks still run), for large panels validated
    /// once with `impatto validate`.
    #[arg(long)]
    no_validate: bool,
    #[command(flatten)]
    lang: super::LangArg,
    #[command(flatten)]
    keyring: super::KeyringArg,
}

/// Formats of a payout statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum StatementFormat {
    /// The readable report (summary and one row per line).
    Text,
    /// JSON: provenance, totals and every line with its explanation.
    Json,
    /// CSV: one row per line, amounts as exact decimal text.
    Csv,
    /// Parquet: one row per line, amounts as Int64 cents (needs --output).
    Parquet,
    /// Excel workbook: lines and totals, amounts as numbers with two decimals, in --lang
    /// (needs --output).
    Xlsx,
}

impl StatementFormat {
    fn from_extension(path: &Path) -> Option<StatementFormat> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "json" => Some(StatementFormat::Json),
            "csv" => Some(StatementFormat::Csv),
            "parquet" => Some(StatementFormat::Parquet),
            "txt" => Some(StatementFormat::Text),
            "xlsx" => Some(StatementFormat::Xlsx),
            _ => None,
        }
    }
}

/// A programme's own indicator definitions, added to the built-in catalogue.
#[derive(clap::Args, Clone, Debug)]
pub(crate) struct DefinitionsArg {
    /// Definition files or directories the rules may use besides the built-in catalogue
    /// (a file with a built-in id replaces it).
    #[arg(long = "definitions", num_args = 1..)]
    pub(crate) definitions: Vec<PathBuf>,
}

/// The built-in catalogue plus a programme's own definitions (same id: the programme's wins).
pub(crate) fn catalogue(extra: &DefinitionsArg) -> Result<Vec<impatto_indicators::LoadedDefinition>> {
    let mut catalogue = impatto_indicators::builtin()?;
    if !extra.definitions.is_empty() {
        for own in impatto_indicators::definition::load_files(&definition_files(&extra.definitions)?)? {
            catalogue.retain(|d| d.def.id != own.def.id);
            catalogue.push(own);
        }
    }
    Ok(catalogue)
}

pub(crate) fn statement_for(
    programme: &Path,
    data: &[PathBuf],
    period: Option<&str>,
    definitions: &DefinitionsArg,
    no_validate: bool,
    trust: &impatto::signoff::Trust,
) -> Result<impatto::rules::statement::Statement> {
    let catalogue = catalogue(definitions)?;
    let programme = impatto::rules::load_programme(programme, &catalogue)?;
    let started = std::time::Instant::now();
    let source = if no_validate {
        impatto_datasets::PanelSource::open(data)?
    } else {
        eprintln!("validating {} …", data.iter().map(|d| d.display().to_string()).collect::<Vec<_>>().join(", "));
        let (source, report) = impatto_datasets::open_validated(data)?;
        super::print_warnings(&report);
        source
    };
    eprintln!("payout {} ({:.1}s) …", programme.id, started.elapsed().as_secs_f64());
    let mut statement = impatto::rules::run(&programme, &source, &catalogue, period)?;
    statement.signoff = trust.state(Path::new(&programme.path))?;
    eprintln!("{} line(s) in {:.1}s", statement.evaluation.lines.len(), started.elapsed().as_secs_f64());
    Ok(statement)
}

pub(crate) fn payout(args: PayoutArgs) -> Result<ExitCode> {
    args.lang.choose();
    let format = match (args.format, &args.output) {
        (Some(f), _) => f,
        (None, Some(path)) => StatementFormat::from_extension(path).with_context(|| {
            format!(
                "--output {}: give --format (json, csv, parquet or text), or a file ending .json, .csv, .parquet or .txt",
                path.display()
            )
        })?,
        (None, None) => StatementFormat::Text,
    };
    if matches!(format, StatementFormat::Parquet | StatementFormat::Xlsx) && args.output.is_none() {
        let name = if format == StatementFormat::Xlsx { "xlsx" } else { "parquet" };
        bail!("--format {name} needs --output FILE (a binary file is not written to a terminal)");
    }
    let texts = args.lang.texts();
    let statement = statement_for(
        &args.programme,
        &args.data,
        args.period.as_deref(),
        &args.definitions,
        args.no_validate,
        &args.keyring.trust()?,
    )?;
    let bytes = match format {
        StatementFormat::Text => statement.report(&texts).into_bytes(),
        StatementFormat::Json => statement.to_json()?,
        StatementFormat::Csv => statement.to_csv_in(args.csv_dialect)?,
        StatementFormat::Parquet => statement.to_parquet()?,
        StatementFormat::Xlsx => impatto::spreadsheet::statement_xlsx(&statement, &texts)?,
    };
    match &args.output {
        Some(path) => {
            output::write_atomic(path, &bytes)?;
            eprintln!("statement written to {}", path.display());
            emit(None, statement.summary(&texts).as_bytes())?;
        }
        None => emit(None, &bytes)?,
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn explain(
    programme: &Path,
    beneficiary: &str,
    data: &[PathBuf],
    period: Option<&str>,
    definitions: &DefinitionsArg,
    no_validate: bool,
    texts: &impatto::i18n::Texts,
) -> Result<ExitCode> {
    let statement = statement_for(programme, data, period, definitions, no_validate, &impatto::signoff::Trust::Beside)?;
    match impatto::rules::statement::explain(&statement, beneficiary, texts) {
        Some(text) => {
            emit(None, text.as_bytes())?;
            Ok(ExitCode::SUCCESS)
        }
        None => bail!("{}: `{beneficiary}` is not a funded beneficiary of this programme", programme.display()),
    }
}

/// What `run_all` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Writes {
    /// Indicators, statements (JSON, CSV, text, xlsx), the report and the summary (`run`).
    Everything,
    /// Only the report (`report`).
    Report,
}

pub(crate) fn run_all(args: RunArgs, writes: Writes) -> Result<ExitCode> {
    args.lang.choose();
    let everything = writes == Writes::Everything;
    let out = args.out.clone().unwrap_or_else(|| PathBuf::from(if everything { "out" } else { "report" }));
    let started = std::time::Instant::now();
    let catalogue = catalogue(&args.definitions)?;
    let trust = args.keyring.trust()?;
    if args.official {
        // An official run pays and publishes only what partners signed off as it is.
        super::partners::require_signed(&args.rules, "rule file", &trust)?;
        let definitions =
            if args.definitions.definitions.is_empty() { Vec::new() } else { definition_files(&args.definitions.definitions)? };
        super::partners::require_signed(&definitions, "definition", &trust)?;
        let own: std::collections::BTreeSet<String> =
            impatto_indicators::definition::load_files(&definitions)?.into_iter().map(|d| d.def.id).collect();
        let builtin: Vec<&str> = catalogue.iter().map(|d| d.def.id.as_str()).filter(|id| !own.contains(*id)).collect();
        if !builtin.is_empty() {
            anyhow::bail!(
                "expected every definition signed off, found {} built-in ones with no sign-off: {} (hint: give --definitions DIR holding the signed files, e.g. a copy of indicators/definitions)",
                builtin.len(),
                builtin.join(", ")
            );
        }
    }
    // Rule files are checked before any data is read: a bad file fails fast.
    let programmes = args.rules.iter().map(|p| impatto::rules::load_programme(p, &catalogue)).collect::<Result<Vec<_>, _>>()?;
    eprintln!("validating {} panel director{} …", args.data.len(), if args.data.len() == 1 { "y" } else { "ies" });
    let (source, report) = impatto_datasets::open_validated(&args.data)?;
    super::print_warnings(&report);
    // The whole set is written beside --out and renamed into place: a killed or concurrent run
    // never leaves statements of one run next to indicators of another.
    let summary = output::write_set(&out, |dir| -> impatto::Result<String> {
        let request = impatto_indicators::Request {
            by: args.by.first().map(|c| c.0.clone()).unwrap_or_default(),
            also_by: args.by.iter().skip(1).map(|c| c.0.clone()).collect(),
            ..Default::default()
        };
        let total = catalogue.len();
        let mut done = 0;
        let run = impatto_indicators::compute(&catalogue, &source, &request, |id| {
            done += 1;
            eprintln!("[{done}/{total}] {id} ({:.1}s)", started.elapsed().as_secs_f64());
        })?;
        super::indicators::say_gaps(&run);
        let mut run = run;
        impatto::signoff::stamp_results(&mut run.results, &catalogue, &trust)?;
        let as_of = run.as_of.format("%Y-%m-%d").to_string();
        for (format, name) in
            [(Format::Csv, "indicators.csv"), (Format::Json, "indicators.json")].into_iter().filter(|_| everything)
        {
            output::write_atomic(
                &dir.join(name),
                &output::render_in(&run.results, format, args.csv_dialect, &as_of, &run.input_hash)?,
            )?;
        }
        let t = args.lang.texts();
        let names = impatto::report::indicator_names(&catalogue);
        if everything {
            output::write_atomic(
                &dir.join("indicators.xlsx"),
                &impatto::spreadsheet::indicators_xlsx(&run.results, &names, &t)?,
            )?;
        }
        let (rows, path) = (run.results.len().to_string(), out.join("indicators.csv").display().to_string());
        let mut summary = t.get(
            "run-indicators",
            &[
                ("version", Arg::Text(env!("CARGO_PKG_VERSION"))),
                ("hash", Arg::Text(&run.input_hash)),
                ("as-of", Arg::Text(&t.date(run.as_of))),
                ("rows", Arg::Text(&rows)),
                ("path", Arg::Text(&path)),
            ],
        );
        summary.push('\n');
        let mut statements = Vec::new();
        for programme in &programmes {
            eprintln!("payout {} …", programme.id);
            let mut statement = impatto::rules::run(programme, &source, &catalogue, None)?;
            statement.signoff = trust.state(Path::new(&programme.path))?;
            let stem = format!("{}-{}", programme.id, statement.period);
            if everything {
                output::write_atomic(&dir.join(format!("{stem}.json")), &statement.to_json()?)?;
                output::write_atomic(&dir.join(format!("{stem}.csv")), &statement.to_csv_in(args.csv_dialect)?)?;
                output::write_atomic(&dir.join(format!("{stem}.txt")), statement.report(&t).as_bytes())?;
                output::write_atomic(&dir.join(format!("{stem}.xlsx")), &impatto::spreadsheet::statement_xlsx(&statement, &t)?)?;
            }
            let e = &statement.evaluation;
            let c = &statement.currency;
            let (paid, claimed, unfunded) = (t.money(e.paid, c), t.money(e.claimed, c), t.money(e.unfunded, c));
            let (lines, path) = (e.lines.len().to_string(), out.join(format!("{stem}.json")).display().to_string());
            let loans = statement.paid_in_loans();
            // Loans are disbursements reported apart: the paid total says how much of it they are.
            let paid = if loans.is_zero() {
                format!("{paid:>16}")
            } else {
                format!("{paid:>16} ({})", t.get("run-loans", &[("amount", Arg::Text(&t.money(loans, c)))]))
            };
            let programme_id = format!("{:<28}", programme.id);
            let period = format!("{:<8}", statement.period);
            summary += &t.get(
                "run-programme",
                &[
                    ("programme", Arg::Text(&programme_id)),
                    ("period", Arg::Text(&period)),
                    ("paid", Arg::Text(&paid)),
                    ("claimed", Arg::Text(&format!("{claimed:>16}"))),
                    ("unfunded", Arg::Text(&unfunded)),
                    ("lines", Arg::Text(&lines)),
                    ("path", Arg::Text(&path)),
                ],
            );
            summary.push('\n');
            statements.push((stem, statement));
        }
        // The report people open, in both languages: report/{it,en}/<stem>.html and index.html.
        let indicators = impatto::report::Indicators { rows: &run.results, names: &names };
        let pages: Vec<impatto::report::Page<'_>> =
            statements.iter().map(|(stem, statement)| impatto::report::Page { stem, statement }).collect();
        let mut pages_written = String::new();
        for lang in impatto::i18n::Lang::ALL {
            let texts = impatto::i18n::Texts::new(lang);
            // `run` puts the report in report/ beside the statements; `report` writes only it.
            let place = |root: &Path| if everything { root.join("report").join(lang.code()) } else { root.join(lang.code()) };
            let folder = place(dir);
            pages_written += &format!("{}\n", place(&out).join("index.html").display());
            std::fs::create_dir_all(&folder).map_err(|e| impatto::Error::Io { path: folder.clone(), source: e })?;
            output::write_atomic(&folder.join("index.html"), impatto::report::index_page(&pages, &texts).as_bytes())?;
            for page in &pages {
                let html = impatto::report::programme_page(*page, indicators, &texts);
                output::write_atomic(&folder.join(format!("{}.html", page.stem)), html.as_bytes())?;
            }
        }
        if !everything {
            return Ok(pages_written);
        }
        output::write_atomic(&dir.join("summary.txt"), summary.as_bytes())?;
        Ok(summary)
    })?;
    emit(None, summary.as_bytes())?;
    eprintln!("done in {:.1}s", started.elapsed().as_secs_f64());
    Ok(ExitCode::SUCCESS)
}
