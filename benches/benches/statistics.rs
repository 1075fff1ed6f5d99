//! The statistics behind `impatto survival`, `logrank`, `proportion` and `did`, on data from the
//! seeded generator; bench names state the number of subjects or observations.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use impatto_indicators::definition::ConfType;
use impatto_indicators::study::did::{self, Observation, Options};
use impatto_indicators::study::{proportion, survival};

fn statistics(c: &mut Criterion) {
    let mut group = c.benchmark_group("statistics");
    group.sample_size(10);
    for n in [10_000usize, 100_000, 1_000_000] {
        let (times, events, groups) = impatto_benches::survival_subjects(n);
        let shape = format!("subjects={n}");
        group.bench_with_input(BenchmarkId::new("kaplan_meier_by_programme", &shape), &n, |b, _| {
            b.iter(|| {
                let strata = survival::fit(&times, &events, &groups, ConfType::LogLog, 0.95).expect("fits");
                strata.iter().map(|s| survival::summary_at(s, &[12.0, 24.0, 36.0]).len()).sum::<usize>()
            })
        });
        group.bench_with_input(BenchmarkId::new("logrank_by_programme", &shape), &n, |b, _| {
            b.iter(|| survival::logrank(&times, &events, &groups).expect("tests"))
        });
        // 2×2 difference-in-differences: closure (y) by programme group, before/after 24 months.
        let observations: Vec<Observation> = times
            .iter()
            .zip(&events)
            .zip(&groups)
            .enumerate()
            .map(|(i, ((t, e), g))| Observation {
                y: f64::from(u8::from(*e)),
                unit: format!("u{}", i / 2),
                post: i % 2 == 1,
                treated: g.starts_with('f') || *t > 36.0,
            })
            .collect();
        group.bench_with_input(BenchmarkId::new("did_2x2_cr1", format!("observations={n}")), &n, |b, _| {
            b.iter(|| did::estimate(&observations, false, &Options::default()).expect("estimates"))
        });
        // Two-way fixed effects on the same pairs: one unit effect per two observations.
        group.bench_with_input(BenchmarkId::new("did_twfe_cr1", format!("observations={n},units={}", n / 2)), &n, |b, _| {
            b.iter(|| did::estimate(&observations, true, &Options::default()).expect("estimates"))
        });
    }
    group.bench_function("proportion_wilson_and_newcombe/cells=10000", |b| {
        b.iter(|| {
            (1..=10_000u32)
                .filter_map(|x| {
                    let (x, n) = (f64::from(x % 97), 100.0);
                    proportion::interval(x, n, 0.95, proportion::Method::Wilson)
                        .and(proportion::newcombe_difference(x, n, 50.0, n, 0.95))
                })
                .count()
        })
    });
    group.finish();
}

criterion_group!(benches, statistics);
criterion_main!(benches);
