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
//! 1. Primary suppression: a cell of fewer than `k` units, or whose counted numerator or its
//!    complement is below `k`, or whose units changed by fewer than `k` since an as-of date the
//!    release names, is withheld.
//! 2. Secondary suppression over the lattice of the release's tables and margins: in every
//!    additive line (a margin and the cells that sum to it) a lone withheld cell takes the
//!    smallest other cell with it (finer cells first), until no line has exactly one.
//! 3. Audit: for each withheld cell and each additive quantity (units, numerator, denominator,
//!    a share's complement, survival events and numbers at risk), two linear programs find the
//!    least and greatest value consistent with every published cell of the release (non-negative
//!    and whole where the data are; every published cell of the finest table at least one). A
//!    cell whose range is a single value is recovered: one more neighbour is withheld and the
//!    steps repeat until the audit recovers nothing.
//!
//! Why suppression rather than the cell-key method of the census: values the city publishes and
//! pays on stay exact and add up (62% women is 62%); the cell-key method perturbs every count,
//! needs separate machinery for sums such as FTE, and a cell whose noise stays the same on every
//! date still shows which cell changed when one person joins.

use std::collections::{BTreeMap, HashMap};

use microlp::{ComparisonOp, OptimizationDirection, Problem};

/// The most breakdown columns one release may join: its lattice has 2^n faces.
pub const MAX_COLUMNS: usize = 10;

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
    /// Withheld for itself (step 1).
    pub primary: bool,
}

/// What the audit may assume of a quantity: the intruder knows it when the data show it.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Domain {
    whole: bool,
    non_negative: bool,
}

/// Cells sharing one additive line: `margin` = Σ `parts`.
struct Line {
    margin: usize,
    parts: Vec<usize>,
}

/// The outcome: which cells are withheld, and how many rounds of audit it took.
#[derive(Debug)]
pub(crate) struct Protection {
    pub suppressed: Vec<bool>,
    #[cfg_attr(not(test), allow(dead_code))]
    pub audit_rounds: usize,
}

/// Protect a lattice of cells. `finest` is the face holding every release column; `finest_published`
/// says whether that face is one of the published tables (then its existing cells are known to be
/// non-empty). Every face's margins must be present.
pub(crate) fn protect(cells: &[Cell], finest: u32, finest_published: bool) -> Protection {
    let index: HashMap<(u32, &[u32]), usize> = cells.iter().enumerate().map(|(i, c)| ((c.face, c.key.as_slice()), i)).collect();
    let lines = lines(cells, &index);
    // When the finest face is not itself published, its cells are the intruder's unknowns.
    let hidden = |c: &Cell| c.face == finest && !finest_published;
    let mut suppressed: Vec<bool> = cells.iter().map(|c| c.primary || hidden(c)).collect();
    let domains = domains(cells);
    let mut rounds = 0;
    loop {
        secondary(cells, &lines, &mut suppressed);
        if !cells.iter().zip(&suppressed).any(|(c, &s)| s && !hidden(c)) {
            break;
        }
        rounds += 1;
        let recovered = audit(cells, &index, &domains, finest, finest_published, &suppressed);
        if recovered.is_empty() {
            break;
        }
        let picks: Vec<usize> = recovered
            .iter()
            .filter_map(|(i, constraining)| {
                neighbour_to_withhold(cells, &lines, &suppressed, *i)
                    .or_else(|| constraining.iter().copied().filter(|&j| !suppressed[j]).min_by(|&a, &b| cheaper(cells, a, b)))
            })
            .collect();
        if picks.is_empty() {
            // Unreachable: a recovered cell is pinned by some published cell.
            break;
        }
        for j in picks {
            suppressed[j] = true;
        }
    }
    Protection { suppressed, audit_rounds: rounds }
}

