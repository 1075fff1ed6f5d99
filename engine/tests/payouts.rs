//! Payout golden tests on the hand-worked `small` fixture, rule-file errors, and properties.
//!
//! Per-beneficiary indicator values used below (fixture DERIVATION.md, as of 2024-12-31):
//! JOB-01 gross FTE B1 2.5, B2 0, B3 0, B4 1.0; PAR-02 women among participants B1 1/2,
//! B2 2/3, B3 0/1, B4 1/2; FND-01 women founders B1 1/2, B2 2/3, B3 1/1, B4 2/4.
//! Eligible costs: B1 20,000.00, B2 30,000.00, B3 10,000.00, B4 40,000.00.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use impatto::rules::model::Status;
use impatto::rules::{load_programme, run};
use impatto_datasets::PanelSource;
use rust_decimal::Decimal;

fn root() -> PathBuf {
    Path::new(&std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace")
        .to_path_buf()
}

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).expect("decimal")
}

fn statement(file: &str, period: Option<&str>) -> impatto::rules::statement::Statement {
    let catalogue = impatto_indicators::builtin().expect("catalogue");
    let programme = load_programme(&root().join("engine/tests/programmes").join(file), &catalogue).expect("programme loads");
    let source = PanelSource::open(&[root().join("indicators/tests/fixtures/small")]).expect("panel");
    run(&programme, &source, &catalogue, period).expect("runs")
}

fn line<'a>(s: &'a impatto::rules::statement::Statement, b: &str, rule: &str) -> &'a impatto::rules::model::Line {
    s.evaluation.lines.iter().find(|l| l.beneficiary == b && l.rule == rule).expect("line exists")
}

// Grant = min(50% × costs, 15,000): B1 10,000; B2 15,000; B3 5,000; B4 15,000 (cap) = 45,000.
// Premium (JOB-01 ≥ 1 and PAR-02 ≥ 50%): B1 met (2.5; 1 of 2 = 50% exactly, compared as
// 1 ≥ 0.5 × 2), B4 met (1.0; 1/2); B2, B3 fail on jobs. Amount = min(65% × costs, 20,000) −
// grant: B1 13,000 − 10,000 = 3,000; B4 20,000 − 15,000 = 5,000. Claims 53,000 > budget 50,000.
// Pro rata ×50/53 in cents: grant 943,396.23 / 1,415,094.34 / 471,698.11 / 1,415,094.34,
// premium B1 283,018.87, B4 471,698.11 → floors sum 4,999,998; the 2 cents left go to the
// largest remainders, premium B1 (.87) then grant B2 (.34, earlier than B4's equal .34).
#[test]
fn top_up_premium_over_budget_is_scaled_to_the_cent() {
    let s = statement("alpha-topup.toml", None);
    let expect = [
        ("B1", "grant", "10000.00", "9433.96"),
        ("B2", "grant", "15000.00", "14150.95"),
        ("B3", "grant", "5000.00", "4716.98"),
        ("B4", "grant", "15000.00", "14150.94"),
        ("B1", "premium", "3000.00", "2830.19"),
        ("B4", "premium", "5000.00", "4716.98"),
        ("B2", "premium", "0.00", "0.00"),
        ("B3", "premium", "0.00", "0.00"),
    ];
    for (b, rule, claim, paid) in expect {
        let l = line(&s, b, rule);
        assert_eq!((l.claim, l.amount), (d(claim), d(paid)), "{b} {rule}");
    }
    assert_eq!(line(&s, "B2", "premium").status, Status::NotMet);
    assert_eq!(line(&s, "B1", "grant").status, Status::Reduced);
    assert_eq!((s.evaluation.claimed, s.evaluation.paid, s.evaluation.unfunded), (d("53000.00"), d("50000.00"), d("3000.00")));
    // Payers 60/40 per line, largest remainder: B1 grant 943,396 cents → 566,037.6 / 377,358.4
    // → floors 566,037 + 377,358 = 943,395, the cent left to the city (remainder .6).
    assert_eq!(line(&s, "B1", "grant").payers, vec![("city".to_string(), d("5660.38")), ("region".to_string(), d("3773.58"))]);
    let by_payer = s.totals_by_payer();
    assert_eq!(by_payer.iter().map(|p| p.1).sum::<Decimal>(), d("50000.00"));
    assert!(s.report(&impatto::i18n::Texts::new(impatto::i18n::Lang::En)).contains("claims 53000.00 exceed the budget 50000.00"));
}

