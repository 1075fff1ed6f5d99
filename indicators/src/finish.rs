//! The shared finishing step: from additive aggregates to published results.
//!
//! Ratios, intervals, the Kaplan-Meier product and disclosure control are computed here once,
//! whatever backend produced the aggregates.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::compile::{Compiled, Finish};
use crate::definition::LoadedDefinition;
use crate::disclosure;
use crate::plan::{AggRow, Aggregates};
use crate::stats::{CiMethod, at_time, clopper_pearson, kaplan_meier, wilson};

/// One published result row.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct IndicatorResult {
    /// Indicator id.
    pub indicator: String,
    /// Definition version.
    pub version: String,
    /// Group keys (name, value); `(missing)` for empty values.
    pub group: Vec<(String, String)>,
    /// Kaplan-Meier horizon in months.
    pub horizon_months: Option<u32>,
    /// The value (None when suppressed or undefined).
    pub value: Option<f64>,
    /// Numerator (None when suppressed or not applicable).
    pub numerator: Option<f64>,
    /// Denominator (None when suppressed or not applicable).
    pub denominator: Option<f64>,
    /// Unit of the numerator when it is not a count of units: `cents` (currency minor units)
    /// when it sums a money column, as INV-01's private investment. None: a count.
    pub numerator_unit: Option<String>,
    /// Unit of the denominator, as [`IndicatorResult::numerator_unit`] (INV-01's grants: `cents`).
    pub denominator_unit: Option<String>,
    /// Lower confidence limit.
    pub ci_low: Option<f64>,
    /// Upper confidence limit.
    pub ci_high: Option<f64>,
    /// Confidence level of `ci_low`/`ci_high` as a fraction (0.9 = a 90% interval): the
    /// definition's `confidence`, 0.95 unless stated. None without an interval.
    pub conf_level: Option<f64>,
    /// How the interval was computed: `wilson` or `clopper-pearson` for a share, the
    /// Kaplan-Meier `conf.type` (`km log-log`, `km log`, `km plain`) for survival. None without an interval.
    pub ci_method: Option<String>,
    /// Kaplan-Meier number at risk at the horizon.
    pub n_at_risk: Option<u64>,
    /// Units behind the cell (entities or people); withheld when suppressed.
    pub units: Option<u64>,
    /// True when the cell is withheld (primary or secondary suppression; see [`crate::disclosure`]).
    pub suppressed: bool,
    /// The small-cell threshold the row was published under: a cell of fewer units is withheld,
    /// and so is each cell that would reveal one through its line's total. 1 = suppression off.
    pub small_cell: u64,
    /// The disclosure control the row was published under: method, threshold, the tables
    /// protected together and the earlier as-of dates it is safe against. Written as one line
    /// of English in machine outputs (see [`Disclosure`]).
    pub disclosure: Disclosure,
    /// Unit of the value.
    pub unit: String,
    /// As-of date (YYYY-MM-DD).
    pub as_of: String,
    /// `sha256:` of the definition file.
    pub definition_hash: String,
    /// The definition file's sign-off state: `signed: NAME (ROLE), DATE`, or `draft` (the
    /// engine reads the sign-off records; a computation alone knows of none).
    pub signoff: String,
    /// `sha256:` of the input files.
    pub input_hash: String,
    /// Settings given on the command line that override the definitions, as `name=value`
    /// joined by `; ` (e.g. `ci=clopper-pearson; small_cell=1`); empty when none.
    pub overrides: String,
    /// `sha256:` identifying the number: the definition's hash, the input's, the as-of date,
    /// the group and horizon, the interval method and level, the small-cell threshold, the
    /// disclosure control and the overrides (see [`IndicatorResult::identity`]). The sign-off
    /// is not part of it: signing does not change a number.
    pub result_hash: String,
}

