//! Difference-in-differences by least squares: the 2×2 regression and two-way fixed effects,
//! with classical, HC1 and cluster-robust (CR1) standard errors.
//!
//! The design matrix is an `ndarray` array; the one inversion, of X'X, is done by `nalgebra`'s
//! Cholesky factorisation. Small-sample factors follow R's `sandwich` (and Stata): HC1 scales by
//! n / (n − k); CR1 by G / (G − 1) × (n − 1) / (n − k), with G clusters.

use std::collections::BTreeMap;

use nalgebra::DMatrix;
use ndarray::{Array1, Array2, Axis};
use statrs::distribution::{ContinuousCDF, StudentsT};

use super::Estimate;
use crate::error::{Error, Result};

/// Standard-error type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SeType {
    /// σ̂² (X'X)⁻¹, homoskedastic.
    Classical,
    /// White's heteroskedasticity-robust, × n / (n − k).
    Hc1,
    /// Clustered by unit, × G / (G − 1) × (n − 1) / (n − k).
    Cluster,
}

/// One observation of a panel.
#[derive(Clone, Debug, PartialEq)]
pub struct Observation {
    /// Outcome.
    pub y: f64,
    /// Unit id (the cluster).
    pub unit: String,
    /// After treatment started (0/1).
    pub post: bool,
    /// In the treated group.
    pub treated: bool,
}

/// The DiD estimate: the coefficient of treated × post.
pub fn estimate(obs: &[Observation], fixed_effects: bool, se: SeType, level: f64) -> Result<Estimate> {
    let n = obs.len();
    let units: BTreeMap<&str, usize> = {
        let mut names: Vec<&str> = obs.iter().map(|o| o.unit.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        names.into_iter().enumerate().map(|(i, u)| (u, i)).collect()
    };
    // Columns: [treated×post, …] so the estimate is always coefficient 0.
    let k = if fixed_effects { 2 + units.len() } else { 4 };
    let mut x = Array2::<f64>::zeros((n, k));
    for (i, o) in obs.iter().enumerate() {
        let (t, p) = (f64::from(u8::from(o.treated)), f64::from(u8::from(o.post)));
        x[[i, 0]] = t * p;
        if fixed_effects {
            // Unit dummies (no intercept) and the post-period dummy.
            x[[i, 1]] = p;
            x[[i, 2 + units[o.unit.as_str()]]] = 1.0;
        } else {
            x[[i, 1]] = 1.0;
            x[[i, 2]] = t;
            x[[i, 3]] = p;
        }
    }
    if n <= k {
        return Err(Error::Request(format!(
            "difference-in-differences needs more observations than parameters: {n} observations, {k} parameters"
        )));
    }
    let y = Array1::from_iter(obs.iter().map(|o| o.y));
    let xtx = x.t().dot(&x);
    let xtx = DMatrix::from_row_iterator(k, k, xtx.iter().copied());
    let inv = xtx
        .cholesky()
        .ok_or_else(|| Error::Request("the design is singular: each group needs observations before and after (and, with fixed effects, treatment must vary within units)".into()))?
        .inverse();
    let bread = Array2::from_shape_fn((k, k), |(i, j)| inv[(i, j)]);
    let beta = bread.dot(&x.t().dot(&y));
    let resid = &y - &x.dot(&beta);
    let (nf, kf) = (n as f64, k as f64);
    let (variance, df) = match se {
        SeType::Classical => {
            let sigma2 = resid.dot(&resid) / (nf - kf);
            (sigma2 * bread[[0, 0]], nf - kf)
        }
        SeType::Hc1 => {
            let scaled = &x * &resid.view().insert_axis(Axis(1));
            let meat = scaled.t().dot(&scaled);
            (bread.dot(&meat).dot(&bread)[[0, 0]] * nf / (nf - kf), nf - kf)
        }
        SeType::Cluster => {
            let g = units.len();
            let mut sums = Array2::<f64>::zeros((g, k));
            for (i, o) in obs.iter().enumerate() {
                let row = x.row(i).to_owned() * resid[i];
                let mut target = sums.row_mut(units[o.unit.as_str()]);
                target += &row;
            }
            let meat = sums.t().dot(&sums);
            let gf = g as f64;
            let factor = gf / (gf - 1.0) * (nf - 1.0) / (nf - kf);
            (bread.dot(&meat).dot(&bread)[[0, 0]] * factor, gf - 1.0)
        }
    };
    let std_error = variance.sqrt();
    let estimate = beta[0];
    let dist = StudentsT::new(0.0, 1.0, df).map_err(|e| Error::Internal(e.to_string()))?;
    let q = dist.inverse_cdf(1.0 - (1.0 - level) / 2.0);
    let t = estimate / std_error;
    Ok(Estimate {
        term: "treated:post".into(),
        estimate,
        std_error: Some(std_error),
        ci_low: Some(estimate - q * std_error),
        ci_high: Some(estimate + q * std_error),
        statistic: Some(t),
        p_value: Some(2.0 * (1.0 - dist.cdf(t.abs()))),
        df: Some(df),
        n: n as u64,
    })
}
