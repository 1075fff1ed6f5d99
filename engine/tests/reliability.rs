//! Rule files that cannot be right, and rule files written another accepted way.
//!
//! Source: `shared/reliability-cases/rules-and-definitions/R_*.toml` (copied into
//! `tests/fixtures/reliability/`), mutants of the shipped and test rule files found by trying
//! the release binary at 608617a as a demanding user would. Each is named after its file. A
//! file that cannot be right must fail at load with its line, its field and what to write; a
//! file that says the same thing another accepted way must give the same statement.

use std::path::{Path, PathBuf};

use impatto::rules::{load_programme, run};
use impatto_datasets::PanelSource;

fn root() -> PathBuf {
    Path::new(&std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace")
        .to_path_buf()
}

fn case(name: &str) -> PathBuf {
    root().join("engine/tests/fixtures/reliability").join(format!("{name}.toml"))
}

/// The load error of a case: `file:line: [rule `id`: ]field: message`.
fn refused(name: &str) -> String {
    let catalogue = impatto_indicators::builtin().expect("catalogue");
    match load_programme(&case(name), &catalogue) {
        Ok(_) => panic!("{name}: loaded, but it cannot be right"),
        Err(e) => e.to_string(),
    }
}

fn assert_refused(name: &str, line: usize, field: &str, says: &str) {
    let e = refused(name);
    let at = format!("{name}.toml:{line}: ");
    assert!(e.contains(&at), "{name}: expected line {line} in: {e}");
    assert!(e.contains(&format!("{field}: ")), "{name}: expected field `{field}` in: {e}");
    assert!(e.contains(says), "{name}: expected `{says}` in: {e}");
    assert_eq!(e.lines().count(), 1, "{name}: one line, said once: {e}");
}

#[test]
fn r_budget_three_decimals() {
    assert_refused("R_budget_three_decimals", 7, "budget", "at most two decimals");
}

#[test]
fn r_cap_italian_thousands() {
    // "35.000" is €35 in this notation and €35,000 to an Italian reader: refused, never read as 35.
    assert_refused("R_cap_italian_thousands", 22, "cap", "write thirty-five thousand as \"35000.00\"");
}

#[test]
fn r_cap_three_decimals() {
    assert_refused("R_cap_three_decimals", 22, "cap", "at most two decimals");
}

#[test]
fn r_clawback_months_negative() {
    assert_refused("R_clawback_months_negative", 43, "if_ceased_within_months", "from 1 to 600, found -12");
}

#[test]
fn r_clawback_months_u32max() {
    assert_refused("R_clawback_months_u32max", 43, "if_ceased_within_months", "from 1 to 600, found 4294967295");
}

#[test]
fn r_currency_unknown() {
    assert_refused("R_currency_unknown", 6, "currency", "ISO 4217");
}

#[test]
fn r_event_empty() {
    assert_refused("R_event_empty", 19, "prices[1].event", "expected an id");
}

#[test]
fn r_payer_duplicate_id() {
    // Two payers called `city`: the 60% payer would vanish from the lines.
    assert_refused("R_payer_duplicate_id", 18, "payers[2].id", "payer `city` is listed twice");
}

#[test]
fn r_per_point_decimal_max() {
    assert_refused("R_per_point_decimal_max", 28, "per_point", "at most 1000000000000.00");
}

#[test]
fn r_period_id_path() {
    assert_refused("R_period_id_path", 11, "periods[1].id", "expected an id of letters");
}

#[test]
fn r_periods_duplicate_id() {
    assert_refused("R_periods_duplicate_id", 12, "periods[2].id", "period `final` is listed twice");
}

#[test]
fn r_point_tiny() {
    assert_refused("R_point_tiny", 29, "point", "expected a number with at most 12 decimals");
}

#[test]
fn r_premium_amount_decimal_max() {
    assert_refused("R_premium_amount_decimal_max", 29, "amount", "at most 1000000000000.00");
}

#[test]
fn r_programme_id_empty() {
    assert_refused("R_programme_id_empty", 4, "id", "expected an id of letters");
}

#[test]
fn r_programme_id_path() {
    assert_refused("R_programme_id_path", 4, "id", "found \"../../escaped\"");
}

#[test]
fn r_rule_id_empty() {
    assert_refused("R_rule_id_empty", 20, "id", "expected an id of letters");
}

#[test]
fn r_rule_id_rtl() {
    // A right-to-left override would print "grant" backwards in every statement.
    let e = refused("R_rule_id_rtl");
    assert!(!e.contains('\u{202e}'), "the message must not carry the override itself: {e:?}");
    assert_refused("R_rule_id_rtl", 20, "id", "\\u{202e}");
}

#[test]
fn r_share_percent_fraction_confusion() {
    assert_refused("R_share_percent_fraction_confusion", 21, "share", "expected a share like \"50%\" or \"0.5\"");
}

#[test]
fn r_sustained_weeks_u32max() {
    assert_refused("R_sustained_weeks_u32max", 19, "prices[1].sustained_weeks", "from 1 to 520");
}

#[test]
fn r_target_fte_as_percent() {
    assert_refused("R_target_fte_as_percent", 32, "targets[1].at_least", "JOB-01 is measured in FTE, not as a share");
}

#[test]
fn r_target_on_km_multi_horizon() {
    assert_refused("R_target_on_km_multi_horizon", 32, "targets[1].indicator", "one value per beneficiary");
}

#[test]
fn r_target_share_as_count() {
    assert_refused("R_target_share_as_count", 33, "targets[2].at_least", "\"40%\" or \"0.4\"");
}

#[test]
fn r_target_share_negative() {
    assert_refused("R_target_share_negative", 33, "targets[2].at_least", "from 0% to 100%");
}

#[test]
fn r_target_share_over_100() {
    assert_refused("R_target_share_over_100", 33, "targets[2].at_least", "from 0% to 100%");
}

#[test]
fn r_weight_huge() {
    assert_refused("R_weight_huge", 41, "targets[1].weight", "up to 1000000");
}

#[test]
fn r_as_of_datetime_offset() {
    assert_refused("R_as_of_datetime_offset", 11, "periods[1].as_of", "expected a plain date like 2022-12-31");
}

#[test]
fn r_as_of_year_0() {
    assert_refused("R_as_of_year_0", 11, "periods[1].as_of", "between 1900 and 2200");
}

/// The statement of `file` on `data`, as JSON lines and totals without provenance (the rule
/// file's path and hash differ by construction).
fn statement_of(file: &Path, data: &str) -> serde_json::Value {
    let catalogue = impatto_indicators::builtin().expect("catalogue");
    let programme = load_programme(file, &catalogue).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let source = PanelSource::open(&[root().join(data)]).expect("panel");
    let s = run(&programme, &source, &catalogue, None).expect("runs");
    let mut json: serde_json::Value = serde_json::from_slice(&s.to_json().expect("json")).expect("json");
    json["programme"] = serde_json::Value::Null;
    json
}

fn assert_same_statement(name: &str, original: &str, data: &str) {
    let with_code = statement_of(&case(name), data);
    let without = statement_of(&root().join(original), data);
    assert_eq!(with_code, without, "{name}: an amount with its currency code must pay as without it");
    assert_ne!(with_code["totals"]["paid"], "0.00", "{name}: pays something");
}

#[test]
fn r_amount_own_currency() {
    assert_same_statement("R_amount_own_currency", "engine/tests/programmes/alpha-modes.toml", "indicators/tests/fixtures/small");
}

#[test]
fn r_cap_own_currency_costshare() {
    assert_same_statement(
        "R_cap_own_currency_costshare",
        "datasets/examples/fabriq-quarto/rules-2018.toml",
        "datasets/examples/fabriq-quarto",
    );
}

#[test]
fn r_cap_own_currency_matching() {
    assert_same_statement(
        "R_cap_own_currency_matching",
        "datasets/examples/crowdfunding-civico/rules-2020.toml",
        "datasets/examples/crowdfunding-civico",
    );
}

#[test]
fn r_cap_own_currency_premium() {
    assert_same_statement(
        "R_cap_own_currency_premium",
        "datasets/examples/fabriq-quarto/rules-2019.toml",
        "datasets/examples/fabriq-quarto",
    );
}

#[test]
fn r_topup_cap_own_currency() {
    assert_same_statement(
        "R_topup_cap_own_currency",
        "datasets/examples/fabriq-quarto/rules-2018.toml",
        "datasets/examples/fabriq-quarto",
    );
}
