//! What partners do without Rust: sign off definition and rule files, and check sign-offs.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use impatto::signoff::{self, Keyring, Verdict};

/// `impatto signoff FILE --by NAME --role ROLE --key KEY`, or a subcommand.
#[derive(clap::Args, Debug)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub(crate) struct SignoffArgs {
    #[command(subcommand)]
    command: Option<SignoffCommand>,
    /// The definition or rule file to sign off, as it is now (its SHA-256 is signed).
    #[arg(required = true)]
    file: Option<PathBuf>,
    /// Who signs, as the keyring names them.
    #[arg(long, required = true)]
    by: Option<String>,
    /// In what capacity, e.g. "scientific lead, university lab".
    #[arg(long, required = true)]
    role: Option<String>,
    /// The signer's secret key file (from `impatto signoff keygen`).
    #[arg(long, required = true)]
    key: Option<PathBuf>,
    /// What the sign-off covers, in the signer's words (default: the whole file).
    #[arg(long)]
    scope: Option<String>,
    /// Day of the sign-off, YYYY-MM-DD (default: today).
    #[arg(long)]
    date: Option<NaiveDate>,
}

#[derive(clap::Subcommand, Debug)]
enum SignoffCommand {
    /// Make a signer's key: the secret key to --out (kept by the signer), and on stdout the
    /// lines that add the signer to a keyring (`signers.keyring`, kept by the city).
    Keygen {
        /// Who the key is for.
        #[arg(long)]
        by: String,
        /// Their usual role.
        #[arg(long)]
        role: String,
        /// Where to write the secret key (refused if the file exists).
        #[arg(long)]
        out: PathBuf,
    },
    /// Check the sign-offs of files: each record's signature, its signer against the keyring,
    /// and whether the file changed since. Exits 1 unless every file is signed as it is.
    Verify {
        /// Definition or rule files, or directories of definitions.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Trusted signers (default: `signers.keyring` beside each file).
        #[arg(long)]
        keyring: Option<PathBuf>,
    },
}

