//! Confidence intervals for one proportion; for two, the z-test of equal proportions and
//! intervals for the difference (Wald, Agresti–Caffo, Newcombe), named as statsmodels names them.

use statrs::distribution::{Beta, ContinuousCDF, Normal};

use crate::stats::{clopper_pearson, wilson, z_value};

/// Interval method for a proportion (names as statsmodels' `proportion_confint`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Method {
    /// Wilson score (statsmodels `wilson`).
    Wilson,
    /// Clopper-Pearson exact (statsmodels `beta`).
    ClopperPearson,
    /// Agresti-Coull (statsmodels `agresti_coull`).
    AgrestiCoull,
    /// Jeffreys, equal-tailed Beta(x + ½, n − x + ½) quantiles at α/2 and 1 − α/2, at every x
    /// (statsmodels `jeffreys`): 0 of 30 gives a lower limit of 1.62e-05, not 0.
    Jeffreys,
    /// Jeffreys with Brown, Cai and DasGupta's (2001) boundary modification: lower limit 0 at
    /// x = 0 and upper limit 1 at x = n, the equal-tailed quantiles elsewhere.
    JeffreysBoundary,
    /// Wald / normal approximation (statsmodels `normal`); poor for small n.
    Wald,
}

/// Interval for x successes of n; `None` when n = 0.
pub fn interval(x: f64, n: f64, level: f64, method: Method) -> Option<(f64, f64)> {
    if n <= 0.0 || x < 0.0 || x > n {
        return None;
    }
    let z = z_value(level)?;
    match method {
        Method::Wilson => wilson(x, n, level),
        Method::ClopperPearson => clopper_pearson(x, n, level),
        Method::AgrestiCoull => {
            let n2 = n + z * z;
            let p2 = (x + z * z / 2.0) / n2;
            let half = z * (p2 * (1.0 - p2) / n2).sqrt();
            Some(((p2 - half).max(0.0), (p2 + half).min(1.0)))
        }
        Method::Jeffreys | Method::JeffreysBoundary => {
            if !(level > 0.0 && level < 1.0) {
                return None;
            }
            let b = Beta::new(x + 0.5, n - x + 0.5).ok()?;
            let alpha = 1.0 - level;
            let boundary = method == Method::JeffreysBoundary;
            let lo = if boundary && x == 0.0 { 0.0 } else { b.inverse_cdf(alpha / 2.0) };
            let hi = if boundary && x == n { 1.0 } else { b.inverse_cdf(1.0 - alpha / 2.0) };
            Some((lo.clamp(0.0, 1.0), hi.clamp(0.0, 1.0)))
        }
        Method::Wald => {
            let p = x / n;
            let half = z * (p * (1.0 - p) / n).sqrt();
            Some(((p - half).max(0.0), (p + half).min(1.0)))
        }
    }
}

/// Newcombe's hybrid score interval for p1 − p2 (Newcombe 1998, method 10), from the two
/// Wilson intervals.
pub fn newcombe_difference(x1: f64, n1: f64, x2: f64, n2: f64, level: f64) -> Option<(f64, f64, f64)> {
    let (l1, u1) = wilson(x1, n1, level)?;
    let (l2, u2) = wilson(x2, n2, level)?;
    let (p1, p2) = (x1 / n1, x2 / n2);
    let d = p1 - p2;
    let lower = d - ((p1 - l1).powi(2) + (u2 - p2).powi(2)).sqrt();
    let upper = d + ((u1 - p1).powi(2) + (p2 - l2).powi(2)).sqrt();
    Some((d, lower, upper))
}

/// Interval method for a difference of proportions p1 − p2, named as statsmodels'
/// `confint_proportions_2indep(method=…, compare="diff")`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DiffMethod {
    /// Wald: d ± z √(p1(1 − p1)/n1 + p2(1 − p2)/n2). Not clipped to [−1, 1], as statsmodels.
    Wald,
    /// Agresti–Caffo (2000): the Wald interval after adding one success and one failure to
    /// each group. Not clipped to [−1, 1], as statsmodels.
    AgrestiCaffo,
    /// Newcombe's hybrid score interval (1998, method 10), from the two Wilson intervals
    /// (statsmodels `newcomb`).
    #[default]
    Newcomb,
}

