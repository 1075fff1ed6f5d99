//! The payment ledger as a user meets it: `impatto pay`, `approve`, `reject` and `ledger
//! export|history|replay` on tempdir ledgers, with the example data copied to a tempdir.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn workspace() -> PathBuf {
    Path::new(&std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

/// Runs impatto in `dir` (paths recorded in the ledger are relative to it).
fn impatto(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_impatto")).args(args).current_dir(dir).output().expect("impatto runs")
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let o = impatto(dir, args);
    assert!(o.status.success(), "impatto {args:?}: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn refused(dir: &Path, args: &[&str]) -> String {
    let o = impatto(dir, args);
    assert_eq!(o.status.code(), Some(1), "impatto {args:?} should fail: {}", String::from_utf8_lossy(&o.stdout));
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read_dir") {
        let e = e.expect("entry");
        if e.path().is_file() {
            std::fs::copy(e.path(), to.join(e.file_name())).expect("copy");
        }
    }
}

/// The total of the run `pay` printed ("… total 9600.00 GBP").
fn run_total(out: &str) -> String {
    let first = out.lines().next().unwrap_or_default();
    first.split("total ").nth(1).unwrap_or_default().to_string()
}

/// The ledger a test writes: an SQLite file in the test's directory, or a fresh database on the
/// PostgreSQL server named by `IMPATTO_TEST_POSTGRES` (an address whose user may create
/// databases; `.ci/run` starts one). Each test body runs on both.
#[derive(Debug)]
struct TestLedger {
    /// What `--ledger` gets.
    arg: String,
    kind: Kind,
}

#[derive(Debug)]
enum Kind {
    Sqlite(PathBuf),
    Postgres { admin: String, database: String },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Backend {
    Sqlite,
    Postgres,
}

/// The advisory lock key the ledger's writers take on PostgreSQL (engine/src/ledger/db.rs).
const WRITER_LOCK: i64 = 0x0069_6d70_6174_746f;

fn postgres_admin() -> Option<String> {
    match std::env::var("IMPATTO_TEST_POSTGRES") {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var_os("IMPATTO_REQUIRE_POSTGRES").is_none(),
                "IMPATTO_REQUIRE_POSTGRES is set but IMPATTO_TEST_POSTGRES is not: the PostgreSQL tests cannot run"
            );
            eprintln!(
                "PostgreSQL ledger tests skipped: set IMPATTO_TEST_POSTGRES=postgres://user:password@host/db (see .ci/run)"
            );
            None
        }
    }
}

/// `postgres://u:p@h:5432/db?x=y` with another database name.
fn with_database(url: &str, database: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[scheme_end..].find('/').map_or(base.len(), |i| scheme_end + i);
    format!("{}/{database}{query}", &base[..host_end])
}

impl TestLedger {
    /// A new, empty ledger named `name` (unique within the test) in `dir`.
    fn new(backend: Backend, dir: &Path, name: &str) -> TestLedger {
        match backend {
            Backend::Sqlite => {
                let file = format!("{name}.sqlite");
                TestLedger { arg: file.clone(), kind: Kind::Sqlite(dir.join(file)) }
            }
            Backend::Postgres => {
                static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
                let admin = postgres_admin().expect("PostgreSQL tests run only with IMPATTO_TEST_POSTGRES");
                let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let database = format!("impatto_test_{}_{n}_{}", std::process::id(), name.to_ascii_lowercase());
                let mut c = postgres::Client::connect(&admin, postgres::NoTls).expect("connect to IMPATTO_TEST_POSTGRES");
                c.batch_execute(&format!("DROP DATABASE IF EXISTS {database}")).expect("drop database");
                c.batch_execute(&format!("CREATE DATABASE {database}")).expect("create database");
                TestLedger { arg: with_database(&admin, &database), kind: Kind::Postgres { admin, database } }
            }
        }
    }

    /// The same ledger from any directory.
    fn absolute(&self) -> String {
        match &self.kind {
            Kind::Sqlite(p) => p.display().to_string(),
            Kind::Postgres { .. } => self.arg.clone(),
        }
    }

    /// Does the database hold the ledger's schema yet?
    fn has_schema(&self) -> bool {
        match &self.kind {
            Kind::Sqlite(p) => p.exists() && self.count("SELECT COUNT(*) FROM sqlite_master WHERE name = 'runs'") == 1,
            Kind::Postgres { .. } => self.count(
                "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'runs'",
            ) == 1,
        }
    }

    /// No table at all (a killed first run's schema transaction left nothing).
    fn is_blank(&self) -> bool {
        match &self.kind {
            Kind::Sqlite(p) => !p.exists() || self.count("SELECT COUNT(*) FROM sqlite_master") == 0,
            Kind::Postgres { .. } => {
                self.count("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema()") == 0
            }
        }
    }

