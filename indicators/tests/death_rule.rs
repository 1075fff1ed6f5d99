//! The Eurostat-OECD death rule (`impatto_datasets::derived`) as the survival indicators apply
//! it, at the 24-month boundary. Fixture: `fixtures/reactivation` (its README works the values).

use std::path::Path;

use chrono::NaiveDate;
use impatto_datasets::PanelSource;
use impatto_indicators::{IndicatorResult, Request, builtin, compute};

fn run(by: &[&str]) -> Vec<IndicatorResult> {
    let dir = Path::new(&std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/reactivation");
    let source = PanelSource::open(&[dir]).expect("fixture opens");
    let request = Request {
        only: vec!["SUR-01-3Y".into(), "SUR-02".into()],
        by: by.iter().map(|s| s.to_string()).collect(),
        as_of: NaiveDate::from_ymd_opt(2024, 12, 31),
        small_cell: Some(1),
        any_by: true,
        ..Request::default()
    };
    compute(&builtin().expect("catalogue"), &source, &request, |_| {}).expect("computes").results
}

/// Ceased 2020-01-15: reactivated 2022-01-20 (five days after ceased + 24 months) is a death,
/// reactivated 2022-01-15 is not — in the cohort survival rate and in Kaplan-Meier, overall and
/// per beneficiary (as the payouts read them).
#[test]
fn r_reactivation_24_months_plus_days() {
    let results = run(&[]);
    let cohort = results.iter().find(|r| r.indicator == "SUR-01-3Y").expect("SUR-01-3Y");
    assert_eq!(cohort.group, vec![("birth_year".to_string(), "2019".to_string())]);
    assert_eq!((cohort.numerator, cohort.denominator), (Some(1.0), Some(2.0)), "R2 survives, R1 died");
    let km12 = results.iter().find(|r| r.indicator == "SUR-02" && r.horizon_months == Some(12)).expect("SUR-02 at 12");
    assert_eq!((km12.numerator, km12.denominator, km12.value), (Some(1.0), Some(2.0), Some(0.5)), "one death: R1 at 7 months");
    let km36 = results.iter().find(|r| r.indicator == "SUR-02" && r.horizon_months == Some(36)).expect("SUR-02 at 36");
    assert_eq!((km36.numerator, km36.n_at_risk), (Some(1.0), Some(1)), "R2 is still followed");

    let per_beneficiary = run(&["beneficiary_id"]);
    let deaths = |id: &str| {
        let group = ("beneficiary_id".to_string(), id.to_string());
        let cohort = per_beneficiary.iter().find(|r| r.indicator == "SUR-01-3Y" && r.group.contains(&group)).expect("cohort row");
        let km = per_beneficiary
            .iter()
            .find(|r| r.indicator == "SUR-02" && r.horizon_months == Some(36) && r.group.contains(&group))
            .expect("km row");
        (cohort.numerator, km.numerator)
    };
    assert_eq!(deaths("R1"), (Some(0.0), Some(1.0)), "R1: not a survivor, one death");
    assert_eq!(deaths("R2"), (Some(1.0), Some(0.0)), "R2: a survivor, no death");
}
