//! The `impatto` command line as a user meets it: exit codes, messages on stderr, data on
//! stdout or in files written atomically, byte-identical reruns, and the output formats.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn impatto(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_impatto"))
        .args(args)
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C.UTF-8")
        .current_dir(workspace())
        .output()
        .expect("impatto runs")
}

fn workspace() -> PathBuf {
    Path::new(&std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

const FIXTURE: &str = "indicators/tests/fixtures/small";

#[test]
fn check_accepts_the_catalogue_and_rejects_a_bad_file_with_exit_1() {
    let ok = impatto(&["check", "indicators/definitions"]);
    assert!(ok.status.success(), "{}", stderr(&ok));
    assert_eq!(stdout(&ok).lines().count(), 27);
    let dir = tempfile::tempdir().expect("tempdir");
    let bad = dir.path().join("bad.toml");
    let text = std::fs::read_to_string(workspace().join("indicators/definitions/PAR-02.toml")).expect("read");
    std::fs::write(&bad, text.replace("entry_date", "entry_day")).expect("write");
    let out = impatto(&["check", bad.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(1));
    let e = stderr(&out);
    assert!(
        e.contains("bad.toml:") && e.contains("window.date: expected a date column of `participants`, found `entry_day`"),
        "{e}"
    );
}

#[test]
fn duplicate_ids_across_files_are_rejected() {
    let dir = tempfile::tempdir().expect("tempdir");
    for name in ["a.toml", "b.toml"] {
        std::fs::copy(workspace().join("indicators/definitions/ENT-01.toml"), dir.path().join(name)).expect("copy");
    }
    let out = impatto(&["check", dir.path().to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("duplicate indicator id `ENT-01`"), "{}", stderr(&out));
}

#[test]
fn usage_errors_exit_2() {
    let out = impatto(&["indicators"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--data"), "{}", stderr(&out));
}

#[test]
fn invalid_data_fails_before_computing_and_leaves_the_previous_output_alone() {
    let dir = tempfile::tempdir().expect("tempdir");
    for t in ["programmes", "beneficiaries", "panel", "participants"] {
        std::fs::copy(workspace().join(FIXTURE).join(format!("{t}.csv")), dir.path().join(format!("{t}.csv"))).expect("copy");
    }
    let panel = dir.path().join("panel.csv");
    let text = std::fs::read_to_string(&panel).expect("read");
    std::fs::write(&panel, text.replacen("B1,2020-01-01,true,2,2.0,1", "B1,2020-01-01,true,2,2.0,7", 1)).expect("write");
    let target = dir.path().join("out.json");
    std::fs::write(&target, "previous good output").expect("write");
    let out = impatto(&[
        "indicators",
        "--data",
        dir.path().to_str().expect("utf-8"),
        "--format",
        "json",
        "--output",
        target.to_str().expect("utf-8"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let e = stderr(&out);
    assert!(e.contains("panel.csv, column `women, headcount`, row 2: expected women ≤ headcount"), "{e}");
    assert_eq!(std::fs::read_to_string(&target).expect("still there"), "previous good output");
    let validate = impatto(&["validate", "--data", dir.path().to_str().expect("utf-8")]);
    assert_eq!(validate.status.code(), Some(1));
    assert!(stdout(&validate).contains("expected women ≤ headcount"));
    // The same finding for an Italian reader: by --lang, and by the locale for a command without
    // one of its own choosing (the frame, the phrases and the plural of "errore" are the catalogue's).
    let italian = impatto(&["validate", "--lang", "it", "--data", dir.path().to_str().expect("utf-8")]);
    assert_eq!(italian.status.code(), Some(1));
    assert!(
        stdout(&italian).contains("errore: ") && stdout(&italian).contains("panel.csv, colonna `women, headcount`, riga 2: atteso women ≤ headcount, trovato women > headcount (women = 7, headcount = 2 nella prima riga)"),
        "{}",
        stdout(&italian)
    );
    assert!(stderr(&italian).starts_with("1 errore, 1 avviso; input sha256:"), "{}", stderr(&italian));
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_impatto"));
    command.current_dir(workspace()).env("LANG", "it_IT.UTF-8").env_remove("LC_ALL").env_remove("LC_MESSAGES");
    let failed = command
        .args(["indicators", "--data", dir.path().to_str().expect("utf-8"), "--output", target.to_str().expect("utf-8")])
        .output()
        .expect("runs");
    assert_eq!(failed.status.code(), Some(1));
    assert!(stderr(&failed).contains("errore: il panel non è valido (1 errore):"), "{}", stderr(&failed));
}

#[test]
fn outputs_are_byte_identical_across_runs_and_formats_agree() {
    let dir = tempfile::tempdir().expect("tempdir");
    // The whole catalogue by programme on the fixture, with `extra` arguments.
    let indicators = |extra: &[&str]| {
        let mut args = vec!["indicators", "--data", FIXTURE, "--as-of", "2024-12-31", "--by", "programme"];
        args.extend_from_slice(extra);
        impatto(&args)
    };
    let run = |format: &str, name: &str| {
        let path = dir.path().join(name);
        let out = indicators(&["--format", format, "--output", path.to_str().expect("utf-8")]);
        assert!(out.status.success(), "{}", stderr(&out));
        std::fs::read(&path).expect("written")
    };
    for (format, ext) in [("json", "json"), ("csv", "csv"), ("parquet", "parquet"), ("table", "txt")] {
        assert_eq!(run(format, &format!("a.{ext}")), run(format, &format!("b.{ext}")), "{format} differs between runs");
    }
    let json: serde_json::Value = serde_json::from_slice(&run("json", "c.json")).expect("valid JSON");
    let rows = json["results"].as_array().expect("results");
    let csv = String::from_utf8(run("csv", "c.csv")).expect("utf-8");
    assert_eq!(csv.lines().count() - 1, rows.len(), "one CSV line per JSON row");
    assert!(
        csv.lines()
            .next()
            .expect("header")
            .starts_with("indicator,version,programme,birth_year,horizon_months,value,numerator,denominator,ci_low,ci_high")
    );
    // ENT-01 by programme on the fixture: alpha has B1-B4, beta B5-B7 (DERIVATION.md). Published
    // with the whole catalogue, both are withheld: ENT-02 counts 3 of alpha's 4 as new
    // enterprises, so alpha's 4 would tell that 1 is not (a difference below k = 3 between
    // nested populations), and beta's 3 are ENT-03's 3 informal groups, whose row ENT-03 withholds.
    let ent01 = |rows: &[serde_json::Value]| -> Vec<(String, Option<f64>)> {
        rows.iter()
            .filter(|r| r["indicator"] == "ENT-01")
            .map(|r| (r["group"]["programme"].as_str().expect("programme").to_string(), r["value"].as_f64()))
            .collect()
    };
    assert_eq!(ent01(rows), vec![("alpha".to_string(), None), ("beta".to_string(), None)]);
    let alone = indicators(&["--only", "ENT-01", "--format", "json"]);
    let alone: serde_json::Value = serde_json::from_slice(&alone.stdout).expect("valid JSON");
    assert_eq!(
        ent01(alone["results"].as_array().expect("results")),
        vec![("alpha".to_string(), Some(4.0)), ("beta".to_string(), Some(3.0))]
    );
    let first = &rows[0];
    assert_eq!(first["version"], "1.0.1");
    assert!(first["input_hash"].as_str().expect("hash").starts_with("sha256:"));
    assert!(first["definition_hash"].as_str().expect("hash").starts_with("sha256:"));
    assert_eq!(json["as_of"], "2024-12-31");
}

#[test]
fn one_indicator_can_be_broken_down_differently_in_the_same_run() {
    // ENT-01 by programme (alpha: B1-B4, beta: B5-B7, DERIVATION.md); ENT-01 overridden to the
    // total, and an unknown id or a malformed override are usage errors that name the problem.
    let by = |extra: &[&str]| {
        let mut args = vec!["indicators", "--data", FIXTURE, "--as-of", "2024-12-31", "--only", "ENT-01,PAR-01"];
        args.extend_from_slice(&["--by", "programme", "--format", "csv"]);
        args.extend_from_slice(extra);
        impatto(&args)
    };
    let out = by(&["--by-indicator", "ENT-01="]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let ent01: Vec<&str> = text.lines().filter(|l| l.starts_with("ENT-01,")).collect();
    assert_eq!(ent01.len(), 1, "ENT-01 as one total row: {text}");
    assert!(ent01[0].starts_with("ENT-01,1.0.1,,"), "no programme on the total row: {}", ent01[0]);
    assert!(text.lines().filter(|l| l.starts_with("PAR-01,")).count() >= 2, "PAR-01 keeps --by programme: {text}");
    let out = by(&["--by-indicator", "NOPE=programme"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("unknown indicator `NOPE`"), "{}", stderr(&out));
    let out = by(&["--by-indicator", "ENT-01"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("expected ID=COLUMNS"), "{}", stderr(&out));
}

/// Issue 15: `--by quartire` (a typo) printed an empty table and exited 0. A breakdown no
/// requested indicator has is refused, naming the allowed ones and the nearest; a typo in an
/// indicator id gets the same hint.
#[test]
fn a_misspelt_breakdown_or_indicator_is_refused_with_the_nearest_name() {
    let data = "datasets/examples/scuola-dei-quartieri";
    let out = impatto(&["indicators", "--no-validate", "--only", "PAR-02", "--by", "quartire", "--data", data]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let e = stderr(&out);
    assert!(e.contains("breakdown `quartire`") && e.contains("did you mean `quartiere`?") && e.contains("age_band_eu"), "{e}");
    assert!(stdout(&out).is_empty(), "no table: {}", stdout(&out));

    let out = impatto(&["indicators", "--no-validate", "--only", "PAR-2", "--data", data]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("unknown indicator `PAR-2`; did you mean `PAR-02`?"), "{}", stderr(&out));

    // A column some requested indicators have and others lack still skips those, as before.
    let out = impatto(&["indicators", "--no-validate", "--only", "PAR-02,ENT-01", "--by", "gender", "--data", data]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("skipped ENT-01: not disaggregable by `gender`"), "{}", stderr(&out));
}

/// Issue 15: SUR-01 on Scuola dei Quartieri returned 0 rows without saying why. Its 69
/// beneficiaries are all funded informal groups (datasets/examples/scuola-dei-quartieri, `kind`
/// column), so survival of enterprises and associations has nobody to follow: the message names
/// that condition and the count before it.
#[test]
fn an_indicator_without_rows_says_which_condition_left_no_unit() {
    let out = impatto(&[
        "indicators",
        "--no-validate",
        "--only",
        "SUR-01-3Y,ENT-01",
        "--by",
        "programme",
        "--data",
        "datasets/examples/scuola-dei-quartieri",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let e = stderr(&out);
    assert!(
        e.contains("no rows for SUR-01-3Y: no unit left as of 2025-12-31 after `kind in [enterprise, association]` (69 of the 69 rows of beneficiaries"),
        "{e}"
    );
    assert!(!e.contains("no rows for ENT-01"), "{e}");
}

/// Issue 15: the text table said "95% CI" over a 90% interval. Rows now carry `conf_level`, the
/// header names the level when every interval shares it, and each interval names its own when
/// they differ. PAR-02 at 90%: 305 women of 492, Wilson with z = 1.6449 gives [58.3%, 65.5%]
/// (centre (p + z²/2n)/(1 + z²/n) = 0.6192, half-width 0.0359, worked by hand).
#[test]
fn an_interval_says_its_confidence_level() {
    let dir = tempfile::tempdir().expect("tempdir");
    let par02 = fs::read_to_string(workspace().join("indicators/definitions/PAR-02.toml")).expect("PAR-02");
    fs::write(dir.path().join("PAR-02.toml"), &par02).expect("write");
    let at90 = par02
        .replace("id = \"PAR-02\"", "id = \"PAR-02-90\"")
        .replace("version = \"1.0.1\"", "version = \"1.0.1\"\nconfidence = 0.9");
    fs::write(dir.path().join("PAR-02-90.toml"), at90).expect("write");
    let defs = dir.path().to_str().expect("utf-8");
    let data = "datasets/examples/scuola-dei-quartieri";
    let table = |only: &str| {
        let out = impatto(&["indicators", "--no-validate", "--only", only, "--definitions", defs, "--data", data]);
        assert!(out.status.success(), "{}", stderr(&out));
        stdout(&out)
    };
    let alone = table("PAR-02-90");
    assert!(alone.contains("90% CI") && alone.contains("[58.3%, 65.5%]"), "{alone}");
    let mixed = table("PAR-02,PAR-02-90");
    assert!(!mixed.contains("95% CI") && !mixed.contains("90% CI"), "{mixed}");
    assert!(mixed.contains("[58.3%, 65.5%] 90%") && mixed.contains("] 95%"), "{mixed}");

    let out = impatto(&[
        "indicators",
        "--no-validate",
        "--only",
        "PAR-02-90",
        "--format",
        "json",
        "--definitions",
        defs,
        "--data",
        data,
    ]);
    assert!(stdout(&out).contains("\"conf_level\": 0.9"), "{}", stdout(&out));
}

#[test]
fn parquet_needs_an_output_file() {
    let out = impatto(&["indicators", "--data", FIXTURE, "--format", "parquet"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("--format parquet needs --output FILE"));
}

#[test]
fn generate_then_compute_on_a_generated_panel() {
    let dir = tempfile::tempdir().expect("tempdir");
    let panel = dir.path().join("p");
    let out = impatto(&[
        "generate",
        "--out",
        panel.to_str().expect("utf-8"),
        "--rows",
        "50000",
        "--programme",
        "scuola-dei-quartieri,fabriq-quarto",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out =
        impatto(&["indicators", "--data", panel.to_str().expect("utf-8"), "--only", "ENT-01,PAR-02,SUR-02", "--format", "csv"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert_eq!(text.lines().count(), 1 + 1 + 1 + 3, "{text}");
    assert!(stderr(&out).contains("[3/3] SUR-02"), "progress goes to stderr");
}

#[test]
fn payout_writes_a_statement_and_explain_traces_a_beneficiary() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("statement.csv");
    let run = impatto(&[
        "payout",
        "engine/tests/programmes/alpha-topup.toml",
        "--data",
        FIXTURE,
        "--format",
        "csv",
        "--output",
        out.to_str().expect("utf-8"),
    ]);
    assert!(run.status.success(), "{}", stderr(&run));
    let report = stdout(&run);
    assert!(
        report.contains(
            "budget €50,000.00 · claimed €53,000.00 · paid €50,000.00 · unfunded for want of budget or payer commitment €3,000.00"
        ),
        "{report}"
    );
    assert!(!report.contains("\nB1 "), "with --output, only the summary goes to the terminal:\n{report}");
    let csv = std::fs::read_to_string(&out).expect("statement written");
    assert_eq!(csv.lines().count(), 1 + 8, "header + 4 beneficiaries × 2 rules");
    // Issue 10 case 8: `--data DIR ID` must not swallow the id.
    let explain = impatto(&["explain", "engine/tests/programmes/alpha-topup.toml", "--data", FIXTURE, "B1"]);
    assert!(explain.status.success(), "{}", stderr(&explain));
    let text = stdout(&explain);
    assert_eq!(text, stdout(&impatto(&["explain", "engine/tests/programmes/alpha-topup.toml", "B1", "--data", FIXTURE])));
    assert!(text.contains("rule grant (cost_share, grant): reduced"), "statuses as statements spell them:\n{text}");
    for step in [
        "50% × eligible costs €20,000.00 = 10,000",
        "JOB-01 = 2.5 FTE",
        "PAR-02 = 1 / 2",
        "target PAR-02 ≥ 50%: met",
        "budget: €9,433.96 of the €10,000.00 claimed",
        "paid by city €5,660.38, region €3,773.58",
    ] {
        assert!(text.contains(step), "missing {step:?} in:\n{text}");
    }
    // Issue 14: the steps in Italian, money and numbers as the Comune writes them.
    let italian = impatto(&["explain", "engine/tests/programmes/alpha-topup.toml", "B1", "--data", FIXTURE, "--lang", "it"]);
    let text = stdout(&italian);
    for step in [
        "50% × costi ammissibili € 20.000,00 = 10.000",
        "JOB-01 = 2,5 FTE",
        "obiettivo PAR-02 ≥ 50%: raggiunto",
        "budget: € 9.433,96 dei € 10.000,00 richiesti (ripartizione pro-rata)",
        "pagato da city € 5.660,38, region € 3.773,58",
    ] {
        assert!(text.contains(step), "missing {step:?} in:\n{text}");
    }
    assert!(!text.contains("eligible costs") && !text.contains("paid by"), "English left in:\n{text}");
    let unknown = impatto(&["explain", "engine/tests/programmes/alpha-topup.toml", "B8", "--data", FIXTURE]);
    assert_eq!(unknown.status.code(), Some(1), "B8 was not funded");
}

// Issue 10 case 8: the format asked for is the format written, to the terminal or a file, and a
// file's extension picks it when --format is not given.
#[test]
fn payout_writes_the_format_asked_for_where_it_is_asked() {
    let rules = "engine/tests/programmes/alpha-topup.toml";
    let json = impatto(&["payout", rules, "--data", FIXTURE, "--format", "json"]);
    assert!(json.status.success(), "{}", stderr(&json));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&json)).expect("JSON on stdout");
    assert_eq!(doc["totals"]["paid"], "50000.00");
    assert!(!stdout(&json).contains("\"-0.00\""), "no negative zero");
    let csv = impatto(&["payout", rules, "--data", FIXTURE, "--format", "csv"]);
    assert!(
        stdout(&csv).starts_with("programme,period,beneficiary,rule,kind,instrument,status,claim,amount,"),
        "{}",
        stdout(&csv)
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("s.csv");
    let by_extension = impatto(&["payout", rules, "--data", FIXTURE, "-o", file.to_str().expect("utf-8")]);
    assert!(by_extension.status.success(), "{}", stderr(&by_extension));
    assert_eq!(std::fs::read_to_string(&file).expect("written"), stdout(&csv), "-o x.csv writes the CSV");
    let parquet = impatto(&["payout", rules, "--data", FIXTURE, "--format", "parquet"]);
    assert_eq!(parquet.status.code(), Some(1));
    assert!(stderr(&parquet).contains("--format parquet needs --output FILE"), "{}", stderr(&parquet));
}

#[test]
fn run_writes_indicators_statements_and_a_summary_and_reruns_identically() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = |name: &str| dir.path().join(name);
    let args = |o: &str| {
        vec![
            "run".to_string(),
            "--data".into(),
            FIXTURE.into(),
            "--rules".into(),
            "engine/tests/programmes/alpha-topup.toml".into(),
            "engine/tests/programmes/beta-match.toml".into(),
            "--out".into(),
            o.to_string(),
        ]
    };
    let a = out("a");
    let first = impatto(&args(a.to_str().expect("utf-8")).iter().map(String::as_str).collect::<Vec<_>>());
    assert!(first.status.success(), "{}", stderr(&first));
    let summary = stdout(&first);
    assert!(
        summary.contains("alpha-topup") && summary.contains("paid       €50,000.00 of       €53,000.00 claimed"),
        "{summary}"
    );
    for f in [
        "indicators.csv",
        "indicators.json",
        "alpha-topup-final.json",
        "alpha-topup-final.csv",
        "beta-match-final.txt",
        "summary.txt",
    ] {
        assert!(a.join(f).is_file(), "{f} missing");
    }
    let b = out("b");
    let second = impatto(&args(b.to_str().expect("utf-8")).iter().map(String::as_str).collect::<Vec<_>>());
    assert!(second.status.success());
    for f in [
        "indicators.csv",
        "alpha-topup-final.json",
        "beta-match-final.csv",
        "report/it/alpha-topup-final.html",
        "report/en/index.html",
    ] {
        assert_eq!(std::fs::read(a.join(f)).expect("a"), std::fs::read(b.join(f)).expect("b"), "{f} differs between runs");
    }
    // The report: one page per statement and an index, in both languages, asking nothing of the
    // network (no script, no external address: it opens offline and can be archived).
    for lang in ["it", "en"] {
        for page in ["index", "alpha-topup-final", "beta-match-final"] {
            let html = std::fs::read_to_string(a.join(format!("report/{lang}/{page}.html"))).expect("a report page");
            assert!(html.starts_with("<!DOCTYPE html><html lang=\""), "{page}");
            assert!(html.contains(&format!("<html lang=\"{lang}\">")), "{lang}/{page}");
            assert!(!html.contains("<script") && !html.contains("src=\"http") && !html.contains("href=\"http"), "{lang}/{page}");
        }
    }
    let italian = std::fs::read_to_string(a.join("report/it/alpha-topup-final.html")).expect("it");
    // alpha-topup pays €50,000.00 (the summary above), written the Italian way.
    assert!(
        italian.contains("data-field=\"paid-grants\">€\u{a0}50.000,00<"),
        "the Italian page shows € 50.000,00 paid, symbol and digits kept together"
    );
    // The page of rule file `alpha-topup` shows the indicators of the programme it pays
    // (`data.programme = "alpha"`); it matched on the rule file's id before, and showed none.
    assert!(italian.contains("<p class=\"scope\">Indicatori del programma alpha, "), "the indicators of programme alpha");
    assert!(!italian.contains("Nessun indicatore"), "indicators shown");
    // A bad rule file fails before anything is written.
    let bad = out("bad.toml");
    std::fs::write(
        &bad,
        std::fs::read_to_string(workspace().join("engine/tests/programmes/beta-match.toml"))
            .expect("read")
            .replace("\"40%\"", "\"140%\""),
    )
    .expect("write");
    let c = out("c");
    let failed =
        impatto(&["run", "--data", FIXTURE, "--rules", bad.to_str().expect("utf-8"), "--out", c.to_str().expect("utf-8")]);
    assert_eq!(failed.status.code(), Some(1));
    assert!(
        stderr(&failed).contains("bad.toml:16: rule `match`: raise_at_least: expected a share from 0% to 100%, found \"140%\""),
        "{}",
        stderr(&failed)
    );
    assert!(!c.exists(), "nothing written on failure");
}

const STUDIES: &str = "indicators/tests/fixtures/studies";

fn json_of(args: &[&str]) -> serde_json::Value {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    let out = impatto(&all);
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).expect("JSON")
}

fn close(a: &serde_json::Value, b: f64) {
    let a = a.as_f64().expect("number");
    assert!((a - b).abs() <= 1e-9 * b.abs(), "{a} vs {b}");
}

#[test]
#[allow(clippy::excessive_precision)] // digits as R printed them, to trace them to reference.out
fn statistics_commands_on_user_files_match_r() {
    // Reference numbers: indicators/tests/fixtures/studies/reference.out (R survival, sandwich).
    let rossi = format!("{STUDIES}/rossi.csv");
    let s = json_of(&["survival", &rossi, "--time", "week", "--event", "arrest", "--by", "fin", "--at", "10,20,52"]);
    let row = &s["survival"][2];
    assert_eq!(
        (row["strata"].as_str(), row["time"].as_f64(), row["n_risk"].as_u64(), row["n_event"].as_u64()),
        (Some("fin=0"), Some(52.0), Some(154), Some(45))
    );
    close(&row["surv"], 0.69444444444444420);
    close(&row["std_err"], 0.031342740758626378);
    close(&row["lower"], 0.62828830759427456);
    close(&row["upper"], 0.75119093345674071);
    assert!(s["medians"][0]["median"].is_null(), "median not reached");
    let l = json_of(&["logrank", &rossi, "--time", "week", "--event", "arrest", "--by", "fin"]);
    close(&l["test"][0]["chisq"], 3.837569576549055);
    let p = json_of(&["proportion", "--successes", "42", "--trials", "69", "--method", "clopper-pearson"]);
    close(&p["estimates"][0]["ci_low"], 0.4837164379636161);
    let m = json_of(&["compare-means", &rossi, "--outcome", "prio", "--group", "fin"]);
    close(&m["estimates"][0]["df"], 429.91431886137241);
    let ck = format!("{STUDIES}/card_krueger_long.csv");
    let d = json_of(&["did", &ck, "--outcome", "fte", "--unit", "store_id", "--post", "post", "--treated", "nj", "--se", "hc1"]);
    close(&d["estimates"][0]["estimate"], 2.7536057829806673);
    close(&d["estimates"][0]["std_error"], 1.7954508096057429);
}

#[test]
fn statistics_commands_name_the_bad_input() {
    let rossi = format!("{STUDIES}/rossi.csv");
    let out = impatto(&["survival", &rossi, "--time", "week", "--event", "prio"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("column `prio`, row 2: expected 0 or 1 (1 = event), found 3"), "{}", stderr(&out));
    let out = impatto(&["compare-means", &rossi, "--outcome", "prio", "--group", "race"]);
    assert_eq!(out.status.code(), Some(0), "race has two values");
    let out = impatto(&["compare-means", &rossi, "--outcome", "prio", "--group", "age"]);
    assert!(stderr(&out).contains("column `age`: expected exactly 2 groups"), "{}", stderr(&out));
    let out = impatto(&["proportion", "--successes", "70", "--trials", "69"]);
    assert!(stderr(&out).contains("expected 0 ≤ successes ≤ trials"), "{}", stderr(&out));
}

#[test]
fn plots_render_as_svg_and_png() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rossi = format!("{STUDIES}/rossi.csv");
    let svg = dir.path().join("km.svg");
    let out = impatto(&[
        "plot",
        "survival",
        &rossi,
        "--time",
        "week",
        "--event",
        "arrest",
        "--by",
        "fin",
        "--output",
        svg.to_str().expect("utf-8"),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(&svg).expect("svg");
    // Both curves are labelled, and the number-at-risk row starts with everyone (216 per arm).
    assert!(
        text.starts_with("<svg") && text.contains("fin=0") && text.contains("fin=1") && text.contains(">\n216\n</text>"),
        "{}",
        &text[..200]
    );
    // Okabe-Ito's blue and vermillion, readable with any colour vision, and black for the axes;
    // the times of the number-at-risk row are printed (0 to 52 weeks in quarters: 13, 26, 39);
    // censored follow-ups are marked and the mark is in the legend.
    let colours: std::collections::BTreeSet<&str> = text.match_indices("stroke=\"#").map(|(i, _)| &text[i + 9..i + 15]).collect();
    assert_eq!(colours, ["000000", "0072B2", "D55E00"].into_iter().collect(), "{colours:?}");
    for time in ["13", "26", "39", "52"] {
        assert!(text.contains(&format!(">\n{time}\n</text>")), "at-risk time {time} labelled");
    }
    assert!(text.contains(">\ncensored\n</text>") && text.contains(">\nnumber at risk\n</text>"));
    let png = dir.path().join("km.png");
    let out =
        impatto(&["plot", "survival", &rossi, "--time", "week", "--event", "arrest", "--output", png.to_str().expect("utf-8")]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(&std::fs::read(&png).expect("png")[..8], b"\x89PNG\r\n\x1a\n");
    let results = dir.path().join("ind.csv");
    let out = impatto(&[
        "indicators",
        "--data",
        FIXTURE,
        "--by",
        "programme",
        "--small-cell",
        "1",
        "--format",
        "csv",
        "--output",
        results.to_str().expect("utf-8"),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let bars = dir.path().join("bars.svg");
    let out = impatto(&[
        "plot",
        "indicator",
        results.to_str().expect("utf-8"),
        "--indicator",
        "PAR-02",
        "--output",
        bars.to_str().expect("utf-8"),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(&bars).expect("svg");
    assert!(text.contains(">\nalpha\n</text>") && text.contains(">\nbeta\n</text>"), "group labels drawn");
    assert!(text.contains(">\nWomen share of participants (PAR-02)\n</text>"), "the title is the indicator's name");
    // Two breakdowns and survival horizons: every bar has its own label, in the language asked for
    // (the fixture has alpha in editions 2020 and 2021, beta in 2021; SUR-02 at 12, 24, 36 months).
    let two = dir.path().join("two.csv");
    let out = impatto(&[
        "indicators",
        "--data",
        FIXTURE,
        "--by",
        "programme,edition",
        "--small-cell",
        "1",
        "--only",
        "SUR-02",
        "--format",
        "csv",
        "--output",
        two.to_str().expect("utf-8"),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let svg = dir.path().join("two.svg");
    let out = impatto(&[
        "plot",
        "indicator",
        two.to_str().expect("utf-8"),
        "--indicator",
        "SUR-02",
        "--lang",
        "it",
        "--output",
        svg.to_str().expect("utf-8"),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(&svg).expect("svg");
    for edition in ["alpha · edizione 2020", "alpha · edizione 2021", "beta · edizione 2021"] {
        for months in [12, 24, 36] {
            let label = format!(">\n{edition} · a {months} mesi\n</text>");
            assert_eq!(text.matches(&label).count(), 1, "{label} once");
        }
    }
    let bad = impatto(&["plot", "survival", &rossi, "--time", "week", "--event", "arrest", "--output", "km.jpg"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(stderr(&bad).contains("expected a .svg or .png file name"), "{}", stderr(&bad));
}

#[test]
#[allow(clippy::excessive_precision)] // digits as R and pyfixest printed them, to trace them
fn event_study_from_the_command_line_matches_r_and_plots() {
    let st = format!("{STUDIES}/staggered.csv");
    let e = json_of(&["did", &st, "--outcome", "y", "--unit", "unit", "--period", "period", "--first-treated", "first_treated"]);
    let rows = e["estimates"].as_array().expect("rows");
    assert_eq!(
        rows.iter().map(|r| r["term"].as_str().expect("term")).collect::<Vec<_>>(),
        ["k=-4", "k=-3", "k=-2", "k=0", "k=1", "k=2", "k=3"]
    );
    close(&rows[3]["estimate"], 1.0174196609856636);
    // CR1 with fixest's correction, the default: pyfixest 0.60.0 (reference_pyfixest.py / .out).
    close(&rows[3]["std_error"], 0.15973510672407773);
    close(&rows[3]["p_value"], 5.300221763770985e-05);
    let lm = json_of(&[
        "did",
        &st,
        "--outcome",
        "y",
        "--unit",
        "unit",
        "--period",
        "period",
        "--first-treated",
        "first_treated",
        "--small-sample",
        "lm",
    ]);
    close(&lm["estimates"][3]["std_error"], 0.17709478129009815); // R lm + vcovCL HC1, reference.out
    let dir = tempfile::tempdir().expect("tempdir");
    let svg = dir.path().join("es.svg");
    let out = impatto(&[
        "plot",
        "event-study",
        &st,
        "--outcome",
        "y",
        "--unit",
        "unit",
        "--period",
        "period",
        "--first-treated",
        "first_treated",
        "--output",
        svg.to_str().expect("utf-8"),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(&svg).expect("svg");
    assert!(text.contains(">\nk=0\n</text>"));
    // The reference period, left out of the estimates, is drawn in its place between k=-2 and k=0.
    let at = |label: &str| text.find(&format!(">\n{label}\n</text>")).unwrap_or_else(|| panic!("{label} drawn"));
    assert!(at("k=-2") < at("k=-1 (reference)") && at("k=-1 (reference)") < at("k=0"));
    let both =
        impatto(&["did", &st, "--outcome", "y", "--unit", "unit", "--post", "period", "--treated", "unit", "--period", "period"]);
    assert_eq!(both.status.code(), Some(2), "--post and --period are two different designs");
}

// Issue 10 case 6: a programme's own indicator drives its rules through --definitions; without
// it the rule file names the indicator it does not know and says how to add it.
#[test]
fn a_programmes_own_definition_drives_its_rules() {
    let dir = tempfile::tempdir().expect("tempdir");
    let defs = dir.path().join("defs");
    std::fs::create_dir(&defs).expect("dir");
    let own = std::fs::read_to_string(workspace().join("indicators/definitions/PAR-02.toml"))
        .expect("PAR-02")
        .replace("id = \"PAR-02\"", "id = \"OWN-WOMEN\"");
    std::fs::write(defs.join("OWN-WOMEN.toml"), own).expect("write");
    let rules = dir.path().join("rules.toml");
    std::fs::write(
        &rules,
        std::fs::read_to_string(workspace().join("engine/tests/programmes/alpha-topup.toml"))
            .expect("rules")
            .replace("\"PAR-02\"", "\"OWN-WOMEN\""),
    )
    .expect("write");
    let rules = rules.to_str().expect("utf-8");
    let without = impatto(&["payout", rules, "--data", FIXTURE]);
    assert_eq!(without.status.code(), Some(1));
    assert!(
        stderr(&without).contains("unknown indicator `OWN-WOMEN`") && stderr(&without).contains("--definitions DIR"),
        "{}",
        stderr(&without)
    );
    let with = impatto(&["payout", rules, "--data", FIXTURE, "--definitions", defs.to_str().expect("utf-8"), "--format", "json"]);
    assert!(with.status.success(), "{}", stderr(&with));
    let original = impatto(&["payout", "engine/tests/programmes/alpha-topup.toml", "--data", FIXTURE, "--format", "json"]);
    let paid = |o: &Output| serde_json::from_str::<serde_json::Value>(&stdout(o)).expect("json")["totals"].clone();
    assert_eq!(paid(&with), paid(&original), "the same definition under another id pays the same");
}

// Issue 10 case 11: an outcomes fund outside Milan is paid without Milan's columns; a rule that
// needs one the panel lacks names it, and the rule, before anything is computed.
// Panel datasets/tests/fixtures/rate-card, as of 2025-12-31, worked by hand:
// PRV-1: YP-001 attendance from 2024-09-02 sustained 13 weeks → due 2024-12-02, 1,400.00;
//   YP-001 qualification_l1 2025-06-20, 1,100.00; YP-002's attendance lapsed after 6 weeks (no
//   claim); YP-003 none → 2,500.00.
// PRV-2: YP-004 attendance due 2024-12-02, 1,400.00; qualification_l2 2025-07-11, 3,300.00;
//   YP-005 employment from 2025-08-04 sustained 13 weeks → due 2025-11-03, 3,500.00 → 8,200.00.
#[test]
fn an_outcomes_fund_without_milan_columns_is_paid() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rules = dir.path().join("youth.toml");
    let card = r#"id = "youth-outcomes"
name = "Youth outcomes fund"
currency = "GBP"
budget = "100000.00 GBP"
data = { programme = "youth-outcomes" }
periods = [{ id = "2025", as_of = 2025-12-31 }]

[[payers]]
id = "dwp"
share = "100%"

[[rules]]
kind = "rate_card"
id = "card"
prices = [
  { outcome = "attendance_13w", event = "attendance", sustained_weeks = 13, price = "1400.00" },
  { outcome = "qualification_l1", price = "1100.00" },
  { outcome = "qualification_l2", price = "3300.00" },
  { outcome = "employment_13w", event = "employment", sustained_weeks = 13, price = "3500.00 GBP" },
]
"#;
    std::fs::write(&rules, card).expect("write");
    let data = "datasets/tests/fixtures/rate-card";
    let out = impatto(&["payout", rules.to_str().expect("utf-8"), "--data", data, "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert_eq!(doc["totals"]["paid"], "10700.00");
    let lines = doc["lines"].as_array().expect("lines");
    let of = |b: &str| -> Vec<(String, String, String)> {
        lines
            .iter()
            .filter(|l| l["beneficiary"] == b)
            .map(|l| {
                let c = &l["claim_ref"];
                (
                    c["participant"].as_str().unwrap_or("").into(),
                    c["due_on"].as_str().unwrap_or("").into(),
                    l["amount"].as_str().unwrap_or("").into(),
                )
            })
            .collect()
    };
    let t = |p: &str, d: &str, a: &str| (p.to_string(), d.to_string(), a.to_string());
    assert_eq!(of("PRV-1"), vec![t("YP-001", "2024-12-02", "1400.00"), t("YP-001", "2025-06-20", "1100.00")]);
    assert_eq!(
        of("PRV-2"),
        vec![t("YP-004", "2024-12-02", "1400.00"), t("YP-004", "2025-07-11", "3300.00"), t("YP-005", "2025-11-03", "3500.00")]
    );
    let grant = card.replace(
        "[[rules]]\nkind = \"rate_card\"",
        "[[rules]]\nkind = \"cost_share\"\nid = \"grant\"\nshare = \"50%\"\n\n[[rules]]\nkind = \"rate_card\"",
    );
    std::fs::write(&rules, grant).expect("write");
    let refused = impatto(&["payout", rules.to_str().expect("utf-8"), "--data", data]);
    assert_eq!(refused.status.code(), Some(1));
    let e = stderr(&refused);
    assert!(e.contains("no column `eligible_costs_cents`") && e.contains("needed by rule `grant` (cost_share)"), "{e}");
}

// Issue 10 case 11, the indicator side: an indicator whose columns the panel leaves out is
// skipped with the columns named, never computed over null-filled columns (PAR-02 would be 0 of
// 0, JOB-01 zero jobs); the others are computed. Five participants in the fixture.
#[test]
fn indicators_the_panel_cannot_feed_are_skipped_with_their_missing_columns() {
    let data = "datasets/tests/fixtures/rate-card";
    let out = impatto(&["indicators", "--data", data, "--as-of", "2025-12-31", "--format", "csv"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let e = stderr(&out);
    assert!(e.contains("skipped PAR-02: the panel lacks `participants.gender`"), "{e}");
    assert!(e.contains("skipped JOB-01: the panel lacks `panel.fte`, `panel.month`"), "{e}");
    let csv = stdout(&out);
    assert!(csv.lines().any(|l| l.starts_with("PAR-01,") && l.contains(",5.0,")), "{csv}");
    assert!(!csv.lines().any(|l| l.starts_with("PAR-02,") || l.starts_with("JOB-01,")), "{csv}");
    let no_as_of = impatto(&["indicators", "--data", data]);
    assert_eq!(no_as_of.status.code(), Some(1));
    assert!(stderr(&no_as_of).contains("hint: pass --as-of YYYY-MM-DD"), "{}", stderr(&no_as_of));
}

// Source: indicators/tests/fixtures/studies/field-cases/case-12-event-study-never-treated-zero
// (expected.md, reference.R: R 4.2.2 lm + sandwich::vcovCL HC1, t on 7 df). First-treated 0
// means never treated, said on stderr; no panic with classical standard errors.
#[test]
#[allow(clippy::excessive_precision)]
fn case_12_event_study_never_treated_zero() {
    let dir = format!("{STUDIES}/field-cases/case-12-event-study-never-treated-zero");
    let args = |file: &str, se: &str| -> Vec<String> {
        [
            "did",
            &format!("{dir}/{file}"),
            "--outcome",
            "occupati",
            "--unit",
            "comune",
            "--period",
            "anno",
            "--first-treated",
            "primo_anno_trattato",
            "--se",
            se,
            "--small-sample",
            "lm",
            "--format",
            "json",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    for file in ["staggered_zero.csv", "staggered_blank.csv"] {
        let a = args(file, "cluster");
        let out = impatto(&a.iter().map(String::as_str).collect::<Vec<_>>());
        assert!(out.status.success(), "{}", stderr(&out));
        let e: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        let rows = e["estimates"].as_array().expect("rows");
        assert_eq!(
            rows.iter().map(|r| r["term"].as_str().expect("term")).collect::<Vec<_>>(),
            ["k=-3", "k=-2", "k=0", "k=1", "k=2"]
        );
        close(&rows[2]["estimate"], 2.15517368421);
        close(&rows[2]["std_error"], 0.0837667807716);
        close(&rows[4]["ci_high"], 3.88007249277);
        let note = stderr(&out)
            .contains("`primo_anno_trattato` = 0 (3 units) is outside the observed periods 2019–2023: taken as never treated");
        assert_eq!(note, file == "staggered_zero.csv", "{}", stderr(&out));
    }
    let a = args("staggered_zero.csv", "classical");
    let out = impatto(&a.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(out.status.success(), "{}", stderr(&out));
}

// Source: indicators/tests/fixtures/studies/field-cases/case-02-median-ci-curve-hits-zero
// (expected.md, reference.R: R 4.2.2, survival 3.5.3, log-log): median 6 (3, NA); at month 11
// (Ŝ = 0) std.err and both limits are null, not 0.
#[test]
fn case_02_median_ci_curve_hits_zero() {
    let spells = format!("{STUDIES}/field-cases/case-02-median-ci-curve-hits-zero/spells.csv");
    let s = json_of(&["survival", &spells, "--time", "months", "--event", "closed"]);
    let m = &s["medians"][0];
    assert_eq!((m["median"].as_f64(), m["lower"].as_f64()), (Some(6.0), Some(3.0)));
    assert!(m["upper"].is_null(), "the upper band never reaches 0.5: {m}");
    let last = &s["survival"][4];
    assert_eq!(last["time"].as_f64(), Some(11.0));
    assert!(last["std_err"].is_null() && last["lower"].is_null() && last["upper"].is_null(), "{last}");
}

// Source: indicators/tests/fixtures/studies/field-cases/case-04-at-times-unsorted (expected.md,
// reference.R: R 4.2.2 summary(fit, times = c(1095, 365)), which sorts the times).
#[test]
#[allow(clippy::excessive_precision)]
fn case_04_at_times_unsorted() {
    let ovarian = format!("{STUDIES}/field-cases/case-04-at-times-unsorted/ovarian.csv");
    let s = json_of(&["survival", &ovarian, "--time", "futime", "--event", "fustat", "--at", "1095,365", "--conf-type", "log"]);
    let rows = s["survival"].as_array().expect("rows");
    let got: Vec<_> = rows.iter().map(|r| (r["time"].as_f64(), r["n_risk"].as_u64(), r["n_event"].as_u64())).collect();
    assert_eq!(got, vec![(Some(365.0), Some(20), Some(7)), (Some(1095.0), Some(4), Some(5))]);
    close(&rows[0]["surv"], 0.730769230769231);
    close(&rows[1]["surv"], 0.496732026143791);
    let out = impatto(&["survival", &ovarian, "--time", "futime", "--event", "fustat", "--at", "365,-1"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("--at: expected times ≥ 0, found -1"), "{}", stderr(&out));
}

// Source: indicators/tests/fixtures/studies/field-cases/case-05-proportion-zero-and-all
// (expected.md, reference.py: statsmodels 0.15.0 proportion_confint(0, 30, method="jeffreys") =
// (1.6231861223464347e-05, 0.07967817381726)); the boundary-adjusted version by name.
#[test]
#[allow(clippy::excessive_precision)]
fn case_05_proportion_zero_and_all() {
    let p = json_of(&["proportion", "--successes", "0", "--trials", "30", "--method", "jeffreys"]);
    close(&p["estimates"][0]["ci_low"], 1.6231861223464347e-05);
    close(&p["estimates"][0]["ci_high"], 0.07967817381726);
    let b = json_of(&["proportion", "--successes", "0", "--trials", "30", "--method", "jeffreys-boundary"]);
    assert_eq!(b["estimates"][0]["ci_low"].as_f64(), Some(0.0));
    assert_eq!(b["estimates"][0]["method"].as_str(), Some("jeffreys-boundary"));
    close(&b["estimates"][0]["ci_high"], 0.07967817381726);
}

// Source: indicators/tests/fixtures/studies/field-cases/case-11-did-twfe-organ-donations
// (expected.md, reference.R: R 4.2.2 lm(Rate ~ D + factor(State) + factor(Quarter)) +
// sandwich::vcovCL HC1, t on 26 df). The case's command without a period column is refused,
// naming --period, not answered with unit effects plus one post dummy.
#[test]
#[allow(clippy::excessive_precision)]
fn case_11_did_twfe_organ_donations() {
    let file = format!("{STUDIES}/field-cases/case-11-did-twfe-organ-donations/organ_donations.csv");
    let args = [
        "did",
        &file,
        "--outcome",
        "Rate",
        "--unit",
        "State",
        "--post",
        "post",
        "--treated",
        "california",
        "--se",
        "cluster",
        "--fixed-effects",
    ];
    let out = impatto(&args);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("give the period column (--period)"), "{}", stderr(&out));
    let mut with_period = args.to_vec();
    with_period.extend(["--period", "Quarter"]);
    // fixest's default correction: pyfixest 0.60.0 feols("Rate ~ D | State + Quarter", vcov=
    // {"CRV1": "State"}), expected.md and fixtures/studies/reference_pyfixest.out.
    let d = json_of(&with_period);
    close(&d["estimates"][0]["std_error"], 0.006131232005640857);
    close(&d["estimates"][0]["p_value"], 0.0011184831711179566);
    with_period.extend(["--small-sample", "lm"]);
    let d = json_of(&with_period);
    let e = &d["estimates"][0];
    close(&e["estimate"], -0.0224589743589694);
    close(&e["std_error"], 0.00672076552693934);
    close(&e["ci_low"], -0.0362737057498094);
    close(&e["ci_high"], -0.00864424296812941);
    assert_eq!((e["df"].as_f64(), e["n"].as_u64()), (Some(26.0), Some(162)));
}

// Issue 11 item 5 (no path from user data to a panic or to silent NaN): a NaN or infinite
// outcome is refused with its column and row; a fractional period or a unit with two
// first-treated periods is refused in the event study.
#[test]
fn statistics_refuse_non_finite_outcomes_and_inconsistent_periods() {
    let dir = tempfile::tempdir().expect("tempdir");
    let write = |name: &str, text: &str| -> String {
        let p = dir.path().join(name);
        std::fs::write(&p, text).expect("writes");
        p.to_str().expect("utf-8").to_string()
    };
    let es = write("es.csv", "u,p,f,y\nA,1,2,1\nA,2,2,2\nA,3,2,NaN\nB,1,0,1\nB,2,0,2\nB,3,0,3\n");
    let out = impatto(&["did", &es, "--outcome", "y", "--unit", "u", "--period", "p", "--first-treated", "f"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("column `y`, row 4: expected a finite number, found NaN"), "{}", stderr(&out));
    let frac = write("frac.csv", "u,p,f,y\nA,1.5,2,1\nA,2,2,2\n");
    let out = impatto(&["did", &frac, "--outcome", "y", "--unit", "u", "--period", "p", "--first-treated", "f"]);
    assert!(stderr(&out).contains("column `p`, row 2: expected a whole period number, found 1.5"), "{}", stderr(&out));
    let two = write("two.csv", "u,p,f,y\nA,1,2,1\nA,2,3,2\nA,3,2,2\nB,1,0,1\nB,2,0,2\nB,3,0,3\n");
    let out = impatto(&["did", &two, "--outcome", "y", "--unit", "u", "--period", "p", "--first-treated", "f"]);
    assert!(stderr(&out).contains("unit `A` has two first-treated periods (2 and 3)"), "{}", stderr(&out));
    let did = write("did.csv", "u,post,t,y\nA,0,1,1\nA,1,1,inf\nB,0,0,1\nB,1,0,1\n");
    let out = impatto(&["did", &did, "--outcome", "y", "--unit", "u", "--post", "post", "--treated", "t"]);
    assert!(stderr(&out).contains("column `y`, row 3: expected a finite number, found inf"), "{}", stderr(&out));
}

// Issue 11 item 1, one reader: the statistics commands and `validate` read CSV alike.

// Source: indicators/tests/fixtures/studies/field-cases/case-07-csv-semicolon-decimal-comma
// (expected.md, reference.R: R 4.2.2 read.csv2 + t.test; SheetJS #2239). `;`, decimal comma, CRLF.
#[test]
#[allow(clippy::excessive_precision)]
fn case_07_csv_semicolon_decimal_comma() {
    let file = format!("{STUDIES}/field-cases/case-07-csv-semicolon-decimal-comma/ricavi.csv");
    let s = json_of(&["compare-means", &file, "--outcome", "ricavi_k", "--group", "finanziata"]);
    let welch = &s["estimates"][0];
    assert_eq!(welch["method"].as_str(), Some("welch"), "{s}");
    close(&welch["estimate"], -3.65);
    close(&welch["std_error"], 1.1139269874338);
    close(&welch["df"], 7.22760434024304);
}

// Source: indicators/tests/fixtures/studies/field-cases/case-09-csv-r-export-NA (expected.md,
// reference.R: R 4.2.2 survdiff on survival::colon written by write.csv). `NA` is missing: 2 df.
#[test]
#[allow(clippy::excessive_precision)]
fn case_09_csv_r_export_na() {
    let file = format!("{STUDIES}/field-cases/case-09-csv-r-export-NA/colon_deaths.csv");
    let s = json_of(&["logrank", &file, "--time", "time", "--event", "status", "--by", "differ"]);
    close(&s["test"][0]["chisq"], 17.1890944410285);
    assert_eq!(s["test"][0]["df"].as_u64(), Some(2));
    assert_eq!(s["groups"].as_array().map(Vec::len), Some(3), "{s}");
    let out = impatto(&["logrank", &file, "--time", "time", "--event", "status", "--by", "differ"]);
    assert!(stderr(&out).contains("23 row(s) with a missing time, event or group left out"), "{}", stderr(&out));
}

// Source: indicators/tests/fixtures/studies/field-cases/case-10-csv-float-after-row-100
// (expected.md, reference.R: R 4.2.2 t.test; pola-rs/polars#12692). First decimal at data row 121.
#[test]
#[allow(clippy::excessive_precision)]
fn case_10_csv_float_after_row_100() {
    let file = format!("{STUDIES}/field-cases/case-10-csv-float-after-row-100/salaries.csv");
    let s = json_of(&["compare-means", &file, "--outcome", "monthly_wage", "--group", "group"]);
    close(&s["estimates"][0]["estimate"], -127.673333333333);
    close(&s["estimates"][0]["std_error"], 37.5768506144688);
    close(&s["estimates"][0]["df"], 147.698730821297);
}

// Source: datasets/tests/fixtures/field-cases/case-18-panel-csv-semicolon-decimal-comma
// (expected.md; SheetJS #2239): a `;` panel with `fte` written `1,5` validates (exit 0).
#[test]
fn case_18_panel_csv_semicolon_decimal_comma() {
    let out =
        impatto(&["validate", "--data", "datasets/tests/fixtures/field-cases/case-18-panel-csv-semicolon-decimal-comma/panel"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("0 error(s)"), "{}", stderr(&out));
}

// A decimal comma that cannot be detected (a tab file here, with one `.` cell) is declared with
// --decimal-comma; a cell the file's decimal mark cannot read is named with its row.
#[test]
fn a_decimal_comma_is_declared_with_a_flag_and_a_cell_it_cannot_read_is_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("x.tsv");
    std::fs::write(&file, "g\ty\r\na\t1,5\r\na\t2,5\r\nb\t3\r\nb\t4,25\r\nb\t1\r\n").expect("write");
    let f = file.to_str().expect("utf-8");
    let s = json_of(&["compare-means", f, "--outcome", "y", "--group", "g", "--decimal-comma"]);
    close(&s["estimates"][0]["estimate"], 2.0 - (3.0 + 4.25 + 1.0) / 3.0);
    std::fs::write(&file, "g\ty\na\t1,5\na\t2.5\nb\t3\nb\t4\n").expect("write");
    let out = impatto(&["compare-means", f, "--outcome", "y", "--group", "g"]);
    assert_eq!(out.status.code(), Some(1));
    let e = stderr(&out);
    assert!(e.contains("column `y`, row 2: expected a number, found `1,5`") && e.contains("--decimal-comma"), "{e}");
    let comma_separated = dir.path().join("y.csv");
    std::fs::write(&comma_separated, "g,y\na,1\n").expect("write");
    let out = impatto(&[
        "compare-means",
        comma_separated.to_str().expect("utf-8"),
        "--outcome",
        "y",
        "--group",
        "g",
        "--decimal-comma",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("`,` also separates the fields"), "{}", stderr(&out));
}

// Rows left out of a difference-in-differences for a missing value (`NA`, `.`, empty) are
// counted on stderr, as for the other statistics commands.
#[test]
fn did_counts_the_rows_left_out_for_missing_values() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("d.csv");
    let mut text = String::from("y,unit,post,treated\n");
    for (i, y) in ["1", "2", "3", "5", "2", "3", "4", "7", "NA", "."].iter().enumerate() {
        text.push_str(&format!("{y},u{},{},{}\n", i % 4, (i / 2) % 2, i % 2));
    }
    std::fs::write(&file, text).expect("write");
    let out = impatto(&[
        "did",
        file.to_str().expect("utf-8"),
        "--outcome",
        "y",
        "--unit",
        "unit",
        "--post",
        "post",
        "--treated",
        "treated",
        "--se",
        "hc1",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("2 row(s) with a missing `y`, `unit`, `post`, `treated` left out"), "{}", stderr(&out));
}

// Missing-value tokens beyond empty, NA, . and NULL are declared with --missing; the rows are
// left out and counted.
#[test]
fn missing_value_tokens_are_declared_with_a_flag() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("m.csv");
    std::fs::write(&file, "g,y\na,1\na,2\na,n.d.\nb,4\nb,6\nb,-\n").expect("write");
    let f = file.to_str().expect("utf-8");
    let refused = impatto(&["compare-means", f, "--outcome", "y", "--group", "g"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(stderr(&refused).contains("row 4: expected a number, found `n.d.`"), "{}", stderr(&refused));
    let out = impatto(&["compare-means", f, "--outcome", "y", "--group", "g", "--missing", "n.d.,-", "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("2 row(s) with a missing outcome or group left out"), "{}", stderr(&out));
    let s: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    close(&s["estimates"][0]["estimate"], 1.5 - 5.0);
}

// Issue 11 item 5 on the command line: vcov names and the small-sample correction against
// pyfixest 0.60.0 (fixtures/studies/reference_pyfixest.py / .out), singletons counted on
// stderr, HC2 with fixed effects and a design without control units refused by name.
#[test]
#[allow(clippy::excessive_precision)]
fn did_vcov_types_small_sample_and_singletons() {
    let ck = format!("{STUDIES}/card_krueger_long.csv");
    let base = ["did", &ck, "--outcome", "fte", "--unit", "store_id", "--post", "post", "--treated", "nj"];
    let with = |extra: &[&'static str]| -> Vec<&str> { base.iter().copied().chain(extra.iter().copied()).collect() };
    let d = json_of(&with(&["--se", "HC3"]));
    close(&d["estimates"][0]["std_error"], 1.8161283871042304);
    assert_eq!(d["estimates"][0]["method"].as_str(), Some("HC3"));
    let out = impatto(&with(&["--fixed-effects", "--format", "json"]));
    assert!(out.status.success(), "{}", stderr(&out));
    let d: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    close(&d["estimates"][0]["std_error"], 1.3377230281804713);
    close(&d["estimates"][0]["ci_low"], 0.11979949392001243);
    assert_eq!((d["estimates"][0]["n"].as_u64(), d["estimates"][0]["df"].as_f64()), (Some(768), Some(383.0)));
    assert!(stderr(&out).contains("26 row(s) whose unit or period is seen only once"), "{}", stderr(&out));
    let out = impatto(&with(&["--fixed-effects", "--se", "HC2"]));
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("HC2 standard errors are not defined with absorbed unit fixed effects"), "{}", stderr(&out));

    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("treated_only.csv");
    std::fs::write(&file, "y,unit,post,nj\n1,a,0,1\n2,a,1,1\n3,b,0,1\n5,b,1,1\n2,c,0,1\n2,c,1,1\n").expect("write");
    let out =
        impatto(&["did", file.to_str().expect("utf-8"), "--outcome", "y", "--unit", "unit", "--post", "post", "--treated", "nj"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("rank-deficient: no rows with `nj` = 0 and `post` = 0 (control, before)"), "{}", stderr(&out));
}

// Issue 11 item 6 on the command line. Sources: proportion, statsmodels 0.15.0
// (fixtures/studies/reference_proportions.py / .out): proportions_ztest([42, 30], [69, 70]) z
// 2.124953533793431, p 0.03359049032016118; confint_proportions_2indep(..., method=
// "agresti-caffo") (0.013821831823892794, 0.3363346626987988). compare-means and logrank, R 4.2.2
// (fixtures/studies/reference_issue11.R / .out).
#[test]
#[allow(clippy::excessive_precision)]
fn proportion_compare_means_and_logrank_report_what_researchers_expect() {
    let p = json_of(&[
        "proportion",
        "--successes",
        "42",
        "--trials",
        "69",
        "--successes2",
        "30",
        "--trials2",
        "70",
        "--diff-method",
        "agresti-caffo",
    ]);
    let rows = p["estimates"].as_array().expect("rows");
    let terms: Vec<_> = rows.iter().map(|r| (r["term"].as_str().expect("term"), r["method"].as_str().expect("method"))).collect();
    assert_eq!(terms, [("p", "wilson"), ("p2", "wilson"), ("p - p2", "agresti-caffo"), ("p - p2", "z-test (pooled)")]);
    close(&rows[2]["ci_low"], 0.013821831823892794);
    close(&rows[2]["ci_high"], 0.3363346626987988);
    close(&rows[3]["statistic"], 2.124953533793431);
    close(&rows[3]["p_value"], 0.03359049032016118);

    let rossi = format!("{STUDIES}/rossi.csv");
    let m = json_of(&["compare-means", &rossi, "--outcome", "prio", "--group", "fin", "--reference", "0"]);
    let welch = &m["estimates"][0];
    assert_eq!(welch["term"].as_str(), Some("fin=1 - fin=0"));
    close(&welch["estimate"], -0.0046296296296297612);
    close(&welch["ci_low"], -0.55299944804754342);
    close(&welch["statistic"], -0.016593773432428474);
    let arms = m["arms"].as_array().expect("arms");
    assert_eq!((arms[0]["group"].as_str(), arms[0]["n"].as_u64()), (Some("fin=0"), Some(216)));
    close(&arms[0]["mean"], 2.9861111111111112);
    close(&arms[0]["sd"], 2.9198266381583728);
    close(&arms[1]["sd"], 2.8788934614615678);
    let out = impatto(&["compare-means", &rossi, "--outcome", "prio", "--group", "fin", "--reference", "control"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("--reference: expected one of the groups in column `fin`"), "{}", stderr(&out));
    assert!(stderr(&out).contains("(0, 1), found `control`"), "{}", stderr(&out));

    let l = json_of(&["logrank", &rossi, "--time", "week", "--event", "arrest", "--by", "fin"]);
    let g = &l["groups"][0];
    close(&g["var"], 28.323198165154732);
    close(&g["(O-E)^2/E"], 1.9557954731478171);
    close(&g["(O-E)^2/V"], 3.8375695765490558);
}

// The statistics commands' files get the same care as panels: a row longer than the header is
// named with its row (as a spreadsheet numbers it), not polars' parser message and its options.
#[test]
fn a_statistics_file_with_a_long_row_names_the_row() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("x.csv");
    std::fs::write(&file, "g,y\na,1\na,2\nb,3,9\nb,4\n").expect("write");
    let out = impatto(&["compare-means", file.to_str().expect("utf-8"), "--outcome", "y", "--group", "g"]);
    assert_eq!(out.status.code(), Some(1));
    let e = stderr(&out);
    assert!(e.contains("x.csv: row 4: expected 2 fields as in the header, found 3"), "{e}");
    assert!(!e.contains("truncate_ragged_lines"), "{e}");
}

/// Every row says the small-cell threshold it was published under, and the readable table says
/// in words when suppression was off (`--small-cell 1`), so such output cannot pass for
/// protected output. 3 is every built-in definition's threshold (`Resolved::DEFAULT_SMALL_CELL`;
/// none sets its own).
#[test]
fn the_small_cell_threshold_is_stamped_on_every_row() {
    let data = workspace().join("datasets/examples/scuola-dei-quartieri");
    let data = data.to_str().expect("utf-8");
    let csv = stdout(&impatto(&["indicators", "--data", data, "--by", "programme,municipio", "--format", "csv"]));
    let header: Vec<&str> = csv.lines().next().expect("header").split(',').collect();
    let at = header.iter().position(|c| *c == "small_cell").expect("a small_cell column");
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| r.split(',').nth(at) == Some("3")), "{csv}");
    let method = header.iter().position(|c| *c == "disclosure").expect("a disclosure column");
    let stamp = "coordinated suppression k=3 over programme×municipio and margins; LP audit of the release";
    assert!(rows.iter().all(|r| r.split(',').nth(method) == Some(stamp)), "{csv}");
    let off =
        stdout(&impatto(&["indicators", "--data", data, "--by", "programme,municipio", "--small-cell", "1", "--format", "csv"]));
    assert!(off.lines().skip(1).all(|r| r.split(',').nth(at) == Some("1")), "{off}");
    assert!(off.lines().skip(1).all(|r| r.split(',').nth(method) == Some("none (small_cell 1: not for publication)")), "{off}");
    let table = stdout(&impatto(&["indicators", "--data", data, "--small-cell", "1"]));
    assert!(
        table.lines().next().is_some_and(|l| l.ends_with("small-cell suppression off (threshold 1): not for publication")),
        "{table}"
    );
    let table = stdout(&impatto(&["indicators", "--data", data]));
    assert!(
        table
            .lines()
            .next()
            .is_some_and(|l| l
                .ends_with("disclosure control: cells of fewer than 3 units withheld (coordinated suppression over total and margins; the whole release audited by linear programming)")),
        "{table}"
    );
}

/// `--csv-dialect excel-it` writes what Excel set to Italian opens as columns: a UTF-8 BOM, `;`
/// between fields, decimal commas and dd/mm/yyyy dates. Checked field by field against the
/// machine CSV of the same run (same header, same rows; each number and date rewritten and
/// nothing else), and on one line worked by hand: FabriQ Quarto 2018's FQ-2018-000002 claims
/// 50% × €77,779 = €38,889.50, capped by the bando at €35,000 → `35000,00`.
#[test]
fn the_excel_it_csv_dialect_rewrites_numbers_and_dates_and_nothing_else() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = workspace().join("datasets/examples/fabriq-quarto");
    let rules = data.join("rules-2018.toml");
    let run = |name: &str, dialect: &str| {
        let out = dir.path().join(name);
        let o = impatto(&[
            "run",
            "--data",
            data.to_str().expect("utf-8"),
            "--rules",
            rules.to_str().expect("utf-8"),
            "--out",
            out.to_str().expect("utf-8"),
            "--csv-dialect",
            dialect,
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        out
    };
    let (machine, excel) = (run("machine", "machine"), run("excel", "excel-it"));
    let read = |path: &Path, delimiter: u8| -> Vec<Vec<String>> {
        let bytes = std::fs::read(path).expect("written");
        let bytes = if delimiter == b';' {
            assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "{} starts with a UTF-8 BOM", path.display());
            &bytes[3..]
        } else {
            assert!(!bytes.starts_with(b"\xEF\xBB\xBF"), "the machine CSV {} has no BOM", path.display());
            &bytes[..]
        };
        csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .from_reader(bytes)
            .records()
            .map(|r| r.expect("a CSV record").iter().map(String::from).collect())
            .collect()
    };
    for file in ["indicators.csv", "fabriq-quarto-2018-final.csv"] {
        let (m, e) = (read(&machine.join(file), b','), read(&excel.join(file), b';'));
        assert_eq!(m.len(), e.len(), "{file}: same rows");
        assert_eq!(m[0], e[0], "{file}: same header");
        for (row, (m, e)) in m.iter().zip(&e).enumerate().skip(1) {
            assert_eq!(m.len(), e.len(), "{file} line {}", row + 1);
            for (column, (m, e)) in m.iter().zip(e).enumerate() {
                let expected = if m.parse::<f64>().is_ok() && m.contains('.') {
                    m.replacen('.', ",", 1)
                } else if let Ok(date) = chrono::NaiveDate::parse_from_str(m, "%Y-%m-%d") {
                    date.format("%d/%m/%Y").to_string()
                } else {
                    m.clone()
                };
                assert_eq!(e, &expected, "{file} line {} column {}", row + 1, column + 1);
            }
        }
    }
    let statement = read(&excel.join("fabriq-quarto-2018-final.csv"), b';');
    let column = |name: &str| statement[0].iter().position(|h| h == name).expect(name);
    let line = statement
        .iter()
        .find(|l| l[column("beneficiary")] == "FQ-2018-000002" && l[column("rule")] == "grant")
        .expect("FQ-2018-000002's grant");
    assert_eq!(line[column("claim")], "35000,00");
    assert_eq!(line[column("as_of")], "31/12/2022");
}

/// INV-01 divides two sums of money. The machine formats keep them in cents, exact integers,
/// and say so (`numerator_unit = "cents"`); the table people read shows currency units, so
/// FabriQ Quarto's private investment reads as about €0.7 M, not as 68 M.
#[test]
fn a_ratio_of_money_shows_its_terms_in_currency_units() {
    let data = workspace().join("datasets/examples/fabriq-quarto");
    let run = |format: &str| {
        let o = impatto(&["indicators", "--data", data.to_str().expect("utf-8"), "--only", "INV-01", "--format", format]);
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
    };
    let json: serde_json::Value = serde_json::from_str(&run("json")).expect("JSON");
    let row = &json["results"][0];
    assert_eq!(row["numerator_unit"], "cents");
    assert_eq!(row["denominator_unit"], "cents");
    let (cents_num, cents_den) = (row["numerator"].as_f64().expect("num"), row["denominator"].as_f64().expect("den"));
    assert_eq!(cents_num.fract(), 0.0, "cents are whole");
    let table = run("table");
    let line = table.lines().find(|l| l.starts_with("INV-01")).expect("INV-01's line");
    let shown: Vec<&str> = line.split_whitespace().collect();
    // Grouped in thousands for people: 686,722.00.
    assert_eq!(shown[2].replace(',', ""), format!("{:.2}", cents_num / 100.0), "{line}");
    assert_eq!(shown[3].replace(',', ""), format!("{:.2}", cents_den / 100.0), "{line}");
    assert!(table.contains("in currency units"), "{table}");
}

/// A rule file may word a rule's interpretation in Italian and English (`{ it, en }`, as the
/// definitions' names): each reader gets their language, and the machine formats keep both.
/// FabriQ Quarto 2019's premium, worded in the example rule file.
#[test]
fn a_rules_interpretation_is_read_in_the_readers_language() {
    let rules = "datasets/examples/fabriq-quarto/rules-2019.toml";
    let data = "datasets/examples/fabriq-quarto";
    let explain = |lang: &str| {
        let o = impatto(&["explain", rules, "FQ-2019-000002", "--data", data, "--lang", lang]);
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
    };
    let (it, en) = (explain("it"), explain("en"));
    assert!(it.contains("testo 2019: +10 punti percentuali di cofinanziamento"), "{it}");
    assert!(!it.contains("2019 wording"), "{it}");
    assert!(en.contains("2019 wording: +10 percentage points of co-financing"), "{en}");
    let json = impatto(&["payout", rules, "--data", data, "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON statement");
    let premium =
        json["lines"].as_array().expect("lines").iter().find(|l| l["rule"] == "impact-premium").expect("a premium line");
    let both = premium["interpretation"].as_str().expect("text");
    assert!(both.starts_with("it: testo 2019") && both.contains(" | en: 2019 wording"), "{both}");
    // Half a translation is refused at load, naming the line.
    let dir = tempfile::tempdir().expect("tempdir");
    let half = dir.path().join("half.toml");
    let text = std::fs::read_to_string(workspace().join(rules)).expect("rules");
    let line = text.lines().position(|l| l.starts_with("interpretation")).expect("an interpretation") + 1;
    let text: String = text
        .lines()
        .map(|l| if l.starts_with("interpretation") { "interpretation = { it = \"solo italiano\" }" } else { l })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(&half, text).expect("write");
    let o = impatto(&["payout", half.to_str().expect("utf-8"), "--data", data]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains(&format!("half.toml:{line}: rule `impact-premium`: interpretation: expected a text, or {{ it = \"…\", en = \"…\" }} with both languages, found only `it`")),
        "{}",
        stderr(&o)
    );
}

/// Issue 14: a programme's name in each language when its rule file gives both
/// (`name = { it = "…", en = "…" }`, the Bandi 266 example): `explain` heads its trace with the
/// reader's; an empty one is refused at load, naming the field.
#[test]
fn a_programme_named_in_italian_and_english_is_read_in_each() {
    let rules = "datasets/examples/mi15/rules-bandi-266.toml";
    let explain = |lang: &str| {
        let out = impatto(&[
            "explain",
            rules,
            "--data",
            "datasets/examples/mi15",
            "--period",
            "2023",
            "--lang",
            lang,
            "MI-2022-000001",
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
        stdout(&out).lines().next().unwrap_or_default().to_string()
    };
    assert!(
        explain("it").starts_with("Bandi 266 - contributi e finanziamenti agevolati (bandi-266) — beneficiario MI-2022-000001")
    );
    assert!(explain("en").starts_with("Bandi 266 - grants and subsidised loans (bandi-266) — beneficiary MI-2022-000001"));

    let dir = tempfile::tempdir().expect("tempdir");
    let text = std::fs::read_to_string(workspace().join(rules)).expect("rules");
    let blank = dir.path().join("blank.toml");
    std::fs::write(&blank, text.replace("it = \"Bandi 266 - contributi e finanziamenti agevolati\"", "it = \" \""))
        .expect("write");
    let out = impatto(&["payout", blank.to_str().expect("utf-8"), "--data", "datasets/examples/mi15"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let message = stderr(&out);
    assert!(message.contains("blank.toml:5") && message.contains("name") && message.contains("empty"), "{message}");
}

/// Issue 14: the table people read is in the reader's language: headers, units, numbers as
/// Italians write them (decimal comma, thousands point, `;` between an interval's limits), the
/// date, and the indicators' names under it. Each Italian cell is the English one rewritten.
#[test]
fn the_indicator_table_reads_in_italian() {
    let data = workspace().join("datasets/examples/fabriq-quarto");
    let table = |lang: &str| {
        let o = impatto(&["indicators", "--data", data.to_str().expect("utf-8"), "--only", "FND-01,INV-01", "--lang", lang]);
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
    };
    let (it, en) = (table("it"), table("en"));
    assert!(it.starts_with("al 31/12/2025 · dati sha256:"), "{it}");
    let header = it.lines().nth(1).expect("header");
    for h in ["indicatore", "valore", "IC 95%", "unità"] {
        assert!(header.contains(h), "{header}");
    }
    let italian = |english: &str| {
        english.replace(", ", "\u{1}").replace(',', "\u{0}").replace('.', ",").replace('\u{0}', ".").replace('\u{1}', "; ")
    };
    for id in ["FND-01", "INV-01"] {
        let row = |text: &str| text.lines().find(|l| l.starts_with(id)).expect("row").to_string();
        let numbers = |line: &str| -> Vec<String> {
            let cells: Vec<String> = line.split_whitespace().map(String::from).collect();
            cells[1..cells.len() - 1].to_vec()
        };
        assert_eq!(numbers(&row(&it)), numbers(&italian(&row(&en))), "{id}\n{it}\n{en}");
    }
    assert!(it.contains("52,1%") && it.contains("[38,3%; 65,5%]") && it.contains("686.722,00"), "{it}");
    assert!(
        it.contains("FND-01  Quota di donne tra i fondatori") && en.contains("FND-01  Women share of founders"),
        "{it}\n{en}"
    );
    assert!(it.contains(" quota") && it.contains(" rapporto"), "units in Italian:\n{it}");
    // The disclosure control in words (one table, the total).
    assert!(
        it.contains("unità non pubblicate (soppressione coordinata su totale e margini;")
            && !it.contains("coordinated suppression"),
        "{it}"
    );
}
