//! Indicator computation on generated panels; bench names state the data shape.
//!
//! Run: `cargo bench -p impatto-benches`. Larger sizes and the side-by-side comparison with
//! hand-written polars, pandas and R are the subject of benches/README.md.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use impatto_datasets::PanelSource;
use impatto_indicators::{Request, builtin, compute};

fn indicators(c: &mut Criterion) {
    let defs = builtin().expect("catalogue");
    let mut group = c.benchmark_group("indicators");
    group.sample_size(10);
    for rows in [100_000u64, 1_000_000] {
        let dir = impatto_benches::panel_with_rows(rows);
        let source = PanelSource::open(&[&dir]).expect("panel opens");
        group.bench_with_input(BenchmarkId::new("all_by_programme", format!("panel_rows={rows}")), &source, |b, source| {
            let request = Request { by: vec!["programme".into()], ..Request::default() };
            b.iter(|| compute(&defs, source, &request, |_| {}).expect("computes"))
        });
        group.bench_with_input(BenchmarkId::new("km_survival", format!("panel_rows={rows}")), &source, |b, source| {
            let request = Request { only: vec!["SUR-02".into()], by: vec!["programme".into()], ..Request::default() };
            b.iter(|| compute(&defs, source, &request, |_| {}).expect("computes"))
        });
        group.bench_with_input(BenchmarkId::new("validate", format!("panel_rows={rows}")), &source, |b, source| {
            b.iter(|| impatto_datasets::validate(source).expect("validates"))
        });
        // `impatto diff` between two snapshots: every table's rows matched on its key, cell by
        // cell (here a snapshot against itself: the whole cost, nothing to report).
        group.bench_with_input(BenchmarkId::new("snapshot_compare", format!("panel_rows={rows}")), &source, |b, source| {
            b.iter(|| impatto_datasets::snapshot::compare(source, source).expect("compares"))
        });
    }
    group.finish();
}

criterion_group!(benches, indicators);
criterion_main!(benches);
