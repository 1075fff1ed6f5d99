//! What a partner does without Rust, end to end through the binary: make a key, sign off a
//! definition, verify, see the sign-off on every result row, change the file and see it lapse,
//! and see an edited record refused.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root").to_path_buf()
}

fn impatto(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_impatto"))
        .args(args)
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C.UTF-8")
        .current_dir(dir)
        .output()
        .expect("impatto runs")
}

/// A copy of a CSV panel: every `.csv` table of `from` in a new directory `to`.
fn copy_panel(from: &Path, to: &Path) {
    std::fs::create_dir(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("panel directory") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "csv") {
            std::fs::copy(&path, to.join(path.file_name().expect("name"))).expect("copy");
        }
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn a_signed_definition_verifies_stamps_its_rows_lapses_when_changed_and_a_tampered_record_fails() {
    let dir = tempfile::tempdir().expect("tempdir");
    let here = dir.path();
    std::fs::create_dir(here.join("defs")).expect("mkdir");
    std::fs::copy(workspace().join("indicators/definitions/FND-01.toml"), here.join("defs/FND-01.toml")).expect("copy");
    let data = workspace().join("datasets/examples/fabriq-quarto");
    let data = data.to_str().expect("utf-8");

    let keygen = impatto(here, &["signoff", "keygen", "--by", "Lab", "--role", "scientific lead", "--out", "lab.key"]);
    assert!(keygen.status.success(), "{}", text(&keygen.stderr));
    std::fs::write(here.join("defs/signers.keyring"), &keygen.stdout).expect("keyring");
    assert!(text(&keygen.stdout).contains("public_key = \"ed25519:"), "{}", text(&keygen.stdout));
    // A second keygen to the same file would destroy the first key: refused.
    assert!(!impatto(here, &["signoff", "keygen", "--by", "Lab", "--role", "x", "--out", "lab.key"]).status.success());

    // Before: a draft, which `check --require-signoff` refuses.
    let check = impatto(here, &["check", "defs", "--require-signoff"]);
    assert_eq!(check.status.code(), Some(1));
    assert!(text(&check.stdout).contains("draft"), "{}", text(&check.stdout));

    let sign = impatto(
        here,
        &["signoff", "defs/FND-01.toml", "--by", "Lab", "--role", "scientific lead", "--key", "lab.key", "--date", "2026-12-01"],
    );
    assert!(sign.status.success(), "{}", text(&sign.stderr));
    let verify = impatto(here, &["signoff", "verify", "defs"]);
    assert!(verify.status.success(), "{}", text(&verify.stdout));
    assert!(text(&verify.stdout).contains("signed: Lab (scientific lead), 2026-12-01"), "{}", text(&verify.stdout));
    assert!(impatto(here, &["check", "defs", "--require-signoff"]).status.success());

    // Every row the definition makes carries its sign-off.
    let rows = impatto(here, &["indicators", "--data", data, "--definitions", "defs", "--by", "edition", "--format", "json"]);
    assert!(rows.status.success(), "{}", text(&rows.stderr));
    let json: serde_json::Value = serde_json::from_slice(&rows.stdout).expect("json");
    let results = json["results"].as_array().expect("results");
    assert!(results.len() > 1);
    assert!(results.iter().all(|r| r["signoff"] == "signed: Lab (scientific lead), 2026-12-01"), "{json}");

    // The city's own keyring, kept apart from the definitions, decides with --keyring; a
    // keyring named and absent is an error, not a keyring that trusts nobody.
    std::fs::rename(here.join("defs/signers.keyring"), here.join("city.keyring")).expect("move keyring");
    let first_signoff = |args: &[&str]| -> String {
        let mut all = vec!["indicators", "--data", data, "--definitions", "defs", "--format", "json"];
        all.extend_from_slice(args);
        let out = impatto(here, &all);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        json["results"][0]["signoff"].as_str().expect("signoff").to_string()
    };
    assert_eq!(first_signoff(&[]), "draft", "no keyring beside the file: nobody is trusted");
    assert_eq!(first_signoff(&["--keyring", "city.keyring"]), "signed: Lab (scientific lead), 2026-12-01");
    assert!(impatto(here, &["check", "defs", "--require-signoff", "--keyring", "city.keyring"]).status.success());
    let absent = impatto(here, &["indicators", "--data", data, "--definitions", "defs", "--keyring", "nowhere.keyring"]);
    assert_eq!(absent.status.code(), Some(1));
    assert!(
        text(&absent.stderr).contains("nowhere.keyring")
            && text(&absent.stderr).contains("expected a keyring file")
            && text(&absent.stderr).contains("found no file at this path"),
        "{}",
        text(&absent.stderr)
    );
    std::fs::rename(here.join("city.keyring"), here.join("defs/signers.keyring")).expect("restore keyring");

    // A tampered record (the role edited in the text) fails verification.
    let records = here.join("defs/FND-01.toml.signoff");
    let original = std::fs::read_to_string(&records).expect("records");
    std::fs::write(&records, original.replace("role = \"scientific lead\"", "role = \"director\"")).expect("tamper");
    let tampered = impatto(here, &["signoff", "verify", "defs"]);
    assert_eq!(tampered.status.code(), Some(1));
    assert!(text(&tampered.stdout).contains("FORGED"), "{}", text(&tampered.stdout));
    std::fs::write(&records, &original).expect("restore");

    // Changing the threshold of the definition (its content) lapses the sign-off by itself.
    let definition = here.join("defs/FND-01.toml");
    let before = std::fs::read_to_string(&definition).expect("definition");
    std::fs::write(&definition, before.replace("version = \"1.0.1\"", "version = \"1.1.0\"") + "confidence = 0.9\n")
        .expect("edit");
    let lapsed = impatto(here, &["signoff", "verify", "defs"]);
    assert_eq!(lapsed.status.code(), Some(1));
    assert!(
        text(&lapsed.stdout).contains("draft (lapsed: Lab (scientific lead), 2026-12-01)")
            && text(&lapsed.stdout).contains("lapsed (the file changed since)"),
        "{}",
        text(&lapsed.stdout)
    );
    let rows = impatto(here, &["indicators", "--data", data, "--definitions", "defs", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&rows.stdout).expect("json");
    assert_eq!(json["results"][0]["signoff"], "draft (lapsed: Lab (scientific lead), 2026-12-01)", "{json}");
    assert_eq!(impatto(here, &["check", "defs", "--require-signoff"]).status.code(), Some(1));
}

#[test]
fn an_official_run_refuses_unsigned_rules_and_definitions() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rules = workspace().join("datasets/examples/fabriq-quarto/rules-2019.toml");
    let data = workspace().join("datasets/examples/fabriq-quarto");
    let out = impatto(
        dir.path(),
        &[
            "run",
            "--official",
            "--data",
            data.to_str().expect("utf-8"),
            "--rules",
            rules.to_str().expect("utf-8"),
            "--out",
            "out",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let e = text(&out.stderr);
    assert!(e.contains("expected every rule file signed off as it is") && e.contains("rules-2019.toml (draft"), "{e}");
    assert!(!dir.path().join("out").exists(), "nothing written");
}

/// The built-in golden results, as a partner's fixture, pass; a changed definition fails row by
/// row, naming the line of the expected file, the column, and both values; `--init` starts a
/// fixture in the same format.
#[test]
fn impatto_test_runs_partners_fixtures_and_names_each_difference() {
    let root = workspace();
    let ok = impatto(&root, &["test", "indicators/definitions", "--fixtures", "indicators/tests/fixtures/partner"]);
    assert!(ok.status.success(), "{}{}", text(&ok.stdout), text(&ok.stderr));
    // The hand-worked cases (see each expected.csv): what is withheld by programme at the
    // default threshold, with and without ENT-03 beside ENT-01, and Clopper-Pearson limits.
    assert_eq!(
        text(&ok.stdout),
        "ok    indicators/tests/fixtures/partner/by-programme-counts  (3 rows)\n\
         ok    indicators/tests/fixtures/partner/by-programme-withheld  (6 rows)\n\
         ok    indicators/tests/fixtures/partner/clopper-pearson  (1 row)\n\
         ok    indicators/tests/fixtures/partner/small-total  (33 rows)\n"
    );

    // FND-01 with a 90% interval: the value stays 10/17, the Wilson limits move. The golden's
    // 95% limits (statsmodels, see small_total.csv) no longer hold.
    let dir = tempfile::tempdir().expect("tempdir");
    let defs = dir.path().join("defs");
    std::fs::create_dir(&defs).expect("mkdir");
    for entry in std::fs::read_dir(root.join("indicators/definitions")).expect("definitions") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "toml") {
            std::fs::copy(&path, defs.join(path.file_name().expect("name"))).expect("copy");
        }
    }
    let fnd = defs.join("FND-01.toml");
    let text_before = std::fs::read_to_string(&fnd).expect("read");
    std::fs::write(&fnd, text_before + "confidence = 0.9\n").expect("write");
    let fixtures = root.join("indicators/tests/fixtures/partner");
    let failed = impatto(dir.path(), &["test", "defs", "--fixtures", fixtures.to_str().expect("utf-8")]);
    assert_eq!(failed.status.code(), Some(1));
    let out = text(&failed.stdout);
    assert!(out.contains("FAIL") && out.contains("(2 difference(s) in 33 rows)"), "{out}");
    let line = out.lines().find(|l| l.contains("FND-01") && l.contains("ci_low")).expect("a ci_low line");
    assert!(line.contains("small_total.csv:12") && line.contains("ci_low: expected 0.3600544264299978, found"), "{line}");
    assert!(!out.contains("value: expected"), "the value did not change: {out}");

    // A fixture that cannot run (an interval method impatto does not have) fails alone.
    let mixed = dir.path().join("mixed");
    for (name, ci) in [("good", "clopper-pearson"), ("bad", "wald")] {
        std::fs::create_dir_all(mixed.join(name)).expect("mkdir");
        let spec = std::fs::read_to_string(fixtures.join("clopper-pearson/fixture.toml")).expect("spec");
        let data = root.join("indicators/tests/fixtures/small");
        let spec = spec
            .replace("\"clopper-pearson\"", &format!("\"{ci}\""))
            .replace("\"../../small\"", &format!("{:?}", data.to_str().expect("utf-8")));
        std::fs::write(mixed.join(name).join("fixture.toml"), spec).expect("write");
        std::fs::copy(fixtures.join("clopper-pearson/expected.csv"), mixed.join(name).join("expected.csv")).expect("copy");
    }
    let both = impatto(dir.path(), &["test", "--fixtures", "mixed"]);
    assert_eq!(both.status.code(), Some(1));
    let out = text(&both.stdout);
    assert!(out.contains("FAIL  mixed/bad  (cannot run: ") && out.contains("wald"), "{out}");
    assert!(out.contains("ok    mixed/good  (1 row)"), "{out}");

    let init = impatto(dir.path(), &["test", "--fixtures", "mine", "--init", "ENT-03"]);
    assert!(init.status.success(), "{}", text(&init.stderr));
    let expected = std::fs::read_to_string(dir.path().join("mine/ent-03/expected.csv")).expect("written");
    assert!(expected.lines().any(|l| l.starts_with("ENT-03,,,0.3333333333333333,1,3,")), "{expected}");
    assert!(impatto(dir.path(), &["test", "--fixtures", "mine"]).status.success());
    let again = impatto(dir.path(), &["test", "--fixtures", "mine", "--init", "ENT-03"]);
    assert_eq!(again.status.code(), Some(1), "an existing fixture is not overwritten");
}

/// `impatto diff`: a changed definition field moves its results (and says which field); a
/// changed cap moves the payouts it binds; identical versions exit 0, changed ones 1.
#[test]
fn diff_classes_every_result_and_line_with_its_cause() {
    let root = workspace();
    let dir = tempfile::tempdir().expect("tempdir");
    let here = dir.path();
    for side in ["old", "new"] {
        std::fs::create_dir(here.join(side)).expect("mkdir");
        for id in ["FND-01", "JOB-04"] {
            std::fs::copy(root.join(format!("indicators/definitions/{id}.toml")), here.join(side).join(format!("{id}.toml")))
                .expect("copy");
        }
    }
    let data = root.join("datasets/examples/fabriq-quarto");
    let data = data.to_str().expect("utf-8");
    let same = impatto(here, &["diff", "old", "new", "--data", data]);
    assert!(same.status.success(), "{}", text(&same.stdout));
    assert!(text(&same.stdout).starts_with("2 identical\n"), "{}", text(&same.stdout));

    let fnd = here.join("new/FND-01.toml");
    std::fs::write(&fnd, std::fs::read_to_string(&fnd).expect("read") + "confidence = 0.9\n").expect("write");
    let moved = impatto(here, &["diff", "old", "new", "--data", data, "--format", "json"]);
    assert_eq!(moved.status.code(), Some(1));
    let entries: serde_json::Value = serde_json::from_slice(&moved.stdout).expect("json");
    let fnd = entries.as_array().expect("entries").iter().find(|e| e["key"] == "FND-01 programme=fabriq-quarto").expect("FND-01");
    assert_eq!(fnd["class"], "changed");
    assert_eq!(fnd["cause"], "confidence: (none) → 0.9");
    assert!(fnd["change"].as_str().expect("text").starts_with("ci ["), "only the interval moves: {fnd}");
    let job = entries.as_array().expect("entries").iter().find(|e| e["key"] == "JOB-04 programme=fabriq-quarto").expect("JOB-04");
    assert_eq!(job["class"], "identical");

    // The 2019 call pays 50% of eligible costs up to €35,000: FQ-2019-000002 has €72,521.00 of
    // eligible costs (beneficiaries.parquet), half of it €36,260.50, above
    // it (claim 35000.00), so a €30,000 cap pays it 30000.00; lines under both caps stay.
    let rules = std::fs::read_to_string(root.join("datasets/examples/fabriq-quarto/rules-2019.toml")).expect("rules");
    std::fs::write(here.join("old.toml"), &rules).expect("write");
    std::fs::write(here.join("new.toml"), rules.replace("cap = \"35000.00\"", "cap = \"30000.00\"")).expect("write");
    let lines = impatto(here, &["diff", "old.toml", "new.toml", "--data", data]);
    assert_eq!(lines.status.code(), Some(1));
    let out = text(&lines.stdout);
    assert!(
        out.contains("changed    fabriq-quarto-2019 FQ-2019-000002 grant")
            && out.contains("claim 35000.00 → 30000.00; amount 35000.00 → 30000.00")
            && out.contains("cause:  rules[0].cap: \"35000.00\" → \"30000.00\""),
        "{out}"
    );
}

/// `impatto diff OLD NEW` on two snapshots of a panel names the input rows behind each result
/// and payout line that moved, and only those its definition reads, in its group.
///
/// Worked by hand on indicators/tests/fixtures/small (DERIVATION.md), as of 2024-12-31,
/// suppression off:
/// - B1 (alpha) gets 2 women founders of 2, not 1: alpha's women founders 6 → 7 of 10 (FND-01).
/// - P04 (B2, alpha) is removed: alpha's participants 8 → 7 (PAR-01); beta's stay.
/// - B1's panel row of 2021-12 has headcount 6, not 5: a panel cell, which FND-01 does not read.
/// - B1's eligible costs €20,000 → €30,000: its 50% grant, capped at €15,000, claims 10000.00 →
///   15000.00; B2 (€30,000 of costs) claims 15000.00 in both.
#[test]
fn diff_of_two_data_snapshots_names_the_input_rows_behind_each_change() {
    let root = workspace();
    let dir = tempfile::tempdir().expect("tempdir");
    let here = dir.path();
    let small = root.join("indicators/tests/fixtures/small");
    for side in ["old", "new"] {
        copy_panel(&small, &here.join(side));
    }
    let edit = |file: &str, from: &str, to: &str| {
        let path = here.join("new").join(file);
        let text = std::fs::read_to_string(&path).expect("read");
        assert!(text.contains(from), "{file} has {from}");
        std::fs::write(&path, text.replacen(from, to, 1)).expect("write");
    };
    edit("beneficiaries.csv", "2020-01-01,2020-12-31,1000000,2000000,,,,2,1,1", "2020-01-01,2020-12-31,1000000,3000000,,,,2,2,1");
    edit("panel.csv", "B1,2021-12-01,true,5,", "B1,2021-12-01,true,6,");
    edit("participants.csv", "P04,B2,F,2001-07-20,,2020-03-05,2021-02-28,unemployed\n", "");
    std::fs::write(
        here.join("rules.toml"),
        "id = \"alpha-grant\"\nname = \"Alpha grant\"\ncurrency = \"EUR\"\nbudget = \"100000.00\"\ndata = { programme = \"alpha\" }\nperiods = [{ id = \"final\", as_of = 2024-12-31 }]\n\n[[payers]]\nid = \"city\"\nshare = \"100%\"\n\n[[rules]]\nkind = \"cost_share\"\nid = \"grant\"\nshare = \"50%\"\ncap = \"15000.00\"\n",
    )
    .expect("rules");
    let out = impatto(
        here,
        &[
            "diff",
            "old",
            "new",
            "--by",
            "programme",
            "--as-of",
            "2024-12-31",
            "--small-cell",
            "1",
            "--rules",
            "rules.toml",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let entries: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let entry = |key: &str| entries.as_array().expect("entries").iter().find(|e| e["key"] == key).cloned().expect(key);

    let fnd = entry("FND-01 programme=alpha");
    assert_eq!(fnd["class"], "changed");
    assert!(fnd["change"].as_str().expect("change").starts_with("value 0.6 → 0.7; numerator 6 → 7"), "{fnd}");
    // Only B1's beneficiaries row, and of it only the cell FND-01 reads: not its panel row, not
    // its eligible costs.
    assert_eq!(fnd["input_rows"], serde_json::json!(["beneficiaries.csv row 2 (B1): founders_women 1 → 2"]), "{fnd}");

    let par = entry("PAR-01 programme=alpha");
    assert_eq!(par["change"], "value 8 → 7; numerator 8 → 7");
    assert_eq!(par["cause"], "input rows: participants.csv row 5 (P04): removed");
    assert_eq!(entry("PAR-01 programme=beta")["class"], "identical");

    let b1 = entry("alpha-grant B1 grant");
    assert_eq!(b1["class"], "changed");
    assert!(b1["change"].as_str().expect("change").contains("claim 10000.00 → 15000.00"), "{b1}");
    let b1_rows: Vec<&str> = b1["input_rows"].as_array().expect("rows").iter().filter_map(|r| r.as_str()).collect();
    assert!(b1_rows.iter().any(|r| r.contains("eligible_costs_cents 2000000 → 3000000")), "{b1}");
    assert_eq!(entry("alpha-grant B2 grant")["class"], "identical");

    // At the default threshold, with the release suppressing:
    // - P04 moves from B2 (alpha) to B5 (beta): alpha's participants 8 → 7, beta's one more;
    //   both results name the row.
    // - B3's grant €5,000 → €6,000 (and its legal form): INV-01 alpha, withheld in both
    //   releases, still moved (private investment per euro of grant): changed, its value
    //   unpublished, and of B3's row only grant_cents named.
    std::fs::remove_dir_all(here.join("new")).expect("rm");
    copy_panel(&here.join("old"), &here.join("new"));
    edit("participants.csv", "P04,B2,", "P04,B5,");
    edit(
        "beneficiaries.csv",
        "B3,alpha,2020,true,Q2,2,enterprise,srl,2015-05-01,,2020-01-01,2020-12-31,500000",
        "B3,alpha,2020,true,Q2,2,enterprise,srls,2015-05-01,,2020-01-01,2020-12-31,600000",
    );
    let out = impatto(here, &["diff", "old", "new", "--by", "programme", "--as-of", "2024-12-31", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let entries: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let entry = |key: &str| entries.as_array().expect("entries").iter().find(|e| e["key"] == key).cloned().expect(key);
    for programme in ["alpha", "beta"] {
        let par = entry(&format!("PAR-01 programme={programme}"));
        assert_eq!(par["class"], "changed", "{par}");
        assert_eq!(par["input_rows"], serde_json::json!(["participants.csv row 5 (P04): beneficiary_id B2 → B5"]), "{par}");
    }
    let inv = entry("INV-01 programme=alpha");
    assert_eq!((inv["class"].as_str(), inv["change"].as_str()), (Some("changed"), Some(impatto::diff::WITHHELD_MOVED)), "{inv}");
    assert_eq!(inv["input_rows"], serde_json::json!(["beneficiaries.csv row 4 (B3): grant_cents 500000 → 600000"]), "{inv}");

    let mixed = impatto(here, &["diff", "old", "rules.toml"]);
    assert_eq!(mixed.status.code(), Some(1));
    assert!(
        text(&mixed.stderr).contains("expected the same kind of input as old (a panel directory), found a TOML file"),
        "{}",
        text(&mixed.stderr)
    );
}

/// Payout lines of a rate card are matched on participant and priced outcome, not position.
///
/// Worked by hand on engine/tests/fixtures/ledger-tour (P09 of B5, cap £11,700 a person): paid
/// in the order met, behaviour 1,300 + attendance 1,400 + attitude 700 + L1 1,100 + L3 5,100
/// = 9,600, so employment entry gets the 2,100 left and the 26-week outcome nothing. With the
/// L3 certificate unverified, its line goes; 4,500 + 3,500 entry + 2,000 sustained = 10,000.
#[test]
fn diff_matches_rate_card_lines_on_their_outcome() {
    let root = workspace();
    let dir = tempfile::tempdir().expect("tempdir");
    let here = dir.path();
    let tour = root.join("engine/tests/fixtures/ledger-tour");
    for side in ["old", "new"] {
        copy_panel(&tour.join("data"), &here.join(side));
    }
    let outcomes = here.join("new/outcomes.csv");
    let text_before = std::fs::read_to_string(&outcomes).expect("read");
    assert!(text_before.contains("P09,qualification_l3,2014-07-01,,true"));
    std::fs::write(
        &outcomes,
        text_before.replace("P09,qualification_l3,2014-07-01,,true", "P09,qualification_l3,2014-07-01,,false"),
    )
    .expect("write");
    let rules = tour.join("rules.toml");
    let out = impatto(here, &["diff", "old", "new", "--small-cell", "1", "--rules", rules.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let out = text(&out.stdout);
    let line = "dwp-innovation-fund-r2 B5 rate-card P09";
    for expected in [
        format!("changed    {line} employment_entry_13w\n           change: claim 2100.00 → 3500.00; amount 2100.00 → 3500.00"),
        format!("changed    {line} employment_sustained_26w\n           change: status not_met → paid; claim 0 → 2000.00"),
        format!("removed    {line} first_nqf_l3\n           change: status paid; claim 5100.00"),
        "cause:  input rows: outcomes.csv row 6 (P09, qualification_l3, 2014-07-01): verified true → false".to_string(),
    ] {
        assert!(out.contains(&expected), "{expected}\nnot in\n{out}");
    }
}

/// The settings that change a number are on its row and in the hash that identifies it: the
/// same FND-01 value under Wilson and Clopper-Pearson intervals is two results.
#[test]
fn the_settings_that_change_a_number_are_on_its_row_and_in_its_hash() {
    let root = workspace();
    let data = root.join("datasets/examples/fabriq-quarto");
    let row = |extra: &[&str]| -> serde_json::Value {
        let mut args = vec!["indicators", "--data", data.to_str().expect("utf-8"), "--only", "FND-01", "--format", "json"];
        args.extend_from_slice(extra);
        let out = impatto(&root, &args);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        json["results"][0].clone()
    };
    let (wilson, exact, again) = (row(&[]), row(&["--ci", "clopper-pearson"]), row(&[]));
    assert_eq!(wilson["ci_method"], "wilson");
    assert_eq!(wilson["overrides"], "");
    assert_eq!(exact["ci_method"], "clopper-pearson");
    assert_eq!(exact["overrides"], "ci=clopper-pearson");
    assert_eq!(wilson["value"], exact["value"], "the point estimate does not depend on the interval");
    assert_ne!(wilson["result_hash"], exact["result_hash"]);
    assert_eq!(wilson["result_hash"], again["result_hash"], "same inputs, same identity");
    assert!(wilson["result_hash"].as_str().expect("text").starts_with("sha256:"));
    let threshold = row(&["--small-cell", "1"]);
    assert_eq!(threshold["overrides"], "small_cell=1");
    assert_ne!(threshold["result_hash"], wilson["result_hash"]);
}

/// Content changed under a version already locked is an error; a new version is recorded. The
/// shipped catalogue's lock holds (a built-in edited without a new version fails here).
#[test]
fn a_definition_changed_without_a_new_version_is_caught_by_the_lock() {
    let root = workspace();
    let shipped = impatto(&root, &["check", "indicators/definitions"]);
    assert!(shipped.status.success(), "{}", text(&shipped.stderr));
    let dir = tempfile::tempdir().expect("tempdir");
    let defs = dir.path().join("defs");
    std::fs::create_dir(&defs).expect("mkdir");
    for name in ["FND-01.toml", "definitions.lock"] {
        std::fs::copy(root.join("indicators/definitions").join(name), defs.join(name)).expect("copy");
    }
    let fnd = defs.join("FND-01.toml");
    let original = std::fs::read_to_string(&fnd).expect("read");
    std::fs::write(&fnd, original.clone() + "confidence = 0.9\n").expect("write");
    let refused = impatto(dir.path(), &["check", "defs"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(text(&refused.stderr).contains("FND-01 1.0.1 (defs/FND-01.toml): the file is sha256:"), "{}", text(&refused.stderr));
    std::fs::write(&fnd, original.replace("version = \"1.0.1\"", "version = \"1.1.0\"") + "confidence = 0.9\n").expect("write");
    assert!(impatto(dir.path(), &["check", "defs", "--update-lock"]).status.success());
    let lock = std::fs::read_to_string(defs.join("definitions.lock")).expect("lock");
    assert!(lock.contains("\"1.0.1\" = \"sha256:") && lock.contains("\"1.1.0\" = \"sha256:"), "{lock}");
    assert!(impatto(dir.path(), &["check", "defs"]).status.success());
}

/// `check` shows a wrong definition's line with a caret under the value, and the nearest known
/// column.
#[test]
fn check_points_at_the_value_and_suggests_the_nearest_column() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = workspace();
    let text = std::fs::read_to_string(root.join("indicators/definitions/FND-01.toml")).expect("read");
    let line = text.lines().position(|l| l.contains("column = \"funded\"")).expect("the population line") + 1;
    std::fs::write(dir.path().join("FND-01.toml"), text.replace("column = \"funded\"", "column = \"fundd\"")).expect("write");
    let out = impatto(dir.path(), &["check", "FND-01.toml"]);
    assert_eq!(out.status.code(), Some(1));
    let e = text_of(&out.stderr);
    assert!(e.contains(&format!("FND-01.toml:{line}: population: unknown column `fundd`")), "{e}");
    assert!(e.contains("did you mean `funded`?"), "{e}");
    let shown = e.lines().find(|l| l.contains("column = \"fundd\"")).expect("the line is shown");
    let caret = e.lines().skip_while(|l| !l.contains("column = \"fundd\"")).nth(1).expect("a line under it");
    let at = shown[..shown.find("\"fundd\"").expect("value")].chars().count();
    assert_eq!(caret.chars().nth(at), Some('─'), "the mark starts under the value:\n{e}");
    assert_eq!(caret.chars().nth(at - 1), Some(' '), "and not before it:\n{e}");
}

fn text_of(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `impatto catalogue` writes an index and a page per definition and rule file in both
/// languages, each definition's page with its version, its file's hash, its sign-off and the
/// expected values of the fixtures naming it. (CI opens them in Chromium: .ci/browser.)
#[test]
fn the_catalogue_shows_each_definition_in_both_languages() {
    let root = workspace();
    let dir = tempfile::tempdir().expect("tempdir");
    let site = dir.path().join("site");
    let out = impatto(
        &root,
        &[
            "catalogue",
            "indicators/definitions",
            "--rules",
            "datasets/examples/fabriq-quarto/rules-2019.toml",
            "--fixtures",
            "indicators/tests/fixtures/partner",
            "--out",
            site.to_str().expect("utf-8"),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let bytes = std::fs::read(root.join("indicators/definitions/FND-01.toml")).expect("definition");
    let check = impatto(&root, &["check", "indicators/definitions/FND-01.toml"]);
    let hash = text(&check.stdout).split_whitespace().nth(3).expect("hash column").to_string();
    assert!(hash.starts_with("sha256:") && !bytes.is_empty());
    for (lang, name, description, formula, draft) in [
        (
            "it",
            "Quota di donne tra i fondatori",
            "Donne tra i fondatori/soci degli enti sostenuti",
            "Quota: founders_women diviso founders_total",
            "bozza",
        ),
        (
            "en",
            "Women share of founders",
            "Women among the founders/partners of supported entities",
            "Share: founders_women divided by founders_total",
            "draft",
        ),
    ] {
        let page = std::fs::read_to_string(site.join(lang).join("FND-01.html")).expect("page");
        assert!(page.contains(&format!("<html lang=\"{lang}\">")), "{page}");
        assert!(page.contains(name) && page.contains(formula) && page.contains(&hash) && page.contains(draft), "{page}");
        assert!(page.contains(&format!("<p data-field=\"description\">{description}")), "{lang}: {page}");
        // The hand-worked value of the golden fixture (10 of 17 women founders).
        assert!(page.contains("0.5882352941176471") && page.contains("small-total"), "{page}");
        let index = std::fs::read_to_string(site.join(lang).join("index.html")).expect("index");
        assert_eq!(index.matches("data-id=").count(), 27, "every definition listed");
        assert!(site.join(lang).join("rules-fabriq-quarto-rules-2019.html").is_file());
    }
}

/// `diff --format html` writes a page in the reader's language with every entry that moved.
#[test]
fn diff_writes_a_page_in_the_readers_language() {
    let root = workspace();
    let dir = tempfile::tempdir().expect("tempdir");
    let rules = std::fs::read_to_string(root.join("datasets/examples/fabriq-quarto/rules-2019.toml")).expect("rules");
    std::fs::write(dir.path().join("old.toml"), &rules).expect("write");
    std::fs::write(dir.path().join("new.toml"), rules.replace("cap = \"35000.00\"", "cap = \"30000.00\"")).expect("write");
    let data = root.join("datasets/examples/fabriq-quarto");
    let out = impatto(
        dir.path(),
        &[
            "diff",
            "old.toml",
            "new.toml",
            "--data",
            data.to_str().expect("utf-8"),
            "--format",
            "html",
            "--lang",
            "it",
            "-o",
            "d.html",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let page = std::fs::read_to_string(dir.path().join("d.html")).expect("written");
    assert!(page.contains("<html lang=\"it\">") && page.contains("Che cosa cambia da old.toml a new.toml"), "{page}");
    assert!(page.contains("13 identici, 1 cambiato") && page.contains("data-class=\"changed\""), "{page}");
    assert!(page.contains("fabriq-quarto-2019 FQ-2019-000002 grant"), "{page}");
}