    /// Every row of a query, cells as text (`NULL` for null).
    fn rows(&self, sql: &str) -> Vec<Vec<String>> {
        match &self.kind {
            Kind::Sqlite(p) => {
                let c = rusqlite::Connection::open(p).expect("open");
                let mut stmt = c.prepare(sql).expect("prepare");
                let n = stmt.column_count();
                stmt.query_map([], |r| {
                    (0..n)
                        .map(|i| {
                            Ok(match r.get_ref(i)? {
                                rusqlite::types::ValueRef::Null => "NULL".to_string(),
                                rusqlite::types::ValueRef::Integer(v) => v.to_string(),
                                rusqlite::types::ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
                                other => format!("{other:?}"),
                            })
                        })
                        .collect()
                })
                .expect("query")
                .collect::<Result<_, _>>()
                .expect("rows")
            }
            Kind::Postgres { .. } => {
                use postgres::types::Type;
                let mut c = postgres::Client::connect(&self.arg, postgres::NoTls).expect("connect");
                c.query(sql, &[])
                    .expect("query")
                    .iter()
                    .map(|r| {
                        (0..r.len())
                            .map(|i| {
                                let t = r.columns()[i].type_().clone();
                                let v = if t == Type::INT8 {
                                    r.get::<_, Option<i64>>(i).map(|v| v.to_string())
                                } else if t == Type::INT4 {
                                    r.get::<_, Option<i32>>(i).map(|v| v.to_string())
                                } else {
                                    r.get::<_, Option<String>>(i)
                                };
                                v.unwrap_or_else(|| "NULL".into())
                            })
                            .collect()
                    })
                    .collect()
            }
        }
    }

    /// A number a query returns (`SUM`s are cast, since PostgreSQL sums BIGINT as NUMERIC).
    fn count(&self, sql: &str) -> i64 {
        let rows = self.rows(&format!("SELECT CAST(({sql}) AS BIGINT)"));
        rows[0][0].parse().unwrap_or_else(|_| panic!("{sql}: {rows:?}"))
    }

    /// Run a statement as a user with direct database access would; `Err` when the database
    /// refuses it.
    fn execute(&self, sql: &str) -> Result<(), String> {
        match &self.kind {
            Kind::Sqlite(p) => {
                rusqlite::Connection::open(p).expect("open").execute(sql, []).map(|_| ()).map_err(|e| e.to_string())
            }
            Kind::Postgres { .. } => postgres::Client::connect(&self.arg, postgres::NoTls)
                .expect("connect")
                .execute(sql, &[])
                .map(|_| ())
                .map_err(|e| e.as_db_error().map_or_else(|| e.to_string(), |d| d.message().to_string())),
        }
    }

    /// Hold the writer's lock, as a concurrent `pay` inside its transaction would, until the
    /// guard drops.
    fn hold_write_lock(&self) -> Box<dyn std::any::Any> {
        match &self.kind {
            Kind::Sqlite(p) => {
                let c = rusqlite::Connection::open(p).expect("open");
                c.execute_batch("BEGIN IMMEDIATE").expect("lock");
                Box::new(c)
            }
            Kind::Postgres { .. } => {
                let mut c = postgres::Client::connect(&self.arg, postgres::NoTls).expect("connect");
                c.batch_execute("BEGIN").expect("begin");
                c.execute("SELECT pg_advisory_xact_lock($1)", &[&WRITER_LOCK]).expect("lock");
                Box::new(c)
            }
        }
    }
}

impl Drop for TestLedger {
    fn drop(&mut self) {
        if let Kind::Postgres { admin, database } = &self.kind
            && let Ok(mut c) = postgres::Client::connect(admin, postgres::NoTls)
        {
            let _ = c.batch_execute(&format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)"));
        }
    }
}

/// `tests!(a, b)`: each `fn a(backend: Backend)` runs as `on_sqlite::a` and `on_postgres::a`; the
/// PostgreSQL ones are skipped (saying so) without `IMPATTO_TEST_POSTGRES`, and fail without it
/// when `IMPATTO_REQUIRE_POSTGRES` is set (as `.ci/run` does).
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        mod on_sqlite {
            $( #[test] fn $name() { super::$name(super::Backend::Sqlite) } )*
        }
        mod on_postgres {
            $( #[test] fn $name() { if super::postgres_admin().is_some() { super::$name(super::Backend::Postgres) } } )*
        }
    };
}

on_both_databases!(
    the_readme_tour_pays_9600_2100_then_minus_1700,
    dwp_pays_9600_then_only_the_2100_newly_due,
    dwp_example_pays_the_difference_between_cumulative_statements,
    a_correction_after_payment_adds_a_recovery_referring_to_the_original_line,
    fabriq_final_pays_only_the_premiums_not_the_grants_again,
    a_payer_commitment_holds_over_all_runs,
    maker_checker_approval_order_rejection_and_locks,
    kill_9_leaves_the_run_whole_or_absent,
    a_second_writer_is_refused_while_the_ledger_is_locked,
    what_counts_equals_the_newest_cumulative_statement,
    two_runs_of_a_programme_at_once_one_is_refused,
);