impl DiffMethod {
    /// statsmodels' name of the method.
    pub fn name(self) -> &'static str {
        match self {
            DiffMethod::Wald => "wald",
            DiffMethod::AgrestiCaffo => "agresti-caffo",
            DiffMethod::Newcomb => "newcomb",
        }
    }
}

/// p1 − p2 and its interval by `method`, for x1 of n1 and x2 of n2; `None` when a count is
/// outside 0..=n, a trial count is 0, or the level is outside (0, 1).
pub fn difference(x1: f64, n1: f64, x2: f64, n2: f64, level: f64, method: DiffMethod) -> Option<(f64, f64, f64)> {
    let valid = |x: f64, n: f64| n > 0.0 && (0.0..=n).contains(&x);
    if !(valid(x1, n1) && valid(x2, n2) && level > 0.0 && level < 1.0) {
        return None;
    }
    let d = x1 / n1 - x2 / n2;
    let z = z_value(level)?;
    let wald = |x1: f64, n1: f64, x2: f64, n2: f64| {
        let (p1, p2) = (x1 / n1, x2 / n2);
        z * (p1 * (1.0 - p1) / n1 + p2 * (1.0 - p2) / n2).sqrt()
    };
    match method {
        DiffMethod::Wald => {
            let half = wald(x1, n1, x2, n2);
            Some((d, d - half, d + half))
        }
        DiffMethod::AgrestiCaffo => {
            let centre = (x1 + 1.0) / (n1 + 2.0) - (x2 + 1.0) / (n2 + 2.0);
            let half = wald(x1 + 1.0, n1 + 2.0, x2 + 1.0, n2 + 2.0);
            Some((d, centre - half, centre + half))
        }
        DiffMethod::Newcomb => newcombe_difference(x1, n1, x2, n2, level),
    }
}

/// Two-sample z-test of p1 = p2 with the pooled standard error √(p̂(1 − p̂)(1/n1 + 1/n2)),
/// p̂ = (x1 + x2)/(n1 + n2), as statsmodels' `proportions_ztest([x1, x2], [n1, n2])`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ZTest {
    /// p1 − p2.
    pub estimate: f64,
    /// Pooled standard error.
    pub std_error: f64,
    /// z; `None` when the pooled standard error is 0 (no successes or no failures at all).
    pub statistic: Option<f64>,
    /// Two-sided p-value 2·P(Z > |z|), from the upper tail.
    pub p_value: Option<f64>,
}

/// The pooled two-sample z-test; `None` when a count is outside 0..=n or a trial count is 0.
pub fn z_test(x1: f64, n1: f64, x2: f64, n2: f64) -> Option<ZTest> {
    let valid = |x: f64, n: f64| n > 0.0 && (0.0..=n).contains(&x);
    if !(valid(x1, n1) && valid(x2, n2)) {
        return None;
    }
    let estimate = x1 / n1 - x2 / n2;
    let pooled = (x1 + x2) / (n1 + n2);
    let std_error = (pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2)).sqrt();
    let statistic = Some(estimate / std_error).filter(|z| z.is_finite());
    let p_value = statistic.map(|z| 2.0 * Normal::standard().sf(z.abs()));
    Some(ZTest { estimate, std_error, statistic, p_value })
}

#[cfg(test)]
mod tests {
    use super::*;

    // statsmodels 0.15.0 proportion_confint(42, 69, alpha=0.05, method=…) — the Scuola dei
    // Quartieri figure: wilson (0.4907399184297276, 0.7151867645726524), beta
    // (0.4837164379636161, 0.724033677777496), agresti_coull (0.4906013231959808,
    // 0.7153253598063992), jeffreys (0.49102019466958546, 0.717463977487633), normal
    // (0.4935411340826393, 0.7238501702651869).
    #[test]
    fn every_method_matches_statsmodels_on_42_of_69() {
        let cases = [
            (Method::Wilson, 0.4907399184297276, 0.7151867645726524),
            (Method::ClopperPearson, 0.4837164379636161, 0.724033677777496),
            (Method::AgrestiCoull, 0.4906013231959808, 0.7153253598063992),
            (Method::Jeffreys, 0.49102019466958546, 0.717463977487633),
            (Method::Wald, 0.4935411340826393, 0.7238501702651869),
        ];
        for (m, lo, hi) in cases {
            let (l, h) = interval(42.0, 69.0, 0.95, m).expect("interval");
            assert!((l - lo).abs() < 1e-9 * lo && (h - hi).abs() < 1e-9 * hi, "{m:?}: ({l}, {h}) vs ({lo}, {hi})");
        }
    }

