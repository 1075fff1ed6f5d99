//! What the city's offices open: statements as `.xlsx` with typed cells, read back with calamine
//! (a reader written apart from the writer), and reports in Italian and English.

use std::path::{Path, PathBuf};
use std::process::Command;

use calamine::{Data, Reader};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root").to_path_buf()
}

/// The binary in a neutral locale (English unless `--lang` says otherwise).
fn impatto() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_impatto"));
    command.env_remove("LC_ALL").env_remove("LC_MESSAGES").env("LANG", "C.UTF-8");
    command
}

fn payout(args: &[&str]) -> std::process::Output {
    let root = workspace();
    impatto()
        .arg("payout")
        .arg(root.join("datasets/examples/mi15/rules-bandi-266.toml"))
        .arg("--data")
        .arg(root.join("datasets/examples/mi15"))
        .args(["--no-validate"])
        .args(args)
        .output()
        .expect("impatto runs")
}

/// Bandi 266 on the example: 40 grants and 40 subsidised loans; the JSON statement (the machine
/// format, exact decimal strings) is the reference the workbook must agree with to the cent.
#[test]
fn an_xlsx_statement_has_numbers_as_numbers_and_agrees_with_the_json() {
    let dir = tempfile::tempdir().expect("tempdir");
    let book = dir.path().join("bandi.xlsx");
    let out = payout(&["--lang", "it", "-o", book.to_str().expect("utf-8")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json = payout(&["--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON statement");
    let lines = json["lines"].as_array().expect("lines");

    let mut workbook = calamine::open_workbook_auto(&book).expect("opens");
    assert_eq!(workbook.sheet_names(), vec!["Righe".to_string(), "Totali".to_string()]);
    let rows = workbook.worksheet_range("Righe").expect("lines sheet");
    let header: Vec<String> = rows.rows().next().expect("header").iter().map(|c| c.to_string()).collect();
    assert_eq!(header[0], "beneficiario");
    assert_eq!(rows.height() - 1, lines.len(), "one row per statement line");
    let mut cents_paid = 0i64;
    for (row, line) in rows.rows().skip(1).zip(lines) {
        assert_eq!(row[0].to_string(), line["beneficiary"].as_str().expect("id"));
        let Data::Float(paid) = row[6] else { panic!("paid is a number cell, found {:?}", row[6]) };
        let expected: f64 = line["amount"].as_str().expect("decimal text").parse().expect("a number");
        assert!((paid - expected).abs() < 0.005, "{paid} vs {expected}");
        cents_paid += (paid * 100.0).round() as i64;
        let instrument = row[3].to_string();
        assert!(instrument == "contributo a fondo perduto" || instrument == "finanziamento agevolato", "{instrument}");
    }
    let total: f64 = json["totals"]["paid"].as_str().expect("decimal").parse().expect("number");
    assert_eq!(cents_paid, (total * 100.0).round() as i64, "the lines add up to the statement's total");

    // The same inputs give the same bytes (the workbook's date is the statement's as-of date).
    let again = dir.path().join("again.xlsx");
    assert!(payout(&["--lang", "it", "-o", again.to_str().expect("utf-8")]).status.success());
    assert_eq!(std::fs::read(&book).expect("read"), std::fs::read(&again).expect("read"));
}

/// The example: Bandi 266 paid 1,640,161.00 EUR, half of it in loans, which the report
/// lists apart. Italian when asked for or when the locale is Italian; English otherwise.
#[test]
fn the_report_speaks_the_language_asked_for() {
    let it = String::from_utf8(payout(&["--lang", "it"]).stdout).expect("utf-8");
    assert!(it.contains("pagato € 1.640.161,00"), "{it}");
    assert!(it.contains("finanziamento agevolato") && it.contains("€ 820.080,50"), "{it}");
    assert!(it.contains("al 31/12/2023"), "{it}");
    let en = String::from_utf8(payout(&[]).stdout).expect("utf-8");
    assert!(en.contains("paid €1,640,161.00") && en.contains("as of 2023-12-31"), "{en}");
    let root = workspace();
    let by_locale = Command::new(env!("CARGO_BIN_EXE_impatto"))
        .arg("payout")
        .arg(root.join("datasets/examples/mi15/rules-bandi-266.toml"))
        .arg("--data")
        .arg(root.join("datasets/examples/mi15"))
        .arg("--no-validate")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "it_IT.UTF-8")
        .output()
        .expect("impatto runs");
    assert_eq!(String::from_utf8(by_locale.stdout).expect("utf-8"), it, "LANG=it_IT gives the Italian report");
    let bad = payout(&["--lang", "fr"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("expected `it` or `en`, found `fr`"));
}

fn indicators(args: &[&str]) -> std::process::Output {
    impatto()
        .arg("indicators")
        .arg("--data")
        .arg(workspace().join("datasets/examples/scuola-dei-quartieri"))
        .args(["--by", "programme,municipio", "--by", "programme"])
        .args(args)
        .output()
        .expect("impatto runs")
}

/// Scuola dei Quartieri by municipio and in all, as a workbook in Italian: one row per result of
/// the JSON table (the machine format is the reference), numbers as number cells equal to the
/// JSON's, withheld cells empty and marked "riservato", the as-of date a date cell. ENT-03 in all
/// is 42 new organisations of 69 groups, the programme's published figures: 42/69 = 0.6087.
#[test]
fn an_xlsx_indicator_table_has_typed_cells_and_agrees_with_the_json() {
    let dir = tempfile::tempdir().expect("tempdir");
    let book = dir.path().join("indicators.xlsx");
    let out = indicators(&["--lang", "it", "--format", "xlsx", "-o", book.to_str().expect("utf-8")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json = indicators(&["--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON table");
    let results = json["results"].as_array().expect("results");

    let mut workbook = calamine::open_workbook_auto(&book).expect("opens");
    assert_eq!(workbook.sheet_names(), vec!["Indicatori".to_string()]);
    let rows = workbook.worksheet_range("Indicatori").expect("sheet");
    let header: Vec<String> = rows.rows().next().expect("header").iter().map(|c| c.to_string()).collect();
    let column = |name: &str| header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name} in {header:?}"));
    let (value, units, withheld, as_of) = (column("Valore"), column("Unità"), column("riservato"), column("data di riferimento"));
    let municipio = column("municipio");
    assert_eq!(rows.height() - 1, results.len(), "one row per result");
    let mut withheld_rows = 0;
    for (row, result) in rows.rows().skip(1).zip(results) {
        assert_eq!(row[0].to_string(), result["indicator"].as_str().expect("id"));
        assert_eq!(row[municipio].to_string(), result["group"]["municipio"].as_str().unwrap_or(""));
        assert!(matches!(row[as_of], Data::DateTime(_)), "as-of is a date cell, found {:?}", row[as_of]);
        if result["suppressed"].as_bool().expect("bool") {
            withheld_rows += 1;
            assert_eq!(row[value], Data::Empty, "a withheld value is not in the workbook");
            assert_eq!(row[withheld].to_string(), "riservato");
            continue;
        }
        match (&row[value], result["value"].as_f64()) {
            (Data::Float(shown), Some(expected)) => assert!((shown - expected).abs() < 1e-12, "{shown} vs {expected}"),
            (Data::Empty, None) => {}
            (shown, expected) => panic!("{}: value {shown:?}, the JSON says {expected:?}", result["indicator"]),
        }
        if let Some(expected) = result["units"].as_f64() {
            assert_eq!(row[units], Data::Float(expected));
        }
    }
    assert!(withheld_rows > 0, "some municipio cells are withheld, and shown so");
    let ent03 = rows.rows().skip(1).find(|r| r[0] == "ENT-03" && r[municipio] == Data::Empty).expect("ENT-03 in all");
    assert_eq!(ent03[1].to_string(), "Gruppi informali diventati organizzazioni");
    let Data::Float(share) = ent03[value] else { panic!("ENT-03 is a number cell: {:?}", ent03[value]) };
    assert!((share - 42.0 / 69.0).abs() < 1e-12, "{share}");

    let again = dir.path().join("again.xlsx");
    assert!(indicators(&["--lang", "it", "--format", "xlsx", "-o", again.to_str().expect("utf-8")]).status.success());
    assert_eq!(std::fs::read(&book).expect("read"), std::fs::read(&again).expect("read"), "same inputs, same bytes");
    let no_file = indicators(&["--format", "xlsx"]);
    assert_eq!(no_file.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&no_file.stderr).contains("--format xlsx needs --output FILE"));
}