/// One participant on the DWP round-2 rate card (prices from
/// datasets/examples/dwp-innovation-fund/rules-round-2.toml, cap £11,700 a person), on the small
/// CSV fixture's programme `beta`. By 2014-12-31: improved_behaviour 1,300 + improved_attendance_13w
/// 1,400 (attendance from 2014-01-06, 13 weeks on 2014-04-07) + improved_attitude 700 + first_nqf_l1
/// 1,100 + first_nqf_l3 5,100 = £9,600 — the first statement. By 2016-12-31 also
/// employment_entry_13w 3,500 (employment from 2015-03-02): 13,100 capped at 11,700 — the issue's
/// second, cumulative statement; employment_sustained_26w 2,000 is cut to 0 by the cap. So the
/// second run must pay 11,700 − 9,600 = £2,100.
fn dwp_fixture(dir: &Path) -> PathBuf {
    let data = dir.join("data");
    copy_dir(&workspace().join("indicators/tests/fixtures/small"), &data);
    let participants = std::fs::read_to_string(data.join("participants.csv")).expect("read");
    std::fs::write(
        data.join("participants.csv"),
        participants.replace(
            "P09,B5,F,1970-02-01,,2021-01-05,2021-12-31,employed",
            "P09,B5,F,1970-02-01,,2013-09-02,2014-07-31,employed",
        ),
    )
    .expect("write");
    std::fs::write(
        data.join("outcomes.csv"),
        "participant_id,outcome,achieved_on,lapsed_on,verified\n\
         P09,behaviour_improved,2014-02-03,,true\n\
         P09,attendance,2014-01-06,,true\n\
         P09,attitude_improved,2014-03-03,,true\n\
         P09,qualification_l1,2014-06-02,,true\n\
         P09,qualification_l3,2014-07-01,,true\n\
         P09,employment,2015-03-02,,true\n",
    )
    .expect("write");
    let rules =
        std::fs::read_to_string(workspace().join("datasets/examples/dwp-innovation-fund/rules-round-2.toml")).expect("read");
    let rules = rules
        .replace("data = { programme = \"dwp-innovation-fund\" }", "data = { programme = \"beta\" }")
        .replace("{ id = \"2015\", as_of = 2015-12-31 }", "{ id = \"2014\", as_of = 2014-12-31 }");
    std::fs::write(dir.join("rules.toml"), rules).expect("write");
    data
}

/// The README's three-period tour (engine/tests/fixtures/ledger-tour: the same data as
/// `dwp_fixture`, periods 2014, 2015, 2016). By hand: 2014 = 1,300 + 1,400 + 700 + 1,100 + 5,100
/// = 9,600; 2015 adds employment_entry_13w 3,500 and employment_sustained_26w 2,000 (from
/// 2015-03-02: 13 weeks on 2015-06-01, 26 on 2015-08-31), cut by the £11,700 cap to 2,100 and 0.
/// With the L3 qualification unverified the 2016 statement is 9,600 − 5,100 + 3,500 + 2,000 =
/// 10,000, so run 3 = 10,000 − 11,700 = −1,700: −5,100 on line 5, +1,400 on line 6, +2,000 new.
fn the_readme_tour_pays_9600_2100_then_minus_1700(backend: Backend) {
    let t = tempfile::tempdir().expect("tempdir");
    let d = t.path();
    let ledger = TestLedger::new(backend, d, "l");
    copy_dir(&workspace().join("engine/tests/fixtures/ledger-tour"), d);
    copy_dir(&workspace().join("engine/tests/fixtures/ledger-tour/data"), &d.join("data"));
    let l = ["--ledger", ledger.arg.as_str()];
    let pay =
        |period: &str| ok(d, &[&["pay", "rules.toml", "--data", "data", "--period", period, "--by", "anna"][..], &l].concat());
    assert_eq!(run_total(&pay("2014")), "9600.00 GBP");
    ok(d, &[&["approve", "1", "--by", "bruno"][..], &l].concat());
    assert_eq!(run_total(&pay("2015")), "2100.00 GBP");
    ok(d, &[&["approve", "2", "--by", "bruno"][..], &l].concat());
    let outcomes = d.join("data/outcomes.csv");
    let text = std::fs::read_to_string(&outcomes).expect("read");
    std::fs::write(&outcomes, text.replace("qualification_l3,2014-07-01,,true", "qualification_l3,2014-07-01,,false"))
        .expect("write");
    let third = pay("2016");
    assert_eq!(run_total(&third), "-1700.00 GBP", "{third}");
    let history = ok(d, &[&["ledger", "history", "B5"][..], &l].concat());
    let line = |claim: &str, kind: &str| {
        history
            .lines()
            .find(|x| x.contains(claim) && x.contains(kind))
            .unwrap_or_else(|| panic!("{claim} {kind}: {history}"))
            .to_string()
    };
    assert!(line("P09/first_nqf_l3", "recovery").contains("-5100.00 GBP   line 5"), "{history}");
    assert!(line("P09/employment_entry_13w", "top_up").contains("1400.00 GBP   line 6"), "{history}");
    assert!(line("P09/employment_sustained_26w", "payment").contains("2000.00 GBP"), "{history}");
    assert_eq!(ledger.count("SELECT SUM(amount_cents) FROM lines"), 1_000_000);
    ok(d, &[&["ledger", "replay", "3"][..], &l].concat());
    let e = refused(d, &[&["ledger", "replay", "1"][..], &l].concat());
    assert!(e.contains("data/outcomes.csv: expected sha256:"), "{e}");
}

