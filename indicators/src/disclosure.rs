//! Statistical disclosure control for a release: every table published together is protected
//! together, and checked by the attack an intruder would run.
//!
//! Why: a small cell withheld in one table can be worked back from the tables beside it. With a
//! total of 11 for municipio 4 and two of its three cells published as 3 and 7, the third is 1;
//! a linear program does the same across any number of linked tables. Two tables one day apart
//! differ by the people who joined in between. So the unit protected here is the *release*: the
//! tables of one request (`--by` given more than once), all their margins, and the as-of dates
//! already published from the same data.
//!
//! Method (Eurostat, *Handbook on Statistical Disclosure Control*, ch. 4; τ-Argus and sdcTable for
//! linked tables):
//! 1. Primary suppression: a cell of fewer than `k` units, or whose units changed by fewer than
//!    `k` since an as-of date the release names, is withheld whole. A cell whose counted
//!    numerator or its complement (or the people still at risk) is below `k`, or changed by
//!    fewer than `k`, has its value withheld and its units published: "women: withheld, of 15
//!    participants" tells nobody how many women, and the participants stay countable in every
//!    table that counts them. Steps 2 and 3 run on both tiers: the units of cells withheld whole,
//!    and the other quantities of cells whose value is withheld, bounded by their published
//!    units.
//! 2. Secondary suppression over the lattice of the release's tables and margins: in every
//!    additive line (a margin and the cells that sum to it) a lone withheld cell takes the
//!    smallest other cell with it (finer cells first), until no line has exactly one.
//! 3. Audit: for each withheld cell's units, and each other additive quantity (numerator,
//!    denominator, a share's complement, survival events and numbers at risk) of a cell withheld
//!    for itself when not zero, linear programs find the least and greatest value consistent with
//!    every published cell of the release (non-negative and whole where the data are; a listed
//!    cell of the finest table has at least one unit). A cell whose range holds one whole value
//!    is recovered: its neighbours are withheld and the steps repeat until nothing is.
//!
//! An indicator's own keys (a survival cohort) are columns of the lattice like the others: a
//! cohort's cells add up to programme totals that other indicators publish. Indicators of one
//! release over the same units withhold those counts together: [`crate::release`] finishes
//! each again with the cells its linked indicators withhold, and [`crate::release_audit`]
//! attacks all their counts at once.
//!
//! Why suppression rather than the cell-key method of the census: values the city publishes and
//! pays on stay exact and add up (62% women is 62%); the cell-key method perturbs every count,
//! needs separate machinery for sums such as FTE, and a cell whose noise stays the same on every
//! date still shows which cell changed when one person joins.

use std::collections::{BTreeMap, HashMap};

use microlp::{ComparisonOp, OptimizationDirection, Problem};

/// The most breakdown columns one release may join: its lattice has 2^n faces.
pub const MAX_COLUMNS: usize = 10;

/// The most finest-table cells an audit takes on (withheld ones, or all when that table is not
/// published). 4 breakdown columns of 10^5 participants stay under it (178, in 0.5 s); 427
/// took 3 minutes, as microlp solves one program per cell left unsettled.
pub const MAX_AUDITED_UNKNOWNS: usize = 300;

/// A key position that a face sums over.
pub(crate) const ALL: u32 = u32::MAX;

/// One cell of the release's lattice of tables.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Cell {
    /// The face: bit `i` set when the cell is broken down by the release's `i`th column.
    pub face: u32,
    /// Codes of the always-present keys, then of the release's columns ([`ALL`] outside the face).
    pub key: Vec<u32>,
    /// Additive quantities, units first; each sums from the finest cells.
    pub quantities: Vec<f64>,
    /// Withheld whole for itself (step 1): too few units, or units changed by too few.
    pub small_units: bool,
    /// Its value withheld for itself, its units published: a share's numerator or complement,
    /// or the people still at risk, are too few (or changed by too few).
    pub small_value: bool,
    /// Withheld whole because another indicator of the release withholds the same units
    /// (`crate::release`).
    pub linked_units: bool,
    /// Value withheld because another indicator withholds the same counted numerator.
    pub linked_value: bool,
}

impl Cell {
    fn primary(&self) -> bool {
        self.small_units || self.small_value
    }
}

/// What the audit may assume of a quantity: the intruder knows it when the data show it.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Domain {
    whole: bool,
    non_negative: bool,
    /// At most the cell's units in every cell (a share's numerator, deaths, people at risk): where
    /// the units are published, they bound it.
    within_units: bool,
    /// Equal to an earlier quantity in every cell (a count's numerator is its units): audited once.
    repeats_earlier: bool,
}

