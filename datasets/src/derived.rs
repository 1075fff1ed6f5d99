//! Domain rules derived from panel columns that more than one consumer applies.
//!
//! **Why here.** Indicators (cohort survival, Kaplan-Meier) and payouts (clawbacks on closure)
//! must agree on what a "death" is, to the day. Both sit above this crate in the one-way flow
//! datasets → indicators → engine, so the rule lives once here, next to the columns it reads
//! (`beneficiaries.ceased_on`, `cessation_reason`, `reactivated_on`), in two forms that are
//! tested equal: [`is_death`] for one beneficiary (payout traces) and [`death_expr`] for a whole
//! table (the polars backend). Neither side may re-implement it.
//!
//! **The rule.** The Eurostat-OECD *Manual on Business Demography Statistics* (2007) defines
//! enterprise deaths as closures minus reactivations within two years: a closure followed by a
//! reactivation within two years is not a death. The manual counts in reference years; for the
//! dated events of a beneficiary panel we read "within two years" as *within 24 calendar
//! months of the closure day, to the day*: a closure on day D is not a death when the entity is
//! reactivated on or before D + 24 months, where adding months clamps to the month end as
//! chrono's `checked_add_months` does (2020-02-29 + 24 months = 2022-02-28; 2020-01-31 + 24
//! months = 2022-01-31). So ceased 2020-01-15 and reactivated 2022-01-15 is not a death, and
//! reactivated 2022-01-20 is one.
//!
//! **As-of dates.** A death is judged with what is known at the as-of date: the closure must be
//! on or before it, and a reactivation dated after the as-of date is not yet known, so it does
//! not count (an entity closed in June 2024 and not yet reactivated on 31 December 2024 is a
//! death as of that date, whether or not it reopens in 2025). Only `cessation_reason =
//! "closure"` can be a death; a merger or take-over is survival (Eurostat-OECD "survival by
//! take-over").

use chrono::{Months, NaiveDate};
use polars::prelude::*;

/// Months after the closure day within which a reactivation cancels the death (Eurostat-OECD:
/// "within two years").
pub const REACTIVATION_MONTHS: u32 = 24;

/// Is this beneficiary dead as of `as_of` under the Eurostat-OECD rule (see the module docs)?
///
/// A death is a cessation with reason `closure` on or before `as_of`, not followed by a
/// reactivation on or before `ceased_on` + [`REACTIVATION_MONTHS`] months (month-end clamped)
/// that is itself on or before `as_of`.
pub fn is_death(ceased_on: NaiveDate, reason: Option<&str>, reactivated_on: Option<NaiveDate>, as_of: NaiveDate) -> bool {
    if reason != Some("closure") || ceased_on > as_of {
        return false;
    }
    let reactivated_in_time = reactivated_on.is_some_and(|re| {
        // Beyond the last representable date every reactivation is within the window.
        re <= as_of && ceased_on.checked_add_months(Months::new(REACTIVATION_MONTHS)).is_none_or(|limit| re <= limit)
    });
    !reactivated_in_time
}

/// year × 12 + month − 1 of a date column.
fn month_index(e: Expr) -> Expr {
    e.clone().dt().year().cast(DataType::Int32) * lit(12) + e.dt().month().cast(DataType::Int32) - lit(1)
}