fn dwp_pays_9600_then_only_the_2100_newly_due(backend: Backend) {
    let t = tempfile::tempdir().expect("tempdir");
    let d = t.path();
    let ledger = TestLedger::new(backend, d, "l");
    dwp_fixture(d);
    let pay = |period: &str| {
        ok(d, &["pay", "rules.toml", "--data", "data", "--period", period, "--ledger", &ledger.arg, "--by", "anna"])
    };
    let first = pay("2014");
    assert_eq!(run_total(&first), "9600.00 GBP", "{first}");
    ok(d, &["approve", "1", "--ledger", &ledger.arg, "--by", "bruno"]);
    let second = pay("2016");
    assert_eq!(run_total(&second), "2100.00 GBP", "{second}");
    // The new claim only: nothing of 2014 is paid again.
    assert_eq!(second.lines().filter(|l| l.contains(" payment ")).count(), 1, "{second}");
    assert!(second.contains("P09/employment_entry_13w") && second.contains("2100.00"), "{second}");
    ok(d, &["approve", "2", "--ledger", &ledger.arg, "--by", "bruno"]);
    // Σ over runs = the last cumulative statement, £11,700.
    assert_eq!(ledger.count("SELECT SUM(amount_cents) FROM lines"), 1_170_000);
    // Paying 2016 again: nothing newly due, no run recorded.
    assert!(pay("2016").contains("nothing newly due"));
    assert_eq!(ledger.count("SELECT COUNT(*) FROM runs"), 2);
    // Both runs replay identically, also from another directory.
    for run in ["1", "2"] {
        ok(d, &["ledger", "replay", run, "--ledger", &ledger.arg]);
    }
    let out = ok(&workspace(), &["ledger", "replay", "2", "--ledger", &ledger.absolute()]);
    assert_eq!(run_total(&out), "2100.00 GBP", "{out}");
}

/// The shipped DWP example (periods 2015 and 2016): statements of £1,622,400 then £1,855,800
/// cumulative, so the second run pays £233,400.
fn dwp_example_pays_the_difference_between_cumulative_statements(backend: Backend) {
    let t = tempfile::tempdir().expect("tempdir");
    let d = t.path();
    let ledger = TestLedger::new(backend, d, "l");
    copy_dir(&workspace().join("datasets/examples/dwp-innovation-fund"), d);
    let pay = |period: &str| {
        ok(d, &["pay", "rules-round-2.toml", "--data", ".", "--period", period, "--ledger", &ledger.arg, "--by", "anna"])
    };
    assert_eq!(run_total(&pay("2015")), "1622400.00 GBP");
    ok(d, &["approve", "1", "--ledger", &ledger.arg, "--by", "bruno"]);
    assert_eq!(run_total(&pay("2016")), "233400.00 GBP");
    assert_eq!(ledger.count("SELECT COUNT(*) FROM lines WHERE kind <> 'payment'"), 0);
}

fn a_correction_after_payment_adds_a_recovery_referring_to_the_original_line(backend: Backend) {
    let t = tempfile::tempdir().expect("tempdir");
    let d = t.path();
    let ledger = TestLedger::new(backend, d, "l");
    let data = dwp_fixture(d);
    ok(d, &["pay", "rules.toml", "--data", "data", "--period", "2014", "--ledger", &ledger.arg, "--by", "anna"]);
    ok(d, &["approve", "1", "--ledger", &ledger.arg, "--by", "bruno"]);
    // The L3 qualification turns out unverified: 5,100 to recover, and the employment claim
    // (3,500) is now paid in full under the cap: 9,600 − 5,100 + 3,500 + 2,000 (26 weeks) = 10,000.
    let outcomes = std::fs::read_to_string(data.join("outcomes.csv")).expect("read");
    std::fs::write(
        data.join("outcomes.csv"),
        outcomes.replace("qualification_l3,2014-07-01,,true", "qualification_l3,2014-07-01,,false"),
    )
    .expect("write");
    let second = ok(d, &["pay", "rules.toml", "--data", "data", "--period", "2016", "--ledger", &ledger.arg, "--by", "anna"]);
    assert_eq!(run_total(&second), "400.00 GBP", "{second}");
    let history = ok(d, &["ledger", "history", "B5", "--ledger", &ledger.arg]);
    let recovery = history.lines().find(|l| l.contains("recovery")).expect("a recovery line");
    assert!(
        recovery.contains("-5100.00 GBP")
            && recovery.contains("line 5")
            && recovery.contains("5100.00 GBP (as of period 2014, run 1) → no line in the statement")
            // Which input, which value.
            && recovery.contains("inputs changed since run 1: data/outcomes.csv")
            && recovery.contains("explanation was: P09: qualification_l3 achieved 2014-07-01"),
        "{history}"
    );
    // Replay of run 1 is now refused, naming the edited file.
    let e = refused(d, &["ledger", "replay", "1", "--ledger", &ledger.arg]);
    assert!(e.contains("outcomes.csv: expected sha256:") && e.contains("run 1"), "{e}");
    // Run 2 was computed from the edited file: it replays.
    ok(d, &["ledger", "replay", "2", "--ledger", &ledger.arg]);
}

