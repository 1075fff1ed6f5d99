//! Difference-in-differences by least squares: the 2×2 regression and two-way fixed effects
//! (unit and period effects), with classical, HC1 and cluster-robust (CR1) standard errors.
//!
//! The design matrix is an `ndarray` array; the one inversion, of X'X, is done by `nalgebra`'s
//! Cholesky factorisation. Small-sample factors follow R's `sandwich` (and Stata): HC1 scales by
//! n / (n − k); CR1 by G / (G − 1) × (n − 1) / (n − k), with G clusters.
//!
//! Unit fixed effects are absorbed, not estimated: y and every other column are demeaned within
//! units and the short regression is fitted (Frisch–Waugh–Lovell). Coefficients, residuals and
//! sandwich are those of the regression with one dummy per unit, and k still counts the units,
//! so the factors match `lm` with `factor(unit)` — without an n × units matrix, which a panel of
//! 10^4 enterprises would make tens of gigabytes. Period effects (few) are fitted as dummies.

use std::collections::BTreeMap;

use super::Estimate;
use crate::error::{Error, Result};
use crate::stats::{t_two_sided_p, t_value};
use nalgebra::DMatrix;
use ndarray::{Array1, Array2, Axis};

/// The t quantile for intervals, or a clear error where there are no degrees of freedom left
/// (e.g. one cluster).
fn quantile(level: f64, df: f64) -> Result<f64> {
    t_value(level, df).ok_or_else(|| {
        Error::Request(format!(
            "no degrees of freedom left for an interval (df = {df}): clustered standard errors need at least 2 units"
        ))
    })
}

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

/// A least-squares fit: coefficients, their covariance under the chosen standard errors, and
/// the degrees of freedom for intervals (n − k; G − 1 when clustered).
struct Fit {
    beta: Array1<f64>,
    vcov: Array2<f64>,
    df: f64,
}

/// Subtract each unit's mean from `y` and from every column of `x`.
fn demean_within_units(x: &mut Array2<f64>, y: &mut Array1<f64>, units: &[usize], n_units: usize) {
    let mut count = vec![0.0f64; n_units];
    let mut sum_y = vec![0.0f64; n_units];
    let mut sum_x = Array2::<f64>::zeros((n_units, x.ncols()));
    for (i, &u) in units.iter().enumerate() {
        count[u] += 1.0;
        sum_y[u] += y[i];
        let mut target = sum_x.row_mut(u);
        target += &x.row(i);
    }
    for (i, &u) in units.iter().enumerate() {
        y[i] -= sum_y[u] / count[u];
        let mean = sum_x.row(u).mapv(|v| v / count[u]);
        let mut row = x.row_mut(i);
        row -= &mean;
    }
}

/// Least squares of `y` on `x`; `absorbed` parameters (demeaned-out fixed effects) count in k.
fn ols(x: &Array2<f64>, y: &Array1<f64>, absorbed: usize, clusters: &[usize], n_clusters: usize, se: SeType) -> Result<Fit> {
    let (n, k_short) = x.dim();
    let k = k_short + absorbed;
    let xtx = x.t().dot(x);
    let xtx = DMatrix::from_row_iterator(k_short, k_short, xtx.iter().copied());
    let inv = xtx
        .cholesky()
        .ok_or_else(|| Error::Request("the design is singular: each group needs observations before and after (and, with fixed effects, treatment must vary within units)".into()))?
        .inverse();
    let bread = Array2::from_shape_fn((k_short, k_short), |(i, j)| inv[(i, j)]);
    let beta = bread.dot(&x.t().dot(y));
    let resid = y - &x.dot(&beta);
    let (nf, kf) = (n as f64, k as f64);
    let (vcov, df) = match se {
        SeType::Classical => (&bread * (resid.dot(&resid) / (nf - kf)), nf - kf),
        SeType::Hc1 => {
            let scaled = x * &resid.view().insert_axis(Axis(1));
            (bread.dot(&scaled.t().dot(&scaled)).dot(&bread) * (nf / (nf - kf)), nf - kf)
        }
        SeType::Cluster => {
            let mut sums = Array2::<f64>::zeros((n_clusters, k_short));
            for (i, &g) in clusters.iter().enumerate() {
                let row = x.row(i).to_owned() * resid[i];
                let mut target = sums.row_mut(g);
                target += &row;
            }
            let gf = n_clusters as f64;
            let factor = gf / (gf - 1.0) * (nf - 1.0) / (nf - kf);
            (bread.dot(&sums.t().dot(&sums)).dot(&bread) * factor, gf - 1.0)
        }
    };
    Ok(Fit { beta, vcov, df })
}

