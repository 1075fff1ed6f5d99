//! Intervals and the Kaplan-Meier estimator, on aggregated counts.
//!
//! These take counts, not rows, so they serve every backend and the statistics commands alike.

use serde::Deserialize;
use statrs::distribution::{Beta, ContinuousCDF, Normal, StudentsT};
use statrs::function::{beta::checked_beta_reg, gamma::checked_gamma_ur};

/// Confidence-interval method for shares.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "kebab-case")]
pub enum CiMethod {
    /// Wilson score interval (default: good coverage at small n).
    #[default]
    Wilson,
    /// Clopper-Pearson exact interval (conservative).
    ClopperPearson,
    /// No interval (counts and sums).
    None,
}

impl CiMethod {
    /// The method's name as the command line and the result rows write it.
    pub fn name(self) -> &'static str {
        match self {
            CiMethod::Wilson => "wilson",
            CiMethod::ClopperPearson => "clopper-pearson",
            CiMethod::None => "none",
        }
    }
}

impl ConfType {
    /// R's `conf.type` name: `log-log`, `log` or `plain`.
    pub fn name(self) -> &'static str {
        match self {
            ConfType::LogLog => "log-log",
            ConfType::Log => "log",
            ConfType::Plain => "plain",
        }
    }
}

/// Confidence interval of Kaplan-Meier survival, named as R's `conf.type`.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "kebab-case")]
pub enum ConfType {
    /// exp(−exp(log(−log S) ± z σ / log S)): stays inside (0, 1). Default, as in the research.
    #[default]
    LogLog,
    /// exp(log S ± z σ), capped at 1.
    Log,
    /// S ± z S σ, clipped to [0, 1].
    Plain,
}

/// Two-sided normal quantile for a confidence level (0.95 → 1.959964…); `None` for a level
/// outside (0, 1) or NaN, where statrs' `inverse_cdf` would panic.
pub fn z_value(level: f64) -> Option<f64> {
    (level > 0.0 && level < 1.0).then(|| Normal::standard().inverse_cdf(1.0 - (1.0 - level) / 2.0))
}

/// Two-sided p-value of a t statistic on `df` degrees of freedom, 2·P(T > |t|), from the upper
/// tail (the regularized incomplete beta I_{df/(df+t²)}(df/2, 1/2)), so it does not underflow to
/// 0 as 1 − cdf does: |t| = 25 on 100 df gives 8.23e-45. `df` infinite is the normal. `None`
/// for a NaN statistic or degrees of freedom that are not positive, never a panic.
pub fn t_two_sided_p(t: f64, df: f64) -> Option<f64> {
    if t.is_nan() || df.is_nan() || df <= 0.0 {
        return None;
    }
    if t.is_infinite() {
        return Some(0.0);
    }
    if df.is_infinite() {
        return Some(2.0 * Normal::standard().sf(t.abs()));
    }
    let h = df / (df + t * t);
    checked_beta_reg(df / 2.0, 0.5, h).ok().map(|p| p.clamp(0.0, 1.0))
}

/// Upper-tail p-value of a χ² statistic on `df` degrees of freedom, P(X > x), from the upper
/// regularized gamma function Q(df/2, x/2), so it does not underflow to 0 as 1 − cdf does:
/// χ² = 150 on 1 df gives 1.7336432457178413e-34. `None` for a NaN statistic or degrees of
/// freedom that are not positive.
pub fn chi_squared_upper_p(x: f64, df: f64) -> Option<f64> {
    if x.is_nan() || df.is_nan() || df <= 0.0 || df.is_infinite() {
        return None;
    }
    if x <= 0.0 {
        return Some(1.0);
    }
    if x.is_infinite() {
        return Some(0.0);
    }
    checked_gamma_ur(df / 2.0, x / 2.0).ok().map(|p| p.clamp(0.0, 1.0))
}

