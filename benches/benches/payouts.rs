//! Payout evaluation and statement writing for 10^4–10^6 beneficiaries.
//!
//! Inputs are read once from a generated panel by the engine's own `rules::inputs` (FabriQ
//! Quarto 2018: a cost share and a result premium on JOB-01 and PAR-02, with the budget cut pro
//! rata) and repeated under new ids up to the size benched. `write_statement_csv` is the floor:
//! serialising a finished statement and writing it atomically; `evaluate_and_write_csv` is the
//! whole payout after the inputs are known.

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

criterion_group!(benches, payouts);
criterion_main!(benches);
