//! What a change moves: every indicator result or payout line of two versions, classed
//! identical, changed, added or removed, with the change and its cause.
//!
//! Why: before a partner signs off a new threshold, or the city pays on new data, both must see
//! exactly which published numbers and which payments move, and because of what. The cause is
//! the fields that differ between the two files (a definition's or a rule file's TOML, compared
//! key by key), or, between two data snapshots, the input rows behind each result: rows of
//! the tables and columns its definition reads ([`impatto_indicators::reads::columns_behind`]),
//! of the units in its group, matched on each table's key ([`impatto_datasets::snapshot`]).

use std::collections::BTreeMap;

use impatto_datasets::schema::Table;
use impatto_datasets::snapshot::{RowChange, RowClass, SnapshotDiff};
use impatto_indicators::IndicatorResult;
use serde::Serialize;

use crate::rules::model::Line;

/// How one result or line compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Class {
    /// Present in both, the same.
    Identical,
    /// Present in both, different.
    Changed,
    /// Only in the new version.
    Added,
    /// Only in the old version.
    Removed,
}

impl Class {
    /// `identical`, `changed`, `added` or `removed`.
    pub fn word(self) -> &'static str {
        match self {
            Class::Identical => "identical",
            Class::Changed => "changed",
            Class::Added => "added",
            Class::Removed => "removed",
        }
    }
}

/// One result (indicator × group × horizon) or payout line (programme × beneficiary × rule).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Entry {
    /// `FND-01 programme=fabriq-quarto`, or `fabriq-quarto-2019 FQ-2019-000003 grant`.
    pub key: String,
    /// How it compares.
    pub class: Class,
    /// What changed, field by field (`value 0.52 → 0.55`); empty when identical.
    pub change: String,
    /// Why: the definition or rule-file fields that differ, or the first input rows that do
    /// (more in `input_rows`); empty when identical.
    pub cause: String,
    /// Between data snapshots: the input rows behind the change, one line each
    /// (`panel.csv row 14 (FQ-2019-000002, 2021-03-01): headcount 3 → 4`), the first
    /// [`INPUT_ROWS_LISTED`] of them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub input_rows: Vec<String>,
    /// How many input rows are behind the change (more than `input_rows` lists when it is cut).
    #[serde(skip_serializing_if = "is_zero")]
    pub input_rows_total: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// Why an entry may differ: a sentence, and between data snapshots the rows behind it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Why {
    /// For people.
    pub cause: String,
    /// The first input rows behind it.
    pub input_rows: Vec<String>,
    /// How many input rows are behind it.
    pub input_rows_total: usize,
}

impl From<String> for Why {
    fn from(cause: String) -> Self {
        Why { cause, ..Why::default() }
    }
}

/// How many input rows a cause names before `and N more`.
const ROWS_NAMED: usize = 3;

/// How many input rows an entry lists: a snapshot that differs everywhere would otherwise
/// repeat every row under every result.
pub const INPUT_ROWS_LISTED: usize = 100;

/// The rows of a snapshot diff, described once, and which of them lie behind a result or a
/// payout line.
#[derive(Debug)]
pub struct InputRows<'a> {
    data: &'a SnapshotDiff,
    /// Each row's changed columns (none when added or removed).
    changed: Vec<Vec<&'static str>>,
    files: String,
    /// Per indicator, the rows that touch what it reads.
    touching: BTreeMap<String, Vec<usize>>,
    /// Per breakdown column, each row's values of it (old and new), None when the column does
    /// not narrow the row (see [`unit_values`]).
    column_values: BTreeMap<String, Vec<Option<Vec<&'a str>>>>,
    by_beneficiary: BTreeMap<&'a str, Vec<usize>>,
}

