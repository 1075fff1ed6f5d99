//! The payment ledger as a user meets it: `impatto pay`, `approve`, `reject` and `ledger
//! export|history|replay` on tempdir ledgers, with the example data copied to a tempdir.

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

fn sql_count(db: &Path, sql: &str) -> i64 {
    let c = rusqlite::Connection::open(db).expect("open");
    c.query_row(sql, [], |r| r.get(0)).expect("query")
}

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

#[test]
fn dwp_pays_9600_then_only_the_2100_newly_due() {
    let t = tempfile::tempdir().expect("tempdir");
    let d = t.path();
    dwp_fixture(d);
    let pay = |period: &str| {
        ok(d, &["pay", "rules.toml", "--data", "data", "--period", period, "--ledger", "l.sqlite", "--by", "anna"])
    };
    let first = pay("2014");
    assert_eq!(run_total(&first), "9600.00 GBP", "{first}");
    ok(d, &["approve", "1", "--ledger", "l.sqlite", "--by", "bruno"]);
    let second = pay("2016");
    assert_eq!(run_total(&second), "2100.00 GBP", "{second}");
    // The new claim only: nothing of 2014 is paid again.
    assert_eq!(second.lines().filter(|l| l.contains(" payment ")).count(), 1, "{second}");
    assert!(second.contains("P09/employment_entry_13w") && second.contains("2100.00"), "{second}");
    ok(d, &["approve", "2", "--ledger", "l.sqlite", "--by", "bruno"]);
    // Σ over runs = the last cumulative statement, £11,700.
    assert_eq!(sql_count(&d.join("l.sqlite"), "SELECT SUM(amount_cents) FROM lines"), 1_170_000);
    // Paying 2016 again: nothing newly due, no run recorded.
    assert!(pay("2016").contains("nothing newly due"));
    assert_eq!(sql_count(&d.join("l.sqlite"), "SELECT COUNT(*) FROM runs"), 2);
    // Both runs replay identically, also from another directory.
    for run in ["1", "2"] {
        ok(d, &["ledger", "replay", run, "--ledger", "l.sqlite"]);
    }
    let out = ok(&workspace(), &["ledger", "replay", "2", "--ledger", d.join("l.sqlite").to_str().expect("utf-8")]);
    assert_eq!(run_total(&out), "2100.00 GBP", "{out}");
}

/// The shipped DWP example (periods 2015 and 2016): statements of £1,622,400 then £1,855,800
/// cumulative, so the second run pays £233,400.
#[test]
fn dwp_example_pays_the_difference_between_cumulative_statements() {
    let t = tempfile::tempdir().expect("tempdir");
    let d = t.path();
    copy_dir(&workspace().join("datasets/examples/dwp-innovation-fund"), d);
    let pay = |period: &str| {
        ok(d, &["pay", "rules-round-2.toml", "--data", ".", "--period", period, "--ledger", "l.sqlite", "--by", "anna"])
    };
    assert_eq!(run_total(&pay("2015")), "1622400.00 GBP");
    ok(d, &["approve", "1", "--ledger", "l.sqlite", "--by", "bruno"]);
    assert_eq!(run_total(&pay("2016")), "233400.00 GBP");
    assert_eq!(sql_count(&d.join("l.sqlite"), "SELECT COUNT(*) FROM lines WHERE kind <> 'payment'"), 0);
}

#[test]
fn a_correction_after_payment_adds_a_recovery_referring_to_the_original_line() {
    let t = tempfile::tempdir().expect("tempdir");
    let d = t.path();
    let data = dwp_fixture(d);
    ok(d, &["pay", "rules.toml", "--data", "data", "--period", "2014", "--ledger", "l.sqlite", "--by", "anna"]);
    ok(d, &["approve", "1", "--ledger", "l.sqlite", "--by", "bruno"]);
    // The L3 qualification turns out unverified: 5,100 to recover, and the employment claim
    // (3,500) is now paid in full under the cap: 9,600 − 5,100 + 3,500 + 2,000 (26 weeks) = 10,000.
    let outcomes = std::fs::read_to_string(data.join("outcomes.csv")).expect("read");
    std::fs::write(
        data.join("outcomes.csv"),
        outcomes.replace("qualification_l3,2014-07-01,,true", "qualification_l3,2014-07-01,,false"),
    )
    .expect("write");
    let second = ok(d, &["pay", "rules.toml", "--data", "data", "--period", "2016", "--ledger", "l.sqlite", "--by", "anna"]);
    assert_eq!(run_total(&second), "400.00 GBP", "{second}");
    let history = ok(d, &["ledger", "history", "B5", "--ledger", "l.sqlite"]);
    let recovery = history.lines().find(|l| l.contains("recovery")).expect("a recovery line");
    assert!(
        recovery.contains("-5100.00 GBP")
            && recovery.contains("line 5")
            && recovery.contains("5100.00 GBP (as of period 2014) →"),
        "{history}"
    );
    // Replay of run 1 is now refused, naming the edited file.
    let e = refused(d, &["ledger", "replay", "1", "--ledger", "l.sqlite"]);
    assert!(e.contains("outcomes.csv: expected sha256:") && e.contains("run 1"), "{e}");
    // Run 2 was computed from the edited file: it replays.
    ok(d, &["ledger", "replay", "2", "--ledger", "l.sqlite"]);
}

