//! What differs between two snapshots of a panel, row by row, matched on each table's key.
//!
//! Why: when the city re-runs a payment or a release on a new delivery of the data, "the
//! beneficiaries file changed" does not tell an auditor why one payout moved. Matching the rows
//! of each table on its key ([`Table::key`]) names the rows behind the change: the file, the
//! row as a spreadsheet numbers it, the key and each cell that differs. Cells are compared as
//! the format types read them (a CSV `3` and a Parquet 3 are the same headcount), after
//! `columns.toml` renames, so a re-export to another format or dialect is not a change.
//!
//! Memory: both snapshots' tables are held as text while they are compared.

use std::collections::{BTreeMap, HashMap};

use polars::prelude::*;

use crate::error::{Error, Report, Result, polars_err};
use crate::schema::Table;
use crate::source::{FileFormat, PanelSource, ROW, TableFile};

/// How one row compares between the snapshots.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum RowClass {
    /// Its key is in both, some cell differs.
    Changed,
    /// Its key is only in the new snapshot.
    Added,
    /// Its key is only in the old snapshot.
    Removed,
}

/// One row that differs.
#[derive(Clone, Debug, PartialEq)]
pub struct RowChange {
    /// Its table.
    pub table: Table,
    /// How it compares.
    pub class: RowClass,
    /// The key's values, in [`Table::key`] order.
    pub key: Vec<String>,
    /// The file's name (with the sheet, for a workbook) in the new snapshot, or in the old one
    /// for a removed row.
    pub file: String,
    /// The row as a spreadsheet numbers it in that file (CSV: the header is row 1; Parquet: the
    /// first row is 1).
    pub row: u64,
    /// The row's cells in the old snapshot (None when added), column → value, `""` for empty.
    pub old: Option<BTreeMap<&'static str, String>>,
    /// The row's cells in the new snapshot (None when removed).
    pub new: Option<BTreeMap<&'static str, String>>,
    /// The beneficiaries the row belongs to, in the old and the new snapshot (two when it
    /// moved from one to another; through its participant, for an outcome); none for a
    /// programme's row.
    pub beneficiaries: Vec<String>,
}

impl RowChange {
    /// The cells that differ, as (column, old, new); empty unless changed.
    pub fn changed_cells(&self) -> Vec<(&'static str, &str, &str)> {
        let (Some(old), Some(new)) = (&self.old, &self.new) else { return vec![] };
        old.iter().filter_map(|(c, a)| new.get(c).filter(|b| *b != a).map(|b| (*c, a.as_str(), b.as_str()))).collect()
    }

    /// The row's values of a column, old and new (one or two; none when the table has no such
    /// column).
    pub fn values(&self, column: &str) -> Vec<&str> {
        [&self.old, &self.new].into_iter().flatten().filter_map(|cells| cells.get(column).map(String::as_str)).collect()
    }

    /// One line for people: `panel.csv row 14 (FQ-2019-000002, 2021-03-01): headcount 3 → 4`.
    pub fn describe(&self) -> String {
        self.describe_cells(|_| true)
    }

    /// [`RowChange::describe`], naming only the changed cells of the columns `shown` keeps (what
    /// one indicator reads).
    pub fn describe_cells(&self, shown: impl Fn(&str) -> bool) -> String {
        let place = format!("{} row {} ({})", self.file, self.row, self.key.join(", "));
        let text = |v: &str| if v.is_empty() { "(empty)".to_string() } else { v.to_string() };
        match self.class {
            RowClass::Added => format!("{place}: added"),
            RowClass::Removed => format!("{place}: removed"),
            RowClass::Changed => {
                let cells: Vec<String> = self
                    .changed_cells()
                    .iter()
                    .filter(|(c, _, _)| shown(c))
                    .map(|(c, a, b)| format!("{c} {} → {}", text(a), text(b)))
                    .collect();
                format!("{place}: {}", cells.join(", "))
            }
        }
    }
}

/// The rows that differ between two snapshots, and each beneficiary's cells in both.
#[derive(Debug, Default)]
pub struct SnapshotDiff {
    /// Every row that differs, table by table ([`Table::ALL`] order), in the order of the new
    /// snapshot's file, removed rows after, in the old file's order.
    pub rows: Vec<RowChange>,
    beneficiaries: [HashMap<String, BTreeMap<&'static str, String>>; 2],
}

impl SnapshotDiff {
    /// A beneficiary's values of a `beneficiaries` column in the old and the new snapshot
    /// (those it has: none for an unknown id).
    pub fn beneficiary_values(&self, id: &str, column: &str) -> Vec<&str> {
        self.beneficiaries.iter().filter_map(|m| m.get(id).and_then(|cells| cells.get(column)).map(String::as_str)).collect()
    }
}

/// One table of one snapshot, as text.
struct TableText {
    columns: Vec<&'static str>,
    cells: Vec<StringChunked>,
    /// (file name, spreadsheet row) of each row.
    places: Vec<(usize, u64)>,
    files: Vec<String>,
}

impl TableText {
    fn cell(&self, column: usize, row: usize) -> String {
        self.cells[column].get(row).unwrap_or_default().to_string()
    }

