//! Integration tests of the datasets crate.
//!
//! - validation: one test per class of bad input, each showing the message a user gets;
//! - mapping and CSV: user column names and spreadsheet exports load;
//! - generator: deterministic, calibrated exactly to the published aggregates, valid;
//! - format document: lists every column of the schema.

use std::fs;
use std::path::{Path, PathBuf};

use impatto_datasets::generate::{GenerateOptions, generate, profile};
use impatto_datasets::schema::Table;
use impatto_datasets::{Error, PanelSource, validate};
use polars::prelude::*;

const PROGRAMMES: &str = include_str!("../../indicators/tests/fixtures/small/programmes.csv");
const BENEFICIARIES: &str = include_str!("../../indicators/tests/fixtures/small/beneficiaries.csv");
const PANEL: &str = include_str!("../../indicators/tests/fixtures/small/panel.csv");
const PARTICIPANTS: &str = include_str!("../../indicators/tests/fixtures/small/participants.csv");

/// A valid CSV panel in a fresh directory, with `edit` applied to (table, text) first.
fn panel_dir(edit: impl Fn(Table, String) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (table, text) in [
        (Table::Programmes, PROGRAMMES),
        (Table::Beneficiaries, BENEFICIARIES),
        (Table::Panel, PANEL),
        (Table::Participants, PARTICIPANTS),
    ] {
        fs::write(dir.path().join(format!("{}.csv", table.stem())), edit(table, text.to_string())).expect("write");
    }
    dir
}

fn report_of(dir: &Path) -> impatto_datasets::Report {
    validate(&PanelSource::open(&[dir]).expect("opens")).expect("validation runs")
}

/// The single error of a report, as the user sees it.
fn only_error(dir: &Path) -> String {
    let report = report_of(dir);
    let errors: Vec<String> = report.errors().map(ToString::to_string).collect();
    assert_eq!(errors.len(), 1, "expected exactly one error, got:\n{report}");
    errors[0].clone()
}

fn replace_in(table: Table, target: Table, from: &str, to: &str) -> impl Fn(Table, String) -> String {
    let (from, to) = (from.to_string(), to.to_string());
    move |t, text| if t == table && t == target { text.replacen(&from, &to, 1) } else { text }
}

#[test]
fn the_fixture_is_valid_with_one_warning() {
    let dir = panel_dir(|_, t| t);
    let report = report_of(dir.path());
    assert!(!report.has_errors(), "{report}");
    let warnings: Vec<String> = report.warnings().map(ToString::to_string).collect();
    assert_eq!(warnings.len(), 1, "{report}");
    assert!(warnings[0].contains("participants.csv") && warnings[0].contains("row 11"), "{}", warnings[0]);
}