#[test]
fn fabriq_final_pays_only_the_premiums_not_the_grants_again() {
    let t = tempfile::tempdir().expect("tempdir");
    let d = t.path();
    copy_dir(&workspace().join("datasets/examples/fabriq-quarto"), d);
    let pay = |period: &str| {
        ok(d, &["pay", "rules-2019.toml", "--data", ".", "--period", period, "--ledger", "l.sqlite", "--by", "anna"])
    };
    // Interim (as of 2021-12-31): the seven cost-share grants, €175,507.50.
    assert_eq!(run_total(&pay("interim")), "175507.50 EUR");
    // Final (as of 2023-12-31): the statement is €187,937.70 cumulative; the run pays only the
    // two impact premiums newly met (7,252.10 + 5,178.10), no grant line again.
    let fin = pay("final");
    assert_eq!(run_total(&fin), "12430.20 EUR", "{fin}");
    assert!(!fin.contains(" grant "), "{fin}");
    assert_eq!(sql_count(&d.join("l.sqlite"), "SELECT COUNT(*) FROM lines WHERE rule = 'grant'"), 7);
}

#[test]
fn maker_checker_approval_order_rejection_and_locks() {
    let t = tempfile::tempdir().expect("tempdir");
    let d = t.path();
    copy_dir(&workspace().join("datasets/examples/fabriq-quarto"), d);
    let l = ["--ledger", "l.sqlite"];
    let pay = |period: &str, by: &str| {
        impatto(d, &["pay", "rules-2019.toml", "--data", ".", "--period", period, "--ledger", "l.sqlite", "--by", by])
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
    assert_eq!(sql_count(&d.join("l.sqlite"), "SELECT SUM(amount_cents) FROM lines WHERE voided = 0"), 18_793_770);
    // Decided runs are locked: by the commands …
    let e = refused(d, &[&["approve", "3", "--by", "carla"][..], &l].concat());
    assert!(e.contains("run 3 is approved"), "{e}");
    let e = refused(d, &[&["reject", "1", "--by", "carla", "--reason", "x"][..], &l].concat());
    assert!(e.contains("run 1 is rejected"), "{e}");
    // … and by the database.
    let c = rusqlite::Connection::open(d.join("l.sqlite")).expect("open");
    assert!(c.execute("UPDATE lines SET amount_cents = 1 WHERE run = 3", []).is_err());
    assert!(c.execute("DELETE FROM runs WHERE id = 3", []).is_err());
    assert!(c.execute("UPDATE runs SET status = 'prepared' WHERE id = 3", []).is_err());
    // One original payment line per claim key, whatever the commands do.
    assert!(
        c.execute(
            "INSERT INTO lines (id, run, no, programme, beneficiary, rule, claim, kind, amount_cents, cumulative_cents, what_changed)
             VALUES (999, 4, 99, 'fabriq-quarto-2019', 'FQ-2019-000001', 'grant', '', 'payment', 1, 1, 'x')",
            []
        )
        .is_err()
    );
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
#[test]
fn kill_9_leaves_the_run_whole_or_absent() {
    let t = tempfile::tempdir().expect("tempdir");
    let d = t.path();
    copy_dir(&workspace().join("datasets/examples/dwp-innovation-fund"), d);
    // How long an undisturbed run takes, so the kills spread over all of it.
    let started = std::time::Instant::now();
    ok(d, &["pay", "rules-round-2.toml", "--data", ".", "--period", "2015", "--by", "anna", "--ledger", "timing.sqlite"]);
    let span = started.elapsed().as_micros() as u64 + 1;
    let mut seed: u64 = 0x5eed;
    let mut whole = 0;
    for i in 0..30 {
        let db = d.join(format!("l{i}.sqlite"));
        let mut child = Command::new(env!("CARGO_BIN_EXE_impatto"))
            .args(["pay", "rules-round-2.toml", "--data", ".", "--period", "2015", "--by", "anna", "--ledger"])
            .arg(&db)
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
        if !db.exists() || sql_count(&db, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'runs'") == 0 {
            assert!(!db.exists() || sql_count(&db, "SELECT COUNT(*) FROM sqlite_master") == 0, "kill {i}: half a schema");
            continue;
        }
        let runs = sql_count(&db, "SELECT COUNT(*) FROM runs");
        let lines = sql_count(&db, "SELECT COUNT(*) FROM lines");
        if runs == 1 {
            whole += 1;
            assert_eq!(sql_count(&db, "SELECT SUM(amount_cents) FROM lines"), 162_240_000, "run {i}");
            assert!(lines > 0);
        } else {
            assert_eq!((runs, lines), (0, 0), "kill {i}: a run in between");
        }
    }
    eprintln!("{whole} of 30 killed runs had committed (an undisturbed run takes {span} µs)");
}

#[test]
fn a_second_writer_is_refused_while_the_ledger_is_locked() {
    let t = tempfile::tempdir().expect("tempdir");
    let d = t.path();
    copy_dir(&workspace().join("datasets/examples/fabriq-quarto"), d);
    ok(d, &["pay", "rules-2019.toml", "--data", ".", "--period", "interim", "--ledger", "l.sqlite", "--by", "anna"]);
    // Another process holds the write lock (as a concurrent `pay` inside its transaction would).
    let c = rusqlite::Connection::open(d.join("l.sqlite")).expect("open");
    c.execute_batch("BEGIN IMMEDIATE").expect("lock");
    let e = refused(d, &["pay", "rules-2019.toml", "--data", ".", "--period", "final", "--ledger", "l.sqlite", "--by", "anna"]);
    assert!(e.contains("found another impatto process writing it"), "{e}");
    c.execute_batch("ROLLBACK").expect("unlock");
    ok(d, &["pay", "rules-2019.toml", "--data", ".", "--period", "final", "--ledger", "l.sqlite", "--by", "anna"]);
}

mod property {
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use super::*;

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

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![(0..2usize).prop_map(Op::Pay), Just(Op::Approve), Just(Op::Reject), (0..6usize).prop_map(Op::Correct)]
    }

    fn cents(text: &str) -> i64 {
        let (units, frac) = text.split_once('.').expect("two decimals");
        let sign = if units.starts_with('-') { -1 } else { 1 };
        units.parse::<i64>().expect("units") * 100 + sign * frac.parse::<i64>().expect("cents")
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

        /// Whatever the sequence of runs, decisions and corrections: Σ of the lines that count
        /// (prepared or approved runs) per beneficiary equals the cumulative statement of the
        /// newest run that counts, and the total never exceeds the budget. Refusals are fine;
        /// a crash is not.
        #[test]
        fn what_counts_equals_the_newest_cumulative_statement(ops in proptest::collection::vec(op(), 1..13)) {
            let t = tempfile::tempdir().expect("tempdir");
            let d = t.path();
            let data = dwp_fixture(d);
            let l = ["--ledger", "l.sqlite"];
            for op in &ops {
                let newest_prepared = || -> Option<String> {
                    let db = d.join("l.sqlite");
                    if !db.exists() { return None; }
                    let c = rusqlite::Connection::open(&db).expect("open");
                    c.query_row("SELECT MAX(id) FROM runs WHERE status = 'prepared'", [], |r| r.get::<_, Option<i64>>(0)).expect("query").map(|x| x.to_string())
                };
                let o = match op {
                    Op::Pay(p) => Some(impatto(d, &[&["pay", "rules.toml", "--data", "data", "--period", ["2014", "2016"][*p], "--by", "anna"][..], &l].concat())),
                    Op::Approve => newest_prepared().map(|r| impatto(d, &[&["approve", &r, "--by", "bruno"][..], &l].concat())),
                    Op::Reject => newest_prepared().map(|r| impatto(d, &[&["reject", &r, "--by", "bruno", "--reason", "check"][..], &l].concat())),
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
                    prop_assert!(o.status.code() == Some(0) || o.status.code() == Some(1), "{op:?}: {}", String::from_utf8_lossy(&o.stderr));
                }
            }
            let db = d.join("l.sqlite");
            if !db.exists() { return Ok(()); }
            let c = rusqlite::Connection::open(&db).expect("open");
            let newest: Option<String> = c
                .query_row("SELECT statement_json FROM runs WHERE status <> 'rejected' ORDER BY id DESC LIMIT 1", [], |r| r.get(0))
                .ok();
            let mut held: BTreeMap<String, i64> = BTreeMap::new();
            let mut stmt = c.prepare("SELECT l.beneficiary, SUM(l.amount_cents) FROM lines l JOIN runs r ON r.id = l.run WHERE r.status <> 'rejected' GROUP BY l.beneficiary").expect("prepare");
            for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))).expect("query") {
                let (b, s) = row.expect("row");
                if s != 0 { held.insert(b, s); }
            }
            let mut due: BTreeMap<String, i64> = BTreeMap::new();
            if let Some(json) = newest {
                let v: serde_json::Value = serde_json::from_str(&json).expect("statement json");
                for line in v["lines"].as_array().expect("lines") {
                    *due.entry(line["beneficiary"].as_str().expect("id").to_string()).or_default() += cents(line["amount"].as_str().expect("amount"));
                }
                due.retain(|_, a| *a != 0);
            }
            prop_assert_eq!(&held, &due);
            prop_assert!(held.values().sum::<i64>() <= 450_000_000);
        }
    }
}

#[test]
fn two_runs_of_a_programme_at_once_one_is_refused() {
    let t = tempfile::tempdir().expect("tempdir");
    let d = t.path();
    copy_dir(&workspace().join("datasets/examples/fabriq-quarto"), d);
    for round in 0..10 {
        let db = format!("l{round}.sqlite");
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
        assert_eq!(sql_count(&d.join(&db), "SELECT COUNT(*) FROM runs"), 1);
        assert_eq!(sql_count(&d.join(&db), "SELECT COUNT(*) FROM lines"), 7);
    }
}
