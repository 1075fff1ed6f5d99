//! `impatto`: impact indicators and pay-by-result payouts for public programmes.
//!
//! Exit codes: 0 success, 1 error (bad data, bad definition, failed computation), 2 usage error.
//! Data goes to stdout or `--output`; progress and diagnostics go to stderr.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

// Polars allocates and frees column buffers at a high rate; the system allocator hands that
// memory back to the kernel and zeroes fresh pages again, which cost a tenth of the run time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use chrono::NaiveDate;
use clap::{Parser, Subcommand};
use impatto::output::{self, Format};
use impatto_datasets::generate::{self, GenerateOptions};
use impatto_indicators::definition::{CiMethod, ConfType};
use impatto_indicators::study::did::SeType;
use impatto_indicators::study::proportion::Method;

#[derive(Parser, Debug)]
#[command(name = "impatto", version, about = "Impact indicators and pay-by-result payouts for public programmes")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Compute impact indicators over one or more panel directories.
    Indicators(IndicatorsArgs),
    /// Check indicator definition files (or directories of them).
    Check {
        /// Definition files or directories.
        #[arg(required = true)]
        definitions: Vec<PathBuf>,
    },
    /// Validate panel directories against the panel format; exits 1 if there is any error.
    Validate {
        /// Panel directories.
        #[arg(long = "data", required = true, num_args = 1..)]
        data: Vec<PathBuf>,
    },
    /// Write a seeded synthetic panel (Parquet), calibrated to the Milan programmes.
    Generate(GenerateArgs),
    /// The main job: indicators by programme and every programme's payout statement, written
    /// to an output directory with a combined report.
    Run(RunArgs),
    /// Compute a payout statement from a programme rule file.
    Payout(PayoutArgs),
    /// Kaplan-Meier survival curves (Greenwood variance) and medians, on any CSV/Parquet file.
    Survival(SurvivalArgs),
    /// Log-rank test of equal survival between 2 or more groups.
    Logrank(LogrankArgs),
    /// Confidence interval of a proportion (and of a difference of two, Newcombe).
    Proportion(ProportionArgs),
    /// Difference in means between two groups: Welch's and the pooled t-test.
    CompareMeans(CompareMeansArgs),
    /// Difference-in-differences on a panel: 2×2 or two-way fixed effects.
    Did(DidArgs),
    /// Draw a figure as SVG or PNG (by the output's extension).
    #[command(subcommand)]
    Plot(PlotCommand),
    /// Explain one beneficiary's payout step by step.
    Explain {
        /// Programme rule file.
        programme: PathBuf,
        /// Beneficiary id.
        beneficiary: String,
        /// Panel directory (repeat --data for several).
        #[arg(long = "data", required = true, num_args = 1, action = clap::ArgAction::Append)]
        data: Vec<PathBuf>,
        /// Period id (default: the file's last period).
        #[arg(long)]
        period: Option<String>,
        #[command(flatten)]
        definitions: DefinitionsArg,
    },
}

#[derive(Subcommand, Debug)]
enum PlotCommand {
    /// Kaplan-Meier curves with confidence bands and a number-at-risk table.
    Survival {
        /// CSV or Parquet file.
        file: PathBuf,
        /// Time column.
        #[arg(long)]
        time: String,
        /// Event column (1 = event, 0 = censored).
        #[arg(long)]
        event: String,
        /// One curve per value of this column.
        #[arg(long)]
        by: Option<String>,
        /// Interval type, as R's conf.type.
        #[arg(long = "conf-type", value_parser = ["log-log", "log", "plain"], default_value = "log-log")]
        conf_type: String,
        /// Output file, .svg or .png.
        #[arg(long, short)]
        output: PathBuf,
    },
    /// Event-study coefficients by period relative to treatment, with intervals.
    EventStudy {
        /// CSV or Parquet file, one row per unit × period.
        file: PathBuf,
        /// Outcome column.
        #[arg(long)]
        outcome: String,
        /// Unit column (clusters).
        #[arg(long)]
        unit: String,
        /// Period column (integer).
        #[arg(long)]
        period: String,
        /// Column with the period treatment started (empty for never treated).
        #[arg(long = "first-treated")]
        first_treated: String,
        /// Output file, .svg or .png.
        #[arg(long, short)]
        output: PathBuf,
    },
    /// One indicator's values by group, with interval whiskers, from `impatto indicators --format csv` output.
    Indicator {
        /// Results CSV written by `impatto indicators --format csv`.
        results: PathBuf,
        /// Indicator id.
        #[arg(long)]
        indicator: String,
        /// Group column to put on the x axis (default: the first group column).
        #[arg(long)]
        by: Option<String>,
        /// Output file, .svg or .png.
        #[arg(long, short)]
        output: PathBuf,
    },
}