/// Cells sharing one additive line: `margin` = Σ `parts`.
struct Line {
    margin: usize,
    parts: Vec<usize>,
}

/// The outcome: which cells are withheld, and how many rounds of audit it took.
#[derive(Debug)]
pub(crate) struct Protection {
    /// Cells withheld whole: units and every other quantity.
    pub units_withheld: Vec<bool>,
    /// Cells whose value (every quantity but the units) is withheld: those of `units_withheld`,
    /// and those whose units are published beside a withheld share.
    pub value_withheld: Vec<bool>,
    #[cfg_attr(not(test), allow(dead_code))]
    pub audit_rounds: usize,
}

/// Protect a lattice of cells. `finest` is the face holding every release column; `finest_published`
/// says whether that face is one of the published tables (then its existing cells are known to be
/// non-empty). Every face's margins must be present.
///
/// Errors with the number of unknowns when the finest table has more than
/// [`MAX_AUDITED_UNKNOWNS`] cells the intruder does not see: the audit would take too long.
pub(crate) fn protect(cells: &[Cell], finest: u32, finest_published: bool) -> Result<Protection, usize> {
    let index: HashMap<(u32, &[u32]), usize> = cells.iter().enumerate().map(|(i, c)| ((c.face, c.key.as_slice()), i)).collect();
    let lines = lines(cells, &index);
    // When the finest face is not itself published, its cells are the intruder's unknowns.
    let hidden = |c: &Cell| c.face == finest && !finest_published;
    let mut units: Vec<bool> = cells.iter().map(|c| c.small_units || c.linked_units || hidden(c)).collect();
    let mut value: Vec<bool> = cells.iter().zip(&units).map(|(c, &u)| u || c.small_value || c.linked_value).collect();
    // A count publishes nothing but its units: its value is its units.
    let has_value = cells.first().is_some_and(|c| c.quantities.len() > 1);
    let domains = domains(cells);
    let mut rounds = 0;
    loop {
        secondary(cells, &lines, &mut units);
        value.iter_mut().zip(&units).for_each(|(v, &u)| *v |= u);
        if has_value {
            secondary(cells, &lines, &mut value);
        } else {
            value.clone_from(&units);
        }
        if !cells.iter().zip(&value).any(|(c, &s)| s && !hidden(c)) {
            break;
        }
        rounds += 1;
        let audit = |tier| audit(cells, &index, &domains, finest, finest_published, &units, &value, tier);
        let recovered_units = audit(Tier::Units)?;
        let recovered_values = if has_value { audit(Tier::Value)? } else { Vec::new() };
        if recovered_units.is_empty() && recovered_values.is_empty() {
            break;
        }
        let picks = |recovered: &[(usize, Vec<usize>)], withheld: &[bool]| -> Vec<usize> {
            recovered
                .iter()
                .flat_map(|(i, constraining)| {
                    let near = neighbours_to_withhold(cells, &lines, withheld, *i);
                    if near.is_empty() {
                        constraining
                            .iter()
                            .copied()
                            .filter(|&j| !withheld[j])
                            .min_by(|&a, &b| cheaper(cells, a, b))
                            .into_iter()
                            .collect()
                    } else {
                        near
                    }
                })
                .collect()
        };
        let (more_units, more_values) = (picks(&recovered_units, &units), picks(&recovered_values, &value));
        if more_units.is_empty() && more_values.is_empty() {
            // Unreachable: a recovered cell is pinned by some published cell.
            break;
        }
        more_units.into_iter().for_each(|j| units[j] = true);
        more_values.into_iter().for_each(|j| value[j] = true);
    }
    value.iter_mut().zip(&units).for_each(|(v, &u)| *v |= u);
    Ok(Protection { units_withheld: units, value_withheld: value, audit_rounds: rounds })
}

/// Which quantities an audit attacks: the units of the cells withheld whole, or the other
/// quantities of the cells whose value is withheld (their units bound them where published).
#[derive(Clone, Copy, PartialEq)]
enum Tier {
    Units,
    Value,
}

fn domains(cells: &[Cell]) -> Vec<Domain> {
    let n = cells.first().map_or(0, |c| c.quantities.len());
    (0..n)
        .map(|q| Domain {
            whole: cells.iter().all(|c| c.quantities[q].fract() == 0.0),
            non_negative: cells.iter().all(|c| c.quantities[q] >= 0.0),
            within_units: q > 0 && cells.iter().all(|c| c.quantities[q] <= c.quantities[0]),
            repeats_earlier: (0..q).any(|p| cells.iter().all(|c| c.quantities[p] == c.quantities[q])),
        })
        .collect()
}

