//! The checker: every rule a definition must meet, with the file and line of what breaks it,
//! and the one list of which fields a kind uses. It returns the definition resolved.

use impatto_datasets::schema::{self, ColumnSpec, ColumnType, Table};
use sha2::{Digest, Sha256};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::resolved;
use super::{
    Condition, Definition, JOINED_BENEFICIARY_COLUMNS, Kind, LoadedDefinition, MAX_MONTHS, Mode, Op, UnitTable, builtin_ids,
    column_type, derived_columns, parse_fraction,
};
use crate::error::{Error, Result};
use crate::plan::{Filter, Literal, Operand};

fn known_columns(table: Table) -> String {
    let mut names: Vec<&str> = table.columns().iter().map(|c| c.name).collect();
    names.extend(derived_columns(table).iter().map(|(n, _)| *n));
    if table == Table::Participants {
        names.extend(JOINED_BENEFICIARY_COLUMNS);
    }
    names.join(", ")
}

/// Quantity columns of a table (what may be summed).
fn quantities(table: Table) -> Vec<&'static str> {
    table.columns().iter().filter(|c| c.is_quantity()).map(|c| c.name).collect()
}

/// 1-based line of the first occurrence of `needle` in `text`.
fn line_of(text: &str, needle: &str) -> Option<usize> {
    text.lines().position(|l| l.contains(needle)).map(|i| i + 1)
}

/// Byte range of `needle` on its first line holding it (see [`line_of`]).
fn span_of(text: &str, needle: &str) -> Option<std::ops::Range<usize>> {
    text.find(needle).map(|start| start..start + needle.len())
}

/// The known name closest to `name` (comma-separated `known`), if close enough to be a typo.
fn nearest(name: &str, known: &str) -> Option<String> {
    known
        .split(", ")
        .map(|k| (strsim::damerau_levenshtein(name, k), k))
        .filter(|(d, k)| *d > 0 && *d <= 2.max(k.len() / 4))
        .min()
        .map(|(_, k)| k.to_string())
}

/// A parser's "unknown variant `shar`, expected one of `count`, `share`, …" (a kind, unit,
/// operator…) or "unknown field" with the nearest of the names it lists added.
fn with_suggestion(message: &str) -> String {
    let found = message
        .strip_prefix("unknown variant `")
        .or_else(|| message.strip_prefix("unknown field `"))
        .and_then(|rest| rest.split('`').next());
    let listed = message.split_once("expected one of ").or_else(|| message.split_once("expected ")).map(|(_, l)| l);
    match (found, listed) {
        (Some(found), Some(listed)) => {
            let names: Vec<&str> = listed.split('`').skip(1).step_by(2).collect();
            match nearest(found, &names.join(", ")) {
                Some(n) => format!("{message}; did you mean `{n}`?"),
                None => message.to_string(),
            }
        }
        _ => message.to_string(),
    }
}

/// A definition error at `span` (its line derived from it).
fn error_at(file: &str, text: &str, span: Option<std::ops::Range<usize>>, message: String) -> Error {
    let line = span.as_ref().map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
    Error::Definition { file: file.to_string(), line, span, message }
}

/// 1-based line of the first line holding every needle, else of the first needle.
fn line_of_all(text: &str, needles: &[&str]) -> Option<usize> {
    text.lines()
        .position(|l| needles.iter().all(|n| l.contains(n)))
        .map(|i| i + 1)
        .or_else(|| needles.first().and_then(|n| line_of(text, n)))
}

/// A step into a TOML document: a key of a table or an index of an array.
#[derive(Clone, Copy, Debug)]
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}
use Step::{Index, Key};

/// The definition file as the TOML parser saw it, for exact line numbers of fields.
struct Spans<'a> {
    text: &'a str,
    root: Option<Spanned<DeTable<'a>>>,
}

impl<'a> Spans<'a> {
    fn new(text: &'a str) -> Self {
        Spans { text, root: DeTable::parse(text).ok() }
    }

    /// Byte range of the value at `path`.
    fn span(&self, path: &[Step]) -> Option<std::ops::Range<usize>> {
        let root = self.root.as_ref()?;
        let mut span = root.span();
        let mut value: Option<&DeValue> = None;
        for step in path {
            let next = match (step, value) {
                (Key(k), None) => root.get_ref().iter().find(|(key, _)| key.get_ref().as_ref() == *k).map(|(_, v)| v),
                (Key(k), Some(v)) => v.as_table()?.iter().find(|(key, _)| key.get_ref().as_ref() == *k).map(|(_, v)| v),
                (Index(i), Some(v)) => v.as_array()?.get(*i),
                (Index(_), None) => None,
            }?;
            span = next.span();
            value = Some(next.get_ref());
        }
        Some(span.start.min(self.text.len())..span.end.min(self.text.len()))
    }
}

