//! Validation of a panel against the format.
//!
//! All row-level checks of a file run as one lazy query (one pass over the file, each check a
//! summed boolean), and only the checks that fail are run again to fetch example rows. Checks
//! across files — duplicate keys, references to unknown beneficiaries or programmes — run over
//! all directories together, since an id repeated in two directories is just as ambiguous.

use polars::prelude::*;

use crate::error::{Error, Issue, Report, Result, Severity, polars_err};
use crate::message::Phrase;
use crate::phrase;
use crate::schema::{ColumnType, Table};
use crate::source::{Conversion, FileFormat, PanelSource, ROW, TableFile, raw_name};

/// The dates a panel can hold: anything outside is a typing error (year 0, 9999) that would
/// otherwise move the default as-of date or overflow date arithmetic.
pub const EARLIEST_DATE: (i32, u32, u32) = (1800, 1, 1);
/// See [`EARLIEST_DATE`].
pub const LATEST_DATE: (i32, u32, u32) = (2199, 12, 31);

fn days_since_epoch((y, m, d): (i32, u32, u32)) -> i32 {
    let date = chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default();
    (date - chrono::NaiveDate::default()).num_days() as i32
}

/// A date stored as days since 1970-01-01, written as ISO text even where chrono cannot
/// (the extremes of `date32` are far outside any calendar).
fn date_text(days: i32) -> String {
    chrono::NaiveDate::default()
        .checked_add_signed(chrono::TimeDelta::days(i64::from(days)))
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_else(|| format!("day {days} counted from 1970-01-01"))
}

/// Every check runs on the streaming engine, so memory follows the number of keys, not of rows:
/// the in-memory engine would load each column of a 10^8-row panel whole.
trait CollectStreaming {
    fn collect_streaming(self) -> PolarsResult<DataFrame>;
}

impl CollectStreaming for LazyFrame {
    fn collect_streaming(self) -> PolarsResult<DataFrame> {
        self.collect_with_engine(Engine::Streaming).map(|r| r.unwrap_single())
    }
}

/// One row-level rule: rows where `bad` is true break it.
struct RowCheck {
    severity: Severity,
    column: String,
    involved: Vec<String>,
    bad: Expr,
    expected: Phrase,
    found: Phrase,
    hint: Option<Phrase>,
    /// Shown as found: the first bad row's value of this column, as the file writes it.
    as_written: Option<Conversion>,
}

