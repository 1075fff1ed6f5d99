//! Preparing a payment run against a ledger that already holds ten runs, for 10^5
//! beneficiaries, on SQLite and on PostgreSQL (issue 12's target: within 2× of computing the
//! statement alone).
//!
//! The statement is FabriQ Quarto 2018's (a cost share and a result premium per beneficiary),
//! evaluated for 10^5 beneficiaries made from the generated panel's inputs under new ids, as in
//! `payouts`. The ledger is filled once per database: run 1 pays the whole statement, and each
//! of runs 2–10 leaves a different 1% of the beneficiaries out (a data correction: their lines
//! are recovered, last run's 1% paid again; the budget's pro rata cut moves every line a little,
//! so each run adjusts most keys). Each run is approved by a second person, as in production.
//!
//! - `statement`: evaluate the inputs and stamp the statement (the floor);
//! - `prepare_11th_run/DB`: open the ledger and prepare run 11 (another 1% left out), netted
//!   against the ten runs, in one transaction, given its statement: the ledger's own cost;
//! - `pay_11th_run/DB`: what `impatto pay` does: the statement evaluated on one thread while the
//!   other takes the ledger and reads its holdings (`Ledger::begin`), then netted and recorded.
//!   The target compares this with `statement`.
//!
//! Each sample starts from a copy of the ten-run ledger (SQLite: a file copy; PostgreSQL:
//! `CREATE DATABASE … TEMPLATE`), made outside the timing.
//!
//! PostgreSQL is measured when `IMPATTO_TEST_POSTGRES` names a server whose user may create
//! databases (`.ci/postgres.sh` starts one); otherwise only SQLite is.

use chrono::NaiveDate;
use criterion::{BatchSize, BenchmarkId, Criterion, criterion_group, criterion_main};
use impatto::ledger::{Decision, Ledger, Location, RunInputs};
use impatto::rules::evaluate::evaluate;
use impatto::rules::model::BeneficiaryInputs;
use impatto::rules::statement::Statement;
use impatto::rules::{inputs, load_programme};
use impatto_datasets::PanelSource;

const BENEFICIARIES: usize = 100_000;

fn run_inputs() -> RunInputs {
    RunInputs { period_index: 0, workdir: "/bench".into(), data_dirs: vec![], definitions: vec![], files: vec![] }
}

/// `url` with another database name.
fn with_database(url: &str, database: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, String::new()), |(b, q)| (b, format!("?{q}")));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[scheme_end..].find('/').map_or(base.len(), |i| scheme_end + i);
    format!("{}/{database}{query}", &base[..host_end])
}