impl IndicatorResult {
    /// The text [`IndicatorResult::result_hash`] hashes: every setting that changes the number,
    /// one `name=value` line each.
    pub fn identity(&self) -> String {
        let group: Vec<String> = self.group.iter().map(|(k, v)| format!("{k}={v}")).collect();
        format!(
            "indicator={}\nversion={}\ndefinition={}\ninput={}\nas_of={}\ngroup={}\nhorizon_months={}\nci_method={}\nconf_level={}\nsmall_cell={}\ndisclosure={}\noverrides={}\n",
            self.indicator,
            self.version,
            self.definition_hash,
            self.input_hash,
            self.as_of,
            group.join(";"),
            self.horizon_months.map(|h| h.to_string()).unwrap_or_default(),
            self.ci_method.as_deref().unwrap_or(""),
            self.conf_level.map(|l| l.to_string()).unwrap_or_default(),
            self.small_cell,
            self.disclosure,
            self.overrides,
        )
    }

    /// Fill in [`IndicatorResult::result_hash`] from [`IndicatorResult::identity`].
    pub fn identify(&mut self) {
        use sha2::{Digest, Sha256};
        let digest = Sha256::digest(self.identity().as_bytes());
        self.result_hash = format!("sha256:{}", digest.iter().map(|b| format!("{b:02x}")).collect::<String>());
    }
}

#[derive(Clone, Copy)]
enum Term {
    Numerator,
    Denominator,
}

/// `Some("cents")` when the term sums a column the panel format measures in cents.
fn money_unit(computation: &crate::definition::Computation, term: Term) -> Option<String> {
    use crate::definition::Computation;
    let column = match (computation, term) {
        (Computation::Ratio { measure, .. }, Term::Numerator) | (Computation::Stock { measure }, Term::Numerator) => measure,
        (Computation::Ratio { denominator_sum, .. }, Term::Denominator) => denominator_sum,
        _ => return None,
    };
    let unit = impatto_datasets::schema::Table::ALL.iter().find_map(|t| t.column(column)).map(|c| c.unit)?;
    (unit == "cents").then(|| unit.to_string())
}

/// Provenance stamped on every row.
#[derive(Clone, Debug)]
pub struct Stamp {
    /// As-of date (YYYY-MM-DD).
    pub as_of: String,
    /// Input hash.
    pub input_hash: String,
    /// Earlier as-of dates (YYYY-MM-DD) of the same release.
    pub earlier_as_of: Vec<String>,
}

/// Round a sum so that float summation order (which parallel engines do not fix) cannot change
/// the published bytes: 1e-9 is far below any unit measured here.
fn stable(x: f64) -> f64 {
    let r = (x * 1e9).round() / 1e9;
    if r == 0.0 { 0.0 } else { r }
}

/// The tables one indicator publishes in one release.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReleaseShape {
    /// Every breakdown column of the release, in first-appearance order: the compiled plan groups
    /// by the indicator's own keys (e.g. a cohort) and then by these.
    pub columns: Vec<String>,
    /// The published tables, each a list of columns in the order asked for (`[]` = no breakdown).
    pub tables: Vec<Vec<String>>,
}

impl ReleaseShape {
    /// The shape of the tables `tables`, deduplicated in order.
    pub fn of(tables: &[Vec<String>]) -> ReleaseShape {
        let mut shape = ReleaseShape::default();
        for table in tables {
            if !shape.tables.contains(table) {
                shape.tables.push(table.clone());
            }
            for c in table {
                if !shape.columns.contains(c) {
                    shape.columns.push(c.clone());
                }
            }
        }
        shape
    }

    fn mask(&self, table: &[String]) -> u32 {
        table.iter().map(|c| 1u32 << self.columns.iter().position(|x| x == c).unwrap_or(0)).fold(0, |a, b| a | b)
    }
}

/// One group's additive aggregates, summed from the finest cells.
#[derive(Clone, Debug)]
enum Acc {
    Rows { units: u64, numerator: f64, denominator: f64 },
    Survival(BTreeMap<i64, (u64, u64)>),
}

