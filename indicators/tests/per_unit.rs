//! Per-unit values (the payouts' input) equal `compute` by beneficiary, for the selected
//! programme only, on the hand-worked `small` fixture.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use impatto_datasets::PanelSource;
use impatto_indicators::definition::Kind;
use impatto_indicators::per_unit::{UnitSelection, UnitValue, per_unit};
use impatto_indicators::{Request, builtin, compute};

fn small() -> PathBuf {
    Path::new(&std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR")).join("tests/fixtures/small")
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

/// beneficiary id → (programme, edition), read from the fixture's CSV.
fn programmes() -> BTreeMap<String, (String, i64)> {
    let text = std::fs::read_to_string(small().join("beneficiaries.csv")).expect("csv");
    text.lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[0].to_string(), (f[1].to_string(), f[2].parse().expect("edition")))
        })
        .collect()
}

/// `compute` by beneficiary_id, unsuppressed: indicator → beneficiary → value.
fn by_compute(ids: &[String], as_of: NaiveDate) -> BTreeMap<String, HashMap<String, UnitValue>> {
    let source = PanelSource::open(&[small()]).expect("fixture opens");
    let request = Request {
        only: ids.to_vec(),
        by: vec!["beneficiary_id".into()],
        as_of: Some(as_of),
        small_cell: Some(1),
        any_by: true,
        ..Request::default()
    };
    let mut out: BTreeMap<String, HashMap<String, UnitValue>> = BTreeMap::new();
    for r in compute(&builtin().expect("catalogue"), &source, &request, |_| {}).expect("computes").results {
        let id = r.group.iter().find(|(k, _)| k == "beneficiary_id").expect("beneficiary key").1.clone();
        let v = UnitValue { value: r.value, numerator: r.numerator, denominator: r.denominator };
        assert!(out.entry(r.indicator.clone()).or_default().insert(id, v).is_none(), "one row per beneficiary");
    }
    out
}

#[test]
fn per_unit_equals_compute_by_beneficiary_for_every_payable_indicator() {
    let defs = builtin().expect("catalogue");
    let ids: Vec<String> = defs.iter().filter(|d| d.def.kind != Kind::KaplanMeier).map(|d| d.def.id.clone()).collect();
    assert_eq!(ids.len(), 26, "all but SUR-02");
    let source = PanelSource::open(&[small()]).expect("fixture opens");
    let dates = [date(2022, 6, 30), date(2024, 12, 31)];
    let owners = programmes();
    let expected: Vec<_> = dates.iter().map(|&d| by_compute(&ids, d)).collect();
    let selections = [
        UnitSelection { programme: "alpha".into(), edition: None },
        UnitSelection { programme: "beta".into(), edition: None },
        UnitSelection { programme: "alpha".into(), edition: Some(2021) },
    ];
    // A beneficiary with no panel row at all has no value of an indicator read from the panel
    // (per_unit's documented difference from compute, which counts it as 0 FTE).
    let panel_df = source.scan(impatto_datasets::schema::Table::Panel).expect("panel").collect().expect("reads");
    let reported: std::collections::HashSet<String> =
        panel_df.column("beneficiary_id").expect("ids").str().expect("text").iter().flatten().map(String::from).collect();
    let mut compared = 0;
    for selection in &selections {
        let got = per_unit(&defs, &source, &ids, &dates, selection).expect("per unit");
        assert_eq!(got.len(), ids.len() * dates.len());
        let mut rows = got.iter();
        for id in &ids {
            let loaded = defs.iter().find(|d| &d.def.id == id).expect("def");
            let def = &loaded.def;
            let reads_panel = impatto_indicators::reads::columns_read(loaded, &[])
                .iter()
                .any(|(t, _)| *t == impatto_datasets::schema::Table::Panel);
            for (k, &as_of) in dates.iter().enumerate() {
                let got = rows.next().expect("ids order, then dates");
                assert_eq!((&got.indicator, got.as_of, got.unit), (id, as_of, def.unit));
                let want: HashMap<String, UnitValue> = expected[k]
                    .get(id)
                    .cloned()
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|(b, _)| {
                        let (programme, edition) = &owners[b];
                        programme == &selection.programme && selection.edition.is_none_or(|e| e == *edition)
                    })
                    .filter(|(b, _)| !reads_panel || reported.contains(b))
                    .collect();
                assert_eq!(got.values, want, "{id} as of {as_of} for {selection:?}");
                compared += want.len();
            }
        }
    }
    // 360 on this fixture: every selected beneficiary × indicator × date with a row.
    assert!(compared >= 300, "the comparison is not vacuous: {compared} values");
}

#[test]
fn only_the_selected_programme_and_edition_are_returned() {
    let defs = builtin().expect("catalogue");
    let source = PanelSource::open(&[small()]).expect("fixture opens");
    let as_of = [date(2024, 12, 31)];
    let keys = |programme: &str, edition: Option<i64>| {
        let selection = UnitSelection { programme: programme.into(), edition };
        let got = per_unit(&defs, &source, &["ENT-01".into(), "JOB-01".into()], &as_of, &selection).expect("per unit");
        got.iter()
            .map(|p| {
                let mut k: Vec<String> = p.values.keys().cloned().collect();
                k.sort();
                (p.indicator.clone(), k)
            })
            .collect::<Vec<_>>()
    };
    // B8 (alpha 2020) was not funded, so it is in no population.
    let alpha = vec!["B1", "B2", "B3", "B4"].into_iter().map(String::from).collect::<Vec<_>>();
    assert_eq!(keys("alpha", None), vec![("ENT-01".into(), alpha.clone()), ("JOB-01".into(), alpha)]);
    assert_eq!(keys("alpha", Some(2021)), vec![("ENT-01".into(), vec!["B4".into()]), ("JOB-01".into(), vec!["B4".into()])]);
    assert_eq!(keys("nowhere", None), vec![("ENT-01".into(), vec![]), ("JOB-01".into(), vec![])]);
    // B1's gross FTE change (JOB-01): 2.0 in 2020-01 → 4.5 in 2021-12.
    let selection = UnitSelection { programme: "alpha".into(), edition: Some(2020) };
    let got = per_unit(&defs, &source, &["JOB-01".into()], &as_of, &selection).expect("per unit");
    assert_eq!(got[0].values["B1"], UnitValue { value: Some(2.5), numerator: Some(2.5), denominator: Some(1.0) });
}

#[test]
fn survival_curves_and_unknown_ids_are_refused() {
    let defs = builtin().expect("catalogue");
    let source = PanelSource::open(&[small()]).expect("fixture opens");
    let selection = UnitSelection { programme: "alpha".into(), edition: None };
    let e = per_unit(&defs, &source, &["SUR-02".into()], &[date(2024, 12, 31)], &selection).expect_err("refused").to_string();
    assert!(
        e.starts_with("SUR-02 is a kaplan_meier indicator") && e.contains("payments can use indicators of kind count, share"),
        "{e}"
    );
    let e = per_unit(&defs, &source, &["NOPE".into()], &[date(2024, 12, 31)], &selection).expect_err("refused").to_string();
    assert!(e.starts_with("unknown indicator `NOPE`"), "{e}");
}
