//! Workbook panels (issue 11): `.xlsx` and `.ods` read as their CSV twin, bad cells named with
//! workbook, sheet, column and the sheet's row numbers, a table found twice refused.
//!
//! Fixtures are in `tests/fixtures/workbook/`, made from `mini-csv/` (the base panel of
//! shared/reliability-cases) by `make_workbooks.py`, which says what each workbook holds.

use std::fs;
use std::path::{Path, PathBuf};

use impatto_datasets::schema::Table;
use impatto_datasets::{Error, PanelSource, Report, validate};
use polars::prelude::*;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/workbook").join(name)
}

const TABLES: [Table; 4] = [Table::Programmes, Table::Beneficiaries, Table::Panel, Table::Participants];

/// A directory with these files copied in (source path, name in the directory).
fn dir_with(files: &[(PathBuf, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (from, name) in files {
        fs::copy(from, dir.path().join(name)).expect("copy fixture");
    }
    dir
}

/// The mini panel as CSV but for the beneficiaries, taken from `workbook`.
fn csv_but_beneficiaries(workbook: &Path) -> tempfile::TempDir {
    let csv = fixture("mini-csv");
    dir_with(&[
        (csv.join("programmes.csv"), "programmes.csv"),
        (csv.join("panel.csv"), "panel.csv"),
        (csv.join("participants.csv"), "participants.csv"),
        (workbook.to_path_buf(), "beneficiaries.xlsx"),
    ])
}

fn report(dir: &Path) -> Report {
    validate(&PanelSource::open(&[dir]).expect("opens")).expect("validation runs")
}

fn table(dir: &Path, table: Table) -> DataFrame {
    PanelSource::open(&[dir]).expect("opens").scan(table).expect("scans").collect().expect("collects")
}

/// The warnings of a report with the file names left out (they differ by format).
fn warnings(report: &Report) -> Vec<String> {
    report.warnings().map(|w| format!("{:?} {:?} {} {} {}", w.column, w.rows, w.count, w.expected, w.found)).collect()
}

#[test]
fn xlsx_and_ods_panels_read_as_their_csv_twin() {
    let csv = fixture("mini-csv");
    let csv_report = report(&csv);
    assert!(!csv_report.has_errors(), "{csv_report}");
    for dir in [fixture("mini-xlsx"), fixture("mini-ods")] {
        let r = report(&dir);
        assert!(!r.has_errors(), "{}: {r}", dir.display());
        assert_eq!(warnings(&r), warnings(&csv_report), "{}", dir.display());
        for t in TABLES {
            let (want, got) = (table(&csv, t), table(&dir, t));
            assert_eq!(got.schema(), want.schema(), "{} {}", dir.display(), t.stem());
            assert!(got.equals_missing(&want), "{} {}:\n{got}\nexpected (the CSV twin):\n{want}", dir.display(), t.stem());
        }
    }
}

#[test]
fn a_date_cell_and_iso_text_read_as_the_same_dates() {
    // mini-xlsx: founded_on is a date cell, support_start ISO text; mini-csv row 1 has
    // FQ-2018-000001 founded 2017-03-15, supported from 2018-12-01.
    let df = table(&fixture("mini-xlsx"), Table::Beneficiaries);
    let day = |column: &str| {
        let c = df.column(column).expect("column").cast(&DataType::String).expect("as text");
        c.str().expect("text").get(0).map(str::to_string)
    };
    assert_eq!(day("founded_on").as_deref(), Some("2017-03-15"));
    assert_eq!(day("support_start").as_deref(), Some("2018-12-01"));
    // mini-ods: birth_date is ISO text, entry_date a date cell (FQ-2018-000001-P001).
    let df = table(&fixture("mini-ods"), Table::Participants);
    let text = |column: &str| {
        df.column(column).expect("column").cast(&DataType::String).expect("text").str().expect("text").get(0).map(str::to_string)
    };
    assert_eq!(text("birth_date").as_deref(), Some("1984-08-09"));
    assert_eq!(text("entry_date").as_deref(), Some("2018-12-25"));
}

#[test]
fn text_dates_in_a_sheet_follow_the_declared_order_as_in_csv() {
    // make_workbooks.py BAD: I3 (FQ-2018-000002's founded_on) = "06/02/2017". Declared
    // DD/MM/YYYY it is 6 February 2017 (mini-csv has 2017-02-06), and that error goes.
    let dir = csv_but_beneficiaries(&fixture("bad/beneficiaries.xlsx"));
    std::fs::write(dir.path().join("columns.toml"), "date_format = \"DD/MM/YYYY\"\n").expect("write");
    let r = report(dir.path());
    assert!(r.errors().all(|e| e.column.as_deref() != Some("founded_on")), "{r}");
    assert_eq!(r.errors().count(), 2, "{r}");
    let df = table(&fixture("mini-csv"), Table::Beneficiaries);
    let csv_day =
        df.column("founded_on").expect("c").cast(&DataType::String).expect("t").str().expect("t").get(1).map(str::to_string);
    assert_eq!(csv_day.as_deref(), Some("2017-02-06"));
}

#[test]
fn a_workbook_named_like_its_table_gives_its_first_sheet() {
    let dir = csv_but_beneficiaries(&fixture("good/beneficiaries.xlsx"));
    let r = report(dir.path());
    assert!(!r.has_errors(), "{r}");
    assert_eq!(table(dir.path(), Table::Beneficiaries), table(&fixture("mini-csv"), Table::Beneficiaries));
}

#[test]
fn bad_cells_are_named_with_workbook_sheet_column_and_sheet_rows() {
    // make_workbooks.py BAD: M2 = 1750650.5, I3 = "06/02/2017", R4 = "three", R5 a date cell.
    let dir = csv_but_beneficiaries(&fixture("bad/beneficiaries.xlsx"));
    let r = report(dir.path());
    let file = format!("{}, sheet `beneficiaries`", dir.path().join("beneficiaries.xlsx").display());
    let errors: Vec<String> = r.errors().map(ToString::to_string).collect();
    assert_eq!(
        errors,
        vec![
            format!(
                "error: {file}, column `founded_on`, row 3: expected a date (a date cell, or text YYYY-MM-DD), found the text `06/02/2017` (cell I3) (hint: write dates as YYYY-MM-DD (or in the order date_format declares in columns.toml), or format the cells as dates; a day/month order is never guessed)"
            ),
            format!(
                "error: {file}, column `grant_cents`, row 2: expected integer cents (a whole number), found the number 1750650.5 (cell M2) (hint: money is stored exactly, as whole cents of the currency (e.g. 3500000 for €35,000.00))"
            ),
            format!(
                "error: {file}, column `founders_total`, rows 4, 5: expected an integer (a whole number), found the text `three` (cell R4)"
            ),
        ],
        "{r}"
    );
}

#[test]
fn a_workbook_table_is_named_with_its_sheet_and_counts_rows_as_the_sheet() {
    // Row checks number rows from `first_row`: the sheet's row under the header (row 1 in
    // fabriq-quarto.xlsx), and in a CSV as a spreadsheet shows it (the header is row 1).
    let source = PanelSource::open(&[fixture("mini-xlsx")]).expect("opens");
    let files = source.table_files(Table::Panel);
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].first_row(), 2);
    assert_eq!(files[0].display(), format!("{}, sheet `panel`", fixture("mini-xlsx/fabriq-quarto.xlsx").display()));
    let csv = PanelSource::open(&[fixture("mini-csv")]).expect("opens");
    assert_eq!(csv.table_files(Table::Panel)[0].first_row(), 2);
}

