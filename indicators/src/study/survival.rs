//! Kaplan-Meier curves by stratum, R-style summaries at given times, medians with confidence
//! intervals, and the log-rank test for 2 or k groups.

use std::collections::BTreeMap;

use nalgebra::DMatrix;

use crate::error::{Error, Result};
use crate::stats::ConfType;
use crate::stats::{KmStep, chi_squared_upper_p, kaplan_meier};

/// One stratum's curve.
#[derive(Clone, Debug)]
pub struct Stratum {
    /// Stratum label (`all` without `--by`).
    pub name: String,
    /// Curve, one step per distinct time.
    pub curve: Vec<KmStep>,
    /// Units in the stratum.
    pub n: u64,
    /// Events in the stratum.
    pub events: u64,
}

/// One row of a summary, named as R's `summary.survfit` (snake case).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct SummaryRow {
    /// Stratum.
    pub strata: String,
    /// Time.
    pub time: f64,
    /// Number at risk at `time`.
    pub n_risk: u64,
    /// Events since the previous row's time (all events at `time` without `--at`).
    pub n_event: u64,
    /// Ŝ(time).
    pub surv: f64,
    /// Standard error of Ŝ (Greenwood); `None` where undefined (from Ŝ = 0 on).
    pub std_err: Option<f64>,
    /// Lower limit.
    pub lower: Option<f64>,
    /// Upper limit.
    pub upper: Option<f64>,
}

/// Median survival with its interval; `None` where the curve never reaches 0.5.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Median {
    /// Stratum.
    pub strata: String,
    /// Units.
    pub n: u64,
    /// Events.
    pub events: u64,
    /// Median.
    pub median: Option<f64>,
    /// Lower limit.
    pub lower: Option<f64>,
    /// Upper limit.
    pub upper: Option<f64>,
}

/// Log-rank test result.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct LogRank {
    /// χ² statistic.
    pub chisq: f64,
    /// Degrees of freedom (groups − 1).
    pub df: u64,
    /// p-value.
    pub p_value: f64,
    /// Per group: (label, n, observed events, expected events).
    pub groups: Vec<(String, u64, u64, f64)>,
    /// Variance matrix of observed − expected, groups × groups in the order of `groups`
    /// (R `survdiff`'s `var`): Σ over event times of d (n − d)/(n − 1) · (n_g/n)(δ_gh − n_h/n).
    /// Its diagonal is the V of the (O − E)²/V column R prints.
    pub var: Vec<Vec<f64>>,
}

type Rows<'a> = (&'a [f64], &'a [bool], &'a [String]);

fn by_group<'a>((times, events, groups): Rows<'a>) -> BTreeMap<&'a str, Vec<(f64, bool)>> {
    let mut out: BTreeMap<&str, Vec<(f64, bool)>> = BTreeMap::new();
    for ((t, e), g) in times.iter().zip(events).zip(groups) {
        out.entry(g.as_str()).or_default().push((*t, *e));
    }
    out
}

fn tally(mut rows: Vec<(f64, bool)>) -> Vec<(f64, u64, u64)> {
    rows.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut out: Vec<(f64, u64, u64)> = Vec::new();
    for (t, e) in rows {
        match out.last_mut() {
            Some(last) if last.0 == t => {
                if e {
                    last.1 += 1
                } else {
                    last.2 += 1
                }
            }
            _ => out.push((t, u64::from(e), u64::from(!e))),
        }
    }
    out
}

/// Fit a curve per group (`groups` all equal for one curve). Negative times are an error.
pub fn fit(times: &[f64], events: &[bool], groups: &[String], conf: ConfType, level: f64) -> Result<Vec<Stratum>> {
    if let Some(i) = times.iter().position(|t| *t < 0.0 || !t.is_finite()) {
        return Err(Error::Request(format!("row {}: expected a time ≥ 0, found {}", i + 1, times[i])));
    }
    Ok(by_group((times, events, groups))
        .into_iter()
        .map(|(name, rows)| {
            let n = rows.len() as u64;
            let events = rows.iter().filter(|r| r.1).count() as u64;
            Stratum { name: name.to_string(), curve: kaplan_meier(&tally(rows), conf, level), n, events }
        })
        .collect())
}

/// R's `summary(fit)`: one row per event time.
pub fn summary_events(s: &Stratum) -> Vec<SummaryRow> {
    s.curve
        .iter()
        .filter(|k| k.n_event > 0)
        .map(|k| SummaryRow {
            strata: s.name.clone(),
            time: k.time,
            n_risk: k.n_risk,
            n_event: k.n_event,
            surv: k.surv,
            std_err: k.std_err,
            lower: k.lower,
            upper: k.upper,
        })
        .collect()
}

/// R's `summary(fit, times = at)`: the curve at each time, those still at risk then, and the
/// events since the previous requested time. The times are taken in increasing order, as R
/// sorts them, so the events are never counted "since" a later time.
pub fn summary_at(s: &Stratum, at: &[f64]) -> Vec<SummaryRow> {
    let mut at = at.to_vec();
    at.sort_by(f64::total_cmp);
    let mut previous = f64::NEG_INFINITY;
    at.iter()
        .map(|&t| {
            let last = s.curve.iter().rev().find(|k| k.time <= t);
            let n_risk = s.curve.iter().filter(|k| k.time >= t).map(|k| k.n_event + k.n_censor).sum();
            let n_event = s.curve.iter().filter(|k| k.time > previous && k.time <= t).map(|k| k.n_event).sum();
            previous = t;
            let (surv, std_err, lower, upper) = match last {
                Some(k) => (k.surv, k.std_err, k.lower, k.upper),
                None => (1.0, Some(0.0), Some(1.0), Some(1.0)),
            };
            SummaryRow { strata: s.name.clone(), time: t, n_risk, n_event, surv, std_err, lower, upper }
        })
        .collect()
}

