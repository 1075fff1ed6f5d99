//! Workbook panels through the command line (issue 11): the FabriQ Quarto mini panel as one
//! `.xlsx` holding every table, and as one `.ods` per table, gives byte for byte the
//! validation, indicators and payout statement of its CSV twin
//! (datasets/tests/fixtures/workbook, made by make_workbooks.py there).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const FIXTURES: &str = "datasets/tests/fixtures/workbook";

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root").to_path_buf()
}

fn impatto(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_impatto")).args(args).current_dir(workspace()).output().expect("impatto runs")
}

/// Stdout of a successful run, with the input's `sha256:` digest blanked: it hashes the
/// files' bytes, which differ by format.
fn stdout_of(args: &[&str]) -> String {
    let out = impatto(args);
    assert!(out.status.success(), "impatto {}: {}", args.join(" "), String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let mut blanked = String::new();
    let mut rest = text.as_str();
    while let Some(at) = rest.find("sha256:") {
        blanked.push_str(&rest[..at + 7]);
        rest = rest[at + 7..].trim_start_matches(|c: char| c.is_ascii_hexdigit());
        blanked.push_str("<digest>");
    }
    blanked.push_str(rest);
    blanked
}

#[test]
fn xlsx_and_ods_panels_give_the_csv_twins_indicators_and_payouts() {
    let rules = "datasets/examples/fabriq-quarto/rules-2018.toml";
    let csv = format!("{FIXTURES}/mini-csv");
    let runs: [&[&str]; 4] = [
        &["indicators", "--data"],
        &["indicators", "--format", "json", "--data"],
        &["payout", rules, "--data"],
        &["payout", rules, "--format", "csv", "--data"],
    ];
    for run in runs {
        let want = stdout_of(&[run, &[csv.as_str()]].concat());
        assert!(want.lines().count() > 3, "{want}");
        for dir in ["mini-xlsx", "mini-ods"] {
            let data = format!("{FIXTURES}/{dir}");
            let got = stdout_of(&[run, &[data.as_str()]].concat());
            assert_eq!(got, want, "impatto {} {data}", run.join(" "));
        }
    }
}

#[test]
fn a_bad_cell_stops_validation_with_workbook_sheet_column_and_row() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fixtures = workspace().join(FIXTURES);
    for name in ["programmes.csv", "panel.csv", "participants.csv"] {
        std::fs::copy(fixtures.join("mini-csv").join(name), dir.path().join(name)).expect("copy");
    }
    std::fs::copy(fixtures.join("bad/beneficiaries.xlsx"), dir.path().join("beneficiaries.xlsx")).expect("copy");
    let out = impatto(&["validate", "--data", dir.path().to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let report = String::from_utf8_lossy(&out.stdout);
    let line = format!(
        "error: {}, sheet `beneficiaries`, column `grant_cents`, row 2: expected integer cents (a whole number), found the number 1750650.5 (cell M2)",
        dir.path().join("beneficiaries.xlsx").display()
    );
    assert!(report.contains(&line), "{report}");
}

#[test]
fn statistics_read_a_workbooks_first_sheet_as_its_csv_twin() {
    // studies/lung.xlsx and lung.ods hold indicators/tests/fixtures/studies/lung.csv.
    let csv = "indicators/tests/fixtures/studies/lung.csv";
    let want = stdout_of(&["survival", csv, "--time", "time", "--event", "dead", "--by", "sex", "--at", "180,365"]);
    assert!(want.lines().count() > 2, "{want}");
    for book in ["lung.xlsx", "lung.ods"] {
        let path = format!("{FIXTURES}/studies/{book}");
        let got = stdout_of(&["survival", &path, "--time", "time", "--event", "dead", "--by", "sex", "--at", "180,365"]);
        assert_eq!(got, want, "{book}");
    }
}