/// Every face of the release's lattice, each cell keyed by codes (`disclosure::ALL` outside it).
type Faces = BTreeMap<u32, BTreeMap<Vec<u32>, Acc>>;

fn sum_faces(aggregates: &Aggregates, codes: &[BTreeMap<Option<String>, u32>], n_fixed: usize, faces: &[u32]) -> Faces {
    let encode = |key: &[Option<String>]| -> Vec<u32> { key.iter().zip(codes).map(|(v, c)| c[v]).collect() };
    let mut finest: Vec<(Vec<u32>, Acc)> = match aggregates {
        Aggregates::Rows(rows) => rows
            .iter()
            .map(|r| (encode(&r.key), Acc::Rows { units: r.units, numerator: r.numerator, denominator: r.denominator }))
            .collect(),
        Aggregates::Survival(groups) => groups
            .iter()
            .map(|g| (encode(&g.key), Acc::Survival(g.times.iter().map(|&(t, d, c)| (t, (d, c))).collect())))
            .collect(),
    };
    // Sums in key order, so the float bytes do not depend on the backend's group order.
    finest.sort_by(|a, b| a.0.cmp(&b.0));
    let mut out: Faces = BTreeMap::new();
    for &face in faces {
        let cells = out.entry(face).or_default();
        for (key, acc) in &finest {
            let mut projected = key.clone();
            for (bit, v) in projected[n_fixed..].iter_mut().enumerate() {
                if face & (1 << bit) == 0 {
                    *v = disclosure::ALL;
                }
            }
            match (cells.entry(projected).or_insert_with(|| empty_like(acc)), acc) {
                (Acc::Rows { units, numerator, denominator }, Acc::Rows { units: u, numerator: n, denominator: d }) => {
                    *units += u;
                    *numerator += n;
                    *denominator += d;
                }
                (Acc::Survival(into), Acc::Survival(from)) => {
                    for (t, (d, c)) in from {
                        let e = into.entry(*t).or_default();
                        e.0 += d;
                        e.1 += c;
                    }
                }
                _ => {}
            }
        }
    }
    out
}

fn empty_like(acc: &Acc) -> Acc {
    match acc {
        Acc::Rows { .. } => Acc::Rows { units: 0, numerator: 0.0, denominator: 0.0 },
        Acc::Survival(_) => Acc::Survival(BTreeMap::new()),
    }
}

/// A finished cell: its published rows (one, or one per horizon), whether it is small, and the
/// additive quantities the disclosure audit works on (units first).
/// Why a cell is withheld for itself: too few units (withheld whole), or a share's numerator
/// or complement, or the people still at risk, too few (value withheld, units published).
#[derive(Clone, Copy, Default)]
struct Small {
    units: bool,
    value: bool,
}

