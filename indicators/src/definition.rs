//! Indicator definition files: what a partner reads, edits and signs.
//!
//! One indicator is one TOML file. Parsing is strict (unknown fields are errors, so a typo
//! cannot silently change a definition) and is followed by a semantic check against the panel
//! format: every column must exist in the indicator's table, its joined beneficiary columns or
//! the documented derived columns; every field must mean something for the indicator's kind.
//! Each field's meaning and default sit beside it below; `indicators/definitions/README.md`
//! is the same text for people.

use std::collections::BTreeMap;
use std::path::Path;

use impatto_datasets::schema::{ColumnType, Table};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// The kind of computation; each kind is one function in [`crate::compile`].
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Number of rows (entities or people) in the population.
    Count,
    /// Share of the population meeting `numerator` conditions, or Σ `numerator_sum` / Σ `denominator_sum`.
    Share,
    /// Σ over entities of the change of a panel measure between two months (gross: negatives count as 0).
    JobsChange,
    /// Share of new positions held by a group: Σ max(0, Δpart) / (Σ max(0, Δpart) + Σ max(0, Δ(whole − part))).
    NewJobsShare,
    /// Σ of a panel measure in the as-of month.
    Stock,
    /// Σ of a panel measure over months from an anchor to the as-of date, ÷ Σ a beneficiary column.
    Ratio,
    /// Eurostat-OECD n-year survival rate of a birth cohort; incomplete cohorts excluded.
    CohortSurvival,
    /// Kaplan-Meier survival at given horizons, Greenwood variance.
    KaplanMeier,
}

impl Kind {
    /// Name as written in files.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Count => "count",
            Kind::Share => "share",
            Kind::JobsChange => "jobs_change",
            Kind::NewJobsShare => "new_jobs_share",
            Kind::Stock => "stock",
            Kind::Ratio => "ratio",
            Kind::CohortSurvival => "cohort_survival",
            Kind::KaplanMeier => "kaplan_meier",
        }
    }

    /// The table whose rows the kind counts; panel kinds count beneficiaries.
    fn default_table(self) -> Table {
        match self {
            Kind::Count | Kind::Share => Table::Beneficiaries,
            _ => Table::Beneficiaries,
        }
    }
}

/// Confidence-interval method for shares.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "kebab-case")]
pub enum CiMethod {
    /// Wilson score interval (default: good coverage at small n).
    #[default]
    Wilson,
    /// Clopper-Pearson exact interval (conservative).
    ClopperPearson,
    /// No interval (counts and sums).
    None,
}

/// Confidence interval of Kaplan-Meier survival, named as R's `conf.type`.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "kebab-case")]
pub enum ConfType {
    /// exp(−exp(log(−log S) ± z σ / log S)): stays inside (0, 1). Default, as in the research.
    #[default]
    LogLog,
    /// exp(log S ± z σ), capped at 1.
    Log,
    /// S ± z S σ, clipped to [0, 1].
    Plain,
}

/// What a take-over or merger means for survival.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum TakeoverRule {
    /// The activity survives in the new unit (Eurostat-OECD "survival by take-over"). Default.
    #[default]
    Survival,
    /// Followed until the take-over, then censored (common in Kaplan-Meier studies).
    Censor,
}

/// Comparison operator of a condition.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    /// equal to `value`
    Eq,
    /// not equal to `value`
    Ne,
    /// less than `value`
    Lt,
    /// at most `value`
    Le,
    /// greater than `value`
    Gt,
    /// at least `value`
    Ge,
    /// one of `values`
    In,
    /// none of `values`
    NotIn,
    /// empty
    IsNull,
    /// filled
    NotNull,
}

/// A row condition. Either `column op value(s)`, or an exact ratio test
/// `numerator / denominator op fraction`, evaluated as integers (`numerator × q op p × denominator`)
/// so that no rounding can move a threshold.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    /// Column tested (raw, joined or derived).
    pub column: Option<String>,
    /// Numerator column of a ratio test.
    pub numerator: Option<String>,
    /// Denominator column of a ratio test.
    pub denominator: Option<String>,
    /// Operator.
    pub op: Op,
    /// Value for eq/ne/lt/le/gt/ge.
    pub value: Option<toml::Value>,
    /// Values for in/not_in.
    pub values: Option<Vec<toml::Value>>,
    /// Threshold of a ratio test, as "p/q" (e.g. "1/2", "2/3").
    pub fraction: Option<String>,
}

/// Names in Italian and English.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Names {
    /// Italian name.
    pub it: String,
    /// English name.
    pub en: String,
}