fn ledger(c: &mut Criterion) {
    let catalogue = impatto_indicators::builtin().expect("catalogue");
    let rules = impatto_benches::workspace().join("datasets/examples/fabriq-quarto/rules-2018.toml");
    let programme = load_programme(&rules, &catalogue).expect("rule file loads");
    let period = programme.period(None).expect("period");
    let (period_id, as_of): (String, NaiveDate) = (period.id.clone(), period.as_of);
    let source = PanelSource::open(&[impatto_benches::panel_with_rows(1_000_000)]).expect("panel opens");
    let base = inputs(&programme, &source, &catalogue, as_of).expect("inputs");
    let input_hash = source.input_hash().expect("input hash");
    // Run `k` (0-based) leaves out the beneficiaries with i % 100 == k (none for run 0).
    let beneficiaries = |k: Option<usize>| -> Vec<BeneficiaryInputs> {
        base.iter()
            .cycle()
            .take(BENEFICIARIES)
            .enumerate()
            .filter(|(i, _)| k.is_none_or(|k| i % 100 != k))
            .map(|(i, b)| BeneficiaryInputs { id: format!("{}-{i:07}", b.id), ..b.clone() })
            .collect()
    };
    let statement = |k: Option<usize>| {
        Statement::new(
            &programme,
            period_id.clone(),
            as_of,
            input_hash.clone(),
            evaluate(&programme, &beneficiaries(k), as_of).expect("evaluates"),
        )
    };
    let fill = |location: &Location| {
        let mut l = Ledger::open(location).expect("ledger opens");
        for k in 0..10 {
            let s = statement((k > 0).then_some(k));
            let run = l.prepare(&s, &run_inputs(), "anna").expect("prepares").expect("lines due");
            l.decide(run.id, Decision::Approve, "bruno", None).expect("approves");
            eprintln!("ledger {location}: run {} with {} lines", run.id, run.lines);
        }
    };
    let eleventh = statement(Some(10));

    let mut group = c.benchmark_group("ledger");
    group.sample_size(10);
    let shape = format!("beneficiaries={BENEFICIARIES}");
    let all = beneficiaries(Some(10));
    group.bench_function(BenchmarkId::new("statement", &shape), |b| {
        b.iter(|| {
            Statement::new(
                &programme,
                period_id.clone(),
                as_of,
                input_hash.clone(),
                evaluate(&programme, &all, as_of).expect("evaluates"),
            )
        })
    });

    let dir = tempfile::tempdir().expect("tempdir");
    let filled = dir.path().join("ten-runs.sqlite");
    fill(&Location::Sqlite(filled.clone()));
    let copy = dir.path().join("copy.sqlite");
    let pay = |location: &Location| {
        std::thread::scope(|scope| {
            let ledger = scope.spawn(|| Ledger::open(location).and_then(|l| l.begin(&programme.id)).expect("begins"));
            let s = Statement::new(
                &programme,
                period_id.clone(),
                as_of,
                input_hash.clone(),
                evaluate(&programme, &all, as_of).expect("evaluates"),
            );
            ledger.join().expect("ledger thread").prepare(&s, &run_inputs(), "anna").expect("prepares").expect("lines due")
        })
    };
    let fresh_copy = || {
        for suffix in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(dir.path().join(format!("copy.sqlite{suffix}")));
        }
        std::fs::copy(&filled, &copy).expect("copy the ten-run ledger");
    };
    group.bench_function(BenchmarkId::new("pay_11th_run/sqlite", &shape), |b| {
        b.iter_batched(fresh_copy, |()| pay(&Location::Sqlite(copy.clone())), BatchSize::PerIteration)
    });
    group.bench_function(BenchmarkId::new("prepare_11th_run/sqlite", &shape), |b| {
        b.iter_batched(
            fresh_copy,
            |()| {
                let mut l = Ledger::open(&Location::Sqlite(copy.clone())).expect("opens");
                l.prepare(&eleventh, &run_inputs(), "anna").expect("prepares").expect("lines due")
            },
            BatchSize::PerIteration,
        )
    });

    if let Some(admin) = std::env::var("IMPATTO_TEST_POSTGRES").ok().filter(|u| !u.trim().is_empty()) {
        let mut server = postgres::Client::connect(&admin, postgres::NoTls).expect("connect to IMPATTO_TEST_POSTGRES");
        let template = format!("impatto_bench_{}", std::process::id());
        let sample = format!("{template}_sample");
        // One statement per call: DROP/CREATE DATABASE cannot run inside a transaction block.
        server.batch_execute(&format!("DROP DATABASE IF EXISTS {template}")).expect("drop");
        server.batch_execute(&format!("CREATE DATABASE {template}")).expect("create");
        fill(&Location::Postgres(with_database(&admin, &template)));
        let mut fresh_copy = || {
            server.batch_execute(&format!("DROP DATABASE IF EXISTS {sample}")).expect("drop");
            server.batch_execute(&format!("CREATE DATABASE {sample} TEMPLATE {template}")).expect("copy the ten-run ledger");
        };
        let sample_location = Location::Postgres(with_database(&admin, &sample));
        group.bench_function(BenchmarkId::new("pay_11th_run/postgres", &shape), |b| {
            b.iter_batched(&mut fresh_copy, |()| pay(&sample_location), BatchSize::PerIteration)
        });
        group.bench_function(BenchmarkId::new("prepare_11th_run/postgres", &shape), |b| {
            b.iter_batched(
                &mut fresh_copy,
                |()| {
                    let mut l = Ledger::open(&Location::Postgres(with_database(&admin, &sample))).expect("opens");
                    l.prepare(&eleventh, &run_inputs(), "anna").expect("prepares").expect("lines due")
                },
                BatchSize::PerIteration,
            )
        });
        let _ = server.batch_execute(&format!("DROP DATABASE IF EXISTS {sample}"));
        let _ = server.batch_execute(&format!("DROP DATABASE IF EXISTS {template}"));
    } else {
        eprintln!("ledger/prepare_11th_run/postgres skipped: set IMPATTO_TEST_POSTGRES (see .ci/postgres.sh)");
    }
    group.finish();
}

criterion_group!(benches, ledger);
criterion_main!(benches);
