//! Difference-in-differences by least squares: the 2×2 regression, two-way fixed effects (unit
//! and period effects) and the event study, with fixest's vcov types ("iid", "hetero" = HC1,
//! "HC2", "HC3", "cluster" = CR1 by unit) and a choice of small-sample correction.
//!
//! The design matrix is an `ndarray` array; X'X is factorised by `nalgebra`'s Cholesky after a
//! pivot check that refuses collinear columns by name (tolerance 1e-10, as pyfixest's
//! `collin_tol`), so a rank-deficient design is an error, never arbitrary standard errors.
//!
//! Unit fixed effects are absorbed, not estimated: y and every other column are demeaned within
//! units and the short regression is fitted (Frisch–Waugh–Lovell). Coefficients, residuals and
//! the sandwich are those of the regression with one dummy per unit, without an n × units matrix,
//! which a panel of 10^4 enterprises would make tens of gigabytes. Period effects (few) are fitted
//! as dummies.
//!
//! Small-sample corrections ([`SmallSample`]), with n observations, G clusters, k_full every
//! parameter (each unit and period dummy, as `lm` counts them) and k_nested = k_full − units + 1
//! (fixest's `fixef.K = "nested"`: unit effects nested in the unit clusters count as one):
//!
//! | vcov | `fixest` (default) | `lm` (R `lm` + `sandwich`) | `none` |
//! |---|---|---|---|
//! | iid | RSS / (n − k_full) | RSS / (n − k_full) | RSS / (n − 1) |
//! | hetero (HC1) | n / (n − k_full) | n / (n − k_full) | 1 |
//! | HC2, HC3 | n / (n − k_full) | 1 | 1 |
//! | cluster (CR1) | G/(G − 1) · (n − 1)/(n − k_nested) | G/(G − 1) · (n − 1)/(n − k_full) | 1 |
//!
//! t quantiles and p-values use n − k_full degrees of freedom, G − 1 when clustered. Sources:
//! pyfixest 0.60 `get_ssc` (its default `ssc(k_adj=True, k_fixef="nonnested", G_adj=True,
//! G_df="min")` is fixest's `ssc(adj = TRUE, fixef.K = "nested", cluster.adj = TRUE)`, and the
//! convention of Stata's `reghdfe` and `xtreg, fe vce(cluster)`); R `sandwich` `vcovHC`/`vcovCL`
//! (`type = "HC1"`) on `lm` with factor dummies, which is also what statsmodels reports with
//! explicit dummies. With `fixest` and `none`, observations whose unit or period is seen only
//! once (singletons, perfectly fitted by their own effect) are dropped before fitting and counted
//! (pyfixest's default `fixef_rm = "singleton"`, reghdfe's too); `lm` keeps them, as `lm` does.
//! HC2 and HC3 are refused with absorbed fixed effects, as pyfixest refuses them.

use std::collections::{BTreeMap, BTreeSet};

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
            "no degrees of freedom left for an interval (df = {df}, level {level}): clustered standard errors need at least 2 units"
        ))
    })
}

/// Variance-covariance type of the coefficients, named as fixest's `vcov`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize)]
pub enum Vcov {
    /// "iid": σ̂² (X'X)⁻¹, homoskedastic errors.
    #[serde(rename = "iid")]
    Iid,
    /// "hetero" (HC1): White's heteroskedasticity-robust sandwich.
    #[serde(rename = "hetero")]
    Hetero,
    /// "HC2": residuals scaled by 1/√(1 − hᵢ), hᵢ the leverage; no absorbed fixed effects.
    #[serde(rename = "HC2")]
    Hc2,
    /// "HC3": residuals scaled by 1/(1 − hᵢ); no absorbed fixed effects.
    #[serde(rename = "HC3")]
    Hc3,
    /// "cluster" (CR1): clustered by unit.
    #[default]
    #[serde(rename = "cluster")]
    Cluster,
}

impl Vcov {
    /// fixest's name: "iid", "hetero", "HC2", "HC3" or "cluster".
    pub fn name(self) -> &'static str {
        match self {
            Vcov::Iid => "iid",
            Vcov::Hetero => "hetero",
            Vcov::Hc2 => "HC2",
            Vcov::Hc3 => "HC3",
            Vcov::Cluster => "cluster",
        }
    }
}

impl SmallSample {
    /// The option's name: "fixest", "lm" or "none".
    pub fn name(self) -> &'static str {
        match self {
            SmallSample::Fixest => "fixest",
            SmallSample::Lm => "lm",
            SmallSample::None => "none",
        }
    }
}