fn finish_cell(base: IndicatorResult, acc: &Acc, compiled: &Compiled) -> (Vec<IndicatorResult>, Small, Vec<f64>) {
    let k = compiled.small_cell;
    match (acc, &compiled.finish) {
        (Acc::Rows { units, numerator, denominator }, finish) => {
            let row = AggRow { key: Vec::new(), numerator: *numerator, denominator: *denominator, units: *units };
            let (r, small) = finish_row(base, &row, finish, compiled.level, k);
            let u = *units as f64;
            let quantities = match finish {
                Finish::Count | Finish::KaplanMeier { .. } => vec![u],
                Finish::Total => vec![u, *numerator],
                Finish::Ratio => vec![u, *numerator, *denominator],
                Finish::Share { .. } => vec![u, *numerator, *denominator, denominator - numerator],
            };
            (vec![r], small, quantities)
        }
        (Acc::Survival(times), Finish::KaplanMeier { horizons, conf_type }) => {
            let total: u64 = times.values().map(|(d, c)| d + c).sum();
            let steps: Vec<(f64, u64, u64)> = times.iter().map(|(&t, &(d, c))| (t as f64, d, c)).collect();
            let curve = kaplan_meier(&steps, *conf_type, compiled.level);
            let mut quantities = vec![total as f64];
            let mut small = Small { units: total > 0 && total < k, value: false };
            let rows = horizons
                .iter()
                .map(|&h| {
                    let (surv, lower, upper, n_risk) = at_time(&curve, total, f64::from(h));
                    let events: u64 = times.range(..=i64::from(h)).map(|(_, (d, _))| d).sum();
                    let mut r = base.clone();
                    r.horizon_months = Some(h);
                    r.value = Some(surv);
                    r.numerator = Some(events as f64);
                    r.denominator = Some(total as f64);
                    r.ci_low = lower;
                    r.ci_high = upper;
                    r.conf_level = lower.map(|_| compiled.level);
                    r.ci_method = lower.map(|_| format!("km {}", conf_type.name()));
                    r.n_at_risk = Some(n_risk);
                    r.units = Some(total);
                    small.value |= n_risk > 0 && n_risk < k;
                    quantities.extend([events as f64, n_risk as f64]);
                    r
                })
                .collect();
            (rows, small, quantities)
        }
        (Acc::Survival(_), _) => (Vec::new(), Small::default(), vec![0.0]),
    }
}

/// A cell of a release's lattice named by its columns (sorted by name) and values (`None` =
/// missing), so that indicators with different own keys can name the same cell.
pub(crate) type CellId = Vec<(String, Option<String>)>;

/// What one indicator's release did with one cell of its lattice, published or a margin only
/// the audit sees: what [`crate::release`] coordinates between indicators.
#[derive(Clone, Debug)]
pub(crate) struct CellOutcome {
    pub id: CellId,
    pub units: u64,
    /// The numerator of a share or total (a count when the plan counts rows meeting a condition).
    pub numerator: Option<f64>,
    /// The denominator when it is a sum (a ratio's, or a share of sums'); else the units, or the
    /// number at risk of a survival curve.
    pub denominator: Option<f64>,
    /// Units (and so everything) withheld.
    pub units_withheld: bool,
    /// The value withheld; the units too when `units_withheld`.
    pub value_withheld: bool,
    /// In one of the published tables (else a margin or finest cell only the audit sees).
    pub published: bool,
    /// Withheld for itself (too few units, or too few in its numerator or complement), not to
    /// protect another cell: its counts are protected even where they are not its units.
    pub primary: bool,
}

/// The cells of one indicator that the linked indicators of its release withhold
/// ([`crate::release`]): whole, or only their value.
#[derive(Clone, Debug, Default)]
pub(crate) struct Linked {
    pub units: std::collections::BTreeSet<CellId>,
    pub value: std::collections::BTreeSet<CellId>,
}

/// One indicator's finished release: its rows, and every cell of its lattice.
#[derive(Clone, Debug)]
pub(crate) struct Finished {
    pub rows: Vec<IndicatorResult>,
    pub cells: Vec<CellOutcome>,
}