fn check(
    severity: Severity,
    involved: &[&'static str],
    bad: Expr,
    expected: Phrase,
    found: Phrase,
    hint: Option<Phrase>,
) -> RowCheck {
    RowCheck {
        severity,
        column: involved.join(", "),
        involved: involved.iter().map(|c| c.to_string()).collect(),
        bad,
        expected,
        found,
        hint,
        as_written: None,
    }
}

fn not_above(part: &'static str, whole: &'static str) -> RowCheck {
    check(
        Severity::Error,
        &[part, whole],
        col(part).gt(col(whole)),
        phrase!("data-not-above", part = part, whole = whole),
        phrase!("data-above", part = part, whole = whole),
        None,
    )
}

fn not_before(later: &'static str, earlier: &'static str) -> RowCheck {
    check(
        Severity::Error,
        &[later, earlier],
        col(later).lt(col(earlier)),
        phrase!("data-not-before", later = later, earlier = earlier),
        phrase!("data-before", later = later, earlier = earlier),
        Some(phrase!("data-hint-date-order")),
    )
}

/// A part above its whole is an error, for every sub-count the schema declares.
fn sub_count_checks(table: Table) -> Vec<RowCheck> {
    crate::schema::SUB_COUNTS.iter().filter(|(t, _, _)| *t == table).map(|(_, part, whole)| not_above(part, whole)).collect()
}

/// The row-level rules of one file of `table`. An optional column the file leaves out reads as
/// empty in every row; it is not an empty cell, so its "a value in every row" rule is skipped
/// (every other rule treats an empty value as passing).
fn row_checks(table: Table, file: &TableFile) -> Vec<RowCheck> {
    use Severity::{Error as E, Warning as W};
    let mut checks = Vec::new();
    for spec in table.columns() {
        let c = col(spec.name);
        if !spec.nullable && (spec.required || file.has_column(spec.name)) {
            checks.push(check(E, &[spec.name], c.clone().is_null(), phrase!("data-every-row"), phrase!("data-empty-cell"), None));
        }
        if !spec.allowed.is_empty() {
            let allowed = Series::new("allowed".into(), spec.allowed);
            checks.push(RowCheck {
                ..check(
                    E,
                    &[spec.name],
                    c.clone().is_not_null().and(c.clone().is_in(lit(allowed).implode(false), false).not()),
                    phrase!("data-one-of", values = spec.allowed.join(", ")),
                    phrase!("data-another-value"),
                    None,
                )
            });
        }
        if matches!(spec.ty, ColumnType::Integer | ColumnType::Cents | ColumnType::Number) {
            checks.push(check(E, &[spec.name], c.lt(lit(0)), phrase!("data-not-negative"), phrase!("data-negative"), None));
        }
    }
    match table {
        Table::Programmes => {}
        Table::Campaigns => {
            checks.push(not_before("closed_on", "opened_on"));
            checks.push(not_above("raised_by_deadline_cents", "raised_cents"));
        }
        Table::Outcomes => {
            checks.push(not_before("lapsed_on", "achieved_on"));
        }
        Table::Beneficiaries => {
            checks.extend(sub_count_checks(table));
            checks.extend([
                not_before("support_end", "support_start"),
                not_before("ceased_on", "founded_on"),
                not_before("reactivated_on", "ceased_on"),
                not_before("formalised_on", "support_start"),
                check(
                    E,
                    &["edition"],
                    col("edition").lt(lit(1900)).or(col("edition").gt(lit(2199))),
                    phrase!("data-edition-range"),
                    phrase!("data-another-number"),
                    Some(phrase!("data-hint-year-typo")),
                ),
                check(
                    E,
                    &["edition", "support_start"],
                    col("edition").gt(col("support_start").dt().year().cast(DataType::Int64)),
                    phrase!("data-edition-after-start"),
                    phrase!("data-later-edition"),
                    Some(phrase!("data-hint-edition-after-start")),
                ),
                check(
                    E,
                    &["municipio"],
                    col("municipio").lt(lit(1)).or(col("municipio").gt(lit(9))),
                    phrase!("data-municipio-range"),
                    phrase!("data-municipio-outside"),
                    None,
                ),
                check(
                    E,
                    &["funded", "support_start", "support_end"],
                    col("funded").and(col("support_start").is_null().or(col("support_end").is_null())),
                    phrase!("data-funded-dates"),
                    phrase!("data-funded-no-dates"),
                    None,
                ),
                check(
                    E,
                    &["ceased_on", "cessation_reason"],
                    col("ceased_on").is_null().neq(col("cessation_reason").is_null()),
                    phrase!("data-both-or-neither", first = "ceased_on", second = "cessation_reason"),
                    phrase!("data-only-one"),
                    Some(phrase!("data-hint-cessation")),
                ),
                check(
                    W,
                    &["grant_cents", "eligible_costs_cents"],
                    col("grant_cents").gt(col("eligible_costs_cents")),
                    phrase!("data-grant-within-costs"),
                    phrase!("data-grant-above-costs"),
                    None,
                ),
            ]);
        }
        Table::Panel => {
            checks.extend(sub_count_checks(table));
            checks.extend([
                check(
                    E,
                    &["fte", "headcount"],
                    col("fte").gt(col("headcount").cast(DataType::Float64)),
                    phrase!("data-not-above", part = "fte", whole = "headcount"),
                    phrase!("data-above", part = "fte", whole = "headcount"),
                    Some(phrase!("data-hint-fte")),
                ),
                check(
                    E,
                    &["month"],
                    col("month").dt().day().neq(lit(1)),
                    phrase!("data-first-of-month"),
                    phrase!("data-another-day"),
                    Some(phrase!("data-hint-month")),
                ),
            ]);
        }
        Table::Participants => {
            checks.extend([
                not_before("exit_date", "entry_date"),
                not_before("entry_date", "birth_date"),
                check(
                    E,
                    &["birth_date", "entry_date"],
                    col("entry_date")
                        .dt()
                        .year()
                        .cast(DataType::Int64)
                        .gt(col("birth_date").dt().year().cast(DataType::Int64) + lit(111)),
                    phrase!("data-age-at-entry"),
                    phrase!("data-birth-too-early"),
                    None,
                ),
                check(
                    E,
                    &["age_at_entry"],
                    col("age_at_entry").gt(lit(110)),
                    phrase!("data-age-range"),
                    phrase!("data-impossible-age"),
                    None,
                ),
                check(
                    W,
                    &["birth_date", "age_at_entry"],
                    col("birth_date").is_null().and(col("age_at_entry").is_null()),
                    phrase!("data-birth-or-age"),
                    phrase!("data-neither"),
                    Some(phrase!("data-hint-no-age")),
                ),
            ]);
        }
    }
    checks
}

/// Rows where a cell did not convert to its column's type (its text kept beside it).
fn conversion_checks(conversions: &[Conversion]) -> Vec<RowCheck> {
    conversions
        .iter()
        .map(|c| {
            let raw = raw_name(c.column);
            RowCheck {
                severity: Severity::Error,
                column: c.column.to_string(),
                involved: vec![raw.clone()],
                bad: col(raw.as_str()).is_not_null().and(col(c.column).is_null()),
                expected: c.expected.clone(),
                found: Phrase::verbatim(""),
                hint: None,
                as_written: Some(c.clone()),
            }
        })
        .collect()
}

/// Dates outside [`EARLIEST_DATE`]–[`LATEST_DATE`], compared as day numbers: such a date
/// cannot even be shown by the calendar code of the other checks, which run only without them.
fn date_range_checks(table: Table) -> Vec<RowCheck> {
    let (from, to) = (days_since_epoch(EARLIEST_DATE), days_since_epoch(LATEST_DATE));
    table
        .columns()
        .iter()
        .filter(|c| c.ty == ColumnType::Date)
        .map(|c| {
            let days = col(c.name).cast(DataType::Int32);
            check(
                Severity::Error,
                &[c.name],
                days.clone().lt(lit(from)).or(days.gt(lit(to))),
                phrase!("data-date-range", from = date_text(from), to = date_text(to)),
                phrase!("data-date-outside"),
                Some(phrase!("data-hint-unknown-date")),
            )
        })
        .collect()
}

/// Run `checks` over one file in one pass; report the ones that fail with example rows.
/// Returns how many failed.
fn run_checks(file: &TableFile, lf: &LazyFrame, checks: &[RowCheck], issues: &mut Vec<Issue>) -> Result<usize> {
    if checks.is_empty() {
        return Ok(0);
    }
    let counts = lf
        .clone()
        .select(
            checks
                .iter()
                .enumerate()
                .map(|(i, c)| c.bad.clone().fill_null(lit(false)).cast(DataType::UInt64).sum().alias(format!("c{i}")))
                .collect::<Vec<_>>(),
        )
        .collect_streaming()
        .map_err(polars_err(file.display()))?;
    let numbered_rows = lf.clone().collect_schema().map_err(polars_err(file.display()))?.get(ROW).is_some();
    let mut failed = 0;
    for (i, rule) in checks.iter().enumerate() {
        let count =
            counts.column(&format!("c{i}")).and_then(|c| c.u64()).map_err(polars_err(file.display()))?.get(0).unwrap_or(0);
        if count == 0 {
            continue;
        }
        failed += 1;
        let mut select = vec![col("__row")];
        select.extend(rule.involved.iter().map(|c| col(c.as_str())));
        let numbered = if numbered_rows {
            lf.clone().with_column(col(ROW).alias("__row"))
        } else {
            lf.clone().with_row_index("__row", Some(file.first_row() as IdxSize))
        };
        let examples = numbered
            .filter(rule.bad.clone().fill_null(lit(false)))
            .select(select)
            .limit(5)
            .collect_streaming()
            .map_err(polars_err(file.display()))?;
        let rows: Vec<u64> = examples
            .column("__row")
            .and_then(|c| c.cast(&DataType::UInt64))
            .map_err(polars_err(file.display()))?
            .u64()
            .map_err(polars_err(file.display()))?
            .into_no_null_iter()
            .collect();
        let involved: Vec<&str> = rule.involved.iter().map(String::as_str).collect();
        let (found, hint) = match &rule.as_written {
            Some(conversion) => {
                let first = examples.column(involved[0]).ok().and_then(|c| c.get(0).ok()).map(|v| plain(&v)).unwrap_or_default();
                (phrase!("data-as-written", value = first.as_str()), conversion.hint(&first))
            }
            None => {
                let first_values = describe_row(&examples, &involved);
                let found = if first_values.is_empty() {
                    rule.found.clone()
                } else {
                    phrase!("data-found-first", found = rule.found.clone(), values = first_values)
                };
                (found, rule.hint.clone())
            }
        };
        issues.push(Issue {
            severity: rule.severity,
            file: file.display(),
            column: Some(rule.column.clone()),
            rows,
            count,
            expected: rule.expected.clone(),
            found,
            hint,
        });
    }
    Ok(failed)
}

/// The row checks of one file: cells that did not convert and dates out of range first (the
/// other checks would only repeat them, or could not show such a date), then the format's rules.
/// Returns false when cells did not read or dates are out of range: the checks across files
/// (repeated keys, references) would then only report the same cells again as empty.
fn run_row_checks(
    file: &TableFile,
    table: Table,
    lf: LazyFrame,
    conversions: &[Conversion],
    issues: &mut Vec<Issue>,
) -> Result<bool> {
    let mut first = conversion_checks(conversions);
    first.extend(date_range_checks(table));
    if run_checks(file, &lf, &first, issues)? > 0 {
        return Ok(false);
    }
    run_checks(file, &lf, &row_checks(table, file), issues)?;
    Ok(true)
}

/// What a file holds that makes it unreadable as a table, when reading it failed: for CSV,
/// rows with another number of fields than the header and bytes that are not UTF-8.
fn unreadable(file: &TableFile) -> Result<Vec<Issue>> {
    let FileFormat::Csv { dialect } = &file.format else {
        return Ok(vec![]);
    };
    let findings = crate::csv::diagnose(&file.path, dialect, 5)?;
    Ok(findings
        .into_iter()
        .map(|f| Issue {
            column: f.column,
            rows: vec![f.row],
            count: 1,
            ..Issue::in_file(file.display(), f.expected, f.found, None)
        })
        .collect())
}

fn describe_row(df: &DataFrame, columns: &[&str]) -> Vec<Phrase> {
    columns
        .iter()
        .filter_map(|name| {
            let value = df.column(name).ok()?.get(0).ok()?;
            let shown = match value {
                AnyValue::Null => return Some(phrase!("data-value-empty", column = *name)),
                AnyValue::Date(days) => date_text(days),
                AnyValue::String(_) | AnyValue::StringOwned(_) => format!("\"{}\"", plain(&value)),
                other => other.to_string(),
            };
            Some(phrase!("data-value-is", column = *name, value = shown))
        })
        .collect()
}

/// A value as a user would write it (no quotes around text).
fn plain(v: &AnyValue) -> String {
    match v {
        AnyValue::String(s) => s.to_string(),
        AnyValue::StringOwned(s) => s.to_string(),
        other => other.to_string(),
    }
}

fn key_values(df: &DataFrame, key: &[&str], limit: usize) -> Vec<String> {
    (0..df.height().min(limit))
        .map(|row| {
            key.iter()
                .map(|k| df.column(k).ok().and_then(|c| c.get(row).ok()).map(|v| plain(&v)).unwrap_or_default())
                .collect::<Vec<_>>()
                .join(" / ")
        })
        .collect()
}

/// Rows per slice of the duplicate-key check. A polars hash table of (entity, month) keys takes
/// about 130 bytes a key, so a slice stays near 500 MB whatever the size of the panel.
const ROWS_PER_SLICE: u64 = 4_000_000;

/// Filters splitting a table into slices of whole values of `column` (e.g. months), each of at
/// most `rows_per_slice` rows unless one value alone has more. Rows with the same key share
/// the value, so every repeated key lies within one slice.
fn key_slices(lf: &LazyFrame, column: &str, rows_per_slice: u64, context: &str) -> Result<Vec<Expr>> {
    let histogram = lf
        .clone()
        .group_by([col(column)])
        .agg([len().cast(DataType::UInt64).alias("__n")])
        .sort([column], SortMultipleOptions::default())
        .collect_streaming()
        .map_err(polars_err(context))?;
    let counts: Vec<u64> =
        histogram.column("__n").and_then(|c| c.u64()).map_err(polars_err(context))?.into_no_null_iter().collect();
    if counts.iter().sum::<u64>() <= rows_per_slice {
        return Ok(vec![lit(true)]);
    }
    let values = histogram.column(column).map_err(polars_err(context))?.as_materialized_series().clone();
    // The values in histogram rows `from..to` (an empty value in that range matches nothing).
    let values_in = |from: usize, to: usize| col(column).is_in(lit(values.slice(from as i64, to - from)).implode(false), false);
    let mut slices = Vec::new();
    if values.null_count() > 0 {
        slices.push(col(column).is_null());
    }
    let (mut first, mut rows) = (0, 0);
    for (i, n) in counts.iter().enumerate() {
        if values.get(i).is_ok_and(|v| v.is_null()) {
            continue;
        }
        if rows > 0 && rows + n > rows_per_slice {
            slices.push(values_in(first, i));
            rows = 0;
        }
        if rows == 0 {
            first = i;
        }
        rows += n;
    }
    if rows > 0 {
        slices.push(values_in(first, counts.len()));
    }
    Ok(slices)
}

/// Every key of `lf` found on more than one row, with its count (`__n`), sorted by key.
fn repeated_keys(lf: LazyFrame, key: &[&str], rows_per_slice: u64, context: &str) -> Result<DataFrame> {
    let key_cols = key.iter().map(|k| col(*k)).collect::<Vec<_>>();
    // A hash table of every key of a 10^8-row panel would not fit in memory, so composite keys
    // (entity × month) are checked one slice of months at a time.
    let slices = match key.split_last() {
        Some((last, entity)) if !entity.is_empty() => key_slices(&lf, last, rows_per_slice, context)?,
        _ => vec![lit(true)],
    };
    let mut found: Vec<LazyFrame> = Vec::new();
    for slice in slices {
        let repeated = lf
            .clone()
            .filter(slice)
            .group_by(key_cols.clone())
            .agg([len().alias("__n")])
            .filter(col("__n").gt(lit(1)))
            .collect_streaming()
            .map_err(polars_err(context))?;
        found.push(repeated.lazy());
    }
    concat(found, UnionArgs::default())
        .and_then(|all| all.sort(key.to_vec(), SortMultipleOptions::default()).collect())
        .map_err(polars_err(context))
}

fn check_duplicates(source: &PanelSource, table: Table, lf: LazyFrame, issues: &mut Vec<Issue>) -> Result<()> {
    let key = table.key();
    let context = source.table_display(table);
    let dups = repeated_keys(lf, key, ROWS_PER_SLICE, &context)?;
    if dups.height() > 0 {
        let examples = key_values(&dups, key, 5);
        issues.push(Issue {
            severity: Severity::Error,
            file: context,
            column: Some(key.join(", ")),
            rows: vec![],
            count: 0,
            expected: phrase!("data-one-row-per", key = key.join(" × ")),
            found: phrase!("data-repeated-keys", count = dups.height(), examples = examples.join("; ")),
            hint: Some(phrase!("data-hint-repeated")),
        });
    }
    Ok(())
}

fn check_reference(
    source: &PanelSource,
    (table, column, from): (Table, &str, LazyFrame),
    (target, target_column, to): (Table, &str, LazyFrame),
    issues: &mut Vec<Issue>,
) -> Result<()> {
    let missing = from
        .select([col(column)])
        .unique(None, UniqueKeepStrategy::Any)
        .join(to.select([col(target_column)]), [col(column)], [col(target_column)], JoinArgs::new(JoinType::Anti))
        .sort([column], SortMultipleOptions::default())
        .collect_streaming()
        .map_err(polars_err(source.table_display(table)))?;
    if missing.height() > 0 {
        issues.push(Issue {
            severity: Severity::Error,
            file: source.table_display(table),
            column: Some(column.to_string()),
            rows: vec![],
            count: 0,
            expected: phrase!("data-reference", column = column, target = format!("{target}.{target_column}")),
            found: phrase!(
                "data-unknown-values",
                count = missing.height(),
                examples = key_values(&missing, &[column], 5).join(", ")
            ),
            hint: Some(phrase!("data-hint-add-rows", file = source.table_display(target))),
        });
    }
    Ok(())
}

/// Check every file of a panel against the format; errors and warnings are both returned.
pub fn validate(source: &PanelSource) -> Result<Report> {
    let mut issues = Vec::new();
    // A directory impatto wrote as a whole must still hold the files it wrote together.
    for dir in source.dirs() {
        let files: Vec<&std::path::Path> = Table::ALL
            .iter()
            .flat_map(|t| source.table_files(*t))
            .map(|f| f.path.as_path())
            .filter(|p| p.parent() == Some(dir.as_path()))
            .collect();
        issues.extend(crate::manifest::check(dir, &files)?);
    }
    // Pages polars' reader would panic on are found first, and those files are not read further.
    let mut damaged = std::collections::BTreeSet::new();
    for table in Table::ALL {
        for file in source.table_files(table).iter().filter(|f| matches!(f.format, FileFormat::Parquet)) {
            let found = crate::parquet_check::damaged_pages(&file.path, &file.display())?;
            if !found.is_empty() {
                damaged.insert(file.path.clone());
                issues.extend(found);
            }
        }
    }
    let mut scans = std::collections::BTreeMap::new();
    for table in Table::ALL {
        let mut ok = true;
        for file in source.table_files(table) {
            if damaged.contains(&file.path) {
                ok = false;
                continue;
            }
            // polars' Parquet reader can panic on a damaged page the parquet crate decodes.
            let read = crate::parquet_check::quietly(|| {
                file.scan_with_raw(table, &mut issues).and_then(|scan| match scan {
                    Some((lf, conversions)) => run_row_checks(file, table, lf, &conversions, &mut issues),
                    None => Ok(false),
                })
            });
            let scanned = match read {
                Ok(scanned) => scanned,
                Err(why) => {
                    issues.push(crate::parquet_check::reader_failed(&file.display(), &why));
                    ok = false;
                    continue;
                }
            };
            match scanned {
                Ok(true) => {}
                Ok(false) => ok = false,
                Err(e) => {
                    // Say which row, where the reader only says that something is wrong.
                    let found = unreadable(file)?;
                    if found.is_empty() {
                        return Err(e);
                    }
                    issues.extend(found);
                    ok = false;
                }
            }
        }
        for file in source.table_files(table).iter().filter(|f| !damaged.contains(&f.path)) {
            if let FileFormat::Parquet = file.format {
                let text: Vec<&str> = table
                    .columns()
                    .iter()
                    .filter(|c| c.ty == ColumnType::Text)
                    .map(|c| file.renames.get(c.name).map(String::as_str).unwrap_or(c.name))
                    .collect();
                let found = crate::parquet_check::invalid_utf8(&file.path, &file.display(), &text)?;
                ok &= found.is_empty();
                issues.extend(found);
            }
        }
        if ok && source.has(table) {
            let lf = source.scan(table)?;
            let rows = lf
                .clone()
                .select([len().cast(DataType::UInt64).alias("n")])
                .collect()
                .map_err(polars_err(source.table_display(table)))?;
            if rows.column("n").and_then(|c| c.u64()).map_err(polars_err(source.table_display(table)))?.get(0) == Some(0) {
                issues.push(Issue {
                    severity: Severity::Warning,
                    file: source.table_display(table),
                    column: None,
                    rows: vec![],
                    count: 0,
                    expected: phrase!("data-table-rows", table = table.stem()),
                    found: phrase!("data-header-only"),
                    hint: Some(phrase!("data-hint-empty-table")),
                });
            }
            scans.insert(table, lf);
        }
    }
    for table in Table::ALL {
        if let Some(lf) = scans.get(&table) {
            check_duplicates(source, table, lf.clone(), &mut issues)?;
        }
    }
    let refs = [
        (Table::Beneficiaries, "programme", Table::Programmes, "programme"),
        (Table::Panel, "beneficiary_id", Table::Beneficiaries, "beneficiary_id"),
        (Table::Participants, "beneficiary_id", Table::Beneficiaries, "beneficiary_id"),
        (Table::Campaigns, "beneficiary_id", Table::Beneficiaries, "beneficiary_id"),
        (Table::Outcomes, "participant_id", Table::Participants, "participant_id"),
    ];
    for (table, column, target, target_column) in refs {
        if let (Some(from), Some(to)) = (scans.get(&table), scans.get(&target)) {
            check_reference(source, (table, column, from.clone()), (target, target_column, to.clone()), &mut issues)?;
        }
    }
    Ok(Report { issues })
}

/// Open and validate a panel; fails with [`Error::Invalid`] if there is any error.
///
/// Warnings come back with the source so the caller can print them.
pub fn open_validated<P: AsRef<std::path::Path>>(dirs: &[P]) -> Result<(PanelSource, Report)> {
    let source = PanelSource::open(dirs)?;
    let report = validate(&source)?;
    if report.has_errors() {
        return Err(Error::Invalid { report });
    }
    Ok((source, report))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Repeats in several months, a month with more rows than a slice, and a repeat with an
    /// empty month: whatever the slice size, the same repeated keys are found.
    #[test]
    fn repeated_keys_are_found_whatever_the_slice_size() {
        let df = df!(
            "beneficiary_id" => ["a", "a", "a", "b", "b", "b", "c", "c", "c", "c", "d", "d"],
            "month" => [Some(1), Some(1), Some(2), Some(2), Some(3), Some(3), Some(4), Some(5), Some(6), Some(6), None, None],
        )
        .expect("frame");
        let key = ["beneficiary_id", "month"];
        let found = |rows_per_slice| {
            let dups = repeated_keys(df.clone().lazy(), &key, rows_per_slice, "test").expect("checks");
            key_values(&dups, &key, 10)
        };
        // By hand: (a, 1), (b, 3), (c, 6) and (d, empty) are each on two rows.
        let expected = vec!["a / 1", "b / 3", "c / 6", "d / null"];
        for rows_per_slice in [1, 2, 3, 100] {
            assert_eq!(found(rows_per_slice), expected, "{rows_per_slice} rows per slice");
        }
        // Rows per month 1:2 2:2 3:2 4:1 5:1 6:2, so slices {1} {2} {3} {4, 5} {6}, and the empty month.
        assert_eq!(key_slices(&df.clone().lazy(), "month", 2, "test").expect("slices").len(), 6);
    }
}
