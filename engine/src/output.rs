//! Writing indicator results: a readable table, JSON, CSV or Parquet — always atomically.
//!
//! Files are written to a temporary sibling and renamed into place, so a failed run never
//! leaves half a file where a previous good one was. Rows and columns come out in a fixed
//! order and floats in their shortest round-trip form, so the same inputs give the same bytes.

use std::fmt::Write as _;
use std::io::Write;
use std::path::Path;

use impatto_indicators::{Disclosure, IndicatorResult};
use polars::prelude::*;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::i18n::{Arg, Texts};

/// Output format of `impatto indicators`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned text for people.
    Table,
    /// JSON document with provenance and one object per row.
    Json,
    /// CSV, one row per result.
    Csv,
    /// Parquet, one row per result (needs --output).
    Parquet,
}

/// Write `bytes` to `path` atomically (temporary sibling, then rename).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("output");
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    remove_stale_temporaries(dir, name);
    let io = |source| Error::Io { path: path.to_path_buf(), source };
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        std::fs::remove_file(&tmp).ok();
    }
    result.map_err(io)
}

/// Remove `.<name>.<pid>.tmp` files that a writer killed before its rename left beside `name`:
/// those whose process no longer runs (read from `/proc`; elsewhere nothing is removed).
fn remove_stale_temporaries(dir: &Path, name: &str) {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let prefix = format!(".{name}.");
    for entry in entries.flatten() {
        let file = entry.file_name();
        let Some(pid) = file.to_str().and_then(|f| f.strip_prefix(&prefix)).and_then(|rest| rest.strip_suffix(".tmp")) else {
            continue;
        };
        if pid.parse::<u32>().is_ok() && !Path::new("/proc").join(pid).exists() {
            std::fs::remove_file(entry.path()).ok();
        }
    }
}

/// The file that marks a directory as an output set written by impatto, listing its files with
/// their SHA-256: written last, so a set with it is complete.
pub const MANIFEST: &str = impatto_datasets::manifest::FILE;

/// Write a set of files (`run --out`, `generate`) as a whole: `fill` writes them into a fresh
/// directory beside `target`, which then replaces `target` by two renames, so a reader never
/// finds new files next to old ones. Returns what `fill` returned.
///
/// - A second writer of the same target is refused at once: `<target>.lock` beside it holds an
///   exclusive lock (released by the system when the process ends, even by `kill -9`), and is
///   removed when the writer finishes (a killed writer leaves it, harmless and reused).
/// - Killed between the two renames, the previous set is kept as `.<name>.old-…`; the next
///   writer puts it back before starting, and removes what a killed writer left.
/// - `target` must be new, empty, or an output set impatto wrote (it has a [`MANIFEST`]): a
///   directory of other files is never replaced.
/// - On any error the fresh directory is removed and `target` is as it was.
///
/// # Errors
/// [`Error::Request`] for a busy or foreign target; [`Error::Io`] naming the path otherwise.
pub fn write_set<T>(target: &Path, fill: impl FnOnce(&Path) -> Result<T>) -> Result<T> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Io { path, source }
    };
    let name = target.file_name().and_then(|n| n.to_str()).filter(|n| !n.is_empty() && *n != "..").ok_or_else(|| {
        Error::Request(format!("{}: expected a directory name to write the output set to, found none", target.display()))
    })?;
    let parent = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(io(parent))?;
    let lock_path = parent.join(format!("{name}.lock"));
    let lock = SetLock::acquire(&lock_path, target)?;
    // What a killed writer left: put a set it had moved aside back, then clear the rest.
    let leftovers = |kind: &str| -> Result<Vec<std::path::PathBuf>> {
        let prefix = format!(".{name}.{kind}-");
        let mut found = Vec::new();
        for e in std::fs::read_dir(parent).map_err(io(parent))? {
            let e = e.map_err(io(parent))?;
            if e.file_name().to_str().is_some_and(|f| f.starts_with(&prefix)) {
                found.push(e.path());
            }
        }
        found.sort();
        Ok(found)
    };
    for old in leftovers("old")? {
        if !target.exists() {
            std::fs::rename(&old, target).map_err(io(&old))?;
        } else {
            std::fs::remove_dir_all(&old).map_err(io(&old))?;
        }
    }
    for tmp in leftovers("tmp")? {
        std::fs::remove_dir_all(&tmp).map_err(io(&tmp))?;
    }
    if target.exists() {
        let meta = std::fs::metadata(target).map_err(io(target))?;
        let foreign = if meta.is_dir() {
            let entries: Vec<String> = std::fs::read_dir(target)
                .map_err(io(target))?
                .filter_map(|e| e.ok().and_then(|e| e.file_name().into_string().ok()))
                .collect();
            !entries.is_empty() && !entries.iter().any(|e| e == MANIFEST)
        } else {
            true
        };
        if foreign {
            return Err(Error::Request(format!(
                "{}: expected a new or empty directory, or one impatto wrote (with {MANIFEST}), found {}; hint: choose another --out (if it holds the output of an impatto older than its manifests, remove it once)",
                target.display(),
                if meta.is_dir() { "a directory of other files" } else { "a file" }
            )));
        }
    }
    let unique = format!(
        "{}-{}",
        std::process::id(),
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos())
    );
    let staging = parent.join(format!(".{name}.tmp-{unique}"));
    std::fs::create_dir(&staging).map_err(io(&staging))?;
    let filled = fill(&staging).and_then(|value| {
        write_manifest(&staging)?;
        Ok(value)
    });
    let value = match filled {
        Ok(v) => v,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(e);
        }
    };
    if target.exists() {
        let old = parent.join(format!(".{name}.old-{unique}"));
        if let Err(e) = std::fs::rename(target, &old) {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(io(target)(e));
        }
        std::fs::rename(&staging, target).map_err(io(target))?;
        std::fs::remove_dir_all(&old).map_err(io(&old))?;
    } else {
        std::fs::rename(&staging, target).map_err(io(target))?;
    }
    drop(lock);
    Ok(value)
}

