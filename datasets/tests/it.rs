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
    assert!(warnings[0].contains("participants.csv") && warnings[0].contains("row 12"), "{}", warnings[0]);
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
    assert!(e.contains("column `permanent`") && e.contains("row 8") && e.contains("expected a value ≥ 0"), "{e}");
}

#[test]
fn women_above_headcount_is_impossible() {
    let dir = panel_dir(replace_in(Table::Panel, Table::Panel, "B5,2022-12-01,true,2,1.5,2", "B5,2022-12-01,true,2,1.5,3"));
    let e = only_error(dir.path());
    assert!(e.contains("column `women, headcount`") && e.contains("row 13"), "{e}");
    assert!(e.contains("expected women ≤ headcount, found women > headcount (women = 3, headcount = 2 in the first)"), "{e}");
}

#[test]
fn fte_above_headcount_is_impossible() {
    let dir = panel_dir(replace_in(Table::Panel, Table::Panel, "B7,2024-12-01,true,1,1.0", "B7,2024-12-01,true,1,1.5"));
    let e = only_error(dir.path());
    assert!(e.contains("expected fte ≤ headcount") && e.contains("row 15") && e.contains("at most one FTE"), "{e}");
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
    assert!(e.contains("beneficiaries.csv") && e.contains("support_end, support_start") && e.contains("row 2"), "{e}");
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

fn fte_sum(dir: &Path) -> Option<f64> {
    let source = PanelSource::open(&[dir]).expect("opens");
    let df = source.scan(Table::Panel).expect("scan").select([col("fte").sum()]).collect().expect("collect");
    df.column("fte").expect("fte").f64().expect("f64").get(0)
}

// Source: field-cases/case-18-panel-csv-semicolon-decimal-comma (expected.md; SheetJS #2239, the
// `;` + decimal-comma pair European Excel writes; PANEL_FORMAT.md accepts semicolon CSV). The
// four tables `;`-separated, `fte` written `1,5`: read as 1.5 and the panel validates.
#[test]
fn case_18_panel_csv_semicolon_decimal_comma() {
    let dir =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/field-cases/case-18-panel-csv-semicolon-decimal-comma/panel");
    let report = report_of(&dir);
    assert!(!report.has_errors(), "{report}");
    let source = PanelSource::open(&[&dir]).expect("opens");
    let df = source.scan(Table::Panel).expect("scan").select([col("fte")]).collect().expect("collect");
    let fte: Vec<Option<f64>> = df.column("fte").expect("fte").f64().expect("f64").iter().collect();
    assert_eq!(fte, vec![Some(1.5); 6]);
}

// Case 18's "or": a `;` panel mixing `1,5` and `2.5` cannot be detected; validation names the
// file, column, rows and value, with the decimal-comma hint, never a parser message.
#[test]
fn mixed_decimal_marks_are_named_with_file_column_and_rows() {
    let case =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/field-cases/case-18-panel-csv-semicolon-decimal-comma/panel");
    let dir = tempfile::tempdir().expect("tempdir");
    for f in ["programmes.csv", "beneficiaries.csv", "participants.csv", "panel.csv"] {
        let text = fs::read_to_string(case.join(f)).expect("read");
        let text = if f == "panel.csv" { text.replacen(";1,5;", ";2.5;", 1) } else { text };
        fs::write(dir.path().join(f), text).expect("write");
    }
    let e = only_error(dir.path());
    assert!(
        e.contains("panel.csv") && e.contains("column `fte`") && e.contains("rows 3, 4, 5, 6, 7") && e.contains("found `1,5`"),
        "{e}"
    );
    assert!(e.contains("decimal_comma = true") && !e.contains("infer_schema_length"), "{e}");
}

#[test]
fn missing_value_tokens_declared_in_columns_toml_are_empty() {
    // `-` declared as missing: an empty `fte`, which validation names as such (fte is required).
    let dir = panel_dir(|t, text| if t == Table::Panel { text.replacen(",2.0,", ",-,", 1) } else { text });
    fs::write(dir.path().join("columns.toml"), "missing = [\"-\"]\n").expect("write");
    let e = only_error(dir.path());
    assert!(e.contains("panel.csv, column `fte`, row 2: expected a value in every row, found an empty cell"), "{e}");
    fs::write(dir.path().join("columns.toml"), "missing = \"-\"\n").expect("write");
    let msg = PanelSource::open(&[dir.path()]).expect_err("not a list").to_string();
    assert!(msg.contains("columns.toml") && msg.contains("a list of texts"), "{msg}");
}

#[test]
fn a_decimal_comma_declared_in_columns_toml_is_read() {
    let dir = panel_dir(|t, text| {
        let text = text.replace(',', ";");
        if t == Table::Panel { text.replace('.', ",") } else { text }
    });
    fs::write(dir.path().join("columns.toml"), "decimal_comma = true\n").expect("write");
    let report = report_of(dir.path());
    assert!(!report.has_errors(), "{report}");
    assert_eq!(fte_sum(dir.path()), Some(50.5));
    // Detected as well when unambiguous (`;` separator, `,` marks, no `.`).
    fs::remove_file(dir.path().join("columns.toml")).expect("remove");
    assert_eq!(fte_sum(dir.path()), Some(50.5));
    fs::write(dir.path().join("columns.toml"), "decimal_comma = \"yes\"\n").expect("write");
    let msg = PanelSource::open(&[dir.path()]).expect_err("not a boolean").to_string();
    assert!(msg.contains("columns.toml") && msg.contains("decimal_comma = true"), "{msg}");
}

#[test]
fn a_declared_decimal_comma_with_comma_separated_fields_is_refused() {
    let dir = panel_dir(|_, t| t);
    fs::write(dir.path().join("columns.toml"), "decimal_comma = true\n").expect("write");
    let msg = PanelSource::open(&[dir.path()]).expect_err("`,` cannot be both").to_string();
    assert!(msg.contains("programmes.csv") && msg.contains("decimal comma"), "{msg}");
}

#[test]
fn tab_separated_with_bom_and_crlf_loads() {
    let dir = panel_dir(|_, text| format!("\u{feff}{}", text.replace(',', "\t").replace('\n', "\r\n")));
    let report = report_of(dir.path());
    assert!(!report.has_errors(), "{report}");
    assert_eq!(fte_sum(dir.path()), Some(50.5));
}

#[test]
fn an_ambiguous_header_is_refused_with_the_separators_found() {
    let dir = panel_dir(|t, text| if t == Table::Programmes { text.replacen(',', ";", 1) } else { text });
    let msg = PanelSource::open(&[dir.path()]).expect_err("ambiguous").to_string();
    assert!(msg.contains("programmes.csv") && msg.contains("found `;` and `,`"), "{msg}");
}

#[test]
fn missing_value_tokens_are_null_and_types_come_from_the_whole_file() {
    use impatto_datasets::csv;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("x.csv");
    let mut text = String::from("id,x,label\r\n");
    for i in 0..200 {
        text.push_str(&format!("{i},{},{}\r\n", ["1", "", "NA", ".", "NULL"][i % 5], if i == 150 { "NA" } else { "a" }));
    }
    text.push_str("200,2.5,b\r\n");
    fs::write(&path, text).expect("write");
    let dialect = csv::Dialect::detect(&path, None).expect("dialect");
    assert_eq!(dialect, csv::Dialect::default());
    let df = csv::scan(&path, &dialect, None).expect("scan").collect().expect("reads");
    let x = df.column("x").expect("x");
    assert_eq!(x.dtype(), &DataType::Float64);
    assert_eq!(x.null_count(), 160);
    assert_eq!(df.column("label").expect("label").null_count(), 1);
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

// ---------------------------------------------------------------------------------------------
// Optional columns and tables: a rate-card programme outside Milan.

const CAMPAIGNS: &str = include_str!("../../indicators/tests/fixtures/small/campaigns.csv");

fn rate_card_fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rate-card")
}

/// A copy of the rate-card fixture in a fresh directory, with `edit` applied to (file name, text).
fn rate_card_copy(edit: impl Fn(&str, String) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for entry in fs::read_dir(rate_card_fixture()).expect("fixture") {
        let path = entry.expect("entry").path();
        let name = path.file_name().and_then(|n| n.to_str()).expect("name").to_string();
        if name.ends_with(".csv") {
            fs::write(dir.path().join(&name), edit(&name, fs::read_to_string(&path).expect("read"))).expect("write");
        }
    }
    dir
}

fn missing_columns(result: impatto_datasets::Result<()>) -> (Vec<String>, String) {
    match result {
        Err(e @ Error::MissingColumns { .. }) => {
            let message = e.to_string();
            let Error::MissingColumns { columns, .. } = e else { unreachable!() };
            (columns, message)
        }
        other => panic!("expected Error::MissingColumns, got {other:?}"),
    }
}

#[test]
fn a_rate_card_panel_without_milan_columns_validates_clean() {
    let report = report_of(&rate_card_fixture());
    assert!(report.issues.is_empty(), "expected no errors and no warnings:\n{report}");
}

#[test]
fn absent_columns_are_exactly_those_the_files_leave_out() {
    let source = PanelSource::open(&[rate_card_fixture()]).expect("opens");
    assert_eq!(
        source.absent_columns(Table::Beneficiaries),
        [
            "quartiere",
            "municipio",
            "kind",
            "legal_form",
            "formalised_on",
            "grant_cents",
            "eligible_costs_cents",
            "reactivated_on",
            "founders_total",
            "founders_women",
            "founders_under35"
        ]
    );
    assert_eq!(source.absent_columns(Table::Participants), ["gender", "age_at_entry", "exit_date", "status_6m_after_exit"]);
    assert_eq!(source.absent_columns(Table::Programmes), Vec::<&str>::new());
    assert_eq!(source.absent_columns(Table::Outcomes), Vec::<&str>::new());
    // No directory has the table: every column is absent.
    assert_eq!(source.absent_columns(Table::Panel).len(), Table::Panel.columns().len());
    assert!(source.has_column(Table::Beneficiaries, "support_start"));
    assert!(source.has_column(Table::Participants, "birth_date"));
    assert!(!source.has_column(Table::Beneficiaries, "eligible_costs_cents"));
    assert!(!source.has_column(Table::Panel, "fte"));
    assert!(!source.has_column(Table::Campaigns, "raised_cents"));
}

#[test]
fn require_names_the_file_the_missing_columns_and_who_needs_them() {
    let source = PanelSource::open(&[rate_card_fixture()]).expect("opens");
    // What a rate card reads is there.
    source.require(Table::Participants, &["participant_id", "beneficiary_id"], "rule `rate-card` (rate_card)").expect("has");
    source
        .require(Table::Outcomes, &["participant_id", "outcome", "achieved_on", "lapsed_on", "verified"], "rule `rate-card`")
        .expect("has");
    // A cost share is not payable on it, and says exactly why.
    let (columns, message) = missing_columns(source.require(
        Table::Beneficiaries,
        &["beneficiary_id", "eligible_costs_cents", "support_end"],
        "rule `grant` (cost_share)",
    ));
    assert_eq!(columns, ["eligible_costs_cents"]);
    let file = rate_card_fixture().join("beneficiaries.csv").display().to_string();
    assert_eq!(
        message,
        format!(
            "{file}: no column `eligible_costs_cents` (expected column(s) `eligible_costs_cents` of the `beneficiaries` table, \
             needed by rule `grant` (cost_share); hint: add the column, or map it in columns.toml: \
             [beneficiaries] eligible_costs_cents = \"<your name>\"; see datasets/PANEL_FORMAT.md)"
        )
    );
    // Several at once, in the order asked, duplicates once.
    let (columns, message) = missing_columns(source.require(
        Table::Beneficiaries,
        &["founders_women", "founders_total", "founders_women", "programme"],
        "indicator FND-01",
    ));
    assert_eq!(columns, ["founders_women", "founders_total"]);
    assert!(
        message.contains("no column `founders_women`, `founders_total`") && message.contains("indicator FND-01"),
        "{message}"
    );
    assert!(message.contains("add the columns, or map them in columns.toml"), "{message}");
    // ESF+ participant columns.
    let (columns, message) = missing_columns(source.require(Table::Participants, &["gender"], "indicator PAR-02"));
    assert_eq!(columns, ["gender"]);
    assert!(message.contains("participants.csv: no column `gender`") && message.contains("indicator PAR-02"), "{message}");
    // An optional table the directory lacks: named with the directory, never read as "no activity".
    let (columns, message) = missing_columns(source.require(Table::Panel, &["fte"], "indicator JOB-01"));
    assert_eq!(columns, ["fte"]);
    let dir = rate_card_fixture().display().to_string();
    assert!(message.starts_with(&format!("{dir}: no panel.parquet or panel.csv")), "{message}");
    assert!(message.contains("indicator JOB-01") && message.contains("hint: add the `panel` table with the column"), "{message}");
}

#[test]
fn a_column_only_some_directories_have_is_required_of_the_others() {
    let milan = panel_dir(|_, t| t);
    let source = PanelSource::open(&[milan.path(), rate_card_fixture().as_path()]).expect("opens");
    assert!(!validate(&source).expect("validates").has_errors());
    // Provided in Milan, not by the rate-card fund: neither absent nor had.
    assert!(!source.absent_columns(Table::Beneficiaries).contains(&"grant_cents"));
    assert!(!source.has_column(Table::Beneficiaries, "grant_cents"));
    let (columns, message) = missing_columns(source.require(Table::Beneficiaries, &["grant_cents"], "indicator INV-01"));
    assert_eq!(columns, ["grant_cents"]);
    let fund = rate_card_fixture().join("beneficiaries.csv").display().to_string();
    assert!(message.starts_with(&format!("{fund}: no column `grant_cents` (")), "{message}");
    assert!(!message.contains(&milan.path().display().to_string()), "{message}");
    // The panel table is in one directory only.
    let (_, message) = missing_columns(source.require(Table::Panel, &["fte"], "indicator JOB-01"));
    assert!(message.starts_with(&format!("{}: no panel.parquet or panel.csv", rate_card_fixture().display())), "{message}");
    // The scan has every column; the fund's rows of a column it lacks are empty, not zero.
    let df = source
        .scan(Table::Beneficiaries)
        .expect("scan")
        .filter(col("programme").eq(lit("youth-outcomes")))
        .select([col("grant_cents"), col("kind"), col("municipio")])
        .collect()
        .expect("collect");
    assert_eq!(df.height(), 3);
    for c in df.columns() {
        assert_eq!(c.null_count(), 3, "{}", c.name());
    }
}

#[test]
fn a_present_optional_column_still_needs_every_cell() {
    let dir = panel_dir(replace_in(
        Table::Beneficiaries,
        Table::Beneficiaries,
        "B1,alpha,2020,true,Q1,1,enterprise",
        "B1,alpha,2020,true,Q1,1,",
    ));
    let e = only_error(dir.path());
    assert!(e.contains("column `kind`") && e.contains("row 2") && e.contains("a value in every row"), "{e}");
}

#[test]
fn a_mapping_to_a_column_the_file_lacks_is_an_error() {
    let dir = rate_card_copy(|_, t| t);
    fs::write(dir.path().join("columns.toml"), "[beneficiaries]\ngrant_cents = \"contributo\"\n").expect("write");
    let e = only_error(dir.path());
    assert!(e.contains("beneficiaries.csv") && e.contains("column `grant_cents`") && e.contains("`contributo`"), "{e}");
    assert!(e.contains("columns.toml"), "{e}");
}

#[test]
fn a_mapped_optional_column_is_had() {
    let dir = rate_card_copy(|name, t| {
        if name == "beneficiaries.csv" {
            t.lines()
                .enumerate()
                .map(|(i, l)| if i == 0 { format!("{l},costi_ammissibili") } else { format!("{l},100000") })
                .collect::<Vec<_>>()
                .join("\n")
        } else {
            t
        }
    });
    fs::write(dir.path().join("columns.toml"), "[beneficiaries]\neligible_costs_cents = \"costi_ammissibili\"\n").expect("write");
    let source = PanelSource::open(&[dir.path()]).expect("opens");
    assert!(source.has_column(Table::Beneficiaries, "eligible_costs_cents"));
    source.require(Table::Beneficiaries, &["eligible_costs_cents"], "rule `grant` (cost_share)").expect("has");
    assert!(validate(&source).expect("validates").issues.is_empty());
}

// ---------------------------------------------------------------------------------------------
// Campaigns: the amount raised by the end of the window.

fn with_campaigns(text: &str) -> tempfile::TempDir {
    let dir = panel_dir(|_, t| t);
    fs::write(dir.path().join("campaigns.csv"), text).expect("write");
    dir
}

#[test]
fn campaigns_may_carry_the_amount_raised_by_the_deadline() {
    // Without the column (as before 1.2), and with it: B5 closed on day 61 of a 60-day window,
    // having raised 3,600.00 by day 60.
    let report = report_of(with_campaigns(CAMPAIGNS).path());
    assert!(!report.has_errors(), "{report}");
    let text = CAMPAIGNS
        .replacen("raised_cents\n", "raised_cents,raised_by_deadline_cents\n", 1)
        .replacen("900000,360000\n", "900000,360000,360000\n", 1)
        .replacen("800000,300000\n", "800000,300000,\n", 1)
        .replacen("700000,400000\n", "700000,400000,280000\n", 1);
    let dir = with_campaigns(&text);
    let report = report_of(dir.path());
    assert!(!report.has_errors(), "{report}");
    let source = PanelSource::open(&[dir.path()]).expect("opens");
    source.require(Table::Campaigns, &["raised_by_deadline_cents"], "rule `match` (matching)").expect("has");
    let df = source.scan(Table::Campaigns).expect("scan").select([col("raised_by_deadline_cents")]).collect().expect("collect");
    let values = df.column("raised_by_deadline_cents").expect("col").i64().expect("i64").clone();
    let values: Vec<Option<i64>> = (0..values.len()).map(|i| values.get(i)).collect();
    assert_eq!(values, [Some(360_000), None, Some(280_000)]);
}

#[test]
fn raised_by_the_deadline_cannot_exceed_the_total_or_be_negative() {
    let header = "beneficiary_id,opened_on,closed_on,project_budget_cents,raised_cents,raised_by_deadline_cents\n";
    let dir = with_campaigns(&format!(
        "{header}B5,2020-10-01,2020-11-30,900000,360000,360000\nB6,2020-10-01,2020-11-30,800000,300000,300001\n"
    ));
    let e = only_error(dir.path());
    assert!(
        e.contains("campaigns.csv") && e.contains("column `raised_by_deadline_cents, raised_cents`") && e.contains("row 3"),
        "{e}"
    );
    assert!(e.contains("expected raised_by_deadline_cents ≤ raised_cents"), "{e}");
    assert!(e.contains("raised_by_deadline_cents = 300001, raised_cents = 300000 in the first"), "{e}");
    let dir = with_campaigns(&format!("{header}B5,2020-10-01,2020-11-30,900000,360000,-1\n"));
    let e = only_error(dir.path());
    assert!(e.contains("column `raised_by_deadline_cents`") && e.contains("row 2") && e.contains("expected a value ≥ 0"), "{e}");
}

// ---------------------------------------------------------------------------------------------
// The example panels (the engine's examples and CI read them).

#[test]
fn every_example_panel_validates() {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut dirs: Vec<PathBuf> =
        fs::read_dir(&examples).expect("examples").map(|e| e.expect("entry").path()).filter(|p| p.is_dir()).collect();
    dirs.sort();
    assert!(dirs.len() >= 6, "{dirs:?}");
    for dir in &dirs {
        let (_, report) = impatto_datasets::open_validated(&[dir]).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        assert!(!report.has_errors(), "{}: {report}", dir.display());
    }
    // All together, as `impatto run --data datasets/examples/*/` reads them.
    let (_, report) = impatto_datasets::open_validated(&dirs).expect("all examples together");
    assert!(!report.has_errors(), "{report}");
}

/// The generated campaigns close within their call's window, counting the opening day as day 1
/// (Crowdfunding Civico: 60 days in 2020-21, 45 from 2022).
#[test]
fn example_campaigns_close_within_their_window() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/crowdfunding-civico");
    let source = PanelSource::open(&[&dir]).expect("opens");
    let campaigns = source.scan(Table::Campaigns).expect("campaigns");
    let editions = source.scan(Table::Beneficiaries).expect("beneficiaries").select([col("beneficiary_id"), col("edition")]);
    let window = when(col("edition").lt_eq(lit(2021))).then(lit(60i64)).otherwise(lit(45i64));
    // Dates are days since 1970-01-01.
    let days = col("closed_on").cast(DataType::Int64) - col("opened_on").cast(DataType::Int64) + lit(1i64);
    let late = count(
        campaigns.join(editions, [col("beneficiary_id")], [col("beneficiary_id")], JoinArgs::new(JoinType::Inner)),
        days.gt(window),
    );
    assert_eq!(late, 0, "campaigns closing after the last day of their window");
}

