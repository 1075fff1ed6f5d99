//! `indicators`, `check` and `validate`: the indicator library and the panel format.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use chrono::NaiveDate;
use impatto::output::{self, CsvDialect, Format};
use impatto_indicators::definition::CiMethod;

use super::emit;

#[derive(clap::Args, Debug)]
pub(crate) struct IndicatorsArgs {
    /// Panel directories (each with programmes, beneficiaries, panel, participants).
    #[arg(long = "data", required = true, num_args = 1..)]
    data: Vec<PathBuf>,
    /// Definition files or directories (default: the built-in catalogue).
    #[arg(long = "definitions", num_args = 1..)]
    definitions: Vec<PathBuf>,
    /// Only these indicator ids (comma-separated).
    #[arg(long, value_delimiter = ',')]
    only: Vec<String>,
    /// Break results down by these columns (comma-separated), e.g. programme,municipio. Given more
    /// than once, each is a table of one release: all are protected together with their margins.
    #[arg(long, value_parser = super::parse_columns)]
    by: Vec<super::Columns>,
    /// Break one indicator down differently, as ID=COLUMNS (repeatable), e.g. SUR-02=programme,edition.
    #[arg(long = "by-indicator", value_name = "ID=COLUMNS", value_parser = parse_by_indicator)]
    by_indicator: Vec<(String, Vec<String>)>,
    /// As-of date YYYY-MM-DD (default: last day of the latest panel month).
    #[arg(long = "as-of")]
    as_of: Option<NaiveDate>,
    /// As-of dates already published from this data (comma-separated): cells that changed by fewer
    /// than the small-cell threshold since one of them are withheld, so releases cannot be differenced.
    #[arg(long = "published-as-of", value_delimiter = ',', value_name = "DATES")]
    published_as_of: Vec<NaiveDate>,
    /// Interval method for every share (default: each definition's, Wilson unless stated).
    #[arg(long, value_enum)]
    ci: Option<CiArg>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: IndicatorFormat,
    /// CSV dialect: `machine` (`,` and `.`) or `excel-it` (`;`, decimal comma, dd/mm/yyyy, BOM).
    #[arg(long = "csv-dialect", value_enum, default_value = "machine")]
    csv_dialect: CsvDialect,
    /// Write to this file (atomically) instead of stdout; required for parquet.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Override every definition's small-cell threshold (1 = no suppression: internal analysis only).
    #[arg(long = "small-cell")]
    small_cell: Option<u64>,
    /// Skip the full validation pass (schema checks still run). For very large, already validated panels.
    #[arg(long)]
    no_validate: bool,
    #[command(flatten)]
    lang: super::LangArg,
    #[command(flatten)]
    keyring: super::KeyringArg,
}

pub(crate) fn definition_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
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

/// The lock of definitions: every (id, version) ever checked with `--update-lock`, with the
/// file's hash, so content changed under an old version number is caught. TOML:
/// `[FND-01]` then `"1.0.0" = "sha256:…"`.
type Lock = std::collections::BTreeMap<String, std::collections::BTreeMap<String, String>>;

fn check_lock(path: &Path, defs: &[impatto_indicators::LoadedDefinition], update: bool) -> Result<()> {
    let mut lock: Lock = if path.is_file() {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        toml::from_str(&text)
            .with_context(|| format!("{}: expected [ID] tables of \"VERSION\" = \"sha256:…\"", path.display()))?
    } else if update {
        Lock::new()
    } else {
        return Ok(());
    };
    let mut changed = Vec::new();
    for d in defs {
        let versions = lock.entry(d.def.id.clone()).or_default();
        match versions.get(&d.def.version) {
            Some(hash) if *hash != d.hash => {
                changed.push(format!("{} {} ({}): the file is {}, the lock says {hash}", d.def.id, d.def.version, d.file, d.hash))
            }
            Some(_) => {}
            None => {
                versions.insert(d.def.version.clone(), d.hash.clone());
            }
        }
    }
    if !changed.is_empty() {
        bail!(
            "{}: expected a new version for changed content, found {} definition(s) changed under a version already locked: {} (hint: raise `version` in the file, then `impatto check --update-lock`)",
            path.display(),
            changed.len(),
            changed.join("; ")
        );
    }
    if update {
        impatto::output::write_atomic(path, toml::to_string(&lock).context("writing the lock")?.as_bytes())?;
        eprintln!("{} updated", path.display());
    }
    Ok(())
}