/// The exclusive lock of one output set: `<target>.lock` beside it, locked while the set is
/// written and removed before it is released, so no lock file is left behind. Removing a lock
/// file races with a writer that opened it just before: each writer therefore checks, once it
/// holds the lock, that the path still names the file it locked, and starts again if not.
struct SetLock {
    file: std::fs::File,
    path: std::path::PathBuf,
}

impl SetLock {
    fn acquire(path: &Path, target: &Path) -> Result<SetLock> {
        let io = |source| Error::Io { path: path.to_path_buf(), source };
        loop {
            let file = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(path).map_err(io)?;
            match file.try_lock() {
                Ok(()) => {}
                Err(std::fs::TryLockError::WouldBlock) => {
                    return Err(Error::Request(format!(
                        "{}: expected to write it alone, found another impatto process writing it (lock {}); hint: wait for it to finish",
                        target.display(),
                        path.display()
                    )));
                }
                Err(std::fs::TryLockError::Error(e)) => return Err(io(e)),
            }
            if Self::still_named(&file, path) {
                return Ok(SetLock { file, path: path.to_path_buf() });
            }
        }
    }

    /// Whether `path` still names the open `file` (the previous holder removed it otherwise).
    #[cfg(unix)]
    fn still_named(file: &std::fs::File, path: &Path) -> bool {
        use std::os::unix::fs::MetadataExt;
        match (file.metadata(), std::fs::metadata(path)) {
            (Ok(open), Ok(named)) => open.dev() == named.dev() && open.ino() == named.ino(),
            _ => false,
        }
    }

    #[cfg(not(unix))]
    fn still_named(_: &std::fs::File, _: &Path) -> bool {
        true
    }
}

impl Drop for SetLock {
    fn drop(&mut self) {
        // Removed while still locked: a writer that opened it meanwhile sees it gone and retries.
        #[cfg(unix)]
        let _ = std::fs::remove_file(&self.path);
        let _ = self.file.unlock();
    }
}

/// The set's manifest ([`impatto_datasets::manifest`]): every file with its SHA-256; each file
/// says itself which inputs made it.
fn write_manifest(dir: &Path) -> Result<()> {
    Ok(impatto_datasets::manifest::write(dir, &format!("impatto {}", env!("CARGO_PKG_VERSION")))?)
}