    fn row(&self, row: usize) -> BTreeMap<&'static str, String> {
        self.columns.iter().enumerate().map(|(c, name)| (*name, self.cell(c, row))).collect()
    }

    /// The key as one text (cells joined by the unit separator, which no cell holds), to match on.
    fn key_text(&self, table: Table, row: usize) -> String {
        let mut text = String::new();
        for (i, k) in table.key().iter().enumerate() {
            if i > 0 {
                text.push('\u{1f}');
            }
            if let Some(c) = self.columns.iter().position(|c| c == k) {
                text.push_str(self.cells[c].get(row).unwrap_or_default());
            }
        }
        text
    }

    fn len(&self) -> usize {
        self.places.len()
    }
}

/// The key's cells, from [`TableText::key_text`].
fn split_key(text: &str) -> Vec<String> {
    text.split('\u{1f}').map(String::from).collect()
}

fn file_name(file: &TableFile) -> String {
    let name = file.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| file.display());
    match &file.format {
        FileFormat::Workbook { sheet } => format!("{name}, sheet `{}`", sheet.name()),
        _ => name,
    }
}

fn read(source: &PanelSource, table: Table) -> Result<Option<TableText>> {
    let files = source.table_files(table);
    if files.is_empty() {
        return Ok(None);
    }
    // Every column of the format: a column a file leaves out reads as empty, as in the scan.
    let columns: Vec<&'static str> = table.columns().iter().map(|c| c.name).collect();
    let mut text = TableText { columns: columns.clone(), cells: vec![], places: vec![], files: vec![] };
    let mut parts: Vec<Vec<StringChunked>> = vec![vec![]; columns.len()];
    for (f, file) in files.iter().enumerate() {
        let mut issues = Vec::new();
        let Some((lf, _)) = file.scan_with_raw(table, &mut issues)? else {
            return Err(Error::Invalid { report: Report { issues } });
        };
        let display = file.display();
        let numbered = lf.clone().collect_schema().map_err(polars_err(&display))?.get(ROW).is_some();
        let lf = if numbered {
            lf.with_column(col(ROW).cast(DataType::UInt64).alias("__place"))
        } else {
            lf.with_row_index("__place", Some(file.first_row() as IdxSize)).with_column(col("__place").cast(DataType::UInt64))
        };
        let mut select: Vec<Expr> = columns.iter().map(|c| col(*c).cast(DataType::String)).collect();
        select.push(col("__place"));
        let df = lf.select(select).collect().map_err(polars_err(&display))?;
        for (i, c) in columns.iter().enumerate() {
            parts[i].push(df.column(c).and_then(|s| s.str().cloned()).map_err(polars_err(&display))?);
        }
        let places = df.column("__place").and_then(|s| s.u64().cloned()).map_err(polars_err(&display))?;
        text.places.extend(places.iter().map(|p| (f, p.unwrap_or_default())));
        text.files.push(file_name(file));
    }
    for part in parts {
        let mut whole = StringChunked::from_iter(std::iter::empty::<Option<&str>>());
        for p in part {
            whole.append(&p).map_err(polars_err(source.table_display(table)))?;
        }
        text.cells.push(whole.rechunk().into_owned());
    }
    Ok(Some(text))
}