#[derive(clap::Args, Debug)]
struct StudyOutput {
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
    /// Write to this file (atomically) instead of stdout; required for parquet.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Confidence level.
    #[arg(long, default_value_t = 0.95)]
    level: f64,
}

#[derive(clap::Args, Debug)]
struct SurvivalArgs {
    /// CSV or Parquet file.
    file: PathBuf,
    /// Time column (≥ 0).
    #[arg(long)]
    time: String,
    /// Event column (1 = event, 0 = censored).
    #[arg(long)]
    event: String,
    /// Stratify by this column.
    #[arg(long)]
    by: Option<String>,
    /// Report the curve at these times (comma-separated); default every event time.
    #[arg(long, value_delimiter = ',')]
    at: Vec<f64>,
    /// Interval type, as R's conf.type.
    #[arg(long = "conf-type", value_parser = ["log-log", "log", "plain"], default_value = "log-log")]
    conf_type: String,
    #[command(flatten)]
    out: StudyOutput,
}

#[derive(clap::Args, Debug)]
struct LogrankArgs {
    /// CSV or Parquet file.
    file: PathBuf,
    /// Time column.
    #[arg(long)]
    time: String,
    /// Event column (1 = event, 0 = censored).
    #[arg(long)]
    event: String,
    /// Group column.
    #[arg(long)]
    by: String,
    #[command(flatten)]
    out: StudyOutput,
}

#[derive(clap::Args, Debug)]
struct ProportionArgs {
    /// Successes.
    #[arg(long)]
    successes: u64,
    /// Trials.
    #[arg(long)]
    trials: u64,
    /// Interval method.
    #[arg(long, value_parser = ["wilson", "clopper-pearson", "agresti-coull", "jeffreys", "wald"], default_value = "wilson")]
    method: String,
    /// Successes of a second group (adds the difference, Newcombe).
    #[arg(long, requires = "trials2")]
    successes2: Option<u64>,
    /// Trials of the second group.
    #[arg(long, requires = "successes2")]
    trials2: Option<u64>,
    #[command(flatten)]
    out: StudyOutput,
}

#[derive(clap::Args, Debug)]
struct CompareMeansArgs {
    /// CSV or Parquet file.
    file: PathBuf,
    /// Outcome column.
    #[arg(long)]
    outcome: String,
    /// Group column (exactly two values).
    #[arg(long)]
    group: String,
    #[command(flatten)]
    out: StudyOutput,
}

#[derive(clap::Args, Debug)]
struct DidArgs {
    /// CSV or Parquet file, one row per unit × period.
    file: PathBuf,
    /// Outcome column.
    #[arg(long)]
    outcome: String,
    /// Unit column (the cluster for --se cluster).
    #[arg(long)]
    unit: String,
    /// Post-period column (0/1), for the 2×2 and two-way designs.
    #[arg(long, required_unless_present = "period", requires = "treated")]
    post: Option<String>,
    /// Treated-group column (0/1); the comparison group is everyone else in the file.
    #[arg(long, requires = "post")]
    treated: Option<String>,
    /// Period column (integer): with --first-treated, an event study by period relative to treatment.
    #[arg(long, requires = "first_treated", conflicts_with = "post")]
    period: Option<String>,
    /// Column with the period each unit's treatment started (empty for never-treated units).
    #[arg(long = "first-treated", requires = "period")]
    first_treated: Option<String>,
    /// Standard errors.
    #[arg(long, value_parser = ["classical", "hc1", "cluster"], default_value = "cluster")]
    se: String,
    /// Two-way fixed effects (unit and period) instead of the 2×2 regression.
    #[arg(long)]
    fixed_effects: bool,
    #[command(flatten)]
    out: StudyOutput,
}