#[test]
fn a_table_in_a_workbook_and_a_csv_is_refused_naming_both() {
    let dir = dir_with(&[
        (fixture("mini-xlsx/fabriq-quarto.xlsx"), "fabriq-quarto.xlsx"),
        (fixture("mini-csv/panel.csv"), "panel.csv"),
    ]);
    let err = PanelSource::open(&[dir.path()]).expect_err("refused");
    assert!(matches!(err, Error::Workbook { .. }), "{err:?}");
    let msg = err.to_string();
    let book = dir.path().join("fabriq-quarto.xlsx");
    let csv = dir.path().join("panel.csv");
    assert_eq!(
        msg,
        format!(
            "{}: sheet `panel` holds the `panel` table, and so does {}; expected the `panel` table once in a panel directory (hint: remove one of them, or rename the sheet)",
            book.display(),
            csv.display()
        )
    );
}

#[test]
fn a_table_in_two_workbooks_is_refused_naming_both() {
    let dir = dir_with(&[
        (fixture("mini-xlsx/fabriq-quarto.xlsx"), "fabriq-quarto.xlsx"),
        (fixture("mini-ods/panel.ods"), "panel.ods"),
    ]);
    let msg = PanelSource::open(&[dir.path()]).expect_err("refused").to_string();
    // Workbooks are taken in name order: fabriq-quarto.xlsx claims `panel` first.
    assert_eq!(
        msg,
        format!(
            "{}: sheet `Foglio1` holds the `panel` table, and so does {}, sheet `panel`; expected the `panel` table once in a panel directory (hint: remove one of them, or rename the sheet)",
            dir.path().join("panel.ods").display(),
            dir.path().join("fabriq-quarto.xlsx").display()
        )
    );
}

