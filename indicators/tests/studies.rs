//! Statistics for impact studies against R. Every expected number below was printed by
//! `tests/fixtures/studies/reference.R` (R 4 with survival and sandwich; output kept in
//! `reference.out`). Tolerance: 1e-9 relative on estimates, standard errors, intervals and
//! p-values; counts exact.

// Reference values are copied digit for digit from R's 17-significant-digit output, so they can
// be traced to reference.out.
#![allow(clippy::excessive_precision)]

use std::path::{Path, PathBuf};

use impatto_indicators::definition::ConfType;
use impatto_indicators::study::did::{Observation, Options, SmallSample, Vcov, estimate};
use impatto_indicators::study::{data, means, survival};

fn fixture(name: &str) -> PathBuf {
    Path::new(&std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/studies")
        .join(name)
}

fn close(a: f64, b: f64, what: &str) {
    let tol = 1e-9 * b.abs().max(1e-300);
    assert!((a - b).abs() <= tol, "{what}: {a} vs R {b}");
}

struct Data {
    times: Vec<f64>,
    events: Vec<bool>,
    groups: Vec<String>,
}

fn load(file: &str, time: &str, event: &str, by: &str) -> Data {
    let path = fixture(file);
    let df = data::read(&path, &[time, event, by]).expect("reads");
    let t = data::numbers(&df, time, file).expect("time");
    let e = data::events(&data::numbers(&df, event, file).expect("event"), event, file).expect("0/1");
    let g = data::labels(&df, by, file).expect("group");
    let mut d = Data { times: vec![], events: vec![], groups: vec![] };
    for ((t, e), g) in t.into_iter().zip(e).zip(g) {
        if let (Some(t), Some(e), Some(g)) = (t, e, g) {
            d.times.push(t);
            d.events.push(e);
            d.groups.push(format!("{by}={g}"));
        }
    }
    d
}

#[test]
fn kaplan_meier_at_times_matches_survfit_for_every_conf_type() {
    let d = load("rossi.csv", "week", "arrest", "fin");
    // summary(survfit(Surv(week, arrest) ~ fin, rossi, conf.type = …), times = c(10, 20, 52)):
    // (n.risk, n.event, surv, std.err) are the same for every conf.type.
    let common = [
        (208, 9, 0.95833333333333348, 0.013596458477396682),
        (196, 12, 0.90277777777777779, 0.020157948267921499),
        (154, 45, 0.69444444444444420, 0.031342740758626378),
        (210, 6, 0.97222222222222221, 0.011181617859714072),
        (201, 13, 0.91203703703703687, 0.019272110931792392),
        (168, 29, 0.77777777777777757, 0.028287504289850857),
    ];
    let limits = [
        (
            ConfType::LogLog,
            [
                (0.92145629345483593, 0.97810005934777366),
                (0.85479223040505992, 0.93549998910134113),
                (0.62828830759427456, 0.75119093345674071),
                (0.93921897585735237, 0.98742401409139302),
                (0.86556418575362637, 0.94296997964142182),
                (0.71624377897406499, 0.82758045250518519),
            ],
        ),
        (
            ConfType::Log,
            [
                (0.93205186492507630, 0.98535587164090332),
                (0.86412097619176087, 0.94316390702743558),
                (0.63565250572858878, 0.75867409012569098),
                (0.95055181573261371, 0.99438666439684265),
                (0.87503589632251644, 0.95060278146659294),
                (0.72426521890551121, 0.83524412855155916),
            ],
        ),
        (
            ConfType::Plain,
            [
                (0.93168476440034165, 0.98498190226632532),
                (0.86326892517043008, 0.94228663038512550),
                (0.63301380138076091, 0.75587508750812749),
                (0.95030665392829283, 0.99413779051615159),
                (0.87426439370466313, 0.94980968036941060),
                (0.72233528815714765, 0.83322026739840749),
            ],
        ),
    ];
    for (conf, expected) in limits {
        let strata = survival::fit(&d.times, &d.events, &d.groups, conf, 0.95).expect("fits");
        let rows: Vec<survival::SummaryRow> = strata.iter().flat_map(|s| survival::summary_at(s, &[10.0, 20.0, 52.0])).collect();
        assert_eq!(rows.len(), 6);
        for (i, r) in rows.iter().enumerate() {
            let (n_risk, n_event, surv, se) = common[i];
            assert_eq!((r.n_risk, r.n_event), (n_risk, n_event), "{conf:?} row {i}");
            close(r.surv, surv, "surv");
            close(r.std_err.expect("std.err"), se, "std.err");
            close(r.lower.expect("lower"), expected[i].0, &format!("{conf:?} lower row {i}"));
            close(r.upper.expect("upper"), expected[i].1, &format!("{conf:?} upper row {i}"));
        }
        assert_eq!(rows[0].strata, "fin=0");
    }
}

#[test]
fn medians_match_survfit_and_an_unreached_median_is_none() {
    // summary(survfit(Surv(time, dead) ~ sex, lung, conf.type = …))$table:
    // log-log: sex=1 270 [210, 306], sex=2 426 [345, 524]; log: sex=1 270 [212, 310], sex=2 426 [348, 550].
    let d = load("lung.csv", "time", "dead", "sex");
    for (conf, one, two) in [(ConfType::LogLog, (210.0, 306.0), (345.0, 524.0)), (ConfType::Log, (212.0, 310.0), (348.0, 550.0))]
    {
        let strata = survival::fit(&d.times, &d.events, &d.groups, conf, 0.95).expect("fits");
        let m: Vec<_> = strata.iter().map(survival::median).collect();
        assert_eq!((m[0].median, m[0].lower, m[0].upper), (Some(270.0), Some(one.0), Some(one.1)), "{conf:?}");
        assert_eq!((m[1].median, m[1].lower, m[1].upper), (Some(426.0), Some(two.0), Some(two.1)), "{conf:?}");
    }
    // In rossi fewer than half are re-arrested within 52 weeks: no median.
    let r = load("rossi.csv", "week", "arrest", "fin");
    let strata = survival::fit(&r.times, &r.events, &r.groups, ConfType::LogLog, 0.95).expect("fits");
    assert!(strata.iter().all(|s| survival::median(s).median.is_none()));
}

#[test]
fn median_at_exactly_one_half_is_the_midpoint_to_the_next_event() {
    // Worked by hand: deaths at 1 and 3, censored at 2 and 4 → S(1) = 3/4, S(3) = 3/4 × 1/2 =
    // 3/8. With deaths at 1, 2, 3, 4: S(2) = 1/2 exactly → median = (2 + 3) / 2 = 2.5.
    let times = [1.0, 2.0, 3.0, 4.0];
    let strata = survival::fit(&times, &[true; 4], &vec!["all".to_string(); 4], ConfType::LogLog, 0.95).expect("fits");
    assert_eq!(survival::median(&strata[0]).median, Some(2.5));
}

#[test]
fn logrank_matches_survdiff_for_two_and_k_groups() {
    let d = load("rossi.csv", "week", "arrest", "fin");
    let t = survival::logrank(&d.times, &d.events, &d.groups).expect("test");
    close(t.chisq, 3.837569576549055, "rossi chisq");
    close(t.p_value, 0.050116117409005671, "rossi p");
    assert_eq!(t.df, 1);
    let l = load("lung.csv", "time", "dead", "ph.ecog");
    let t = survival::logrank(&l.times, &l.events, &l.groups).expect("test");
    close(t.chisq, 21.962131682476006, "lung chisq");
    close(t.p_value, 6.6425353558001711e-05, "lung p");
    assert_eq!(t.df, 3);
}

// R 4.2.2 survival, fixtures/studies/reference_issue11.R (output in reference_issue11.out):
// survdiff(...)$var, column-major, and $exp; the diagonal of var is print.survdiff's V.
#[test]
#[allow(clippy::excessive_precision)]
fn logrank_variance_matches_survdiff() {
    let d = load("rossi.csv", "week", "arrest", "fin");
    let t = survival::logrank(&d.times, &d.events, &d.groups).expect("test");
    let var = [28.323198165154732, -28.323198165154736, -28.323198165154736, 28.323198165154739];
    for (i, v) in var.iter().enumerate() {
        close(t.var[i % 2][i / 2], *v, &format!("rossi var[{i}]"));
    }
    close(t.groups[0].3, 55.574442768409554, "rossi E fin=0");
    assert_eq!((t.groups[0].2, t.groups[1].2), (66, 48));
    let l = load("lung.csv", "time", "dead", "ph.ecog");
    let t = survival::logrank(&l.times, &l.events, &l.groups).expect("test");
    let var = [
        35.827693706450184,
        -27.346623617670804,
        -8.4331438704438355,
        -0.047926218335515428,
        -27.346623617670804,
        40.72411021395353,
        -13.288981742073002,
        -0.088504854209692632,
        -8.4331438704438355,
        -13.288981742073,
        21.756760171649987,
        -0.034634559133157196,
        -0.047926218335515428,
        -0.088504854209692632,
        -0.034634559133157189,
        0.17106563167836528,
    ];
    for (i, v) in var.iter().enumerate() {
        close(t.var[i % 4][i / 4], *v, &format!("lung var[{i}]"));
    }
    let expected = [54.152697018922929, 83.527564575081882, 26.147353065330211, 0.1723853406649615];
    for (g, e) in t.groups.iter().zip(expected) {
        close(g.3, e, &format!("lung E {}", g.0));
    }
}

#[test]
fn welch_and_pooled_t_match_t_test() {
    let path = fixture("rossi.csv");
    let df = data::read(&path, &["prio", "fin"]).expect("reads");
    let prio = data::numbers(&df, "prio", "rossi.csv").expect("prio");
    let fin = data::numbers(&df, "fin", "rossi.csv").expect("fin");
    let (mut g0, mut g1) = (vec![], vec![]);
    for (p, f) in prio.into_iter().zip(fin) {
        match (p, f) {
            (Some(p), Some(0.0)) => g0.push(p),
            (Some(p), Some(_)) => g1.push(p),
            _ => {}
        }
    }
    // t.test(prio ~ fin, rossi): Welch estimate 0.0046296296296297612, CI (-0.5437401887882839,
    // 0.55299944804754342), t 0.016593773432428474, df 429.91431886137241, p 0.98676838993028837.
    let w = means::difference(&g0, &g1, false, 0.95, "fin=0 - fin=1").expect("welch");
    close(w.estimate, 0.0046296296296297612, "estimate");
    close(w.ci_low.expect("ci"), -0.5437401887882839, "welch low");
    close(w.ci_high.expect("ci"), 0.55299944804754342, "welch high");
    close(w.statistic.expect("t"), 0.016593773432428474, "welch t");
    close(w.df.expect("df"), 429.91431886137241, "welch df");
    close(w.p_value.expect("p"), 0.98676838993028837, "welch p");
    // var.equal = TRUE: CI (-0.54373988032404874, 0.55299913958330815), df 430, p 0.98676838839685077.
    let p = means::difference(&g0, &g1, true, 0.95, "fin=0 - fin=1").expect("pooled");
    close(p.ci_low.expect("ci"), -0.54373988032404874, "pooled low");
    close(p.ci_high.expect("ci"), 0.55299913958330815, "pooled high");
    close(p.p_value.expect("p"), 0.98676838839685077, "pooled p");
    assert_eq!(p.df, Some(430.0));
}

fn card_krueger() -> Vec<Observation> {
    let path = fixture("card_krueger_long.csv");
    let df = data::read(&path, &["fte", "store_id", "post", "nj"]).expect("reads");
    let f = "card_krueger_long.csv";
    let (y, unit, post, nj) = (
        data::numbers(&df, "fte", f).expect("fte"),
        data::labels(&df, "store_id", f).expect("store"),
        data::numbers(&df, "post", f).expect("post"),
        data::numbers(&df, "nj", f).expect("nj"),
    );
    let mut out = Vec::new();
    for i in 0..y.len() {
        if let (Some(y), Some(u), Some(p), Some(t)) = (y[i], unit[i].clone(), post[i], nj[i]) {
            out.push(Observation { y, unit: u, post: p == 1.0, treated: t == 1.0 });
        }
    }
    out
}

#[test]
fn did_2x2_and_twfe_match_lm_and_sandwich() {
    let obs = card_krueger();
    assert_eq!(obs.len(), 794);
    // lm(fte ~ nj * post): nj:post 2.7536057829806673; se classical 1.6884091309094826,
    // vcovHC HC1 1.7954508096057429, vcovCL(cluster = ~store_id, type = "HC1") 1.3066070124191214.
    for (se, expected) in
        [(Vcov::Iid, 1.6884091309094826), (Vcov::Hetero, 1.7954508096057429), (Vcov::Cluster, 1.3066070124191214)]
    {
        let e = estimate(&obs, false, &Options::new(se, SmallSample::Lm)).expect("2x2").estimate;
        close(e.estimate, 2.7536057829806673, "2x2 estimate");
        close(e.std_error.expect("se"), expected, &format!("2x2 {se:?}"));
        assert_eq!(e.n, 794);
    }
    // lm(fte ~ treat_post + factor(store_id) + factor(post)): 2.7500000000000191; se classical
    // 1.1543553776959039, HC1 1.3601806291696401, CR1 1.9247228412381858.
    for (se, expected) in
        [(Vcov::Iid, 1.1543553776959039), (Vcov::Hetero, 1.3601806291696401), (Vcov::Cluster, 1.9247228412381858)]
    {
        let e = estimate(&obs, true, &Options::new(se, SmallSample::Lm)).expect("twfe").estimate;
        close(e.estimate, 2.7500000000000191, "twfe estimate");
        close(e.std_error.expect("se"), expected, &format!("twfe {se:?}"));
    }
}

#[test]
fn event_study_matches_lm_with_fixed_effects() {
    // reference.R on staggered.csv (12 units × 6 periods, 8 treated from period 3, 4 or 5):
    // lm(y ~ relative-time dummies (k = -1 omitted) + factor(unit) + factor(period)).
    let path = fixture("staggered.csv");
    let f = "staggered.csv";
    let df = data::read(&path, &["y", "unit", "period", "first_treated"]).expect("reads");
    let (y, unit, period, first) = (
        data::numbers(&df, "y", f).expect("y"),
        data::labels(&df, "unit", f).expect("unit"),
        data::numbers(&df, "period", f).expect("period"),
        data::numbers(&df, "first_treated", f).expect("first"),
    );
    let obs: Vec<impatto_indicators::study::did::PeriodObservation> = (0..y.len())
        .map(|i| impatto_indicators::study::did::PeriodObservation {
            y: y[i].expect("y"),
            unit: unit[i].clone().expect("unit"),
            period: period[i].expect("period") as i64,
            first_treated: first[i].map(|v| v as i64),
        })
        .collect();
    let terms = ["k=-4", "k=-3", "k=-2", "k=0", "k=1", "k=2", "k=3"];
    let estimates = [
        0.1317383546615635,
        0.031496461411090117,
        0.060982215971339591,
        1.0174196609856636,
        1.5478901850581863,
        2.1272233124015374,
        2.3772893544448297,
    ];
    let ses = [
        (
            Vcov::Iid,
            [
                0.27607893982642034,
                0.18756064192437066,
                0.14856680049151774,
                0.14755537548448608,
                0.16151338020537459,
                0.19293706677818598,
                0.25450787165964878,
            ],
        ),
        (
            Vcov::Hetero,
            [
                0.28167587326386945,
                0.17713613807125517,
                0.14053284577356459,
                0.15185777077175019,
                0.18355964697533422,
                0.21135685828090037,
                0.24759602463224276,
            ],
        ),
        (
            Vcov::Cluster,
            [
                0.37869204029108627,
                0.18728197332487848,
                0.16559504007594777,
                0.17709478129009815,
                0.20670459147744791,
                0.25905991210981222,
                0.29059885654454892,
            ],
        ),
    ];
    for (se, expected) in ses {
        let out = impatto_indicators::study::did::event_study(&obs, &Options::new(se, SmallSample::Lm)).expect("fits").estimates;
        assert_eq!(out.iter().map(|e| e.term.as_str()).collect::<Vec<_>>(), terms);
        for (i, e) in out.iter().enumerate() {
            close(e.estimate, estimates[i], &format!("{} estimate", e.term));
            close(e.std_error.expect("se"), expected[i], &format!("{} {se:?}", e.term));
        }
    }
}

// Field cases of issue 11: each test is named after its folder in
// tests/fixtures/studies/field-cases/ (copied from the shared field-cases), which holds the
// input, the command, expected.md with the right value and its source, and the reference script.

fn field_case(case: &str, file: &str) -> PathBuf {
    fixture("field-cases").join(case).join(file)
}

fn period_observations(path: &Path, cols: [&str; 4]) -> Vec<impatto_indicators::study::did::PeriodObservation> {
    let f = path.display().to_string();
    let df = data::read(path, &cols).expect("reads");
    let (y, unit, period, first) = (
        data::numbers(&df, cols[0], &f).expect("y"),
        data::labels(&df, cols[1], &f).expect("unit"),
        data::numbers(&df, cols[2], &f).expect("period"),
        data::numbers(&df, cols[3], &f).expect("first"),
    );
    (0..y.len())
        .map(|i| impatto_indicators::study::did::PeriodObservation {
            y: y[i].expect("y"),
            unit: unit[i].clone().expect("unit"),
            period: period[i].expect("period") as i64,
            first_treated: first[i].map(|v| v as i64),
        })
        .collect()
}

// Source: field-cases/case-12-event-study-never-treated-zero, expected.md and reference.R
// (R 4.2.2, sandwich 3.0.2: lm with k dummies (k ≠ −1) + factor(comune) + factor(anno), never
// treated without k dummies; vcovCL(cluster = ~comune, type = "HC1"); t on G − 1 = 7 df). Never
// treated coded 0 (R `did`'s convention, outside 2019–2023) gives the same coefficients as the
// empty cell, not relative periods from "treated in year 0" and not a panic.
#[test]
fn case_12_event_study_never_treated_zero() {
    let case = "case-12-event-study-never-treated-zero";
    let cols = ["occupati", "comune", "anno", "primo_anno_trattato"];
    let expected = [
        ("k=-3", 0.244951315789, 0.399085511257, -0.698735962588, 1.18863859417),
        ("k=-2", 0.291686842105, 0.186428044482, -0.149145433054, 0.732519117264),
        ("k=0", 2.15517368421, 0.0837667807716, 1.95709672292, 2.3532506455),
        ("k=1", 2.7654754386, 0.216297338678, 2.254013506, 3.27693737119),
        ("k=2", 2.84315964912, 0.438510618739, 1.80624680547, 3.88007249277),
    ];
    for file in ["staggered_zero.csv", "staggered_blank.csv"] {
        let obs = period_observations(&field_case(case, file), cols);
        let out = impatto_indicators::study::did::event_study(&obs, &Options::new(Vcov::Cluster, SmallSample::Lm))
            .expect("fits")
            .estimates;
        assert_eq!(out.len(), expected.len(), "{file}");
        for (e, (term, b, se, lo, hi)) in out.iter().zip(expected) {
            assert_eq!(e.term, term, "{file}");
            close(e.estimate, b, &format!("{file} {term} estimate"));
            close(e.std_error.expect("se"), se, &format!("{file} {term} se"));
            close(e.ci_low.expect("ci"), lo, &format!("{file} {term} ci_low"));
            close(e.ci_high.expect("ci"), hi, &format!("{file} {term} ci_high"));
            assert_eq!((e.df, e.n), (Some(7.0), 40), "{file}");
        }
        // The classical and HC1 fits run too (no panic), on the same coefficients.
        for se in [Vcov::Iid, Vcov::Hetero] {
            let out =
                impatto_indicators::study::did::event_study(&obs, &Options::new(se, SmallSample::Lm)).expect("fits").estimates;
            close(out[2].estimate, 2.15517368421, &format!("{file} {se:?} k=0"));
        }
    }
    let zero = period_observations(&field_case(case, "staggered_zero.csv"), cols);
    assert_eq!(impatto_indicators::study::did::outside_periods(&zero), vec![(0, 3)], "0 is reported, once per value");
}

// Issue 11 item 3: p-values from the upper tail, never 1 − cdf (which underflows to 0 below
// ~1e-16). References (scipy 1.17.1, statsmodels 0.15.0, computed on the data written here):
// - log-rank: scipy.stats.logrank(arange(1, 41), arange(41, 81)) (every time an event):
//   statistic² = 96.1943004867284, p = 1.0414427666890852e-22;
// - Welch / pooled t: scipy.stats.ttest_ind(a, b, equal_var=False / True) on the a, b below:
//   t = 322.38400747534274, Welch df 40.21413721413717, p 3.0271291244913174e-70; pooled p
//   8.358390918917325e-79;
// - DiD with unit effects, classical: statsmodels OLS(y, [treated·post, post, unit dummies]) on
//   the 12 × 2 panel below: 3.0083333333333333, se 0.015365907428821242, p 2.971008558995465e-19
//   on 10 df.
#[test]
#[allow(clippy::excessive_precision)]
fn p_values_come_from_the_upper_tail_and_do_not_underflow() {
    let times: Vec<f64> = (1..=80).map(f64::from).collect();
    let groups: Vec<String> = (1..=80).map(|t| if t <= 40 { "g=a".to_string() } else { "g=b".to_string() }).collect();
    let t = survival::logrank(&times, &[true; 80], &groups).expect("test");
    close(t.chisq, 96.1943004867284, "log-rank chisq");
    close(t.p_value, 1.0414427666890852e-22, "log-rank p");

    let a: Vec<f64> = [10.0, 10.1, 10.2, 10.3, 10.1, 10.2, 10.0, 10.3].repeat(3);
    let b: Vec<f64> = [1.0, 1.1, 1.2, 1.05, 1.15, 1.0, 1.1, 1.2].repeat(3);
    let w = means::difference(&a, &b, false, 0.95, "a - b").expect("welch");
    close(w.statistic.expect("t"), 322.38400747534274, "welch t");
    close(w.df.expect("df"), 40.21413721413717, "welch df");
    close(w.p_value.expect("p"), 3.0271291244913174e-70, "welch p");
    let p = means::difference(&a, &b, true, 0.95, "a - b").expect("pooled");
    close(p.p_value.expect("p"), 8.358390918917325e-79, "pooled p");

    let y = [
        -0.02, 4.01, 0.5, 4.48, 1.02, 5.0, 1.49, 5.52, 2.01, 5.99, 2.48, 6.51, 3.0, 3.98, 3.52, 4.5, 3.99, 5.02, 4.51, 5.49,
        4.98, 6.01, 5.5, 6.48,
    ];
    let obs: Vec<Observation> = y
        .iter()
        .enumerate()
        .map(|(i, y)| Observation { y: *y, unit: format!("u{:02}", i / 2), post: i % 2 == 1, treated: i / 2 < 6 })
        .collect();
    let e = estimate(&obs, true, &Options::new(Vcov::Iid, SmallSample::Lm)).expect("did").estimate;
    close(e.estimate, 3.0083333333333333, "did estimate");
    close(e.std_error.expect("se"), 0.015365907428821242, "did se");
    close(e.p_value.expect("p"), 2.971008558995465e-19, "did p");
    assert_eq!(e.df, Some(10.0));
}

// No statistic reaches a distribution with NaN: two constant groups have no variance, so no
// interval and no test, and no panic.
#[test]
fn constant_groups_give_no_test_and_no_panic() {
    let w = means::difference(&[1.0, 1.0, 1.0], &[2.0, 2.0], false, 0.95, "a - b").expect("no panic");
    assert_eq!(w.estimate, -1.0);
    assert_eq!((w.p_value, w.ci_low, w.df), (None, None, None));
}

fn survival_case(case: &str, file: &str, time: &str, event: &str) -> Data {
    let path = field_case(case, file);
    let f = path.display().to_string();
    let df = data::read(&path, &[time, event]).expect("reads");
    let t = data::numbers(&df, time, &f).expect("time");
    let e = data::events(&data::numbers(&df, event, &f).expect("event"), event, &f).expect("0/1");
    let mut d = Data { times: vec![], events: vec![], groups: vec![] };
    for (t, e) in t.into_iter().zip(e) {
        d.times.push(t.expect("time"));
        d.events.push(e.expect("event"));
        d.groups.push("all".into());
    }
    d
}

// Source: field-cases/case-02-median-ci-curve-hits-zero, expected.md and reference.R (R 4.2.2,
// survival 3.5.3, conf.type = "log-log"; therneau/survival#290). Closures at 3, 5, 6, 8, 11,
// no censoring: median 6, lower 3, upper NA (the upper band is 0.582 at month 8, its last
// defined value, so it never reaches 0.5; not 11, where Ŝ = 0 and the limit is NA). At month 11
// std.err is undefined (R NaN), not 0, and both limits are NA. R prints std.err and limits to 3
// to 5 significant digits; the std.err to 1e-12 are Greenwood's by hand (Ŝ·√Σ d/(n(n−d))).
#[test]
fn case_02_median_ci_curve_hits_zero() {
    let d = survival_case("case-02-median-ci-curve-hits-zero", "spells.csv", "months", "closed");
    let strata = survival::fit(&d.times, &d.events, &d.groups, ConfType::LogLog, 0.95).expect("fits");
    let m = survival::median(&strata[0]);
    assert_eq!((m.n, m.events, m.median, m.lower, m.upper), (5, 5, Some(6.0), Some(3.0), None));
    let rows = survival::summary_events(&strata[0]);
    let r_values = [
        (3.0, 5, 0.8, 0.179, 0.20381, 0.969),
        (5.0, 4, 0.6, 0.219, 0.12573, 0.882),
        (6.0, 3, 0.4, 0.219, 0.05198, 0.753),
        (8.0, 2, 0.2, 0.179, 0.00837, 0.582),
    ];
    let mut greenwood = 0.0;
    for (r, (time, n_risk, surv, se, lower, upper)) in rows.iter().zip(r_values) {
        assert_eq!((r.time, r.n_risk, r.n_event), (time, n_risk, 1));
        close(r.surv, surv, "surv");
        let n = n_risk as f64;
        greenwood += 1.0 / (n * (n - 1.0));
        close(r.std_err.expect("defined while Ŝ > 0"), surv * f64::sqrt(greenwood), "Greenwood std.err");
        // To the digits R printed.
        assert!((r.std_err.expect("std.err") - se).abs() < 5e-4, "std.err {:?} vs R {se}", r.std_err);
        assert!((r.lower.expect("lower") - lower).abs() < 5e-6, "lower {:?} vs R {lower}", r.lower);
        assert!((r.upper.expect("upper") - upper).abs() < 5e-4, "upper {:?} vs R {upper}", r.upper);
    }
    let last = &rows[4];
    assert_eq!((last.time, last.n_risk, last.surv), (11.0, 1, 0.0));
    assert_eq!((last.std_err, last.lower, last.upper), (None, None, None), "undefined at Ŝ = 0, not 0");
}

// Source: field-cases/case-04-at-times-unsorted, expected.md and reference.R (R 4.2.2, survival
// 3.5.3: summary(survfit(Surv(futime, fustat) ~ 1, ovarian), times = c(1095, 365)); R sorts the
// times): 365 → 20 at risk, 7 events, 0.730769230769231; 1095 → 4 at risk, 5 events (since
// 365), 0.496732026143791. Never 12 events at 1095 and 0 at 365.
#[test]
fn case_04_at_times_unsorted() {
    let d = survival_case("case-04-at-times-unsorted", "ovarian.csv", "futime", "fustat");
    let strata = survival::fit(&d.times, &d.events, &d.groups, ConfType::Log, 0.95).expect("fits");
    for at in [[1095.0, 365.0], [365.0, 1095.0]] {
        let rows = survival::summary_at(&strata[0], &at);
        assert_eq!(
            rows.iter().map(|r| (r.time, r.n_risk, r.n_event)).collect::<Vec<_>>(),
            vec![(365.0, 20, 7), (1095.0, 4, 5)],
            "--at {at:?}"
        );
        close(rows[0].surv, 0.730769230769231, "surv at 365");
        close(rows[1].surv, 0.496732026143791, "surv at 1095");
    }
}

// Source: field-cases/case-05-proportion-zero-and-all, expected.md and reference.py
// (statsmodels 0.15.0 proportion_confint(count, 30, alpha=0.05, method=…); statsmodels issues
// #2742 and #2609). Every bound in [0, 1], none NaN; Jeffreys equal-tailed at the boundaries
// (0 of 30: lower 1.6231861223464347e-05, not 0). The Brown-Cai-DasGupta boundary version (0
// and 1 at the edges) only as `JeffreysBoundary`.
#[test]
#[allow(clippy::excessive_precision)]
fn case_05_proportion_zero_and_all() {
    use impatto_indicators::study::proportion::{Method, interval};
    let methods = [Method::ClopperPearson, Method::Wilson, Method::Wald, Method::AgrestiCoull, Method::Jeffreys];
    let statsmodels: [(f64, [(f64, f64); 5]); 4] = [
        (
            0.0,
            [
                (0.0, 0.1157033082220278),
                (0.0, 0.1135133931739688),
                (0.0, 0.0),
                (0.0, 0.1347116961396264),
                (1.6231861223464347e-05, 0.07967817381726),
            ],
        ),
        (
            1.0,
            [
                (0.0008435709266304788, 0.17216945563341268),
                (0.005908590381612455, 0.16670390991409176),
                (0.0, 0.09756736890584528),
                (0.0, 0.1809179845326112),
                (0.0036204643737916633, 0.14541777735402017),
            ],
        ),
        (
            29.0,
            [
                (0.8278305443665873, 0.9991564290733695),
                (0.8332960900859081, 0.9940914096183875),
                (0.9024326310941547, 1.0),
                (0.8190820154673888, 1.0),
                (0.8545822226459798, 0.9963795356262083),
            ],
        ),
        (
            30.0,
            [
                (0.8842966917779722, 1.0),
                (0.8864866068260311, 1.0),
                (1.0, 1.0),
                (0.8652883038603735, 1.0),
                (0.9203218261827399, 0.9999837681387765),
            ],
        ),
    ];
    for (count, expected) in statsmodels {
        for (m, (lo, hi)) in methods.iter().zip(expected) {
            let (l, h) = interval(count, 30.0, 0.95, *m).expect("interval");
            close(l, lo, &format!("{m:?} {count}/30 lower"));
            close(h, hi, &format!("{m:?} {count}/30 upper"));
            assert!((0.0..=1.0).contains(&l) && (0.0..=1.0).contains(&h), "{m:?} {count}/30 in [0, 1]");
        }
    }
    // The boundary-modified Jeffreys: 0 / 1 at the edges, the equal-tailed quantiles elsewhere.
    assert_eq!(interval(0.0, 30.0, 0.95, Method::JeffreysBoundary).map(|i| i.0), Some(0.0));
    assert_eq!(interval(30.0, 30.0, 0.95, Method::JeffreysBoundary).map(|i| i.1), Some(1.0));
    let (l, h) = interval(1.0, 30.0, 0.95, Method::JeffreysBoundary).expect("interval");
    close(l, 0.0036204643737916633, "boundary Jeffreys 1/30 lower");
    close(h, 0.14541777735402017, "boundary Jeffreys 1/30 upper");
}

/// The organ donations panel of field case 11: observations and their quarter.
fn organ_donations() -> (Vec<Observation>, Vec<String>) {
    let path = field_case("case-11-did-twfe-organ-donations", "organ_donations.csv");
    let f = path.display().to_string();
    let df = data::read(&path, &["Rate", "State", "Quarter", "post", "california"]).expect("reads");
    let (y, state, quarter, post, ca) = (
        data::numbers(&df, "Rate", &f).expect("Rate"),
        data::labels(&df, "State", &f).expect("State"),
        data::labels(&df, "Quarter", &f).expect("Quarter"),
        data::numbers(&df, "post", &f).expect("post"),
        data::numbers(&df, "california", &f).expect("california"),
    );
    let obs: Vec<Observation> = (0..y.len())
        .map(|i| Observation {
            y: y[i].expect("Rate"),
            unit: state[i].clone().expect("State"),
            post: post[i] == Some(1.0),
            treated: ca[i] == Some(1.0),
        })
        .collect();
    (obs, quarter.into_iter().map(|q| q.expect("Quarter")).collect())
}

// Source: field-cases/case-11-did-twfe-organ-donations, expected.md and reference.R (R 4.2.2,
// sandwich 3.0.2: lm(Rate ~ D + factor(State) + factor(Quarter)), D = california × post,
// vcovCL(cluster = ~State, type = "HC1"), k = 33, t on G − 1 = 26 df; NickCH-K/causalbook#4).
// Two-way fixed effects are unit and period effects: −0.0224589743589694, SE 0.00672076552693934,
// CI (−0.0362737057498094, −0.00864424296812941), n 162. Unit effects plus one post dummy (SE
// 0.00661892985670661) is not two-way and is refused when units have several rows per side.
#[test]
#[allow(clippy::excessive_precision)]
fn case_11_did_twfe_organ_donations() {
    let (obs, periods) = organ_donations();
    let e = impatto_indicators::study::did::estimate_two_way(&obs, &periods, &Options::new(Vcov::Cluster, SmallSample::Lm))
        .expect("fits")
        .estimate;
    close(e.estimate, -0.0224589743589694, "estimate");
    close(e.std_error.expect("se"), 0.00672076552693934, "cluster se");
    close(e.ci_low.expect("ci"), -0.0362737057498094, "ci_low");
    close(e.ci_high.expect("ci"), -0.00864424296812941, "ci_high");
    assert_eq!((e.df, e.n), (Some(26.0), 162));
    let refused = estimate(&obs, true, &Options::default()).expect_err("six quarters are not two periods");
    assert!(
        refused.to_string().contains("unit `Alaska` has 3 rows before treatment; give the period column (--period)"),
        "{refused}"
    );
}

// Issue 11 item 1, one reader: the statistics files below go through impatto_datasets::csv.

/// Welch and pooled t-tests of `outcome` between the two groups of `group` (first − second).
fn t_tests(
    path: &Path,
    outcome: &str,
    group: &str,
) -> (impatto_indicators::study::Estimate, impatto_indicators::study::Estimate) {
    let f = path.display().to_string();
    let df = data::read(path, &[outcome, group]).expect("reads");
    let y = data::numbers(&df, outcome, &f).expect("outcome");
    let g = data::labels(&df, group, &f).expect("group");
    let mut levels: Vec<String> = g.iter().flatten().cloned().collect();
    levels.sort();
    levels.dedup();
    assert_eq!(levels.len(), 2, "{levels:?}");
    let pick = |l: &str| -> Vec<f64> {
        y.iter().zip(&g).filter_map(|(y, g)| (g.as_deref() == Some(l)).then_some(*y).flatten()).collect()
    };
    let (a, b) = (pick(&levels[0]), pick(&levels[1]));
    (means::difference(&a, &b, false, 0.95, "d").expect("welch"), means::difference(&a, &b, true, 0.95, "d").expect("pooled"))
}

// Source: field-cases/case-07-csv-semicolon-decimal-comma, expected.md and reference.R (R 4.2.2:
// read.csv2("ricavi.csv"); t.test(ricavi_k ~ finanziata) and var.equal = TRUE; SheetJS #2239,
// readr #749). `;`-separated, decimal comma, CRLF: the comma is detected.
#[test]
#[allow(clippy::excessive_precision)]
fn case_07_csv_semicolon_decimal_comma() {
    let (welch, pooled) = t_tests(&field_case("case-07-csv-semicolon-decimal-comma", "ricavi.csv"), "ricavi_k", "finanziata");
    close(welch.estimate, -3.65, "welch estimate");
    close(welch.std_error.expect("se"), 1.1139269874338, "welch se");
    close(welch.df.expect("df"), 7.22760434024304, "welch df");
    close(welch.statistic.expect("t"), -3.27669590662191, "welch t");
    close(welch.p_value.expect("p"), 0.0129508039591571, "welch p");
    close(welch.ci_low.expect("ci"), -6.26729666282882, "welch ci_low");
    close(welch.ci_high.expect("ci"), -1.03270333717118, "welch ci_high");
    close(pooled.std_error.expect("se"), 1.1139269874338, "pooled se");
    close(pooled.p_value.expect("p"), 0.00833537905449553, "pooled p");
    close(pooled.ci_low.expect("ci"), -6.13198399897727, "pooled ci_low");
    close(pooled.ci_high.expect("ci"), -1.16801600102273, "pooled ci_high");
    assert_eq!((pooled.df, welch.n), (Some(10.0), 12));
}

// Source: field-cases/case-09-csv-r-export-NA, expected.md and reference.R (R 4.2.2, survival
// 3.5.3: survdiff(Surv(time, status) ~ differ) on survival::colon, etype == 2, written by
// write.csv; viralemergence/virion#46, duckdb#4768). R's `NA` is missing: 23 rows left out,
// three groups, 2 df.
#[test]
#[allow(clippy::excessive_precision)]
fn case_09_csv_r_export_na() {
    let path = field_case("case-09-csv-r-export-NA", "colon_deaths.csv");
    let f = path.display().to_string();
    let df = data::read(&path, &["time", "status", "differ"]).expect("reads");
    let g = data::labels(&df, "differ", &f).expect("differ");
    assert_eq!(g.iter().filter(|g| g.is_none()).count(), 23);
    let d = load("field-cases/case-09-csv-r-export-NA/colon_deaths.csv", "time", "status", "differ");
    assert_eq!(d.times.len(), 929 - 23);
    let t = survival::logrank(&d.times, &d.events, &d.groups).expect("log-rank");
    close(t.chisq, 17.1890944410285, "chisq");
    assert_eq!(t.df, 2);
    close(t.p_value, 0.000185112423934775, "p");
    let expected = [
        ("differ=1", 93, 42, 47.5286967209092),
        ("differ=2", 663, 311, 334.9173048778226),
        ("differ=3", 150, 88, 58.5539984012683),
    ];
    assert_eq!(t.groups.len(), 3);
    for ((g, n, o, e), (eg, en, eo, ee)) in t.groups.iter().zip(expected) {
        assert_eq!((g.as_str(), *n, *o), (eg, en, eo));
        close(*e, ee, &format!("{g} expected"));
    }
}

// Source: field-cases/case-10-csv-float-after-row-100, expected.md and reference.R (R 4.2.2
// t.test(monthly_wage ~ group); pola-rs/polars#12692). The first decimal is at data row 121:
// types come from the whole file.
#[test]
#[allow(clippy::excessive_precision)]
fn case_10_csv_float_after_row_100() {
    let (welch, pooled) = t_tests(&field_case("case-10-csv-float-after-row-100", "salaries.csv"), "monthly_wage", "group");
    close(welch.estimate, -127.673333333333, "welch estimate");
    close(welch.std_error.expect("se"), 37.5768506144688, "welch se");
    close(welch.df.expect("df"), 147.698730821297, "welch df");
    close(welch.p_value.expect("p"), 0.000873660110445798, "welch p");
    close(welch.ci_low.expect("ci"), -201.931041600766, "welch ci_low");
    close(welch.ci_high.expect("ci"), -53.4156250659, "welch ci_high");
    close(pooled.p_value.expect("p"), 0.000873234716641326, "pooled p");
    close(pooled.ci_low.expect("ci"), -201.929793071748, "pooled ci_low");
    close(pooled.ci_high.expect("ci"), -53.4168735949182, "pooled ci_high");
    assert_eq!((pooled.df, welch.n), (Some(148.0), 150));
}

/// Estimate, std error, p-value and interval against a reference, to 1e-9 relative.
fn matches(e: &impatto_indicators::study::Estimate, reference: [f64; 5], what: &str) {
    let [b, se, p, lo, hi] = reference;
    close(e.estimate, b, &format!("{what} estimate"));
    close(e.std_error.expect("se"), se, &format!("{what} se"));
    close(e.p_value.expect("p"), p, &format!("{what} p"));
    close(e.ci_low.expect("ci"), lo, &format!("{what} ci_low"));
    close(e.ci_high.expect("ci"), hi, &format!("{what} ci_high"));
}

// Issue 11 item 5: vcov types and the small-sample correction against pyfixest 0.60.0
// (fixtures/studies/reference_pyfixest.py, output in reference_pyfixest.out): feols("fte ~ D +
// nj + post") on card_krueger_long.csv with vcov "iid", "hetero", "HC2", "HC3" and
// {"CRV1": "store_id"}, default ssc (fixest's), and with ssc(k_adj=False, G_adj=False).
#[test]
#[allow(clippy::excessive_precision)]
fn did_2x2_vcov_types_match_pyfixest() {
    let obs = card_krueger();
    let cases = [
        (
            Vcov::Iid,
            SmallSample::Fixest,
            [2.7536057829805296, 1.688409130909486, 0.10331257812309524, -0.5606930309044125, 6.067904596865471],
            790.0,
        ),
        (
            Vcov::Hetero,
            SmallSample::Fixest,
            [2.7536057829805296, 1.7954508096057507, 0.12551440305585615, -0.7708127834244562, 6.2780243493855155],
            790.0,
        ),
        (
            Vcov::Hc2,
            SmallSample::Fixest,
            [2.7536057829805296, 1.8057539116656174, 0.1276826446809174, -0.7910374779675124, 6.298249043928571],
            790.0,
        ),
        (
            Vcov::Hc3,
            SmallSample::Fixest,
            [2.7536057829805296, 1.8161283871042304, 0.12986992834757882, -0.8114022764108566, 6.318613842371915],
            790.0,
        ),
        (
            Vcov::Cluster,
            SmallSample::Fixest,
            [2.7536057829805296, 1.306607012419124, 0.03568693315311422, 0.18510245346310983, 5.32210911249795],
            409.0,
        ),
        (
            Vcov::Cluster,
            SmallSample::None,
            [2.7536057829805296, 1.3025417793619993, 0.03511785699660863, 0.19309381164750894, 5.31411775431355],
            409.0,
        ),
        (
            Vcov::Iid,
            SmallSample::None,
            [2.7536057829805296, 1.6852123925463287, 0.10266116166547867, -0.554417924965128, 6.061629490926187],
            790.0,
        ),
    ];
    for (vcov, ssc, reference, df) in cases {
        let d = estimate(&obs, false, &Options::new(vcov, ssc)).expect("2x2");
        matches(&d.estimate, reference, &format!("2x2 {vcov:?} {ssc:?}"));
        assert_eq!((d.estimate.df, d.estimate.n, d.singletons), (Some(df), 794, 0));
    }
    // `lm` is R sandwich's HC2/HC3 (no n/(n − k) factor): statsmodels 0.15 OLS(...).fit(cov_type=
    // "HC2") se 1.801199670084726, "HC3" 1.8115479803481656 (same script).
    for (vcov, se) in [(Vcov::Hc2, 1.801199670084726), (Vcov::Hc3, 1.8115479803481656)] {
        let d = estimate(&obs, false, &Options::new(vcov, SmallSample::Lm)).expect("2x2");
        close(d.estimate.std_error.expect("se"), se, &format!("lm {vcov:?}"));
    }
}

// pyfixest 0.60.0 feols("fte ~ D | store_id + post") (same script): the 26 stores seen once are
// singletons, dropped (fixef_rm="singleton"), n = 768; the store effects nested in the store
// clusters count as one parameter. With ssc(k_fixef="full"), fixef_rm="none" pyfixest gives R's
// lm + sandwich value (1.92472284…, tested above with SmallSample::Lm).
#[test]
#[allow(clippy::excessive_precision)]
fn did_twfe_drops_singletons_and_matches_pyfixest() {
    let obs = card_krueger();
    let cases = [
        (
            Vcov::Iid,
            SmallSample::Fixest,
            [2.750000000000001, 1.1543553776958988, 0.017694325888309104, 0.48031395180348335, 5.019686048196519],
            382.0,
        ),
        (
            Vcov::Hetero,
            SmallSample::Fixest,
            [2.750000000000001, 1.3377253110290748, 0.040487867186849824, 0.11977317953649091, 5.380226820463511],
            382.0,
        ),
        (
            Vcov::Cluster,
            SmallSample::Fixest,
            [2.750000000000001, 1.3377230281804713, 0.04048575091851636, 0.11979949392001243, 5.380200506079989],
            383.0,
        ),
        (
            Vcov::Cluster,
            SmallSample::None,
            [2.750000000000001, 1.3342371034986151, 0.039967784053406064, 0.1266534395195329, 5.373346560480469],
            383.0,
        ),
    ];
    for (vcov, ssc, reference, df) in cases {
        let d = estimate(&obs, true, &Options::new(vcov, ssc)).expect("twfe");
        matches(&d.estimate, reference, &format!("twfe {vcov:?} {ssc:?}"));
        assert_eq!((d.estimate.df, d.estimate.n, d.singletons), (Some(df), 768, 26));
    }
    let lm = estimate(&obs, true, &Options::new(Vcov::Cluster, SmallSample::Lm)).expect("twfe");
    assert_eq!((lm.estimate.n, lm.singletons), (794, 0), "lm keeps the singletons, as lm does");
}

// Field case 11 with fixest's default correction: pyfixest 0.60.0 feols("Rate ~ D | State +
// Quarter") (reference_pyfixest.py; the cluster value is also in the case's expected.md).
#[test]
#[allow(clippy::excessive_precision)]
fn case_11_organ_donations_matches_pyfixest_by_default() {
    let (obs, periods) = organ_donations();
    let cases = [
        (
            Vcov::Iid,
            [-0.022458974358974364, 0.020496857991146776, 0.2752394227728505, -0.06301250989283061, 0.018094561174881875],
            129.0,
        ),
        (
            Vcov::Hetero,
            [-0.022458974358974364, 0.004706445352785373, 4.862268897509736e-06, -0.03177079175726896, -0.013147156960679767],
            129.0,
        ),
        (
            Vcov::Cluster,
            [-0.022458974358974364, 0.006131232005640857, 0.0011184831711179566, -0.03506190224171853, -0.009856046476230196],
            26.0,
        ),
    ];
    for (vcov, reference, df) in cases {
        let d = impatto_indicators::study::did::estimate_two_way(&obs, &periods, &Options::new(vcov, SmallSample::Fixest))
            .expect("fits");
        matches(&d.estimate, reference, &format!("organ {vcov:?}"));
        assert_eq!((d.estimate.df, d.estimate.n, d.singletons), (Some(df), 162, 0));
    }
    // pyfixest: "HC2 and HC3 inference types are not supported for regressions with fixed effects."
    let refused = impatto_indicators::study::did::estimate_two_way(&obs, &periods, &Options::new(Vcov::Hc2, SmallSample::Fixest))
        .expect_err("HC2 with fixed effects");
    assert!(refused.to_string().contains("HC2 standard errors are not defined with absorbed unit fixed effects"), "{refused}");
}

// Rank-deficient designs are refused with the columns named, never fitted (pyfixest drops the
// collinear D and reports no coefficient for it; lm gives NA).
#[test]
fn rank_deficient_designs_are_refused_by_name() {
    let obs = card_krueger();
    let names = impatto_indicators::study::did::Names { treated: "nj".into(), post: "post".into() };
    let opts = Options { names, ..Options::default() };
    let treated_only: Vec<Observation> = obs.iter().filter(|o| o.treated).cloned().collect();
    for fe in [false, true] {
        let e = estimate(&treated_only, fe, &opts).expect_err("no control units");
        assert!(
            e.to_string().contains(
                "no rows with `nj` = 0 and `post` = 0 (control, before), nor with `nj` = 0 and `post` = 1 (control, after)"
            ),
            "{e}"
        );
    }
    // All four cells present, yet D is collinear with the effects: the control units are each
    // seen in one period only, so within units only the treated vary over time, and their D is
    // the period effect. lm keeps those units (and refuses by name); fixest drops them as
    // singletons, which leaves no control rows.
    let row = |unit: &str, period: &str, treated: bool| {
        let post = period == "2";
        (Observation { y: f64::from(u8::from(post)) + unit.len() as f64, unit: unit.into(), post, treated }, period.to_string())
    };
    let rows = [
        row("a", "1", true),
        row("a", "2", true),
        row("bb", "1", true),
        row("bb", "2", true),
        row("ccc", "1", true),
        row("ccc", "2", true),
        row("d", "1", false),
        row("e", "2", false),
    ];
    let (obs, periods): (Vec<Observation>, Vec<String>) = rows.into_iter().unzip();
    let lm = Options { small_sample: SmallSample::Lm, ..opts.clone() };
    let e = impatto_indicators::study::did::estimate_two_way(&obs, &periods, &lm).expect_err("collinear");
    assert!(
        e.to_string().contains(
            "the design is rank-deficient: `nj` × `post` is constant or collinear with the unit effects, the period effects"
        ),
        "{e}"
    );
    let e = impatto_indicators::study::did::estimate_two_way(&obs, &periods, &opts).expect_err("no controls left");
    assert!(e.to_string().contains("no rows with `nj` = 0 and `post` = 0 (control, before)"), "{e}");
}

// Singletons are dropped until none is left: a unit seen once goes, and a period left with one
// row after that goes too (pyfixest's fixef_rm="singleton" and reghdfe). Worked by hand: units a
// (periods 1, 2, 3), b (1, 2), c (3 only), d (1, 2). c is a singleton unit; without it period 3
// has one row (a's), which goes next. pyfixest 0.60.0 feols("y ~ D | unit + period") on the same
// 8 rows agrees: n = 6, D = 1.75.
#[test]
fn singletons_are_dropped_until_none_is_left() {
    let row = |unit: &str, period: &str, y: f64, treated: bool, post: bool| {
        (Observation { y, unit: unit.into(), post, treated }, period.to_string())
    };
    let rows = [
        row("a", "1", 1.0, true, false),
        row("a", "2", 3.0, true, true),
        row("a", "3", 4.0, true, true),
        row("b", "1", 1.0, false, false),
        row("b", "2", 1.5, false, true),
        row("c", "3", 7.0, false, true),
        row("d", "1", 2.0, false, false),
        row("d", "2", 2.0, false, true),
    ];
    let (obs, periods): (Vec<Observation>, Vec<String>) = rows.into_iter().unzip();
    let d = impatto_indicators::study::did::estimate_two_way(&obs, &periods, &Options::new(Vcov::Iid, SmallSample::Fixest))
        .expect("fits");
    assert_eq!((d.singletons, d.estimate.n), (2, 6));
    // Left: a 1 → 3, b 1 → 1.5, d 2 → 2: DiD = (3 − 1) − mean(0.5, 0) = 1.75.
    close(d.estimate.estimate, 1.75, "DiD on the rows left");
}
