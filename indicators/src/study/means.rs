//! Difference in means between two groups: Welch's and the pooled t-test.

use statrs::distribution::{ContinuousCDF, StudentsT};

use super::Estimate;
use crate::error::{Error, Result};

fn mean_var(x: &[f64]) -> (f64, f64) {
    let n = x.len() as f64;
    let m = x.iter().sum::<f64>() / n;
    let v = x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (n - 1.0);
    (m, v)
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
    let dist = StudentsT::new(0.0, 1.0, df).map_err(|e| Error::Internal(e.to_string()))?;
    let q = dist.inverse_cdf(1.0 - (1.0 - level) / 2.0);
    Ok(Estimate {
        term: term.to_string(),
        estimate,
        std_error: Some(se),
        ci_low: Some(estimate - q * se),
        ci_high: Some(estimate + q * se),
        statistic: Some(t),
        p_value: Some(2.0 * (1.0 - dist.cdf(t.abs()))),
        df: Some(df),
        n: (n1 + n2) as u64,
    })
}