impl<'a> InputRows<'a> {
    /// `files` says which input files differ, for an entry no row explains.
    pub fn new(data: &'a SnapshotDiff, files: String) -> Self {
        let mut by_beneficiary: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, row) in data.rows.iter().enumerate() {
            for b in &row.beneficiaries {
                by_beneficiary.entry(b.as_str()).or_default().push(i);
            }
        }
        InputRows {
            data,
            changed: data.rows.iter().map(|r| r.changed_cells().into_iter().map(|(c, _, _)| c).collect()).collect(),
            files,
            touching: BTreeMap::new(),
            column_values: BTreeMap::new(),
            by_beneficiary,
        }
    }

    /// The rows behind one result: a changed cell of a column its definition reads (`reads`,
    /// from [`impatto_indicators::reads::columns_behind`]), or a row added or removed in a
    /// table it reads; of a unit in the result's group, in the old or the new snapshot.
    pub fn behind_result(&mut self, r: &IndicatorResult, reads: &[(Table, String)]) -> Why {
        let (data, changed) = (self.data, &self.changed);
        let touching = self.touching.entry(r.indicator.clone()).or_insert_with(|| {
            let read = |table: Table, column: &str| reads.iter().any(|(t, c)| *t == table && c == column);
            (0..data.rows.len())
                .filter(|&i| {
                    let row = &data.rows[i];
                    match row.class {
                        RowClass::Changed => changed[i].iter().any(|c| read(row.table, c)),
                        RowClass::Added | RowClass::Removed => reads.iter().any(|(t, _)| *t == row.table),
                    }
                })
                .collect()
        });
        for (column, _) in &r.group {
            self.column_values
                .entry(column.clone())
                .or_insert_with(|| data.rows.iter().map(|row| unit_values(row, column, data)).collect());
        }
        let in_group = |i: usize| {
            r.group.iter().all(|(column, value)| {
                let value = if value == "(missing)" { "" } else { value.as_str() };
                self.column_values[column][i].as_ref().is_none_or(|values| values.contains(&value))
            })
        };
        let rows: Vec<usize> = touching.iter().copied().filter(|&i| in_group(i)).collect();
        self.why(&rows, |row| row.describe_cells(|c| reads.iter().any(|(t, name)| *t == row.table && name == c)))
    }

    /// The rows behind one payout line: the beneficiary's rows in every table.
    pub fn behind_line(&self, line: &Line) -> Why {
        self.why(self.by_beneficiary.get(line.beneficiary.as_str()).map(Vec::as_slice).unwrap_or_default(), RowChange::describe)
    }

    fn why(&self, rows: &[usize], describe: impl Fn(&RowChange) -> String) -> Why {
        if rows.is_empty() {
            return Why::from(format!("{} (no row behind it differs)", self.files));
        }
        let input_rows: Vec<String> = rows.iter().take(INPUT_ROWS_LISTED).map(|&i| describe(&self.data.rows[i])).collect();
        let mut cause = format!("input rows: {}", input_rows[..input_rows.len().min(ROWS_NAMED)].join("; "));
        if rows.len() > ROWS_NAMED {
            cause += &format!("; and {} more", rows.len() - ROWS_NAMED);
        }
        Why { cause, input_rows, input_rows_total: rows.len() }
    }
}

/// A row's unit's values of a breakdown column, old and new: the row's own when its table has
/// the column, else its beneficiary's (a panel or participant row by programme). None when
/// neither has it (an age band derived from a birth date): the column does not narrow.
fn unit_values<'a>(row: &'a RowChange, column: &str, data: &'a SnapshotDiff) -> Option<Vec<&'a str>> {
    if row.table.column(column).is_some() {
        Some(row.values(column))
    } else if Table::Beneficiaries.column(column).is_some() {
        Some(row.beneficiaries.iter().flat_map(|b| data.beneficiary_values(b, column)).collect())
    } else {
        None
    }
}

/// Every key of a TOML document, flattened (`payout.rate`, `population[0].value`), with its
/// value as TOML writes it.
fn flatten(prefix: &str, value: &toml::Value, out: &mut BTreeMap<String, String>) {
    match value {
        toml::Value::Table(t) => {
            for (k, v) in t {
                let path = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                flatten(&path, v, out);
            }
        }
        toml::Value::Array(items) if items.iter().any(|i| i.is_table() || i.is_array()) => {
            for (i, v) in items.iter().enumerate() {
                flatten(&format!("{prefix}[{i}]"), v, out);
            }
        }
        other => {
            out.insert(prefix.to_string(), other.to_string());
        }
    }
}

/// The fields that differ between two TOML texts: `confidence: (none) → 0.9`. A text that is
/// not TOML is compared whole.
pub fn changed_fields(old: &str, new: &str) -> Vec<String> {
    let (Ok(a), Ok(b)) = (old.parse::<toml::Table>(), new.parse::<toml::Table>()) else {
        return if old == new { vec![] } else { vec!["the text (not TOML)".to_string()] };
    };
    let (mut fa, mut fb) = (BTreeMap::new(), BTreeMap::new());
    flatten("", &toml::Value::Table(a), &mut fa);
    flatten("", &toml::Value::Table(b), &mut fb);
    let mut keys: Vec<&String> = fa.keys().chain(fb.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| fa.get(*k) != fb.get(*k))
        .map(|k| {
            let show = |v: Option<&String>| v.cloned().unwrap_or_else(|| "(none)".to_string());
            format!("{k}: {} → {}", show(fa.get(k)), show(fb.get(k)))
        })
        .collect()
}

fn opt(x: Option<f64>) -> String {
    x.map(|v| format!("{v}")).unwrap_or_else(|| "–".to_string())
}