/// Time window. Which fields apply depends on the kind; unused ones are errors.
#[derive(Clone, Debug, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct Window {
    /// count/share: rows count only if this date is on or before the as-of date. Default: none.
    pub date: Option<String>,
    /// jobs_change/new_jobs_share: month of the baseline value (a date column). Default `support_start`.
    pub baseline: Option<String>,
    /// jobs_change/new_jobs_share: month of the measured value, a date column or `as_of`. Default `support_end`.
    pub measure_at: Option<String>,
    /// Months added to `measure_at` (RCR01: 12 after completion). Default 0.
    pub offset_months: Option<i32>,
    /// ratio: first month summed (a date column). Default `support_start`.
    pub from: Option<String>,
    /// cohort_survival: years after birth (Eurostat t+n). Required for that kind.
    pub years: Option<i32>,
    /// kaplan_meier: horizons in months. Default [12, 24, 36].
    pub horizons_months: Option<Vec<u32>>,
    /// kaplan_meier: origin of time (a date column). Default `support_start`.
    pub origin: Option<String>,
}

/// One indicator definition file.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Definition {
    /// Stable id, e.g. `PAR-02`.
    pub id: String,
    /// Semantic version of the definition; bump it whenever a result could change.
    pub version: String,
    /// Names.
    pub name: Names,
    /// What it measures, in plain words.
    pub description: String,
    /// Unit of the value (`entities`, `persons`, `share`, `FTE`, `ratio`, `probability`).
    pub unit: String,
    /// Computation kind.
    pub kind: Kind,
    /// Table whose rows form the population: `beneficiaries` or `participants`. Default `beneficiaries`.
    pub table: Option<String>,
    /// Conditions every counted row meets (the denominator of a share). Default: none.
    #[serde(default)]
    pub population: Vec<Condition>,
    /// share: conditions a population row meets to count in the numerator.
    #[serde(default)]
    pub numerator: Vec<Condition>,
    /// share: column summed for the numerator (instead of counting rows).
    pub numerator_sum: Option<String>,
    /// share: column summed for the denominator; and ratio: beneficiary column summed.
    pub denominator_sum: Option<String>,
    /// jobs_change/stock/ratio: panel measure (fte, headcount, women, private_investment_cents, …).
    pub measure: Option<String>,
    /// new_jobs_share: panel column counting the group (e.g. `women`) within `measure`.
    pub part: Option<String>,
    /// jobs_change: `gross` (Σ max(0, Δ), RCR01) or `net` (Σ Δ, IRIS PI3687). Default `gross`.
    pub mode: Option<String>,
    /// Time window.
    #[serde(default)]
    pub window: Window,
    /// Columns results may be broken down by.
    #[serde(default)]
    pub disaggregations: Vec<String>,
    /// Interval method for shares. Default `wilson` for shares, `none` otherwise.
    pub ci: Option<CiMethod>,
    /// Confidence level. Default 0.95.
    pub confidence: Option<f64>,
    /// kaplan_meier: interval type. Default `log-log`.
    pub conf_type: Option<ConfType>,
    /// kaplan_meier: take-overs and mergers. Default `survival` (the Eurostat-OECD rule, which
    /// cohort_survival always applies).
    pub takeover: Option<TakeoverRule>,
    /// Cells counting fewer units than this are suppressed (SISTAN minimum is 3). Default 3.
    pub small_cell: Option<u64>,
    /// Codes in external frameworks: `iris`, `eu`, `eurostat`, `esf`, …
    #[serde(default)]
    pub codes: BTreeMap<String, String>,
    /// Id of the indicator this one is a named variant of.
    pub variant_of: Option<String>,
}

/// A definition with where it came from.
#[derive(Clone, Debug)]
pub struct LoadedDefinition {
    /// Parsed definition.
    pub def: Definition,
    /// File name (for messages).
    pub file: String,
    /// `sha256:` of the file bytes: what a partner signs.
    pub hash: String,
    /// The table whose rows are counted.
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

fn known_columns(table: Table) -> String {
    let mut names: Vec<&str> = table.columns().iter().map(|c| c.name).collect();
    names.extend(derived_columns(table).iter().map(|(n, _)| *n));
    if table == Table::Participants {
        names.extend(JOINED_BENEFICIARY_COLUMNS);
    }
    names.join(", ")
}

/// 1-based line of the first occurrence of `needle` in `text`.
fn line_of(text: &str, needle: &str) -> Option<usize> {
    text.lines().position(|l| l.contains(needle)).map(|i| i + 1)
}

/// 1-based line of the first line holding every needle, else of the first needle.
fn line_of_all(text: &str, needles: &[&str]) -> Option<usize> {
    text.lines()
        .position(|l| needles.iter().all(|n| l.contains(n)))
        .map(|i| i + 1)
        .or_else(|| needles.first().and_then(|n| line_of(text, n)))
}

/// Parse `p/q` into integers with q > 0 and 0 ≤ p ≤ q.
pub fn parse_fraction(s: &str) -> Option<(i64, i64)> {
    let (p, q) = s.split_once('/')?;
    let (p, q) = (p.trim().parse::<i64>().ok()?, q.trim().parse::<i64>().ok()?);
    (q > 0 && (0..=q).contains(&p)).then_some((p, q))
}

struct Checker<'a> {
    file: &'a str,
    text: &'a str,
    table: Table,
}

