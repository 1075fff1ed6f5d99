//! A checked definition with every default filled in: what compilation reads.
//!
//! The file format ([`super::Definition`]) keeps `Option`s, so the checker can tell a field
//! set for a kind that does not use it from one left out. Once checked, a definition is
//! resolved here, once: each default is a named constant beside the field it fills, and each
//! kind carries exactly the fields it uses, so nothing downstream unwraps or defaults.

use impatto_datasets::schema::Table;

use super::{Definition, Kind, Window};
use crate::error::{Error, Result};
use crate::plan::{Filter, TakeoverRule};
use crate::stats::{CiMethod, ConfType};

/// The table whose rows an indicator counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnitTable {
    /// Beneficiaries (entities). The default, and the only table of the panel kinds.
    Beneficiaries,
    /// Participants (people); count and share only.
    Participants,
}

impl UnitTable {
    /// `table` left out: beneficiaries.
    pub const DEFAULT: UnitTable = UnitTable::Beneficiaries;

    /// The table of the panel format.
    pub fn table(self) -> Table {
        match self {
            UnitTable::Beneficiaries => Table::Beneficiaries,
            UnitTable::Participants => Table::Participants,
        }
    }

    /// The table written `name` in a file of kind `kind`, if that kind may count it.
    pub fn from_name(name: &str, kind: Kind) -> Option<UnitTable> {
        match name {
            "beneficiaries" => Some(UnitTable::Beneficiaries),
            "participants" if matches!(kind, Kind::Count | Kind::Share) => Some(UnitTable::Participants),
            _ => None,
        }
    }
}

/// How jobs_change sums the changes of its units.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Σ max(0, Δ): losses count as 0 (RCR01). The default.
    Gross,
    /// Σ Δ: losses offset gains (IRIS PI3687).
    Net,
}

impl Mode {
    /// `mode` left out: gross.
    pub const DEFAULT: Mode = Mode::Gross;

    /// The mode written `name` (`gross` or `net`).
    pub fn from_name(name: &str) -> Option<Mode> {
        match name {
            "gross" => Some(Mode::Gross),
            "net" => Some(Mode::Net),
            _ => None,
        }
    }
}

/// The month a changed value is measured in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MeasureAt {
    /// The month of this date column (plus the offset).
    Column(String),
    /// The as-of month (`measure_at = "as_of"`).
    AsOf,
}

/// The two months a jobs_change or new_jobs_share compares.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// Month of the baseline value: a date column. Default [`Change::DEFAULT_BASELINE`].
    pub baseline: String,
    /// Month of the measured value. Default the column [`Change::DEFAULT_MEASURE_AT`].
    pub measure_at: MeasureAt,
    /// Months added to `measure_at`, 0 to [`super::MAX_MONTHS`]. Default
    /// [`Change::DEFAULT_OFFSET_MONTHS`].
    pub offset_months: i32,
}

impl Change {
    /// `window.baseline` left out: `support_start`.
    pub const DEFAULT_BASELINE: &'static str = "support_start";
    /// `window.measure_at` left out: `support_end`.
    pub const DEFAULT_MEASURE_AT: &'static str = "support_end";
    /// `window.offset_months` left out: 0.
    pub const DEFAULT_OFFSET_MONTHS: i32 = 0;

    fn resolve(window: &Window) -> Change {
        let measure_at = window.measure_at.as_deref().unwrap_or(Change::DEFAULT_MEASURE_AT);
        Change {
            baseline: window.baseline.clone().unwrap_or_else(|| Change::DEFAULT_BASELINE.into()),
            measure_at: if measure_at == "as_of" { MeasureAt::AsOf } else { MeasureAt::Column(measure_at.into()) },
            offset_months: window.offset_months.unwrap_or(Change::DEFAULT_OFFSET_MONTHS),
        }
    }
}

/// What a share divides.
#[derive(Clone, Debug, PartialEq)]
pub enum ShareOf {
    /// Population rows meeting every filter ÷ population rows.
    Rows(Vec<Filter>),
    /// Σ numerator column ÷ Σ denominator column.
    Sums {
        /// Column summed for the numerator.
        numerator: String,
        /// Column summed for the denominator.
        denominator: String,
    },
}

