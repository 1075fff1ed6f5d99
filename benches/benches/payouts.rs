//! Payout evaluation and statement writing for 10^4–10^6 beneficiaries.
//!
//! Inputs are read once from a generated panel by the engine's own `rules::inputs` (FabriQ
//! Quarto 2018: a cost share and a result premium on JOB-01 and PAR-02, with the budget cut pro
//! rata) and repeated under new ids up to the size benched. `write_statement_csv` is the floor:
//! serialising a finished statement and writing it atomically; `evaluate_and_write_csv` is the
//! whole payout after the inputs are known.
//!
//! `end_to_end` measures what a city waits for: from opening the panel to the statement file on
//! disk (per-beneficiary indicators, inputs, evaluation, CSV), at 10^5–10^7 panel rows, for the
//! Bandi 266 rules (two cost shares) and FabriQ Quarto 2018 (a premium on JOB-01 and PAR-02).
//! Its floor, `indicators_and_write`, computes the indicators the rules use by programme (the
//! published job) and writes the same statement file.

use chrono::NaiveDate;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use impatto::rules::evaluate::evaluate;
use impatto::rules::model::BeneficiaryInputs;
use impatto::rules::statement::Statement;
use impatto::rules::{inputs, load_programme};
use impatto_datasets::PanelSource;

fn payouts(c: &mut Criterion) {
    let catalogue = impatto_indicators::builtin().expect("catalogue");
    let rules = impatto_benches::workspace().join("datasets/examples/fabriq-quarto/rules-2018.toml");
    let programme = load_programme(&rules, &catalogue).expect("rule file loads");
    let as_of: NaiveDate = programme.period(None).expect("period").as_of;
    let source = PanelSource::open(&[impatto_benches::panel_with_rows(1_000_000)]).expect("panel opens");
    let base = inputs(&programme, &source, &catalogue, as_of).expect("inputs");
    assert!(!base.is_empty(), "the generated panel has FabriQ 2018 beneficiaries");
    let out = tempfile::tempdir().expect("tempdir");
    let file = out.path().join("statement.csv");
    let mut group = c.benchmark_group("payouts");
    group.sample_size(10);
    for n in [10_000usize, 100_000, 1_000_000] {
        let beneficiaries: Vec<BeneficiaryInputs> = base
            .iter()
            .cycle()
            .take(n)
            .enumerate()
            .map(|(i, b)| BeneficiaryInputs { id: format!("{}-{i:07}", b.id), ..b.clone() })
            .collect();
        let shape = format!("beneficiaries={n}");
        let statement = |e| Statement::new(&programme, "final".into(), as_of, source.input_hash().expect("input hash"), e);
        group.bench_with_input(BenchmarkId::new("evaluate", &shape), &n, |b, _| {
            b.iter(|| evaluate(&programme, &beneficiaries, as_of).expect("evaluates"))
        });
        let finished = statement(evaluate(&programme, &beneficiaries, as_of).expect("evaluates"));
        group.bench_with_input(BenchmarkId::new("write_statement_csv", &shape), &n, |b, _| {
            b.iter(|| impatto::output::write_atomic(&file, &finished.to_csv().expect("csv")).expect("written"))
        });
        group.bench_with_input(BenchmarkId::new("evaluate_and_write_csv", &shape), &n, |b, _| {
            b.iter(|| {
                let s = statement(evaluate(&programme, &beneficiaries, as_of).expect("evaluates"));
                impatto::output::write_atomic(&file, &s.to_csv().expect("csv")).expect("written")
            })
        });
    }
    group.finish();
}

fn end_to_end(c: &mut Criterion) {
    let catalogue = impatto_indicators::builtin().expect("catalogue");
    let out = tempfile::tempdir().expect("tempdir");
    let file = out.path().join("statement.csv");
    let mut group = c.benchmark_group("payout_end_to_end");
    group.sample_size(10);
    for rows in [100_000u64, 1_000_000, 10_000_000] {
        let panel = impatto_benches::panel_with_rows(rows);
        for rules in ["mi15/rules-bandi-266.toml", "fabriq-quarto/rules-2018.toml"] {
            let path = impatto_benches::workspace().join("datasets/examples").join(rules);
            let programme = load_programme(&path, &catalogue).expect("rule file loads");
            let shape = format!("{}/panel_rows={rows}", programme.id);
            group.bench_function(BenchmarkId::new("payout", &shape), |b| {
                b.iter(|| {
                    let source = PanelSource::open(std::slice::from_ref(&panel)).expect("panel opens");
                    let s = impatto::rules::run(&programme, &source, &catalogue, None).expect("runs");
                    impatto::output::write_atomic(&file, &s.to_csv().expect("csv")).expect("written")
                })
            });
            let source = PanelSource::open(std::slice::from_ref(&panel)).expect("panel opens");
            let finished = impatto::rules::run(&programme, &source, &catalogue, None).expect("runs");
            let used: Vec<String> = programme.indicators_used().into_iter().collect();
            group.bench_function(BenchmarkId::new("indicators_and_write", &shape), |b| {
                b.iter(|| {
                    let source = PanelSource::open(std::slice::from_ref(&panel)).expect("panel opens");
                    if !used.is_empty() {
                        let request = impatto_indicators::Request {
                            only: used.clone(),
                            by: vec!["programme".into()],
                            ..Default::default()
                        };
                        impatto_indicators::compute(&catalogue, &source, &request, |_| {}).expect("indicators");
                    }
                    impatto::output::write_atomic(&file, &finished.to_csv().expect("csv")).expect("written")
                })
            });
        }
    }
    group.finish();
}

criterion_group!(benches, payouts, end_to_end);
criterion_main!(benches);
