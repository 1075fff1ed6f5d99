//! The statistics commands (`survival`, `logrank`, `proportion`, `compare-means`, `did`) on a
//! user's own file and column names: read, check, compute, and lay out as tables.

use std::path::Path;

use impatto_indicators::definition::ConfType;
use impatto_indicators::study::data::ReadOptions;
use impatto_indicators::study::did::{self, Observation, Options};
use impatto_indicators::study::{Estimate, data, means, proportion, survival};

use crate::error::{Error, Result};
use crate::table::{Cell, Rows};

fn num(x: f64) -> Cell {
    Cell::Num(Some(x))
}

fn opt(x: Option<f64>) -> Cell {
    Cell::Num(x)
}

fn bad(msg: String) -> Error {
    Error::Request(msg)
}

/// Complete rows of time, event and group, and how many incomplete rows were left out.
struct SurvivalData {
    times: Vec<f64>,
    events: Vec<bool>,
    groups: Vec<String>,
    dropped: usize,
}

/// An outcome column with no NaN or infinite value (which would turn every estimate into NaN);
/// empty cells stay missing.
fn finite(values: Vec<Option<f64>>, column: &str, file: &str) -> Result<Vec<Option<f64>>> {
    if let Some(i) = values.iter().position(|v| v.is_some_and(|x| !x.is_finite())) {
        let x = values[i].unwrap_or_default();
        return Err(bad(format!(
            "{file}: column `{column}`, row {}: expected a finite number, found {x}",
            i + impatto_indicators::study::data::FIRST_DATA_ROW
        )));
    }
    Ok(values)
}

/// Time, event and group columns of a file, complete rows only.
fn survival_data(file: &Path, read: &ReadOptions, time: &str, event: &str, by: Option<&str>) -> Result<SurvivalData> {
    let name = file.display().to_string();
    let mut cols = vec![time, event];
    cols.extend(by);
    let df = data::read_with(file, &cols, read)?;
    let t = data::numbers(&df, time, &name)?;
    let e = data::events(&data::numbers(&df, event, &name)?, event, &name)?;
    let g: Vec<Option<String>> = match by {
        Some(b) => data::labels(&df, b, &name)?.into_iter().map(|v| v.map(|v| format!("{b}={v}"))).collect(),
        None => vec![Some("all".to_string()); t.len()],
    };
    let (mut times, mut events, mut groups, mut dropped) = (vec![], vec![], vec![], 0);
    for ((t, e), g) in t.into_iter().zip(e).zip(g) {
        match (t, e, g) {
            (Some(t), Some(e), Some(g)) => {
                times.push(t);
                events.push(e);
                groups.push(g);
            }
            _ => dropped += 1,
        }
    }
    if times.is_empty() {
        return Err(bad(format!("{name}: no complete rows in columns {}", cols.join(", "))));
    }
    Ok(SurvivalData { times, events, groups, dropped })
}

/// Kaplan-Meier strata of a file (for plots).
pub fn strata(
    file: &Path,
    read: &ReadOptions,
    time: &str,
    event: &str,
    by: Option<&str>,
    conf: ConfType,
    level: f64,
) -> Result<Vec<survival::Stratum>> {
    let SurvivalData { times, events, groups, .. } = survival_data(file, read, time, event, by)?;
    survival::fit(&times, &events, &groups, conf, level).map_err(|e| bad(format!("{}: {e}", file.display())))
}