/// [`is_death`] as a polars expression over the columns `ceased_on` (date),
/// `cessation_reason` (text) and `reactivated_on` (date), as of `as_of_days` (days since
/// 1970-01-01). Never null: a row with an unknown cessation date or reason is not a death.
///
/// With the month index m = year × 12 + month − 1, `re ≤ ce + 24 months` (month-end clamped)
/// holds exactly when m(re) − m(ce) < 24, or m(re) − m(ce) = 24 and day(re) ≤ day(ce): in the
/// 24th month the clamped limit is min(day(ce), month length) and day(re) never exceeds the
/// month length. So no calendar arithmetic is needed on the table.
pub fn death_expr(as_of_days: i32) -> Expr {
    let as_of = || lit(as_of_days).cast(DataType::Date);
    let (ce, re) = (|| col("ceased_on"), || col("reactivated_on"));
    let months = month_index(re()) - month_index(ce());
    let window = REACTIVATION_MONTHS as i32;
    let within = months.clone().lt(lit(window)).or(months.eq(lit(window)).and(re().dt().day().lt_eq(ce().dt().day())));
    // `false and null` is false in polars, so a missing reactivation is simply "not reactivated".
    let reactivated_in_time = re().is_not_null().and(re().lt_eq(as_of())).and(within);
    col("cessation_reason").eq(lit("closure")).and(ce().lt_eq(as_of())).and(reactivated_in_time.not()).fill_null(lit(false))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
    }

    fn days(date: NaiveDate) -> i32 {
        (date - d(1970, 1, 1)).num_days() as i32
    }

    /// `death_expr` over rows of (ceased, reason, reactivated), as of `as_of`.
    fn deaths_by_expr(rows: &[(NaiveDate, Option<&str>, Option<NaiveDate>)], as_of: NaiveDate) -> Vec<bool> {
        let ceased: Vec<i32> = rows.iter().map(|r| days(r.0)).collect();
        let reasons: Vec<Option<&str>> = rows.iter().map(|r| r.1).collect();
        let reactivated: Vec<Option<i32>> = rows.iter().map(|r| r.2.map(days)).collect();
        let df = df!("ceased_on" => ceased, "cessation_reason" => reasons, "reactivated_on" => reactivated).expect("frame");
        let out = df
            .lazy()
            .with_columns([col("ceased_on").cast(DataType::Date), col("reactivated_on").cast(DataType::Date)])
            .select([death_expr(days(as_of)).alias("death")])
            .collect()
            .expect("evaluates");
        let deaths = out.column("death").expect("column").bool().expect("bool").clone();
        deaths.iter().map(|v| v.expect("never null")).collect()
    }

    #[test]
    fn the_expression_equals_is_death_over_a_grid_of_dates() {
        // Every closure day of 2019-2021 (incl. month ends and 2020-02-29) × reactivations from
        // 5 days before to 5 days after the 24-month limit, no reactivation, and an early one;
        // a take-over and an unknown reason on the same days.
        let mut rows = Vec::new();
        let mut ceased = d(2019, 1, 1);
        while ceased <= d(2021, 12, 31) {
            let limit = ceased.checked_add_months(Months::new(24)).expect("in range");
            for offset in -5..=5i64 {
                rows.push((ceased, Some("closure"), Some(limit + chrono::Duration::days(offset))));
            }
            rows.push((ceased, Some("closure"), None));
            rows.push((ceased, Some("closure"), Some(ceased + chrono::Duration::days(200))));
            rows.push((ceased, Some("takeover"), None));
            rows.push((ceased, None, None));
            ceased = ceased.succ_opt().expect("next day");
        }
        // As of: after everything; inside the window of late closures (reactivations after the
        // as-of date do not count); before some closures.
        for as_of in [d(2030, 12, 31), d(2022, 6, 30), d(2021, 3, 31), d(2023, 2, 28)] {
            let by_expr = deaths_by_expr(&rows, as_of);
            for (row, death) in rows.iter().zip(by_expr) {
                assert_eq!(death, is_death(row.0, row.1, row.2, as_of), "{row:?} as of {as_of}");
            }
        }
        // The grid reaches the clamped cases.
        assert!(rows.iter().any(|r| r.0 == d(2020, 2, 29) && r.2 == Some(d(2022, 2, 28))));
        assert!(rows.iter().any(|r| r.0 == d(2019, 12, 31) && r.2 == Some(d(2021, 12, 31))));
    }

    #[test]
    fn r_reactivation_24_months_plus_days() {
        let as_of = d(2024, 12, 31);
        let closure = Some("closure");
        // Five days past ceased + 24 months: a death (in whole months it was "24 months").
        assert!(is_death(d(2020, 1, 15), closure, Some(d(2022, 1, 20)), as_of));
        // On the day: not a death.
        assert!(!is_death(d(2020, 1, 15), closure, Some(d(2022, 1, 15)), as_of));
        assert_eq!(
            deaths_by_expr(
                &[(d(2020, 1, 15), closure, Some(d(2022, 1, 20))), (d(2020, 1, 15), closure, Some(d(2022, 1, 15)))],
                as_of
            ),
            vec![true, false]
        );
    }

    #[test]
    fn month_ends_clamp_and_leap_days() {
        let as_of = d(2030, 1, 1);
        let closure = Some("closure");
        // 2020-02-29 + 24 months = 2022-02-28.
        assert!(!is_death(d(2020, 2, 29), closure, Some(d(2022, 2, 28)), as_of));
        assert!(is_death(d(2020, 2, 29), closure, Some(d(2022, 3, 1)), as_of));
        // 2019-08-31 + 24 months = 2021-08-31; 2019-12-31 → 2021-12-31.
        assert!(!is_death(d(2019, 8, 31), closure, Some(d(2021, 8, 31)), as_of));
        assert!(is_death(d(2019, 8, 31), closure, Some(d(2021, 9, 1)), as_of));
    }

    #[test]
    fn only_closures_known_at_the_as_of_date_are_deaths() {
        let closure = Some("closure");
        // Reactivated in time, but after the as-of date: not yet known, so a death then.
        assert!(is_death(d(2024, 6, 1), closure, Some(d(2025, 3, 1)), d(2024, 12, 31)));
        assert!(!is_death(d(2024, 6, 1), closure, Some(d(2025, 3, 1)), d(2025, 3, 1)));
        // Closed after the as-of date, a take-over, or no reason: not a death.
        assert!(!is_death(d(2025, 1, 1), closure, None, d(2024, 12, 31)));
        assert!(!is_death(d(2024, 1, 1), Some("takeover"), None, d(2024, 12, 31)));
        assert!(!is_death(d(2024, 1, 1), None, None, d(2024, 12, 31)));
    }
}