/// Small-sample correction of the variance (see the module table).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SmallSample {
    /// fixest / pyfixest defaults: fixed effects nested in the clusters not counted in k;
    /// singleton units and periods dropped.
    #[default]
    Fixest,
    /// R `lm` + `sandwich` (and statsmodels with dummies): every dummy counted in k; HC2/HC3
    /// unscaled; singletons kept.
    Lm,
    /// No factor (pyfixest `ssc(k_adj=False, G_adj=False)`); singletons dropped.
    None,
}

/// Column names used in error messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Names {
    /// Treated-group column.
    pub treated: String,
    /// Post-period column.
    pub post: String,
}

impl Default for Names {
    fn default() -> Self {
        Names { treated: "treated".into(), post: "post".into() }
    }
}

/// How a difference-in-differences is fitted and reported.
#[derive(Clone, Debug, PartialEq)]
pub struct Options {
    /// Vcov type.
    pub vcov: Vcov,
    /// Small-sample correction.
    pub small_sample: SmallSample,
    /// Confidence level of the intervals, in (0, 1).
    pub level: f64,
    /// Column names for messages.
    pub names: Names,
}

impl Default for Options {
    fn default() -> Self {
        Options { vcov: Vcov::default(), small_sample: SmallSample::default(), level: 0.95, names: Names::default() }
    }
}

impl Options {
    /// Default options with this vcov and small-sample correction.
    pub fn new(vcov: Vcov, small_sample: SmallSample) -> Self {
        Options { vcov, small_sample, ..Options::default() }
    }
}

/// A DiD coefficient and the observations dropped as fixed-effect singletons.
#[derive(Clone, Debug, PartialEq)]
pub struct Did {
    /// The treated × post coefficient (`n` counts the observations fitted).
    pub estimate: Estimate,
    /// Observations dropped because their unit or period was seen once.
    pub singletons: usize,
}

