//! The intruder's attack on a whole release: one linear program per table of units over every
//! count and sum that any indicator of the release publishes.
//!
//! Why: [`crate::release`] links indicators cell by cell, and each indicator's own audit
//! ([`crate::disclosure`]) sees its own tables only. Sums across the cells of two indicators
//! still gave a few units away: with PAR-01 and PAR-02 by programme × gender, programme ×
//! municipio and municipio × gender, the gap between their grand totals (1313 − 1309 = 4
//! participants of unknown gender) less dwp-innovation-fund's gap of 3 left crowdfunding-civico's
//! one participant of unknown gender (engine/tests/fixtures/disclosure/attack_release.py).
//!
//! Model (the attack of Eurostat's *Handbook on Statistical Disclosure Control*, ch. 4, over
//! linked tables, with the link made through the definitions an intruder reads):
//! - The units of one table (participants, beneficiaries) fall into classes: one value for each
//!   breakdown column of any indicator of the release, and for each column the conditions test,
//!   one of the values they tell apart (each literal named, null, anything else; for numbers, the
//!   thresholds and what lies between them). A condition the model cannot split on (a date
//!   window, a ratio) is a yes/no of its own. Classes no condition or cell tells apart are merged.
//! - Each published count (a cell's units; a share's counted numerator) is the sum of the classes
//!   in its cell that meet its conditions. A listed cell withheld whole holds at least one unit;
//!   a cell absent from a published table holds none.
//! - Each published sum (a total's FTE, a ratio's euros, a share of founders) is, likewise, the
//!   sum over its classes of what they hold of the per-unit values it adds up, opened into base
//!   values: JOB-02's net change is the as-of month's FTE less the first month's, so JOB-03's
//!   stock of the as-of month's FTE shares a base with it. A base is never negative (the panel
//!   format refuses negative counts and amounts) and whole for integers and cents.
//! - Attacked: the units of every withheld cell, and the numerator and complement of a share
//!   and every sum of a cell withheld for itself (when not zero). The least and greatest values
//!   come from linear programs; a range holding one value (for a whole quantity, one whole
//!   number) is a recovered quantity.
//! - For a recovered quantity, the published one sharing an unknown with it whose removal frees
//!   it (smallest first) is withheld in its indicator; every indicator is finished again (its own
//!   secondary suppression and audit) and the attack runs again, until nothing is recovered.
//!
//! - Time windows (a start by the as-of date, an observable follow-up, a complete cohort) are
//!   first taken to hold for every unit, as an intruder may assume; when the published counts
//!   contradict that, each window is a condition of its own. An age band is tied to the age it
//!   comes from ([`crate::plan::BANDINGS`]): PAR-03's under-25s are the band below 25. A column
//!   derived from one date ([`crate::plan::DATE_DERIVATIONS`]) is that date to an intruder who
//!   knows the as-of date: `months_since_exit ≥ 6` as of 2020-12-31 is an exit on or before
//!   2020-06-30, a founding cohort is a year of founding dates, and a complete cohort a bound
//!   on that year, as the backend tests it.
//!
//! Limits: earlier as-of dates are differenced within each indicator ([`crate::disclosure`]);
//! columns derived from two dates (months from founding to support, age from the birth and
//! entry dates when no age is given) are columns of their own, not tied to those dates.
//! When a table's classes would exceed [`MAX_CLASSES`], the indicators over it are refused, each
//! naming why: a release is attacked whole or not published.

use std::collections::{BTreeMap, HashMap, HashSet};

use microlp::{ComparisonOp, OptimizationDirection, Problem};

use crate::compile::Finish;
use crate::finish::{CellId, Finished, Linked};
use crate::plan::{
    Aggregate, BANDINGS, Banding, Context, DATE_DERIVATIONS, DateDerivation, Filter, Literal, Op, Operand, Output, Predicate,
    Value as PerUnit, last_complete_year,
};
use crate::release::Job;
use impatto_datasets::schema::{ColumnType, Table};

/// The most classes of units one attack enumerates: the distinct ways a class meets the
/// indicators' conditions (found one tested column or yes/no at a time), times the breakdown
/// cells with the agreeing values of the columns they come from. The examples' 20 beneficiary
/// indicators: by programme × municipio 661 × 1,260 (0.7 s for the whole run), by programme ×
/// edition × municipio 661 × 6,300 (2.1 s); with legal form too, 4 columns, refused.
pub const MAX_CLASSES: usize = 10_000_000;

/// How many published counts are tried, smallest first, to free a recovered one.
const REMOVALS_TRIED: usize = 8;

/// A value a class gives a column.
#[derive(Clone, Debug, PartialEq)]
enum Value {
    Null,
    /// A value no cell lists and no condition names.
    Other,
    Text(String),
    Number(f64),
}

/// What `column op literal` says of a unit whose column holds `value` (null fails every
/// comparison, as in the backend); `None` when the text of the condition cannot tell.
fn holds(op: Op, literal: &Literal, value: &Value) -> Option<bool> {
    use std::cmp::Ordering::{Equal, Greater, Less};
    match (op, value) {
        (Op::IsNull, v) => Some(*v == Value::Null),
        (Op::NotNull, v) => Some(*v != Value::Null),
        (_, Value::Null) => Some(false),
        (Op::In | Op::NotIn, v) => {
            let Literal::List(items) = literal else { return None };
            let mut any = false;
            for item in items {
                any |= holds(Op::Eq, item, v)?;
            }
            Some(any == (op == Op::In))
        }
        (Op::Eq, Value::Other) => Some(false),
        (Op::Ne, Value::Other) => Some(true),
        (_, Value::Other) => None,
        (op, v) => {
            let number = |s: &str| s.parse::<f64>().ok();
            let ordering = match (literal, v) {
                (Literal::Text(t), Value::Text(s)) if matches!(op, Op::Eq | Op::Ne) => s.as_str().cmp(t.as_str()),
                (Literal::Integer(n), Value::Text(s)) => number(s)?.partial_cmp(&(*n as f64))?,
                (Literal::Float(f), Value::Text(s)) => number(s)?.partial_cmp(f)?,
                (Literal::Bool(b), Value::Text(s)) => s.parse::<bool>().ok()?.cmp(b),
                (Literal::Integer(n), Value::Number(x)) => x.partial_cmp(&(*n as f64))?,
                (Literal::Float(f), Value::Number(x)) => x.partial_cmp(f)?,
                (Literal::Date(d), Value::Number(x)) => x.partial_cmp(&f64::from(*d))?,
                (Literal::Bool(b), Value::Number(x)) => x.partial_cmp(&f64::from(u8::from(*b)))?,
                _ => return None,
            };
            Some(match op {
                Op::Eq => ordering == Equal,
                Op::Ne => ordering != Equal,
                Op::Lt => ordering == Less,
                Op::Le => ordering != Greater,
                Op::Gt => ordering == Greater,
                Op::Ge => ordering != Less,
                _ => return None,
            })
        }
    }
}