/// Names of the group columns across all rows, in order of first appearance.
fn group_columns(results: &[IndicatorResult]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for r in results {
        for (k, _) in &r.group {
            if !names.contains(k) {
                names.push(k.clone());
            }
        }
    }
    names
}

fn group_value<'a>(r: &'a IndicatorResult, key: &str) -> Option<&'a str> {
    r.group.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

/// The results as a polars frame with a fixed column order (CSV and Parquet are written from it).
pub fn to_frame(results: &[IndicatorResult]) -> Result<DataFrame> {
    let keys = group_columns(results);
    let s = |name: &str, f: &dyn Fn(&IndicatorResult) -> Option<String>| {
        Column::new(name.into(), results.iter().map(f).collect::<Vec<_>>())
    };
    let n = |name: &str, f: &dyn Fn(&IndicatorResult) -> Option<f64>| {
        Column::new(name.into(), results.iter().map(f).collect::<Vec<_>>())
    };
    let mut columns = vec![s("indicator", &|r| Some(r.indicator.clone())), s("version", &|r| Some(r.version.clone()))];
    for k in &keys {
        columns.push(s(k, &|r| group_value(r, k).map(String::from)));
    }
    columns.extend([
        Column::new("horizon_months".into(), results.iter().map(|r| r.horizon_months).collect::<Vec<_>>()),
        n("value", &|r| r.value),
        n("numerator", &|r| r.numerator),
        n("denominator", &|r| r.denominator),
        n("ci_low", &|r| r.ci_low),
        n("ci_high", &|r| r.ci_high),
        n("conf_level", &|r| r.conf_level),
        s("ci_method", &|r| r.ci_method.clone()),
        Column::new("n_at_risk".into(), results.iter().map(|r| r.n_at_risk).collect::<Vec<_>>()),
        Column::new("units".into(), results.iter().map(|r| r.units).collect::<Vec<_>>()),
        Column::new("suppressed".into(), results.iter().map(|r| r.suppressed).collect::<Vec<_>>()),
        Column::new("small_cell".into(), results.iter().map(|r| r.small_cell).collect::<Vec<_>>()),
        s("disclosure", &|r| Some(r.disclosure.to_string())),
        s("signoff", &|r| Some(r.signoff.clone())),
        s("unit", &|r| Some(r.unit.clone())),
        s("numerator_unit", &|r| r.numerator_unit.clone()),
        s("denominator_unit", &|r| r.denominator_unit.clone()),
        s("as_of", &|r| Some(r.as_of.clone())),
        s("input_hash", &|r| Some(r.input_hash.clone())),
        s("definition_hash", &|r| Some(r.definition_hash.clone())),
        s("overrides", &|r| Some(r.overrides.clone())),
        s("result_hash", &|r| Some(r.result_hash.clone())),
    ]);
    DataFrame::new_infer_height(columns).map_err(|e| Error::Internal(format!("building the result frame: {e}")))
}

#[derive(Serialize)]
struct JsonDocument<'a> {
    impatto_version: &'a str,
    as_of: &'a str,
    input_hash: &'a str,
    results: Vec<serde_json::Value>,
}

/// How CSV is written. The machine dialect is for programs and stays the default; the Excel
/// dialect is what a spreadsheet set to Italian (or most continental European locales) splits
/// into columns and reads as numbers and dates on opening.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum CsvDialect {
    /// `,` between fields, `.` decimals, ISO dates (2025-12-31), no byte-order mark.
    #[default]
    Machine,
    /// `;` between fields, `,` decimals, dates 31/12/2025, UTF-8 byte-order mark (so `€` reads right).
    ExcelIt,
}