/// Bars for one indicator from a results CSV or Parquet file (`impatto indicators --format
/// csv`), in file order, and the indicator's unit. Each bar is labelled by every group column
/// (those between `version` and `horizon_months`), `by` first, and by its horizon, so rows that
/// differ in a second breakdown or a survival horizon never share a label; a margin's empty
/// value reads `all`. `months` words a horizon (`12 months`), `column` names a group column
/// (`edition` → `edizione`).
///
/// Errors: [`Error::Request`] when the file has no row for `indicator`, no group column, or no
/// column `by` (naming the group columns it has).
pub fn indicator_bars(
    results: &Path,
    indicator: &str,
    by: Option<&str>,
    all: &str,
    months: &dyn Fn(u32) -> String,
    column: &dyn Fn(&str) -> String,
) -> Result<(Vec<crate::plot::Bar>, String)> {
    let name = results.display().to_string();
    let df = data::read(results, &["indicator", "value", "ci_low", "ci_high", "unit"])?;
    let ids = data::labels(&df, "indicator", &name)?;
    let rows: Vec<usize> = ids.iter().enumerate().filter(|(_, i)| i.as_deref() == Some(indicator)).map(|(r, _)| r).collect();
    if rows.is_empty() {
        return Err(bad(format!("{name}: no rows for indicator `{indicator}`")));
    }
    let all_columns = data::read_all(results)?;
    let names: Vec<String> = all_columns.get_column_names().into_iter().map(|c| c.to_string()).collect();
    let (Some(first), Some(last)) = (names.iter().position(|c| c == "version"), names.iter().position(|c| c == "horizon_months"))
    else {
        return Err(bad(format!(
            "{name}: expected the columns of `impatto indicators --format csv` (version … horizon_months), found {names:?}"
        )));
    };
    let mut groups: Vec<String> = names[first + 1..last].to_vec();
    if groups.is_empty() {
        return Err(bad(format!("{name}: no group column (run `impatto indicators --by …`)")));
    }
    if let Some(b) = by {
        let Some(at) = groups.iter().position(|g| g == b) else {
            return Err(bad(format!("--by {b}: {name} has no such group column; it has {}", groups.join(", "))));
        };
        let b = groups.remove(at);
        groups.insert(0, b);
    }
    let labels: Vec<Vec<Option<String>>> =
        groups.iter().map(|g| data::labels(&all_columns, g, &name).map_err(Into::into)).collect::<Result<_>>()?;
    let horizons = data::numbers(&all_columns, "horizon_months", &name)?;
    let (value, lo, hi) =
        (data::numbers(&df, "value", &name)?, data::numbers(&df, "ci_low", &name)?, data::numbers(&df, "ci_high", &name)?);
    let unit = data::labels(&df, "unit", &name)?[rows[0]].clone().unwrap_or_default();
    let bars = rows
        .into_iter()
        .map(|r| {
            let mut parts: Vec<String> = Vec::new();
            for (k, (g, values)) in groups.iter().zip(&labels).enumerate() {
                match values[r].as_deref().filter(|v| !v.is_empty()) {
                    Some(v) if k == 0 => parts.push(v.to_string()),
                    Some(v) => parts.push(format!("{} {v}", column(g))),
                    None if k == 0 => parts.push(all.to_string()),
                    None => {}
                }
            }
            if let Some(h) = horizons[r] {
                parts.push(months(h as u32));
            }
            crate::plot::Bar { label: parts.join(" · "), value: value[r], interval: lo[r].zip(hi[r]) }
        })
        .collect();
    Ok((bars, unit))
}

/// `impatto survival`: the curve (at `at`, or at every event time) and the medians, and how
/// many rows with a missing time, event or group were left out. `cols` are the time, event and
/// (optional) group columns.
pub fn survival_tables(
    file: &Path,
    read: &ReadOptions,
    cols: (&str, &str, Option<&str>),
    at: &[f64],
    conf: ConfType,
    level: f64,
) -> Result<(Rows, Rows, usize)> {
    if let Some(t) = at.iter().find(|t| !(t.is_finite() && **t >= 0.0)) {
        return Err(bad(format!("--at: expected times ≥ 0, found {t}")));
    }
    let (time, event, by) = cols;
    let SurvivalData { times, events, groups, dropped } = survival_data(file, read, time, event, by)?;
    let strata = survival::fit(&times, &events, &groups, conf, level).map_err(|e| bad(format!("{}: {e}", file.display())))?;
    let mut curve = Rows {
        title: format!("Kaplan-Meier, {} interval ({:.0}%), Greenwood variance", conf_name(conf), level * 100.0),
        columns: vec!["strata", "time", "n_risk", "n_event", "surv", "std_err", "lower", "upper"],
        rows: vec![],
    };
    let mut medians = Rows {
        title: "median survival".into(),
        columns: vec!["strata", "n", "events", "median", "lower", "upper"],
        rows: vec![],
    };
    for s in &strata {
        let rows = if at.is_empty() { survival::summary_events(s) } else { survival::summary_at(s, at) };
        for r in rows {
            curve.rows.push(vec![
                Cell::Text(r.strata),
                num(r.time),
                Cell::Int(Some(r.n_risk)),
                Cell::Int(Some(r.n_event)),
                num(r.surv),
                opt(r.std_err),
                opt(r.lower),
                opt(r.upper),
            ]);
        }
        let m = survival::median(s);
        medians.rows.push(vec![
            Cell::Text(m.strata),
            Cell::Int(Some(m.n)),
            Cell::Int(Some(m.events)),
            opt(m.median),
            opt(m.lower),
            opt(m.upper),
        ]);
    }
    Ok((curve, medians, dropped))
}