    // statsmodels 0.15.0 confint_proportions_2indep(42, 69, 30, 70, method="newcomb",
    // compare="diff") = (0.014230204290977294, 0.3326660302076083); difference 42/69 − 30/70 =
    // 0.18012422360248453.
    #[test]
    fn newcombe_matches_statsmodels() {
        let (d, lo, hi) = newcombe_difference(42.0, 69.0, 30.0, 70.0, 0.95).expect("interval");
        assert!((d - 0.18012422360248453).abs() < 1e-12);
        assert!((lo - 0.014230204290977294).abs() < 1e-9 * lo.abs());
        assert!((hi - 0.3326660302076083).abs() < 1e-9 * hi);
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * b.abs()
    }

    // statsmodels 0.15.0, tests/fixtures/studies/reference_proportions.py (output in
    // reference_proportions.out): proportions_ztest and confint_proportions_2indep(method="wald" /
    // "agresti-caffo" / "newcomb", compare="diff"), including the edges 0/10 vs 10/10 and 3/5
    // vs 0/4 where the Wald and Agresti–Caffo limits leave [−1, 1] (statsmodels does not clip).
    #[test]
    fn two_sample_test_and_difference_intervals_match_statsmodels() {
        let cases = [
            (
                (42.0, 69.0, 30.0, 70.0),
                (2.124953533793431, 0.03359049032016118),
                [
                    (DiffMethod::Wald, 0.01672266573027914, 0.34352578147468993),
                    (DiffMethod::AgrestiCaffo, 0.013821831823892794, 0.3363346626987988),
                    (DiffMethod::Newcomb, 0.014230204290977294, 0.3326660302076083),
                ],
            ),
            (
                (0.0, 10.0, 10.0, 10.0),
                (-4.47213595499958, 7.74421643104407e-06),
                [
                    (DiffMethod::Wald, -1.0, -1.0),
                    (DiffMethod::AgrestiCaffo, -1.0544836483625932, -0.6121830183040732),
                    (DiffMethod::Newcomb, -1.0, -0.6075093504305241),
                ],
            ),
            (
                (3.0, 5.0, 0.0, 4.0),
                (1.8973665961010275, 0.057779571123597245),
                [
                    (DiffMethod::Wald, 0.17059340550788216, 1.0294065944921178),
                    (DiffMethod::AgrestiCaffo, -0.0678031369717596, 0.8773269464955691),
                    (DiffMethod::Newcomb, -0.013479900307501791, 0.8823792257673522),
                ],
            ),
        ];
        for ((x1, n1, x2, n2), (z, p), intervals) in cases {
            let t = z_test(x1, n1, x2, n2).expect("test");
            assert!(close(t.statistic.expect("z"), z) && close(t.p_value.expect("p"), p), "{x1}/{n1} vs {x2}/{n2}: {t:?}");
            for (m, lo, hi) in intervals {
                let (d, l, h) = difference(x1, n1, x2, n2, 0.95, m).expect("interval");
                assert_eq!(d, x1 / n1 - x2 / n2);
                assert!(close(l, lo) && close(h, hi), "{m:?} {x1}/{n1} vs {x2}/{n2}: ({l}, {h}) vs ({lo}, {hi})");
            }
        }
        // No successes at all: the pooled standard error is 0, so no z and no p-value.
        let t = z_test(0.0, 10.0, 0.0, 12.0).expect("test");
        assert_eq!((t.statistic, t.p_value), (None, None));
        assert_eq!(difference(1.0, 0.0, 1.0, 2.0, 0.95, DiffMethod::Wald), None);
        assert_eq!(difference(1.0, 2.0, 1.0, 2.0, f64::NAN, DiffMethod::AgrestiCaffo), None);
    }
}