/// A result's fields that a reader sees, by name.
fn result_fields(r: &IndicatorResult) -> Vec<(&'static str, String)> {
    vec![
        ("value", if r.suppressed { "withheld".to_string() } else { opt(r.value) }),
        ("numerator", opt(r.numerator)),
        ("denominator", opt(r.denominator)),
        ("ci", format!("[{}, {}]", opt(r.ci_low), opt(r.ci_high))),
        ("version", r.version.clone()),
    ]
}

fn result_key(r: &IndicatorResult) -> String {
    let mut key = r.indicator.clone();
    for (k, v) in &r.group {
        key += &format!(" {k}={v}");
    }
    if let Some(h) = r.horizon_months {
        key += &format!(" at {h} months");
    }
    key
}

fn fields_change(old: &[(&'static str, String)], new: &[(&'static str, String)]) -> String {
    old.iter()
        .zip(new)
        .filter(|(a, b)| a.1 != b.1)
        .map(|(a, b)| format!("{} {} → {}", a.0, a.1, b.1))
        .collect::<Vec<_>>()
        .join("; ")
}

/// What a withheld cell's change reads: its values stay unpublished, even in the diff.
pub const WITHHELD_MOVED: &str = "withheld in both; the value behind it moved (--small-cell 1 shows it)";

/// Compare two sets of results; `cause(result)` says why a result may differ (it is given the
/// new result, or the old one when removed).
///
/// `behind`: the same two computations with suppression off, when the published ones suppress.
/// A cell withheld in both versions is then `changed` ([`WITHHELD_MOVED`]) when the value
/// behind it moved, so that a gate on the exit code does not pass a change nobody can see.
pub fn results(
    old: &[IndicatorResult],
    new: &[IndicatorResult],
    behind: Option<(&[IndicatorResult], &[IndicatorResult])>,
    mut cause: impl FnMut(&IndicatorResult) -> Why,
) -> Vec<Entry> {
    let index = |rs: &[IndicatorResult]| -> BTreeMap<String, Vec<(&'static str, String)>> {
        rs.iter().map(|r| (result_key(r), result_fields(r))).collect()
    };
    let result_of: BTreeMap<String, &IndicatorResult> = old.iter().chain(new).map(|r| (result_key(r), r)).collect();
    let mut entries = compare(index(old), index(new), |key| result_of.get(key).map(|r| cause(r)).unwrap_or_default());
    if let Some((old_behind, new_behind)) = behind {
        let (a, b) = (index(old_behind), index(new_behind));
        for e in entries.iter_mut().filter(|e| e.class == Class::Identical) {
            let withheld = result_of.get(&e.key).is_some_and(|r| r.suppressed);
            if withheld && a.get(&e.key) != b.get(&e.key) {
                let Why { cause, input_rows, input_rows_total } = result_of.get(&e.key).map(|r| cause(r)).unwrap_or_default();
                *e = Entry {
                    key: e.key.clone(),
                    class: Class::Changed,
                    change: WITHHELD_MOVED.to_string(),
                    cause,
                    input_rows,
                    input_rows_total,
                };
            }
        }
    }
    entries
}

/// A line's fields that a reader sees.
fn line_fields(l: &Line) -> Vec<(&'static str, String)> {
    vec![
        ("status", l.status.as_str().to_string()),
        ("claim", l.claim.to_string()),
        ("amount", l.amount.to_string()),
        ("instrument", l.instrument.as_str().to_string()),
    ]
}

fn line_key(programme: &str, l: &Line) -> String {
    let mut key = format!("{programme} {} {}", l.beneficiary, l.rule);
    if let Some(c) = &l.claim_ref {
        key += &format!(" {} {}", c.participant, c.outcome);
    }
    key
}

/// Compare two programmes' payout lines; `cause(line)` says why a line may differ (it is given
/// the new line, or the old one when removed).
pub fn lines(programme: &str, old: &[Line], new: &[Line], mut cause: impl FnMut(&Line) -> Why) -> Vec<Entry> {
    fn keyed<'a>(programme: &str, ls: &'a [Line]) -> BTreeMap<String, &'a Line> {
        let mut m = BTreeMap::new();
        for l in ls {
            m.insert(unique_line_key(programme, l, &m), l);
        }
        m
    }
    let (old_lines, new_lines) = (keyed(programme, old), keyed(programme, new));
    let fields = |m: &BTreeMap<String, &Line>| -> BTreeMap<String, Vec<(&'static str, String)>> {
        m.iter().map(|(k, l)| (k.clone(), line_fields(l))).collect()
    };
    compare(fields(&old_lines), fields(&new_lines), |key| {
        new_lines.get(key).or(old_lines.get(key)).map(|l| cause(l)).unwrap_or_default()
    })
}

