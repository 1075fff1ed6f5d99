//! Definition files: the built-ins parse, and every class of mistake a partner can make is
//! rejected at load time with the file, the line and what was expected.

use impatto_indicators::definition::{parse, parse_all};
use impatto_indicators::{Error, builtin};

const BASE: &str = r#"id = "T-01"
version = "1.0.0"
name = { it = "Prova", en = "Test" }
description = "test"
unit = "share"
kind = "share"
table = "participants"
population = [{ column = "gender", op = "ne", value = "unknown" }]
numerator = [{ column = "gender", op = "eq", value = "F" }]
window = { date = "entry_date" }
disaggregations = ["programme"]
"#;

fn error_of(text: &str) -> String {
    match parse("T-01.toml", text) {
        Ok(_) => panic!("expected an error for:\n{text}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn the_builtin_catalogue_parses_with_unique_ids() {
    let defs = builtin().expect("catalogue");
    assert_eq!(defs.len(), 27);
    assert!(defs.iter().all(|d| d.hash.starts_with("sha256:") && d.hash.len() == 71));
    assert!(parse("T-01.toml", BASE).is_ok());
}

#[test]
fn unknown_column_names_line_and_lists_known_columns() {
    let e = error_of(&BASE.replace(r#"column = "gender", op = "eq""#, r#"column = "sex", op = "eq""#));
    assert!(e.starts_with("T-01.toml:9: numerator: unknown column `sex` for table `participants`"), "{e}");
    assert!(e.contains("expected one of: participant_id, beneficiary_id, gender"), "{e}");
}

#[test]
fn unknown_disaggregation_column() {
    let e = error_of(&BASE.replace(r#"["programme"]"#, r#"["programme", "zone"]"#));
    assert!(e.starts_with("T-01.toml:11: disaggregations: unknown column `zone`"), "{e}");
}

#[test]
fn a_window_on_a_non_date_column_is_rejected() {
    let e = error_of(&BASE.replace(r#"date = "entry_date""#, r#"date = "gender""#));
    assert!(e.contains("T-01.toml:10: window.date: expected a date column of `participants`, found `gender`"), "{e}");
}

#[test]
fn a_window_field_the_kind_does_not_use_is_rejected() {
    let e = error_of(&BASE.replace(r#"window = { date = "entry_date" }"#, r#"window = { date = "entry_date", years = 3 }"#));
    assert!(e.contains("window.years does not apply to kind `share`"), "{e}");
}

#[test]
fn unknown_ci_method_lists_the_valid_ones() {
    let e = error_of(&format!("{BASE}ci = \"bootstrap\"\n"));
    assert!(e.starts_with("T-01.toml:12:"), "{e}");
    assert!(e.contains("bootstrap") && e.contains("wilson") && e.contains("clopper-pearson"), "{e}");
}

#[test]
fn unknown_kind_and_typos_in_field_names_are_errors() {
    let e = error_of(&BASE.replace(r#"kind = "share""#, r#"kind = "median""#));
    assert!(e.starts_with("T-01.toml:6:") && e.contains("median"), "{e}");
    let e = error_of(&format!("{BASE}small_cel = 5\n"));
    assert!(e.starts_with("T-01.toml:12:") && e.contains("small_cel"), "{e}");
}

#[test]
fn malformed_toml_gives_the_line() {
    let e = error_of(&BASE.replace(r#"version = "1.0.0""#, r#"version = "1.0.0"#));
    assert!(e.starts_with("T-01.toml:2:"), "{e}");
}

#[test]
fn wrong_value_types_and_values_outside_the_format_are_rejected() {
    let e = error_of(&BASE.replace(r#"op = "eq", value = "F""#, r#"op = "eq", value = 1"#));
    assert!(e.contains("`gender` is text, found the value 1"), "{e}");
    let e = error_of(&BASE.replace(r#"op = "eq", value = "F""#, r#"op = "eq", value = "W""#));
    assert!(e.contains("`gender` takes F, M, non-binary, unknown, found \"W\""), "{e}");
    let e = error_of(&BASE.replace(r#"op = "eq", value = "F""#, r#"op = "in", value = "F""#));
    assert!(e.contains("expects `values = [...]`"), "{e}");
}

#[test]
fn ratio_tests_need_a_proper_fraction_on_integer_columns() {
    let owned = builtin().expect("catalogue").into_iter().find(|d| d.def.id == "OWN-01").expect("OWN-01");
    let text = std::fs::read_to_string(format!(
        "{}/definitions/OWN-01.toml",
        std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR")
    ))
    .expect("file");
    assert_eq!(parse("OWN-01.toml", &text).expect("parses").def, owned.def);
    let e = parse("OWN-01.toml", &text.replace(r#"fraction = "1/2""#, r#"fraction = "3/2""#)).expect_err("bad").to_string();
    assert!(e.contains("expected a fraction p/q between 0 and 1") && e.contains("found \"3/2\""), "{e}");
    let e = parse("OWN-01.toml", &text.replace(r#"denominator = "founders_total""#, r#"denominator = "quartiere""#))
        .expect_err("bad")
        .to_string();
    assert!(e.contains("`quartiere` is not an integer column"), "{e}");
}

#[test]
fn kaplan_meier_horizons_must_increase() {
    let text = std::fs::read_to_string(format!(
        "{}/definitions/SUR-02.toml",
        std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR")
    ))
    .expect("file");
    let e = parse("SUR-02.toml", &text.replace("[12, 24, 36]", "[24, 12]")).expect_err("bad").to_string();
    assert!(e.contains("window.horizons_months: expected increasing months") && e.contains("[24, 12]"), "{e}");
}

#[test]
fn duplicate_ids_name_both_files() {
    let err = parse_all([("a.toml", BASE), ("b.toml", BASE)]).expect_err("duplicate");
    assert!(matches!(err, Error::DuplicateId { .. }));
    let e = err.to_string();
    assert!(e.starts_with("b.toml: duplicate indicator id `T-01` (already defined in a.toml"), "{e}");
}