#[test]
fn a_beneficiary_without_a_measurable_indicator_is_flagged_not_zeroed() {
    // As of 2021-06-30 no JOB-01 measurement month (support end + 12) has been reached, so
    // every premium line lacks data: flagged, nothing paid; grants are unaffected.
    let s = statement("alpha-topup.toml", Some("early"));
    for b in ["B1", "B2", "B3", "B4"] {
        let l = line(&s, b, "premium");
        assert_eq!((l.status, l.amount), (Status::MissingData, Decimal::ZERO), "{b}");
        assert!(l.trace.iter().any(|t| t.to_string().contains("JOB-01 has no value")), "{:?}", l.trace);
    }
    assert_eq!(line(&s, "B1", "grant").amount, d("10000.00"));
    assert!(s.report(&impatto::i18n::Texts::new(impatto::i18n::Lang::En)).contains("4 lines flagged for missing data"));
}

// linear (0 → 2 FTE, 1,000): B1 2.5 → all 1,000.00; B4 1.0 → half 500.00; B2, B3 0 → not met.
// tiers on PAR-02 (600): B1 1/2 → [50%, 60%) → 300.00; B2 2/3 → [60%, ∞) → 600.00; B3 0/1 →
// [0, 50%) pays 0% → not met; B4 1/2 → 300.00.
// weighted (800; JOB-01 target 2 weight 3, FND-01 target 50% weight 1):
// B1 (3·1 + 1·1)/4 = 1 → 800.00; B2 (3·0 + 1·1)/4 → 200.00; B3 (0 + 1)/4 → 200.00;
// B4 (3·0.5 + 1·1)/4 = 0.625 → 500.00.
#[test]
fn graded_premiums_linear_tiers_weighted() {
    let s = statement("alpha-modes.toml", None);
    let expect = [
        ("B1", "linear-jobs", "1000.00"),
        ("B2", "linear-jobs", "0.00"),
        ("B3", "linear-jobs", "0.00"),
        ("B4", "linear-jobs", "500.00"),
        ("B1", "tiered-women", "300.00"),
        ("B2", "tiered-women", "600.00"),
        ("B3", "tiered-women", "0.00"),
        ("B4", "tiered-women", "300.00"),
        ("B1", "weighted", "800.00"),
        ("B2", "weighted", "200.00"),
        ("B3", "weighted", "200.00"),
        ("B4", "weighted", "500.00"),
    ];
    for (b, rule, paid) in expect {
        assert_eq!(line(&s, b, rule).amount, d(paid), "{b} {rule}");
    }
    assert_eq!(s.evaluation.paid, d("4400.00"));
    assert_eq!(line(&s, "B3", "tiered-women").status, Status::NotMet);
}

#[test]
fn statements_are_byte_identical_and_carry_provenance() {
    let a = statement("alpha-topup.toml", None);
    let b = statement("alpha-topup.toml", None);
    assert_eq!(a.to_json().expect("json"), b.to_json().expect("json"));
    assert_eq!(a.to_csv().expect("csv"), b.to_csv().expect("csv"));
    assert_eq!(a.to_parquet().expect("parquet"), b.to_parquet().expect("parquet"));
    let json: serde_json::Value = serde_json::from_slice(&a.to_json().expect("json")).expect("valid");
    assert!(json["programme"]["rule_hash"].as_str().expect("hash").starts_with("sha256:"));
    assert!(json["input_hash"].as_str().expect("hash").starts_with("sha256:"));
    assert_eq!(json["totals"]["paid"], "50000.00");
    assert_eq!(json["engine_version"], env!("CARGO_PKG_VERSION"));
    let csv = String::from_utf8(a.to_csv().expect("csv")).expect("utf-8");
    assert!(
        csv.lines()
            .next()
            .expect("header")
            .starts_with("programme,period,beneficiary,rule,kind,instrument,status,claim,amount,payer_city,payer_region")
    );
}