/// The DiD estimate: the coefficient of treated × post. With `fixed_effects`, two-way fixed
/// effects where the period is the post indicator itself: right for a panel with one row per
/// unit before and one after; a unit with more rows on one side is refused (its periods are
/// needed, see [`estimate_two_way`]), never fitted as unit effects plus one post dummy.
pub fn estimate(obs: &[Observation], fixed_effects: bool, se: SeType, level: f64) -> Result<Estimate> {
    if !fixed_effects {
        return two_by_two(obs, se, level);
    }
    let mut seen: BTreeMap<(&str, bool), usize> = BTreeMap::new();
    for o in obs {
        *seen.entry((o.unit.as_str(), o.post)).or_default() += 1;
    }
    if let Some(((unit, post), rows)) = seen.iter().find(|(_, rows)| **rows > 1) {
        return Err(Error::Request(format!(
            "two-way fixed effects need each row's period: unit `{unit}` has {rows} rows {} treatment; give the period column (--period) for unit and period effects",
            if *post { "after" } else { "before" }
        )));
    }
    let periods: Vec<String> = obs.iter().map(|o| if o.post { "post".to_string() } else { "pre".to_string() }).collect();
    estimate_two_way(obs, &periods, se, level)
}

/// Two-way fixed effects: y = unit effects + period effects + β·treated×post, `periods[i]` the
/// period of `obs[i]`. As R's `lm(y ~ D + factor(unit) + factor(period))` with `sandwich`: every
/// unit and period dummy counts in k for the small-sample factors. The unit effects are
/// absorbed (within-unit demeaning), the period effects fitted as dummies.
pub fn estimate_two_way(obs: &[Observation], periods: &[String], se: SeType, level: f64) -> Result<Estimate> {
    if periods.len() != obs.len() {
        return Err(Error::Internal(format!("{} periods for {} observations", periods.len(), obs.len())));
    }
    let n = obs.len();
    let units = index(obs.iter().map(|o| o.unit.as_str()));
    let period_index = index(periods.iter().map(String::as_str));
    // Columns: treated×post, then one dummy per period but the first.
    let columns = period_index.len();
    let k = columns + units.len();
    if n <= k {
        return Err(Error::Request(format!(
            "difference-in-differences needs more observations than parameters: {n} observations, {k} parameters"
        )));
    }
    let mut x = Array2::<f64>::zeros((n, columns));
    for (i, o) in obs.iter().enumerate() {
        x[[i, 0]] = f64::from(u8::from(o.treated && o.post));
        let p = period_index[periods[i].as_str()];
        if p > 0 {
            x[[i, p]] = 1.0;
        }
    }
    let mut y = Array1::from_iter(obs.iter().map(|o| o.y));
    let clusters: Vec<usize> = obs.iter().map(|o| units[o.unit.as_str()]).collect();
    demean_within_units(&mut x, &mut y, &clusters, units.len());
    let fit = ols(&x, &y, units.len(), &clusters, units.len(), se)?;
    coefficient(&fit, 0, "treated:post", n, level)
}

/// Sorted distinct labels, numbered.
fn index<'a>(values: impl Iterator<Item = &'a str>) -> BTreeMap<&'a str, usize> {
    let mut names: Vec<&str> = values.collect();
    names.sort_unstable();
    names.dedup();
    names.into_iter().enumerate().map(|(i, u)| (u, i)).collect()
}

/// Coefficient `j` of a fit with its interval and two-sided test.
fn coefficient(fit: &Fit, j: usize, term: &str, n: usize, level: f64) -> Result<Estimate> {
    let (estimate, std_error, df) = (fit.beta[j], fit.vcov[[j, j]].sqrt(), fit.df);
    let q = quantile(level, df)?;
    let t = estimate / std_error;
    Ok(Estimate {
        term: term.into(),
        estimate,
        std_error: Some(std_error),
        ci_low: Some(estimate - q * std_error),
        ci_high: Some(estimate + q * std_error),
        statistic: t.is_finite().then_some(t),
        p_value: t_two_sided_p(t, df),
        df: Some(df),
        n: n as u64,
    })
}

/// The 2×2 regression y = a + b·treated + c·post + β·treated×post.
fn two_by_two(obs: &[Observation], se: SeType, level: f64) -> Result<Estimate> {
    let n = obs.len();
    let units = index(obs.iter().map(|o| o.unit.as_str()));
    let k = 4;
    if n <= k {
        return Err(Error::Request(format!(
            "difference-in-differences needs more observations than parameters: {n} observations, {k} parameters"
        )));
    }
    let mut x = Array2::<f64>::zeros((n, k));
    for (i, o) in obs.iter().enumerate() {
        let (t, p) = (f64::from(u8::from(o.treated)), f64::from(u8::from(o.post)));
        x[[i, 0]] = t * p;
        x[[i, 1]] = 1.0;
        x[[i, 2]] = t;
        x[[i, 3]] = p;
    }
    let y = Array1::from_iter(obs.iter().map(|o| o.y));
    let clusters: Vec<usize> = obs.iter().map(|o| units[o.unit.as_str()]).collect();
    let fit = ols(&x, &y, 0, &clusters, units.len(), se)?;
    coefficient(&fit, 0, "treated:post", n, level)
}

/// One observation of a staggered panel for an event study.
#[derive(Clone, Debug, PartialEq)]
pub struct PeriodObservation {
    /// Outcome.
    pub y: f64,
    /// Unit id (the cluster).
    pub unit: String,
    /// Period (an integer: year, month index, wave).
    pub period: i64,
    /// Period the unit's treatment started; `None` for never-treated (comparison) units. A
    /// period outside the observed ones (0, as in R's `did` package; 10000, as in fixest's
    /// `sunab`) also means never treated.
    pub first_treated: Option<i64>,
}