fn lines(cells: &[Cell], index: &HashMap<(u32, &[u32]), usize>) -> Vec<Line> {
    let n_fixed = fixed_keys(cells);
    let mut by_margin: BTreeMap<(usize, u32), Vec<usize>> = BTreeMap::new();
    for (i, c) in cells.iter().enumerate() {
        for bit in 0..32 {
            if c.face & (1 << bit) == 0 {
                continue;
            }
            let mut key = c.key.clone();
            key[n_fixed + bit] = ALL;
            if let Some(&m) = index.get(&(c.face & !(1 << bit), key.as_slice())) {
                by_margin.entry((m, bit as u32)).or_default().push(i);
            }
        }
    }
    by_margin.into_iter().map(|((margin, _), parts)| Line { margin, parts }).collect()
}

/// How many key positions every face keeps (the keys before the release's columns).
fn fixed_keys(cells: &[Cell]) -> usize {
    let columns = cells.iter().fold(0u32, |all, c| all | c.face).count_ones() as usize;
    cells.first().map_or(0, |c| c.key.len() - columns)
}

/// Order of preference for a cell to withhold: fewest units, then the finer face, then the key.
fn cheaper(cells: &[Cell], a: usize, b: usize) -> std::cmp::Ordering {
    let (ca, cb) = (&cells[a], &cells[b]);
    ca.quantities[0]
        .total_cmp(&cb.quantities[0])
        .then(cb.face.count_ones().cmp(&ca.face.count_ones()))
        .then(ca.face.cmp(&cb.face))
        .then(ca.key.cmp(&cb.key))
}

