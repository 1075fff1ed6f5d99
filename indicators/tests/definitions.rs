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

/// A reliability case: a mutant of a built-in definition (in `fixtures/reliability`, copied from
/// `shared/reliability-cases/rules-and-definitions`) that `impatto check` must refuse. Returns
/// the one-line message.
fn reliability_error(file: &str) -> String {
    let path = std::path::Path::new(&std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/reliability")
        .join(file);
    let text = std::fs::read_to_string(&path).expect("fixture");
    let e = match parse(file, &text) {
        Ok(_) => panic!("{file} must be refused"),
        Err(e) => e.to_string(),
    };
    assert_eq!(e.lines().count(), 1, "one line: {e}");
    e
}

#[test]
fn d_unit_unknown() {
    let e = reliability_error("D_unit_unknown__PAR-02.toml");
    assert!(
        e.starts_with("D_unit_unknown__PAR-02.toml:6: unit: expected one of share, entities, persons, FTE, ratio, probability"),
        "{e}"
    );
    assert!(e.contains("found \"euros\""), "{e}");
}

#[test]
fn d_unit_empty() {
    let e = reliability_error("D_unit_empty__PAR-02.toml");
    assert!(e.starts_with("D_unit_empty__PAR-02.toml:6: unit: expected one of share,"), "{e}");
    assert!(e.ends_with("found \"\""), "{e}");
}

#[test]
fn a_unit_in_the_wrong_case_gets_a_hint() {
    let e = error_of(&BASE.replace(r#"unit = "share""#, r#"unit = "fte""#));
    assert!(e.starts_with("T-01.toml:5: unit: expected one of") && e.contains("found \"fte\" (hint: write \"FTE\")"), "{e}");
}

#[test]
fn d_numerator_sum_text() {
    let e = reliability_error("D_numerator_sum_text__FND-01.toml");
    assert!(
        e.starts_with("D_numerator_sum_text__FND-01.toml:8: numerator_sum: expected a numeric column of `beneficiaries`"),
        "{e}"
    );
    assert!(e.contains("founders_total") && e.contains("found `legal_form`, a text column"), "{e}");
}

#[test]
fn sums_over_codes_dates_or_flags_are_refused() {
    let fnd = std::fs::read_to_string(format!(
        "{}/definitions/FND-01.toml",
        std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR")
    ))
    .expect("file");
    for (column, what) in
        [("edition", "an integer code (year), not a quantity"), ("funded", "a boolean column"), ("founded_on", "a date column")]
    {
        let e =
            parse("FND-01.toml", &fnd.replace(r#"numerator_sum = "founders_women""#, &format!("numerator_sum = \"{column}\"")))
                .expect_err("refused")
                .to_string();
        assert!(e.starts_with("FND-01.toml:9: numerator_sum: expected a numeric column") && e.ends_with(what), "{e}");
        let e = parse(
            "FND-01.toml",
            &fnd.replace(r#"denominator_sum = "founders_total""#, &format!("denominator_sum = \"{column}\"")),
        )
        .expect_err("refused")
        .to_string();
        assert!(e.starts_with("FND-01.toml:10: denominator_sum: expected a numeric column") && e.ends_with(what), "{e}");
    }
}

#[test]
fn d_part_equals_measure() {
    let e = reliability_error("D_part_equals_measure__JOB-04.toml");
    assert!(e.starts_with("D_part_equals_measure__JOB-04.toml:9: part: expected a sub-count of measure `headcount` (women, under35, permanent), found `headcount`"), "{e}");
    assert!(e.contains("hint: `part` counts a group within `measure`"), "{e}");
}

#[test]
fn d_part_not_subset() {
    let e = reliability_error("D_part_not_subset__JOB-04.toml");
    assert!(e.starts_with("D_part_not_subset__JOB-04.toml:9: part: expected a sub-count of measure `headcount`"), "{e}");
    assert!(e.ends_with("found `revenue_cents`"), "{e}");
}

#[test]
fn a_part_of_a_measure_without_sub_counts_is_refused() {
    let job04 = std::fs::read_to_string(format!(
        "{}/definitions/JOB-04.toml",
        std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR")
    ))
    .expect("file");
    let e =
        parse("JOB-04.toml", &job04.replace(r#"measure = "headcount""#, r#"measure = "fte""#)).expect_err("refused").to_string();
    assert!(e.starts_with("JOB-04.toml:11: part: expected a sub-count of `fte`, but `fte` has none"), "{e}");
}

#[test]
fn d_variant_of_unknown() {
    let e = reliability_error("D_variant_of_unknown__OWN-01-IRIS.toml");
    assert!(
        e.starts_with("D_variant_of_unknown__OWN-01-IRIS.toml:12: variant_of: expected the id of a built-in indicator"),
        "{e}"
    );
    assert!(e.contains("OWN-01,") && e.ends_with("found `NOPE-99`"), "{e}");
}

#[test]
fn a_variant_of_a_definition_checked_with_it_is_accepted() {
    let parent = BASE.replace("T-01", "T-00");
    let child = format!("{BASE}variant_of = \"T-00\"\n");
    assert!(parse_all([("T-00.toml", parent.as_str()), ("T-01.toml", child.as_str())]).is_ok());
    let e = error_of(&child);
    assert!(e.starts_with("T-01.toml:12: variant_of:") && e.ends_with("found `T-00`"), "{e}");
    let e = error_of(&format!("{BASE}variant_of = \"T-01\"\n"));
    assert!(e.starts_with("T-01.toml:12: variant_of: expected another indicator's id, found its own id `T-01`"), "{e}");
}

#[test]
fn d_version_leading_zero() {
    let e = reliability_error("D_version_leading_zero__PAR-02.toml");
    assert!(e.starts_with("D_version_leading_zero__PAR-02.toml:2: version: expected MAJOR.MINOR.PATCH"), "{e}");
    assert!(e.ends_with("found \"01.00.000\""), "{e}");
    for bad in ["1.0", "1.0.0.0", "1.00.0", "1.0.0-rc1", "+1.0.0", "1..0", "99999999999999999999.0.0"] {
        let e = error_of(&BASE.replace(r#"version = "1.0.0""#, &format!("version = \"{bad}\"")));
        assert!(e.starts_with("T-01.toml:2: version:"), "{bad}: {e}");
    }
    assert!(parse("T-01.toml", &BASE.replace(r#"version = "1.0.0""#, r#"version = "10.20.0""#)).is_ok());
}

#[test]
fn d_disagg_person_level() {
    let e = reliability_error("D_disagg_person_level__PAR-02.toml");
    assert!(e.starts_with("D_disagg_person_level__PAR-02.toml:12: disaggregations: expected a categorical column"), "{e}");
    assert!(e.contains("found `participant_id`, an identifier"), "{e}");
    // Without the identifier, the date is the next one refused.
    let path = std::path::Path::new(&std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/reliability/D_disagg_person_level__PAR-02.toml");
    let text = std::fs::read_to_string(path).expect("fixture").replace(r#""participant_id", "#, "");
    let e = parse("PAR-02.toml", &text).expect_err("refused").to_string();
    assert!(e.starts_with("PAR-02.toml:12: disaggregations: expected a categorical column"), "{e}");
    assert!(e.contains("found `birth_date`, a date (hint: break down by `age_band_eu` or `age_band_esf`)"), "{e}");
}

#[test]
fn breakdowns_on_their_own_lines_are_named_by_line() {
    let e = error_of(&BASE.replace(r#"["programme"]"#, "[\n  \"programme\",\n  \"beneficiary_id\",\n]"));
    assert!(e.starts_with("T-01.toml:13: disaggregations:") && e.contains("found `beneficiary_id`, an identifier"), "{e}");
}

#[test]
fn d_offset_months_i32max() {
    let e = reliability_error("D_offset_months_i32max__JOB-01.toml");
    assert_eq!(
        e,
        "D_offset_months_i32max__JOB-01.toml:13: window.offset_months: expected 0 to 600 months (50 years), found 2147483647"
    );
    let path = std::path::Path::new(&std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/reliability/D_offset_months_i32max__JOB-01.toml");
    let text = std::fs::read_to_string(path).expect("fixture");
    for bad in ["-1", "601", "-2147483648"] {
        let e = parse("JOB-01.toml", &text.replace("2147483647", bad)).expect_err("refused").to_string();
        assert!(e.starts_with("JOB-01.toml:13: window.offset_months: expected 0 to 600") && e.ends_with(bad), "{e}");
    }
    assert!(parse("JOB-01.toml", &text.replace("2147483647", "600")).is_ok());
}

#[test]
fn kaplan_meier_horizons_are_bounded() {
    let text = std::fs::read_to_string(format!(
        "{}/definitions/SUR-02.toml",
        std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR")
    ))
    .expect("file");
    for bad in ["[0, 12]", "[12, 4294967295]"] {
        let e = parse("SUR-02.toml", &text.replace("[12, 24, 36]", bad)).expect_err("refused").to_string();
        assert!(e.starts_with("SUR-02.toml:15: window.horizons_months: expected months from 1 to 600"), "{e}");
    }
}

#[test]
fn units_round_trip_and_every_builtin_has_one() {
    use impatto_indicators::definition::Unit;
    for u in Unit::ALL {
        assert_eq!(Unit::from_name(u.as_str()), Some(u));
        assert_eq!(u.to_string(), u.as_str());
    }
    assert!(Unit::Share.is_share() && !Unit::Fte.is_share());
    let defs = builtin().expect("catalogue");
    assert_eq!(defs.iter().filter(|d| d.def.unit == Unit::Share).count(), 18);
    assert_eq!(defs.iter().find(|d| d.def.id == "JOB-01").expect("JOB-01").def.unit, Unit::Fte);
}

/// A misspelt kind or field gets the nearest name the parser lists, on the line it is on.
#[test]
fn a_misspelt_kind_or_field_gets_the_nearest_name() {
    let kind = error_of(&BASE.replace("kind = \"share\"", "kind = \"shar\""));
    assert!(kind.starts_with("T-01.toml:6: unknown variant `shar`") && kind.ends_with("; did you mean `share`?"), "{kind}");
    let field = error_of(&format!("{BASE}numerator_summ = \"founders_women\"\n"));
    assert!(field.contains("unknown field `numerator_summ`") && field.ends_with("did you mean `numerator_sum`?"), "{field}");
}

/// A description is one text for every language, or `description.it` and `description.en`;
/// anything else is refused with what is expected.
#[test]
fn a_description_is_one_text_or_one_per_language() {
    let one = parse("T-01.toml", BASE).expect("one text");
    assert_eq!(one.def.description.it(), one.def.description.en());
    let both = BASE.replace("description = \"test\"", "description.it = \"quota\"\ndescription.en = \"share\"");
    assert_ne!(both, BASE, "BASE has a one-line description");
    let both = parse("T-01.toml", &both).expect("two languages");
    assert_eq!((both.def.description.it(), both.def.description.en()), ("quota", "share"));
    let e = error_of(&BASE.replace("description = \"test\"", "description = { it = \"quota\", de = \"Anteil\" }"));
    assert!(e.contains("T-01.toml:4:") && e.contains("unknown field `de`, expected `it` or `en`"), "{e}");
    let e = error_of(&BASE.replace("description = \"test\"", "description.it = \"quota\""));
    assert!(e.starts_with("T-01.toml:4:") && e.contains("expected description.en beside description.it"), "{e}");
    let e = error_of(&BASE.replace("description = \"test\"", "description = \"  \""));
    assert_eq!(e, "T-01.toml:4: description.it: expected words for readers, found an empty text");
    let e = error_of(&BASE.replace("description = \"test\"", "description.it = \"quota\"\ndescription.en = \"\""));
    assert_eq!(e, "T-01.toml:5: description.en: expected words for readers, found an empty text");
    let e = error_of(&BASE.replace("name = { it = \"Prova\"", "name = { it = \"\""));
    assert_eq!(e, "T-01.toml:3: name.it: expected words for readers, found an empty text");
    let e = error_of(&BASE.replace("description = \"test\"", "description = 3"));
    assert!(e.contains("a text, or `it` and `en` texts"), "{e}");
}