/// A frame as CSV in `dialect`. `decimals` are text columns holding exact decimals (money,
/// `35000.00`) and `dates` text columns holding ISO dates: the Excel dialect rewrites both
/// (`35000,00`, `31/12/2025`); float columns get the decimal comma from the writer.
///
/// Errors: [`Error::Internal`] if a named column is missing or not text, or a date column
/// holds something that is not an ISO date (both are bugs of the caller).
pub fn csv_bytes(df: &mut DataFrame, dialect: CsvDialect, decimals: &[&str], dates: &[&str]) -> Result<Vec<u8>> {
    if dialect == CsvDialect::Machine {
        return frame_bytes(df, TableFormat::Csv);
    }
    let internal = |what: String| Error::Internal(format!("writing the excel-it CSV dialect: {what}"));
    let rewrite = |df: &mut DataFrame, name: &str, f: &dyn Fn(&str) -> Result<String>| -> Result<()> {
        let column = df.column(name).map_err(|e| internal(e.to_string()))?;
        let values = column.str().map_err(|e| internal(format!("{name}: {e}")))?;
        let rewritten = values.iter().map(|v| v.map(f).transpose()).collect::<Result<Vec<Option<String>>>>()?;
        df.with_column(Column::new(name.into(), rewritten)).map_err(|e| internal(e.to_string()))?;
        Ok(())
    };
    for name in decimals {
        rewrite(df, name, &|v| Ok(v.replacen('.', ",", 1)))?;
    }
    for name in dates {
        rewrite(df, name, &|v| {
            if v.is_empty() {
                return Ok(String::new());
            }
            chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d")
                .map(|d| d.format("%d/%m/%Y").to_string())
                .map_err(|_| internal(format!("{name}: expected a date YYYY-MM-DD, found `{v}`")))
        })?;
    }
    let mut buf = Vec::new();
    CsvWriter::new(&mut buf)
        .include_bom(true)
        .include_header(true)
        .with_separator(b';')
        .with_decimal_comma(true)
        .finish(df)
        .map_err(|e| internal(e.to_string()))?;
    Ok(buf)
}

/// Render results in a format (CSV in the machine dialect). Parquet comes back as bytes like the others.
pub fn render(results: &[IndicatorResult], format: Format, as_of: &str, input_hash: &str) -> Result<Vec<u8>> {
    render_in(results, format, CsvDialect::Machine, as_of, input_hash)
}

/// [`render`], with CSV written in `dialect`.
pub fn render_in(
    results: &[IndicatorResult],
    format: Format,
    dialect: CsvDialect,
    as_of: &str,
    input_hash: &str,
) -> Result<Vec<u8>> {
    match format {
        Format::Table => {
            Ok(table_text(results, &Default::default(), &Texts::new(crate::i18n::Lang::En), as_of, input_hash).into_bytes())
        }
        Format::Json => {
            let rows = results
                .iter()
                .map(|r| {
                    let mut v = serde_json::to_value(r).map_err(|e| Error::Internal(e.to_string()))?;
                    if let Some(obj) = v.as_object_mut() {
                        let group: serde_json::Map<String, serde_json::Value> =
                            r.group.iter().map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone()))).collect();
                        obj.insert("group".into(), serde_json::Value::Object(group));
                    }
                    Ok(v)
                })
                .collect::<Result<Vec<_>>>()?;
            let doc = JsonDocument { impatto_version: env!("CARGO_PKG_VERSION"), as_of, input_hash, results: rows };
            let mut out = serde_json::to_vec_pretty(&doc).map_err(|e| Error::Internal(e.to_string()))?;
            out.push(b'\n');
            Ok(out)
        }
        Format::Csv => csv_bytes(&mut to_frame(results)?, dialect, &[], &["as_of"]),
        Format::Parquet => frame_bytes(&mut to_frame(results)?, TableFormat::Parquet),
    }
}

/// A file format for tables: what the money and statistics layers write, independent of the
/// command line's `--format` choices.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableFormat {
    /// CSV, with a header line.
    Csv,
    /// Parquet.
    Parquet,
}

/// A frame as CSV or Parquet bytes; every command that writes tables goes through here.
pub fn frame_bytes(df: &mut DataFrame, format: TableFormat) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    match format {
        TableFormat::Parquet => {
            ParquetWriter::new(&mut buf).finish(df).map_err(|e| Error::Internal(format!("writing Parquet: {e}")))?;
        }
        TableFormat::Csv => {
            CsvWriter::new(&mut buf).include_header(true).finish(df).map_err(|e| Error::Internal(format!("writing CSV: {e}")))?;
        }
    }
    Ok(buf)
}

