//! The shape of the polars query: filters and projections must reach the Parquet scan, so the
//! cost of an indicator follows the columns and rows it needs, not the size of the panel.

use impatto_datasets::PanelSource;
use impatto_datasets::generate::{GenerateOptions, generate, profile};
use impatto_indicators::backend::polars::PolarsBackend;
use impatto_indicators::builtin;
use impatto_indicators::compile::compile;
use impatto_indicators::plan::Context;

fn explain(id: &str) -> String {
    explain_for(id, None)
}

/// The plan of `id` by programme; with `only`, restricted to those beneficiaries (per-unit).
fn explain_for(id: &str, only: Option<&[String]>) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    let options = GenerateOptions { programmes: vec![profile("fabriq-quarto").expect("profile")], ..GenerateOptions::default() };
    generate(dir.path(), &options, |_, _| {}).expect("generates");
    let source = PanelSource::open(&[dir.path()]).expect("opens");
    let def = builtin().expect("catalogue").into_iter().find(|d| d.def.id == id).expect("definition");
    let compiled = compile(&def, &["programme".to_string()]);
    let backend = match only {
        Some(ids) => PolarsBackend::new(&source).only_beneficiaries(ids),
        None => PolarsBackend::new(&source),
    };
    backend.explain(&compiled.plan, &Context { as_of_days: 20_453 }).expect("explains")
}

/// The lines of the optimised plan that describe Parquet scans.
fn scans(plan: &str) -> Vec<String> {
    let lines: Vec<&str> = plan.lines().collect();
    lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.contains("Parquet SCAN"))
        .map(|(i, _)| lines[i..(i + 4).min(lines.len())].join(" "))
        .collect()
}

#[test]
fn a_beneficiary_share_reads_only_its_columns_and_filters_in_the_scan() {
    let plan = explain("OWN-01");
    let scans = scans(&plan);
    assert_eq!(scans.len(), 1, "one scan of beneficiaries:\n{plan}");
    let scan = &scans[0];
    assert!(scan.contains("beneficiaries.parquet"), "{plan}");
    // programme, funded, support_start, founders_total, founders_women: 5 of the 20 columns.
    assert!(scan.contains("PROJECT 5/20 COLUMNS"), "projection pushed into the scan:\n{plan}");
    assert!(scan.contains("SELECTION"), "population filter pushed into the scan:\n{plan}");
}

#[test]
fn the_jobs_indicator_scans_the_panel_once_for_all_its_lookups() {
    let plan = explain("JOB-04");
    let panel_scans = scans(&plan).into_iter().filter(|s| s.contains("panel.parquet")).count();
    assert_eq!(panel_scans, 1, "four month lookups share one panel scan:\n{plan}");
    let panel = scans(&plan).into_iter().find(|s| s.contains("panel.parquet")).expect("panel scan");
    assert!(panel.contains("PROJECT 4/10 COLUMNS"), "beneficiary_id, month, headcount, women only:\n{plan}");
}

/// Per-unit values for one programme's payouts: the selected beneficiaries' filter reaches every
/// scan — beneficiaries, participants and the panel — so row groups without them can be skipped.
#[test]
fn a_per_unit_restriction_reaches_every_scan() {
    let only = ["FQ-2018-000001".to_string(), "FQ-2018-000002".to_string()];
    for id in ["JOB-04", "PAR-02", "INV-01"] {
        let plan = explain_for(id, Some(&only));
        let scans = scans(&plan);
        assert!(!scans.is_empty(), "{plan}");
        for scan in &scans {
            assert!(scan.contains("SELECTION") && scan.contains("is_in"), "{id}: restriction in the scan:\n{plan}");
        }
    }
}