fn secondary(cells: &[Cell], lines: &[Line], suppressed: &mut [bool]) {
    loop {
        let mut changed = false;
        for line in lines {
            let members = || std::iter::once(line.margin).chain(line.parts.iter().copied());
            if members().filter(|&i| suppressed[i]).count() == 1
                && let Some(pick) = members().filter(|&i| !suppressed[i]).min_by(|&a, &b| cheaper(cells, a, b))
            {
                suppressed[pick] = true;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
}

/// For a recovered cell, the cheapest published cell of each line it is in: one per line, so
/// that whichever line pinned it is opened (one audit round instead of one per line).
fn neighbours_to_withhold(cells: &[Cell], lines: &[Line], suppressed: &[bool], i: usize) -> Vec<usize> {
    lines
        .iter()
        .filter(|l| l.margin == i || l.parts.contains(&i))
        .filter_map(|l| {
            std::iter::once(l.margin)
                .chain(l.parts.iter().copied())
                .filter(|&j| !suppressed[j])
                .min_by(|&a, &b| cheaper(cells, a, b))
        })
        .collect()
}

/// The withheld cells whose value some quantity pins to one value, given every published cell,
/// each with the published cells that pin it.
#[allow(clippy::too_many_arguments)]
fn audit(
    cells: &[Cell],
    index: &HashMap<(u32, &[u32]), usize>,
    domains: &[Domain],
    finest: u32,
    finest_published: bool,
    units_withheld: &[bool],
    value_withheld: &[bool],
    tier: Tier,
) -> Result<Vec<(usize, Vec<usize>)>, usize> {
    let suppressed = match tier {
        Tier::Units => units_withheld,
        Tier::Value => value_withheld,
    };
    let n_fixed = fixed_keys(cells);
    let faces: Vec<u32> = {
        let mut f: Vec<u32> = cells.iter().map(|c| c.face).collect();
        f.sort_unstable();
        f.dedup();
        f
    };
    // The intruder's unknowns: the finest cells not published.
    let finest_cells: Vec<usize> = (0..cells.len()).filter(|&i| cells[i].face == finest).collect();
    let unknown: Vec<usize> = finest_cells.iter().copied().filter(|&i| !finest_published || suppressed[i]).collect();
    if unknown.len() > MAX_AUDITED_UNKNOWNS {
        return Err(unknown.len());
    }
    let var_of: HashMap<usize, usize> = unknown.iter().enumerate().map(|(v, &i)| (i, v)).collect();
    // Each cell's finest cells: the unknown ones, and the sum of the known ones.
    let mut contains: Vec<Vec<usize>> = vec![Vec::new(); cells.len()];
    let mut known_parts: Vec<Vec<usize>> = vec![Vec::new(); cells.len()];
    let mut known_sum: Vec<Vec<f64>> = cells.iter().map(|c| vec![0.0; c.quantities.len()]).collect();
    for &f in &finest_cells {
        for &face in &faces {
            let mut key = cells[f].key.clone();
            for bit in 0..32 {
                if finest & (1 << bit) != 0 && face & (1 << bit) == 0 {
                    key[n_fixed + bit] = ALL;
                }
            }
            let Some(&c) = index.get(&(face, key.as_slice())) else { continue };
            match var_of.get(&f) {
                Some(&v) => contains[c].push(v),
                None => {
                    known_parts[c].push(f);
                    known_sum[c].iter_mut().zip(&cells[f].quantities).for_each(|(s, q)| *s += q);
                }
            }
        }
    }
    // Equations from published cells, grouped into independent blocks of unknowns.
    let mut parent: Vec<usize> = (0..unknown.len()).collect();
    fn root(p: &mut [usize], mut x: usize) -> usize {
        while p[x] != x {
            p[x] = p[p[x]];
            x = p[x];
        }
        x
    }
    let equations: Vec<usize> = (0..cells.len()).filter(|&c| !suppressed[c] && !contains[c].is_empty()).collect();
    for &c in &equations {
        let first = contains[c][0];
        for &v in &contains[c][1..] {
            let (a, b) = (root(&mut parent, first), root(&mut parent, v));
            parent[a] = b;
        }
    }
    let block_of: Vec<usize> = (0..unknown.len()).map(|v| root(&mut parent, v)).collect();
    let mut block_vars: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (v, &b) in block_of.iter().enumerate() {
        block_vars.entry(b).or_default().push(v);
    }
    let mut block_equations: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for &c in &equations {
        block_equations.entry(block_of[contains[c][0]]).or_default().push(c);
    }
    // The published units of an unknown bound its other counts.
    let upper = |q: usize, v: usize| {
        let i = unknown[v];
        if tier == Tier::Value && domains[q].within_units && !units_withheld[i] { cells[i].quantities[0] } else { f64::INFINITY }
    };
    let lower = |q: usize| {
        // A listed cell of the finest table has at least one unit.
        if q == 0 && finest_published {
            1.0
        } else if domains[q].non_negative {
            0.0
        } else {
            f64::NEG_INFINITY
        }
    };
    // One linear program over a block of unknowns: `objective` per unknown (absent = 0).
    let solve = |q: usize, block: usize, objective: &dyn Fn(usize) -> f64, direction| -> Solved {
        let vars = &block_vars[&block];
        let local: HashMap<usize, usize> = vars.iter().enumerate().map(|(l, &v)| (v, l)).collect();
        let mut problem = Problem::new(direction);
        let xs: Vec<_> = vars.iter().map(|&v| problem.add_var(objective(v), (lower(q), upper(q, v)))).collect();
        for &c in block_equations.get(&block).map_or(&[][..], Vec::as_slice) {
            let terms: Vec<_> = contains[c].iter().map(|v| (xs[local[v]], 1.0)).collect();
            problem.add_constraint(terms.as_slice(), ComparisonOp::Eq, cells[c].quantities[q] - known_sum[c][q]);
        }
        match problem.solve().map(|outcome| outcome.into_solution()) {
            Ok(Ok(solution)) => {
                Solved::At(solution.objective(), vars.iter().map(|&v| solution.var_value(xs[local[&v]])).collect())
            }
            Err(microlp::Error::Unbounded) => Solved::Unbounded,
            Ok(Err(_)) | Err(_) => Solved::Failed,
        }
    };
    let targets: Vec<usize> =
        (0..cells.len()).filter(|&s| suppressed[s] && (finest_published || cells[s].face != finest)).collect();
    let mut recovered: Vec<(usize, Vec<usize>)> = Vec::new();
    let mut pinned = vec![false; cells.len()];
    for &s in &targets {
        if contains[s].is_empty() {
            pinned[s] = true;
            recovered.push((s, known_parts[s].clone()));
        }
    }
    let attacked = match tier {
        Tier::Units => 0..1,
        Tier::Value => 1..domains.len(),
    };
    for q in attacked.filter(|&q| !domains[q].repeats_earlier) {
        let whole = domains[q].whole;
        let moved = |from: f64, to: f64| {
            let tolerance = 1e-6 * (1.0 + from.abs());
            if whole { (to - from).abs() >= 1.0 - tolerance } else { (to - from).abs() > tolerance }
        };
        // Units are protected in every withheld cell. The other counts (a numerator, its
        // complement, deaths) only in the cells withheld for themselves, and not at zero: a count
        // pinned at zero says nobody in the cell has the attribute, which a published margin of
        // zero already says of everyone in it.
        let mut unresolved: Vec<usize> = targets
            .iter()
            .copied()
            .filter(|&s| !pinned[s] && !contains[s].is_empty())
            .filter(|&s| q == 0 || (cells[s].primary() && cells[s].quantities[q] != 0.0))
            .collect();
        // Every optimum of an exact test below is a feasible point: it clears each other cell
        // whose value differs there from the truth, with no program of its own.
        let clear = |unresolved: &mut Vec<usize>, block: usize, point: &[f64]| {
            let at: HashMap<usize, f64> = block_vars[&block].iter().copied().zip(point.iter().copied()).collect();
            unresolved.retain(|&s| {
                let (mut now, mut there) = (0.0, 0.0);
                for v in &contains[s] {
                    let truth = cells[unknown[*v]].quantities[q];
                    now += truth;
                    there += at.get(v).copied().unwrap_or(truth);
                }
                !moved(now, there)
            });
        };
        // Cheap first, per block: the variables that can leave their bound (one program), a point
        // where all of them have, and the directions that keep every published cell. A cell
        // constant along all those directions is pinned; one that moves by a whole unit (or at
        // all, for sums) between feasible points found that way is not. Only the rest need the
        // exact test.
        let mut cleared = vec![false; cells.len()];
        let mut constant = vec![true; cells.len()];
        let geometry: BTreeMap<usize, Option<Geometry>> = block_vars
            .iter()
            .map(|(&block, vars)| {
                let rows: Vec<(Vec<usize>, f64)> = block_equations
                    .get(&block)
                    .map_or(&[][..], Vec::as_slice)
                    .iter()
                    .map(|&c| (contains[c].clone(), cells[c].quantities[q] - known_sum[c][q]))
                    .collect();
                (block, geometry(vars, &rows, lower(q), &|v| cells[unknown[v]].quantities[q]))
            })
            .collect();
        for &s in &unresolved {
            let truth: f64 = contains[s].iter().map(|&v| cells[unknown[v]].quantities[q]).sum();
            let mut blocks: Vec<usize> = contains[s].iter().map(|&v| block_of[v]).collect();
            blocks.sort_unstable();
            blocks.dedup();
            // Blocks move independently: the reaches add up.
            let (mut low, mut high) = (truth, truth);
            for &b in &blocks {
                let Some(g) = &geometry[&b] else {
                    constant[s] = false;
                    continue;
                };
                match g.reach(&contains[s], lower(q)) {
                    Reach::Constant => {}
                    Reach::Between(lo, hi) => {
                        constant[s] = false;
                        low += lo;
                        high += hi;
                    }
                }
            }
            // The geometry knows lower bounds only: with upper ones, only the exact test clears.
            let bounded = blocks.iter().any(|b| block_vars[b].iter().any(|&v| upper(q, v).is_finite()));
            if !constant[s] && !bounded && (moved(truth, low) || moved(truth, high)) {
                cleared[s] = true;
            }
        }
        let mut pinned_now: Vec<usize> = Vec::new();
        unresolved.retain(|&s| {
            if constant[s] {
                pinned_now.push(s);
            }
            !cleared[s] && !constant[s]
        });
        for s in pinned_now {
            pinned[s] = true;
            let blocks: Vec<usize> = contains[s].iter().map(|&v| block_of[v]).collect();
            recovered.push((s, equations.iter().copied().filter(|&c| blocks.contains(&block_of[contains[c][0]])).collect()));
        }
        // The exact test, for what is left: the least and greatest value of the cell's unknown part
        // coincide (or are the same whole number). A solver failure counts as pinned: withholding
        // one more cell is safe.
        while let Some(s) = unresolved.pop() {
            let parts = &contains[s];
            let mut blocks: Vec<usize> = parts.iter().map(|&v| block_of[v]).collect();
            blocks.sort_unstable();
            blocks.dedup();
            let inside = |v: usize| if parts.contains(&v) { 1.0 } else { 0.0 };
            let truth: f64 = parts.iter().map(|&v| cells[unknown[v]].quantities[q]).sum();
            let mut verdict = None;
            let mut range = [0.0, 0.0];
            'directions: for (i, direction) in
                [OptimizationDirection::Minimize, OptimizationDirection::Maximize].into_iter().enumerate()
            {
                for &b in &blocks {
                    match solve(q, b, &inside, direction) {
                        Solved::At(value, point) => {
                            range[i] += value;
                            clear(&mut unresolved, b, &point);
                        }
                        Solved::Unbounded => {
                            verdict = Some(false);
                            break 'directions;
                        }
                        Solved::Failed => {
                            verdict = Some(true);
                            break 'directions;
                        }
                    }
                }
                if i == 0 && moved(truth, range[0]) {
                    verdict = Some(false);
                    break;
                }
            }
            let [lo, hi] = range;
            let tolerance = 1e-6 * (1.0 + truth.abs());
            let is_pinned =
                verdict.unwrap_or(if whole { (lo - tolerance).ceil() >= (hi + tolerance).floor() } else { hi - lo <= tolerance });
            if is_pinned {
                pinned[s] = true;
                let constraining: Vec<usize> =
                    equations.iter().copied().filter(|&c| blocks.contains(&block_of[contains[c][0]])).collect();
                recovered.push((s, constraining));
            }
        }
    }
    recovered.sort_by_key(|r| r.0);
    recovered.dedup_by_key(|r| r.0);
    Ok(recovered)
}

/// A block of unknowns as the audit sees it: which can move, a point where all of those are off
/// their bound, and an orthonormal basis of the directions that keep every published cell.
struct Geometry {
    local: HashMap<usize, usize>,
    free: Vec<bool>,
    truth: Vec<f64>,
    interior: Vec<f64>,
    basis: Vec<Vec<f64>>,
}

/// The geometry of one block: `vars` (global unknown indices), `rows` (the unknowns of a
/// published cell and what they sum to), each unknown at least `lower`. Which unknowns can leave
/// their bound comes from one linear program over the homogenised set (Freund, Roundy & Todd,
/// 1985: maximise Σ t with A·y = λ·b, y ≥ λ·lower + t, 0 ≤ t ≤ 1, λ ≥ 1, whose optimum has t = 1
/// exactly for those); `None` when the solver fails (the exact test then decides).
fn geometry(vars: &[usize], rows: &[(Vec<usize>, f64)], lower: f64, truth: &dyn Fn(usize) -> f64) -> Option<Geometry> {
    let n = vars.len();
    let local: HashMap<usize, usize> = vars.iter().enumerate().map(|(l, &v)| (v, l)).collect();
    let truth: Vec<f64> = vars.iter().map(|&v| truth(v)).collect();
    let (free, interior) = if lower.is_finite() {
        let mut problem = Problem::new(OptimizationDirection::Maximize);
        let y: Vec<_> = (0..n).map(|_| problem.add_var(0.0, (f64::NEG_INFINITY, f64::INFINITY))).collect();
        let t: Vec<_> = (0..n).map(|_| problem.add_var(1.0, (0.0, 1.0))).collect();
        let lambda = problem.add_var(0.0, (1.0, f64::INFINITY));
        for l in 0..n {
            if lower == 0.0 {
                problem.add_constraint([(y[l], 1.0), (t[l], -1.0)], ComparisonOp::Ge, 0.0);
            } else {
                problem.add_constraint([(y[l], 1.0), (lambda, -lower), (t[l], -1.0)], ComparisonOp::Ge, 0.0);
            }
        }
        for (parts, rhs) in rows {
            let mut terms: Vec<_> = parts.iter().map(|v| (y[local[v]], 1.0)).collect();
            if *rhs != 0.0 {
                terms.push((lambda, -rhs));
            }
            problem.add_constraint(terms.as_slice(), ComparisonOp::Eq, 0.0);
        }
        let solution = problem.solve().ok()?.into_solution().ok()?;
        let free: Vec<bool> = (0..n).map(|l| solution.var_value(t[l]) > 0.5).collect();
        // A point deep inside: the free unknowns as far from their bound as they can all be at
        // once (the homogenised optimum sits close to the bound, and steps from it are short).
        let mut problem = Problem::new(OptimizationDirection::Maximize);
        let x: Vec<_> =
            (0..n).map(|l| problem.add_var(0.0, if free[l] { (lower, f64::INFINITY) } else { (lower, lower) })).collect();
        let depth = problem.add_var(1.0, (0.0, 1e6));
        for l in (0..n).filter(|&l| free[l]) {
            problem.add_constraint([(x[l], 1.0), (depth, -1.0)], ComparisonOp::Ge, lower);
        }
        for (parts, rhs) in rows {
            let terms: Vec<_> = parts.iter().map(|v| (x[local[v]], 1.0)).collect();
            problem.add_constraint(terms.as_slice(), ComparisonOp::Eq, *rhs);
        }
        let deep = problem.solve().ok()?.into_solution().ok()?;
        (free, (0..n).map(|l| deep.var_value(x[l])).collect())
    } else {
        (vec![true; n], truth.clone())
    };
    // Directions that keep every row: the null space of the rows over the free unknowns.
    let columns: Vec<usize> = (0..n).filter(|&l| free[l]).collect();
    let column_of: HashMap<usize, usize> = columns.iter().enumerate().map(|(j, &l)| (l, j)).collect();
    let width = columns.len();
    let mut matrix: Vec<Vec<f64>> = rows
        .iter()
        .map(|(parts, _)| {
            let mut row = vec![0.0; width];
            for v in parts {
                if let Some(&j) = column_of.get(&local[v]) {
                    row[j] += 1.0;
                }
            }
            row
        })
        .collect();
    let mut pivots: Vec<(usize, usize)> = Vec::new();
    let mut r = 0;
    for j in 0..width {
        let Some(best) = (r..matrix.len()).max_by(|&a, &b| matrix[a][j].abs().total_cmp(&matrix[b][j].abs())) else { break };
        if matrix[best][j].abs() < 1e-9 {
            continue;
        }
        matrix.swap(r, best);
        let p = matrix[r][j];
        matrix[r].iter_mut().for_each(|x| *x /= p);
        let pivot_row = matrix[r].clone();
        for (i, row) in matrix.iter_mut().enumerate() {
            if i != r && row[j].abs() > 1e-12 {
                let f = row[j];
                row.iter_mut().zip(&pivot_row).for_each(|(x, p)| *x -= f * p);
            }
        }
        pivots.push((r, j));
        r += 1;
    }
    let pivot_columns: Vec<usize> = pivots.iter().map(|&(_, j)| j).collect();
    let mut basis: Vec<Vec<f64>> = Vec::new();
    for j in (0..width).filter(|j| !pivot_columns.contains(j)) {
        let mut v = vec![0.0; n];
        v[columns[j]] = 1.0;
        for &(row, pj) in &pivots {
            v[columns[pj]] = -matrix[row][j];
        }
        // Modified Gram-Schmidt, twice for accuracy.
        for _ in 0..2 {
            for b in &basis {
                let dot: f64 = v.iter().zip(b).map(|(x, y)| x * y).sum();
                v.iter_mut().zip(b).for_each(|(x, y)| *x -= dot * y);
            }
        }
        let norm = v.iter().map(|x| x * x).sum::<f64>().sqrt();
        if norm > 1e-9 {
            v.iter_mut().for_each(|x| *x /= norm);
            basis.push(v);
        }
    }
    Some(Geometry { local, free, truth, interior, basis })
}

enum Reach {
    Constant,
    /// How far the cell's sum can be moved down and up from the truth (negative, positive; ±∞).
    Between(f64, f64),
}

impl Geometry {
    /// The reach of the sum of `parts` (global unknown indices) within this block.
    fn reach(&self, parts: &[usize], lower: f64) -> Reach {
        let mine: Vec<usize> = parts.iter().filter_map(|v| self.local.get(v).copied()).filter(|&l| self.free[l]).collect();
        let coefficients: Vec<f64> = self.basis.iter().map(|b| mine.iter().map(|&l| b[l]).sum()).collect();
        let norm2: f64 = coefficients.iter().map(|c| c * c).sum();
        if norm2 < 1e-18 {
            return Reach::Constant;
        }
        let n = self.interior.len();
        let mut direction = vec![0.0; n];
        for (b, c) in self.basis.iter().zip(&coefficients) {
            for (d, x) in direction.iter_mut().zip(b) {
                *d += c * x;
            }
        }
        // Steps from the interior point along ±direction until a variable reaches its bound.
        let step = |sign: f64| {
            (0..n)
                .filter(|&l| sign * direction[l] < -1e-12)
                .map(|l| (self.interior[l] - lower) / (-sign * direction[l]))
                .fold(f64::INFINITY, f64::min)
        };
        // Fixed parts sit at their bound at every feasible point, the truth included, so only the
        // free parts move: offsets from the truth.
        let at: f64 = mine.iter().map(|&l| self.interior[l] - self.truth[l]).sum();
        let (up, down) = (step(1.0), step(-1.0));
        Reach::Between((at - down * norm2).min(0.0), (at + up * norm2).max(0.0))
    }
}

enum Solved {
    At(f64, Vec<f64>),
    Unbounded,
    Failed,
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Cell {
        fn published() -> Cell {
            Cell {
                face: 0,
                key: Vec::new(),
                quantities: Vec::new(),
                small_units: false,
                small_value: false,
                linked_units: false,
                linked_value: false,
            }
        }
    }

    /// One column with three values and its total: `units` of cells 1, 2, 3, and whether each is small.
    fn line(units: [f64; 3], k: f64) -> Vec<Cell> {
        let mut cells: Vec<Cell> = units
            .iter()
            .enumerate()
            .map(|(i, &u)| Cell { face: 1, key: vec![i as u32], quantities: vec![u], small_units: u < k, ..Cell::published() })
            .collect();
        cells.push(Cell { face: 0, key: vec![ALL], quantities: vec![units.iter().sum()], ..Cell::published() });
        cells
    }

    #[test]
    fn a_lone_small_cell_takes_the_smallest_other_with_it() {
        // 11 = 1 + 3 + 7: withholding only the 1 leaves 11 − 3 − 7 = 1 for anyone.
        let p = protect(&line([1.0, 3.0, 7.0], 3.0), 1, true).expect("small");
        assert_eq!(p.units_withheld, vec![true, true, false, false]);
    }

    #[test]
    fn two_withheld_ones_in_a_line_of_three_are_worked_out_from_their_bounds() {
        // 52 = 1 + 1 + 50. Withholding both 1s satisfies "two per line", yet x + y = 2 with every
        // listed cell at least 1 gives x = y = 1: the audit withholds the 50 too, and then
        // x + y + z = 52 with each at least 1 leaves each of them a range.
        let p = protect(&line([1.0, 1.0, 50.0], 3.0), 1, true).expect("small");
        assert_eq!(p.units_withheld, vec![true, true, true, false]);
        assert_eq!(p.audit_rounds, 2);
    }

    #[test]
    fn a_share_with_a_few_women_withholds_its_value_and_keeps_its_units() {
        // Shares of women: 1 of 20, 15 of 30, 20 of 40; overall 36 of 90. The 1 withholds its
        // value; 36 − 15 − 20 = 1 would give it back, so the smallest other (30) withholds its
        // value too. The units (20, 30, 40, 90) say nothing of the women: all stay published.
        let share = |units: f64, women: f64| vec![units, women, units, units - women];
        let mut cells: Vec<Cell> = [(20.0, 1.0), (30.0, 15.0), (40.0, 20.0)]
            .iter()
            .enumerate()
            .map(|(i, &(u, x))| Cell {
                face: 1,
                key: vec![i as u32],
                quantities: share(u, x),
                small_value: x < 3.0,
                ..Cell::published()
            })
            .collect();
        cells.push(Cell { face: 0, key: vec![ALL], quantities: share(90.0, 36.0), ..Cell::published() });
        let p = protect(&cells, 1, true).expect("small");
        assert_eq!(p.units_withheld, vec![false; 4]);
        assert_eq!(p.value_withheld, vec![true, true, false, false]);
    }

    #[test]
    fn a_two_by_two_table_with_its_margins_withholds_a_rectangle() {
        // Rows a, b × columns x, y:   a: 1, 9 │ 10
        //                             b: 8, 6 │ 14
        //                                9,15 │ 24
        // The 1 forces its row and column partners out, and those force the opposite corner; the
        // four inner cells then range over 1 + t, 9 − t, 8 − t, 6 + t for t from 0 to 7.
        let inner = [((0, 0), 1.0), ((0, 1), 9.0), ((1, 0), 8.0), ((1, 1), 6.0)];
        let mut cells: Vec<Cell> = inner
            .iter()
            .map(|&((r, c), u)| Cell { face: 3, key: vec![r, c], quantities: vec![u], small_units: u < 3.0, ..Cell::published() })
            .collect();
        for (key, u) in [([0, ALL], 10.0), ([1, ALL], 14.0)] {
            cells.push(Cell { face: 1, key: key.to_vec(), quantities: vec![u], ..Cell::published() });
        }
        for (key, u) in [([ALL, 0], 9.0), ([ALL, 1], 15.0)] {
            cells.push(Cell { face: 2, key: key.to_vec(), quantities: vec![u], ..Cell::published() });
        }
        cells.push(Cell { face: 0, key: vec![ALL, ALL], quantities: vec![24.0], ..Cell::published() });
        let p = protect(&cells, 3, true).expect("small");
        assert_eq!(p.units_withheld, vec![true, true, true, true, false, false, false, false, false]);
    }
}