fn infos() -> std::collections::BTreeMap<String, impatto::rules::IndicatorInfo> {
    impatto::rules::indicator_infos(&impatto_indicators::builtin().expect("catalogue"))
}

fn parse_err(text: &str) -> String {
    impatto::rules::programme::parse("p.toml", text, &infos()).expect_err("should fail").to_string()
}

fn base() -> String {
    std::fs::read_to_string(root().join("engine/tests/programmes/alpha-modes.toml")).expect("file")
}

#[test]
fn bad_rules_fail_at_load_with_file_line_rule_and_field() {
    let e = parse_err(&base().replace(r#"indicator = "PAR-02""#, r#"indicator = "PAR-99""#));
    assert!(e.starts_with("p.toml:27: rule `tiered-women`: targets[1].indicator: unknown indicator `PAR-99`"), "{e}");
    let e = parse_err(&base().replace(r#"{ from = "50%", to = "60%""#, r#"{ from = "45%", to = "60%""#));
    assert!(e.starts_with("p.toml:30: rule `tiered-women`: tiers[2].from: tiers overlap"), "{e}");
    let e = parse_err(&base().replace(r#"{ from = "50%", to = "60%""#, r#"{ from = "55%", to = "60%""#));
    assert!(e.starts_with("p.toml:30:") && e.contains("tiers leave a gap: [50%, 55%)"), "{e}");
    let e = parse_err(&base().replace(r#"floor = "0", at_least = "2""#, r#"floor = "3", at_least = "2""#));
    assert!(e.starts_with("p.toml:19: rule `linear-jobs`: targets[1].floor: the floor (3) must be below the target (2)"), "{e}");
    let e = parse_err(&base().replace(r#"share = "100%""#, r#"share = "120%""#));
    assert!(e.starts_with("p.toml:11: payers[1].share: expected a share from 0% to 100%, found \"120%\""), "{e}");
    let e = parse_err(&base().replace(r#"budget = "1000000.00""#, r#"budget = "-5.00""#));
    assert!(e.starts_with("p.toml:5: budget:") && e.contains("negative amount"), "{e}");
    let e = parse_err(&base().replace(r#"amount = "800.00""#, r#"amount = "800.00 GBP""#));
    assert!(
        e.contains(
            "amount: expected an amount in EUR like \"35000.00\" or \"35000.00 EUR\", found \"800.00 GBP\" (currency mismatch)"
        ),
        "{e}"
    );
    let e = parse_err(&base().replace(r#"share = "100%""#, "share = \"60%\"\n\n[[payers]]\nid = \"region\"\nshare = \"30%\""));
    assert!(e.contains("payers: expected shares totalling 100%, found 90%"), "{e}");
    let e = parse_err(&base().replace(r#"mode = "linear""#, r#"mode = "exponential""#));
    assert!(
        e.starts_with("p.toml:16: rule `linear-jobs`: mode: unknown variant `exponential`, expected one of `all_or_nothing`"),
        "{e}"
    );
}

// Issue 10 case 9: a comment quoting the bad value must not get the blame (the old loader
// searched the text and named the comment's line), and a type error names its field and says
// how to write it.
#[test]
fn r_error_lines_come_from_the_parser_not_a_text_search() {
    let text = base().replace("# Test programme", "# amount = \"800.00 GBP\" was the old amount\n# Test programme");
    let e = parse_err(&text.replace(r#"amount = "800.00""#, r#"amount = "800.00 GBP""#));
    assert!(e.starts_with("p.toml:39: rule `weighted`: amount:"), "{e}");
    let e = parse_err(&base().replace(r#"amount = "800.00""#, "amount = 800"));
    assert!(e.starts_with("p.toml:38: rule `weighted`: amount: expected an amount in quotes like \"10000.00\""), "{e}");
}

mod properties {
    use impatto::rules::budget::{by_priority, pro_rata, split};
    use proptest::prelude::*;
    use rust_decimal::Decimal;

    proptest! {
        #[test]
        fn pro_rata_never_exceeds_budget_or_claims_and_sums_exactly(claims in prop::collection::vec(0i64..5_000_000, 1..40), budget in 0i64..50_000_000) {
            let out = pro_rata(&claims, budget);
            let total: i64 = claims.iter().sum();
            prop_assert_eq!(out.iter().sum::<i64>(), total.min(budget));
            for (o, c) in out.iter().zip(&claims) {
                prop_assert!(*o <= *c && *o >= 0);
            }
        }

        #[test]
        fn a_larger_claim_never_gets_less(claims in prop::collection::vec(0i64..5_000_000, 2..20), budget in 0i64..20_000_000) {
            let out = pro_rata(&claims, budget);
            for i in 0..claims.len() {
                for j in 0..claims.len() {
                    if claims[i] > claims[j] {
                        prop_assert!(out[i] >= out[j]);
                    }
                }
            }
        }

        #[test]
        fn priority_and_split_sum_exactly(claims in prop::collection::vec(0i64..5_000_000, 1..20), budget in 0i64..20_000_000, a in 1u32..100, b in 1u32..100) {
            let total: i64 = claims.iter().sum();
            prop_assert_eq!(by_priority(&claims, budget).iter().sum::<i64>(), total.min(budget));
            let shares = [Decimal::from(a) / Decimal::from(a + b), Decimal::from(b) / Decimal::from(a + b)];
            for &c in &claims {
                prop_assert_eq!(split(c, &shares).iter().sum::<i64>(), c);
            }
        }
    }
}

mod monotone {
    use super::*;
    use impatto::rules::evaluate::evaluate;
    use impatto::rules::model::{BeneficiaryInputs, IndicatorValue};
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    fn programme() -> impatto::rules::programme::Programme {
        impatto::rules::programme::parse("alpha-modes.toml", &base(), &infos()).expect("parses")
    }

    fn inputs(jobs: u32, women: u32, founders_women: u32) -> BeneficiaryInputs {
        let mut indicators = BTreeMap::new();
        let share = |n: u32, d: u32| IndicatorValue {
            value: Some(f64::from(n) / f64::from(d)),
            numerator: Some(f64::from(n)),
            denominator: Some(f64::from(d)),
        };
        indicators.insert(
            "JOB-01".into(),
            IndicatorValue { value: Some(f64::from(jobs) / 2.0), numerator: Some(f64::from(jobs) / 2.0), denominator: Some(1.0) },
        );
        indicators.insert("PAR-02".into(), share(women, 20));
        indicators.insert("FND-01".into(), share(founders_women, 10));
        BeneficiaryInputs { id: "X".into(), eligible_costs: Decimal::from(10_000), indicators, ..Default::default() }
    }

    proptest! {
        // Every graded rule says pay should not fall as achievement rises: check each rule's
        // line when one indicator improves and the others stay.
        #[test]
        fn payout_never_falls_when_achievement_rises(jobs in 0u32..10, women in 0u32..20, fw in 0u32..10, up in 1u32..5) {
            let p = programme();
            let as_of = chrono::NaiveDate::from_ymd_opt(2024, 12, 31).expect("date");
            let before = evaluate(&p, &[inputs(jobs, women, fw)], as_of).expect("evaluates");
            for better in [inputs(jobs + up, women, fw), inputs(jobs, (women + up).min(20), fw), inputs(jobs, women, (fw + up).min(10))] {
                let after = evaluate(&p, &[better], as_of).expect("evaluates");
                for (a, b) in after.lines.iter().zip(&before.lines) {
                    prop_assert!(a.amount >= b.amount, "{}: {} < {}", a.rule, a.amount, b.amount);
                }
            }
        }
    }
}

#[test]
fn share_thresholds_are_exact() {
    // 41 of 100 is below 41.5%; 83 of 200 is not (41.5% exactly). A float rounded to 41.5%
    // would get the first wrong.
    let programme = impatto::rules::programme::parse(
        "t.toml",
        r#"id = "t"
name = "t"
currency = "EUR"
budget = "100.00"
data = { programme = "x" }
periods = [{ id = "p", as_of = 2024-12-31 }]
[[payers]]
id = "c"
share = "100%"
[[rules]]
kind = "result_premium"
id = "r"
mode = "all_or_nothing"
amount = "10.00"
interpretation = "exact threshold"
targets = [{ indicator = "PAR-02", at_least = "41.5%" }]
"#,
        &infos(),
    )
    .expect("parses");
    let case = |n: f64, d: f64| {
        let mut indicators = std::collections::BTreeMap::new();
        indicators.insert(
            "PAR-02".to_string(),
            impatto::rules::model::IndicatorValue { value: Some(n / d), numerator: Some(n), denominator: Some(d) },
        );
        let b = impatto::rules::model::BeneficiaryInputs {
            id: "X".into(),
            eligible_costs: Decimal::ZERO,
            indicators,
            ..Default::default()
        };
        impatto::rules::evaluate::evaluate(&programme, &[b], chrono::NaiveDate::from_ymd_opt(2024, 12, 31).expect("date"))
            .expect("evaluates")
            .lines[0]
            .amount
    };
    assert_eq!(case(41.0, 100.0), Decimal::ZERO);
    assert_eq!(case(83.0, 200.0), d("10.00"));
}

// Campaigns (fixture campaigns.csv): B5 raised 3,600.00 of 9,000.00 in 60 days (2020-10-01 →
// 2020-11-30): exactly 40% → met; match min(60% × 9,000 = 5,400, cap 5,000) = 5,000.00; gap
// 9,000 − 3,600 − 5,000 = 400.00 flagged. B6 3,000 of 8,000 = 37.5% → not met. B7 ran 75 days,
// longer than the window → flagged, nothing paid.
#[test]
fn matching_pays_on_threshold_and_flags_gaps_and_long_campaigns() {
    let s = statement("beta-match.toml", None);
    let b5 = line(&s, "B5", "match");
    assert_eq!((b5.status, b5.amount), (Status::Paid, d("5000.00")));
    assert_eq!(b5.flags, vec!["gap left to the promoter 400.00: budget 9000.00 − raised 3600.00 − match 5000.00".to_string()]);
    assert_eq!((line(&s, "B6", "match").status, line(&s, "B6", "match").amount), (Status::NotMet, Decimal::ZERO));
    assert_eq!(line(&s, "B7", "match").status, Status::MissingData);
    assert!(
        s.report(&impatto::i18n::Texts::new(impatto::i18n::Lang::En))
            .contains("flag: B5 / match: gap left to the promoter 400.00")
    );
}

// Rate card (fixture outcomes.csv), claims in the order they fall due:
// P11 qualification 2021-09-01: 800 (outcome cap 1,000 → 200 left);
// P09 qualification 2022-03-01: 800 → cut to 200 by the outcome cap;
// P09 job entry: first spell 2022-01-03 → 2022-02-14 lapsed after 6 weeks (no claim); the
//   second spell from 2022-06-06 restarts the clock → due 2022-09-05: 1,000 (P09 at 1,200);
// P09 job sustained 26 weeks, due 2022-12-05: 500 → cut to 300 by the £1,500 participant cap;
// P10 qualification unverified → not paid; P10 job entry from 2024-10-01, due 2024-12-31 (the
//   as-of date): 1,000 → cut to 700 by the £3,000 provider cap (800+200+1,000+300 = 2,300).
// B5 = 3,000.00, one line per claim in that order. B7: P13's first spell lapsed after 9 weeks,
// the second lasted 18 → job entry 1,000.00 (26 weeks not reached). B6: P12 has no events →
// one not-met line.
#[test]
fn rate_card_restarts_clocks_and_applies_caps_in_order() {
    let s = statement("beta-ratecard.toml", None);
    let b5: Vec<&impatto::rules::model::Line> = s.evaluation.lines.iter().filter(|l| l.beneficiary == "B5").collect();
    let got: Vec<(String, String, String, String, Vec<String>)> = b5
        .iter()
        .map(|l| {
            let c = l.claim_ref.as_ref().expect("a claim");
            (c.participant.clone(), c.outcome.clone(), c.due_on.to_string(), format!("{}", l.amount), c.caps.clone())
        })
        .collect();
    let want = [
        ("P11", "qualification_l2", "2021-09-01", "800.00", vec![]),
        ("P09", "qualification_l2", "2022-03-01", "200.00", vec!["prices[3].cap"]),
        ("P09", "job_entry_13w", "2022-09-05", "1000.00", vec![]),
        ("P09", "job_sustained_26w", "2022-12-05", "300.00", vec!["per_participant_cap"]),
        ("P10", "job_entry_13w", "2024-12-31", "700.00", vec!["per_provider_cap"]),
    ];
    let want: Vec<(String, String, String, String, Vec<String>)> = want
        .iter()
        .map(|(p, o, due, a, caps)| {
            (p.to_string(), o.to_string(), due.to_string(), a.to_string(), caps.iter().map(|c| c.to_string()).collect())
        })
        .collect();
    assert_eq!(got, want);
    assert_eq!(b5.iter().map(|l| l.claim_ref.as_ref().map(|c| c.order)).collect::<Vec<_>>(), [1, 2, 3, 4, 5].map(Some));
    assert!(b5[0].trace.iter().any(|t| t.to_string() == "1 unverified event(s) of this provider not paid"), "{:?}", b5[0].trace);
    assert!(
        b5[3]
            .trace
            .iter()
            .any(|t| t.to_string() == "per_participant_cap 1500.00: 1200.00 paid so far, 300.00 left → pays 300.00"),
        "{:?}",
        b5[3].trace
    );
    assert_eq!(line(&s, "B7", "card").amount, d("1000.00"));
    assert_eq!(line(&s, "B6", "card").status, Status::NotMet);
    assert_eq!(s.currency, "GBP");
}

// JOB-03 (FTE in the as-of month): final (2024-12) B1 6.0, B2 0, B3 0, B4 4.5; 2021-12: B1 4.5,
// B2 0, B3 2.5, B4 0.
// new-ground (baseline 2, previous_best, ceiling 5, 100 per whole point): increments over what
// was paid for. B1: in 2021 4.5 paid 2 whole points (level 2 → 4); now 6.0 counts as 5 (the
// ceiling): 1 more point → 100. B4: 2021 value 0 paid nothing (level stays 2); now 4.5 → 2
// points → 200.
// keep-up (baseline 2, 50 per point, recovers): B1 4 → 200; B4 2 → 100; B2, B3 −2 → −100 each.
// repay (50% of the grant if closed within 12 months of the end of support): B2 ended
// 2021-02-28 and closed 2021-08-20 → −7,500.00; B4's closure was reactivated within two years
// (not a death); B3 was taken over.
// Paid = grants 45,000 + 100 + 200 + 200 + 100 − 100 − 100 − 7,500 = 37,900.00; recovered 7,700.00.
#[test]
fn baseline_relative_and_clawback() {
    let s = statement("alpha-baseline.toml", None);
    let expect = [
        ("B1", "new-ground", "100.00", Status::Paid),
        ("B4", "new-ground", "200.00", Status::Paid),
        ("B1", "keep-up", "200.00", Status::Paid),
        ("B4", "keep-up", "100.00", Status::Paid),
        ("B2", "keep-up", "-100.00", Status::Recovered),
        ("B3", "keep-up", "-100.00", Status::Recovered),
        ("B2", "repay", "-7500.00", Status::Recovered),
        ("B4", "repay", "0.00", Status::NotMet),
        ("B3", "repay", "0.00", Status::NotMet),
    ];
    for (b, rule, amount, status) in expect {
        let l = line(&s, b, rule);
        assert_eq!((l.amount, l.status), (d(amount), status), "{b} {rule}: {:?}", l.trace);
    }
    assert_eq!((s.evaluation.paid, s.evaluation.recovered, s.evaluation.unfunded), (d("37900.00"), d("7700.00"), d("0.00")));
    // 2021: B1 4.5 → new-ground 2 points (no earlier period) = 200; keep-up 2 points = 100.
    let early = statement("alpha-baseline.toml", Some("2021"));
    assert_eq!(line(&early, "B1", "new-ground").amount, d("200.00"));
    assert_eq!(line(&early, "B1", "keep-up").amount, d("100.00"));
    assert_eq!(line(&early, "B4", "keep-up").amount, d("-100.00"));
}

// Each kind's trace shows its own arithmetic (figures from the hand-worked tests above).
#[test]
fn every_rule_kind_can_be_explained() {
    let catalogue = impatto_indicators::builtin().expect("catalogue");
    let source = PanelSource::open(&[root().join("indicators/tests/fixtures/small")]).expect("panel");
    for (file, who, steps) in [
        (
            "alpha-topup.toml",
            "B1",
            vec![
                "rule grant (cost_share, grant): reduced",
                "50% × eligible costs €20,000.00 = 10,000",
                "budget: €9,433.96 of the €10,000.00 claimed",
            ],
        ),
        (
            "alpha-modes.toml",
            "B4",
            vec!["rule linear-jobs (result_premium, grant): paid", "linear from 0 (nothing) to 2 (all): (1 − 0) / (2 − 0) → 0.5"],
        ),
        ("beta-match.toml", "B5", vec!["rule match (matching, grant): paid", "match €5,400.00 capped at €5,000.00"]),
        (
            "beta-ratecard.toml",
            "B5",
            vec!["rule card (rate_card, grant): paid — claim 2 of qualification_l2 by P09, due 2022-03-01"],
        ),
        (
            "alpha-baseline.toml",
            "B2",
            vec![
                "rule keep-up (baseline_relative, grant): recovered",
                "rule repay (clawback, grant): recovered",
                "recover 50% of the €15,000.00 paid under grant: -€7,500.00",
            ],
        ),
    ] {
        let programme = load_programme(&root().join("engine/tests/programmes").join(file), &catalogue).expect("loads");
        let s = run(&programme, &source, &catalogue, None).expect("runs");
        let text =
            impatto::rules::statement::explain(&s, who, &impatto::i18n::Texts::new(impatto::i18n::Lang::En)).expect("explained");
        for step in steps {
            assert!(text.contains(step), "{file}: no `{step}` in\n{text}");
        }
        assert!(text.contains(&format!("total paid to {who}")), "{text}");
    }
}

#[test]
fn a_payer_over_its_commitment_is_cut_and_the_shortfall_is_unfunded() {
    let catalogue = impatto_indicators::builtin().expect("catalogue");
    let text = std::fs::read_to_string(root().join("engine/tests/programmes/alpha-topup.toml")).expect("file");
    let capped = text.replace("id = \"region\"\nshare = \"40%\"", "id = \"region\"\nshare = \"40%\"\ncommitment = \"15000.00\"");
    assert_ne!(capped, text);
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("capped.toml");
    std::fs::write(&path, capped).expect("write");
    let source = PanelSource::open(&[root().join("indicators/tests/fixtures/small")]).expect("panel");
    let programme = load_programme(&path, &catalogue).expect("loads");
    let s = run(&programme, &source, &catalogue, None).expect("runs");
    let uncapped = statement("alpha-topup.toml", None);
    let payer = |st: &impatto::rules::statement::Statement, id: &str| {
        st.totals_by_payer().into_iter().find(|p| p.0 == id).expect("payer").1
    };
    // The region's 40% of 50,000.00 is cut to its 15,000.00 commitment; the city pays as before.
    assert_eq!(payer(&s, "region"), d("15000.00"));
    assert_eq!(payer(&s, "city"), payer(&uncapped, "city"));
    assert_eq!(s.evaluation.paid, payer(&uncapped, "city") + d("15000.00"));
    assert_eq!(s.evaluation.unfunded, s.evaluation.claimed - s.evaluation.paid);
    assert!(
        s.evaluation.notes.iter().any(|n| n.starts_with("payer region: share") && n.contains("exceeds its commitment 15000.00"))
    );
}

mod caps {
    use super::*;
    use impatto::rules::evaluate::evaluate;
    use impatto::rules::model::BeneficiaryInputs;
    use impatto::rules::money::from_cents;
    use proptest::prelude::*;

    proptest! {
        // A cost share never pays above its cap, pays the cap whenever share × costs reaches it,
        // and the lines of a statement always sum to its total paid — whichever accepted way the
        // amounts and the share are written: with or without the currency code, with `_`
        // between thousands, the share as "37%", "37.0 %" or "0.37".
        #[test]
        fn cost_share_respects_its_cap(costs in prop::collection::vec(0i64..20_000_000, 1..12), share in 1u32..=100, cap in 1i64..10_000_000, budget in 0i64..50_000_000, notation in 0usize..3, code in any::<bool>(), underscores in any::<bool>()) {
            let write = |cents: i64| {
                let mut text = format!("{}", from_cents(cents));
                if underscores && text.len() > 6 {
                    text.insert(text.len() - 6, '_');
                }
                if code { text + " EUR" } else { text }
            };
            let share_text = match notation {
                0 => format!("{share}%"),
                1 => format!("{share}.0 %"),
                _ if share < 100 => format!("{}", Decimal::from(share) / Decimal::ONE_HUNDRED),
                _ => "100%".to_string(),
            };
            let text = format!(
                "id = \"p\"\nname = \"p\"\ncurrency = \"EUR\"\nbudget = \"{}\"\ndata = {{ programme = \"x\" }}\nperiods = [{{ id = \"p\", as_of = 2024-12-31 }}]\n[[payers]]\nid = \"a\"\nshare = \"70%\"\n[[payers]]\nid = \"b\"\nshare = \"30%\"\n[[rules]]\nkind = \"cost_share\"\nid = \"g\"\nshare = \"{share_text}\"\ncap = \"{}\"\n",
                write(budget), write(cap)
            );
            let programme = impatto::rules::programme::parse("p.toml", &text, &infos()).expect("parses");
            let inputs: Vec<BeneficiaryInputs> = costs.iter().enumerate().map(|(i, c)| BeneficiaryInputs {
                id: format!("B{i:02}"), eligible_costs: from_cents(*c), ..Default::default()
            }).collect();
            let e = evaluate(&programme, &inputs, chrono::NaiveDate::from_ymd_opt(2024, 12, 31).expect("date")).expect("evaluates");
            let cap = from_cents(cap);
            for (l, c) in e.lines.iter().zip(&costs) {
                prop_assert!(l.claim <= cap && l.amount <= l.claim);
                let uncapped = from_cents(*c) * Decimal::from(share) / Decimal::ONE_HUNDRED;
                if uncapped >= cap { prop_assert_eq!(l.claim, cap); }
                prop_assert_eq!(l.payers.iter().map(|p| p.1).sum::<Decimal>(), l.amount);
            }
            prop_assert!(e.paid <= from_cents(budget));
            prop_assert_eq!(e.lines.iter().map(|l| l.amount).sum::<Decimal>(), e.paid);
            prop_assert_eq!(e.paid + e.unfunded, e.claimed);
        }
    }
}

// Issue 10 case 4, the payout side of the one death rule (impatto_datasets::derived): R1 and R2
// closed 2020-01-15, 15 days after support ended (2019-12-31); R1 reopened 2022-01-20, after the
// 24 months, so the closure is a death and 50% of its 10,000.00 grant (50% of 20,000.00 costs) is
// recovered: -5,000.00; R2 reopened 2022-01-15, on the last day, so nothing is recovered — the
// same reading the cohort survival and Kaplan-Meier tests give (indicators/tests/death_rule.rs).
#[test]
fn r_reactivation_24_months_plus_days_in_a_clawback() {
    let text = "id = \"alpha-claw\"\nname = \"a\"\ncurrency = \"EUR\"\nbudget = \"100000.00\"\ndata = { programme = \"alpha\" }\nperiods = [{ id = \"p\", as_of = 2023-12-31 }]\n[[payers]]\nid = \"city\"\nshare = \"100%\"\n[[rules]]\nkind = \"cost_share\"\nid = \"grant\"\nshare = \"50%\"\n[[rules]]\nkind = \"clawback\"\nid = \"repay\"\napplies_to = \"grant\"\nif_ceased_within_months = 12\nshare = \"50%\"\n";
    let catalogue = impatto_indicators::builtin().expect("catalogue");
    let programme = impatto::rules::programme::parse("claw.toml", text, &infos()).expect("parses");
    let source = PanelSource::open(&[root().join("indicators/tests/fixtures/reactivation")]).expect("panel");
    let s = run(&programme, &source, &catalogue, None).expect("runs");
    assert_eq!((line(&s, "R1", "repay").status, line(&s, "R1", "repay").amount), (Status::Recovered, d("-5000.00")));
    assert_eq!((line(&s, "R2", "repay").status, line(&s, "R2", "repay").amount), (Status::NotMet, d("0.00")));
}