/// Finish one indicator's release: values and intervals for every published table, with
/// disclosure control over the tables, their margins and the earlier as-of dates together
/// ([`crate::disclosure`]). `aggregates` are grouped by the plan's keys (the release's finest
/// table); `earlier` are the same at each earlier published as-of date; the cells in `linked`
/// are withheld because another indicator withholds the same units. Errors (as text, for the
/// skipped list) when the release is too fine to audit.
pub(crate) fn finish_release(
    loaded: &LoadedDefinition,
    compiled: &Compiled,
    shape: &ReleaseShape,
    aggregates: &Aggregates,
    earlier: &[Aggregates],
    stamp: &Stamp,
    linked: &Linked,
) -> Result<Finished, String> {
    let def = &loaded.def;
    let keys = &compiled.plan.group_keys;
    // The indicator's own keys (a survival cohort) join every table, and the lattice sums over
    // them too: a cohort's cells add up to a programme total that other indicators publish.
    let own = &keys[..keys.len() - shape.columns.len()];
    let shape = &ReleaseShape {
        columns: keys.clone(),
        tables: shape.tables.iter().map(|t| own.iter().chain(t).cloned().collect()).collect(),
    };
    let n_fixed = 0;
    let k = compiled.small_cell;
    let disclosure = Disclosure::of(shape, k, &stamp.earlier_as_of);
    let base = IndicatorResult {
        indicator: def.id.clone(),
        version: def.version.clone(),
        group: Vec::new(),
        horizon_months: None,
        value: None,
        numerator: None,
        denominator: None,
        numerator_unit: money_unit(&loaded.resolved.computation, Term::Numerator),
        denominator_unit: money_unit(&loaded.resolved.computation, Term::Denominator),
        ci_low: None,
        ci_high: None,
        conf_level: None,
        ci_method: None,
        n_at_risk: None,
        units: None,
        suppressed: false,
        small_cell: k,
        disclosure,
        unit: def.unit.as_str().to_string(),
        as_of: stamp.as_of.clone(),
        definition_hash: loaded.hash.clone(),
        signoff: "draft".to_string(),
        overrides: String::new(),
        result_hash: String::new(),
        input_hash: stamp.input_hash.clone(),
    };
    // Codes per key position, in value order (missing first), shared by every date.
    let mut values: Vec<std::collections::BTreeSet<Option<String>>> = vec![Default::default(); keys.len()];
    for a in std::iter::once(aggregates).chain(earlier) {
        let mut add = |key: &[Option<String>]| {
            key.iter().zip(values.iter_mut()).for_each(|(v, set)| {
                set.insert(v.clone());
            })
        };
        match a {
            Aggregates::Rows(rows) => rows.iter().for_each(|r| add(&r.key)),
            Aggregates::Survival(groups) => groups.iter().for_each(|g| add(&g.key)),
        }
    }
    let decode: Vec<Vec<Option<String>>> = values.iter().map(|s| s.iter().cloned().collect()).collect();
    let codes: Vec<BTreeMap<Option<String>, u32>> =
        values.into_iter().map(|s| s.into_iter().enumerate().map(|(i, v)| (v, i as u32)).collect()).collect();
    let protecting = k > 1;
    let finest = (1u32 << shape.columns.len()) - 1;
    let mut faces: Vec<u32> = Vec::new();
    for table in &shape.tables {
        let m = shape.mask(table);
        let mut sub = m;
        loop {
            if (protecting || sub == m) && !faces.contains(&sub) {
                faces.push(sub);
            }
            if sub == 0 {
                break;
            }
            sub = (sub - 1) & m;
        }
    }
    let finest_published = faces.contains(&finest);
    if protecting && !finest_published {
        faces.push(finest);
    }
    faces.sort_unstable();
    let now = sum_faces(aggregates, &codes, n_fixed, &faces);
    let before: Vec<Faces> =
        if protecting { earlier.iter().map(|a| sum_faces(a, &codes, n_fixed, &faces)).collect() } else { Vec::new() };

    let mut cells = Vec::new();
    let mut ids = Vec::new();
    let mut finished = Vec::new();
    for (&face, face_cells) in &now {
        for (key, acc) in face_cells {
            let (rows, small, quantities) = finish_cell(base.clone(), acc, compiled);
            // A cell that changed by fewer than k units (or counted persons) since an earlier
            // release gives those few away by differencing. The grand total only says that
            // someone joined, not who: it stays.
            let grand_total = face == 0 && n_fixed == 0;
            // Which quantities changed by fewer than k since any earlier date (each earlier cell
            // finished once).
            let mut changed = vec![false; quantities.len()];
            if !grand_total {
                for b in &before {
                    let old = b.get(&face).and_then(|c| c.get(key)).map(|acc| finish_cell(base.clone(), acc, compiled).2);
                    for (q, &x) in quantities.iter().enumerate() {
                        let y = old.as_ref().map_or(0.0, |o| o[q]);
                        let d = (x - y).abs();
                        changed[q] |= x.fract() == 0.0 && y.fract() == 0.0 && d > 0.0 && d < k as f64;
                    }
                }
            }
            let changed_little = |from: usize, to: usize| changed[from..to].contains(&true);
            let id = cell_id(face, key, keys, &decode);
            cells.push(disclosure::Cell {
                face,
                key: key.clone(),
                small_units: small.units || changed_little(0, 1),
                small_value: small.value || changed_little(1, quantities.len()),
                linked_units: linked.units.contains(&id),
                linked_value: linked.value.contains(&id),
                quantities,
            });
            ids.push(id);
            finished.push(rows);
        }
    }
    let (units_withheld, value_withheld) = if protecting {
        let p = disclosure::protect(&cells, finest, finest_published)
                .map_err(|unknowns| {
                    format!(
                        "release too fine to audit: {unknowns} cells of {} hidden from readers, at most {} (hint: publish fewer or coarser tables together)",
                        shape.columns.join("×"),
                        disclosure::MAX_AUDITED_UNKNOWNS
                    )
                })?;
        (p.units_withheld, p.value_withheld)
    } else {
        (vec![false; cells.len()], vec![false; cells.len()])
    };

    let mut out = Vec::new();
    for table in &shape.tables {
        let face = shape.mask(table);
        let positions: Vec<usize> =
            table.iter().map(|c| n_fixed + shape.columns.iter().position(|x| x == c).unwrap_or(0)).collect();
        let order: Vec<usize> = (0..n_fixed).chain(positions.iter().copied()).collect();
        let mut members: Vec<usize> = (0..cells.len()).filter(|&i| cells[i].face == face).collect();
        members.sort_by_key(|&i| order.iter().map(|&p| cells[i].key[p]).collect::<Vec<u32>>());
        for i in members {
            let group: Vec<(String, String)> = order
                .iter()
                .map(|&p| {
                    let value = decode[p][cells[i].key[p] as usize].clone().unwrap_or_else(|| "(missing)".into());
                    (keys[p].clone(), value)
                })
                .collect();
            for mut r in finished[i].iter().cloned() {
                r.group = group.clone();
                if value_withheld[i] {
                    // The units stay beside a withheld share (and the denominator when it counts
                    // them): the audit above protects the share's counts given them.
                    let units = r.units.filter(|_| !units_withheld[i]);
                    r.suppressed = true;
                    r.value = None;
                    r.numerator = None;
                    r.denominator = r.denominator.filter(|&d| units.is_some_and(|u| d == u as f64));
                    r.ci_low = None;
                    r.ci_high = None;
                    r.conf_level = None;
                    r.ci_method = None;
                    r.n_at_risk = None;
                    r.units = units;
                }
                out.push(r);
            }
        }
    }
    let published_faces: Vec<u32> = shape.tables.iter().map(|t| shape.mask(t)).collect();
    let cells = ids
        .into_iter()
        .zip(&cells)
        .zip(units_withheld.iter().zip(&value_withheld))
        .map(|((id, c), (&units_withheld, &value_withheld))| CellOutcome {
            id,
            units: c.quantities[0] as u64,
            numerator: c.quantities.get(1).copied(),
            denominator: c.quantities.get(2).copied(),
            units_withheld,
            value_withheld,
            published: published_faces.contains(&c.face),
            primary: c.small_units || c.small_value,
        })
        .collect();
    Ok(Finished { rows: out, cells })
}