/// The values that tell apart every condition on a column that is not a breakdown: the text
/// literals, null and anything else; or, for numbers, each threshold, the values around it, and
/// null. `None` when the literals mix kinds.
fn split_values(literals: &[&Literal]) -> Option<Vec<Value>> {
    let mut scalars = Vec::new();
    for l in literals {
        match l {
            Literal::List(items) => scalars.extend(items.iter()),
            Literal::Absent => {}
            l => scalars.push(*l),
        }
    }
    let mut values = vec![Value::Null];
    if scalars.iter().all(|l| matches!(l, Literal::Text(_))) {
        let mut texts: Vec<&str> =
            scalars.iter().filter_map(|l| if let Literal::Text(t) = l { Some(t.as_str()) } else { None }).collect();
        texts.sort_unstable();
        texts.dedup();
        values.extend(texts.into_iter().map(|t| Value::Text(t.to_string())));
        values.push(Value::Other);
    } else if scalars.iter().all(|l| matches!(l, Literal::Bool(_))) {
        values.extend([Value::Number(0.0), Value::Number(1.0)]);
    } else if scalars.iter().all(|l| matches!(l, Literal::Integer(_) | Literal::Date(_))) {
        let mut points: Vec<i64> = scalars
            .iter()
            .flat_map(|l| {
                let t = match l {
                    Literal::Integer(n) => *n,
                    Literal::Date(d) => i64::from(*d),
                    _ => 0,
                };
                [t - 1, t, t + 1]
            })
            .collect();
        points.sort_unstable();
        points.dedup();
        values.extend(points.into_iter().map(|p| Value::Number(p as f64)));
    } else if scalars.iter().all(|l| matches!(l, Literal::Integer(_) | Literal::Float(_))) {
        let mut thresholds: Vec<f64> = scalars
            .iter()
            .map(|l| match l {
                Literal::Integer(n) => *n as f64,
                Literal::Float(f) => *f,
                _ => 0.0,
            })
            .collect();
        thresholds.sort_by(f64::total_cmp);
        thresholds.dedup();
        let (first, last) = (thresholds.first().copied().unwrap_or(0.0), thresholds.last().copied().unwrap_or(0.0));
        values.push(Value::Number(first - 1.0));
        for pair in thresholds.windows(2) {
            values.extend([Value::Number(pair[0]), Value::Number((pair[0] + pair[1]) / 2.0)]);
        }
        values.extend([Value::Number(last), Value::Number(last + 1.0)]);
    } else {
        return None;
    }
    Some(values)
}

/// How a breakdown derives from a tested column of the same units.
#[derive(Clone, Copy)]
enum Tie {
    /// An age band of the age ([`BANDINGS`]).
    Band(&'static Banding),
    /// A founding year of the founding date, say ([`DATE_DERIVATIONS`]).
    Date(&'static DateDerivation),
}

impl Tie {
    /// The breakdown's label for the tested column's value `x`.
    fn label(&self, x: f64, ctx: &Context) -> String {
        match self {
            Tie::Band(b) => b.band_of(x as i64).to_string(),
            Tie::Date(d) => (d.of)(x as i32, ctx.as_of_days).to_string(),
        }
    }
}

/// What a class's value of a date gives the column derived from it (`via`), or the value itself.
fn derive(via: Option<&DateDerivation>, value: &Value, ctx: &Context) -> Value {
    match (via, value) {
        (Some(d), Value::Number(days)) => Value::Number((d.of)(*days as i32, ctx.as_of_days) as f64),
        (_, v) => v.clone(),
    }
}

/// The first dates (days since 1970-01-01) at which a column derived from a date reaches `v`
/// and passes it, in the direction it moves: between them, and on either side, every
/// comparison with `v` has one answer. Found by bisection over the dates a panel may hold
/// (1800-01-01 to 2199-12-31, PANEL_FORMAT.md).
fn date_bounds(d: &DateDerivation, v: i64, ctx: &Context) -> [Literal; 2] {
    const FIRST: i32 = -70_000;
    const LAST: i32 = 90_000;
    let f = |x: i32| (d.of)(x, ctx.as_of_days);
    let first = |reached: &dyn Fn(i64) -> bool| {
        let (mut lo, mut hi) = (FIRST, LAST + 1);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if reached(f(mid)) { hi = mid } else { lo = mid + 1 }
        }
        lo
    };
    let [a, b] =
        if f(LAST) >= f(FIRST) { [first(&|y| y >= v), first(&|y| y > v)] } else { [first(&|y| y <= v), first(&|y| y < v)] };
    [Literal::Date(a), Literal::Date(b)]
}

/// The whole numbers a condition on a whole-number column turns at (a fraction: the one below).
fn whole_numbers(literal: &Literal) -> Vec<i64> {
    match literal {
        Literal::Integer(n) => vec![*n],
        Literal::Float(f) if f.is_finite() => vec![f.floor() as i64],
        Literal::List(items) => items.iter().flat_map(whole_numbers).collect(),
        _ => Vec::new(),
    }
}

/// How a condition is decided for a class.
#[derive(Clone, Copy)]
enum Decided {
    /// By the value at this position of the class (a breakdown column or a tested column), or
    /// by what a date there gives a column derived from it.
    Value(usize, Option<&'static DateDerivation>),
    /// By a yes/no of its own, at this position of the class's flags.
    Flag(usize),
    /// Met by every unit counted anywhere in the attack.
    Always,
}

/// Which quantity of a cell a row of the attack is.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Kind {
    Units,
    Numerator,
    /// Units less numerator: a share's complement (its denominator counts its units).
    Complement,
    /// A sum of a value over the units: a total's, a ratio's or a share of sums' numerator or
    /// denominator, or the share's complement (denominator less numerator).
    Sum,
}

/// A published table's listed cells, by their values on its columns.
type Listed = HashMap<Vec<Option<String>>, Slots>;

/// The rows of the attack a class in one cell is in: when it is among the indicator's units
/// (their count, and every sum over them), in its counted numerator, or in its units but not
/// its numerator (a share's complement).
#[derive(Default)]
struct Slots {
    units: Vec<usize>,
    numerator: Vec<usize>,
    complement: Vec<usize>,
}

/// What a quantity of the attack adds up over a class: Σ coefficient × base quantity, where
/// base 0 is the class's units and the others are sums of one per-unit value (`fte` in the
/// as-of month, `grant_cents`). JOB-02's net change is the as-of month's FTE less the first
/// month's, so JOB-03's stock (the as-of month's FTE) shares a base with it.
type Form = Vec<(usize, f64)>;

/// What an intruder knows of a base quantity: the panel format refuses negative counts and
/// amounts ([`impatto_datasets`] validation), and integers and cents are whole.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Domain {
    non_negative: bool,
    whole: bool,
}

const UNITS: Domain = Domain { non_negative: true, whole: true };

/// A per-unit value as a sum of base values with coefficients (differences and sums opened).
fn linear<'v>(value: &'v PerUnit, sign: f64, out: &mut Vec<(&'v PerUnit, f64)>) {
    match value {
        PerUnit::Sub(a, b) => {
            linear(a, sign, out);
            linear(b, -sign, out);
        }
        PerUnit::Add(a, b) => {
            linear(a, sign, out);
            linear(b, sign, out);
        }
        base => out.push((base, sign)),
    }
}

/// The domain of a base value read from `table` (see [`Domain`]).
fn domain(table: Table, base: &PerUnit) -> Domain {
    let of = |spec: Option<&impatto_datasets::schema::ColumnSpec>| Domain {
        non_negative: spec.is_some_and(|s| matches!(s.ty, ColumnType::Integer | ColumnType::Cents | ColumnType::Number)),
        whole: spec.is_some_and(|s| matches!(s.ty, ColumnType::Integer | ColumnType::Cents)),
    };
    match base {
        PerUnit::Column(c) => of(table.column(c)),
        PerUnit::PanelAt { measure, .. } | PerUnit::PanelSum { measure, .. } => of(Table::Panel.column(measure)),
        PerUnit::PositivePart(inner) => {
            let mut parts = Vec::new();
            linear(inner, 1.0, &mut parts);
            Domain { non_negative: true, whole: parts.iter().all(|(b, c)| c.fract() == 0.0 && domain(table, b).whole) }
        }
        PerUnit::Sub(..) | PerUnit::Add(..) => Domain { non_negative: false, whole: false },
    }
}