/// Two-sided t quantile for a confidence level (0.95 on 7 df → 2.3646…); `None` for a level
/// outside (0, 1) or degrees of freedom that are not positive.
pub fn t_value(level: f64, df: f64) -> Option<f64> {
    if !(level > 0.0 && level < 1.0) || df.is_nan() || df <= 0.0 {
        return None;
    }
    if df.is_infinite() {
        return z_value(level);
    }
    Some(StudentsT::new(0.0, 1.0, df).ok()?.inverse_cdf(1.0 - (1.0 - level) / 2.0))
}

/// Wilson score interval for x successes in n trials; `None` when n = 0 or the level is
/// outside (0, 1).
pub fn wilson(x: f64, n: f64, level: f64) -> Option<(f64, f64)> {
    if n <= 0.0 {
        return None;
    }
    let z = z_value(level)?;
    let p = x / n;
    let z2 = z * z;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / (1.0 + z2 / n);
    // Exact at the boundaries (0 at x = 0, 1 at x = n), where rounding would leave ±1e-17.
    let lower = if x <= 0.0 { 0.0 } else { (centre - half).max(0.0) };
    let upper = if x >= n { 1.0 } else { (centre + half).min(1.0) };
    Some((lower, upper))
}

/// Clopper-Pearson exact interval; lower = 0 when x = 0 and upper = 1 when x = n. `None` when
/// n = 0 or the level is outside (0, 1) (statrs' Beta quantile panics outside [0, 1]).
pub fn clopper_pearson(x: f64, n: f64, level: f64) -> Option<(f64, f64)> {
    if n <= 0.0 || !(level > 0.0 && level < 1.0) {
        return None;
    }
    let alpha = 1.0 - level;
    let lower = if x <= 0.0 { 0.0 } else { Beta::new(x, n - x + 1.0).ok()?.inverse_cdf(alpha / 2.0) };
    let upper = if x >= n { 1.0 } else { Beta::new(x + 1.0, n - x).ok()?.inverse_cdf(1.0 - alpha / 2.0) };
    Some((lower, upper))
}

/// One step of a Kaplan-Meier curve, as R's `summary.survfit` reports it.
#[derive(Clone, Debug, PartialEq)]
pub struct KmStep {
    /// Event or censoring time.
    pub time: f64,
    /// Units at risk just before `time`.
    pub n_risk: u64,
    /// Deaths at `time`.
    pub n_event: u64,
    /// Censored at `time`.
    pub n_censor: u64,
    /// Ŝ(time).
    pub surv: f64,
    /// Standard error of Ŝ (Greenwood); `None` where undefined, from the time Ŝ reaches 0 (R
    /// prints NaN there), never 0.
    pub std_err: Option<f64>,
    /// Lower confidence limit (`None` where undefined, e.g. Ŝ = 0 for log-log).
    pub lower: Option<f64>,
    /// Upper confidence limit.
    pub upper: Option<f64>,
}

/// Kaplan-Meier curve from (time, deaths, censored) sorted by time, Greenwood variance.
///
/// At a tied time deaths come before censorings (the usual convention, as in R's survfit). A
/// level outside (0, 1) gives no intervals.
pub fn kaplan_meier(times: &[(f64, u64, u64)], conf: ConfType, level: f64) -> Vec<KmStep> {
    let z = z_value(level).unwrap_or(f64::NAN);
    let mut at_risk: u64 = times.iter().map(|t| t.1 + t.2).sum();
    let mut surv = 1.0_f64;
    let mut greenwood = 0.0_f64;
    let mut steps = Vec::with_capacity(times.len());
    for &(time, deaths, censored) in times {
        let n = at_risk as f64;
        let d = deaths as f64;
        if deaths > 0 {
            surv *= 1.0 - d / n;
            greenwood += if at_risk > deaths { d / (n * (n - d)) } else { f64::INFINITY };
        }
        let sigma = greenwood.sqrt(); // standard error of log Ŝ
        let std_err = greenwood.is_finite().then_some(surv * sigma);
        let (lower, upper) = interval(surv, sigma, z, conf);
        steps.push(KmStep { time, n_risk: at_risk, n_event: deaths, n_censor: censored, surv, std_err, lower, upper });
        at_risk -= deaths + censored;
    }
    steps
}

