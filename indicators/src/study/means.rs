//! Difference in means between two groups: Welch's and the pooled t-test.

use super::Estimate;
use crate::error::{Error, Result};
use crate::stats::{t_two_sided_p, t_value};

fn mean_var(x: &[f64]) -> (f64, f64) {
    let n = x.len() as f64;
    let m = x.iter().sum::<f64>() / n;
    let v = x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (n - 1.0);
    (m, v)
}

/// One arm of a comparison: count, mean and sample standard deviation (n − 1 denominator, as
/// R's `sd`); the mean is `None` for an empty arm, the sd for fewer than 2 values.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Arm {
    /// Values.
    pub n: u64,
    /// Arithmetic mean.
    pub mean: Option<f64>,
    /// Sample standard deviation.
    pub sd: Option<f64>,
}

/// n, mean and sd of one arm.
pub fn describe(x: &[f64]) -> Arm {
    let (m, v) = mean_var(x);
    Arm { n: x.len() as u64, mean: (!x.is_empty()).then_some(m), sd: (x.len() >= 2).then(|| v.sqrt()) }
}

/// mean(first) − mean(second), as R's `t.test(y ~ g)` orders the two groups (sorted labels).
pub fn difference(first: &[f64], second: &[f64], pooled: bool, level: f64, term: &str) -> Result<Estimate> {
    if first.len() < 2 || second.len() < 2 {
        return Err(Error::Request(format!(
            "a t-test needs at least 2 values per group, found {} and {}",
            first.len(),
            second.len()
        )));
    }
    let (m1, v1) = mean_var(first);
    let (m2, v2) = mean_var(second);
    let (n1, n2) = (first.len() as f64, second.len() as f64);
    let (se, df) = if pooled {
        let sp2 = ((n1 - 1.0) * v1 + (n2 - 1.0) * v2) / (n1 + n2 - 2.0);
        ((sp2 * (1.0 / n1 + 1.0 / n2)).sqrt(), n1 + n2 - 2.0)
    } else {
        let (a, b) = (v1 / n1, v2 / n2);
        ((a + b).sqrt(), (a + b).powi(2) / (a * a / (n1 - 1.0) + b * b / (n2 - 1.0)))
    };
    let estimate = m1 - m2;
    let t = estimate / se;
    // Both groups constant: no variance, so no interval and no test (df is 0/0).
    let q = t_value(level, df);
    Ok(Estimate {
        term: term.to_string(),
        estimate,
        std_error: Some(se),
        ci_low: q.map(|q| estimate - q * se),
        ci_high: q.map(|q| estimate + q * se),
        statistic: t.is_finite().then_some(t),
        p_value: t_two_sided_p(t, df),
        df: df.is_finite().then_some(df),
        n: (n1 + n2) as u64,
    })
}
