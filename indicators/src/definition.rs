//! Indicator definition files: what a partner reads, edits and signs.
//!
//! One indicator is one TOML file. Parsing is strict (unknown fields are errors, so a typo
//! cannot silently change a definition) and is followed by a semantic check against the panel
//! format: every column must exist in the indicator's table, its joined beneficiary columns or
//! the documented derived columns; every field must mean something for the indicator's kind.
//! Each field's meaning sits beside it in [`format`](mod@format)'s types; `indicators/definitions/README.md`
//! is the same text for people.
//!
//! Three steps, one file each: the file format ([`Definition`] and its parts, serde types kept
//! as partners write them), the checker (`check.rs`: every rule, and the one list of which
//! fields a kind uses), and the resolved form ([`Resolved`]: typed filters, every default
//! applied once, beside its doc), which is all [`crate::compile`] reads.

use std::collections::BTreeMap;
use std::path::Path;

use impatto_datasets::schema::{ColumnType, Table};

use crate::error::{Error, Result};
pub use crate::plan::{Op, TakeoverRule};
pub use crate::stats::{CiMethod, ConfType};

mod check;
pub mod format;
mod resolved;
pub use format::{Condition, Definition, Kind, Names, Prose, Unit, Window};
pub use resolved::{Change, Computation, MeasureAt, Mode, Resolved, ShareOf, UnitTable};

/// A definition with where it came from.
#[derive(Clone, Debug)]
pub struct LoadedDefinition {
    /// Parsed definition, as written (the file format).
    pub def: Definition,
    /// The same definition checked and resolved: typed filters, every default applied.
    pub resolved: Resolved,
    /// File name (for messages).
    pub file: String,
    /// `sha256:` of the file bytes: what a partner signs.
    pub hash: String,
    /// The table whose rows are counted (`resolved.table` in the panel format's terms).
    pub table: Table,
}

/// Derived columns the backends compute on request, by table. Documented in definitions/README.md.
pub fn derived_columns(table: Table) -> &'static [(&'static str, ColumnType)] {
    match table {
        Table::Participants => &[
            ("age_at_entry", ColumnType::Integer),
            ("age_band_eu", ColumnType::Text),
            ("age_band_esf", ColumnType::Text),
            ("months_since_exit", ColumnType::Integer),
        ],
        Table::Beneficiaries => &[
            ("months_founded_before_start", ColumnType::Integer),
            ("months_to_formalisation", ColumnType::Integer),
            ("birth_year", ColumnType::Integer),
        ],
        _ => &[],
    }
}

/// Largest month offset or horizon a definition may use: 600 months (50 years), far beyond
/// any programme's follow-up, and small enough that month arithmetic cannot overflow.
pub const MAX_MONTHS: i32 = 600;

/// Beneficiary columns joined onto participant rows, for filters and breakdowns.
pub const JOINED_BENEFICIARY_COLUMNS: &[&str] =
    &["programme", "edition", "funded", "quartiere", "municipio", "kind", "legal_form"];

/// Type of a column usable in conditions and disaggregations of `table`, if it exists.
pub fn column_type(table: Table, name: &str) -> Option<ColumnType> {
    if let Some(spec) = table.column(name) {
        return Some(spec.ty);
    }
    if let Some((_, ty)) = derived_columns(table).iter().find(|(n, _)| *n == name) {
        return Some(*ty);
    }
    if table == Table::Participants && JOINED_BENEFICIARY_COLUMNS.contains(&name) {
        return Table::Beneficiaries.column(name).map(|c| c.ty);
    }
    None
}
/// Parse `p/q` into integers with q > 0 and 0 ≤ p ≤ q.
pub fn parse_fraction(s: &str) -> Option<(i64, i64)> {
    let (p, q) = s.split_once('/')?;
    let (p, q) = (p.trim().parse::<i64>().ok()?, q.trim().parse::<i64>().ok()?);
    (q > 0 && (0..=q).contains(&p)).then_some((p, q))
}

/// Ids of the built-in catalogue, read without checking the files (a `variant_of` may name
/// them from any definition file).
fn builtin_ids() -> &'static [String] {
    static IDS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    IDS.get_or_init(|| crate::embedded::BUILTIN.iter().filter_map(|(_, text)| id_of(text)).collect())
}

/// The `id` of a definition text, if it has one (no other check).
fn id_of(text: &str) -> Option<String> {
    toml::from_str::<toml::Table>(text).ok()?.get("id")?.as_str().map(String::from)
}

/// Parse and check one definition file's text. A `variant_of` must name a built-in indicator.
pub fn parse(file: &str, text: &str) -> Result<LoadedDefinition> {
    check::parse_among(file, text, &[])
}

/// Read and check definition files; ids must be unique across them.
pub fn load_files<P: AsRef<Path>>(paths: &[P]) -> Result<Vec<LoadedDefinition>> {
    let mut texts = Vec::new();
    for path in paths {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io { path: path.to_path_buf(), source })?;
        texts.push((path.display().to_string(), text));
    }
    parse_all(texts.iter().map(|(f, t)| (f.as_str(), t.as_str())))
}

/// Check a set of (file, text) definitions, ids unique.
pub fn parse_all<'a>(items: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<Vec<LoadedDefinition>> {
    let items: Vec<(&str, &str)> = items.into_iter().collect();
    let ids: Vec<String> = items.iter().filter_map(|(_, text)| id_of(text)).collect();
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let mut out = Vec::new();
    for (file, text) in items {
        let loaded = check::parse_among(file, text, &ids)?;
        if let Some(first) = seen.get(&loaded.def.id) {
            return Err(Error::DuplicateId { id: loaded.def.id.clone(), first: first.clone(), second: file.to_string() });
        }
        seen.insert(loaded.def.id.clone(), file.to_string());
        out.push(loaded);
    }
    Ok(out)
}