fn fabriq_final_pays_only_the_premiums_not_the_grants_again(backend: Backend) {
    let t = tempfile::tempdir().expect("tempdir");
    let d = t.path();
    let ledger = TestLedger::new(backend, d, "l");
    copy_dir(&workspace().join("datasets/examples/fabriq-quarto"), d);
    let pay = |period: &str| {
        ok(d, &["pay", "rules-2019.toml", "--data", ".", "--period", period, "--ledger", &ledger.arg, "--by", "anna"])
    };
    // Interim (as of 2021-12-31): the seven cost-share grants, €175,507.50.
    assert_eq!(run_total(&pay("interim")), "175507.50 EUR");
    // Final (as of 2023-12-31): the statement is €187,937.70 cumulative; the run pays only the
    // two impact premiums newly met (7,252.10 + 5,178.10), no grant line again.
    let fin = pay("final");
    assert_eq!(run_total(&fin), "12430.20 EUR", "{fin}");
    assert!(!fin.contains(" grant "), "{fin}");
    assert_eq!(ledger.count("SELECT COUNT(*) FROM lines WHERE rule = 'grant'"), 7);
}

/// FabriQ 2019 with the city's commitment at €180,000: interim pays the seven grants,
/// €175,507.50 (under it); the final statement claims €187,937.70 and is cut pro rata to the
/// commitment, so the final run pays €180,000 − €175,507.50 = €4,492.50 and Σ over the runs is
/// the commitment, not the €187,937.70 two uncapped statements would suggest.
fn a_payer_commitment_holds_over_all_runs(backend: Backend) {
    let t = tempfile::tempdir().expect("tempdir");
    let d = t.path();
    let ledger = TestLedger::new(backend, d, "l");
    copy_dir(&workspace().join("datasets/examples/fabriq-quarto"), d);
    let rules = std::fs::read_to_string(d.join("rules-2019.toml")).expect("read");
    let rules = rules.replace("share = \"100%\"\n", "share = \"100%\"\ncommitment = \"180000.00 EUR\"\n");
    assert!(rules.contains("commitment"), "{rules}");
    std::fs::write(d.join("rules-2019.toml"), rules).expect("write");
    let pay = |period: &str| {
        ok(d, &["pay", "rules-2019.toml", "--data", ".", "--period", period, "--ledger", &ledger.arg, "--by", "anna"])
    };
    assert_eq!(run_total(&pay("interim")), "175507.50 EUR");
    ok(d, &["approve", "1", "--ledger", &ledger.arg, "--by", "bruno"]);
    let fin = pay("final");
    assert_eq!(run_total(&fin), "4492.50 EUR", "{fin}");
    assert_eq!(ledger.count("SELECT SUM(amount_cents) FROM lines"), 18_000_000);
    assert_eq!(ledger.count("SELECT SUM(amount_cents) FROM line_payers WHERE payer = 'comune-di-milano'"), 18_000_000);
    ok(d, &["ledger", "replay", "2", "--ledger", &ledger.arg]);
}