fn conf_name(c: ConfType) -> &'static str {
    match c {
        ConfType::LogLog => "log-log",
        ConfType::Log => "log",
        ConfType::Plain => "plain",
    }
}

/// `impatto logrank`: the test, the observed/expected events by group, and how many rows with a
/// missing time, event or group were left out.
pub fn logrank_tables(file: &Path, read: &ReadOptions, time: &str, event: &str, by: &str) -> Result<(Rows, Rows, usize)> {
    let SurvivalData { times, events, groups, dropped } = survival_data(file, read, time, event, Some(by))?;
    let t = survival::logrank(&times, &events, &groups).map_err(|e| bad(format!("{}: {e}", file.display())))?;
    let test = Rows {
        title: format!("log-rank test of equal survival across `{by}`"),
        columns: vec!["chisq", "df", "p_value"],
        rows: vec![vec![num(t.chisq), Cell::Int(Some(t.df)), num(t.p_value)]],
    };
    // As print.survdiff: (O − E)²/E and (O − E)²/V with V the variance of O − E (survdiff's var).
    let groups = Rows {
        title: String::new(),
        columns: vec!["group", "n", "observed", "expected", "(O-E)^2/E", "(O-E)^2/V", "var"],
        rows: t
            .groups
            .into_iter()
            .enumerate()
            .map(|(i, (g, n, o, e))| {
                let (dev, v) = (o as f64 - e, t.var[i][i]);
                vec![
                    Cell::Text(g),
                    Cell::Int(Some(n)),
                    Cell::Int(Some(o)),
                    num(e),
                    opt(Some(dev * dev / e).filter(|x| x.is_finite())),
                    opt(Some(dev * dev / v).filter(|x| x.is_finite())),
                    num(v),
                ]
            })
            .collect(),
    };
    Ok((test, groups, dropped))
}

/// `impatto proportion`: an interval for x of n; with a second group, its interval, the
/// difference with an interval by `diff_method`, and the pooled two-sample z-test.
pub fn proportion_table(
    x: u64,
    n: u64,
    second: Option<(u64, u64)>,
    method: proportion::Method,
    diff_method: proportion::DiffMethod,
    level: f64,
) -> Result<Rows> {
    if x > n || n == 0 {
        return Err(bad(format!("expected 0 ≤ successes ≤ trials and trials > 0, found {x} of {n}")));
    }
    let name = serde_json::to_value(method).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default();
    let one = |term: &str, x: u64, n: u64| -> Result<Vec<Cell>> {
        let (lo, hi) = proportion::interval(x as f64, n as f64, level, method)
            .ok_or_else(|| bad(format!("--level: no {name} interval at level {level}")))?;
        Ok(vec![
            Cell::Text(term.into()),
            Cell::Text(name.clone()),
            Cell::Int(Some(x)),
            Cell::Int(Some(n)),
            num(x as f64 / n as f64),
            num(lo),
            num(hi),
            opt(None),
            opt(None),
        ])
    };
    let mut rows = Rows {
        title: format!("{:.0}% interval", level * 100.0),
        columns: vec!["term", "method", "successes", "trials", "estimate", "ci_low", "ci_high", "statistic", "p_value"],
        rows: vec![one("p", x, n)?],
    };
    if let Some((x2, n2)) = second {
        if x2 > n2 || n2 == 0 {
            return Err(bad(format!("expected 0 ≤ successes2 ≤ trials2 and trials2 > 0, found {x2} of {n2}")));
        }
        rows.rows.push(one("p2", x2, n2)?);
        let (x1, n1, x2, n2) = (x as f64, n as f64, x2 as f64, n2 as f64);
        let (d, lo, hi) = proportion::difference(x1, n1, x2, n2, level, diff_method)
            .ok_or_else(|| bad(format!("--level: no {} interval at level {level}", diff_method.name())))?;
        rows.rows.push(vec![
            Cell::Text("p - p2".into()),
            Cell::Text(diff_method.name().into()),
            Cell::Int(None),
            Cell::Int(None),
            num(d),
            num(lo),
            num(hi),
            opt(None),
            opt(None),
        ]);
        let z = proportion::z_test(x1, n1, x2, n2).ok_or_else(|| bad("no z-test for these counts".into()))?;
        rows.rows.push(vec![
            Cell::Text("p - p2".into()),
            Cell::Text("z-test (pooled)".into()),
            Cell::Int(None),
            Cell::Int(None),
            num(z.estimate),
            opt(None),
            opt(None),
            opt(z.statistic),
            opt(z.p_value),
        ]);
    }
    Ok(rows)
}