impl Checker<'_> {
    fn fail(&self, needle: &str, message: String) -> Error {
        Error::Definition { file: self.file.to_string(), line: line_of(self.text, needle), message }
    }

    fn fail_near(&self, needles: &[&str], message: String) -> Error {
        Error::Definition { file: self.file.to_string(), line: line_of_all(self.text, needles), message }
    }

    fn column(&self, field: &str, name: &str) -> Result<ColumnType> {
        column_type(self.table, name).ok_or_else(|| {
            self.fail(
                &format!("\"{name}\""),
                format!(
                    "{field}: unknown column `{name}` for table `{}` (expected one of: {})",
                    self.table,
                    known_columns(self.table)
                ),
            )
        })
    }

    fn panel_measure(&self, field: &str, name: &str) -> Result<()> {
        match Table::Panel.column(name) {
            Some(spec) if matches!(spec.ty, ColumnType::Integer | ColumnType::Number | ColumnType::Cents) => Ok(()),
            _ => {
                let numeric: Vec<&str> = Table::Panel
                    .columns()
                    .iter()
                    .filter(|c| matches!(c.ty, ColumnType::Integer | ColumnType::Number | ColumnType::Cents))
                    .map(|c| c.name)
                    .collect();
                Err(self.fail(
                    &format!("\"{name}\""),
                    format!("{field}: expected a numeric panel column ({}), found `{name}`", numeric.join(", ")),
                ))
            }
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

    fn condition(&self, field: &str, c: &Condition) -> Result<()> {
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
            if parse_fraction(frac).is_none() {
                return Err(
                    self.fail(frac, format!("{field}: expected a fraction p/q between 0 and 1 (e.g. \"1/2\"), found \"{frac}\""))
                );
            }
            if !matches!(c.op, Op::Gt | Op::Ge | Op::Lt | Op::Le | Op::Eq) {
                return Err(self.fail("fraction", format!("{field}: a ratio test takes gt, ge, lt, le or eq, found {:?}", c.op)));
            }
            return Ok(());
        }
        let Some(name) = &c.column else {
            return Err(self.fail(field, format!("{field}: a condition needs `column` (or numerator/denominator/fraction)")));
        };
        let ty = self.column(field, name)?;
        let needs_value = matches!(c.op, Op::Eq | Op::Ne | Op::Lt | Op::Le | Op::Gt | Op::Ge);
        let needs_values = matches!(c.op, Op::In | Op::NotIn);
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
        let values: Vec<&toml::Value> = c.value.iter().chain(c.values.iter().flatten()).collect();
        for v in values {
            let ok = match ty {
                ColumnType::Text => v.is_str(),
                ColumnType::Integer | ColumnType::Cents => v.is_integer(),
                ColumnType::Number => v.is_integer() || v.is_float(),
                ColumnType::Boolean => v.is_bool(),
                ColumnType::Date => v.is_datetime(),
            };
            if !ok {
                return Err(self.fail(&format!("\"{name}\""), format!("{field}: `{name}` is {}, found the value {v}", ty.name())));
            }
            if let (ColumnType::Text, Some(s)) = (ty, v.as_str())
                && let Some(spec) = self.table.column(name).or_else(|| Table::Beneficiaries.column(name))
                && !spec.allowed.is_empty()
                && !spec.allowed.contains(&s)
            {
                return Err(
                    self.fail(&format!("\"{s}\""), format!("{field}: `{name}` takes {}, found \"{s}\"", spec.allowed.join(", ")))
                );
            }
        }
        Ok(())
    }
}

