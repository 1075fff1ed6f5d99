//! Confidence intervals for one proportion, and for the difference of two (Newcombe).

use statrs::distribution::{Beta, ContinuousCDF};

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
    let z = z_value(level);
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
}