/// A kind with exactly the fields it uses, defaults filled in.
#[derive(Clone, Debug, PartialEq)]
pub enum Computation {
    /// Number of rows of the population.
    Count,
    /// Share of the population.
    Share {
        /// What is divided.
        of: ShareOf,
        /// Interval method; default [`CiMethod::default`] (Wilson).
        ci: CiMethod,
    },
    /// Σ over units of the change of a panel measure.
    JobsChange {
        /// Panel measure.
        measure: String,
        /// Gross or net; default [`Mode::DEFAULT`].
        mode: Mode,
        /// Months compared.
        change: Change,
    },
    /// Share of new positions held by a group.
    NewJobsShare {
        /// Panel measure (the whole).
        measure: String,
        /// Sub-count of `measure` (the group).
        part: String,
        /// Months compared.
        change: Change,
        /// Interval method; default [`CiMethod::default`] (Wilson).
        ci: CiMethod,
    },
    /// Σ of a panel measure in the as-of month.
    Stock {
        /// Panel measure.
        measure: String,
    },
    /// Σ of a panel measure from a month to the as-of date ÷ Σ a unit column.
    Ratio {
        /// Panel measure summed.
        measure: String,
        /// First month summed (a date column); default [`Computation::DEFAULT_FROM`].
        from: String,
        /// Unit column summed for the denominator.
        denominator_sum: String,
    },
    /// Eurostat-OECD n-year survival of birth cohorts.
    CohortSurvival {
        /// n of t+n (required, 1 to 10).
        years: i32,
        /// Interval method; default [`CiMethod::default`] (Wilson).
        ci: CiMethod,
    },
    /// Kaplan-Meier survival at horizons.
    KaplanMeier {
        /// Origin of time (a date column); default [`Computation::DEFAULT_ORIGIN`].
        origin: String,
        /// Horizons in months, increasing; default [`Computation::DEFAULT_HORIZONS_MONTHS`].
        horizons_months: Vec<u32>,
        /// Interval type; default [`ConfType::default`] (log-log).
        conf_type: ConfType,
        /// Take-overs and mergers; default [`TakeoverRule::default`] (survival).
        takeover: TakeoverRule,
    },
}

impl Computation {
    /// ratio's `window.from` left out: `support_start`.
    pub const DEFAULT_FROM: &'static str = "support_start";
    /// kaplan_meier's `window.origin` left out: `support_start`.
    pub const DEFAULT_ORIGIN: &'static str = "support_start";
    /// kaplan_meier's `window.horizons_months` left out: 1, 2 and 3 years.
    pub const DEFAULT_HORIZONS_MONTHS: [u32; 3] = [12, 24, 36];
}

/// A checked definition with every default applied: what [`crate::compile`] reads.
#[derive(Clone, Debug, PartialEq)]
pub struct Resolved {
    /// The table whose rows are counted; default [`UnitTable::DEFAULT`].
    pub table: UnitTable,
    /// Filters every counted row meets (typed, from `population`).
    pub population: Vec<Filter>,
    /// count/share: rows count only if this date column is on or before the as-of date.
    /// No default: left out, every row counts.
    pub date: Option<String>,
    /// The kind, with its fields.
    pub computation: Computation,
    /// Confidence level; default [`Resolved::DEFAULT_CONFIDENCE`].
    pub confidence: f64,
    /// Cells counting fewer units are suppressed; default [`Resolved::DEFAULT_SMALL_CELL`].
    pub small_cell: u64,
}

impl Resolved {
    /// `confidence` left out: 0.95.
    pub const DEFAULT_CONFIDENCE: f64 = 0.95;
    /// `small_cell` left out: 3, the SISTAN minimum.
    pub const DEFAULT_SMALL_CELL: u64 = 3;
}

/// A field the checker has required for the kind.
fn checked<'a>(value: Option<&'a String>, field: &str, def: &Definition) -> Result<&'a String> {
    value.ok_or_else(|| Error::Internal(format!("{}: `{field}` of kind `{}` passed the checker unset", def.id, def.kind.name())))
}