pub(crate) fn interval(surv: f64, sigma: f64, z: f64, conf: ConfType) -> (Option<f64>, Option<f64>) {
    if surv <= 0.0 || !sigma.is_finite() || !z.is_finite() {
        return (None, None);
    }
    if sigma == 0.0 {
        return (Some(surv), Some(surv));
    }
    match conf {
        ConfType::LogLog => {
            if surv >= 1.0 {
                return (Some(1.0), Some(1.0));
            }
            let log_s = surv.ln();
            let w = z * sigma / log_s.abs();
            (Some(surv.powf(w.exp())), Some(surv.powf((-w).exp())))
        }
        ConfType::Log => (Some((surv.ln() - z * sigma).exp()), Some((surv.ln() + z * sigma).exp().min(1.0))),
        ConfType::Plain => {
            let se = surv * sigma;
            (Some((surv - z * se).max(0.0)), Some((surv + z * se).min(1.0)))
        }
    }
}

/// The curve at time t: the last step at or before t (Ŝ = 1 before the first death), and the
/// number still at risk just after t (R's `summary(fit, times = t)` reports those at risk at t).
pub fn at_time(curve: &[KmStep], total: u64, t: f64) -> (f64, Option<f64>, Option<f64>, u64) {
    let last = curve.iter().rev().find(|s| s.time <= t);
    let n_risk = curve.iter().find(|s| s.time >= t).map(|s| s.n_risk).unwrap_or(0);
    let n_risk = if curve.is_empty() { total } else { n_risk };
    match last {
        Some(s) => (s.surv, s.lower, s.upper, n_risk),
        None => (1.0, Some(1.0), Some(1.0), n_risk),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Golden values: shared/research/indicators.md §7 ("42/69 = 60.9%: Wilson [49.1%, 71.5%],
    // Clopper-Pearson [48.4%, 72.4%]"), and to more digits from
    // proportion_confint(42, 69, method="wilson" / "beta"), statsmodels 0.15.0:
    // wilson (0.4907399184297276, 0.7151867645726524), beta (0.4837164379636161, 0.724033677777496).
    #[test]
    fn wilson_matches_statsmodels_on_42_of_69() {
        let (lo, hi) = wilson(42.0, 69.0, 0.95).expect("n > 0");
        assert!((lo - 0.4907399184297276).abs() < 1e-9, "{lo}");
        assert!((hi - 0.7151867645726524).abs() < 1e-9, "{hi}");
    }

    #[test]
    fn clopper_pearson_matches_statsmodels_on_42_of_69_and_tails() {
        let (lo, hi) = clopper_pearson(42.0, 69.0, 0.95).expect("n > 0");
        assert!((lo - 0.4837164379636161).abs() < 1e-9, "{lo}");
        assert!((hi - 0.724033677777496).abs() < 1e-9, "{hi}");
        // x = 0 of 10: upper = 1 − 0.025^(1/10) = 0.3084971… (closed form).
        let (lo, hi) = clopper_pearson(0.0, 10.0, 0.95).expect("n > 0");
        assert_eq!(lo, 0.0);
        assert!((hi - (1.0 - 0.025f64.powf(0.1))).abs() < 1e-12, "{hi}");
        let (lo, hi) = clopper_pearson(10.0, 10.0, 0.95).expect("n > 0");
        assert!((lo - 0.025f64.powf(0.1)).abs() < 1e-12, "{lo}");
        assert_eq!(hi, 1.0);
    }

    // scipy 1.x: stats.t.sf(25, 100) * 2 = 8.231980897006e-45; stats.chi2.sf(150, 1) =
    // 1.7336432457178413e-34 (issue 11 item 3: p-values from the upper tail, not 1 − cdf).
    #[test]
    fn p_values_come_from_the_upper_tail_and_never_panic() {
        let p = t_two_sided_p(25.0, 100.0).expect("p");
        assert!((p - 8.231980897006e-45).abs() <= 1e-9 * 8.231980897006e-45, "{p}");
        let p = t_two_sided_p(-25.0, 100.0).expect("p");
        assert!((p - 8.231980897006e-45).abs() <= 1e-9 * 8.231980897006e-45, "{p}");
        let p = chi_squared_upper_p(150.0, 1.0).expect("p");
        assert!((p - 1.7336432457178413e-34).abs() <= 1e-9 * 1.7336432457178413e-34, "{p}");
        assert_eq!(t_two_sided_p(0.0, 10.0), Some(1.0));
        assert_eq!(t_two_sided_p(f64::INFINITY, 10.0), Some(0.0));
        assert_eq!(t_two_sided_p(f64::NAN, 10.0), None);
        assert_eq!(t_two_sided_p(2.0, 0.0), None);
        assert_eq!(chi_squared_upper_p(f64::NAN, 1.0), None);
        assert_eq!(chi_squared_upper_p(0.0, 1.0), Some(1.0));
        assert_eq!(chi_squared_upper_p(1e6, 1.0), Some(0.0));
        assert_eq!(t_value(f64::NAN, 10.0), None);
        assert_eq!(t_value(0.95, 0.0), None);
        // Levels that would reach statrs' quantiles outside [0, 1] (a panic there) are None.
        for level in [f64::NAN, 1.5, -0.1, 1.0] {
            assert_eq!(z_value(level), None);
            assert_eq!(wilson(3.0, 10.0, level), None);
            assert_eq!(clopper_pearson(3.0, 10.0, level), None);
            assert!(kaplan_meier(&[(1.0, 1, 0), (2.0, 0, 1)], ConfType::LogLog, level).iter().all(|s| s.lower.is_none()));
        }
    }

    #[test]
    fn empty_denominator_has_no_interval() {
        assert_eq!(wilson(0.0, 0.0, 0.95), None);
        assert_eq!(clopper_pearson(0.0, 0.0, 0.95), None);
    }

    // Worked by hand: times 1,2,2,3+,4 with deaths at 1, 2 (×2), 4 and a censoring at 3.
    // n=5: S(1)=4/5=0.8; n=4: S(2)=0.8·2/4=0.4; n=2 at 3 (censor); n=1: S(4)=0.
    // Greenwood Σ at 2: 1/(5·4) + 2/(4·2) = 0.05 + 0.25 = 0.3; SE(S(2)) = 0.4·√0.3.
    #[test]
    fn kaplan_meier_by_hand() {
        let curve = kaplan_meier(&[(1.0, 1, 0), (2.0, 2, 0), (3.0, 0, 1), (4.0, 1, 0)], ConfType::LogLog, 0.95);
        let s: Vec<f64> = curve.iter().map(|c| c.surv).collect();
        assert_eq!(s, vec![0.8, 0.4, 0.4, 0.0]);
        assert_eq!(curve.iter().map(|c| c.n_risk).collect::<Vec<_>>(), vec![5, 4, 2, 1]);
        assert!((curve[1].std_err.expect("defined") - 0.4 * 0.3f64.sqrt()).abs() < 1e-15);
        assert_eq!(curve[3].std_err, None, "undefined at S = 0, not 0");
        // log-log at S=0.4: w = z·√0.3/|ln 0.4|; lower = 0.4^exp(w), upper = 0.4^exp(−w).
        let w = 1.959963984540054 * 0.3f64.sqrt() / 0.4f64.ln().abs();
        assert!((curve[1].lower.expect("defined") - 0.4f64.powf(w.exp())).abs() < 1e-12);
        assert!((curve[1].upper.expect("defined") - 0.4f64.powf((-w).exp())).abs() < 1e-12);
        assert_eq!(curve[3].lower, None, "log-log is undefined at S = 0");
        let (s3, _, _, n3) = at_time(&curve, 5, 3.0);
        assert_eq!((s3, n3), (0.4, 2));
        let (s0, lo0, _, n0) = at_time(&curve, 5, 0.0);
        assert_eq!((s0, lo0, n0), (1.0, Some(1.0), 5));
    }
}