fn estimate_rows(title: String, estimates: Vec<(String, Estimate)>) -> Rows {
    Rows {
        title,
        columns: vec!["term", "method", "estimate", "std_error", "ci_low", "ci_high", "statistic", "p_value", "df", "n"],
        rows: estimates
            .into_iter()
            .map(|(method, e)| {
                vec![
                    Cell::Text(e.term),
                    Cell::Text(method),
                    num(e.estimate),
                    opt(e.std_error),
                    opt(e.ci_low),
                    opt(e.ci_high),
                    opt(e.statistic),
                    opt(e.p_value),
                    opt(e.df),
                    Cell::Int(Some(e.n)),
                ]
            })
            .collect(),
    }
}

/// `impatto compare-means`: Welch's and the pooled t-test of `outcome` between two groups, the
/// per-arm n, mean and standard deviation, and how many rows with a missing outcome or group
/// were left out. The estimate is other − `reference`; without a reference, the first label
/// minus the second in sorted order, as R's `t.test(y ~ g)`.
pub fn compare_means_table(
    file: &Path,
    read: &ReadOptions,
    outcome: &str,
    group: &str,
    reference: Option<&str>,
    level: f64,
) -> Result<(Rows, Rows, usize)> {
    let name = file.display().to_string();
    let df = data::read_with(file, &[outcome, group], read)?;
    let y = finite(data::numbers(&df, outcome, &name)?, outcome, &name)?;
    let g = data::labels(&df, group, &name)?;
    let dropped = y.iter().zip(&g).filter(|(y, g)| y.is_none() || g.is_none()).count();
    let mut levels: Vec<String> = g.iter().flatten().cloned().collect();
    levels.sort();
    levels.dedup();
    if levels.len() != 2 {
        return Err(bad(format!(
            "{name}: column `{group}`: expected exactly 2 groups, found {} ({})",
            levels.len(),
            levels.join(", ")
        )));
    }
    let (first, second) = match reference {
        None => (levels[0].clone(), levels[1].clone()),
        Some(r) if r == levels[0] => (levels[1].clone(), levels[0].clone()),
        Some(r) if r == levels[1] => (levels[0].clone(), levels[1].clone()),
        Some(r) => {
            return Err(bad(format!(
                "--reference: expected one of the groups in column `{group}` of {name} ({}), found `{r}`",
                levels.join(", ")
            )));
        }
    };
    let pick = |l: &str| -> Vec<f64> {
        y.iter().zip(&g).filter_map(|(y, g)| (g.as_deref() == Some(l)).then_some(*y).flatten()).collect()
    };
    let (a, b) = (pick(&first), pick(&second));
    let term = format!("{group}={first} - {group}={second}");
    let welch = means::difference(&a, &b, false, level, &term).map_err(|e| bad(format!("{name}: {e}")))?;
    let pooled = means::difference(&a, &b, true, level, &term).map_err(|e| bad(format!("{name}: {e}")))?;
    let arms = Rows {
        title: format!("`{outcome}` by `{group}`"),
        columns: vec!["group", "n", "mean", "sd"],
        rows: [(&second, &b), (&first, &a)]
            .into_iter()
            .map(|(label, x)| {
                let d = means::describe(x);
                vec![Cell::Text(format!("{group}={label}")), Cell::Int(Some(d.n)), opt(d.mean), opt(d.sd)]
            })
            .collect(),
    };
    Ok((
        estimate_rows(format!("difference in mean `{outcome}`"), vec![("welch".into(), welch), ("pooled".into(), pooled)]),
        arms,
        dropped,
    ))
}