/// The first and last observed periods.
fn period_range(obs: &[PeriodObservation]) -> Option<(i64, i64)> {
    let lo = obs.iter().map(|o| o.period).min()?;
    let hi = obs.iter().map(|o| o.period).max()?;
    Some((lo, hi))
}

/// First-treated values outside the observed periods, each with the number of units carrying
/// it: the event study takes those units as never treated (R `did`'s 0, fixest `sunab`'s
/// out-of-range cohorts). For the caller to report; sorted by value.
pub fn outside_periods(obs: &[PeriodObservation]) -> Vec<(i64, usize)> {
    let Some((lo, hi)) = period_range(obs) else { return vec![] };
    let mut units: BTreeMap<i64, Vec<&str>> = BTreeMap::new();
    for o in obs {
        if let Some(f) = o.first_treated.filter(|f| *f < lo || *f > hi) {
            units.entry(f).or_default().push(o.unit.as_str());
        }
    }
    units
        .into_iter()
        .map(|(f, mut u)| {
            u.sort_unstable();
            u.dedup();
            (f, u.len())
        })
        .collect()
}

/// Event-study coefficients: y = unit + period effects + Σ_k β_k 1[treated, period − start = k],
/// k = −1 the reference. One estimate per relative period k, in order.
pub fn event_study(obs: &[PeriodObservation], se: SeType, level: f64) -> Result<Vec<Estimate>> {
    let n = obs.len();
    let index = |values: Vec<String>| -> BTreeMap<String, usize> {
        let mut v = values;
        v.sort_unstable();
        v.dedup();
        v.into_iter().enumerate().map(|(i, u)| (u, i)).collect()
    };
    let units = index(obs.iter().map(|o| o.unit.clone()).collect());
    let Some((first_period, last_period)) = period_range(obs) else {
        return Err(Error::Request("an event study needs observations".into()));
    };
    // Treated within the observed periods; any other first-treated value means never treated.
    let start = |o: &PeriodObservation| o.first_treated.filter(|f| (first_period..=last_period).contains(f));
    // One start per unit: a unit treated from two different periods is a data error.
    let mut starts: BTreeMap<&str, Option<i64>> = BTreeMap::new();
    for o in obs {
        let s = start(o);
        if let Some(previous) = starts.insert(o.unit.as_str(), s).filter(|p| *p != s) {
            let show = |v: Option<i64>| v.map_or_else(|| "never treated".to_string(), |v| v.to_string());
            return Err(Error::Request(format!(
                "unit `{}` has two first-treated periods ({} and {}): expected one per unit",
                o.unit,
                show(previous),
                show(s)
            )));
        }
    }
    let mut periods: Vec<i64> = obs.iter().map(|o| o.period).collect();
    periods.sort_unstable();
    periods.dedup();
    let mut ks: Vec<i64> = obs.iter().filter_map(|o| start(o).map(|f| o.period - f)).filter(|k| *k != -1).collect();
    ks.sort_unstable();
    ks.dedup();
    if ks.is_empty() {
        return Err(Error::Request("an event study needs treated units observed outside the period before treatment".into()));
    }
    // Columns: relative-time dummies, then period dummies (first period omitted); the unit
    // effects are absorbed.
    let (nk, np) = (ks.len(), periods.len() - 1);
    let k = nk + np + units.len();
    if n <= k {
        return Err(Error::Request(format!(
            "an event study needs more observations than parameters: {n} observations, {k} parameters"
        )));
    }
    let mut x = Array2::<f64>::zeros((n, nk + np));
    for (i, o) in obs.iter().enumerate() {
        if let Some(j) = start(o).and_then(|f| ks.binary_search(&(o.period - f)).ok()) {
            x[[i, j]] = 1.0;
        }
        if let Some(p) = periods.binary_search(&o.period).ok().filter(|p| *p > 0) {
            x[[i, nk + p - 1]] = 1.0;
        }
    }
    let mut y = Array1::from_iter(obs.iter().map(|o| o.y));
    let clusters: Vec<usize> = obs.iter().map(|o| units[&o.unit]).collect();
    demean_within_units(&mut x, &mut y, &clusters, units.len());
    let fit = ols(&x, &y, units.len(), &clusters, units.len(), se)?;
    let q = quantile(level, fit.df)?;
    Ok(ks
        .iter()
        .enumerate()
        .map(|(j, kk)| {
            let (b, s) = (fit.beta[j], fit.vcov[[j, j]].sqrt());
            Estimate {
                term: format!("k={kk}"),
                estimate: b,
                std_error: Some(s),
                ci_low: Some(b - q * s),
                ci_high: Some(b + q * s),
                statistic: Some(b / s).filter(|t| t.is_finite()),
                p_value: t_two_sided_p(b / s, fit.df),
                df: Some(fit.df),
                n: n as u64,
            }
        })
        .collect())
}