/// Resolve a definition the checker accepted, with its typed `population` and `numerator`
/// filters. The only place a default is applied.
pub(super) fn resolve(def: &Definition, table: UnitTable, population: Vec<Filter>, numerator: Vec<Filter>) -> Result<Resolved> {
    let w = &def.window;
    let computation = match def.kind {
        Kind::Count => Computation::Count,
        Kind::Share => {
            let of = match (&def.numerator_sum, &def.denominator_sum) {
                (Some(n), Some(d)) => ShareOf::Sums { numerator: n.clone(), denominator: d.clone() },
                _ => ShareOf::Rows(numerator),
            };
            Computation::Share { of, ci: def.ci.unwrap_or_default() }
        }
        Kind::JobsChange => {
            let mode = match def.mode.as_deref() {
                None => Mode::DEFAULT,
                Some(name) => Mode::from_name(name)
                    .ok_or_else(|| Error::Internal(format!("{}: mode `{name}` passed the checker", def.id)))?,
            };
            Computation::JobsChange {
                measure: checked(def.measure.as_ref(), "measure", def)?.clone(),
                mode,
                change: Change::resolve(w),
            }
        }
        Kind::NewJobsShare => Computation::NewJobsShare {
            measure: checked(def.measure.as_ref(), "measure", def)?.clone(),
            part: checked(def.part.as_ref(), "part", def)?.clone(),
            change: Change::resolve(w),
            ci: def.ci.unwrap_or_default(),
        },
        Kind::Stock => Computation::Stock { measure: checked(def.measure.as_ref(), "measure", def)?.clone() },
        Kind::Ratio => Computation::Ratio {
            measure: checked(def.measure.as_ref(), "measure", def)?.clone(),
            from: w.from.clone().unwrap_or_else(|| Computation::DEFAULT_FROM.into()),
            denominator_sum: checked(def.denominator_sum.as_ref(), "denominator_sum", def)?.clone(),
        },
        Kind::CohortSurvival => Computation::CohortSurvival {
            years: w.years.ok_or_else(|| Error::Internal(format!("{}: window.years passed the checker unset", def.id)))?,
            ci: def.ci.unwrap_or_default(),
        },
        Kind::KaplanMeier => Computation::KaplanMeier {
            origin: w.origin.clone().unwrap_or_else(|| Computation::DEFAULT_ORIGIN.into()),
            horizons_months: w.horizons_months.clone().unwrap_or_else(|| Computation::DEFAULT_HORIZONS_MONTHS.to_vec()),
            conf_type: def.conf_type.unwrap_or_default(),
            takeover: def.takeover.unwrap_or_default(),
        },
    };
    Ok(Resolved {
        table,
        population,
        date: w.date.clone(),
        computation,
        confidence: def.confidence.unwrap_or(Resolved::DEFAULT_CONFIDENCE),
        small_cell: def.small_cell.unwrap_or(Resolved::DEFAULT_SMALL_CELL),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::definition::parse;
    use crate::plan::{Literal, Op, Operand};

    const HEAD: &str = r#"id = "T-01"
version = "1.0.0"
name = { it = "Prova", en = "Test" }
description = "test"
"#;

    fn resolved(body: &str) -> Resolved {
        parse("T-01.toml", &format!("{HEAD}{body}")).expect("a valid definition").resolved
    }

    #[test]
    fn a_share_without_optional_fields_takes_every_default() {
        let r = resolved(
            r#"unit = "share"
kind = "share"
population = [{ column = "funded", op = "eq", value = true }]
numerator = [{ column = "kind", op = "eq", value = "enterprise" }]
"#,
        );
        assert_eq!(r.table, UnitTable::Beneficiaries);
        assert_eq!(r.confidence, 0.95);
        assert_eq!(r.small_cell, 3);
        assert_eq!(r.date, None);
        assert_eq!(r.population, vec![Filter::column("funded", Op::Eq, Literal::Bool(true))]);
        assert_eq!(
            r.computation,
            Computation::Share {
                of: ShareOf::Rows(vec![Filter::column("kind", Op::Eq, Literal::Text("enterprise".into()))]),
                ci: CiMethod::Wilson,
            }
        );
    }

    #[test]
    fn set_fields_override_the_defaults() {
        let r = resolved(
            r#"unit = "share"
kind = "share"
table = "participants"
numerator = [{ column = "gender", op = "eq", value = "F" }]
window = { date = "entry_date" }
ci = "clopper-pearson"
confidence = 0.9
small_cell = 5
"#,
        );
        assert_eq!(r.table, UnitTable::Participants);
        assert_eq!((r.confidence, r.small_cell), (0.9, 5));
        assert_eq!(r.date.as_deref(), Some("entry_date"));
        assert!(matches!(r.computation, Computation::Share { ci: CiMethod::ClopperPearson, .. }));
    }

    #[test]
    fn jobs_change_defaults_to_gross_from_support_start_to_support_end() {
        let r = resolved("unit = \"FTE\"\nkind = \"jobs_change\"\nmeasure = \"fte\"\n");
        let change =
            Change { baseline: "support_start".into(), measure_at: MeasureAt::Column("support_end".into()), offset_months: 0 };
        assert_eq!(r.computation, Computation::JobsChange { measure: "fte".into(), mode: Mode::Gross, change });
    }

    #[test]
    fn jobs_change_net_at_the_as_of_month() {
        let r = resolved(
            "unit = \"FTE\"\nkind = \"jobs_change\"\nmeasure = \"fte\"\nmode = \"net\"\nwindow = { measure_at = \"as_of\", offset_months = 6 }\n",
        );
        let change = Change { baseline: "support_start".into(), measure_at: MeasureAt::AsOf, offset_months: 6 };
        assert_eq!(r.computation, Computation::JobsChange { measure: "fte".into(), mode: Mode::Net, change });
    }

    #[test]
    fn ratio_sums_from_support_start_by_default() {
        let r = resolved(
            "unit = \"ratio\"\nkind = \"ratio\"\nmeasure = \"private_investment_cents\"\ndenominator_sum = \"grant_cents\"\n",
        );
        assert_eq!(
            r.computation,
            Computation::Ratio {
                measure: "private_investment_cents".into(),
                from: "support_start".into(),
                denominator_sum: "grant_cents".into()
            }
        );
    }

    #[test]
    fn kaplan_meier_defaults_to_one_two_three_years_log_log_and_takeover_as_survival() {
        let r = resolved("unit = \"probability\"\nkind = \"kaplan_meier\"\n");
        assert_eq!(
            r.computation,
            Computation::KaplanMeier {
                origin: "support_start".into(),
                horizons_months: vec![12, 24, 36],
                conf_type: ConfType::LogLog,
                takeover: TakeoverRule::Survival,
            }
        );
    }

    #[test]
    fn cohort_survival_keeps_its_years_and_defaults_to_wilson() {
        let r = resolved("unit = \"share\"\nkind = \"cohort_survival\"\nwindow = { years = 3 }\n");
        assert_eq!(r.computation, Computation::CohortSurvival { years: 3, ci: CiMethod::Wilson });
    }

    #[test]
    fn a_date_condition_becomes_its_day_number() {
        let r = resolved(
            r#"unit = "entities"
kind = "count"
population = [{ column = "support_start", op = "ge", value = 2020-01-01 }, { column = "support_start", op = "lt", value = 1970-01-02 }]
"#,
        );
        // 2020-01-01 is 18 262 days after 1970-01-01 (50 years, 12 of them leap).
        assert_eq!(
            r.population,
            vec![
                Filter::column("support_start", Op::Ge, Literal::Date(18_262)),
                Filter::column("support_start", Op::Lt, Literal::Date(1)),
            ]
        );
    }

    #[test]
    fn a_fraction_condition_keeps_its_exact_numerator_and_denominator() {
        let r = resolved(
            r#"unit = "share"
kind = "share"
numerator = [{ numerator = "founders_women", denominator = "founders_total", op = "ge", fraction = "2/3" }]
"#,
        );
        let Computation::Share { of: ShareOf::Rows(filters), .. } = r.computation else {
            panic!("a share of rows: {:?}", r.computation);
        };
        assert_eq!(
            filters,
            vec![Filter {
                column: Operand::Ratio { numerator: "founders_women".into(), denominator: "founders_total".into() },
                op: Op::Ge,
                literal: Literal::Fraction { numerator: 2, denominator: 3 },
            }]
        );
    }

    #[test]
    fn lists_and_null_tests_are_typed_too() {
        let r = resolved(
            r#"unit = "entities"
kind = "count"
population = [{ column = "kind", op = "in", values = ["enterprise", "association"] }, { column = "edition", op = "not_in", values = [2018] }, { column = "founded_on", op = "is_null" }]
"#,
        );
        assert_eq!(
            r.population,
            vec![
                Filter::column(
                    "kind",
                    Op::In,
                    Literal::List(vec![Literal::Text("enterprise".into()), Literal::Text("association".into())])
                ),
                Filter::column("edition", Op::NotIn, Literal::List(vec![Literal::Integer(2018)])),
                Filter::column("founded_on", Op::IsNull, Literal::Absent),
            ]
        );
    }

    #[test]
    fn a_date_condition_without_a_calendar_date_is_refused() {
        let text = format!(
            "{HEAD}unit = \"entities\"\nkind = \"count\"\npopulation = [{{ column = \"support_start\", op = \"ge\", value = 10:30:00 }}]\n"
        );
        let e = parse("T-01.toml", &text).expect_err("a time is not a date").to_string();
        assert!(e.starts_with("T-01.toml:7: population: `support_start` is a date, expected a calendar date"), "{e}");
    }
}