fn maker_checker_approval_order_rejection_and_locks(backend: Backend) {
    let t = tempfile::tempdir().expect("tempdir");
    let d = t.path();
    let ledger = TestLedger::new(backend, d, "l");
    copy_dir(&workspace().join("datasets/examples/fabriq-quarto"), d);
    let l = ["--ledger", &ledger.arg];
    let pay = |period: &str, by: &str| {
        impatto(d, &["pay", "rules-2019.toml", "--data", ".", "--period", period, "--ledger", &ledger.arg, "--by", by])
    };
    assert!(pay("interim", "anna").status.success());
    // A second run of the same period while the first awaits a decision.
    let e = String::from_utf8_lossy(&pay("interim", "carla").stderr).into_owned();
    assert!(e.contains("found run 1, prepared by anna, awaiting approval"), "{e}");
    assert!(pay("final", "anna").status.success());
    // The preparer cannot approve.
    let e = refused(d, &[&["approve", "1", "--by", "anna"][..], &l].concat());
    assert!(e.contains("maker–checker"), "{e}");
    // Final cannot be approved before interim.
    let e = refused(d, &[&["approve", "2", "--by", "bruno"][..], &l].concat());
    assert!(e.contains("found run 1 of period interim still prepared"), "{e}");
    // Final was netted against interim: interim can be rejected only after final.
    let e = refused(d, &[&["reject", "1", "--by", "bruno", "--reason", "wrong bank details"][..], &l].concat());
    assert!(e.contains("reject run 2 first"), "{e}");
    // An earlier period after a later one is refused: periods go forward.
    let e = String::from_utf8_lossy(&pay("interim", "carla").stderr).into_owned();
    assert!(e.contains("found run 2 of period final"), "{e}");
    ok(d, &[&["reject", "2", "--by", "bruno", "--reason", "interim first"][..], &l].concat());
    ok(d, &[&["reject", "1", "--by", "bruno", "--reason", "wrong bank details"][..], &l].concat());
    // Prepare interim again: the grants are due again (the rejected lines do not count).
    let again = pay("interim", "anna");
    assert!(again.status.success());
    assert_eq!(run_total(&String::from_utf8_lossy(&again.stdout)), "175507.50 EUR");
    ok(d, &[&["approve", "3", "--by", "bruno"][..], &l].concat());
    let fin = pay("final", "anna");
    assert_eq!(run_total(&String::from_utf8_lossy(&fin.stdout)), "12430.20 EUR");
    ok(d, &[&["approve", "4", "--by", "bruno"][..], &l].concat());
    assert_eq!(ledger.count("SELECT SUM(amount_cents) FROM lines WHERE voided = 0"), 18_793_770);
    // Decided runs are locked: by the commands …
    let e = refused(d, &[&["approve", "3", "--by", "carla"][..], &l].concat());
    assert!(e.contains("run 3 is approved"), "{e}");
    let e = refused(d, &[&["reject", "1", "--by", "carla", "--reason", "x"][..], &l].concat());
    assert!(e.contains("run 1 is rejected"), "{e}");
    // … and by the database.
    for sql in [
        "UPDATE lines SET amount_cents = 1 WHERE run = 3",
        "DELETE FROM runs WHERE id = 3",
        "DELETE FROM lines WHERE run = 3",
        "UPDATE runs SET status = 'prepared' WHERE id = 3",
        "UPDATE line_payers SET amount_cents = 1 WHERE line IN (SELECT id FROM lines WHERE run = 3)",
    ] {
        let e = ledger.execute(sql).expect_err(sql);
        assert!(e.contains("locked"), "{sql}: {e}");
    }
    // One original payment line per claim key, whatever the commands do.
    let e = ledger
        .execute(
            "INSERT INTO lines (id, run, no, programme, beneficiary, rule, claim, kind, amount_cents, cumulative_cents, what_changed)
             VALUES (999, 4, 99, 'fabriq-quarto-2019', 'FQ-2019-000001', 'grant', '', 'payment', 1, 1, 'x')",
        )
        .expect_err("a second payment line for a claim key");
    assert!(e.contains("UNIQUE") || e.contains("unique"), "{e}");
    // History shows the rejected line, the paid one and what they were.
    let h = ok(d, &[&["ledger", "history", "FQ-2019-000002"][..], &l].concat());
    assert!(h.lines().any(|x| x.contains("rejected") && x.contains("35000.00 EUR")), "{h}");
    assert!(h.lines().any(|x| x.contains("approved") && x.contains("7252.10 EUR")), "{h}");
    assert!(h.lines().any(|x| x.contains("approved") && x.contains("35000.00 EUR")), "{h}");
    // Export: deterministic, atomic, approved runs only.
    let e = refused(d, &[&["ledger", "export", "1"][..], &l].concat());
    assert!(e.contains("approved runs only"), "{e}");
    for (name, format) in [("a.csv", "csv"), ("a.json", "json")] {
        ok(d, &[&["ledger", "export", "3", "--format", format, "--output", name][..], &l].concat());
        let first = std::fs::read(d.join(name)).expect("read");
        ok(d, &[&["ledger", "export", "3", "--format", format, "--output", name][..], &l].concat());
        assert_eq!(first, std::fs::read(d.join(name)).expect("read"));
    }
    let csv = std::fs::read_to_string(d.join("a.csv")).expect("read");
    assert_eq!(csv.lines().count(), 8, "{csv}");
    assert!(csv.contains("3,fabriq-quarto-2019,interim,comune-di-milano,FQ-2019-000002,35000.00,EUR,1"), "{csv}");
    for run in ["1", "2", "3", "4"] {
        ok(d, &[&["ledger", "replay", run][..], &l].concat());
    }
}