/// A value as people read it, in `t`'s number format: shares as percentages with one decimal,
/// probabilities with three, counts whole, the rest with two.
fn fmt_value(r: &IndicatorResult, x: f64, t: &Texts) -> String {
    match r.unit.as_str() {
        "share" => format!("{}%", t.number(x * 100.0, 1)),
        "probability" => t.number(x, 3),
        "entities" | "persons" => t.number(x, 0),
        _ => t.number(x, 2),
    }
}

/// The disclosure control of a table's rows, in words (each distinct one once).
fn suppression_note(results: &[IndicatorResult], t: &Texts) -> String {
    let notes = disclosure_notes(results.iter(), t);
    match notes.as_slice() {
        [] => t.get("table-no-rows", &[]),
        _ if results.iter().all(|r| r.small_cell <= 1) => t.get("table-suppression-off", &[]),
        _ => t.get("table-disclosure", &[("how", Arg::Text(&notes.join(" | ")))]),
    }
}

/// Each distinct disclosure control of `rows`, in words, in the order first met.
pub fn disclosure_notes<'a>(rows: impl Iterator<Item = &'a IndicatorResult>, t: &Texts) -> Vec<String> {
    let mut seen: Vec<&Disclosure> = Vec::new();
    for r in rows {
        if !seen.contains(&&r.disclosure) {
            seen.push(&r.disclosure);
        }
    }
    seen.into_iter().map(|d| disclosure_text(d, t)).collect()
}