#[test]
fn missing_column_names_file_column_and_mapping_hint() {
    let dir = panel_dir(|t, text| {
        if t != Table::Panel {
            return text;
        }
        // drop the fte column (5th)
        text.lines()
            .map(|l| {
                let mut cells: Vec<&str> = l.split(',').collect();
                cells.remove(4);
                cells.join(",")
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
    let e = only_error(dir.path());
    assert!(e.contains("panel.csv") && e.contains("column `fte`"), "{e}");
    assert!(e.contains("expected a column `fte` (number)") && e.contains("no such column among"), "{e}");
    assert!(e.contains("columns.toml"), "{e}");
}

#[test]
fn wrong_type_in_parquet_says_expected_and_found() {
    let dir = panel_dir(|_, t| t);
    // Rewrite beneficiaries as Parquet with grant_cents as a float, as a spreadsheet might.
    let csv = dir.path().join("beneficiaries.csv");
    let mut df = CsvReadOptions::default()
        .with_has_header(true)
        .map_parse_options(|o| o.with_try_parse_dates(true))
        .try_into_reader_with_file_path(Some(csv.clone()))
        .expect("reader")
        .finish()
        .expect("read csv");
    let grants = df.column("grant_cents").expect("col").cast(&DataType::Float64).expect("cast");
    df.with_column(grants).expect("replace");
    let mut f = fs::File::create(dir.path().join("beneficiaries.parquet")).expect("create");
    ParquetWriter::new(&mut f).finish(&mut df).expect("write parquet");
    fs::remove_file(csv).expect("remove csv");
    let e = only_error(dir.path());
    assert!(e.contains("beneficiaries.parquet") && e.contains("column `grant_cents`"), "{e}");
    assert!(e.contains("expected integer cents, found f64"), "{e}");
    assert!(e.contains("whole cents of the currency"), "{e}");
}

#[test]
fn duplicate_key_lists_the_repeated_key() {
    let dir = panel_dir(|t, text| if t == Table::Panel { text + "B1,2020-01-01,true,2,2.0,1,1,2,100000,0\n" } else { text });
    let e = only_error(dir.path());
    assert!(e.contains("panel.csv") && e.contains("beneficiary_id, month"), "{e}");
    assert!(e.contains("expected one row per beneficiary_id × month") && e.contains("B1 / 2020-01-01"), "{e}");
}

#[test]
fn negative_count_names_the_row() {
    let dir =
        panel_dir(replace_in(Table::Panel, Table::Panel, "B3,2021-12-01,true,3,2.5,1,0,3", "B3,2021-12-01,true,3,2.5,1,0,-3"));
    let e = only_error(dir.path());
    assert!(e.contains("column `permanent`") && e.contains("row 7") && e.contains("expected a value ≥ 0"), "{e}");
}

#[test]
fn women_above_headcount_is_impossible() {
    let dir = panel_dir(replace_in(Table::Panel, Table::Panel, "B5,2022-12-01,true,2,1.5,2", "B5,2022-12-01,true,2,1.5,3"));
    let e = only_error(dir.path());
    assert!(e.contains("column `women, headcount`") && e.contains("row 12"), "{e}");
    assert!(e.contains("expected women ≤ headcount, found women > headcount (women = 3, headcount = 2 in the first)"), "{e}");
}

#[test]
fn fte_above_headcount_is_impossible() {
    let dir = panel_dir(replace_in(Table::Panel, Table::Panel, "B7,2024-12-01,true,1,1.0", "B7,2024-12-01,true,1,1.5"));
    let e = only_error(dir.path());
    assert!(e.contains("expected fte ≤ headcount") && e.contains("row 14") && e.contains("at most one FTE"), "{e}");
}

#[test]
fn dates_out_of_order_are_named() {
    let dir = panel_dir(replace_in(
        Table::Beneficiaries,
        Table::Beneficiaries,
        "2020-01-01,2020-12-31,1000000",
        "2020-01-01,2019-12-31,1000000",
    ));
    let e = only_error(dir.path());
    assert!(e.contains("beneficiaries.csv") && e.contains("support_end, support_start") && e.contains("row 1"), "{e}");
    assert!(e.contains("expected support_end on or after support_start"), "{e}");
}

#[test]
fn unknown_beneficiary_and_programme_references() {
    let dir = panel_dir(|t, text| match t {
        Table::Panel => text + "B99,2020-01-01,true,1,1.0,0,0,1,0,0\n",
        Table::Beneficiaries => text.replacen("B8,alpha", "B8,gamma", 1),
        _ => text,
    });
    let report = report_of(dir.path());
    let errors: Vec<String> = report.errors().map(ToString::to_string).collect();
    assert_eq!(errors.len(), 2, "{report}");
    assert!(
        errors.iter().any(|e| e.contains("column `programme`") && e.contains("programmes.programme") && e.contains("gamma")),
        "{report}"
    );
    assert!(
        errors.iter().any(|e| e.contains("panel.csv") && e.contains("beneficiaries.beneficiary_id") && e.contains("B99")),
        "{report}"
    );
}

#[test]
fn value_outside_the_allowed_list() {
    let dir = panel_dir(replace_in(Table::Participants, Table::Participants, "P05,B2,non-binary", "P05,B2,X"));
    let e = only_error(dir.path());
    assert!(
        e.contains("column `gender`") && e.contains("one of F, M, non-binary, unknown") && e.contains("gender = \"X\""),
        "{e}"
    );
}

#[test]
fn user_column_names_map_through_columns_toml() {
    let dir = panel_dir(|t, text| if t == Table::Panel { text.replacen("headcount,fte", "addetti,ETP", 1) } else { text });
    fs::write(dir.path().join("columns.toml"), "[panel]\nheadcount = \"addetti\"\nfte = \"ETP\"\n").expect("write");
    let report = report_of(dir.path());
    assert!(!report.has_errors(), "{report}");
    let source = PanelSource::open(&[dir.path()]).expect("opens");
    let df = source.scan(Table::Panel).expect("scan").select([col("fte").sum()]).collect().expect("collect");
    // Σ fte of the fixture panel: 2+4.5+6+3+3.5+4+2.5+3+4+5+4.5+1.5+2+1+1+3 = 50.5
    assert_eq!(df.column("fte").expect("fte").f64().expect("f64").get(0), Some(50.5));
}

#[test]
fn a_bad_mapping_file_is_rejected_with_its_path() {
    let dir = panel_dir(|_, t| t);
    fs::write(dir.path().join("columns.toml"), "[panel]\nstaff = \"addetti\"\n").expect("write");
    let err = PanelSource::open(&[dir.path()]).expect_err("bad mapping");
    let msg = err.to_string();
    assert!(matches!(err, Error::Config { .. }) && msg.contains("columns.toml") && msg.contains("`staff`"), "{msg}");
}

#[test]
fn semicolon_separated_spreadsheet_exports_load() {
    let dir = panel_dir(|_, text| text.replace(',', ";"));
    let report = report_of(dir.path());
    assert!(!report.has_errors(), "{report}");
}

#[test]
fn a_missing_table_is_named() {
    let dir = panel_dir(|_, t| t);
    fs::remove_file(dir.path().join("participants.csv")).expect("remove");
    let msg = PanelSource::open(&[dir.path()]).expect_err("missing").to_string();
    assert!(msg.contains("no participants.parquet or participants.csv"), "{msg}");
}

fn generated(options: &GenerateOptions) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("panel");
    generate(&out, options, |_, _| {}).expect("generates");
    (dir, out)
}

#[test]
fn generation_is_deterministic() {
    let (_a, a) = generated(&GenerateOptions::default());
    let (_b, b) = generated(&GenerateOptions::default());
    for t in Table::ALL {
        let name = format!("{}.parquet", t.stem());
        assert_eq!(fs::read(a.join(&name)).expect("a"), fs::read(b.join(&name)).expect("b"), "{name} differs");
    }
    let other = GenerateOptions { seed: 7, ..GenerateOptions::default() };
    let (_c, c) = generated(&other);
    assert_ne!(fs::read(a.join("panel.parquet")).expect("a"), fs::read(c.join("panel.parquet")).expect("c"));
}

fn count(lf: LazyFrame, predicate: Expr) -> u32 {
    let df = lf.filter(predicate).select([len()]).collect().expect("collect");
    df.column("len").expect("len").u32().expect("u32").get(0).unwrap_or(0)
}

#[test]
fn published_scale_reproduces_the_published_aggregates_exactly() {
    // Scuola dei Quartieri (shared/seeds): 69 groups, 42 new organisations, 62% women, 41% under 35.
    let options = GenerateOptions {
        programmes: vec![profile("scuola-dei-quartieri").expect("profile"), profile("fabriq-quarto").expect("profile")],
        ..GenerateOptions::default()
    };
    let (_d, dir) = generated(&options);
    let source = PanelSource::open(&[&dir]).expect("opens");
    let report = validate(&source).expect("validates");
    assert!(!report.has_errors(), "{report}");
    let b = source.scan(Table::Beneficiaries).expect("scan");
    let sq = col("programme").eq(lit("scuola-dei-quartieri"));
    assert_eq!(count(b.clone(), sq.clone().and(col("funded"))), 69);
    assert_eq!(count(b.clone(), sq.clone().and(col("formalised_on").is_not_null())), 42);
    let groups = b.clone().filter(sq.clone()).select([col("beneficiary_id")]);
    let p = source.scan(Table::Participants).expect("scan").join(
        groups,
        [col("beneficiary_id")],
        [col("beneficiary_id")],
        JoinArgs::new(JoinType::Semi),
    );
    let n = count(p.clone(), lit(true)) as f64;
    let women = count(p.clone(), col("gender").eq(lit("F"))) as f64;
    assert_eq!(women, (0.62 * n + 0.5).floor(), "exactly round(62% of {n})");
    // Age at entry in whole years, computed independently of the indicators crate.
    let ages = p.with_column(
        (col("entry_date").dt().year().cast(DataType::Int32)
            - col("birth_date").dt().year().cast(DataType::Int32)
            - when(
                (col("entry_date").dt().month().cast(DataType::Int32) * lit(100)
                    + col("entry_date").dt().day().cast(DataType::Int32))
                .lt(col("birth_date").dt().month().cast(DataType::Int32) * lit(100)
                    + col("birth_date").dt().day().cast(DataType::Int32)),
            )
            .then(lit(1))
            .otherwise(lit(0)))
        .alias("age"),
    );
    let under35 = count(ages, col("age").lt(lit(35))) as f64;
    assert_eq!(under35, (0.41 * n + 0.5).floor(), "exactly round(41% of {n})");
    // FabriQ Quarto: 14 winners over 2018-2019, grant = 50% of costs capped at €35,000.
    let fq = col("programme").eq(lit("fabriq-quarto")).and(col("funded"));
    assert_eq!(count(b.clone(), fq.clone()), 14);
    // Costs are whole euros, so half of them is a whole number of cents.
    let off_rule = when(col("eligible_costs_cents").lt(lit(7_000_000)))
        .then((col("grant_cents") * lit(2)).neq(col("eligible_costs_cents")))
        .otherwise(col("grant_cents").neq(lit(3_500_000)));
    assert_eq!(count(b, fq.and(off_rule)), 0, "grants follow 50% up to €35,000");
}

#[test]
fn panel_rows_scale_with_the_rows_option() {
    let options = GenerateOptions::default().with_panel_rows(200_000);
    let (_d, dir) = generated(&options);
    let source = PanelSource::open(&[&dir]).expect("opens");
    let rows = count(source.scan(Table::Panel).expect("scan"), lit(true)) as f64;
    assert!((150_000.0..=230_000.0).contains(&rows), "{rows} panel rows for a 200,000 target");
    assert!(!validate(&source).expect("validates").has_errors());
}

#[test]
fn the_format_document_is_current_and_lists_every_column() {
    let path = Path::new(&std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR")).join("PANEL_FORMAT.md");
    let generated = impatto_datasets::schema::format_document();
    if std::env::var("IMPATTO_BLESS").as_deref() == Ok("1") {
        fs::write(&path, &generated).expect("bless PANEL_FORMAT.md");
    }
    let doc = fs::read_to_string(&path).expect("PANEL_FORMAT.md");
    assert!(
        doc == generated,
        "datasets/PANEL_FORMAT.md is stale: run `IMPATTO_BLESS=1 cargo test --release -p impatto-datasets --test it`"
    );
    for t in Table::ALL {
        assert!(doc.contains(&format!("`{}`", t.stem())), "table {t} missing from PANEL_FORMAT.md");
        for c in t.columns() {
            assert!(doc.contains(&format!("| `{}` |", c.name)), "column {}.{} missing from PANEL_FORMAT.md", t, c.name);
        }
    }
    assert!(doc.contains(&format!("version {}", impatto_datasets::schema::PANEL_FORMAT_VERSION)));
}