/// A quantity of one cell of one indicator, as the attack uses it.
#[derive(Debug)]
struct Row {
    job: usize,
    kind: Kind,
    /// What it adds up over its classes.
    form: Form,
    /// Its true value: published, or known to the release only.
    count: f64,
    /// Whole whatever the classes hold (a count; a sum of whole values).
    whole: bool,
    /// Published: an equation.
    published: bool,
    /// Withheld whole but listed: at least one unit.
    at_least_one: bool,
    /// Withheld and protected: attacked.
    target: bool,
}

impl Row {
    fn is_count(&self) -> bool {
        self.form == [(0, 1.0)]
    }

    /// Is `to` a value of this row other than `from`, as far as the solver can tell? A whole
    /// row moves by a unit at least.
    fn moved(&self, from: f64, to: f64) -> bool {
        let d = (to - from).abs();
        d > tolerance(from) && (!self.whole || d >= 1.0 - rounding(from))
    }

    /// Does a range hold one value only (for a whole row, one whole number)? A solver failure
    /// counts as yes.
    fn pinned(&self, range: Option<(f64, f64)>) -> bool {
        range.is_none_or(|(lo, hi)| {
            let e = rounding(self.count);
            hi - lo <= tolerance(self.count) || (self.whole && (lo - e).ceil() >= (hi + e).floor())
        })
    }
}

/// How far apart two solver values may be and still be one: relative, as sums of cents run to
/// 10^9 (a range a millionth of a sum wide is no protection either).
fn tolerance(x: f64) -> f64 {
    1e-6 * (1.0 + x.abs())
}

/// How far a solver value may lie from the whole number it stands for.
fn rounding(x: f64) -> f64 {
    tolerance(x).min(1e-3)
}

