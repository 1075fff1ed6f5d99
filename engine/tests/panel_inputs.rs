//! Panel files that crashed, were silently misread, or gave a message without a row.
//!
//! Source: `shared/reliability-cases/panel-inputs/` (copied into `tests/fixtures/panel-inputs/`,
//! README there), found by trying the release binary at 608617a as a demanding user would:
//! `base/mini_csv` and `base/mini_pq` are four FabriQ Quarto beneficiaries, and each other
//! folder is one of them with one change. Each case runs `validate`, `indicators` and
//! `payout base/rules-2018.toml` as the README there says. What is right everywhere: a valid
//! input gives the right result; an invalid one exits 1 with one message naming the file, the
//! row as a spreadsheet numbers it (the header is row 1) or the Parquet record, the column,
//! what was expected and what was found — never a panic, never a silent default. Links and
//! directories that git cannot hold (`*.SYMLINK.txt` notes) are made in a temporary copy.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn cases() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/panel-inputs")
}

fn run(dir: &Path, command: &str) -> Output {
    let data = dir.to_str().expect("utf-8 path");
    let rules = cases().join("base/rules-2018.toml");
    let args: Vec<&str> = match command {
        "payout" => vec!["payout", rules.to_str().expect("utf-8 path"), "--data", data],
        other => vec![other, "--data", data],
    };
    Command::new(env!("CARGO_BIN_EXE_impatto")).args(&args).output().expect("impatto runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// What the user reads: `validate` lists the findings on stdout, the others on stderr.
fn messages(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), stderr(o))
}

/// Every command refuses the panel with exit 1 and a message holding each of `says`, once.
fn assert_refused_at(dir: &Path, says: &[&str]) {
    for command in ["validate", "indicators", "payout"] {
        let out = run(dir, command);
        let e = messages(&out);
        assert_eq!(out.status.code(), Some(1), "{command} {}: {e}", dir.display());
        assert!(!e.contains("panicked"), "{command}: {e}");
        for part in says {
            assert!(e.contains(part), "{command} {}: expected `{part}` in:\n{e}", dir.display());
        }
        assert_eq!(e.matches(says[0]).count(), 1, "{command}: said once:\n{e}");
        assert!(!e.contains("infer_schema_length") && !e.contains("truncate_ragged_lines"), "no advice the CLI lacks: {e}");
    }
}

fn assert_refused(case: &str, says: &[&str]) {
    assert_refused_at(&cases().join(case), says)
}

/// A copy of `base/mini_csv` (or `base/mini_pq`) to change.
fn copy_of(base: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for entry in std::fs::read_dir(cases().join("base").join(base)).expect("base") {
        let entry = entry.expect("entry");
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).expect("copy");
    }
    dir
}

