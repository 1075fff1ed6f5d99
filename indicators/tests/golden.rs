//! Golden tests: every built-in indicator on the hand-worked `small` fixture.
//!
//! Expected values live in `golden/*.csv` (derivations in `fixtures/small/DERIVATION.md`).
//! A partner who edits a definition sees here exactly which numbers move. The same file, and
//! the hand-worked cases by programme (what is withheld at the default threshold, Clopper-Pearson
//! on request), are partners' fixtures in `fixtures/partner/`, run by `impatto test` without
//! Rust (engine/tests/partners.rs runs them). After an intended
//! change, `IMPATTO_BLESS=1 cargo test --release -p impatto-indicators --test golden` rewrites
//! the data rows (the header comment stays) — then review the diff.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use impatto_datasets::PanelSource;
use impatto_indicators::{IndicatorResult, Request, builtin, compute};

/// Stated tolerance for every number in a golden file.
const TOLERANCE: f64 = 1e-9;

fn fixture(name: &str) -> PathBuf {
    Path::new(&std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

fn num(x: Option<f64>) -> String {
    x.map(|v| format!("{v}")).unwrap_or_default()
}

fn row(r: &IndicatorResult) -> Vec<String> {
    vec![
        r.indicator.clone(),
        r.group.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(";"),
        r.horizon_months.map(|h| h.to_string()).unwrap_or_default(),
        num(r.value),
        num(r.numerator),
        num(r.denominator),
        num(r.ci_low),
        num(r.ci_high),
        r.n_at_risk.map(|n| n.to_string()).unwrap_or_default(),
        r.suppressed.to_string(),
    ]
}

fn check_golden(golden: &str, results: &[IndicatorResult]) {
    let path =
        Path::new(&std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR")).join("tests/golden").join(golden);
    let text = std::fs::read_to_string(&path).expect("golden file exists");
    let comments: Vec<&str> = text.lines().take_while(|l| l.starts_with('#')).collect();
    let header = text.lines().find(|l| !l.starts_with('#')).expect("header line");
    let actual: Vec<Vec<String>> = results.iter().map(row).collect();
    if std::env::var("IMPATTO_BLESS").as_deref() == Ok("1") {
        let mut out = comments.join("\n") + "\n" + header + "\n";
        for r in &actual {
            out += &(r.join(",") + "\n");
        }
        std::fs::write(&path, out).expect("bless golden file");
        return;
    }
    let expected: Vec<Vec<String>> =
        text.lines().filter(|l| !l.starts_with('#')).skip(1).map(|l| l.split(',').map(String::from).collect()).collect();
    let key = |r: &Vec<String>| (r[0].clone(), r[1].clone(), r[2].clone());
    let mut problems = Vec::new();
    for e in &expected {
        match actual.iter().find(|a| key(a) == key(e)) {
            None => problems.push(format!("missing row {:?}", key(e))),
            Some(a) => {
                for (i, name) in header.split(',').enumerate() {
                    let (x, y) = (&e[i], &a[i]);
                    let same = match (x.parse::<f64>(), y.parse::<f64>()) {
                        (Ok(x), Ok(y)) => (x - y).abs() <= TOLERANCE,
                        _ => x == y,
                    };
                    if !same {
                        problems.push(format!("{:?} {name}: expected {x:?}, found {y:?}", key(e)));
                    }
                }
            }
        }
    }
    for a in &actual {
        if !expected.iter().any(|e| key(e) == key(a)) {
            problems.push(format!("unexpected row {}", a.join(",")));
        }
    }
    assert!(problems.is_empty(), "{} differs from {}:\n{}", golden, path.display(), problems.join("\n"));
}

fn request(by: &[&str], small_cell: Option<u64>) -> Request {
    Request {
        by: by.iter().map(|s| s.to_string()).collect(),
        as_of: NaiveDate::from_ymd_opt(2024, 12, 31),
        small_cell,
        ..Request::default()
    }
}

#[test]
fn every_builtin_indicator_matches_its_hand_worked_value() {
    let source = PanelSource::open(&[fixture("small")]).expect("fixture opens");
    let defs = builtin().expect("catalogue parses");
    let run = compute(&defs, &source, &request(&[], Some(1)), |_| {}).expect("computes");
    let ids: std::collections::BTreeSet<&str> = run.results.iter().map(|r| r.indicator.as_str()).collect();
    assert_eq!(ids.len(), defs.len(), "every definition produced a result");
    check_golden("small_total.csv", &run.results);
}

#[test]
fn results_carry_provenance_and_are_reproducible() {
    let source = PanelSource::open(&[fixture("small")]).expect("fixture opens");
    let defs = builtin().expect("catalogue parses");
    let a = compute(&defs, &source, &request(&["programme", "municipio"], None), |_| {}).expect("computes");
    let b = compute(&defs, &source, &request(&["programme", "municipio"], None), |_| {}).expect("computes");
    assert_eq!(a.results, b.results);
    assert!(a.results.iter().all(|r| r.input_hash == source.input_hash().expect("hash") && r.input_hash.starts_with("sha256:")));
    assert!(a.results.iter().all(|r| r.definition_hash.starts_with("sha256:") && r.version == "1.0.1"));
}

/// Indicators over the same units and groups share one pass over the data, each with its own
/// filters as a mask. Computed one at a time (no sharing), every result must be the same —
/// including which groups exist, as a group none of an indicator's units reaches has no row.
#[test]
fn an_indicator_computed_alone_equals_it_computed_in_a_shared_pass() {
    let source = PanelSource::open(&[fixture("small")]).expect("fixture opens");
    let defs = builtin().expect("catalogue parses");
    for by in [&[][..], &["programme"][..], &["programme", "municipio"][..]] {
        let together = compute(&defs, &source, &request(by, Some(1)), |_| {}).expect("computes");
        for def in &defs {
            let mut alone = request(by, Some(1));
            alone.only = vec![def.def.id.clone()];
            let alone = compute(&defs, &source, &alone, |_| {}).expect("computes");
            let shared: Vec<&IndicatorResult> = together.results.iter().filter(|r| r.indicator == def.def.id).collect();
            assert_eq!(shared, alone.results.iter().collect::<Vec<_>>(), "{} by {by:?}", def.def.id);
        }
    }
}

#[test]
fn an_unknown_disaggregation_is_skipped_with_the_allowed_list() {
    let source = PanelSource::open(&[fixture("small")]).expect("fixture opens");
    let defs = builtin().expect("catalogue parses");
    let mut req = request(&["gender"], None);
    req.only = vec!["PAR-02".into(), "ENT-01".into()];
    let run = compute(&defs, &source, &req, |_| {}).expect("computes");
    assert!(run.results.iter().all(|r| r.indicator == "PAR-02"));
    let (id, why) = &run.skipped[0];
    assert_eq!(id, "ENT-01");
    assert!(why.contains("not disaggregable by `gender`") && why.contains("municipio"), "{why}");
}