/// First time a curve (Ŝ or a limit) is at or below 0.5. Where it sits exactly at 0.5 over an
/// interval, the midpoint of that interval (to the next event time), as R's `quantile.survfit`.
/// Undefined values (a log or log-log limit where Ŝ = 0) are skipped, as R's `minmin` ignores
/// NA: a band that never reaches 0.5 where it is defined has no crossing, not the time Ŝ hit 0.
fn crossing(curve: &[KmStep], value: impl Fn(&KmStep) -> Option<f64>) -> Option<f64> {
    let events: Vec<(&KmStep, f64)> = curve.iter().filter(|k| k.n_event > 0).filter_map(|k| Some((k, value(k)?))).collect();
    let tol = 1e-12;
    for (i, &(k, v)) in events.iter().enumerate() {
        if (v - 0.5).abs() < tol {
            return Some(match events.get(i + 1) {
                Some((next, _)) => (k.time + next.time) / 2.0,
                None => k.time,
            });
        }
        if v < 0.5 {
            return Some(k.time);
        }
    }
    None
}

/// Median survival and its interval (from where the interval curves cross 0.5).
pub fn median(s: &Stratum) -> Median {
    Median {
        strata: s.name.clone(),
        n: s.n,
        events: s.events,
        median: crossing(&s.curve, |k| Some(k.surv)),
        // The lower limit curve reaches 0.5 first: it gives the median's lower limit.
        lower: crossing(&s.curve, |k| k.lower),
        upper: crossing(&s.curve, |k| k.upper),
    }
}

/// Log-rank test of equal survival across the groups (χ² with groups − 1 df).
pub fn logrank(times: &[f64], events: &[bool], groups: &[String]) -> Result<LogRank> {
    let grouped = by_group((times, events, groups));
    let names: Vec<&str> = grouped.keys().copied().collect();
    let k = names.len();
    if k < 2 {
        return Err(Error::Request(format!("the log-rank test needs at least 2 groups, found {k}")));
    }
    let tallies: Vec<Vec<(f64, u64, u64)>> = grouped.values().map(|rows| tally(rows.clone())).collect();
    let mut at_risk: Vec<u64> = tallies.iter().map(|t| t.iter().map(|x| x.1 + x.2).sum()).collect();
    let n: Vec<u64> = at_risk.clone();
    let mut all_times: Vec<f64> = tallies.iter().flatten().map(|x| x.0).collect();
    all_times.sort_by(f64::total_cmp);
    all_times.dedup();
    let (mut observed, mut expected) = (vec![0u64; k], vec![0.0f64; k]);
    let mut v = DMatrix::<f64>::zeros(k, k);
    for t in all_times {
        let d: Vec<u64> = tallies.iter().map(|g| g.iter().find(|x| x.0 == t).map(|x| x.1).unwrap_or(0)).collect();
        let c: Vec<u64> = tallies.iter().map(|g| g.iter().find(|x| x.0 == t).map(|x| x.2).unwrap_or(0)).collect();
        let (nt, dt) = (at_risk.iter().sum::<u64>() as f64, d.iter().sum::<u64>() as f64);
        if dt > 0.0 {
            for g in 0..k {
                observed[g] += d[g];
                expected[g] += dt * at_risk[g] as f64 / nt;
            }
            if nt > 1.0 {
                let factor = dt * (nt - dt) / (nt - 1.0);
                for g in 0..k {
                    for h in 0..k {
                        let (pg, ph) = (at_risk[g] as f64 / nt, at_risk[h] as f64 / nt);
                        v[(g, h)] += factor * pg * (if g == h { 1.0 } else { 0.0 } - ph);
                    }
                }
            }
        }
        for g in 0..k {
            at_risk[g] -= d[g] + c[g];
        }
    }
    // Drop the last group: the k deviations sum to zero.
    let diff = nalgebra::DVector::from_iterator(k - 1, (0..k - 1).map(|g| observed[g] as f64 - expected[g]));
    let sub = v.view((0, 0), (k - 1, k - 1)).into_owned();
    let inv = sub.try_inverse().ok_or_else(|| {
        Error::Request("the log-rank variance matrix is singular (a group with no one at risk at any event?)".into())
    })?;
    let chisq = (diff.transpose() * inv * &diff)[(0, 0)];
    let df = (k - 1) as u64;
    let p_value = chi_squared_upper_p(chisq, df as f64).unwrap_or(f64::NAN);
    Ok(LogRank {
        chisq,
        df,
        p_value,
        groups: names.iter().enumerate().map(|(i, name)| (name.to_string(), n[i], observed[i], expected[i])).collect(),
        var: (0..k).map(|g| (0..k).map(|h| v[(g, h)]).collect()).collect(),
    })
}