/// A line's key, numbered `#2`, `#3` … after the first line with the same key in `taken`.
fn unique_line_key<V>(programme: &str, l: &Line, taken: &BTreeMap<String, V>) -> String {
    let mut key = line_key(programme, l);
    let mut n = 2;
    while taken.contains_key(&key) {
        key = format!("{} #{n}", line_key(programme, l));
        n += 1;
    }
    key
}

fn compare(
    old: BTreeMap<String, Vec<(&'static str, String)>>,
    new: BTreeMap<String, Vec<(&'static str, String)>>,
    mut cause: impl FnMut(&str) -> Why,
) -> Vec<Entry> {
    let mut keys: Vec<&String> = old.keys().chain(new.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .map(|key| {
            let (class, change) = match (old.get(key), new.get(key)) {
                (Some(a), Some(b)) if a == b => (Class::Identical, String::new()),
                (Some(a), Some(b)) => (Class::Changed, fields_change(a, b)),
                (None, Some(b)) => (Class::Added, b.iter().map(|(n, v)| format!("{n} {v}")).collect::<Vec<_>>().join("; ")),
                (Some(a), None) => (Class::Removed, a.iter().map(|(n, v)| format!("{n} {v}")).collect::<Vec<_>>().join("; ")),
                (None, None) => (Class::Identical, String::new()),
            };
            let Why { cause, input_rows, input_rows_total } = if class == Class::Identical { Why::default() } else { cause(key) };
            Entry { key: key.clone(), class, change, cause, input_rows, input_rows_total }
        })
        .collect()
}

/// The entries as a table people read: changed, added and removed first, with a count of each.
pub fn table(entries: &[Entry]) -> String {
    let mut counts = BTreeMap::new();
    for e in entries {
        *counts.entry(e.class).or_insert(0usize) += 1;
    }
    let mut out = counts.iter().map(|(c, n)| format!("{n} {}", c.word())).collect::<Vec<_>>().join(", ") + "\n";
    let mut moved: Vec<&Entry> = entries.iter().filter(|e| e.class != Class::Identical).collect();
    moved.sort_by_key(|e| e.class);
    for e in moved {
        out += &format!("{:<9}  {}\n           change: {}\n           cause:  {}\n", e.class.word(), e.key, e.change, e.cause);
    }
    out
}

/// The entries as a self-contained HTML page in `t`'s language: the counts, then every entry
/// that moved, with its change and cause (no request leaves the page; it prints).
pub fn html(entries: &[Entry], old: &str, new: &str, t: &crate::i18n::Texts) -> String {
    use crate::i18n::Arg;
    let word = |c: Class| t.get(&format!("diff-{}", c.word()), &[]);
    let mut counts = BTreeMap::new();
    for e in entries {
        *counts.entry(e.class).or_insert(0usize) += 1;
    }
    let mut moved: Vec<&Entry> = entries.iter().filter(|e| e.class != Class::Identical).collect();
    moved.sort_by_key(|e| e.class);
    let title = t.get("diff-title", &[("old", Arg::Text(old)), ("new", Arg::Text(new))]);
    let body = maud::html! {
        header { h1 { (title) } }
        main {
            p data-field="counts" {
                (counts.iter().map(|(c, n)| t.get(&format!("diff-count-{}", c.word()), &[("count", Arg::Count(*n))])).collect::<Vec<_>>().join(", "))
            }
            @if !moved.is_empty() {
                div.scroll {
                    table {
                        thead { tr {
                            th scope="col" { (t.get("diff-class", &[])) }
                            th scope="col" { (t.get("diff-key", &[])) }
                            th scope="col" { (t.get("diff-change", &[])) }
                            th scope="col" { (t.get("diff-cause", &[])) }
                        } }
                        tbody {
                            @for e in moved {
                                tr data-class=(e.class.word()) {
                                    td { (word(e.class)) }
                                    th scope="row" { (e.key) }
                                    td { (e.change) }
                                    td { (e.cause) }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    crate::report::page(t.lang(), &title, body, "page-footer")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_fields_are_named_with_both_values() {
        let old = "id = \"FND-01\"\nversion = \"1.0.0\"\npopulation = [{ column = \"funded\", op = \"eq\", value = true }]\n";
        let new = "id = \"FND-01\"\nversion = \"1.1.0\"\npopulation = [{ column = \"funded\", op = \"eq\", value = false }]\nconfidence = 0.9\n";
        assert_eq!(
            changed_fields(old, new),
            ["confidence: (none) → 0.9", "population[0].value: true → false", "version: \"1.0.0\" → \"1.1.0\""]
        );
        assert!(changed_fields(old, old).is_empty());
    }
}