#[test]
fn an_excel_lock_file_is_not_a_workbook_and_a_broken_one_is_named() {
    let dir = dir_with(&[(fixture("mini-xlsx/fabriq-quarto.xlsx"), "fabriq-quarto.xlsx")]);
    fs::write(dir.path().join("~$fabriq-quarto.xlsx"), b"owner file").expect("write");
    assert!(!report(dir.path()).has_errors());
    fs::write(dir.path().join("notes.ods"), b"not a zip").expect("write");
    let msg = PanelSource::open(&[dir.path()]).expect_err("refused").to_string();
    let prefix = format!("{}: expected an Excel (.xlsx) or LibreOffice (.ods) workbook", dir.path().join("notes.ods").display());
    assert!(msg.starts_with(&prefix), "{msg}");
}

#[test]
fn the_input_hash_covers_the_workbook_bytes() {
    let good = csv_but_beneficiaries(&fixture("good/beneficiaries.xlsx"));
    let bad = csv_but_beneficiaries(&fixture("bad/beneficiaries.xlsx"));
    let hash = |d: &Path| PanelSource::open(&[d]).expect("opens").input_hash().expect("hash");
    assert_eq!(hash(good.path()), hash(good.path()));
    assert_ne!(hash(good.path()), hash(bad.path()));
}

#[test]
fn columns_toml_renames_apply_to_a_workbook_as_to_a_csv() {
    // renamed/: `data_costituzione` is founded_on (date cells), `contributo` grant_cents.
    let dir = csv_but_beneficiaries(&fixture("renamed/beneficiaries.xlsx"));
    fs::copy(fixture("renamed/columns.toml"), dir.path().join("columns.toml")).expect("copy");
    let r = report(dir.path());
    assert!(!r.has_errors(), "{r}");
    let source = PanelSource::open(&[dir.path()]).expect("opens");
    assert!(source.has_column(Table::Beneficiaries, "founded_on") && source.has_column(Table::Beneficiaries, "grant_cents"));
    assert_eq!(table(dir.path(), Table::Beneficiaries), table(&fixture("mini-csv"), Table::Beneficiaries));
}

// Found by trying, session 5 (make_traps.py): a formula with no stored result read as an empty
// cell made a closed entity alive; a hidden stale `panel` sheet was read instead of the visible
// current one. Both are refused naming the sheet and the cell.
#[test]
fn a_formula_without_its_result_is_refused_naming_the_cell() {
    let e = PanelSource::open(&[fixture("traps/formula")]).expect_err("refused").to_string();
    assert!(
        e.contains(
            "sheet `beneficiaries`, cell O2: expected a value, found the formula `=DATE(2019,6,3)` with no computed result"
        ),
        "{e}"
    );
}

#[test]
fn a_hidden_sheet_named_like_a_table_is_refused() {
    let e = PanelSource::open(&[fixture("traps/hidden")]).expect_err("refused").to_string();
    assert!(e.contains("expected the `panel` table on a visible sheet, found sheet `panel` hidden"), "{e}");
}

#[test]
fn a_date_cell_with_a_time_of_day_is_refused() {
    // make_traps.py: K2 (support_start) = 2018-11-30 23:00, Rome's 1 December midnight in UTC.
    let r = report(&fixture("traps/time"));
    let e = r.errors().map(ToString::to_string).collect::<Vec<_>>().join("\n");
    assert!(e.contains("column `support_start`, row 2") && e.contains("(cell K2)") && e.contains("without a time"), "{e}");
}