pub(crate) fn check(
    paths: &[PathBuf],
    require_signoff: bool,
    update_lock: bool,
    keyring: &super::KeyringArg,
) -> Result<ExitCode> {
    let trust = keyring.trust()?;
    let files = definition_files(paths)?;
    let defs = impatto_indicators::definition::load_files(&files)?;
    // The lock sits in the (first) directory checked: definitions.lock.
    if let Some(dir) = paths.iter().find(|p| p.is_dir()) {
        check_lock(&dir.join("definitions.lock"), &defs, update_lock)?;
    } else if update_lock {
        bail!("--update-lock needs a directory of definitions (the lock is DIR/definitions.lock)");
    }
    let mut out = String::new();
    for (d, file) in defs.iter().zip(&files) {
        let state = trust.state(file)?;
        let _ = writeln!(out, "ok  {:<12} {:<8} {}  {}  {state}", d.def.id, d.def.version, d.hash, d.file);
    }
    super::emit(None, out.as_bytes())?;
    eprintln!("{} definition(s) checked", defs.len());
    if require_signoff {
        super::partners::require_signed(&files, "definition", &trust)?;
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn validate(data: &[PathBuf], lang: &super::LangArg) -> Result<ExitCode> {
    lang.choose();
    let source = impatto_datasets::PanelSource::open(data)?;
    let report = impatto_datasets::validate(&source)?;
    let findings = super::findings();
    super::emit(None, findings.report(&report).as_bytes())?;
    let errors = report.errors().count();
    let summary = impatto_datasets::phrase!(
        "data-summary",
        errors = errors,
        warnings = report.warnings().count(),
        input = source.input_hash()?
    );
    eprintln!("{}", findings.phrase(&summary));
    Ok(if errors > 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

pub(crate) fn parse_by_indicator(text: &str) -> std::result::Result<(String, Vec<String>), String> {
    match text.split_once('=') {
        Some((id, columns)) if !id.trim().is_empty() => {
            Ok((id.trim().to_string(), columns.split(',').map(str::trim).filter(|c| !c.is_empty()).map(String::from).collect()))
        }
        _ => Err(format!("expected ID=COLUMNS (e.g. SUR-02=programme,edition), found `{text}`")),
    }
}

pub(crate) fn indicators(args: IndicatorsArgs) -> Result<ExitCode> {
    args.lang.choose();
    if matches!(args.format, IndicatorFormat::Parquet | IndicatorFormat::Xlsx) && args.output.is_none() {
        let name = if args.format == IndicatorFormat::Xlsx { "xlsx" } else { "parquet" };
        bail!("--format {name} needs --output FILE (a binary file is not written to a terminal)");
    }
    // Read before any computing: a keyring named wrong fails at once.
    let trust = args.keyring.trust()?;
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
        super::print_warnings(&report);
        source
    };
    let mut tables = args.by.into_iter();
    let request = impatto_indicators::Request {
        only: args.only,
        by: tables.next().map(|c| c.0).unwrap_or_default(),
        also_by: tables.map(|c| c.0).collect(),
        by_indicator: args.by_indicator,
        as_of: args.as_of,
        published_as_of: args.published_as_of,
        ci: args.ci.map(|c| match c {
            CiArg::Wilson => CiMethod::Wilson,
            CiArg::ClopperPearson => CiMethod::ClopperPearson,
        }),
        small_cell: args.small_cell,
        any_by: false,
    };
    let total = defs.iter().filter(|d| request.only.is_empty() || request.only.contains(&d.def.id)).count();
    let mut done = 0;
    let run = impatto_indicators::compute(&defs, &source, &request, |id| {
        done += 1;
        eprintln!("[{done}/{total}] {id} ({:.1}s)", started.elapsed().as_secs_f64());
    })?;
    say_gaps(&run);
    let mut run = run;
    impatto::signoff::stamp_results(&mut run.results, &defs, &trust)?;
    let as_of = run.as_of.format("%Y-%m-%d").to_string();
    let table = |format| output::render_in(&run.results, format, args.csv_dialect, &as_of, &run.input_hash);
    let bytes = match args.format {
        IndicatorFormat::Xlsx => {
            impatto::spreadsheet::indicators_xlsx(&run.results, &impatto::report::indicator_names(&defs), &args.lang.texts())?
        }
        IndicatorFormat::Table => {
            let names = impatto::report::indicator_names(&defs);
            output::table_text(&run.results, &names, &args.lang.texts(), &as_of, &run.input_hash).into_bytes()
        }
        IndicatorFormat::Json => table(Format::Json)?,
        IndicatorFormat::Csv => table(Format::Csv)?,
        IndicatorFormat::Parquet => table(Format::Parquet)?,
    };
    emit(args.output.as_deref(), &bytes)?;
    eprintln!("{} row(s) in {:.1}s; as of {as_of}; input {}", run.results.len(), started.elapsed().as_secs_f64(), run.input_hash);
    Ok(ExitCode::SUCCESS)
}

/// Formats of an indicator table: the statistics commands' four and a workbook.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum IndicatorFormat {
    /// Aligned text for people.
    Table,
    /// JSON document with provenance and one object per row.
    Json,
    /// CSV, one row per result (dialect by --csv-dialect).
    Csv,
    /// Parquet, one row per result (needs --output).
    Parquet,
    /// Excel workbook: typed cells, shares as percentages, names and headers in --lang (needs --output).
    Xlsx,
}

/// Interval methods of shares in the indicator tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum CiArg {
    /// Wilson score interval.
    Wilson,
    /// Clopper-Pearson exact interval.
    ClopperPearson,
}

/// On stderr: the indicators skipped, and those that gave no row, each with why.
pub(crate) fn say_gaps(run: &impatto_indicators::Run) {
    for (id, why) in &run.skipped {
        eprintln!("skipped {id}: {why}");
    }
    for (id, why) in &run.empty {
        eprintln!("no rows for {id}: {why}");
    }
}