#[derive(clap::Args, Debug)]
struct RunArgs {
    /// Panel directories.
    #[arg(long = "data", required = true, num_args = 1..)]
    data: Vec<PathBuf>,
    /// Programme rule files (TOML); each pays the beneficiaries its [data] selects.
    #[arg(long = "rules", num_args = 1..)]
    rules: Vec<PathBuf>,
    /// Indicator breakdown (comma-separated).
    #[arg(long, value_delimiter = ',', default_value = "programme")]
    by: Vec<String>,
    /// Output directory (created; files are written atomically).
    #[arg(long, default_value = "out")]
    out: PathBuf,
    #[command(flatten)]
    definitions: DefinitionsArg,
}

#[derive(clap::Args, Debug)]
struct PayoutArgs {
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
    #[command(flatten)]
    definitions: DefinitionsArg,
}

/// Formats of a payout statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum StatementFormat {
    /// The readable report (summary and one row per line).
    Text,
    /// JSON: provenance, totals and every line with its explanation.
    Json,
    /// CSV: one row per line, amounts as exact decimal text.
    Csv,
    /// Parquet: one row per line, amounts as Int64 cents (needs --output).
    Parquet,
}

impl StatementFormat {
    fn from_extension(path: &Path) -> Option<StatementFormat> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "json" => Some(StatementFormat::Json),
            "csv" => Some(StatementFormat::Csv),
            "parquet" => Some(StatementFormat::Parquet),
            "txt" => Some(StatementFormat::Text),
            _ => None,
        }
    }
}

/// A programme's own indicator definitions, added to the built-in catalogue.
#[derive(clap::Args, Debug)]
struct DefinitionsArg {
    /// Definition files or directories the rules may use besides the built-in catalogue
    /// (a file with a built-in id replaces it).
    #[arg(long = "definitions", num_args = 1..)]
    definitions: Vec<PathBuf>,
}

#[derive(clap::Args, Debug)]
struct IndicatorsArgs {
    /// Panel directories (each with programmes, beneficiaries, panel, participants).
    #[arg(long = "data", required = true, num_args = 1..)]
    data: Vec<PathBuf>,
    /// Definition files or directories (default: the built-in catalogue).
    #[arg(long = "definitions", num_args = 1..)]
    definitions: Vec<PathBuf>,
    /// Only these indicator ids (comma-separated).
    #[arg(long, value_delimiter = ',')]
    only: Vec<String>,
    /// Break results down by these columns (comma-separated), e.g. programme,municipio.
    #[arg(long, value_delimiter = ',')]
    by: Vec<String>,
    /// Break one indicator down differently, as ID=COLUMNS (repeatable), e.g. SUR-02=programme,edition.
    #[arg(long = "by-indicator", value_name = "ID=COLUMNS", value_parser = parse_by_indicator)]
    by_indicator: Vec<(String, Vec<String>)>,
    /// As-of date YYYY-MM-DD (default: last day of the latest panel month).
    #[arg(long = "as-of")]
    as_of: Option<NaiveDate>,
    /// Interval method for every share (default: each definition's, Wilson unless stated).
    #[arg(long, value_parser = ["wilson", "clopper-pearson"])]
    ci: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: Format,
    /// Write to this file (atomically) instead of stdout; required for parquet.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Override every definition's small-cell threshold (1 = no suppression: internal analysis only).
    #[arg(long = "small-cell")]
    small_cell: Option<u64>,
    /// Skip the full validation pass (schema checks still run). For very large, already validated panels.
    #[arg(long)]
    no_validate: bool,
}