fn domains(cells: &[Cell]) -> Vec<Domain> {
    let n = cells.first().map_or(0, |c| c.quantities.len());
    (0..n)
        .map(|q| Domain {
            whole: cells.iter().all(|c| c.quantities[q].fract() == 0.0),
            non_negative: cells.iter().all(|c| c.quantities[q] >= 0.0),
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

fn neighbour_to_withhold(cells: &[Cell], lines: &[Line], suppressed: &[bool], i: usize) -> Option<usize> {
    lines
        .iter()
        .filter(|l| l.margin == i || l.parts.contains(&i))
        .flat_map(|l| std::iter::once(l.margin).chain(l.parts.iter().copied()))
        .filter(|&j| !suppressed[j])
        .min_by(|&a, &b| cheaper(cells, a, b))
}

/// The withheld cells whose value some quantity pins to one value, given every published cell,
/// each with the published cells that pin it.
fn audit(
    cells: &[Cell],
    index: &HashMap<(u32, &[u32]), usize>,
    domains: &[Domain],
    finest: u32,
    finest_published: bool,
    suppressed: &[bool],
) -> Vec<(usize, Vec<usize>)> {
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
    let mut recovered = Vec::new();
    for s in (0..cells.len()).filter(|&s| suppressed[s] && (finest_published || cells[s].face != finest)) {
        if contains[s].is_empty() {
            recovered.push((s, known_parts[s].clone()));
            continue;
        }
        let blocks: Vec<usize> = {
            let mut b: Vec<usize> = contains[s].iter().map(|&v| root(&mut parent, v)).collect();
            b.sort_unstable();
            b.dedup();
            b
        };
        let vars: Vec<usize> = (0..unknown.len()).filter(|&v| blocks.contains(&root(&mut parent, v))).collect();
        let local: HashMap<usize, usize> = vars.iter().enumerate().map(|(l, &v)| (v, l)).collect();
        let block_equations: Vec<usize> =
            equations.iter().copied().filter(|&c| blocks.contains(&root(&mut parent, contains[c][0]))).collect();
        let pinned = (0..domains.len()).any(|q| {
            let range = |direction| {
                let mut problem = Problem::new(direction);
                // A listed cell of the finest table has at least one unit.
                let lower = if q == 0 && finest_published {
                    1.0
                } else if domains[q].non_negative {
                    0.0
                } else {
                    f64::NEG_INFINITY
                };
                let in_s: Vec<bool> = vars.iter().map(|v| contains[s].contains(v)).collect();
                let xs: Vec<_> = vars
                    .iter()
                    .zip(&in_s)
                    .map(|(_, &inside)| problem.add_var(if inside { 1.0 } else { 0.0 }, (lower, f64::INFINITY)))
                    .collect();
                for &c in &block_equations {
                    let terms: Vec<_> = contains[c].iter().map(|v| (xs[local[v]], 1.0)).collect();
                    problem.add_constraint(terms.as_slice(), ComparisonOp::Eq, cells[c].quantities[q] - known_sum[c][q]);
                }
                match problem.solve().map(|outcome| outcome.into_solution()) {
                    Ok(Ok(solution)) => Some(solution.objective()),
                    Err(microlp::Error::Unbounded) => None,
                    // A solver failure is read as "recovered": withholding one more cell is safe.
                    Ok(Err(_)) | Err(_) => Some(f64::NAN),
                }
            };
            match (range(OptimizationDirection::Minimize), range(OptimizationDirection::Maximize)) {
                (Some(lo), Some(hi)) if lo.is_nan() || hi.is_nan() => true,
                (Some(lo), Some(hi)) => {
                    let tolerance = 1e-6 * (1.0 + lo.abs().max(hi.abs()));
                    if domains[q].whole { (lo - tolerance).ceil() >= (hi + tolerance).floor() } else { hi - lo <= tolerance }
                }
                _ => false,
            }
        });
        if pinned {
            recovered.push((s, block_equations));
        }
    }
    recovered
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One column with three values and its total: `units` of cells 1, 2, 3, and whether each is small.
    fn line(units: [f64; 3], k: f64) -> Vec<Cell> {
        let mut cells: Vec<Cell> = units
            .iter()
            .enumerate()
            .map(|(i, &u)| Cell { face: 1, key: vec![i as u32], quantities: vec![u], primary: u < k })
            .collect();
        cells.push(Cell { face: 0, key: vec![ALL], quantities: vec![units.iter().sum()], primary: false });
        cells
    }

    #[test]
    fn a_lone_small_cell_takes_the_smallest_other_with_it() {
        // 11 = 1 + 3 + 7: withholding only the 1 leaves 11 − 3 − 7 = 1 for anyone.
        let p = protect(&line([1.0, 3.0, 7.0], 3.0), 1, true);
        assert_eq!(p.suppressed, vec![true, true, false, false]);
    }

    #[test]
    fn two_withheld_ones_in_a_line_of_three_are_worked_out_from_their_bounds() {
        // 52 = 1 + 1 + 50. Withholding both 1s satisfies "two per line", yet x + y = 2 with every
        // listed cell at least 1 gives x = y = 1: the audit withholds the 50 too, and then
        // x + y + z = 52 with each at least 1 leaves each of them a range.
        let p = protect(&line([1.0, 1.0, 50.0], 3.0), 1, true);
        assert_eq!(p.suppressed, vec![true, true, true, false]);
        assert_eq!(p.audit_rounds, 2);
    }

    #[test]
    fn a_two_by_two_table_with_its_margins_withholds_a_rectangle() {
        // Rows a, b × columns x, y:   a: 1, 9 │ 10
        //                             b: 8, 6 │ 14
        //                                9,15 │ 24
        // The 1 forces its row and column partners out, and those force the opposite corner; the
        // four inner cells then range over 1 + t, 9 − t, 8 − t, 6 + t for t from 0 to 7.
        let inner = [((0, 0), 1.0), ((0, 1), 9.0), ((1, 0), 8.0), ((1, 1), 6.0)];
        let mut cells: Vec<Cell> =
            inner.iter().map(|&((r, c), u)| Cell { face: 3, key: vec![r, c], quantities: vec![u], primary: u < 3.0 }).collect();
        for (key, u) in [([0, ALL], 10.0), ([1, ALL], 14.0)] {
            cells.push(Cell { face: 1, key: key.to_vec(), quantities: vec![u], primary: false });
        }
        for (key, u) in [([ALL, 0], 9.0), ([ALL, 1], 15.0)] {
            cells.push(Cell { face: 2, key: key.to_vec(), quantities: vec![u], primary: false });
        }
        cells.push(Cell { face: 0, key: vec![ALL, ALL], quantities: vec![24.0], primary: false });
        let p = protect(&cells, 3, true);
        assert_eq!(p.suppressed, vec![true, true, true, true, false, false, false, false, false]);
    }
}