struct Checker<'a> {
    file: &'a str,
    text: &'a str,
    table: Table,
    spans: Spans<'a>,
}

impl Checker<'_> {
    fn fail(&self, needle: &str, message: String) -> Error {
        error_at(self.file, self.text, span_of(self.text, needle), message)
    }

    /// An error at the value of `path` (exact line from the TOML parser; else the first line
    /// naming the path's last key).
    fn at(&self, path: &[Step], message: String) -> Error {
        let span = self
            .spans
            .span(path)
            .or_else(|| path.iter().rev().find_map(|s| if let Key(k) = s { span_of(self.text, k) } else { None }));
        error_at(self.file, self.text, span, message)
    }

    fn fail_near(&self, needles: &[&str], message: String) -> Error {
        let line = line_of_all(self.text, needles);
        let span = line.and_then(|l| {
            let start: usize = self.text.split_inclusive('\n').take(l - 1).map(str::len).sum();
            let text = self.text[start..].lines().next()?;
            let offset = needles.iter().find_map(|n| text.find(n)).unwrap_or(0);
            let needle = needles.iter().find(|n| text.contains(*n)).map_or(text.len() - offset, |n| n.len());
            Some(start + offset..start + offset + needle)
        });
        error_at(self.file, self.text, span, message)
    }

    fn column(&self, field: &str, name: &str) -> Result<ColumnType> {
        column_type(self.table, name).ok_or_else(|| {
            self.fail(
                &format!("\"{name}\""),
                format!(
                    "{field}: unknown column `{name}` for table `{}`{} (expected one of: {})",
                    self.table,
                    nearest(name, &known_columns(self.table)).map(|n| format!("; did you mean `{n}`?")).unwrap_or_default(),
                    known_columns(self.table)
                ),
            )
        })
    }

    fn panel_measure(&self, field: &str, name: &str) -> Result<()> {
        match Table::Panel.column(name) {
            Some(spec) if spec.is_quantity() => Ok(()),
            _ => Err(self.at(
                &[Key(field)],
                format!(
                    "{field}: expected a numeric panel column ({}), found `{name}`{}",
                    quantities(Table::Panel).join(", "),
                    Table::Panel.column(name).map(|c| format!(" ({})", c.ty.name())).unwrap_or_default()
                ),
            )),
        }
    }

    /// A column summed by `field`: it must exist and be a quantity (persons, FTE, cents).
    fn summed(&self, field: &str, name: &str) -> Result<()> {
        self.column_at(&[Key(field)], field, name)?;
        match self.table.column(name).or_else(|| self.joined(name)) {
            Some(spec) if spec.is_quantity() => Ok(()),
            spec => {
                let what = match spec {
                    Some(s) if s.ty == ColumnType::Integer || s.ty == ColumnType::Number => {
                        format!(
                            "{} code ({}), not a quantity",
                            if s.ty == ColumnType::Integer { "an integer" } else { "a number" },
                            if s.unit.is_empty() { "no unit" } else { s.unit }
                        )
                    }
                    Some(s) => format!("a {} column", s.ty.name()),
                    None => "a derived column".to_string(),
                };
                Err(self.at(
                    &[Key(field)],
                    format!(
                        "{field}: expected a numeric column of `{}` to sum ({}), found `{name}`, {what}",
                        self.table,
                        quantities(self.table).join(", ")
                    ),
                ))
            }
        }
    }

    /// The spec of a beneficiary column joined onto participant rows.
    fn joined(&self, name: &str) -> Option<&'static ColumnSpec> {
        (self.table == Table::Participants && JOINED_BENEFICIARY_COLUMNS.contains(&name))
            .then(|| Table::Beneficiaries.column(name))
            .flatten()
    }

    /// `column`, with the error at `path`.
    fn column_at(&self, path: &[Step], field: &str, name: &str) -> Result<ColumnType> {
        column_type(self.table, name).ok_or_else(|| {
            self.at(
                path,
                format!(
                    "{field}: unknown column `{name}` for table `{}`{} (expected one of: {})",
                    self.table,
                    nearest(name, &known_columns(self.table)).map(|n| format!("; did you mean `{n}`?")).unwrap_or_default(),
                    known_columns(self.table)
                ),
            )
        })
    }

    /// The `i`th breakdown: a categorical column (text, integer or boolean codes).
    fn breakdown(&self, i: usize, name: &str) -> Result<()> {
        let path = [Key("disaggregations"), Index(i)];
        let ty = self.column_at(&path, "disaggregations", name)?;
        let problem = if schema::IDENTIFIERS.contains(&name) {
            Some(format!(
                "an identifier, so every cell would be a single {}",
                if self.table == Table::Participants { "person" } else { "entity" }
            ))
        } else {
            match ty {
                ColumnType::Text | ColumnType::Integer | ColumnType::Boolean => None,
                ColumnType::Date => Some(format!(
                    "a date (hint: break down by {})",
                    if self.table == Table::Participants {
                        "`age_band_eu` or `age_band_esf`"
                    } else {
                        "`birth_year` or `edition`"
                    }
                )),
                other => Some(format!("a {} column", other.name())),
            }
        };
        match problem {
            None => Ok(()),
            Some(problem) => Err(self.at(
                &path,
                format!(
                    "disaggregations: expected a categorical column (text, integer or boolean codes such as programme, municipio{}), found `{name}`, {problem}",
                    if self.table == Table::Participants { ", gender" } else { ", kind" }
                ),
            )),
        }
    }

    fn date_column(&self, field: &str, name: &str, allow_as_of: bool) -> Result<()> {
        if allow_as_of && name == "as_of" {
            return Ok(());
        }
        match column_type(self.table, name) {
            Some(ColumnType::Date) => Ok(()),
            _ => Err(self.fail_near(
                &[field, &format!("\"{name}\"")],
                format!(
                    "window.{field}: expected a date column of `{}`{}, found `{name}`",
                    self.table,
                    if allow_as_of { " or `as_of`" } else { "" }
                ),
            )),
        }
    }

    /// Check a condition and return it as a typed filter (values in the column's type, dates as
    /// days, fractions as exact integers).
    fn condition(&self, field: &str, c: &Condition) -> Result<Filter> {
        let is_ratio = c.numerator.is_some() || c.denominator.is_some() || c.fraction.is_some();
        if is_ratio {
            let (Some(num), Some(den), Some(frac)) = (&c.numerator, &c.denominator, &c.fraction) else {
                return Err(
                    self.fail("fraction", format!("{field}: a ratio test needs numerator, denominator and fraction together"))
                );
            };
            for name in [num, den] {
                if self.column(field, name)? != ColumnType::Integer {
                    return Err(self.fail(
                        &format!("\"{name}\""),
                        format!("{field}: ratio tests compare whole counts; `{name}` is not an integer column"),
                    ));
                }
            }
            let Some((p, q)) = parse_fraction(frac) else {
                return Err(
                    self.fail(frac, format!("{field}: expected a fraction p/q between 0 and 1 (e.g. \"1/2\"), found \"{frac}\""))
                );
            };
            if !matches!(c.op, Op::Gt | Op::Ge | Op::Lt | Op::Le | Op::Eq) {
                return Err(self.fail("fraction", format!("{field}: a ratio test takes gt, ge, lt, le or eq, found {:?}", c.op)));
            }
            return Ok(Filter {
                column: Operand::Ratio { numerator: num.clone(), denominator: den.clone() },
                op: c.op,
                literal: Literal::Fraction { numerator: p, denominator: q },
            });
        }
        let Some(name) = &c.column else {
            return Err(self.fail(field, format!("{field}: a condition needs `column` (or numerator/denominator/fraction)")));
        };
        let ty = self.column(field, name)?;
        let needs_value = c.op.compares();
        let needs_values = c.op.tests_membership();
        if needs_value != c.value.is_some() || needs_values != c.values.is_some() {
            return Err(self.fail(
                &format!("\"{name}\""),
                format!(
                    "{field}: operator {:?} on `{name}` expects {}",
                    c.op,
                    if needs_value {
                        "`value`"
                    } else if needs_values {
                        "`values = [...]`"
                    } else {
                        "neither value nor values"
                    }
                ),
            ));
        }
        let literal = |v: &toml::Value| -> Result<Literal> {
            let typed = match (ty, v) {
                (ColumnType::Text, toml::Value::String(s)) => Some(Literal::Text(s.clone())),
                (ColumnType::Integer | ColumnType::Cents | ColumnType::Number, toml::Value::Integer(i)) => {
                    Some(Literal::Integer(*i))
                }
                (ColumnType::Number, toml::Value::Float(f)) => Some(Literal::Float(*f)),
                (ColumnType::Boolean, toml::Value::Boolean(b)) => Some(Literal::Bool(*b)),
                (ColumnType::Date, toml::Value::Datetime(d)) => {
                    let Some(days) =
                        d.date.and_then(|date| days_since_epoch(date.year.into(), date.month.into(), date.day.into()))
                    else {
                        return Err(self.fail(
                            &format!("\"{name}\""),
                            format!(
                                "{field}: `{name}` is a date, expected a calendar date such as 2020-01-31, found the value {v}"
                            ),
                        ));
                    };
                    Some(Literal::Date(days))
                }
                _ => None,
            };
            let Some(typed) = typed else {
                return Err(self.fail(&format!("\"{name}\""), format!("{field}: `{name}` is {}, found the value {v}", ty.name())));
            };
            if let Literal::Text(s) = &typed
                && let Some(spec) = self.table.column(name).or_else(|| Table::Beneficiaries.column(name))
                && !spec.allowed.is_empty()
                && !spec.allowed.contains(&s.as_str())
            {
                return Err(
                    self.fail(&format!("\"{s}\""), format!("{field}: `{name}` takes {}, found \"{s}\"", spec.allowed.join(", ")))
                );
            }
            Ok(typed)
        };
        let literal = match (&c.value, &c.values) {
            (Some(v), None) => literal(v)?,
            (None, Some(vs)) => Literal::List(vs.iter().map(literal).collect::<Result<_>>()?),
            _ => Literal::Absent,
        };
        Ok(Filter::column(name.clone(), c.op, literal))
    }
}