/// Kill a real `impatto pay` with SIGKILL at random moments: the ledger holds the run complete
/// or not at all. The run's transaction takes milliseconds after seconds of reading and
/// computing, so most kills land before or after it; the invariant is asserted either way.
#[cfg(unix)]
fn kill_9_leaves_the_run_whole_or_absent(backend: Backend) {
    let t = tempfile::tempdir().expect("tempdir");
    let d = t.path();
    copy_dir(&workspace().join("datasets/examples/dwp-innovation-fund"), d);
    // How long an undisturbed run takes, so the kills spread over all of it.
    let started = std::time::Instant::now();
    let timing = TestLedger::new(backend, d, "timing");
    ok(d, &["pay", "rules-round-2.toml", "--data", ".", "--period", "2015", "--by", "anna", "--ledger", &timing.arg]);
    let span = started.elapsed().as_micros() as u64 + 1;
    let mut seed: u64 = 0x5eed;
    let mut whole = 0;
    for i in 0..30 {
        let db = TestLedger::new(backend, d, &format!("l{i}"));
        let mut child = Command::new(env!("CARGO_BIN_EXE_impatto"))
            .args(["pay", "rules-round-2.toml", "--data", ".", "--period", "2015", "--by", "anna", "--ledger"])
            .arg(&db.arg)
            .current_dir(d)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn");
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        std::thread::sleep(std::time::Duration::from_micros((seed >> 33) % (span * 3 / 2)));
        let _ = child.kill();
        let _ = child.wait();
        // Killed before the schema was created (its migration is one transaction too).
        if !db.has_schema() {
            assert!(db.is_blank(), "kill {i}: half a schema");
            continue;
        }
        let runs = db.count("SELECT COUNT(*) FROM runs");
        let lines = db.count("SELECT COUNT(*) FROM lines");
        if runs == 1 {
            whole += 1;
            assert_eq!(db.count("SELECT SUM(amount_cents) FROM lines"), 162_240_000, "run {i}");
            assert!(lines > 0);
        } else {
            assert_eq!((runs, lines), (0, 0), "kill {i}: a run in between");
        }
    }
    eprintln!("{whole} of 30 killed runs had committed (an undisturbed run takes {span} µs)");
}

fn a_second_writer_is_refused_while_the_ledger_is_locked(backend: Backend) {
    let t = tempfile::tempdir().expect("tempdir");
    let d = t.path();
    let ledger = TestLedger::new(backend, d, "l");
    copy_dir(&workspace().join("datasets/examples/fabriq-quarto"), d);
    ok(d, &["pay", "rules-2019.toml", "--data", ".", "--period", "interim", "--ledger", &ledger.arg, "--by", "anna"]);
    // Another process holds the write lock (as a concurrent `pay` inside its transaction would).
    let lock = ledger.hold_write_lock();
    let e = refused(d, &["pay", "rules-2019.toml", "--data", ".", "--period", "final", "--ledger", &ledger.arg, "--by", "anna"]);
    assert!(e.contains("found another impatto process writing it"), "{e}");
    // … and a decision too.
    let e = refused(d, &["approve", "1", "--ledger", &ledger.arg, "--by", "bruno"]);
    assert!(e.contains("found another impatto process writing it"), "{e}");
    drop(lock);
    ok(d, &["pay", "rules-2019.toml", "--data", ".", "--period", "final", "--ledger", &ledger.arg, "--by", "anna"]);
}

#[derive(Clone, Debug)]
enum Op {
    /// `pay` a period (0: 2014, 1: 2016).
    Pay(usize),
    /// Approve the newest prepared run.
    Approve,
    /// Reject the newest prepared run.
    Reject,
    /// Flip the `verified` flag of one outcome event (a data correction).
    Correct(usize),
}

fn cents(text: &str) -> i64 {
    let (units, frac) = text.split_once('.').expect("two decimals");
    let sign = if units.starts_with('-') { -1 } else { 1 };
    units.parse::<i64>().expect("units") * 100 + sign * frac.parse::<i64>().expect("cents")
}