/// The example panels are exactly what `impatto generate --out datasets/examples/<id> --programme
/// <id>` writes (seed and last month by default), so they follow the generator and the format.
/// `IMPATTO_BLESS=1` rewrites them.
#[test]
fn the_example_panels_are_what_the_generator_writes() {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let bless = std::env::var("IMPATTO_BLESS").as_deref() == Ok("1");
    let mut stale = Vec::new();
    for entry in fs::read_dir(&examples).expect("examples") {
        let dir = entry.expect("entry").path();
        let Some(id) = dir.file_name().and_then(|n| n.to_str()).map(str::to_string) else { continue };
        if !dir.is_dir() {
            continue;
        }
        let options =
            GenerateOptions { programmes: vec![profile(&id).expect("a profile per example")], ..GenerateOptions::default() };
        let (_d, out) = generated(&options);
        for t in Table::ALL {
            let name = format!("{}.parquet", t.stem());
            let (new, old) = (fs::read(out.join(&name)).ok(), fs::read(dir.join(&name)).ok());
            if new != old {
                stale.push(format!("{id}/{name}"));
                if bless {
                    match new {
                        Some(bytes) => fs::write(dir.join(&name), bytes).expect("bless example"),
                        None => fs::remove_file(dir.join(&name)).expect("remove example table"),
                    }
                }
            }
        }
    }
    assert!(
        bless || stale.is_empty(),
        "example tables differ from the generator's: {} (run `IMPATTO_BLESS=1 cargo test --release -p impatto-datasets --test it`)",
        stale.join(", ")
    );
}