/// `impatto did`: the treated × post coefficient. With `fixed_effects`, unit and period effects:
/// the periods from the `period` column, or, without one, the post indicator (one row per unit
/// before and after; more is refused). Also notes for stderr: rows left out for a missing cell
/// in those columns, and fixed-effect singletons dropped.
pub fn did_table(
    file: &Path,
    read: &ReadOptions,
    cols: (&str, &str, &str, &str),
    period: Option<&str>,
    opts: &Options,
    fixed_effects: bool,
) -> Result<(Rows, Vec<String>)> {
    let (outcome, unit, post, treated) = cols;
    let name = file.display().to_string();
    let mut wanted = vec![outcome, unit, post, treated];
    wanted.extend(period);
    wanted.dedup();
    let df = data::read_with(file, &wanted, read)?;
    let y = finite(data::numbers(&df, outcome, &name)?, outcome, &name)?;
    let u = data::labels(&df, unit, &name)?;
    let p = data::events(&data::numbers(&df, post, &name)?, post, &name)?;
    let t = data::events(&data::numbers(&df, treated, &name)?, treated, &name)?;
    let per = match period {
        Some(c) => data::labels(&df, c, &name)?,
        None => vec![Some(String::new()); y.len()],
    };
    let (obs, periods): (Vec<Observation>, Vec<String>) = (0..y.len())
        .filter_map(|i| match (y[i], u[i].clone(), p[i], t[i], per[i].clone()) {
            (Some(y), Some(unit), Some(post), Some(treated), Some(period)) => {
                Some((Observation { y, unit, post, treated }, period))
            }
            _ => None,
        })
        .unzip();
    let dropped = y.len() - obs.len();
    let mut opts = opts.clone();
    opts.names = did::Names { treated: treated.into(), post: post.into() };
    let fit = match (fixed_effects, period) {
        (true, Some(_)) => did::estimate_two_way(&obs, &periods, &opts),
        _ => did::estimate(&obs, fixed_effects, &opts),
    }
    .map_err(|e| bad(format!("{name}: {e}")))?;
    let model = match (fixed_effects, period) {
        (true, Some(p)) => format!("two-way fixed effects (unit `{unit}` and period `{p}`)"),
        (true, None) => format!("two-way fixed effects (unit `{unit}` and period `{post}`)"),
        (false, _) => "2×2 regression".to_string(),
    };
    let mut notes = Vec::new();
    if dropped > 0 {
        let period = period.map(|p| format!(", `{p}`")).unwrap_or_default();
        notes.push(format!("{dropped} row(s) with a missing `{outcome}`, `{unit}`, `{post}`, `{treated}`{period} left out"));
    }
    notes.extend(singletons_note(fit.singletons));
    let vcov = opts.vcov.name();
    Ok((
        estimate_rows(
            format!(
                "difference-in-differences of `{outcome}`, {model}, {vcov} standard errors, {} small-sample correction",
                opts.small_sample.name()
            ),
            vec![(vcov.to_string(), fit.estimate)],
        ),
        notes,
    ))
}

/// The rows dropped as fixed-effect singletons, said once.
fn singletons_note(singletons: usize) -> Option<String> {
    (singletons > 0).then(|| {
        format!(
            "{singletons} row(s) whose unit or period is seen only once (fixed-effect singletons, perfectly fitted) left out, as fixest/pyfixest and reghdfe do; --small-sample lm keeps them"
        )
    })
}