/// Property test over random sequences of runs, decisions and data corrections. Whatever the
/// sequence: Σ of the lines that count (prepared or approved runs) per beneficiary equals the
/// cumulative statement of the newest run that counts; the total never exceeds the budget;
/// every run, with its data restored as it was, replays identical to the byte. Refusals are
/// fine; a crash is not.
fn what_counts_equals_the_newest_cumulative_statement(backend: Backend) {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestCaseError, TestRunner};
    let op = prop_oneof![(0..2usize).prop_map(Op::Pay), Just(Op::Approve), Just(Op::Reject), (0..6usize).prop_map(Op::Correct)];
    let mut runner = TestRunner::new(Config { cases: 16, failure_persistence: None, ..Config::default() });
    let result = runner.run(&proptest::collection::vec(op, 1..13), |ops| {
        let t = tempfile::tempdir().expect("tempdir");
        let d = t.path();
        let data = dwp_fixture(d);
        let ledger = TestLedger::new(backend, d, "l");
        let l = ["--ledger", ledger.arg.as_str()];
        let newest_prepared = || -> Option<String> {
            if !ledger.has_schema() {
                return None;
            }
            let id = ledger.rows("SELECT MAX(id) FROM runs WHERE status = 'prepared'")[0][0].clone();
            (id != "NULL").then_some(id)
        };
        // The outcomes file as each run saw it, to replay the run with.
        let mut seen: Vec<(String, String)> = Vec::new();
        for op in &ops {
            let o = match op {
                Op::Pay(p) => {
                    let o = impatto(
                        d,
                        &[&["pay", "rules.toml", "--data", "data", "--period", ["2014", "2016"][*p], "--by", "anna"][..], &l]
                            .concat(),
                    );
                    if o.status.success() && !String::from_utf8_lossy(&o.stdout).contains("nothing newly due") {
                        let run = ledger.rows("SELECT MAX(id) FROM runs")[0][0].clone();
                        seen.push((run, std::fs::read_to_string(data.join("outcomes.csv")).expect("read")));
                    }
                    Some(o)
                }
                Op::Approve => newest_prepared().map(|r| impatto(d, &[&["approve", &r, "--by", "bruno"][..], &l].concat())),
                Op::Reject => newest_prepared()
                    .map(|r| impatto(d, &[&["reject", &r, "--by", "bruno", "--reason", "check"][..], &l].concat())),
                Op::Correct(k) => {
                    let path = data.join("outcomes.csv");
                    let text = std::fs::read_to_string(&path).expect("read");
                    let mut rows: Vec<String> = text.lines().map(str::to_string).collect();
                    let row = &mut rows[1 + k];
                    *row = if row.ends_with("true") { row.replace(",true", ",false") } else { row.replace(",false", ",true") };
                    std::fs::write(&path, rows.join("\n") + "\n").expect("write");
                    None
                }
            };
            if let Some(o) = o {
                prop_assert!(
                    o.status.code() == Some(0) || o.status.code() == Some(1),
                    "{op:?}: {}",
                    String::from_utf8_lossy(&o.stderr)
                );
            }
        }
        if !ledger.has_schema() {
            return Ok(());
        }
        // The newest run that counts, recomputed by `impatto payout` from the data it saw.
        let newest = ledger.rows("SELECT id, period FROM runs WHERE status <> 'rejected' ORDER BY id DESC LIMIT 1");
        let statement = match newest.first() {
            Some(row) => {
                let (_, outcomes) = seen.iter().find(|(run, _)| *run == row[0]).expect("every run's data was kept");
                std::fs::write(data.join("outcomes.csv"), outcomes).expect("write");
                let o = impatto(d, &["payout", "rules.toml", "--data", "data", "--period", &row[1], "--format", "json"]);
                prop_assert!(o.status.success(), "payout: {}", String::from_utf8_lossy(&o.stderr));
                Some(String::from_utf8_lossy(&o.stdout).into_owned())
            }
            None => None,
        };
        let mut held: BTreeMap<String, i64> = BTreeMap::new();
        for row in ledger.rows(
            "SELECT l.beneficiary, CAST(SUM(l.amount_cents) AS BIGINT) FROM lines l JOIN runs r ON r.id = l.run
             WHERE r.status <> 'rejected' GROUP BY l.beneficiary",
        ) {
            let s: i64 = row[1].parse().expect("sum");
            if s != 0 {
                held.insert(row[0].clone(), s);
            }
        }
        let mut due: BTreeMap<String, i64> = BTreeMap::new();
        if let Some(json) = statement {
            let v: serde_json::Value = serde_json::from_str(&json).expect("statement json");
            for line in v["lines"].as_array().expect("lines") {
                *due.entry(line["beneficiary"].as_str().expect("id").to_string()).or_default() +=
                    cents(line["amount"].as_str().expect("amount"));
            }
            due.retain(|_, a| *a != 0);
        }
        prop_assert_eq!(&held, &due);
        prop_assert!(held.values().sum::<i64>() <= 450_000_000);
        for (run, outcomes) in &seen {
            std::fs::write(data.join("outcomes.csv"), outcomes).expect("write");
            let o = impatto(d, &[&["ledger", "replay", run.as_str()][..], &l].concat());
            prop_assert!(o.status.success(), "replay of run {run} after {ops:?}: {}", String::from_utf8_lossy(&o.stderr));
        }
        Ok::<(), TestCaseError>(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

fn two_runs_of_a_programme_at_once_one_is_refused(backend: Backend) {
    let t = tempfile::tempdir().expect("tempdir");
    let d = t.path();
    copy_dir(&workspace().join("datasets/examples/fabriq-quarto"), d);
    for round in 0..10 {
        let ledger = TestLedger::new(backend, d, &format!("l{round}"));
        let db = ledger.arg.clone();
        let spawn = || {
            Command::new(env!("CARGO_BIN_EXE_impatto"))
                .args(["pay", "rules-2019.toml", "--data", ".", "--period", "interim", "--by", "anna", "--ledger", &db])
                .current_dir(d)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawn")
        };
        let (a, b) = (spawn(), spawn());
        let outs = [a.wait_with_output().expect("wait"), b.wait_with_output().expect("wait")];
        let codes: Vec<Option<i32>> = outs.iter().map(|o| o.status.code()).collect();
        let e = outs.iter().map(|o| String::from_utf8_lossy(&o.stderr).into_owned()).collect::<String>();
        assert!(codes.contains(&Some(0)) && codes.contains(&Some(1)), "{codes:?}: {e}");
        assert!(e.contains("another impatto process writing it") || e.contains("awaiting approval"), "{e}");
        assert_eq!(ledger.count("SELECT COUNT(*) FROM runs"), 1);
        assert_eq!(ledger.count("SELECT COUNT(*) FROM lines"), 7);
    }
}