/// The cells each indicator must withhold so that the linear-program attack on the whole
/// release recovers no withheld count (see the module docs), and the jobs that cannot be
/// audited with why: those of a table whose attack would enumerate more than [`MAX_CLASSES`].
pub(crate) fn to_withhold(
    jobs: &[Job<'_>],
    finished: &[Result<Finished, String>],
    ctx: &Context,
) -> (Vec<Linked>, Vec<(usize, String)>) {
    let mut more = vec![Linked::default(); jobs.len()];
    let mut refused = Vec::new();
    let mut tables: Vec<Table> = jobs.iter().map(|j| j.compiled.plan.table).collect();
    tables.sort_unstable();
    tables.dedup();
    for table in tables {
        let members: Vec<usize> = (0..jobs.len())
            .filter(|&j| jobs[j].compiled.plan.table == table && jobs[j].compiled.small_cell > 1 && finished[j].is_ok())
            .collect();
        // One indicator alone too: its own audit attacks each count apart (units with units),
        // this one all at once (a published 100% share pins the units its margin leaves).
        if members.is_empty() {
            continue;
        }
        // The whole table at once, or not at all: an attack on fewer indicators would publish
        // what the rest give away.
        match attack(jobs, finished, &members, ctx) {
            Ok(freed) => {
                for (job, kind, id) in freed {
                    let set = if kind == Kind::Units { &mut more[job].units } else { &mut more[job].value };
                    set.insert(id);
                }
            }
            Err(TooFine) => refused.extend(members.iter().map(|&j| {
                let hint = "publish fewer indicators, or fewer or coarser tables, in one command";
                (
                    j,
                    format!(
                        "release too fine to audit: more than {MAX_CLASSES} classes of {table} to attack together (hint: {hint})"
                    ),
                )
            })),
        }
    }
    (more, refused)
}

/// A count to withhold: its job, which count, and its cell.
type Freed = (usize, Kind, CellId);

/// The attack on a group of indicators over the same units. Time windows (a start by the as-of
/// date, an observable follow-up, a complete cohort) are first taken to hold for every unit, as an
/// intruder may assume (whoever left a programme six months before the as-of date had entered
/// it by then); when the published counts contradict that, each window is a condition of its own.
fn attack(
    jobs: &[Job<'_>],
    finished: &[Result<Finished, String>],
    group: &[usize],
    ctx: &Context,
) -> Result<Vec<Freed>, TooFine> {
    match Attack::build(jobs, finished, group, ctx, true)?.freeing(true) {
        Some(freed) => Ok(freed),
        None => Ok(Attack::build(jobs, finished, group, ctx, false)?.freeing(false).unwrap_or_default()),
    }
}

/// An attack would enumerate more than [`MAX_CLASSES`] classes of units.
#[derive(Debug)]
struct TooFine;

/// The linear system of one table of units.
struct Attack<'a> {
    rows: Vec<Row>,
    ids: Vec<&'a CellId>,
    /// What is known of each base quantity of [`Form`] (units first).
    bases: Vec<Domain>,
    /// Per variable (merged classes), the rows it is in, sorted.
    variables: Vec<Vec<usize>>,
}

impl<'a> Attack<'a> {
    fn build(
        jobs: &[Job<'_>],
        finished: &'a [Result<Finished, String>],
        members: &[usize],
        ctx: &Context,
        windows_together: bool,
    ) -> Result<Attack<'a>, TooFine> {
        // The class's breakdown columns: every indicator's keys.
        let mut columns: Vec<String> = Vec::new();
        for &j in members {
            for c in &jobs[j].compiled.plan.group_keys {
                if !columns.contains(c) {
                    columns.push(c.clone());
                }
            }
        }
        // Each job's published faces, as positions into `columns`, with their listed cells.
        let mut rows: Vec<Row> = Vec::new();
        let mut ids: Vec<&CellId> = Vec::new();
        struct View {
            conditions: Vec<usize>,
            numerator: Option<Vec<usize>>,
            faces: Vec<(Vec<usize>, Listed)>,
        }
        let mut conditions: Vec<Predicate> = Vec::new();
        // A complete birth cohort is a bound on the founding year, as the backend tests it.
        let mut intern = |p: &Predicate| {
            let p = match p {
                Predicate::CohortComplete { years } => {
                    let last = last_complete_year(ctx.as_of_days) - i64::from(*years);
                    Predicate::Filter(Filter::column("birth_year", Op::Le, Literal::Integer(last)))
                }
                p => p.clone(),
            };
            match conditions.iter().position(|q| *q == p) {
                Some(i) => i,
                None => {
                    conditions.push(p);
                    conditions.len() - 1
                }
            }
        };
        // Base quantities: the units, then each per-unit value a sum adds up.
        let mut base_values: Vec<PerUnit> = Vec::new();
        let mut bases: Vec<Domain> = vec![UNITS];
        let mut form_of = |value: &PerUnit, table: Table| -> Form {
            let mut parts = Vec::new();
            linear(value, 1.0, &mut parts);
            let mut form: BTreeMap<usize, f64> = BTreeMap::new();
            for (base, c) in parts {
                let b = match base_values.iter().position(|v| v == base) {
                    Some(i) => i + 1,
                    None => {
                        base_values.push(base.clone());
                        bases.push(domain(table, base));
                        bases.len() - 1
                    }
                };
                *form.entry(b).or_default() += c;
            }
            form.into_iter().filter(|&(_, c)| c != 0.0).collect()
        };
        let mut seen: Vec<Vec<Option<String>>> = vec![Vec::new(); columns.len()];
        let mut everywhere = vec![true; columns.len()];
        let mut views: Vec<View> = Vec::new();
        for &j in members {
            let Ok(f) = &finished[j] else { continue };
            let plan = &jobs[j].compiled.plan;
            let (numerator, complement) = match &plan.output {
                Output::Aggregates { numerator: Aggregate::CountWhere(of), denominator } => {
                    (Some(plan.filters.iter().chain(of).map(&mut intern).collect()), *denominator == Aggregate::Count)
                }
                _ => (None, false),
            };
            // Sums over the units: a total's numerator; a ratio's or a share of sums' numerator
            // and denominator, and the share's complement (attacked, never published).
            let sums: Vec<Form> = match &plan.output {
                Output::Aggregates { numerator: Aggregate::Sum(n), denominator } => {
                    let n = form_of(n, plan.table);
                    match denominator {
                        Aggregate::Sum(d) => {
                            let d = form_of(d, plan.table);
                            let mut complement: BTreeMap<usize, f64> = d.iter().copied().collect();
                            n.iter().for_each(|&(b, c)| *complement.entry(b).or_default() -= c);
                            let complement: Form = complement.into_iter().filter(|&(_, c)| c != 0.0).collect();
                            let share = matches!(jobs[j].compiled.finish, Finish::Share { .. });
                            let mut sums = vec![n, d];
                            if share {
                                sums.push(complement);
                            }
                            sums
                        }
                        _ => vec![n],
                    }
                }
                _ => Vec::new(),
            };
            let mut faces: BTreeMap<Vec<usize>, Listed> = BTreeMap::new();
            for outcome in f.cells.iter().filter(|c| c.published) {
                let positions: Vec<usize> =
                    outcome.id.iter().map(|(c, _)| columns.iter().position(|x| x == c).unwrap_or(0)).collect();
                let key: Vec<Option<String>> = outcome.id.iter().map(|(_, v)| v.clone()).collect();
                for (&p, v) in positions.iter().zip(&key) {
                    if !seen[p].contains(v) {
                        seen[p].push(v.clone());
                    }
                }
                let mut slots = Slots::default();
                let mut add = |kind: Kind, form: Form, count: f64, published: bool, at_least_one: bool, target: bool| {
                    rows.push(Row { job: j, kind, form, count, whole: true, published, at_least_one, target });
                    ids.push(&outcome.id);
                    rows.len() - 1
                };
                let units = outcome.units as f64;
                let attacked = outcome.value_withheld && outcome.primary;
                let withheld = outcome.units_withheld;
                slots.units.push(add(Kind::Units, vec![(0, 1.0)], units, !withheld, withheld, withheld));
                if let (Some(_), Some(x)) = (&numerator, outcome.numerator) {
                    slots.numerator.push(add(
                        Kind::Numerator,
                        vec![(0, 1.0)],
                        x,
                        !outcome.value_withheld,
                        false,
                        attacked && x != 0.0,
                    ));
                    if complement {
                        let rest = units - x;
                        slots.complement.push(add(Kind::Complement, vec![(0, 1.0)], rest, false, false, attacked && rest != 0.0));
                    }
                }
                let (n, d) = (outcome.numerator.unwrap_or(0.0), outcome.denominator.unwrap_or(0.0));
                for (part, form) in sums.iter().enumerate() {
                    let (x, publishable) = match part {
                        0 => (n, true),
                        1 => (d, true),
                        _ => (d - n, false),
                    };
                    let published = publishable && !outcome.value_withheld;
                    slots.units.push(add(Kind::Sum, form.clone(), x, published, false, attacked && x != 0.0));
                }
                faces.entry(positions).or_default().insert(key, slots);
            }
            for (p, c) in columns.iter().enumerate() {
                everywhere[p] &= faces.keys().any(|face| face.iter().any(|&q| columns[q] == *c));
            }
            views.push(View {
                conditions: plan.filters.iter().map(&mut intern).collect(),
                numerator,
                faces: faces.into_iter().collect(),
            });
        }
        for row in &mut rows {
            row.whole = row.form.iter().all(|&(b, c)| c.fract() == 0.0 && bases[b].whole);
        }
        // The values each position of a class takes: breakdown columns, then tested columns.
        let mut values: Vec<Vec<Value>> = seen
            .iter()
            .zip(&everywhere)
            .map(|(seen, &everywhere)| {
                let mut v: Vec<Value> = seen.iter().map(|s| s.clone().map_or(Value::Null, Value::Text)).collect();
                if !everywhere {
                    v.push(Value::Other);
                }
                v
            })
            .collect();
        let mut decided: Vec<Option<Decided>> = vec![None; conditions.len()];
        // Tested columns and their conditions; a condition on a column derived from a date is
        // one on the date.
        let mut tested: BTreeMap<&str, Vec<(usize, Option<&'static DateDerivation>)>> = BTreeMap::new();
        for (i, p) in conditions.iter().enumerate() {
            if let Predicate::Filter(Filter { column: Operand::Column(c), op, literal }) = p {
                if let Some(pos) = columns.iter().position(|x| x == c) {
                    if values[pos].iter().all(|v| holds(*op, literal, v).is_some()) {
                        decided[i] = Some(Decided::Value(pos, None));
                    }
                } else if let Some(d) = DATE_DERIVATIONS.iter().find(|d| d.column == c) {
                    tested.entry(d.source).or_default().push((i, Some(d)));
                } else {
                    tested.entry(c.as_str()).or_default().push((i, None));
                }
            }
        }
        // A breakdown that bands a tested column, or is derived from a tested date, ties the two:
        // the band's bounds (the dates where the derived value changes) split the column too, and
        // a class's value must lie in its band.
        let position = |column: &str| columns.iter().position(|c| c == column).unwrap_or(0);
        let mut links: Vec<(usize, usize, Tie)> = Vec::new();
        for (column, of) in tested {
            let bandings: Vec<&'static Banding> =
                BANDINGS.iter().filter(|b| b.source == column && columns.iter().any(|c| c == b.column)).collect();
            let derived: Vec<&'static DateDerivation> =
                DATE_DERIVATIONS.iter().filter(|d| d.source == column && columns.iter().any(|c| c == d.column)).collect();
            let mut bounds: Vec<Literal> =
                bandings.iter().flat_map(|b| b.bands.iter().filter_map(|(_, from)| from.map(Literal::Integer))).collect();
            for d in &derived {
                for v in &values[position(d.column)] {
                    if let Value::Text(t) = v
                        && let Ok(n) = t.parse::<i64>()
                    {
                        bounds.extend(date_bounds(d, n, ctx));
                    }
                }
            }
            for &(i, via) in &of {
                if let (Some(d), Predicate::Filter(f)) = (via, &conditions[i]) {
                    bounds.extend(whole_numbers(&f.literal).into_iter().flat_map(|n| date_bounds(d, n, ctx)));
                }
            }
            let literals: Vec<&Literal> = of
                .iter()
                .filter(|(_, via)| via.is_none())
                .map(|&(i, _)| match &conditions[i] {
                    Predicate::Filter(f) => &f.literal,
                    _ => &Literal::Absent,
                })
                .chain(&bounds)
                .collect();
            let Some(split) = split_values(&literals) else { continue };
            let fits = of.iter().all(|&(i, via)| match &conditions[i] {
                Predicate::Filter(f) => split.iter().all(|v| holds(f.op, &f.literal, &derive(via, v, ctx)).is_some()),
                _ => false,
            });
            if fits {
                values.push(split);
                let at = values.len() - 1;
                of.iter().for_each(|&(i, via)| decided[i] = Some(Decided::Value(at, via)));
                links.extend(bandings.into_iter().map(|b| (position(b.column), at, Tie::Band(b))));
                links.extend(derived.into_iter().map(|d| (position(d.column), at, Tie::Date(d))));
            }
        }
        // Values of a tested column that every condition on it and every tie to it treat alike are
        // one (a founding date anywhere in 2012 is one value where only the year is asked).
        let n_keys = columns.len();
        for (p, tested_values) in values.iter_mut().enumerate().skip(n_keys) {
            let deciding: Vec<(usize, Option<&DateDerivation>)> = decided
                .iter()
                .enumerate()
                .filter_map(|(i, d)| match d {
                    Some(Decided::Value(q, via)) if *q == p => Some((i, *via)),
                    _ => None,
                })
                .collect();
            let ties: Vec<Tie> = links.iter().filter(|l| l.1 == p).map(|l| l.2).collect();
            let mut signatures: HashSet<Vec<String>> = HashSet::new();
            *tested_values = std::mem::take(tested_values)
                .into_iter()
                .filter(|v| {
                    let answers = deciding.iter().map(|&(i, via)| match &conditions[i] {
                        Predicate::Filter(f) => format!("{:?}", holds(f.op, &f.literal, &derive(via, v, ctx))),
                        _ => String::new(),
                    });
                    let labels = ties.iter().map(|t| match v {
                        Value::Number(x) => t.label(*x, ctx),
                        other => format!("{other:?}"),
                    });
                    signatures.insert(answers.chain(labels).collect())
                })
                .collect();
        }
        // A condition every population has tells no counted class apart; conditions that appear
        // in the same counts are one yes/no (their conjunction).
        let pattern = |i: usize| -> Vec<(usize, bool)> {
            views
                .iter()
                .enumerate()
                .flat_map(|(v, view)| {
                    [(view.conditions.contains(&i), false), (view.numerator.as_ref().is_some_and(|n| n.contains(&i)), true)]
                        .into_iter()
                        .filter(|(present, _)| *present)
                        .map(move |(_, numerator)| (v, numerator))
                })
                .collect()
        };
        let mut patterns: Vec<Vec<(usize, bool)>> = Vec::new();
        for (i, d) in decided.iter_mut().enumerate().filter(|(_, d)| d.is_none()) {
            if views.iter().all(|view| view.conditions.contains(&i)) {
                *d = Some(Decided::Always);
                continue;
            }
            if windows_together && conditions[i].is_time_window() {
                *d = Some(Decided::Always);
                continue;
            }
            let p = pattern(i);
            let flag = patterns.iter().position(|q| *q == p).unwrap_or_else(|| {
                patterns.push(p);
                patterns.len() - 1
            });
            *d = Some(Decided::Flag(flag));
        }
        let flags = patterns.len();
        let decided: Vec<Decided> = decided.into_iter().map(|d| d.unwrap_or(Decided::Always)).collect();
        // Positions enumerated with the cells: the breakdowns, and the columns they band.
        let with_cells: Vec<bool> = (0..values.len()).map(|p| p < n_keys || links.iter().any(|l| l.1 == p)).collect();
        // Does a breakdown's value (at `band`) agree with the value of the column it comes from?
        let agrees = |band: usize, b: &Value, tie: &Tie, source: &Value| match (b, source) {
            (Value::Null, v) => *v == Value::Null,
            (Value::Text(label), Value::Number(x)) => tie.label(*x, ctx) == *label,
            (Value::Other, Value::Number(x)) => !values[band].contains(&Value::Text(tie.label(*x, ctx))),
            _ => false,
        };
        // A condition decided by a cell's values (only those are asked).
        let truth = |i: usize, at: &[usize]| match (decided[i], &conditions[i]) {
            (Decided::Value(pos, via), Predicate::Filter(f)) => {
                holds(f.op, &f.literal, &derive(via, &values[pos][at[pos]], ctx)).unwrap_or(false)
            }
            _ => false,
        };
        let on_key = |i: usize| matches!(decided[i], Decided::Value(pos, _) if with_cells[pos]);
        // Which counts a class is in depends on its breakdown keys (its cells, and the conditions
        // they decide) and on the rest (the tested columns and the yes/no conditions): first the
        // rest, reduced to the distinct patterns of which populations and numerators hold a class,
        // then each pattern in every cell.
        // The patterns come one tested column or yes/no at a time, merging equal partial
        // patterns as they go: as many steps as patterns, not as classes.
        #[derive(Clone, Copy, PartialEq)]
        enum Step {
            Column(usize),
            Flag(usize),
        }
        let step_of = |c: usize| match decided[c] {
            Decided::Value(p, _) if !with_cells[p] => Some(Step::Column(p)),
            Decided::Flag(b) => Some(Step::Flag(b)),
            _ => None,
        };
        let steps = (0..values.len()).filter(|&p| !with_cells[p]).map(Step::Column).chain((0..flags).map(Step::Flag));
        let mut memberships: HashSet<Vec<(bool, bool)>> =
            std::iter::once(views.iter().map(|v| (true, v.numerator.is_some())).collect()).collect();
        for step in steps {
            let choices = match step {
                Step::Column(p) => values[p].len(),
                Step::Flag(_) => 2,
            };
            let holds_at = |c: usize, k: usize| match (step, &conditions[c], decided[c]) {
                (Step::Column(p), Predicate::Filter(f), Decided::Value(_, via)) => {
                    holds(f.op, &f.literal, &derive(via, &values[p][k], ctx)).unwrap_or(false)
                }
                (Step::Flag(_), _, _) => k == 1,
                _ => false,
            };
            let mut next: HashSet<Vec<(bool, bool)>> = HashSet::new();
            for pattern in &memberships {
                for k in 0..choices {
                    let meets = |of: &[usize]| of.iter().filter(|&&c| step_of(c) == Some(step)).all(|&c| holds_at(c, k));
                    next.insert(
                        views
                            .iter()
                            .zip(pattern)
                            .map(|(v, &(units, numerator))| {
                                let units = units && meets(&v.conditions);
                                (units, numerator && units && v.numerator.as_ref().is_some_and(|n| meets(n)))
                            })
                            .collect(),
                    );
                }
            }
            if next.len() > MAX_CLASSES {
                return Err(TooFine);
            }
            memberships = next;
        }
        let mut memberships: Vec<Vec<(bool, bool)>> = memberships.into_iter().collect();
        memberships.sort_unstable();
        // Every breakdown cell, with each agreeing value of the columns its keys band or derive
        // from.
        let too_many = |cells: usize| cells.checked_mul(memberships.len()).is_none_or(|n| n > MAX_CLASSES);
        if too_many((0..n_keys).try_fold(1usize, |n, p| n.checked_mul(values[p].len())).unwrap_or(usize::MAX)) {
            return Err(TooFine);
        }
        let sources: Vec<usize> = (n_keys..values.len()).filter(|&p| with_cells[p]).collect();
        let mut cells: Vec<Vec<usize>> = Vec::new();
        let mut at = vec![0usize; values.len()];
        'keys: loop {
            let options: Vec<Vec<usize>> = sources
                .iter()
                .map(|&s| {
                    (0..values[s].len())
                        .filter(|&k| {
                            links
                                .iter()
                                .filter(|l| l.1 == s)
                                .all(|(band, _, tie)| agrees(*band, &values[*band][at[*band]], tie, &values[s][k]))
                        })
                        .collect()
                })
                .collect();
            if options.iter().all(|o| !o.is_empty()) {
                let mut pick = vec![0usize; sources.len()];
                'sources: loop {
                    for (i, &s) in sources.iter().enumerate() {
                        at[s] = options[i][pick[i]];
                    }
                    cells.push(at.clone());
                    if too_many(cells.len()) {
                        return Err(TooFine);
                    }
                    for (i, option) in options.iter().enumerate() {
                        pick[i] += 1;
                        if pick[i] < option.len() {
                            continue 'sources;
                        }
                        pick[i] = 0;
                    }
                    break;
                }
            }
            for p in 0..n_keys {
                at[p] += 1;
                if at[p] < values[p].len() {
                    continue 'keys;
                }
                at[p] = 0;
            }
            break;
        }
        // Enumerate the classes, each reduced to the rows it is in; merge equal ones.
        let mut merged: HashSet<Vec<usize>> = HashSet::new();
        for at in &cells {
            let by_key = |of: &[usize]| of.iter().filter(|&&c| on_key(c)).all(|&c| truth(c, at));
            let key_holds: Vec<(bool, bool)> =
                views.iter().map(|v| (by_key(&v.conditions), v.numerator.as_ref().is_some_and(|n| by_key(n)))).collect();
            // The class's cell in each of a view's published tables (`None`: absent from it).
            let slots: Vec<Vec<Option<&Slots>>> = views
                .iter()
                .map(|view| {
                    view.faces
                        .iter()
                        .map(|(positions, cells)| {
                            let key: Option<Vec<Option<String>>> = positions
                                .iter()
                                .map(|&p| match &values[p][at[p]] {
                                    Value::Null => Some(None),
                                    Value::Text(t) => Some(Some(t.clone())),
                                    _ => None,
                                })
                                .collect();
                            key.and_then(|k| cells.get(&k))
                        })
                        .collect()
                })
                .collect();
            'classes: for pattern in &memberships {
                let mut signature: Vec<usize> = Vec::new();
                for (v, cells) in slots.iter().enumerate() {
                    let (units, numerator) = (pattern[v].0 && key_holds[v].0, pattern[v].1 && key_holds[v].1);
                    if !units {
                        continue;
                    }
                    for cell in cells {
                        // Absent from a published table: the class is empty.
                        let Some(cell) = cell else { continue 'classes };
                        signature.extend(&cell.units);
                        signature.extend(if numerator { &cell.numerator } else { &cell.complement });
                    }
                }
                if !signature.is_empty() {
                    signature.sort_unstable();
                    merged.insert(signature);
                }
            }
        }
        // A published count of zero empties its classes.
        let mut variables: Vec<Vec<usize>> = merged
            .into_iter()
            .filter(|s| !s.iter().any(|&r| rows[r].published && rows[r].count == 0.0 && rows[r].is_count()))
            .collect();
        variables.sort_unstable();
        Ok(Attack { rows, ids, bases, variables })
    }

    /// The quantities to withhold so that no attacked one is recovered, as (job, kind, cell).
    /// `None` when `fallible` and the published quantities contradict the model (a block has no
    /// feasible point); otherwise a solver failure counts as a recovered quantity.
    fn freeing(&self, fallible: bool) -> Option<Vec<Freed>> {
        // The unknowns: each class's base quantities that its rows add up (its units, its sum of
        // the as-of month's FTE, …). `members[r]`: the unknowns of row `r` with coefficients.
        let mut unknowns: Vec<usize> = Vec::new();
        let mut members: Vec<Vec<(usize, f64)>> = vec![Vec::new(); self.rows.len()];
        for rows in &self.variables {
            let mut of_base: BTreeMap<usize, usize> = BTreeMap::new();
            for &r in rows {
                for &(b, c) in &self.rows[r].form {
                    let u = *of_base.entry(b).or_insert_with(|| {
                        unknowns.push(b);
                        unknowns.len() - 1
                    });
                    members[r].push((u, c));
                }
            }
        }
        let n = unknowns.len();
        // An unknown in no published row can take any value its domain allows: a row holding it
        // is not recovered, and a lower bound holding it always holds. Only the others stay.
        let mut bounded = vec![false; n];
        for r in (0..self.rows.len()).filter(|&r| self.rows[r].published) {
            members[r].iter().for_each(|&(u, _)| bounded[u] = true);
        }
        let mut unbounded = vec![false; self.rows.len()];
        for (r, terms) in members.iter_mut().enumerate() {
            unbounded[r] = terms.iter().any(|&(u, _)| !bounded[u]);
            terms.retain(|&(u, _)| bounded[u]);
        }
        // Independent blocks of unknowns, joined by the constraints.
        let mut parent: Vec<usize> = (0..n).collect();
        fn root(p: &mut [usize], mut x: usize) -> usize {
            while p[x] != x {
                p[x] = p[p[x]];
                x = p[x];
            }
            x
        }
        for (r, row) in self.rows.iter().enumerate() {
            if (row.published || (row.at_least_one && !unbounded[r])) && members[r].len() > 1 {
                for &(u, _) in &members[r][1..] {
                    let (a, b) = (root(&mut parent, members[r][0].0), root(&mut parent, u));
                    parent[a] = b;
                }
            }
        }
        let block: Vec<usize> = (0..n).map(|u| root(&mut parent, u)).collect();
        // The unknowns of each block (those in a published row), for the programs.
        let mut in_block: HashMap<usize, Vec<usize>> = HashMap::new();
        for u in (0..n).filter(|&u| bounded[u]) {
            in_block.entry(block[u]).or_default().push(u);
        }
        let blocks_of = |r: usize| -> Vec<usize> {
            let mut b: Vec<usize> = members[r].iter().map(|&(u, _)| block[u]).collect();
            b.sort_unstable();
            b.dedup();
            b
        };
        let mut unresolved: Vec<usize> =
            (0..self.rows.len()).filter(|&r| self.rows[r].target && !unbounded[r] && !members[r].is_empty()).collect();
        unresolved.reverse();

        let mut out = Vec::new();
        // Every optimum is a feasible point: it clears each attacked quantity it moves.
        let clear = |unresolved: &mut Vec<usize>, blocks: &[usize], point: &HashMap<usize, f64>| {
            unresolved.retain(|&s| {
                !(blocks_of(s).iter().all(|b| blocks.contains(b)) && {
                    let there: f64 = members[s].iter().map(|&(u, c)| c * point.get(&u).copied().unwrap_or(0.0)).sum();
                    self.rows[s].moved(self.rows[s].count, there)
                })
            });
        };
        // Cheap first: in each block, the points where the attacked quantities together are
        // least and greatest clear most of them, two programs for all.
        let mut weights: BTreeMap<usize, HashMap<usize, f64>> = BTreeMap::new();
        for &t in &unresolved {
            for &(u, c) in &members[t] {
                *weights.entry(block[u]).or_default().entry(u).or_default() += c;
            }
        }
        let domains: Vec<Domain> = unknowns.iter().map(|&b| self.bases[b]).collect();
        for (b, weight) in &weights {
            let objective = |u: usize| weight.get(&u).copied().unwrap_or(0.0);
            let range = self.bounds(&members, &in_block, &domains, &[*b], &unbounded, &objective, None, &mut |point| {
                clear(&mut unresolved, &[*b], point)
            });
            if fallible && range.is_none() {
                return None;
            }
        }
        // Rows already chosen to withhold: later attacks run without them.
        let mut freed: Vec<usize> = Vec::new();
        while let Some(t) = unresolved.pop() {
            let blocks = blocks_of(t);
            let inside = |u: usize| members[t].iter().filter(|&&(v, _)| v == u).map(|&(_, c)| c).sum::<f64>();
            let row = &self.rows[t];
            let truth = Some((row.count, row));
            let mut dropped = unbounded.clone();
            freed.iter().for_each(|&r| dropped[r] = true);
            let range = self.bounds(&members, &in_block, &domains, &blocks, &dropped, &inside, truth, &mut |point| {
                clear(&mut unresolved, &blocks, point)
            });
            if !row.pinned(range) {
                continue;
            }
            // The published rows sharing an unknown with it, smallest first; the first whose
            // removal frees it is withheld (else the smallest).
            let shares = |r: usize| members[r].iter().any(|&(u, _)| members[t].iter().any(|&(v, _)| v == u));
            let mut near: Vec<usize> =
                (0..self.rows.len()).filter(|&r| self.rows[r].published && !freed.contains(&r) && shares(r)).collect();
            near.sort_by(|&a, &b| self.rows[a].count.abs().total_cmp(&self.rows[b].count.abs()).then(a.cmp(&b)));
            let pick = near
                .iter()
                .take(REMOVALS_TRIED)
                .copied()
                .find(|&r| {
                    let mut without = dropped.clone();
                    without[r] = true;
                    !row.pinned(self.bounds(&members, &in_block, &domains, &blocks, &without, &inside, truth, &mut |_| {}))
                })
                .or(near.first().copied());
            if let Some(r) = pick {
                freed.push(r);
                let row = &self.rows[r];
                out.push((row.job, row.kind, self.ids[r].clone()));
            }
        }
        Some(out)
    }

    /// The least and greatest value of Σ objective(u)·x_u over the unknowns of `blocks`, without
    /// the rows `dropped` (withheld, or always met); `None` when the solver fails (taken as
    /// recovered: withholding one more row is safe). With `truth` (a row's value), the greatest
    /// is not sought when the least has already moved from it (the truth is feasible: two values
    /// at least). `seen` is shown each optimum.
    #[allow(clippy::too_many_arguments)]
    fn bounds(
        &self,
        members: &[Vec<(usize, f64)>],
        in_block: &HashMap<usize, Vec<usize>>,
        domains: &[Domain],
        blocks: &[usize],
        dropped: &[bool],
        objective: &dyn Fn(usize) -> f64,
        truth: Option<(f64, &Row)>,
        seen: &mut dyn FnMut(&HashMap<usize, f64>),
    ) -> Option<(f64, f64)> {
        let mut vars: Vec<usize> = blocks.iter().filter_map(|b| in_block.get(b)).flatten().copied().collect();
        vars.sort_unstable();
        let local: HashMap<usize, usize> = vars.iter().enumerate().map(|(l, &u)| (u, l)).collect();
        let mut range = [0.0; 2];
        for (i, direction) in [OptimizationDirection::Minimize, OptimizationDirection::Maximize].into_iter().enumerate() {
            let mut problem = Problem::new(direction);
            let xs: Vec<_> = vars
                .iter()
                .map(|&u| {
                    let floor = if domains[u].non_negative { 0.0 } else { f64::NEG_INFINITY };
                    problem.add_var(objective(u), (floor, f64::INFINITY))
                })
                .collect();
            for (r, row) in self.rows.iter().enumerate() {
                if dropped[r] || !(row.published || row.at_least_one) {
                    continue;
                }
                let terms: Vec<_> = members[r].iter().filter_map(|(u, c)| local.get(u).map(|&l| (xs[l], *c))).collect();
                if terms.is_empty() || terms.len() != members[r].len() {
                    continue;
                }
                let (op, rhs) = if row.published { (ComparisonOp::Eq, row.count) } else { (ComparisonOp::Ge, 1.0) };
                problem.add_constraint(terms.as_slice(), op, rhs);
            }
            match problem.solve().map(|outcome| outcome.into_solution()) {
                Ok(Ok(solution)) => {
                    range[i] = solution.objective();
                    let point: HashMap<usize, f64> = vars.iter().map(|&u| (u, solution.var_value(xs[local[&u]]))).collect();
                    seen(&point);
                }
                Err(microlp::Error::Unbounded) if i == 1 => range[1] = f64::INFINITY,
                Err(microlp::Error::Unbounded) => range[0] = f64::NEG_INFINITY,
                Ok(Err(_)) | Err(_) => return None,
            }
            if let Some((value, _)) = truth.filter(|(value, row)| i == 0 && row.moved(*value, range[0])) {
                return Some((range[0], value.max(range[0])));
            }
        }
        Some((range[0], range[1]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Anchor;

    fn row(job: usize, count: f64, published: bool) -> Row {
        Row {
            job,
            kind: Kind::Units,
            form: vec![(0, 1.0)],
            count,
            whole: true,
            published,
            at_least_one: !published,
            target: !published,
        }
    }

    /// Two indicators over participants of programmes A and B: PAR-01 counts everyone, PAR-02
    /// those of known gender. Classes: x0 = A known, x1 = A unknown, x2 = B known, x3 = B unknown.
    /// Published: PAR-01 total x0+x1+x2+x3 = 20, PAR-02 total x0+x2 = 17, PAR-02 A x0 = 8, PAR-01
    /// A x0+x1 = 9. Withheld: PAR-01 unknown x1+x3 = 3, A × unknown x1 = 1, B × unknown x3 = 2.
    /// By hand: x1 + x3 = 20 − 17 = 3, x1 = 9 − 8 = 1, x3 = 3 − 1 = 2: all three recovered.
    /// Unknown-gender total first: withholding PAR-01's A (9, the smallest count sharing a class
    /// with it) leaves it at 20 − 17; withholding PAR-01's total (20) frees it. A × unknown is
    /// still 9 − 8: PAR-01's A frees it. Then x3 ≥ 1 has no upper bound: free. Two counts.
    #[test]
    fn a_count_pinned_across_two_indicators_is_freed_by_withholding_the_smallest_that_pins_it() {
        let ids: Vec<CellId> = (0..7).map(|i| vec![("cell".to_string(), Some(i.to_string()))]).collect();
        let rows = vec![
            row(0, 20.0, true),
            row(1, 17.0, true),
            row(0, 3.0, false),
            row(0, 1.0, false),
            row(0, 2.0, false),
            row(1, 8.0, true),
            row(0, 9.0, true),
        ];
        // Rows each class is in.
        let variables = vec![vec![0, 1, 5, 6], vec![0, 2, 3, 6], vec![0, 1], vec![0, 2, 4]];
        let attack = Attack { rows, ids: ids.iter().collect(), bases: vec![UNITS], variables };
        let freed = attack.freeing(false).expect("no failure");
        assert_eq!(freed, vec![(0, Kind::Units, ids[0].clone()), (0, Kind::Units, ids[6].clone())]);
    }

    /// Sums of FTE over entities of municipio 1 and 2, srl or not. Classes (FTE in the as-of
    /// month): x1 = m1 srl 4.5, x2 = m1 other 2.5, x3 = m2 srl 6, x4 = m2 other 7. Stock of all
    /// entities: total 20 published, m1 (7) withheld for itself, m2 (13) withheld beside it.
    /// The same stock over srl entities publishes m1 = x1 = 4.5 and m2 = x3 = 6; over the others,
    /// m2 = x4 = 7. By hand: m1 = 20 − 6 − 7 = 7 whatever x1 is. Withholding the smallest row
    /// sharing a class with it (srl m1, 4.5) leaves that; withholding the total frees it.
    #[test]
    fn a_sum_pinned_across_two_indicators_is_freed_like_a_count() {
        let fte = Domain { non_negative: true, whole: false };
        let sum = |job: usize, count: f64, published: bool, target: bool| Row {
            job,
            kind: Kind::Sum,
            form: vec![(1, 1.0)],
            count,
            whole: false,
            published,
            at_least_one: false,
            target,
        };
        let rows = vec![
            sum(0, 20.0, true, false),
            sum(0, 7.0, false, true),
            sum(0, 13.0, false, false),
            sum(1, 4.5, true, false),
            sum(1, 6.0, true, false),
            sum(2, 7.0, true, false),
        ];
        let ids: Vec<CellId> = (0..rows.len()).map(|i| vec![("cell".to_string(), Some(i.to_string()))]).collect();
        let variables = vec![vec![0, 1, 3], vec![0, 1], vec![0, 2, 4], vec![0, 2, 5]];
        let attack = Attack { rows, ids: ids.iter().collect(), bases: vec![UNITS, fte], variables };
        assert_eq!(attack.freeing(false).expect("no failure"), vec![(0, Kind::Sum, ids[0].clone())]);
    }

    /// A range of FTE is no protection only when it is one value; one of whole cents or people
    /// when it holds one whole number. JOB-02's net change opens into the as-of month's FTE less
    /// the first month's, each never negative and not whole (PANEL_FORMAT: `fte` is a number ≥ 0).
    #[test]
    fn sums_are_opened_into_base_values_with_what_the_panel_format_says_of_them() {
        let at = |anchor: Anchor| PerUnit::PanelAt { measure: "fte".into(), anchor, offset_months: 0 };
        let net = PerUnit::Sub(Box::new(at(Anchor::AsOf)), Box::new(at(Anchor::Column("support_start".into()))));
        let mut parts = Vec::new();
        linear(&net, 1.0, &mut parts);
        assert_eq!(parts, vec![(&at(Anchor::AsOf), 1.0), (&at(Anchor::Column("support_start".into())), -1.0)]);
        assert_eq!(domain(Table::Beneficiaries, &at(Anchor::AsOf)), Domain { non_negative: true, whole: false });
        let grants = PerUnit::Column("grant_cents".into());
        assert_eq!(domain(Table::Beneficiaries, &grants), Domain { non_negative: true, whole: true });
        let gross = PerUnit::PositivePart(Box::new(net.clone()));
        assert_eq!(domain(Table::Beneficiaries, &gross), Domain { non_negative: true, whole: false });
        let row = |whole: bool| Row {
            job: 0,
            kind: Kind::Sum,
            form: vec![(1, 1.0)],
            count: 3.0,
            whole,
            published: false,
            at_least_one: false,
            target: true,
        };
        assert!(!row(false).pinned(Some((2.6, 3.4))), "FTE between 2.6 and 3.4 is not one value");
        assert!(row(true).pinned(Some((2.6, 3.4))), "whole people between 2.6 and 3.4 are 3");
        assert!(row(false).pinned(Some((3.0, 3.0 + 1e-9))));
        assert!(row(true).moved(3.0, 4.0) && !row(true).moved(3.0, 3.5) && row(false).moved(3.0, 3.5));
    }

    /// Where a column derived from a date changes, worked by hand. Founding year 2012: from
    /// 2012-01-01 (15340 days after 1970-01-01) until 2013-01-01 (15706). Whole months since
    /// exit as of 2020-12-31: 6 from an exit on 2020-06-01 (18414) — 2020-05-31 is 7 — and 5
    /// from 2020-07-01 (18444). So `months_since_exit ≥ 6` is an exit on or before 2020-06-30,
    /// and a complete 1-year cohort as of 2020-12-31 is a founding year up to 2019.
    #[test]
    fn a_condition_on_a_derived_column_is_a_range_of_its_date() {
        let of = |column: &str| DATE_DERIVATIONS.iter().find(|d| d.column == column).expect("derived");
        let ctx = Context { as_of_days: 18_627 };
        assert_eq!(date_bounds(of("birth_year"), 2012, &ctx), [Literal::Date(15_340), Literal::Date(15_706)]);
        assert_eq!(date_bounds(of("months_since_exit"), 6, &ctx), [Literal::Date(18_414), Literal::Date(18_444)]);
        assert_eq!((of("months_since_exit").of)(18_413, ctx.as_of_days), 7);
        assert_eq!(crate::plan::last_complete_year(ctx.as_of_days) - 1, 2019);
        let exit = Some(of("months_since_exit"));
        assert_eq!(derive(exit, &Value::Number(18_443.0), &ctx), Value::Number(6.0));
        assert_eq!(derive(exit, &Value::Null, &ctx), Value::Null, "no exit, no months since");
        assert_eq!(Tie::Date(of("birth_year")).label(15_705.0, &ctx), "2012");
        assert_eq!(whole_numbers(&Literal::Float(5.5)), vec![5]);
    }

    #[test]
    fn a_condition_holds_as_the_backend_filters() {
        let text = |s: &str| Value::Text(s.to_string());
        let unknown = Literal::Text("unknown".into());
        assert_eq!(holds(Op::Ne, &unknown, &text("F")), Some(true));
        assert_eq!(holds(Op::Ne, &unknown, &Value::Null), Some(false), "null fails every comparison");
        assert_eq!(holds(Op::Ne, &unknown, &Value::Other), Some(true));
        assert_eq!(holds(Op::Lt, &Literal::Integer(35), &Value::Number(34.0)), Some(true));
        assert_eq!(holds(Op::Lt, &Literal::Integer(35), &text("35")), Some(false));
        assert_eq!(holds(Op::Lt, &Literal::Integer(35), &Value::Other), None, "an unnamed value cannot be compared");
        let list = Literal::List(vec![Literal::Text("a".into()), Literal::Text("b".into())]);
        assert_eq!(holds(Op::NotIn, &list, &text("b")), Some(false));
    }

    /// Thresholds 25 and 35 on a whole-number column split it into null, ≤ 24, 25, 26..34, 35 and
    /// ≥ 36: each of `lt 25`, `lt 35`, `le 25` takes every combination it can on those values.
    #[test]
    fn a_tested_column_splits_at_its_thresholds() {
        let (a, b) = (Literal::Integer(25), Literal::Integer(35));
        let values = split_values(&[&a, &b]).expect("numbers");
        let numbers: Vec<f64> = values.iter().filter_map(|v| if let Value::Number(x) = v { Some(*x) } else { None }).collect();
        assert_eq!(numbers, vec![24.0, 25.0, 26.0, 34.0, 35.0, 36.0]);
        assert_eq!(values[0], Value::Null);
        assert!(split_values(&[&a, &Literal::Text("x".into())]).is_none(), "mixed kinds are not split");
    }
}