/// stdout without the lines or fields that name the input (its hash and directory).
fn results(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| l.split(',').filter(|f| !f.starts_with("sha256:")).collect::<Vec<_>>().join(","))
        .filter(|l| !l.starts_with("data ") && !l.contains("sha256:"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn assert_same_results_as_base(dir: &Path) {
    for command in ["validate", "indicators", "payout"] {
        let base = run(&cases().join("base/mini_csv"), command);
        let out = run(dir, command);
        assert!(out.status.success(), "{command} {}: {}", dir.display(), stderr(&out));
        assert_eq!(results(&out), results(&base), "{command} {}", dir.display());
    }
}

// ---- a cell that does not parse: row, column, expected, found ----

#[test]
fn csv_bool_true_1() {
    // `TRUE` (as R writes it) reads as true on row 3; `1` on row 4 is not a boolean.
    assert_refused("csv_bool_TRUE_1", &["panel.csv, column `active`, row 4: expected true or false, found `1`"]);
}

#[test]
fn csv_bool_yes() {
    assert_refused("csv_bool_yes", &["panel.csv, column `active`, row 5: expected true or false, found `yes`"]);
}

#[test]
fn csv_cents_decimal() {
    assert_refused(
        "csv_cents_decimal",
        &[
            "beneficiaries.csv, column `eligible_costs_cents`, row 2: expected whole cents",
            "found `3501300.50`",
            "as whole cents",
        ],
    );
}

#[test]
fn csv_int_overflow_revenue() {
    assert_refused(
        "csv_int_overflow_revenue",
        &["panel.csv, column `revenue_cents`, row 3: expected whole cents (a 64-bit integer", "found `99999999999999999999`"],
    );
}

#[test]
fn csv_fte_thousands() {
    assert_refused(
        "csv_fte_thousands",
        &["beneficiaries.csv, column `grant_cents`, row 2: expected whole cents", "found `1,750,650`"],
    );
}

#[test]
fn csv_headcount_decimal() {
    assert_refused(
        "csv_headcount_decimal",
        &["panel.csv, column `headcount`, row 7: expected a whole number, found `5.7`", "counts must be whole numbers"],
    );
}

#[test]
fn csv_month_13() {
    assert_refused("csv_month_13", &["panel.csv, column `month`, row 4: expected a date written YYYY-MM-DD, found `2018-13-01`"]);
}

#[test]
fn csv_wrong_type_fte() {
    assert_refused("csv_wrong_type_fte", &["panel.csv, column `fte`, row 8: expected a number (e.g. 4.5), found `four`"]);
}

#[test]
fn csv_wrong_type_headcount() {
    assert_refused("csv_wrong_type_headcount", &["panel.csv, column `headcount`, row 6: expected a whole number, found `abc`"]);
}

#[test]
fn csv_italian_decimal_comma() {
    // `;` between fields and `4,5` FTE: detected, and read as the base's 4.5.
    assert_same_results_as_base(&cases().join("csv_italian_decimal_comma"));
}

// ---- dates: YYYY-MM-DD unless another order is declared; never guessed ----

#[test]
fn csv_date_slash() {
    assert_refused(
        "csv_date_slash",
        &[
            "beneficiaries.csv, column `support_start`, row 2: expected a date written YYYY-MM-DD, found `01/12/2018`",
            "DD/MM/YYYY or MM/DD/YYYY",
            "date_format",
        ],
    );
}

#[test]
fn csv_date_with_time() {
    assert_refused(
        "csv_date_with_time",
        &[
            "beneficiaries.csv, column `support_start`, row 2: expected a date written YYYY-MM-DD, found `2018-12-01T00:00:00`",
            "without a time",
        ],
    );
}

#[test]
fn csv_date_10000() {
    assert_refused(
        "csv_date_10000",
        &["beneficiaries.csv, column `ceased_on`, row 2: expected a date written YYYY-MM-DD, found `10000-01-01`"],
    );
}

#[test]
fn csv_support_dates_mdy_ambiguous() {
    // 12/01/2018, 11/01/2018, 12/01/2018, 10/01/2018: every day ≤ 12, so either order reads;
    // it used to be taken silently.
    assert_refused(
        "csv_support_dates_mdy_ambiguous",
        &["beneficiaries.csv, column `support_start`, rows 2, 3, 4, 5: expected a date written YYYY-MM-DD, found `12/01/2018`"],
    );
}

#[test]
fn csv_dates_all_mdy_refused_then_read_as_declared() {
    // 03/15/2017 reads only month first: the hint names that order.
    assert_refused(
        "csv_dates_all_mdy",
        &[
            "beneficiaries.csv, column `founded_on`, rows 2, 3, 4, 5: expected a date written YYYY-MM-DD, found `03/15/2017`",
            "MM/DD/YYYY",
        ],
    );
    // Declared, the same dates give the base's results (its dates are these, written ISO).
    let dir = tempfile::tempdir().expect("tempdir");
    for entry in std::fs::read_dir(cases().join("csv_dates_all_mdy")).expect("case") {
        let entry = entry.expect("entry");
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).expect("copy");
    }
    std::fs::write(dir.path().join("columns.toml"), "date_format = \"MM/DD/YYYY\"\n").expect("write");
    assert_same_results_as_base(dir.path());
    // Declared the other way, 03/15/2017 has no month 15 (rows 2, 4, 5); row 3's 02/06/2017
    // is read as declared, 2 June: what is declared is used, never second-guessed.
    std::fs::write(dir.path().join("columns.toml"), "date_format = \"DD/MM/YYYY\"\n").expect("write");
    assert_refused_at(
        dir.path(),
        &["column `founded_on`, rows 2, 4, 5: expected a date written DD/MM/YYYY (or YYYY-MM-DD), found `03/15/2017`"],
    );
}

#[test]
fn an_unknown_date_format_is_refused_with_the_accepted_ones() {
    let dir = copy_of("mini_csv");
    std::fs::write(dir.path().join("columns.toml"), "date_format = \"D/M/Y\"\n").expect("write");
    let out = run(dir.path(), "validate");
    assert_eq!(out.status.code(), Some(1));
    assert!(messages(&out).contains("expected `date_format =` one of \"YYYY-MM-DD\", \"DD/MM/YYYY\""), "{}", messages(&out));
}

// ---- dates out of any plausible range ----

#[test]
fn csv_9999_month() {
    assert_refused(
        "csv_9999_month",
        &[
            "panel.csv, column `month`, row 145: expected a date from 1800-01-01 to 2199-12-31, found a date outside them (month = 9999-12-01",
        ],
    );
}

#[test]
fn csv_year0_founded() {
    assert_refused(
        "csv_year0_founded",
        &["beneficiaries.csv, column `founded_on`, row 2: expected a date from 1800-01-01", "0000-03-15"],
    );
}

#[test]
fn csv_year0_month() {
    assert_refused("csv_year0_month", &["panel.csv, column `month`, row 2: expected a date from 1800-01-01"]);
}

#[test]
fn csv_birth_year0() {
    assert_refused("csv_birth_year0", &["participants.csv, column `birth_date`, row 2: expected a date from 1800-01-01"]);
}

#[test]
fn pq_date32_max() {
    assert_refused("pq_date32_max", &["beneficiaries.parquet, column `ceased_on`, row 1: expected a date from 1800-01-01"]);
}

#[test]
fn pq_month_date32_max() {
    assert_refused("pq_month_date32_max", &["panel.parquet, column `month`", "expected a date from 1800-01-01"]);
}

#[test]
fn pq_support_start_year1() {
    assert_refused("pq_support_start_year1", &["beneficiaries.parquet, column `support_start`", "0001-01-01"]);
}

// ---- time-zone-aware timestamps ----

#[test]
fn pq_entry_date_rome_tz() {
    assert_refused(
        "pq_entry_date_rome_tz",
        &["participants.parquet, column `entry_date`", "found a timestamp[us] with time zone Europe/Rome", "local date"],
    );
}

// ---- the same table twice, a table that is a directory, a link loop, /dev/null ----

#[test]
fn csv_both_formats() {
    assert_refused("csv_both_formats", &["expected one file of the `panel` table, found two"]);
}

#[test]
fn csv_file_is_dir() {
    let dir = copy_of("mini_csv");
    std::fs::remove_file(dir.path().join("panel.csv")).expect("remove");
    std::fs::create_dir(dir.path().join("panel.csv")).expect("mkdir");
    assert_refused_at(dir.path(), &["panel.csv: expected a table file, found a directory"]);
}

#[test]
fn pq_file_is_dir_dataset() {
    let dir = copy_of("mini_pq");
    std::fs::remove_file(dir.path().join("panel.parquet")).expect("remove");
    std::fs::create_dir(dir.path().join("panel.parquet")).expect("mkdir");
    assert_refused_at(dir.path(), &["panel.parquet: expected a table file, found a directory"]);
}

#[cfg(unix)]
#[test]
fn csv_symlink_loop() {
    let dir = copy_of("mini_csv");
    std::fs::remove_file(dir.path().join("panel.csv")).expect("remove");
    std::os::unix::fs::symlink("panel.csv", dir.path().join("panel.csv")).expect("link");
    assert_refused_at(dir.path(), &["panel.csv: expected a table file, found a symbolic link that leads to no file"]);
}

#[cfg(unix)]
#[test]
fn csv_dev_null() {
    let dir = copy_of("mini_csv");
    std::fs::remove_file(dir.path().join("panel.csv")).expect("remove");
    std::os::unix::fs::symlink("/dev/null", dir.path().join("panel.csv")).expect("link");
    assert_refused_at(dir.path(), &["panel.csv: expected a table file, found a device or other special file"]);
}

// ---- empty tables: rules that need the data give missing_data, not not_met ----

fn assert_empty_panel_is_missing_data(case: &str, file: &str) {
    let dir = cases().join(case);
    let validate = run(&dir, "validate");
    assert!(validate.status.success(), "{}", stderr(&validate));
    assert!(
        messages(&validate)
            .contains(&format!("warning: {}: expected rows in the `panel` table, found none", dir.join(file).display())),
        "{}",
        messages(&validate)
    );
    let payout = run(&dir, "payout");
    assert!(payout.status.success(), "{}", stderr(&payout));
    let lines = String::from_utf8_lossy(&payout.stdout).into_owned();
    let premium: Vec<&str> = lines.lines().filter(|l| l.contains("impact-premium") && l.starts_with("FQ-2018-")).collect();
    assert_eq!(premium.len(), 4, "{lines}");
    assert!(premium.iter().all(|l| l.contains("missing data")), "{lines}");
}

#[test]
fn csv_header_only_panel() {
    assert_empty_panel_is_missing_data("csv_header_only_panel", "panel.csv");
}

#[test]
fn pq_zero_rows() {
    assert_empty_panel_is_missing_data("pq_zero_rows", "panel.parquet");
}

// ---- duplicate columns, a mapping to a missing column ----

#[test]
fn csv_dup_column() {
    assert_refused(
        "csv_dup_column",
        &[
            "panel.csv, column `headcount`: expected each column name once in the header, found `headcount` as column D (4) and as column K (11)",
        ],
    );
}

#[test]
fn csv_dup_column_first_bad() {
    assert_refused("csv_dup_column_first_bad", &["found `headcount` as column A (1) and as column E (5)"]);
}

#[test]
fn csv_columns_toml_missing_target() {
    // columns.toml maps fte to `ETP`, but the file calls it `fte` already.
    assert_refused(
        "csv_columns_toml_missing_target",
        &[
            "panel.csv, column `fte`: expected a column `ETP` (number), which columns.toml maps to `fte`",
            "remove the line `fte = \"ETP\"`",
        ],
    );
}

// ---- encodings ----

#[test]
fn csv_non_utf8_id() {
    assert_refused(
        "csv_non_utf8_id",
        &["panel.csv, column `beneficiary_id`, row ", "expected UTF-8 text, found bytes that are not UTF-8"],
    );
}

#[test]
fn pq_string_invalid_utf8_patched() {
    assert_refused(
        "pq_string_invalid_utf8_patched",
        &["beneficiaries.parquet, column `quartiere`, row 1: expected UTF-8 text, found bytes that are not UTF-8"],
    );
}

// ---- Parquet types and files polars does not take as they are ----

#[test]
fn pq_costs_decimal128() {
    assert_refused(
        "pq_costs_decimal128",
        &["beneficiaries.parquet, column `eligible_costs_cents`", "found a column of type Decimal128(20, 2)", "whole cents"],
    );
}

#[test]
fn pq_uint64_overflow() {
    assert_refused(
        "pq_uint64_overflow",
        &["panel.parquet, column `revenue_cents`, row ", "expected whole cents (a 64-bit integer"],
    );
}

#[test]
fn pq_rowgroup_nrows_patched() {
    assert_refused(
        "pq_rowgroup_nrows_patched",
        &["panel.parquet, column `beneficiary_id`: expected 200 values in row group 2", "found 72"],
    );
}

// ---- long rows ----

#[test]
fn csv_ragged_long() {
    assert_refused("csv_ragged_long", &["panel.csv, row 11: expected 10 fields as in the header, found 11"]);
}

// ---- command-line values get the same care ----

#[test]
fn as_of_before_1970_is_used_as_given() {
    // It used to become 1970-01-01 silently. In 1969 no FabriQ Quarto entity existed: the
    // output is stamped with the date asked for.
    let base = cases().join("base/mini_csv");
    let out = Command::new(env!("CARGO_BIN_EXE_impatto"))
        .args(["indicators", "--data", base.to_str().expect("utf-8"), "--as-of", "1969-12-31", "--only", "ENT-01"])
        .output()
        .expect("impatto runs");
    assert!(out.status.success(), "{}", stderr(&out));
    let table = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(table.contains("1969-12-31") && !table.contains("1970-01-01"), "{table}");
}

#[test]
fn the_input_hash_does_not_depend_on_the_order_of_data_directories() {
    let (a, b) = (cases().join("base/mini_csv"), cases().join("csv_italian_decimal_comma"));
    let hash = |first: &Path, second: &Path| {
        let out = Command::new(env!("CARGO_BIN_EXE_impatto"))
            .args(["validate", "--data", first.to_str().expect("utf-8"), "--data", second.to_str().expect("utf-8")])
            .output()
            .expect("impatto runs");
        let e = stderr(&out);
        e.split("input ").nth(1).map(str::to_string).unwrap_or(e)
    };
    let (ab, ba) = (hash(&a, &b), hash(&b, &a));
    assert!(ab.starts_with("sha256:"), "{ab}");
    assert_eq!(ab, ba);
}

// ---- found by trying more of each kind (a second demanding user, this session) ----

/// A copy of `base/mini_csv` with `file` changed by `edit`.
fn edited(file: &str, edit: impl Fn(String) -> String) -> tempfile::TempDir {
    let dir = copy_of("mini_csv");
    let path = dir.path().join(file);
    let text = std::fs::read_to_string(&path).expect("read");
    std::fs::write(&path, edit(text)).expect("write");
    dir
}

#[test]
fn blank_cells_quoted_or_spaces_only_are_missing() {
    // FQ-2018-000001 has no formalised_on and no legal form problem: `""` and `" "` are the
    // same empty cell as nothing between the commas.
    let dir = edited("beneficiaries.csv", |t| t.replacen("srl,2017-03-15,,", "srl,2017-03-15,\"\",", 1));
    assert_same_results_as_base(dir.path());
    let dir = edited("beneficiaries.csv", |t| t.replacen("srl,2017-03-15,,", "srl,2017-03-15, ,", 1));
    assert_same_results_as_base(dir.path());
}

#[test]
fn an_edition_typed_wrong_is_refused() {
    // 2108 for 2018 used to drop the beneficiary from its programme's payout without a word.
    let dir = edited("beneficiaries.csv", |t| {
        t.replacen("FQ-2018-000001,fabriq-quarto,2018,", "FQ-2018-000001,fabriq-quarto,2108,", 1)
    });
    assert_refused_at(
        dir.path(),
        &[
            "beneficiaries.csv, column `edition, support_start`, row 2: expected an edition (the call's year) no later than the year support started",
        ],
    );
    let dir =
        edited("beneficiaries.csv", |t| t.replacen("FQ-2018-000001,fabriq-quarto,2018,", "FQ-2018-000001,fabriq-quarto,218,", 1));
    assert_refused_at(
        dir.path(),
        &["beneficiaries.csv, column `edition`, row 2: expected an edition (the call's year) from 1900 to 2199"],
    );
}

#[test]
fn a_table_file_impatto_does_not_read_is_named() {
    for name in ["PANEL.CSV", "panel.xls", "panel.tsv", "panel.csv.gz"] {
        let dir = copy_of("mini_csv");
        std::fs::rename(dir.path().join("panel.csv"), dir.path().join(name)).expect("rename");
        assert_refused_at(
            dir.path(),
            &[&format!("{name}: expected the `panel` table as panel.csv, panel.parquet"), "which impatto does not read"],
        );
    }
}

#[test]
fn two_of_our_columns_mapped_to_one_of_yours_is_refused() {
    let dir = copy_of("mini_csv");
    std::fs::write(dir.path().join("columns.toml"), "[panel]\nwomen = \"donne\"\nunder35 = \"donne\"\n").expect("write");
    assert_refused_at(dir.path(), &["columns.toml: [panel] maps both `under35` and `women` to your column `donne`"]);
    // Mapping a column to its own name changes nothing.
    std::fs::write(dir.path().join("columns.toml"), "[panel]\nfte = \"fte\"\n").expect("write");
    assert_same_results_as_base(dir.path());
}

#[test]
fn blank_lines_are_no_rows_and_leave_the_numbering_as_the_file_has_it() {
    // A blank line after row 5 and two at the end: same results; a bad cell after the blank
    // line keeps its own line number (row 9 of the file, row 8 before the blank line).
    let dir = edited("panel.csv", |t| {
        let mut lines: Vec<&str> = t.lines().collect();
        lines.insert(5, "");
        format!("{}\n\n\n", lines.join("\n"))
    });
    assert_same_results_as_base(dir.path());
    let dir = edited("panel.csv", |t| {
        let mut lines: Vec<String> = t.lines().map(str::to_string).collect();
        lines.insert(5, String::new());
        lines[8] = lines[8].replacen(",true,", ",maybe,", 1);
        lines.join("\n")
    });
    assert_refused_at(dir.path(), &["panel.csv, column `active`, row 9: expected true or false, found `maybe`"]);
}

#[test]
fn files_no_reading_could_be_right_are_refused_by_what_they_are() {
    let cases: [(&str, &[u8], &str); 3] = [
        ("empty", b"", "found an empty file"),
        ("utf16", b"\xff\xfeb\x00e\x00", "found UTF-16 text"),
        ("old mac", b"beneficiary_id,month\rFQ-2018-000001,2018-01-01\r", "found lines ended by a carriage return alone"),
    ];
    for (what, bytes, says) in cases {
        let dir = copy_of("mini_csv");
        std::fs::write(dir.path().join("panel.csv"), bytes).expect("write");
        let out = run(dir.path(), "validate");
        assert_eq!(out.status.code(), Some(1), "{what}");
        let e = messages(&out);
        assert!(e.contains("panel.csv: expected a CSV file in UTF-8 with a header line") && e.contains(says), "{what}: {e}");
        assert_eq!(e.matches(says).count(), 1, "{what}: said once: {e}");
    }
}

#[test]
fn a_day_that_does_not_exist_is_named_as_such() {
    let dir = edited("beneficiaries.csv", |t| t.replacen("2017-03-15", "2019-02-29", 1));
    assert_refused_at(
        dir.path(),
        &["column `founded_on`, row 2: expected a date written YYYY-MM-DD, found `2019-02-29`", "no such day"],
    );
}

#[test]
fn a_timestamp_with_a_time_of_day_is_no_date() {
    // panel-inputs-more/make.py: entry dates stored as UTC timestamps of Rome's midnight
    // (2018-12-24 23:00 for 2018-12-25). Cut to the date they moved every participant a day
    // earlier; which day is meant cannot be known, so they are refused.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/panel-inputs-more/pq_entry_date_utc_timestamp");
    assert_refused_at(
        &dir,
        &[
            "participants.parquet, column `entry_date`, rows 1, 2, 3, 4, 5 (and 8 more): expected a date (a date column, or a timestamp at 00:00:00), found `2018-12-24 23:00:00",
            "without a time of day",
        ],
    );
}