/// Days since 1970-01-01 of a calendar date, if it exists.
fn days_since_epoch(year: i32, month: u32, day: u32) -> Option<i32> {
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1)?;
    let date = chrono::NaiveDate::from_ymd_opt(year, month, day)?;
    i32::try_from((date - epoch).num_days()).ok()
}

/// The one list of fields only some kinds use: (field as written, is it set, the kinds that
/// use it). Any such field set for another kind is an error.
fn kind_fields(def: &Definition) -> [(&'static str, bool, &'static [Kind]); 16] {
    use Kind::*;
    let w = &def.window;
    [
        ("numerator", !def.numerator.is_empty(), &[Share]),
        ("numerator_sum", def.numerator_sum.is_some(), &[Share]),
        ("denominator_sum", def.denominator_sum.is_some(), &[Share, Ratio]),
        ("measure", def.measure.is_some(), &[JobsChange, NewJobsShare, Stock, Ratio]),
        ("part", def.part.is_some(), &[NewJobsShare]),
        ("mode", def.mode.is_some(), &[JobsChange]),
        ("window.date", w.date.is_some(), &[Count, Share]),
        ("window.baseline", w.baseline.is_some(), &[JobsChange, NewJobsShare]),
        ("window.measure_at", w.measure_at.is_some(), &[JobsChange, NewJobsShare]),
        ("window.offset_months", w.offset_months.is_some(), &[JobsChange, NewJobsShare]),
        ("window.from", w.from.is_some(), &[Ratio]),
        ("window.years", w.years.is_some(), &[CohortSurvival]),
        ("window.horizons_months", w.horizons_months.is_some() || w.origin.is_some(), &[KaplanMeier]),
        ("conf_type", def.conf_type.is_some(), &[KaplanMeier]),
        ("takeover", def.takeover.is_some(), &[KaplanMeier]),
        ("ci", def.ci.is_some(), &[Share, NewJobsShare, CohortSurvival]),
    ]
}