pub(crate) fn signoff(args: SignoffArgs) -> Result<ExitCode> {
    match args.command {
        Some(SignoffCommand::Keygen { by, role, out }) => keygen(&by, &role, &out),
        Some(SignoffCommand::Verify { files, keyring }) => verify(&files, keyring.as_deref()),
        None => {
            let (Some(file), Some(by), Some(role), Some(key)) = (args.file, args.by, args.role, args.key) else {
                bail!("expected FILE --by NAME --role ROLE --key KEY (clap requires them; this is a bug)");
            };
            let secret = signoff::read_secret_key(&key)?;
            let date = args.date.unwrap_or_else(today_utc);
            let scope = args.scope.unwrap_or_else(|| "the whole file".to_string());
            let record = signoff::sign(&file, &secret, &by, &role, &scope, date)?;
            println!(
                "signed {} {} as {} ({}), {}; record in {}",
                record.file,
                record.sha256,
                record.signer,
                record.role,
                record.date,
                signoff::records_path(&file).display()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Today in UTC (chrono's clock feature would pull in time-zone data for this one call).
fn today_utc() -> NaiveDate {
    let days = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() / 86_400);
    NaiveDate::default() + chrono::Days::new(days)
}

fn keygen(by: &str, role: &str, out: &Path) -> Result<ExitCode> {
    if out.exists() {
        bail!("{}: exists; expected a new file for the secret key (hint: a key is made once per signer)", out.display());
    }
    let key = signoff::generate_key(out)?;
    write_private(out, signoff::secret_key_text(&key).as_bytes())?;
    let entry = Keyring {
        signer: vec![signoff::TrustedSigner {
            name: by.to_string(),
            role: role.to_string(),
            public_key: signoff::public_key_text(&key),
        }],
    };
    print!("{}", toml::to_string(&entry).context("writing the keyring entry")?);
    eprintln!(
        "secret key written to {} (keep it private); add the lines above to the keyring, e.g. signers.keyring beside the files",
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// A file only its owner can read, created (never overwritten) with that mode from the start.
fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).with_context(|| format!("creating {}", path.display()))?;
    file.write_all(bytes).and_then(|()| file.sync_all()).with_context(|| format!("writing {}", path.display()))
}

fn verify(paths: &[PathBuf], keyring: Option<&Path>) -> Result<ExitCode> {
    let mut all_signed = true;
    let mut out = String::new();
    let trust = signoff::Trust::load(keyring)?;
    for file in super::indicators::definition_files(paths)? {
        let ring = trust.keyring_for(&file)?;
        if matches!(trust, signoff::Trust::Beside) && !signoff::default_keyring(&file).is_file() {
            eprintln!(
                "{}: no {} beside it, so no signer is trusted (hint: --keyring FILE names the city's keyring)",
                file.display(),
                signoff::default_keyring(&file).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
            );
        }
        let current = signoff::file_sha256(&file)?;
        let state = signoff::state(&file, &ring)?;
        all_signed &= state.is_signed();
        out += &format!("{}  {current}  {state}\n", file.display());
        for (i, record) in signoff::records(&file)?.iter().enumerate() {
            let verdict = ring.check(record, &current);
            all_signed &= !matches!(verdict, Verdict::Forged | Verdict::UnknownSigner);
            out += &format!(
                "  record {}: {} ({}), {}, {} — {}\n",
                i + 1,
                record.signer,
                record.role,
                record.date,
                record.sha256,
                verdict.word()
            );
        }
    }
    super::emit(None, out.as_bytes())?;
    Ok(if all_signed { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// Refuse files that are not signed as they are (for `check --require-signoff`, `run --official`).
pub(crate) fn require_signed(files: &[PathBuf], what: &str, trust: &signoff::Trust) -> Result<()> {
    let mut unsigned = Vec::new();
    for file in files {
        let state = trust.state(file)?;
        if !state.is_signed() {
            unsigned.push(format!("{} ({state})", file.display()));
        }
    }
    if !unsigned.is_empty() {
        bail!(
            "expected every {what} signed off as it is, found {} not: {} (hint: `impatto signoff FILE --by NAME --role ROLE --key KEY`, then `impatto signoff verify`)",
            unsigned.len(),
            unsigned.join("; ")
        );
    }
    Ok(())
}

/// `impatto test DEFINITIONS --fixtures DIR`, or `--init ID` to start a fixture.
#[derive(clap::Args, Debug)]
pub(crate) struct TestArgs {
    /// Definition files or directories (default: the built-in catalogue).
    definitions: Vec<PathBuf>,
    /// A fixture directory (with fixture.toml), or a directory of them.
    #[arg(long, required = true)]
    fixtures: PathBuf,
    /// Write a new fixture for this indicator id under --fixtures, to start from: the worked
    /// example panel and the results the definition gives on it now, to be checked by hand.
    #[arg(long, value_name = "ID")]
    init: Option<String>,
}

/// The example panel of `--init`: the built-in hand-worked fixture, with its derivations.
const EXAMPLE_PANEL: [(&str, &str); 7] = [
    ("programmes.csv", include_str!("../../../indicators/tests/fixtures/small/programmes.csv")),
    ("beneficiaries.csv", include_str!("../../../indicators/tests/fixtures/small/beneficiaries.csv")),
    ("panel.csv", include_str!("../../../indicators/tests/fixtures/small/panel.csv")),
    ("participants.csv", include_str!("../../../indicators/tests/fixtures/small/participants.csv")),
    ("campaigns.csv", include_str!("../../../indicators/tests/fixtures/small/campaigns.csv")),
    ("outcomes.csv", include_str!("../../../indicators/tests/fixtures/small/outcomes.csv")),
    ("DERIVATION.md", include_str!("../../../indicators/tests/fixtures/small/DERIVATION.md")),
];

/// A fixture directory (holding fixture.toml), or the fixture directories in `path`, sorted.
fn fixture_dirs(path: &Path) -> Result<Vec<PathBuf>> {
    if path.join("fixture.toml").is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(path)
        .with_context(|| format!("reading {}", path.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("fixture.toml").is_file())
        .collect();
    dirs.sort();
    Ok(dirs)
}

fn test_definitions(paths: &[PathBuf]) -> Result<Vec<impatto_indicators::LoadedDefinition>> {
    Ok(if paths.is_empty() {
        impatto_indicators::builtin()?
    } else {
        impatto_indicators::definition::load_files(&super::indicators::definition_files(paths)?)?
    })
}

pub(crate) fn test(args: TestArgs) -> Result<ExitCode> {
    let defs = test_definitions(&args.definitions)?;
    if let Some(id) = &args.init {
        return init(&defs, id, &args.fixtures);
    }
    let dirs = fixture_dirs(&args.fixtures)?;
    if dirs.is_empty() {
        bail!(
            "{}: expected a fixture (a directory with fixture.toml) or a directory of them, found none (hint: `impatto test --fixtures {} --init ID` writes one to start from)",
            args.fixtures.display(),
            args.fixtures.display()
        );
    }
    let (mut passed, mut out) = (0, String::new());
    for dir in &dirs {
        eprintln!("fixture {} …", dir.display());
        // A fixture that cannot run fails alone; the others still run.
        let ran = impatto::fixtures::load(dir).and_then(|fixture| Ok((impatto::fixtures::run(&fixture, &defs)?, fixture)));
        let (problems, fixture) = match ran {
            Ok(ran) => ran,
            Err(e) => {
                out += &format!("FAIL  {}  (cannot run: {})\n", dir.display(), super::error_text(&e.into()));
                continue;
            }
        };
        if problems.is_empty() {
            passed += 1;
            let n = fixture.expected.len();
            out += &format!("ok    {}  ({n} row{})\n", dir.display(), if n == 1 { "" } else { "s" });
        } else {
            out += &format!("FAIL  {}  ({} difference(s) in {} rows)\n", dir.display(), problems.len(), fixture.expected.len());
            for p in &problems {
                out += &format!("      {}  {}  {}\n", p.place, p.row, p.what);
            }
        }
    }
    super::emit(None, out.as_bytes())?;
    eprintln!("{passed} of {} fixture(s) passed", dirs.len());
    Ok(if passed == dirs.len() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

fn init(defs: &[impatto_indicators::LoadedDefinition], id: &str, fixtures: &Path) -> Result<ExitCode> {
    if !defs.iter().any(|d| d.def.id == id) {
        let known: Vec<&str> = defs.iter().map(|d| d.def.id.as_str()).collect();
        bail!("expected an indicator id of the definitions, found `{id}` (known: {})", known.join(", "));
    }
    let dir = fixtures.join(id.to_lowercase());
    if dir.exists() {
        bail!("{}: exists; expected a new directory for the fixture (hint: edit the one there, or remove it)", dir.display());
    }
    std::fs::create_dir_all(dir.join("panel")).with_context(|| format!("creating {}", dir.display()))?;
    for (name, text) in EXAMPLE_PANEL {
        impatto::output::write_atomic(&dir.join("panel").join(name), text.as_bytes())?;
    }
    let spec = format!(
        "# A test case for {id}: the panel in panel/ and the results expected of it in expected.csv.\n# Change the panel to the case you want to pin down, work the results out by hand, and\n# write them in expected.csv; `impatto test DEFINITIONS --fixtures {}` compares.\ndescription = \"{id} on the worked example panel\"\nas_of = \"2024-12-31\"\nsmall_cell = 1\n",
        fixtures.display()
    );
    impatto::output::write_atomic(&dir.join("fixture.toml"), spec.as_bytes())?;
    let fixture = impatto::fixtures::load(&dir).ok();
    let as_of = fixture.as_ref().map(|f| f.spec.as_of);
    let (source, _) = impatto_datasets::open_validated(&[dir.join("panel")])?;
    let request = impatto_indicators::Request { only: vec![id.to_string()], as_of, small_cell: Some(1), ..Default::default() };
    let run = impatto_indicators::compute(defs, &source, &request, |_| {})?;
    let note = format!(
        "Written by `impatto test --init {id}`: what the definition gives now on the example panel\n(derivations of its values in panel/DERIVATION.md). Check every number by hand before\nrelying on it: a fixture pins down what was worked out independently."
    );
    impatto::output::write_atomic(&dir.join("expected.csv"), impatto::fixtures::expected_csv(&run.results, &note).as_bytes())?;
    println!("{}", dir.display());
    eprintln!("fixture written to {}: panel/, fixture.toml, expected.csv ({} rows)", dir.display(), run.results.len());
    Ok(ExitCode::SUCCESS)
}

/// `impatto diff OLD NEW --data DIR`.
#[derive(clap::Args, Debug)]
pub(crate) struct DiffArgs {
    /// The old version: a definition file or directory, a rule file, or a panel directory.
    old: PathBuf,
    /// The new version, of the same kind.
    new: PathBuf,
    /// Panel directories to compute on (for two panel directories: none).
    #[arg(long = "data", num_args = 1..)]
    data: Vec<PathBuf>,
    /// Indicator breakdown (comma-separated).
    #[arg(long, value_parser = super::parse_columns, default_value = "programme")]
    by: super::Columns,
    /// As-of date YYYY-MM-DD for both versions (default: each panel's last month, which moves
    /// every result when a snapshot adds a month).
    #[arg(long = "as-of")]
    as_of: Option<chrono::NaiveDate>,
    /// Override every definition's small-cell threshold (1 = no suppression: a withheld cell
    /// hides its change).
    #[arg(long = "small-cell")]
    small_cell: Option<u64>,
    /// Rule files to compare too, when comparing two panel directories.
    #[arg(long = "rules", num_args = 1..)]
    rules: Vec<PathBuf>,
    #[command(flatten)]
    definitions: super::payouts::DefinitionsArg,
    /// table (people), json (every entry, identical ones included) or html (a page, in --lang).
    #[arg(long, value_enum, default_value = "table")]
    format: DiffFormat,
    /// Write to this file (atomically) instead of stdout.
    #[arg(long, short)]
    output: Option<PathBuf>,
    #[command(flatten)]
    lang: super::LangArg,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum DiffFormat {
    Table,
    Json,
    Html,
}

fn is_panel_dir(dir: &Path) -> bool {
    ["programmes", "beneficiaries"].iter().any(|t| ["csv", "parquet"].iter().any(|x| dir.join(format!("{t}.{x}")).is_file()))
}

/// The results as published, and with suppression off (None when it is off already).
type Computed = (Vec<impatto_indicators::IndicatorResult>, Option<Vec<impatto_indicators::IndicatorResult>>);

fn indicator_run(
    defs: &[impatto_indicators::LoadedDefinition],
    source: &impatto_datasets::PanelSource,
    args: &DiffArgs,
) -> Result<Computed> {
    let request =
        |small_cell| impatto_indicators::Request { by: args.by.0.clone(), as_of: args.as_of, small_cell, ..Default::default() };
    let published = impatto_indicators::compute(defs, source, &request(args.small_cell), |_| {})?.results;
    let behind = if args.small_cell == Some(1) {
        None
    } else {
        Some(impatto_indicators::compute(defs, source, &request(Some(1)), |_| {})?.results)
    };
    Ok((published, behind))
}

/// The computations with suppression off of both versions, when both were made.
fn behind<'a>(
    old: &'a Computed,
    new: &'a Computed,
) -> Option<(&'a [impatto_indicators::IndicatorResult], &'a [impatto_indicators::IndicatorResult])> {
    Some((old.1.as_deref()?, new.1.as_deref()?))
}

/// The files of a directory (not below), with their SHA-256, by name.
fn hashes(dir: &Path) -> Result<std::collections::BTreeMap<String, String>> {
    let mut out = std::collections::BTreeMap::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.is_file() {
            out.insert(
                path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
                signoff::file_sha256(&path)?,
            );
        }
    }
    Ok(out)
}

pub(crate) fn diff(args: DiffArgs) -> Result<ExitCode> {
    use impatto::diff;
    let need_data = || -> Result<()> {
        if args.data.is_empty() {
            bail!("expected --data DIR to compute on, found none (hint: the panel the results come from)");
        }
        Ok(())
    };
    let kind = |p: &Path| match (p.is_dir(), is_panel_dir(p)) {
        (true, true) => "a panel directory",
        (true, false) => "a directory of definitions",
        (false, _) if p.extension().is_some_and(|e| e == "toml") => "a TOML file (a definition or a rule file)",
        (false, _) => "a file that is not TOML",
    };
    if !args.old.exists() {
        bail!("{}: expected the old version to compare, found nothing at this path", args.old.display());
    }
    if kind(&args.old) != kind(&args.new) || !args.new.exists() {
        bail!(
            "{}: expected the same kind of input as {} ({}), found {} (hint: compare two panel directories, two definition files or directories, or two rule files)",
            args.new.display(),
            args.old.display(),
            kind(&args.old),
            if args.new.exists() { kind(&args.new) } else { "nothing at this path" }
        );
    }
    let entries = if args.old.is_dir() && is_panel_dir(&args.old) {
        // Two data snapshots: the same definitions and rules on each.
        let catalogue = super::payouts::catalogue(&args.definitions)?;
        let (old_files, new_files) = (hashes(&args.old)?, hashes(&args.new)?);
        let mut names: Vec<&String> = old_files.keys().chain(new_files.keys()).collect();
        names.sort();
        names.dedup();
        let moved: Vec<String> = names
            .into_iter()
            .filter(|n| old_files.get(*n) != new_files.get(*n))
            .map(|n| match (old_files.contains_key(n), new_files.contains_key(n)) {
                (true, true) => format!("{n} changed"),
                (false, _) => format!("{n} added"),
                _ => format!("{n} removed"),
            })
            .collect();
        let files = format!("input files: {}", if moved.is_empty() { "none differ".to_string() } else { moved.join(", ") });
        let started = std::time::Instant::now();
        eprintln!("comparing the rows of {} and {} …", args.old.display(), args.new.display());
        // Each snapshot is validated once, then compared, computed on and paid from.
        let (old_source, _) = impatto_datasets::open_validated(std::slice::from_ref(&args.old))?;
        let (new_source, _) = impatto_datasets::open_validated(std::slice::from_ref(&args.new))?;
        let rows = impatto_datasets::snapshot::compare(&old_source, &new_source)?;
        eprintln!(
            "{} input row(s) differ ({:.1}s); computing the indicators on each …",
            rows.rows.len(),
            started.elapsed().as_secs_f64()
        );
        let reads: std::collections::BTreeMap<&str, Vec<(impatto_datasets::schema::Table, String)>> =
            catalogue.iter().map(|d| (d.def.id.as_str(), impatto_indicators::reads::columns_behind(d, &args.by.0))).collect();
        let old = indicator_run(&catalogue, &old_source, &args)?;
        let new = indicator_run(&catalogue, &new_source, &args)?;
        let mut rows_behind = diff::InputRows::new(&rows, files);
        let mut entries = diff::results(&old.0, &new.0, behind(&old, &new), |r| {
            rows_behind.behind_result(r, reads.get(r.indicator.as_str()).map(Vec::as_slice).unwrap_or_default())
        });
        for rules in &args.rules {
            let programme = impatto::rules::load_programme(rules, &catalogue)?;
            let a = impatto::rules::run(&programme, &old_source, &catalogue, None)?;
            let b = impatto::rules::run(&programme, &new_source, &catalogue, None)?;
            entries.extend(diff::lines(&programme.id, &a.evaluation.lines, &b.evaluation.lines, |l| rows_behind.behind_line(l)));
        }
        entries
    } else if args.old.is_file()
        && impatto::rules::load_programme(&args.old, &super::payouts::catalogue(&args.definitions)?).is_ok()
    {
        // Two rule files, on the same data.
        need_data()?;
        let catalogue = super::payouts::catalogue(&args.definitions)?;
        let a = impatto::rules::load_programme(&args.old, &catalogue)?;
        let b = impatto::rules::load_programme(&args.new, &catalogue)?;
        let cause = diff::Why::from(
            diff::changed_fields(&std::fs::read_to_string(&args.old)?, &std::fs::read_to_string(&args.new)?).join("; "),
        );
        let (source, _) = impatto_datasets::open_validated(&args.data)?;
        let old = impatto::rules::run(&a, &source, &catalogue, None)?;
        let new = impatto::rules::run(&b, &source, &catalogue, None)?;
        diff::lines(&b.id, &old.evaluation.lines, &new.evaluation.lines, |_| cause.clone())
    } else {
        // Two definition files or directories, on the same data.
        need_data()?;
        let load = |p: &PathBuf| -> Result<Vec<impatto_indicators::LoadedDefinition>> {
            Ok(impatto_indicators::definition::load_files(&super::indicators::definition_files(std::slice::from_ref(p))?)?)
        };
        let (old_defs, new_defs) = (load(&args.old)?, load(&args.new)?);
        let text_of = |defs: &[impatto_indicators::LoadedDefinition]| -> std::collections::BTreeMap<String, String> {
            defs.iter().map(|d| (d.def.id.clone(), std::fs::read_to_string(&d.file).unwrap_or_default())).collect()
        };
        let (old_texts, new_texts) = (text_of(&old_defs), text_of(&new_defs));
        let (source, _) = impatto_datasets::open_validated(&args.data)?;
        let old = indicator_run(&old_defs, &source, &args)?;
        let new = indicator_run(&new_defs, &source, &args)?;
        diff::results(&old.0, &new.0, behind(&old, &new), |r| {
            diff::Why::from(match (old_texts.get(&r.indicator), new_texts.get(&r.indicator)) {
                (Some(a), Some(b)) => {
                    let fields = diff::changed_fields(a, b);
                    if fields.is_empty() {
                        "no field of the definition differs (the release around it does)".to_string()
                    } else {
                        fields.join("; ")
                    }
                }
                (None, _) => "definition added".to_string(),
                (_, None) => "definition removed".to_string(),
            })
        })
    };
    let bytes = match args.format {
        DiffFormat::Table => diff::table(&entries).into_bytes(),
        DiffFormat::Json => serde_json::to_vec_pretty(&entries).context("writing JSON")?,
        DiffFormat::Html => {
            let (old, new) = (args.old.display().to_string(), args.new.display().to_string());
            diff::html(&entries, &old, &new, &args.lang.texts()).into_bytes()
        }
    };
    super::emit(args.output.as_deref(), &bytes)?;
    let moved = entries.iter().filter(|e| e.class != diff::Class::Identical).count();
    eprintln!("{moved} of {} result(s) or line(s) differ", entries.len());
    Ok(if moved == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// `impatto catalogue DEFINITIONS --out DIR`.
#[derive(clap::Args, Debug)]
pub(crate) struct CatalogueArgs {
    /// Definition files or directories.
    #[arg(required = true)]
    definitions: Vec<PathBuf>,
    /// Rule files to give a page too.
    #[arg(long = "rules", num_args = 1..)]
    rules: Vec<PathBuf>,
    /// Partners' fixtures (a fixture directory or a directory of them): each indicator's page
    /// shows the expected values of the fixtures naming it.
    #[arg(long)]
    fixtures: Option<PathBuf>,
    /// Output directory: DIR/it/ and DIR/en/, an index.html and a page per file in each.
    #[arg(long)]
    out: PathBuf,
    #[command(flatten)]
    keyring: super::KeyringArg,
}

pub(crate) fn catalogue(args: CatalogueArgs) -> Result<ExitCode> {
    use impatto::catalogue::{Entry, RuleFile};
    let files = super::indicators::definition_files(&args.definitions)?;
    let defs = impatto_indicators::definition::load_files(&files)?;
    let mut fixtures = Vec::new();
    if let Some(dir) = &args.fixtures {
        let dirs = fixture_dirs(dir)?;
        for d in dirs {
            fixtures.push(impatto::fixtures::load(&d)?);
        }
    }
    // Read once; worded in each language below.
    let trust = args.keyring.trust()?;
    let states = files.iter().map(|f| trust.state(f)).collect::<Result<Vec<_>, _>>()?;
    let rule_states = args.rules.iter().map(|f| trust.state(f)).collect::<Result<Vec<_>, _>>()?;
    let out = &args.out;
    for lang in impatto::i18n::Lang::ALL {
        let t = impatto::i18n::Texts::new(lang);
        let mut entries = Vec::new();
        for ((d, file), state) in defs.iter().zip(&files).zip(&states) {
            let mut shown = Vec::new();
            for f in &fixtures {
                let rows: Vec<&impatto::fixtures::Expected> = f.expected.iter().filter(|e| e.indicator == d.def.id).collect();
                if let Some(first) = rows.first() {
                    let mut header = vec!["group".to_string(), "horizon_months".to_string()];
                    header.extend(first.cells.iter().map(|(c, _)| c.clone()));
                    let rows = rows
                        .iter()
                        .map(|e| {
                            let mut row = vec![e.group.clone(), e.horizon.clone()];
                            row.extend(e.cells.iter().map(|(_, v)| v.clone()));
                            row
                        })
                        .collect();
                    let name = f.dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                    shown.push((name, header, rows));
                }
            }
            entries.push(Entry {
                definition: d,
                text: std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?,
                signoff: signoff::state_text(state, &t),
                fixtures: shown,
            });
        }
        let mut rules = Vec::new();
        for (path, state) in args.rules.iter().zip(&rule_states) {
            rules.push(RuleFile {
                path: path.display().to_string(),
                text: std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?,
                hash: signoff::file_sha256(path)?,
                signoff: signoff::state_text(state, &t),
            });
        }
        let dir = out.join(lang.code());
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        impatto::output::write_atomic(&dir.join("index.html"), impatto::catalogue::index(&entries, &rules, &t).as_bytes())?;
        for e in &entries {
            let page = impatto::catalogue::definition_page(e, &t);
            impatto::output::write_atomic(&dir.join(impatto::catalogue::page_name(&e.definition.def.id)), page.as_bytes())?;
        }
        for r in &rules {
            let page = impatto::catalogue::rule_page(r, &t);
            impatto::output::write_atomic(&dir.join(impatto::catalogue::rule_page_name(&r.path)), page.as_bytes())?;
        }
    }
    eprintln!("catalogue of {} definition(s) and {} rule file(s) in {}/{{it,en}}", defs.len(), args.rules.len(), out.display());
    Ok(ExitCode::SUCCESS)
}
