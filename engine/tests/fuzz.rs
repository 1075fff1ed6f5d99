//! Structure-aware fuzzing on stable Rust (proptest as the generator): rule files, definition
//! files and CSV panels made by mutating the shipped ones, pushed through load → check →
//! evaluate. Every input must end in a result or a typed error, never a panic.
//!
//! CI runs `FUZZ_CASES` cases per target (default 48). Longer runs:
//! `FUZZ_RANDOM=1 FUZZ_CASES=20000 cargo test --release --workspace --test fuzz` (CI runs a
//! fixed set of cases; `FUZZ_RANDOM` draws new ones). A failure
//! prints the shrunk input; it becomes a named regression test below, with its source.

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

fn workspace() -> PathBuf {
    Path::new(&std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

fn cases() -> u32 {
    std::env::var("FUZZ_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(48)
}

/// Values that have broken parsers elsewhere: empty, signs, huge, non-finite, separators,
/// paths, control characters, non-Latin text, TOML structure.
const NASTY: &[&str] = &[
    "",
    "0",
    "-1",
    "-0.00",
    "1e309",
    "NaN",
    "inf",
    "99999999999999999999999999999 EUR",
    "0.001 EUR",
    "1,5",
    "12/01/2018",
    "0000-00-00",
    "9999-12-31",
    "1800-01-01",
    "\"\"",
    "\"../../escaped\"",
    "\"/tmp/x\"",
    "\"\u{0}\"",
    "\"é€×\"",
    "[]",
    "{}",
    "true",
    "\"100%\"",
    "\"101%\"",
    "\"-5%\"",
    "\"1000000000000000000000 EUR\"",
];

#[derive(Clone, Debug)]
enum Mutation {
    /// Remove line `n` (mod the number of lines).
    Drop(usize),
    /// Repeat line `n`.
    Duplicate(usize),
    /// Replace the value after `=` (TOML) or one cell (CSV) of line `n` with a nasty value.
    Value(usize, usize, usize),
    /// Cut the file at byte `n` (on a character boundary).
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::Drop),
        any::<usize>().prop_map(Mutation::Duplicate),
        (any::<usize>(), any::<usize>(), 0..NASTY.len()).prop_map(|(l, c, v)| Mutation::Value(l, c, v)),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn mutate(text: &str, mutations: &[Mutation], csv: bool) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for m in mutations {
        if lines.is_empty() {
            break;
        }
        let n = lines.len();
        match m {
            Mutation::Drop(i) => {
                lines.remove(i % n);
            }
            Mutation::Duplicate(i) => {
                let l = lines[i % n].clone();
                lines.insert(i % n, l);
            }
            Mutation::Value(i, c, v) => {
                let line = &mut lines[i % n];
                let nasty = NASTY[*v];
                if csv {
                    let mut cells: Vec<String> = line.split(',').map(str::to_string).collect();
                    let k = c % cells.len();
                    cells[k] = nasty.trim_matches('"').to_string();
                    *line = cells.join(",");
                } else if let Some((key, _)) = line.split_once('=') {
                    *line = format!("{key}= {nasty}");
                }
            }
            Mutation::Truncate(at) => {
                let joined = lines.join("\n");
                let mut cut = at % (joined.len() + 1);
                while !joined.is_char_boundary(cut) {
                    cut -= 1;
                }
                lines = joined[..cut].lines().map(str::to_string).collect();
            }
        }
    }
    lines.join("\n") + "\n"
}

/// Run `cases()` cases of `strategy`; a panic in `body` fails with the shrunk input.
fn fuzz<S: Strategy>(name: &str, strategy: S, body: impl Fn(S::Value)) {
    // The same cases on every run, so CI passes or fails on the code alone; `FUZZ_RANDOM=1`
    // draws new ones for longer runs.
    let config = Config { cases: cases(), failure_persistence: None, ..Config::default() };
    let mut runner = if std::env::var_os("FUZZ_RANDOM").is_some() {
        TestRunner::new(config)
    } else {
        TestRunner::new_with_rng(
            config,
            proptest::test_runner::TestRng::deterministic_rng(proptest::test_runner::RngAlgorithm::ChaCha),
        )
    };
    if let Err(e) = runner.run(&strategy, |v| {
        body(v);
        Ok(())
    }) {
        panic!("{name}: {e}");
    }
}

/// Rule files: every shipped one, mutated, loaded against the built-in catalogue; those that
/// load are evaluated on their own example data.
#[test]
fn mutated_rule_files_load_or_are_refused_and_evaluate_without_panicking() {
    let catalogue = impatto_indicators::builtin().expect("catalogue");
    let examples = workspace().join("datasets/examples");
    let mut files: Vec<(PathBuf, PathBuf)> = Vec::new();
    for dir in std::fs::read_dir(&examples).expect("examples").map(|e| e.expect("entry").path()).filter(|p| p.is_dir()) {
        for f in std::fs::read_dir(&dir).expect("dir").map(|e| e.expect("entry").path()) {
            if f.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("rules") && n.ends_with(".toml")) {
                files.push((f, dir.clone()));
            }
        }
    }
    files.sort();
    assert!(files.len() >= 7, "{files:?}");
    let sources: Vec<_> = files
        .iter()
        .map(|(_, dir)| impatto_datasets::open_validated(std::slice::from_ref(dir)).expect("example validates").0)
        .collect();
    let t = tempfile::tempdir().expect("tempdir");
    fuzz("rule files", (0..files.len(), proptest::collection::vec(mutation(), 1..4)), |(i, m)| {
        let text = std::fs::read_to_string(&files[i].0).expect("read");
        let path = t.path().join("rules.toml");
        std::fs::write(&path, mutate(&text, &m, false)).expect("write");
        if let Ok(p) = impatto::rules::load_programme(&path, &catalogue) {
            let _ = impatto::rules::run(&p, &sources[i], &catalogue, None);
        }
    });
}

/// Definition files: every built-in one, mutated, loaded; those that load are computed on the
/// small CSV fixture.
#[test]
fn mutated_definitions_load_or_are_refused_and_compute_without_panicking() {
    let dir = workspace().join("indicators/definitions");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("definitions")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    let (source, _) = impatto_datasets::open_validated(&[workspace().join("indicators/tests/fixtures/small")]).expect("fixture");
    let t = tempfile::tempdir().expect("tempdir");
    fuzz("definitions", (0..files.len(), proptest::collection::vec(mutation(), 1..4)), |(i, m)| {
        let text = std::fs::read_to_string(&files[i]).expect("read");
        let path = t.path().join(files[i].file_name().expect("name"));
        std::fs::write(&path, mutate(&text, &m, false)).expect("write");
        if let Ok(defs) = impatto_indicators::definition::load_files(&[&path]) {
            let request = impatto_indicators::Request { by: vec!["programme".into()], ..Default::default() };
            let _ = impatto_indicators::compute(&defs, &source, &request, |_| {});
        }
        std::fs::remove_file(&path).expect("remove");
    });
}

/// CSV panels: one table of the small fixture mutated (cells, rows, truncation), validated;
/// a panel that validates is computed and paid.
#[test]
fn mutated_csv_panels_validate_or_are_refused_and_compute_without_panicking() {
    let fixture = workspace().join("indicators/tests/fixtures/small");
    let tables = ["beneficiaries.csv", "panel.csv", "participants.csv", "outcomes.csv", "programmes.csv", "campaigns.csv"];
    let catalogue = impatto_indicators::builtin().expect("catalogue");
    let t = tempfile::tempdir().expect("tempdir");
    let data = t.path().join("data");
    std::fs::create_dir(&data).expect("mkdir");
    fuzz("CSV panels", (0..tables.len(), proptest::collection::vec(mutation(), 1..5)), |(i, m)| {
        for name in tables {
            std::fs::copy(fixture.join(name), data.join(name)).expect("copy");
        }
        let text = std::fs::read_to_string(fixture.join(tables[i])).expect("read");
        std::fs::write(data.join(tables[i]), mutate(&text, &m, true)).expect("write");
        if let Ok((source, _)) = impatto_datasets::open_validated(std::slice::from_ref(&data)) {
            let request = impatto_indicators::Request { by: vec!["programme".into()], ..Default::default() };
            let _ = impatto_indicators::compute(&catalogue, &source, &request, |_| {});
        }
    });
}

/// What is done to one Parquet table: to its values, keeping the file well formed (a cell made
/// missing or replaced by a nasty text, which also turns the column to text; a column dropped;
/// rows repeated), or to its bytes (cut, one byte changed), which the Parquet reader must turn
/// into an error.
#[derive(Clone, Debug)]
enum ParquetMutation {
    Cell { column: usize, row: usize, value: Option<usize> },
    DropColumn(usize),
    RepeatRows(usize),
    Cut(usize),
    Byte { at: usize, xor: u8 },
}

fn parquet_mutation() -> impl Strategy<Value = ParquetMutation> {
    prop_oneof![
        (any::<usize>(), any::<usize>(), proptest::option::of(0..NASTY.len()))
            .prop_map(|(column, row, value)| ParquetMutation::Cell { column, row, value }),
        any::<usize>().prop_map(ParquetMutation::DropColumn),
        any::<usize>().prop_map(ParquetMutation::RepeatRows),
        any::<usize>().prop_map(ParquetMutation::Cut),
        (any::<usize>(), 1..=255u8).prop_map(|(at, xor)| ParquetMutation::Byte { at, xor }),
    ]
}

fn mutate_parquet(path: &Path, m: &ParquetMutation) {
    use polars::prelude::*;
    let read = || ParquetReader::new(std::fs::File::open(path).expect("open")).finish().expect("a shipped table reads");
    let write = |mut df: DataFrame| {
        ParquetWriter::new(std::fs::File::create(path).expect("create")).finish(&mut df).expect("write");
    };
    match *m {
        ParquetMutation::Cell { column, row, value } => {
            let mut df = read();
            if df.height() == 0 {
                return;
            }
            let name = df.get_column_names()[column % df.width()].clone();
            let text = df.column(&name).expect("column").cast(&DataType::String).expect("as text");
            let mut cells: Vec<Option<String>> = (0..text.len())
                .map(|r| match text.get(r).expect("cell") {
                    AnyValue::String(v) => Some(v.to_string()),
                    _ => None,
                })
                .collect();
            let at = row % cells.len();
            cells[at] = value.map(|v| NASTY[v].trim_matches('"').to_string());
            df.with_column(Column::new(name, cells)).expect("replace");
            write(df);
        }
        ParquetMutation::DropColumn(column) => {
            let df = read();
            let name = df.get_column_names()[column % df.width()].clone();
            write(df.drop(&name).expect("drop"));
        }
        ParquetMutation::RepeatRows(n) => {
            let mut df = read();
            let head = df.head(Some(n % 4 + 1));
            df.vstack_mut(&head).expect("stack");
            write(df);
        }
        ParquetMutation::Cut(at) => {
            let bytes = std::fs::read(path).expect("read");
            std::fs::write(path, &bytes[..at % bytes.len()]).expect("write");
        }
        ParquetMutation::Byte { at, xor } => {
            let mut bytes = std::fs::read(path).expect("read");
            let i = at % bytes.len();
            bytes[i] ^= xor;
            std::fs::write(path, &bytes).expect("write");
        }
    }
}

/// Parquet panels: one table of the shipped FabriQ Quarto example mutated, validated; a panel
/// that validates is computed and paid.
#[test]
fn mutated_parquet_panels_validate_or_are_refused_and_compute_without_panicking() {
    let example = workspace().join("datasets/examples/fabriq-quarto");
    let tables = ["beneficiaries.parquet", "panel.parquet", "participants.parquet", "programmes.parquet"];
    let catalogue = impatto_indicators::builtin().expect("catalogue");
    let programme = impatto::rules::load_programme(&example.join("rules-2018.toml"), &catalogue).expect("rules");
    let t = tempfile::tempdir().expect("tempdir");
    let data = t.path().join("data");
    std::fs::create_dir(&data).expect("mkdir");
    fuzz("Parquet panels", (0..tables.len(), proptest::collection::vec(parquet_mutation(), 1..3)), |(i, m)| {
        for name in tables {
            std::fs::copy(example.join(name), data.join(name)).expect("copy");
        }
        for mutation in &m {
            if std::fs::read(data.join(tables[i])).ok().and_then(|b| b.len().checked_sub(1)).is_some() {
                let before = std::fs::read(data.join(tables[i])).expect("read");
                if std::panic::catch_unwind(|| mutate_parquet(&data.join(tables[i]), mutation)).is_err() {
                    // The mutation itself could not apply (an earlier one broke the file).
                    std::fs::write(data.join(tables[i]), before).expect("restore");
                }
            }
        }
        if let Ok((source, _)) = impatto_datasets::open_validated(std::slice::from_ref(&data)) {
            let request = impatto_indicators::Request { by: vec!["programme".into()], ..Default::default() };
            let _ = impatto_indicators::compute(&catalogue, &source, &request, |_| {});
            let _ = impatto::rules::run(&programme, &source, &catalogue, None);
        }
    });
}

/// Found by the Parquet target (shrunk inputs: `Byte { at: 5390026632961454950, xor: 12 }` on
/// panel.parquet, `Byte { at: 3069645522354956238, xor: 189 }` on beneficiaries.parquet,
/// `Byte { at: 9261623715238517425, xor: 9 }` on participants.parquet): one byte changed made
/// polars' streaming reader, the parquet crate, or polars' metadata reader panic. The pages are
/// decoded first by the parquet crate, and every reader's panic is caught (without printing it)
/// and the file refused by name.
#[test]
fn a_parquet_page_with_one_byte_changed_is_refused_not_a_panic() {
    let example = workspace().join("datasets/examples/fabriq-quarto");
    for (table, at, xor) in [
        ("panel.parquet", 5_390_026_632_961_454_950_usize, 12u8),
        ("beneficiaries.parquet", 3_069_645_522_354_956_238, 189),
        ("participants.parquet", 9_261_623_715_238_517_425, 9),
    ] {
        let t = tempfile::tempdir().expect("tempdir");
        for name in ["beneficiaries.parquet", "panel.parquet", "participants.parquet", "programmes.parquet"] {
            std::fs::copy(example.join(name), t.path().join(name)).expect("copy");
        }
        let path = t.path().join(table);
        let mut bytes = std::fs::read(&path).expect("read");
        let i = at % bytes.len();
        bytes[i] ^= xor;
        std::fs::write(&path, bytes).expect("write");
        let Err(error) = impatto_datasets::open_validated(&[t.path().to_path_buf()]) else {
            panic!("a damaged page was accepted")
        };
        let error = error.to_string();
        assert!(error.contains(table) && (error.contains("damaged page") || error.contains("reader fails on")), "{error}");
        // Without validation the page is read by the indicators' query: an error, not a panic.
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_impatto"))
            .args(["indicators", "--no-validate", "--format", "csv", "--data"])
            .arg(t.path())
            .output()
            .expect("impatto runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.code() == Some(0) || out.status.code() == Some(1), "{table}: {:?} {stderr}", out.status);
        assert!(!stderr.contains("panicked") && !stderr.contains("internal error"), "{table}: {stderr}");
    }
}