/// Whole numbers of a period column; a fraction or an infinite value is an error with the row.
fn whole_numbers(values: Vec<Option<f64>>, column: &str, file: &str) -> Result<Vec<Option<i64>>> {
    values
        .into_iter()
        .enumerate()
        .map(|(i, v)| match v {
            None => Ok(None),
            Some(x) if x.is_finite() && x.fract() == 0.0 && x.abs() < 1e15 => Ok(Some(x as i64)),
            Some(x) => Err(bad(format!(
                "{file}: column `{column}`, row {}: expected a whole period number, found {x}",
                i + impatto_indicators::study::data::FIRST_DATA_ROW
            ))),
        })
        .collect()
}

/// The observations of an event study, complete rows only, and how many rows were left out.
fn event_study_observations(
    file: &Path,
    read: &ReadOptions,
    cols: (&str, &str, &str, &str),
) -> Result<(Vec<did::PeriodObservation>, usize)> {
    let (outcome, unit, period, first) = cols;
    let name = file.display().to_string();
    let df = data::read_with(file, &[outcome, unit, period, first], read)?;
    let y = finite(data::numbers(&df, outcome, &name)?, outcome, &name)?;
    let u = data::labels(&df, unit, &name)?;
    let p = whole_numbers(data::numbers(&df, period, &name)?, period, &name)?;
    let f = whole_numbers(data::numbers(&df, first, &name)?, first, &name)?;
    let obs: Vec<did::PeriodObservation> = (0..y.len())
        .filter_map(|i| match (y[i], u[i].clone(), p[i]) {
            (Some(y), Some(unit), Some(period)) => Some(did::PeriodObservation { y, unit, period, first_treated: f[i] }),
            _ => None,
        })
        .collect();
    let dropped = y.len() - obs.len();
    Ok((obs, dropped))
}

/// What the event study took as never treated besides empty cells: first-treated values outside
/// the observed periods (e.g. R `did`'s 0), said once.
fn never_treated_note(obs: &[did::PeriodObservation], first: &str) -> Option<String> {
    let outside = did::outside_periods(obs);
    if outside.is_empty() {
        return None;
    }
    let lo = obs.iter().map(|o| o.period).min()?;
    let hi = obs.iter().map(|o| o.period).max()?;
    let values: Vec<String> = outside.iter().map(|(v, n)| format!("{v} ({n} unit{})", if *n == 1 { "" } else { "s" })).collect();
    Some(format!("`{first}` = {} is outside the observed periods {lo}–{hi}: taken as never treated", values.join(", ")))
}

/// Event-study estimates of a staggered panel, and notes for stderr: rows left out for a missing
/// outcome, unit or period, and first-treated values taken as never treated.
pub fn event_study(
    file: &Path,
    read: &ReadOptions,
    cols: (&str, &str, &str, &str),
    opts: &Options,
) -> Result<(Vec<Estimate>, Vec<String>)> {
    let name = file.display().to_string();
    let (obs, dropped) = event_study_observations(file, read, cols)?;
    let mut notes = Vec::new();
    if dropped > 0 {
        notes.push(format!("{dropped} row(s) with a missing outcome, unit or period left out"));
    }
    notes.extend(never_treated_note(&obs, cols.3));
    let fit = did::event_study(&obs, opts).map_err(|e| bad(format!("{name}: {e}")))?;
    notes.extend(singletons_note(fit.singletons));
    Ok((fit.estimates, notes))
}

/// `impatto did --period … --first-treated …`: event-study coefficients, and the notes of
/// [`event_study`].
pub fn event_study_table(
    file: &Path,
    read: &ReadOptions,
    cols: (&str, &str, &str, &str),
    opts: &Options,
) -> Result<(Rows, Vec<String>)> {
    let (estimates, notes) = event_study(file, read, cols, opts)?;
    let vcov = opts.vcov.name();
    Ok((
        estimate_rows(
            format!(
                "event study of `{}` (k = periods since treatment, k = -1 the reference; {vcov} standard errors, {} small-sample correction)",
                cols.0,
                opts.small_sample.name()
            ),
            estimates.into_iter().map(|e| (vcov.to_string(), e)).collect(),
        ),
        notes,
    ))
}