/// Event-study coefficients and the observations dropped as fixed-effect singletons.
#[derive(Clone, Debug, PartialEq)]
pub struct EventStudy {
    /// One estimate per relative period k, in order.
    pub estimates: Vec<Estimate>,
    /// Observations dropped because their unit or period was seen once.
    pub singletons: usize,
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

/// A least-squares fit: coefficients, their covariance and the degrees of freedom for
/// intervals.
struct Fit {
    beta: Array1<f64>,
    vcov: Array2<f64>,
    df: f64,
}

/// A design to fit: columns (the coefficients of interest last, so that a collinearity is
/// blamed on them), their names, and the unit of each row (absorbed effects and clusters).
struct Design {
    x: Array2<f64>,
    names: Vec<String>,
    y: Array1<f64>,
    units: Vec<usize>,
    n_units: usize,
    /// Unit effects absorbed (demeaned out) rather than fitted.
    absorb_units: bool,
    /// Human name of the absorbed effects, for messages.
    effects: Option<&'static str>,
}

impl Design {
    /// Unit and period effects: the unit effects absorbed, the period dummies among `x`'s
    /// columns (two-way difference-in-differences and the event study).
    fn two_way(x: Array2<f64>, names: Vec<String>, y: Array1<f64>, units: Vec<usize>, n_units: usize) -> Design {
        Design { x, names, y, units, n_units, absorb_units: true, effects: Some("the unit effects") }
    }
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

/// Refuse a column that is (nearly) a combination of the effects and the columns before it:
/// its Cholesky pivot, the residual sum of squares of the column on the earlier ones, is at
/// most 1e-10 of its sum of squares before the effects were taken out.
fn check_rank(xtx: &Array2<f64>, raw_ss: &[f64], names: &[String], effects: Option<&str>) -> Result<()> {
    let k = xtx.nrows();
    let mut l = Array2::<f64>::zeros((k, k));
    for j in 0..k {
        let pivot = xtx[[j, j]] - (0..j).map(|m| l[[j, m]] * l[[j, m]]).sum::<f64>();
        // Written so that a NaN pivot is refused too.
        let identified = pivot > 1e-10 * raw_ss[j] && raw_ss[j] > 0.0;
        if !identified {
            let mut with: Vec<&str> = effects.iter().copied().collect();
            if names[..j].iter().any(|n| n.starts_with("period ")) {
                with.push("the period effects");
            }
            with.extend(names[..j].iter().filter(|n| !n.starts_with("period ")).map(String::as_str));
            let with = if with.is_empty() { "nothing".to_string() } else { with.join(", ") };
            return Err(Error::Request(format!(
                "the design is rank-deficient: {} is constant or collinear with {with}, so its coefficient is not identified (refused rather than reported with arbitrary standard errors)",
                names[j]
            )));
        }
        l[[j, j]] = pivot.sqrt();
        for i in j + 1..k {
            let s = xtx[[i, j]] - (0..j).map(|m| l[[i, m]] * l[[j, m]]).sum::<f64>();
            l[[i, j]] = s / l[[j, j]];
        }
    }
    Ok(())
}

/// Least squares of the design under `opts`.
fn ols(design: Design, opts: &Options) -> Result<Fit> {
    let Design { mut x, names, mut y, units, n_units, absorb_units, effects } = design;
    if absorb_units && matches!(opts.vcov, Vcov::Hc2 | Vcov::Hc3) {
        return Err(Error::Request(format!(
            "{} standard errors are not defined with absorbed unit fixed effects (pyfixest refuses them too): use --se hetero or --se cluster, or the 2×2 regression without fixed effects",
            opts.vcov.name()
        )));
    }
    let raw_ss: Vec<f64> = x.columns().into_iter().map(|c| c.dot(&c)).collect();
    if absorb_units {
        demean_within_units(&mut x, &mut y, &units, n_units);
    }
    let (n, p) = x.dim();
    let k_full = p + if absorb_units { n_units } else { 0 };
    if n <= k_full {
        return Err(Error::Request(format!(
            "difference-in-differences needs more observations than parameters: {n} observations, {k_full} parameters"
        )));
    }
    let xtx = x.t().dot(&x);
    check_rank(&xtx, &raw_ss, &names, effects)?;
    let inv = DMatrix::from_row_iterator(p, p, xtx.iter().copied())
        .cholesky()
        .ok_or_else(|| Error::Request(format!("the design is numerically singular ({})", names.join(", "))))?
        .inverse();
    let bread = Array2::from_shape_fn((p, p), |(i, j)| inv[(i, j)]);
    let beta = bread.dot(&x.t().dot(&y));
    let resid = &y - &x.dot(&beta);
    let (nf, kf, gf) = (n as f64, k_full as f64, n_units as f64);
    let sandwich = |scores: &Array2<f64>| bread.dot(&scores.t().dot(scores)).dot(&bread);
    let (vcov, df) = match opts.vcov {
        Vcov::Iid => {
            let rss = resid.dot(&resid);
            let s2 = if opts.small_sample == SmallSample::None { rss / (nf - 1.0) } else { rss / (nf - kf) };
            (&bread * s2, nf - kf)
        }
        Vcov::Hetero | Vcov::Hc2 | Vcov::Hc3 => {
            let mut e = resid.clone();
            if opts.vcov != Vcov::Hetero {
                for (i, ei) in e.iter_mut().enumerate() {
                    let h = x.row(i).dot(&bread.dot(&x.row(i)));
                    if h > 1.0 - 1e-10 {
                        return Err(Error::Request(format!(
                            "{} standard errors are undefined: an observation has leverage 1 (a treated/period cell with one row); use --se hetero",
                            opts.vcov.name()
                        )));
                    }
                    *ei /= if opts.vcov == Vcov::Hc2 { (1.0 - h).sqrt() } else { 1.0 - h };
                }
            }
            let factor = match (opts.small_sample, opts.vcov) {
                (SmallSample::None, _) | (SmallSample::Lm, Vcov::Hc2 | Vcov::Hc3) => 1.0,
                _ => nf / (nf - kf),
            };
            (sandwich(&(&x * &e.view().insert_axis(Axis(1)))) * factor, nf - kf)
        }
        Vcov::Cluster => {
            let mut sums = Array2::<f64>::zeros((n_units, p));
            for (i, &g) in units.iter().enumerate() {
                let row = x.row(i).to_owned() * resid[i];
                let mut target = sums.row_mut(g);
                target += &row;
            }
            // fixest's fixef.K = "nested": the unit effects, nested in the unit clusters, count
            // as one parameter.
            let k = match (opts.small_sample, absorb_units) {
                (SmallSample::Fixest, true) => (p + 1) as f64,
                _ => kf,
            };
            let factor = match opts.small_sample {
                SmallSample::None => 1.0,
                _ => gf / (gf - 1.0) * (nf - 1.0) / (nf - k),
            };
            (sandwich(&sums) * factor, gf - 1.0)
        }
    };
    Ok(Fit { beta, vcov, df })
}

/// The DiD estimate: the coefficient of treated × post. With `fixed_effects`, two-way fixed
/// effects where the period is the post indicator itself: right for a panel with one row per
/// unit before and one after; a unit with more rows on one side is refused (its periods are
/// needed, see [`estimate_two_way`]), never fitted as unit effects plus one post dummy.
pub fn estimate(obs: &[Observation], fixed_effects: bool, opts: &Options) -> Result<Did> {
    if !fixed_effects {
        return two_by_two(obs, opts);
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
    estimate_two_way(obs, &periods, opts)
}

/// Rows to keep after dropping fixed-effect singletons: rows whose unit or period occurs once,
/// repeated until none is left (dropping one can make another), as pyfixest and reghdfe do.
fn non_singletons(units: &[&str], periods: &[&str]) -> Vec<bool> {
    let mut keep = vec![true; units.len()];
    loop {
        let mut count_u: BTreeMap<&str, usize> = BTreeMap::new();
        let mut count_p: BTreeMap<&str, usize> = BTreeMap::new();
        for i in (0..keep.len()).filter(|i| keep[*i]) {
            *count_u.entry(units[i]).or_default() += 1;
            *count_p.entry(periods[i]).or_default() += 1;
        }
        let mut changed = false;
        for i in 0..keep.len() {
            if keep[i] && (count_u[units[i]] == 1 || count_p[periods[i]] == 1) {
                keep[i] = false;
                changed = true;
            }
        }
        if !changed {
            return keep;
        }
    }
}

/// The treated and control groups both exist, and treated rows after treatment exist: the
/// common ways a DiD is not identified, said in the data's terms before any algebra.
fn check_groups(obs: &[Observation], names: &Names) -> Result<()> {
    let (t, p) = (&names.treated, &names.post);
    let cells: BTreeSet<(bool, bool)> = obs.iter().map(|o| (o.treated, o.post)).collect();
    let missing: Vec<String> = [(false, false), (false, true), (true, false), (true, true)]
        .into_iter()
        .filter(|c| !cells.contains(c))
        .map(|(tr, po)| {
            format!(
                "`{t}` = {} and `{p}` = {} ({}, {})",
                u8::from(tr),
                u8::from(po),
                if tr { "treated" } else { "control" },
                if po { "after" } else { "before" }
            )
        })
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(Error::Request(format!(
        "the design is rank-deficient: no rows with {}; a difference-in-differences needs treated and control rows before and after",
        missing.join(", nor with ")
    )))
}

/// Two-way fixed effects: y = unit effects + period effects + β·treated×post, `periods[i]` the
/// period of `obs[i]`. The unit effects are absorbed (within-unit demeaning), the period effects
/// fitted as dummies; the small-sample correction and singletons as in the module table.
pub fn estimate_two_way(obs: &[Observation], periods: &[String], opts: &Options) -> Result<Did> {
    if periods.len() != obs.len() {
        return Err(Error::Internal(format!("{} periods for {} observations", periods.len(), obs.len())));
    }
    let keep = if opts.small_sample == SmallSample::Lm {
        vec![true; obs.len()]
    } else {
        let units: Vec<&str> = obs.iter().map(|o| o.unit.as_str()).collect();
        let ps: Vec<&str> = periods.iter().map(String::as_str).collect();
        non_singletons(&units, &ps)
    };
    let (obs, periods): (Vec<&Observation>, Vec<&str>) =
        obs.iter().zip(periods).zip(&keep).filter(|(_, k)| **k).map(|((o, p), _)| (o, p.as_str())).unzip();
    let singletons = keep.len() - obs.len();
    let owned: Vec<Observation> = obs.iter().map(|o| (*o).clone()).collect();
    check_groups(&owned, &opts.names)?;
    let n = obs.len();
    let units = index(obs.iter().map(|o| o.unit.as_str()));
    let period_index = index(periods.iter().copied());
    // Columns: one dummy per period but the first, then treated×post.
    let d = period_index.len() - 1;
    let mut x = Array2::<f64>::zeros((n, d + 1));
    for (i, o) in obs.iter().enumerate() {
        let p = period_index[periods[i]];
        if p > 0 {
            x[[i, p - 1]] = 1.0;
        }
        x[[i, d]] = f64::from(u8::from(o.treated && o.post));
    }
    let mut names: Vec<String> = period_index.keys().skip(1).map(|p| format!("period {p}")).collect();
    names.push(format!("`{}` × `{}`", opts.names.treated, opts.names.post));
    let design = Design::two_way(
        x,
        names,
        Array1::from_iter(obs.iter().map(|o| o.y)),
        obs.iter().map(|o| units[o.unit.as_str()]).collect(),
        units.len(),
    );
    let fit = ols(design, opts)?;
    Ok(Did { estimate: coefficient(&fit, d, "treated:post", n, opts.level)?, singletons })
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
fn two_by_two(obs: &[Observation], opts: &Options) -> Result<Did> {
    check_groups(obs, &opts.names)?;
    let n = obs.len();
    let units = index(obs.iter().map(|o| o.unit.as_str()));
    let mut x = Array2::<f64>::zeros((n, 4));
    for (i, o) in obs.iter().enumerate() {
        let (t, p) = (f64::from(u8::from(o.treated)), f64::from(u8::from(o.post)));
        x[[i, 0]] = 1.0;
        x[[i, 1]] = t;
        x[[i, 2]] = p;
        x[[i, 3]] = t * p;
    }
    let (t, p) = (&opts.names.treated, &opts.names.post);
    let design = Design {
        x,
        names: vec!["the intercept".into(), format!("`{t}`"), format!("`{p}`"), format!("`{t}` × `{p}`")],
        y: Array1::from_iter(obs.iter().map(|o| o.y)),
        units: obs.iter().map(|o| units[o.unit.as_str()]).collect(),
        n_units: units.len(),
        absorb_units: false,
        effects: None,
    };
    let fit = ols(design, opts)?;
    Ok(Did { estimate: coefficient(&fit, 3, "treated:post", n, opts.level)?, singletons: 0 })
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
/// k = −1 the reference. One estimate per relative period k, in order; vcov, small-sample
/// correction and singletons as in the module table.
pub fn event_study(obs: &[PeriodObservation], opts: &Options) -> Result<EventStudy> {
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
    let keep = if opts.small_sample == SmallSample::Lm {
        vec![true; obs.len()]
    } else {
        let units: Vec<&str> = obs.iter().map(|o| o.unit.as_str()).collect();
        let labels: Vec<String> = obs.iter().map(|o| o.period.to_string()).collect();
        non_singletons(&units, &labels.iter().map(String::as_str).collect::<Vec<_>>())
    };
    let obs: Vec<&PeriodObservation> = obs.iter().zip(&keep).filter(|(_, k)| **k).map(|(o, _)| o).collect();
    let singletons = keep.len() - obs.len();
    let n = obs.len();
    let units = index(obs.iter().map(|o| o.unit.as_str()));
    let mut periods: Vec<i64> = obs.iter().map(|o| o.period).collect();
    periods.sort_unstable();
    periods.dedup();
    let mut ks: Vec<i64> = obs.iter().filter_map(|o| start(o).map(|f| o.period - f)).filter(|k| *k != -1).collect();
    ks.sort_unstable();
    ks.dedup();
    if ks.is_empty() {
        return Err(Error::Request("an event study needs treated units observed outside the period before treatment".into()));
    }
    // Columns: period dummies (first period omitted), then the relative-time dummies; the unit
    // effects are absorbed.
    let (nk, np) = (ks.len(), periods.len().saturating_sub(1));
    let mut x = Array2::<f64>::zeros((n, np + nk));
    for (i, o) in obs.iter().enumerate() {
        if let Some(p) = periods.binary_search(&o.period).ok().filter(|p| *p > 0) {
            x[[i, p - 1]] = 1.0;
        }
        if let Some(j) = start(o).and_then(|f| ks.binary_search(&(o.period - f)).ok()) {
            x[[i, np + j]] = 1.0;
        }
    }
    let mut names: Vec<String> = periods.iter().skip(1).map(|p| format!("period {p}")).collect();
    names.extend(ks.iter().map(|k| format!("k={k}")));
    let design = Design::two_way(
        x,
        names,
        Array1::from_iter(obs.iter().map(|o| o.y)),
        obs.iter().map(|o| units[o.unit.as_str()]).collect(),
        units.len(),
    );
    let fit = ols(design, opts)?;
    let estimates =
        ks.iter().enumerate().map(|(j, k)| coefficient(&fit, np + j, &format!("k={k}"), n, opts.level)).collect::<Result<_>>()?;
    Ok(EventStudy { estimates, singletons })
}