/// Is `v` a canonical semantic version MAJOR.MINOR.PATCH: decimal numbers, no leading zeros?
fn canonical_version(v: &str) -> bool {
    let parts: Vec<&str> = v.split('.').collect();
    parts.len() == 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.bytes().all(|b| b.is_ascii_digit())
                && (p == &"0" || !p.starts_with('0'))
                && p.parse::<u64>().is_ok()
        })
}

/// Parse, check and resolve one definition file's text; `variant_of` may name a built-in
/// indicator or one of `others` (ids checked together).
pub(super) fn parse_among(file: &str, text: &str, others: &[String]) -> Result<LoadedDefinition> {
    let def: Definition =
        toml::from_str(text).map_err(|e| error_at(file, text, e.span(), with_suggestion(e.message().trim_end())))?;
    let unit_table = match def.table.as_deref() {
        None => UnitTable::DEFAULT,
        Some(name) => UnitTable::from_name(name, def.kind).ok_or_else(|| {
            error_at(
                file,
                text,
                span_of(text, &format!("\"{name}\"")).or_else(|| span_of(text, "table")),
                format!(
                    "table: expected `beneficiaries`{}, found `{name}`",
                    if matches!(def.kind, Kind::Count | Kind::Share) {
                        " or `participants`"
                    } else {
                        " (panel kinds count beneficiaries)"
                    }
                ),
            )
        })?,
    };
    let table = unit_table.table();
    let ck = Checker { file, text, table, spans: Spans::new(text) };
    if def.id.trim().is_empty() || def.id.contains(char::is_whitespace) {
        return Err(ck.fail("id", format!("id: expected a non-empty id without spaces, found \"{}\"", def.id)));
    }
    if !canonical_version(&def.version) {
        return Err(ck.at(
            &[Key("version")],
            format!(
                "version: expected MAJOR.MINOR.PATCH, whole numbers without leading zeros (e.g. \"1.0.0\"), found \"{}\"",
                def.version
            ),
        ));
    }
    // Names and descriptions are what partners and the council read: a blank one is a mistake.
    let blank = [
        ("name.it", def.name.it.as_str(), &[Key("name"), Key("it")][..]),
        ("name.en", def.name.en.as_str(), &[Key("name"), Key("en")][..]),
        ("description.it", def.description.it(), &[Key("description"), Key("it")][..]),
        ("description.en", def.description.en(), &[Key("description"), Key("en")][..]),
    ]
    .into_iter()
    .find(|(_, text, _)| text.trim().is_empty());
    if let Some((field, _, path)) = blank {
        let path =
            if field.starts_with("description") && matches!(def.description, super::Prose::One(_)) { &path[..1] } else { path };
        return Err(ck.at(path, format!("{field}: expected words for readers, found an empty text")));
    }
    if let Some(parent) = &def.variant_of {
        let known = |id: &String| id == parent;
        if parent == &def.id {
            return Err(
                ck.at(&[Key("variant_of")], format!("variant_of: expected another indicator's id, found its own id `{parent}`"))
            );
        }
        if !builtin_ids().iter().any(known) && !others.iter().any(known) {
            let mut ids: Vec<&str> = builtin_ids().iter().chain(others).map(String::as_str).filter(|i| *i != def.id).collect();
            ids.sort_unstable();
            ids.dedup();
            return Err(ck.at(
                &[Key("variant_of")],
                format!(
                    "variant_of: expected the id of a built-in indicator or of a definition checked with this one ({}), found `{parent}`",
                    ids.join(", ")
                ),
            ));
        }
    }
    for (field, present, kinds) in kind_fields(&def) {
        if present && !kinds.contains(&def.kind) {
            if field == "ci" {
                return Err(ck.fail("ci", format!("ci does not apply to kind `{}`", def.kind.name())));
            }
            let key = field.rsplit('.').next().unwrap_or(field);
            return Err(
                ck.fail(key, format!("{field} does not apply to kind `{}` (remove it, or choose another kind)", def.kind.name()))
            );
        }
    }
    let population = def.population.iter().map(|c| ck.condition("population", c)).collect::<Result<Vec<_>>>()?;
    let numerator = def.numerator.iter().map(|c| ck.condition("numerator", c)).collect::<Result<Vec<_>>>()?;
    for (i, name) in def.disaggregations.iter().enumerate() {
        ck.breakdown(i, name)?;
    }
    if let Some(level) = def.confidence
        && !(level > 0.5 && level < 1.0)
    {
        return Err(ck.fail("confidence", format!("confidence: expected a level between 0.5 and 1 (e.g. 0.95), found {level}")));
    }
    if def.small_cell == Some(0) {
        return Err(ck.fail("small_cell", "small_cell: expected at least 1 (1 disables suppression), found 0".into()));
    }
    match def.kind {
        Kind::Count => {}
        Kind::Share => {
            let by_sum = def.numerator_sum.is_some() || def.denominator_sum.is_some();
            if by_sum {
                let (Some(n), Some(d)) = (&def.numerator_sum, &def.denominator_sum) else {
                    return Err(ck.fail("_sum", "share: numerator_sum and denominator_sum go together".into()));
                };
                ck.summed("numerator_sum", n)?;
                ck.summed("denominator_sum", d)?;
                if !def.numerator.is_empty() {
                    return Err(ck.fail("numerator", "share: use either numerator conditions or numerator_sum, not both".into()));
                }
            } else if def.numerator.is_empty() {
                return Err(ck.fail(
                    "kind",
                    "share: expected `numerator` conditions or numerator_sum/denominator_sum, found neither".into(),
                ));
            }
        }
        Kind::JobsChange | Kind::NewJobsShare | Kind::Stock | Kind::Ratio => {
            let Some(measure) = &def.measure else {
                return Err(
                    ck.fail("kind", format!("{}: expected `measure` (a numeric panel column), found none", def.kind.name()))
                );
            };
            ck.panel_measure("measure", measure)?;
            if let Some(part) = &def.part {
                let parts = schema::parts_of(Table::Panel, measure);
                if !parts.contains(&part.as_str()) {
                    let expected = if parts.is_empty() {
                        let wholes: Vec<String> = schema::SUB_COUNTS
                            .iter()
                            .filter(|s| s.0 == Table::Panel)
                            .map(|s| format!("{} of {}", s.1, s.2))
                            .collect();
                        format!("a sub-count of `{measure}`, but `{measure}` has none (sub-counts: {})", wholes.join(", "))
                    } else {
                        format!("a sub-count of measure `{measure}` ({})", parts.join(", "))
                    };
                    let hint = if part == measure {
                        " (hint: `part` counts a group within `measure`, e.g. part = \"women\" with measure = \"headcount\")"
                    } else {
                        ""
                    };
                    return Err(ck.at(&[Key("part")], format!("part: expected {expected}, found `{part}`{hint}")));
                }
            } else if def.kind == Kind::NewJobsShare {
                return Err(ck.fail("kind", "new_jobs_share: expected `part` (e.g. \"women\"), found none".into()));
            }
            if let Some(mode) = &def.mode
                && Mode::from_name(mode).is_none()
            {
                return Err(ck.fail("mode", format!("mode: expected `gross` or `net`, found `{mode}`")));
            }
            if let Some(b) = &def.window.baseline {
                ck.date_column("baseline", b, false)?;
            }
            if let Some(m) = &def.window.measure_at {
                ck.date_column("measure_at", m, true)?;
            }
            if let Some(f) = &def.window.from {
                ck.date_column("from", f, false)?;
            }
            if def.kind == Kind::Ratio {
                let Some(den) = &def.denominator_sum else {
                    return Err(ck.fail("kind", "ratio: expected `denominator_sum` (a beneficiary column), found none".into()));
                };
                ck.summed("denominator_sum", den)?;
            }
            if let Some(offset) = def.window.offset_months
                && !(0..=MAX_MONTHS).contains(&offset)
            {
                return Err(ck.at(
                    &[Key("window"), Key("offset_months")],
                    format!("window.offset_months: expected 0 to {MAX_MONTHS} months (50 years), found {offset}"),
                ));
            }
        }
        Kind::CohortSurvival => match def.window.years {
            Some(y) if (1..=10).contains(&y) => {}
            other => {
                return Err(ck.fail("years", format!("window.years: expected 1 to 10 (Eurostat t+1 … t+5), found {other:?}")));
            }
        },
        Kind::KaplanMeier => {
            if let Some(h) = &def.window.horizons_months
                && let Some(bad) = h.iter().find(|&&m| m == 0 || m > MAX_MONTHS as u32)
            {
                return Err(ck.at(
                    &[Key("window"), Key("horizons_months")],
                    format!("window.horizons_months: expected months from 1 to {MAX_MONTHS}, found {bad}"),
                ));
            }
            if let Some(h) = &def.window.horizons_months
                && (h.is_empty() || h.windows(2).any(|w| w[0] >= w[1]))
            {
                return Err(ck.fail(
                    "horizons_months",
                    format!("window.horizons_months: expected increasing months, e.g. [12, 24, 36], found {h:?}"),
                ));
            }
            if let Some(o) = &def.window.origin {
                ck.date_column("origin", o, false)?;
            }
        }
    }
    if let Some(d) = &def.window.date {
        ck.date_column("date", d, false)?;
    }
    let hash: String = Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
    let resolved = resolved::resolve(&def, unit_table, population, numerator)?;
    Ok(LoadedDefinition { def, resolved, file: file.to_string(), hash: format!("sha256:{hash}"), table })
}