fn cell_id(face: u32, key: &[u32], columns: &[String], decode: &[Vec<Option<String>>]) -> CellId {
    let mut id: CellId = (0..columns.len())
        .filter(|&p| face & (1 << p) != 0)
        .map(|p| (columns[p].clone(), decode[p][key[p] as usize].clone()))
        .collect();
    id.sort();
    id
}

/// The disclosure control a row was published under.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Disclosure {
    /// `small_cell = 1`: nothing withheld; the rows are not for publication.
    Off,
    /// Coordinated suppression of cells under `k` units over the tables published together and
    /// their margins, checked by the linear-programming audit of the whole release.
    Coordinated {
        /// The small-cell threshold (units).
        k: u64,
        /// Each table protected together, by its columns (`programme×municipio`; `total`).
        tables: Vec<String>,
        /// The earlier as-of dates (YYYY-MM-DD) whose releases it is safe against.
        earlier_as_of: Vec<String>,
    },
}

impl Disclosure {
    fn of(shape: &ReleaseShape, k: u64, earlier: &[String]) -> Disclosure {
        if k <= 1 {
            return Disclosure::Off;
        }
        let tables = shape.tables.iter().map(|t| if t.is_empty() { "total".to_string() } else { t.join("×") }).collect();
        Disclosure::Coordinated { k, tables, earlier_as_of: earlier.to_vec() }
    }
}