#[derive(clap::Args, Debug)]
struct GenerateArgs {
    /// Output directory.
    #[arg(long)]
    out: PathBuf,
    /// Programmes to include (default all): fabriq-quarto, scuola-dei-quartieri, crowdfunding-civico, mi15, lorenteggio.
    #[arg(long = "programme", value_delimiter = ',')]
    programmes: Vec<String>,
    /// Seed of the random streams.
    #[arg(long, default_value_t = GenerateOptions::default().seed)]
    seed: u64,
    /// About this many panel rows (scales the number of beneficiaries).
    #[arg(long, conflicts_with = "scale")]
    rows: Option<u64>,
    /// Multiplier on the published number of beneficiaries (1 = published scale).
    #[arg(long)]
    scale: Option<f64>,
    /// Last month observed, YYYY-MM (default 2025-12).
    #[arg(long = "last-month")]
    last_month: Option<String>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| e.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe))
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Indicators(args) => indicators(args),
        Command::Check { definitions } => check(&definitions),
        Command::Validate { data } => validate(&data),
        Command::Generate(args) => generate_panel(args),
        Command::Run(args) => run_all(args),
        Command::Payout(args) => payout(args),
        Command::Plot(PlotCommand::Survival { file, time, event, by, conf_type, output }) => {
            let conf = conf_type_of(&conf_type);
            impatto::plot::picture_of(&output)?;
            let strata = impatto::studies::strata(&file, &time, &event, by.as_deref(), conf, 0.95)?;
            let title = format!(
                "Kaplan-Meier survival{} ({} 95% interval)",
                by.as_deref().map(|b| format!(" by {b}")).unwrap_or_default(),
                conf_type
            );
            impatto::plot::survival(&output, &strata, &time, &title)?;
            eprintln!("wrote {}", output.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Plot(PlotCommand::EventStudy { file, outcome, unit, period, first_treated, output }) => {
            impatto::plot::picture_of(&output)?;
            let estimates =
                impatto::studies::event_study(&file, (&outcome, &unit, &period, &first_treated), SeType::Cluster, 0.95)?;
            impatto::plot::coefficients(
                &output,
                &estimates,
                &format!("event study of `{outcome}` (95% intervals, clustered by {unit})"),
            )?;
            eprintln!("wrote {}", output.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Plot(PlotCommand::Indicator { results, indicator, by, output }) => {
            impatto::plot::picture_of(&output)?;
            let (bars, unit) = impatto::studies::indicator_bars(&results, &indicator, by.as_deref())?;
            impatto::plot::bars(&output, &bars, &format!("{indicator} by {}", by.as_deref().unwrap_or("group")), &unit)?;
            eprintln!("wrote {}", output.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Survival(a) => {
            let conf = conf_type_of(&a.conf_type);
            let (curve, medians, dropped) =
                impatto::studies::survival_tables(&a.file, &a.time, &a.event, a.by.as_deref(), &a.at, conf, a.out.level)?;
            if dropped > 0 {
                eprintln!("{dropped} row(s) with a missing time, event or group left out");
            }
            study_out(&a.out, &[("survival", &curve), ("medians", &medians)])
        }
        Command::Logrank(a) => {
            let (test, groups) = impatto::studies::logrank_tables(&a.file, &a.time, &a.event, &a.by)?;
            study_out(&a.out, &[("test", &test), ("groups", &groups)])
        }
        Command::Proportion(a) => {
            let method = match a.method.as_str() {
                "clopper-pearson" => Method::ClopperPearson,
                "agresti-coull" => Method::AgrestiCoull,
                "jeffreys" => Method::Jeffreys,
                "wald" => Method::Wald,
                _ => Method::Wilson,
            };
            let t = impatto::studies::proportion_table(a.successes, a.trials, a.successes2.zip(a.trials2), method, a.out.level)?;
            study_out(&a.out, &[("estimates", &t)])
        }
        Command::CompareMeans(a) => {
            let t = impatto::studies::compare_means_table(&a.file, &a.outcome, &a.group, a.out.level)?;
            study_out(&a.out, &[("estimates", &t)])
        }
        Command::Did(a) => {
            let se = match a.se.as_str() {
                "classical" => SeType::Classical,
                "hc1" => SeType::Hc1,
                _ => SeType::Cluster,
            };
            let t = match (&a.post, &a.treated, &a.period, &a.first_treated) {
                (Some(post), Some(treated), _, _) => {
                    impatto::studies::did_table(&a.file, (&a.outcome, &a.unit, post, treated), se, a.fixed_effects, a.out.level)?
                }
                (_, _, Some(period), Some(first)) => {
                    impatto::studies::event_study_table(&a.file, (&a.outcome, &a.unit, period, first), se, a.out.level)?
                }
                _ => bail!(
                    "did: give --post and --treated (2×2 or --fixed-effects), or --period and --first-treated (event study)"
                ),
            };
            study_out(&a.out, &[("estimates", &t)])
        }
        Command::Explain { programme, beneficiary, data, period, definitions } => {
            explain(&programme, &beneficiary, &data, period.as_deref(), &definitions)
        }
    }
}

fn definition_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut inner: Vec<PathBuf> = std::fs::read_dir(p)
                .with_context(|| format!("reading {}", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.extension().is_some_and(|x| x == "toml"))
                .collect();
            inner.sort();
            files.extend(inner);
        } else {
            files.push(p.clone());
        }
    }
    if files.is_empty() {
        bail!(
            "no definition files found in {} (expected *.toml)",
            paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
        );
    }
    Ok(files)
}

fn check(paths: &[PathBuf]) -> Result<ExitCode> {
    let files = definition_files(paths)?;
    let defs = impatto_indicators::definition::load_files(&files)?;
    for d in &defs {
        println!("ok  {:<12} {:<8} {}  {}", d.def.id, d.def.version, d.hash, d.file);
    }
    eprintln!("{} definition(s) checked", defs.len());
    Ok(ExitCode::SUCCESS)
}

fn validate(data: &[PathBuf]) -> Result<ExitCode> {
    let source = impatto_datasets::PanelSource::open(data)?;
    let report = impatto_datasets::validate(&source)?;
    print!("{report}");
    let errors = report.errors().count();
    let warnings = report.warnings().count();
    eprintln!("{errors} error(s), {warnings} warning(s); input {}", source.input_hash()?);
    Ok(if errors > 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

fn parse_by_indicator(text: &str) -> std::result::Result<(String, Vec<String>), String> {
    match text.split_once('=') {
        Some((id, columns)) if !id.trim().is_empty() => {
            Ok((id.trim().to_string(), columns.split(',').map(str::trim).filter(|c| !c.is_empty()).map(String::from).collect()))
        }
        _ => Err(format!("expected ID=COLUMNS (e.g. SUR-02=programme,edition), found `{text}`")),
    }
}

fn indicators(args: IndicatorsArgs) -> Result<ExitCode> {
    if args.format == Format::Parquet && args.output.is_none() {
        bail!("--format parquet needs --output FILE (Parquet is not written to a terminal)");
    }
    let defs = if args.definitions.is_empty() {
        impatto_indicators::builtin()?
    } else {
        impatto_indicators::definition::load_files(&definition_files(&args.definitions)?)?
    };
    let started = std::time::Instant::now();
    let source = if args.no_validate {
        impatto_datasets::PanelSource::open(&args.data)?
    } else {
        eprintln!("validating {} …", args.data.iter().map(|d| d.display().to_string()).collect::<Vec<_>>().join(", "));
        let (source, report) = impatto_datasets::open_validated(&args.data)?;
        for w in report.warnings() {
            eprintln!("{w}");
        }
        source
    };
    let request = impatto_indicators::Request {
        only: args.only,
        by: args.by,
        by_indicator: args.by_indicator,
        as_of: args.as_of,
        ci: args.ci.as_deref().map(|c| if c == "wilson" { CiMethod::Wilson } else { CiMethod::ClopperPearson }),
        small_cell: args.small_cell,
        any_by: false,
    };
    let total = defs.iter().filter(|d| request.only.is_empty() || request.only.contains(&d.def.id)).count();
    let mut done = 0;
    let run = impatto_indicators::compute(&defs, &source, &request, |id| {
        done += 1;
        eprintln!("[{done}/{total}] {id} ({:.1}s)", started.elapsed().as_secs_f64());
    })?;
    for (id, why) in &run.skipped {
        eprintln!("skipped {id}: {why}");
    }
    let as_of = run.as_of.format("%Y-%m-%d").to_string();
    let bytes = output::render(&run.results, args.format, &as_of, &run.input_hash)?;
    emit(args.output.as_deref(), &bytes)?;
    eprintln!("{} row(s) in {:.1}s; as of {as_of}; input {}", run.results.len(), started.elapsed().as_secs_f64(), run.input_hash);
    Ok(ExitCode::SUCCESS)
}

fn emit(path: Option<&Path>, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    match path {
        Some(p) => output::write_atomic(p, bytes).map_err(Into::into),
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(bytes)?;
            out.flush()?;
            Ok(())
        }
    }
}

fn generate_panel(args: GenerateArgs) -> Result<ExitCode> {
    let mut options = GenerateOptions { seed: args.seed, ..GenerateOptions::default() };
    if !args.programmes.is_empty() {
        options.programmes = args
            .programmes
            .iter()
            .map(|id| {
                generate::profile(id).with_context(|| {
                    let known: Vec<&str> = generate::PROFILES.iter().map(|p| p.id).collect();
                    format!("unknown programme `{id}` (expected one of {})", known.join(", "))
                })
            })
            .collect::<Result<_>>()?;
    }
    if let Some(m) = &args.last_month {
        let date = NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d")
            .with_context(|| format!("--last-month: expected YYYY-MM, found `{m}`"))?;
        options.last_month = date;
    }
    if let Some(scale) = args.scale {
        options.scale = scale;
    }
    if let Some(rows) = args.rows {
        options = options.with_panel_rows(rows);
    }
    let started = std::time::Instant::now();
    eprintln!("generating about {} panel rows into {} …", options.estimated_panel_rows(), args.out.display());
    let summary = generate::generate(&args.out, &options, |step, rows| {
        eprintln!("  {step}: {rows} panel rows so far ({:.1}s)", started.elapsed().as_secs_f64());
    })?;
    println!(
        "{}: {} programmes, {} beneficiaries, {} panel rows, {} participants",
        args.out.display(),
        summary.programmes,
        summary.beneficiaries,
        summary.panel_rows,
        summary.participants
    );
    Ok(ExitCode::SUCCESS)
}

/// The built-in catalogue plus a programme's own definitions (same id: the programme's wins).
fn catalogue(extra: &DefinitionsArg) -> Result<Vec<impatto_indicators::LoadedDefinition>> {
    let mut catalogue = impatto_indicators::builtin()?;
    if !extra.definitions.is_empty() {
        for own in impatto_indicators::definition::load_files(&definition_files(&extra.definitions)?)? {
            catalogue.retain(|d| d.def.id != own.def.id);
            catalogue.push(own);
        }
    }
    Ok(catalogue)
}

fn statement_for(
    programme: &Path,
    data: &[PathBuf],
    period: Option<&str>,
    definitions: &DefinitionsArg,
) -> Result<impatto::rules::statement::Statement> {
    let catalogue = catalogue(definitions)?;
    let programme = impatto::rules::load_programme(programme, &catalogue)?;
    let started = std::time::Instant::now();
    eprintln!("validating {} …", data.iter().map(|d| d.display().to_string()).collect::<Vec<_>>().join(", "));
    let (source, report) = impatto_datasets::open_validated(data)?;
    for w in report.warnings() {
        eprintln!("{w}");
    }
    eprintln!("payout {} ({:.1}s) …", programme.id, started.elapsed().as_secs_f64());
    let statement = impatto::rules::run(&programme, &source, &catalogue, period)?;
    eprintln!("{} line(s) in {:.1}s", statement.evaluation.lines.len(), started.elapsed().as_secs_f64());
    Ok(statement)
}

fn payout(args: PayoutArgs) -> Result<ExitCode> {
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
    if format == StatementFormat::Parquet && args.output.is_none() {
        bail!("--format parquet needs --output FILE (Parquet is not written to a terminal)");
    }
    let statement = statement_for(&args.programme, &args.data, args.period.as_deref(), &args.definitions)?;
    let bytes = match format {
        StatementFormat::Text => statement.report().into_bytes(),
        StatementFormat::Json => statement.to_json()?,
        StatementFormat::Csv => statement.to_csv()?,
        StatementFormat::Parquet => statement.to_parquet()?,
    };
    match &args.output {
        Some(path) => {
            output::write_atomic(path, &bytes)?;
            eprintln!("statement written to {}", path.display());
            emit(None, statement.summary().as_bytes())?;
        }
        None => emit(None, &bytes)?,
    }
    Ok(ExitCode::SUCCESS)
}

fn explain(
    programme: &Path,
    beneficiary: &str,
    data: &[PathBuf],
    period: Option<&str>,
    definitions: &DefinitionsArg,
) -> Result<ExitCode> {
    let statement = statement_for(programme, data, period, definitions)?;
    match impatto::rules::statement::explain(&statement, beneficiary) {
        Some(text) => {
            emit(None, text.as_bytes())?;
            Ok(ExitCode::SUCCESS)
        }
        None => bail!("{}: `{beneficiary}` is not a funded beneficiary of this programme", programme.display()),
    }
}

fn run_all(args: RunArgs) -> Result<ExitCode> {
    let started = std::time::Instant::now();
    let catalogue = catalogue(&args.definitions)?;
    // Rule files are checked before any data is read: a bad file fails fast.
    let programmes = args.rules.iter().map(|p| impatto::rules::load_programme(p, &catalogue)).collect::<Result<Vec<_>, _>>()?;
    eprintln!("validating {} panel director{} …", args.data.len(), if args.data.len() == 1 { "y" } else { "ies" });
    let (source, report) = impatto_datasets::open_validated(&args.data)?;
    for w in report.warnings() {
        eprintln!("{w}");
    }
    std::fs::create_dir_all(&args.out).with_context(|| format!("creating {}", args.out.display()))?;
    let request = impatto_indicators::Request { by: args.by.clone(), ..Default::default() };
    let total = catalogue.len();
    let mut done = 0;
    let run = impatto_indicators::compute(&catalogue, &source, &request, |id| {
        done += 1;
        eprintln!("[{done}/{total}] {id} ({:.1}s)", started.elapsed().as_secs_f64());
    })?;
    let as_of = run.as_of.format("%Y-%m-%d").to_string();
    for (format, name) in [(Format::Csv, "indicators.csv"), (Format::Json, "indicators.json")] {
        output::write_atomic(&args.out.join(name), &output::render(&run.results, format, &as_of, &run.input_hash)?)?;
    }
    let mut summary = format!(
        "impatto {} · data {} · indicators as of {as_of}: {} rows → {}\n",
        env!("CARGO_PKG_VERSION"),
        run.input_hash,
        run.results.len(),
        args.out.join("indicators.csv").display()
    );
    for programme in &programmes {
        eprintln!("payout {} …", programme.id);
        let statement = impatto::rules::run(programme, &source, &catalogue, None)?;
        let stem = format!("{}-{}", programme.id, statement.period);
        output::write_atomic(&args.out.join(format!("{stem}.json")), &statement.to_json()?)?;
        output::write_atomic(&args.out.join(format!("{stem}.csv")), &statement.to_csv()?)?;
        let report = statement.report();
        output::write_atomic(&args.out.join(format!("{stem}.txt")), report.as_bytes())?;
        let e = &statement.evaluation;
        summary += &format!(
            "{:<28} {:<8} paid {:>13} {} of {:>13} claimed · unfunded {:>12} · {} lines → {}\n",
            programme.id,
            statement.period,
            impatto::rules::money::amount(e.paid),
            statement.currency,
            impatto::rules::money::amount(e.claimed),
            impatto::rules::money::amount(e.unfunded),
            e.lines.len(),
            args.out.join(format!("{stem}.json")).display()
        );
    }
    output::write_atomic(&args.out.join("summary.txt"), summary.as_bytes())?;
    emit(None, summary.as_bytes())?;
    eprintln!("done in {:.1}s", started.elapsed().as_secs_f64());
    Ok(ExitCode::SUCCESS)
}

fn study_out(out: &StudyOutput, tables: &[(&str, &impatto::table::Rows)]) -> Result<ExitCode> {
    if !(out.level > 0.5 && out.level < 1.0) {
        bail!("--level: expected a confidence level between 0.5 and 1 (e.g. 0.95), found {}", out.level);
    }
    if out.format == Format::Parquet && out.output.is_none() {
        bail!("--format parquet needs --output FILE (Parquet is not written to a terminal)");
    }
    let bytes = impatto::table::render(tables, out.format)?;
    emit(out.output.as_deref(), &bytes)?;
    Ok(ExitCode::SUCCESS)
}

/// The interval type named on the command line (clap has already checked the name).
fn conf_type_of(name: &str) -> ConfType {
    match name {
        "log" => ConfType::Log,
        "plain" => ConfType::Plain,
        _ => ConfType::LogLog,
    }
}