/// Compare two snapshots of a panel, each already validated, table by table on the key.
///
/// A table in one snapshot only has all its rows added or removed. Errors: a file that cannot
/// be read ([`Error::Polars`], [`Error::Invalid`]).
pub fn compare(old: &PanelSource, new: &PanelSource) -> Result<SnapshotDiff> {
    let mut diff = SnapshotDiff::default();
    let mut owner_of_participant: HashMap<String, Vec<String>> = HashMap::new();
    for table in Table::ALL {
        let (a, b) = (read(old, table)?, read(new, table)?);
        let index = |t: &Option<TableText>| -> PlHashMap<String, usize> {
            t.iter().flat_map(|t| (0..t.len()).map(move |r| (t.key_text(table, r), r))).collect()
        };
        let (in_old, in_new) = (index(&a), index(&b));
        for (side, (t, index)) in [(&a, &in_old), (&b, &in_new)].into_iter().enumerate() {
            let Some(t) = t else { continue };
            for (key, r) in index {
                match table {
                    Table::Beneficiaries => {
                        diff.beneficiaries[side].insert(key.clone(), t.row(*r));
                    }
                    Table::Participants => {
                        let owner = t.cell(t.columns.iter().position(|c| *c == "beneficiary_id").unwrap_or_default(), *r);
                        let owners = owner_of_participant.entry(key.clone()).or_default();
                        if !owners.contains(&owner) {
                            owners.push(owner);
                        }
                    }
                    _ => {}
                }
            }
        }
        let beneficiaries = |key: &[String], sides: [Option<&BTreeMap<&'static str, String>>; 2]| -> Vec<String> {
            match table {
                Table::Programmes => vec![],
                Table::Outcomes => owner_of_participant.get(&key[0]).cloned().unwrap_or_default(),
                _ => {
                    let mut ids: Vec<String> =
                        sides.into_iter().flatten().filter_map(|c| c.get("beneficiary_id").cloned()).collect();
                    ids.dedup();
                    ids
                }
            }
        };
        if let Some(b) = &b {
            for r in 0..b.len() {
                let old_row = a.as_ref().zip(in_old.get(&b.key_text(table, r)));
                // Cells are compared in place; only a row that differs is copied out.
                if let Some((a, &o)) = old_row
                    && (0..b.columns.len()).all(|c| a.cells[c].get(o) == b.cells[c].get(r))
                {
                    continue;
                }
                let key = split_key(&b.key_text(table, r));
                let new_cells = b.row(r);
                let old_cells = old_row.map(|(a, &o)| a.row(o));
                let class = if old_cells.is_some() { RowClass::Changed } else { RowClass::Added };
                let (f, row) = b.places[r];
                diff.rows.push(RowChange {
                    table,
                    class,
                    beneficiaries: beneficiaries(&key, [old_cells.as_ref(), Some(&new_cells)]),
                    key,
                    file: b.files[f].clone(),
                    row,
                    old: old_cells,
                    new: Some(new_cells),
                });
            }
        }
        if let Some(a) = &a {
            for r in 0..a.len() {
                if in_new.contains_key(&a.key_text(table, r)) {
                    continue;
                }
                let key = split_key(&a.key_text(table, r));
                let cells = a.row(r);
                let (f, row) = a.places[r];
                diff.rows.push(RowChange {
                    table,
                    class: RowClass::Removed,
                    beneficiaries: beneficiaries(&key, [Some(&cells), None]),
                    key,
                    file: a.files[f].clone(),
                    row,
                    old: Some(cells),
                    new: None,
                });
            }
        }
    }
    Ok(diff)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    const PROGRAMMES: &str = "programme,name\nalpha,Alpha\n";
    const BENEFICIARIES: &str =
        "beneficiary_id,programme,edition,funded,founded_on,support_start,support_end,ceased_on,cessation_reason\n";

    fn panel(dir: &Path, programmes: &str, beneficiaries: &str) {
        std::fs::create_dir_all(dir).expect("mkdir");
        std::fs::write(dir.join("programmes.csv"), programmes).expect("write");
        std::fs::write(dir.join("beneficiaries.csv"), beneficiaries).expect("write");
        std::fs::write(dir.join("participants.csv"), "participant_id,beneficiary_id,entry_date\n").expect("write");
    }

    /// Rows are matched on the key whatever their order; a new separator is no change; a blank
    /// line keeps the rows below it at their spreadsheet numbers.
    #[test]
    fn rows_are_matched_on_the_key_and_placed_as_a_spreadsheet_numbers_them() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (old, new) = (dir.path().join("old"), dir.path().join("new"));
        let b = |id: &str, edition: &str| format!("{id},alpha,{edition},true,2019-01-01,2020-01-01,2020-12-31,,");
        panel(&old, PROGRAMMES, &format!("{BENEFICIARIES}{}\n{}\n{}\n", b("B1", "2020"), b("B2", "2020"), b("B3", "2020")));
        // New: `;`-separated, B2 first, a blank line, B1 with edition 2019, B3 gone, B4 added.
        let semicolons = |line: String| line.replace(',', ";");
        panel(
            &new,
            "programme;name\nalpha;Alpha\n",
            &format!(
                "{}{}\n\n{}\n{}\n",
                semicolons(BENEFICIARIES.to_string()),
                semicolons(b("B2", "2020")),
                semicolons(b("B1", "2019")),
                semicolons(b("B4", "2020"))
            ),
        );
        let (old, _) = crate::open_validated(&[old]).expect("old opens");
        let (new, _) = crate::open_validated(&[new]).expect("new opens");
        let diff = compare(&old, &new).expect("compare");
        let seen: Vec<String> = diff.rows.iter().map(RowChange::describe).collect();
        assert_eq!(
            seen,
            [
                "beneficiaries.csv row 4 (B1): edition 2020 → 2019",
                "beneficiaries.csv row 5 (B4): added",
                "beneficiaries.csv row 4 (B3): removed",
            ]
        );
        assert_eq!(diff.rows[0].beneficiaries, ["B1"]);
        assert_eq!(diff.beneficiary_values("B1", "edition"), ["2020", "2019"]);
        assert!(diff.beneficiary_values("B9", "edition").is_empty());
    }
}