/// The machine text of CSV, JSON and Parquet (no commas: it is a CSV cell people also read).
impl std::fmt::Display for Disclosure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Disclosure::Off => f.write_str("none (small_cell 1: not for publication)"),
            Disclosure::Coordinated { k, tables, earlier_as_of } => {
                write!(f, "coordinated suppression k={k} over {} and margins; LP audit of the release", tables.join(" + "))?;
                if !earlier_as_of.is_empty() {
                    write!(f, "; safe against as-of {}", earlier_as_of.join(" "))?;
                }
                Ok(())
            }
        }
    }
}

impl Serialize for Disclosure {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// A group's value, numerator and denominator before suppression — what a published row
/// shows when not suppressed, and what [`crate::per_unit`] returns per beneficiary.
pub(crate) fn row_values(row: &AggRow, finish: &Finish) -> (Option<f64>, Option<f64>, Option<f64>) {
    match finish {
        Finish::Count => (Some(row.numerator), Some(row.numerator), None),
        Finish::Total => (Some(stable(row.numerator)), Some(stable(row.numerator)), Some(row.denominator)),
        Finish::Ratio => (
            (row.denominator != 0.0).then(|| stable(row.numerator / row.denominator)),
            Some(stable(row.numerator)),
            Some(stable(row.denominator)),
        ),
        Finish::Share { .. } => {
            let (x, n) = (stable(row.numerator), stable(row.denominator));
            ((n > 0.0).then(|| x / n), Some(x), Some(n))
        }
        Finish::KaplanMeier { .. } => (None, None, None),
    }
}

fn finish_row(mut r: IndicatorResult, row: &AggRow, finish: &Finish, level: f64, k: u64) -> (IndicatorResult, Small) {
    let few = |x: f64| x > 0.0 && x < k as f64;
    r.units = Some(row.units);
    (r.value, r.numerator, r.denominator) = row_values(row, finish);
    let small = match finish {
        Finish::Count => Small { units: few(row.numerator), value: false },
        Finish::Total | Finish::Ratio => Small { units: few(row.units as f64), value: false },
        Finish::Share { ci } => {
            let (x, n) = (r.numerator.unwrap_or(0.0), r.denominator.unwrap_or(0.0));
            let interval = match ci {
                CiMethod::Wilson => wilson(x, n, level),
                CiMethod::ClopperPearson => clopper_pearson(x, n, level),
                CiMethod::None => None,
            };
            if let Some((lo, hi)) = interval {
                r.ci_low = Some(lo);
                r.ci_high = Some(hi);
                r.conf_level = Some(level);
                r.ci_method = Some(ci.name().to_string());
            }
            // A share reveals its numerator and its complement, so both must be large enough.
            Small { units: few(row.units as f64), value: few(x) || few(n - x) }
        }
        Finish::KaplanMeier { .. } => Small::default(),
    };
    (r, small)
}