/// A disclosure control in words, in `t`'s language (the machine text is its `Display`).
pub fn disclosure_text(disclosure: &Disclosure, t: &Texts) -> String {
    match disclosure {
        Disclosure::Off => t.get("disclosure-off", &[]),
        Disclosure::Coordinated { k, tables, earlier_as_of } => {
            let total = t.get("disclosure-total", &[]);
            let tables: Vec<&str> = tables.iter().map(|name| if name == "total" { total.as_str() } else { name }).collect();
            let text =
                t.get("disclosure-coordinated", &[("k", Arg::Count(*k as usize)), ("tables", Arg::Text(&tables.join(" + ")))]);
            let dates: Vec<String> = earlier_as_of
                .iter()
                .map(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").map(|d| t.date(d)).unwrap_or_else(|_| d.clone()))
                .collect();
            match dates.as_slice() {
                [] => text,
                _ => t.get("disclosure-earlier", &[("text", Arg::Text(&text)), ("dates", Arg::Text(&dates.join(", ")))]),
            }
        }
    }
}

/// The table people read (`--format table`), in `t`'s language: headers, numbers, units, and the
/// indicators' names under it (`names`: id → (Italian, English), from the definitions).
pub fn table_text(
    results: &[IndicatorResult],
    names: &std::collections::BTreeMap<String, (String, String)>,
    t: &Texts,
    as_of: &str,
    input_hash: &str,
) -> String {
    let keys = group_columns(results);
    let mut header: Vec<String> = vec![t.get("table-indicator", &[])];
    header.extend(keys.iter().map(|k| {
        let id = format!("breakdown-{k}");
        if t.has(&id) { t.get(&id, &[]) } else { k.clone() }
    }));
    // The header names the level when every interval shares it; otherwise each interval does.
    let mut levels: Vec<f64> = results.iter().filter_map(|r| r.conf_level).collect();
    levels.sort_by(f64::total_cmp);
    levels.dedup();
    let percent = |level: f64| {
        format!("{}%", t.number((level * 1000.0).round() / 10.0, if (level * 100.0).fract() == 0.0 { 0 } else { 1 }))
    };
    let common = match levels.as_slice() {
        [] => Some(0.95),
        [one] => Some(*one),
        _ => None,
    };
    let ci_header =
        common.map_or_else(|| t.get("table-ci", &[]), |l| t.get("table-ci-level", &[("level", Arg::Text(&percent(l)))]));
    header.extend([
        t.get("table-horizon", &[]),
        t.get("table-value", &[]),
        t.get("table-numerator", &[]),
        t.get("table-denominator", &[]),
        ci_header,
        t.get("table-at-risk", &[]),
        t.get("table-unit", &[]),
    ]);
    let unit = |u: &str| {
        let id = format!("unit-{u}");
        if t.has(&id) { t.get(&id, &[]) } else { u.to_string() }
    };
    // An interval's limits apart: a comma is the Italian decimal point.
    let sep = if t.lang() == crate::i18n::Lang::It { "; " } else { ", " };
    let mut rows: Vec<Vec<String>> = Vec::new();
    for r in results {
        let mut row = vec![r.indicator.clone()];
        for k in &keys {
            row.push(group_value(r, k).unwrap_or("").to_string());
        }
        row.push(r.horizon_months.map(|h| format!("{h}m")).unwrap_or_default());
        if r.suppressed {
            // A withheld share keeps its units, and the denominator when it counts them.
            let den = r.denominator.map(|x| term(x, r.denominator_unit.as_deref(), t)).unwrap_or_default();
            row.extend([t.get("table-suppressed", &[]), String::new(), den, String::new(), String::new()]);
        } else {
            row.push(r.value.map(|v| fmt_value(r, v, t)).unwrap_or_else(|| "–".into()));
            row.push(r.numerator.map(|x| term(x, r.numerator_unit.as_deref(), t)).unwrap_or_default());
            row.push(r.denominator.map(|x| term(x, r.denominator_unit.as_deref(), t)).unwrap_or_default());
            row.push(match (r.ci_low, r.ci_high) {
                (Some(lo), Some(hi)) => match (common, r.conf_level) {
                    (None, Some(level)) => format!("[{}{sep}{}] {}", fmt_value(r, lo, t), fmt_value(r, hi, t), percent(level)),
                    _ => format!("[{}{sep}{}]", fmt_value(r, lo, t), fmt_value(r, hi, t)),
                },
                _ => String::new(),
            });
            row.push(r.n_at_risk.map(|n| t.number(n as f64, 0)).unwrap_or_default());
        }
        row.push(unit(&r.unit));
        rows.push(row);
    }
    let widths: Vec<usize> = (0..header.len())
        .map(|i| rows.iter().map(|r| r[i].chars().count()).chain([header[i].chars().count()]).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    let as_of_shown = chrono::NaiveDate::parse_from_str(as_of, "%Y-%m-%d").map_or_else(|_| as_of.to_string(), |d| t.date(d));
    let input = &input_hash[..input_hash.len().min(19)];
    let note = suppression_note(results, t);
    let _ = writeln!(
        out,
        "{}",
        t.get("table-heading", &[("as-of", Arg::Text(&as_of_shown)), ("input", Arg::Text(input)), ("note", Arg::Text(&note))])
    );
    let line = |cells: &[String]| -> String {
        cells.iter().zip(&widths).map(|(c, w)| format!("{c:<w$}", w = *w)).collect::<Vec<_>>().join("  ").trim_end().to_string()
    };
    let _ = writeln!(out, "{}", line(&header));
    for r in &rows {
        let _ = writeln!(out, "{}", line(r));
    }
    if results.iter().any(|r| r.numerator_unit.is_some() || r.denominator_unit.is_some()) {
        let _ = writeln!(out, "{}", t.get("table-money-note", &[]));
    }
    // The names of the indicators shown, in the reader's language.
    let mut shown: Vec<&str> = results.iter().map(|r| r.indicator.as_str()).collect();
    shown.dedup();
    let named: Vec<(&str, String)> = shown
        .iter()
        .filter_map(|id| {
            names.get(*id).map(|(it, en)| (*id, if t.lang() == crate::i18n::Lang::It { it.clone() } else { en.clone() }))
        })
        .collect();
    if !named.is_empty() {
        out.push('\n');
        let width = named.iter().map(|(id, _)| id.chars().count()).max().unwrap_or(0);
        for (id, name) in named {
            let _ = writeln!(out, "{id:<width$}  {name}");
        }
    }
    out
}

/// A numerator or denominator as people read it: money in currency units with two decimals
/// (`68672200` cents → `686,722.00`, `686.722,00` in Italian), counts as they are.
fn term(x: f64, unit: Option<&str>, t: &Texts) -> String {
    match unit {
        Some("cents") => t.number(x / 100.0, 2),
        _ if x.fract() == 0.0 && x.abs() < 1e15 => t.number(x, 0),
        _ => t.number(x, 2),
    }
}