/// Which optional fields a kind uses; any other set field is an error.
fn uses(kind: Kind, field: &str) -> bool {
    use Kind::*;
    match field {
        "numerator" | "numerator_sum" => kind == Share,
        "denominator_sum" => matches!(kind, Share | Ratio),
        "measure" => matches!(kind, JobsChange | NewJobsShare | Stock | Ratio),
        "part" => kind == NewJobsShare,
        "mode" => kind == JobsChange,
        "window.date" => matches!(kind, Count | Share),
        "window.baseline" | "window.measure_at" | "window.offset_months" => matches!(kind, JobsChange | NewJobsShare),
        "window.from" => kind == Ratio,
        "window.years" => kind == CohortSurvival,
        "window.horizons_months" | "window.origin" | "conf_type" => kind == KaplanMeier,
        "takeover" => kind == KaplanMeier,
        "ci" => matches!(kind, Share | NewJobsShare | CohortSurvival),
        _ => true,
    }
}

/// Parse and check one definition file's text.
pub fn parse(file: &str, text: &str) -> Result<LoadedDefinition> {
    let def: Definition = toml::from_str(text).map_err(|e| Error::Definition {
        file: file.to_string(),
        line: e.span().map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1),
        message: e.message().trim_end().to_string(),
    })?;
    let table = match def.table.as_deref() {
        None => def.kind.default_table(),
        Some("beneficiaries") => Table::Beneficiaries,
        Some("participants") if matches!(def.kind, Kind::Count | Kind::Share) => Table::Participants,
        Some(other) => {
            return Err(Error::Definition {
                file: file.into(),
                line: line_of(text, "table"),
                message: format!(
                    "table: expected `beneficiaries`{}, found `{other}`",
                    if matches!(def.kind, Kind::Count | Kind::Share) {
                        " or `participants`"
                    } else {
                        " (panel kinds count beneficiaries)"
                    }
                ),
            });
        }
    };
    let ck = Checker { file, text, table };
    if def.id.trim().is_empty() || def.id.contains(char::is_whitespace) {
        return Err(ck.fail("id", format!("id: expected a non-empty id without spaces, found \"{}\"", def.id)));
    }
    let version_ok = def.version.split('.').count() == 3 && def.version.split('.').all(|p| p.parse::<u32>().is_ok());
    if !version_ok {
        return Err(ck.fail("version", format!("version: expected MAJOR.MINOR.PATCH, found \"{}\"", def.version)));
    }
    let set: [(&str, bool); 15] = [
        ("numerator", !def.numerator.is_empty()),
        ("numerator_sum", def.numerator_sum.is_some()),
        ("denominator_sum", def.denominator_sum.is_some()),
        ("measure", def.measure.is_some()),
        ("part", def.part.is_some()),
        ("mode", def.mode.is_some()),
        ("window.date", def.window.date.is_some()),
        ("window.baseline", def.window.baseline.is_some()),
        ("window.measure_at", def.window.measure_at.is_some()),
        ("window.offset_months", def.window.offset_months.is_some()),
        ("window.from", def.window.from.is_some()),
        ("window.years", def.window.years.is_some()),
        ("window.horizons_months", def.window.horizons_months.is_some() || def.window.origin.is_some()),
        ("conf_type", def.conf_type.is_some()),
        ("takeover", def.takeover.is_some()),
    ];
    for (field, present) in set {
        if present && !uses(def.kind, field) {
            let key = field.rsplit('.').next().unwrap_or(field);
            return Err(
                ck.fail(key, format!("{field} does not apply to kind `{}` (remove it, or choose another kind)", def.kind.name()))
            );
        }
    }
    if def.ci.is_some() && !uses(def.kind, "ci") {
        return Err(ck.fail("ci", format!("ci does not apply to kind `{}`", def.kind.name())));
    }
    for c in &def.population {
        ck.condition("population", c)?;
    }
    for c in &def.numerator {
        ck.condition("numerator", c)?;
    }
    for name in &def.disaggregations {
        ck.column("disaggregations", name)?;
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
                ck.column("numerator_sum", n)?;
                ck.column("denominator_sum", d)?;
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
                ck.panel_measure("part", part)?;
            } else if def.kind == Kind::NewJobsShare {
                return Err(ck.fail("kind", "new_jobs_share: expected `part` (e.g. \"women\"), found none".into()));
            }
            if let Some(mode) = &def.mode
                && mode != "gross"
                && mode != "net"
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
                ck.column("denominator_sum", den)?;
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
    Ok(LoadedDefinition { def, file: file.to_string(), hash: format!("sha256:{hash}"), table })
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
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let mut out = Vec::new();
    for (file, text) in items {
        let loaded = parse(file, text)?;
        if let Some(first) = seen.get(&loaded.def.id) {
            return Err(Error::DuplicateId { id: loaded.def.id.clone(), first: first.clone(), second: file.to_string() });
        }
        seen.insert(loaded.def.id.clone(), file.to_string());
        out.push(loaded);
    }
    Ok(out)
}
